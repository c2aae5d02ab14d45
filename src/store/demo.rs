//! Bulk loading of generated demo data into an empty database.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use rusqlite::{params, TransactionBehavior};

use super::outages::NewOutage;
use super::{appointments, audit, codec, outages, people, search, Result, Store, StoreError};
use crate::actor::Actor;
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
    /// The appointments are written, and their indexes built, by a second
    /// thread into an in-memory database while this one writes the people;
    /// then SQLite copies that table and its indexes across whole (its
    /// transfer optimization: records and index entries in order, nothing
    /// decoded). That needs foreign keys off for the load, so every
    /// reference of the data is checked here first ([`references`]); and a
    /// transaction that takes the file's write lock with its first write
    /// (an immediate one would lock the in-memory database too).
    pub fn load_bulk(&mut self, data: &BulkData, action: &str, actor: &Actor) -> Result<()> {
        let path = self.path.clone();
        let side = Side::attach(&self.conn)?;
        let fk = self.conn.pragma_update(None, "foreign_keys", "OFF");
        let result = fk.map_err(StoreError::from).and_then(|()| {
            self.write_bulk_as(
                Permission::Jobs,
                TransactionBehavior::Deferred,
                |tx, now| load(tx, now, data, action, actor, side, &path),
            )
        });
        let on = self.conn.pragma_update(None, "foreign_keys", "ON");
        let detached = self
            .conn
            .execute_batch("DETACH DATABASE bulk")
            .map_err(StoreError::from);
        result?;
        on?;
        detached
    }
}

/// The in-memory database the appointments are loaded into first, attached
/// to the store's connection as `bulk` (it lives while a connection has it
/// open: the attachment, and the loading thread's own connection).
struct Side {
    /// The loading thread's connection, its table and indexes made.
    conn: rusqlite::Connection,
}

impl Side {
    /// Attaches a new in-memory database (plaintext: `KEY ''`, also when
    /// the store is encrypted; it never touches a disk) and makes in it the
    /// store's `appointment` table and indexes, as the store's schema
    /// defines them. This happens before the load's transaction: in a
    /// shared cache a connection needs a read lock on every attached
    /// schema to prepare a statement, so the schema must not change while
    /// the store's connection prepares the load's statements.
    fn attach(conn: &rusqlite::Connection) -> Result<Self> {
        use rusqlite::OpenFlags;
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let uri = format!(
            "file:albergue-bulk-{}-{n}?mode=memory&cache=shared",
            std::process::id()
        );
        let schema: Vec<String> = conn
            .prepare(
                "SELECT sql FROM sqlite_schema
                 WHERE tbl_name = 'appointment' AND type IN ('table', 'index') AND sql IS NOT NULL
                 ORDER BY type = 'index'",
            )?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_URI
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let side = rusqlite::Connection::open_with_flags(&uri, flags)?;
        // The tables the rows name are not here (the store checks them).
        side.pragma_update(None, "foreign_keys", "OFF")?;
        // (This connection's own database is the in-memory one: the
        // store's SQL as it stands.)
        side.execute_batch(&schema.join(";\n"))?;
        conn.execute("ATTACH DATABASE ?1 AS bulk KEY ''", [&uri])?;
        Ok(Self { conn: side })
    }

    /// The rows, in one transaction of the loading thread (the connection
    /// closes with it; the attachment keeps the database until the store
    /// detaches it).
    fn load(
        mut self,
        rows: &[(&Appointment, bool)],
        now: DateTime<Utc>,
        actor: &Actor,
    ) -> Result<()> {
        let tx = self.conn.transaction()?;
        appointments::insert_many(&tx, rows, now, actor)?;
        tx.commit()?;
        Ok(())
    }
}

