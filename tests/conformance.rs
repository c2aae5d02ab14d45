//! One conformance suite for the storage seam's desk ([`Desk`]): the same
//! scenario (the dashboard read, confirmations, a conflict, a number
//! already held, a role that may not, a shelter out of scope, eight
//! coordinators confirming at once) runs on SQLite always, and on
//! PostgreSQL inside the throwaway cluster `scripts/test` starts. On
//! PostgreSQL the database is the same demo ported there, and after the
//! scenario both must answer alike and hold the same rows byte for byte,
//! the audit chain included (`albergue port --verify`).
//!
//! A plain `cargo test` lists the PostgreSQL half as ignored, saying so.

mod common;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use albergue::actor::Actor;
use albergue::domain::outage::Step;
use albergue::domain::{AppointmentStatus, Ports, Role, Scope};
use albergue::store::pg::{PgStore, Target};
use albergue::store::{Clock, Desk, NewOutage, OpenMode, Store, StoreError};
use common::{albergue, make_demo, on_db, says_all, text};

/// Opens a handle in a role, for some shelters.
type Open = dyn Fn(Role, Scope) -> Box<dyn Desk + Send> + Sync;

fn clock() -> Clock {
    Arc::new(common::now)
}

fn sqlite(path: PathBuf) -> Box<Open> {
    Box::new(move |role, scope| {
        let store = Store::open(&path, OpenMode::Existing)
            .unwrap()
            .with_clock(clock())
            .with_role(role)
            .with_scope(scope);
        Box::new(store)
    })
}

fn postgres(conninfo: String) -> Box<Open> {
    let target = Target::parse(&conninfo).unwrap();
    Box::new(move |role, scope| {
        let store = PgStore::open(&target, clock())
            .unwrap()
            .with_role(role)
            .with_scope(scope);
        Box::new(store)
    })
}

