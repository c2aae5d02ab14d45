//! Consistent reads of whole tables for the export: one read transaction,
//! rows streamed to the caller as borrowed fields, never all in memory.

use rusqlite::types::ValueRef;
use rusqlite::TransactionBehavior;

use super::{audit, Result, Store, StoreError};
use crate::actor::Actor;
use crate::domain::Permission;

/// How a stored column is to be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A whole number (ids, counts, versions).
    Int,
    /// Text.
    Text,
    /// An instant, stored as seconds since the epoch (UTC).
    Instant,
    /// A calendar day, `YYYY-MM-DD`.
    Day,
}

/// One column of an exported table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    /// Its name, as in the database and in the export's header.
    pub name: &'static str,
    /// How to read it.
    pub kind: Kind,
}

const fn col(name: &'static str, kind: Kind) -> Column {
    Column { name, kind }
}

use Kind::{Day, Instant, Int, Text};

/// The tables an export holds, in the order they are written (and read back).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    /// Shelters.
    Shelters,
    /// Their sections (beds).
    Sections,
    /// CBP One groups.
    Households,
    /// People.
    People,
    /// Appointments.
    Appointments,
    /// Outages.
    Outages,
    /// Transfers between shelters.
    Transfers,
    /// Cases in the programs kept as files.
    Cases,
    /// Their steps' events.
    CaseEvents,
    /// The audit trail.
    Audit,
}

impl Table {
    /// Every table, parents before children.
    pub const ALL: [Self; 10] = [
        Self::Shelters,
        Self::Sections,
        Self::Households,
        Self::People,
        Self::Appointments,
        Self::Outages,
        Self::Transfers,
        Self::Cases,
        Self::CaseEvents,
        Self::Audit,
    ];

    /// The file name stem in an export (`people`, …).
    pub fn name(self) -> &'static str {
        match self {
            Self::Shelters => "shelters",
            Self::Sections => "sections",
            Self::Households => "households",
            Self::People => "people",
            Self::Appointments => "appointments",
            Self::Outages => "outages",
            Self::Transfers => "transfers",
            Self::Cases => "cases",
            Self::CaseEvents => "case_events",
            Self::Audit => "audit",
        }
    }

    fn sql_table(self) -> &'static str {
        match self {
            Self::Shelters => "shelter",
            Self::Sections => "shelter_section",
            Self::Households => "household",
            Self::People => "person",
            Self::Appointments => "appointment",
            Self::Outages => "outage",
            Self::Transfers => "transfer",
            Self::Cases => "program_case",
            Self::CaseEvents => "case_event",
            Self::Audit => "audit",
        }
    }

    /// The exported columns (derived ones, like the folded search name, are left out).
    pub fn columns(self) -> &'static [Column] {
        const EDIT: [Column; 4] = [
            col("created_at", Instant),
            col("updated_at", Instant),
            col("updated_by", Text),
            col("version", Int),
        ];
        const SHELTERS: &[Column] = &[
            col("id", Int),
            col("name", Text),
            col("city", Text),
            col("tz", Text),
            col("capacity", Int),
            EDIT[0],
            EDIT[1],
            EDIT[2],
            EDIT[3],
        ];
        const HOUSEHOLDS: &[Column] = &[
            col("id", Int),
            col("shelter_id", Int),
            col("label", Text),
            col("us_destination", Text),
            EDIT[0],
            EDIT[1],
            EDIT[2],
            EDIT[3],
        ];
        const PEOPLE: &[Column] = &[
            col("id", Int),
            col("household_id", Int),
            col("given_names", Text),
            col("family_names", Text),
            col("birth_date", Day),
            col("sex", Text),
            col("nationality", Text),
            col("languages", Text),
            col("phone", Text),
            col("arrival_date", Day),
            col("departure_date", Day),
            col("status", Text),
            col("vulnerabilities", Text),
            col("notes", Text),
            col("section_id", Int),
            EDIT[0],
            EDIT[1],
            EDIT[2],
            EDIT[3],
        ];
        const APPOINTMENTS: &[Column] = &[
            col("id", Int),
            col("household_id", Int),
            col("person_id", Int),
            col("port_code", Text),
            col("appointment_at", Instant),
            col("allocated_at", Instant),
            col("confirm_deadline", Instant),
            col("extended_until", Instant),
            col("confirmation_number", Text),
            col("confirmed_at", Instant),
            col("confirmed_by", Text),
            col("confirmation_channel", Text),
            col("status", Text),
            col("program", Text),
            EDIT[0],
            EDIT[1],
            EDIT[2],
            EDIT[3],
        ];
        const OUTAGES: &[Column] = &[
            col("id", Int),
            col("service", Text),
            col("affected_step", Text),
            col("port_codes", Text),
            col("started_at", Instant),
            col("ended_at", Instant),
            col("source", Text),
            col("note", Text),
            col("extension_until", Instant),
            EDIT[0],
            EDIT[1],
            EDIT[2],
            EDIT[3],
        ];
        const SECTIONS: &[Column] = &[
            col("id", Int),
            col("shelter_id", Int),
            col("name", Text),
            col("capacity", Int),
            EDIT[0],
            EDIT[1],
            EDIT[2],
            EDIT[3],
        ];
        const TRANSFERS: &[Column] = &[
            col("id", Int),
            col("household_id", Int),
            col("from_shelter", Int),
            col("to_shelter", Int),
            col("people", Int),
            col("status", Text),
            col("consent_asked_by", Text),
            col("requested_at", Instant),
            col("requested_by", Text),
            col("decided_at", Instant),
            col("decided_by", Text),
            col("reason", Text),
            EDIT[0],
            EDIT[1],
            EDIT[2],
            EDIT[3],
        ];
        const CASES: &[Column] = &[
            col("id", Int),
            col("program", Text),
            col("household_id", Int),
            col("person_id", Int),
            col("venue", Text),
            col("reference", Text),
            col("scheduled_at", Instant),
            col("status", Text),
            col("closed_at", Instant),
            EDIT[0],
            EDIT[1],
            EDIT[2],
            EDIT[3],
        ];
        const CASE_EVENTS: &[Column] = &[
            col("id", Int),
            col("case_id", Int),
            col("step", Text),
            col("at", Instant),
            col("note", Text),
            col("recorded_by", Text),
            col("created_at", Instant),
        ];
        const AUDIT: &[Column] = &[
            col("id", Int),
            col("at", Instant),
            col("actor", Text),
            col("action", Text),
            col("entity", Text),
            col("entity_id", Int),
            col("summary", Text),
        ];
        match self {
            Self::Shelters => SHELTERS,
            Self::Sections => SECTIONS,
            Self::Households => HOUSEHOLDS,
            Self::People => PEOPLE,
            Self::Appointments => APPOINTMENTS,
            Self::Outages => OUTAGES,
            Self::Transfers => TRANSFERS,
            Self::Cases => CASES,
            Self::CaseEvents => CASE_EVENTS,
            Self::Audit => AUDIT,
        }
    }
}

