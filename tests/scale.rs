//! A roster read a window at a time: a large roster scrolled to its end,
//! searched and opened, each screen checked against what the store holds
//! (read here without the windowed reads); and another process's edits,
//! on screen and off it, patched in without moving the selection.
//!
//! The size is `ALBERGUE_SCALE_PEOPLE` (default 30,000, which keeps the
//! suite's time; `ALBERGUE_SCALE_PEOPLE=1000000 cargo test --release --test
//! scale` runs the million of the benchmark).

mod common;

use albergue::actor::Actor;
use albergue::domain::PersonStatus;
use albergue::i18n::Lang;
use albergue::store::{OpenMode, RosterRow, Store};
use albergue::tui::app::{App, Screen, SessionSettings};
use albergue::tui::keys::KeyMap;
use albergue::tui::message::{Msg, Reply, Request};
use albergue::tui::theme::Theme;
use albergue::tui::update::update;
use albergue::tui::{views, worker};
use common::now;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::backend::TestBackend;
use ratatui::Terminal;

fn people() -> usize {
    std::env::var("ALBERGUE_SCALE_PEOPLE")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(30_000)
}

fn serve_all(app: &mut App, store: &mut Store, mut pending: Vec<Request>) {
    while let Some(r) = pending.pop() {
        let reply = worker::serve(store, &r);
        pending.extend(update(app, Msg::Reply(reply)));
    }
}

fn press(app: &mut App, store: &mut Store, codes: &[KeyCode]) {
    for &c in codes {
        let reqs = update(app, Msg::Key(KeyEvent::new(c, KeyModifiers::NONE)));
        serve_all(app, store, reqs);
    }
}

fn lines(app: &App) -> Vec<String> {
    let mut t = Terminal::new(TestBackend::new(app.size.0, app.size.1)).unwrap();
    t.draw(|f| views::render(app, f)).unwrap();
    let buf = t.backend().buffer();
    (0..buf.area.height)
        .map(|y| {
            (0..buf.area.width)
                .map(|x| buf[(x, y)].symbol())
                .collect::<String>()
        })
        .collect()
}

/// The names on screen, top to bottom (the roster's table starts on line 4).
fn names_on_screen(app: &App) -> Vec<String> {
    lines(app)
        .into_iter()
        .skip(4)
        .take(app.page())
        .map(|l| l.chars().skip(2).collect::<String>())
        .filter(|l| !l.trim().is_empty())
        .collect()
}

/// What a screen of rows should say: each name at the start of its line
/// (names are long enough to be cut: compare the part shown).
fn assert_shows(app: &App, rows: &[RosterRow]) {
    let screen = names_on_screen(app);
    assert_eq!(screen.len(), rows.len().min(app.page()));
    for (line, row) in screen.iter().zip(rows) {
        let shown: String = line.trim_end().chars().take_while(|&c| c != '…').collect();
        let mut shown = shown.split("  ").next().unwrap().trim().to_string();
        // Namesakes on one screen show their birth year: "Name (1997)".
        if let (Some(open), Some(year)) = (shown.rfind(" ("), row.birth_year) {
            if shown.ends_with(')') {
                assert_eq!(shown[open + 2..shown.len() - 1], year.to_string());
                shown.truncate(open);
            }
        }
        assert!(
            row.name.starts_with(&shown) && shown.len() >= 8,
            "{shown:?} shown where {:?} is\n{}",
            row.name,
            lines(app).join("\n")
        );
    }
}

/// Every person, in name order, read in one query the screens never use.
fn by_name(store: &mut Store) -> Vec<RosterRow> {
    let mut all = store.roster(now()).unwrap();
    all.sort_by(|a, b| a.folded.cmp(&b.folded).then(a.id.cmp(&b.id)));
    all
}

fn open_app(store: &mut Store) -> App {
    let shelter = store.shelters().unwrap().into_iter().next();
    let mut app = App::new(
        now(),
        SessionSettings::local(Lang::En, Theme::COLOR, KeyMap::default(), (100, 30)),
        shelter,
    );
    // The whole roster, whoever is still here or not.
    app.roster.filter = Default::default();
    let start = app.start();
    serve_all(&mut app, store, start);
    app
}

