//! Retention: people who left more than the period ago are anonymised,
//! nobody else is touched, and an export afterwards holds none of what was
//! removed.

use std::path::Path;

use albergue::domain::{AppointmentStatus, PersonStatus};
use albergue::store::{OpenMode, Store};
use chrono::{Duration, NaiveDate};

mod common;

use common::{demo_data, on_db, store_with, text, NOW};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 5, 22).unwrap()
}

/// Who is who in the fixture: (household that left 91 days ago, a person
/// of a household that left 89 days ago, a present person).
struct Cast {
    gone: i64,
    gone_household: i64,
    recent: i64,
    present: i64,
    /// What must disappear: the gone household's names, phones, notes,
    /// confirmation numbers and US destination.
    removed: Vec<String>,
}

fn fixture(dir: &Path) -> (std::path::PathBuf, Cast) {
    let mut data = demo_data(300, 5);
    // A household with a confirmed appointment, everyone of it gone 91 days
    // ago; another household gone 89 days ago.
    let confirmed = data
        .appointments
        .iter()
        .find(|a| a.status == AppointmentStatus::Confirmed && a.confirmation_number.is_some())
        .unwrap()
        .household_id;
    let recent_household = data
        .households
        .iter()
        .map(|h| h.id)
        .find(|&h| h != confirmed)
        .unwrap();
    let mut removed = Vec::new();
    for p in data.people.iter_mut() {
        let d = &mut p.details;
        if d.household_id == confirmed {
            d.status = PersonStatus::Departed;
            d.arrival_date = today() - Duration::days(200);
            d.departure_date = Some(today() - Duration::days(91));
            d.phone = Some("+52 664 111 2233".into());
            d.notes = "Alérgica a la penicilina.".into();
            removed.extend([d.given_names.clone(), d.family_names.clone()]);
            removed.push("+52 664 111 2233".into());
        } else if d.household_id == recent_household {
            d.status = PersonStatus::Departed;
            d.arrival_date = today() - Duration::days(200);
            d.departure_date = Some(today() - Duration::days(89));
        }
    }
    for a in data
        .appointments
        .iter()
        .filter(|a| a.household_id == confirmed)
    {
        removed.extend(a.confirmation_number.clone());
    }
    let h = data
        .households
        .iter_mut()
        .find(|h| h.id == confirmed)
        .unwrap();
    h.us_destination = Some("Saint Paul, MN".into());
    removed.push("Saint Paul, MN".into());
    let person_of = |household: i64| {
        data.people
            .iter()
            .find(|p| p.details.household_id == household)
            .unwrap()
            .id
    };
    let cast = Cast {
        gone: person_of(confirmed),
        gone_household: confirmed,
        recent: person_of(recent_household),
        present: data
            .people
            .iter()
            .find(|p| p.details.status == PersonStatus::Present)
            .unwrap()
            .id,
        removed,
    };
    let (path, _) = store_with(dir, &data);
    (path, cast)
}

fn retention(home: &Path, db: &Path, extra: &[&str]) -> String {
    let mut args = vec!["retention", "run", "--after", "90d", "--now", NOW];
    args.extend(extra);
    let out = on_db(home, db, &args);
    assert!(out.status.success(), "{}", text(&out));
    text(&out)
}

#[test]
fn people_gone_past_the_period_are_anonymised_and_nobody_else() {
    let dir = tempfile::tempdir().unwrap();
    let (db, cast) = fixture(dir.path());
    let before = Store::open(&db, OpenMode::Existing).unwrap();
    let recent = before.person(cast.recent).unwrap();
    let present = before.person(cast.present).unwrap();
    let gone = before.person(cast.gone).unwrap();
    drop(before);

    // A dry run counts and changes nothing.
    let hash = |p: &Path| std::fs::read(p).unwrap();
    let untouched = hash(&db);
    let said = retention(dir.path(), &db, &["--dry-run"]);
    assert!(said.contains("dry run: nothing changed"), "{said}");
    assert_eq!(hash(&db), untouched);

    let said = retention(dir.path(), &db, &[]);
    assert!(said.contains("1 households"), "{said}");
    let store = Store::open(&db, OpenMode::Existing).unwrap();
    let after = store.person(cast.gone).unwrap();
    assert_eq!(after.details.given_names, format!("person-{}", cast.gone));
    assert_eq!(after.details.family_names, "");
    assert_eq!(after.details.phone, None);
    assert_eq!(after.details.notes, "");
    assert!(after.details.vulnerabilities.is_empty());
    assert_eq!(
        after
            .details
            .birth_date
            .map(|b| b.format("%m-%d").to_string()),
        gone.details.birth_date.map(|_| "01-01".to_string()),
        "the year only"
    );
    assert_eq!(
        after.details.birth_date.map(|b| b.format("%Y").to_string()),
        gone.details.birth_date.map(|b| b.format("%Y").to_string())
    );
    // Kept for statistics.
    assert_eq!(after.details.nationality, gone.details.nationality);
    assert_eq!(after.details.departure_date, gone.details.departure_date);
    assert_eq!(after.details.arrival_date, gone.details.arrival_date);
    let household = store.household(cast.gone_household).unwrap();
    assert_eq!(
        household.label,
        format!("household-{}", cast.gone_household)
    );
    assert_eq!(household.us_destination, None);
    assert!(store
        .appointments_for_person(cast.gone)
        .unwrap()
        .iter()
        .all(|a| a.confirmation_number.is_none()));
    // Left 89 days ago, or present: as they were.
    assert_eq!(store.person(cast.recent).unwrap(), recent);
    assert_eq!(store.person(cast.present).unwrap(), present);
    // Audited, and the chain whole.
    assert!(store
        .audit_for("person", cast.gone)
        .unwrap()
        .iter()
        .any(|e| e.action == "person.anonymise"));
    assert!(store.verify_audit().unwrap().is_ok());
    // A second run has nothing left to do.
    drop(store);
    let said = retention(dir.path(), &db, &[]);
    assert!(said.contains(": 0 people anonymised"), "{said}");
}

