//! Cases in the programs kept as files (every program but CBP One, whose
//! cases are the appointment rows): opened for a person or a household at
//! one of the program's venues, then the events of its steps as they
//! happen. The program is passed in by the caller, which loaded it; the
//! checks of what belongs to it are `domain::program::record`'s. A case is
//! its household's: a handle reads and writes the cases of its shelters'
//! households alone.

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension, Row, Transaction};

use super::{audit, check_version, codec, Result, Store, StoreError};
use crate::actor::Actor;
use crate::domain::program::record::{
    check_step, check_venue, check_when, CaseRecord, CaseStatus, EventRecord,
};
use crate::domain::program::Program;
use crate::domain::{Permission, RuleError};

pub(super) const COLUMNS: &str = super::due_read::CASE_COLUMNS;

pub(super) fn case_row(r: &Row<'_>) -> rusqlite::Result<CaseRecord> {
    super::due_read::case(r)
}

/// An event read from `id, step, at, note, recorded_by` at column `from`.
fn event_row(r: &Row<'_>, from: usize) -> rusqlite::Result<EventRecord> {
    Ok(EventRecord {
        id: r.get(from)?,
        step: r.get(from + 1)?,
        at: codec::instant(r.get(from + 2)?),
        note: r.get(from + 3)?,
        recorded_by: r.get(from + 4)?,
    })
}

/// A case to open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCase {
    /// The household.
    pub household_id: i64,
    /// One person of it (`None`: the household's case).
    pub person_id: Option<i64>,
    /// A venue code of the program.
    pub venue: String,
    /// A number the program gave, if any.
    pub reference: String,
    /// The appointment's date and time, if given.
    pub scheduled_at: Option<DateTime<Utc>>,
    /// What already happened: (step id, when), recorded with the case.
    pub events: Vec<(String, DateTime<Utc>)>,
}

