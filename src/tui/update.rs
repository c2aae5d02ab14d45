//! `update`: messages in, state changed, requests for the store out. It
//! decides; it never draws or puts anything into words (state holds
//! notices, views say them).

use chrono::Duration;
use crossterm::event::{KeyEvent, KeyEventKind};

use super::app::{App, AppointmentFilter, Panel, Screen};
use super::forms::{open, validate, FormKey, FormKind};
use super::keys::{Action, Context};
use super::message::{Msg, Place, Reply, Request, Saved};
use super::notice::{role_key, Arg, Notice};
use super::roster;
use crate::domain::message::Language;
use crate::domain::AppointmentStatus;

/// Applies one message; returns what to ask of the store.
pub fn update(app: &mut App, msg: Msg) -> Vec<Request> {
    let mut out = Vec::new();
    match msg {
        Msg::Key(ev) => {
            if ev.kind != KeyEventKind::Release {
                on_key(app, &ev, &mut out);
            }
        }
        Msg::Paste(text) => {
            if let Some(form) = &mut app.form {
                form.paste(&text);
                app.dirty = true;
            } else if app.screen == Screen::Roster && app.roster.searching {
                // Pasted text may hold newlines and escape sequences: keep
                // printable characters only.
                let clean: String = text.chars().filter(|c| !c.is_control()).collect();
                app.roster.query.push_str(&clean);
                app.dirty = true;
                let vp = app.viewport();
                app.roster.reload(vp, Place::Top, &mut out);
            }
        }
        Msg::Resize(w, h) => {
            app.size = (w, h);
            clamp_scroll(app);
            app.dirty = true;
        }
        Msg::Tick(now) => {
            let day_changed = now.with_timezone(&app.tz).date_naive() != app.today();
            app.now = now;
            app.dirty = true;
            if day_changed {
                out = app.reload_all();
            } else {
                // Deadlines pass: the dashboard's counts are read again
                // each minute (from tallies: a few milliseconds).
                out.push(Request::Dashboard {
                    now,
                    today: app.today(),
                });
            }
        }
        Msg::Reply(reply) => on_reply(app, reply, &mut out),
    }
    out
}

