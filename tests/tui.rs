//! The dashboard, driven through the same messages a user's keys make,
//! answered by a real store, and drawn to a test terminal.

use std::time::Duration;

mod common;

use albergue::actor::Actor;
use albergue::domain::PersonStatus;
use albergue::i18n::Lang;
use albergue::store::{OpenMode, Store};
use albergue::tui::app::{App, Screen, SessionSettings};
use albergue::tui::keys::KeyMap;
use albergue::tui::message::{Msg, Reply, Request};
use albergue::tui::roster::SortKey;
use albergue::tui::theme::Theme;
use albergue::tui::update::update;
use albergue::tui::worker::{Job, Watch};
use albergue::tui::{views, worker};
use chrono::NaiveDate;
use common::now;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::backend::TestBackend;
use ratatui::style::Color;
use ratatui::Terminal;

const PEOPLE: usize = 400;

struct Fixture {
    _dir: tempfile::TempDir,
    path: std::path::PathBuf,
    store: Store,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let (path, store) = common::store_with(dir.path(), &common::demo_data(PEOPLE, 1));
    Fixture {
        _dir: dir,
        path,
        store,
    }
}

fn app_for(f: &mut Fixture, lang: Lang, theme: Theme, size: (u16, u16)) -> App {
    let shelter = f.store.shelters().unwrap().into_iter().next();
    let mut app = App::new(
        now(),
        SessionSettings::local(lang, theme, KeyMap::default(), size),
        shelter,
    );
    // These read the whole roster, whoever is still here or not (the
    // default lists those present: tests/morning.rs).
    app.roster.filter = Default::default();
    let start = app.start();
    serve_all(&mut app, &mut f.store, start);
    app
}

/// Answers requests (and the requests their answers cause) until none are left.
fn serve_all(app: &mut App, store: &mut Store, mut pending: Vec<Request>) {
    while let Some(r) = pending.pop() {
        let reply = worker::serve(store, &r);
        pending.extend(update(app, Msg::Reply(reply)));
    }
}

fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn press(app: &mut App, store: &mut Store, codes: &[KeyCode]) {
    for &c in codes {
        let reqs = update(app, key(c));
        serve_all(app, store, reqs);
    }
}

/// Every line the roster lists, read as a coordinator reads it: screen by
/// screen with PageDown from where the list is (its top), each line at the
/// position it is shown at.
fn listed(app: &mut App, store: &mut Store) -> Vec<albergue::store::RosterRow> {
    let mut seen: Vec<albergue::store::RosterRow> = Vec::new();
    loop {
        let page = app.page();
        let l = app.roster.list;
        let first = l
            .offset
            .min(l.selected)
            .max((l.selected + 1).saturating_sub(page));
        for pos in first..first + page {
            if let Some(row) = app.roster.row(pos) {
                if pos == seen.len() {
                    seen.push(row.clone());
                } else if pos < seen.len() {
                    assert_eq!(seen[pos].id, row.id, "line {pos} moved");
                }
            }
        }
        if app.roster.list.selected + 1 >= app.roster.len() {
            break;
        }
        press(app, store, &[KeyCode::PageDown]);
    }
    assert_eq!(seen.len(), app.roster.len(), "every line was shown");
    seen
}

fn type_text(app: &mut App, store: &mut Store, text: &str) {
    for c in text.chars() {
        press(app, store, &[KeyCode::Char(c)]);
    }
}

fn draw(app: &App, w: u16, h: u16) -> Terminal<TestBackend> {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| views::render(app, f)).unwrap();
    t
}

fn screen_text(app: &App) -> String {
    let t = draw(app, app.size.0, app.size.1);
    let buf = t.backend().buffer();
    let mut out = String::new();
    for y in 0..buf.area.height {
        for x in 0..buf.area.width {
            out.push_str(buf[(x, y)].symbol());
        }
        out.push('\n');
    }
    out
}

// ---- snapshots ----

fn snapshot_screens(lang: Lang) {
    let mut f = fixture();
    let suffix = match lang {
        Lang::En => "en",
        Lang::Es => "es",
    };
    let mut app = app_for(&mut f, lang, Theme::COLOR, (80, 24));
    insta::assert_snapshot!(format!("dashboard_{suffix}"), draw(&app, 80, 24).backend());
    press(&mut app, &mut f.store, &[KeyCode::Char('2')]);
    insta::assert_snapshot!(format!("roster_{suffix}"), draw(&app, 80, 24).backend());
    press(&mut app, &mut f.store, &[KeyCode::Char('/')]);
    type_text(&mut app, &mut f.store, "jose");
    insta::assert_snapshot!(
        format!("roster_search_{suffix}"),
        draw(&app, 80, 24).backend()
    );
    press(&mut app, &mut f.store, &[KeyCode::Enter, KeyCode::Enter]);
    insta::assert_snapshot!(format!("person_{suffix}"), draw(&app, 80, 24).backend());
    press(&mut app, &mut f.store, &[KeyCode::Char('3')]);
    insta::assert_snapshot!(
        format!("appointments_{suffix}"),
        draw(&app, 80, 24).backend()
    );
    press(&mut app, &mut f.store, &[KeyCode::Char('4')]);
    insta::assert_snapshot!(format!("outages_{suffix}"), draw(&app, 80, 24).backend());
    press(&mut app, &mut f.store, &[KeyCode::Char('?')]);
    insta::assert_snapshot!(format!("help_{suffix}"), draw(&app, 80, 24).backend());
}

