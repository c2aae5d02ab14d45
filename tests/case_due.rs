//! What each open case must do next, kept on its row for the dashboard:
//! always the engine's reading of its events under the program's rules —
//! after a step, a close, a changed program file, a bulk load.

mod common;

use albergue::actor::Actor;
use albergue::domain::program::clock::end_of_day;
use albergue::domain::program::{Program, Rule};
use albergue::store::{DayBounds, NewCase, Store};
use chrono::Duration;

use common::now;

/// The dashboard's today and tomorrow at Tijuana.
fn tijuana_days() -> DayBounds {
    let tz = chrono_tz::America::Tijuana;
    let today = now().with_timezone(&tz).date_naive();
    DayBounds {
        today_end: end_of_day(today, tz),
        tomorrow_end: end_of_day(today + Duration::days(1), tz),
    }
}

/// Every open case's kept next step agrees with the engine at `now`.
fn kept_agrees(store: &Store, path: &std::path::Path, programs: &[&Program]) -> usize {
    let conn = rusqlite::Connection::open(path).unwrap();
    let mut seen = 0;
    for case in store.cases(true).unwrap() {
        let Some(p) = programs.iter().find(|p| p.id == case.program) else {
            continue;
        };
        let want = p.next(&case.case(p), now());
        let kept: (Option<String>, Option<i64>) = conn
            .query_row(
                "SELECT next_step, next_due_at FROM program_case WHERE id = ?1",
                [case.id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!(
            kept,
            (
                want.map(|d| p.steps[d.step].id.clone()),
                want.map(|d| d.deadline.timestamp())
            ),
            "case {}",
            case.id
        );
        seen += 1;
    }
    seen
}

#[test]
fn the_next_step_kept_follows_steps_closes_and_a_changed_program_file() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut store) = common::store_with(dir.path(), &common::demo_data(150, 1));
    let known = albergue::programs::load(None).unwrap();
    let comar = known.get("comar").unwrap();
    let (household, person): (i64, i64) = rusqlite::Connection::open(&path)
        .unwrap()
        .query_row(
            "SELECT household_id, id FROM person WHERE status = 'present' ORDER BY id LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let ana = Actor::new("ana");
    // Filed 3 days ago: the first signature is due in 4 days.
    let case = store
        .open_case(
            comar,
            &NewCase {
                household_id: household,
                person_id: Some(person),
                venue: "COMAR-TIJ".into(),
                reference: String::new(),
                scheduled_at: None,
                events: vec![
                    ("entry".into(), now() - Duration::days(8)),
                    ("file".into(), now() - Duration::days(3)),
                ],
            },
            &ana,
        )
        .unwrap();
    assert_eq!(kept_agrees(&store, &path, &[comar]), 1);
    let due = store.cases_due(now(), tijuana_days(), &[comar]).unwrap();
    assert_eq!((due.overdue, due.today, due.tomorrow.len()), (0, 0, 0));
    assert_eq!(due.soonest.len(), 1);
    assert_eq!(due.soonest[0].case.id, case.id);
    // A program the dashboard does not follow lists nothing.
    let tvrh = known.get("tvrh").unwrap();
    assert!(store
        .cases_due(now(), tijuana_days(), &[tvrh])
        .unwrap()
        .soonest
        .is_empty());

    // The office now asks for a signature every 2 days: a start with the
    // changed file reads this program's cases again, once.
    let mut strict = comar.clone();
    let sign = strict.step("sign").unwrap();
    let Some(Rule::Every { after, .. }) = strict.steps[sign].due else {
        panic!("COMAR's signature repeats");
    };
    strict.steps[sign].due = Some(Rule::Every { n: 2, after });
    assert_eq!(store.keep_due(&[&strict]).unwrap(), 1);
    assert_eq!(kept_agrees(&store, &path, &[&strict]), 1);
    let due = store.cases_due(now(), tijuana_days(), &[&strict]).unwrap();
    assert_eq!(due.overdue, 1, "filed 3 days ago, due after 2");
    assert_eq!(
        store.keep_due(&[&strict]).unwrap(),
        0,
        "nothing changed since"
    );
    // A name or a message changed is not a rule changed.
    let mut renamed = strict.clone();
    renamed.steps[sign].message = Default::default();
    assert_eq!(store.keep_due(&[&renamed]).unwrap(), 0);

    // Signed now: the next one counts from it.
    let signed = store
        .record_step(&strict, case.id, case.version, "sign", now(), "", &ana)
        .unwrap();
    assert_eq!(kept_agrees(&store, &path, &[&strict]), 1);
    let due = store.cases_due(now(), tijuana_days(), &[&strict]).unwrap();
    assert_eq!(due.overdue, 0);
    // Closed: nothing of it falls due.
    store.close_case(case.id, signed.version, &ana).unwrap();
    let due = store.cases_due(now(), tijuana_days(), &[&strict]).unwrap();
    assert!(due.soonest.is_empty(), "{due:?}");
}

#[test]
fn a_bulk_load_is_read_again_at_the_next_start_and_people_gone_are_not_listed() {
    let dir = tempfile::tempdir().unwrap();
    let known = albergue::programs::load(None).unwrap();
    let programs: Vec<&Program> = ["comar", "tvrh", "iom-return"]
        .iter()
        .map(|id| known.get(id).unwrap())
        .collect();
    let mut data = common::demo_data(3000, 2);
    albergue::demo::cases::add(&mut data, &programs, 2, now());
    let (path, mut store) = common::store_with(dir.path(), &data);
    let open: usize = store.cases(true).unwrap().len();
    assert!(open > 20, "{open}");
    // Loaded whole: read at the first start, every open case; not again.
    assert_eq!(store.keep_due(&programs).unwrap(), open);
    assert_eq!(kept_agrees(&store, &path, &programs), open);
    assert_eq!(store.keep_due(&programs).unwrap(), 0);
    // Whose case comes first leaves (the household, for a household's).
    let day = tijuana_days();
    let first = store.cases_due(now(), day, &programs).unwrap().soonest[0]
        .case
        .clone();
    let leaving: Vec<i64> = match first.person_id {
        Some(p) => vec![p],
        None => store
            .household_members(first.household_id)
            .unwrap()
            .iter()
            .map(|p| p.id)
            .collect(),
    };
    for id in leaving {
        let p = store.person(id).unwrap();
        let mut d = p.details.clone();
        if d.status != albergue::domain::PersonStatus::Present {
            continue;
        }
        d.status = albergue::domain::PersonStatus::Departed;
        d.departure_date = Some(now().date_naive());
        store
            .record_departure(id, p.version, &d, false, &Actor::new("luis"))
            .unwrap();
    }
    // The dashboard's counts are the engine's over the cases of people present.
    let due = store.cases_due(now(), day, &programs).unwrap();
    let present: std::collections::HashSet<i64> = rusqlite::Connection::open(&path)
        .unwrap()
        .prepare("SELECT id FROM person WHERE status = 'present'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let households: std::collections::HashSet<i64> = rusqlite::Connection::open(&path)
        .unwrap()
        .prepare("SELECT DISTINCT household_id FROM person WHERE status = 'present'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let (mut overdue, mut today, mut tomorrow, mut gone) = (0, 0, 0, 0);
    for case in store.cases(true).unwrap() {
        let here = match case.person_id {
            Some(p) => present.contains(&p),
            None => households.contains(&case.household_id),
        };
        let p = programs.iter().find(|p| p.id == case.program).unwrap();
        let Some(next) = p.next(&case.case(p), now()) else {
            continue;
        };
        if !here {
            gone += 1;
            continue;
        }
        if next.deadline <= now() {
            overdue += 1;
        } else if next.deadline <= day.today_end {
            today += 1;
        } else if next.deadline <= day.tomorrow_end {
            tomorrow += 1;
        }
    }
    assert!(overdue > 0, "the demo has cases fallen behind");
    assert_eq!((due.overdue, due.today), (overdue, today));
    assert_eq!(
        due.tomorrow.iter().map(|v| v.count).sum::<usize>(),
        tomorrow
    );
    assert!(gone > 0, "some cases are of people who left: not counted");
    // The soonest are the overdue ones, oldest deadline first.
    let deadlines: Vec<_> = due
        .soonest
        .iter()
        .map(|l| l.next.unwrap().deadline)
        .collect();
    assert!(deadlines.windows(2).all(|w| w[0] <= w[1]), "{deadlines:?}");
    assert!(deadlines[0] <= now());
}

/// `albergue check` compares each open case's kept next step with its
/// program's reading, names the case that differs (by number), and
/// `check --repair` reads them again.
#[test]
fn check_finds_a_kept_next_step_that_drifted_and_repair_mends_it() {
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("programs.db");
    let out = common::albergue(
        home.path(),
        &[
            "demo",
            "--people",
            "1500",
            "--programs",
            "comar",
            "--now",
            common::NOW,
            "--db",
            db.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", common::text(&out));
    let out = common::on_db(home.path(), &db, &["check"]);
    assert!(out.status.success(), "{}", common::text(&out));
    assert!(
        common::text(&out).contains("next steps: ok"),
        "{}",
        common::text(&out)
    );
    // A hand edit: one case's deadline a day later than its events say.
    let id: i64 = {
        let conn = rusqlite::Connection::open(&db).unwrap();
        let id = conn
            .query_row(
                "SELECT min(id) FROM program_case WHERE status = 'open' AND next_due_at IS NOT NULL",
                [],
                |r| r.get(0),
            )
            .unwrap();
        conn.execute(
            "UPDATE program_case SET next_due_at = next_due_at + 86400 WHERE id = ?1",
            [id],
        )
        .unwrap();
        id
    };
    let out = common::on_db(home.path(), &db, &["check"]);
    assert_eq!(out.status.code(), Some(1), "{}", common::text(&out));
    common::says_all(
        &common::text(&out),
        &[&format!("case {id}: kept as next "), "its program says"],
    );
    let out = common::on_db(home.path(), &db, &["check", "--repair"]);
    assert!(out.status.success(), "{}", common::text(&out));
    assert!(
        common::text(&out).contains("next steps: read again from the events (1 differed)"),
        "{}",
        common::text(&out)
    );
    let out = common::on_db(home.path(), &db, &["check"]);
    assert!(out.status.success(), "{}", common::text(&out));
    // Whether its people are here and at which shelter, as the triggers
    // keep them: a hand edit is found and mended too.
    rusqlite::Connection::open(&db)
        .unwrap()
        .execute(
            "UPDATE program_case SET present = 0, shelter_id = -1 WHERE id = ?1",
            [id],
        )
        .unwrap();
    let out = common::on_db(home.path(), &db, &["check"]);
    assert_eq!(out.status.code(), Some(1), "{}", common::text(&out));
    assert!(
        common::text(&out).contains(&format!(
            "case {id}: kept as present or at a shelter it is not"
        )),
        "{}",
        common::text(&out)
    );
    let out = common::on_db(home.path(), &db, &["check", "--repair"]);
    assert!(out.status.success(), "{}", common::text(&out));
    let out = common::on_db(home.path(), &db, &["check"]);
    assert!(out.status.success(), "{}", common::text(&out));
}
