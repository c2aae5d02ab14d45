//! `albergue cases`: cases in the programs kept as files, from the command
//! line (the database's owner, network-wide): open one, record its steps,
//! close it, and list what each must do next by when — the engine of
//! `domain::program` on the cases the store keeps.

use anyhow::{Context, Result};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::cases_args::CasesCommand;
use super::Cli;
use crate::actor::Actor;
use crate::domain::program::Program;
use crate::paths;
use crate::programs::{self, Programs};
use crate::store::NewCase;

/// `albergue cases`.
pub(super) fn cases(cli: &Cli, command: CasesCommand) -> Result<u8> {
    let known = programs::load(paths::config_folder().as_deref())?;
    let now = cli.now();
    let mut store = cli.open_existing()?;
    if cli.now.is_some() {
        // (`--now`: steps are checked against that clock, as written.)
        store = store.with_clock(std::sync::Arc::new(move || now));
    }
    let actor = Actor::from_env();
    match command {
        CasesCommand::List { all } => {
            use std::io::Write as _;
            let cases = store.cases(!all)?;
            if cases.is_empty() {
                eprintln!("cases: none{}", if all { "" } else { " open" });
            }
            let mut out = std::io::stdout().lock();
            // (A closed pipe, `| head`, ends the list.)
            let _ = out.write_all(crate::export::cases::list(&known, cases, now).as_bytes());
        }
        CasesCommand::Open {
            program,
            venue,
            household,
            person,
            reference,
            scheduled,
            events,
        } => {
            let p = program_named(&known, &program)?;
            let tz = venue_zone(p, &venue)?;
            let scheduled = scheduled
                .map(|s| when(&s, tz, now, "--scheduled"))
                .transpose()?;
            let events = events
                .iter()
                .map(|e| {
                    let (step, at) = e.split_once('=').with_context(|| {
                        format!("--event {e:?}: write STEP=WHEN, for example entry=2026-11-20")
                    })?;
                    Ok((step.trim().to_string(), when(at, tz, now, "--event")?))
                })
                .collect::<Result<Vec<_>>>()?;
            let new = NewCase {
                household_id: household,
                person_id: person,
                venue,
                reference,
                scheduled_at: scheduled,
                events,
            };
            let c = store.open_case(p, &new, &actor)?;
            eprintln!("cases: {} opened", c.id);
            println!("{}", crate::export::cases::line(&known, &c, now));
        }
        CasesCommand::Step {
            case,
            step,
            at,
            note,
        } => {
            let c = store.case(case)?;
            let p = program_named(&known, &c.program)?;
            let tz = venue_zone(p, &c.venue)?;
            let at = at
                .map(|a| when(&a, tz, now, "--at"))
                .transpose()?
                .unwrap_or(now);
            let c = store.record_step(p, case, c.version, &step, at, &note, &actor)?;
            eprintln!("cases: {case}: {step} recorded");
            println!("{}", crate::export::cases::line(&known, &c, now));
        }
        CasesCommand::Close { case } => {
            let c = store.case(case)?;
            let c = store.close_case(case, c.version, &actor)?;
            eprintln!("cases: {case} closed");
            println!("{}", crate::export::cases::line(&known, &c, now));
        }
    }
    Ok(0)
}

fn program_named<'a>(known: &'a Programs, id: &str) -> Result<&'a Program> {
    known.named(id).map_err(anyhow::Error::msg)
}

fn venue_zone(p: &Program, venue: &str) -> Result<Tz> {
    crate::domain::program::record::check_venue(p, venue)?;
    Ok(p.venue(venue).map_or(chrono_tz::UTC, |v| v.tz))
}

/// A moment as the forms read one (`domain::dates`: `2024-05-22 14:30`,
/// `22/05/2024`, `today`, `-3d`, `-2h`; a day alone is its noon) in the
/// venue's zone `tz`, or RFC 3339.
fn when(text: &str, tz: Tz, now: DateTime<Utc>, flag: &str) -> Result<DateTime<Utc>> {
    use crate::domain::dates::{parse_offset, parse_when};
    let text = text.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Ok(t.with_timezone(&Utc));
    }
    // (`-2d` is a day, read below; `-2h` is from now.)
    if let Some(offset) = parse_offset(text).filter(|_| !text.ends_with(['d', 'D'])) {
        return Ok(now + offset);
    }
    let today = now.with_timezone(&tz).date_naive();
    let (day, time) = parse_when(&text.replacen('T', " ", 1), today).with_context(|| {
        format!("{flag} {text:?}: write YYYY-MM-DD or YYYY-MM-DD HH:MM (in the venue's time, {tz})")
    })?;
    let local =
        day.and_time(time.unwrap_or(chrono::NaiveTime::from_hms_opt(12, 0, 0).unwrap_or_default()));
    crate::domain::port::from_local_in(tz, local).with_context(|| format!("{flag} {text:?}"))
}
