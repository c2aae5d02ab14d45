//! Appointment programs as data: what a person must do next, and by when.
//!
//! A program (CBP One, COMAR, a humanitarian visa, an assisted return, a
//! shelter's own) is a TOML file (see `assets/programs/`): its names, its
//! venues (ports, offices, consulates, each with its zone), its steps in
//! order, and the deadline rule of each step, counted from another step's
//! event. One engine here evaluates every program; nothing in it knows a
//! program by name. Reading the files is [`parse`]'s work on text already
//! read: this module does no I/O.

pub mod clock;
pub mod parse;
pub mod record;
pub mod say;
#[cfg(test)]
mod tests;

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;

pub use clock::Calendar;
pub use parse::{parse_calendar, parse_program, ProgramError};

use super::message::Language;
use super::template::fill;

/// The placeholders a step's message may use.
pub const PLACEHOLDERS: [&str; 11] = [
    "name",
    "program",
    "step",
    "venue",
    "venue_zone",
    "date",
    "time",
    "deadline_here",
    "here_zone",
    "deadline_venue",
    "number",
];

/// A name in Spanish and English, and optionally in the other languages.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Names {
    /// Per language, in [`Language::ALL`]'s order; Spanish and English are
    /// always there.
    pub by_language: [Option<String>; 5],
}

impl Names {
    /// The name in `lang`, else in Spanish.
    pub fn get(&self, lang: Language) -> &str {
        let i = Language::ALL.iter().position(|&l| l == lang).unwrap_or(0);
        self.by_language[i]
            .as_deref()
            .or(self.by_language[0].as_deref())
            .unwrap_or_default()
    }
}

/// Where a step happens: a port of entry, an office, a consulate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Venue {
    /// Short code, unique in its program, as stored.
    pub code: String,
    /// The name people know it by.
    pub name: String,
    /// Its city.
    pub city: String,
    /// Its zone: deadlines that count days count them on this calendar.
    pub tz: Tz,
}

/// How a step's deadline is set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// `n` hours (elapsed, UTC) after a step's event.
    Hours {
        /// How many.
        n: u32,
        /// The step it counts from.
        after: usize,
    },
    /// By the end of the `n`th calendar day after a step's event (venue's calendar).
    Days {
        /// How many.
        n: u32,
        /// The step it counts from.
        after: usize,
    },
    /// By the end of the `n`th working day after a step's event (weekends and
    /// the program's holiday calendar skipped).
    BusinessDays {
        /// How many.
        n: u32,
        /// The step it counts from.
        after: usize,
    },
    /// Again and again, by the end of the `n`th day after the step's own
    /// last event (or, before the first, after another step's event),
    /// until the step's `until` happens: a signature every 15 days.
    Every {
        /// Days between two.
        n: u32,
        /// The step the first counts from.
        after: usize,
    },
    /// From `n` days before another step's time (its event, or its deadline
    /// while it has not happened) until that time: a renewal reminder.
    Before {
        /// How many days ahead it opens.
        n: u32,
        /// The step whose time it precedes.
        step: usize,
    },
    /// At the time the case was given (the appointment's date and time).
    Scheduled,
}

/// One step of a program.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// Its id, unique in the program (`confirm`, `sign`).
    pub id: String,
    /// Its name.
    pub name: Names,
    /// Steps that must have happened before this one can.
    pub after: Vec<usize>,
    /// Its deadline; `None` for an event that is only recorded.
    pub due: Option<Rule>,
    /// Once this step has happened, this one is no longer due.
    pub until: Option<usize>,
    /// Whether an outage of the program's online service puts it at risk.
    pub outage: bool,
    /// The message for the person, per language ([`Language::ALL`]'s order).
    pub message: [Option<String>; 5],
}

/// A program, checked: every reference points at a step, the steps have no
/// cycle, every zone is known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Program {
    /// Its id (`cbp-one`, `comar`), as stored.
    pub id: String,
    /// Its name.
    pub name: Names,
    /// The online service whose outage puts steps at risk (`CBP One`).
    pub service: Option<String>,
    /// Holidays for business-day rules.
    pub calendar: Calendar,
    /// Its venues.
    pub venues: Vec<Venue>,
    /// Its steps, in the file's order.
    pub steps: Vec<Step>,
}

/// Something that happened in a case: a step, at an instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Event {
    /// The step (index in [`Program::steps`]).
    pub step: usize,
    /// When.
    pub at: DateTime<Utc>,
}

/// One person's (or household's) case in a program: what has happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Case {
    /// The venue's zone, for rules that count days.
    pub tz: Tz,
    /// What happened, in any order.
    pub events: Vec<Event>,
    /// The date and time given for the case's appointment, if any.
    pub scheduled: Option<DateTime<Utc>>,
    /// Later deadlines granted (after an outage), per step.
    pub extensions: Vec<(usize, DateTime<Utc>)>,
}

