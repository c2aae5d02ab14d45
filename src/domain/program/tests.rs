//! The engine against the built-in programs and against naive day-by-day
//! walks; the file checks against each kind of bad file.

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use proptest::prelude::*;

use super::clock::{self, Calendar};
use super::*;
use crate::domain::appointment::{confirm_deadline, Appointment};
use crate::domain::outage::{Outage, Ports};
use crate::domain::Step as OutageStep;

const MX: &str = include_str!("../../../assets/calendars/mx.toml");
const CBP_ONE: &str = include_str!("../../../assets/programs/cbp-one.toml");
const COMAR: &str = include_str!("../../../assets/programs/comar.toml");
const TVRH: &str = include_str!("../../../assets/programs/tvrh.toml");
const IOM: &str = include_str!("../../../assets/programs/iom-return.toml");

fn mx() -> Calendar {
    parse_calendar("mx.toml", MX).unwrap()
}

fn program(text: &str) -> Program {
    parse_program("p.toml", text, &[mx()]).unwrap()
}

fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap()
}

fn event(p: &Program, step: &str, at: DateTime<Utc>) -> Event {
    Event {
        step: p.step(step).unwrap(),
        at,
    }
}

/// Every zone a built-in program's venue is in.
fn built_in_zones() -> Vec<Tz> {
    let mut zones: Vec<Tz> = [CBP_ONE, COMAR, TVRH, IOM]
        .iter()
        .flat_map(|t| program(t).venues.into_iter().map(|v| v.tz))
        .collect();
    zones.sort_by_key(|z| z.name());
    zones.dedup();
    zones
}

#[test]
fn every_built_in_program_and_calendar_is_good() {
    for text in [CBP_ONE, COMAR, TVRH, IOM] {
        let p = program(text);
        for (i, s) in p.steps.iter().enumerate() {
            if s.message[0].is_some() {
                assert!(
                    s.message.iter().all(Option::is_some),
                    "{} {}: a built-in message is in all five languages",
                    p.id,
                    s.id
                );
            }
            assert!(!p.rule_text(i).is_empty());
        }
    }
    let zones: Vec<&str> = built_in_zones().iter().map(|z| z.name()).collect();
    for z in [
        "America/Tijuana",
        "America/Ciudad_Juarez",
        "America/Mexico_City",
        "America/Matamoros",
    ] {
        assert!(zones.contains(&z), "{z} is a built-in venue's zone");
    }
}

#[test]
fn cbp_one_as_a_file_is_todays_23_hour_rule_at_the_eight_ports() {
    let p = program(CBP_ONE);
    let codes: Vec<&str> = p.venues.iter().map(|v| v.code.as_str()).collect();
    let ports: Vec<&str> = crate::domain::port::all()
        .iter()
        .map(|x| x.code.as_str())
        .collect();
    assert_eq!(codes, ports);
    let confirm = p.step("confirm").unwrap();
    let allocated_at = utc(2024, 5, 21, 16, 0);
    let mut case = Case::new("America/Los_Angeles".parse().unwrap());
    case.events.push(event(&p, "allocated", allocated_at));
    let now = utc(2024, 5, 22, 1, 0);
    let next = p.next(&case, now).unwrap();
    assert_eq!(next.step, confirm);
    assert_eq!(next.deadline, confirm_deadline(allocated_at));
    // An extension moves it; a confirmation ends it and the port is next.
    case.extensions.push((confirm, utc(2024, 5, 24, 0, 0)));
    assert_eq!(p.deadline(confirm, &case), Some(utc(2024, 5, 24, 0, 0)));
    case.events
        .push(event(&p, "confirm", utc(2024, 5, 22, 2, 0)));
    case.scheduled = Some(utc(2024, 6, 4, 16, 0));
    let next = p.next(&case, now).unwrap();
    assert_eq!(p.steps[next.step].id, "present");
    assert_eq!(next.deadline, utc(2024, 6, 4, 16, 0));
}

