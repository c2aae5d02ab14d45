//! The rules, through the public API of `albergue::domain`.

use albergue::domain::appointment::{
    confirm_deadline, normalize_confirmation_number, CONFIRM_WINDOW,
};
use albergue::domain::port::{self, from_local_in, LocalTimeError};
use albergue::domain::{Appointment, AppointmentStatus, Outage, Ports, RuleError, Step};
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};

fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn pending(port: &str, allocated_at: DateTime<Utc>) -> Appointment {
    Appointment {
        id: 1,
        ..Appointment::pending(
            1,
            Some(1),
            port,
            allocated_at + Duration::days(14),
            allocated_at,
        )
    }
}

fn outage(step: Step, ports: Ports, start: &str, end: Option<&str>) -> Outage {
    Outage {
        id: 1,
        service: "cbp_one".into(),
        affected_step: step,
        ports,
        started_at: utc(start),
        ended_at: end.map(utc),
        source: "CBP text message".into(),
        note: String::new(),
        extension_until: None,
        version: 1,
    }
}

// ---- statuses ----

#[test]
fn only_the_listed_transitions_are_allowed() {
    use AppointmentStatus::*;
    let allowed = [
        (PendingConfirmation, Confirmed),
        (PendingConfirmation, Missed),
        (PendingConfirmation, Cancelled),
        (Confirmed, Presented),
        (Confirmed, Missed),
        (Confirmed, Cancelled),
    ];
    for from in AppointmentStatus::ALL {
        for to in AppointmentStatus::ALL {
            let expected = allowed.contains(&(from, to));
            assert_eq!(from.can_become(to), expected, "{from} -> {to}");
            match from.transition(to) {
                Ok(s) => {
                    assert!(expected, "{from} -> {to} should be refused");
                    assert_eq!(s, to);
                }
                Err(e) => {
                    assert!(!expected, "{from} -> {to} should be allowed");
                    assert_eq!(e, RuleError::Transition { from, to });
                }
            }
        }
    }
}

#[test]
fn missed_presented_and_cancelled_are_final() {
    use AppointmentStatus::*;
    assert!(Missed.is_final() && Presented.is_final() && Cancelled.is_final());
    assert!(!PendingConfirmation.is_final() && !Confirmed.is_final());
}

#[test]
fn statuses_round_trip_through_their_stored_names() {
    for s in AppointmentStatus::ALL {
        assert_eq!(s.as_str().parse::<AppointmentStatus>().unwrap(), s);
    }
    assert!("Confirmed".parse::<AppointmentStatus>().is_err());
}

// ---- deadlines ----

#[test]
fn the_deadline_is_23_hours_after_allocation() {
    let at = utc("2024-05-21T16:00:00Z");
    assert_eq!(confirm_deadline(at), utc("2024-05-22T15:00:00Z"));
    assert_eq!(CONFIRM_WINDOW, Duration::hours(23));
}

#[test]
fn the_effective_deadline_is_the_later_of_deadline_and_extension() {
    let mut a = pending("SYS", utc("2024-05-21T16:00:00Z"));
    assert_eq!(a.effective_deadline(), a.confirm_deadline);
    a.extended_until = Some(utc("2024-05-24T16:00:00Z"));
    assert_eq!(a.effective_deadline(), utc("2024-05-24T16:00:00Z"));
    a.extended_until = Some(utc("2024-05-22T01:00:00Z"));
    assert_eq!(
        a.effective_deadline(),
        a.confirm_deadline,
        "a shorter extension never shortens"
    );
}

#[test]
fn confirming_up_to_the_deadline_is_accepted() {
    let a = pending("SYS", utc("2024-05-21T16:00:00Z"));
    let now = utc("2024-05-23T00:00:00Z");
    assert_eq!(a.check_confirmation(a.confirm_deadline, now), Ok(()));
    assert_eq!(a.check_confirmation(a.allocated_at, now), Ok(()));
}

#[test]
fn confirming_after_deadline_is_refused() {
    let a = pending("SYS", utc("2024-05-21T16:00:00Z"));
    let late = a.confirm_deadline + Duration::seconds(1);
    assert_eq!(
        a.check_confirmation(late, late),
        Err(RuleError::DeadlinePassed {
            deadline: a.confirm_deadline,
            confirmed_at: late
        })
    );
}

