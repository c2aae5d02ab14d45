//! The cases screen (`6`) as a coordinator uses it: a COMAR claim whose
//! signature is overdue listed first, marked, and its signature recorded
//! with `c` and `Ctrl-S` — as few keys as a CBP One confirmation.

mod common;

use albergue::actor::Actor;
use albergue::store::NewCase;
use chrono::Duration;
use crossterm::event::KeyCode;

use common::world::World;

#[test]
fn an_overdue_signature_is_listed_first_and_recorded_in_two_keys() {
    let mut w = World::new(300, (100, 30));
    let comar = albergue::programs::in_force().get("comar").unwrap();
    let tj = w.store.shelters().unwrap()[0].id;
    // Two people present at the session's shelter, of two households.
    let ids: Vec<i64> = rusqlite::Connection::open(&w.path)
        .unwrap()
        .prepare(
            "SELECT min(id) FROM person WHERE status = 'present' AND shelter_id = ?1
             GROUP BY household_id ORDER BY 1 LIMIT 2",
        )
        .unwrap()
        .query_map([tj], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let members: Vec<_> = ids.iter().map(|&id| w.store.person(id).unwrap()).collect();
    let now = w.app.now;
    let open = |w: &mut World, person: &albergue::domain::Person, filed_days_ago: i64| {
        w.store
            .open_case(
                comar,
                &NewCase {
                    household_id: person.details.household_id,
                    person_id: Some(person.id),
                    venue: "COMAR-TIJ".into(),
                    reference: String::new(),
                    scheduled_at: None,
                    events: vec![
                        ("entry".into(), now - Duration::days(filed_days_ago + 5)),
                        ("file".into(), now - Duration::days(filed_days_ago)),
                    ],
                },
                &Actor::new("ana"),
            )
            .unwrap()
    };
    // One filed 3 days ago (a signature due in 4), one 12 days ago (overdue).
    let soon = open(&mut w, &members[0], 3);
    let late = open(&mut w, &members[1], 12);
    w.keys(&[KeyCode::Char('6')]);
    let screen = w.screen();
    let lines: Vec<&str> = screen.lines().collect();
    let at = |name: &str| {
        lines
            .iter()
            .position(|l| l.contains(name))
            .unwrap_or_else(|| panic!("{name}:\n{screen}"))
    };
    let late_name = &members[1].details.given_names;
    let soon_name = &members[0].details.given_names;
    assert!(at(late_name) < at(soon_name), "overdue first:\n{screen}");
    assert!(lines[at(late_name)].contains("OVERDUE"), "{screen}");
    assert!(
        lines[at(late_name)].contains("Firma periódica")
            || lines[at(late_name)].contains("Periodic signature"),
        "{screen}"
    );
    assert!(!lines[at(soon_name)].contains("OVERDUE"), "{screen}");

    // `c` on the first: "Record this step", the signature chosen, now.
    w.keys(&[KeyCode::Char('c')]);
    let screen = w.screen();
    assert!(screen.contains("Record this step"), "{screen}");
    w.save();
    assert!(w.app.form.is_none(), "{}", w.screen());
    assert!(w.screen().contains("Step recorded."), "{}", w.screen());
    let after = w.store.case(late.id).unwrap();
    assert_eq!(after.events.len(), 3);
    assert_eq!(after.events.last().unwrap().step, "sign");
    // Signed now: the next one is a week away, no longer overdue nor first.
    let screen = w.screen();
    let lines: Vec<&str> = screen.lines().collect();
    let row = lines
        .iter()
        .find(|l| l.contains(late_name.as_str()))
        .unwrap();
    assert!(!row.contains("OVERDUE"), "{screen}");
    let _ = soon;
}
