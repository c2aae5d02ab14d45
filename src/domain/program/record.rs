//! A case as it is kept: a person (or household) in a program at one of its
//! venues, and the events of its steps. [`CaseRecord::case`] turns it into
//! the engine's [`Case`]; the checks here say, before anything is written,
//! whether a venue or step belongs to the program.

use chrono::{DateTime, Utc};

use super::{Case, Event, Program};
use crate::domain::RuleError;

/// Whether a case is still followed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CaseStatus {
    /// Followed: its steps fall due.
    Open,
    /// Finished, or given up: nothing falls due.
    Closed,
}

text_enum!(CaseStatus, "case status", {
    Open => "open",
    Closed => "closed",
});

/// One event of a case, as kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventRecord {
    /// Its row.
    pub id: i64,
    /// The step's id in the program.
    pub step: String,
    /// When it happened.
    pub at: DateTime<Utc>,
    /// What the coordinator added.
    pub note: String,
    /// Who recorded it.
    pub recorded_by: String,
}

/// A case, as kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseRecord {
    /// Its row.
    pub id: i64,
    /// The program's id.
    pub program: String,
    /// The household.
    pub household_id: i64,
    /// One person's case (`None`: the household's).
    pub person_id: Option<i64>,
    /// The venue's code.
    pub venue: String,
    /// A number the program gave, if any.
    pub reference: String,
    /// The appointment's date and time, if given.
    pub scheduled_at: Option<DateTime<Utc>>,
    /// Open or closed.
    pub status: CaseStatus,
    /// Row version (optimistic locking).
    pub version: i64,
    /// Its events, oldest first.
    pub events: Vec<EventRecord>,
}

impl CaseRecord {
    /// The engine's view of this case under `program` (its own): events of
    /// steps the program no longer has are left out.
    pub fn case(&self, program: &Program) -> Case {
        let tz = program.venue(&self.venue).map_or(chrono_tz::UTC, |v| v.tz);
        let mut case = Case::new(tz);
        case.scheduled = self.scheduled_at;
        case.events = self
            .events
            .iter()
            .filter_map(|e| {
                Some(Event {
                    step: program.step(&e.step)?,
                    at: e.at,
                })
            })
            .collect();
        case
    }
}

/// Refuses a venue the program does not have, naming those it has.
pub fn check_venue(program: &Program, venue: &str) -> Result<(), RuleError> {
    if program.venue(venue).is_some() {
        return Ok(());
    }
    Err(RuleError::NotInProgram {
        what: "venue",
        value: venue.to_string(),
        program: program.id.clone(),
        known: program
            .venues
            .iter()
            .map(|v| v.code.clone())
            .collect::<Vec<_>>()
            .join(", "),
    })
}

/// Refuses a step the program does not have, naming those it has.
pub fn check_step(program: &Program, step: &str) -> Result<usize, RuleError> {
    program.step(step).ok_or_else(|| RuleError::NotInProgram {
        what: "step",
        value: step.to_string(),
        program: program.id.clone(),
        known: program
            .steps
            .iter()
            .map(|s| s.id.clone())
            .collect::<Vec<_>>()
            .join(", "),
    })
}

/// Refuses an event in the future of `now` (a step is recorded when it
/// happened, never ahead).
pub fn check_when(at: DateTime<Utc>, now: DateTime<Utc>) -> Result<(), RuleError> {
    if at > now + chrono::Duration::minutes(5) {
        return Err(RuleError::InFuture {
            what: "the step's time",
            at,
            now,
        });
    }
    Ok(())
}

/// A fingerprint of what decides the program's deadlines (its steps and
/// their rules, its venues' zones, its holidays), not its names or
/// messages: the store keeps each case's next deadline and reads the cases
/// of a program again when this changes.
pub fn rules_fingerprint(program: &Program) -> String {
    use sha2::{Digest, Sha256};
    let steps: Vec<_> = program
        .steps
        .iter()
        .map(|s| (&s.id, &s.after, s.due, s.until))
        .collect();
    let venues: Vec<_> = program.venues.iter().map(|v| (&v.code, v.tz)).collect();
    let c = &program.calendar;
    let text = format!("{steps:?}|{venues:?}|{:?}|{:?}", c.weekend, c.holidays);
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
