//! Shelters, households and people.

use rusqlite::ToSql;
use rusqlite::{params, OptionalExtension, Row};

use super::{audit, check_version, codec, search, Result, Store, StoreError};
use crate::actor::Actor;
use crate::domain::names::fold;
use crate::domain::Permission;
use crate::domain::{Household, Person, PersonDetails, PersonStatus, Shelter, Vulnerability};

pub(super) const PERSON_COLUMNS: &str = "id, household_id, given_names, family_names, birth_date, \
     sex, nationality, languages, phone, arrival_date, departure_date, status, vulnerabilities, \
     notes, created_at, updated_at, updated_by, version";

pub(super) fn person_row(r: &Row<'_>) -> rusqlite::Result<Person> {
    let birth: Option<String> = r.get(4)?;
    let departure: Option<String> = r.get(10)?;
    let vulnerabilities: String = r.get(12)?;
    Ok(Person {
        id: r.get(0)?,
        details: PersonDetails {
            household_id: r.get(1)?,
            given_names: r.get(2)?,
            family_names: r.get(3)?,
            birth_date: birth.map(|b| codec::parse_day(4, &b)).transpose()?,
            sex: codec::parse_enum(5, &r.get::<_, String>(5)?)?,
            nationality: r.get(6)?,
            languages: r.get(7)?,
            phone: r.get(8)?,
            arrival_date: codec::parse_day(9, &r.get::<_, String>(9)?)?,
            departure_date: departure.map(|d| codec::parse_day(10, &d)).transpose()?,
            status: codec::parse_enum(11, &r.get::<_, String>(11)?)?,
            vulnerabilities: Vulnerability::parse_list(&vulnerabilities).map_err(|e| {
                rusqlite::Error::FromSqlConversionFailure(12, rusqlite::types::Type::Text, e.into())
            })?,
            notes: r.get(13)?,
        },
        created_at: codec::instant(r.get(14)?),
        updated_at: codec::instant(r.get(15)?),
        updated_by: r.get(16)?,
        version: r.get(17)?,
    })
}

/// The folded name kept in `person.search_name`.
pub(super) fn search_name(d: &PersonDetails) -> String {
    d.folded_name()
}

impl Store {
    /// Adds a shelter.
    pub fn create_shelter(
        &mut self,
        name: &str,
        city: &str,
        tz: &str,
        capacity: i64,
        actor: &Actor,
    ) -> Result<Shelter> {
        if tz.parse::<chrono_tz::Tz>().is_err() {
            return Err(crate::domain::RuleError::UnknownValue {
                field: "time zone",
                value: tz.to_string(),
            }
            .into());
        }
        self.write(Permission::Jobs, |tx, now| {
            tx.execute(
                "INSERT INTO shelter (name, city, tz, capacity, created_at, updated_at, updated_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?6)",
                params![name, city, tz, capacity, codec::secs(now), actor.as_str()],
            )?;
            let id = tx.last_insert_rowid();
            audit::record(tx, now, actor, "shelter.create", id, "")?;
            Ok(Shelter {
                id,
                name: name.into(),
                city: city.into(),
                tz: tz.into(),
                capacity,
            })
        })
    }

    /// Every shelter, by id.
    /// (A handle scoped to some shelters: theirs.)
    pub fn shelters(&self) -> Result<Vec<Shelter>> {
        self.shelters_where(&self.scope.sql("id"))
    }

