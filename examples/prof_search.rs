use albergue::store::{OpenMode, Store};
use albergue::tui::app::{App, SessionSettings};
use albergue::tui::message::Msg;
use albergue::tui::update::update;
use albergue::tui::{i18n::Lang, keys::KeyMap, theme::Theme, worker};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::time::Instant;
fn main() {
    let db = std::env::args().nth(1).unwrap();
    let now = chrono::DateTime::parse_from_rfc3339("2024-05-22T15:00:00Z")
        .unwrap()
        .with_timezone(&chrono::Utc);
    let store = Store::open(std::path::Path::new(&db), OpenMode::Existing).unwrap();
    let t = Instant::now();
    let d = store.dashboard(now, now.date_naive(), 60).unwrap();
    println!(
        "dashboard {:?} ({} upcoming, {} pending)",
        t.elapsed(),
        d.upcoming.len(),
        d.pending.len()
    );
    let t = Instant::now();
    let r = store.roster(now).unwrap();
    println!("roster {:?} {}", t.elapsed(), r.len());
    let mut app = App::new(
        now,
        SessionSettings::local(Lang::En, Theme::COLOR, KeyMap::default(), (80, 24)),
        store.shelters().unwrap().into_iter().next(),
    );
    let mut reqs = app.start();
    while let Some(q) = reqs.pop() {
        let rep = worker::serve(&store, &q);
        reqs.extend(update(&mut app, Msg::Reply(rep)));
    }
    update(
        &mut app,
        Msg::Key(KeyEvent::new(KeyCode::Char('2'), KeyModifiers::NONE)),
    );
    update(
        &mut app,
        Msg::Key(KeyEvent::new(KeyCode::Char('/'), KeyModifiers::NONE)),
    );
    for c in "yusleidy".chars() {
        let t = Instant::now();
        update(
            &mut app,
            Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)),
        );
        let u = t.elapsed();
        let t = Instant::now();
        let mut term = ratatui::Terminal::new(ratatui::backend::TestBackend::new(80, 24)).unwrap();
        term.draw(|f| albergue::tui::views::render(&app, f))
            .unwrap();
        println!(
            "{c}: update {:?} render {:?} view {}",
            u,
            t.elapsed(),
            app.roster.view.len()
        );
    }
}