#[test]
fn an_extension_lets_a_late_confirmation_through() {
    let mut a = pending("SYS", utc("2024-05-21T16:00:00Z"));
    a.extended_until = Some(utc("2024-05-24T16:00:00Z"));
    let late = a.confirm_deadline + Duration::hours(5);
    assert_eq!(a.check_confirmation(late, late), Ok(()));
}

#[test]
fn confirming_from_a_final_status_is_refused() {
    let mut a = pending("SYS", utc("2024-05-21T16:00:00Z"));
    a.status = AppointmentStatus::Missed;
    let at = a.allocated_at + Duration::hours(1);
    assert!(matches!(
        a.check_confirmation(at, at),
        Err(RuleError::Transition { .. })
    ));
}

#[test]
fn confirmation_times_in_the_future_or_before_allocation_are_refused() {
    let a = pending("SYS", utc("2024-05-21T16:00:00Z"));
    let now = a.allocated_at + Duration::hours(2);
    assert!(matches!(
        a.check_confirmation(now + Duration::hours(1), now),
        Err(RuleError::ConfirmedInFuture { .. })
    ));
    assert!(matches!(
        a.check_confirmation(a.allocated_at - Duration::minutes(1), now),
        Err(RuleError::ConfirmedBeforeAllocation { .. })
    ));
}

#[test]
fn time_left_counts_down_to_the_effective_deadline() {
    let a = pending("SYS", utc("2024-05-21T16:00:00Z"));
    let now = utc("2024-05-22T11:40:00Z");
    assert_eq!(a.deadline_left(now), Duration::minutes(3 * 60 + 20));
}

#[test]
fn confirmation_numbers_are_tidied_and_checked() {
    assert_eq!(
        normalize_confirmation_number(" ab12-cd 34 ").unwrap(),
        "AB12CD34"
    );
    for bad in ["", "AB12", "A".repeat(21).as_str(), "AB12C$", "ÁB12CD34"] {
        assert_eq!(
            normalize_confirmation_number(bad),
            Err(RuleError::ConfirmationNumber),
            "{bad:?}"
        );
    }
}

// ---- outages ----

#[test]
fn an_outage_overlapping_the_window_puts_a_pending_appointment_at_risk() {
    // Window: 2024-05-21 16:00 .. 2024-05-22 15:00 UTC.
    let a = pending("ELP", utc("2024-05-21T16:00:00Z"));
    let cases = [
        // (step, ports, start, end, at risk?, why)
        (
            Step::Confirm,
            Ports::All,
            "2024-05-22T10:00:00Z",
            None,
            true,
            "open outage during window",
        ),
        (
            Step::All,
            Ports::All,
            "2024-05-21T10:00:00Z",
            Some("2024-05-21T17:00:00Z"),
            true,
            "ends inside",
        ),
        (
            Step::Confirm,
            Ports::All,
            "2024-05-20T00:00:00Z",
            Some("2024-05-23T00:00:00Z"),
            true,
            "covers all",
        ),
        (
            Step::Confirm,
            Ports::All,
            "2024-05-21T10:00:00Z",
            Some("2024-05-21T16:00:00Z"),
            false,
            "ends at allocation",
        ),
        (
            Step::Confirm,
            Ports::All,
            "2024-05-22T15:00:00Z",
            None,
            false,
            "starts at deadline",
        ),
        (
            Step::Confirm,
            Ports::All,
            "2024-05-23T00:00:00Z",
            None,
            false,
            "after the window",
        ),
        (
            Step::Login,
            Ports::All,
            "2024-05-22T10:00:00Z",
            None,
            false,
            "login step only",
        ),
        (
            Step::Request,
            Ports::All,
            "2024-05-22T10:00:00Z",
            None,
            false,
            "request step only",
        ),
        (
            Step::Confirm,
            Ports::Some(vec!["SYS".into()]),
            "2024-05-22T10:00:00Z",
            None,
            false,
            "other port",
        ),
        (
            Step::Confirm,
            Ports::Some(vec!["SYS".into(), "ELP".into()]),
            "2024-05-22T10:00:00Z",
            None,
            true,
            "its port listed",
        ),
    ];
    for (step, ports, start, end, expected, why) in cases {
        let o = outage(step, ports, start, end);
        assert_eq!(o.puts_at_risk(&a), expected, "{why}");
    }
}