/// Every row's references (household → shelter, person → household,
/// appointment → household and person) point at a row loaded with it or
/// already stored (`shelters`: those stored): the load runs with foreign
/// keys off.
fn references(mut shelters: HashSet<i64>, data: &BulkData) -> Result<()> {
    shelters.extend(data.shelters.iter().map(|s| s.id));
    let households: HashSet<i64> = data.households.iter().map(|h| h.id).collect();
    let people: HashSet<i64> = data.people.iter().map(|p| p.id).collect();
    let dangling = |entity, id, target, missing| StoreError::Dangling {
        entity,
        id,
        target,
        missing,
    };
    // (The database holds no household or person yet: the load is refused
    // otherwise, so only the data's own count.)
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

/// Each appointment marked as the triggers would mark it (the rule of
/// `FOR_SOMEONE_PRESENT`): its traveller is present, or for a group's,
/// someone of the group is.
fn marked(data: &BulkData) -> Vec<(&Appointment, bool)> {
    let present: HashSet<i64> = data
        .people
        .iter()
        .filter(|p| p.details.status == PersonStatus::Present)
        .map(|p| p.id)
        .collect();
    let groups: HashSet<i64> = data
        .people
        .iter()
        .filter(|p| p.details.status == PersonStatus::Present)
        .map(|p| p.details.household_id)
        .collect();
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
    side: Side,
    path: &std::path::Path,
) -> Result<()> {
    let existing: i64 = tx.query_row("SELECT count(*) FROM person", [], |r| r.get(0))?;
    if existing > 0 {
        return Err(StoreError::NotEmpty {
            path: path.to_path_buf(),
            people: existing,
        });
    }
    let shelters: HashSet<i64> = tx
        .prepare("SELECT id FROM shelter")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    // Building an index once from all its rows beats updating it row by
    // row: set the indexes aside (as the schema defines them), load, and
    // build them again, all inside this transaction. The triggers that
    // keep the tallies and the search index are set aside too: both are
    // built once from the loaded rows. The appointments' indexes stay:
    // they arrive built, with the table.
    let schema: Vec<(String, String, String, String)> = tx
        .prepare(
            "SELECT type, name, tbl_name, sql FROM sqlite_schema
             WHERE type IN ('index', 'trigger') AND sql IS NOT NULL
               AND tbl_name IN ('household', 'person', 'appointment',
                                'household_present')",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let indexes: Vec<(String, String, String)> = schema
        .into_iter()
        .filter(|(kind, _, t, _)| kind == "trigger" || (kind == "index" && t != "appointment"))
        .map(|(kind, name, _, sql)| (kind, name, sql))
        .collect();
    for (kind, name, _) in &indexes {
        tx.execute_batch(&format!("DROP {kind} \"{name}\""))?;
    }
    std::thread::scope(|scope| -> Result<()> {
        // The second thread checks the references, marks the appointments
        // and writes them while this one writes the people.
        let loading = scope.spawn(move || {
            references(shelters, data)?;
            side.load(&marked(data), now, actor)
        });
        let at = codec::secs(now);
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
                at,
                actor.as_str()
            ])?;
        }
        for h in &data.households {
            tx.prepare_cached(
                "INSERT INTO household (id, shelter_id, label, us_destination, created_at,
                        updated_at, updated_by) VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?6)",
            )?
            .execute(params![
                h.id,
                h.shelter_id,
                h.label,
                h.us_destination,
                at,
                actor.as_str()
            ])?;
        }
        let people_rows: Vec<(i64, &crate::domain::PersonDetails)> =
            data.people.iter().map(|p| (p.id, &p.details)).collect();
        // The people's tallies and search index, counted as they were
        // written.
        people::insert_people(tx, &people_rows, now, actor)?.write(tx)?;
        let loaded = loading
            .join()
            .unwrap_or_else(|p| std::panic::resume_unwind(p));
        loaded?;
        // Copied whole: same table, same indexes, foreign keys off,
        // no triggers on it now.
        tx.execute_batch("INSERT INTO appointment SELECT * FROM bulk.appointment")?;
        for (o, extension) in &data.outages {
            outages::insert(tx, o, *extension, now, actor)?;
        }
        // Indexes first, then the tallies from the rows, then the
        // triggers that keep them from here on.
        for (_, _, sql) in indexes.iter().filter(|(kind, _, _)| kind == "index") {
            tx.execute_batch(sql)?;
        }
        search::count_appointments(tx)?;
        for (_, _, sql) in indexes.iter().filter(|(kind, _, _)| kind == "trigger") {
            tx.execute_batch(sql)?;
        }
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
