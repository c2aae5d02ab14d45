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

use super::{AppointmentStatus, PersonStatus};

/// What an audit row says happened, read back from its action and summary
/// (the store writes both; see `store::audit`), for saying it in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// A person was registered; `imported` when by a roster import.
    PersonAdded {
        /// By import.
        imported: bool,
    },
    /// A person's details changed: these columns.
    PersonChanged {
        /// Column names, as stored (`phone`, `status`, …).
        fields: Vec<String>,
    },
    /// An appointment was scheduled; `imported` when by a roster import.
    AppointmentAdded {
        /// By import.
        imported: bool,
    },
    /// An appointment was confirmed.
    Confirmed,
    /// An appointment moved to `to`; `left` when it was settled by
    /// recording that its traveller left the shelter as that.
    AppointmentStatus {
        /// The new status.
        to: AppointmentStatus,
        /// The traveller's leaving, when that settled it.
        left: Option<PersonStatus>,
    },
    /// An appointment got an extension after an outage.
    Extended,
    /// Anything else: shown as recorded.
    Other,
}

impl AuditEntry {
    /// The change, read back from the action and summary.
    pub fn change(&self) -> Change {
        let summary = self.summary.as_str();
        match self.action.as_str() {
            "person.create" => Change::PersonAdded {
                imported: summary == "import",
            },
            "person.update" => Change::PersonChanged {
                fields: summary
                    .strip_prefix("changed: ")
                    .unwrap_or(summary)
                    .split(", ")
                    .filter(|f| !f.is_empty())
                    .map(str::to_string)
                    .collect(),
            },
            "appointment.create" => Change::AppointmentAdded {
                imported: summary == "import",
            },
            "appointment.confirm" => Change::Confirmed,
            "appointment.extend" => Change::Extended,
            "appointment.status" => {
                // `from -> to`, or `from -> to (person departed)`.
                let (moved, why) = match summary.split_once(" (person ") {
                    Some((moved, why)) => (moved, why.strip_suffix(')')),
                    None => (summary, None),
                };
                let to = moved.split_once(" -> ").and_then(|(_, to)| to.parse().ok());
                match to {
                    Some(to) => Change::AppointmentStatus {
                        to,
                        left: why.and_then(|w| w.parse().ok()),
                    },
                    None => Change::Other,
                }
            }
            _ => Change::Other,
        }
    }

