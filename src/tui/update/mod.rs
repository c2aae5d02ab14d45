//! `update`: messages in, state changed, requests for the store out. It
//! decides; it never draws or puts anything into words (state holds
//! notices, views say them). Keys are decided in `keys`, the store's
//! answers in `replies`; `nav` moves between screens and lists.

mod keys;
mod nav;
mod replies;

use crossterm::event::KeyEventKind;

use super::app::{App, Screen};
use super::message::{Msg, Place, Request};

/// Applies one message; returns what to ask of the store.
pub fn update(app: &mut App, msg: Msg) -> Vec<Request> {
    let mut out = Vec::new();
    match msg {
        Msg::Key(ev) => {
            if ev.kind != KeyEventKind::Release {
                keys::on_key(app, &ev, &mut out);
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
            nav::clamp_scroll(app);
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
                    tz: app.tz,
                });
            }
        }
        Msg::Reply(reply) => replies::on_reply(app, reply, &mut out),
    }
    out
}
