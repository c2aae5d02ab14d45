//! The only place with SQL. Opens the database with the pragmas that keep it
//! safe for several coordinators at once, applies migrations, and offers
//! reads and writes that return domain types. Every write runs in one
//! transaction together with its audit rows.

mod appointments;
mod audit;
mod cipher;
mod codec;
mod demo;
mod import;
pub mod key;
mod migrations;
mod outages;
mod people;
mod read;
mod retention;
mod roster;
mod search;
mod snapshot;
mod users;

use std::fs::OpenOptions;
use std::io::ErrorKind;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OpenFlags, OptionalExtension, TransactionBehavior};

use crate::domain::{Permission, Role, RuleError};

pub use appointments::NewAppointment;
pub use audit::{AuditMatch, Verified};
pub use cipher::{work_file, Rewritten};
pub use demo::BulkData;
pub use import::{ImportBatch, ImportedAppointment, ShelterChoice};
pub use key::{DbKey, KeyError};
pub use migrations::LATEST_VERSION;
pub use outages::NewOutage;
pub use read::{AppointmentLine, DashboardData, NextAppointment, RosterRow, Slot, SOONEST};
pub use retention::RetentionReport;
pub use roster::{Edge, RosterCount, RosterFilter, RosterKey, RosterSort, RosterSpec, COUNT_CAP};
pub use snapshot::{Column, Field, Kind, Snapshot, Table};
pub use users::User;

/// How long a write waits for another coordinator's transaction before giving up.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Waits for another connection's write, [`BUSY_TIMEOUT`] in all, looking
/// at the lock every 1–3 ms (varied, so that waiters do not look in step).
///
/// SQLite's own handler (`busy_timeout`) sleeps longer and longer between
/// looks, up to 100 ms. A write here holds the lock about 1.5 ms, so
/// under steady writes from several coordinators the lock was free mostly
/// while the waiter slept: eight processes writing back to back
/// (tests/field.rs) waited up to 1.4 s for it, and once in CI more than
/// the 5 s, which tells the coordinator nothing was saved.
fn wait_for_writer(count: i32) -> bool {
    use std::cell::Cell;
    use std::time::Instant;
    thread_local! {
        static SINCE: Cell<Option<Instant>> = const { Cell::new(None) };
    }
    let now = Instant::now();
    let since = SINCE.with(|s| {
        if count == 0 || s.get().is_none() {
            s.set(Some(now));
        }
        s.get().unwrap_or(now)
    });
    if now.duration_since(since) >= BUSY_TIMEOUT {
        return false;
    }
    let clock = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    let jitter = u64::from(clock.subsec_nanos() ^ std::process::id()) % 2_000;
    std::thread::sleep(Duration::from_micros(1_000 + jitter));
    true
}

/// Page cache for bulk loads, in KiB (negative: SQLite's unit for KiB).
const BULK_CACHE_KIB: i64 = -256 * 1024;

/// Page cache of a connection to an encrypted database, in KiB. The
/// operating system caches the file's pages encrypted; only SQLite's own
/// cache holds them decrypted, so a page read again from the OS is
/// decrypted and its HMAC checked again. 8 MiB holds what the dashboard's
/// figures read at 100,000 people (measured with examples/prof_open.rs:
/// their query at 1.3x plaintext with it, 2.9x with SQLite's 2 MiB).
pub const ENCRYPTED_CACHE_KIB: i64 = 8 * 1024;

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

/// Someone else saved the row first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    /// The table.
    pub entity: &'static str,
    /// The row.
    pub id: i64,
    /// The version the caller read.
    pub expected_version: i64,
    /// The version in the database now.
    pub current_version: i64,
    /// Who saved the current version.
    pub changed_by: String,
    /// When.
    pub changed_at: DateTime<Utc>,
}

impl std::fmt::Display for Conflict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {} was changed by {} at {} (now version {}, you opened version {}); nothing was saved",
            self.entity,
            self.id,
            self.changed_by,
            self.changed_at.format("%Y-%m-%d %H:%M UTC"),
            self.current_version,
            self.expected_version
        )
    }
}

