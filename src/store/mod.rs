//! The only place with SQL. Opens the database with the pragmas that keep it
//! safe for several coordinators at once, applies migrations, and offers
//! reads and writes that return domain types. Every write runs in one
//! transaction together with its audit rows.

mod appointments;
mod audit;
mod backend;
mod cases;
mod cells;
mod cipher;
mod codec;
mod demo;
mod desk;
mod due;
mod due_read;
mod error;
mod import;
pub mod key;
mod migrations;
mod open;
mod outages;
mod people;
pub mod pg;
mod read;
mod report;
mod retention;
mod roster;
mod scope;
mod search;
mod sections;
mod snapshot;
mod transfers;
mod users;
mod write;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use rusqlite::Connection;

use crate::domain::{Permission, Role, Scope};

pub use appointments::NewAppointment;
pub use audit::{AuditMatch, Verified};
pub use backend::{Backend, Database, Seam, SQLITE_WATCH};
pub use cases::NewCase;
pub use cipher::{work_file, Rewritten};
pub use demo::BulkData;
pub use desk::Desk;
pub use due::{CaseLine, CasesDue, DayBounds, VenueDay};
pub use error::{Conflict, Result, StoreError};
pub use import::{ImportBatch, ImportedAppointment, ShelterChoice};
pub use key::{DbKey, KeyError};
pub use migrations::{migration_sql, LATEST_VERSION};
pub use open::{plaintext_header, ENCRYPTED_CACHE_KIB};
pub use outages::NewOutage;
pub use read::{AppointmentLine, DashboardData, NextAppointment, RosterRow, Slot, SOONEST};
pub use retention::RetentionReport;
pub use roster::{Edge, RosterCount, RosterFilter, RosterKey, RosterSort, RosterSpec, COUNT_CAP};
pub use sections::ShelterBeds;
pub use snapshot::{Column, Field, Kind, Snapshot, Snapshots, Table};
pub use transfers::Arriving;
pub use users::User;

use open::{apply_key, quiet_cipher, BULK_CACHE_KIB};
use write::{by_id, check_version, require, BulkInsert};

/// How long a write waits for another coordinator's transaction before giving up.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// A source of "now", injected so that tests and demos can fix the clock.
pub type Clock = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

/// What to do when the database file does not exist yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenMode {
    /// Create it (mode 0600) and apply every migration.
    Create,
    /// Refuse: the file must exist. Migrations are applied.
    Existing,
    /// The file must exist; nothing is changed (no migration, no journal
    /// mode change). For `albergue check`.
    Inspect,
}

/// Row counts, for `albergue check` and the dashboard.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Shelters.
    pub shelters: i64,
    /// CBP One groups.
    pub households: i64,
    /// People.
    pub people: i64,
    /// Appointments.
    pub appointments: i64,
    /// Outages.
    pub outages: i64,
    /// Audit rows.
    pub audit: i64,
}

/// A database file and the key it is encrypted with: what a process needs
/// to open it again (a session's connection, a draft kept on the way out).
#[derive(Debug, Clone)]
pub struct DbFile {
    /// The file.
    pub path: PathBuf,
    /// Its key; `None` for a plaintext file.
    pub key: Option<Arc<DbKey>>,
}

impl DbFile {
    /// Opens it (see [`Store::open_keyed`]).
    pub fn open(&self, mode: OpenMode) -> Result<Store> {
        Store::open_keyed(&self.path, mode, self.key.clone())
    }
}