#[test]
fn every_screen_in_english() {
    snapshot_screens(Lang::En);
}

#[test]
fn every_screen_in_spanish() {
    snapshot_screens(Lang::Es);
}

/// Every screen at `w`×`h`: at 40×20 a phone in portrait (one column,
/// nothing that identifies a person cut where it can be helped).
fn snapshot_at(lang: Lang, (w, h): (u16, u16), prefix: &str) {
    let mut f = fixture();
    let suffix = match lang {
        Lang::En => "en",
        Lang::Es => "es",
    };
    let mut app = app_for(&mut f, lang, Theme::COLOR, (w, h));
    let shot = |app: &App, name: &str| {
        let screen = draw(app, w, h);
        insta::assert_snapshot!(format!("{prefix}_{name}_{suffix}"), screen.backend());
    };
    shot(&app, "dashboard");
    press(&mut app, &mut f.store, &[KeyCode::Enter]);
    shot(&app, "person");
    press(&mut app, &mut f.store, &[KeyCode::Char('M')]);
    shot(&app, "message");
    press(&mut app, &mut f.store, &[KeyCode::Esc, KeyCode::Char('c')]);
    shot(&app, "confirm");
    press(&mut app, &mut f.store, &[KeyCode::Esc, KeyCode::Char('2')]);
    shot(&app, "roster");
    press(&mut app, &mut f.store, &[KeyCode::Char('3')]);
    // The first day ahead with appointments.
    for _ in 0..7 {
        if !app.appointments.listed().is_empty() {
            break;
        }
        press(&mut app, &mut f.store, &[KeyCode::Right]);
    }
    shot(&app, "appointments");
    press(&mut app, &mut f.store, &[KeyCode::Char('4')]);
    shot(&app, "outages");
    press(&mut app, &mut f.store, &[KeyCode::Char('?')]);
    shot(&app, "help");
    // What did not fit scrolls into view, and no label is cut.
    let labels: Vec<&str> = app
        .actions()
        .iter()
        .map(|a| albergue::i18n::t(lang, a.label_key()))
        .collect();
    let mut seen = String::new();
    for _ in 0..labels.len() {
        seen.push_str(&screen_text(&app));
        press(&mut app, &mut f.store, &[KeyCode::Down]);
    }
    for label in labels {
        assert!(seen.contains(label), "{label:?} never shown whole");
    }
}

#[test]
fn every_screen_on_a_phone_in_english() {
    snapshot_at(Lang::En, (40, 20), "phone");
}

#[test]
fn every_screen_on_a_phone_in_spanish() {
    snapshot_at(Lang::Es, (40, 20), "phone");
}

#[test]
fn every_screen_at_60x20_in_both_languages() {
    snapshot_at(Lang::En, (60, 20), "small");
    snapshot_at(Lang::Es, (60, 20), "small");
}

#[test]
fn the_smallest_usable_window_and_the_too_small_message() {
    let mut f = fixture();
    let mut app = app_for(&mut f, Lang::En, Theme::COLOR, (60, 20));
    insta::assert_snapshot!("dashboard_60x20", draw(&app, 60, 20).backend());
    press(&mut app, &mut f.store, &[KeyCode::Char('2')]);
    insta::assert_snapshot!("roster_60x20", draw(&app, 60, 20).backend());
    // A phone in portrait is usable down to 40×16; below, a message.
    update(&mut app, Msg::Resize(40, 16));
    assert!(!screen_text(&app).contains("40×16"));
    update(&mut app, Msg::Resize(39, 16));
    insta::assert_snapshot!("too_small", draw(&app, 39, 16).backend());
    assert!(screen_text(&app).contains("40×16"));
    update(&mut app, Msg::Resize(40, 15));
    assert!(screen_text(&app).contains("40×16"));
}

#[test]
fn resizing_to_any_size_never_panics() {
    let mut f = fixture();
    let mut app = app_for(&mut f, Lang::Es, Theme::COLOR, (80, 24));
    for screen in ['1', '2', '3', '4'] {
        press(&mut app, &mut f.store, &[KeyCode::Char(screen)]);
        for (w, h) in [
            (1, 1),
            (0, 0),
            (10, 3),
            (59, 20),
            (60, 19),
            (40, 16),
            (39, 20),
            (45, 30),
            (61, 21),
            (300, 100),
            (80, 24),
        ] {
            update(&mut app, Msg::Resize(w, h));
            draw(&app, w, h);
        }
    }
}