/// Everything that can go wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A user name or key already registered.
    #[error("this {what} is already registered, for user {name:?}")]
    AlreadyRegistered {
        /// `key` or `name`.
        what: &'static str,
        /// The user it belongs to.
        name: String,
    },
    /// The handle's role may not do this (a volunteer confirming, say).
    #[error("a {role} may not do this ({what}); ask a coordinator")]
    NotAllowed {
        /// The handle's role.
        role: Role,
        /// What was refused.
        what: Permission,
    },
    /// No database at the path (and the mode does not create one).
    #[error("no database at {0}")]
    Missing(PathBuf),
    /// The folder that should hold the database does not exist.
    #[error("the folder {0} does not exist; create it first or choose another --db")]
    MissingFolder(PathBuf),
    /// The path is a folder, or the OS refused to open it.
    #[error("cannot open {path}: {reason}")]
    Unreadable {
        /// The database path.
        path: PathBuf,
        /// What the OS said.
        reason: String,
    },
    /// The file is not a SQLite database, or is encrypted and no key was given.
    #[error("{0} is not a SQLite database, or it is encrypted: then give its key with --key-file FILE or ALBERGUE_KEY_FILE (nothing was changed)")]
    NotADatabase(PathBuf),
    /// The key given does not open the file.
    #[error("the key does not open {0}: it is another database's key, or the file is not an albergue database (nothing was changed)")]
    WrongKey(PathBuf),
    /// A key was given for a file that is not encrypted.
    #[error("{0} is not encrypted, but a key was given: open it without --key-file, or encrypt it first with `albergue encrypt --key-file FILE` (nothing was changed)")]
    NotEncrypted(PathBuf),
    /// A rewritten copy did not match the database; it was removed.
    #[error(
        "the rewritten copy was not right, so it was removed and the database left as it was: {0}"
    )]
    BadCopy(String),
    /// Another connection has the database open.
    #[error("{0} is in use (a dashboard, `albergue serve` or a job has it open); stop them and try again (nothing was changed)")]
    InUse(PathBuf),
    /// This build of SQLite cannot encrypt: refusing to write plaintext.
    #[error("this albergue's SQLite has no encryption (SQLCipher), so it cannot use a key; nothing was opened")]
    NoCipher,
    /// A SQLite database made by something else.
    #[error("{0} is a SQLite database but not an albergue one (nothing was changed)")]
    Foreign(PathBuf),
    /// The file or its folder cannot be written (read-only media, permissions).
    #[error("{0} cannot be written (read-only media or permissions); nothing was changed")]
    ReadOnlyFile(PathBuf),
    /// Made by a newer albergue.
    #[error(
        "{path} has schema version {found}, but this albergue knows only up to {known}; \
         use a newer albergue (nothing was changed)"
    )]
    NewerSchema {
        /// The database path.
        path: PathBuf,
        /// Its `user_version`.
        found: i64,
        /// The latest this binary knows.
        known: i64,
    },
    /// A stale version.
    #[error("{0}")]
    Conflict(Conflict),
    /// No such row.
    #[error("{entity} {id} does not exist")]
    NotFound {
        /// The table.
        entity: &'static str,
        /// The id asked for.
        id: i64,
    },
    /// A row of a bulk load names a row that is neither loaded nor stored.
    #[error("{entity} {id} names {target} {missing}, which is neither in the data loaded nor in the database (nothing was loaded)")]
    Dangling {
        /// The table of the row.
        entity: &'static str,
        /// Its id.
        id: i64,
        /// The table it names.
        target: &'static str,
        /// The id it names.
        missing: i64,
    },
    /// The rules refuse the change.
    #[error(transparent)]
    Rule(#[from] RuleError),
    /// The confirmation number is already recorded for someone else.
    #[error("confirmation number {number} is already recorded for appointment {appointment_id}{}",
        .person_id.map(|p| format!(" (person {p})")).unwrap_or_default())]
    DuplicateConfirmation {
        /// The normalized number.
        number: String,
        /// The appointment that holds it.
        appointment_id: i64,
        /// Its traveller.
        person_id: Option<i64>,
    },
    /// Demo data only goes into an empty database.
    #[error("{path} already holds {people} people; demo data only goes into a new database")]
    NotEmpty {
        /// The database path.
        path: PathBuf,
        /// How many people it holds.
        people: i64,
    },
    /// The disk refused the write (full, over quota, or failing).
    #[error("could not write to the database (is the disk full?); nothing was saved")]
    DiskFull,
    /// The database cannot be written at all.
    #[error("the database is read-only here; nothing was saved")]
    ReadOnly,
    /// Another coordinator held the database for longer than the busy timeout.
    #[error("the database is busy (another coordinator is saving); nothing was saved, try again")]
    Busy,
    /// Any other SQLite failure.
    #[error("database error: {0}")]
    Sqlite(rusqlite::Error),
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => {
                Self::Busy
            }
            Some(rusqlite::ErrorCode::DiskFull | rusqlite::ErrorCode::SystemIoFailure) => {
                Self::DiskFull
            }
            Some(rusqlite::ErrorCode::ReadOnly) => Self::ReadOnly,
            _ => Self::Sqlite(e),
        }
    }
}