#[test]
fn a_large_roster_scrolls_to_its_end_searches_and_opens_as_the_store_says() {
    let n = people();
    let dir = tempfile::tempdir().unwrap();
    let (_path, mut store) = common::store_with(dir.path(), &common::demo_data(n, 7));
    let all = by_name(&mut store);
    assert_eq!(all.len(), n);
    let mut app = open_app(&mut store);
    press(&mut app, &mut store, &[KeyCode::Char('2')]);
    let page = app.page();
    assert_shows(&app, &all[..page]);
    assert!(lines(&app)[2].starts_with(&format!("{n} / {n}")));
    // Never more than a few pages of rows held.
    assert!(app.roster.rows.len() <= page * 8);

    // Down through three screens, then PageDown: each screen as the store says.
    for _ in 0..page * 3 {
        press(&mut app, &mut store, &[KeyCode::Down]);
    }
    let first = app.roster.list.offset;
    assert_eq!(app.roster.list.selected, page * 3);
    assert_shows(&app, &all[first..first + page]);
    for _ in 0..5 {
        press(&mut app, &mut store, &[KeyCode::PageDown]);
    }
    let first = app.roster.list.offset;
    assert_shows(&app, &all[first..first + page]);
    assert!(app.roster.rows.len() <= page * 8);

    // The end, and back up a page.
    press(&mut app, &mut store, &[KeyCode::End]);
    assert_eq!(app.roster.list.selected, n - 1);
    assert_shows(&app, &all[n - page..]);
    press(&mut app, &mut store, &[KeyCode::PageUp, KeyCode::Up]);
    let first = app.roster.list.offset;
    assert_shows(&app, &all[first..first + page]);
    assert_eq!(
        app.roster.selected_row().map(|r| r.id),
        Some(all[app.roster.list.selected].id)
    );

    // A search: the people whose name has every word, in name order.
    let target = &all[n / 2];
    let words: Vec<&str> = target.folded.split(' ').take(2).collect();
    press(&mut app, &mut store, &[KeyCode::Char('/')]);
    for c in words.join(" ").chars() {
        press(&mut app, &mut store, &[KeyCode::Char(c)]);
    }
    let hits: Vec<RosterRow> = all
        .iter()
        .filter(|r| {
            words
                .iter()
                .all(|w| r.folded.split(' ').any(|x| x.contains(w)))
        })
        .cloned()
        .collect();
    assert!(hits.iter().any(|r| r.id == target.id));
    assert_eq!(app.roster.len(), hits.len());
    assert_shows(&app, &hits[..hits.len().min(page)]);

    // Open the person searched for.
    press(&mut app, &mut store, &[KeyCode::Enter]);
    let pos = hits.iter().position(|r| r.id == target.id).unwrap();
    for _ in 0..pos {
        press(&mut app, &mut store, &[KeyCode::Down]);
    }
    press(&mut app, &mut store, &[KeyCode::Enter]);
    assert_eq!(app.screen, Screen::Person);
    let page_of = app.person.as_ref().unwrap();
    assert_eq!(page_of.person.id, target.id);
    let screen = lines(&app).join("\n");
    assert!(screen.contains(&store.person(target.id).unwrap().full_name()));
}

