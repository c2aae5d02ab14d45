//! The coordinator's day, round three: what a morning over SSH found
//! wrong, each through the keys a coordinator types, at the size where it
//! was found.

mod common;

use common::world::World;
use crossterm::event::{KeyCode, KeyModifiers};

/// The row of the screen holding `text`, if any.
fn row_of(screen: &str, text: &str) -> Option<usize> {
    screen.lines().position(|l| l.contains(text))
}

#[test]
fn edit_person_on_a_phone_scrolls_to_the_focused_field_and_keeps_its_keys() {
    for size in [(40, 20), (40, 16)] {
        let mut w = World::new(300, size);
        w.keys(&[KeyCode::Char('2'), KeyCode::Enter, KeyCode::Char('e')]);
        let first = w.screen();
        assert!(first.contains("Given names"), "{first}");
        // To the last field, notes, and type there.
        for _ in 0..10 {
            w.keys(&[KeyCode::Tab]);
        }
        w.type_text("needs a lower bunk");
        let screen = w.screen();
        let notes = row_of(&screen, "Notes").unwrap_or_else(|| panic!("{size:?}\n{screen}"));
        let typed = row_of(&screen, "needs a lower bunk").expect("what was typed is seen");
        assert!(typed > notes, "{screen}");
        let (_, caret_row) = w.caret().expect("a caret");
        assert_eq!(
            usize::from(caret_row),
            typed,
            "the caret is on the typed line"
        );
        assert!(
            screen.contains("Esc cancel"),
            "the keys stay on screen:\n{screen}"
        );
        assert!(screen.contains('▲'), "says there is more above:\n{screen}");
        // The question of a first Esc is on screen too.
        w.keys(&[KeyCode::Esc]);
        let asked = w.screen();
        assert!(asked.contains("again to discard"), "{size:?}\n{asked}");
        assert!(asked.contains("Notes"), "{asked}");
        // And going back up scrolls back.
        for _ in 0..10 {
            w.key(KeyCode::BackTab, KeyModifiers::SHIFT);
        }
        let back = w.screen();
        assert!(
            back.contains("Given names") && !back.contains('▲'),
            "{back}"
        );
    }
}

/// Every figure of the dashboard's head, as the store counted it, must be
/// on screen whole at every size, in both languages.
#[test]
fn the_dashboard_never_cuts_a_number() {
    for lang in [albergue::i18n::Lang::En, albergue::i18n::Lang::Es] {
        let mut w = World::with(&common::demo_data(2000, 1), lang, (80, 24));
        let d = w.app.dashboard.clone().expect("the dashboard has loaded");
        assert!(
            d.open_pending >= 100,
            "the case of the report: {}",
            d.open_pending
        );
        for size in [(80, 24), (60, 20), (59, 20), (40, 20), (40, 16)] {
            w.resize(size);
            let screen = w.screen();
            let head: Vec<&str> = screen.lines().skip(2).take(2).collect();
            let words: Vec<&str> = head.iter().flat_map(|l| l.split_whitespace()).collect();
            let pending = d.open_pending.to_string();
            let present = d.present.to_string();
            assert!(
                words.contains(&pending.as_str()),
                "{size:?} {lang:?}\n{screen}"
            );
            assert!(
                words.contains(&present.as_str()),
                "{size:?} {lang:?}\n{screen}"
            );
            for line in &head {
                assert!(!line.contains('…'), "{size:?} cut:\n{screen}");
                // "median / longest d": both numbers or neither.
                if let Some(at) = line.find(" / ") {
                    let after = line[at + 3..].split_whitespace().next().unwrap_or("");
                    assert!(after.parse::<i64>().is_ok(), "{size:?} cut wait:\n{screen}");
                }
            }
        }
    }
}