#[test]
fn the_monochrome_theme_names_no_colour() {
    let mut f = fixture();
    let mut app = app_for(&mut f, Lang::En, Theme::MONO, (80, 24));
    for screen in ['1', '2', '3', '4'] {
        press(&mut app, &mut f.store, &[KeyCode::Char(screen)]);
        let t = draw(&app, 80, 24);
        for cell in t.backend().buffer().content() {
            assert_eq!(
                (cell.fg, cell.bg),
                (Color::Reset, Color::Reset),
                "screen {screen}"
            );
        }
    }
    insta::assert_snapshot!("roster_mono", draw(&app, 80, 24).backend());
}

#[test]
fn low_bandwidth_marks_the_selection_and_draws_no_charts() {
    let mut f = fixture();
    let mut app = app_for(&mut f, Lang::En, Theme::LOW_BANDWIDTH, (80, 24));
    let dash = screen_text(&app);
    assert!(
        !dash.contains('█') && !dash.contains("Arrivals per day"),
        "{dash}"
    );
    press(&mut app, &mut f.store, &[KeyCode::Char('2'), KeyCode::Down]);
    let t = draw(&app, 80, 24);
    let buf = t.backend().buffer();
    // Row 4 is the first person, row 5 the second (selected).
    assert_eq!(buf[(0, 5)].symbol(), "›");
    assert_eq!(buf[(0, 4)].symbol(), " ");
    for y in 3..22 {
        for x in 0..80 {
            let cell = &buf[(x, y)];
            assert!(
                !cell.modifier.contains(ratatui::style::Modifier::REVERSED),
                "({x}, {y})"
            );
            assert_eq!(cell.bg, Color::Reset, "({x}, {y})");
        }
    }
    insta::assert_snapshot!("roster_low_bandwidth", t.backend());
}

// ---- update: keys in, state out ----

#[test]
fn number_keys_and_tab_switch_screens() {
    let mut f = fixture();
    let mut app = app_for(&mut f, Lang::En, Theme::COLOR, (80, 24));
    assert_eq!(app.screen, Screen::Dashboard);
    for (k, s) in [
        ('2', Screen::Roster),
        ('3', Screen::Appointments),
        ('4', Screen::Outages),
        ('5', Screen::Headcount),
        ('6', Screen::Cases),
        ('1', Screen::Dashboard),
    ] {
        press(&mut app, &mut f.store, &[KeyCode::Char(k)]);
        assert_eq!(app.screen, s);
    }
    // Tab goes through the dashboard's two lists, then on to the roster.
    press(&mut app, &mut f.store, &[KeyCode::Tab]);
    assert_eq!(app.screen, Screen::Dashboard);
    press(&mut app, &mut f.store, &[KeyCode::Tab]);
    assert_eq!(app.screen, Screen::Roster);
    press(
        &mut app,
        &mut f.store,
        &[KeyCode::BackTab, KeyCode::BackTab],
    );
    assert_eq!(app.screen, Screen::Dashboard);
    press(&mut app, &mut f.store, &[KeyCode::BackTab]);
    assert_eq!(app.screen, Screen::Cases);
    press(&mut app, &mut f.store, &[KeyCode::BackTab]);
    assert_eq!(app.screen, Screen::Headcount);
    press(&mut app, &mut f.store, &[KeyCode::BackTab]);
    assert_eq!(app.screen, Screen::Outages);
}

#[test]
fn search_narrows_the_roster_ignoring_case_and_accents() {
    let mut f = fixture();
    let mut app = app_for(&mut f, Lang::En, Theme::COLOR, (80, 24));
    press(&mut app, &mut f.store, &[KeyCode::Char('2')]);
    assert_eq!(app.roster.len(), PEOPLE);
    press(&mut app, &mut f.store, &[KeyCode::Char('/')]);
    type_text(&mut app, &mut f.store, "JOSE");
    let found: Vec<String> = listed(&mut app, &mut f.store)
        .into_iter()
        .map(|r| r.name)
        .collect();
    assert!(!found.is_empty() && found.len() < PEOPLE);
    assert!(found.iter().any(|n| n.contains("José")), "{found:?}");
    let expected = f
        .store
        .roster(now())
        .unwrap()
        .iter()
        .filter(|r| r.folded.contains("jose"))
        .count();
    assert_eq!(found.len(), expected);
    // `q` while searching is text, not quit.
    press(&mut app, &mut f.store, &[KeyCode::Char('q')]);
    assert!(!app.quit);
    assert_eq!(app.roster.query, "JOSEq");
    press(&mut app, &mut f.store, &[KeyCode::Backspace, KeyCode::Esc]);
    assert_eq!(app.roster.len(), PEOPLE, "Esc clears the search");
    assert!(!app.roster.searching);
}