/// The widest table's column count.
const MAX_COLUMNS: usize = 19;
// (appointments have 18 columns, people 19.)

/// A value of an exported row, borrowed from SQLite for the length of one row.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Field<'a> {
    /// No value.
    Null,
    /// A whole number (or an instant, or a day's text: see [`Column::kind`]).
    Int(i64),
    /// Text.
    Text(&'a str),
}

/// An open read transaction: every table read through it shows the same
/// moment. On SQLite or on PostgreSQL: the export reads both alike.
pub struct Snapshot<'c> {
    tx: Tx<'c>,
}

enum Tx<'c> {
    Sqlite(rusqlite::Transaction<'c>),
    Postgres(std::cell::RefCell<postgres::Transaction<'c>>),
}

impl<'c> Snapshot<'c> {
    /// A snapshot in a PostgreSQL transaction (repeatable read, read only).
    pub(super) fn postgres(tx: postgres::Transaction<'c>) -> Self {
        Snapshot {
            tx: Tx::Postgres(std::cell::RefCell::new(tx)),
        }
    }

    /// Ends it (commits a read: nothing to write).
    pub(super) fn finish(self) -> Result<()> {
        match self.tx {
            Tx::Sqlite(tx) => tx.commit()?,
            Tx::Postgres(tx) => tx.into_inner().commit()?,
        }
        Ok(())
    }

    /// The schema version.
    pub fn schema_version(&self) -> Result<i64> {
        match &self.tx {
            Tx::Sqlite(tx) => Ok(tx.pragma_query_value(None, "user_version", |r| r.get(0))?),
            Tx::Postgres(tx) => {
                let row = tx
                    .borrow_mut()
                    .query_one("SELECT version FROM albergue_schema", &[])?;
                Ok(i64::from(row.get::<_, i32>(0)))
            }
        }
    }

    /// The audit chain as this snapshot holds it: its length and head, or
    /// where it breaks.
    pub fn audit_chain(&self) -> Result<super::audit::Verified> {
        match &self.tx {
            Tx::Sqlite(tx) => super::audit::verify(tx, None),
            Tx::Postgres(tx) => super::pg::chain(&mut tx.borrow_mut()),
        }
    }

    /// How many rows `table` holds in this snapshot.
    pub fn count(&self, table: Table) -> Result<u64> {
        let sql = format!("SELECT count(*) FROM {}", table.sql_table());
        let n: i64 = match &self.tx {
            Tx::Sqlite(tx) => tx.query_row(&sql, [], |r| r.get(0))?,
            Tx::Postgres(tx) => tx.borrow_mut().query_one(&sql, &[])?.get(0),
        };
        Ok(n.max(0) as u64)
    }

    /// Streams every row of `table`, by id, to `f`; returns how many.
    pub fn rows<E: From<StoreError>>(
        &self,
        table: Table,
        mut f: impl FnMut(&[Field<'_>]) -> Result<(), E>,
    ) -> Result<u64, E> {
        let cols = table.columns();
        let names: Vec<&str> = cols.iter().map(|c| c.name).collect();
        let sql = format!(
            "SELECT {} FROM {} ORDER BY id",
            names.join(", "),
            table.sql_table()
        );
        let tx = match &self.tx {
            Tx::Sqlite(tx) => tx,
            Tx::Postgres(tx) => return pg_rows(&mut tx.borrow_mut(), &sql, cols, f),
        };
        let mut stmt = tx.prepare(&sql).map_err(StoreError::from)?;
        let mut rows = stmt.query([]).map_err(StoreError::from)?;
        let mut n = 0u64;
        while let Some(row) = rows.next().map_err(StoreError::from)? {
            // On the stack: no allocation per row.
            let mut fields = [Field::Null; MAX_COLUMNS];
            for (i, field) in fields.iter_mut().enumerate().take(cols.len()) {
                *field = match row.get_ref(i).map_err(StoreError::from)? {
                    ValueRef::Null => Field::Null,
                    ValueRef::Integer(v) => Field::Int(v),
                    ValueRef::Text(t) => Field::Text(std::str::from_utf8(t).unwrap_or("")),
                    ValueRef::Real(_) | ValueRef::Blob(_) => Field::Null,
                };
            }
            f(&fields[..cols.len()])?;
            n += 1;
        }
        Ok(n)
    }
}

/// [`Snapshot::rows`] on PostgreSQL: whole numbers are `bigint`, the rest
/// text (as the schema has them).
fn pg_rows<E: From<StoreError>>(
    tx: &mut postgres::Transaction<'_>,
    sql: &str,
    cols: &[Column],
    mut f: impl FnMut(&[Field<'_>]) -> Result<(), E>,
) -> Result<u64, E> {
    use postgres::fallible_iterator::FallibleIterator;
    use postgres::types::Type;
    let mut rows = tx
        .query_raw(sql, std::iter::empty::<i64>())
        .map_err(StoreError::from)?;
    let mut n = 0u64;
    while let Some(row) = rows.next().map_err(StoreError::from)? {
        let mut fields = [Field::Null; MAX_COLUMNS];
        for (i, field) in fields.iter_mut().enumerate().take(cols.len()) {
            *field = if *row.columns()[i].type_() == Type::INT8 {
                row.get::<_, Option<i64>>(i).map_or(Field::Null, Field::Int)
            } else {
                row.get::<_, Option<&str>>(i)
                    .map_or(Field::Null, Field::Text)
            };
        }
        f(&fields[..cols.len()])?;
        n += 1;
    }
    Ok(n)
}

/// What a job that reads the whole database needs of it, on either
/// backend: a consistent snapshot, and its own audit row.
pub trait Snapshots {
    /// Runs `f` inside one read transaction, so that everything it reads
    /// is one consistent moment even while other coordinators write.
    fn snapshot<T, E: From<StoreError>>(
        &mut self,
        f: impl FnOnce(&Snapshot<'_>) -> Result<T, E>,
    ) -> Result<T, E>;

    /// Audits the job (who, when, where, how): field names and counts only.
    fn record_job(&mut self, action: &str, summary: &str, actor: &Actor) -> Result<()>;

    /// Whether it can only be read (then the job is not audited).
    fn read_only(&self) -> bool;
}

impl Snapshots for Store {
    fn snapshot<T, E: From<StoreError>>(
        &mut self,
        f: impl FnOnce(&Snapshot<'_>) -> Result<T, E>,
    ) -> Result<T, E> {
        Store::snapshot(self, f)
    }

    fn record_job(&mut self, action: &str, summary: &str, actor: &Actor) -> Result<()> {
        Store::record_job(self, action, summary, actor)
    }

    fn read_only(&self) -> bool {
        Store::read_only(self)
    }
}

impl Store {
    /// Runs `f` inside one read transaction, so that everything it reads is
    /// one consistent moment even while other coordinators write.
    pub fn snapshot<T, E: From<StoreError>>(
        &mut self,
        f: impl FnOnce(&Snapshot<'_>) -> Result<T, E>,
    ) -> Result<T, E> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Deferred)
            .map_err(StoreError::from)?;
        // The first read fixes the snapshot.
        tx.query_row("SELECT count(*) FROM sqlite_schema", [], |r| {
            r.get::<_, i64>(0)
        })
        .map_err(StoreError::from)?;
        let snap = Snapshot { tx: Tx::Sqlite(tx) };
        let value = f(&snap)?;
        snap.finish()?;
        Ok(value)
    }

    /// Audits an export or a backup (who, when, where, how): field names and
    /// counts only.
    pub fn record_job(&mut self, action: &str, summary: &str, actor: &Actor) -> Result<()> {
        self.write(Permission::Jobs, |tx, now| {
            audit::record_job(tx, now, actor, action, summary)
        })
    }
}

impl Store {
    /// Copies the live database to a new file at `dest` with SQLite's online
    /// backup API (never a file copy of a live database), then checks the
    /// copy. `dest` must not exist; it is created 0600, in rollback-journal
    /// mode so that it is one self-contained file, encrypted with the
    /// database's own key when it has one.
    pub fn backup_to(&self, dest: &std::path::Path) -> Result<Vec<String>> {
        use std::os::unix::fs::OpenOptionsExt;
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(dest)
            .map_err(|e| StoreError::Unreadable {
                path: dest.to_path_buf(),
                reason: e.to_string(),
            })?;
        let mut copy = rusqlite::Connection::open(dest)?;
        // An encrypted database's backup is encrypted with the same key
        // (SQLCipher copies pages between databases of one key only).
        if let Some(key) = &self.key {
            super::apply_key(&copy, key, None)?;
        }
        {
            let backup = rusqlite::backup::Backup::new(&self.conn, &mut copy)?;
            backup.run_to_completion(1024, std::time::Duration::from_millis(5), None)?;
        }
        copy.pragma_update(None, "journal_mode", "DELETE")?;
        let mut problems = Vec::new();
        let mut stmt = copy.prepare("PRAGMA integrity_check")?;
        for row in stmt.query_map([], |r| r.get::<_, String>(0))? {
            let row = row?;
            if row != "ok" {
                problems.push(row);
            }
        }
        Ok(problems)
    }
}

impl Store {
    /// Keeps a form's input for `user` (replacing any earlier draft).
    pub fn save_draft(&mut self, user: &str, form: &str) -> Result<()> {
        let now = super::codec::secs(self.now());
        self.conn.execute(
            "INSERT INTO draft (os_user, saved_at, form) VALUES (?1, ?2, ?3)
             ON CONFLICT (os_user) DO UPDATE SET saved_at = ?2, form = ?3",
            rusqlite::params![user, now, form],
        )?;
        Ok(())
    }

    /// Takes `user`'s draft out of the database, if there is one.
    pub fn take_draft(&mut self, user: &str) -> Result<Option<String>> {
        use rusqlite::OptionalExtension;
        self.transact(|tx, _| {
            let form: Option<String> = tx
                .query_row("SELECT form FROM draft WHERE os_user = ?1", [user], |r| {
                    r.get(0)
                })
                .optional()?;
            tx.execute("DELETE FROM draft WHERE os_user = ?1", [user])?;
            Ok(form)
        })
    }
}

impl Store {
    /// Audits a list handed out over SSH (`albergue serve`): what was
    /// asked, counts only. Refused, like the list, to a role that may not
    /// print lists and to a user removed meanwhile.
    pub fn record_served_list(&mut self, summary: &str, actor: &Actor) -> Result<()> {
        self.write(Permission::PrintLists, |tx, now| {
            audit::record_job(tx, now, actor, "list.served", summary)
        })
    }

    /// Records that everything held on person `id` was handed out (a
    /// data-subject access export), in the person's own audit trail.
    pub fn record_person_export(&mut self, id: i64, summary: &str, actor: &Actor) -> Result<()> {
        self.write(Permission::Jobs, |tx, now| {
            super::require(tx, "person", id)?;
            audit::record(tx, now, actor, "person.export", id, summary)
        })
    }
}
