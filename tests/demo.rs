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
        BTreeSet::from(["COL", "CUB", "ECU", "GTM", "HND", "HTI", "MEX", "SLV", "VEN"])
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

#[test]
fn a_large_demo_roster_has_mostly_distinct_names_from_nine_countries() {
    let d = albergue::demo::generate(100_000, 1, now());
    let names: BTreeSet<String> = d.people.iter().map(|p| p.full_name()).collect();
    let share = names.len() as f64 / d.people.len() as f64;
    assert!(share >= 0.9, "{} distinct full names", names.len());

    let mut by_country: BTreeMap<&str, usize> = BTreeMap::new();
    for p in &d.people {
        *by_country
            .entry(p.details.nationality.as_str())
            .or_default() += 1;
    }
    assert_eq!(
        by_country.keys().copied().collect::<Vec<_>>(),
        ["COL", "CUB", "ECU", "GTM", "HND", "HTI", "MEX", "SLV", "VEN"]
    );
    assert!(by_country.values().all(|&n| n > 3_000), "{by_country:?}");
    // Two given names for most, as in the region.
    let two = d
        .people
        .iter()
        .filter(|p| p.details.given_names.contains(' '))
        .count();
    assert!(two * 10 > d.people.len() * 8, "{two} with two given names");
    // Haitians keep one family name; the others two.
    for p in d.people.iter().take(2_000) {
        let parts = p.details.family_names.split(' ').count();
        if p.details.nationality == "HTI" {
            assert_eq!(parts, 1, "{}", p.full_name());
        } else {
            assert_eq!(parts, 2, "{}", p.full_name());
        }
    }
}

#[test]
fn the_demo_notes_and_sources_are_in_spanish() {
    let d = albergue::demo::generate(5_000, 1, now());
    let notes: BTreeSet<&str> = d
        .people
        .iter()
        .map(|p| p.details.notes.as_str())
        .filter(|n| !n.is_empty())
        .collect();
    assert!(notes.len() >= 5, "{notes:?}");
    // Spanish: a Spanish word or letter, and none of English's commonest.
    let words = |t: &str| -> Vec<String> {
        t.to_lowercase()
            .split(|c: char| !c.is_alphabetic())
            .filter(|w| !w.is_empty())
            .map(str::to_string)
            .collect()
    };
    let spanish = |t: &str| {
        let w = words(t);
        let es = [
            "el", "la", "los", "de", "que", "un", "una", "su", "para", "se", "con", "al",
        ];
        let en = [
            "the", "to", "and", "of", "is", "for", "when", "will", "be", "says",
        ];
        (t.contains(|c| "áéíóúñ".contains(c)) || w.iter().any(|x| es.contains(&x.as_str())))
            && !w.iter().any(|x| en.contains(&x.as_str()))
    };
    for n in &notes {
        assert!(spanish(n), "{n}");
    }
    for (o, _) in &d.outages {
        assert!(spanish(&o.source) && spanish(&o.note), "{o:?}");
    }
}

/// A new, empty database (in a folder that goes with the first value) and
/// who loads into it.
fn empty_store() -> (
    tempfile::TempDir,
    albergue::store::Store,
    albergue::actor::Actor,
) {
    use albergue::store::{OpenMode, Store};
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("a.db"), OpenMode::Create).unwrap();
    (dir, store, albergue::actor::Actor::new("test"))
}