    /// The shelters matching a trusted SQL condition (built here), by id.
    pub(super) fn shelters_where(&self, condition: &str) -> Result<Vec<Shelter>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT id, name, city, tz, capacity FROM shelter WHERE {condition} ORDER BY id"
        ))?;
        let rows = stmt.query_map([], |r| {
            Ok(Shelter {
                id: r.get(0)?,
                name: r.get(1)?,
                city: r.get(2)?,
                tz: r.get(3)?,
                capacity: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Adds a CBP One group to a shelter.
    pub fn create_household(
        &mut self,
        shelter_id: i64,
        label: &str,
        us_destination: Option<&str>,
        actor: &Actor,
    ) -> Result<Household> {
        let (label, us_destination) = crate::domain::person::household_text(label, us_destination)?;
        let (label, us_destination) = (label.as_str(), us_destination.as_deref());
        self.in_scope(shelter_id)?;
        self.write(Permission::EditPeople, |tx, now| {
            let exists: bool = tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM shelter WHERE id = ?1)",
                [shelter_id],
                |r| r.get(0),
            )?;
            if !exists {
                return Err(StoreError::NotFound {
                    entity: "shelter",
                    id: shelter_id,
                });
            }
            tx.execute(
                "INSERT INTO household (shelter_id, label, us_destination, created_at, updated_at,
                                        updated_by)
                 VALUES (?1, ?2, ?3, ?4, ?4, ?5)",
                params![
                    shelter_id,
                    label,
                    us_destination,
                    codec::secs(now),
                    actor.as_str()
                ],
            )?;
            let id = tx.last_insert_rowid();
            let summary = format!("shelter {shelter_id}");
            audit::record(tx, now, actor, "household.create", id, &summary)?;
            Ok(Household {
                id,
                shelter_id,
                label: label.into(),
                us_destination: us_destination.map(Into::into),
                version: 1,
            })
        })
    }

    /// One household.
    pub fn household(&self, id: i64) -> Result<Household> {
        self.guard("household", id)?;
        let columns = "id, shelter_id, label, us_destination, version";
        super::by_id(&self.conn, "household", columns, id, |r| {
            Ok(Household {
                id: r.get(0)?,
                shelter_id: r.get(1)?,
                label: r.get(2)?,
                us_destination: r.get(3)?,
                version: r.get(4)?,
            })
        })
    }

    /// Adds a person to the roster.
    pub fn create_person(&mut self, details: &PersonDetails, actor: &Actor) -> Result<Person> {
        let details = &details.tidy();
        details.validate()?;
        let scope = self.scope.clone();
        let id = self.write(Permission::EditPeople, |tx, now| {
            super::require(tx, "household", details.household_id)?;
            super::scope::guard(tx, &scope, "household", details.household_id)?;
            add_person(tx, details, now, actor)
        })?;
        self.person(id)
    }

    /// Adds a person together with a new household for them (labelled
    /// `label`, at shelter `shelter_id`), in one transaction.
    pub fn create_person_with_household(
        &mut self,
        shelter_id: i64,
        label: &str,
        details: &PersonDetails,
        actor: &Actor,
    ) -> Result<Person> {
        let mut details = details.tidy();
        details.household_id = 0;
        details.validate()?;
        let (label, _) = crate::domain::person::household_text(label, None)?;
        self.in_scope(shelter_id)?;
        let id = self.write(Permission::EditPeople, |tx, now| {
            tx.execute(
                "INSERT INTO household (shelter_id, label, created_at, updated_at, updated_by)
                 VALUES (?1, ?2, ?3, ?3, ?4)",
                params![shelter_id, label, codec::secs(now), actor.as_str()],
            )?;
            let household = tx.last_insert_rowid();
            let summary = format!("shelter {shelter_id}");
            audit::record(tx, now, actor, "household.create", household, &summary)?;
            details.household_id = household;
            add_person(tx, &details, now, actor)
        })?;
        self.person(id)
    }

    /// Renames a household and sets its US destination, only over the
    /// version read (else [`StoreError::Conflict`]); audited with the names
    /// of the fields changed, never their values.
    pub fn update_household(
        &mut self,
        id: i64,
        expected_version: i64,
        label: &str,
        us_destination: Option<&str>,
        actor: &Actor,
    ) -> Result<Household> {
        let (label, destination) = crate::domain::person::household_text(label, us_destination)?;
        if label.is_empty() {
            return Err(crate::domain::RuleError::Required("household label").into());
        }
        let scope = self.scope.clone();
        self.write(Permission::EditPeople, |tx, now| {
            super::scope::guard(tx, &scope, "household", id)?;
            check_version(tx, "household", id, expected_version)?;
            let (old_label, old_destination): (String, Option<String>) = tx.query_row(
                "SELECT label, us_destination FROM household WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            let mut changed = Vec::new();
            if old_label != label {
                changed.push("label");
            }
            if old_destination != destination {
                changed.push("us_destination");
            }
            if changed.is_empty() {
                return Ok(());
            }
            tx.execute(
                "UPDATE household SET label = ?2, us_destination = ?3, version = version + 1
                 WHERE id = ?1",
                rusqlite::params![id, label, destination],
            )?;
            audit::record(
                tx,
                now,
                actor,
                "household.update",
                id,
                &format!("changed: {}", changed.join(", ")),
            )
        })?;
        self.household(id)
    }

    /// Saves new details for a person, only if nobody changed the row since
    /// `expected_version` was read; otherwise returns [`StoreError::Conflict`]
    /// and changes nothing. Saving identical details writes nothing.
    pub fn update_person(
        &mut self,
        id: i64,
        expected_version: i64,
        details: &PersonDetails,
        actor: &Actor,
    ) -> Result<Person> {
        self.record_departure(id, expected_version, details, false, actor)
    }

    /// [`Store::update_person`] recording that the person left, where the
    /// coordinator answered what the rules cannot tell: with
    /// `cancel_pending`, a pending appointment of someone who crossed is
    /// cancelled (they crossed another way) instead of left for a
    /// coordinator to settle. In the same commit as the departure.
    pub fn record_departure(
        &mut self,
        id: i64,
        expected_version: i64,
        details: &PersonDetails,
        cancel_pending: bool,
        actor: &Actor,
    ) -> Result<Person> {
        self.record_departures(
            &[(id, expected_version, details.clone())],
            cancel_pending,
            actor,
        )?;
        self.person(id)
    }

    /// [`Store::record_departure`] for several people at once (a household
    /// leaving together): each over its own version, all in one commit or
    /// none.
    pub fn record_departures(
        &mut self,
        people: &[(i64, i64, PersonDetails)],
        cancel_pending: bool,
        actor: &Actor,
    ) -> Result<()> {
        let people: Vec<(i64, i64, PersonDetails)> = people
            .iter()
            .map(|(id, v, d)| (*id, *v, d.tidy()))
            .collect();
        for (_, _, d) in &people {
            d.validate()?;
        }
        let scope = self.scope.clone();
        self.write(Permission::EditPeople, |tx, now| {
            for (id, expected_version, details) in &people {
                // Their row and the household they are put in.
                super::scope::guard(tx, &scope, "person", *id)?;
                super::scope::guard(tx, &scope, "household", details.household_id)?;
                save_details(
                    tx,
                    now,
                    actor,
                    *id,
                    *expected_version,
                    details,
                    cancel_pending,
                )?;
            }
            Ok(())
        })
    }

    /// One person.
    pub fn person(&self, id: i64) -> Result<Person> {
        self.guard("person", id)?;
        super::by_id(&self.conn, "person", PERSON_COLUMNS, id, person_row)
    }

    /// The members of a household, by id.
    pub fn household_members(&self, household_id: i64) -> Result<Vec<Person>> {
        self.guard("household", household_id)?;
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {PERSON_COLUMNS} FROM person WHERE household_id = ?1 ORDER BY id"
        ))?;
        let rows = stmt.query_map([household_id], person_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// People whose name contains every word of `query`, ignoring case and
    /// accents (`jose nunez` finds `José Núñez`), at most `limit`, by id.
    /// An empty query matches nobody.
    ///
    /// Reads the search index in the database (`search_word`): what it
    /// costs grows with the words of the names, not with the roster.
    pub fn search_people(&self, query: &str, limit: usize) -> Result<Vec<Person>> {
        let folded = fold(query);
        let words: Vec<&str> = folded.split(' ').filter(|w| !w.is_empty()).collect();
        if words.is_empty() || limit == 0 {
            return Ok(Vec::new());
        }
        let mut ids: Option<Vec<u32>> = None;
        for w in &words {
            let found = super::search::people_with(&self.conn, w, &self.scope.sql("shelter_id"))?;
            ids = Some(match ids {
                None => found,
                Some(h) => super::search::intersect(&h, &found),
            });
        }
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {PERSON_COLUMNS} FROM person WHERE id = ?1 AND {}",
            self.scope.sql("shelter_id")
        ))?;
        let mut people = Vec::with_capacity(limit);
        for id in ids.unwrap_or_default() {
            if people.len() == limit {
                break;
            }
            if let Some(p) = stmt.query_row([id], person_row).optional()? {
                people.push(p);
            }
        }
        Ok(people)
    }
}