impl Store {
    /// Opens a case of `program` and records the events it comes with, in
    /// one transaction. Refused (nothing written) for a venue or step the
    /// program does not have, an event ahead of now, a person not of the
    /// household, a household outside the handle's shelters, or an open
    /// case of the same program for the same person or household.
    pub fn open_case(
        &mut self,
        program: &Program,
        new: &NewCase,
        actor: &Actor,
    ) -> Result<CaseRecord> {
        check_venue(program, &new.venue)?;
        for (step, _) in &new.events {
            check_step(program, step)?;
        }
        let scope = self.scope.clone();
        let id = self.write(Permission::ManageAppointments, |tx, now| {
            for (_, at) in &new.events {
                check_when(*at, now)?;
            }
            super::require(tx, "household", new.household_id)?;
            super::scope::guard(tx, &scope, "household", new.household_id)?;
            if let Some(person) = new.person_id {
                let of: Option<i64> = tx
                    .query_row(
                        "SELECT household_id FROM person WHERE id = ?1",
                        [person],
                        |r| r.get(0),
                    )
                    .optional()?;
                match of {
                    None => {
                        return Err(StoreError::NotFound {
                            entity: "person",
                            id: person,
                        })
                    }
                    Some(h) if h != new.household_id => {
                        return Err(RuleError::UnknownValue {
                            field: "new case: person of this household",
                            value: person.to_string(),
                        }
                        .into())
                    }
                    Some(_) => {}
                }
            }
            let open: Option<i64> = tx
                .query_row(
                    "SELECT id FROM program_case WHERE program = ?1 AND household_id = ?2
                       AND coalesce(person_id, 0) = coalesce(?3, 0) AND status = 'open'",
                    params![program.id, new.household_id, new.person_id],
                    |r| r.get(0),
                )
                .optional()?;
            if let Some(open) = open {
                return Err(RuleError::UnknownValue {
                    field: "new case: already open in this program, case",
                    value: open.to_string(),
                }
                .into());
            }
            tx.execute(
                "INSERT INTO program_case (program, household_id, person_id, venue, reference,
                    scheduled_at, created_at, updated_at, updated_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7, ?8)",
                params![
                    program.id,
                    new.household_id,
                    new.person_id,
                    new.venue,
                    new.reference.trim(),
                    new.scheduled_at.map(codec::secs),
                    codec::secs(now),
                    actor.as_str()
                ],
            )?;
            let id = tx.last_insert_rowid();
            let summary = format!(
                "program {}, venue {}, household {}{}",
                program.id,
                new.venue,
                new.household_id,
                new.person_id
                    .map_or_else(String::new, |p| format!(", person {p}"))
            );
            audit::record(tx, now, actor, "case.open", id, &summary)?;
            for (step, at) in &new.events {
                add_event(tx, now, actor, id, step, *at, "")?;
            }
            keep(tx, program, id)?;
            Ok(id)
        })?;
        self.case(id)
    }

    /// Records that `step` of the case's program happened at `at` (a COMAR
    /// signature, say), if the case is still at `version` and open.
    #[allow(clippy::too_many_arguments)] // (what a step's form holds)
    pub fn record_step(
        &mut self,
        program: &Program,
        case_id: i64,
        version: i64,
        step: &str,
        at: DateTime<Utc>,
        note: &str,
        actor: &Actor,
    ) -> Result<CaseRecord> {
        check_step(program, step)?;
        let scope = self.scope.clone();
        self.write(Permission::Confirm, |tx, now| {
            check_when(at, now)?;
            let (household, kept_program, status) = case_head(tx, case_id)?;
            super::scope::guard(tx, &scope, "household", household)?;
            if kept_program != program.id {
                return Err(RuleError::UnknownValue {
                    field: "step: the case's program is",
                    value: kept_program,
                }
                .into());
            }
            if status == CaseStatus::Closed {
                return Err(RuleError::UnknownValue {
                    field: "step: the case is closed, case",
                    value: case_id.to_string(),
                }
                .into());
            }
            check_version(tx, "program_case", case_id, version)?;
            add_event(tx, now, actor, case_id, step, at, note)?;
            tx.execute(
                "UPDATE program_case SET updated_at = ?2, updated_by = ?3, version = version + 1
                 WHERE id = ?1",
                params![case_id, codec::secs(now), actor.as_str()],
            )?;
            keep(tx, program, case_id)
        })?;
        self.case(case_id)
    }

    /// Closes a case (finished, or given up): nothing of it falls due.
    pub fn close_case(&mut self, case_id: i64, version: i64, actor: &Actor) -> Result<CaseRecord> {
        let scope = self.scope.clone();
        self.write(Permission::ManageAppointments, |tx, now| {
            let (household, _, status) = case_head(tx, case_id)?;
            super::scope::guard(tx, &scope, "household", household)?;
            check_version(tx, "program_case", case_id, version)?;
            if status == CaseStatus::Closed {
                return Ok(());
            }
            tx.execute(
                "UPDATE program_case SET status = 'closed', closed_at = ?2, updated_at = ?2,
                    updated_by = ?3, version = version + 1, next_step = NULL, next_due_at = NULL
                 WHERE id = ?1",
                params![case_id, codec::secs(now), actor.as_str()],
            )?;
            audit::record(tx, now, actor, "case.close", case_id, "closed")
        })?;
        self.case(case_id)
    }

    /// One case with its events, for a handle of its household's shelter.
    pub fn case(&self, id: i64) -> Result<CaseRecord> {
        let case = load(&self.conn, id)?;
        self.guard("household", case.household_id)?;
        Ok(case)
    }

    /// The cases of the handle's shelters (open ones alone when
    /// `open_only`), by id, with their events.
    pub fn cases(&self, open_only: bool) -> Result<Vec<CaseRecord>> {
        Ok(self
            .cases_named(open_only)?
            .into_iter()
            .map(|(c, _, _)| c)
            .collect())
    }

    /// [`Store::cases`], each with whose it is (the person's name, or the
    /// household's label for a household's case) and the person to open
    /// for it (the case's, or the household's first): three reads however
    /// many cases there are.
    pub fn cases_named(&self, open_only: bool) -> Result<Vec<(CaseRecord, String, Option<i64>)>> {
        self.named_where(if open_only { "c.status = 'open'" } else { "1" })
    }

    /// The open cases that are `person`'s: their own and their household's.
    pub fn open_cases_of(&self, person: i64) -> Result<Vec<CaseRecord>> {
        Ok(self
            .named_where(&format!(
                "c.status = 'open'
                 AND c.household_id = (SELECT q.household_id FROM person q WHERE q.id = {person})
                 AND (c.person_id IS NULL OR c.person_id = {person})"
            ))?
            .into_iter()
            .map(|(c, _, _)| c)
            .collect())
    }

    /// The cases of the handle's shelters that meet `cond` (SQL on the
    /// case, `c`), by id, with their events and whose they are. (Prepared
    /// each time, not cached: `cond` names ids, and a statement cached for
    /// each would push out the ones read on every commit.)
    pub(super) fn named_where(&self, cond: &str) -> Result<Vec<(CaseRecord, String, Option<i64>)>> {
        let scope = self.scope.sql("h.shelter_id");
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {COLUMNS},
                    coalesce(p.given_names || ' ' || p.family_names, h.label),
                    coalesce(c.person_id,
                             (SELECT min(q.id) FROM person q WHERE q.household_id = c.household_id))
             FROM program_case c JOIN household h ON h.id = c.household_id
                  LEFT JOIN person p ON p.id = c.person_id
             WHERE ({cond}) AND {scope} ORDER BY c.id"
        ))?;
        let mut cases = stmt
            .query_map([], |r| Ok((case_row(r)?, r.get(9)?, r.get(10)?)))?
            .collect::<rusqlite::Result<Vec<(CaseRecord, String, Option<i64>)>>>()?;
        let at: std::collections::HashMap<i64, usize> =
            cases.iter().enumerate().map(|(i, c)| (c.0.id, i)).collect();
        let mut stmt = self.conn.prepare(&format!(
            "SELECT e.case_id, e.id, e.step, e.at, e.note, e.recorded_by
             FROM case_event e JOIN program_case c ON c.id = e.case_id
                  JOIN household h ON h.id = c.household_id
             WHERE ({cond}) AND {scope} ORDER BY e.case_id, e.at, e.id"
        ))?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let Some(&i) = at.get(&r.get::<_, i64>(0)?) else {
                continue;
            };
            cases[i].0.events.push(event_row(r, 1)?);
        }
        Ok(cases)
    }
}

