//! Audit rows: written inside the transaction of the change they record.

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension, Transaction};

use super::{codec, Result, Store};
use crate::actor::Actor;
use crate::domain::audit::{ChainBreak, ChainWalk, GENESIS};
use crate::domain::AuditEntry;

/// Appends the audit row of a change to one row: `action` is
/// `table.verb` (`appointment.confirm`) and names the table. `summary` holds
/// field names, statuses and counts, never personal values.
pub(super) fn record(
    tx: &Transaction<'_>,
    at: DateTime<Utc>,
    actor: &Actor,
    action: &str,
    id: i64,
    summary: &str,
) -> Result<()> {
    let entity = action.split_once('.').map_or(action, |(table, _)| table);
    append(tx, at, actor, action, entity, Some(id), summary)
}

/// Appends the audit row of a job over the whole database (a load, an
/// export, an import).
pub(super) fn record_job(
    tx: &Transaction<'_>,
    at: DateTime<Utc>,
    actor: &Actor,
    action: &str,
    summary: &str,
) -> Result<()> {
    append(tx, at, actor, action, "database", None, summary)
}

fn append(
    tx: &Transaction<'_>,
    at: DateTime<Utc>,
    actor: &Actor,
    action: &str,
    entity: &str,
    entity_id: Option<i64>,
    summary: &str,
) -> Result<()> {
    // The chain's head, read inside the write transaction: no other writer
    // can append between this read and the insert.
    let (last_id, prev) = head(tx)?;
    let entry = AuditEntry {
        id: last_id + 1,
        at: codec::instant(codec::secs(at)),
        actor: actor.as_str().to_string(),
        action: action.to_string(),
        entity: entity.to_string(),
        entity_id,
        summary: summary.to_string(),
    };
    let hash = entry.chain_hash(&prev);
    tx.prepare_cached(
        "INSERT INTO audit (id, at, actor, action, entity, entity_id, summary, prev_hash, row_hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![
        entry.id,
        codec::secs(at),
        entry.actor,
        action,
        entity,
        entity_id,
        summary,
        &prev[..],
        &hash[..],
    ])?;
    Ok(())
}

/// The newest row's id and hash (0 and the genesis hash when there is none).
fn head(conn: &rusqlite::Connection) -> rusqlite::Result<(i64, [u8; 32])> {
    conn.prepare_cached("SELECT id, row_hash FROM audit ORDER BY id DESC LIMIT 1")?
        .query_row([], |r| Ok((r.get::<_, i64>(0)?, hash_of(r, 1)?)))
        .optional()
        .map(|found| found.unwrap_or((0, GENESIS)))
}

/// A stored hash, read from column `idx` (NULL or the wrong size reads as
/// all zeros and so never matches).
fn hash_of(r: &rusqlite::Row<'_>, idx: usize) -> rusqlite::Result<[u8; 32]> {
    let bytes: Option<Vec<u8>> = r.get(idx)?;
    Ok(bytes
        .and_then(|b| <[u8; 32]>::try_from(b.as_slice()).ok())
        .unwrap_or([0xff; 32]))
}

const APPEND_ONLY: &str = "
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only: its rows cannot be changed'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only: its rows cannot be removed'); END;";

/// The trigger that keeps `audit_head` (migration 0010), as made there.
const HEAD_FOLLOWS: &str = "
CREATE TRIGGER audit_head_follows AFTER INSERT ON audit
BEGIN UPDATE audit_head SET rows = NEW.id, head = NEW.row_hash WHERE id = 1; ";

/// A walk of the chain: its length and head, or where it breaks.
pub type Verified = std::result::Result<(u64, [u8; 32]), ChainBreak>;

/// How the chain compares with a head recorded earlier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuditMatch {
    /// The recorded row is there with the recorded hash.
    Same,
    /// The chain holds fewer rows than were recorded: rows were removed.
    Shorter(u64),
    /// The chain holds the row, with another hash: rewritten since.
    Rewritten,
    /// The chain itself is broken before that row.
    Broken(ChainBreak),
}

/// Walks the chain on `conn` (the first `limit` rows, or all).
pub(super) fn verify(conn: &rusqlite::Connection, limit: Option<u64>) -> Result<Verified> {
    let mut stmt = conn.prepare(
        "SELECT id, at, actor, action, entity, entity_id, summary, prev_hash, row_hash
         FROM audit ORDER BY id LIMIT ?1",
    )?;
    let limit = limit.map_or(-1, |l| i64::try_from(l).unwrap_or(i64::MAX));
    let mut rows = stmt.query([limit])?;
    let mut walk = ChainWalk::default();
    while let Some(r) = rows.next()? {
        if let Err(broken) = walk.step(&entry(r)?, &hash_of(r, 7)?, &hash_of(r, 8)?) {
            return Ok(Err(broken));
        }
    }
    Ok(Ok(walk.head()))
}

/// Schema version 4: chains the rows written before it, in id order, then
/// makes the table append-only.
pub(super) fn chain_existing(tx: &Transaction<'_>) -> rusqlite::Result<()> {
    let rows: Vec<AuditEntry> = tx
        .prepare("SELECT id, at, actor, action, entity, entity_id, summary FROM audit ORDER BY id")?
        .query_map([], entry)?
        .collect::<rusqlite::Result<_>>()?;
    let mut prev = GENESIS;
    let mut update = tx.prepare("UPDATE audit SET prev_hash = ?2, row_hash = ?3 WHERE id = ?1")?;
    for e in rows {
        let hash = e.chain_hash(&prev);
        update.execute(params![e.id, &prev[..], &hash[..]])?;
        prev = hash;
    }
    tx.execute_batch(APPEND_ONLY)
}

