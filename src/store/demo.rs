//! Bulk loading of generated demo data into an empty database.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use rusqlite::params;

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
    pub fn load_bulk(&mut self, data: &BulkData, action: &str, actor: &Actor) -> Result<()> {
        let path = self.path.clone();
        self.write_bulk(Permission::Jobs, |tx, now| {
            let existing: i64 = tx.query_row("SELECT count(*) FROM person", [], |r| r.get(0))?;
            if existing > 0 {
                return Err(StoreError::NotEmpty {
                    path,
                    people: existing,
                });
            }
            // Building an index once from all its rows beats updating it row
            // by row: set the indexes aside (as the schema defines them), load,
            // and build them again, all inside this transaction.
            // The triggers that keep the tallies and the search index are
            // set aside too: both are built once from the loaded rows.
            let indexes: Vec<(String, String, String)> = tx
                .prepare(
                    "SELECT type, name, sql FROM sqlite_schema
                     WHERE type IN ('index', 'trigger') AND sql IS NOT NULL
                       AND tbl_name IN ('household', 'person', 'appointment',
                                        'household_present')",
                )?
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                .collect::<rusqlite::Result<_>>()?;
            for (kind, name, _) in &indexes {
                tx.execute_batch(&format!("DROP {kind} \"{name}\""))?;
            }
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
            let rows: Vec<(i64, &crate::domain::PersonDetails)> =
                data.people.iter().map(|p| (p.id, &p.details)).collect();
            // The people's tallies and search index, counted as they were
            // written.
            people::insert_people(tx, &rows, now, actor)?.write(tx)?;
            // Each appointment marked as the triggers would mark it (the
            // rule of `FOR_SOMEONE_PRESENT`): its traveller is present, or
            // for a group's, someone of the group is.
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
            let rows: Vec<(&Appointment, bool)> = data
                .appointments
                .iter()
                .map(|a| {
                    let marked = match a.person_id {
                        Some(p) => present.contains(&p),
                        None => groups.contains(&a.household_id),
                    };
                    (a, marked)
                })
                .collect();
            appointments::insert_many(tx, &rows, now, actor)?;
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
}
