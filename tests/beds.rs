//! Beds by section, through the store handle as coordinators hold it and
//! through the binary: sections and their beds, people placed on arrival
//! by their household's make-up, occupancy equal to a recount after every
//! kind of write, and the headcount report against a roster counted by hand.

mod common;

use std::sync::Arc;

use albergue::actor::Actor;
use albergue::domain::{Consent, PersonDetails, PersonStatus, Role, Scope, Sex};
use albergue::store::{NewAppointment, OpenMode, Store, StoreError};
use chrono::{Duration, NaiveDate};

use common::now;

struct World {
    _dir: tempfile::TempDir,
    path: std::path::PathBuf,
    store: Store,
    tj: i64,
    jz: i64,
}

fn clocked(path: &std::path::Path) -> Store {
    let t = now();
    Store::open(path, OpenMode::Existing)
        .unwrap()
        .with_clock(Arc::new(move || t))
}

/// Two shelters, each with its sections, and nobody yet.
fn world() -> World {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.db");
    drop(Store::open(&path, OpenMode::Create).unwrap());
    let mut store = clocked(&path);
    let a = Actor::new("admin");
    let tj = store
        .create_shelter("Casa Tijuana", "Tijuana", "America/Tijuana", 0, &a)
        .unwrap()
        .id;
    let jz = store
        .create_shelter(
            "Paso Juárez",
            "Ciudad Juárez",
            "America/Ciudad_Juarez",
            0,
            &a,
        )
        .unwrap()
        .id;
    let beds = |v: &[(&str, u32)]| -> Vec<(String, u32)> {
        v.iter().map(|(n, b)| ((*n).to_string(), *b)).collect()
    };
    store
        .set_capacity(
            tj,
            &beds(&[("Hombres", 2), ("Mujeres y niños", 4), ("Familias", 6)]),
            &a,
        )
        .unwrap();
    store
        .set_capacity(jz, &beds(&[("Familias", 3), ("General", 10)]), &a)
        .unwrap();
    World {
        _dir: dir,
        path,
        store,
        tj,
        jz,
    }
}

fn person(household: i64, given: &str, sex: Sex, born: i32) -> PersonDetails {
    PersonDetails {
        sex,
        birth_date: NaiveDate::from_ymd_opt(born, 3, 1),
        ..common::new_person(household, given, "Prueba")
    }
}

/// A household at `shelter` with its members (sex, year born), added as the
/// arrival desk adds them: one at a time.
fn arrive(store: &mut Store, shelter: i64, members: &[(Sex, i32)]) -> Vec<i64> {
    let a = Actor::new("desk");
    let mut ids = Vec::new();
    let first = store
        .create_person_with_household(
            shelter,
            "Prueba",
            &person(0, "Uno", members[0].0, members[0].1),
            &a,
        )
        .unwrap();
    ids.push(first.id);
    for (i, (sex, born)) in members.iter().enumerate().skip(1) {
        let p = person(first.details.household_id, &format!("Otro{i}"), *sex, *born);
        ids.push(store.create_person(&p, &a).unwrap().id);
    }
    ids
}

fn section_name(store: &Store, person: i64) -> Option<String> {
    store.section_of(person).unwrap().map(|s| s.name)
}

fn occupied(store: &Store, shelter: i64, name: &str) -> i64 {
    store
        .sections()
        .unwrap()
        .into_iter()
        .find(|s| s.shelter_id == shelter && s.name == name)
        .unwrap()
        .occupied
}

