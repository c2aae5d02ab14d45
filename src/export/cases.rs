//! Cases as text, one a line with what each must do next (`albergue
//! cases list`, and the same served over SSH): soonest deadline first.

use chrono::{DateTime, Utc};

use crate::domain::message::Language;
use crate::domain::program::record::{CaseRecord, CaseStatus};
use crate::programs::Programs;

/// `cases`, soonest deadline first (overdue ones first of all; closed and
/// nothing due last), a line each.
pub fn list(known: &Programs, mut cases: Vec<CaseRecord>, now: DateTime<Utc>) -> String {
    let deadline = |c: &CaseRecord| {
        known
            .get(&c.program)
            .filter(|_| c.status == CaseStatus::Open)
            .and_then(|p| p.next(&c.case(p), now))
            .map(|d| d.deadline)
    };
    cases.sort_by_cached_key(|c| (deadline(c).is_none(), deadline(c), c.id));
    let mut out = String::new();
    for c in &cases {
        out.push_str(&line(known, c, now));
        out.push('\n');
    }
    out
}

/// One case on a line: number, program, venue, who, then what is due next.
pub fn line(known: &Programs, c: &CaseRecord, now: DateTime<Utc>) -> String {
    let who = match c.person_id {
        Some(p) => format!("household {} person {p}", c.household_id),
        None => format!("household {}", c.household_id),
    };
    let head = format!("{:>6} {:<10} {:<10} {who}", c.id, c.program, c.venue);
    let Some(p) = known.get(&c.program) else {
        return format!("{head}  (program {} is not loaded)", c.program);
    };
    if c.status == CaseStatus::Closed {
        return format!("{head}  closed");
    }
    let case = c.case(p);
    let Some(due) = p.next(&case, now) else {
        return format!("{head}  nothing due");
    };
    let step = &p.steps[due.step];
    let local = due.deadline.with_timezone(&case.tz);
    // A deadline at midnight is the end of the day before.
    let by = if local.format("%H:%M").to_string() == "00:00" {
        let day = local.date_naive().pred_opt().unwrap_or(local.date_naive());
        format!("{day} end of day {}", local.format("%Z"))
    } else {
        local.format("%Y-%m-%d %H:%M %Z").to_string()
    };
    let left = (due.deadline - now).num_minutes();
    let state = if left <= 0 {
        "OVERDUE".to_string()
    } else {
        format!("in {}", crate::i18n::duration(crate::i18n::Lang::En, left))
    };
    let missed = match due.missed {
        0 => String::new(),
        1 => " (missed once)".to_string(),
        n => format!(" (missed {n} times)"),
    };
    format!(
        "{head}  next: {} ({}) by {by}  {state}{missed}{}",
        step.id,
        step.name.get(Language::En),
        if due.extended { " extended" } else { "" }
    )
}