/// The scenario, asserting what each step must do; returns what each step
/// answered, for the two backends to be compared.
fn scenario(open: &Open) -> Vec<String> {
    let now = common::now();
    let today = now.date_naive();
    let actor = Actor::new("coordinator-ana");
    let mut said = Vec::new();
    let mut desk = open(Role::Coordinator, Scope::Network);
    let before = desk.dashboard(now, today, 14).unwrap();
    assert!(before.present > 0 && before.households > 0, "{before:?}");
    assert!(before.open_pending > 2 && before.at_risk > 0, "{before:?}");
    assert!(before.soonest.len() > 2 && !before.upcoming.is_empty());
    said.push(format!("{before:?}"));

    let first = before.soonest[0].appointment.clone();
    let second = before.soonest[1].appointment.clone();
    let done = desk
        .confirm_appointment(first.id, first.version, "cbp-100 200 300", now, &actor)
        .unwrap();
    assert_eq!(done.status, AppointmentStatus::Confirmed);
    assert_eq!(done.version, first.version + 1);
    assert_eq!(done.confirmation_number.as_deref(), Some("CBP100200300"));
    assert_eq!(done.confirmed_by.as_deref(), Some("coordinator-ana"));
    said.push(format!("{done:?}"));
    assert_eq!(desk.appointment(first.id).unwrap(), done);

    // Over the version read before: a conflict naming who changed it.
    match desk.confirm_appointment(first.id, first.version, "CBP999888777", now, &actor) {
        Err(StoreError::Conflict(c)) => {
            assert_eq!(c.current_version, first.version + 1);
            assert_eq!(c.changed_by, "coordinator-ana");
            said.push(format!("{c:?}"));
        }
        other => panic!("a conflict, not {other:?}"),
    }
    // A number another appointment holds.
    match desk.confirm_appointment(second.id, second.version, "CBP100200300", now, &actor) {
        Err(StoreError::DuplicateConfirmation { appointment_id, .. }) => {
            assert_eq!(appointment_id, first.id);
        }
        other => panic!("a duplicate, not {other:?}"),
    }
    // A number that is not one.
    let bad = desk
        .confirm_appointment(second.id, second.version, "12", now, &actor)
        .unwrap_err();
    said.push(bad.to_string());
    assert_eq!(desk.appointment(second.id).unwrap(), second);

    let after = desk.dashboard(now, today, 14).unwrap();
    assert_eq!(after.open_pending, before.open_pending - 1);
    said.push(format!("{after:?}"));
    if let Some(person) = first.person_id {
        let theirs = desk.appointments_for_person(person).unwrap();
        assert!(theirs.contains(&done), "{theirs:?}");
        said.push(format!("{theirs:?}"));
    }
    said.push(format!(
        "{:?}",
        desk.household_pending(second.household_id).unwrap()
    ));

    // A volunteer may not confirm: refused, nothing written.
    let mut volunteer = open(Role::Volunteer, Scope::Network);
    let refused = volunteer
        .confirm_appointment(second.id, second.version, "CBP555666777", now, &actor)
        .unwrap_err();
    assert!(
        matches!(refused, StoreError::NotAllowed { .. }),
        "{refused}"
    );
    said.push(refused.to_string());

    // A coordinator of shelter 1 alone: counts of their shelter, and the
    // others' appointments out of reach, by id too.
    let mut one = open(Role::Coordinator, Scope::Shelters(vec![1]));
    let theirs = one.dashboard(now, today, 14).unwrap();
    assert!(
        theirs.present > 0 && theirs.present < after.present,
        "{theirs:?}"
    );
    said.push(format!("{theirs:?}"));
    let mut out_of_scope = 0;
    for line in &after.soonest {
        let a = &line.appointment;
        match one.appointment(a.id) {
            Ok(seen) => assert_eq!(&seen, a),
            Err(StoreError::OutOfScope { what, id }) => {
                assert_eq!((what, id), ("appointment", a.id));
                out_of_scope += 1;
                let e = one
                    .confirm_appointment(a.id, a.version, "CBP444333222", now, &actor)
                    .unwrap_err();
                assert!(matches!(e, StoreError::OutOfScope { .. }), "{e}");
                assert_eq!(&desk.appointment(a.id).unwrap(), a);
            }
            Err(e) => panic!("{e}"),
        }
    }
    assert!(out_of_scope > 0, "the soonest are all shelter 1's");
    said.push(format!("{out_of_scope} out of scope"));
    let missing = one.appointment(10_000_000).unwrap_err();
    assert!(matches!(missing, StoreError::NotFound { .. }), "{missing}");
    said.push(missing.to_string());

    // The app fails to confirm at every port: who is at risk, the
    // extension CBP grants, the outage's end recorded ahead of now.
    let outage = desk
        .record_outage(
            &NewOutage {
                service: albergue::domain::outage::CBP_ONE_SERVICE.to_string(),
                affected_step: Step::Confirm,
                ports: Ports::All,
                started_at: now - chrono::Duration::hours(2),
                ended_at: None,
                source: "CBP".to_string(),
                note: "the app does not confirm".to_string(),
            },
            &actor,
        )
        .unwrap();
    said.push(format!("{outage:?}"));
    let during = desk.dashboard(now, today, 14).unwrap();
    // (The demo's own outage at every port puts them all at risk already.)
    assert_eq!(
        during.outages[0], outage,
        "the outage going on, newest, first"
    );
    assert_eq!(during.at_risk, during.open_pending, "{during:?}");
    said.push(format!("{during:?}"));
    let until = now + chrono::Duration::hours(48);
    let extended = desk
        .grant_extension(outage.id, outage.version, until, &actor)
        .unwrap();
    assert!(!extended.is_empty());
    let one_extended = desk.appointment(extended[0]).unwrap();
    assert_eq!(one_extended.extended_until, Some(until));
    said.push(format!("{extended:?}"));
    // Over the version read before the extension: a conflict.
    let stale = desk
        .close_outage(
            outage.id,
            outage.version,
            now + chrono::Duration::hours(1),
            &actor,
        )
        .unwrap_err();
    assert!(matches!(stale, StoreError::Conflict(_)), "{stale}");
    let current = desk
        .dashboard(now, today, 14)
        .unwrap()
        .outages
        .into_iter()
        .find(|o| o.id == outage.id)
        .unwrap();
    let closed = desk
        .close_outage(
            outage.id,
            current.version,
            now + chrono::Duration::hours(1),
            &actor,
        )
        .unwrap();
    said.push(format!("{closed:?}"));
    // (An end ahead of now: each open row against the whole rule.)
    said.push(format!("{:?}", desk.dashboard(now, today, 14).unwrap()));
    let refused = volunteer
        .grant_extension(outage.id, closed.version, until, &actor)
        .unwrap_err();
    assert!(
        matches!(refused, StoreError::NotAllowed { .. }),
        "{refused}"
    );
    said
}