/// The banner's count opens one list of everyone at risk, every day; it
/// scrolls to its last line, opens the person, shows their message; the
/// outages screen's Enter opens it too.
#[test]
fn everyone_at_risk_is_one_list_that_can_be_worked_through() {
    for size in [(80, 24), (40, 20)] {
        let mut w = World::new(2000, size);
        let counted = w.app.at_risk_now();
        let expected = w.store.at_risk_now_lines(common::now()).unwrap();
        assert_eq!(
            expected.len(),
            counted,
            "the list is what the banner counts"
        );
        assert!(counted > 20, "more than a screen: {counted}");
        let dash = w.screen();
        assert!(
            dash.contains("! list") || dash.contains("at risk (!)"),
            "the banner says its key:\n{dash}"
        );
        w.keys(&[KeyCode::Char('!')]);
        let top = w.screen();
        assert!(top.contains(&counted.to_string()), "{top}");
        assert!(top.contains("every day"), "{top}");
        // Its hints are what is done with it (open, confirm, message), not days.
        let footer = top.lines().last().unwrap();
        assert!(footer.starts_with("Enter open"), "{footer:?}");
        assert!(!footer.contains("previous"), "{footer:?}");
        // Days differ: it is not one day's list.
        let days: std::collections::HashSet<_> = expected
            .iter()
            .map(|l| l.appointment.appointment_at.date_naive())
            .collect();
        assert!(days.len() > 1);
        // To the last line, with End, and it is on screen, selected.
        w.keys(&[KeyCode::End]);
        let last = &expected[counted - 1];
        let bottom = w.screen();
        let first_name = last.name.split(' ').next().unwrap();
        assert!(bottom.contains(first_name), "{bottom}");
        // Enter opens them.
        w.keys(&[KeyCode::Enter]);
        assert_eq!(
            w.app.person.as_ref().map(|p| p.person.id),
            last.appointment.person_id
        );
        assert!(w
            .screen()
            .contains(&format!("#{}", last.appointment.person_id.unwrap())));
        // Back to the list where it was; M shows that person's message.
        w.keys(&[KeyCode::Esc, KeyCode::Char('M')]);
        assert!(w.app.message.is_some(), "{}", w.screen());
        assert_eq!(
            w.app.person.as_ref().map(|p| p.person.id),
            last.appointment.person_id
        );
        w.keys(&[KeyCode::Char('y')]);
        assert!(w
            .app
            .clipboard
            .as_deref()
            .is_some_and(|m| m.contains(first_name)));
        w.keys(&[KeyCode::Esc, KeyCode::Esc]);
        // From the outages screen, Enter opens the same list.
        w.keys(&[KeyCode::Char('3'), KeyCode::Char('f'), KeyCode::Char('4')]);
        w.keys(&[KeyCode::Enter]);
        assert_eq!(w.app.screen, albergue::tui::app::Screen::Appointments);
        assert_eq!(w.app.appointments.listed().len(), counted);
    }
}

/// `c` on any traveller of a household, from the dashboard, the at-risk
/// list or the person screen, opens one form for everyone of it still to
/// confirm at that port and time, each line named, the title naming the
/// port and time; a number each, Tab between them, one save.
#[test]
fn confirming_from_anywhere_confirms_the_household_and_names_everyone() {
    use albergue::domain::AppointmentStatus;
    for from in ["dashboard", "at-risk list", "person"] {
        let mut w = World::new(2000, (80, 24));
        let albergue::tui::todo::ToDo::Confirm(first) = w.app.soonest()[0] else {
            panic!("the demo's soonest is a confirmation");
        };
        let first = first.clone();
        let household = first.appointment.household_id;
        let same: Vec<_> = w
            .store
            .household_pending(household)
            .unwrap()
            .into_iter()
            .filter(|l| {
                l.appointment.port_code == first.appointment.port_code
                    && l.appointment.appointment_at == first.appointment.appointment_at
            })
            .collect();
        assert!(same.len() >= 3, "a family travels together: {}", same.len());
        match from {
            "dashboard" => {}
            "at-risk list" => w.keys(&[KeyCode::Char('!')]),
            _ => w.keys(&[KeyCode::Enter]),
        }
        w.keys(&[KeyCode::Char('c')]);
        let screen = w.screen();
        let title = format!("Record confirmation · {} ", first.appointment.port_code);
        assert!(screen.contains(&title), "{from}:\n{screen}");
        assert!(screen.contains("15:00 PDT"), "the time there:\n{screen}");
        for l in &same {
            assert!(
                screen.contains(&l.name),
                "{from}: {} not named:\n{screen}",
                l.name
            );
        }
        let form = w.app.form.as_ref().unwrap();
        assert_eq!(
            form.fields.len(),
            same.len() + 2,
            "a number each, time, channel"
        );
        // The focus is on the chosen traveller's number.
        let chosen = same
            .iter()
            .position(|l| l.appointment.id == first.appointment.id);
        assert_eq!(Some(form.focus), chosen, "{from}");
        while w.app.form.as_ref().unwrap().focus > 0 {
            w.key(KeyCode::BackTab, KeyModifiers::SHIFT);
        }
        for i in 0..same.len() {
            w.type_text(&format!("HH{i:06}"));
            w.keys(&[KeyCode::Tab]);
        }
        w.save();
        assert!(w.app.form.is_none(), "{from}: {:?}", w.app.form);
        for (i, l) in same.iter().enumerate() {
            let a = w.store.appointment(l.appointment.id).unwrap();
            assert_eq!(a.status, AppointmentStatus::Confirmed, "{from}");
            assert_eq!(a.confirmation_number.unwrap(), format!("HH{i:06}"));
        }
    }
}

