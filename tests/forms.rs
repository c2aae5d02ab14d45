//! Forms, driven by the keys a coordinator types, ending in the database.

mod common;

use albergue::actor::Actor;
use albergue::domain::{Appointment, AppointmentStatus, Ports, Step};
use albergue::i18n::Lang;
use albergue::store::{OpenMode, Store};
use albergue::tui::app::{App, Screen, SessionSettings};
use albergue::tui::keys::KeyMap;
use albergue::tui::message::{Msg, Request};
use albergue::tui::theme::Theme;
use albergue::tui::update::update;
use albergue::tui::views::say;
use albergue::tui::{views, worker};
use chrono::{DateTime, Duration};
use common::now;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::backend::TestBackend;
use ratatui::Terminal;

struct World {
    _dir: tempfile::TempDir,
    path: std::path::PathBuf,
    store: Store,
    app: App,
}

fn world() -> World {
    let dir = tempfile::tempdir().unwrap();
    let (path, store) = common::store_with(dir.path(), &common::demo_data(300, 1));
    let shelter = store.shelters().unwrap().into_iter().next();
    let app = App::new(
        now(),
        SessionSettings::local(Lang::En, Theme::COLOR, KeyMap::default(), (80, 24)),
        shelter,
    );
    let mut w = World {
        _dir: dir,
        path,
        store,
        app,
    };
    let start = w.app.start();
    w.serve(start);
    w
}

impl World {
    /// The open form's error, as the screen says it.
    fn form_error(&self) -> String {
        let form = self.app.form.as_ref().expect("a form is open");
        say(
            &self.app,
            form.error.as_ref().expect("the form has an error"),
        )
    }

    fn serve(&mut self, mut pending: Vec<Request>) {
        while let Some(r) = pending.pop() {
            let reply = worker::answer(&mut self.store, &self.app.actor, &r);
            pending.extend(update(&mut self.app, Msg::Reply(reply)));
        }
    }

    fn key(&mut self, code: KeyCode, mods: KeyModifiers) {
        let reqs = update(&mut self.app, Msg::Key(KeyEvent::new(code, mods)));
        self.serve(reqs);
    }

    fn keys(&mut self, codes: &[KeyCode]) {
        for &c in codes {
            self.key(c, KeyModifiers::NONE);
        }
    }

    fn type_text(&mut self, text: &str) {
        for c in text.chars() {
            self.key(KeyCode::Char(c), KeyModifiers::NONE);
        }
    }

    fn save(&mut self) {
        self.key(KeyCode::Char('s'), KeyModifiers::CONTROL);
    }

    fn screen(&self) -> String {
        let mut t = Terminal::new(TestBackend::new(80, 24)).unwrap();
        t.draw(|f| views::render(&self.app, f)).unwrap();
        let buf = t.backend().buffer();
        (0..24)
            .map(|y| {
                (0..80)
                    .map(|x| buf[(x, y)].symbol().to_string())
                    .collect::<String>()
            })
            .collect::<Vec<_>>()
            .join("\n")
    }
}

#[test]
fn recording_an_outage_from_the_keyboard_saves_it_with_its_audit_row() {
    let mut w = world();
    let before = w.store.outages().unwrap().len();
    w.keys(&[KeyCode::Char('o')]);
    assert!(w.app.form.is_some());
    // Step: all (one Right), ports: two codes, since 09:00 today, source.
    w.keys(&[KeyCode::Right, KeyCode::Tab]);
    w.key(KeyCode::Char('u'), KeyModifiers::CONTROL);
    w.type_text("sys, elp");
    w.keys(&[KeyCode::Tab]);
    w.key(KeyCode::Char('u'), KeyModifiers::CONTROL);
    w.type_text("today 06:00");
    w.keys(&[KeyCode::Tab, KeyCode::Tab]);
    w.type_text("CBP text message");
    w.save();
    assert!(w.app.form.is_none(), "{:?}", w.app.form);
    let outages = w.store.outages().unwrap();
    assert_eq!(outages.len(), before + 1);
    let o = outages
        .iter()
        .find(|o| o.source == "CBP text message")
        .unwrap();
    assert_eq!(o.affected_step, Step::All);
    assert_eq!(o.ports, Ports::Some(vec!["SYS".into(), "ELP".into()]));
    // 06:00 in Tijuana (PDT) is 13:00 UTC.
    assert_eq!(
        o.started_at,
        DateTime::parse_from_rfc3339("2024-05-22T13:00:00Z").unwrap()
    );
    assert_eq!(o.version, 1);
    let audit = w.store.audit_for("outage", o.id).unwrap();
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].action, "outage.create");
    assert!(w.screen().contains("Outage recorded."));
}

#[test]
fn a_bad_outage_form_stays_open_with_the_errors_beside_the_fields() {
    let mut w = world();
    let before = w.store.counts().unwrap();
    w.keys(&[KeyCode::Char('o'), KeyCode::Tab]);
    w.key(KeyCode::Char('u'), KeyModifiers::CONTROL);
    w.type_text("TIJ");
    w.keys(&[KeyCode::Tab]);
    w.key(KeyCode::Char('u'), KeyModifiers::CONTROL);
    w.type_text("2024-02-30 10:00");
    w.save();
    let form = w.app.form.as_ref().expect("the form stays open");
    let errors: Vec<(&str, bool)> = form
        .fields
        .iter()
        .map(|f| (f.label, f.error.is_some()))
        .collect();
    assert!(
        errors.contains(&("f_ports", true))
            && errors.contains(&("f_start", true))
            && errors.contains(&("f_source", true)),
        "{errors:?}"
    );
    assert_eq!(form.get("f_ports"), "TIJ", "nothing typed is lost");
    let screen = w.screen();
    assert!(
        screen.contains("port codes") && screen.contains("not a date"),
        "{screen}"
    );
    assert_eq!(w.store.counts().unwrap(), before);
}