/// Eight coordinators at once, each on their own handle: each confirms
/// two appointments of their own, and all eight race for one more. Every
/// confirmation of their own lands, exactly one wins the race (the others
/// are told of a conflict), and each landed write has its audit row.
fn eight_writers(open: &Open) {
    let now = common::now();
    let mut desk = open(Role::Coordinator, Scope::Network);
    let soonest = desk.dashboard(now, now.date_naive(), 14).unwrap().soonest;
    assert!(soonest.len() >= 17, "{} pending", soonest.len());
    let audit_before = desk.last_change().unwrap();
    let raced = soonest[16].appointment.clone();
    let lost: usize = std::thread::scope(|s| {
        let writers: Vec<_> = (0..8)
            .map(|w| {
                let mine = [&soonest[2 * w], &soonest[2 * w + 1]].map(|l| l.appointment.clone());
                let raced = raced.clone();
                s.spawn(move || {
                    let mut desk = open(Role::Coordinator, Scope::Network);
                    let actor = Actor::new(format!("writer-{w}"));
                    for (i, a) in mine.iter().enumerate() {
                        let number = format!("W{w}N{i}X0000");
                        let done = desk
                            .confirm_appointment(a.id, a.version, &number, now, &actor)
                            .unwrap();
                        assert_eq!(done.confirmation_number.as_deref(), Some(&*number));
                    }
                    let number = format!("RACE{w}00000");
                    match desk.confirm_appointment(raced.id, raced.version, &number, now, &actor) {
                        Ok(_) => 0,
                        Err(StoreError::Conflict(_)) => 1,
                        Err(e) => panic!("writer {w}: {e}"),
                    }
                })
            })
            .collect();
        writers.into_iter().map(|w| w.join().unwrap()).sum()
    });
    assert_eq!(lost, 7, "exactly one writer wins the race");
    for l in &soonest[..16] {
        let a = desk.appointment(l.appointment.id).unwrap();
        assert_eq!(a.status, AppointmentStatus::Confirmed, "{a:?}");
    }
    let won = desk.appointment(raced.id).unwrap();
    assert!(won.confirmation_number.unwrap().starts_with("RACE"));
    assert_eq!(desk.last_change().unwrap(), audit_before + 17);
}

/// `albergue check` on `db` (a file or a connection string) finds nothing wrong.
fn checks_out(home: &Path, db: &str) {
    let o = albergue(home, &["check", "--db", db]);
    assert!(o.status.success(), "{}", text(&o));
}

#[test]
fn the_desk_on_sqlite() {
    let home = tempfile::tempdir().unwrap();
    let db = make_demo(home.path(), 600);
    let open = sqlite(db.clone());
    scenario(&open);
    eight_writers(&open);
    checks_out(home.path(), db.to_str().unwrap());
}