proptest! {
    /// The at-risk rule of the cbp-one file is today's rule of
    /// `Outage::puts_at_risk` for any pending appointment and outage.
    #[test]
    fn cbp_one_at_risk_is_the_outage_rule(
        alloc in 0i64..200, dl_ext in proptest::option::of(0i64..200),
        start in 0i64..200, len in proptest::option::of(1i64..100),
    ) {
        let p = program(CBP_ONE);
        let base = utc(2024, 5, 20, 0, 0);
        let hour = |h: i64| base + Duration::hours(h);
        let mut a = Appointment::pending(1, Some(1), "SYS", hour(400), hour(alloc));
        a.extended_until = dl_ext.map(hour);
        let outage = Outage {
            id: 1, service: "cbp_one".into(), affected_step: OutageStep::Confirm,
            ports: Ports::All, started_at: hour(start), ended_at: len.map(|l| hour(start + l)),
            source: String::new(), note: String::new(), extension_until: None, version: 1,
        };
        let confirm = p.step("confirm").unwrap();
        let mut case = Case::new("America/Los_Angeles".parse().unwrap());
        case.events.push(event(&p, "allocated", a.allocated_at));
        if let Some(u) = a.extended_until { case.extensions.push((confirm, u)); }
        let engine = !p.at_risk(&case, outage.started_at, outage.ended_at, base).is_empty();
        prop_assert_eq!(engine, outage.puts_at_risk(&a));
    }

    /// N business days: the same day as a walk that takes one day at a
    /// time and counts it when it is neither a weekend nor a holiday.
    #[test]
    fn business_days_match_a_day_by_day_walk(start in 0i64..1500, n in 0u32..120) {
        let cal = mx();
        let day = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap() + Duration::days(start);
        let mut walk = day;
        let mut left = n;
        while left > 0 {
            walk += Duration::days(1);
            let weekend = matches!(walk.weekday(), chrono::Weekday::Sat | chrono::Weekday::Sun);
            if !weekend && !cal.holidays.contains(&walk) { left -= 1; }
        }
        prop_assert_eq!(cal.add_working_days(day, n), walk);
    }

    /// N calendar days, in every built-in zone, across DST changes: the
    /// deadline is the first instant whose local date is N + 1 days after
    /// the event's, as a walk over every hour finds it.
    #[test]
    fn calendar_days_match_an_hour_by_hour_walk(
        zone in 0usize..16, start in 0i64..(3 * 365 * 24), n in 0u32..40,
    ) {
        let zones = built_in_zones();
        let tz = zones[zone % zones.len()];
        let at = utc(2024, 1, 1, 0, 0) + Duration::hours(start) + Duration::minutes(17);
        let want_day = at.with_timezone(&tz).date_naive() + Duration::days(i64::from(n) + 1);
        // Walk hour by hour to the first hour whose local date is the one
        // after the last day, then back minute by minute to its start.
        let mut t = at;
        while t.with_timezone(&tz).date_naive() < want_day { t += Duration::hours(1); }
        while (t - Duration::minutes(1)).with_timezone(&tz).date_naive() >= want_day {
            t -= Duration::minutes(1);
        }
        let got = clock::after_days(at, n, tz);
        prop_assert_eq!(got.with_timezone(&tz).date_naive(), want_day);
        prop_assert_eq!(got.timestamp() / 60, t.timestamp() / 60);
    }
}

#[test]
fn comar_counts_thirty_business_days_across_holy_week() {
    let p = program(COMAR);
    let file = p.step("file").unwrap();
    let tz: Tz = "America/Tijuana".parse().unwrap();
    let mut case = Case::new(tz);
    // Entered on Monday 10 March 2025: 17 March, 17 and 18 April are
    // holidays, weekends skipped: the 30th working day is 24 April.
    case.events.push(event(
        &p,
        "entry",
        tz.with_ymd_and_hms(2025, 3, 10, 11, 0, 0).unwrap().to_utc(),
    ));
    let deadline = p.deadline(file, &case).unwrap();
    assert_eq!(
        deadline.with_timezone(&tz).naive_local().to_string(),
        "2025-04-25 00:00:00",
        "by the end of Thursday 24 April"
    );
}

