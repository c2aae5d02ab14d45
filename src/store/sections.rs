//! Beds by section: each shelter's sections with their beds, who is placed
//! where, and the occupancy the triggers of migration 0013 keep
//! (`section_tally`: people present by shelter and section).

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{params, OptionalExtension, Transaction};

use super::{audit, check_version, codec, Result, Store, StoreError};
use crate::actor::Actor;
use crate::domain::section::{self, Kind, Member, Section};
use crate::domain::{Permission, Person, RuleError, Sex};

/// One shelter's beds as the dashboard shows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShelterBeds {
    /// The shelter.
    pub shelter_id: i64,
    /// Its name.
    pub shelter: String,
    /// Its sections, by name, each with its people leaving in the window
    /// asked for (appointments).
    pub sections: Vec<(Section, i64)>,
    /// People present placed in no section.
    pub unplaced: i64,
    /// People of transfers to it waiting for an answer.
    pub arriving: i64,
}

impl ShelterBeds {
    /// Beds in all its sections.
    pub fn capacity(&self) -> i64 {
        self.sections.iter().map(|(s, _)| s.capacity).sum()
    }
}

/// People present with a live appointment in their shelter's window
/// (`{windows}`: shelter, from, to; ?1..?2 spans them all), by section:
/// each appointment's traveller, or for a group's, the group's people
/// present. Two joins, each along an index (by id, by household), and
/// their union: one join on `id = … OR household_id = …` reads every
/// person present for each appointment (seconds at 100,000).
const LEAVING: &str = "
    WITH w(shelter_id, f, t) AS (VALUES {windows})
    SELECT section_id, count(*) FROM (
      SELECT p.id, p.section_id FROM appointment a {when}
        JOIN w ON w.shelter_id = a.shelter_id
        JOIN person p ON p.id = a.person_id
       WHERE a.appointment_at >= $1 AND a.appointment_at < $2
         AND a.appointment_at >= w.f AND a.appointment_at < w.t
         AND a.status IN ('pending_confirmation', 'confirmed')
         AND p.status = 'present' AND p.section_id IS NOT NULL
      UNION
      SELECT p.id, p.section_id FROM appointment a {when}
        JOIN w ON w.shelter_id = a.shelter_id
        JOIN person p {household}
          ON p.household_id = a.household_id AND p.status = 'present'
       WHERE a.person_id IS NULL AND a.appointment_at >= $1 AND a.appointment_at < $2
         AND a.appointment_at >= w.f AND a.appointment_at < w.t
         AND a.status IN ('pending_confirmation', 'confirmed')
         AND p.section_id IS NOT NULL
    ) AS leaving GROUP BY 1";

