//! The real binary in a pseudo-terminal (made by util-linux `script`), read
//! back through a terminal emulator (`vt100`), as a coordinator would see it.

use std::time::{Duration, Instant};

mod common;

const NOW: &str = "2024-05-22T15:00:00Z";

use common::make_demo;
use common::terminal::Session;

/// The dashboard on `db` in English at the fixed clock, showing the roster.
fn roster_session(home: &std::path::Path, db: &std::path::Path) -> Session {
    let mut s = Session::start(
        home,
        &format!("--db {} --now {NOW} --lang en", db.display()),
    );
    s.wait_for("Due soonest");
    s.send(b"2");
    s.wait_for("sorted by Name");
    s
}

#[test]
fn search_open_a_person_and_quit_restores_the_terminal() {
    let home = tempfile::tempdir().unwrap();
    let db = make_demo(home.path(), 500);

    let mut s = roster_session(home.path(), &db);
    s.send(b"/yusleidy");
    // The search's rows come from the store: the first line changes when they are in.
    s.wait_until("the first match", |screen| {
        screen.contains("Search: yusleidy")
            && screen
                .lines()
                .nth(4)
                .is_some_and(|l| l.contains("Yusleidy"))
    });
    let screen = s.screen();
    let first_row = screen.lines().nth(4).unwrap().trim().to_string();
    assert!(first_row.contains("Yusleidy"), "{screen}");
    s.send(b"\r\r");
    s.wait_for("Household #");
    // The person page is the first match's.
    let page = s.screen();
    let name = page
        .lines()
        .nth(2)
        .unwrap()
        .split('#')
        .next()
        .unwrap()
        .trim()
        .to_string();
    let shown: String = first_row.chars().take_while(|&c| c != '…').collect();
    assert!(
        name.starts_with(shown.trim()) || first_row.starts_with(&name),
        "{name:?} / {first_row:?}"
    );
    s.send(b"q");
    let status = s.wait_exit();
    assert!(status.success(), "{status:?}");

    let raw = s.output.lock().unwrap().clone();
    let text = String::from_utf8_lossy(&raw);
    let entered = text
        .find("\x1b[?1049h")
        .expect("entered the alternate screen");
    let left = text
        .rfind("\x1b[?1049l")
        .expect("left the alternate screen");
    assert!(left > entered);
    let shown = text.rfind("\x1b[?25h").expect("cursor shown again");
    assert!(shown > entered);
    assert!(
        text.contains("\x1b[?2026h"),
        "frames are synchronized updates"
    );
}

#[test]
fn a_dropped_link_ends_the_session_and_restores_the_terminal() {
    let home = tempfile::tempdir().unwrap();
    let db = make_demo(home.path(), 50);
    let mut s = Session::start(home.path(), &format!("--db {} --now {NOW}", db.display()));
    s.wait_for("Due soonest");
    let took = s.hang_up_and_wait();
    assert!(took < Duration::from_secs(2), "{took:?}");
    let text = String::from_utf8_lossy(&s.output.lock().unwrap()).to_string();
    assert!(text.rfind("\x1b[?1049l") > text.find("\x1b[?1049h"));
}

#[test]
fn a_panic_restores_the_terminal_before_its_message() {
    let home = tempfile::tempdir().unwrap();
    let db = make_demo(home.path(), 50);
    let mut s = Session::start_with_env(
        home.path(),
        &format!("--db {} --now {NOW}", db.display()),
        &[("ALBERGUE_TEST_PANIC", "1")],
    );
    let status = s.wait_exit();
    assert!(!status.success());
    let text = String::from_utf8_lossy(&s.output.lock().unwrap()).to_string();
    let left = text.find("\x1b[?1049l").expect("left the alternate screen");
    let message = text
        .find("panic requested")
        .expect("the panic message printed");
    assert!(left < message, "restored before the message");
    assert!(text[left..].contains("\x1b[?25h"), "cursor shown");
}

