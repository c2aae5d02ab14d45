//! The store, through its public API, on real database files.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use albergue::actor::Actor;
use albergue::domain::{
    AppointmentStatus, Permission, PersonDetails, PersonStatus, Ports, Role, RuleError, Sex, Step,
    Vulnerability,
};
use albergue::paths::DbPath;
use albergue::store::{
    NewAppointment, NewOutage, OpenMode, Store, StoreError, BUSY_TIMEOUT, LATEST_VERSION,
};
use chrono::{DateTime, Duration, NaiveDate, Utc};

fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

/// A store on a fresh file, with its clock fixed at `now`.
fn store_at(dir: &Path, now: &str) -> Store {
    let now = utc(now);
    Store::open(&dir.join("a.db"), OpenMode::Create)
        .unwrap()
        .with_clock(Arc::new(move || now))
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

fn details(household_id: i64, given: &str, family: &str) -> PersonDetails {
    PersonDetails {
        household_id,
        given_names: given.into(),
        family_names: family.into(),
        birth_date: NaiveDate::from_ymd_opt(1990, 4, 2),
        sex: Sex::Female,
        nationality: "VEN".into(),
        languages: "es".into(),
        phone: Some("+52 664 123 4567".into()),
        arrival_date: NaiveDate::from_ymd_opt(2024, 3, 1).unwrap(),
        departure_date: None,
        status: PersonStatus::Present,
        vulnerabilities: vec![],
        notes: String::new(),
    }
}

struct World {
    _dir: tempfile::TempDir,
    path: PathBuf,
    store: Store,
    actor: Actor,
    household: i64,
}

/// A shelter with one household, at a fixed clock.
fn world(now: &str) -> World {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.db");
    let mut store = store_at(dir.path(), now);
    let actor = Actor::new("maria@203.0.113.7");
    let shelter = store
        .create_shelter("Casa", "Tijuana", "America/Tijuana", 100, &actor)
        .unwrap();
    let household = store
        .create_household(shelter.id, "Pérez", Some("Houston, TX"), &actor)
        .unwrap()
        .id;
    World {
        _dir: dir,
        path,
        store,
        actor,
        household,
    }
}

fn audit_count(store: &Store) -> usize {
    store.recent_audit(1_000_000).unwrap().len()
}

// ---- opening ----

#[test]
fn a_new_database_is_private_and_safe_for_several_writers() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.db");
    let store = Store::open(&path, OpenMode::Create).unwrap();
    assert_eq!(mode(&path), 0o600);
    assert_eq!(store.pragma("journal_mode").unwrap(), "wal");
    assert_eq!(store.pragma("foreign_keys").unwrap(), "1");
    assert_eq!(store.pragma("synchronous").unwrap(), "2", "FULL");
    assert_eq!(store.schema_version().unwrap(), LATEST_VERSION);
    for side in ["a.db-wal", "a.db-shm"] {
        let p = dir.path().join(side);
        assert!(p.exists(), "{side}");
        assert_eq!(mode(&p), 0o600, "{side}");
    }
}

#[test]
fn a_write_waits_for_another_coordinators_write_to_finish() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.db");
    let mut store = Store::open(&path, OpenMode::Create).unwrap();
    let other = rusqlite::Connection::open(&path).unwrap();
    other.execute_batch("BEGIN IMMEDIATE").unwrap();
    let held = std::time::Duration::from_millis(300);
    let releaser = std::thread::spawn(move || {
        std::thread::sleep(held);
        other.execute_batch("COMMIT").unwrap();
    });
    let started = std::time::Instant::now();
    store
        .create_shelter("Casa", "Tijuana", "America/Tijuana", 10, &Actor::new("t"))
        .expect("saved once the other write ended");
    let waited = started.elapsed();
    releaser.join().unwrap();
    assert!(waited >= held / 2 && waited < BUSY_TIMEOUT, "{waited:?}");
}

#[test]
fn the_data_folder_is_created_private() {
    let dir = tempfile::tempdir().unwrap();
    let db = DbPath {
        path: dir.path().join("share/albergue/albergue.db"),
        in_data_folder: true,
    };
    db.ensure_folder().unwrap();
    assert_eq!(mode(&dir.path().join("share/albergue")), 0o700);
    Store::open(&db.path, OpenMode::Create).unwrap();
    assert_eq!(mode(&db.path), 0o600);
}