fn on_reply(app: &mut App, reply: Reply, out: &mut Vec<Request>) {
    let was_dirty = app.dirty;
    app.dirty = true;
    match reply {
        Reply::Dashboard(d) => {
            // The selection stays on the same appointment when it is still
            // listed (another coordinator's commit reorders nothing else).
            let keep = app
                .soonest()
                .get(app.dash.soonest.selected)
                .map(|l| l.appointment.id);
            app.dashboard = Some(d);
            let soonest = app.soonest();
            let found = keep.and_then(|id| soonest.iter().position(|l| l.appointment.id == id));
            let (len, page) = (soonest.len(), app.page());
            if let Some(i) = found {
                app.dash.soonest.selected = i;
            }
            app.dash.soonest.clamp(len, page);
            let ports = app.tomorrow_by_port().len();
            app.dash.tomorrow.clamp(ports, page);
        }
        Reply::RosterWindow(w) => {
            // Rows that change nothing on screen draw nothing.
            app.dirty = was_dirty;
            let vp = app.viewport();
            app.dirty |= app.roster.arrived(vp, *w, out);
        }
        Reply::Person(page) => {
            if let Some(form) = &mut app.form {
                form.show_conflict(&page.person);
            }
            // Ignore a page for someone no longer shown.
            if app
                .person
                .as_ref()
                .is_none_or(|p| p.person.id == page.person.id)
            {
                app.person = Some(*page);
            }
        }
        Reply::Appointments {
            day,
            lines,
            outages,
        } => {
            if app.appointments.day == Some(day) {
                app.appointments.load(lines, outages);
                clamp_scroll(app);
            }
        }
        Reply::Outages(list) => {
            app.outages.outages = list;
            app.outages.loaded = true;
            let len = app.outages.outages.len();
            app.outages.list.clamp(len, usize::MAX);
            if let Some(o) = app.outages.selected() {
                if app
                    .outages
                    .at_risk
                    .as_ref()
                    .is_none_or(|(id, _)| *id != o.id)
                {
                    out.push(Request::AtRisk { outage_id: o.id });
                }
            }
        }
        Reply::AtRisk { outage_id, lines } => {
            if app.outages.selected().is_some_and(|o| o.id == outage_id) {
                app.outages.at_risk = Some((outage_id, lines));
            }
        }
        Reply::Saved(what) => {
            app.form = None;
            let notice = match what {
                Saved::Confirmation => Notice::new("saved_confirmation"),
                Saved::Outage => Notice::new("saved_outage"),
                Saved::OutageEdited => Notice::new("saved_outage_edit"),
                Saved::OutageResolved => Notice::new("saved_outage_resolved"),
                Saved::Appointment => Notice::new("saved_appointment"),
                Saved::NewPerson => Notice::new("saved_new_person"),
                Saved::Status => Notice::new("saved_status"),
                Saved::Person => Notice::new("saved_person"),
                Saved::Extension(n) => Notice::new("saved_extension").with("count", Arg::Count(n)),
            };
            app.say(notice, false);
            out.extend(app.reload_all());
        }
        Reply::PossibleDuplicates(found) => {
            if let Some(form) = &mut app.form {
                form.saving = false;
                form.error =
                    Some(Notice::new("possible_duplicate").with("people", Arg::People(found)));
                if let FormKind::Person { confirmed_new, .. } = &mut form.kind {
                    *confirmed_new = true;
                }
            }
        }
        Reply::SaveFailed(text) => {
            // The form stays open with everything typed in it.
            if let Some(form) = &mut app.form {
                form.saving = false;
                form.error = Some(text);
                // An edit refused because someone saved first: fetch their
                // version, to show what they changed.
                if let (FormKind::Person { person_id, .. }, Some(_)) = (&form.kind, &form.base) {
                    form.conflicted = true;
                    out.push(Request::Person { id: *person_id });
                }
            } else {
                app.say(text, true);
            }
        }
        Reply::Changed => {
            app.say(Notice::new("status_refreshed"), false);
            out.extend(app.reload_all());
        }
        Reply::Printed {
            path,
            people,
            ports,
        } => app.say(
            Notice::new("list_written")
                .with("path", Arg::Text(path.display().to_string()))
                .with("people", Arg::Count(people))
                .with("ports", Arg::Count(ports)),
            false,
        ),
        Reply::Failed(text) => app.say(text, true),
    }
}

