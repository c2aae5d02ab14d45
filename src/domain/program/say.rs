//! A step's message for the person, from the program file's text: its
//! placeholders filled with the case's facts, dates in the venue's zone
//! and deadlines both there and where the person is.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::record::CaseRecord;
use super::{Due, Program};
use crate::domain::message::{at_in, clean, date_in, first_name, Language};

/// What a program's step message is filled with.
pub struct StepFacts<'a> {
    /// The person's given names (the first is used).
    pub given_names: &'a str,
    /// The program.
    pub program: &'a Program,
    /// The case.
    pub case: &'a CaseRecord,
    /// Its step due.
    pub due: Due,
    /// The zone of the shelter the person is at.
    pub here: Tz,
}

/// The message of the step due in a program's case, in `lang` (the
/// program file's text; Spanish where it has none in `lang`), `None` when
/// the step has no message. Dates are in the venue's zone, deadlines both
/// here and there.
pub fn compose_step(lang: Language, f: &StepFacts<'_>) -> Option<String> {
    let p = f.program;
    let venue = p.venue(&f.case.venue);
    let there = venue.map_or(f.here, |v| v.tz);
    let deadline = f.due.deadline;
    let zone = |tz: Tz, at: DateTime<Utc>| at.with_timezone(&tz).format("%Z").to_string();
    // "By the end of a day" is the midnight after it: said as its last minute.
    let by = |tz: Tz| {
        let last = deadline.with_timezone(&tz).format("%H:%M").to_string() == "00:00";
        at_in(
            lang,
            deadline - chrono::Duration::minutes(i64::from(last)),
            tz,
        )
    };
    // The appointment's time when there is one, else the deadline's.
    let at = f.case.scheduled_at.unwrap_or(deadline);
    let text = p.message(f.due.step, lang, |k| {
        Some(match k {
            "name" => first_name(f.given_names),
            "program" => clean(p.name.get(lang)),
            "step" => clean(p.steps[f.due.step].name.get(lang)),
            "venue" => clean(venue.map_or(f.case.venue.as_str(), |v| v.name.as_str())),
            "venue_zone" => zone(there, at),
            "date" => date_in(lang, at, there),
            "time" => at.with_timezone(&there).format("%H:%M").to_string(),
            "deadline_here" => by(f.here),
            "here_zone" => zone(f.here, deadline),
            "deadline_venue" => by(there),
            "number" => clean(&f.case.reference),
            _ => return None,
        })
    })?;
    Some(text.trim().to_string())
}
