//! The log: what a day of the dashboard and the jobs writes there, and
//! that it never holds what identifies a person.

use std::collections::BTreeSet;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

mod common;

use common::terminal::Session;
use common::{make_demo, on_db, text, NOW};

/// Every value of `columns` in an exported CSV file.
fn values(file: &Path, columns: &[&str]) -> BTreeSet<String> {
    let mut reader = csv::Reader::from_path(file).unwrap();
    let headers = reader.headers().unwrap().clone();
    let wanted: Vec<usize> = columns
        .iter()
        .map(|c| headers.iter().position(|h| h == *c).expect(c))
        .collect();
    let mut out = BTreeSet::new();
    for row in reader.records() {
        let row = row.unwrap();
        for &i in &wanted {
            let v = row[i].trim();
            if !v.is_empty() {
                out.insert(v.to_string());
            }
        }
    }
    out
}

/// Whole words of `log` (names are matched as words: "Ana" must not be
/// found in "Analysis").
fn words(log: &str) -> BTreeSet<&str> {
    log.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect()
}

#[test]
fn a_day_of_dashboard_and_jobs_logs_counts_and_never_a_name() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let db = make_demo(h, 300);

    // What the roster holds, read from a full export.
    let out = on_db(h, &db, &["export", "--out", h.join("ex").to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out));
    let folder = std::fs::read_dir(h.join("ex"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let people = folder.join("people.csv");
    let names = values(&people, &["given_names", "family_names"]);
    let phones = values(&people, &["phone"]);
    let numbers = values(&folder.join("appointments.csv"), &["confirmation_number"]);
    assert!(names.len() > 100 && !phones.is_empty() && !numbers.is_empty());
    let given: Vec<&str> = names
        .iter()
        .flat_map(|n| n.split_whitespace())
        .filter(|w| w.chars().count() > 2)
        .collect();
    let someone = given[given.len() / 2].to_lowercase();

    // A session: search for someone by name, open them, quit.
    let mut s = Session::start(h, &format!("--db {} --now {NOW} --lang en", db.display()));
    s.wait_for("Due soonest");
    s.send(b"2");
    s.wait_for("sorted by Name");
    s.send(format!("/{someone}").as_bytes());
    s.wait_for(&format!("Search: {someone}"));
    s.send(b"\r\r");
    s.wait_for("Household #");
    s.send(b"q");
    assert!(s.wait_exit().success());

    // The jobs, and a refused import whose file quotes a person.
    let backup = h.join("b.db");
    for args in [
        vec!["check"],
        vec!["backup", "--out", backup.to_str().unwrap()],
        vec!["import", people.to_str().unwrap(), "--dry-run"],
    ] {
        let o = on_db(h, &db, &args);
        assert!(o.status.success(), "{args:?}: {}", text(&o));
    }
    let bad = h.join("bad.csv");
    let first = names.iter().next().unwrap();
    std::fs::write(
        &bad,
        format!("Nombre,Apellidos,Fecha de nacimiento\n{first},{first},31/02/1990\n"),
    )
    .unwrap();
    let o = on_db(h, &db, &["import", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));

    let log_path = h.join("state/albergue/albergue.log");
    let mode = std::fs::metadata(&log_path).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600, "the log is private");
    let log = std::fs::read_to_string(&log_path).unwrap();
    // It says what happened...
    for part in [
        "start command=\"dashboard\"",
        "exit command=\"dashboard\" code=0",
        "demo written people=300",
        "export written",
        "people=",
        "backup written and verified",
        "check done",
        "import checked",
        "failed command=\"import\"",
    ] {
        assert!(log.contains(part), "{part:?} not in the log:\n{log}");
    }
    // ...and nothing of who.
    let in_log = words(&log);
    let named: Vec<&str> = names
        .iter()
        .flat_map(|n| n.split_whitespace())
        .filter(|w| in_log.contains(w))
        .collect();
    assert!(named.is_empty(), "names in the log: {named:?}\n{log}");
    for value in phones.iter().chain(&numbers) {
        assert!(!log.contains(value.as_str()), "{value} in the log:\n{log}");
    }
    assert!(!log.contains(&someone), "the search in the log");
}

#[test]
fn the_log_level_is_chosen_by_flag_and_a_wrong_level_is_named() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let db = make_demo(h, 20);
    let o = on_db(h, &db, &["--log-level", "warn", "check"]);
    assert!(o.status.success(), "{}", text(&o));
    let log = std::fs::read_to_string(h.join("state/albergue/albergue.log")).unwrap();
    assert!(
        !log.contains("command=\"check\""),
        "info is off at warn:\n{log}"
    );

    let o = on_db(h, &db, &["--log-level", "loud", "check"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("\"loud\" is not a level"), "{}", text(&o));

    // RUST_LOG is read when the flag is absent; a wrong one is named, and
    // the command goes on at info.
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_albergue"))
        .args(["check", "--db", db.to_str().unwrap()])
        .env("HOME", h)
        .env("XDG_STATE_HOME", h.join("state"))
        .env("RUST_LOG", "shouty")
        .output()
        .unwrap();
    assert!(o.status.success());
    assert!(text(&o).contains("RUST_LOG ignored"), "{}", text(&o));
    let log = std::fs::read_to_string(h.join("state/albergue/albergue.log")).unwrap();
    assert!(log.contains("command=\"check\""), "{log}");
}

#[test]
fn under_systemd_the_log_goes_to_standard_error_with_priorities() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    // systemd names the journal stream by device and inode; here standard
    // error is a file whose numbers the test reads.
    let err_path = h.join("stderr");
    let err = std::fs::File::create(&err_path).unwrap();
    let meta = std::fs::metadata(&err_path).unwrap();
    use std::os::unix::fs::MetadataExt;
    let stream = format!("{}:{}", meta.dev(), meta.ino());
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_albergue"))
        .args(["check", "--db", h.join("missing.db").to_str().unwrap()])
        .env("HOME", h)
        .env("XDG_STATE_HOME", h.join("state"))
        .env("JOURNAL_STREAM", &stream)
        .stderr(err)
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(1));
    let written = std::fs::read_to_string(&err_path).unwrap();
    assert!(
        written.contains("<6>albergue::cli: start command=\"check\""),
        "{written}"
    );
    assert!(
        written.contains("<3>albergue::cli: failed command=\"check\""),
        "{written}"
    );
    assert!(!h.join("state/albergue/albergue.log").exists());

    // A child that inherited the variable but whose standard error is
    // elsewhere (a pipe) writes its file.
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_albergue"))
        .args(["check", "--db", h.join("missing.db").to_str().unwrap()])
        .env("HOME", h)
        .env("XDG_STATE_HOME", h.join("state"))
        .env("JOURNAL_STREAM", &stream)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(!text(&o).contains("<6>"), "{}", text(&o));
    assert!(h.join("state/albergue/albergue.log").exists());
}