#[test]
fn search_finds_phone_numbers_and_confirmation_numbers() {
    let mut f = fixture();
    let mut app = app_for(&mut f, Lang::En, Theme::COLOR, (80, 24));
    press(&mut app, &mut f.store, &[KeyCode::Char('2')]);
    let everyone = f.store.roster(now()).unwrap();
    let (with_conf, number) = everyone
        .iter()
        .find_map(|r| {
            let a = f.store.appointments_for_person(r.id).unwrap();
            a.into_iter()
                .find_map(|a| a.confirmation_number)
                .map(|n| (r.id, n.to_lowercase()))
        })
        .unwrap();
    press(&mut app, &mut f.store, &[KeyCode::Char('/')]);
    type_text(&mut app, &mut f.store, &number);
    assert_eq!(app.roster.selected_row().map(|r| r.id), Some(with_conf));
    assert_eq!(app.roster.len(), 1);
    press(&mut app, &mut f.store, &[KeyCode::Esc, KeyCode::Char('/')]);
    let (with_phone, digits) = everyone
        .iter()
        .find_map(|r| {
            let phone = f.store.person(r.id).unwrap().details.phone?;
            let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
            Some((r.id, digits))
        })
        .unwrap();
    let tail = &digits[digits.len() - 7..];
    type_text(
        &mut app,
        &mut f.store,
        &format!("{}-{}", &tail[..3], &tail[3..]),
    );
    assert!(listed(&mut app, &mut f.store)
        .iter()
        .any(|r| r.id == with_phone));
}

#[test]
fn sort_cycles_through_the_columns() {
    let mut f = fixture();
    let mut app = app_for(&mut f, Lang::En, Theme::COLOR, (80, 24));
    press(&mut app, &mut f.store, &[KeyCode::Char('2')]);
    let by_name: Vec<Box<str>> = listed(&mut app, &mut f.store)
        .into_iter()
        .map(|r| r.folded)
        .collect();
    assert_eq!(by_name.len(), PEOPLE);
    assert!(by_name.windows(2).all(|w| w[0] <= w[1]));
    press(&mut app, &mut f.store, &[KeyCode::Char('g')]);
    press(
        &mut app,
        &mut f.store,
        &[KeyCode::Char('s'), KeyCode::Char('s'), KeyCode::Char('s')],
    );
    assert_eq!(app.roster.sort, SortKey::Waiting);
    let today = app.today();
    press(&mut app, &mut f.store, &[KeyCode::Char('g')]);
    let rows = listed(&mut app, &mut f.store);
    assert_eq!(rows.len(), PEOPLE);
    // The people present, longest waiting first; then the others, longest
    // stay first.
    let here = rows
        .iter()
        .take_while(|r| r.status == PersonStatus::Present)
        .count();
    assert!(rows[here..]
        .iter()
        .all(|r| r.status != PersonStatus::Present));
    for part in [&rows[..here], &rows[here..]] {
        let waits: Vec<i64> = part.iter().map(|r| r.days_waiting(today)).collect();
        assert!(
            waits.windows(2).all(|w| w[0] >= w[1]),
            "longest waiting first"
        );
    }
    press(
        &mut app,
        &mut f.store,
        &[KeyCode::Char('s'), KeyCode::Char('g')],
    );
    assert_eq!(app.roster.sort, SortKey::Appointment);
    let rows = listed(&mut app, &mut f.store);
    assert_eq!(rows.len(), PEOPLE);
    // Those with an appointment ahead, soonest first; then the rest by name.
    let ahead = rows
        .iter()
        .take_while(|r| r.next.is_some_and(|n| n.at >= now() && n.status.is_live()))
        .count();
    assert!(ahead > 0);
    assert!(rows[..ahead]
        .windows(2)
        .all(|w| w[0].next.unwrap().at <= w[1].next.unwrap().at));
    assert!(rows[ahead..]
        .iter()
        .all(|r| !r.next.is_some_and(|n| n.at >= now() && n.status.is_live())));
    assert!(rows[ahead..].windows(2).all(|w| w[0].folded <= w[1].folded));
}

#[test]
fn filters_narrow_by_status_port_and_nationality() {
    let mut f = fixture();
    let mut app = app_for(&mut f, Lang::En, Theme::COLOR, (80, 24));
    press(
        &mut app,
        &mut f.store,
        &[
            KeyCode::Char('2'),
            KeyCode::Char('f'),
            KeyCode::Right,
            KeyCode::Right,
        ],
    );
    // Status: all -> present -> departed.
    assert_eq!(app.roster.filter.status, Some(PersonStatus::Departed));
    let departed = f
        .store
        .roster(now())
        .unwrap()
        .iter()
        .filter(|r| r.status == PersonStatus::Departed)
        .count();
    assert!(departed > 0);
    assert_eq!(app.roster.len(), departed);
    assert!(app
        .roster
        .rows
        .iter()
        .all(|r| r.status == PersonStatus::Departed));
    press(
        &mut app,
        &mut f.store,
        &[
            KeyCode::Left,
            KeyCode::Left,
            KeyCode::Down,
            KeyCode::Down,
            KeyCode::Right,
        ],
    );
    let nat = app.roster.filter.nationality.clone().unwrap();
    assert!(!app.roster.is_empty());
    assert!(app.roster.rows.iter().all(|r| r.nationality == nat));
    press(&mut app, &mut f.store, &[KeyCode::Esc]);
    assert!(app.roster.filter_focus.is_none());
    assert!(screen_text(&app).contains(&format!("filter: {nat}")));
}

