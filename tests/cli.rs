//! The real `albergue` binary, as a coordinator or cron runs it.

use std::os::unix::fs::PermissionsExt;
use std::process::{Command, Output};

const NOW: &str = "2024-05-22T15:00:00Z";

mod common;

use common::{albergue, on_db};

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// `check` and `demo` on `db` both fail with a message holding `says`.
fn check_and_demo_refuse(home: &std::path::Path, db: &std::path::Path, says: &str) {
    for args in [vec!["check"], vec!["demo", "--people", "5"]] {
        let out = on_db(home, db, &args);
        assert_eq!(out.status.code(), Some(1), "{}", text(&out));
        assert!(text(&out).contains(says), "{}", text(&out));
    }
}

#[test]
fn demo_then_check_succeeds_and_reports_counts() {
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("demo.db");
    let db = db.to_str().unwrap();
    let out = albergue(
        home.path(),
        &[
            "demo", "--people", "300", "--seed", "7", "--now", NOW, "--db", db,
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("300 people"), "{}", text(&out));
    assert_eq!(
        std::fs::metadata(db).unwrap().permissions().mode() & 0o777,
        0o600
    );

    let out = albergue(home.path(), &["check", "--db", db]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let version = format!("schema:   version {}", albergue::store::LATEST_VERSION);
    common::says_all(
        &text(&out),
        &[
            "integrity: ok",
            &version,
            "audit:    1 rows chained",
            " 300 people",
            "4 shelters",
            "2 outages",
        ],
    );
}

#[test]
fn the_same_seed_and_clock_give_the_same_database_content() {
    let home = tempfile::tempdir().unwrap();
    let dump = |name: &str, seed: &str| -> Vec<(String, String, String)> {
        let db = home.path().join(name);
        let out = on_db(
            home.path(),
            &db,
            &["demo", "--people", "200", "--seed", seed, "--now", NOW],
        );
        assert!(out.status.success(), "{}", text(&out));
        let c = rusqlite::Connection::open(&db).unwrap();
        let mut stmt = c
            .prepare("SELECT given_names, family_names, arrival_date FROM person ORDER BY id")
            .unwrap();
        let rows = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap();
        rows.collect::<Result<_, _>>().unwrap()
    };
    let a = dump("a.db", "3");
    assert_eq!(a.len(), 200);
    assert_eq!(a, dump("b.db", "3"));
    assert_ne!(a, dump("c.db", "4"));
}

#[test]
fn an_invalid_people_count_is_a_usage_error_naming_the_value() {
    let home = tempfile::tempdir().unwrap();
    for bad in ["0", "-5", "many", "3000000"] {
        let out = albergue(home.path(), &["demo", "--people", bad, "--db", "x.db"]);
        assert_eq!(out.status.code(), Some(2), "{bad}: {}", text(&out));
        assert!(text(&out).contains("--people"), "{bad}: {}", text(&out));
        assert!(text(&out).contains(bad), "{bad}: {}", text(&out));
    }
    assert!(!home.path().join("x.db").exists());
}

#[test]
fn a_file_that_is_not_a_database_is_named_and_left_unchanged() {
    let home = tempfile::tempdir().unwrap();
    let path = home.path().join("lista.csv");
    std::fs::write(&path, "Nombre;Apellidos\nAna;Pérez\n").unwrap();
    check_and_demo_refuse(home.path(), &path, "lista.csv is not a SQLite database");
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "Nombre;Apellidos\nAna;Pérez\n"
    );
}

#[test]
fn a_missing_database_or_folder_is_named() {
    let home = tempfile::tempdir().unwrap();
    let missing = home.path().join("nada.db");
    let out = on_db(home.path(), &missing, &["check"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).contains("no database at"), "{}", text(&out));
    assert!(text(&out).contains("nada.db"), "{}", text(&out));
    assert!(!missing.exists(), "check never creates a database");

    let in_missing = home.path().join("no/such/folder/a.db");
    let out = on_db(home.path(), &in_missing, &["demo", "--people", "5"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).contains("no/such/folder"), "{}", text(&out));
    assert!(!home.path().join("no").exists());
}

#[test]
fn a_folder_given_as_the_database_is_named() {
    let home = tempfile::tempdir().unwrap();
    let folder = home.path().join("respaldo");
    std::fs::create_dir(&folder).unwrap();
    check_and_demo_refuse(home.path(), &folder, "respaldo: it is a folder");
    assert_eq!(std::fs::read_dir(&folder).unwrap().count(), 0);
}

#[test]
fn a_newer_schema_is_refused_and_left_unchanged() {
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("a.db");
    let out = on_db(home.path(), &db, &["demo", "--people", "5"]);
    assert!(out.status.success());
    {
        let c = rusqlite::Connection::open(&db).unwrap();
        c.pragma_update(None, "user_version", 42).unwrap();
    }
    let before = std::fs::read(&db).unwrap();
    let out = on_db(home.path(), &db, &["check"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).contains("schema version 42"), "{}", text(&out));
    assert_eq!(std::fs::read(&db).unwrap(), before);
}

#[test]
fn demo_data_never_goes_into_a_database_that_holds_people() {
    let home = tempfile::tempdir().unwrap();
    let db = common::make_demo(home.path(), 20);
    let db = db.to_str().unwrap();
    let out = albergue(home.path(), &["demo", "--people", "50", "--db", db]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out).contains("already holds 20 people"),
        "{}",
        text(&out)
    );
    let check = text(&albergue(home.path(), &["check", "--db", db]));
    assert!(check.contains(" 20 people"), "{check}");
}