#[test]
fn a_named_folder_that_does_not_exist_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nope/a.db");
    let db = DbPath {
        path: path.clone(),
        in_data_folder: false,
    };
    db.ensure_folder().unwrap();
    let err = Store::open(&path, OpenMode::Create).unwrap_err();
    assert!(matches!(err, StoreError::MissingFolder(ref p) if p == &dir.path().join("nope")));
    assert!(err.to_string().contains("nope"), "{err}");
    assert!(!dir.path().join("nope").exists());
}

#[test]
fn an_existing_database_must_exist_for_inspection() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.db");
    for mode in [OpenMode::Existing, OpenMode::Inspect] {
        let err = Store::open(&path, mode).unwrap_err();
        assert!(matches!(err, StoreError::Missing(_)), "{err}");
    }
    assert!(!path.exists());
}

#[test]
fn a_file_that_is_not_sqlite_is_refused_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("roster.db");
    let content = b"Nombre,Apellidos\nJos\xc3\xa9,N\xc3\xba\xc3\xb1ez\n".repeat(100);
    std::fs::write(&path, &content).unwrap();
    for mode in [OpenMode::Create, OpenMode::Existing, OpenMode::Inspect] {
        let err = Store::open(&path, mode).unwrap_err();
        assert!(matches!(err, StoreError::NotADatabase(_)), "{err}");
        assert!(err.to_string().contains("roster.db"), "{err}");
    }
    assert_eq!(std::fs::read(&path).unwrap(), content);
    assert!(!dir.path().join("roster.db-wal").exists());
}

#[test]
fn another_programs_sqlite_database_is_refused_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("other.db");
    {
        let c = rusqlite::Connection::open(&path).unwrap();
        c.execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);")
            .unwrap();
    }
    let before = std::fs::read(&path).unwrap();
    let err = Store::open(&path, OpenMode::Create).unwrap_err();
    assert!(matches!(err, StoreError::Foreign(_)), "{err}");
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

#[test]
fn a_database_from_a_newer_albergue_is_refused_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.db");
    drop(Store::open(&path, OpenMode::Create).unwrap());
    {
        let c = rusqlite::Connection::open(&path).unwrap();
        c.pragma_update(None, "user_version", LATEST_VERSION + 1)
            .unwrap();
        c.pragma_update(None, "journal_mode", "DELETE").unwrap();
    }
    let before = std::fs::read(&path).unwrap();
    for mode in [OpenMode::Create, OpenMode::Existing, OpenMode::Inspect] {
        let err = Store::open(&path, mode).unwrap_err();
        match &err {
            StoreError::NewerSchema { found, known, .. } => {
                assert_eq!((*found, *known), (LATEST_VERSION + 1, LATEST_VERSION));
            }
            other => panic!("expected NewerSchema, got {other}"),
        }
        assert!(err.to_string().contains("newer albergue"), "{err}");
    }
    assert_eq!(std::fs::read(&path).unwrap(), before, "file untouched");
    assert!(!dir.path().join("a.db-wal").exists(), "not switched to WAL");
}

#[test]
fn reopening_keeps_data_and_does_not_migrate_twice() {
    let mut w = world("2024-05-20T15:00:00Z");
    w.store
        .create_person(&details(w.household, "Ana", "Pérez"), &w.actor)
        .unwrap();
    drop(w.store);
    let store = Store::open(&w.path, OpenMode::Existing).unwrap();
    assert_eq!(store.schema_version().unwrap(), LATEST_VERSION);
    assert_eq!(store.counts().unwrap().people, 1);
    assert!(store.integrity_problems().unwrap().is_empty());
}

// ---- audit ----