/// The same screen, drawn by the library to a test backend after the same keys.
fn expected_screen(db: &std::path::Path, keys: &[crossterm::event::KeyCode]) -> String {
    use albergue::tui::app::{App, SessionSettings};
    use albergue::tui::message::Msg;
    use albergue::tui::update::update;
    let now = chrono::DateTime::parse_from_rfc3339(NOW)
        .unwrap()
        .with_timezone(&chrono::Utc);
    let mut store = albergue::store::Store::open(db, albergue::store::OpenMode::Existing).unwrap();
    let shelter = store.shelters().unwrap().into_iter().next();
    let mut app = App::new(
        now,
        SessionSettings::local(
            albergue::i18n::Lang::En,
            albergue::tui::theme::Theme::COLOR,
            albergue::tui::keys::KeyMap::default(),
            (80, 24),
        ),
        shelter,
    );
    let mut pending = app.start();
    let mut serve = |app: &mut App, mut pending: Vec<albergue::tui::message::Request>| {
        while let Some(r) = pending.pop() {
            let reply = albergue::tui::worker::serve(&mut store, &r);
            pending.extend(update(app, Msg::Reply(reply)));
        }
    };
    serve(&mut app, std::mem::take(&mut pending));
    for &k in keys {
        let reqs = update(&mut app, Msg::Key(crossterm::event::KeyEvent::from(k)));
        serve(&mut app, reqs);
    }
    let mut t = ratatui::Terminal::new(ratatui::backend::TestBackend::new(80, 24)).unwrap();
    t.draw(|f| albergue::tui::views::render(&app, f)).unwrap();
    let buf = t.backend().buffer();
    (0..24)
        .map(|y| {
            let line: String = (0..80).map(|x| buf[(x, y)].symbol().to_string()).collect();
            line.trim_end().to_string()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn scrolling_through_the_roster_shows_exactly_the_right_rows() {
    use crossterm::event::KeyCode;
    let home = tempfile::tempdir().unwrap();
    let db = make_demo(home.path(), 300);
    let mut s = roster_session(home.path(), &db);
    let mut keys = vec![KeyCode::Char('2')];
    // Down past the first screen (the terminal scrolls), then back up (scrolls down).
    for (key, bytes, n) in [(KeyCode::Down, b"j", 30), (KeyCode::Up, b"k", 25)] {
        for _ in 0..n {
            s.send(bytes);
            keys.push(key);
            std::thread::sleep(Duration::from_millis(15));
        }
        let expected = expected_screen(&db, &keys);
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let shown: Vec<String> = s
                .screen()
                .lines()
                .map(|l| l.trim_end().to_string())
                .collect();
            if shown.join("\n").trim_end() == expected.trim_end() {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "screen differs:\n{}\n--- expected ---\n{expected}",
                shown.join("\n")
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
    s.send(b"q");
    assert!(s.wait_exit().success());
}

#[test]
fn a_form_open_when_the_link_drops_comes_back_as_a_draft() {
    let home = tempfile::tempdir().unwrap();
    let db = make_demo(home.path(), 50);
    let args = format!("--db {} --now {NOW} --lang en", db.display());
    let user = [("USER", "coordinadora")];
    let mut s = Session::start_with_env(home.path(), &args, &user);
    s.wait_for("Due soonest");
    // An outage of the login step (the demo's own, of confirmation, goes on).
    s.send(b"o\x1b[C\x1b[C\t\t\t\t");
    s.send("Noticias de Reynosa".as_bytes());
    s.wait_for("Noticias de Reynosa");
    s.hang_up();
    s.wait_exit();

    let store = albergue::store::Store::open(&db, albergue::store::OpenMode::Existing).unwrap();
    assert!(store.integrity_problems().unwrap().is_empty());
    assert_eq!(
        store.counts().unwrap().outages,
        2,
        "a draft is not a record"
    );
    drop(store);

    let mut s = Session::start_with_env(home.path(), &args, &user);
    s.wait_for("Your last session ended");
    assert!(s.screen().contains("Noticias de Reynosa"), "{}", s.screen());
    // Saved through the form, the draft becomes a record.
    s.send(b"\x13");
    s.wait_for("Outage recorded.");
    s.send(b"q");
    assert!(s.wait_exit().success());
    let store = albergue::store::Store::open(&db, albergue::store::OpenMode::Existing).unwrap();
    assert!(store
        .outages()
        .unwrap()
        .iter()
        .any(|o| o.source == "Noticias de Reynosa"));
}

#[test]
fn a_link_dropped_mid_search_ends_within_a_second_and_leaves_the_database_sound() {
    let home = tempfile::tempdir().unwrap();
    let db = make_demo(home.path(), 300);
    // Idle, mid-search, mid-filter, mid-form and right after a save, each
    // dropped after a varying pause.
    let scenarios = [
        &b""[..],
        &b"2/yus"[..],
        &b"2/"[..],
        &b"3fj"[..],
        &b"4E+1d"[..],
        &b"4E+1d\r"[..],
    ];
    let mut seed = 7_u64;
    for keys in scenarios.iter().cycle().take(12) {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let pause = Duration::from_millis((seed >> 33) % 120);
        let mut s = Session::start(home.path(), &format!("--db {} --now {NOW}", db.display()));
        s.wait_for("Due soonest");
        s.send(keys);
        std::thread::sleep(pause);
        let took = s.hang_up_and_wait();
        assert!(took < Duration::from_secs(1), "{took:?} after {keys:?}");
        let store = albergue::store::Store::open(&db, albergue::store::OpenMode::Existing).unwrap();
        assert!(store.integrity_problems().unwrap().is_empty());
    }
}

#[test]
fn y_puts_the_message_on_the_coordinators_clipboard_with_one_osc_52() {
    let home = tempfile::tempdir().unwrap();
    let db = make_demo(home.path(), 500);
    let mut s = Session::start(
        home.path(),
        &format!("--db {} --now {NOW} --lang en", db.display()),
    );
    let id = common::copy_most_urgent_message(&mut s);
    // q closes the message, q again quits.
    s.send(b"qq");
    assert!(s.wait_exit().success());
    let text = common::the_one_osc52(&s.output.lock().unwrap());
    assert_eq!(text, common::expected_message(&db, id));
    assert!(
        !text.chars().any(|c| c.is_control() && c != '\n'),
        "{text:?}"
    );
}

#[test]
fn the_owner_sees_the_dashboard_as_a_scoped_user_sees_it() {
    let home = tempfile::tempdir().unwrap();
    let db = make_demo(home.path(), 500);
    let store = albergue::store::Store::open(&db, albergue::store::OpenMode::Existing).unwrap();
    let tijuana = store.shelters().unwrap()[0].clone();
    let public = common::server::key(home.path(), "pedro").with_extension("pub");
    let o = common::on_db(
        home.path(),
        &db,
        &[
            "users",
            "add",
            "pedro",
            "--role",
            "volunteer",
            "--key",
            public.to_str().unwrap(),
            "--shelter",
            &tijuana.name,
        ],
    );
    assert!(o.status.success(), "{}", common::text(&o));
    // A user who is not there: said, and no dashboard.
    let o = common::on_db(home.path(), &db, &["--as-user", "nadie"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(common::text(&o).contains("pedro"), "{}", common::text(&o));
    // Pedro's view: Tijuana's people only, and a volunteer's keys.
    let scoped = albergue::store::Store::open(&db, albergue::store::OpenMode::Existing)
        .unwrap()
        .with_scope(albergue::domain::Scope::Shelters(vec![tijuana.id]));
    let now = chrono::DateTime::parse_from_rfc3339(NOW).unwrap().to_utc();
    let theirs = scoped.dashboard(now, now.date_naive(), 60).unwrap().present;
    let everyone = store.dashboard(now, now.date_naive(), 60).unwrap().present;
    assert!(theirs < everyone);
    let mut s = Session::start(
        home.path(),
        &format!(
            "--db {} --now {NOW} --lang en --as-user pedro",
            db.display()
        ),
    );
    s.wait_for(&format!("Present {theirs} "));
    // A volunteer may not record an outage: the dashboard says why.
    s.send(b"o");
    s.wait_for("volunteer");
    s.send(b"q");
    assert!(s.wait_exit().success());
}