#[test]
fn another_process_edits_on_and_off_screen_redraw_only_the_line_on_screen() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut store) = common::store_with(dir.path(), &common::demo_data(3_000, 3));
    let mut app = open_app(&mut store);
    press(&mut app, &mut store, &[KeyCode::Char('2')]);
    press(
        &mut app,
        &mut store,
        &[KeyCode::Down, KeyCode::Down, KeyCode::Down],
    );
    let selected = app.roster.selected_row().unwrap().id;
    let all = by_name(&mut store);
    let page = app.page();
    // Someone on screen (not selected, present), someone far below it.
    let on = all[..page]
        .iter()
        .find(|r| r.id != selected && r.status == PersonStatus::Present)
        .unwrap()
        .clone();
    let off = all[all.len() - 10].clone();
    let before = lines(&app);

    let mut other = Store::open(&path, OpenMode::Existing).unwrap();
    let luis = Actor::new("luis");
    let edit = |other: &mut Store, id: i64, status: PersonStatus| {
        let p = other.person(id).unwrap();
        let mut d = p.details.clone();
        d.status = status;
        if status != PersonStatus::Present {
            d.departure_date = Some(now().date_naive());
        }
        other.update_person(id, p.version, &d, &luis).unwrap();
    };

    // Off screen: after the watcher's notice, no line of the list changes.
    edit(&mut other, off.id, PersonStatus::Departed);
    let reqs = update(&mut app, Msg::Reply(Reply::Changed));
    serve_all(&mut app, &mut store, reqs);
    let after_off = lines(&app);
    // The list's lines: 4 to 4 + page (above them the tabs, banner, count
    // and header; below, the status line and the keys).
    let table = 4..4 + page;
    let changed: Vec<usize> = table
        .clone()
        .filter(|&y| before[y] != after_off[y])
        .collect();
    assert!(
        changed.is_empty(),
        "no line of the list changes: {changed:?}"
    );
    assert_eq!(app.roster.selected_row().unwrap().id, selected);

    // On screen: its line changes, and only it (and the status line).
    edit(&mut other, on.id, PersonStatus::Transferred);
    let reqs = update(&mut app, Msg::Reply(Reply::Changed));
    serve_all(&mut app, &mut store, reqs);
    let after_on = lines(&app);
    let changed: Vec<usize> = table.filter(|&y| after_off[y] != after_on[y]).collect();
    let on_line = 4 + all.iter().position(|r| r.id == on.id).unwrap() - app.roster.list.offset;
    assert_eq!(changed, [on_line], "{}", after_on.join("\n"));
    assert!(
        after_on[on_line].contains("transferr"),
        "{}",
        after_on[on_line]
    );
    assert_eq!(app.roster.selected_row().unwrap().id, selected);
    assert_eq!(app.roster.list.selected, 3, "the selection did not move");
}

#[test]
fn pages_pressed_faster_than_rows_arrive_land_where_the_keys_said() {
    let dir = tempfile::tempdir().unwrap();
    let (_path, mut store) = common::store_with(dir.path(), &common::demo_data(3_000, 5));
    let all = by_name(&mut store);
    let mut app = open_app(&mut store);
    press(&mut app, &mut store, &[KeyCode::Char('2')]);
    let page = app.page();
    // Ten PageDowns before the store answers any of the reads they cause
    // (a slow link's burst): the rows arrive after, and the screen is where
    // the keys took it, not back at the top.
    let mut pending = Vec::new();
    for _ in 0..10 {
        pending.extend(update(
            &mut app,
            Msg::Key(KeyEvent::new(KeyCode::PageDown, KeyModifiers::NONE)),
        ));
    }
    serve_all(&mut app, &mut store, pending);
    assert_eq!(app.roster.list.selected, 10 * page);
    let first = app.roster.list.offset;
    assert_eq!(first, 10 * page);
    assert_shows(&app, &all[first..first + page]);
    // And back up the same way.
    let mut pending = Vec::new();
    for _ in 0..10 {
        pending.extend(update(
            &mut app,
            Msg::Key(KeyEvent::new(KeyCode::PageUp, KeyModifiers::NONE)),
        ));
    }
    serve_all(&mut app, &mut store, pending);
    assert_eq!(app.roster.list.selected, 0);
    assert_shows(&app, &all[..page]);
}

#[test]
fn home_far_from_the_rows_read_reads_the_top_not_every_row_between() {
    let dir = tempfile::tempdir().unwrap();
    let (_path, mut store) = common::store_with(dir.path(), &common::demo_data(3_000, 5));
    let all = by_name(&mut store);
    let mut app = open_app(&mut store);
    press(&mut app, &mut store, &[KeyCode::Char('2'), KeyCode::End]);
    let page = app.page();
    assert_shows(&app, &all[all.len() - page..]);
    // Home: each read it causes is a few pages, however deep End was (it
    // used to read back from the window, the whole list).
    let mut pending = update(
        &mut app,
        Msg::Key(KeyEvent::new(KeyCode::Home, KeyModifiers::NONE)),
    );
    let mut largest = 0;
    while let Some(r) = pending.pop() {
        if let Request::RosterWindow { limit, .. } = &r {
            largest = largest.max(*limit);
        }
        let reply = worker::serve(&mut store, &r);
        pending.extend(update(&mut app, Msg::Reply(reply)));
    }
    assert!(largest > 0 && largest <= 4 * page, "read {largest} rows");
    assert_eq!(app.roster.list.selected, 0);
    assert_shows(&app, &all[..page]);
    // Down from there goes on through the list as the store has it.
    press(
        &mut app,
        &mut store,
        &[KeyCode::PageDown, KeyCode::PageDown],
    );
    let first = app.roster.list.offset;
    assert_shows(&app, &all[first..first + page]);
}