#[test]
fn every_write_leaves_one_audit_row_naming_the_actor_and_no_personal_values() {
    let mut w = world("2024-05-21T18:00:00Z");
    let a = w.actor.clone();
    let mut d = details(w.household, "José", "Núñez");
    d.notes = "Necesita medicina".into();
    let p = w.store.create_person(&d, &a).unwrap();
    d.phone = Some("+52 664 999 0000".into());
    d.notes = "Ya tiene medicina".into();
    w.store.update_person(p.id, p.version, &d, &a).unwrap();
    let appt = w
        .store
        .create_appointment(
            &NewAppointment {
                household_id: w.household,
                person_id: Some(p.id),
                port_code: "SYS".into(),
                appointment_at: utc("2024-06-04T16:00:00Z"),
                allocated_at: utc("2024-05-21T16:00:00Z"),
            },
            &a,
        )
        .unwrap();
    let appt = w
        .store
        .confirm_appointment(
            appt.id,
            appt.version,
            "zx98765432",
            utc("2024-05-21T17:00:00Z"),
            &a,
        )
        .unwrap();
    w.store
        .set_appointment_status(appt.id, appt.version, AppointmentStatus::Presented, &a)
        .unwrap();
    let o = w
        .store
        .record_outage(
            &NewOutage {
                service: albergue::domain::outage::CBP_ONE_SERVICE.into(),
                affected_step: Step::Confirm,
                ports: Ports::All,
                started_at: utc("2024-05-21T17:30:00Z"),
                ended_at: None,
                source: "CBP text".into(),
                note: String::new(),
            },
            &a,
        )
        .unwrap();
    let o = w
        .store
        .close_outage(o.id, o.version, utc("2024-05-21T17:50:00Z"), &a)
        .unwrap();
    w.store
        .grant_extension(o.id, o.version, utc("2024-05-24T00:00:00Z"), &a)
        .unwrap();

    let trail = w.store.recent_audit(100).unwrap();
    let actions: Vec<&str> = trail.iter().rev().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "shelter.create",
            "household.create",
            "person.create",
            "person.update",
            "appointment.create",
            "appointment.confirm",
            "appointment.status",
            "outage.create",
            "outage.close",
            "outage.extend",
        ]
    );
    for e in &trail {
        assert_eq!(e.actor, "maria@203.0.113.7");
        assert_eq!(e.at, utc("2024-05-21T18:00:00Z"));
        for secret in [
            "José",
            "Jose",
            "Núñez",
            "664",
            "medicina",
            "ZX98765432",
            "Houston",
        ] {
            assert!(
                !e.summary.contains(secret),
                "{} leaks {secret}: {}",
                e.action,
                e.summary
            );
        }
    }
    let person_trail = w.store.audit_for_person(p.id).unwrap();
    let actions: Vec<&str> = person_trail.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "person.create",
            "person.update",
            "appointment.create",
            "appointment.confirm",
            "appointment.status"
        ]
    );
    assert_eq!(person_trail[1].summary, "changed: phone, notes");
    assert_eq!(person_trail[3].summary, "pending_confirmation -> confirmed");
}

#[test]
fn a_refused_write_leaves_no_audit_row() {
    let mut w = world("2024-05-21T18:00:00Z");
    let before = audit_count(&w.store);
    let mut d = details(w.household, "Ana", "Pérez");
    d.nationality = "Venezuela".into();
    let err = w.store.create_person(&d, &w.actor).unwrap_err();
    assert!(
        matches!(err, StoreError::Rule(RuleError::Nationality(_))),
        "{err}"
    );
    let err = w
        .store
        .create_person(&details(999, "Ana", "Pérez"), &w.actor)
        .unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::NotFound {
                entity: "household",
                id: 999
            }
        ),
        "{err}"
    );
    assert_eq!(audit_count(&w.store), before);
    assert_eq!(w.store.counts().unwrap().people, 0);
}

// ---- versions and conflicts ----