/// Inserts a person row; `id` is given by bulk loads into an empty database.
pub(super) fn insert_person(
    tx: &rusqlite::Transaction<'_>,
    id: Option<i64>,
    d: &PersonDetails,
    now: chrono::DateTime<chrono::Utc>,
    actor: &Actor,
) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO person (id, household_id, given_names, family_names, search_name,
            birth_date, sex, nationality, languages, phone, arrival_date, departure_date,
            status, vulnerabilities, notes, created_at, updated_at, updated_by, shelter_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?16, ?17,
            (SELECT shelter_id FROM household WHERE id = ?2))",
    )?
    .execute(PersonValues::new(id, d, now, actor).params())?;
    Ok(())
}

/// Inserts people as given (a bulk load: ids and every field set;
/// [`super::BulkInsert`]), each with their household's shelter from
/// `shelter_of`, and counts them into the tallies and the search index it
/// returns.
pub(super) fn insert_people(
    conn: &rusqlite::Connection,
    people: &[(i64, &PersonDetails)],
    (shelter_of, section_of): (&foldhash::HashMap<i64, i64>, &foldhash::HashMap<i64, i64>),
    now: chrono::DateTime<chrono::Utc>,
    actor: &Actor,
) -> Result<search::Built> {
    /// The columns of a row bound on their own (the id to the section).
    const OWN: usize = 17;
    let mut built = search::Built::default();
    let (at, by) = (codec::secs(now), actor.as_str());
    let insert = super::BulkInsert::new(
        "INSERT INTO person (id, household_id, given_names, family_names, search_name,
            birth_date, sex, nationality, languages, phone, arrival_date, departure_date,
            status, vulnerabilities, notes, shelter_id, section_id, created_at, updated_at,
            updated_by)",
        OWN,
    );
    for chunk in people.chunks(super::BulkInsert::ROWS) {
        let values: Vec<(PersonValues<'_>, i64, Option<i64>)> = chunk
            .iter()
            .map(|(id, d)| {
                let shelter = shelter_of.get(&d.household_id).copied().unwrap_or(0);
                let section = section_of.get(id).copied();
                (
                    PersonValues::new(Some(*id), d, now, actor),
                    shelter,
                    section,
                )
            })
            .collect();
        let mut params: Vec<&dyn rusqlite::ToSql> = Vec::with_capacity(2 + chunk.len() * OWN);
        params.extend_from_slice(&[&at, &by]);
        for ((v, shelter, section), (id, d)) in values.iter().zip(chunk) {
            built.add(
                *id,
                &v.search_name,
                &v.arrival_date,
                v.status,
                &d.nationality,
                d.household_id,
                (*shelter, *section),
            );
            params.extend_from_slice(&v.params()[..OWN - 2]);
            params.push(shelter);
            params.push(section);
        }
        conn.prepare_cached(&insert.sql(chunk.len()))?
            .execute(rusqlite::params_from_iter(params))?;
    }
    Ok(built)
}

