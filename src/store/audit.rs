//! Audit rows: written inside the transaction of the change they record.

use chrono::{DateTime, Utc};
use rusqlite::{params, Transaction};

use super::{codec, Result, Store};
use crate::actor::Actor;
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
    tx.prepare_cached(
        "INSERT INTO audit (at, actor, action, entity, entity_id, summary)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        codec::secs(at),
        actor.as_str(),
        action,
        entity,
        entity_id,
        summary
    ])?;
    Ok(())
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
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, at, actor, action, entity, entity_id, summary
             FROM audit WHERE entity = ?1 AND entity_id = ?2 ORDER BY id",
        )?;
        let rows = stmt.query_map(params![entity, id], entry)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The audit trail of a person: their own row and their appointments', oldest first.
    pub fn audit_for_person(&self, person_id: i64) -> Result<Vec<AuditEntry>> {
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

    /// The newest `limit` audit rows, newest first.
    pub fn recent_audit(&self, limit: usize) -> Result<Vec<AuditEntry>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, at, actor, action, entity, entity_id, summary
             FROM audit ORDER BY id DESC LIMIT ?1",
        )?;
        let rows = stmt.query_map([limit as i64], entry)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