#[test]
fn a_stale_edit_is_refused_with_who_changed_it_and_changes_nothing() {
    let mut w = world("2024-05-21T18:00:00Z");
    let p = w
        .store
        .create_person(&details(w.household, "Ana", "Pérez"), &w.actor)
        .unwrap();
    assert_eq!(p.version, 1);

    // A second coordinator, in another process, saves first.
    let later = utc("2024-05-21T18:05:00Z");
    let mut other = Store::open(&w.path, OpenMode::Existing)
        .unwrap()
        .with_clock(Arc::new(move || later));
    let luis = Actor::new("luis");
    let mut theirs = p.details.clone();
    theirs.phone = Some("+52 664 000 1111".into());
    let saved = other
        .update_person(p.id, p.version, &theirs, &luis)
        .unwrap();
    assert_eq!(saved.version, 2);
    assert_eq!(saved.updated_by, "luis");

    let audit_before = audit_count(&w.store);
    let mut mine = p.details.clone();
    mine.notes = "my edit".into();
    let err = w
        .store
        .update_person(p.id, p.version, &mine, &w.actor)
        .unwrap_err();
    match &err {
        StoreError::Conflict(c) => {
            assert_eq!(c.entity, "person");
            assert_eq!(c.id, p.id);
            assert_eq!((c.expected_version, c.current_version), (1, 2));
            assert_eq!(c.changed_by, "luis");
            assert_eq!(c.changed_at, later);
        }
        other => panic!("expected a conflict, got {other}"),
    }
    let msg = err.to_string();
    assert!(
        msg.contains("luis") && msg.contains("2024-05-21 18:05"),
        "{msg}"
    );
    let now = w.store.person(p.id).unwrap();
    assert_eq!(now.details, saved.details, "their save stands");
    assert_eq!(now.version, 2);
    assert_eq!(audit_count(&w.store), audit_before);
}

#[test]
fn saving_unchanged_details_writes_nothing() {
    let mut w = world("2024-05-21T18:00:00Z");
    let p = w
        .store
        .create_person(&details(w.household, "Ana", "Pérez"), &w.actor)
        .unwrap();
    let before = audit_count(&w.store);
    let same = w
        .store
        .update_person(p.id, p.version, &p.details, &w.actor)
        .unwrap();
    assert_eq!(same.version, 1);
    assert_eq!(audit_count(&w.store), before);
}

#[test]
fn each_save_bumps_the_version() {
    let mut w = world("2024-05-21T18:00:00Z");
    let mut p = w
        .store
        .create_person(&details(w.household, "Ana", "Pérez"), &w.actor)
        .unwrap();
    for v in 2..5 {
        let mut d = p.details.clone();
        d.notes = format!("visit {v}");
        p = w
            .store
            .update_person(p.id, p.version, &d, &w.actor)
            .unwrap();
        assert_eq!(p.version, v);
    }
}

#[test]
fn stale_status_changes_and_extensions_are_conflicts_too() {
    let mut w = world("2024-05-21T18:00:00Z");
    let p = w
        .store
        .create_person(&details(w.household, "Ana", "Pérez"), &w.actor)
        .unwrap();
    let appt = w
        .store
        .create_appointment(
            &NewAppointment {
                household_id: w.household,
                person_id: Some(p.id),
                port_code: "HID".into(),
                appointment_at: utc("2024-06-04T15:00:00Z"),
                allocated_at: utc("2024-05-21T16:00:00Z"),
            },
            &w.actor,
        )
        .unwrap();
    w.store
        .set_appointment_status(
            appt.id,
            appt.version,
            AppointmentStatus::Cancelled,
            &w.actor,
        )
        .unwrap();
    let err = w
        .store
        .set_appointment_status(appt.id, appt.version, AppointmentStatus::Missed, &w.actor)
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err}");
    let err = w
        .store
        .confirm_appointment(
            appt.id,
            appt.version,
            "AB123456",
            utc("2024-05-21T17:00:00Z"),
            &w.actor,
        )
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err}");
}

// ---- appointments ----

fn appointment_for(w: &mut World, given: &str, port: &str, allocated: &str) -> (i64, i64) {
    let p = w
        .store
        .create_person(&details(w.household, given, "Pérez"), &w.actor)
        .unwrap();
    let a = w
        .store
        .create_appointment(
            &NewAppointment {
                household_id: w.household,
                person_id: Some(p.id),
                port_code: port.into(),
                appointment_at: utc(allocated) + Duration::days(14),
                allocated_at: utc(allocated),
            },
            &w.actor,
        )
        .unwrap();
    (p.id, a.id)
}

