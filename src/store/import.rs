//! Writing an imported roster: one transaction for all of it, or nothing.

use chrono::{DateTime, Duration, Utc};
use rusqlite::{params, OptionalExtension};

use super::{appointments, audit, codec, people, Result, Store, StoreError};
use crate::actor::Actor;
use crate::domain::names::fold;
use crate::domain::Permission;
use crate::domain::{Appointment, AppointmentStatus, Identity, PersonDetails};

/// Which shelter the imported people stay at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ShelterChoice {
    /// An existing shelter.
    Existing(i64),
    /// A new shelter with this name and time zone.
    New {
        /// Name.
        name: String,
        /// tz database zone.
        tz: String,
    },
}

/// A confirmed appointment read from a spreadsheet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedAppointment {
    /// Index of the traveller in [`ImportBatch::people`].
    pub person: usize,
    /// Port code.
    pub port_code: String,
    /// When to present (UTC).
    pub appointment_at: DateTime<Utc>,
    /// The traveller's confirmation number (normalized).
    pub confirmation_number: String,
}

/// Everything one import adds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportBatch {
    /// Where they stay.
    pub shelter: ShelterChoice,
    /// New households: (label, US destination).
    pub households: Vec<(String, Option<String>)>,
    /// New people; `household_id` is an index into `households`.
    pub people: Vec<PersonDetails>,
    /// Their appointments.
    pub appointments: Vec<ImportedAppointment>,
}

impl Store {
    /// Which of these identities already belong to someone, as the ids of
    /// those people (`None` where nobody).
    pub fn existing_identities(&self, identities: &[Identity]) -> Result<Vec<Option<i64>>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id FROM person WHERE search_name = ?1 AND birth_date IS ?2 LIMIT 1",
        )?;
        let mut out = Vec::with_capacity(identities.len());
        for who in identities {
            out.push(
                stmt.query_row(
                    params![who.folded_name, who.birth_date.map(codec::day)],
                    |r| r.get(0),
                )
                .optional()?,
            );
        }
        Ok(out)
    }

    /// The shelter with this name, ignoring case and accents.
    pub fn shelter_named(&self, name: &str) -> Result<Option<i64>> {
        let wanted = fold(name);
        Ok(self
            .shelters()?
            .into_iter()
            .find(|s| fold(&s.name) == wanted || fold(&s.city) == wanted)
            .map(|s| s.id))
    }

    /// Writes an import in one transaction, with an audit row for each
    /// person and one for the import. Appointments come in confirmed: a
    /// spreadsheet does not say when they were allocated, so the allocation
    /// is set 23 hours before the earlier of now and the appointment, which
    /// leaves no confirmation window open that never was.
    pub fn import_batch(&mut self, batch: &ImportBatch, actor: &Actor) -> Result<()> {
        for p in &batch.people {
            p.tidy().validate()?;
        }
        self.write_bulk(Permission::Jobs, |tx, now| {
            let shelter_id = match &batch.shelter {
                ShelterChoice::Existing(id) => *id,
                ShelterChoice::New { name, tz } => {
                    tx.execute(
                        "INSERT INTO shelter (name, city, tz, capacity, created_at, updated_at,
                            updated_by) VALUES (?1, ?1, ?2, 0, ?3, ?3, ?4)",
                        params![name, tz, codec::secs(now), actor.as_str()],
                    )?;
                    let id = tx.last_insert_rowid();
                    audit::record(tx, now, actor, "shelter.create", id, "import")?;
                    id
                }
            };
            let mut household_ids = Vec::with_capacity(batch.households.len());
            for (label, destination) in &batch.households {
                let (label, destination) =
                    crate::domain::person::household_text(label, destination.as_deref())?;
                tx.prepare_cached(
                    "INSERT INTO household (shelter_id, label, us_destination, created_at,
                        updated_at, updated_by) VALUES (?1, ?2, ?3, ?4, ?4, ?5)",
                )?
                .execute(params![
                    shelter_id,
                    label,
                    destination,
                    codec::secs(now),
                    actor.as_str()
                ])?;
                household_ids.push(tx.last_insert_rowid());
            }
            let mut person_ids = Vec::with_capacity(batch.people.len());
            for p in &batch.people {
                let mut d = p.tidy();
                d.household_id =
                    *household_ids
                        .get(p.household_id as usize)
                        .ok_or(StoreError::NotFound {
                            entity: "household",
                            id: p.household_id,
                        })?;
                people::insert_person(tx, None, &d, now, actor)?;
                let id = tx.last_insert_rowid();
                audit::record(tx, now, actor, "person.create", id, "import")?;
                person_ids.push((id, d.household_id));
            }
            for a in &batch.appointments {
                let (person_id, household_id) = person_ids[a.person];
                let allocated_at = a.appointment_at.min(now) - Duration::hours(23);
                let row = Appointment {
                    confirmation_number: Some(a.confirmation_number.clone()),
                    confirmed_by: Some(actor.as_str().to_string()),
                    status: AppointmentStatus::Confirmed,
                    ..Appointment::pending(
                        household_id,
                        Some(person_id),
                        a.port_code.clone(),
                        a.appointment_at,
                        allocated_at,
                    )
                };
                let id = appointments::insert(tx, &row, now, actor)?;
                audit::record(tx, now, actor, "appointment.create", id, "import")?;
            }
            let summary = format!(
                "{} households, {} people, {} appointments",
                batch.households.len(),
                batch.people.len(),
                batch.appointments.len()
            );
            audit::record_job(tx, now, actor, "import", &summary)
        })
    }
}

impl Store {
    /// For each confirmation number, the appointment that already holds it.
    pub fn confirmation_holders(&self, numbers: &[String]) -> Result<Vec<Option<i64>>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id FROM appointment WHERE confirmation_number = ?1")?;
        let mut out = Vec::with_capacity(numbers.len());
        for n in numbers {
            out.push(stmt.query_row([n], |r| r.get(0)).optional()?);
        }
        Ok(out)
    }
}