/// While a coordinator edits a person, another saves them: the form says
/// at once that it is stale, lists each field they changed with yours and
/// theirs whole, and shows the keys to keep yours or take theirs, at
/// every size.
#[test]
fn a_conflict_is_shown_field_by_field_with_its_keys() {
    use albergue::actor::Actor;
    use albergue::store::{OpenMode, Store};
    use albergue::tui::message::{Msg, Reply};
    for size in [(80, 24), (60, 20), (40, 20)] {
        let mut w = World::new(300, size);
        w.keys(&[KeyCode::Char('2'), KeyCode::Enter]);
        let id = w.app.person.as_ref().unwrap().person.id;
        w.keys(&[KeyCode::Char('e')]);
        for _ in 0..6 {
            w.keys(&[KeyCode::Tab]);
        }
        w.key(KeyCode::Char('u'), KeyModifiers::CONTROL);
        w.type_text("+52 664 111 2222");
        // Luis, elsewhere, saves a new phone and notes.
        let mut other = Store::open(&w.path, OpenMode::Existing).unwrap();
        let p = other.person(id).unwrap();
        let mut d = p.details.clone();
        d.phone = Some("+52 664 999 8888".into());
        d.notes = "Sleeps in section B".into();
        other
            .update_person(id, p.version, &d, &Actor::new("luis"))
            .unwrap();
        let reqs = albergue::tui::update::update(&mut w.app, Msg::Reply(Reply::Changed));
        w.serve(reqs);
        let screen = w.screen();
        assert!(
            screen.to_lowercase().contains("stale"),
            "{size:?} says stale:\n{screen}"
        );
        assert!(!screen.contains("up to date"), "{size:?}:\n{screen}");
        // Up to the top of the form to read the panel whole.
        for _ in 0..10 {
            w.key(KeyCode::BackTab, KeyModifiers::SHIFT);
        }
        let screen = w.screen();
        for text in [
            "luis",
            "Phone",
            "+52 664 111 2222",
            "+52 664 999 8888",
            "Notes",
            "Sleeps in section B",
            "yours",
            "theirs",
            "Ctrl-R",
            "Ctrl-T",
        ] {
            assert!(screen.contains(text), "{size:?}: {text} missing:\n{screen}");
        }
        // Take theirs: the form holds their record, and saves over it.
        w.key(KeyCode::Char('t'), KeyModifiers::CONTROL);
        let form = w.app.form.as_ref().unwrap();
        assert_eq!(form.get("f_phone"), "+52 664 999 8888");
        assert!(!w.screen().contains("theirs"), "{}", w.screen());
        w.type_text(" ext 3");
        w.save();
        assert!(w.app.form.is_none(), "{:?}", w.app.form);
        let saved = w.store.person(id).unwrap();
        assert_eq!(saved.details.notes, "Sleeps in section B");
    }
}

/// Shelters on screen: the person screen names the shelter and the
/// household's number; the roster filters by shelter; a new person's new
/// household goes to the shelter chosen (name or city), and the roster
/// opens on them; a household is given as `744` or `#744`.
#[test]
fn shelters_are_on_screen_chosen_and_filtered() {
    let mut w = World::new(300, (80, 24));
    let shelters = w.store.shelters().unwrap();
    let juarez = shelters.iter().find(|s| s.city == "Ciudad Juárez").unwrap();
    // The person screen.
    w.keys(&[KeyCode::Char('2'), KeyCode::Enter]);
    let page = w.app.person.clone().unwrap();
    let household = w.store.household(page.household.id).unwrap();
    let home = shelters
        .iter()
        .find(|s| s.id == household.shelter_id)
        .unwrap();
    let screen = w.screen();
    assert!(
        screen.contains(&format!("Shelter         {}", home.name)),
        "{screen}"
    );
    assert!(
        screen.contains(&format!("Household #{}", household.id)),
        "{screen}"
    );
    // The roster, filtered to Juárez: everyone listed is there.
    w.keys(&[KeyCode::Esc, KeyCode::Char('f')]);
    w.keys(&[KeyCode::Down, KeyCode::Down, KeyCode::Down]);
    while w.app.roster.filter.shelter != Some(juarez.id) {
        w.keys(&[KeyCode::Right]);
    }
    assert!(w.screen().contains(&juarez.name), "{}", w.screen());
    w.keys(&[KeyCode::Esc]);
    let listed = w.app.roster.len();
    let there: usize = w
        .store
        .roster(common::now())
        .unwrap()
        .iter()
        .filter(|r| {
            // Those present (the roster's default) at Juárez.
            let p = w.store.person(r.id).unwrap();
            p.details.status == albergue::domain::PersonStatus::Present
                && w.store
                    .household(p.details.household_id)
                    .unwrap()
                    .shelter_id
                    == juarez.id
        })
        .count();
    assert_eq!(listed, there);
    assert!(there > 0 && there < 300);
    // A new person at Juárez, typed by city without its accent.
    w.keys(&[KeyCode::Char('a')]);
    let form = w.app.form.as_ref().unwrap();
    assert_eq!(
        form.get("f_shelter"),
        shelters[0].name,
        "the session's by default"
    );
    w.type_text("Zenaida");
    w.keys(&[KeyCode::Tab]);
    w.type_text("Quispe Lozano");
    for _ in 0..3 {
        w.keys(&[KeyCode::Tab]);
    }
    w.type_text("PER");
    w.focus_on("f_shelter");
    w.key(KeyCode::Char('u'), KeyModifiers::CONTROL);
    w.type_text("Atlantis");
    w.save();
    let screen = w.screen();
    assert!(screen.contains("No shelter of that name"), "{screen}");
    assert!(
        screen.contains("Albergue Paso Seguro"),
        "the shelters are named:\n{screen}"
    );
    w.key(KeyCode::Char('u'), KeyModifiers::CONTROL);
    w.type_text("ciudad juarez");
    w.save();
    assert!(w.app.form.is_none(), "{:?}", w.app.form);
    let added = w
        .store
        .roster(common::now())
        .unwrap()
        .into_iter()
        .find(|r| r.name.starts_with("Zenaida"))
        .expect("added");
    let p = w.store.person(added.id).unwrap();
    assert_eq!(
        w.store
            .household(p.details.household_id)
            .unwrap()
            .shelter_id,
        juarez.id
    );
    // The roster opens on them, selected.
    assert_eq!(w.app.roster.selected_row().map(|r| r.id), Some(added.id));
    // A second person into that household, its number without `#`.
    w.keys(&[KeyCode::Char('a')]);
    w.type_text("Ramiro");
    w.keys(&[KeyCode::Tab]);
    w.type_text("Quispe Lozano");
    for _ in 0..3 {
        w.keys(&[KeyCode::Tab]);
    }
    w.type_text("PER");
    w.focus_on("f_household");
    w.type_text(&p.details.household_id.to_string());
    w.save();
    assert!(w.app.form.is_none(), "{:?}", w.app.form);
    let members = w.store.household_members(p.details.household_id).unwrap();
    assert_eq!(members.len(), 2);
}

