//! `albergue demo --programs comar,tvrh,…`: people of the generated roster
//! in other programs, with realistic histories. Each case is lived through
//! by the programs' own engine: from its first step some weeks or months
//! ago, each step due is done somewhere in its window (now and then late,
//! so a signature is missed), until the next one falls after now — so the
//! demo holds cases on time, due today, overdue and finished, for any
//! program, a shelter's own included. Its own random stream: the roster
//! and every CBP One figure stay as they were.

use chrono::{DateTime, Duration, Utc};

use super::Rng;
use crate::domain::program::record::{CaseRecord, CaseStatus, EventRecord};
use crate::domain::program::{Case, Event, Program, Rule};
use crate::domain::PersonStatus;
use crate::store::BulkData;

/// Of the households with someone present, this many in a hundred are in
/// each program asked for.
const PERCENT: u64 = 6;

/// In a hundred steps, this many are done after their deadline.
const LATE_PERCENT: u64 = 12;

/// In a hundred cases, this many fell behind (a step overdue now).
const BEHIND_PERCENT: u64 = 20;

/// Adds cases of `programs` to `data` (generated at `now`).
pub fn add(data: &mut BulkData, programs: &[&Program], seed: u64, now: DateTime<Utc>) {
    let mut rng = Rng(seed ^ 0xCA5E_5EED);
    let shelter_city: std::collections::HashMap<i64, String> = data
        .shelters
        .iter()
        .map(|s| (s.id, s.city.clone()))
        .collect();
    let household_shelter: std::collections::HashMap<i64, i64> = data
        .households
        .iter()
        .map(|h| (h.id, h.shelter_id))
        .collect();
    let mut present: Vec<(i64, i64)> = data
        .people
        .iter()
        .filter(|p| p.details.status == PersonStatus::Present)
        .map(|p| (p.details.household_id, p.id))
        .collect();
    present.sort_unstable();
    let (mut case_id, mut event_id) = (1i64, 1i64);
    for program in programs {
        let mut last_household = None;
        for &(household, person) in &present {
            // One person a household (the first present).
            if last_household == Some(household) {
                continue;
            }
            last_household = Some(household);
            if !rng.chance(PERCENT) {
                continue;
            }
            let city = household_shelter
                .get(&household)
                .and_then(|s| shelter_city.get(s))
                .map_or("", String::as_str);
            // The venue in the shelter's city, else any.
            let venue = program
                .venues
                .iter()
                .find(|v| city.contains(&v.city) || v.city.contains(city))
                .unwrap_or_else(|| rng.pick(&program.venues));
            let mut case = Case::new(venue.tz);
            let has_scheduled = program.steps.iter().any(|s| s.due == Some(Rule::Scheduled));
            if has_scheduled {
                case.scheduled = Some(now + Duration::hours(rng.range(20, 24 * 21)));
            }
            live(program, &mut case, &mut rng, now);
            // A case with nothing left to do is closed, as its office would.
            let status = if program.next(&case, now).is_some() {
                CaseStatus::Open
            } else {
                CaseStatus::Closed
            };
            data.cases.push(CaseRecord {
                id: case_id,
                program: program.id.clone(),
                household_id: household,
                person_id: Some(person),
                venue: venue.code.clone(),
                reference: format!("{}-{:05}", venue.code, case_id),
                scheduled_at: case.scheduled,
                status,
                version: 1,
                events: case
                    .events
                    .iter()
                    .map(|e| {
                        event_id += 1;
                        EventRecord {
                            id: event_id - 1,
                            step: program.steps[e.step].id.clone(),
                            at: e.at,
                            note: String::new(),
                            recorded_by: "demo".into(),
                        }
                    })
                    .collect(),
            });
            case_id += 1;
        }
    }
}

/// Lives `case` through from its first step, some days to months before
/// `now`, up to now (or, for one in five, up to some days before).
fn live(program: &Program, case: &mut Case, rng: &mut Rng, now: DateTime<Utc>) {
    let start = now - Duration::hours(rng.range(24 * 3, 24 * 100));
    case.events.push(Event { step: 0, at: start });
    let mut t = start;
    // Some cases fell behind: nothing recorded for some days before now.
    let last = if rng.chance(BEHIND_PERCENT) {
        now - Duration::hours(rng.range(12, 24 * 10))
    } else {
        now
    };
    // (Bounded: a repeating step every day for five months is 150.)
    for _ in 0..200 {
        let Some(due) = program.next(case, t) else {
            return;
        };
        let window = (due.deadline - due.opens).num_minutes().max(60);
        let mut at = due.opens + Duration::minutes(rng.range(window / 5, window * 9 / 10));
        if rng.chance(LATE_PERCENT) {
            at = due.deadline + Duration::hours(rng.range(2, 24 * 4));
        }
        // Not before what it counts from, nor in the future.
        at = at.max(t + Duration::minutes(1));
        if at > last {
            return;
        }
        case.events.push(Event { step: due.step, at });
        t = at;
    }
}