/// Adds a new person with their audit row; returns their id.
fn add_person(
    tx: &rusqlite::Transaction<'_>,
    d: &PersonDetails,
    now: chrono::DateTime<chrono::Utc>,
    actor: &Actor,
) -> Result<i64> {
    insert_person(tx, None, d, now, actor)?;
    let id = tx.last_insert_rowid();
    audit::record(tx, now, actor, "person.create", id, "")?;
    // A bed for them: beside their household, or as its make-up says.
    super::sections::place_household(tx, d.household_id, now.date_naive())?;
    Ok(id)
}

/// What the INSERT and the UPDATE of a person bind, as `?1` to `?17`: the
/// id, the details in column order, the time and the actor. The derived
/// values are made once; the rest is borrowed.
struct PersonValues<'a> {
    id: Option<i64>,
    d: &'a PersonDetails,
    search_name: String,
    birth_date: Option<String>,
    arrival_date: String,
    departure_date: Option<String>,
    vulnerabilities: String,
    sex: &'static str,
    status: &'static str,
    now: i64,
    actor: &'a str,
}

impl<'a> PersonValues<'a> {
    fn new(
        id: Option<i64>,
        d: &'a PersonDetails,
        now: chrono::DateTime<chrono::Utc>,
        actor: &'a Actor,
    ) -> Self {
        Self {
            id,
            d,
            search_name: search_name(d),
            birth_date: d.birth_date.map(codec::day),
            arrival_date: codec::day(d.arrival_date),
            departure_date: d.departure_date.map(codec::day),
            vulnerabilities: Vulnerability::join(&d.vulnerabilities),
            sex: d.sex.as_str(),
            status: d.status.as_str(),
            now: codec::secs(now),
            actor: actor.as_str(),
        }
    }