/// Times go back as well as forward (`-1h` as `+3d`), and a refused save
/// puts the caret on the field to mend, with its hint whole: the list of
/// care flags is the only place they are named.
#[test]
fn a_refused_save_goes_to_the_bad_field_and_says_it_whole() {
    let mut w = World::new(300, (40, 20));
    // A login outage that started an hour ago.
    w.keys(&[KeyCode::Char('o'), KeyCode::Right, KeyCode::Right]);
    w.keys(&[KeyCode::Tab, KeyCode::Tab]);
    w.key(KeyCode::Char('u'), KeyModifiers::CONTROL);
    w.type_text("-1h");
    w.keys(&[KeyCode::Tab, KeyCode::Tab]);
    w.type_text("radio");
    w.save();
    assert!(w.app.form.is_none(), "-1h is taken: {}", w.screen());
    let outages = w.store.outages().unwrap();
    let newest = outages.iter().max_by_key(|o| o.id).unwrap();
    assert_eq!(
        newest.started_at,
        common::now() - chrono::Duration::hours(1)
    );
    // A person with bad care flags, the caret far below on notes.
    w.keys(&[KeyCode::Char('2'), KeyCode::Enter, KeyCode::Char('e')]);
    for _ in 0..9 {
        w.keys(&[KeyCode::Tab]);
    }
    w.key(KeyCode::Char('u'), KeyModifiers::CONTROL);
    w.type_text("wheelchair, tired");
    w.keys(&[KeyCode::Tab]);
    w.save();
    let form = w.app.form.as_ref().expect("refused");
    assert_eq!(form.fields[form.focus].label, "f_vulnerabilities");
    let screen = w.screen();
    let hint = albergue::i18n::t(albergue::i18n::Lang::En, "err_flags");
    // Every word of the hint is on screen (wrapped, not cut).
    for word in hint.split_whitespace() {
        assert!(screen.contains(word), "{word:?} missing:\n{screen}");
    }
    assert!(!screen.contains('…'), "{screen}");
}

/// A second outage of the same step at the same ports while the first is
/// going on is refused, naming the first; another step is taken.
#[test]
fn the_same_outage_twice_is_refused_naming_the_first() {
    let mut w = World::new(300, (80, 24));
    let active = w.app.active_outages()[0].clone();
    let before = w.store.outages().unwrap().len();
    w.keys(&[KeyCode::Char('o'), KeyCode::Tab, KeyCode::Tab]);
    w.key(KeyCode::Char('u'), KeyModifiers::CONTROL);
    w.type_text("today 06:00");
    w.keys(&[KeyCode::Tab, KeyCode::Tab]);
    w.type_text("radio");
    w.save();
    let screen = w.screen();
    assert!(w.app.form.is_some());
    assert!(screen.contains("already recorded"), "{screen}");
    assert!(screen.contains(&format!("#{}", active.id)), "{screen}");
    assert_eq!(w.store.outages().unwrap().len(), before);
    // Login failing is another outage.
    while w.app.form.as_ref().unwrap().focus > 0 {
        w.key(KeyCode::BackTab, KeyModifiers::SHIFT);
    }
    w.keys(&[KeyCode::Right, KeyCode::Right]);
    w.save();
    assert!(w.app.form.is_none(), "{}", w.screen());
    assert_eq!(w.store.outages().unwrap().len(), before + 1);
}

