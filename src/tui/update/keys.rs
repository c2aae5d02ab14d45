//! Keys: what a key means on the open form, pane or screen.

use chrono::Duration;
use crossterm::event::KeyEvent;

use super::nav::{open_person, scroll_person};
use crate::domain::message::Language;
use crate::domain::AppointmentStatus;
use crate::tui::app::{App, AppointmentFilter, Panel, Screen};
use crate::tui::forms::{open, validate, FormKey};
use crate::tui::keys::{Action, Context};
use crate::tui::message::Request;
use crate::tui::notice::{role_key, Arg, Notice};
use crate::tui::roster;
use crate::tui::todo::ToDo;

pub(super) fn on_key(app: &mut App, ev: &KeyEvent, out: &mut Vec<Request>) {
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
            match line {
                Some((appointment_id, _, AppointmentStatus::PendingConfirmation)) => {
                    out.push(Request::ConfirmFor { appointment_id });
                }
                _ => open::single_confirm(app, None),
            }
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
        Action::PlaceInSection if app.screen == Screen::Person => open::place(app),
        Action::Transfer if app.screen == Screen::Person => open::transfer(app),
        Action::AnswerTransfer if app.screen == Screen::Dashboard => open::answer_transfer(app),
        Action::AddPerson if app.screen == Screen::Roster => open::person(app, true),
        // On the person screen: someone more in their household.
        Action::AddPerson if app.screen == Screen::Person => open::member(app),
        Action::EditHousehold if app.screen == Screen::Person => open::household(app),
        Action::EditPerson if app.screen == Screen::Person => open::person(app, false),
        Action::GrantExtension if app.screen == Screen::Outages => open::extension(app),
        Action::EditOutage if app.screen == Screen::Outages => open::edit_outage(app),
        Action::ResolveOutage if app.screen == Screen::Outages => open::resolve_outage(app),
        Action::AtRiskList => app.show_at_risk(out),
        // `/` from another screen: the roster's search, ready to type.
        Action::Search if app.screen != Screen::Roster => {
            app.show(Screen::Roster, out);
            app.roster.searching = true;
            app.dirty = true;
        }
        // Coming back with `1`: its first list, from the top, as the hint says.
        Action::Dashboard => {
            if app.screen != Screen::Dashboard {
                app.dash.panel = Panel::Soonest;
                app.dash.soonest.reset();
                app.dash.tomorrow.reset();
            }
            app.show(Screen::Dashboard, out);
        }
        Action::Roster => app.show(Screen::Roster, out),
        Action::Appointments => app.show(Screen::Appointments, out),
        Action::Outages => app.show(Screen::Outages, out),
        Action::Headcount => app.show(Screen::Headcount, out),
        Action::Cases => app.show(Screen::Cases, out),
        Action::RecordStep if app.screen == Screen::Cases => {
            if let Some(line) = app.cases.selected().cloned() {
                open::case_step(app, &line);
            }
        }
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
        // From a list: the person's page, with their message open.
        Action::Message if app.screen == Screen::Appointments => {
            if let Some(id) = app.appointments.selected_person() {
                open_person(app, id, Screen::Appointments, out);
                app.message_on_open = true;
            }
        }
        Action::Message if app.screen == Screen::Person => app.open_message(),
        // Over SSH a file written on the server is out of reach: say which
        // command brings the list to the coordinator's own computer.
        Action::PrintList if app.screen == Screen::Dashboard && app.served_port.is_some() => {
            let shelter = app
                .shelter
                .as_ref()
                .and_then(|s| shlex::try_quote(&s.name).ok().map(|q| q.into_owned()))
                .map(|q| format!(" --shelter {q}"))
                .unwrap_or_default();
            let port = app.served_port.unwrap_or_default();
            app.say(
                Notice::new("list_over_ssh").with(
                    "command",
                    Arg::Text(format!(
                        "ssh -p {port} HOST -- list appointments{shelter} --format html > list.html"
                    )),
                ),
                false,
            );
        }
        Action::PrintList if app.screen == Screen::Dashboard => {
            out.push(Request::PrintDepartures {
                now: app.now,
                tz: app.tz,
                lang: app.lang,
            });
        }
        Action::Confirm if app.screen == Screen::Dashboard => match app.dash.panel {
            Panel::Soonest => match app.soonest().get(app.dash.soonest.selected).copied() {
                Some(ToDo::Confirm(l)) => out.push(Request::ConfirmFor {
                    appointment_id: l.appointment.id,
                }),
                // Another program's step: recorded as a confirmation is.
                Some(ToDo::Step(l)) => {
                    let line = l.clone();
                    open::case_step(app, &line);
                }
                None => open::single_confirm(app, None),
            },
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
                    .and_then(|l| l.person_id());
                if let Some(id) = person {
                    open_person(app, id, Screen::Dashboard, out);
                }
            }
            // Another program's venue: its cases, soonest first.
            (Panel::Tomorrow, Action::Open)
                if app
                    .tomorrow_by_venue()
                    .get(app.dash.tomorrow.selected)
                    .is_some_and(|v| v.port.is_none()) =>
            {
                app.show(Screen::Cases, out);
            }
            (Panel::Tomorrow, Action::Open) => {
                // Tomorrow's appointments, every port, on the appointments screen.
                if !app.tomorrow_by_venue().is_empty() {
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
                let len = app.tomorrow_by_venue().len();
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
            Action::Left | Action::Right | Action::WeekBack | Action::WeekOn
                if app.appointments.filter == AppointmentFilter::AtRisk =>
            {
                app.say(Notice::new("at_risk_days_hint"), false);
            }
            Action::Left | Action::Right | Action::WeekBack | Action::WeekOn => {
                let by = match action {
                    Action::Left => -1,
                    Action::Right => 1,
                    Action::WeekBack => -7,
                    _ => 7,
                };
                let day = app.appointments.day.unwrap_or_else(|| app.today());
                let day = day + Duration::days(by);
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
                if app.appointments.filter == AppointmentFilter::AtRisk {
                    out.push(Request::AtRiskNow { now: app.now });
                }
                app.appointments.list.reset();
                app.dirty = true;
            }
            Action::Open => {
                if let Some(id) = app.appointments.selected_person() {
                    open_person(app, id, Screen::Appointments, out);
                }
            }
            _ => {
                let len = app.appointments.listed().len();
                app.dirty |= app.appointments.list.apply(action, len, page);
            }
        },
        // The outage's appointments at risk are worked through in the one
        // at-risk list.
        Screen::Outages if action == Action::Open => app.show_at_risk(out),
        Screen::Cases if action == Action::Open => {
            if let Some(id) = app.cases.selected().and_then(|l| l.person_id) {
                open_person(app, id, Screen::Cases, out);
            }
        }
        Screen::Cases => {
            let len = app.cases.lines.len();
            app.dirty |= app.cases.list.apply(action, len, page);
        }
        Screen::Headcount => {
            let today = app.today();
            app.dirty |= match action {
                Action::Left => app.headcount.step(-1, today, out),
                Action::Right => app.headcount.step(1, today, out),
                Action::Up => app.headcount.select(-1),
                Action::Down => app.headcount.select(1),
                _ => false,
            };
        }
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