/// Opens the outage form and moves to its source field.
/// A new outage of the login step (the demo's own outage, of the confirm
/// step at every port, is going on: the same again is refused), at its
/// source field.
fn open_outage_form_at_source(w: &mut World) {
    w.keys(&[KeyCode::Char('o'), KeyCode::Right, KeyCode::Right]);
    w.keys(&[KeyCode::Tab; 4]);
}

#[test]
fn escape_on_a_form_with_input_asks_first() {
    let mut w = world();
    open_outage_form_at_source(&mut w);
    w.type_text("news");
    w.keys(&[KeyCode::Esc]);
    assert!(w.app.form.is_some());
    assert!(w.screen().contains("Press Esc again"));
    w.keys(&[KeyCode::Char('x')]);
    assert_eq!(
        w.app.form.as_ref().unwrap().get("f_source"),
        "newsx",
        "any other key keeps editing"
    );
    w.keys(&[KeyCode::Esc, KeyCode::Esc]);
    assert!(w.app.form.is_none());
}

/// Finds a person by searching their name, as a coordinator would, and opens their page.
fn open_person(w: &mut World, id: i64, name: &str) {
    w.keys(&[KeyCode::Char('2'), KeyCode::Char('/')]);
    w.type_text(name);
    w.keys(&[KeyCode::Enter]);
    let pos = w.app.roster.at + w.app.roster.rows.iter().position(|r| r.id == id).unwrap();
    for _ in 0..pos {
        w.keys(&[KeyCode::Down]);
    }
    w.keys(&[KeyCode::Enter]);
}

/// Whether the appointment is the only one pending in its group and has
/// over an hour left to confirm.
fn travels_alone_with_time_left(a: &Appointment, pending: &[Appointment]) -> bool {
    let in_group = pending.iter().filter(|b| b.household_id == a.household_id);
    a.effective_deadline() > now() + Duration::hours(1) && in_group.count() == 1
}

/// Opens the person screen of someone travelling alone with an appointment pending.
fn open_pending_person(w: &mut World) -> (i64, i64) {
    let pending = w.store.pending_appointments().unwrap();
    let a = pending
        .iter()
        .find(|a| travels_alone_with_time_left(a, &pending))
        .cloned()
        .expect("someone travelling alone with an appointment pending");
    let person = w.store.person(a.person_id.unwrap()).unwrap();
    open_person(w, person.id, &person.full_name());
    assert_eq!(w.app.screen, Screen::Person);
    (a.id, person.id)
}

