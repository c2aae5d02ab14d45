//! The headcount screen (`5`): a month's figures for each shelter of the
//! session and the network, as `albergue report headcount` counts them
//! (whose counting tests/beds.rs checks against a hand-made roster).

mod common;

use albergue::domain::headcount::Counts;
use albergue::domain::Scope;
use albergue::store::{OpenMode, Store};
use chrono::NaiveDate;
use crossterm::event::KeyCode;

use common::world::World;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// The summary lines a place's counts must put on screen.
fn says_counts(screen: &str, c: &Counts) {
    common::says_all(
        screen,
        &[
            &format!("present at the start {}", c.start),
            &format!("present at the end {}", c.end),
            &format!("{} served", c.served),
        ],
    );
    let arrivals = if c.arrivals == 0 {
        "0 arrivals".to_string()
    } else {
        format!("+{} arrivals", c.arrivals)
    };
    assert!(screen.contains(&arrivals), "{arrivals}:\n{screen}");
}

/// The count at the end of the line that starts with `label`.
fn count_of(screen: &str, label: &str) -> i64 {
    let line = screen
        .lines()
        .find(|l| l.starts_with(label))
        .unwrap_or_else(|| panic!("no line {label}:\n{screen}"));
    line.split_whitespace()
        .filter_map(|w| w.parse().ok())
        .next()
        .unwrap_or_else(|| panic!("no count on {line}"))
}

#[test]
fn the_month_so_far_for_each_shelter_then_the_network_and_the_month_before() {
    let mut w = World::new(300, (100, 30));
    w.keys(&[KeyCode::Char('5')]);
    let screen = w.screen();
    assert!(
        screen.contains("Headcount · 1 May 2024 – 22 May 2024"),
        "{screen}"
    );
    let may = w
        .store
        .headcount(day(2024, 5, 1), day(2024, 5, 22))
        .unwrap();
    let shelters = w.store.shelters().unwrap();
    let first = &shelters[0];
    assert!(
        screen.contains(&format!("{}  (1/5)", first.name)),
        "{screen}"
    );
    let c = &may.shelters[&first.id];
    says_counts(&screen, c);
    // Each age group's bar line ends with its count (female, male… after).
    let by_age = |g: usize| -> i64 {
        c.by_sex_age
            .iter()
            .filter(|((_, x), _)| *x == g)
            .map(|(_, n)| n)
            .sum()
    };
    assert_eq!(count_of(&screen, "18-59"), by_age(3));
    assert_eq!(count_of(&screen, "0-5"), by_age(0));
    // The most common nationality, with its count, on the right.
    let (top, n) = c.by_nationality.iter().max_by_key(|(_, n)| **n).unwrap();
    assert!(
        screen
            .lines()
            .any(|l| l.contains(&format!("{top}   ")) && l.trim_end().ends_with(&n.to_string())),
        "{top} {n}:\n{screen}"
    );
    // Down to the network: every person once, no transfers within it.
    w.keys(&[KeyCode::Down, KeyCode::Down, KeyCode::Down, KeyCode::Down]);
    let screen = w.screen();
    assert!(
        screen.contains("All shelters (each person once)  (5/5)"),
        "{screen}"
    );
    says_counts(&screen, &may.network);
    assert!(!screen.contains("transferred in"), "{screen}");
    for s in &shelters {
        assert_eq!(
            count_of(&screen, &s.name[..12]),
            may.shelters.get(&s.id).map_or(0, |c| c.end)
        );
    }
    // Down at the last place stays; Left is April, whole; Right comes back
    // and stops at this month.
    w.keys(&[KeyCode::Down, KeyCode::Left]);
    let screen = w.screen();
    assert!(
        screen.contains("Headcount · 1 Apr 2024 – 30 Apr 2024"),
        "{screen}"
    );
    let april = w
        .store
        .headcount(day(2024, 4, 1), day(2024, 4, 30))
        .unwrap();
    says_counts(&screen, &april.network);
    w.keys(&[KeyCode::Right, KeyCode::Right]);
    assert!(w.screen().contains("1 May 2024 – 22 May 2024"));
    // At 40×20 the figures still read whole, one short line each.
    w.keys(&[KeyCode::Up, KeyCode::Up, KeyCode::Up, KeyCode::Up]);
    w.resize((40, 20));
    let screen = w.screen();
    says_counts(&screen, c);
    assert!(screen.lines().all(|l| l.chars().count() <= 40));
}

#[test]
fn a_shelters_user_sees_only_its_shelter_and_a_commit_is_counted_in() {
    let mut w = World::new(300, (100, 30));
    let shelters = w.store.shelters().unwrap();
    let tj = shelters[0].id;
    w.store = Store::open(&w.path, OpenMode::Existing)
        .unwrap()
        .with_scope(Scope::Shelters(vec![tj]));
    let start = w.app.start();
    w.serve(start);
    w.keys(&[KeyCode::Char('5')]);
    let screen = w.screen();
    assert!(screen.contains(&shelters[0].name), "{screen}");
    for s in &shelters[1..] {
        assert!(!screen.contains(&s.name[..12]), "{}:\n{screen}", s.name);
    }
    assert!(!screen.contains("All shelters"), "{screen}");
    assert!(
        !screen.contains("(1/"),
        "one place, no place to move to:\n{screen}"
    );
    let before = w
        .store
        .headcount(day(2024, 5, 1), day(2024, 5, 22))
        .unwrap();
    says_counts(&screen, &before.shelters[&tj]);

    // Another coordinator registers an arrival: counted in on screen.
    let mut other = Store::open(&w.path, OpenMode::Existing).unwrap();
    other
        .create_person_with_household(
            tj,
            "Nueva",
            &common::new_person(0, "Ana", "Nueva"),
            &albergue::actor::Actor::new("desk"),
        )
        .unwrap();
    use albergue::tui::message::{Msg, Reply};
    let asks = albergue::tui::update::update(&mut w.app, Msg::Reply(Reply::Changed));
    assert!(asks.iter().any(|r| r.name() == "headcount"), "{asks:?}");
    w.serve(asks);
    let after = w
        .store
        .headcount(day(2024, 5, 1), day(2024, 5, 22))
        .unwrap();
    assert_eq!(
        after.shelters[&tj].arrivals,
        before.shelters[&tj].arrivals + 1
    );
    says_counts(&w.screen(), &after.shelters[&tj]);

    // Away from the screen a commit costs no headcount; it is read on return.
    w.keys(&[KeyCode::Char('1')]);
    let asks = albergue::tui::update::update(&mut w.app, Msg::Reply(Reply::Changed));
    assert!(!asks.iter().any(|r| r.name() == "headcount"), "{asks:?}");
    w.serve(asks);
    let asks = albergue::tui::update::update(
        &mut w.app,
        Msg::Key(crossterm::event::KeyEvent::from(KeyCode::Char('5'))),
    );
    assert!(asks.iter().any(|r| r.name() == "headcount"), "{asks:?}");
}