#[test]
fn paging_moves_one_screenful_and_keeps_the_selection_visible() {
    let mut f = fixture();
    let mut app = app_for(&mut f, Lang::En, Theme::COLOR, (80, 24));
    press(&mut app, &mut f.store, &[KeyCode::Char('2')]);
    let page = app.page();
    press(&mut app, &mut f.store, &[KeyCode::PageDown]);
    assert_eq!(
        (app.roster.list.selected, app.roster.list.offset),
        (page, page)
    );
    press(&mut app, &mut f.store, &[KeyCode::Char('G')]);
    assert_eq!(app.roster.list.selected, PEOPLE - 1);
    assert_eq!(app.roster.list.offset, PEOPLE - page);
    press(&mut app, &mut f.store, &[KeyCode::Char('g')]);
    assert_eq!((app.roster.list.selected, app.roster.list.offset), (0, 0));
    for _ in 0..page + 3 {
        press(&mut app, &mut f.store, &[KeyCode::Char('j')]);
    }
    assert_eq!(app.roster.list.selected, page + 3);
    assert!(
        app.roster.list.offset <= app.roster.list.selected
            && app.roster.list.selected < app.roster.list.offset + page
    );
}

#[test]
fn enter_opens_the_person_and_back_returns() {
    let mut f = fixture();
    let mut app = app_for(&mut f, Lang::En, Theme::COLOR, (80, 24));
    press(
        &mut app,
        &mut f.store,
        &[KeyCode::Char('2'), KeyCode::Down, KeyCode::Down],
    );
    let id = app.roster.selected_row().unwrap().id;
    press(&mut app, &mut f.store, &[KeyCode::Enter]);
    assert_eq!(app.screen, Screen::Person);
    let page = app.person.as_ref().unwrap();
    assert_eq!(page.person.id, id);
    assert!(page.members.iter().any(|m| m.id == id));
    assert!(screen_text(&app).contains(&page.person.full_name()));
    press(&mut app, &mut f.store, &[KeyCode::Esc]);
    assert_eq!(app.screen, Screen::Roster);
    assert_eq!(app.roster.selected_row().unwrap().id, id, "selection kept");
}

#[test]
fn help_lists_the_key_map_including_a_users_own_keys() {
    let mut f = fixture();
    let shelter = f.store.shelters().unwrap().into_iter().next();
    let mut keys = KeyMap::default();
    keys.overlay("keys.toml", "quit = [\"x\"]\nsearch = [\"F3\"]\n")
        .unwrap();
    let mut app = App::new(
        now(),
        SessionSettings::local(Lang::En, Theme::COLOR, keys, (80, 24)),
        shelter,
    );
    let start = app.start();
    serve_all(&mut app, &mut f.store, start);
    press(
        &mut app,
        &mut f.store,
        &[KeyCode::Char('2'), KeyCode::Char('?')],
    );
    assert!(app.help);
    let text = screen_text(&app);
    for (keys, label) in [
        ("F3", "search"),
        ("x", "quit"),
        ("s", "sort"),
        ("Ctrl-C", "quit now"),
    ] {
        assert!(
            text.lines()
                .any(|l| l.contains(&format!(" {keys} ")) && l.contains(label)),
            "{keys} {label}\n{text}"
        );
    }
    press(&mut app, &mut f.store, &[KeyCode::Char('x')]);
    assert!(!app.help && !app.quit, "quit closes help first");
    press(&mut app, &mut f.store, &[KeyCode::Char('q')]);
    assert!(!app.quit, "q is no longer bound");
    press(&mut app, &mut f.store, &[KeyCode::Char('x')]);
    assert!(app.quit);
}

/// An app on the roster, typing a search.
fn searching_the_roster() -> (Fixture, App) {
    let mut f = fixture();
    let mut app = app_for(&mut f, Lang::En, Theme::COLOR, (80, 24));
    press(
        &mut app,
        &mut f.store,
        &[KeyCode::Char('2'), KeyCode::Char('/')],
    );
    (f, app)
}

#[test]
fn ctrl_c_always_quits() {
    let (_f, mut app) = searching_the_roster();
    update(
        &mut app,
        Msg::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)),
    );
    assert!(app.quit);
}

#[test]
fn pasted_control_characters_never_reach_the_screen() {
    let (_f, mut app) = searching_the_roster();
    update(&mut app, Msg::Paste("jo\u{1b}[2J\nse\u{7}".into()));
    assert_eq!(app.roster.query, "jo[2Jse");
    let t = draw(&app, 80, 24);
    assert!(t
        .backend()
        .buffer()
        .content()
        .iter()
        .all(|c| !c.symbol().chars().any(char::is_control)));
}