/// Keeps what case `id` must do next under `program` on its row (nothing,
/// for a closed case).
pub(super) fn keep(conn: &rusqlite::Connection, program: &Program, id: i64) -> Result<()> {
    let case = load(conn, id)?;
    // (`next`'s instant only counts missed repeats: the deadline is the
    // events' alone.)
    let next = (case.status == CaseStatus::Open)
        .then(|| program.next(&case.case(program), DateTime::UNIX_EPOCH))
        .flatten();
    conn.prepare_cached("UPDATE program_case SET next_step = ?2, next_due_at = ?3 WHERE id = ?1")?
        .execute(params![
            id,
            next.map(|d| program.steps[d.step].id.as_str()),
            next.map(|d| codec::secs(d.deadline))
        ])?;
    Ok(())
}

/// One case with its events (in or out of a transaction; no scope checked).
pub(super) fn load(conn: &rusqlite::Connection, id: i64) -> Result<CaseRecord> {
    let mut case = conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM program_case c WHERE c.id = ?1"
        ))?
        .query_row([id], case_row)
        .optional()?
        .ok_or(StoreError::NotFound {
            entity: "program_case",
            id,
        })?;
    case.events = conn
        .prepare_cached(
            "SELECT id, step, at, note, recorded_by FROM case_event WHERE case_id = ?1
             ORDER BY at, id",
        )?
        .query_map([id], |r| event_row(r, 0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(case)
}

/// Writes whole cases and their events as they were kept (a bulk load: an
/// export read back), ids included. What each must do next is read again
/// at the next start ([`Store::keep_due`]).
pub(super) fn insert(tx: &Transaction<'_>, cases: &[CaseRecord], now: DateTime<Utc>) -> Result<()> {
    if !cases.is_empty() {
        tx.execute("DELETE FROM program_rules", [])?;
    }
    let mut case = tx.prepare_cached(
        "INSERT INTO program_case (id, program, household_id, person_id, venue, reference,
            scheduled_at, status, closed_at, created_at, updated_at, updated_by, version)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10, 'import', ?11)",
    )?;
    let mut event = tx.prepare_cached(
        "INSERT INTO case_event (id, case_id, step, at, note, recorded_by, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    for c in cases {
        let closed = (c.status == CaseStatus::Closed).then(|| codec::secs(now));
        case.execute(params![
            c.id,
            c.program,
            c.household_id,
            c.person_id,
            c.venue,
            c.reference,
            c.scheduled_at.map(codec::secs),
            c.status.as_str(),
            closed,
            codec::secs(now),
            c.version
        ])?;
        for e in &c.events {
            event.execute(params![
                e.id,
                c.id,
                e.step,
                codec::secs(e.at),
                e.note,
                e.recorded_by,
                codec::secs(now)
            ])?;
        }
    }
    Ok(())
}

/// A case's household, program and status; not found when there is none.
fn case_head(tx: &Transaction<'_>, id: i64) -> Result<(i64, String, CaseStatus)> {
    let row: Option<(i64, String, String)> = tx
        .query_row(
            "SELECT household_id, program, status FROM program_case WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    let (household, program, status) = row.ok_or(StoreError::NotFound {
        entity: "program_case",
        id,
    })?;
    Ok((household, program, status.parse()?))
}

fn add_event(
    tx: &Transaction<'_>,
    now: DateTime<Utc>,
    actor: &Actor,
    case_id: i64,
    step: &str,
    at: DateTime<Utc>,
    note: &str,
) -> Result<()> {
    tx.execute(
        "INSERT INTO case_event (case_id, step, at, note, recorded_by, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            case_id,
            step,
            codec::secs(at),
            note.trim(),
            actor.as_str(),
            codec::secs(now)
        ],
    )?;
    // (The note may name people: the trail keeps the step and its time.)
    let summary = format!("step {step} at {}", at.format("%Y-%m-%d %H:%M UTC"));
    audit::record(tx, now, actor, "case.step", case_id, &summary)
}
