//! Cases in the programs kept as files, through `albergue cases` as an
//! office runs it and through the store handle a shelter's user holds: a
//! COMAR claim opened with its entry and filing, its signatures falling due
//! (a missed one said), recorded, refused when wrong with nothing written;
//! kept in the export and read back; and a database of the schema before
//! programs (version 14) migrated to CBP One with nothing lost.

mod common;

use std::path::Path;
use std::sync::Arc;

use albergue::actor::Actor;
use albergue::domain::{Role, Scope};
use albergue::store::{NewCase, OpenMode, Store, StoreError};

use common::{now, on_db, text, NOW};

/// A household of the first shelter with someone present: (household, person).
fn someone(db: &Path) -> (i64, i64) {
    let c = rusqlite::Connection::open(db).unwrap();
    c.query_row(
        "SELECT p.household_id, p.id FROM person p WHERE p.status = 'present'
           AND p.shelter_id = (SELECT min(id) FROM shelter) ORDER BY p.id LIMIT 1",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .unwrap()
}

fn audit_rows(db: &Path) -> i64 {
    rusqlite::Connection::open(db)
        .unwrap()
        .query_row("SELECT count(*) FROM audit", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn a_comar_claim_is_opened_signed_and_followed_from_the_command_line() {
    let home = tempfile::tempdir().unwrap();
    let db = common::make_demo(home.path(), 200);
    let (household, person) = someone(&db);
    let (h, p) = (household.to_string(), person.to_string());
    let run = |args: &[&str]| {
        let mut all = args.to_vec();
        all.extend(["--now", NOW]);
        on_db(home.path(), &db, &all)
    };
    // Wrong: each refused with what is wrong and what is right, nothing written.
    let before = audit_rows(&db);
    for (args, says) in [
        (
            vec!["--venue", "TIJ", "--event", "entry=2024-05-02"],
            "program comar has no venue \"TIJ\" (it has: COMAR-TIJ, COMAR-MTY",
        ),
        (
            vec!["--venue", "COMAR-TIJ", "--event", "firma=2024-05-02"],
            "program comar has no step \"firma\" (it has: entry, file, sign, resolution)",
        ),
        (
            vec!["--venue", "COMAR-TIJ", "--event", "entry=2024-06-02"],
            "is in the future",
        ),
        (
            vec!["--venue", "COMAR-TIJ", "--event", "entry=2 May"],
            "--event \"2 May\": write YYYY-MM-DD or YYYY-MM-DD HH:MM",
        ),
    ] {
        let mut all = vec![
            "cases",
            "open",
            "--program",
            "comar",
            "--household",
            &h,
            "--person",
            &p,
        ];
        all.extend(args);
        let out = run(&all);
        assert_eq!(out.status.code(), Some(1), "{}", text(&out));
        assert!(text(&out).contains(says), "{says}:\n{}", text(&out));
    }
    let out = run(&[
        "cases",
        "open",
        "--program",
        "asilo",
        "--venue",
        "X",
        "--household",
        &h,
    ]);
    assert_eq!(out.status.code(), Some(1));
    common::says_all(
        &text(&out),
        &["no program \"asilo\"", "comar", "tvrh", "iom-return"],
    );
    assert_eq!(audit_rows(&db), before, "nothing written");

    // Entered on 2 May, filed on 10 May: a signature every 7 days after
    // the filing, the first missed by the 22nd.
    let out = run(&[
        "cases",
        "open",
        "--program",
        "comar",
        "--venue",
        "COMAR-TIJ",
        "--household",
        &h,
        "--person",
        &p,
        "--reference",
        "COMAR-TIJ-123",
        "--event",
        "entry=2024-05-02",
        "--event",
        "file=2024-05-10 09:30",
    ]);
    assert!(out.status.success(), "{}", text(&out));
    common::says_all(
        &text(&out),
        &[
            "cases: 1 opened",
            &format!("household {h} person {p}"),
            "next: sign (Periodic signature) by 2024-05-17 end of day PDT  OVERDUE (missed once)",
        ],
    );
    // A second open case of the same program for them: refused.
    let out = run(&[
        "cases",
        "open",
        "--program",
        "comar",
        "--venue",
        "COMAR-TIJ",
        "--household",
        &h,
        "--person",
        &p,
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("already open in this program"),
        "{}",
        text(&out)
    );

    // Signed on the 20th (venue's time): the next one falls a week later.
    let out = run(&[
        "cases",
        "step",
        "1",
        "sign",
        "--at",
        "2024-05-20 10:00",
        "--note",
        "firmó",
    ]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("next: sign (Periodic signature) by 2024-05-27 end of day PDT  in 5 d"),
        "{}",
        text(&out)
    );
    let out = run(&["cases", "step", "1", "signature"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out).contains("has no step \"signature\""),
        "{}",
        text(&out)
    );
    let out = run(&["cases", "list"]);
    assert!(
        text(&out).contains("by 2024-05-27 end of day PDT"),
        "{}",
        text(&out)
    );

    // The trail keeps the steps and times, never the note or the number.
    let c = rusqlite::Connection::open(&db).unwrap();
    let trail: Vec<String> = c
        .prepare("SELECT action || ' ' || summary FROM audit WHERE entity = 'case' ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(trail.len(), 4, "{trail:?}");
    assert!(
        trail[0].starts_with("case.open program comar, venue COMAR-TIJ"),
        "{trail:?}"
    );
    assert_eq!(trail[3], "case.step step sign at 2024-05-20 17:00 UTC");
    assert!(trail
        .iter()
        .all(|t| !t.contains("firmó") && !t.contains("123")));

    // What albergue holds on the person includes the case, its number and
    // its steps, and the trail about it.
    let out = run(&["person", "export", &p]);
    assert!(out.status.success(), "{}", text(&out));
    common::says_all(
        &text(&out),
        &[
            "\"program\": \"comar\"",
            "COMAR-TIJ-123",
            "\"step\": \"sign\"",
            "firmó",
            "case.open",
        ],
    );
    let out = run(&["cases", "close", "1"]);
    assert!(text(&out).contains("closed"), "{}", text(&out));
    let out = run(&["cases", "list"]);
    assert!(text(&out).contains("cases: none open"), "{}", text(&out));
    let out = run(&["cases", "step", "1", "sign"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).contains("the case is closed"), "{}", text(&out));
    let out = on_db(home.path(), &db, &["check"]);
    assert!(out.status.success(), "{}", text(&out));
}

#[test]
fn a_shelters_user_holds_only_its_shelters_cases_and_a_stale_step_is_a_conflict() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut all) = common::store_with(dir.path(), &common::demo_data(400, 3));
    let shelters = all.shelters().unwrap();
    let (tj, jz) = (shelters[0].id, shelters[1].id);
    let (household, person) = someone(&path);
    let known = albergue::programs::load(None).unwrap();
    let comar = known.get("comar").unwrap();
    let t = now();
    let user = |all: &mut Store, name: &str, shelter: i64| {
        let u = all
            .add_user(
                name,
                Role::Coordinator,
                &format!("SHA256:{name}"),
                "ssh-ed25519 AAAA",
                &Scope::shelters([shelter]),
                &Actor::new("admin"),
            )
            .unwrap();
        Store::open(&path, OpenMode::Existing)
            .unwrap()
            .with_clock(Arc::new(move || t))
            .as_user(&u)
    };
    let mut ana = user(&mut all, "ana", tj);
    let mut beto = user(&mut all, "beto", jz);
    let new = NewCase {
        household_id: household,
        person_id: Some(person),
        venue: "COMAR-TIJ".into(),
        reference: String::new(),
        scheduled_at: None,
        events: vec![("entry".into(), t - chrono::Duration::days(20))],
    };
    assert!(matches!(
        beto.open_case(comar, &new, &Actor::new("beto")),
        Err(StoreError::OutOfScope { .. })
    ));
    let case = ana.open_case(comar, &new, &Actor::new("ana")).unwrap();
    assert_eq!(case.events.len(), 1);
    assert!(matches!(
        beto.case(case.id),
        Err(StoreError::OutOfScope { .. })
    ));
    assert!(beto.cases(false).unwrap().is_empty());
    assert_eq!(ana.cases(true).unwrap(), vec![case.clone()]);
    assert!(matches!(
        beto.record_step(
            comar,
            case.id,
            case.version,
            "file",
            t,
            "",
            &Actor::new("beto")
        ),
        Err(StoreError::OutOfScope { .. })
    ));
    // Two coordinators record from the same case: the second is told.
    let filed = ana
        .record_step(
            comar,
            case.id,
            case.version,
            "file",
            t,
            "",
            &Actor::new("ana"),
        )
        .unwrap();
    assert_eq!(filed.version, case.version + 1);
    assert!(matches!(
        all.record_step(
            comar,
            case.id,
            case.version,
            "file",
            t,
            "",
            &Actor::new("luis")
        ),
        Err(StoreError::Conflict(_))
    ));
    // The engine's view: filed now, so the first signature is due in a week.
    let due = comar.next(&filed.case(comar), t).unwrap();
    assert_eq!(comar.steps[due.step].id, "sign");
    assert!(due.deadline > t + chrono::Duration::days(6));
    // A volunteer may not open one.
    let vol = all
        .add_user(
            "vero",
            Role::Volunteer,
            "SHA256:vero",
            "ssh-ed25519 AAAA",
            &Scope::shelters([tj]),
            &Actor::new("admin"),
        )
        .unwrap();
    let mut vero = Store::open(&path, OpenMode::Existing)
        .unwrap()
        .as_user(&vol);
    assert!(vero.open_case(comar, &new, &Actor::new("vero")).is_err());
}

/// Every file of an export folder but its manifest, by name.
fn export_files(home: &Path, db: &Path, out: &Path) -> Vec<(String, Vec<u8>)> {
    let o = on_db(home, db, &["export", "--out", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o));
    let folder = common::only_folder(out);
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap() != "manifest.json")
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().to_string(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

#[test]
fn cases_are_exported_and_read_back_whole() {
    let home = tempfile::tempdir().unwrap();
    let db = common::make_demo(home.path(), 150);
    let (household, person) = someone(&db);
    let (h, p) = (household.to_string(), person.to_string());
    let out = on_db(
        home.path(),
        &db,
        &[
            "cases",
            "open",
            "--program",
            "tvrh",
            "--venue",
            "INM-TIJ",
            "--household",
            &h,
            "--person",
            &p,
            "--reference",
            "TVRH-9",
            "--event",
            "issued=2024-01-15",
            "--now",
            NOW,
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    let files = export_files(home.path(), &db, &home.path().join("x1"));
    let cases = &files.iter().find(|f| f.0 == "cases.csv").unwrap().1;
    assert!(String::from_utf8_lossy(cases).contains("TVRH-9"));
    assert!(files.iter().any(|f| f.0 == "case_events.csv"));
    // Read back into a new database: the same export.
    let back = home.path().join("back.db");
    drop(Store::open(&back, OpenMode::Create).unwrap());
    let folder = common::only_folder(&home.path().join("x1"));
    let o = on_db(home.path(), &back, &["import", folder.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o));
    let again = export_files(home.path(), &back, &home.path().join("x2"));
    // (Without the row's own bookkeeping: a bulk load stamps its rows.)
    let pick = |f: &[(String, Vec<u8>)], name: &str| -> Vec<Vec<String>> {
        let bytes = &f.iter().find(|x| x.0 == name).unwrap().1;
        let mut r = csv::Reader::from_reader(bytes.as_slice());
        let heads = r.headers().unwrap().clone();
        let keep: Vec<usize> = (0..heads.len())
            .filter(|&i| !matches!(&heads[i], "created_at" | "updated_at" | "updated_by"))
            .collect();
        r.records()
            .map(|rec| {
                let rec = rec.unwrap();
                keep.iter().map(|&i| rec[i].to_string()).collect()
            })
            .collect()
    };
    for name in ["cases.csv", "case_events.csv"] {
        let (a, b) = (pick(&files, name), pick(&again, name));
        assert!(!a.is_empty(), "{name}");
        assert_eq!(a, b, "{name}");
    }
    // A redacted export keeps neither the number nor the notes.
    let o = on_db(
        home.path(),
        &db,
        &[
            "export",
            "--redact",
            "--out",
            home.path().join("x3").to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", text(&o));
    let folder = common::only_folder(&home.path().join("x3"));
    let redacted = std::fs::read_to_string(folder.join("cases.csv")).unwrap();
    assert!(
        !redacted.contains("TVRH-9") && !redacted.contains("reference"),
        "{redacted}"
    );
}

/// The base tables of the schema before programs, in an order that keeps
/// foreign keys (the tallies are the triggers' to fill).
const BASE: [&str; 10] = [
    "shelter",
    "shelter_section",
    "household",
    "person",
    "appointment",
    "outage",
    "transfer",
    "coordinator",
    "audit",
    "audit_head",
];

#[test]
fn a_database_from_before_programs_migrates_to_cbp_one_with_nothing_lost() {
    let people: u32 = std::env::var("ALBERGUE_MIGRATION_PEOPLE")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let home = tempfile::tempdir().unwrap();
    let db = common::make_demo(home.path(), people);
    // The same rows in a database of version 14, as wave 2 left it.
    let old = home.path().join("old.db");
    {
        let c = rusqlite::Connection::open(&old).unwrap();
        for sql in albergue::store::migration_sql().iter().take(14) {
            c.execute_batch(sql).unwrap();
        }
        c.pragma_update(None, "user_version", 14).unwrap();
        c.execute("ATTACH ?1 AS demo", [db.to_str().unwrap()])
            .unwrap();
        c.execute_batch("BEGIN").unwrap();
        for table in BASE {
            let columns: Vec<String> = c
                .prepare(&format!(
                    "SELECT name FROM main.pragma_table_info('{table}')"
                ))
                .unwrap()
                .query_map([], |r| r.get(0))
                .unwrap()
                .map(Result::unwrap)
                .collect();
            let columns = columns.join(", ");
            // (audit_head's one row is made by its migration.)
            c.execute(
                &format!(
                    "INSERT OR REPLACE INTO main.{table} ({columns})
                     SELECT {columns} FROM demo.{table}"
                ),
                [],
            )
            .unwrap();
        }
        // (Made by 0004's Rust step, which a bare run of the SQL skips.)
        let append_only: Vec<String> = c
            .prepare(
                "SELECT sql FROM demo.sqlite_schema
                 WHERE type = 'trigger' AND name IN ('audit_no_update', 'audit_no_delete')",
            )
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert_eq!(append_only.len(), 2);
        for sql in append_only {
            c.execute_batch(&sql).unwrap();
        }
        c.execute_batch("COMMIT").unwrap();
        let has: i64 = c
            .query_row(
                "SELECT count(*) FROM pragma_table_info('appointment') WHERE name = 'program'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(has, 0, "version 14 has no program column");
    }
    // (The export records itself in the trail: made after the copy.)
    let want = export_files(home.path(), &db, &home.path().join("before"));
    // Opening it migrates it: every appointment is CBP One's, the checks
    // pass, and the export is the one made before, byte for byte.
    let store = Store::open(&old, OpenMode::Existing).unwrap();
    assert_eq!(
        store.schema_version().unwrap(),
        albergue::store::LATEST_VERSION
    );
    drop(store);
    let out = on_db(home.path(), &old, &["check"]);
    assert!(out.status.success(), "{}", text(&out));
    common::says_all(
        &text(&out),
        &[
            "schema:   version 16",
            "chained",
            "tallies:  ok",
            "integrity: ok",
        ],
    );
    let c = rusqlite::Connection::open(&old).unwrap();
    let (all, cbp): (i64, i64) = c
        .query_row(
            "SELECT count(*), count(*) FILTER (WHERE program = 'cbp-one') FROM appointment",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert!(all > 0);
    assert_eq!(all, cbp);
    let got = export_files(home.path(), &old, &home.path().join("after"));
    assert_eq!(
        got.iter().map(|f| &f.0).collect::<Vec<_>>(),
        want.iter().map(|f| &f.0).collect::<Vec<_>>()
    );
    for ((name, a), (_, b)) in got.iter().zip(&want) {
        assert!(a == b, "{name} differs after the migration");
    }
}

#[test]
fn the_demo_adds_people_in_the_programs_asked_for_and_none_by_default() {
    let home = tempfile::tempdir().unwrap();
    let plain = common::make_demo(home.path(), 300);
    let count = |db: &Path, sql: &str| -> i64 {
        rusqlite::Connection::open(db)
            .unwrap()
            .query_row(sql, [], |r| r.get(0))
            .unwrap()
    };
    assert_eq!(count(&plain, "SELECT count(*) FROM program_case"), 0);
    let db = home.path().join("programs.db");
    let d = db.to_str().unwrap();
    let bad = common::albergue(
        home.path(),
        &[
            "demo",
            "--people",
            "300",
            "--programs",
            "comar,visa",
            "--db",
            d,
        ],
    );
    assert_eq!(bad.status.code(), Some(1));
    assert!(text(&bad).contains("no program \"visa\""), "{}", text(&bad));
    assert!(!db.exists(), "nothing made");
    let out = common::albergue(
        home.path(),
        &[
            "demo",
            "--people",
            "4000",
            "--programs",
            "comar,tvrh,iom-return",
            "--now",
            NOW,
            "--db",
            d,
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    for program in ["comar", "tvrh", "iom-return"] {
        let n = count(
            &db,
            &format!("SELECT count(*) FROM program_case WHERE program = '{program}'"),
        );
        assert!(n > 10, "{program}: {n}");
    }
    // Nothing recorded ahead of the clock, nor before its case's first step.
    assert_eq!(
        count(
            &db,
            &format!(
                "SELECT count(*) FROM case_event WHERE at > {}",
                now().timestamp()
            )
        ),
        0
    );
    // Some on time, some overdue, some finished: as a shelter's list is.
    let list = on_db(home.path(), &db, &["cases", "list", "--all", "--now", NOW]);
    let list = text(&list);
    common::says_all(&list, &["OVERDUE", " in ", "closed", "next: sign"]);
    let out = on_db(home.path(), &db, &["check"]);
    assert!(out.status.success(), "{}", text(&out));
}