#[test]
fn only_pending_appointments_are_at_risk() {
    let o = outage(Step::Confirm, Ports::All, "2024-05-22T10:00:00Z", None);
    for status in AppointmentStatus::ALL {
        let mut a = pending("ELP", utc("2024-05-21T16:00:00Z"));
        a.status = status;
        assert_eq!(
            o.puts_at_risk(&a),
            status == AppointmentStatus::PendingConfirmation,
            "{status}"
        );
    }
}

#[test]
fn an_extension_widens_the_window_that_counts() {
    let mut a = pending("ELP", utc("2024-05-21T16:00:00Z"));
    let o = outage(Step::Confirm, Ports::All, "2024-05-23T00:00:00Z", None);
    assert!(!o.puts_at_risk(&a));
    a.extended_until = Some(utc("2024-05-24T00:00:00Z"));
    assert!(o.puts_at_risk(&a));
}

#[test]
fn an_outage_is_active_from_its_start_until_its_end() {
    let o = outage(
        Step::Confirm,
        Ports::All,
        "2024-05-22T10:00:00Z",
        Some("2024-05-22T20:00:00Z"),
    );
    assert!(!o.is_active(utc("2024-05-22T09:59:00Z")));
    assert!(o.is_active(utc("2024-05-22T10:00:00Z")));
    assert!(!o.is_active(utc("2024-05-22T20:00:00Z")));
    let open = outage(Step::Confirm, Ports::All, "2024-05-22T10:00:00Z", None);
    assert!(open.is_active(utc("2025-01-01T00:00:00Z")));
}

#[test]
fn an_extension_must_end_after_the_outage_began() {
    let o = outage(Step::Confirm, Ports::All, "2024-05-22T10:00:00Z", None);
    assert!(o.check_extension(utc("2024-05-22T09:00:00Z")).is_err());
    assert!(o.check_extension(utc("2024-05-25T00:00:00Z")).is_ok());
}

// ---- ports and time zones ----

/// (port code, standard abbreviation, daylight abbreviation, UTC offset in
/// standard time, hours).
const DST_PORTS: [(&str, &str, &str, i64); 7] = [
    ("SYS", "PST", "PDT", -8),
    ("CXL", "PST", "PDT", -8),
    ("ELP", "MST", "MDT", -7),
    ("EGP", "CST", "CDT", -6),
    ("LRD", "CST", "CDT", -6),
    ("HID", "CST", "CDT", -6),
    ("BRO", "CST", "CDT", -6),
];

fn local_hm(code: &str, at: DateTime<Utc>) -> String {
    port::by_code(code)
        .unwrap()
        .local_time(at)
        .format("%Y-%m-%d %H:%M %Z")
        .to_string()
}

#[test]
fn every_port_springs_forward_on_10_march_2024() {
    for (code, std, dst, offset) in DST_PORTS {
        // Clocks jump from 02:00 standard to 03:00 daylight.
        let switch = Utc
            .with_ymd_and_hms(2024, 3, 10, (2 - offset) as u32, 0, 0)
            .unwrap();
        let p = port::by_code(code).unwrap();
        assert_eq!(
            p.zone_abbreviation(switch - Duration::minutes(1)),
            std,
            "{code}"
        );
        assert_eq!(p.zone_abbreviation(switch), dst, "{code}");
        assert_eq!(
            local_hm(code, switch - Duration::minutes(1)),
            format!("2024-03-10 01:59 {std}")
        );
        assert_eq!(local_hm(code, switch), format!("2024-03-10 03:00 {dst}"));
        let skipped = wall(2024, 3, 10, 2, 30);
        assert!(
            matches!(p.from_local(skipped), Err(LocalTimeError::Skipped { .. })),
            "{code}"
        );
    }
}

/// A wall-clock time, in no zone.
fn wall(y: i32, m: u32, d: u32, h: u32, min: u32) -> chrono::NaiveDateTime {
    let day = NaiveDate::from_ymd_opt(y, m, d).unwrap();
    day.and_hms_opt(h, min, 0).unwrap()
}

