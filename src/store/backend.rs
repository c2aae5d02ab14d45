//! The database a dashboard works on, whichever backend holds it: the
//! SQLite file (the embedded default) or PostgreSQL (a network's). The
//! screens' store thread holds a [`Backend`] and reaches the coordinator's
//! desk through [`Backend::desk`], the same on both; the concerns not yet
//! carried to PostgreSQL (the roster, people, cases, transfers, lists) are
//! reached through [`Backend::sqlite`], which on PostgreSQL refuses with
//! [`StoreError::NotOnPostgres`] naming what was asked, so that a screen
//! says so instead of showing nothing. Each concern moved behind a trait
//! of its own shrinks what goes through that door.

use std::time::Duration;

use super::pg::{Heard, PgStore, Target, Watcher};
use super::{Clock, DbFile, Desk, OpenMode, Result, Store, StoreError};

/// How often a SQLite session asks whether another process committed.
pub const SQLITE_WATCH: Duration = Duration::from_secs(1);

/// How often a PostgreSQL session looks at what its watcher heard.
pub const POSTGRES_WATCH: Duration = Duration::from_millis(100);

/// An open database and how it hears of other connections' commits.
pub struct Backend {
    kind: Kind,
}

enum Kind {
    /// SQLite: asked (`PRAGMA data_version`), with the last value seen.
    Sqlite { store: Box<Store>, seen: i64 },
    /// PostgreSQL: told, by a thread LISTENing on the change log.
    Postgres {
        store: Box<PgStore>,
        watcher: Watcher,
        /// The newest change read when the handle opened: a watcher's
        /// first word (connected, the newest number) is news only past it.
        seen: i64,
    },
}

impl std::fmt::Debug for Backend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.kind {
            Kind::Sqlite { store, .. } => f.debug_tuple("Sqlite").field(store).finish(),
            Kind::Postgres { store, .. } => f.debug_tuple("Postgres").field(store).finish(),
        }
    }
}

impl From<Store> for Backend {
    fn from(store: Store) -> Self {
        let seen = store.data_version().unwrap_or_default();
        Self {
            kind: Kind::Sqlite {
                store: Box::new(store),
                seen,
            },
        }
    }
}

/// What the screens reach a database through: the desk, the same on both
/// backends, and the SQLite store for the concerns not yet carried over.
pub trait Seam {
    /// The coordinator's desk.
    fn desk(&mut self) -> &mut dyn Desk;
    /// The SQLite store, for `what` (named as a coordinator would: "the
    /// roster"); on PostgreSQL, [`StoreError::NotOnPostgres`].
    fn sqlite(&self, what: &'static str) -> Result<&Store>;
    /// The same, to write.
    fn sqlite_mut(&mut self, what: &'static str) -> Result<&mut Store>;
}

impl Seam for Store {
    fn desk(&mut self) -> &mut dyn Desk {
        self
    }

    fn sqlite(&self, _: &'static str) -> Result<&Store> {
        Ok(self)
    }

    fn sqlite_mut(&mut self, _: &'static str) -> Result<&mut Store> {
        Ok(self)
    }
}

impl Seam for Backend {
    fn desk(&mut self) -> &mut dyn Desk {
        match &mut self.kind {
            Kind::Sqlite { store, .. } => store.as_mut(),
            Kind::Postgres { store, .. } => store.as_mut(),
        }
    }

    fn sqlite(&self, what: &'static str) -> Result<&Store> {
        match &self.kind {
            Kind::Sqlite { store, .. } => Ok(store),
            Kind::Postgres { .. } => Err(StoreError::NotOnPostgres(what)),
        }
    }

    fn sqlite_mut(&mut self, what: &'static str) -> Result<&mut Store> {
        match &mut self.kind {
            Kind::Sqlite { store, .. } => Ok(store),
            Kind::Postgres { .. } => Err(StoreError::NotOnPostgres(what)),
        }
    }
}

impl Backend {
    /// A PostgreSQL handle, with a watcher listening on `target` for the
    /// commits of every other connection, on any machine.
    pub fn postgres(mut store: PgStore, target: &Target) -> Result<Self> {
        let (own, seen) = store.connection()?;
        Ok(Self {
            kind: Kind::Postgres {
                watcher: Watcher::start_for(target, seen, Some(own)),
                store: Box::new(store),
                seen,
            },
        })
    }

    /// How often [`Backend::changed`] is worth asking: SQLite's question
    /// is a read of the file's header; PostgreSQL's is a look at what its
    /// watcher heard (a commit on any host reaches a session within this).
    pub fn watch_every(&self) -> Duration {
        match self.kind {
            Kind::Sqlite { .. } => SQLITE_WATCH,
            Kind::Postgres { .. } => POSTGRES_WATCH,
        }
    }

    /// Whether another connection committed since the last call.
    pub fn changed(&mut self) -> bool {
        match &mut self.kind {
            Kind::Sqlite { store, seen } => match store.data_version() {
                Ok(v) if v != *seen => {
                    *seen = v;
                    true
                }
                _ => false,
            },
            Kind::Postgres { watcher, seen, .. } => {
                // Everything heard so far is one change to read again.
                let mut heard = false;
                while let Some(h) = watcher.next(Duration::ZERO) {
                    let (news, n) = match h {
                        Heard::Change(n) => (true, n),
                        Heard::Back(n) => (n > *seen, n),
                    };
                    heard |= news;
                    *seen = (*seen).max(n);
                }
                heard
            }
        }
    }
}

/// Where a database is, to open it (again: a draft is kept through a
/// connection of its own when the session's is gone).
#[derive(Clone)]
pub enum Database {
    /// A SQLite (or SQLCipher) file.
    File(DbFile),
    /// A PostgreSQL database.
    Postgres {
        /// Where and how to connect.
        target: Box<Target>,
        /// The handle's clock.
        clock: Clock,
    },
}

impl std::fmt::Debug for Database {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Database::File(file) => f.debug_tuple("File").field(&file.path).finish(),
            Database::Postgres { target, .. } => f
                .debug_tuple("Postgres")
                .field(&target.to_string())
                .finish(),
        }
    }
}

impl Database {
    /// Opens it: a SQLite file must exist.
    pub fn open(&self) -> anyhow::Result<Backend> {
        Ok(match self {
            Database::File(file) => file.open(OpenMode::Existing)?.into(),
            Database::Postgres { target, clock } => {
                Backend::postgres(PgStore::open(target, clock.clone())?, target)?
            }
        })
    }
}
