//! Hostile input, generated: random keys, resizes and pastes into the
//! dashboard; random bytes into the importer, the date parser, the
//! confirmation-number check and the key-map parser. Nothing may panic,
//! nothing from data may reach the terminal as a control character, and
//! state stays consistent.

use std::sync::OnceLock;

mod common;

use albergue::actor::Actor;
use albergue::i18n::Lang;
use albergue::store::{OpenMode, Store};
use albergue::tui::app::{App, SessionSettings};
use albergue::tui::keys::KeyMap;
use albergue::tui::message::{Msg, Request};
use albergue::tui::theme::Theme;
use albergue::tui::update::update;
use albergue::tui::{views, worker};
use common::now;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use proptest::prelude::*;
use ratatui::backend::TestBackend;
use ratatui::Terminal;

/// One demo database for every case (read-only use), kept for the whole run.
fn db() -> &'static std::path::Path {
    static DB: OnceLock<(tempfile::TempDir, std::path::PathBuf)> = OnceLock::new();
    &DB.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        // Names with control characters and escape sequences, as a hostile
        // import could have left them before validation existed.
        let mut data = common::demo_data(150, 3);
        data.people[0].details.given_names = "Eve\u{1b}[2J\u{7}".into();
        data.people[1].details.notes = "línea\u{1b}]0;pwned\u{7}\nsegunda".into();
        let (path, _) = common::store_with(dir.path(), &data);
        (dir, path)
    })
    .1
}

#[derive(Debug, Clone)]
enum Input {
    Key(KeyCode, KeyModifiers),
    Paste(String),
    Resize(u16, u16),
}

fn key_code() -> impl Strategy<Value = KeyCode> {
    prop_oneof![
        any::<char>().prop_map(KeyCode::Char),
        prop::sample::select(vec![
            '1', '2', '3', '4', '/', 's', 'f', '?', 'j', 'k', 'g', 'G', 'h', 'l', 'q'
        ])
        .prop_map(KeyCode::Char),
        prop::sample::select(vec![
            KeyCode::Enter,
            KeyCode::Esc,
            KeyCode::Tab,
            KeyCode::BackTab,
            KeyCode::Backspace,
            KeyCode::Delete,
            KeyCode::Up,
            KeyCode::Down,
            KeyCode::Left,
            KeyCode::Right,
            KeyCode::PageUp,
            KeyCode::PageDown,
            KeyCode::Home,
            KeyCode::End,
            KeyCode::F(1),
        ]),
    ]
}

fn input() -> impl Strategy<Value = Input> {
    prop_oneof![
        6 => (key_code(), prop::sample::select(vec![KeyModifiers::NONE, KeyModifiers::SHIFT, KeyModifiers::ALT]))
            .prop_map(|(k, m)| Input::Key(k, m)),
        1 => ".{0,40}".prop_map(Input::Paste),
        1 => (1u16..=300, 1u16..=100).prop_map(|(w, h)| Input::Resize(w, h)),
    ]
}

fn serve_all(app: &mut App, store: &mut Store, mut pending: Vec<Request>) {
    while let Some(r) = pending.pop() {
        let reply = worker::serve(store, &r);
        pending.extend(update(app, Msg::Reply(reply)));
    }
}