#[test]
fn a_new_appointment_is_pending_with_a_23_hour_deadline() {
    let mut w = world("2024-05-21T18:00:00Z");
    let (_, id) = appointment_for(&mut w, "Ana", "SYS", "2024-05-21T16:00:00Z");
    let a = w.store.appointment(id).unwrap();
    assert_eq!(a.status, AppointmentStatus::PendingConfirmation);
    assert_eq!(a.confirm_deadline, utc("2024-05-22T15:00:00Z"));
    assert_eq!(a.version, 1);
}

#[test]
fn an_unknown_port_or_a_traveller_from_another_group_is_refused() {
    let mut w = world("2024-05-21T18:00:00Z");
    let p = w
        .store
        .create_person(&details(w.household, "Ana", "Pérez"), &w.actor)
        .unwrap();
    let new = NewAppointment {
        household_id: w.household,
        person_id: Some(p.id),
        port_code: "TIJ".into(),
        appointment_at: utc("2024-06-04T16:00:00Z"),
        allocated_at: utc("2024-05-21T16:00:00Z"),
    };
    let err = w.store.create_appointment(&new, &w.actor).unwrap_err();
    assert!(
        matches!(err, StoreError::Rule(RuleError::UnknownPort(_))),
        "{err}"
    );
    let shelter = w.store.shelters().unwrap()[0].id;
    let other = w
        .store
        .create_household(shelter, "Joseph", None, &w.actor)
        .unwrap();
    let new = NewAppointment {
        household_id: other.id,
        port_code: "SYS".into(),
        ..new
    };
    assert!(w.store.create_appointment(&new, &w.actor).is_err());
    assert_eq!(w.store.counts().unwrap().appointments, 0);
}

#[test]
fn a_confirmation_is_stored_tidied_with_who_recorded_it() {
    let mut w = world("2024-05-21T18:00:00Z");
    let (_, id) = appointment_for(&mut w, "Ana", "SYS", "2024-05-21T16:00:00Z");
    let a = w
        .store
        .confirm_appointment(id, 1, " ab12-cd34 ", utc("2024-05-21T17:00:00Z"), &w.actor)
        .unwrap();
    assert_eq!(a.status, AppointmentStatus::Confirmed);
    assert_eq!(a.confirmation_number.as_deref(), Some("AB12CD34"));
    assert_eq!(a.confirmed_at, Some(utc("2024-05-21T17:00:00Z")));
    assert_eq!(a.confirmed_by.as_deref(), Some("maria@203.0.113.7"));
    assert_eq!(a.version, 2);
}

#[test]
fn a_confirmation_number_held_by_another_appointment_is_refused_naming_the_holder() {
    let mut w = world("2024-05-21T18:00:00Z");
    let (p1, a1) = appointment_for(&mut w, "Ana", "SYS", "2024-05-21T16:00:00Z");
    let (_, a2) = appointment_for(&mut w, "Luis", "SYS", "2024-05-21T16:00:00Z");
    w.store
        .confirm_appointment(a1, 1, "AB12CD34", utc("2024-05-21T17:00:00Z"), &w.actor)
        .unwrap();
    let err = w
        .store
        .confirm_appointment(a2, 1, "ab12cd34", utc("2024-05-21T17:00:00Z"), &w.actor)
        .unwrap_err();
    match &err {
        StoreError::DuplicateConfirmation {
            appointment_id,
            person_id,
            ..
        } => assert_eq!((*appointment_id, *person_id), (a1, Some(p1))),
        other => panic!("expected a duplicate, got {other}"),
    }
    assert_eq!(
        w.store.appointment(a2).unwrap().status,
        AppointmentStatus::PendingConfirmation
    );
}

#[test]
fn confirming_after_the_deadline_is_refused_by_the_store() {
    let mut w = world("2024-05-23T18:00:00Z");
    let (_, id) = appointment_for(&mut w, "Ana", "SYS", "2024-05-21T16:00:00Z");
    let err = w
        .store
        .confirm_appointment(id, 1, "AB12CD34", utc("2024-05-22T15:00:01Z"), &w.actor)
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Rule(RuleError::DeadlinePassed { .. })),
        "{err}"
    );
    let a = w.store.appointment(id).unwrap();
    assert_eq!(
        (a.status, a.version),
        (AppointmentStatus::PendingConfirmation, 1)
    );
}