#[test]
fn recording_a_confirmation_saves_the_number_with_version_and_audit() {
    let mut w = world();
    let (appointment, person) = open_pending_person(&mut w);
    w.keys(&[KeyCode::Char('c')]);
    w.type_text("ab12-cd34");
    // Number, time, then how it reached the shelter: an email.
    w.keys(&[
        KeyCode::Enter,
        KeyCode::Enter,
        KeyCode::Right,
        KeyCode::Enter,
    ]);
    assert!(w.app.form.is_none(), "{:?}", w.app.form);
    let a = w.store.appointment(appointment).unwrap();
    assert_eq!(a.status, AppointmentStatus::Confirmed);
    assert_eq!(a.confirmation_number.as_deref(), Some("AB12CD34"));
    assert_eq!(a.version, 2);
    assert!(w
        .store
        .audit_for_person(person)
        .unwrap()
        .iter()
        .any(|e| e.action == "appointment.confirm"));
    assert!(w.screen().contains("Confirmation recorded."));
    let c = rusqlite::Connection::open(&w.path).unwrap();
    let channel: String = c
        .query_row(
            "SELECT confirmation_channel FROM appointment WHERE id = ?1",
            [appointment],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(channel, "email");
}

#[test]
fn a_confirmation_saved_by_another_coordinator_first_is_shown_as_a_conflict() {
    let mut w = world();
    let (appointment, _) = open_pending_person(&mut w);
    w.keys(&[KeyCode::Char('c')]);
    w.type_text("ZZ998877");
    // Meanwhile, in another process, Luis confirms it.
    let mut other = Store::open(&w.path, OpenMode::Existing).unwrap();
    let a = other.appointment(appointment).unwrap();
    other
        .confirm_appointment(
            appointment,
            a.version,
            "LU123456",
            now(),
            &Actor::new("luis"),
        )
        .unwrap();
    w.save();
    let form = w.app.form.as_ref().expect("the form stays open");
    let err = say(&w.app, form.error.as_ref().unwrap());
    assert!(err.contains("luis"), "{err}");
    assert_eq!(form.get("f_number"), "ZZ998877", "the typed number is kept");
    assert_eq!(
        w.store
            .appointment(appointment)
            .unwrap()
            .confirmation_number
            .as_deref(),
        Some("LU123456")
    );
}

#[test]
fn granting_an_extension_reaches_every_appointment_at_risk() {
    let mut w = world();
    w.keys(&[KeyCode::Char('4')]);
    let outage = w.app.outages.outages[0].clone();
    assert!(outage.is_active(now()));
    let at_risk = w.store.at_risk_from(outage.id).unwrap();
    assert!(!at_risk.is_empty());
    w.keys(&[KeyCode::Char('E')]);
    assert!(w
        .screen()
        .contains(&format!("{} appointments at risk", at_risk.len())));
    w.type_text("+2d 12:00");
    w.keys(&[KeyCode::Enter]);
    assert!(w.app.form.is_none(), "{:?}", w.app.form);
    let until = DateTime::parse_from_rfc3339("2024-05-24T19:00:00Z").unwrap();
    for a in &at_risk {
        assert_eq!(
            w.store.appointment(a.id).unwrap().extended_until,
            Some(until.into())
        );
    }
    assert_eq!(
        w.store.outage(outage.id).unwrap().extension_until,
        Some(until.into())
    );
    assert!(w
        .screen()
        .contains(&format!("Extension granted to {}", at_risk.len())));
}

#[test]
fn the_outage_form_in_both_languages() {
    for (lang, name) in [(Lang::En, "outage_form_en"), (Lang::Es, "outage_form_es")] {
        let mut w = world();
        w.app.lang = lang;
        w.keys(&[KeyCode::Char('o'), KeyCode::Tab]);
        let mut t = Terminal::new(TestBackend::new(80, 24)).unwrap();
        t.draw(|f| views::render(&w.app, f)).unwrap();
        insta::assert_snapshot!(name, t.backend());
    }
}

#[test]
fn marking_an_appointment_missed_asks_then_saves_with_its_audit_row() {
    let mut w = world();
    let (appointment, person) = open_pending_person(&mut w);
    w.keys(&[KeyCode::Char('m')]);
    assert!(w.screen().contains("to confirm → missed"), "{}", w.screen());
    w.keys(&[KeyCode::Esc]);
    assert_eq!(
        w.store.appointment(appointment).unwrap().status,
        AppointmentStatus::PendingConfirmation
    );
    w.keys(&[KeyCode::Char('m'), KeyCode::Enter]);
    let a = w.store.appointment(appointment).unwrap();
    assert_eq!((a.status, a.version), (AppointmentStatus::Missed, 2));
    let trail = w.store.audit_for_person(person).unwrap();
    assert_eq!(
        trail.last().unwrap().summary,
        "pending_confirmation -> missed"
    );
    // Presented is not allowed from missed: nothing to change.
    w.keys(&[KeyCode::Char('p')]);
    assert!(w.app.form.is_none());
    assert!(w.screen().contains("no appointment that can change"));
}

#[test]
fn recording_that_someone_crossed_saves_status_and_day() {
    let mut w = world();
    let (_, person) = open_pending_person(&mut w);
    w.keys(&[KeyCode::Char('d'), KeyCode::Tab]);
    w.key(KeyCode::Char('u'), KeyModifiers::CONTROL);
    w.type_text("tomorrow");
    // Enter moves on to the question about the pending appointment, and
    // saves there (the last field).
    w.keys(&[KeyCode::Enter, KeyCode::Enter]);
    let p = w.store.person(person).unwrap();
    assert_eq!(p.details.status, albergue::domain::PersonStatus::Crossed);
    assert_eq!(
        p.details.departure_date,
        chrono::NaiveDate::from_ymd_opt(2024, 5, 23)
    );
    assert_eq!(p.version, 2);
    assert_eq!(
        w.store
            .audit_for("person", person)
            .unwrap()
            .last()
            .unwrap()
            .summary,
        "changed: departure_date, status"
    );
}

/// Opens the person page of a member of a group with several travellers pending.
fn open_group_member(w: &mut World) -> Vec<i64> {
    let mut by_household: std::collections::BTreeMap<i64, Vec<(i64, i64)>> = Default::default();
    for a in w.store.pending_appointments().unwrap() {
        if a.effective_deadline() > now() + Duration::hours(1) {
            by_household
                .entry(a.household_id)
                .or_default()
                .push((a.person_id.unwrap(), a.id));
        }
    }
    let (_, group) = by_household
        .into_iter()
        .find(|(_, v)| v.len() >= 2)
        .expect("a group pending in the demo");
    let person = w.store.person(group[0].0).unwrap();
    open_person(w, person.id, &person.full_name());
    group.into_iter().map(|(_, a)| a).collect()
}

#[test]
fn one_form_confirms_a_whole_group_in_one_transaction() {
    let mut w = world();
    let appointments = open_group_member(&mut w);
    w.keys(&[KeyCode::Char('c')]);
    let form = w.app.form.as_ref().unwrap();
    assert_eq!(
        form.fields.len(),
        appointments.len() + 2,
        "a number per traveller, the time and the channel"
    );
    for (i, _) in appointments.iter().enumerate() {
        w.type_text(&format!("GRP{i:05}X"));
        w.keys(&[KeyCode::Tab]);
    }
    w.save();
    assert!(w.app.form.is_none(), "{:?}", w.app.form);
    for (i, id) in appointments.iter().enumerate() {
        let a = w.store.appointment(*id).unwrap();
        assert_eq!(a.status, AppointmentStatus::Confirmed);
        assert_eq!(a.confirmation_number.unwrap(), format!("GRP{i:05}X"));
    }
}

#[test]
fn a_group_with_one_bad_number_saves_nobody() {
    let mut w = world();
    let appointments = open_group_member(&mut w);
    // Someone else already holds the number typed for the second traveller.
    let taken = w
        .store
        .pending_appointments()
        .unwrap()
        .into_iter()
        .find(|a| !appointments.contains(&a.id))
        .unwrap();
    w.store
        .confirm_appointment(
            taken.id,
            taken.version,
            "TAKEN123",
            now(),
            &Actor::new("luis"),
        )
        .unwrap();
    w.keys(&[KeyCode::Char('c')]);
    w.type_text("FIRST123");
    w.keys(&[KeyCode::Tab]);
    w.type_text("TAKEN123");
    w.save();
    assert!(w.app.form.is_some(), "the form stays open");
    assert!(w.form_error().contains("TAKEN123"), "{}", w.form_error());
    for id in &appointments {
        assert_eq!(
            w.store.appointment(*id).unwrap().status,
            AppointmentStatus::PendingConfirmation
        );
    }
}

#[test]
fn an_appointment_is_scheduled_in_the_ports_own_time() {
    let mut w = world();
    let (_, person) = open_pending_person(&mut w);
    let before = w.store.appointments_for_person(person).unwrap().len();
    w.keys(&[KeyCode::Char('n')]);
    // SYS, CXL, NOG, ELP: three to the right.
    w.keys(&[KeyCode::Right, KeyCode::Right, KeyCode::Right]);
    assert!(
        w.screen().contains("Time at the port now: 09:00 MDT"),
        "{}",
        w.screen()
    );
    assert!(
        w.screen()
            .contains("Confirm by 23 May 08:00 MDT · Thu 23 May 07:00 PDT"),
        "{}",
        w.screen()
    );
    w.keys(&[KeyCode::Tab]);
    w.type_text("2024-11-03 01:30");
    w.save();
    // El Paso repeats 01:30 that night: asked, never guessed.
    let form = w.app.form.as_ref().expect("refused, form kept");
    let err = say(&w.app, form.fields[1].error.as_ref().unwrap());
    assert!(err.contains("twice"), "{err}");
    w.key(KeyCode::Char('u'), KeyModifiers::CONTROL);
    w.type_text("10/06/2024 09:00");
    w.keys(&[KeyCode::Enter, KeyCode::Enter]);
    assert!(w.app.form.is_none(), "{:?}", w.app.form);
    let appts = w.store.appointments_for_person(person).unwrap();
    assert_eq!(appts.len(), before + 1);
    let a = appts.iter().find(|a| a.port_code == "ELP").unwrap();
    assert_eq!(
        a.appointment_at.to_rfc3339(),
        "2024-06-10T15:00:00+00:00",
        "09:00 MDT"
    );
    assert_eq!(a.allocated_at, now());
    assert_eq!(a.confirm_deadline, now() + Duration::hours(23));
    assert!(w.screen().contains("Appointment scheduled."));
}

#[test]
fn a_confirmation_for_someone_found_by_search_takes_at_most_12_keystrokes_from_the_dashboard() {
    let mut w = world();
    assert_eq!(w.app.screen, Screen::Dashboard);
    // Someone travelling alone with an appointment pending, and the shortest
    // bit of their name that finds only them (words match anywhere, as typed).
    let pending = w.store.pending_appointments().unwrap();
    let rows = w.store.roster(now()).unwrap();
    let finds_only = |q: &str, id: i64| {
        let words: Vec<&str> = q.split(' ').filter(|w| !w.is_empty()).collect();
        let hits: Vec<i64> = rows
            .iter()
            .filter(|r| words.iter().all(|w| r.folded.contains(w)))
            .map(|r| r.id)
            .collect();
        hits == [id]
    };
    let (a, query) = pending
        .iter()
        .filter(|a| travels_alone_with_time_left(a, &pending))
        .filter_map(|a| {
            let id = a.person_id?;
            let folded = albergue::domain::names::fold(&w.store.person(id).ok()?.full_name());
            let chars: Vec<char> = folded.chars().collect();
            (3..=chars.len())
                .flat_map(|n| {
                    chars
                        .windows(n)
                        .map(|x| x.iter().collect::<String>())
                        .collect::<Vec<_>>()
                })
                .find(|q| !q.starts_with(' ') && !q.ends_with(' ') && finds_only(q, id))
                .map(|q| (a.clone(), q))
        })
        .min_by_key(|(_, q)| q.chars().count())
        .expect("someone a few letters find");
    let mut keystrokes = 0;
    let mut press = |w: &mut World, code: KeyCode, mods: KeyModifiers| {
        keystrokes += 1;
        w.key(code, mods);
    };
    press(&mut w, KeyCode::Char('2'), KeyModifiers::NONE);
    press(&mut w, KeyCode::Char('/'), KeyModifiers::NONE);
    for c in query.chars() {
        press(&mut w, KeyCode::Char(c), KeyModifiers::NONE);
    }
    press(&mut w, KeyCode::Enter, KeyModifiers::NONE);
    press(&mut w, KeyCode::Enter, KeyModifiers::NONE);
    press(&mut w, KeyCode::Char('c'), KeyModifiers::NONE);
    // The confirmation number itself is what is being recorded, not a keystroke spent finding it.
    w.type_text("QK771204");
    press(&mut w, KeyCode::Char('s'), KeyModifiers::CONTROL);
    assert_eq!(
        w.store
            .appointment(a.id)
            .unwrap()
            .confirmation_number
            .as_deref(),
        Some("QK771204")
    );
    assert!(
        keystrokes <= 12,
        "{keystrokes} keystrokes with the query {query:?}"
    );
}

#[test]
fn adding_a_person_makes_their_group_and_asks_about_look_alikes() {
    let mut w = world();
    let before = w.store.counts().unwrap();
    let fill = |w: &mut World| {
        w.keys(&[KeyCode::Char('2'), KeyCode::Char('a')]);
        w.type_text("Dieudonné");
        w.keys(&[KeyCode::Tab]);
        w.type_text("Jean-Baptiste");
        w.keys(&[KeyCode::Tab]);
        w.type_text("14/02/1988");
        w.keys(&[KeyCode::Tab, KeyCode::Right, KeyCode::Right, KeyCode::Tab]);
        w.type_text("Hai");
    };
    fill(&mut w);
    assert!(
        w.screen().contains("Haiti (HTI)"),
        "type-ahead: {}",
        w.screen()
    );
    w.type_text("tí");
    w.save();
    assert!(w.app.form.is_none(), "{:?}", w.app.form);
    let after = w.store.counts().unwrap();
    assert_eq!(
        (after.people, after.households),
        (before.people + 1, before.households + 1)
    );
    let p = &w.store.search_people("dieudonne jean baptiste", 5).unwrap()[0];
    assert_eq!(p.details.nationality, "HTI");
    assert_eq!(p.details.sex, albergue::domain::Sex::Male);
    assert_eq!(
        p.details.birth_date,
        chrono::NaiveDate::from_ymd_opt(1988, 2, 14)
    );
    assert_eq!(
        w.store.household(p.details.household_id).unwrap().label,
        "Jean-Baptiste"
    );
    assert_eq!(
        w.store.audit_for("person", p.id).unwrap()[0].action,
        "person.create"
    );

    // The same name and birth date again: shown, not added, until saved a second time.
    fill(&mut w);
    w.type_text("tí");
    w.save();
    let err = w.form_error();
    assert!(err.contains(&format!("#{}", p.id)), "{err}");
    assert_eq!(w.store.counts().unwrap().people, before.people + 1);
    w.save();
    assert!(w.app.form.is_none());
    assert_eq!(w.store.counts().unwrap().people, before.people + 2);
}

#[test]
fn editing_a_person_saves_only_over_the_version_it_read() {
    let mut w = world();
    let (_, person) = open_pending_person(&mut w);
    w.keys(&[KeyCode::Char('e')]);
    // Phone is the seventh field.
    for _ in 0..6 {
        w.keys(&[KeyCode::Tab]);
    }
    w.key(KeyCode::Char('u'), KeyModifiers::CONTROL);
    w.type_text("+52 899 000 1111");
    // Another coordinator edits the notes first.
    let mut other = Store::open(&w.path, OpenMode::Existing).unwrap();
    let p = other.person(person).unwrap();
    let mut d = p.details.clone();
    d.notes = "Needs a wheelchair".into();
    other
        .update_person(person, p.version, &d, &Actor::new("luis"))
        .unwrap();
    w.save();
    let err = w.form_error();
    assert!(err.contains("luis"), "{err}");
    let now_saved = w.store.person(person).unwrap();
    assert_eq!(
        now_saved.details.notes, "Needs a wheelchair",
        "their save stands"
    );
    assert_ne!(now_saved.details.phone.as_deref(), Some("+52 899 000 1111"));
    // The form says what they changed, and lays this edit over theirs.
    assert_eq!(
        w.app.form.as_ref().unwrap().conflict_rows(),
        [("f_notes", String::new(), "Needs a wheelchair".to_string())]
    );
    w.key(KeyCode::Char('r'), KeyModifiers::CONTROL);
    let form = w.app.form.as_ref().unwrap();
    assert_eq!(form.get("f_notes"), "Needs a wheelchair");
    assert_eq!(form.get("f_phone"), "+52 899 000 1111");
    w.save();
    assert!(w.app.form.is_none(), "{:?}", w.app.form);
    let p = w.store.person(person).unwrap();
    assert_eq!(p.details.phone.as_deref(), Some("+52 899 000 1111"));
    assert_eq!(p.details.notes, "Needs a wheelchair");
    assert_eq!(p.version, 3);
    assert_eq!(
        w.store
            .audit_for("person", person)
            .unwrap()
            .last()
            .unwrap()
            .summary,
        "changed: phone"
    );
}

#[test]
fn a_form_keeps_its_input_when_another_coordinator_saves() {
    let mut w = world();
    open_outage_form_at_source(&mut w);
    w.type_text("radio");
    let reqs = update(
        &mut w.app,
        Msg::Reply(albergue::tui::message::Reply::Changed),
    );
    w.serve(reqs);
    let form = w.app.form.as_ref().expect("still open");
    assert_eq!(form.get("f_source"), "radio");
    assert_eq!(form.focus, 4);
}

#[test]
fn hostile_and_unusual_person_input_is_stored_faithfully_or_refused() {
    // (given names typed, family names typed, accepted?)
    let cases: [(&str, &str, bool); 7] = [
        ("José", "Núñez", true),
        ("Jose\u{301}", "O'Neil", true), // combining accent, apostrophe
        ("Marie-Ange", "Saint-Fleur", true), // Haitian
        ("محمد", "العلي", true),         // Arabic
        ("Ana 🌵", "Pérez", true),       // emoji
        ("", "Pérez", false),            // empty given names
        ("Eve\u{1b}[2J", "X", true),     // typed escape: the field drops control characters
    ];
    for (given, family, accepted) in cases {
        let mut w = world();
        let before = w.store.counts().unwrap().people;
        w.keys(&[KeyCode::Char('2'), KeyCode::Char('a')]);
        update(&mut w.app, Msg::Paste(given.into()));
        w.keys(&[KeyCode::Tab]);
        update(&mut w.app, Msg::Paste(family.into()));
        w.keys(&[KeyCode::Tab, KeyCode::Tab, KeyCode::Tab]);
        w.type_text("HND");
        // On to notes, past the shelter a new household goes to.
        for _ in 0..7 {
            w.keys(&[KeyCode::Tab]);
        }
        update(&mut w.app, Msg::Paste("x".repeat(10_000)));
        w.save();
        let after = w.store.counts().unwrap().people;
        assert_eq!(
            after == before + 1,
            accepted,
            "{given:?} {family:?}: {:?}",
            w.app.form.as_ref().map(|f| &f.fields)
        );
        if accepted {
            let p = w
                .store
                .person(w.store.roster(now()).unwrap().last().unwrap().id)
                .unwrap();
            assert!(!p.full_name().chars().any(char::is_control));
            // A paste past the limit keeps what fits (the field says so).
            assert_eq!(p.details.notes.len(), albergue::domain::person::NOTES_MAX);
            let screen = w.screen();
            assert!(
                !screen.chars().any(|c| c.is_control() && c != '\n'),
                "{screen:?}"
            );
        }
    }
}

#[test]
fn notes_take_several_lines() {
    let mut w = world();
    w.keys(&[KeyCode::Char('2'), KeyCode::Char('a')]);
    w.type_text("Ana");
    for _ in 0..4 {
        w.keys(&[KeyCode::Tab]);
    }
    w.type_text("HND");
    // On to notes, past the shelter a new household goes to.
    for _ in 0..7 {
        w.keys(&[KeyCode::Tab]);
    }
    w.type_text("línea 1");
    w.key(KeyCode::Enter, KeyModifiers::ALT);
    w.type_text("línea 2");
    assert!(w.screen().contains("línea 1⏎línea 2"), "{}", w.screen());
    w.save();
    let p = &w
        .store
        .search_people("ana", 50)
        .unwrap()
        .into_iter()
        .find(|p| p.details.notes.starts_with("línea"))
        .unwrap();
    assert_eq!(p.details.notes, "línea 1\nlínea 2");
}

#[test]
fn a_save_that_finds_the_database_busy_says_so_and_keeps_the_input() {
    let mut w = world();
    let (appointment, _) = open_pending_person(&mut w);
    w.keys(&[KeyCode::Char('c')]);
    w.type_text("BUSY1234");
    // Another process holds the write lock longer than the busy timeout.
    let other = rusqlite::Connection::open(&w.path).unwrap();
    other.execute_batch("BEGIN IMMEDIATE").unwrap();
    w.save();
    let form = w.app.form.as_ref().expect("kept open");
    assert!(w.form_error().contains("busy"), "{}", w.form_error());
    // The refusal is kept as what happened, not as English text: in a
    // Spanish session the same state reads in Spanish.
    w.app.lang = Lang::Es;
    assert!(w.form_error().contains("ocupada"), "{}", w.form_error());
    w.app.lang = Lang::En;
    assert_eq!(form.get("f_number"), "BUSY1234");
    other.execute_batch("ROLLBACK").unwrap();
    w.save();
    assert!(w.app.form.is_none());
    assert_eq!(
        w.store
            .appointment(appointment)
            .unwrap()
            .confirmation_number
            .as_deref(),
        Some("BUSY1234")
    );
}

#[test]
fn a_users_keys_file_moves_save_and_every_hint_follows() {
    let mut w = world();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("keys.toml");
    std::fs::write(&file, "form_save = [\"F2\"]\nform_cancel = [\"F10\"]\n").unwrap();
    w.app.keys = KeyMap::load(&file).unwrap();
    let before = w.store.outages().unwrap().len();
    open_outage_form_at_source(&mut w);
    w.type_text("CBP text message");
    let screen = w.screen();
    assert!(
        screen.contains("F2 save") && screen.contains("F10 cancel"),
        "the form's hint names the new keys:\n{screen}"
    );
    assert!(!screen.contains("Ctrl-S"), "{screen}");
    w.save();
    assert!(w.app.form.is_some(), "Ctrl-S no longer saves");
    w.keys(&[KeyCode::Esc]);
    assert!(w.app.form.is_some(), "Esc no longer cancels");
    w.keys(&[KeyCode::F(10)]);
    assert!(w.screen().contains("Press F10 again"), "{}", w.screen());
    w.keys(&[KeyCode::F(2)]);
    assert!(w.app.form.is_none(), "{:?}", w.app.form);
    assert_eq!(w.store.outages().unwrap().len(), before + 1);
}

#[test]
fn recording_a_departure_cancels_their_appointment_in_the_same_commit() {
    let mut w = world();
    let to_confirm = w.store.pending_appointments().unwrap().len();
    let (appointment, person) = open_pending_person(&mut w);
    // Leaving as: crossed → departed.
    w.keys(&[KeyCode::Char('d'), KeyCode::Right]);
    w.save();
    assert!(w.app.form.is_none(), "{}", w.screen());
    let p = w.store.person(person).unwrap();
    assert_eq!(p.details.status, albergue::domain::PersonStatus::Departed);
    let a = w.store.appointment(appointment).unwrap();
    assert_eq!((a.status, a.version), (AppointmentStatus::Cancelled, 2));
    let trail = w.store.audit_for("appointment", appointment).unwrap();
    assert_eq!(
        trail.last().unwrap().summary,
        "pending_confirmation -> cancelled (person departed)"
    );
    // No longer one to confirm, anywhere.
    let pending = w.store.pending_appointments().unwrap();
    assert_eq!(pending.len(), to_confirm - 1);
    assert!(pending.iter().all(|x| x.id != appointment));
    let d = w.store.dashboard(now(), now().date_naive(), 60).unwrap();
    assert!(d.soonest.iter().all(|l| l.appointment.id != appointment));
}

#[test]
fn someone_who_crossed_with_a_confirmed_appointment_presented_it() {
    let mut w = world();
    // Someone present, travelling alone, with an appointment confirmed.
    let confirmed = w
        .store
        .appointments_between(now() - Duration::days(40), now() + Duration::days(40))
        .unwrap()
        .into_iter()
        .map(|l| l.appointment)
        .find(|a| {
            a.status == AppointmentStatus::Confirmed
                && a.person_id.is_some_and(|p| {
                    let p = w.store.person(p).unwrap();
                    p.details.status == albergue::domain::PersonStatus::Present
                        && w.store
                            .household_members(p.details.household_id)
                            .unwrap()
                            .len()
                            == 1
                })
        })
        .expect("someone alone with a confirmed appointment");
    let person = w.store.person(confirmed.person_id.unwrap()).unwrap();
    open_person(&mut w, person.id, &person.full_name());
    // Crossed on the day of the appointment (a day before it is refused).
    let port = albergue::domain::port::by_code(&confirmed.port_code).unwrap();
    let day = port.local_time(confirmed.appointment_at).date_naive();
    w.keys(&[KeyCode::Char('d'), KeyCode::Tab]);
    w.key(KeyCode::Char('u'), KeyModifiers::CONTROL);
    w.type_text(&day.to_string());
    w.save();
    let a = w.store.appointment(confirmed.id).unwrap();
    assert_eq!(a.status, AppointmentStatus::Presented);
}

#[test]
fn a_person_who_crossed_is_not_to_confirm_though_which_appointment_they_used_is_left_open() {
    let mut w = world();
    let store = &mut w.store;
    let pending = store.pending_appointments().unwrap();
    let a = pending
        .iter()
        .find(|a| a.person_id.is_some() && a.effective_deadline() > now())
        .unwrap()
        .clone();
    let person = store.person(a.person_id.unwrap()).unwrap();
    let before = store.dashboard(now(), now().date_naive(), 60).unwrap();
    let outage = store.outages().unwrap().into_iter().find(|o| {
        store
            .at_risk_lines(o.id)
            .unwrap()
            .iter()
            .any(|l| l.appointment.id == a.id)
    });
    let mut details = person.details.clone();
    details.status = albergue::domain::PersonStatus::Crossed;
    details.departure_date = Some(now().date_naive());
    store
        .update_person(
            person.id,
            person.version,
            &details,
            &albergue::actor::Actor::new("t"),
        )
        .unwrap();
    // The appointment is as it was (a pending one: a coordinator says
    // which appointment they crossed with)...
    let after = store.appointment(a.id).unwrap();
    assert_eq!((after.status, after.version), (a.status, a.version));
    // ...but nobody has to act for it any more.
    assert!(store
        .pending_appointments()
        .unwrap()
        .iter()
        .all(|x| x.id != a.id));
    let d = store.dashboard(now(), now().date_naive(), 60).unwrap();
    assert!(d.soonest.iter().all(|l| l.appointment.id != a.id));
    assert_eq!(
        d.open_pending,
        before.open_pending - 1,
        "no longer counted as open"
    );
    if let Some(o) = outage {
        assert!(store
            .at_risk_lines(o.id)
            .unwrap()
            .iter()
            .all(|l| l.appointment.id != a.id));
    }
}

/// The outages screen with the outage going on selected: (id, version).
fn active_outage(w: &mut World) -> (i64, i64) {
    w.keys(&[KeyCode::Char('4')]);
    let o = w
        .app
        .outages
        .selected()
        .expect("an outage is selected")
        .clone();
    assert!(o.is_active(now()), "the active one comes first");
    (o.id, o.version)
}

#[test]
fn cbp_one_working_again_ends_the_outage_after_asking_and_the_banner_goes() {
    let mut w = world();
    w.keys(&[KeyCode::Char('1')]);
    assert!(
        w.screen().contains("confirmation failing since"),
        "{}",
        w.screen()
    );
    let (id, version) = active_outage(&mut w);
    w.keys(&[KeyCode::Char('r')]);
    let asked = w.screen();
    assert!(asked.contains("The service works again"), "{asked}");
    assert!(asked.contains("The outage ends now"), "{asked}");
    w.keys(&[KeyCode::Esc]);
    assert_eq!(
        w.store.outage(id).unwrap().ended_at,
        None,
        "Esc keeps it going"
    );

    w.keys(&[KeyCode::Char('r'), KeyCode::Enter]);
    let o = w.store.outage(id).unwrap();
    assert_eq!((o.ended_at, o.version), (Some(now()), version + 1));
    let trail = w.store.audit_for("outage", id).unwrap();
    assert_eq!(trail.last().unwrap().action, "outage.close");
    assert!(
        w.screen().contains("Outage marked resolved."),
        "{}",
        w.screen()
    );
    // The banner and the at-risk counts follow at once.
    w.keys(&[KeyCode::Char('1')]);
    let dashboard = w.screen();
    assert!(
        !dashboard.contains("confirmation failing since"),
        "{dashboard}"
    );
    // Resolving it again says it is over.
    w.keys(&[KeyCode::Char('4'), KeyCode::Char('r')]);
    assert!(w.app.form.is_none());
    assert!(w.screen().contains("already over"), "{}", w.screen());
}

#[test]
fn an_outage_is_corrected_in_its_own_form_and_the_audit_names_the_field() {
    let mut w = world();
    let (id, version) = active_outage(&mut w);
    let before = w.store.outage(id).unwrap();
    w.keys(&[KeyCode::Char('e')]);
    let form = w.app.form.as_ref().expect("the form opened");
    assert_eq!(form.get("f_source"), before.source, "filled in");
    // Step, ports, start, end: to the source.
    w.keys(&[KeyCode::Tab, KeyCode::Tab, KeyCode::Tab, KeyCode::Tab]);
    w.key(KeyCode::Char('u'), KeyModifiers::CONTROL);
    w.type_text("Radio Tijuana");
    w.save();
    assert!(w.app.form.is_none(), "{}", w.screen());
    let o = w.store.outage(id).unwrap();
    assert_eq!(
        (o.source.as_str(), o.version),
        ("Radio Tijuana", version + 1)
    );
    assert_eq!(
        (o.affected_step, o.started_at, o.ended_at),
        (before.affected_step, before.started_at, before.ended_at),
        "the rest as it was"
    );
    let trail = w.store.audit_for("outage", id).unwrap();
    let last = trail.last().unwrap();
    assert_eq!(
        (last.action.as_str(), last.summary.as_str()),
        ("outage.update", "changed: source")
    );
    assert!(w.screen().contains("Outage corrected."), "{}", w.screen());
}

#[test]
fn the_most_urgent_confirmation_takes_two_keys_and_the_number_from_a_fresh_start() {
    let mut w = world();
    let first = w.app.soonest()[0]
        .appointment()
        .unwrap()
        .appointment
        .clone();
    let mut keys = 0;
    // `c` on the dashboard: the first of "Due soonest" is selected.
    w.keys(&[KeyCode::Char('c')]);
    keys += 1;
    assert!(w.screen().contains("Record confirmation"), "{}", w.screen());
    w.type_text("DASH4242");
    w.save();
    keys += 1;
    let a = w.store.appointment(first.id).unwrap();
    assert_eq!(a.status, AppointmentStatus::Confirmed);
    assert_eq!(a.confirmation_number.as_deref(), Some("DASH4242"));
    assert!(keys <= 4, "{keys} keystrokes besides the number");
    // The list no longer holds it; the selection is on the next one.
    assert!(w
        .app
        .soonest()
        .iter()
        .all(|l| l.appointment().unwrap().appointment.id != first.id));
}

#[test]
fn the_dashboard_lists_are_selectable_and_open_what_they_show() {
    let mut w = world();
    let second = w.app.soonest()[1].appointment().unwrap().clone();
    w.keys(&[KeyCode::Down]);
    assert_eq!(w.app.dash.soonest.selected, 1);
    // Enter opens the traveller.
    w.keys(&[KeyCode::Enter]);
    assert_eq!(w.app.screen, Screen::Person);
    assert_eq!(
        w.app.person.as_ref().map(|p| p.person.id),
        second.appointment.person_id
    );
    // Back to the dashboard, same selection; Tab to tomorrow's ports.
    w.keys(&[KeyCode::Esc]);
    assert_eq!(w.app.screen, Screen::Dashboard);
    assert_eq!(w.app.dash.soonest.selected, 1);
    // Someone travels tomorrow at 10:00 in El Paso (16:00 UTC).
    let p = w
        .store
        .person(second.appointment.person_id.unwrap())
        .unwrap();
    w.store
        .create_appointment(
            &albergue::store::NewAppointment {
                household_id: p.details.household_id,
                person_id: Some(p.id),
                port_code: "ELP".into(),
                appointment_at: now() + Duration::hours(25),
                allocated_at: now() - Duration::hours(1),
            },
            &Actor::new("test"),
        )
        .unwrap();
    w.serve(vec![Request::Dashboard {
        now: now(),
        today: now().date_naive(),
        tz: chrono_tz::UTC,
    }]);
    w.keys(&[KeyCode::Tab]);
    assert_eq!(w.app.dash.panel, albergue::tui::app::Panel::Tomorrow);
    assert!(w.screen().contains("ELP"), "{}", w.screen());
    w.keys(&[KeyCode::Enter]);
    assert_eq!(w.app.screen, Screen::Appointments);
    assert_eq!(
        w.app.appointments.day,
        Some(now().date_naive() + Duration::days(1))
    );
}

#[test]
fn the_changes_read_as_sentences_in_the_interface_language() {
    let mut w = world();
    let (appointment, _) = open_pending_person(&mut w);
    let port = w.store.appointment(appointment).unwrap().port_code;
    let port = albergue::domain::port::by_code(&port).unwrap().name.clone();
    w.keys(&[KeyCode::Char('c')]);
    w.type_text("SENT1234");
    w.save();
    let screen = w.screen();
    assert!(
        screen.contains(&format!("confirmed the appointment at {port}")),
        "{screen}"
    );
    assert!(!screen.contains("appointment.confirm"), "{screen}");
    w.app.lang = Lang::Es;
    let screen = w.screen();
    assert!(
        screen.contains(&format!("confirmó la cita de {port}")),
        "{screen}"
    );
}

#[test]
fn the_resolve_question_in_both_languages_at_80x24_and_60x20() {
    for (lang, tag) in [(Lang::En, "en"), (Lang::Es, "es")] {
        for (cols, rows) in [(80u16, 24u16), (60, 20)] {
            let mut w = world();
            w.app.lang = lang;
            w.app.size = (cols, rows);
            active_outage(&mut w);
            w.keys(&[KeyCode::Char('r')]);
            let mut t = Terminal::new(TestBackend::new(cols, rows)).unwrap();
            t.draw(|f| views::render(&w.app, f)).unwrap();
            insta::assert_snapshot!(format!("resolve_outage_{tag}_{cols}x{rows}"), t.backend());
        }
    }
}

#[test]
fn a_group_form_at_60_columns_shows_every_travellers_whole_name() {
    let mut w = world();
    w.app.size = (60, 20);
    open_group_member(&mut w);
    w.keys(&[KeyCode::Char('c')]);
    let Some(albergue::tui::forms::FormKind::ConfirmGroup { travellers }) =
        w.app.form.as_ref().map(|f| f.kind.clone())
    else {
        panic!("the group form is open");
    };
    let mut t = Terminal::new(TestBackend::new(60, 20)).unwrap();
    t.draw(|f| views::render(&w.app, f)).unwrap();
    let screen = format!("{}", t.backend());
    assert!(travellers
        .iter()
        .any(|(_, _, name)| name.chars().count() > 17));
    for (_, _, name) in &travellers {
        assert!(screen.contains(name.as_str()), "{name} cut:\n{screen}");
    }
}

#[test]
fn leaving_as_crossed_asks_what_becomes_of_an_appointment_still_to_confirm() {
    for (answer, expected) in [
        (None, AppointmentStatus::PendingConfirmation),
        (Some(KeyCode::Right), AppointmentStatus::Cancelled),
    ] {
        let mut w = world();
        let (appointment, person) = open_pending_person(&mut w);
        // Leaving as crossed (the first choice), today; the question last.
        w.keys(&[KeyCode::Char('d')]);
        assert!(w.screen().contains("If crossed"), "{}", w.screen());
        assert!(w.screen().contains("keep the pending appointment"));
        if let Some(key) = answer {
            w.keys(&[KeyCode::Tab, KeyCode::Tab, key]);
            assert!(w.screen().contains("cancel it (crossed another way)"));
        }
        w.save();
        assert!(w.app.form.is_none(), "{}", w.screen());
        let p = w.store.person(person).unwrap();
        assert_eq!(p.details.status, albergue::domain::PersonStatus::Crossed);
        let a = w.store.appointment(appointment).unwrap();
        assert_eq!(a.status, expected);
        if expected == AppointmentStatus::Cancelled {
            let trail = w.store.audit_for("appointment", appointment).unwrap();
            assert_eq!(
                trail.last().unwrap().summary,
                "pending_confirmation -> cancelled (person crossed)"
            );
        }
    }
}
