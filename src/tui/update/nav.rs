//! Moving: to a person, within a page, keeping selections in view.

use crate::tui::app::{App, Screen};
use crate::tui::message::Request;

pub(super) fn open_person(app: &mut App, id: i64, from: Screen, out: &mut Vec<Request>) {
    if app.person.as_ref().is_some_and(|p| p.person.id != id) {
        app.person = None;
    }
    app.back_to = from;
    app.screen = Screen::Person;
    app.person_scroll = 0;
    app.dirty = true;
    out.push(Request::Person { id });
}

pub(super) fn scroll_person(app: &mut App, by: i32) {
    let next = (i32::from(app.person_scroll) + by).clamp(0, 500) as u16;
    if next != app.person_scroll {
        app.person_scroll = next;
        app.dirty = true;
    }
}

/// Keeps every list's selection inside the list and on screen.
pub(super) fn clamp_scroll(app: &mut App) {
    let page = app.page();
    let len = app.roster.len();
    app.roster.list.clamp(len, page);
    let len = app.appointments.listed().len();
    app.appointments.list.clamp(len, page);
}
