//! Bulk loading of generated demo data into an empty database.

use foldhash::HashSet;

use chrono::{DateTime, Utc};
use rusqlite::{params, TransactionBehavior};

use super::outages::NewOutage;
use super::{appointments, audit, codec, outages, people, search, Result, Store, StoreError};
use crate::actor::Actor;
use crate::domain::section::Section;
use crate::domain::Permission;
use crate::domain::{Appointment, Household, Person, PersonStatus, Shelter};

/// Whole tables to load at once (a demo roster, an export read back), ids assigned.
#[derive(Debug, Clone, Default)]
pub struct BulkData {
    /// Shelters.
    pub shelters: Vec<Shelter>,
    /// CBP One groups.
    pub households: Vec<Household>,
    /// People.
    pub people: Vec<Person>,
    /// Appointments.
    pub appointments: Vec<Appointment>,
    /// Outages, each with the extension granted after it.
    pub outages: Vec<(NewOutage, Option<DateTime<Utc>>)>,
    /// The shelters' sections (their `occupied` is not read: counted from
    /// the people placed).
    pub sections: Vec<Section>,
    /// Person id → the section they are in (people not named: in none).
    pub placements: foldhash::HashMap<i64, i64>,
    /// Transfers between the shelters (their households loaded with them).
    pub transfers: Vec<crate::domain::Transfer>,
    /// Cases in the programs kept as files, with their events.
    pub cases: Vec<crate::domain::program::record::CaseRecord>,
}

impl Store {
    /// Loads demo data in one transaction, with one audit row for the load.
    /// Refused when the database already holds people, so that demo data can
    /// never mix with a real roster.
    pub fn load_demo(&mut self, data: &BulkData, actor: &Actor) -> Result<()> {
        self.load_bulk(data, "demo.load", actor)
    }

    /// Loads whole tables (a demo, or an export read back) into a database
    /// that holds nobody yet, in one transaction with one audit row.
    ///
    /// Two threads share the work. This one writes the shelters and the
    /// first half of the people, and then builds the people's indexes; the
    /// second writes the other half of the people into an in-memory
    /// database, then the households and appointments into another one,
    /// with their indexes. SQLite copies each of those tables across whole
    /// (its transfer optimization: records and index entries in order,
    /// nothing decoded). That needs foreign keys off for the load, so
    /// every reference of the data is checked on the way ([`references`]);
    /// and a transaction that takes the file's write lock with its first
    /// write (an immediate one would lock the in-memory databases too).
    pub fn load_bulk(&mut self, data: &BulkData, action: &str, actor: &Actor) -> Result<()> {
        let path = self.path.clone();
        // The people are appended to a table without indexes; the
        // households and appointments arrive with theirs.
        let people = Side::attach(&self.conn, "bulk_people", &[("person", false)])?;
        let rest = Side::attach(
            &self.conn,
            "bulk_rest",
            &[("household", true), ("appointment", true)],
        );
        let result = rest.and_then(|rest| {
            self.conn.pragma_update(None, "foreign_keys", "OFF")?;
            let loaded = self.write_bulk_as(
                Permission::Jobs,
                TransactionBehavior::Deferred,
                |tx, now| load(tx, now, data, action, actor, (people, rest), &path),
            );
            let on = self.conn.pragma_update(None, "foreign_keys", "ON");
            loaded?;
            Ok(on?)
        });
        // (Each in-memory database goes with its last connection: this one.)
        let detached = ["bulk_people", "bulk_rest"]
            .iter()
            .filter(|name| Side::attached(&self.conn, name))
            .try_for_each(|name| self.conn.execute_batch(&format!("DETACH DATABASE {name}")));
        result?;
        Ok(detached?)
    }
}

/// An in-memory database a second thread loads tables into, attached to
/// the store's connection under its name. It is SQLite's `memdb`: the
/// store's connection and the thread's own share it as they would share a
/// file (each with its page cache and its locks, no shared cache), so the
/// thread may build indexes while the store prepares its statements.
struct Side {
    /// The loading thread's connection.
    conn: rusqlite::Connection,
    /// The name it is attached under.
    name: &'static str,
    /// The indexes of its tables, as the store's schema defines them: made
    /// once the rows are in.
    indexes: Vec<String>,
}