/// The tallies the triggers keep, against the same figures counted from the
/// rows (the queries the dashboard ran before there were tallies).
fn assert_tallies_match_a_recount(path: &std::path::Path) {
    let c = rusqlite::Connection::open(path).unwrap();
    let rows = |sql: &str| -> Vec<Vec<rusqlite::types::Value>> {
        let mut stmt = c.prepare(sql).unwrap();
        let n = stmt.column_count();
        stmt.query_map([], |r| {
            (0..n)
                .map(|i| r.get::<_, rusqlite::types::Value>(i))
                .collect()
        })
        .unwrap()
        .map(Result::unwrap)
        .collect()
    };
    let pairs = [
        (
            "SELECT status, arrival_date, shelter_id, people FROM arrival_tally ORDER BY 1, 2, 3",
            "SELECT p.status, p.arrival_date, h.shelter_id, count(*)
             FROM person p JOIN household h ON h.id = p.household_id
             GROUP BY 1, 2, 3 ORDER BY 1, 2, 3",
        ),
        (
            "SELECT status, nationality, shelter_id, people FROM nationality_tally
             ORDER BY 1, 2, 3",
            "SELECT p.status, p.nationality, h.shelter_id, count(*)
             FROM person p JOIN household h ON h.id = p.household_id
             GROUP BY 1, 2, 3 ORDER BY 1, 2, 3",
        ),
        (
            "SELECT shelter_id, households FROM present_households WHERE households > 0
             ORDER BY 1",
            "SELECT h.shelter_id, count(DISTINCT p.household_id)
             FROM person p JOIN household h ON h.id = p.household_id
             WHERE p.status = 'present' GROUP BY 1 ORDER BY 1",
        ),
        (
            "SELECT household_id, people FROM household_present ORDER BY 1",
            "SELECT household_id, count(*) FROM person WHERE status = 'present'
             GROUP BY 1 ORDER BY 1",
        ),
        (
            "SELECT id, for_present FROM appointment ORDER BY id",
            "SELECT a.id, EXISTS (SELECT 1 FROM person q
                 WHERE q.household_id = a.household_id AND q.status = 'present'
                   AND (a.person_id IS NULL OR q.id = a.person_id))
             FROM appointment a ORDER BY a.id",
        ),
        (
            "SELECT port_code, appointment_at, shelter_id, people FROM slot_tally
             ORDER BY 1, 2, 3",
            "SELECT a.port_code, a.appointment_at, h.shelter_id, count(*)
             FROM appointment a JOIN household h ON h.id = a.household_id
             WHERE a.status IN ('pending_confirmation', 'confirmed')
               AND EXISTS (SELECT 1 FROM person q
                 WHERE q.household_id = a.household_id AND q.status = 'present'
                   AND (a.person_id IS NULL OR q.id = a.person_id))
             GROUP BY 1, 2, 3 ORDER BY 1, 2, 3",
        ),
        (
            "SELECT deadline_bucket, port_code, shelter_id, people FROM pending_tally
             ORDER BY 1, 2, 3",
            "SELECT max(a.confirm_deadline, coalesce(a.extended_until, 0)) / 600, a.port_code,
                    h.shelter_id, count(*)
             FROM appointment a JOIN household h ON h.id = a.household_id
             WHERE a.status = 'pending_confirmation'
               AND EXISTS (SELECT 1 FROM person q
                 WHERE q.household_id = a.household_id AND q.status = 'present'
                   AND (a.person_id IS NULL OR q.id = a.person_id))
             GROUP BY 1, 2, 3 ORDER BY 1, 2, 3",
        ),
    ];
    for (kept, counted) in pairs {
        assert_eq!(rows(kept), rows(counted), "{kept}");
    }
    // And `albergue check` finds them so (the search index too).
    let store = Store::open(path, OpenMode::Existing).unwrap();
    assert_eq!(store.tally_problems().unwrap(), Vec::<String>::new());
}

