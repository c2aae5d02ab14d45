//! The cases screen (`6`) as a coordinator uses it: a COMAR claim whose
//! signature is overdue listed first, marked, and its signature recorded
//! with `c` and `Ctrl-S` — as few keys as a CBP One confirmation; and the
//! dashboard's lists across programs.

mod common;

use albergue::actor::Actor;
use albergue::store::NewCase;
use chrono::Duration;
use crossterm::event::KeyCode;

use common::world::World;

/// `n` people present at the session's shelter, of `n` households.
fn present(w: &World, n: usize) -> Vec<albergue::domain::Person> {
    let tj = w.store.shelters().unwrap()[0].id;
    let ids: Vec<i64> = rusqlite::Connection::open(&w.path)
        .unwrap()
        .prepare(
            "SELECT min(id) FROM person WHERE status = 'present' AND shelter_id = ?1
             GROUP BY household_id ORDER BY 1 LIMIT ?2",
        )
        .unwrap()
        .query_map(rusqlite::params![tj, n as i64], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    ids.iter().map(|&id| w.store.person(id).unwrap()).collect()
}

/// A COMAR claim at Tijuana for `person`, filed `filed_days_ago` days
/// before the session's now: its first signature is due 7 days after.
fn open_comar(
    w: &mut World,
    person: &albergue::domain::Person,
    filed_days_ago: i64,
) -> albergue::domain::program::record::CaseRecord {
    let comar = albergue::programs::in_force().get("comar").unwrap();
    let now = w.app.now;
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
}

#[test]
fn an_overdue_signature_is_listed_first_and_recorded_in_two_keys() {
    let mut w = World::new(300, (100, 30));
    let members = present(&w, 2);
    // One filed 3 days ago (a signature due in 4), one 12 days ago (overdue).
    let soon = open_comar(&mut w, &members[0], 3);
    let late = open_comar(&mut w, &members[1], 12);
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

/// The dashboard's lists are every program's: an overdue COMAR signature
/// comes before CBP One's soonest confirmation in "Due soonest", `c` on it
/// records the signature (as `c` on a confirmation confirms), and a
/// signature due tomorrow counts in "Tomorrow by venue" at its office.
#[test]
fn the_dashboard_lists_every_programs_steps_and_records_one_with_c() {
    let mut w = World::new(300, (100, 30));
    let members = present(&w, 2);
    let late = open_comar(&mut w, &members[0], 12);
    // Filed 6 days ago (the shelter's and the office's zone are one): the
    // signature is due by the end of tomorrow.
    let tomorrow = open_comar(&mut w, &members[1], 6);
    // The commit noticed, as the watcher tells: the dashboard read again.
    let asks = albergue::tui::update::update(
        &mut w.app,
        albergue::tui::message::Msg::Reply(albergue::tui::message::Reply::Changed),
    );
    w.serve(asks);
    let screen = w.screen();
    let lines: Vec<&str> = screen.lines().collect();
    let late_name = &members[0].details.given_names;
    let head = lines
        .iter()
        .position(|l| l.contains("Due soonest"))
        .unwrap_or_else(|| panic!("{screen}"));
    assert!(
        lines[head + 1].contains("OVERDUE")
            && lines[head + 1].contains(late_name.as_str())
            && lines[head + 1].contains("Periodic signature"),
        "the overdue signature first, its step named in English:\n{screen}"
    );
    // CBP One's confirmations are still there, after it.
    assert!(lines[head + 2].contains("min"), "{screen}");
    assert!(screen.contains("Steps due today 1"), "{screen}");
    let venue = lines
        .iter()
        .find(|l| l.contains("COMAR-TIJ"))
        .unwrap_or_else(|| panic!("tomorrow at the office:\n{screen}"));
    assert!(venue.contains("COMAR-TIJ 1 COMAR"), "{screen}");

    // The selection stayed on the confirmation it was on; up to the
    // signature, and `c`: "Record this step" for it; one save.
    assert_eq!(w.app.dash.soonest.selected, 1);
    w.keys(&[KeyCode::Up, KeyCode::Char('c')]);
    assert!(w.screen().contains("Record this step"), "{}", w.screen());
    assert!(
        w.screen().contains("◀ Periodic signature ▶"),
        "the step named in the session's language:\n{}",
        w.screen()
    );
    w.save();
    assert!(w.screen().contains("Step recorded."), "{}", w.screen());
    let after = w.store.case(late.id).unwrap();
    assert_eq!(after.events.last().unwrap().step, "sign");
    let screen = w.screen();
    assert!(!screen.contains("OVERDUE"), "signed now:\n{screen}");
    assert!(!screen.contains("Steps due today"), "{screen}");

    // Enter on the office's line: the cases screen.
    w.keys(&[KeyCode::Tab]);
    let at = w
        .app
        .tomorrow_by_venue()
        .iter()
        .position(|v| v.code == "COMAR-TIJ")
        .unwrap();
    for _ in 0..at {
        w.keys(&[KeyCode::Down]);
    }
    w.keys(&[KeyCode::Enter]);
    assert_eq!(w.app.screen, albergue::tui::app::Screen::Cases);
    let _ = tomorrow;
}

/// The message pane speaks for other programs too: someone with no CBP One
/// appointment ahead and a COMAR claim to file gets the program file's
/// message for that step, in their language, the deadline in their zone.
#[test]
fn the_message_pane_gives_the_program_files_message_for_the_step_due() {
    let mut w = World::new(300, (100, 30));
    let tj = w.store.shelters().unwrap()[0].id;
    let id: i64 = rusqlite::Connection::open(&w.path)
        .unwrap()
        .query_row(
            "SELECT min(id) FROM person WHERE status = 'present' AND shelter_id = ?1
               AND id NOT IN (SELECT person_id FROM appointment WHERE person_id IS NOT NULL)",
            [tj],
            |r| r.get(0),
        )
        .unwrap();
    let person = w.store.person(id).unwrap();
    let comar = albergue::programs::in_force().get("comar").unwrap();
    let now = w.app.now;
    w.store
        .open_case(
            comar,
            &NewCase {
                household_id: person.details.household_id,
                person_id: Some(person.id),
                venue: "COMAR-TIJ".into(),
                reference: String::new(),
                scheduled_at: None,
                events: vec![("entry".into(), now - Duration::days(2))],
            },
            &Actor::new("ana"),
        )
        .unwrap();
    // From the cases screen: Enter opens the person, M their message.
    w.keys(&[KeyCode::Char('6'), KeyCode::Enter, KeyCode::Char('M')]);
    let screen = w.screen();
    assert!(
        screen.contains("Message · File the claim"),
        "the step named in the title:\n{screen}"
    );
    let lang = albergue::domain::message::Language::for_person(&person.details.languages);
    let (_, text) = w.app.person_message(lang).unwrap();
    let first = person.details.given_names.split(' ').next().unwrap();
    // Filed by 30 working days after entry: the file's text, filled.
    assert!(text.contains(first), "{text}");
    assert!(text.contains("COMAR Tijuana"), "{text}");
    assert!(!text.contains('{'), "every placeholder filled: {text}");
    let mut es = text.clone();
    if lang != albergue::domain::message::Language::Es {
        es = w
            .app
            .person_message(albergue::domain::message::Language::Es)
            .unwrap()
            .1;
    }
    assert!(
        es.starts_with(&format!("Hola, {first}. Para pedir asilo en México")),
        "{es}"
    );
    // Entry Monday 20 May, 30 working days after (weekends skipped; no
    // federal holiday falls between): the end of Monday 1 July, said as
    // its last minute, in the shelter's zone.
    assert!(
        es.contains("a más tardar el lunes 1 de julio a las 23:59 (PDT)"),
        "{es}"
    );
}

/// An outage of another program's online service, recorded from the
/// outage form: it is named by the program file's service, puts at risk
/// the cases whose step due the file marks `outage` (a COMAR claim still to
/// file), and no CBP One appointment.
#[test]
fn an_outage_of_comars_service_names_it_and_counts_its_cases_at_risk() {
    use albergue::domain::outage::CBP_ONE_SERVICE;
    let mut w = World::new(300, (100, 30));
    let member = present(&w, 1).remove(0);
    let comar = albergue::programs::in_force().get("comar").unwrap();
    let now = w.app.now;
    // Entered two days ago: the claim is to file (a step COMAR's outage blocks).
    w.store
        .open_case(
            comar,
            &NewCase {
                household_id: member.details.household_id,
                person_id: Some(member.id),
                venue: "COMAR-TIJ".into(),
                reference: String::new(),
                scheduled_at: None,
                events: vec![("entry".into(), now - Duration::days(2))],
            },
            &Actor::new("ana"),
        )
        .unwrap();
    // The demo's CBP One outage ends, so that the banner is COMAR's.
    let cbp = w
        .store
        .outages()
        .unwrap()
        .into_iter()
        .find(|o| o.is_active(now))
        .unwrap();
    w.store
        .close_outage(cbp.id, cbp.version, now, &Actor::new("ana"))
        .unwrap();
    let asks = albergue::tui::update::update(
        &mut w.app,
        albergue::tui::message::Msg::Reply(albergue::tui::message::Reply::Changed),
    );
    w.serve(asks);
    let cbp_at_risk = w.app.dashboard.as_ref().unwrap().at_risk;

    // `o`: the form; its last field chooses whose service fails.
    w.keys(&[KeyCode::Char('o')]);
    w.focus_on("f_source");
    w.type_text("COMAR's site");
    w.focus_on("f_service");
    assert_eq!(
        w.app.form.as_ref().unwrap().get("f_service"),
        CBP_ONE_SERVICE
    );
    while w.app.form.as_ref().unwrap().get("f_service") != "comar" {
        w.keys(&[KeyCode::Right]);
    }
    assert!(
        w.screen().contains("◀ COMAR (citas en línea) ▶"),
        "{}",
        w.screen()
    );
    w.save();
    assert!(w.app.form.is_none(), "{}", w.screen());
    let recorded = w
        .store
        .outages()
        .unwrap()
        .into_iter()
        .find(|o| o.service == "comar")
        .expect("recorded as COMAR's");
    assert_eq!(recorded.program(), "comar");
    let d = w.app.dashboard.as_ref().unwrap();
    assert_eq!(d.cases.at_risk, vec![(recorded.id, 1)]);
    assert_eq!(d.at_risk, cbp_at_risk, "no CBP One appointment at risk");
    let screen = w.screen();
    let banner = screen.lines().nth(1).unwrap();
    assert!(
        banner.starts_with("⚠ COMAR (citas en línea): app down since 08:00 PDT · 1 at risk"),
        "{screen}"
    );
    assert!(
        !banner.contains("list"),
        "the at-risk list is CBP One's: {banner}"
    );
    // The outages screen names the service.
    w.keys(&[KeyCode::Char('4')]);
    assert!(
        w.screen().contains("COMAR (citas en línea) · app down"),
        "{}",
        w.screen()
    );
}