#[test]
fn appointments_move_by_day_and_filter_to_pending_and_at_risk() {
    let mut f = fixture();
    let mut app = app_for(&mut f, Lang::En, Theme::COLOR, (80, 24));
    press(&mut app, &mut f.store, &[KeyCode::Char('3')]);
    assert_eq!(
        app.appointments.day,
        Some(NaiveDate::from_ymd_opt(2024, 5, 22).unwrap())
    );
    let all = app.appointments.listed().len();
    press(&mut app, &mut f.store, &[KeyCode::Right]);
    assert_eq!(
        app.appointments.day,
        Some(NaiveDate::from_ymd_opt(2024, 5, 23).unwrap())
    );
    assert!(screen_text(&app).contains("Thu 23 May"));
    press(&mut app, &mut f.store, &[KeyCode::Left]);
    assert_eq!(app.appointments.listed().len(), all);
    press(&mut app, &mut f.store, &[KeyCode::Char('f')]);
    assert!(app
        .appointments
        .listed()
        .iter()
        .all(|l| l.appointment.status == albergue::domain::AppointmentStatus::PendingConfirmation));
    press(&mut app, &mut f.store, &[KeyCode::Char('f')]);
    let outages = app.appointments.outages.clone();
    assert!(app
        .appointments
        .listed()
        .iter()
        .all(|l| albergue::domain::outage::is_at_risk(&l.appointment, &outages)));
}

#[test]
fn the_banner_counts_appointments_at_risk_from_the_active_outage() {
    let mut f = fixture();
    let app = app_for(&mut f, Lang::En, Theme::COLOR, (80, 24));
    let risky = f.store.at_risk_from(1).unwrap();
    let open = risky
        .iter()
        .filter(|a| a.effective_deadline() > now())
        .count();
    assert!(open > 0);
    assert_eq!(app.at_risk_now(), open);
    assert!(screen_text(&app).contains(&format!("{open} at risk")));
}

// ---- another coordinator's commit ----

#[test]
fn a_commit_by_another_process_appears_without_a_key() {
    let mut f = fixture();
    let mut app = app_for(&mut f, Lang::En, Theme::COLOR, (80, 24));
    let present = app.dashboard.as_ref().unwrap().present;
    assert!(screen_text(&app).contains(&format!("Present {present} ")));

    let store = Store::open(&f.path, OpenMode::Existing).unwrap();
    let (replies_tx, mut replies) = tokio::sync::mpsc::unbounded_channel();
    let (requests, handle) =
        worker::spawn(store, worker::Setup::alone(app.actor.clone()), replies_tx);

    let mut other = Store::open(&f.path, OpenMode::Existing).unwrap();
    let household = f.store.roster(now()).unwrap()[0].household_id;
    other
        .create_person(
            &common::new_person(household, "Zoe", "Nueva"),
            &Actor::new("luis"),
        )
        .unwrap();

    // No key is pressed: the watcher notices, the app asks again, the store answers.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    let mut saw_change = false;
    while std::time::Instant::now() < deadline {
        match replies.try_recv() {
            Ok(reply) => {
                saw_change |= matches!(reply, Reply::Changed);
                for r in update(&mut app, Msg::Reply(reply)) {
                    requests.send(Job::Request(r)).unwrap();
                }
                if saw_change && app.dashboard.as_ref().unwrap().present == present + 1 {
                    break;
                }
            }
            Err(_) => std::thread::sleep(Duration::from_millis(20)),
        }
    }
    assert!(saw_change, "the watcher reported the commit");
    assert!(screen_text(&app).contains(&format!("Present {} ", present + 1)));
    drop(requests);
    handle.join().unwrap();
}

#[test]
fn a_worker_that_is_told_of_changes_does_not_poll_for_them() {
    // Many sessions in one process share one watcher: their workers hear
    // of commits through their job channel instead of each asking SQLite.
    let f = fixture();
    let store = Store::open(&f.path, OpenMode::Existing).unwrap();
    let (replies_tx, mut replies) = tokio::sync::mpsc::unbounded_channel();
    let setup = worker::Setup {
        watch: Watch::Told,
        ..worker::Setup::alone(Actor::new("ana"))
    };
    let (jobs, handle) = worker::spawn(store, setup, replies_tx);
    let mut other = Store::open(&f.path, OpenMode::Existing).unwrap();
    let outage = albergue::store::NewOutage {
        service: albergue::domain::outage::CBP_ONE_SERVICE.into(),
        affected_step: albergue::domain::Step::Confirm,
        ports: albergue::domain::Ports::All,
        started_at: now(),
        ended_at: None,
        source: "CBP".into(),
        note: String::new(),
    };
    other.record_outage(&outage, &Actor::new("luis")).unwrap();
    std::thread::sleep(worker::WATCH_INTERVAL * 2 + Duration::from_millis(300));
    assert!(replies.try_recv().is_err(), "it did not poll");
    jobs.send(Job::Changed).unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    let mut told = false;
    while !told && std::time::Instant::now() < deadline {
        told = matches!(replies.try_recv(), Ok(Reply::Changed));
        std::thread::sleep(Duration::from_millis(10));
    }
    assert!(told, "the change it was told of reached the session");
    drop(jobs);
    handle.join().unwrap();
}

