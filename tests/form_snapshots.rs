//! Every form on a phone (40×20), the focus on its last field: the field,
//! its keys and the form's question are on screen, nothing below it.

mod common;

use common::world::World;
use crossterm::event::{KeyCode, KeyModifiers};

/// Opens the person screen of person `id` through the roster's search.
fn open_person(w: &mut World, id: i64) {
    let name = w.store.person(id).unwrap().full_name();
    w.keys(&[KeyCode::Char('2'), KeyCode::Char('/')]);
    w.type_text(&name);
    w.keys(&[KeyCode::Enter]);
    while w.app.roster.selected_row().map(|r| r.id) != Some(id) {
        w.keys(&[KeyCode::Down]);
    }
    w.keys(&[KeyCode::Enter]);
    assert_eq!(w.app.person.as_ref().map(|p| p.person.id), Some(id));
}

/// Someone whose household has one appointment to confirm, theirs.
fn alone_to_confirm(w: &World) -> i64 {
    w.store
        .pending_appointments()
        .unwrap()
        .into_iter()
        .filter(|a| a.effective_deadline() > common::now())
        .find(|a| {
            a.person_id.is_some() && w.store.household_pending(a.household_id).unwrap().len() == 1
        })
        .and_then(|a| a.person_id)
        .expect("someone alone with an appointment to confirm")
}

/// The form `open` opens, at 40×20, its focus moved to its last field and
/// a character typed there when it takes text.
fn last_field(open: impl FnOnce(&mut World)) -> (World, String) {
    let mut w = World::new(300, (40, 20));
    open(&mut w);
    let n = w.app.form.as_ref().expect("a form is open").fields.len();
    for _ in 1..n {
        w.keys(&[KeyCode::Tab]);
    }
    let screen = w.screen();
    let form = w.app.form.as_ref().unwrap();
    if let Some(field) = form.fields.get(form.focus) {
        assert_eq!(form.focus, n - 1);
        let label = field
            .caption
            .clone()
            .unwrap_or_else(|| albergue::i18n::t(w.app.lang, field.label).to_string());
        assert!(
            screen.contains(&label),
            "{label:?} not on screen:\n{screen}"
        );
        if let Some((_, row)) = w.caret() {
            assert!(row < 19, "the caret is on screen");
        }
    }
    // The form's keys are on screen, and its bottom border: nothing of
    // it is below the screen.
    assert!(screen.contains("Esc"), "{screen}");
    assert!(screen.lines().any(|l| l.starts_with('└')), "{screen}");
    (w, screen)
}

/// How a case opens its form.
type Opener = Box<dyn FnOnce(&mut World)>;

#[test]
fn every_form_at_40x20_with_the_focus_on_its_last_field() {
    let cases: Vec<(&str, Opener)> = vec![
        (
            "confirm",
            Box::new(|w: &mut World| {
                let id = alone_to_confirm(w);
                open_person(w, id);
                w.keys(&[KeyCode::Char('c')]);
            }),
        ),
        (
            "confirm_household",
            Box::new(|w: &mut World| w.keys(&[KeyCode::Char('c')])),
        ),
        (
            "schedule",
            Box::new(|w: &mut World| {
                w.keys(&[KeyCode::Char('2'), KeyCode::Enter, KeyCode::Char('n')])
            }),
        ),
        (
            "person_new",
            Box::new(|w: &mut World| w.keys(&[KeyCode::Char('2'), KeyCode::Char('a')])),
        ),
        (
            "person_edit",
            Box::new(|w: &mut World| {
                w.keys(&[KeyCode::Char('2'), KeyCode::Enter, KeyCode::Char('e')])
            }),
        ),
        (
            "household",
            Box::new(|w: &mut World| {
                w.keys(&[KeyCode::Char('2'), KeyCode::Enter, KeyCode::Char('E')])
            }),
        ),
        (
            "outage",
            Box::new(|w: &mut World| w.keys(&[KeyCode::Char('o')])),
        ),
        (
            "outage_edit",
            Box::new(|w: &mut World| w.keys(&[KeyCode::Char('4'), KeyCode::Char('e')])),
        ),
        (
            "outage_resolve",
            Box::new(|w: &mut World| w.keys(&[KeyCode::Char('4'), KeyCode::Char('r')])),
        ),
        (
            "extension",
            Box::new(|w: &mut World| w.keys(&[KeyCode::Char('4'), KeyCode::Char('E')])),
        ),
        (
            "status",
            Box::new(|w: &mut World| {
                let id = alone_to_confirm(w);
                open_person(w, id);
                w.keys(&[KeyCode::Char('x')]);
            }),
        ),
        (
            "leave",
            Box::new(|w: &mut World| {
                let id = alone_to_confirm(w);
                open_person(w, id);
                w.keys(&[KeyCode::Char('d')]);
            }),
        ),
        (
            "place",
            Box::new(|w: &mut World| {
                w.keys(&[KeyCode::Char('2'), KeyCode::Enter, KeyCode::Char('b')])
            }),
        ),
        (
            "transfer",
            Box::new(|w: &mut World| {
                let id = alone_to_confirm(w);
                open_person(w, id);
                w.keys(&[KeyCode::Char('t')]);
            }),
        ),
        (
            "answer_transfer",
            Box::new(|w: &mut World| w.keys(&[KeyCode::Char('A')])),
        ),
    ];
    for (name, open) in cases {
        let (mut w, screen) = last_field(open);
        insta::assert_snapshot!(format!("phone_form_{name}"), screen);
        // A first Esc after typing asks; the question is on screen too.
        w.type_text("1");
        w.key(KeyCode::Esc, KeyModifiers::NONE);
        if w.app.form.as_ref().is_some_and(|f| f.confirm_discard) {
            assert!(
                w.screen().contains("again to discard"),
                "{name}:\n{}",
                w.screen()
            );
        }
    }
}