#[test]
fn the_tallies_follow_every_kind_of_write_and_match_a_recount() {
    use albergue::domain::AppointmentStatus;
    use albergue::store::NewAppointment;
    let dir = tempfile::tempdir().unwrap();
    let (path, mut store) = common::store_with(dir.path(), &common::demo_data(1_500, 11));
    // As loaded (built in one pass after the bulk load).
    assert_tallies_match_a_recount(&path);
    let luis = Actor::new("luis");
    let all = store.roster(now()).unwrap();

    // People leave (their own and their group's appointments follow), one
    // comes back, one moves to another group.
    for (left, r) in all
        .iter()
        .filter(|r| r.status == PersonStatus::Present)
        .take(40)
        .enumerate()
    {
        let p = store.person(r.id).unwrap();
        let mut d = p.details.clone();
        d.status = PersonStatus::Departed;
        d.departure_date = Some(now().date_naive());
        store
            .record_departure(r.id, p.version, &d, left % 2 == 0, &luis)
            .unwrap();
    }
    let back = all
        .iter()
        .find(|r| r.status != PersonStatus::Present)
        .unwrap();
    let p = store.person(back.id).unwrap();
    let mut d = p.details.clone();
    d.status = PersonStatus::Present;
    d.departure_date = None;
    store.update_person(back.id, p.version, &d, &luis).unwrap();
    let mover = all
        .iter()
        .filter(|r| r.status == PersonStatus::Present)
        .nth(50)
        .unwrap();
    let other_household = all
        .iter()
        .find(|r| r.household_id != mover.household_id)
        .unwrap()
        .household_id;
    let p = store.person(mover.id).unwrap();
    let mut d = p.details.clone();
    d.household_id = other_household;
    store.update_person(mover.id, p.version, &d, &luis).unwrap();

    // New people and appointments: for a traveller, for a whole group.
    let present = all
        .iter()
        .filter(|r| r.status == PersonStatus::Present)
        .nth(70)
        .unwrap();
    let newcomer = store
        .create_person(
            &common::new_person(present.household_id, "Zoe", "Nueva"),
            &luis,
        )
        .unwrap();
    for (person_id, hours) in [(Some(newcomer.id), 30), (None, 54), (Some(present.id), 78)] {
        store
            .create_appointment(
                &NewAppointment {
                    household_id: present.household_id,
                    person_id,
                    port_code: "SYS".into(),
                    appointment_at: now() + chrono::Duration::hours(hours),
                    allocated_at: now() - chrono::Duration::hours(1),
                },
                &luis,
            )
            .unwrap();
    }
    // Statuses move: some cancelled, some confirmed.
    let d = store.dashboard(now(), now().date_naive(), 60).unwrap();
    for p in d.soonest.iter().take(6) {
        let a = store.appointment(p.appointment.id).unwrap();
        let to = if a.id % 2 == 0 {
            AppointmentStatus::Cancelled
        } else {
            AppointmentStatus::Confirmed
        };
        if to == AppointmentStatus::Confirmed {
            store
                .confirm_group_via(
                    &[(a.id, a.version, format!("ZX{:06}", a.id))],
                    now(),
                    albergue::domain::appointment::Channel::App,
                    &luis,
                )
                .unwrap();
        } else {
            store
                .set_appointment_status(a.id, a.version, to, &luis)
                .unwrap();
        }
    }
    // An extension moves the deadlines of what an outage put at risk.
    let outage = store
        .outages()
        .unwrap()
        .into_iter()
        .find(|o| !store.at_risk_from(o.id).unwrap().is_empty())
        .expect("an outage with appointments at risk");
    let extended = store
        .grant_extension(
            outage.id,
            outage.version,
            now() + chrono::Duration::hours(50),
            &luis,
        )
        .unwrap();
    assert!(!extended.is_empty());
    assert_tallies_match_a_recount(&path);

    // Another tool's writes (sqlite3 at the shell) keep them too: an
    // appointment written without the mark, someone's status changed.
    {
        let c = rusqlite::Connection::open(&path).unwrap();
        c.execute(
            "INSERT INTO appointment (household_id, person_id, port_code, appointment_at,
                 allocated_at, confirm_deadline, status, created_at, updated_at, updated_by)
             VALUES (?1, NULL, 'ELP', ?2, ?3, ?3 + 82800, 'pending_confirmation', ?3, ?3, 'sqlite3')",
            rusqlite::params![
                present.household_id,
                (now() + chrono::Duration::hours(40)).timestamp(),
                now().timestamp() - 600
            ],
        )
        .unwrap();
        c.execute(
            "UPDATE person SET status = 'transferred' WHERE id = ?1",
            [present.id],
        )
        .unwrap();
    }
    assert_tallies_match_a_recount(&path);

    // And the dashboard's figures agree with the rows.
    let d = store.dashboard(now(), now().date_naive(), 60).unwrap();
    let people = store.roster(now()).unwrap();
    let present: Vec<_> = people
        .iter()
        .filter(|r| r.status == PersonStatus::Present)
        .collect();
    assert_eq!(d.present as usize, present.len());
    let mut households: Vec<i64> = present.iter().map(|r| r.household_id).collect();
    households.sort_unstable();
    households.dedup();
    assert_eq!(d.households as usize, households.len());
    assert_eq!(d.earliest_arrival, present.iter().map(|r| r.arrival).min());
    drop(store);
    // A new connection sees what the first wrote.
    let again = Store::open(&path, OpenMode::Existing).unwrap();
    assert_eq!(again.dashboard(now(), now().date_naive(), 60).unwrap(), d);
}