impl Side {
    /// Makes a new in-memory database holding `tables` as the store's
    /// schema defines them (each with its indexes, made after the rows, if
    /// it says so), and attaches it as `name` (plaintext: `KEY ''`, also
    /// when the store is encrypted; it never touches a disk). The tables
    /// are made before the store's connection attaches it, and before the
    /// load's transaction.
    fn attach(
        conn: &rusqlite::Connection,
        name: &'static str,
        tables: &[(&str, bool)],
    ) -> Result<Self> {
        use rusqlite::OpenFlags;
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        // (A name that starts with a slash is shared within the process.)
        let uri = format!("file:/albergue-{name}-{}-{n}?vfs=memdb", std::process::id());
        let mut table_sql = Vec::new();
        let mut indexes = Vec::new();
        let mut stmt = conn.prepare(
            "SELECT type, sql FROM main.sqlite_schema
             WHERE tbl_name = ?1 AND type IN ('table', 'index') AND sql IS NOT NULL
             ORDER BY type = 'index'",
        )?;
        for (table, indexed) in tables {
            let rows = stmt.query_map([table], |r| Ok((r.get::<_, String>(0)?, r.get(1)?)))?;
            for row in rows {
                let (kind, sql) = row?;
                match kind.as_str() {
                    "table" => table_sql.push(sql),
                    _ if *indexed => indexes.push(sql),
                    _ => {}
                }
            }
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_URI
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let side = rusqlite::Connection::open_with_flags(&uri, flags)?;
        // The tables the rows name are not here (the store checks them);
        // nothing here outlives a failed load, so nothing to roll back; a
        // page cache that holds the whole database until it commits.
        side.execute_batch(&format!(
            "PRAGMA foreign_keys = OFF; PRAGMA journal_mode = OFF;
             PRAGMA cache_size = {};",
            super::BULK_CACHE_KIB
        ))?;
        side.execute_batch(&table_sql.join(";\n"))?;
        conn.execute(&format!("ATTACH DATABASE ?1 AS {name} KEY ''"), [&uri])?;
        Ok(Self {
            conn: side,
            name,
            indexes,
        })
    }

    /// Whether the store's connection has a database attached as `name`.
    fn attached(conn: &rusqlite::Connection, name: &str) -> bool {
        conn.query_row(
            "SELECT count(*) FROM pragma_database_list WHERE name = ?1",
            [name],
            |r| r.get::<_, i64>(0),
        )
        .is_ok_and(|n| n > 0)
    }

    /// Writes rows with `write` and then the indexes, in one transaction
    /// of the loading thread (its connection closes with it; the store's
    /// attachment keeps the database until the store detaches it).
    fn load<T>(mut self, write: impl FnOnce(&rusqlite::Connection) -> Result<T>) -> Result<T> {
        let tx = self.conn.transaction()?;
        let value = write(&tx)?;
        for sql in &self.indexes {
            tx.execute_batch(sql)?;
        }
        tx.commit()?;
        Ok(value)
    }
}

/// Time since the load began, logged at debug level as each step ends
/// (`--log-level albergue::store=debug`): where a slow load spends it.
#[derive(Clone, Copy)]
struct Steps(std::time::Instant);

impl Steps {
    fn done(self, step: &'static str) {
        let ms = self.0.elapsed().as_millis() as u64;
        tracing::debug!(step, ms, "bulk load");
    }
}

/// Every row's references (household → shelter, person → household,
/// appointment → household and person) point at a row loaded with it or
/// already stored (`stored`: the shelters and households the database
/// holds; it holds no person, or the load is refused): the load runs with
/// foreign keys off.
fn references(
    stored: Stored,
    data: &BulkData,
    shelter_of: &foldhash::HashMap<i64, i64>,
) -> Result<()> {
    let Stored {
        mut shelters,
        mut households,
    } = stored;
    shelters.extend(data.shelters.iter().map(|s| s.id));
    households.extend(data.households.iter().map(|h| h.id));
    let people: HashSet<i64> = data.people.iter().map(|p| p.id).collect();
    let dangling = |entity, id, target, missing| StoreError::Dangling {
        entity,
        id,
        target,
        missing,
    };
    for h in &data.households {
        if !shelters.contains(&h.shelter_id) {
            return Err(dangling("household", h.id, "shelter", h.shelter_id));
        }
    }
    for p in &data.people {
        if !households.contains(&p.details.household_id) {
            return Err(dangling(
                "person",
                p.id,
                "household",
                p.details.household_id,
            ));
        }
    }
    super::sections::references(&shelters, shelter_of, data)?;
    for a in &data.appointments {
        if !households.contains(&a.household_id) {
            return Err(dangling("appointment", a.id, "household", a.household_id));
        }
        if let Some(p) = a.person_id.filter(|p| !people.contains(p)) {
            return Err(dangling("appointment", a.id, "person", p));
        }
    }
    Ok(())
}

/// The ids of the rows a load's rows may name that the database already
/// holds.
struct Stored {
    shelters: HashSet<i64>,
    households: HashSet<i64>,
}

/// Each appointment marked as the triggers would mark it (the rule of
/// `FOR_SOMEONE_PRESENT`): its traveller is present, or for a group's,
/// someone of the group is.
fn marked(data: &BulkData) -> Vec<(&Appointment, bool)> {
    let (mut present, mut groups) = (HashSet::default(), HashSet::default());
    for p in data.people.iter() {
        if p.details.status == PersonStatus::Present {
            present.insert(p.id);
            groups.insert(p.details.household_id);
        }
    }
    data.appointments
        .iter()
        .map(|a| {
            let marked = match a.person_id {
                Some(p) => present.contains(&p),
                None => groups.contains(&a.household_id),
            };
            (a, marked)
        })
        .collect()
}

fn load(
    tx: &rusqlite::Transaction<'_>,
    now: DateTime<Utc>,
    data: &BulkData,
    action: &str,
    actor: &Actor,
    (people_side, rest_side): (Side, Side),
    path: &std::path::Path,
) -> Result<()> {
    let steps = Steps(std::time::Instant::now());
    let existing: i64 = tx.query_row("SELECT count(*) FROM person", [], |r| r.get(0))?;
    if existing > 0 {
        return Err(StoreError::NotEmpty {
            path: path.to_path_buf(),
            people: existing,
        });
    }
    let ids = |table: &str| -> rusqlite::Result<HashSet<i64>> {
        tx.prepare(&format!("SELECT id FROM main.{table}"))?
            .query_map([], |r| r.get(0))?
            .collect()
    };
    let stored = Stored {
        shelters: ids("shelter")?,
        households: ids("household")?,
    };
    // Building an index once from all its rows beats updating it row by
    // row: set the people's indexes aside (as the schema defines them),
    // load, and build them again, all inside this transaction. The
    // triggers that keep the tallies and the search index are set aside
    // too: both are built once from the loaded rows. The households' and
    // appointments' indexes stay: they arrive built, with the tables.
    let schema: Vec<(String, String, String, String)> = tx
        .prepare(
            "SELECT type, name, tbl_name, sql FROM main.sqlite_schema
             WHERE type IN ('index', 'trigger') AND sql IS NOT NULL
               AND tbl_name IN ('household', 'person', 'appointment',
                                'household_present')",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let set_aside: Vec<(String, String, String)> = schema
        .into_iter()
        .filter(|(kind, _, table, _)| kind == "trigger" || table == "person")
        .map(|(kind, name, _, sql)| (kind, name, sql))
        .collect();
    for (kind, name, _) in &set_aside {
        tx.execute_batch(&format!("DROP {kind} main.\"{name}\""))?;
    }
    // Each household's shelter, which its people and appointments carry.
    let mut shelter_of: foldhash::HashMap<i64, i64> = tx
        .prepare("SELECT id, shelter_id FROM main.household")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    shelter_of.extend(data.households.iter().map(|h| (h.id, h.shelter_id)));
    let shelter_of = &shelter_of;
    let people_rows: Vec<(i64, &crate::domain::PersonDetails)> =
        data.people.iter().map(|p| (p.id, &p.details)).collect();
    let (first, second) = people_rows.split_at(people_rows.len() / 2);
    std::thread::scope(|scope| -> Result<()> {
        // The second thread: half the people, then (while this one builds
        // the people's indexes) the checks, the households and the
        // appointments.
        let (counted, people_written) = std::sync::mpsc::channel();
        let rest = rest_side.name;
        let loading = scope.spawn(move || -> Result<()> {
            let name = people_side.name;
            let built = people_side.load(|conn| {
                people::insert_people(conn, second, (shelter_of, &data.placements), now, actor)
            });
            steps.done("the second half of the people");
            let failed = built.is_err();
            // (That thread reports an error. If it stopped, so does this.)
            if counted.send(built.map(|b| (name, b))).is_err() || failed {
                return Ok(());
            }
            references(stored, data, shelter_of)?;
            let appointments = marked(data);
            steps.done("references checked");
            rest_side.load(|conn| {
                insert_households(conn, &data.households, now, actor)?;
                appointments::insert_many(conn, &appointments, shelter_of, now, actor)
            })?;
            steps.done("households and appointments");
            Ok(())
        });
        let joined = |loading: std::thread::ScopedJoinHandle<'_, Result<()>>| {
            loading
                .join()
                .unwrap_or_else(|p| std::panic::resume_unwind(p))
        };
        for s in &data.shelters {
            tx.prepare_cached(
                "INSERT INTO shelter (id, name, city, tz, capacity, created_at, updated_at,
                        updated_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, ?7)",
            )?
            .execute(params![
                s.id,
                s.name,
                s.city,
                s.tz,
                s.capacity,
                codec::secs(now),
                actor.as_str()
            ])?;
        }
        super::sections::insert(tx, &data.sections, now, actor)?;
        // The people's tallies and search index, counted as they were
        // written.
        let mut built =
            people::insert_people(tx, first, (shelter_of, &data.placements), now, actor)?;
        steps.done("the first half of the people");
        let (name, theirs) = match people_written.recv() {
            Ok(written) => written?,
            // (It sends before it ends, unless it panicked: that panic.)
            Err(_) => return joined(loading),
        };
        built.merge(theirs);
        // Appended whole (no index on the table now).
        tx.execute_batch(&format!(
            "INSERT INTO main.person SELECT * FROM {name}.person"
        ))?;
        steps.done("the second half appended");
        built.write(tx)?;
        steps.done("tallies and search index");
        for (_, _, sql) in set_aside.iter().filter(|(kind, _, _)| kind == "index") {
            tx.execute_batch(sql)?;
        }
        steps.done("the people's indexes");
        joined(loading)?;
        // Copied whole: same tables, same indexes, foreign keys off, no
        // triggers on them now.
        tx.execute_batch(&format!(
            "INSERT INTO main.household SELECT * FROM {rest}.household;
             INSERT INTO main.appointment SELECT * FROM {rest}.appointment;"
        ))?;
        steps.done("households and appointments copied");
        for (o, extension) in &data.outages {
            outages::insert(tx, o, *extension, now, actor)?;
        }
        super::transfers::insert(tx, &data.transfers, now)?;
        super::cases::insert(tx, &data.cases, now)?;
        // The tallies from the rows, then the triggers that keep them from
        // here on.
        search::count_appointments(tx)?;
        for (_, _, sql) in set_aside.iter().filter(|(kind, _, _)| kind == "trigger") {
            tx.execute_batch(sql)?;
        }
        steps.done("appointment tallies");
        let summary = format!(
            "{} shelters, {} households, {} people, {} appointments, {} outages",
            data.shelters.len(),
            data.households.len(),
            data.people.len(),
            data.appointments.len(),
            data.outages.len()
        );
        audit::record_job(tx, now, actor, action, &summary)
    })
}

/// Inserts households as given ([`super::BulkInsert`]).
fn insert_households(
    conn: &rusqlite::Connection,
    households: &[crate::domain::Household],
    now: DateTime<Utc>,
    actor: &Actor,
) -> Result<()> {
    let (at, by) = (codec::secs(now), actor.as_str());
    let insert = super::BulkInsert::new(
        "INSERT INTO household (id, shelter_id, label, us_destination, created_at,
            updated_at, updated_by)",
        4,
    );
    for chunk in households.chunks(super::BulkInsert::ROWS) {
        let mut values: Vec<&dyn rusqlite::ToSql> = vec![&at, &by];
        for h in chunk {
            values.extend([
                &h.id as &dyn rusqlite::ToSql,
                &h.shelter_id,
                &h.label,
                &h.us_destination,
            ]);
        }
        conn.prepare_cached(&insert.sql(chunk.len()))?
            .execute(rusqlite::params_from_iter(values))?;
    }
    Ok(())
}