/// A step that is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Due {
    /// The step.
    pub step: usize,
    /// From when it can be done (the event it counts from, or for a
    /// reminder the day it opens).
    pub opens: DateTime<Utc>,
    /// By when, extension included.
    pub deadline: DateTime<Utc>,
    /// Whether an extension moved the deadline.
    pub extended: bool,
    /// For a repeating step, how many times it was missed (its deadline,
    /// and each later one, passed with no event); 0 otherwise.
    pub missed: u32,
}

impl Due {
    /// Whether the deadline has passed at `now`.
    pub fn is_overdue(&self, now: DateTime<Utc>) -> bool {
        self.deadline <= now
    }
}

impl Case {
    /// A case with nothing recorded yet, at a venue in `tz`.
    pub fn new(tz: Tz) -> Self {
        Self {
            tz,
            events: Vec::new(),
            scheduled: None,
            extensions: Vec::new(),
        }
    }

    /// The last time `step` happened.
    pub fn last(&self, step: usize) -> Option<DateTime<Utc>> {
        self.events
            .iter()
            .filter(|e| e.step == step)
            .map(|e| e.at)
            .max()
    }

    /// Whether `step` happened at all.
    pub fn happened(&self, step: usize) -> bool {
        self.events.iter().any(|e| e.step == step)
    }
}

impl Program {
    /// The step with this id.
    pub fn step(&self, id: &str) -> Option<usize> {
        self.steps.iter().position(|s| s.id == id)
    }

    /// The venue with this code.
    pub fn venue(&self, code: &str) -> Option<&Venue> {
        self.venues.iter().find(|v| v.code == code)
    }

