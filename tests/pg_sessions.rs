//! Two coordinators' dashboards, each its own `albergue` process in its
//! own terminal (as on two hosts), on one PostgreSQL database: a
//! confirmation saved on one reaches the other's screen (told by the
//! change log's LISTEN/NOTIFY, not by polling the file), and the second
//! coordinator's confirmation of the same appointment is shown as a
//! conflict naming the first, nothing of theirs saved. A screen whose
//! concern is not on PostgreSQL yet says so.
//!
//! Ignored by a plain `cargo test` (it needs a cluster); `scripts/test`
//! runs it in the throwaway one.

mod common;

use std::time::{Duration, Instant};

use common::terminal::Session;
use common::{make_demo, on_db, text, NOW};

/// `To confirm N` on the screen's top lines.
fn to_confirm(screen: &str) -> Option<u32> {
    let at = screen.find("To confirm ")? + "To confirm ".len();
    screen[at..]
        .split(|c: char| !c.is_ascii_digit())
        .next()?
        .parse()
        .ok()
}

#[test]
#[ignore = "PostgreSQL half: scripts/test runs it in a throwaway cluster (pg_virtualenv)"]
fn a_confirmation_on_one_dashboard_reaches_the_other_and_the_second_is_a_conflict() {
    assert!(
        std::env::var_os("ALBERGUE_TEST_PG").is_some(),
        "the PostgreSQL half needs a cluster: run scripts/test (or pg_virtualenv with ALBERGUE_TEST_PG=1)"
    );
    let mut admin = albergue::store::pg::connect("dbname=postgres").unwrap();
    admin
        .batch_execute("DROP DATABASE IF EXISTS alb_two WITH (FORCE)")
        .unwrap();
    admin.batch_execute("CREATE DATABASE alb_two").unwrap();
    let home = tempfile::tempdir().unwrap();
    let db = make_demo(home.path(), 600);
    let o = on_db(home.path(), &db, &["port", "--to", "dbname=alb_two"]);
    assert!(o.status.success(), "{}", text(&o));

    let args = format!("--now {NOW} --lang en --db dbname=alb_two");
    let mut ana = Session::start_with_env(home.path(), &args, &[("USER", "ana")]);
    let mut beto = Session::start_with_env(home.path(), &args, &[("USER", "beto")]);
    ana.wait_for("Due soonest");
    beto.wait_for("Due soonest");
    let before = to_confirm(&ana.screen()).expect("the dashboard counts those to confirm");
    assert_eq!(to_confirm(&beto.screen()), Some(before));
    // Nothing committed yet: no one is told of another's change.
    assert!(!beto.screen().contains("Another coordinator"));

    // Both open the most urgent traveller's confirmation.
    beto.send(b"c");
    beto.wait_for("Record confirmation");
    ana.send(b"c");
    ana.wait_for("Record confirmation");
    ana.send(b"AB1234567\r");
    ana.send(b"\x13");
    ana.wait_for("Confirmation recorded");
    let saved = Instant::now();
    ana.wait_until("one fewer to confirm", |s| {
        to_confirm(s) == Some(before - 1)
    });

    // Beto's dashboard, behind his open form, follows.
    beto.wait_until("one fewer to confirm", |s| {
        to_confirm(s) == Some(before - 1)
    });
    eprintln!(
        "ana's confirmation on beto's screen {} ms after hers showed it",
        saved.elapsed().as_millis()
    );
    beto.wait_for("Another coordinator saved changes");
    // Her own save is not told to her as another's (her watcher leaves
    // out her connection's own commits).
    assert!(
        ana.screen().contains("Confirmation recorded"),
        "{}",
        ana.screen()
    );

    // His own save of the same appointment: a conflict, naming her.
    beto.send(b"CD7654321\r");
    beto.send(b"\x13");
    beto.wait_for("saved this first");
    assert!(beto.screen().contains("(ana)"), "{}", beto.screen());

    // What the database holds: her number, and one audit row for it.
    let mut pg = albergue::store::pg::connect("dbname=alb_two").unwrap();
    let numbers: Vec<String> = pg
        .query(
            "SELECT confirmation_number FROM appointment WHERE confirmed_by = 'ana'",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(numbers, ["AB1234567"]);
    let by_beto: i64 = pg
        .query_one(
            "SELECT count(*) FROM audit WHERE actor = 'beto' AND action = 'appointment.confirm'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(by_beto, 0);

    // A screen not carried to PostgreSQL yet says so, and the session goes on.
    // (Esc twice: the form holds his typing.)
    for _ in 0..2 {
        beto.send(b"\x1b");
        std::thread::sleep(Duration::from_millis(200));
    }
    beto.wait_until("the form closed", |s| !s.contains("Record confirmation"));
    beto.send(b"2");
    beto.wait_for("not on PostgreSQL yet");
    beto.send(b"1");
    beto.wait_for("Due soonest");
    for s in [&mut ana, &mut beto] {
        s.send(b"q");
        assert!(s.wait_exit().success());
    }
}

/// SQLite's own flags on a PostgreSQL dashboard, and no terminal: each
/// refused with what was wrong, before any connection is tried.
#[test]
fn the_dashboard_on_postgres_refuses_sqlite_flags_and_a_pipe() {
    let home = tempfile::tempdir().unwrap();
    for flag in [["--as-user", "ana"], ["--key-file", "k"]] {
        let mut args = vec!["--db", "postgresql://alb@db.invalid/alb"];
        args.extend_from_slice(&flag);
        let o = common::albergue(home.path(), &args);
        assert!(!o.status.success());
        common::says_all(
            &text(&o),
            &[
                "--db postgresql://alb@db.invalid/alb",
                "--demo, --as-user and --key-file are for a SQLite database",
            ],
        );
    }
    let o = common::albergue(home.path(), &["--db", "postgresql://alb@db.invalid/alb"]);
    assert!(!o.status.success());
    common::says_all(&text(&o), &["the dashboard needs a terminal"]);
}
