//! How every write runs: its permission checked first, one immediate
//! transaction with the search index kept in step, bulk loads with a big
//! page cache, and the helpers that edits share (a row by id, the version
//! check of optimistic concurrency).

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, TransactionBehavior};

use super::open::BULK_CACHE_KIB;
use super::{codec, search, Conflict, Result, Store, StoreError};
use crate::domain::Permission;

/// The SQL of a bulk load's `INSERT`, [`BulkInsert::ROWS`] rows to a
/// statement: `?1` the time and `?2` the actor, bound once per statement
/// and named by every row last (its `created_at, updated_at, updated_by`),
/// then each row's `own` parameters.
pub(super) struct BulkInsert {
    /// `INSERT INTO table (columns…, created_at, updated_at, updated_by)`.
    head: &'static str,
    own: usize,
    /// The statement for a whole chunk, made once.
    full: String,
}

impl BulkInsert {
    pub(super) const ROWS: usize = 64;

    pub(super) fn new(head: &'static str, own: usize) -> Self {
        let mut insert = Self {
            head,
            own,
            full: String::new(),
        };
        insert.full = insert.make(Self::ROWS);
        insert
    }

    /// The statement for a chunk of `rows` rows.
    pub(super) fn sql(&self, rows: usize) -> std::borrow::Cow<'_, str> {
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

impl Store {
    /// Runs `f` as a write that needs `what`, refused before anything is
    /// touched when the role may not.
    pub(super) fn write<T>(
        &mut self,
        what: Permission,
        f: impl FnOnce(&rusqlite::Transaction<'_>, DateTime<Utc>) -> Result<T>,
    ) -> Result<T> {
        self.allow(what)?;
        self.transact(f)
    }

    /// Runs `f` in a write transaction taken at once (`BEGIN IMMEDIATE`), so
    /// that two coordinators never deadlock upgrading read locks.
    pub(super) fn transact<T>(
        &mut self,
        f: impl FnOnce(&rusqlite::Transaction<'_>, DateTime<Utc>) -> Result<T>,
    ) -> Result<T> {
        self.transact_as(TransactionBehavior::Immediate, f)
    }

    /// [`Store::transact`] with a transaction that begins as `behavior` says.
    pub(super) fn transact_as<T>(
        &mut self,
        behavior: TransactionBehavior,
        f: impl FnOnce(&rusqlite::Transaction<'_>, DateTime<Utc>) -> Result<T>,
    ) -> Result<T> {
        let now = self.now();
        let tx = self.conn.transaction_with_behavior(behavior)?;
        if let Some((name, access)) = &self.session_user {
            super::users::check_access(&tx, name, *access)?;
        }
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
    pub(super) fn write_bulk<T>(
        &mut self,
        what: Permission,
        f: impl FnOnce(&rusqlite::Transaction<'_>, DateTime<Utc>) -> Result<T>,
    ) -> Result<T> {
        self.write_bulk_as(what, TransactionBehavior::Immediate, f)
    }

    /// [`Store::write_bulk`] in a transaction that begins as `behavior` says.
    pub(super) fn write_bulk_as<T>(
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

/// The row of `entity` (its table) with this id, read as `columns` by
/// `row`; `NotFound` when there is none. Works in and out of a transaction.
pub(super) fn by_id<T>(
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
pub(super) fn require(conn: &rusqlite::Connection, entity: &'static str, id: i64) -> Result<()> {
    let sql = format!("SELECT EXISTS (SELECT 1 FROM {entity} WHERE id = ?1)");
    if conn.query_row(&sql, [id], |r| r.get(0))? {
        Ok(())
    } else {
        Err(StoreError::NotFound { entity, id })
    }
}

/// The optimistic-concurrency check shared by every edit: `Ok` when the row
/// is still at `expected`, else the conflict (naming who changed it) or not found.
pub(super) fn check_version(
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
