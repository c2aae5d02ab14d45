//! The audit chain on PostgreSQL: walked as on SQLite, and appended to in
//! the transaction of the change it records, one writer at a time across
//! every host (a transaction-scoped advisory lock serialises the chain).

use postgres::fallible_iterator::FallibleIterator;
use postgres::Transaction;

use super::store::Tx;

use crate::actor::Actor;
use crate::domain::audit::{ChainWalk, GENESIS};
use crate::domain::AuditEntry;
use crate::store::{codec, Result, Verified};

/// The advisory lock of the audit chain (one chain a database).
const CHAIN_LOCK: i64 = 0x616c_6265_7267_7565; // "albergue"

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

/// Appends one row to the chain, in `tx`: the chain's lock is taken first,
/// so the head read here is still the head at the insert, whichever host
/// writes (the lock is held to the transaction's end).
fn append(
    tx: &mut Tx<'_>,
    at: i64,
    actor: &Actor,
    action: &str,
    entity: &str,
    entity_id: Option<i64>,
    summary: &str,
) -> Result<()> {
    // The kept head, its row locked to the transaction's end: a second
    // writer waits here, then reads the head the first wrote (read
    // committed re-reads a row locked for update once it is free).
    let kept = tx.query_opt(
        "SELECT rows, head FROM audit_head WHERE id = 1 FOR UPDATE",
        &[],
    )?;
    let last = match kept {
        Some(r) => Some(r),
        None => {
            // No head kept yet (a database migrated, never ported into):
            // the chain's advisory lock, and its newest row.
            tx.execute("SELECT pg_advisory_xact_lock($1)", &[&CHAIN_LOCK])?;
            tx.query_opt(
                "SELECT id, row_hash FROM audit ORDER BY id DESC LIMIT 1",
                &[],
            )?
        }
    };
    let (last_id, prev) = match last {
        Some(r) if r.get::<_, i64>(0) > 0 => {
            let hash: Option<Vec<u8>> = r.get(1);
            (
                r.get::<_, i64>(0),
                hash.and_then(|b| <[u8; 32]>::try_from(b.as_slice()).ok())
                    .unwrap_or([0xff; 32]),
            )
        }
        _ => (0, GENESIS),
    };
    let entry = AuditEntry {
        id: last_id + 1,
        at: codec::instant(at),
        actor: actor.as_str().to_string(),
        action: action.to_string(),
        entity: entity.to_string(),
        entity_id,
        summary: summary.to_string(),
    };
    let hash = entry.chain_hash(&prev);
    tx.execute(
        "INSERT INTO audit (id, at, actor, action, entity, entity_id, summary, prev_hash, row_hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        &[
            &entry.id,
            &at,
            &entry.actor,
            &entry.action,
            &entry.entity,
            &entry.entity_id,
            &entry.summary,
            &&prev[..],
            &&hash[..],
        ],
    )?;
    Ok(())
}