/// Result of store calls.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

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

/// The SQL of a bulk load's `INSERT`, [`BulkInsert::ROWS`] rows to a
/// statement: `?1` the time and `?2` the actor, bound once per statement
/// and named by every row last (its `created_at, updated_at, updated_by`),
/// then each row's `own` parameters.
struct BulkInsert {
    /// `INSERT INTO table (columns…, created_at, updated_at, updated_by)`.
    head: &'static str,
    own: usize,
    /// The statement for a whole chunk, made once.
    full: String,
}

impl BulkInsert {
    const ROWS: usize = 64;

    fn new(head: &'static str, own: usize) -> Self {
        let mut insert = Self {
            head,
            own,
            full: String::new(),
        };
        insert.full = insert.make(Self::ROWS);
        insert
    }

    /// The statement for a chunk of `rows` rows.
    fn sql(&self, rows: usize) -> std::borrow::Cow<'_, str> {
        if rows == Self::ROWS {
            std::borrow::Cow::Borrowed(&self.full)
        } else {
            std::borrow::Cow::Owned(self.make(rows))
        }
    }

    fn make(&self, rows: usize) -> String {
        use std::fmt::Write;
        let mut out = String::with_capacity(self.head.len() + rows * self.own * 6);
        out.push_str(self.head);
        out.push_str(" VALUES ");
        for row in 0..rows {
            out.push_str(if row == 0 { "(" } else { ",(" });
            for c in 0..self.own {
                let sep = if c == 0 { "" } else { "," };
                // (Writing to a String cannot fail.)
                let _ = write!(out, "{sep}?{}", 3 + row * self.own + c);
            }
            out.push_str(",?1,?1,?2)");
        }
        out
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
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl Store {
    /// Opens (or, with [`OpenMode::Create`], creates) the database at `path`.
    ///
    /// Checks come before any write, so a file that is not ours, or is from a
    /// newer albergue, is left exactly as it was.
    pub fn open(path: &Path, mode: OpenMode) -> Result<Self> {
        Self::open_keyed(path, mode, None)
    }

    /// Opens the database encrypted with `key` (or, with `None`, a plaintext
    /// one). A new file made with a key is encrypted from its first page.
    ///
    /// Fails closed: a key is only used when SQLCipher answers for it, a
    /// wrong key or a key for a plaintext file is an error, and in either
    /// case the file is left as it was.
    pub fn open_keyed(path: &Path, mode: OpenMode, key: Option<Arc<DbKey>>) -> Result<Self> {
        let created = prepare_file(path, mode)?;
        let result = Self::open_prepared(path, mode, key);
        if result.is_err() && created {
            // Leave no empty file behind from a failed first open.
            let _ = std::fs::remove_file(path);
        }
        result
    }

    fn open_prepared(path: &Path, mode: OpenMode, key: Option<Arc<DbKey>>) -> Result<Self> {
        let access = access(path);
        if access != Access::Writable && mode != OpenMode::Inspect {
            return Err(StoreError::ReadOnlyFile(path.into()));
        }
        let read_only = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = match access {
            Access::Writable => Connection::open_with_flags(
                path,
                OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
            ),
            // Read-only media: nobody can change the file, so SQLite may read
            // it without the shared-memory file it cannot create there.
            Access::ReadOnlyMedia => Connection::open_with_flags(
                format!("file:{}?immutable=1", path.display()),
                read_only | OpenFlags::SQLITE_OPEN_URI,
            ),
            // Someone else's live database: read it the ordinary way.
            Access::NotPermitted => Connection::open_with_flags(path, read_only),
        }
        .map_err(|e| StoreError::Unreadable {
            path: path.to_path_buf(),
            reason: e.to_string(),
        })?;
        conn.busy_handler(Some(wait_for_writer))?;
        if let Some(key) = &key {
            apply_key(&conn, key, None)?;
        }

        // The first read: where a wrong key, or a missing one, shows.
        let found: i64 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .map_err(|e| match e.sqlite_error_code() {
                Some(rusqlite::ErrorCode::NotADatabase) => match (&key, plaintext_header(path)) {
                    (Some(_), true) => StoreError::NotEncrypted(path.into()),
                    (Some(_), false) => StoreError::WrongKey(path.into()),
                    (None, _) => StoreError::NotADatabase(path.into()),
                },
                _ => StoreError::from(e),
            })?;
        if key.is_some() {
            conn.pragma_update(None, "cache_size", -ENCRYPTED_CACHE_KIB)?;
        }
        if found > LATEST_VERSION {
            return Err(StoreError::NewerSchema {
                path: path.into(),
                found,
                known: LATEST_VERSION,
            });
        }
        if found == 0 {
            let tables: i64 =
                conn.query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get(0))?;
            if tables > 0 {
                return Err(StoreError::Foreign(path.into()));
            }
        }
        if mode != OpenMode::Inspect {
            conn.pragma_update(None, "journal_mode", "WAL")?;
            conn.pragma_update(None, "synchronous", "FULL")?;
        }
        conn.pragma_update(None, "foreign_keys", "ON")?;
        let listed: Arc<std::sync::Mutex<Vec<u64>>> = Arc::default();
        let bits = Arc::clone(&listed);
        conn.create_scalar_function(
            "albergue_listed",
            1,
            rusqlite::functions::FunctionFlags::SQLITE_UTF8,
            move |ctx| {
                let id = usize::try_from(ctx.get::<i64>(0)?).unwrap_or(usize::MAX);
                let bits = bits.lock().unwrap_or_else(|e| e.into_inner());
                Ok(bits.get(id / 64).is_some_and(|w| w & (1 << (id % 64)) != 0))
            },
        )?;
        let mut store = Self {
            conn,
            path: path.to_path_buf(),
            clock: Arc::new(Utc::now),
            listed,
            role: Role::Admin,
            key,
        };
        if mode != OpenMode::Inspect {
            migrations::apply(&mut store.conn)?;
        }
        Ok(store)
    }

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

    /// Runs `f` as a write that needs `what`, refused before anything is
    /// touched when the role may not.
    fn write<T>(
        &mut self,
        what: Permission,
        f: impl FnOnce(&rusqlite::Transaction<'_>, DateTime<Utc>) -> Result<T>,
    ) -> Result<T> {
        self.allow(what)?;
        self.transact(f)
    }

    /// Runs `f` in a write transaction taken at once (`BEGIN IMMEDIATE`), so
    /// that two coordinators never deadlock upgrading read locks.
    fn transact<T>(
        &mut self,
        f: impl FnOnce(&rusqlite::Transaction<'_>, DateTime<Utc>) -> Result<T>,
    ) -> Result<T> {
        self.transact_as(TransactionBehavior::Immediate, f)
    }

    /// [`Store::transact`] with a transaction that begins as `behavior` says.
    fn transact_as<T>(
        &mut self,
        behavior: TransactionBehavior,
        f: impl FnOnce(&rusqlite::Transaction<'_>, DateTime<Utc>) -> Result<T>,
    ) -> Result<T> {
        let now = self.now();
        let tx = self.conn.transaction_with_behavior(behavior)?;
        let value = f(&tx, now)?;
        search::sync(&tx)?;
        tx.commit()?;
        Ok(value)
    }

    /// [`Store::write`] for loads of whole rosters: a page cache big enough
    /// that index updates stay in memory (SQLite's default is 2 MB, and a
    /// million people's indexes then thrash the disk), restored afterwards.
    ///
    /// When nobody else has the file open, the load also goes through a
    /// rollback journal instead of the WAL: it only fills pages the file
    /// did not have, which a rollback journal does not copy, while the WAL
    /// would write every page twice (once to the log, once back). WAL mode
    /// returns afterwards.
    fn write_bulk<T>(
        &mut self,
        what: Permission,
        f: impl FnOnce(&rusqlite::Transaction<'_>, DateTime<Utc>) -> Result<T>,
    ) -> Result<T> {
        self.write_bulk_as(what, TransactionBehavior::Immediate, f)
    }

    /// [`Store::write_bulk`] in a transaction that begins as `behavior` says.
    fn write_bulk_as<T>(
        &mut self,
        what: Permission,
        behavior: TransactionBehavior,
        f: impl FnOnce(&rusqlite::Transaction<'_>, DateTime<Utc>) -> Result<T>,
    ) -> Result<T> {
        self.allow(what)?;
        let before: i64 = self
            .conn
            .pragma_query_value(Some("main"), "cache_size", |r| r.get(0))?;
        self.conn
            .pragma_update(Some("main"), "cache_size", BULK_CACHE_KIB)?;
        // Refused (the mode stays WAL) while another connection is open.
        let journal: String = self
            .conn
            .pragma_update_and_check(Some("main"), "journal_mode", "DELETE", |r| r.get(0))
            .unwrap_or_else(|_| "wal".into());
        let result = self.transact_as(behavior, f);
        if !journal.eq_ignore_ascii_case("wal") {
            self.conn
                .pragma_update(Some("main"), "journal_mode", "WAL")?;
        }
        self.conn
            .pragma_update(Some("main"), "cache_size", before)?;
        result
    }
}

/// What albergue may do with a database file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Access {
    /// Write the file and the folder its journal files go in.
    Writable,
    /// Nothing can be written: the file system is mounted read-only.
    ReadOnlyMedia,
    /// This user may not write (permissions).
    NotPermitted,
}

fn access(path: &Path) -> Access {
    const EROFS: i32 = 30;
    let verdict = |e: std::io::Error| {
        if e.raw_os_error() == Some(EROFS) {
            Access::ReadOnlyMedia
        } else {
            Access::NotPermitted
        }
    };
    // access(2), not an open: closing any descriptor of the file would
    // drop every POSIX lock this process holds on it, so another process
    // could take the database for its own alone, and, as the last one
    // out, delete the -wal and -shm files this process's other
    // connections still write to (a server opening a session's connection
    // while its others are open).
    if let Err(e) = rustix::fs::access(path, rustix::fs::Access::WRITE_OK) {
        return verdict(std::io::Error::from(e));
    }
    let folder = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    // A folder on read-only media refuses a new file even to root.
    let probe = folder.join(format!(".albergue-probe-{}", std::process::id()));
    match OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&probe)
    {
        Ok(_) => {
            let _ = std::fs::remove_file(&probe);
            Access::Writable
        }
        Err(e) if e.kind() == ErrorKind::AlreadyExists => Access::Writable,
        Err(e) => verdict(e),
    }
}

/// Keys `schema` of `conn` (`main` when `None`) with SQLCipher, after
/// checking that SQLCipher is there to use it (a plain SQLite would ignore
/// the key and write plaintext), and silences SQLCipher's own messages on
/// standard error, which would tear through a dashboard.
fn apply_key(conn: &Connection, key: &DbKey, schema: Option<&str>) -> Result<()> {
    let version: Option<String> = conn
        .query_row("PRAGMA cipher_version", [], |r| r.get(0))
        .optional()?;
    if version.is_none_or(|v| v.is_empty()) {
        return Err(StoreError::NoCipher);
    }
    let statement = zeroize::Zeroizing::new(match schema {
        Some(schema) => format!("PRAGMA {schema}.key = {}", *key.sql_literal()),
        None => format!("PRAGMA key = {}", *key.sql_literal()),
    });
    conn.execute_batch(&statement)?;
    quiet_cipher(conn)
}

/// SQLCipher's log goes to standard error from the first key on: off.
fn quiet_cipher(conn: &Connection) -> Result<()> {
    conn.query_row("PRAGMA cipher_log = off", [], |_| Ok(()))?;
    conn.query_row("PRAGMA cipher_log_level = NONE", [], |_| Ok(()))?;
    Ok(())
}

/// Whether the file starts as a plaintext SQLite database does (an
/// encrypted one looks like random bytes from its first). It opens the
/// file: only for a file this process has no connection to (see
/// `access`), as on a failed open.
pub fn plaintext_header(path: &Path) -> bool {
    use std::io::Read;
    let mut head = [0u8; 16];
    std::fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut head))
        .is_ok_and(|()| &head == b"SQLite format 3\0")
}

/// Makes sure the file can be opened as `mode` asks; creates it 0600 when
/// asked to. Returns whether it was created here.
fn prepare_file(path: &Path, mode: OpenMode) -> Result<bool> {
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_dir() => Err(StoreError::Unreadable {
            path: path.into(),
            reason: "it is a folder, not a file".into(),
        }),
        Ok(_) => Ok(false),
        Err(e) if e.kind() == ErrorKind::NotFound => {
            if mode != OpenMode::Create {
                return Err(StoreError::Missing(path.into()));
            }
            let parent = match path.parent() {
                Some(p) if !p.as_os_str().is_empty() => p,
                _ => Path::new("."),
            };
            if !parent.is_dir() {
                return Err(StoreError::MissingFolder(parent.into()));
            }
            OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(path)
                .map_err(|e| StoreError::Unreadable {
                    path: path.into(),
                    reason: e.to_string(),
                })?;
            Ok(true)
        }
        Err(e) => Err(StoreError::Unreadable {
            path: path.into(),
            reason: e.to_string(),
        }),
    }
}