/// What a session sharing `shared`'s reads answers first to `request`, as
/// `pick` takes it from the replies.
fn session_reply<T>(
    store: Store,
    shared: &std::sync::Arc<worker::SharedReads>,
    request: Request,
    pick: impl Fn(Reply) -> Option<T>,
) -> T {
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let setup = worker::Setup {
        reads: Some(std::sync::Arc::clone(shared)),
        ..worker::Setup::alone(Actor::new("ana"))
    };
    let (jobs, handle) = worker::spawn(store, setup, tx);
    jobs.send(Job::Request(request)).unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    let found = loop {
        match rx.try_recv() {
            Ok(reply) => {
                if let Some(found) = pick(reply) {
                    break found;
                }
            }
            Err(_) => {
                assert!(std::time::Instant::now() < deadline, "no answer");
                std::thread::sleep(Duration::from_millis(10));
            }
        }
    };
    drop(jobs);
    handle.join().unwrap();
    found
}

#[test]
fn sessions_of_one_process_read_the_dashboard_once_until_it_changes() {
    let f = fixture();
    let shared = std::sync::Arc::new(worker::SharedReads::default());
    let today = now().date_naive();
    let dashboard_of = |store: Store| {
        let request = Request::Dashboard {
            now: now(),
            today,
            tz: chrono_tz::UTC,
        };
        session_reply(store, &shared, request, |r| match r {
            Reply::Dashboard(d) => Some(d),
            _ => None,
        })
    };
    let open = || Store::open(&f.path, OpenMode::Existing).unwrap();
    let a = dashboard_of(open());
    let b = dashboard_of(open());
    assert!(
        std::sync::Arc::ptr_eq(&a, &b),
        "read once for both sessions"
    );
    assert_eq!(*a, open().dashboard(now(), today, 60).unwrap());
    let mut other = open();
    let household = open().roster(now()).unwrap()[0].household_id;
    other
        .create_person(
            &common::new_person(household, "Zoe", "Nueva"),
            &Actor::new("luis"),
        )
        .unwrap();
    let c = dashboard_of(open());
    assert!(!std::sync::Arc::ptr_eq(&a, &c), "read again after a change");
    assert_eq!(c.present, a.present + 1);
}

#[test]
fn sessions_of_users_of_different_shelters_never_share_figures() {
    let f = fixture();
    let shared = std::sync::Arc::new(worker::SharedReads::default());
    let today = now().date_naive();
    let dashboard_of = |store: Store| {
        let request = Request::Dashboard {
            now: now(),
            today,
            tz: chrono_tz::UTC,
        };
        session_reply(store, &shared, request, |r| match r {
            Reply::Dashboard(d) => Some(d),
            _ => None,
        })
    };
    let open = || Store::open(&f.path, OpenMode::Existing).unwrap();
    let shelters = open().shelters().unwrap();
    assert!(shelters.len() > 1, "the demo has several shelters");
    let network = dashboard_of(open());
    let mut per_shelter = 0;
    for s in &shelters {
        let scoped = || open().with_scope(albergue::domain::Scope::Shelters(vec![s.id]));
        let d = dashboard_of(scoped());
        assert_eq!(
            *d,
            scoped().dashboard(now(), today, 60).unwrap(),
            "{}",
            s.name
        );
        assert!(d.present < network.present, "{} sees only its own", s.name);
        per_shelter += d.present;
    }
    assert_eq!(per_shelter, network.present);
    // And the network's figures are still the network's.
    assert!(std::sync::Arc::ptr_eq(&network, &dashboard_of(open())));
}

#[test]
fn names_are_cut_last_and_namesakes_on_screen_show_their_birth_year() {
    let mut f = fixture();
    // The demo's names are nearly all distinct: give the first person on
    // the roster a namesake born in another year.
    let first = {
        let mut app = app_for(&mut f, Lang::En, Theme::COLOR, (80, 24));
        press(&mut app, &mut f.store, &[KeyCode::Char('2')]);
        app.roster.rows[0].id
    };
    let mut twin = f.store.person(first).unwrap().details;
    twin.birth_date = Some(NaiveDate::from_ymd_opt(1990, 3, 4).unwrap());
    f.store.create_person(&twin, &Actor::new("luis")).unwrap();
    let mut app = app_for(&mut f, Lang::En, Theme::COLOR, (80, 24));
    press(&mut app, &mut f.store, &[KeyCode::Char('2')]);
    let screen = format!("{}", draw(&app, 80, 24).backend());
    let on_screen: Vec<_> = (app.roster.list.offset..app.roster.list.offset + app.page())
        .filter_map(|pos| app.roster.row(pos).cloned())
        .collect();
    for row in &on_screen {
        // Room for a name at 80 columns: 80 less marker, nationality,
        // days, appointment, status and spacing.
        if row.name.chars().count() <= 36 {
            assert!(screen.contains(&row.name), "{} cut:\n{screen}", row.name);
        }
        let twins = on_screen.iter().filter(|o| o.folded == row.folded).count();
        if let (true, Some(year)) = (twins > 1, row.birth_year) {
            assert!(
                screen.contains(&format!("{} ({year})", row.name)),
                "{} without its year:\n{screen}",
                row.name
            );
        }
    }
    assert!(
        on_screen
            .iter()
            .any(|r| on_screen.iter().filter(|o| o.folded == r.folded).count() > 1),
        "the fixture shows namesakes on the first screen"
    );
}