#[test]
fn a_bulk_load_naming_rows_that_are_not_there_loads_nothing_and_says_which() {
    use albergue::store::StoreError;
    let (_dir, mut store, actor) = empty_store();
    let good = albergue::demo::generate(300, 3, now());
    // The load writes with foreign keys off (its appointments are copied
    // whole from an in-memory database): it checks every reference itself.
    let mut bad = good.clone();
    bad.appointments[7].household_id = 999_999;
    let id = bad.appointments[7].id;
    match store.load_bulk(&bad, "test", &actor) {
        Err(e @ StoreError::Dangling { .. }) => {
            let said = e.to_string();
            assert!(
                said.contains(&format!("appointment {id} names household 999999")),
                "{said}"
            );
        }
        other => panic!("{other:?}"),
    }
    let mut bad = good.clone();
    bad.people[3].details.household_id = 888_888;
    assert!(matches!(
        store.load_bulk(&bad, "test", &actor),
        Err(StoreError::Dangling {
            entity: "person",
            target: "household",
            missing: 888_888,
            ..
        })
    ));
    let c = store.counts().unwrap();
    assert_eq!((c.people, c.appointments, c.households), (0, 0, 0));
    // Nothing left behind: the good data loads after, every appointment
    // and index in place (SQLite's checks, the tallies against a recount).
    store.load_bulk(&good, "test", &actor).unwrap();
    let c = store.counts().unwrap();
    assert_eq!(c.appointments as usize, good.appointments.len());
    assert_eq!(store.integrity_problems().unwrap(), Vec::<String>::new());
    assert_eq!(store.tally_problems().unwrap(), Vec::<String>::new());
    let o = store.appointment(good.appointments[7].id).unwrap();
    assert_eq!(o, good.appointments[7]);
}

#[test]
fn a_bulk_load_whose_rows_break_a_rule_of_a_table_loads_nothing() {
    let (_dir, mut store, actor) = empty_store();
    let good = albergue::demo::generate(300, 4, now());
    // The people are written in two halves by two threads, the households
    // and appointments by the second: a row refused in any of them stops
    // the whole load.
    let last = good.people.len() - 1;
    type Breaks = Box<dyn Fn(&mut albergue::store::BulkData)>;
    let breakers: [(&str, Breaks); 4] = [
        (
            "a person of the first half",
            Box::new(|d| d.people[2].details.nationality = "MX".into()),
        ),
        (
            "a person of the second half",
            Box::new(move |d| d.people[last].details.nationality = "GTMX".into()),
        ),
        (
            "a household twice",
            Box::new(|d| d.households.push(d.households[4].clone())),
        ),
        (
            "an appointment",
            Box::new(|d| d.appointments[9].confirm_deadline += chrono::Duration::hours(1)),
        ),
    ];
    for (what, breaks) in &breakers {
        let mut bad = good.clone();
        breaks(&mut bad);
        let said = match store.load_bulk(&bad, "test", &actor) {
            Err(e) => e.to_string(),
            Ok(()) => panic!("{what} against the rules loaded"),
        };
        assert!(said.contains("constraint failed"), "{what}: {said}");
        let c = store.counts().unwrap();
        assert_eq!(
            (c.people, c.appointments, c.households),
            (0, 0, 0),
            "{what}"
        );
    }
    // Nothing left behind, the in-memory databases detached: the good
    // data loads after.
    store.load_bulk(&good, "test", &actor).unwrap();
    let c = store.counts().unwrap();
    assert_eq!(c.people as usize, good.people.len());
    assert_eq!(c.households as usize, good.households.len());
    assert_eq!(store.integrity_problems().unwrap(), Vec::<String>::new());
    assert_eq!(store.tally_problems().unwrap(), Vec::<String>::new());
}

#[test]
fn a_bulk_load_may_name_the_shelters_and_households_already_stored() {
    let (_dir, mut store, actor) = empty_store();
    let mut data = albergue::demo::generate(200, 5, now());
    // The shelters and the first household are in the database already
    // (nobody in it: a load into a database with people is refused); the
    // data's rows name them.
    for s in std::mem::take(&mut data.shelters) {
        let made = store
            .create_shelter(&s.name, &s.city, &s.tz, s.capacity, &actor)
            .unwrap();
        assert_eq!(made.id, s.id);
    }
    let first = data.households.remove(0);
    let made = store
        .create_household(first.shelter_id, &first.label, None, &actor)
        .unwrap();
    assert_eq!(made.id, first.id);
    assert!(data
        .people
        .iter()
        .any(|p| p.details.household_id == first.id));
    store.load_bulk(&data, "test", &actor).unwrap();
    let c = store.counts().unwrap();
    assert_eq!(c.people as usize, data.people.len());
    assert_eq!(c.households as usize, data.households.len() + 1);
    assert_eq!(store.integrity_problems().unwrap(), Vec::<String>::new());
    assert_eq!(store.tally_problems().unwrap(), Vec::<String>::new());
}
