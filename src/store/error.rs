//! What can go wrong in the store, and the conflict of two coordinators
//! saving the same row.

use std::path::PathBuf;

use chrono::{DateTime, Utc};

use crate::domain::{Permission, Role, RuleError};

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
    /// A person, household or appointment of a shelter the handle's user
    /// is not assigned to: nothing is shown or changed.
    #[error("{what} {id} is not at your shelters; ask a coordinator of its shelter, or an admin to add it to yours")]
    OutOfScope {
        /// `person`, `household`, `appointment` or `shelter`.
        what: &'static str,
        /// Its id.
        id: i64,
    },
    /// The session's user was removed, their role changed or their
    /// sessions ended by an admin since they logged in: nothing is written.
    #[error("{name}'s access was changed by an admin since this session began; nothing was saved (connect again)")]
    Revoked {
        /// The user.
        name: String,
    },
    /// A screen or command whose concern is not carried to PostgreSQL yet
    /// ([`super::Backend::sqlite`]): nothing was read or written.
    #[error("{0} is not on PostgreSQL yet: on PostgreSQL the dashboard shows its figures, confirmations and outages so far (README, A network on PostgreSQL)")]
    NotOnPostgres(&'static str),
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
    /// A PostgreSQL failure (its message, which names no one's values).
    #[error("PostgreSQL: {0}")]
    Postgres(String),
}

impl From<postgres::Error> for StoreError {
    fn from(e: postgres::Error) -> Self {
        Self::Postgres(match e.as_db_error() {
            Some(db) => format!("{} ({})", db.message(), db.code().code()),
            None => e.to_string(),
        })
    }
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