#[test]
fn a_status_change_the_lifecycle_forbids_is_refused_by_the_store() {
    let mut w = world("2024-05-21T18:00:00Z");
    let (_, id) = appointment_for(&mut w, "Ana", "SYS", "2024-05-21T16:00:00Z");
    let err = w
        .store
        .set_appointment_status(id, 1, AppointmentStatus::Presented, &w.actor)
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Rule(RuleError::Transition { .. })),
        "{err}"
    );
    assert_eq!(w.store.appointment(id).unwrap().version, 1);
}

// ---- outages ----

#[test]
fn an_outage_lists_the_appointments_it_puts_at_risk_and_an_extension_reaches_each() {
    let mut w = world("2024-05-22T12:00:00Z");
    // Window 05-21 16:00 .. 05-22 15:00: overlaps the outage.
    let (_, at_risk) = appointment_for(&mut w, "Ana", "SYS", "2024-05-21T16:00:00Z");
    // Window 05-22 16:00 .. : the outage is over by then.
    let (_, later) = appointment_for(&mut w, "Luis", "SYS", "2024-05-22T16:00:00Z");
    // At risk by time, but already confirmed.
    let (_, confirmed) = appointment_for(&mut w, "Rosa", "ELP", "2024-05-21T16:00:00Z");
    w.store
        .confirm_appointment(
            confirmed,
            1,
            "CC11DD22",
            utc("2024-05-21T16:30:00Z"),
            &w.actor,
        )
        .unwrap();
    // At risk by time, at a port the outage does not hit.
    let (_, elsewhere) = appointment_for(&mut w, "Juan", "HID", "2024-05-21T16:00:00Z");

    let o = w
        .store
        .record_outage(
            &NewOutage {
                service: albergue::domain::outage::CBP_ONE_SERVICE.into(),
                affected_step: Step::Confirm,
                ports: Ports::Some(vec!["SYS".into(), "ELP".into()]),
                started_at: utc("2024-05-22T09:00:00Z"),
                ended_at: Some(utc("2024-05-22T14:00:00Z")),
                source: "CBP text message".into(),
                note: "not working correctly".into(),
            },
            &w.actor,
        )
        .unwrap();
    let ids =
        |v: Vec<albergue::domain::Appointment>| v.into_iter().map(|a| a.id).collect::<Vec<_>>();
    assert_eq!(ids(w.store.at_risk_from(o.id).unwrap()), [at_risk]);
    assert_eq!(ids(w.store.at_risk().unwrap()), [at_risk]);

    let before = audit_count(&w.store);
    let until = utc("2024-05-25T04:00:00Z");
    let extended = w
        .store
        .grant_extension(o.id, o.version, until, &w.actor)
        .unwrap();
    assert_eq!(extended, [at_risk]);
    assert_eq!(
        w.store.appointment(at_risk).unwrap().extended_until,
        Some(until)
    );
    assert_eq!(w.store.appointment(at_risk).unwrap().version, 2);
    for untouched in [later, confirmed, elsewhere] {
        assert_eq!(w.store.appointment(untouched).unwrap().extended_until, None);
    }
    assert_eq!(w.store.outage(o.id).unwrap().extension_until, Some(until));
    assert_eq!(
        audit_count(&w.store),
        before + 2,
        "one per appointment, one for the outage"
    );
    let err = w
        .store
        .grant_extension(o.id, o.version, until, &w.actor)
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err}");
}