/// The person screen's changes run newest first: the last change is seen
/// first.
#[test]
fn a_persons_changes_run_newest_first() {
    let mut w = World::new(300, (80, 60));
    w.keys(&[KeyCode::Char('2'), KeyCode::Enter]);
    for (tabs, text) in [(6, "+52 664 123 4567"), (10, "needs a lower bunk")] {
        w.keys(&[KeyCode::Char('e')]);
        for _ in 0..tabs {
            w.keys(&[KeyCode::Tab]);
        }
        w.key(KeyCode::Char('u'), KeyModifiers::CONTROL);
        w.type_text(text);
        w.save();
        assert!(w.app.form.is_none(), "{}", w.screen());
    }
    let screen = w.screen();
    let changes = row_of(&screen, "Changes").expect("the changes are on screen");
    let rows: Vec<&str> = screen.lines().skip(changes + 1).collect();
    assert!(
        rows[0].contains("changed") && rows[0].contains("Notes"),
        "{screen}"
    );
    assert!(
        rows[1].contains("changed") && rows[1].contains("Phone"),
        "{screen}"
    );
}

/// The extension form says, before and after, how many get the new
/// deadline and how many keep a later one they already have.
#[test]
fn an_extension_says_who_keeps_a_later_deadline_before_and_after() {
    let mut w = World::new(2000, (80, 24));
    w.keys(&[KeyCode::Char('4')]);
    let outage = w.app.outages.selected().unwrap().id;
    let at_risk = w.store.at_risk_from(outage).unwrap();
    let until = common::now() + chrono::Duration::hours(2);
    let keep = at_risk
        .iter()
        .filter(|a| a.effective_deadline() >= until)
        .count();
    let get = at_risk.len() - keep;
    assert!(keep > 0 && get > 0, "both kinds: {get} / {keep}");
    w.keys(&[KeyCode::Char('E')]);
    w.type_text("+2h");
    let screen = w.screen();
    assert!(
        screen.contains(&format!("{get} appointments at risk will get")),
        "{screen}"
    );
    assert!(
        screen.contains(&format!("{keep} already have a later deadline")),
        "{screen}"
    );
    w.save();
    assert!(w.app.form.is_none(), "{}", w.screen());
    let screen = w.screen();
    assert!(
        screen.contains(&format!(
            "granted to {get} appointments; {keep} already had"
        )),
        "{screen}"
    );
}

/// The dashboard: back with `1`, its first list from the top (as its hint
/// says); `/` there searches the roster; the appointments screen moves a
/// week with `L` (a month away is four keys, not 29).
#[test]
fn the_dashboard_and_appointments_move_as_their_hints_say() {
    let mut w = World::new(2000, (80, 24));
    w.keys(&[KeyCode::Down, KeyCode::Down, KeyCode::Tab]);
    w.keys(&[KeyCode::Char('2'), KeyCode::Char('1')]);
    assert_eq!(w.app.dash.panel, albergue::tui::app::Panel::Soonest);
    assert_eq!(w.app.dash.soonest.selected, 0);
    // `/` on the dashboard: the roster's search, and what is typed searches.
    w.keys(&[KeyCode::Char('/')]);
    w.type_text("almaguer");
    assert_eq!(w.app.screen, albergue::tui::app::Screen::Roster);
    assert_eq!(w.app.roster.query, "almaguer");
    w.keys(&[KeyCode::Enter]);
    // A month away: four weeks on.
    w.keys(&[KeyCode::Char('3')]);
    let today = w.app.today();
    w.keys(&[KeyCode::Char('L'); 4]);
    assert_eq!(
        w.app.appointments.day,
        Some(today + chrono::Duration::days(28))
    );
    w.keys(&[KeyCode::Char('H')]);
    assert_eq!(
        w.app.appointments.day,
        Some(today + chrono::Duration::days(21))
    );
}

/// Crossing on a day before the confirmed appointment (which crossing
/// marks presented) or leaving before arriving is refused, saying why; nothing
/// changes.
#[test]
fn leaving_before_the_appointment_or_the_arrival_is_refused() {
    use albergue::domain::AppointmentStatus;
    let mut w = World::new(300, (80, 24));
    let a = w
        .store
        .appointments_between(common::now(), common::now() + chrono::Duration::days(30))
        .unwrap()
        .into_iter()
        .map(|l| l.appointment)
        .find(|a| {
            a.person_id.is_some()
                && a.appointment_at > common::now() + chrono::Duration::days(2)
                && a.status == AppointmentStatus::Confirmed
        })
        .expect("someone with an appointment ahead");
    let id = a.person_id.unwrap();
    let before = w.store.person(id).unwrap();
    let name = before.full_name();
    w.keys(&[KeyCode::Char('2'), KeyCode::Char('/')]);
    w.type_text(&name);
    w.keys(&[KeyCode::Enter]);
    while w.app.roster.selected_row().map(|r| r.id) != Some(id) {
        w.keys(&[KeyCode::Down]);
    }
    w.keys(&[KeyCode::Enter, KeyCode::Char('d')]);
    // Crossed, today.
    w.keys(&[KeyCode::Tab]);
    w.key(KeyCode::Char('u'), KeyModifiers::CONTROL);
    w.type_text("today");
    w.save();
    let screen = w.screen();
    assert!(screen.contains("before their appointment"), "{screen}");
    // Before they arrived.
    w.key(KeyCode::Char('u'), KeyModifiers::CONTROL);
    w.type_text("2001-01-01");
    w.save();
    assert!(w.screen().contains("before they arrived"), "{}", w.screen());
    let after = w.store.person(id).unwrap();
    assert_eq!(after.version, before.version, "nothing changed");
    assert_eq!(w.store.appointment(a.id).unwrap().status, a.status);
}

