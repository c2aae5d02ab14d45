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

/// Appends one row to the chain, in `tx`: queued, and chained by the
/// database as the transaction commits (`audit_chained` in the schema:
/// numbered after the head and hashed as [`AuditEntry::chain_hash`]
/// hashes, under the head's row lock held for the commit alone), so that
/// writers on every host wait for each other only while committing.
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