#[test]
#[ignore = "PostgreSQL half: scripts/test runs it in a throwaway cluster (pg_virtualenv)"]
fn the_desk_on_postgres_answers_and_stores_as_on_sqlite() {
    assert!(
        std::env::var_os("ALBERGUE_TEST_PG").is_some(),
        "the PostgreSQL half needs a cluster: run scripts/test (or pg_virtualenv with ALBERGUE_TEST_PG=1)"
    );
    let mut admin = albergue::store::pg::connect("dbname=postgres").unwrap();
    admin
        .batch_execute("DROP DATABASE IF EXISTS alb_desk WITH (FORCE)")
        .unwrap();
    admin.batch_execute("CREATE DATABASE alb_desk").unwrap();
    let to = "dbname=alb_desk";
    let home = tempfile::tempdir().unwrap();
    let db = make_demo(home.path(), 600);
    let o = on_db(home.path(), &db, &["port", "--to", to]);
    assert!(o.status.success(), "{}", text(&o));

    let on_sqlite = scenario(&sqlite(db.clone()));
    let on_postgres = scenario(&postgres(to.to_string()));
    for (i, (s, p)) in on_sqlite.iter().zip(&on_postgres).enumerate() {
        assert_eq!(s, p, "step {i} answered differently");
    }
    assert_eq!(on_sqlite.len(), on_postgres.len());
    // The same writes left the same rows and the same audit chain.
    let o = on_db(home.path(), &db, &["port", "--to", to, "--verify"]);
    assert!(o.status.success(), "{}", text(&o));
    says_all(&text(&o), &["verified: 15 tables alike", "exports alike"]);

    eight_writers(&postgres(to.to_string()));
    let mut pg = albergue::store::pg::connect(to).unwrap();
    let queued: i64 = pg
        .query_one("SELECT count(*) FROM audit_queue", &[])
        .unwrap()
        .get(0);
    assert_eq!(queued, 0, "every writer's audit row chained");
    checks_out(home.path(), to);

    // People's rows changed by statements of many rows (departures, a
    // household moved to another shelter, people added and removed): the
    // tallies follow, as `check` finds by counting them again.
    pg.batch_execute(
        "BEGIN;
         SELECT set_config('albergue.shelters', 'all', true);
         UPDATE person SET status = 'departed', departure_date = '2024-05-22'
             WHERE id % 7 = 0 AND status = 'present';
         UPDATE household SET shelter_id = 2
             WHERE id = (SELECT min(household_id) FROM person WHERE shelter_id = 1 AND status = 'present');
         INSERT INTO person (household_id, given_names, family_names, search_name, sex,
                             nationality, arrival_date, status, created_at, updated_at, updated_by)
             SELECT household_id, 'Nueva', 'Llegada', 'nueva llegada', 'female', 'HND',
                    '2024-05-21', 'present', 0, 0, 'test'
             FROM person WHERE id % 11 = 0;
         DELETE FROM person p WHERE p.given_names = 'Nueva' AND p.id % 3 = 0;
         COMMIT;",
    )
    .unwrap();
    let moved: i64 = pg
        .query_one("SELECT count(*) FROM change_log", &[])
        .unwrap()
        .get(0);
    assert!(moved > 0);
    checks_out(home.path(), to);

    // A writer stopped between its commit and chaining its audit row: the
    // row waits in the queue, and the next write (here an export's) chains
    // it before its own, the chain still whole.
    pg.batch_execute(
        "INSERT INTO audit_queue (at, actor, action, entity, entity_id, summary)
         VALUES (1716390000, 'stopped-writer', 'appointment.confirm', 'appointment', 1, 'left')",
    )
    .unwrap();
    let audit = |pg: &mut postgres::Client| -> (i64, i64) {
        let r = pg
            .query_one(
                "SELECT (SELECT count(*) FROM audit), (SELECT count(*) FROM audit_queue)",
                &[],
            )
            .unwrap();
        (r.get(0), r.get(1))
    };
    let (rows, queued) = audit(&mut pg);
    assert_eq!(queued, 1);
    let out = home.path().join("out");
    let o = albergue(
        home.path(),
        &[
            "export",
            "--db",
            to,
            "--out",
            out.to_str().unwrap(),
            "--now",
            common::NOW,
        ],
    );
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(audit(&mut pg), (rows + 2, 0));
    let actions: Vec<String> = pg
        .query("SELECT actor FROM audit ORDER BY id DESC LIMIT 2", &[])
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(actions[1], "stopped-writer", "{actions:?}");
    checks_out(home.path(), to);

    // The change log keeps its newest numbers, not every transaction's.
    let newest = || -> i64 {
        let mut c = albergue::store::pg::connect(to).unwrap();
        albergue::store::pg::newest(&mut c).unwrap()
    };
    let before = newest();
    for _ in 0..2_100 {
        pg.batch_execute("UPDATE outage SET note = note WHERE false")
            .unwrap();
    }
    // (Numbers may skip: a sequence is not gapless.)
    assert!(newest() >= before + 2_100, "each transaction numbered");
    let (rows, oldest): (i64, i64) = {
        let r = pg
            .query_one("SELECT count(*), min(seq) FROM change_log", &[])
            .unwrap();
        (r.get(0), r.get(1))
    };
    assert!(
        rows <= 2_000 && oldest > before,
        "{rows} rows from {oldest}"
    );
}