#[test]
fn a_missed_signature_is_counted_and_a_late_one_starts_the_period_again() {
    let p = program(COMAR);
    let sign = p.step("sign").unwrap();
    let tz: Tz = "America/Mexico_City".parse().unwrap();
    let local = |d: u32, h: u32| tz.with_ymd_and_hms(2025, 6, d, h, 0, 0).unwrap().to_utc();
    let mut case = Case::new(tz);
    case.events.push(event(&p, "entry", local(1, 9)));
    case.events.push(event(&p, "file", local(2, 10)));
    // Every 7 days: the first by the end of 9 June.
    let due = |case: &Case, now| {
        p.due(case, now)
            .into_iter()
            .find(|d| d.step == sign)
            .unwrap()
    };
    let first = due(&case, local(5, 12));
    assert_eq!(first.deadline, local(10, 0));
    assert_eq!(first.missed, 0);
    assert!(!first.is_overdue(local(9, 23)));
    // Nothing signed by the 18th: one missed (the 9th), the 16th too.
    let late = due(&case, local(18, 12));
    assert!(late.is_overdue(local(18, 12)));
    assert_eq!(late.missed, 2);
    // Signed late on the 18th: the next is by the end of the 25th.
    case.events.push(event(&p, "sign", local(18, 13)));
    let next = due(&case, local(18, 14));
    assert_eq!((next.deadline, next.missed), (local(26, 0), 0));
    // The decision ends the signatures.
    case.events.push(event(&p, "resolution", local(20, 9)));
    assert!(p.due(&case, local(30, 9)).iter().all(|d| d.step != sign));
}

#[test]
fn a_visa_reminder_opens_thirty_days_before_it_expires_and_a_new_card_starts_over() {
    let p = program(TVRH);
    let renew = p.step("renew").unwrap();
    let tz: Tz = "America/Ciudad_Juarez".parse().unwrap();
    let mut case = Case::new(tz);
    case.events.push(event(
        &p,
        "issued",
        tz.with_ymd_and_hms(2025, 2, 10, 12, 0, 0).unwrap().to_utc(),
    ));
    let expires = p.deadline(p.step("expires").unwrap(), &case).unwrap();
    assert_eq!(
        expires.with_timezone(&tz).naive_local().to_string(),
        "2026-02-11 00:00:00",
        "valid through 10 February 2026"
    );
    let reminder = p
        .due(&case, utc(2025, 3, 1, 0, 0))
        .into_iter()
        .find(|d| d.step == renew)
        .unwrap();
    assert_eq!(
        reminder.opens.with_timezone(&tz).naive_local().to_string(),
        "2026-01-12 00:00:00"
    );
    assert_eq!(reminder.deadline, expires);
    // Renewed, then the new card: the reminder is for next year.
    case.events
        .push(event(&p, "renew", utc(2026, 1, 20, 17, 0)));
    assert!(p
        .due(&case, utc(2026, 1, 21, 0, 0))
        .iter()
        .all(|d| d.step != renew));
    case.events
        .push(event(&p, "issued", utc(2026, 2, 3, 17, 0)));
    let again = p
        .due(&case, utc(2026, 2, 4, 0, 0))
        .into_iter()
        .find(|d| d.step == renew)
        .unwrap();
    assert_eq!(again.deadline.with_timezone(&tz).date_naive().year(), 2027);
}

#[test]
fn a_message_fills_its_placeholders_and_falls_back_to_spanish() {
    let mut p = program(IOM);
    let docs = p.step("documents").unwrap();
    let text = p
        .message(docs, Language::Fr, |k| (k == "name").then(|| "Ana".into()))
        .unwrap();
    assert!(text.starts_with("Bonjour Ana."), "{text}");
    assert!(text.contains("{venue}"), "a gap stays visible: {text}");
    p.steps[docs].message[4] = None;
    let es = p.message(docs, Language::Fr, |_| None).unwrap();
    assert!(es.starts_with("Hola"), "{es}");
    assert_eq!(
        p.message(p.step("registered").unwrap(), Language::Es, |_| None),
        None
    );
}

