//! A network of shelters in the dashboard, through the keys a coordinator
//! types: a bed changed from the person screen, a transfer asked for with
//! consent and answered from the receiving shelter's dashboard, and the
//! beds on the dashboard down to 40×20.

mod common;

use albergue::domain::{Scope, TransferStatus};
use albergue::store::{OpenMode, Store};
use crossterm::event::KeyCode;

use common::world::World;

/// The roster's first person present, opened.
fn open_first_present(w: &mut World) {
    w.keys(&[KeyCode::Char('2'), KeyCode::Enter]);
    assert!(w.app.person.is_some(), "{}", w.screen());
}

/// The session as a user of the first shelter sees it, started again;
/// that shelter's id.
fn scope_to_first_shelter(w: &mut World) -> i64 {
    let tj = w.store.shelters().unwrap()[0].id;
    w.store = Store::open(&w.path, OpenMode::Existing)
        .unwrap()
        .with_scope(Scope::Shelters(vec![tj]));
    let start = w.app.start();
    w.serve(start);
    tj
}

#[test]
fn a_bed_is_changed_from_the_person_screen_by_name() {
    let mut w = World::new(300, (80, 24));
    open_first_present(&mut w);
    let id = w.app.person.as_ref().unwrap().person.id;
    let before = w.store.last_change().unwrap();
    w.keys(&[KeyCode::Char('b')]);
    assert!(w.screen().contains("Section (bed)"), "{}", w.screen());
    w.key(KeyCode::Char('u'), crossterm::event::KeyModifiers::CONTROL);
    w.type_text("Narnia");
    w.save();
    // Refused beside the field, naming the sections and their free beds.
    let screen = w.screen();
    assert!(w.app.form.is_some());
    common::says_all(&screen, &["No section of that name", "Hombres", "Familias"]);
    assert_eq!(w.store.last_change().unwrap(), before);
    // Accents and case aside.
    w.key(KeyCode::Char('u'), crossterm::event::KeyModifiers::CONTROL);
    w.type_text("MUJERES Y NINOS");
    w.save();
    assert!(w.app.form.is_none(), "{}", w.screen());
    let section = w.store.section_of(id).unwrap().unwrap();
    assert_eq!(section.name, "Mujeres y niños");
    assert!(
        w.screen().contains("Section         Mujeres y niños"),
        "{}",
        w.screen()
    );
    assert!(w.store.tally_problems().unwrap().is_empty());
}

#[test]
fn a_transfer_is_asked_with_consent_and_answered_from_the_dashboard() {
    let mut w = World::new(300, (100, 30));
    open_first_present(&mut w);
    // (Past the demo's own transfers.)
    while w.app.person.as_ref().unwrap().pending_transfer.is_some() {
        w.keys(&[KeyCode::Esc, KeyCode::Down, KeyCode::Enter]);
    }
    let page = w.app.person.clone().unwrap();
    let household = page.household.id;
    let from = page.household.shelter_id;
    let to = w
        .store
        .network_shelters()
        .unwrap()
        .into_iter()
        .find(|s| s.id != from)
        .unwrap();
    let known = w.store.transfers().unwrap();
    w.keys(&[KeyCode::Char('t')]);
    assert!(
        w.screen().contains("Transfer the household"),
        "{}",
        w.screen()
    );
    // Nothing chosen: the shelter and the consent are asked for; nothing written.
    w.save();
    let screen = w.screen();
    common::says_all(&screen, &["No shelter of that name", "consent"]);
    assert_eq!(w.store.transfers().unwrap(), known);
    // The shelter by its city, then the person's yes.
    w.type_text(&to.city);
    w.focus_on("f_consent");
    w.keys(&[KeyCode::Right]);
    w.save();
    assert!(w.app.form.is_none(), "{}", w.screen());
    let asked = w
        .store
        .transfers()
        .unwrap()
        .into_iter()
        .find(|t| t.household_id == household)
        .unwrap();
    assert_eq!(asked.status, TransferStatus::Pending);
    assert_eq!(asked.to_shelter, to.id);
    assert_eq!(asked.consent_asked_by, w.app.actor.as_str());
    assert!(
        w.screen().contains("waiting for an answer"),
        "{}",
        w.screen()
    );
    // A second while it waits: refused on the spot.
    w.keys(&[KeyCode::Char('t')]);
    assert!(w.app.form.is_none());

    // The receiving shelter's session: its dashboard says who is coming.
    w.store = Store::open(&w.path, OpenMode::Existing)
        .unwrap()
        .with_scope(Scope::Shelters(vec![to.id]));
    let start = w.app.start();
    w.serve(start);
    w.keys(&[KeyCode::Char('1')]);
    let screen = w.screen();
    common::says_all(&screen, &["Arriving by transfer", &page.household.label]);
    // Answered in order, oldest first: the demo's own first, if any.
    for _ in 0..5 {
        w.keys(&[KeyCode::Char('A')]);
        let form = w.app.form.as_ref().expect("an answer form");
        let albergue::tui::forms::FormKind::AnswerTransfer { transfer_id, .. } = form.kind else {
            panic!("{:?}", form.kind);
        };
        if transfer_id == asked.id {
            break;
        }
        // Someone else's: declined, which needs a reason.
        w.focus_on("f_answer");
        w.keys(&[KeyCode::Right]);
        w.save();
        assert!(w.screen().contains("Say why"), "{}", w.screen());
        w.focus_on("f_reason");
        w.type_text("no beds");
        w.save();
        assert!(w.app.form.is_none(), "{}", w.screen());
    }
    // Accept (the first choice).
    w.save();
    assert!(w.app.form.is_none(), "{}", w.screen());
    assert_eq!(w.store.household(household).unwrap().shelter_id, to.id);
    assert_eq!(
        w.store.transfer(asked.id).unwrap().status,
        TransferStatus::Accepted
    );
    assert!(w.store.tally_problems().unwrap().is_empty());
    assert!(
        !w.screen()
            .contains(&format!("→ {} (", page.household.label)),
        "{}",
        w.screen()
    );
}

