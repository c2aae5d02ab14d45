//! The audit trail: who changed what, when. Never holds personal values.

use chrono::{DateTime, Utc};

/// One audited change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    /// Row id.
    pub id: i64,
    /// When (UTC).
    pub at: DateTime<Utc>,
    /// OS user, and the SSH client address when there is one.
    pub actor: String,
    /// What was done, e.g. `appointment.confirm`.
    pub action: String,
    /// The table changed.
    pub entity: String,
    /// The row changed, when the change is about one row.
    pub entity_id: Option<i64>,
    /// Field names, statuses and counts; never names, phones or numbers.
    pub summary: String,
}