/// The dashboard's open and at-risk counts (read from the pending tally, or
/// row by row for an outage whose end is already recorded) against the
/// domain's rule over every pending appointment of someone present, at
/// moments on and off the tally's ten-minute steps, as outages of every
/// shape are recorded and an extension is granted.
#[test]
fn open_and_at_risk_counts_follow_the_outage_rule_at_any_moment() {
    use albergue::domain::{Ports, Step};
    use albergue::store::NewOutage;
    let dir = tempfile::tempdir().unwrap();
    let (_path, mut store) = common::store_with(dir.path(), &common::demo_data(1_500, 7));
    let luis = Actor::new("luis");
    let check = |store: &mut Store, why: &str| {
        let pending = store.pending_appointments().unwrap();
        let outages = store.outages().unwrap();
        for minutes in [-61, -7, 0, 3, 10, 95, 600, 1_337, 2_900] {
            let at = now() + chrono::Duration::minutes(minutes);
            let d = store.dashboard(at, at.date_naive(), 60).unwrap();
            let open: Vec<_> = pending
                .iter()
                .filter(|a| a.effective_deadline() > at)
                .collect();
            let risky = open
                .iter()
                .filter(|a| {
                    outages
                        .iter()
                        .filter(|o| o.is_active(at))
                        .any(|o| o.puts_at_risk(a))
                })
                .count();
            assert_eq!(
                (d.open_pending, d.at_risk),
                (open.len(), risky),
                "{why}, at {at}"
            );
        }
    };
    check(&mut store, "as loaded");
    let outage = |ports: Ports, started: i64, ended: Option<i64>| NewOutage {
        service: albergue::domain::outage::CBP_ONE_SERVICE.into(),
        affected_step: Step::Confirm,
        ports,
        started_at: now() + chrono::Duration::minutes(started),
        ended_at: ended.map(|m| now() + chrono::Duration::minutes(m)),
        source: "test".into(),
        note: String::new(),
    };
    for (o, why) in [
        (
            outage(Ports::Some(vec!["SYS".into(), "ELP".into()]), -120, None),
            "two ports",
        ),
        (
            outage(Ports::Some(vec!["NOG".into()]), -300, Some(200)),
            "an end recorded ahead",
        ),
        (outage(Ports::All, 30, None), "one starting later"),
        (outage(Ports::All, -2_000, Some(-1_000)), "one over"),
    ] {
        store.record_outage(&o, &luis).unwrap();
        check(&mut store, why);
    }
    let with_risk = store
        .outages()
        .unwrap()
        .into_iter()
        .find(|o| !store.at_risk_from(o.id).unwrap().is_empty())
        .expect("an outage with appointments at risk");
    store
        .grant_extension(
            with_risk.id,
            with_risk.version,
            now() + chrono::Duration::minutes(1_500),
            &luis,
        )
        .unwrap();
    check(&mut store, "after an extension");
}