#[test]
fn every_port_falls_back_on_3_november_2024() {
    for (code, std, dst, offset) in DST_PORTS {
        // Clocks go back from 02:00 daylight to 01:00 standard.
        let switch = Utc
            .with_ymd_and_hms(2024, 11, 3, (2 - (offset + 1)) as u32, 0, 0)
            .unwrap();
        let p = port::by_code(code).unwrap();
        assert_eq!(
            local_hm(code, switch - Duration::minutes(1)),
            format!("2024-11-03 01:59 {dst}")
        );
        assert_eq!(local_hm(code, switch), format!("2024-11-03 01:00 {std}"));
        let twice = wall(2024, 11, 3, 1, 30);
        match p.from_local(twice) {
            Err(LocalTimeError::Ambiguous { earlier, later, .. }) => {
                assert_eq!(later - earlier, Duration::hours(1), "{code}");
                assert_eq!(earlier, switch - Duration::minutes(30), "{code}");
            }
            other => panic!("{code}: expected an ambiguous time, got {other:?}"),
        }
    }
}

#[test]
fn nogales_keeps_mountain_standard_time_all_year() {
    let p = port::by_code("NOG").unwrap();
    for at in [
        "2024-01-15T18:00:00Z",
        "2024-03-10T09:30:00Z",
        "2024-07-01T18:00:00Z",
        "2024-11-03T08:30:00Z",
    ] {
        let at = utc(at);
        assert_eq!(p.zone_abbreviation(at), "MST");
        assert_eq!(
            p.local_time(at).naive_local(),
            (at - Duration::hours(7)).naive_utc()
        );
    }
    // No skipped or repeated hours in Arizona.
    let t = NaiveDate::from_ymd_opt(2024, 3, 10)
        .unwrap()
        .and_hms_opt(2, 30, 0)
        .unwrap();
    assert_eq!(p.from_local(t).unwrap(), utc("2024-03-10T09:30:00Z"));
}

#[test]
fn a_mexico_city_coordinator_reads_a_tijuana_appointment_in_both_seasons() {
    let cdmx = chrono_tz::America::Mexico_City;
    let tijuana = chrono_tz::America::Tijuana;
    let sys = port::by_code("SYS").unwrap();
    // 09:00 at San Ysidro in May 2024 (PDT): Tijuana follows US DST, Mexico City has none.
    let may = NaiveDate::from_ymd_opt(2024, 5, 22)
        .unwrap()
        .and_hms_opt(9, 0, 0)
        .unwrap();
    let at = sys.from_local(may).unwrap();
    assert_eq!(at, utc("2024-05-22T16:00:00Z"));
    assert_eq!(
        from_local_in(tijuana, may).unwrap(),
        at,
        "Tijuana keeps San Ysidro's clock"
    );
    assert_eq!(
        at.with_timezone(&cdmx).format("%H:%M %Z").to_string(),
        "10:00 CST"
    );
    // The same wall-clock time in January (PST) is 11:00 in Mexico City.
    let jan = NaiveDate::from_ymd_opt(2024, 1, 22)
        .unwrap()
        .and_hms_opt(9, 0, 0)
        .unwrap();
    let at = sys.from_local(jan).unwrap();
    assert_eq!(
        at.with_timezone(&cdmx).format("%H:%M %Z").to_string(),
        "11:00 CST"
    );
    // Mexico City did not change clocks on Mexico's old DST date (7 April 2024).
    for day in ["2024-04-06T18:00:00Z", "2024-04-08T18:00:00Z"] {
        assert_eq!(
            utc(day).with_timezone(&cdmx).format("%H:%M").to_string(),
            "12:00"
        );
    }
}

#[test]
fn a_deadline_across_the_spring_change_is_23_real_hours() {
    // Allocated at noon Eastern on 9 March 2024 (EST); the clocks change overnight.
    let allocated = utc("2024-03-09T17:00:00Z");
    let deadline = confirm_deadline(allocated);
    assert_eq!(deadline - allocated, Duration::hours(23));
    // At San Ysidro the wall clock reads 09:00 both times: a whole day by the
    // clock, 23 hours in fact. Local times are never used for the arithmetic.
    assert_eq!(local_hm("SYS", allocated), "2024-03-09 09:00 PST");
    assert_eq!(local_hm("SYS", deadline), "2024-03-10 09:00 PDT");
}