    /// Where `step`'s window opens and its deadline under the rule alone
    /// (no extension), if the events it counts from have happened.
    fn window(&self, step: usize, case: &Case) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        let tz = case.tz;
        match self.steps[step].due? {
            Rule::Hours { n, after } => {
                let from = case.last(after)?;
                Some((from, from + Duration::hours(i64::from(n))))
            }
            Rule::Days { n, after } => {
                let from = case.last(after)?;
                Some((from, clock::after_days(from, n, tz)))
            }
            Rule::BusinessDays { n, after } => {
                let from = case.last(after)?;
                Some((from, clock::after_working_days(from, n, tz, &self.calendar)))
            }
            Rule::Every { n, after } => {
                let first = case.last(after)?;
                let from = case.last(step).map_or(first, |own| own.max(first));
                Some((from, clock::after_days(from, n, tz)))
            }
            Rule::Before { n, step: of } => {
                let at = self.time_of(of, case)?;
                Some((clock::before_days(at, n, tz), at))
            }
            Rule::Scheduled => {
                let at = case.scheduled?;
                Some((at, at))
            }
        }
    }

    /// When `step` happens or happened: its event, or its deadline while
    /// it has not.
    pub fn time_of(&self, step: usize, case: &Case) -> Option<DateTime<Utc>> {
        case.last(step)
            .or_else(|| self.window(step, case).map(|(_, deadline)| deadline))
    }

    /// `step`'s deadline in `case`: the rule's, or a later extension.
    pub fn deadline(&self, step: usize, case: &Case) -> Option<DateTime<Utc>> {
        self.window(step, case)
            .map(|(_, d)| extended(step, d, case).0)
    }

    /// The steps due in `case` at `now`, soonest deadline first: every
    /// step whose preconditions have happened, that has not happened
    /// itself (a repeating one: until its `until` does), and whose
    /// deadline can be counted.
    pub fn due(&self, case: &Case, now: DateTime<Utc>) -> Vec<Due> {
        let mut due: Vec<Due> = (0..self.steps.len())
            .filter_map(|i| self.due_step(i, case, now))
            .collect();
        due.sort_by_key(|d| (d.deadline, d.step));
        due
    }

    /// The first of [`Program::due`]: what the person must do next.
    pub fn next(&self, case: &Case, now: DateTime<Utc>) -> Option<Due> {
        self.due(case, now).into_iter().next()
    }

    fn due_step(&self, i: usize, case: &Case, now: DateTime<Utc>) -> Option<Due> {
        let step = &self.steps[i];
        let repeating = matches!(step.due, Some(Rule::Every { .. }));
        if (!repeating && self.done(i, case))
            || step.until.is_some_and(|u| case.happened(u))
            || !step.after.iter().all(|&a| case.happened(a))
        {
            return None;
        }
        let (opens, rule_deadline) = self.window(i, case)?;
        let (deadline, was_extended) = extended(i, rule_deadline, case);
        Some(Due {
            step: i,
            opens,
            deadline,
            extended: was_extended,
            missed: self.missed(i, deadline, now, case.tz),
        })
    }

    /// For a repeating step whose deadline passed at `now`, how many times
    /// it was missed (that deadline and each later one); 0 otherwise.
    pub fn missed(&self, step: usize, deadline: DateTime<Utc>, now: DateTime<Utc>, tz: Tz) -> u32 {
        match self.steps[step].due {
            Some(Rule::Every { n, .. }) if deadline <= now => {
                let period = clock::after_days(deadline, n, tz) - deadline;
                let later = (now - deadline).num_seconds() / period.num_seconds().max(1);
                1 + u32::try_from(later).unwrap_or(u32::MAX)
            }
            _ => 0,
        }
    }

    /// The step due as kept on a case's row (its id and deadline, as
    /// [`Program::next`] read them when the case was last written), at
    /// `now` for a case at a venue in `tz`; `None` for a step the program
    /// no longer has. (Its window's opening is not kept: the deadline.)
    pub fn kept_due(
        &self,
        step: &str,
        deadline: DateTime<Utc>,
        now: DateTime<Utc>,
        tz: Tz,
    ) -> Option<Due> {
        let i = self.step(step)?;
        Some(Due {
            step: i,
            opens: deadline,
            deadline,
            extended: false,
            missed: self.missed(i, deadline, now, tz),
        })
    }

    /// Whether a (non-repeating) step is done in `case`: it happened, and
    /// not before the event its rule counts from last happened (a visa
    /// renewed last year does not cover the card issued since).
    pub fn done(&self, step: usize, case: &Case) -> bool {
        let Some(at) = case.last(step) else {
            return false;
        };
        self.anchor(step)
            .and_then(|a| case.last(a))
            .is_none_or(|from| at >= from)
    }

    /// The step whose event a step's rule counts from, through a reminder
    /// to the step it precedes.
    fn anchor(&self, step: usize) -> Option<usize> {
        match self.steps[step].due? {
            Rule::Hours { after, .. }
            | Rule::Days { after, .. }
            | Rule::BusinessDays { after, .. }
            | Rule::Every { after, .. } => Some(after),
            Rule::Before { step: of, .. } => self.anchor(of).or(Some(of)),
            Rule::Scheduled => None,
        }
    }

    /// The steps an outage of the program's service from `started` (to
    /// `ended`, if it has) puts at risk in `case`: those due, marked
    /// `outage`, whose window (opening to deadline) overlaps the outage.
    pub fn at_risk(
        &self,
        case: &Case,
        started: DateTime<Utc>,
        ended: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> Vec<usize> {
        self.due(case, now)
            .into_iter()
            .filter(|d| self.steps[d.step].outage)
            .filter(|d| ended.is_none_or(|end| d.opens < end) && d.deadline > started)
            .map(|d| d.step)
            .collect()
    }

    /// The message of `step` in `lang` (Spanish when the file has none in
    /// it), its placeholders filled by `value`; `None` when the step has no
    /// message.
    pub fn message(
        &self,
        step: usize,
        lang: Language,
        value: impl FnMut(&str) -> Option<String>,
    ) -> Option<String> {
        let texts = &self.steps.get(step)?.message;
        let i = Language::ALL.iter().position(|&l| l == lang).unwrap_or(0);
        let template = texts[i].as_deref().or(texts[0].as_deref())?;
        Some(fill(template, value))
    }
}

impl Program {
    /// A step's rule in words (English, for `programs list`).
    pub fn rule_text(&self, step: usize) -> String {
        let id = |i: usize| self.steps[i].id.as_str();
        let s = &self.steps[step];
        let mut text = match s.due {
            None => "recorded when it happens".to_string(),
            Some(Rule::Hours { n, after }) => format!("{n} hours after {}", id(after)),
            Some(Rule::Days { n, after }) => format!("{n} calendar days after {}", id(after)),
            Some(Rule::BusinessDays { n, after }) => format!(
                "{n} business days after {} (weekends and {} holidays)",
                id(after),
                self.calendar.id
            ),
            Some(Rule::Every { n, after }) => format!("every {n} days from {}", id(after)),
            Some(Rule::Before { n, step: of }) => format!("opens {n} days before {}", id(of)),
            Some(Rule::Scheduled) => "at the appointment's date and time".to_string(),
        };
        if let Some(u) = s.until {
            text.push_str(&format!(", until {}", id(u)));
        }
        if s.outage {
            let service = self.service.as_deref().unwrap_or("its online service");
            text.push_str(&format!("; at risk when {service} fails"));
        }
        text
    }
}

fn extended(step: usize, deadline: DateTime<Utc>, case: &Case) -> (DateTime<Utc>, bool) {
    case.extensions
        .iter()
        .filter(|(s, _)| *s == step)
        .map(|&(_, until)| until)
        .max()
        .filter(|&until| until > deadline)
        .map_or((deadline, false), |until| (until, true))
}