/// On a phone the key hints are whole or left out, never cut, and `?`
/// (every key) is always there.
#[test]
fn the_hint_bar_is_never_cut_at_40_columns() {
    let mut w = World::new(300, (40, 20));
    for keys in [
        &[KeyCode::Char('1')][..],
        &[KeyCode::Char('2')],
        &[KeyCode::Enter],
        &[KeyCode::Char('3')],
        &[KeyCode::Char('4')],
    ] {
        w.keys(keys);
        let screen = w.screen();
        let footer = screen.lines().last().unwrap().trim_end();
        assert!(
            footer.ends_with("? help  q quit"),
            "{keys:?}: {footer:?}\n{screen}"
        );
        assert!(!footer.contains('…'), "{footer:?}");
        let screen_actions = w.app.actions();
        for hint in footer.split("  ") {
            let whole = screen_actions.iter().any(|&a| {
                hint == format!(
                    "{} {}",
                    w.app.keys.keys_of(a),
                    albergue::i18n::t(w.app.lang, a.label_key())
                )
            });
            assert!(whole, "{hint:?} is not a whole hint: {footer:?}");
        }
    }
}

/// The outage message gives its time with its zone; the deadline preview
/// says one time once when port and shelter keep the same clock.
#[test]
fn times_say_their_zone_and_are_said_once() {
    let mut w = World::new(300, (80, 24));
    w.keys(&[KeyCode::Char('!'), KeyCode::Char('M'), KeyCode::Char('y')]);
    let message = w.app.clipboard.clone().expect("copied");
    let since = message
        .split("since ")
        .nth(1)
        .or_else(|| message.split("desde ").nth(1))
        .unwrap_or_else(|| panic!("{message}"));
    let words: Vec<&str> = since.split_whitespace().take(12).collect();
    let zone = words
        .iter()
        .position(|w| w.len() == 5 && w.as_bytes()[2] == b':')
        .and_then(|i| words.get(i + 1))
        .unwrap_or_else(|| panic!("{message}"));
    assert!(
        zone.trim_end_matches('.')
            .chars()
            .all(|c| c.is_ascii_uppercase()),
        "{message}"
    );
    // A new appointment at San Ysidro for someone in Tijuana: one clock.
    w.keys(&[KeyCode::Esc, KeyCode::Esc, KeyCode::Char('2')]);
    let tijuana = w.app.shelter.clone().unwrap();
    let someone = w
        .store
        .roster(common::now())
        .unwrap()
        .into_iter()
        .find(|r| {
            let p = w.store.person(r.id).unwrap();
            w.store
                .household(p.details.household_id)
                .unwrap()
                .shelter_id
                == tijuana.id
        })
        .unwrap();
    while w.app.roster.selected_row().map(|r| r.id) != Some(someone.id) {
        w.keys(&[KeyCode::Down]);
    }
    w.keys(&[
        KeyCode::Enter,
        KeyCode::Char('n'),
        KeyCode::Tab,
        KeyCode::Tab,
    ]);
    w.key(KeyCode::Char('u'), KeyModifiers::CONTROL);
    w.type_text("today 07:00");
    let screen = w.screen();
    let line = screen
        .lines()
        .find(|l| l.contains("Confirm by"))
        .unwrap_or_else(|| panic!("{screen}"));
    assert_eq!(line.matches("PDT").count(), 1, "{line}");
}