#[test]
fn outages_going_on_come_first() {
    let mut w = world("2024-05-22T12:00:00Z");
    let new = |start: &str, end: Option<&str>| NewOutage {
        service: albergue::domain::outage::CBP_ONE_SERVICE.into(),
        affected_step: Step::All,
        ports: Ports::All,
        started_at: utc(start),
        ended_at: end.map(utc),
        source: "news".into(),
        note: String::new(),
    };
    let old = w
        .store
        .record_outage(&new("2024-05-20T00:00:00Z", None), &w.actor)
        .unwrap();
    let closed = w
        .store
        .record_outage(
            &new("2024-05-21T00:00:00Z", Some("2024-05-21T05:00:00Z")),
            &w.actor,
        )
        .unwrap();
    let newer = w
        .store
        .record_outage(&new("2024-05-22T00:00:00Z", None), &w.actor)
        .unwrap();
    let order: Vec<i64> = w.store.outages().unwrap().iter().map(|o| o.id).collect();
    assert_eq!(order, [newer.id, old.id, closed.id]);
    let err = w
        .store
        .record_outage(
            &new("2024-05-22T00:00:00Z", Some("2024-05-21T00:00:00Z")),
            &w.actor,
        )
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Rule(RuleError::DatesOutOfOrder { .. })),
        "{err}"
    );
}

// ---- search ----

#[test]
fn search_ignores_case_and_accents() {
    let mut w = world("2024-05-21T18:00:00Z");
    let names = [
        ("José Gregorio", "Núñez Peña"),
        ("Jose", "Pierre"),
        ("Dieudonné", "Jean-Baptiste"),
        ("MARÍA", "ÁLVAREZ"),
        ("Ana", "100% Pérez"),
    ];
    let mut ids = Vec::new();
    for (g, f) in names {
        ids.push(
            w.store
                .create_person(&details(w.household, g, f), &w.actor)
                .unwrap()
                .id,
        );
    }
    let found = |q: &str| -> Vec<i64> {
        w.store
            .search_people(q, 50)
            .unwrap()
            .iter()
            .map(|p| p.id)
            .collect()
    };
    assert_eq!(found("jose"), [ids[0], ids[1]]);
    assert_eq!(found("JOSÉ"), [ids[0], ids[1]]);
    assert_eq!(found("nunez"), [ids[0]]);
    assert_eq!(found("núñez"), [ids[0]]);
    assert_eq!(found("pena jose"), [ids[0]], "words in any order");
    assert_eq!(found("dieudonne"), [ids[2]]);
    assert_eq!(found("jean baptiste"), [ids[2]]);
    assert_eq!(found("maria alvarez"), [ids[3]]);
    assert_eq!(found("100%"), [ids[4]], "LIKE wildcards are literal");
    assert_eq!(found("%"), Vec::<i64>::new());
    assert_eq!(found("_"), Vec::<i64>::new());
    assert_eq!(found("   "), Vec::<i64>::new());
    assert_eq!(found("xyz"), Vec::<i64>::new());
    assert_eq!(w.store.search_people("jose", 1).unwrap().len(), 1);
}

#[test]
fn search_sees_people_added_by_another_process() {
    let mut w = world("2024-05-21T18:00:00Z");
    w.store
        .create_person(&details(w.household, "Ana", "Pérez"), &w.actor)
        .unwrap();
    assert_eq!(w.store.search_people("ana", 10).unwrap().len(), 1);
    let mut other = Store::open(&w.path, OpenMode::Existing).unwrap();
    other
        .create_person(&details(w.household, "Anabel", "Cruz"), &Actor::new("luis"))
        .unwrap();
    let found: Vec<String> = w
        .store
        .search_people("ana", 10)
        .unwrap()
        .iter()
        .map(|p| p.full_name())
        .collect();
    assert_eq!(found, ["Ana Pérez", "Anabel Cruz"]);
}

#[test]
fn an_edited_name_is_found_by_its_new_spelling() {
    let mut w = world("2024-05-21T18:00:00Z");
    let p = w
        .store
        .create_person(&details(w.household, "Jose", "Nunez"), &w.actor)
        .unwrap();
    let mut d = p.details.clone();
    d.given_names = "Josué".into();
    w.store
        .update_person(p.id, p.version, &d, &w.actor)
        .unwrap();
    assert_eq!(w.store.search_people("josue", 5).unwrap().len(), 1);
    assert_eq!(w.store.search_people("jose ", 5).unwrap().len(), 0);
}