/// The row of `entity` (its table) with this id, read as `columns` by
/// `row`; `NotFound` when there is none. Works in and out of a transaction.
fn by_id<T>(
    conn: &rusqlite::Connection,
    entity: &'static str,
    columns: &str,
    id: i64,
    row: impl FnOnce(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
) -> Result<T> {
    let sql = format!("SELECT {columns} FROM {entity} WHERE id = ?1");
    conn.prepare_cached(&sql)?
        .query_row([id], row)
        .optional()?
        .ok_or(StoreError::NotFound { entity, id })
}

/// `NotFound` unless the row of `entity` (its table) with this id exists.
fn require(conn: &rusqlite::Connection, entity: &'static str, id: i64) -> Result<()> {
    let sql = format!("SELECT EXISTS (SELECT 1 FROM {entity} WHERE id = ?1)");
    if conn.query_row(&sql, [id], |r| r.get(0))? {
        Ok(())
    } else {
        Err(StoreError::NotFound { entity, id })
    }
}

/// The optimistic-concurrency check shared by every edit: `Ok` when the row
/// is still at `expected`, else the conflict (naming who changed it) or not found.
fn check_version(
    tx: &rusqlite::Transaction<'_>,
    entity: &'static str,
    id: i64,
    expected: i64,
) -> Result<()> {
    let sql = format!("SELECT version, updated_by, updated_at FROM {entity} WHERE id = ?1");
    let row = tx
        .query_row(&sql, [id], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
            ))
        })
        .optional()?;
    match row {
        None => Err(StoreError::NotFound { entity, id }),
        Some((current, _, _)) if current == expected => Ok(()),
        Some((current, by, at)) => Err(StoreError::Conflict(Conflict {
            entity,
            id,
            expected_version: expected,
            current_version: current,
            changed_by: by,
            changed_at: codec::instant(at),
        })),
    }
}
