//! The audit chain on PostgreSQL: walked as on SQLite, and appended to in
//! the transaction of the change it records: queued there, and chained by
//! the database as that transaction commits, one commit at a time across
//! every host (the kept head's row lock serialises the chain).

use postgres::fallible_iterator::FallibleIterator;
use postgres::Transaction;

use super::tx::Tx;

use crate::actor::Actor;
use crate::domain::audit::{ChainWalk, GENESIS};
use crate::domain::AuditEntry;
use crate::store::{codec, Result, Verified};

/// Walks the whole chain: its length and head, or where it first breaks.
pub fn chain(tx: &mut Transaction<'_>) -> Result<Verified> {
    let mut walk = ChainWalk::default();
    let mut rows = tx.query_raw(
        "SELECT id, at, actor, action, entity, entity_id, summary, prev_hash, row_hash FROM audit ORDER BY id",
        std::iter::empty::<i64>(),
    )?;
    while let Some(r) = rows.next()? {
        let entry = AuditEntry {
            id: r.get(0),
            at: codec::instant(r.get(1)),
            actor: r.get(2),
            action: r.get(3),
            entity: r.get(4),
            entity_id: r.get(5),
            summary: r.get(6),
        };
        let hash = |i: usize| {
            r.get::<_, Option<Vec<u8>>>(i)
                .and_then(|b| <[u8; 32]>::try_from(b.as_slice()).ok())
                .unwrap_or([0xff; 32])
        };
        if let Err(broken) = walk.step(&entry, &hash(7), &hash(8)) {
            return Ok(Err(broken));
        }
    }
    Ok(Ok(walk.head()))
}

/// The head the chain keeps (`audit_head`): its rows and hash.
pub fn kept_head(tx: &mut Transaction<'_>) -> Result<Option<(u64, [u8; 32])>> {
    Ok(tx
        .query_opt("SELECT rows, head FROM audit_head WHERE id = 1", &[])?
        .map(|r| {
            let head: Option<Vec<u8>> = r.get(1);
            (
                r.get::<_, i64>(0).max(0) as u64,
                head.and_then(|b| <[u8; 32]>::try_from(b.as_slice()).ok())
                    .unwrap_or(GENESIS),
            )
        }))
}

/// Appends the audit row of a job over the whole database, in `tx`.
pub fn record_job(
    tx: &mut Tx<'_>,
    at: i64,
    actor: &Actor,
    action: &str,
    summary: &str,
) -> Result<()> {
    append(tx, at, actor, action, "database", None, summary)
}

/// Appends the audit row of a change to one row (`action` is `table.verb`
/// and names the table), in the change's transaction.
pub fn record(
    tx: &mut Tx<'_>,
    at: i64,
    actor: &Actor,
    action: &str,
    id: i64,
    summary: &str,
) -> Result<()> {
    let entity = action.split_once('.').map_or(action, |(table, _)| table);
    append(tx, at, actor, action, entity, Some(id), summary)
}

/// Appends one row to the chain, in `tx`: queued there, and chained by
/// [`chain_queued`] once `tx` has committed.
fn append(
    tx: &mut Tx<'_>,
    at: i64,
    actor: &Actor,
    action: &str,
    entity: &str,
    entity_id: Option<i64>,
    summary: &str,
) -> Result<()> {
    tx.execute(
        "INSERT INTO audit_queue (at, actor, action, entity, entity_id, summary)
         VALUES ($1, $2, $3, $4, $5, $6)",
        &[&at, &actor.as_str(), &action, &entity, &entity_id, &summary],
    )?;
    Ok(())
}

/// Chains the queued audit rows onto the trail, in the order they were
/// queued: numbered after the kept head and hashed as
/// [`AuditEntry::chain_hash`] hashes, in one transaction holding the head's
/// row. Another connection chaining already (the row locked) will take
/// these rows too: it looks again after each commit, until none are left,
/// so a row committed while it chained is never left behind. Returns how
/// many rows this connection chained.
pub fn chain_queued(client: &mut postgres::Client) -> Result<usize> {
    let mut chained = 0;
    loop {
        let mut tx = client.transaction()?;
        let kept = match tx.query_opt(
            "SELECT rows, head FROM audit_head WHERE id = 1 FOR UPDATE SKIP LOCKED",
            &[],
        )? {
            Some(r) => r,
            None => {
                // Locked by the connection chaining now, or not there yet
                // (a database migrated, never ported into: its first row).
                let there: bool = tx
                    .query_one("SELECT EXISTS (SELECT 1 FROM audit_head)", &[])?
                    .get(0);
                if there {
                    return Ok(chained);
                }
                let made = tx.execute(
                    "INSERT INTO audit_head (id, rows, head) VALUES (1, 0, NULL)
                     ON CONFLICT (id) DO NOTHING",
                    &[],
                )?;
                if made == 0 {
                    return Ok(chained);
                }
                tx.query_one("SELECT rows, head FROM audit_head WHERE id = 1", &[])?
            }
        };
        let mut queued = tx.query(
            "DELETE FROM audit_queue RETURNING n, at, actor, action, entity, entity_id, summary",
            &[],
        )?;
        if queued.is_empty() {
            // (Nothing to keep: not even the lock's mark, which a commit
            // would flush.)
            tx.rollback()?;
            return Ok(chained);
        }
        queued.sort_by_key(|r| r.get::<_, i64>(0));
        let last_id: i64 = kept.get(0);
        let head: Option<Vec<u8>> = kept.get(1);
        let mut prev = if last_id == 0 {
            GENESIS
        } else {
            head.and_then(|b| <[u8; 32]>::try_from(b.as_slice()).ok())
                .unwrap_or([0xff; 32])
        };
        let mut rows = Columns::default();
        for (id, r) in (last_id + 1..).zip(&queued) {
            let entry = AuditEntry {
                id,
                at: codec::instant(r.get(1)),
                actor: r.get(2),
                action: r.get(3),
                entity: r.get(4),
                entity_id: r.get(5),
                summary: r.get(6),
            };
            let hash = entry.chain_hash(&prev);
            rows.ids.push(entry.id);
            rows.ats.push(r.get(1));
            rows.actors.push(entry.actor);
            rows.actions.push(entry.action);
            rows.entities.push(entry.entity);
            rows.entity_ids.push(entry.entity_id);
            rows.summaries.push(entry.summary);
            rows.prevs.push(prev.to_vec());
            rows.hashes.push(hash.to_vec());
            prev = hash;
        }
        // (One statement for the lot; `audit_head` follows by its trigger.)
        tx.execute(
            "INSERT INTO audit (id, at, actor, action, entity, entity_id, summary, prev_hash, row_hash)
             SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::text[],
                                  $6::bigint[], $7::text[], $8::bytea[], $9::bytea[])
             ORDER BY 1",
            &[
                &rows.ids,
                &rows.ats,
                &rows.actors,
                &rows.actions,
                &rows.entities,
                &rows.entity_ids,
                &rows.summaries,
                &rows.prevs,
                &rows.hashes,
            ],
        )?;
        tx.commit()?;
        chained += queued.len();
    }
}

/// Audit rows by column, for one `INSERT … SELECT FROM unnest(…)`.
#[derive(Default)]
struct Columns {
    ids: Vec<i64>,
    ats: Vec<i64>,
    actors: Vec<String>,
    actions: Vec<String>,
    entities: Vec<String>,
    entity_ids: Vec<Option<i64>>,
    summaries: Vec<String>,
    prevs: Vec<Vec<u8>>,
    hashes: Vec<Vec<u8>>,
}