#[test]
fn people_round_trip_with_every_field() {
    let mut w = world("2024-05-21T18:00:00Z");
    let mut d = details(w.household, "  Mirlande ", "Joseph");
    d.sex = Sex::Other;
    d.nationality = "hti".into();
    d.birth_date = None;
    d.phone = Some("  ".into());
    d.departure_date = NaiveDate::from_ymd_opt(2024, 5, 1);
    d.status = PersonStatus::Transferred;
    d.vulnerabilities = vec![
        Vulnerability::Pregnant,
        Vulnerability::Medical,
        Vulnerability::Pregnant,
    ];
    d.notes = "línea 1\nlínea 2".into();
    let p = w.store.create_person(&d, &w.actor).unwrap();
    let got = w.store.person(p.id).unwrap();
    assert_eq!(got.details.given_names, "Mirlande");
    assert_eq!(got.details.nationality, "HTI");
    assert_eq!(got.details.phone, None);
    assert_eq!(
        got.details.vulnerabilities,
        [Vulnerability::Pregnant, Vulnerability::Medical]
    );
    assert_eq!(got.details, d.tidy());
    assert_eq!(got.full_name(), "Mirlande Joseph");
    assert_eq!(w.store.household_members(w.household).unwrap().len(), 1);
}

#[test]
fn a_volunteers_handle_refuses_what_the_role_may_not_do_and_changes_nothing() {
    let mut w = world("2024-05-21T18:00:00Z");
    let (_, appointment) = appointment_for(&mut w, "Ana", "SYS", "2024-05-21T16:00:00Z");
    let outage = w.store.record_outage(
        &NewOutage {
            service: albergue::domain::outage::CBP_ONE_SERVICE.into(),
            affected_step: Step::Confirm,
            ports: Ports::All,
            started_at: utc("2024-05-21T17:00:00Z"),
            ended_at: None,
            source: "CBP".into(),
            note: String::new(),
        },
        &w.actor,
    );
    let outage = outage.unwrap();
    let before = w.store.counts().unwrap();
    let mut store = Store::open(&w.path, OpenMode::Existing)
        .unwrap()
        .with_role(Role::Volunteer);
    let at = utc("2024-05-21T17:30:00Z");
    let refused = |r: Result<(), StoreError>, what: Permission| match r {
        Err(StoreError::NotAllowed { role, what: w }) => {
            assert_eq!((role, w), (Role::Volunteer, what));
        }
        other => panic!("{what:?} was not refused: {other:?}"),
    };
    refused(
        store
            .confirm_appointment(appointment, 1, "AB12CD34", at, &w.actor)
            .map(drop),
        Permission::Confirm,
    );
    refused(
        store
            .set_appointment_status(appointment, 1, AppointmentStatus::Cancelled, &w.actor)
            .map(drop),
        Permission::ManageAppointments,
    );
    refused(
        store
            .grant_extension(outage.id, outage.version, at, &w.actor)
            .map(drop),
        Permission::ManageOutages,
    );
    refused(
        store.record_job("export", "to /tmp", &w.actor),
        Permission::Jobs,
    );
    refused(
        store.departures(at, at, None).map(drop),
        Permission::PrintLists,
    );
    assert_eq!(store.counts().unwrap(), before, "nothing written");
    // What a volunteer is there for: people.
    store
        .create_person(&details(w.household, "Luis", "Cruz"), &w.actor)
        .unwrap();
    assert_eq!(store.counts().unwrap().people, before.people + 1);
}

#[test]
fn the_dashboards_counts_of_people_and_households_present_match_the_roster() {
    let dir = tempfile::tempdir().unwrap();
    let now = utc("2024-05-22T15:00:00Z");
    let data = albergue::demo::generate(2_000, 3, now);
    let mut store = Store::open(&dir.path().join("d.db"), OpenMode::Create).unwrap();
    store.load_demo(&data, &Actor::new("demo")).unwrap();
    let present: Vec<_> = data
        .people
        .iter()
        .filter(|p| p.details.status == PersonStatus::Present)
        .collect();
    let households: std::collections::BTreeSet<i64> =
        present.iter().map(|p| p.details.household_id).collect();
    let d = store.dashboard(now, now.date_naive(), 60).unwrap();
    assert_eq!(d.present, present.len() as i64);
    assert_eq!(d.households, households.len() as i64);
    assert!(d.households < data.households.len() as i64, "some left");
}