#[test]
fn the_help_at_60_columns_shows_every_label_whole() {
    let mut f = fixture();
    for lang in [Lang::En, Lang::Es] {
        let mut app = app_for(&mut f, lang, Theme::COLOR, (60, 20));
        press(
            &mut app,
            &mut f.store,
            &[KeyCode::Char('2'), KeyCode::Char('?')],
        );
        let screen = format!("{}", draw(&app, 60, 20).backend());
        for a in app.actions() {
            let label = albergue::i18n::t(lang, a.label_key());
            assert!(screen.contains(label), "{label:?} cut:\n{screen}");
        }
    }
}

#[test]
fn m_shows_the_message_in_the_persons_language_and_y_copies_it() {
    use albergue::domain::message::{Kind, Language};
    let mut f = fixture();
    for lang in [Lang::En, Lang::Es] {
        let mut app = app_for(&mut f, lang, Theme::COLOR, (80, 24));
        // The most urgent traveller, from the dashboard: caught by the
        // outage going on.
        press(&mut app, &mut f.store, &[KeyCode::Enter]);
        assert_eq!(app.screen, Screen::Person);
        let person = app.person.as_ref().unwrap().person.clone();
        let theirs = Language::for_person(&person.details.languages);
        press(&mut app, &mut f.store, &[KeyCode::Char('M')]);
        assert_eq!(app.message, Some(theirs));
        let (kind, text) = app.person_message(theirs).unwrap();
        assert_eq!(
            kind,
            albergue::tui::app::MessageAbout::Appointment(Kind::Outage)
        );
        let screen = screen_text(&app);
        let first_words: String = text
            .split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ");
        assert!(screen.contains(&first_words), "{first_words}\n{screen}");
        assert!(screen.contains(theirs.name()), "{screen}");
        insta::assert_snapshot!(
            format!("message_{}", if lang == Lang::En { "en" } else { "es" }),
            draw(&app, 80, 24).backend()
        );
        // Another language, then copy: the clipboard gets that text, whole.
        press(
            &mut app,
            &mut f.store,
            &[KeyCode::Right, KeyCode::Char('y')],
        );
        let other = theirs.step(1);
        assert_eq!(app.message, Some(other));
        assert_eq!(app.clipboard, app.person_message(other).map(|m| m.1));
        assert!(screen_text(&app).contains(other.name()));
        press(&mut app, &mut f.store, &[KeyCode::Esc]);
        assert_eq!(app.message, None);
        assert_eq!(app.screen, Screen::Person, "Esc closes the message only");
    }
}

#[test]
fn m_on_someone_without_an_appointment_says_there_is_nothing_to_send() {
    let mut f = fixture();
    let mut app = app_for(&mut f, Lang::En, Theme::COLOR, (80, 24));
    press(&mut app, &mut f.store, &[KeyCode::Char('2')]);
    let pos = app
        .roster
        .rows
        .iter()
        .position(|r| r.next.is_none())
        .unwrap();
    let without = app.roster.rows[pos].id;
    for _ in 0..pos {
        press(&mut app, &mut f.store, &[KeyCode::Down]);
    }
    press(
        &mut app,
        &mut f.store,
        &[KeyCode::Enter, KeyCode::Char('M')],
    );
    assert_eq!(app.person.as_ref().unwrap().person.id, without);
    assert_eq!(app.message, None);
    assert!(screen_text(&app).contains("No message to send"));
}

#[test]
fn c_on_tomorrow_by_port_says_where_to_confirm_from() {
    let mut f = fixture();
    let mut app = app_for(&mut f, Lang::En, Theme::COLOR, (40, 20));
    press(&mut app, &mut f.store, &[KeyCode::Tab, KeyCode::Char('c')]);
    assert!(app.form.is_none());
    // On a phone the notice wraps onto a second line rather than being cut.
    let screen = screen_text(&app);
    let joined: String = screen.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        joined.contains("choose a traveller in Due soonest (Shift-Tab)."),
        "{screen}"
    );
}

#[test]
fn on_a_phone_a_two_line_notice_never_hides_the_selection() {
    let mut f = fixture();
    let mut app = app_for(&mut f, Lang::En, Theme::LOW_BANDWIDTH, (40, 20));
    press(&mut app, &mut f.store, &[KeyCode::Char('2')]);
    // The last row the list shows.
    for _ in 1..app.page() {
        press(&mut app, &mut f.store, &[KeyCode::Down]);
    }
    let selected = app.roster.selected_row().unwrap().name.clone();
    app.say(
        albergue::tui::notice::Notice::plain(
            "A notice long enough to need two lines on a phone in portrait.",
        ),
        false,
    );
    let screen = screen_text(&app);
    let marked = screen
        .lines()
        .find(|l| l.starts_with('›'))
        .unwrap_or_else(|| panic!("no selected row:\n{screen}"));
    let shown: String = marked[3..].chars().take_while(|&c| c != '…').collect();
    assert!(
        selected.starts_with(shown.trim()),
        "{selected:?} / {marked:?}\n{screen}"
    );
}