/// From a person: `a` adds someone to their household (its number and
/// family name filled in); `E` renames the household and sets its US
/// destination, over the version read, audited without the values.
#[test]
fn a_household_gains_a_member_and_is_renamed_from_a_person() {
    let mut w = World::new(300, (80, 24));
    w.keys(&[KeyCode::Char('2'), KeyCode::Enter]);
    let page = w.app.person.clone().unwrap();
    let household = page.household.id;
    let before = w.store.household_members(household).unwrap().len();
    w.keys(&[KeyCode::Char('a')]);
    let form = w.app.form.as_ref().unwrap();
    assert_eq!(form.get("f_household"), format!("#{household}"));
    assert_eq!(form.get("f_family"), page.person.details.family_names);
    w.type_text("Nuevo");
    for _ in 0..4 {
        w.keys(&[KeyCode::Tab]);
    }
    w.type_text("HND");
    w.save();
    assert!(w.app.form.is_none(), "{}", w.screen());
    assert_eq!(
        w.store.household_members(household).unwrap().len(),
        before + 1
    );
    // Rename it and give its destination.
    w.keys(&[KeyCode::Char('2'), KeyCode::Enter]);
    let now_in = w.app.person.as_ref().unwrap().household.id;
    w.keys(&[KeyCode::Char('E')]);
    assert!(w.screen().contains("Household"), "{}", w.screen());
    w.key(KeyCode::Char('u'), KeyModifiers::CONTROL);
    w.type_text("Familia Romero Valdés");
    w.keys(&[KeyCode::Tab]);
    w.key(KeyCode::Char('u'), KeyModifiers::CONTROL);
    w.type_text("Houston, TX");
    w.save();
    assert!(w.app.form.is_none(), "{}", w.screen());
    let h = w.store.household(now_in).unwrap();
    assert_eq!(h.label, "Familia Romero Valdés");
    assert_eq!(h.us_destination.as_deref(), Some("Houston, TX"));
    assert!(
        w.screen().contains("Familia Romero Valdés · Houston, TX"),
        "{}",
        w.screen()
    );
    let trail = w.store.audit_for("household", now_in).unwrap();
    let last = trail.last().unwrap();
    assert_eq!(last.action, "household.update");
    assert_eq!(last.summary, "changed: label, us_destination");
}

/// The selected row's countdown is readable: the selection's colours (not
/// red on blue), still bold when urgent.
#[test]
fn an_urgent_countdown_on_the_selection_is_readable() {
    use ratatui::style::{Color, Modifier};
    let w = World::new(300, (80, 24));
    let screen = w.screen();
    let row = screen
        .lines()
        .position(|l| l.contains(" min "))
        .expect("a countdown") as u16;
    let buf = w.buffer();
    let cell = (0..80u16)
        .map(|x| &buf[(x, row)])
        .find(|c| c.symbol().chars().all(|ch| ch.is_ascii_digit()) && !c.symbol().trim().is_empty())
        .expect("the countdown's digits");
    assert_eq!(cell.bg, Color::Blue, "the row is selected");
    assert_ne!(cell.fg, Color::Red, "red on blue is hard to read");
    assert!(
        cell.modifier.contains(Modifier::BOLD),
        "still marked urgent"
    );
}

/// A household leaving together is one form and one commit: everyone of
/// it still here gets the status and the day, with their audit rows.
#[test]
fn a_household_leaves_together_in_one_form() {
    use albergue::domain::PersonStatus;
    let mut w = World::new(300, (80, 24));
    w.keys(&[KeyCode::Char('2'), KeyCode::Enter]);
    let page = w.app.person.clone().unwrap();
    let here: Vec<i64> = page
        .members
        .iter()
        .filter(|m| m.details.status == PersonStatus::Present)
        .map(|m| m.id)
        .collect();
    assert!(here.len() >= 3, "a family: {here:?}");
    // Departed (one Right from crossed), today, the whole household.
    w.keys(&[KeyCode::Char('d'), KeyCode::Right]);
    w.focus_on("f_leaving_who");
    w.keys(&[KeyCode::Right]);
    assert!(
        w.screen().contains("the whole household here"),
        "{}",
        w.screen()
    );
    w.save();
    assert!(w.app.form.is_none(), "{}", w.screen());
    for id in here {
        let p = w.store.person(id).unwrap();
        assert_eq!(p.details.status, PersonStatus::Departed, "#{id}");
        assert_eq!(p.details.departure_date, Some(w.app.today()));
        assert!(w
            .store
            .audit_for("person", id)
            .unwrap()
            .iter()
            .any(|e| e.action == "person.update"));
    }
}

/// Leaving together is all or nothing: one stale version, and nobody of
/// the household is recorded as gone.
#[test]
fn a_household_leaving_with_one_stale_version_leaves_nobody() {
    use albergue::actor::Actor;
    use albergue::domain::PersonStatus;
    let mut w = World::new(300, (80, 24));
    let first = w.store.roster(common::now()).unwrap()[0].clone();
    let members = w.store.household_members(first.household_id).unwrap();
    assert!(members.len() >= 2);
    let leaving: Vec<_> = members
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let mut d = m.details.clone();
            d.status = PersonStatus::Departed;
            d.departure_date = Some(w.app.today());
            // The last one's version is stale.
            let v = if i + 1 == members.len() {
                m.version - 1
            } else {
                m.version
            };
            (m.id, v, d)
        })
        .collect();
    let out = w
        .store
        .record_departures(&leaving, false, &Actor::new("maria"));
    assert!(out.is_err(), "a stale version is refused");
    for m in &members {
        assert_eq!(
            w.store.person(m.id).unwrap().details.status,
            m.details.status
        );
    }
}