/// An open albergue database.
pub struct Store {
    conn: Connection,
    path: PathBuf,
    clock: Clock,
    /// The people a large search found, one bit per id, read by the SQL
    /// function `albergue_listed` while a roster window is read.
    listed: Arc<std::sync::Mutex<Vec<u64>>>,
    /// What this handle may write.
    role: Role,
    /// The key the file is encrypted with (`None`: plaintext).
    key: Option<Arc<DbKey>>,
    /// The served user this handle writes for, and the access they logged
    /// in at ([`Store::for_user`]).
    session_user: Option<(String, i64)>,
    /// The shelters this handle reads and writes ([`Store::with_scope`]).
    scope: Scope,
    /// The cases due last read, and what they were read at.
    due_cache: std::cell::RefCell<Option<(due::DueKey, CasesDue)>>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl Store {
    /// Marks `ids` (ascending) as the ones `albergue_listed` answers for.
    pub(super) fn set_listed(&self, ids: &[u32]) {
        let mut bits = self.listed.lock().unwrap_or_else(|e| e.into_inner());
        bits.clear();
        let words = ids.last().map_or(0, |&m| m as usize / 64 + 1);
        bits.resize(words, 0);
        for &id in ids {
            bits[id as usize / 64] |= 1 << (id % 64);
        }
    }

    /// Replaces the clock (tests, reproducible demos).
    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    /// Now, by the store's clock, to the second (what the database keeps).
    pub fn now(&self) -> DateTime<Utc> {
        let now = (self.clock)();
        DateTime::from_timestamp(now.timestamp(), 0).unwrap_or(now)
    }

    /// The path the store was opened from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether this handle can only read (a file on read-only media, or
    /// not this user's to write).
    pub fn read_only(&self) -> bool {
        self.conn.is_readonly(rusqlite::MAIN_DB).unwrap_or(true)
    }

    /// Whether the file is encrypted (opened with a key).
    pub fn encrypted(&self) -> bool {
        self.key.is_some()
    }

    /// The schema version recorded in the file.
    pub fn schema_version(&self) -> Result<i64> {
        Ok(self
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))?)
    }

    /// The value of a pragma, as text (for checks and tests).
    pub fn pragma(&self, name: &str) -> Result<String> {
        Ok(self.conn.pragma_query_value(None, name, |r| {
            let v: rusqlite::types::Value = r.get(0)?;
            Ok(match v {
                rusqlite::types::Value::Integer(i) => i.to_string(),
                rusqlite::types::Value::Text(t) => t,
                other => format!("{other:?}"),
            })
        })?)
    }

    /// The tallies the triggers keep and the search index, against a recount
    /// from the rows: one line for each that differs. Empty before the
    /// schema has them all (an older file, upgraded when albergue opens it).
    pub fn tally_problems(&self) -> Result<Vec<String>> {
        if self.schema_version()? < LATEST_VERSION {
            return Ok(Vec::new());
        }
        Ok(search::problems(&self.conn)?)
    }

    /// Counts the tallies and builds the search index again from the rows,
    /// with an audit row (for a file whose tallies another tool changed).
    pub fn repair_tallies(&mut self, actor: &crate::actor::Actor) -> Result<()> {
        self.write(Permission::Jobs, |tx, now| {
            search::recount(tx)?;
            audit::record_job(
                tx,
                now,
                actor,
                "tallies.repair",
                "counted again from the rows",
            )
        })
    }

    /// SQLite's `integrity_check` and `foreign_key_check` (on an encrypted
    /// database, SQLCipher's check of every page's HMAC first): an empty
    /// list when all is well.
    pub fn integrity_problems(&self) -> Result<Vec<String>> {
        let mut problems = Vec::new();
        if self.key.is_some() {
            // Every page's HMAC first: a page changed on disk cannot be
            // read at all, so SQLite's own checks would only stop at it.
            let mut stmt = self.conn.prepare("PRAGMA cipher_integrity_check")?;
            for row in stmt.query_map([], |r| r.get::<_, String>(0))? {
                problems.push(row?);
            }
            if !problems.is_empty() {
                return Ok(problems);
            }
        }
        let mut stmt = self.conn.prepare("PRAGMA integrity_check")?;
        for row in stmt.query_map([], |r| r.get::<_, String>(0))? {
            let row = row?;
            if row != "ok" {
                problems.push(row);
            }
        }
        let mut stmt = self.conn.prepare("PRAGMA foreign_key_check")?;
        let rows = stmt.query_map([], |r| {
            Ok(format!(
                "{} row {} refers to a missing {} row",
                r.get::<_, String>(0)?,
                r.get::<_, Option<i64>>(1)?.unwrap_or_default(),
                r.get::<_, String>(2)?
            ))
        })?;
        for row in rows {
            problems.push(row?);
        }
        Ok(problems)
    }

    /// How many rows each table holds.
    pub fn counts(&self) -> Result<Counts> {
        let count = |table: &str| -> Result<i64> {
            Ok(self
                .conn
                .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))?)
        };
        Ok(Counts {
            shelters: count("shelter")?,
            households: count("household")?,
            people: count("person")?,
            appointments: count("appointment")?,
            outages: count("outage")?,
            audit: count("audit")?,
        })
    }

    /// The role this handle acts in: every write it is asked for is checked
    /// against it, whatever screen or key asked.
    pub fn role(&self) -> Role {
        self.role
    }

    /// The same handle, acting in `role` (a coordinator's session over SSH).
    #[must_use]
    pub fn with_role(mut self, role: Role) -> Self {
        self.role = role;
        self
    }

    /// Caps this connection's page cache at `kib` KiB (SQLite's default is
    /// 2 MiB). Many sessions in one process each hold a connection; the
    /// operating system caches the file for all of them anyway.
    pub fn with_cache_kib(self, kib: i64) -> Result<Self> {
        self.conn.pragma_update(None, "cache_size", -kib)?;
        Ok(self)
    }

    /// The shelters this handle acts for.
    pub fn scope(&self) -> &Scope {
        &self.scope
    }

    /// The same handle, seeing and changing only the people, households
    /// and appointments of `scope`'s shelters (a served user's). Enforced
    /// here, on every read and write: a row of another shelter is refused
    /// with [`StoreError::OutOfScope`], and lists, counts and searches
    /// leave it out.
    #[must_use]
    pub fn with_scope(mut self, scope: Scope) -> Self {
        self.scope = scope;
        self
    }

    /// `NotAllowed` unless this handle's role may do `what`.
    pub fn allow(&self, what: Permission) -> Result<()> {
        if self.role.may(what) {
            Ok(())
        } else {
            Err(StoreError::NotAllowed {
                role: self.role,
                what,
            })
        }
    }
}