/// A database made before the tallies (schema version 5) with a roster in
/// it: opening it migrates it, and the tallies, the search index and the
/// dashboard's counts are those of its rows.
#[test]
fn a_roster_from_before_the_tallies_is_migrated_with_them() {
    let dir = tempfile::tempdir().unwrap();
    let (demo, store) = common::store_with(dir.path(), &common::demo_data(1_500, 5));
    let want = store.dashboard(now(), now().date_naive(), 60).unwrap();
    let ana = store.search_people("ana", 10_000).unwrap().len();
    drop(store);
    let old = dir.path().join("old.db");
    {
        let c = rusqlite::Connection::open(&old).unwrap();
        for sql in [
            include_str!("../assets/migrations/0001_initial.sql"),
            include_str!("../assets/migrations/0002_users.sql"),
            include_str!("../assets/migrations/0003_user_language.sql"),
            include_str!("../assets/migrations/0004_audit_chain.sql"),
            include_str!("../assets/migrations/0005_retention.sql"),
        ] {
            c.execute_batch(sql).unwrap();
        }
        c.pragma_update(None, "user_version", 5).unwrap();
        // The rows of the demo, in the columns version 5 had.
        c.execute("ATTACH ?1 AS demo", [demo.to_str().unwrap()])
            .unwrap();
        for table in ["shelter", "household", "person", "appointment", "outage"] {
            let columns: Vec<String> = c
                .prepare(&format!("SELECT name FROM pragma_table_info('{table}')"))
                .unwrap()
                .query_map([], |r| r.get(0))
                .unwrap()
                .map(Result::unwrap)
                .collect();
            let columns = columns.join(", ");
            let copied = c
                .execute(
                    &format!(
                        "INSERT INTO main.{table} ({columns}) SELECT {columns} FROM demo.{table}"
                    ),
                    [],
                )
                .unwrap();
            assert!(copied > 0, "{table}");
        }
    }
    let store = Store::open(&old, OpenMode::Existing).unwrap();
    assert_eq!(
        store.schema_version().unwrap(),
        albergue::store::LATEST_VERSION
    );
    assert_tallies_match_a_recount(&old);
    assert_eq!(store.search_people("ana", 10_000).unwrap().len(), ana);
    let got = store.dashboard(now(), now().date_naive(), 60).unwrap();
    assert_eq!(
        (got.present, got.households, got.open_pending, got.at_risk),
        (
            want.present,
            want.households,
            want.open_pending,
            want.at_risk
        )
    );
    assert_eq!(got.upcoming, want.upcoming);
}

/// A person's position (what a sort change or an Esc out of a search lands
/// on) is their index in the list as read from its first row, in every sort,
/// with and without a filter and a search; the Appointment sort counts it
/// without a subquery per row.
#[test]
fn a_persons_position_is_their_place_in_the_list_in_every_sort() {
    use albergue::store::{Edge, RosterFilter, RosterSort, RosterSpec};
    let dir = tempfile::tempdir().unwrap();
    let (_path, store) = common::store_with(dir.path(), &common::demo_data(1_200, 9));
    let specs = [
        RosterFilter::default(),
        RosterFilter {
            status: Some(PersonStatus::Present),
            ..RosterFilter::default()
        },
    ];
    for sort in [
        RosterSort::Name,
        RosterSort::Waiting,
        RosterSort::Household,
        RosterSort::Nationality,
        RosterSort::Appointment,
        RosterSort::Status,
    ] {
        for filter in &specs {
            for query in ["", "ma"] {
                let spec = RosterSpec {
                    sort,
                    filter: filter.clone(),
                    query: query.into(),
                };
                let read = store.roster_read(&spec, now()).unwrap();
                let all = read.page(&Edge::First, 100_000).unwrap();
                assert!(all.len() > 20, "{spec:?}");
                for i in (0..all.len())
                    .step_by(all.len() / 13)
                    .chain([all.len() - 1])
                {
                    assert_eq!(
                        read.position(&all[i].key).unwrap(),
                        i as u64,
                        "{spec:?}, row {i} of {}",
                        all.len()
                    );
                }
            }
        }
    }
}