fn on_key(app: &mut App, ev: &KeyEvent, out: &mut Vec<Request>) {
    // A key several actions share means the one of this screen (`e` edits
    // the person on the person screen, the outage on the outages screen).
    let action = app.keys.action_among(app.screen.own_actions(), ev);
    if action == Some(Action::ForceQuit) {
        app.quit = true;
        return;
    }
    if app.form.is_some() {
        form_key(app, ev, out);
        return;
    }
    if let Some(lang) = app.message {
        message_key(app, lang, ev);
        return;
    }
    if app.help {
        let keys = [
            Action::Up,
            Action::Down,
            Action::Help,
            Action::Back,
            Action::Quit,
        ];
        match app.keys.action_among(&keys, ev) {
            Some(Action::Help | Action::Back | Action::Quit) => {
                app.help = false;
                app.help_scroll = 0;
            }
            Some(Action::Down) => app.help_scroll = app.help_scroll.saturating_add(1),
            Some(Action::Up) => app.help_scroll = app.help_scroll.saturating_sub(1),
            _ => return,
        }
        app.dirty = true;
        return;
    }
    if app.screen == Screen::Roster && app.roster.searching {
        let command = app.keys.command(&[Context::Search, Context::Edit], ev);
        let vp = app.viewport();
        app.dirty |= app.roster.search_key(vp, command, app.keys.action(ev), out);
        return;
    }
    if app.screen == Screen::Roster && app.roster.filter_focus.is_some() {
        let vp = app.viewport();
        app.dirty |= roster::filter_key(&mut app.roster, vp, action, out);
        return;
    }
    let Some(action) = action else { return };
    if app.status.take().is_some() {
        app.dirty = true;
    }
    if !app.may(action) {
        // The store would refuse it too; say so before a form is opened.
        let role = Arg::Key(role_key(app.role));
        app.say(Notice::new("not_allowed").with("role", role), true);
        return;
    }
    match action {
        Action::Quit => app.quit = true,
        Action::Help => {
            app.help = true;
            app.dirty = true;
        }
        Action::RecordOutage => open::outage(app),
        Action::Confirm if app.screen == Screen::Person => open::confirm(app),
        Action::Confirm if app.screen == Screen::Appointments => {
            let line = app
                .appointments
                .listed()
                .get(app.appointments.list.selected)
                .map(|l| {
                    (
                        l.appointment.id,
                        l.appointment.version,
                        l.appointment.status,
                    )
                });
            let pending = line.and_then(|(id, version, status)| {
                (status == crate::domain::AppointmentStatus::PendingConfirmation)
                    .then_some((id, version))
            });
            open::single_confirm(app, pending);
        }
        Action::MarkMissed if app.screen == Screen::Person => {
            open::status(app, AppointmentStatus::Missed);
        }
        Action::MarkPresented if app.screen == Screen::Person => {
            open::status(app, AppointmentStatus::Presented);
        }
        Action::MarkCancelled if app.screen == Screen::Person => {
            open::status(app, AppointmentStatus::Cancelled);
        }
        Action::MarkDeparted if app.screen == Screen::Person => open::leave(app),
        Action::Schedule if app.screen == Screen::Person => open::schedule(app),
        Action::AddPerson if app.screen == Screen::Roster => open::person(app, true),
        Action::EditPerson if app.screen == Screen::Person => open::person(app, false),
        Action::GrantExtension if app.screen == Screen::Outages => open::extension(app),
        Action::EditOutage if app.screen == Screen::Outages => open::edit_outage(app),
        Action::ResolveOutage if app.screen == Screen::Outages => open::resolve_outage(app),
        Action::Dashboard => app.show(Screen::Dashboard, out),
        Action::Roster => app.show(Screen::Roster, out),
        Action::Appointments => app.show(Screen::Appointments, out),
        Action::Outages => app.show(Screen::Outages, out),
        // On the dashboard, Tab goes through its two lists before the
        // next screen, and Shift-Tab back.
        Action::NextScreen
            if app.screen == Screen::Dashboard && app.dash.panel == Panel::Soonest =>
        {
            app.dash.panel = Panel::Tomorrow;
            app.dirty = true;
        }
        Action::PrevScreen
            if app.screen == Screen::Dashboard && app.dash.panel == Panel::Tomorrow =>
        {
            app.dash.panel = Panel::Soonest;
            app.dirty = true;
        }
        Action::Message if app.screen == Screen::Person => {
            let Some(page) = &app.person else { return };
            let lang = Language::for_person(&page.person.details.languages);
            if app.person_message(lang).is_some() {
                app.message = Some(lang);
            } else {
                app.say(Notice::new("message_none"), false);
            }
            app.dirty = true;
        }
        Action::PrintList if app.screen == Screen::Dashboard => {
            out.push(Request::PrintDepartures {
                now: app.now,
                tz: app.tz,
                lang: app.lang,
            });
        }
        Action::Confirm if app.screen == Screen::Dashboard => match app.dash.panel {
            Panel::Soonest => {
                let line = app
                    .soonest()
                    .get(app.dash.soonest.selected)
                    .map(|l| (l.appointment.id, l.appointment.version));
                open::single_confirm(app, line);
            }
            // Tomorrow's lines are ports, not travellers: say where to go.
            Panel::Tomorrow => {
                app.say(Notice::new("dash_confirm_from_soonest"), false);
                app.dirty = true;
            }
        },
        Action::NextScreen | Action::PrevScreen => {
            let current = Screen::TABS
                .iter()
                .position(|&s| s == app.screen)
                .unwrap_or(1);
            let n = Screen::TABS.len();
            let next = if action == Action::NextScreen {
                (current + 1) % n
            } else {
                (current + n - 1) % n
            };
            // Arriving on the dashboard, Tab lands on its first list and
            // Shift-Tab on its last, as if the lists were screens.
            if Screen::TABS[next] == Screen::Dashboard {
                app.dash.panel = if action == Action::NextScreen {
                    Panel::Soonest
                } else {
                    Panel::Tomorrow
                };
            }
            app.show(Screen::TABS[next], out);
        }
        _ => screen_key(app, action, out),
    }
}