/// "transferred" and the other statuses are never cut on the roster, at
/// any size, in either language.
#[test]
fn roster_statuses_are_whole() {
    use albergue::domain::PersonStatus;
    for lang in [albergue::i18n::Lang::En, albergue::i18n::Lang::Es] {
        let mut w = World::with(&common::demo_data(300, 1), lang, (80, 24));
        let word = albergue::tui::views::person_status(lang, PersonStatus::Transferred);
        // Only the transferred.
        w.keys(&[KeyCode::Char('2'), KeyCode::Char('f')]);
        while w.app.roster.filter.status != Some(PersonStatus::Transferred) {
            w.keys(&[KeyCode::Right]);
        }
        w.keys(&[KeyCode::Esc]);
        assert!(!w.app.roster.is_empty(), "the demo has someone transferred");
        for size in [(80, 24), (60, 20), (40, 20)] {
            w.resize(size);
            let screen = w.screen();
            assert!(screen.contains(word), "{size:?} {lang:?}:\n{screen}");
        }
    }
}

/// A long name in the household list keeps the others' columns in line:
/// its year and status go on the line below, the name whole.
#[test]
fn a_long_name_keeps_the_household_list_in_line() {
    let mut data = common::demo_data(300, 1);
    let long = "María de los Ángeles Guadalupe Esperanza";
    data.people[0].details.given_names = long.into();
    let mut w = World::with(&data, albergue::i18n::Lang::En, (80, 40));
    let id = data.people[0].id;
    w.keys(&[KeyCode::Char('2'), KeyCode::Char('/')]);
    w.type_text("Esperanza");
    w.keys(&[KeyCode::Enter]);
    while w.app.roster.selected_row().map(|r| r.id) != Some(id) {
        w.keys(&[KeyCode::Down]);
    }
    w.keys(&[KeyCode::Enter]);
    let screen = w.screen();
    assert!(screen.contains(long), "{screen}");
    let members: Vec<&str> = screen
        .lines()
        .filter(|l| (l.starts_with("  ") || l.starts_with("› ")) && l.ends_with("  present"))
        .collect();
    let columns: std::collections::HashSet<usize> = members
        .iter()
        .map(|l| l.rfind("present").unwrap())
        .collect();
    assert_eq!(columns.len(), 1, "statuses in one column:\n{screen}");
}

/// The roster lists those still here by default, and says so; who crossed
/// or left is one filter away.
#[test]
fn the_roster_lists_those_present_by_default() {
    use albergue::domain::PersonStatus;
    let mut w = World::new(300, (80, 24));
    w.keys(&[KeyCode::Char('2')]);
    let all = w.store.roster(common::now()).unwrap();
    let present = all
        .iter()
        .filter(|r| r.status == PersonStatus::Present)
        .count();
    assert!(present < all.len(), "the demo has people who left");
    assert_eq!(w.app.roster.len(), present);
    let screen = w.screen();
    assert!(screen.contains("present"), "{screen}");
    assert!(
        !screen.contains("departed") && !screen.contains("crossed"),
        "{screen}"
    );
    // Status: all, one Left in the filter pane.
    w.keys(&[KeyCode::Char('f'), KeyCode::Left, KeyCode::Esc]);
    assert_eq!(w.app.roster.filter.status, None);
    assert_eq!(w.app.roster.len(), all.len());
}

/// The roster filters to those at risk too: the same people the at-risk
/// list names, each once.
#[test]
fn the_roster_filters_to_those_at_risk() {
    let mut w = World::new(2000, (80, 24));
    let people: std::collections::HashSet<i64> = w
        .store
        .at_risk_now_lines(common::now())
        .unwrap()
        .iter()
        .filter_map(|l| l.appointment.person_id)
        .collect();
    assert!(people.len() > 10);
    w.keys(&[KeyCode::Char('2'), KeyCode::Char('f')]);
    for _ in 0..4 {
        w.keys(&[KeyCode::Down]);
    }
    w.keys(&[KeyCode::Right, KeyCode::Esc]);
    assert!(w.app.roster.filter.at_risk);
    assert_eq!(w.app.roster.len(), people.len());
    assert!(w.screen().contains("at risk"), "{}", w.screen());
}

/// A past appointment on the roster says what became of it.
#[test]
fn a_past_appointment_on_the_roster_says_its_status() {
    let mut w = World::new(300, (100, 30));
    w.keys(&[KeyCode::Char('2')]);
    // Everyone, sorted as read; find a row whose shown appointment is past.
    w.keys(&[KeyCode::Char('f'), KeyCode::Left, KeyCode::Esc]);
    let past = w
        .store
        .roster(common::now())
        .unwrap()
        .into_iter()
        .find(|r| r.next.is_some_and(|n| n.at <= common::now()))
        .expect("someone whose last appointment is past");
    let n = past.next.unwrap();
    let status = albergue::tui::views::appointment_status(albergue::i18n::Lang::En, n.status);
    let code = &albergue::domain::port::all()[usize::from(n.port)].code;
    w.keys(&[KeyCode::Char('/')]);
    w.type_text(&past.name);
    w.keys(&[KeyCode::Enter]);
    let screen = w.screen();
    let line = screen
        .lines()
        .find(|l| l.contains(&past.name) && !l.starts_with("Search"))
        .unwrap_or_else(|| panic!("{screen}"));
    assert!(
        line.contains(code.as_str()) && line.contains(status),
        "{line}"
    );
}