#[test]
fn one_shelters_beds_are_one_line_a_section_at_40_by_20() {
    let mut w = World::new(500, (40, 20));
    scope_to_first_shelter(&mut w);
    let screen = w.screen();
    assert!(screen.contains("Beds"), "{screen}");
    for s in w.store.sections().unwrap() {
        let line = screen
            .lines()
            .find(|l| l.trim_start().starts_with(&s.name[..4]))
            .unwrap_or_else(|| panic!("{} not on screen:\n{screen}", s.name));
        assert!(
            line.contains(&format!("{}/{}", s.occupied, s.capacity)),
            "{line}\n{screen}"
        );
        if s.is_full() {
            assert!(line.contains("FULL"), "{line}");
        } else {
            assert!(line.contains(&format!("{} free", s.free())), "{line}");
        }
        assert!(line.chars().count() <= 40);
    }
}

#[test]
fn who_leaves_tomorrow_is_shown_by_section_after_the_counts() {
    let mut w = World::new(3000, (100, 30));
    scope_to_first_shelter(&mut w);
    let leaving = w.store.leaving(w.app.now).unwrap();
    assert!(
        leaving.values().any(|&n| n > 0),
        "someone in the demo leaves tomorrow"
    );
    assert_eq!(w.app.leaving, leaving, "read after the dashboard");
    let screen = w.screen();
    for s in w.store.sections().unwrap() {
        let line = screen
            .lines()
            .map(|l| l.chars().skip(50).collect::<String>())
            .find(|l| l.trim_start().starts_with(&s.name[..4]))
            .unwrap_or_else(|| panic!("{} not on screen:\n{screen}", s.name));
        match leaving.get(&s.id) {
            Some(&n) if n > 0 => assert!(line.contains(&format!("−{n} leave tmrw")), "{line}"),
            _ => assert!(!line.contains("leave tmrw"), "{line}"),
        }
    }
}

/// What a reload after another process's commit asks of the store.
fn reload_asks(w: &mut World) -> Vec<&'static str> {
    use albergue::tui::message::{Msg, Reply};
    let mut names = Vec::new();
    let mut pending = albergue::tui::update::update(&mut w.app, Msg::Reply(Reply::Changed));
    while let Some(r) = pending.pop() {
        names.push(r.name());
        let reply = albergue::tui::worker::answer(&mut w.store, &w.app.actor, &r);
        pending.extend(albergue::tui::update::update(&mut w.app, Msg::Reply(reply)));
    }
    names
}

#[test]
fn who_leaves_is_read_again_only_when_a_commit_may_change_it() {
    let mut w = World::new(3000, (100, 30));
    let tj = scope_to_first_shelter(&mut w);
    let sql = rusqlite::Connection::open(&w.path).unwrap();
    // A commit that changes nothing it counts: no read of people's rows.
    sql.execute(
        "UPDATE person SET nationality = 'HTI', version = version + 1
         WHERE id = (SELECT min(id) FROM person WHERE nationality <> 'HTI')",
        [],
    )
    .unwrap();
    let asks = reload_asks(&mut w);
    assert!(asks.contains(&"dashboard"), "{asks:?}");
    assert!(!asks.contains(&"leaving"), "{asks:?}");
    // Someone leaving tomorrow moves to another section: read again.
    let (person, other): (i64, i64) = sql
        .query_row(
            "SELECT p.id, s.id FROM appointment a JOIN person p ON p.id = a.person_id
             JOIN shelter_section s ON s.shelter_id = p.shelter_id AND s.id <> p.section_id
             WHERE a.status IN ('pending_confirmation', 'confirmed') AND p.status = 'present'
               AND p.shelter_id = ?1 AND a.appointment_at >= ?2 AND a.appointment_at < ?2 + 86400
             LIMIT 1",
            rusqlite::params![tj, w.app.now.timestamp() + 16 * 3600],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    sql.execute(
        "UPDATE person SET section_id = ?2, version = version + 1 WHERE id = ?1",
        [person, other],
    )
    .unwrap();
    let asks = reload_asks(&mut w);
    assert!(asks.contains(&"leaving"), "{asks:?}");
    assert_eq!(w.app.leaving, w.store.leaving(w.app.now).unwrap());
}