/// The keys of the message pane.
const MESSAGE_ACTIONS: &[Action] = &[
    Action::CopyMessage,
    Action::Left,
    Action::Right,
    Action::Back,
    Action::Message,
    Action::Quit,
];

/// A key while the message pane is open: `←` `→` change its language,
/// `y` copies it, `Esc` (or `M` again) closes it.
fn message_key(app: &mut App, lang: Language, ev: &KeyEvent) {
    match app.keys.action_among(MESSAGE_ACTIONS, ev) {
        Some(Action::Left) => app.message = Some(lang.step(-1)),
        Some(Action::Right) => app.message = Some(lang.step(1)),
        Some(Action::CopyMessage) => {
            if let Some((_, text)) = app.person_message(lang) {
                app.clipboard = Some(text);
                app.say(
                    Notice::new("message_copied").with("lang", Arg::Text(lang.name().into())),
                    false,
                );
            }
        }
        Some(Action::Back | Action::Message | Action::Quit) => app.message = None,
        _ => return,
    }
    app.dirty = true;
}

fn screen_key(app: &mut App, action: Action, out: &mut Vec<Request>) {
    let page = app.page();
    match app.screen {
        Screen::Dashboard => match (app.dash.panel, action) {
            (Panel::Soonest, Action::Open) => {
                let person = app
                    .soonest()
                    .get(app.dash.soonest.selected)
                    .and_then(|l| l.appointment.person_id);
                if let Some(id) = person {
                    open_person(app, id, Screen::Dashboard, out);
                }
            }
            (Panel::Tomorrow, Action::Open) => {
                // Tomorrow's appointments, every port, on the appointments screen.
                if !app.tomorrow_by_port().is_empty() {
                    let day = app.today() + Duration::days(1);
                    app.appointments.day = Some(day);
                    app.appointments.lines.clear();
                    app.appointments.list.reset();
                    out.push(app.appointments_request(day));
                    app.show(Screen::Appointments, out);
                }
            }
            (Panel::Soonest, _) => {
                let len = app.soonest().len();
                app.dirty |= app.dash.soonest.apply(action, len, page);
            }
            (Panel::Tomorrow, _) => {
                let len = app.tomorrow_by_port().len();
                app.dirty |= app.dash.tomorrow.apply(action, len, page);
            }
        },
        Screen::Roster => match action {
            Action::Search => {
                app.roster.searching = true;
                app.dirty = true;
            }
            Action::Back if !app.roster.query.is_empty() => {
                let place = roster::keep_selection(&app.roster);
                app.roster.query.clear();
                app.dirty = true;
                let vp = app.viewport();
                app.roster.reload(vp, place, out);
            }
            Action::Sort => {
                let place = roster::keep_selection(&app.roster);
                app.roster.sort = app.roster.sort.next();
                app.dirty = true;
                let vp = app.viewport();
                app.roster.reload(vp, place, out);
            }
            Action::Filter => {
                app.roster.filter_focus = Some(0);
                app.dirty = true;
            }
            Action::Open => {
                if let Some(id) = app.roster.selected_row().map(|r| r.id) {
                    open_person(app, id, Screen::Roster, out);
                }
            }
            _ => {
                let vp = app.viewport();
                app.dirty |= app.roster.moved(vp, action, out);
            }
        },
        Screen::Person => match action {
            Action::Back => {
                app.screen = app.back_to;
                app.dirty = true;
            }
            Action::Up => scroll_person(app, -1),
            Action::Down => scroll_person(app, 1),
            Action::PageUp => scroll_person(app, -(page as i32)),
            Action::PageDown => scroll_person(app, page as i32),
            Action::Top => scroll_person(app, i32::MIN / 2),
            _ => {}
        },
        Screen::Appointments => match action {
            Action::Left | Action::Right => {
                let day = app.appointments.day.unwrap_or_else(|| app.today());
                let day = day + Duration::days(if action == Action::Left { -1 } else { 1 });
                app.appointments.day = Some(day);
                app.appointments.lines.clear();
                app.appointments.list.reset();
                app.dirty = true;
                out.push(app.appointments_request(day));
            }
            Action::Filter => {
                app.appointments.filter = match app.appointments.filter {
                    AppointmentFilter::All => AppointmentFilter::Pending,
                    AppointmentFilter::Pending => AppointmentFilter::AtRisk,
                    AppointmentFilter::AtRisk => AppointmentFilter::All,
                };
                app.appointments.list.reset();
                app.dirty = true;
            }
            Action::Open => {
                let person = app
                    .appointments
                    .listed()
                    .get(app.appointments.list.selected)
                    .and_then(|l| l.appointment.person_id);
                if let Some(id) = person {
                    open_person(app, id, Screen::Appointments, out);
                }
            }
            _ => {
                let len = app.appointments.listed().len();
                app.dirty |= app.appointments.list.apply(action, len, page);
            }
        },
        Screen::Outages => {
            let len = app.outages.outages.len();
            if app.outages.list.apply(action, len, usize::MAX) {
                app.dirty = true;
                if let Some(o) = app.outages.selected() {
                    out.push(Request::AtRisk { outage_id: o.id });
                }
            }
        }
    }
}