fn entry(r: &rusqlite::Row<'_>) -> rusqlite::Result<AuditEntry> {
    Ok(AuditEntry {
        id: r.get(0)?,
        at: codec::instant(r.get(1)?),
        actor: r.get(2)?,
        action: r.get(3)?,
        entity: r.get(4)?,
        entity_id: r.get(5)?,
        summary: r.get(6)?,
    })
}

impl Store {
    /// The audit trail of one row, oldest first.
    pub fn audit_for(&self, entity: &str, id: i64) -> Result<Vec<AuditEntry>> {
        for table in ["person", "household", "appointment"] {
            if entity == table {
                self.guard(table, id)?;
            }
        }
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, at, actor, action, entity, entity_id, summary
             FROM audit WHERE entity = ?1 AND entity_id = ?2 ORDER BY id",
        )?;
        let rows = stmt.query_map(params![entity, id], entry)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The audit trail of a person: their own row and their appointments', oldest first.
    pub fn audit_for_person(&self, person_id: i64) -> Result<Vec<AuditEntry>> {
        self.guard("person", person_id)?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, at, actor, action, entity, entity_id, summary FROM audit
             WHERE (entity = 'person' AND entity_id = ?1)
                OR (entity = 'appointment' AND entity_id IN
                    (SELECT id FROM appointment WHERE person_id = ?1))
             ORDER BY id",
        )?;
        let rows = stmt.query_map([person_id], entry)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Walks the whole audit chain: its length and head hash, or where it
    /// first breaks (a row changed, removed or inserted behind albergue's
    /// back).
    pub fn verify_audit(&self) -> Result<Verified> {
        verify(&self.conn, None)
    }

    /// What is missing of what keeps the audit trail append-only: each of
    /// its two triggers, unless it is there as albergue made it. (Whoever
    /// can write the file can drop them; `check` then says so.)
    pub fn append_only_problems(&self) -> Result<Vec<String>> {
        let mut problems = Vec::new();
        let version: i64 = self
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))?;
        let head_kept = version >= 10;
        let statements = APPEND_ONLY
            .split("END;")
            .chain(head_kept.then_some(HEAD_FOLLOWS))
            .filter(|s| !s.trim().is_empty());
        for statement in statements {
            let expected = format!("{} END", statement.trim());
            let name = expected.split_whitespace().nth(2).unwrap_or_default();
            let found: Option<String> = self
                .conn
                .query_row(
                    "SELECT sql FROM sqlite_schema WHERE type = 'trigger' AND name = ?1",
                    [name],
                    |r| r.get(0),
                )
                .optional()?;
            let same =
                found.is_some_and(|sql| sql.split_whitespace().eq(expected.split_whitespace()));
            if !same {
                problems.push(format!(
                    "the audit trail is not append-only: trigger {name} is missing or changed"
                ));
            }
        }
        Ok(problems)
    }

    /// The newest audit row as recorded when it was appended (`audit_head`):
    /// its id and hash; `None` before schema version 10.
    pub fn recorded_audit_head(&self) -> Result<Option<(u64, [u8; 32])>> {
        let version: i64 = self
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))?;
        if version < 10 {
            return Ok(None);
        }
        let row = self
            .conn
            .query_row("SELECT rows, head FROM audit_head WHERE id = 1", [], |r| {
                let rows: i64 = r.get(0)?;
                let head: Option<Vec<u8>> = r.get(1)?;
                Ok((rows, head))
            })
            .optional()?;
        Ok(Some(match row {
            Some((rows, head)) => (
                u64::try_from(rows).unwrap_or(0),
                head.and_then(|h| <[u8; 32]>::try_from(h.as_slice()).ok())
                    .unwrap_or(GENESIS),
            ),
            // Gone: as if nothing had ever been recorded, which a chain
            // with rows then contradicts.
            None => (0, GENESIS),
        }))
    }

    /// Whether the chain still holds row `rows` with hash `head`, as an
    /// earlier export's manifest recorded it: a chain rewritten since (every
    /// hash recomputed after a change) no longer does.
    pub fn audit_matches(&self, rows: u64, head: &[u8; 32]) -> Result<AuditMatch> {
        Ok(match verify(&self.conn, Some(rows))? {
            Err(broken) => AuditMatch::Broken(broken),
            Ok((n, _)) if n < rows => AuditMatch::Shorter(n),
            Ok((_, hash)) if hash != *head => AuditMatch::Rewritten,
            Ok(_) => AuditMatch::Same,
        })
    }

    /// The newest `limit` audit rows, newest first (a handle scoped to some
    /// shelters: those of their people, households and appointments).
    pub fn recent_audit(&self, limit: usize) -> Result<Vec<AuditEntry>> {
        let scoped = if self.scope.is_network() {
            "1".to_string()
        } else {
            let of = |table: &str| {
                format!(
                    "(entity = '{table}' AND entity_id IN (SELECT id FROM {table} WHERE {}))",
                    self.scope.sql("shelter_id")
                )
            };
            format!(
                "({} OR {} OR {})",
                of("person"),
                of("household"),
                of("appointment")
            )
        };
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT id, at, actor, action, entity, entity_id, summary
             FROM audit WHERE {scoped} ORDER BY id DESC LIMIT ?1"
        ))?;
        let rows = stmt.query_map([limit as i64], entry)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