#[test]
fn arrivals_are_placed_by_make_up_and_occupancy_is_a_recount_after_every_write() {
    let mut w = world();
    let s = &mut w.store;
    // A man alone: men. A mother and her child: women with children.
    // Two parents and two children: families.
    let man = arrive(s, w.tj, &[(Sex::Male, 1990)]);
    let mother = arrive(s, w.tj, &[(Sex::Female, 1995), (Sex::Male, 2019)]);
    let family = arrive(
        s,
        w.tj,
        &[
            (Sex::Male, 1988),
            (Sex::Female, 1990),
            (Sex::Female, 2015),
            (Sex::Male, 2020),
        ],
    );
    assert_eq!(section_name(s, man[0]).as_deref(), Some("Hombres"));
    for id in &mother {
        assert_eq!(section_name(s, *id).as_deref(), Some("Mujeres y niños"));
    }
    for id in &family {
        assert_eq!(section_name(s, *id).as_deref(), Some("Familias"));
    }
    assert_eq!(occupied(s, w.tj, "Hombres"), 1);
    assert_eq!(occupied(s, w.tj, "Familias"), 4);
    assert!(s.tally_problems().unwrap().is_empty());
    // Two more men: one bed left in men, so the second stays unplaced
    // (nobody is put with women or families to fill a bed).
    let more = arrive(s, w.tj, &[(Sex::Male, 1980)]);
    let full = arrive(s, w.tj, &[(Sex::Male, 1981)]);
    assert_eq!(section_name(s, more[0]).as_deref(), Some("Hombres"));
    assert_eq!(section_name(s, full[0]), None);
    let men = s
        .sections()
        .unwrap()
        .into_iter()
        .find(|x| x.name == "Hombres")
        .unwrap();
    assert!(men.is_full());
    assert!(s.tally_problems().unwrap().is_empty());

    // A coordinator moves someone to another section.
    let p = s.person(mother[1]).unwrap();
    let families = s
        .sections()
        .unwrap()
        .into_iter()
        .find(|x| x.name == "Familias")
        .unwrap();
    s.place_person(p.id, p.version, Some(families.id), &Actor::new("ana"))
        .unwrap();
    assert_eq!(occupied(s, w.tj, "Familias"), 5);
    assert_eq!(occupied(s, w.tj, "Mujeres y niños"), 1);
    assert!(s.tally_problems().unwrap().is_empty());
    // The same version again is a conflict; nothing written.
    let before = s.last_change().unwrap();
    assert!(matches!(
        s.place_person(p.id, p.version, None, &Actor::new("ana")),
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(s.last_change().unwrap(), before);

    // A departure frees the bed.
    let gone = s.person(man[0]).unwrap();
    let mut d = gone.details.clone();
    d.status = PersonStatus::Departed;
    d.departure_date = Some(now().date_naive());
    s.update_person(gone.id, gone.version, &d, &Actor::new("ana"))
        .unwrap();
    assert_eq!(occupied(s, w.tj, "Hombres"), 1);
    assert!(s.tally_problems().unwrap().is_empty());

    // A transfer: the family goes to Juárez, where it is placed again
    // (families there has 3 beds: not for 4, so the general section).
    let household = s.person(family[0]).unwrap().details.household_id;
    let consent = Consent {
        given: true,
        asked_by: "ana".into(),
    };
    let t = s
        .request_transfer(household, w.jz, &consent, &Actor::new("ana"))
        .unwrap();
    let coming = s
        .beds(now())
        .unwrap()
        .into_iter()
        .find(|b| b.shelter_id == w.jz)
        .unwrap();
    assert_eq!(coming.arriving, 4);
    s.accept_transfer(t.id, t.version, &Actor::new("beto"))
        .unwrap();
    for id in &family {
        assert_eq!(section_name(s, *id).as_deref(), Some("General"));
    }
    assert_eq!(occupied(s, w.tj, "Familias"), 1);
    assert_eq!(occupied(s, w.jz, "General"), 4);
    assert!(s.tally_problems().unwrap().is_empty());

    // A person moved by hand-written SQL to another shelter's household
    // leaves their section (the trigger); the tally follows.
    let sql = rusqlite::Connection::open(&w.path).unwrap();
    sql.execute(
        "UPDATE person SET household_id = ?2 WHERE id = ?1",
        [mother[0], household],
    )
    .unwrap();
    assert_eq!(section_name(s, mother[0]), None);
    assert!(s.tally_problems().unwrap().is_empty());
    // And a tally broken by hand is found, then repaired.
    sql.execute("UPDATE section_tally SET people = people + 7", [])
        .unwrap();
    assert!(s
        .tally_problems()
        .unwrap()
        .iter()
        .any(|p| p.contains("section_tally")));
    s.repair_tallies(&Actor::new("admin")).unwrap();
    assert!(s.tally_problems().unwrap().is_empty());
}

#[test]
fn a_place_must_be_at_the_persons_shelter_and_in_the_users_scope() {
    let mut w = world();
    let ids = arrive(&mut w.store, w.tj, &[(Sex::Female, 1990)]);
    let p = w.store.person(ids[0]).unwrap();
    let juarez_general = w
        .store
        .sections()
        .unwrap()
        .into_iter()
        .find(|s| s.shelter_id == w.jz && s.name == "General")
        .unwrap();
    let before = w.store.last_change().unwrap();
    let e = w
        .store
        .place_person(p.id, p.version, Some(juarez_general.id), &Actor::new("ana"))
        .unwrap_err();
    assert!(e.to_string().contains("another shelter"), "{e}");
    assert!(matches!(
        w.store
            .place_person(p.id, p.version, Some(9999), &Actor::new("ana")),
        Err(StoreError::NotFound { .. })
    ));
    // A Juárez coordinator cannot place a Tijuana person, nor see their beds.
    let user = w
        .store
        .add_user(
            "beto",
            Role::Coordinator,
            "SHA256:beto",
            "ssh-ed25519 AAAA",
            &Scope::shelters([w.jz]),
            &Actor::new("admin"),
        )
        .unwrap();
    let mut juarez = clocked(&w.path).as_user(&user);
    let after_user = w.store.last_change().unwrap();
    assert!(matches!(
        juarez.place_person(p.id, p.version, None, &Actor::new("beto")),
        Err(StoreError::OutOfScope { .. })
    ));
    assert!(juarez
        .sections()
        .unwrap()
        .iter()
        .all(|s| s.shelter_id == w.jz));
    assert!(juarez
        .beds(now())
        .unwrap()
        .iter()
        .all(|b| b.shelter_id == w.jz));
    // Only an admin sets beds.
    assert!(matches!(
        juarez.set_capacity(w.jz, &[("General".into(), 12)], &Actor::new("beto")),
        Err(StoreError::NotAllowed { .. })
    ));
    assert_eq!(w.store.last_change().unwrap(), after_user);
    assert!(before < after_user, "only the user was added");
}

#[test]
fn beds_show_who_leaves_tomorrow_by_section() {
    let mut w = world();
    let ids = arrive(
        &mut w.store,
        w.tj,
        &[(Sex::Female, 1990), (Sex::Female, 2018)],
    );
    let household = w.store.person(ids[0]).unwrap().details.household_id;
    let at = now() + Duration::hours(20);
    for id in &ids {
        w.store
            .create_appointment(
                &NewAppointment {
                    household_id: household,
                    person_id: Some(*id),
                    port_code: "SYS".into(),
                    appointment_at: at,
                    allocated_at: now() - Duration::hours(2),
                },
                &Actor::new("ana"),
            )
            .unwrap();
    }
    // 20 hours on: tomorrow in Tijuana.
    let beds = w.store.beds(now()).unwrap();
    let tj = beds.iter().find(|b| b.shelter_id == w.tj).unwrap();
    let women = tj
        .sections
        .iter()
        .find(|(s, _)| s.name == "Mujeres y niños")
        .unwrap();
    assert_eq!((women.0.occupied, women.1), (2, 2));
    assert_eq!(tj.capacity(), 12);
    let later = w.store.beds(now() + Duration::days(1)).unwrap();
    let tj = later.iter().find(|b| b.shelter_id == w.tj).unwrap();
    assert!(tj.sections.iter().all(|(_, leaving)| *leaving == 0));
}

#[test]
fn the_command_line_sets_beds_and_refuses_bad_input_changing_nothing() {
    let home = tempfile::tempdir().unwrap();
    let db = common::make_demo(home.path(), 500);
    let on = |args: &[&str]| common::on_db(home.path(), &db, args);
    let store = Store::open(&db, OpenMode::Existing).unwrap();
    let before = store.last_change().unwrap();
    for (args, says) in [
        (
            vec![
                "shelters",
                "set-capacity",
                "Tijuana",
                "--section",
                "familias",
            ],
            "no '='",
        ),
        (
            vec![
                "shelters",
                "set-capacity",
                "Tijuana",
                "--section",
                "men=lots",
            ],
            "\"lots\" is not a number",
        ),
        (
            vec!["shelters", "set-capacity", "Narnia", "--section", "men=3"],
            "Casa del Caminante Tijuana",
        ),
        (vec!["shelters", "set-capacity", "Tijuana"], "--section"),
    ] {
        let o = on(&args);
        assert!(!o.status.success(), "{args:?}");
        assert!(
            common::text(&o).contains(says),
            "{args:?}: {}",
            common::text(&o)
        );
    }
    assert_eq!(store.last_change().unwrap(), before);
    // Accents and case aside, an existing section is updated; a new name adds one.
    let o = on(&[
        "shelters",
        "set-capacity",
        "Tijuana",
        "--section",
        "MUJERES Y NINOS=300",
        "--section",
        "General=25",
    ]);
    assert!(o.status.success(), "{}", common::text(&o));
    let list = common::text(&on(&["shelters", "list"]));
    common::says_all(
        &list,
        &["Mujeres y niños", "300 beds", "General", "25 beds"],
    );
    assert!(store.tally_problems().unwrap().is_empty());
}

#[test]
fn the_headcount_report_counts_a_hand_made_roster_and_holds_no_ones_details() {
    let mut w = world();
    let a = Actor::new("desk");
    let day = |m, d| NaiveDate::from_ymd_opt(2024, m, d).unwrap();
    // Tijuana: a mother (born 1990) and child (born 2020) there since April;
    // a man who arrived on 10 May and crossed on 15 May; six women from
    // Honduras who arrived 2 May (a small cell is not a cell of 6).
    let add = |store: &mut Store, shelter: i64, given: &str, sex: Sex, born: i32, arrival| {
        let mut d = person(0, given, sex, born);
        d.arrival_date = arrival;
        d.phone = Some("+52 664 555 0101".into());
        store
            .create_person_with_household(shelter, "Familia", &d, &a)
            .unwrap()
    };
    let mother = add(&mut w.store, w.tj, "Zenaida", Sex::Female, 1990, day(4, 1));
    let mut child = person(mother.details.household_id, "Yolanda", Sex::Female, 2020);
    child.arrival_date = day(4, 1);
    w.store.create_person(&child, &a).unwrap();
    let man = add(&mut w.store, w.tj, "Xavier", Sex::Male, 1985, day(5, 10));
    let mut crossed = man.details.clone();
    crossed.status = PersonStatus::Crossed;
    crossed.departure_date = Some(day(5, 15));
    w.store
        .update_person(man.id, man.version, &crossed, &a)
        .unwrap();
    for i in 0..6 {
        add(
            &mut w.store,
            w.jz,
            &format!("Wendy{i}"),
            Sex::Female,
            1970 + i,
            day(5, 2),
        );
    }
    let report = |args: &[&str]| {
        let o = common::on_db(w._dir.path(), &w.path, args);
        assert!(o.status.success(), "{args:?}: {}", common::text(&o));
        String::from_utf8(o.stdout).unwrap()
    };
    let base = [
        "report",
        "headcount",
        "--from",
        "2024-05-01",
        "--to",
        "2024-05-31",
    ];
    let csv = report(&[&base[..], &["--format", "csv"]].concat());
    let cell = |shelter: &str, measure: &str, category: &str| -> String {
        csv.lines()
            .map(|l| l.split(',').collect::<Vec<_>>())
            .find(|c| c[2] == shelter && c[3] == measure && c[4] == category)
            .unwrap_or_else(|| panic!("{shelter} {measure} {category}:\n{csv}"))[5]
            .to_string()
    };
    assert_eq!(cell("Casa Tijuana", "present_start", ""), "2");
    assert_eq!(cell("Casa Tijuana", "arrivals", ""), "1");
    assert_eq!(cell("Casa Tijuana", "departures_crossed", ""), "1");
    assert_eq!(cell("Casa Tijuana", "present_end", ""), "2");
    assert_eq!(cell("Casa Tijuana", "served", ""), "3");
    assert_eq!(cell("Casa Tijuana", "served_by_sex_age", "female 0-5"), "1");
    assert_eq!(
        cell("Casa Tijuana", "served_by_sex_age", "female 18-59"),
        "1"
    );
    assert_eq!(cell("Casa Tijuana", "served_by_sex_age", "male 18-59"), "1");
    assert_eq!(cell("Paso Juárez", "arrivals", ""), "6");
    // Born 1970 to 1975: 54 to 49 on 31 May 2024.
    assert_eq!(
        cell("Paso Juárez", "served_by_sex_age", "female 18-59"),
        "6"
    );
    assert_eq!(cell("all", "served", ""), "9");
    assert_eq!(cell("all", "served_by_nationality", "HND"), "9");
    // Suppressed: the small cells say <5, the others their number.
    let small = report(&[&base[..], &["--format", "csv", "--suppress-small"]].concat());
    assert!(small.contains("Casa Tijuana,served,,<5"), "{small}");
    assert!(small.contains("Paso Juárez,arrivals,,6"), "{small}");
    // One shelter only.
    let one = report(&[&base[..], &["--shelter", "Tijuana"]].concat());
    assert!(
        !one.contains("Paso Juárez") && one.contains("Casa Tijuana"),
        "{one}"
    );
    // No personal value in any byte of any format.
    let store = clocked(&w.path);
    let people = store.roster(now()).unwrap();
    for format in ["text", "csv", "html"] {
        let out = report(&[&base[..], &["--format", format]].concat());
        for p in &people {
            let full = store.person(p.id).unwrap();
            let d = &full.details;
            for value in [
                d.given_names.clone(),
                d.family_names.clone(),
                d.phone.clone().unwrap_or_default(),
                d.birth_date.map(|b| b.to_string()).unwrap_or_default(),
                d.arrival_date.to_string(),
                "Familia".to_string(),
            ] {
                assert!(
                    value.is_empty() || !out.contains(&value),
                    "{format} holds {value:?}"
                );
            }
        }
        if format == "html" {
            assert!(!out.contains("<script") && !out.contains("://"), "{out}");
        }
    }
    // Bad input: a period backwards, a day that is not one; nothing written.
    for (args, says) in [
        (vec!["--from", "2024-05-31", "--to", "2024-05-01"], "before"),
        (
            vec!["--from", "2024-02-30", "--to", "2024-05-01"],
            "is not a date",
        ),
        (
            vec![
                "--from",
                "2024-05-01",
                "--to",
                "2024-05-31",
                "--shelter",
                "Narnia",
            ],
            "Casa Tijuana",
        ),
    ] {
        let o = common::on_db(
            w._dir.path(),
            &w.path,
            &[&["report", "headcount"][..], &args].concat(),
        );
        assert!(!o.status.success(), "{args:?}");
        assert!(
            common::text(&o).contains(says),
            "{args:?}: {}",
            common::text(&o)
        );
    }
}