    /// Who did it, as a person reads it: the actor without the client
    /// address and session (`maria@203.0.113.7 s12` → `maria`).
    pub fn who(&self) -> &str {
        let actor = self.actor.split(' ').next().unwrap_or_default();
        actor.split('@').next().unwrap_or(actor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(action: &str, summary: &str) -> AuditEntry {
        AuditEntry {
            id: 1,
            at: DateTime::UNIX_EPOCH,
            actor: "maria@203.0.113.7 s12".into(),
            action: action.into(),
            entity: "appointment".into(),
            entity_id: Some(1),
            summary: summary.into(),
        }
    }

    #[test]
    fn rows_read_back_as_changes() {
        let e = entry(
            "appointment.status",
            "pending_confirmation -> cancelled (person departed)",
        );
        assert_eq!(
            e.change(),
            Change::AppointmentStatus {
                to: AppointmentStatus::Cancelled,
                left: Some(PersonStatus::Departed)
            }
        );
        assert_eq!(e.who(), "maria");
        assert_eq!(
            entry("appointment.status", "confirmed -> presented").change(),
            Change::AppointmentStatus {
                to: AppointmentStatus::Presented,
                left: None
            }
        );
        assert_eq!(
            entry("person.update", "changed: departure_date, status").change(),
            Change::PersonChanged {
                fields: vec!["departure_date".into(), "status".into()]
            }
        );
        assert_eq!(
            entry("appointment.confirm", "pending_confirmation -> confirmed").change(),
            Change::Confirmed
        );
        assert_eq!(
            entry("appointment.status", "garbled").change(),
            Change::Other
        );
        assert_eq!(entry("household.create", "").change(), Change::Other);
        let mut local = entry("person.create", "");
        local.actor = "uid0".into();
        assert_eq!(local.who(), "uid0");
    }
}

/// The hash of the row before the first: 32 zero bytes.
pub const GENESIS: [u8; 32] = [0; 32];

/// What a row's hash is computed from, besides its fields: a version tag,
/// so that a future change of the recipe cannot be confused with this one.
const CHAIN_TAG: &[u8] = b"albergue-audit-chain-v1";

impl AuditEntry {
    /// The row's link in the audit chain: SHA-256 over the version tag, the
    /// previous row's hash and every field of this one (its id included),
    /// each length-prefixed, so that changing, removing, inserting or
    /// reordering any row changes every hash after it.
    pub fn chain_hash(&self, prev: &[u8; 32]) -> [u8; 32] {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        let mut field = |bytes: &[u8]| {
            h.update((bytes.len() as u64).to_le_bytes());
            h.update(bytes);
        };
        field(CHAIN_TAG);
        field(prev);
        field(&self.id.to_le_bytes());
        field(&self.at.timestamp().to_le_bytes());
        field(self.actor.as_bytes());
        field(self.action.as_bytes());
        field(self.entity.as_bytes());
        match self.entity_id {
            Some(id) => field(&[&[1u8][..], &id.to_le_bytes()].concat()),
            None => field(&[0u8]),
        }
        field(self.summary.as_bytes());
        h.finalize().into()
    }
}

/// Where an audit chain first breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainBreak {
    /// The row's stored hash is not the hash of what it holds now: the row
    /// was changed.
    Changed {
        /// The row.
        id: i64,
    },
    /// The row does not follow the one before it: a row between them was
    /// removed or inserted, or the row before was replaced.
    Unlinked {
        /// The row.
        id: i64,
        /// The row before it, as the table holds it now (none: it is first).
        after: Option<i64>,
    },
}

impl std::fmt::Display for ChainBreak {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Changed { id } => write!(
                f,
                "audit row {id} was changed after it was written (its hash does not match what it holds)"
            ),
            Self::Unlinked { id, after: Some(a) } => write!(
                f,
                "audit row {id} does not follow row {a}: rows between them were removed or inserted, or row {a} was replaced"
            ),
            Self::Unlinked { id, after: None } => write!(
                f,
                "audit row {id} is the first row but does not start the chain: rows before it were removed"
            ),
        }
    }
}

/// A walk along the chain, one row at a time (a chain of millions of rows
/// is never held at once): each row's stored `prev` must be the previous
/// row's hash and its stored hash the hash of what it holds.
#[derive(Debug, Clone)]
pub struct ChainWalk {
    prev: [u8; 32],
    before: Option<i64>,
    count: u64,
}

impl Default for ChainWalk {
    fn default() -> Self {
        Self {
            prev: GENESIS,
            before: None,
            count: 0,
        }
    }
}

impl ChainWalk {
    /// The next row, with the hashes stored beside it; the first break.
    pub fn step(
        &mut self,
        entry: &AuditEntry,
        stored_prev: &[u8; 32],
        stored_hash: &[u8; 32],
    ) -> Result<(), ChainBreak> {
        if *stored_prev != self.prev {
            return Err(ChainBreak::Unlinked {
                id: entry.id,
                after: self.before,
            });
        }
        if entry.chain_hash(&self.prev) != *stored_hash {
            return Err(ChainBreak::Changed { id: entry.id });
        }
        self.prev = *stored_hash;
        self.before = Some(entry.id);
        self.count += 1;
        Ok(())
    }

    /// Rows walked and the last one's hash (the head).
    pub fn head(&self) -> (u64, [u8; 32]) {
        (self.count, self.prev)
    }
}