fn open_person(app: &mut App, id: i64, from: Screen, out: &mut Vec<Request>) {
    if app.person.as_ref().is_some_and(|p| p.person.id != id) {
        app.person = None;
    }
    app.back_to = from;
    app.screen = Screen::Person;
    app.person_scroll = 0;
    app.dirty = true;
    out.push(Request::Person { id });
}

fn scroll_person(app: &mut App, by: i32) {
    let next = (i32::from(app.person_scroll) + by).clamp(0, 500) as u16;
    if next != app.person_scroll {
        app.person_scroll = next;
        app.dirty = true;
    }
}

/// Keeps every list's selection inside the list and on screen.
fn clamp_scroll(app: &mut App) {
    let page = app.page();
    let len = app.roster.len();
    app.roster.list.clamp(len, page);
    let len = app.appointments.listed().len();
    app.appointments.list.clamp(len, page);
}

fn form_key(app: &mut App, ev: &KeyEvent, out: &mut Vec<Request>) {
    let command = app.keys.command(&[Context::Form, Context::Edit], ev);
    let (Some(form), Some(command)) = (&mut app.form, command) else {
        return;
    };
    match form.apply(command) {
        FormKey::Ignored => return,
        FormKey::Changed => {}
        FormKey::Close => app.form = None,
        FormKey::Save => {
            if let Some(save) = validate::form(app) {
                if let Some(form) = &mut app.form {
                    form.saving = true;
                    form.error = None;
                }
                out.push(Request::Save(save));
            }
        }
    }
    app.dirty = true;
}