const GOOD: &str = r#"
id = "consul"
[name]
es = "Consulado"
en = "Consulate"

[[venue]]
code = "A"
name = "A"
city = "Tijuana"
tz = "America/Tijuana"

[[step]]
id = "given"
name = { es = "Dada", en = "Given" }

[[step]]
id = "confirm"
name = { es = "Confirmar", en = "Confirm" }
after = ["given"]
due = { hours = 72, after = "given" }

[step.message]
es = "Hola {name}, confirme antes del {deadline_here}."
en = "Hello {name}, confirm before {deadline_here}."
"#;

fn refused(text: &str) -> ProgramError {
    parse_program("bad.toml", text, &[mx()]).unwrap_err()
}

fn line_of(text: &str, needle: &str) -> usize {
    text.lines().position(|l| l.contains(needle)).unwrap() + 1
}

#[test]
fn each_kind_of_bad_file_is_refused_with_its_line_and_field() {
    assert!(parse_program("good.toml", GOOD, &[mx()]).is_ok());
    let cases: [(&str, &str, &str, &str); 9] = [
        // (replace, with, field, why contains)
        (
            "America/Tijuana",
            "America/Atlantis",
            "venue.A.tz",
            "unknown time zone",
        ),
        (
            "after = \"given\"",
            "after = \"gvien\"",
            "step.confirm.due.after",
            "unknown step",
        ),
        (
            "name = { es = \"Dada\", en = \"Given\" }",
            "name = { es = \"Dada\", en = \"Given\" }\nafter = [\"confirm\"]",
            "step.given",
            "cycle",
        ),
        (
            "confirme antes del {deadline_here}",
            "confirme pronto",
            "step.confirm.message.en",
            "has {deadline_here}",
        ),
        (
            "confirm before {deadline_here}",
            "confirm soon",
            "step.confirm.message.en",
            "lacks {deadline_here}",
        ),
        (
            "Hello {name}",
            "Hello {nombre}",
            "step.confirm.message.en",
            "unknown placeholder {nombre}",
        ),
        (
            "hours = 72",
            "hours = 72, days = 3",
            "step.confirm.due",
            "exactly one",
        ),
        ("hours = 72", "houres = 72", "due", "unknown field"),
        (
            "id = \"consul\"",
            "id = \"consul\"\ncalendar = \"fr\"",
            "calendar",
            "no calendar \"fr\"",
        ),
    ];
    for (from, to, field, why) in cases {
        assert!(GOOD.contains(from), "{from}");
        let bad = GOOD.replacen(from, to, 1);
        let err = refused(&bad);
        assert_eq!(err.file, "bad.toml");
        assert_eq!(err.field, field, "{err}");
        assert!(err.why.contains(why), "{err}");
        let needle = to.lines().last().unwrap();
        let want = if field == "step.confirm.message.en" && why.starts_with("has") {
            line_of(&bad, "en = \"Hello")
        } else if why == "cycle" {
            line_of(&bad, "id = \"given\"")
        } else {
            line_of(&bad, needle)
        };
        assert_eq!(err.line, want, "{err}");
    }
}

#[test]
fn a_business_day_rule_needs_a_calendar_and_a_calendar_needs_a_working_day() {
    let bad = GOOD.replace("hours = 72", "business_days = 3");
    let err = refused(&bad);
    assert!(err.why.contains("calendar"), "{err}");
    assert_eq!(err.line, line_of(&bad, "business_days"));
    let all = "id='x'\nname='X'\nweekend=['mon','tue','wed','thu','fri','sat','sun']\n";
    let err = parse_calendar("c.toml", all).unwrap_err();
    assert_eq!((err.line, err.field.as_str()), (3, "weekend"));
    let err = parse_calendar(
        "c.toml",
        "id='x'\nname='X'\nweekend=['sat']\nholidays=[2025-02-30]\n",
    )
    .unwrap_err();
    assert_eq!(err.line, 4, "{err}");
}