#[test]
fn albergue_db_names_the_database_and_the_data_folder_is_the_default() {
    let home = tempfile::tempdir().unwrap();
    let via_env = home.path().join("env.db");
    let out = Command::new(env!("CARGO_BIN_EXE_albergue"))
        .args(["demo", "--people", "5"])
        .env("ALBERGUE_DB", &via_env)
        .env("HOME", home.path())
        .env("XDG_DATA_HOME", home.path().join("data"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    assert!(via_env.exists());

    // Without --db or ALBERGUE_DB, the demo goes to its own file in the data folder.
    let out = albergue(home.path(), &["demo", "--people", "5"]);
    assert!(out.status.success(), "{}", text(&out));
    let folder = home.path().join("data/albergue");
    assert_eq!(
        std::fs::metadata(&folder).unwrap().permissions().mode() & 0o777,
        0o700
    );
    assert!(folder.join("demo.db").exists());
    assert!(
        !folder.join("albergue.db").exists(),
        "the real database is untouched"
    );
    let out = albergue(home.path(), &["--demo", "check"]);
    assert!(text(&out).contains("demo.db"), "{}", text(&out));
    assert!(out.status.success());
}

#[test]
fn the_dashboard_without_a_terminal_says_so_plainly() {
    let home = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_albergue"))
        .env_remove("ALBERGUE_DB")
        .env("HOME", home.path())
        .env("XDG_DATA_HOME", home.path().join("data"))
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let t = text(&out);
    assert!(t.contains("needs a terminal"), "{t}");
    assert!(!t.contains('\u{1b}'), "no escape sequences: {t:?}");
}

#[test]
fn bad_dashboard_settings_are_named_and_change_nothing() {
    let home = tempfile::tempdir().unwrap();
    let db = common::make_demo(home.path(), 5);
    let dbs = db.to_str().unwrap();
    let before = std::fs::read(&db).unwrap();
    let missing = home.path().join("missing.db");
    for (args, expected) in [
        (vec!["--db", dbs, "--lang", "fr"], "--lang \"fr\""),
        (vec!["--db", dbs, "--theme", "neon"], "--theme \"neon\""),
        (vec!["--db", missing.to_str().unwrap()], "no database at"),
    ] {
        let out = albergue(home.path(), &args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert!(text(&out).contains(expected), "{args:?}: {}", text(&out));
    }
    assert!(!missing.exists());
    let config = home.path().join("config/albergue");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::write(config.join("keys.toml"), "quit = [\"q\"]\nzoom = [\"z\"]\n").unwrap();
    let out = albergue(home.path(), &["--db", dbs]);
    assert_eq!(out.status.code(), Some(1));
    let t = text(&out);
    assert!(t.contains("keys.toml, line 2") && t.contains("zoom"), "{t}");
    assert_eq!(std::fs::read(&db).unwrap(), before);
}

#[test]
fn every_command_has_help() {
    let home = tempfile::tempdir().unwrap();
    for args in [
        vec!["--help"],
        vec!["demo", "--help"],
        vec!["check", "--help"],
    ] {
        let out = albergue(home.path(), &args);
        assert!(out.status.success(), "{args:?}");
        assert!(
            text(&out).contains("Usage: albergue"),
            "{args:?}: {}",
            text(&out)
        );
    }
    let out = albergue(home.path(), &["frobnicate"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn check_compares_the_tallies_with_the_rows_and_repair_counts_them_again() {
    let home = tempfile::tempdir().unwrap();
    let db = common::make_demo(home.path(), 200);
    let out = on_db(home.path(), &db, &["check"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(text(&out).contains("tallies:  ok"), "{}", text(&out));
    {
        let c = rusqlite::Connection::open(&db).unwrap();
        // A rename by another tool waits for albergue's next save: not a problem.
        c.execute(
            "UPDATE person SET search_name = 'zoila nueva' WHERE id = 1",
            [],
        )
        .unwrap();
    }
    let out = on_db(home.path(), &db, &["check"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    {
        // Another tool changes a tally and drops a word of the index.
        let c = rusqlite::Connection::open(&db).unwrap();
        c.execute_batch(
            "UPDATE arrival_tally SET people = people + 1
                 WHERE (status, arrival_date) = (SELECT status, arrival_date FROM arrival_tally LIMIT 1);
             DELETE FROM search_word WHERE word = (SELECT word FROM search_word LIMIT 1);",
        )
        .unwrap();
    }
    let before = std::fs::read(&db).unwrap();
    let out = on_db(home.path(), &db, &["check"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    common::says_all(
        &text(&out),
        &[
            "arrival_tally differs from a recount of the rows (1 rows differ",
            "search_word differs from the names",
            "--repair",
        ],
    );
    assert_eq!(
        std::fs::read(&db).unwrap(),
        before,
        "check alone changes nothing"
    );

    let out = on_db(home.path(), &db, &["check", "--repair"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(
        text(&out).contains("tallies:  counted again from the rows (2 differed)"),
        "{}",
        text(&out)
    );
    let out = on_db(home.path(), &db, &["check"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let store = albergue::store::Store::open(&db, albergue::store::OpenMode::Existing).unwrap();
    assert!(store
        .recent_audit(10)
        .unwrap()
        .iter()
        .any(|e| e.action == "tallies.repair"));
    assert_eq!(store.search_people("zoila nueva", 10).unwrap().len(), 1);
}