proptest! {
    // PROPTEST_CASES=2000 for a longer run by hand.
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(48),
        ..ProptestConfig::default()
    })]

    #[test]
    fn random_keys_resizes_and_pastes_never_break_the_dashboard(inputs in prop::collection::vec(input(), 1..60)) {
        let mut store = Store::open(db(), OpenMode::Existing).unwrap();
        let shelter = store.shelters().unwrap().into_iter().next();
        let mut app = App::new(now(), SessionSettings::local(Lang::Es, Theme::COLOR, KeyMap::default(), (80, 24)), shelter);
        let start = app.start();
        serve_all(&mut app, &mut store, start);
        for i in inputs {
            if app.quit {
                break;
            }
            let msg = match i {
                Input::Key(k, m) => Msg::Key(KeyEvent::new(k, m)),
                Input::Paste(t) => Msg::Paste(t),
                Input::Resize(w, h) => Msg::Resize(w, h),
            };
            let reqs = update(&mut app, msg);
            serve_all(&mut app, &mut store, reqs);
            // State stays consistent.
            let r = &app.roster;
            prop_assert!(r.is_empty() || r.list.selected < r.len());
            prop_assert!(r.list.offset <= r.list.selected.max(r.list.offset));
            // The selected line is read (every request is answered here).
            prop_assert!(r.is_empty() || r.selected_row().is_some());
            prop_assert!(r.at + r.rows.len() <= r.len());
            prop_assert!(!r.query.chars().any(char::is_control));
            // Drawing never panics and never puts a control character on screen.
            let (w, h) = app.size;
            let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
            t.draw(|f| views::render(&app, f)).unwrap();
            for cell in t.backend().buffer().content() {
                prop_assert!(!cell.symbol().chars().any(char::is_control), "{:?}", cell.symbol());
            }
        }
    }

    #[test]
    fn typed_control_characters_never_enter_the_search(text in "[\\x00-\\x1f\\x7fa-z]{1,20}") {
        let mut store = Store::open(db(), OpenMode::Existing).unwrap();
        let mut app = App::new(now(), SessionSettings::local(Lang::En, Theme::COLOR, KeyMap::default(), (80, 24)), None);
        let start = app.start();
        serve_all(&mut app, &mut store, start);
        for c in ['2', '/'].into_iter().chain(text.chars()) {
            let reqs = update(&mut app, Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)));
            serve_all(&mut app, &mut store, reqs);
        }
        prop_assert!(!app.roster.query.chars().any(char::is_control), "{:?}", app.roster.query);
    }

    #[test]
    fn the_date_parsers_take_anything(s in ".{0,30}") {
        let _ = albergue::domain::dates::parse_day(&s);
        let _ = albergue::domain::dates::parse_day_time(&s);
        let _ = albergue::domain::dates::parse_time(&s);
    }

    #[test]
    fn a_valid_confirmation_number_is_6_to_20_letters_and_digits(s in ".{0,30}") {
        if let Ok(n) = albergue::domain::appointment::normalize_confirmation_number(&s) {
            prop_assert!((6..=20).contains(&n.len()));
            prop_assert!(n.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()));
        }
    }

    #[test]
    fn the_key_map_parser_takes_anything(s in "[a-z_ =\\[\\]\"\\-A-Za-z0-9\n]{0,80}") {
        let mut map = KeyMap::default();
        let before = map.clone();
        if map.overlay("keys.toml", &s).is_err() {
            prop_assert_eq!(map, before, "a bad file changes nothing");
        }
    }

    #[test]
    fn the_config_file_parser_takes_anything(s in "[a-z_ =\"\\[\\]0-9\n.-]{0,80}") {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("config.toml"), &s).unwrap();
        let flags = albergue::tui::config::Flags::default();
        match albergue::tui::config::resolve(&flags, Some(dir.path()), |_| None) {
            Ok(_) => {}
            Err(e) => prop_assert!(e.to_string().contains("config.toml"), "{e}"),
        }
    }

    #[test]
    fn any_csv_either_imports_whole_or_not_at_all(
        rows in prop::collection::vec(prop::collection::vec("[^\r\n]{0,12}", 1..6), 0..6),
        sep in prop::sample::select(vec![',', ';']),
        header in prop::sample::select(vec!["Nombre(s);Apellidos;Fecha de llegada", "Given names,Nationality,Arrival date", "x,y"]),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.db");
        let mut store = Store::open(&path, OpenMode::Create).unwrap();
        let actor = Actor::new("t");
        let shelter = store.create_shelter("Casa", "Tijuana", "America/Tijuana", 10, &actor).unwrap();
        let _ = shelter;
        let mut text = header.replace([',', ';'], &sep.to_string());
        text.push('\n');
        for r in &rows {
            text.push_str(&r.join(&sep.to_string()));
            text.push('\n');
        }
        let file = dir.path().join("in.csv");
        std::fs::write(&file, text).unwrap();
        let before = store.counts().unwrap();
        let opts = albergue::import::Options::default();
        match albergue::import::import(&mut store, &file, &opts, &actor, now()) {
            Ok(report) => {
                let after = store.counts().unwrap();
                prop_assert_eq!(after.people - before.people, report.people as i64);
            }
            Err(_) => prop_assert_eq!(store.counts().unwrap(), before, "nothing half-imported"),
        }
        prop_assert!(store.integrity_problems().unwrap().is_empty());
    }
}

proptest! {
    /// Whatever bytes a client sends over SSH: no panic, and the parser's
    /// buffer stays bounded.
    #[test]
    fn any_bytes_from_a_client_parse_without_panic_in_bounded_memory(
        chunks in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..300), 0..40)
    ) {
        let mut p = albergue::serve::Parser::default();
        for c in &chunks {
            let _ = p.feed(c);
            prop_assert!(p.held() <= 64 * 1024 + 64);
            if p.waiting() {
                let _ = p.flush();
            }
        }
    }
}