/// The sections of shelters `condition` selects, with their occupancy.
fn sections_where(conn: &rusqlite::Connection, condition: &str) -> Result<Vec<Section>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT s.id, s.shelter_id, s.name, s.capacity, coalesce(t.people, 0)
         FROM shelter_section s
         LEFT JOIN section_tally t ON t.shelter_id = s.shelter_id AND t.section_id = s.id
         WHERE {condition} ORDER BY s.shelter_id, s.name"
    ))?;
    let rows = stmt.query_map([], |r| {
        Ok(Section {
            id: r.get(0)?,
            shelter_id: r.get(1)?,
            name: r.get(2)?,
            capacity: r.get(3)?,
            occupied: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Places the people present of household `household_id` who are in no
/// section: beside the household's others already placed while that
/// section suits the household as it now is, else (all of them) where its
/// make-up calls for ([`section::place`]), ages as on `today`. Someone the
/// rules cannot place (no section, none with room) stays unplaced, for a
/// coordinator to place. Returns how many were placed.
pub(super) fn place_household(
    tx: &Transaction<'_>,
    household_id: i64,
    today: NaiveDate,
) -> Result<usize> {
    let shelter: i64 = tx.query_row(
        "SELECT shelter_id FROM household WHERE id = ?1",
        [household_id],
        |r| r.get(0),
    )?;
    let mut stmt = tx.prepare_cached(
        "SELECT id, sex, birth_date, section_id FROM person
         WHERE household_id = ?1 AND status = 'present' ORDER BY id",
    )?;
    let members: Vec<(i64, Member, Option<i64>)> = stmt
        .query_map([household_id], |r| {
            let sex: Sex = codec::parse_enum(1, &r.get::<_, String>(1)?)?;
            let birth: Option<String> = r.get(2)?;
            let age = birth
                .map(|b| codec::parse_day(2, &b))
                .transpose()?
                .and_then(|b| section::age_on(b, today));
            Ok((r.get(0)?, Member { sex, age }, r.get(3)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let unplaced: Vec<i64> = members
        .iter()
        .filter(|(_, _, s)| s.is_none())
        .map(|(id, _, _)| *id)
        .collect();
    if unplaced.is_empty() {
        return Ok(0);
    }
    let sections = sections_where(tx, &format!("s.shelter_id = {shelter}"))?;
    let all: Vec<Member> = members.iter().map(|(_, m, _)| *m).collect();
    let wanted = section::wanted(&all);
    let beside = members
        .iter()
        .filter_map(|(_, _, s)| *s)
        .find_map(|s| sections.iter().find(|x| x.id == s));
    // Beside the others if their section still suits the household as it
    // is now (a man alone is in men; when his family joins, men no longer
    // does: the family goes where families go, if there is room).
    let (to, everyone) = match beside {
        Some(b) if wanted.contains(&b.kind()) || matches!(b.kind(), Kind::Other | Kind::Lgbtq) => {
            (Some(b.id), false)
        }
        Some(b) => match section::place(&all, &sections) {
            Some(to) => (Some(to), true),
            None => (Some(b.id), false),
        },
        None => (section::place(&all, &sections), false),
    };
    let Some(to) = to else {
        return Ok(0);
    };
    let moving: Vec<i64> = if everyone {
        members.iter().map(|(id, _, _)| *id).collect()
    } else {
        unplaced
    };
    let mut update = tx.prepare_cached("UPDATE person SET section_id = ?2 WHERE id = ?1")?;
    for id in &moving {
        update.execute(params![id, to])?;
    }
    Ok(moving.len())
}

/// Inserts sections as given (a bulk load).
pub(super) fn insert(
    tx: &Transaction<'_>,
    sections: &[Section],
    now: DateTime<Utc>,
    actor: &Actor,
) -> Result<()> {
    let mut insert = tx.prepare_cached(
        "INSERT INTO shelter_section (id, shelter_id, name, capacity, created_at, updated_at,
            updated_by) VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?6)",
    )?;
    for s in sections {
        insert.execute(params![
            s.id,
            s.shelter_id,
            s.name,
            s.capacity,
            codec::secs(now),
            actor.as_str()
        ])?;
    }
    Ok(())
}

/// A bulk load's sections name shelters it knows (`shelters`), and each
/// placement a person it loads and a section of that person's shelter (by
/// `household_shelter`: each household's, stored or loaded).
pub(super) fn references(
    shelters: &foldhash::HashSet<i64>,
    household_shelter: &foldhash::HashMap<i64, i64>,
    data: &super::BulkData,
) -> Result<()> {
    let dangling = |entity, id, target, missing| StoreError::Dangling {
        entity,
        id,
        target,
        missing,
    };
    let mut shelter_of_section = HashMap::new();
    for s in &data.sections {
        if !shelters.contains(&s.shelter_id) {
            return Err(dangling("section", s.id, "shelter", s.shelter_id));
        }
        shelter_of_section.insert(s.id, s.shelter_id);
    }
    let person_household: HashMap<i64, i64> = data
        .people
        .iter()
        .map(|p| (p.id, p.details.household_id))
        .collect();
    let households: foldhash::HashSet<i64> = data.households.iter().map(|h| h.id).collect();
    for t in &data.transfers {
        if !households.contains(&t.household_id) {
            return Err(dangling("transfer", t.id, "household", t.household_id));
        }
        for s in [t.from_shelter, t.to_shelter] {
            if !shelters.contains(&s) {
                return Err(dangling("transfer", t.id, "shelter", s));
            }
        }
    }
    for (&person, &sec) in &data.placements {
        let Some(household) = person_household.get(&person) else {
            return Err(dangling("placement", person, "person", person));
        };
        let Some(&at) = shelter_of_section.get(&sec) else {
            return Err(dangling("person", person, "section", sec));
        };
        if household_shelter.get(household) != Some(&at) {
            return Err(RuleError::Placement(
                "a person is placed in a section of another shelter than their household's",
            )
            .into());
        }
    }
    Ok(())
}

impl Store {
    /// Each section of the handle's shelters, with its occupancy.
    pub fn sections(&self) -> Result<Vec<Section>> {
        sections_where(&self.conn, &self.scope.sql("s.shelter_id"))
    }

    /// Beds of each of the handle's shelters that has sections or people
    /// unplaced: sections with beds, occupied and free, people leaving
    /// tomorrow (a live appointment on the day after `now` in the
    /// shelter's zone), and people coming by transfers waiting.
    pub fn beds(&self, now: DateTime<Utc>) -> Result<Vec<ShelterBeds>> {
        let mut beds = self.bed_counts()?;
        let leaving = self.leaving(now)?;
        for b in &mut beds {
            for (s, n) in &mut b.sections {
                *n = leaving.get(&s.id).copied().unwrap_or(0);
            }
        }
        Ok(beds)
    }

    /// [`Store::beds`] from the tallies alone, with no one leaving: what
    /// the dashboard draws first (who leaves tomorrow reads people's rows,
    /// and follows with [`Store::leaving`]).
    pub fn bed_counts(&self) -> Result<Vec<ShelterBeds>> {
        let scope = self.scope.sql("shelter_id");
        let shelters = self.shelters()?;
        let mut out: Vec<ShelterBeds> = shelters
            .iter()
            .cloned()
            .map(|s| ShelterBeds {
                shelter_id: s.id,
                shelter: s.name,
                sections: Vec::new(),
                unplaced: 0,
                arriving: 0,
            })
            .collect();
        let at =
            |out: &mut Vec<ShelterBeds>, id: i64| out.iter_mut().position(|b| b.shelter_id == id);
        for s in self.sections()? {
            if let Some(i) = at(&mut out, s.shelter_id) {
                out[i].sections.push((s, 0));
            }
        }
        let unplaced: Vec<(i64, i64)> = self
            .conn
            .prepare_cached(&format!(
                "SELECT shelter_id, people FROM section_tally WHERE section_id = 0 AND {scope}"
            ))?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        for (shelter, n) in unplaced {
            if let Some(i) = at(&mut out, shelter) {
                out[i].unplaced = n;
            }
        }
        let arriving: Vec<(i64, i64)> = self
            .conn
            .prepare_cached(&format!(
                "SELECT to_shelter, sum(people) FROM transfer
                 WHERE status = 'pending' AND {} GROUP BY 1",
                self.scope.sql("to_shelter")
            ))?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        for (shelter, n) in arriving {
            if let Some(i) = at(&mut out, shelter) {
                out[i].arriving = n;
            }
        }
        out.retain(|b| !b.sections.is_empty() || b.unplaced > 0);
        Ok(out)
    }

    /// People present leaving tomorrow, by section id: with a live
    /// appointment on the day after `now` in their shelter's zone, for each
    /// of the handle's shelters that has sections. One pass over the
    /// appointments of the span those days cover.
    pub fn leaving(&self, now: DateTime<Utc>) -> Result<HashMap<i64, i64>> {
        let with_sections: Vec<i64> = self.sections()?.iter().map(|s| s.shelter_id).collect();
        let Some((sql, from, to)) = leaving_sql(&self.shelters()?, &with_sections, now, true)
        else {
            return Ok(HashMap::new());
        };
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(params![from, to], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Sets the beds of sections of shelter `shelter_id` (`name=beds`
    /// pairs, as `--section` gives them): a section named as one it has
    /// (letter case and accents aside) gets the new number, a new name is a
    /// new section. A section is never removed (people were placed in it):
    /// 0 beds closes it. The shelter's capacity becomes the sum.
    pub fn set_capacity(
        &mut self,
        shelter_id: i64,
        beds: &[(String, u32)],
        actor: &Actor,
    ) -> Result<Vec<Section>> {
        self.in_scope(shelter_id)?;
        self.write(Permission::ManageShelters, |tx, now| {
            super::require(tx, "shelter", shelter_id)?;
            let existing = sections_where(tx, &format!("s.shelter_id = {shelter_id}"))?;
            let fold = crate::domain::names::fold;
            let mut said = Vec::new();
            for (name, n) in beds {
                let same = existing.iter().find(|s| fold(&s.name) == fold(name));
                match same {
                    Some(s) => tx.execute(
                        "UPDATE shelter_section SET capacity = ?2, updated_at = ?3,
                            updated_by = ?4, version = version + 1 WHERE id = ?1",
                        params![s.id, n, codec::secs(now), actor.as_str()],
                    )?,
                    None => tx.execute(
                        "INSERT INTO shelter_section (shelter_id, name, capacity, created_at,
                            updated_at, updated_by) VALUES (?1, ?2, ?3, ?4, ?4, ?5)",
                        params![shelter_id, name, n, codec::secs(now), actor.as_str()],
                    )?,
                };
                said.push(format!("{}={n}", same.map_or(name.as_str(), |s| &s.name)));
            }
            tx.execute(
                "UPDATE shelter SET capacity = (SELECT coalesce(sum(capacity), 0)
                     FROM shelter_section WHERE shelter_id = ?1),
                    updated_at = ?2, updated_by = ?3, version = version + 1
                 WHERE id = ?1",
                params![shelter_id, codec::secs(now), actor.as_str()],
            )?;
            audit::record(
                tx,
                now,
                actor,
                "shelter.sections",
                shelter_id,
                &said.join(", "),
            )
        })?;
        sections_where(&self.conn, &format!("s.shelter_id = {shelter_id}"))
    }

    /// Puts person `person_id` (present) in section `section_id` of their
    /// shelter, or in none, over the version read.
    pub fn place_person(
        &mut self,
        person_id: i64,
        expected_version: i64,
        section_id: Option<i64>,
        actor: &Actor,
    ) -> Result<Person> {
        let scope = self.scope.clone();
        self.write(Permission::EditPeople, |tx, now| {
            super::scope::guard(tx, &scope, "person", person_id)?;
            check_version(tx, "person", person_id, expected_version)?;
            let (shelter, status, old): (i64, String, Option<i64>) = tx.query_row(
                "SELECT shelter_id, status, section_id FROM person WHERE id = ?1",
                [person_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )?;
            if old == section_id {
                return Ok(());
            }
            if status != "present" {
                return Err(
                    RuleError::Placement("only someone present is placed in a section").into(),
                );
            }
            if let Some(to) = section_id {
                let at: Option<i64> = tx
                    .query_row(
                        "SELECT shelter_id FROM shelter_section WHERE id = ?1",
                        [to],
                        |r| r.get(0),
                    )
                    .optional()?;
                match at {
                    None => {
                        return Err(StoreError::NotFound {
                            entity: "section",
                            id: to,
                        })
                    }
                    Some(at) if at != shelter => {
                        return Err(RuleError::Placement(
                            "that section is at another shelter than this person's",
                        )
                        .into())
                    }
                    Some(_) => {}
                }
            }
            tx.execute(
                "UPDATE person SET section_id = ?2, updated_at = ?3, updated_by = ?4,
                    version = version + 1 WHERE id = ?1",
                params![person_id, section_id, codec::secs(now), actor.as_str()],
            )?;
            let summary = section_id.map_or("no section".to_string(), |s| format!("section {s}"));
            audit::record(tx, now, actor, "person.section", person_id, &summary)
        })?;
        self.person(person_id)
    }

    /// The section person `person_id` is in (their shelter's), if any.
    pub fn section_of(&self, person_id: i64) -> Result<Option<Section>> {
        self.guard("person", person_id)?;
        let id: Option<i64> = self
            .conn
            .query_row(
                "SELECT section_id FROM person WHERE id = ?1",
                [person_id],
                |r| r.get(0),
            )
            .optional()?
            .flatten();
        Ok(match id {
            Some(id) => sections_where(&self.conn, &format!("s.id = {id}"))?.pop(),
            None => None,
        })
    }
}

/// The day after `now` in `tz`, as UTC instants (from its first moment to
/// the next day's: 23 or 25 hours on a day the clocks change).
/// Who leaves tomorrow, by section, of the `shelters` among `with_sections`
/// (each by its own tomorrow): the SQL and the bounds of all the windows
/// (`$1`, `$2`), or `None` when no shelter has sections. `hints`: SQLite's
/// index hints (PostgreSQL plans its own).
pub(super) fn leaving_sql(
    shelters: &[crate::domain::Shelter],
    with_sections: &[i64],
    now: DateTime<Utc>,
    hints: bool,
) -> Option<(String, i64, i64)> {
    let windows: Vec<(i64, i64, i64)> = shelters
        .iter()
        .filter(|s| with_sections.contains(&s.id))
        .map(|s| {
            let tz = s.tz.parse().unwrap_or(chrono_tz::UTC);
            let (from, to) = tomorrow(&tz, now);
            (s.id, codec::secs(from), codec::secs(to))
        })
        .collect();
    let from = windows.iter().map(|w| w.1).min()?;
    let to = windows.iter().map(|w| w.2).max()?;
    let values: Vec<String> = windows
        .iter()
        .map(|(id, f, t)| format!("({id}, {f}, {t})"))
        .collect();
    let (when, household) = if hints {
        ("INDEXED BY appointment_when", "INDEXED BY person_household")
    } else {
        ("", "")
    };
    let sql = LEAVING
        .replace("{windows}", &values.join(", "))
        .replace("{when}", when)
        .replace("{household}", household);
    Some((sql, from, to))
}

fn tomorrow(tz: &chrono_tz::Tz, now: DateTime<Utc>) -> (DateTime<Utc>, DateTime<Utc>) {
    use chrono::TimeZone;
    let day = now.with_timezone(tz).date_naive() + chrono::Duration::days(1);
    let start = |d: NaiveDate| {
        let midnight = d.and_hms_opt(0, 0, 0).unwrap_or_default();
        tz.from_local_datetime(&midnight)
            .earliest()
            .map_or_else(|| midnight.and_utc(), |t| t.with_timezone(&Utc))
    };
    (start(day), start(day + chrono::Duration::days(1)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each appointment finds its people along an index, never by reading
    /// every person present (what made the dashboard's start take seconds
    /// at 100,000 people).
    #[test]
    fn leaving_tomorrow_reads_people_along_an_index() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("t.db"), super::super::OpenMode::Create).unwrap();
        let plan: Vec<String> = store
            .conn
            .prepare(&format!(
                "EXPLAIN QUERY PLAN {}",
                LEAVING
                    .replace("{windows}", "(1, 0, 1), (2, 0, 1)")
                    .replace("{when}", "INDEXED BY appointment_when")
                    .replace("{household}", "INDEXED BY person_household")
            ))
            .unwrap()
            .query_map(params![0, 1], |r| r.get::<_, String>(3))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        let people: Vec<&String> = plan.iter().filter(|l| l.contains(" p ")).collect();
        assert_eq!(people.len(), 2, "{plan:#?}");
        assert!(
            people
                .iter()
                .all(|l| l.contains("PRIMARY KEY") || l.contains("person_household")),
            "{plan:#?}"
        );
    }
}
