//! Reading a program file and a holiday calendar, from their text: every
//! refusal names the file, the line and the field, and nothing is kept of
//! a file that has one.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{NaiveDate, Weekday};
use chrono_tz::Tz;
use serde::Deserialize;
use toml::Spanned;

use super::{Calendar, Names, Program, Rule, Step, Venue, PLACEHOLDERS};
use crate::domain::message::Language;
use crate::domain::template::{line_at, placeholders};

/// Why a program or calendar file was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}: {field}: {why}")]
pub struct ProgramError {
    /// The file, as given.
    pub file: String,
    /// Its line (1-based).
    pub line: usize,
    /// The field (`step.sign.due`, `venue.COMAR-TIJ.tz`).
    pub field: String,
    /// What is wrong.
    pub why: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNames {
    es: String,
    en: String,
    ht: Option<String>,
    pt: Option<String>,
    fr: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawVenue {
    code: Spanned<String>,
    name: String,
    city: String,
    tz: Spanned<String>,
    /// A US port's state (read by the port table; not used here).
    #[allow(dead_code)]
    state: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDue {
    hours: Option<u32>,
    days: Option<u32>,
    business_days: Option<u32>,
    every_days: Option<u32>,
    days_before: Option<u32>,
    scheduled: Option<bool>,
    after: Option<Spanned<String>>,
    before: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStep {
    id: Spanned<String>,
    name: RawNames,
    #[serde(default)]
    after: Vec<Spanned<String>>,
    due: Option<Spanned<RawDue>>,
    until: Option<Spanned<String>>,
    #[serde(default)]
    outage: bool,
    #[serde(default)]
    message: BTreeMap<Spanned<String>, Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProgram {
    id: Spanned<String>,
    name: RawNames,
    service: Option<String>,
    calendar: Option<Spanned<String>>,
    #[serde(default)]
    venue: Vec<RawVenue>,
    #[serde(default)]
    step: Vec<RawStep>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCalendar {
    id: Spanned<String>,
    name: String,
    weekend: Spanned<Vec<String>>,
    #[serde(default)]
    holidays: Vec<Spanned<toml::value::Datetime>>,
}

struct Reader<'a> {
    file: &'a str,
    text: &'a str,
}

impl Reader<'_> {
    fn err(&self, at: usize, field: impl Into<String>, why: impl Into<String>) -> ProgramError {
        ProgramError {
            file: self.file.to_string(),
            line: line_at(self.text, at),
            field: field.into(),
            why: why.into(),
        }
    }

    fn toml<T: serde::de::DeserializeOwned>(&self) -> Result<T, ProgramError> {
        toml::from_str(self.text).map_err(|e| {
            let at = e.span().map_or(0, |s| s.start);
            let why = e.message().trim().to_string();
            self.err(at, field_of_toml_error(self.text, at), why)
        })
    }
}

/// The key on the line of a TOML error (its best guess of the field).
fn field_of_toml_error(text: &str, at: usize) -> String {
    let line_start = text[..at.min(text.len())].rfind('\n').map_or(0, |i| i + 1);
    let line = text[line_start..].lines().next().unwrap_or("");
    match line.split_once('=') {
        Some((key, _)) => key.trim().to_string(),
        None => line.trim().trim_matches(['[', ']']).to_string(),
    }
}

fn names(n: RawNames) -> Names {
    Names {
        by_language: [Some(n.es), Some(n.en), n.ht, n.pt, n.fr],
    }
}

fn check_id(r: &Reader<'_>, id: &Spanned<String>, field: &str) -> Result<(), ProgramError> {
    let ok = !id.get_ref().is_empty()
        && id.get_ref().len() <= 40
        && id
            .get_ref()
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if ok {
        Ok(())
    } else {
        Err(r.err(
            id.span().start,
            field,
            format!(
                "{:?} is not an id: use 1 to 40 lower-case letters, digits, - and _",
                id.get_ref()
            ),
        ))
    }
}

/// Reads a holiday calendar file (`assets/calendars/mx.toml`).
pub fn parse_calendar(file: &str, text: &str) -> Result<Calendar, ProgramError> {
    let r = Reader { file, text };
    let raw: RawCalendar = r.toml()?;
    check_id(&r, &raw.id, "id")?;
    let mut weekend = Vec::new();
    for day in raw.weekend.get_ref() {
        let d: Weekday = day.parse().map_err(|_| {
            r.err(
                raw.weekend.span().start,
                "weekend",
                format!("{day:?} is not a day of the week (mon, tue, … sun)"),
            )
        })?;
        if !weekend.contains(&d) {
            weekend.push(d);
        }
    }
    if weekend.len() == 7 {
        return Err(r.err(
            raw.weekend.span().start,
            "weekend",
            "every day of the week is a weekend: no day would ever be a working day",
        ));
    }
    let mut holidays = BTreeSet::new();
    for h in &raw.holidays {
        let day = h
            .get_ref()
            .date
            .filter(|_| h.get_ref().time.is_none())
            .and_then(|d| NaiveDate::from_ymd_opt(d.year.into(), d.month.into(), d.day.into()))
            .ok_or_else(|| {
                r.err(
                    h.span().start,
                    "holidays",
                    format!("{} is not a date (write 2025-12-25)", h.get_ref()),
                )
            })?;
        holidays.insert(day);
    }
    let years = holidays
        .first()
        .zip(holidays.last())
        .map(|(a, b)| (chrono::Datelike::year(a), chrono::Datelike::year(b)));
    Ok(Calendar {
        id: raw.id.into_inner(),
        name: raw.name,
        weekend,
        holidays,
        years,
    })
}

/// Reads and checks a program file. `calendars` are those a program may
/// name. Every reference is resolved, the steps are checked for cycles
/// and every message for its placeholders; the first problem refuses the
/// whole file.
pub fn parse_program(
    file: &str,
    text: &str,
    calendars: &[Calendar],
) -> Result<Program, ProgramError> {
    let r = Reader { file, text };
    let raw: RawProgram = r.toml()?;
    check_id(&r, &raw.id, "id")?;
    let calendar = match &raw.calendar {
        None => Calendar::weekends_only(),
        Some(c) => calendars
            .iter()
            .find(|k| k.id == *c.get_ref())
            .cloned()
            .ok_or_else(|| {
                let known: Vec<&str> = calendars.iter().map(|k| k.id.as_str()).collect();
                r.err(
                    c.span().start,
                    "calendar",
                    format!(
                        "no calendar {:?}; the calendars are {}",
                        c.get_ref(),
                        known.join(", ")
                    ),
                )
            })?,
    };
    if raw.venue.is_empty() {
        return Err(r.err(0, "venue", "a program needs at least one [[venue]]"));
    }
    let mut venues: Vec<Venue> = Vec::with_capacity(raw.venue.len());
    for v in raw.venue {
        let field = format!("venue.{}", v.code.get_ref());
        if v.code.get_ref().trim().is_empty() {
            return Err(r.err(v.code.span().start, "venue.code", "must not be empty"));
        }
        if venues.iter().any(|x| x.code == *v.code.get_ref()) {
            return Err(r.err(v.code.span().start, field, "this code is listed twice"));
        }
        let tz: Tz = v.tz.get_ref().parse().map_err(|_| {
            r.err(
                v.tz.span().start,
                format!("{field}.tz"),
                format!(
                    "unknown time zone {:?} (use a tz database name such as America/Tijuana)",
                    v.tz.get_ref()
                ),
            )
        })?;
        venues.push(Venue {
            code: v.code.into_inner(),
            name: v.name,
            city: v.city,
            tz,
        });
    }
    let steps = steps(&r, raw.step, raw.calendar.is_some())?;
    Ok(Program {
        id: raw.id.into_inner(),
        name: names(raw.name),
        service: raw.service,
        calendar,
        venues,
        steps,
    })
}

fn steps(r: &Reader<'_>, raw: Vec<RawStep>, has_calendar: bool) -> Result<Vec<Step>, ProgramError> {
    if raw.is_empty() {
        return Err(r.err(0, "step", "a program needs at least one [[step]]"));
    }
    let ids: Vec<&str> = raw.iter().map(|s| s.id.get_ref().as_str()).collect();
    let find = |name: &Spanned<String>, field: &str| -> Result<usize, ProgramError> {
        ids.iter()
            .position(|&id| id == name.get_ref())
            .ok_or_else(|| {
                r.err(
                    name.span().start,
                    field,
                    format!(
                        "names an unknown step {:?}; the steps are {}",
                        name.get_ref(),
                        ids.join(", ")
                    ),
                )
            })
    };
    let mut steps = Vec::with_capacity(raw.len());
    for (i, s) in raw.iter().enumerate() {
        let field = format!("step.{}", s.id.get_ref());
        check_id(r, &s.id, &format!("{field}.id"))?;
        if ids[..i].contains(&s.id.get_ref().as_str()) {
            return Err(r.err(s.id.span().start, field, "this step id is used twice"));
        }
        let after = s
            .after
            .iter()
            .map(|a| find(a, &format!("{field}.after")))
            .collect::<Result<Vec<_>, _>>()?;
        let until = s
            .until
            .as_ref()
            .map(|u| find(u, &format!("{field}.until")))
            .transpose()?;
        let due = s
            .due
            .as_ref()
            .map(|d| rule(r, d, &format!("{field}.due"), &find, has_calendar))
            .transpose()?;
        let message = messages(r, &s.message, &format!("{field}.message"))?;
        steps.push(Step {
            id: s.id.get_ref().clone(),
            name: Names::default(),
            after,
            due,
            until,
            outage: s.outage,
            message,
        });
    }
    if let Some(cycle) = find_cycle(&steps) {
        let first = &raw[cycle[0]];
        let path: Vec<&str> = cycle.iter().map(|&i| ids[i]).collect();
        return Err(r.err(
            first.id.span().start,
            format!("step.{}", ids[cycle[0]]),
            format!(
                "the steps wait on each other in a cycle: {} → {}",
                path.join(" → "),
                path[0]
            ),
        ));
    }
    for (step, s) in steps.iter_mut().zip(raw) {
        step.name = names(s.name);
    }
    Ok(steps)
}

/// Resolves a step named in a field to its index, or says which steps there are.
type FindStep<'a> = dyn Fn(&Spanned<String>, &str) -> Result<usize, ProgramError> + 'a;

fn rule(
    r: &Reader<'_>,
    d: &Spanned<RawDue>,
    field: &str,
    find: &FindStep<'_>,
    has_calendar: bool,
) -> Result<Rule, ProgramError> {
    let raw = d.get_ref();
    let at = d.span().start;
    let kinds = [
        raw.hours.map(|n| ("hours", n)),
        raw.days.map(|n| ("days", n)),
        raw.business_days.map(|n| ("business_days", n)),
        raw.every_days.map(|n| ("every_days", n)),
        raw.days_before.map(|n| ("days_before", n)),
        raw.scheduled.filter(|&s| s).map(|_| ("scheduled", 0)),
    ];
    let set: Vec<(&str, u32)> = kinds.into_iter().flatten().collect();
    let [(kind, n)] = set[..] else {
        return Err(r.err(
            at,
            field,
            "give exactly one of hours, days, business_days, every_days, days_before, scheduled = true",
        ));
    };
    if kind != "scheduled" && !(1..=3660).contains(&n) {
        return Err(r.err(at, format!("{field}.{kind}"), "must be from 1 to 3660"));
    }
    let needs = match kind {
        "scheduled" => None,
        "days_before" => Some("before"),
        _ => Some("after"),
    };
    let (given, other) = (raw.after.as_ref(), raw.before.as_ref());
    let reference = match needs {
        None if given.is_some() || other.is_some() => {
            return Err(r.err(at, field, "scheduled takes neither after nor before"))
        }
        None => 0,
        Some("before") => {
            if given.is_some() {
                return Err(r.err(
                    at,
                    field,
                    "days_before counts back from `before`, not `after`",
                ));
            }
            let b = other.ok_or_else(|| r.err(at, field, "days_before needs before = \"STEP\""))?;
            find(b, &format!("{field}.before"))?
        }
        Some(_) => {
            if other.is_some() {
                return Err(r.err(
                    at,
                    field,
                    format!("{kind} counts from `after`, not `before`"),
                ));
            }
            let a =
                given.ok_or_else(|| r.err(at, field, format!("{kind} needs after = \"STEP\"")))?;
            find(a, &format!("{field}.after"))?
        }
    };
    if kind == "business_days" && !has_calendar {
        return Err(r.err(
            at,
            field,
            "business_days needs the program's calendar (calendar = \"mx\") for its holidays",
        ));
    }
    Ok(match kind {
        "hours" => Rule::Hours {
            n,
            after: reference,
        },
        "days" => Rule::Days {
            n,
            after: reference,
        },
        "business_days" => Rule::BusinessDays {
            n,
            after: reference,
        },
        "every_days" => Rule::Every {
            n,
            after: reference,
        },
        "days_before" => Rule::Before { n, step: reference },
        _ => Rule::Scheduled,
    })
}

fn messages(
    r: &Reader<'_>,
    raw: &BTreeMap<Spanned<String>, Spanned<String>>,
    field: &str,
) -> Result<[Option<String>; 5], ProgramError> {
    let mut out: [Option<String>; 5] = Default::default();
    if raw.is_empty() {
        return Ok(out);
    }
    for (lang, text) in raw {
        let Some(i) = Language::ALL
            .iter()
            .position(|l| l.code() == lang.get_ref())
        else {
            return Err(r.err(
                lang.span().start,
                format!("{field}.{}", lang.get_ref()),
                "messages are in es, en, ht, pt and fr",
            ));
        };
        for name in placeholders(text.get_ref()) {
            if !PLACEHOLDERS.contains(&name) {
                return Err(r.err(
                    text.span().start,
                    format!("{field}.{}", lang.get_ref()),
                    format!(
                        "unknown placeholder {{{name}}}; the placeholders are {}",
                        PLACEHOLDERS.map(|p| format!("{{{p}}}")).join(" ")
                    ),
                ));
            }
        }
        out[i] = Some(text.get_ref().clone());
    }
    let first_key = raw.keys().next().map_or(0, |k| k.span().start);
    let es = out[0].as_deref().ok_or_else(|| {
        r.err(
            first_key,
            format!("{field}.es"),
            "a message needs its Spanish text",
        )
    })?;
    let mut want = placeholders(es);
    want.dedup();
    for (lang, text) in raw {
        let mut have = placeholders(text.get_ref());
        have.dedup();
        if let Some(missing) = want.iter().find(|p| !have.contains(p)) {
            return Err(r.err(
                text.span().start,
                format!("{field}.{}", lang.get_ref()),
                format!("lacks {{{missing}}}, which the es message has"),
            ));
        }
        if let Some(extra) = have.iter().find(|p| !want.contains(p)) {
            return Err(r.err(
                text.span().start,
                format!("{field}.{}", lang.get_ref()),
                format!("has {{{extra}}}, which the es message lacks"),
            ));
        }
    }
    Ok(out)
}

/// A cycle among the steps' waits (`after`, and the step a rule counts
/// from), as step indexes, if there is one.
fn find_cycle(steps: &[Step]) -> Option<Vec<usize>> {
    let edges = |i: usize| -> Vec<usize> {
        let s = &steps[i];
        let mut e = s.after.clone();
        match s.due {
            Some(
                Rule::Hours { after, .. }
                | Rule::Days { after, .. }
                | Rule::BusinessDays { after, .. }
                | Rule::Every { after, .. },
            ) => e.push(after),
            Some(Rule::Before { step, .. }) => e.push(step),
            _ => {}
        }
        e
    };
    // 0 unvisited, 1 on the path, 2 done.
    let mut mark = vec![0u8; steps.len()];
    let mut path = Vec::new();
    fn visit(
        i: usize,
        edges: &dyn Fn(usize) -> Vec<usize>,
        mark: &mut [u8],
        path: &mut Vec<usize>,
    ) -> Option<Vec<usize>> {
        mark[i] = 1;
        path.push(i);
        for j in edges(i) {
            if mark[j] == 1 {
                let from = path.iter().position(|&p| p == j).unwrap_or(0);
                return Some(path[from..].to_vec());
            }
            if mark[j] == 0 {
                if let Some(c) = visit(j, edges, mark, path) {
                    return Some(c);
                }
            }
        }
        path.pop();
        mark[i] = 2;
        None
    }
    (0..steps.len()).find_map(|i| {
        if mark[i] == 0 {
            visit(i, &edges, &mut mark, &mut path)
        } else {
            None
        }
    })
}