    fn params(&self) -> [&dyn ToSql; 17] {
        let d = self.d;
        [
            &self.id,
            &d.household_id,
            &d.given_names,
            &d.family_names,
            &self.search_name,
            &self.birth_date,
            &self.sex,
            &d.nationality,
            &d.languages,
            &d.phone,
            &self.arrival_date,
            &self.departure_date,
            &self.status,
            &self.vulnerabilities,
            &d.notes,
            &self.now,
            &self.actor,
        ]
    }
}

/// Saves one person's new details inside `tx` (see [`Store::record_departure`]).
fn save_details(
    tx: &rusqlite::Transaction<'_>,
    now: chrono::DateTime<chrono::Utc>,
    actor: &Actor,
    id: i64,
    expected_version: i64,
    details: &PersonDetails,
    cancel_pending: bool,
) -> Result<()> {
    check_version(tx, "person", id, expected_version)?;
    let current = tx
        .prepare_cached(&format!(
            "SELECT {PERSON_COLUMNS} FROM person WHERE id = ?1"
        ))?
        .query_row([id], person_row)?;
    let changed = current.details.changed_fields(details);
    if changed.is_empty() {
        return Ok(());
    }
    tx.execute(
        "UPDATE person SET household_id = ?2, given_names = ?3, family_names = ?4,
            search_name = ?5, birth_date = ?6, sex = ?7, nationality = ?8,
            languages = ?9, phone = ?10, arrival_date = ?11, departure_date = ?12,
            status = ?13, vulnerabilities = ?14, notes = ?15, updated_at = ?16,
            updated_by = ?17, version = version + 1
         WHERE id = ?1",
        PersonValues::new(Some(id), details, now, actor).params(),
    )?;
    let summary = format!("changed: {}", changed.join(", "));
    audit::record(tx, now, actor, "person.update", id, &summary)?;
    // Leaving settles their appointments with the same commit: a person
    // who left is never still "to confirm".
    if current.details.status == PersonStatus::Present && details.status != PersonStatus::Present {
        super::appointments::settle_departure(tx, now, actor, id, details.status, cancel_pending)?;
    }
    Ok(())
}
