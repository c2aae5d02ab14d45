//! The demo roster looks like a real shelter network's.

use std::collections::{BTreeMap, BTreeSet};

use albergue::domain::outage::is_at_risk;
use albergue::domain::{port, AppointmentStatus, Outage, PersonStatus, Step};
use chrono::{DateTime, Duration, Utc};

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2024-05-22T15:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

#[test]
fn the_demo_is_deterministic_for_a_seed_and_clock() {
    let a = albergue::demo::generate(500, 9, now());
    let b = albergue::demo::generate(500, 9, now());
    assert_eq!(a.people, b.people);
    assert_eq!(a.appointments, b.appointments);
    assert_ne!(a.people, albergue::demo::generate(500, 10, now()).people);
}

#[test]
fn the_demo_has_what_a_coordinator_needs_to_see() {
    let now = now();
    let d = albergue::demo::generate(5_000, 1, now);
    assert_eq!(d.people.len(), 5_000);

    let cities: BTreeSet<&str> = d.shelters.iter().map(|s| s.city.as_str()).collect();
    assert_eq!(
        cities,
        BTreeSet::from(["Ciudad Juárez", "Ciudad de México", "Reynosa", "Tijuana"])
    );

    let mut sizes: BTreeMap<i64, usize> = BTreeMap::new();
    for p in &d.people {
        *sizes.entry(p.details.household_id).or_default() += 1;
    }
    let distinct: BTreeSet<usize> = sizes.values().copied().collect();
    assert_eq!(distinct, (1..=7).collect(), "households of 1 to 7");

    let nationalities: BTreeSet<&str> = d
        .people
        .iter()
        .map(|p| p.details.nationality.as_str())
        .collect();
    assert_eq!(
        nationalities,
        BTreeSet::from(["CUB", "GTM", "HND", "HTI", "MEX", "VEN"])
    );
    assert!(d
        .people
        .iter()
        .any(|p| p.full_name().chars().any(|c| "áéíóúñÉ".contains(c))));

    let today = now.date_naive();
    for p in &d.people {
        let waited = (today - p.details.arrival_date).num_days();
        assert!(
            (0..=8 * 31).contains(&waited),
            "arrival {}",
            p.details.arrival_date
        );
        p.details.validate().unwrap();
    }
    assert!(d
        .people
        .iter()
        .any(|p| p.details.status == PersonStatus::Crossed));

    let ports: BTreeSet<&str> = d
        .appointments
        .iter()
        .map(|a| a.port_code.as_str())
        .collect();
    assert_eq!(ports.len(), port::all().len(), "all eight ports");
    let statuses: BTreeSet<AppointmentStatus> = d.appointments.iter().map(|a| a.status).collect();
    for s in [
        AppointmentStatus::PendingConfirmation,
        AppointmentStatus::Confirmed,
        AppointmentStatus::Missed,
        AppointmentStatus::Presented,
    ] {
        assert!(statuses.contains(&s), "{s}");
    }
    for a in &d.appointments {
        assert!(
            (a.appointment_at - now).num_days().abs() <= 31,
            "{}",
            a.appointment_at
        );
        assert!(a.allocated_at <= now);
        assert_eq!(a.confirm_deadline, a.allocated_at + Duration::hours(23));
        if a.status == AppointmentStatus::PendingConfirmation {
            assert!(
                a.effective_deadline() > now,
                "pending ones can still confirm"
            );
        }
        assert_eq!(a.confirmation_number.is_some(), a.confirmed_at.is_some());
    }
    let soon = d
        .appointments
        .iter()
        .filter(|a| a.status == AppointmentStatus::PendingConfirmation)
        .filter(|a| a.deadline_left(now) < Duration::hours(3))
        .count();
    assert!(soon > 0, "some deadlines fall in the next hours");

    let outages: Vec<Outage> = d
        .outages
        .iter()
        .enumerate()
        .map(|(i, (o, ext))| Outage {
            id: i as i64 + 1,
            service: "cbp_one".into(),
            affected_step: o.affected_step,
            ports: o.ports.clone(),
            started_at: o.started_at,
            ended_at: o.ended_at,
            source: o.source.clone(),
            note: o.note.clone(),
            extension_until: *ext,
            version: 1,
        })
        .collect();
    let active: Vec<&Outage> = outages.iter().filter(|o| o.is_active(now)).collect();
    assert_eq!(active.len(), 1);
    assert_eq!(active[0].affected_step, Step::Confirm);
    let closed: Vec<&Outage> = outages.iter().filter(|o| o.ended_at.is_some()).collect();
    assert_eq!(closed.len(), 1);
    assert!(closed[0].extension_until.is_some());
    assert!(d
        .appointments
        .iter()
        .any(|a| a.extended_until == closed[0].extension_until));
    assert!(
        d.appointments.iter().any(|a| is_at_risk(a, &outages)),
        "the active outage puts someone at risk"
    );
}

#[test]
fn nobody_who_left_has_a_live_appointment_in_the_demo() {
    let d = albergue::demo::generate(5_000, 1, now());
    let status: BTreeMap<i64, PersonStatus> =
        d.people.iter().map(|p| (p.id, p.details.status)).collect();
    let live = |s: AppointmentStatus| {
        matches!(
            s,
            AppointmentStatus::PendingConfirmation | AppointmentStatus::Confirmed
        )
    };
    let left: Vec<i64> = d
        .appointments
        .iter()
        .filter(|a| live(a.status))
        .filter(|a| {
            a.person_id
                .is_some_and(|p| status[&p] != PersonStatus::Present)
        })
        .map(|a| a.id)
        .collect();
    assert!(
        left.is_empty(),
        "live appointments of people who left: {left:?}"
    );
    // The rule had something to do: people left with appointments.
    assert!(d
        .appointments
        .iter()
        .any(|a| a.status == AppointmentStatus::Cancelled
            && a.person_id.is_some_and(|p| matches!(
                status[&p],
                PersonStatus::Departed | PersonStatus::Transferred
            ))));
}