#[test]
fn an_export_after_retention_holds_none_of_the_removed_values() {
    let dir = tempfile::tempdir().unwrap();
    let (db, cast) = fixture(dir.path());
    retention(dir.path(), &db, &[]);
    let out = dir.path().join("exports");
    let o = on_db(
        dir.path(),
        &db,
        &["export", "--out", out.to_str().unwrap(), "--format", "both"],
    );
    assert!(o.status.success(), "{}", text(&o));
    let mut everything = String::new();
    for folder in std::fs::read_dir(&out).unwrap() {
        for file in std::fs::read_dir(folder.unwrap().path()).unwrap() {
            everything.push_str(&std::fs::read_to_string(file.unwrap().path()).unwrap());
        }
    }
    assert!(everything.contains(&format!("person-{}", cast.gone)));
    for value in &cast.removed {
        // Family names are shared by others; look for the exact phone,
        // number and destination, and for the given names in full.
        if value.contains(' ') || value.chars().any(|c| c.is_ascii_digit()) {
            assert!(
                !everything.contains(value.as_str()),
                "{value} is still exported"
            );
        }
    }
}

#[test]
fn the_nightly_script_anonymises_before_it_exports_when_given_a_period() {
    let dir = tempfile::tempdir().unwrap();
    let (db, cast) = fixture(dir.path());
    let bin = Path::new(env!("CARGO_BIN_EXE_albergue")).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let exports = dir.path().join("exports");
    let out = std::process::Command::new("sh")
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/assets/nightly/albergue-nightly.sh"
        ))
        .env("PATH", path)
        .env("HOME", dir.path())
        .env("XDG_STATE_HOME", dir.path().join("state"))
        .env("ALBERGUE_DB", &db)
        .env("ALBERGUE_EXPORTS", &exports)
        .env("ALBERGUE_BACKUPS", dir.path().join("backups"))
        .env("ALBERGUE_RETENTION", "90d")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    // The real clock is years after the demo's: everyone who left is due.
    let store = Store::open(&db, OpenMode::Existing).unwrap();
    let gone = store.person(cast.gone).unwrap();
    assert_eq!(gone.details.given_names, format!("person-{}", cast.gone));
    let recent = store.person(cast.recent).unwrap();
    assert_eq!(
        recent.details.given_names,
        format!("person-{}", cast.recent)
    );
    let present = store.person(cast.present).unwrap();
    assert!(!present.details.given_names.starts_with("person-"));
    // The export of that night already holds the anonymised roster.
    let folder = common::only_folder(&exports);
    let people = std::fs::read_to_string(folder.join("people.csv")).unwrap();
    assert!(people.contains(&format!("person-{}", cast.gone)));
    assert!(!people.contains("+52 664 111 2233"));
}

#[test]
fn a_person_gets_everything_held_on_them_and_the_export_is_audited() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let (db, cast) = fixture(dir.path());
    let mut store = Store::open(&db, OpenMode::Existing).unwrap();
    // A change, so that the person has an audit trail of their own.
    let mut person = store.person(cast.gone).unwrap();
    person.details.notes = "Pidió orientación legal.".into();
    store
        .update_person(
            cast.gone,
            person.version,
            &person.details,
            &albergue::actor::Actor::new("maria"),
        )
        .unwrap();
    let appointments = store.appointments_for_person(cast.gone).unwrap();
    let audit_before = store.audit_for("person", cast.gone).unwrap().len();
    drop(store);

    let id = cast.gone.to_string();
    let out = on_db(dir.path(), &db, &["person", "export", &id, "--now", NOW]);
    assert!(out.status.success(), "{}", text(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        v["person"]["given_names"],
        person.details.given_names.as_str()
    );
    assert_eq!(v["person"]["phone"], "+52 664 111 2233");
    assert_eq!(v["household"]["us_destination"], "Saint Paul, MN");
    assert_eq!(
        v["appointments"].as_array().unwrap().len(),
        appointments.len()
    );
    let numbers: Vec<&str> = v["appointments"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|a| a["confirmation_number"].as_str())
        .collect();
    assert!(!numbers.is_empty());
    assert_eq!(v["audit"][0]["action"], "person.update");
    assert_eq!(v["audit"][0]["by"], "maria");
    let store = Store::open(&db, OpenMode::Existing).unwrap();
    let audit = store.audit_for("person", cast.gone).unwrap();
    assert_eq!(audit.len(), audit_before + 1);
    assert_eq!(audit.last().unwrap().action, "person.export");
    drop(store);

    // As text, into a private file that must not exist yet.
    let file = dir.path().join("person.txt");
    let args = [
        "person",
        "export",
        &id,
        "--format",
        "text",
        "--out",
        file.to_str().unwrap(),
    ];
    let out = on_db(dir.path(), &db, &args);
    assert!(out.status.success(), "{}", text(&out));
    let written = std::fs::read_to_string(&file).unwrap();
    assert!(
        written.contains("person.phone: +52 664 111 2233"),
        "{written}"
    );
    assert_eq!(
        std::fs::metadata(&file).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let again = on_db(dir.path(), &db, &args);
    assert_eq!(again.status.code(), Some(1));
    assert!(text(&again).contains("must not exist"), "{}", text(&again));

    // Nobody by that number: said, and nothing audited.
    let out = on_db(dir.path(), &db, &["person", "export", "999999"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out).contains("person 999999 does not exist"),
        "{}",
        text(&out)
    );
}
