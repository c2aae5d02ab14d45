//! The store's answers: what each changes in the session.

use super::nav::clamp_scroll;
use crate::tui::app::App;
use crate::tui::forms::FormKind;
use crate::tui::message::{Reply, Request, Saved};
use crate::tui::notice::{Arg, Notice};

pub(super) fn on_reply(app: &mut App, reply: Reply, out: &mut Vec<Request>) {
    let was_dirty = app.dirty;
    app.dirty = true;
    match reply {
        Reply::Dashboard(d) => {
            // The selection stays on the same appointment when it is still
            // listed (another coordinator's commit reorders nothing else).
            let keep = app
                .soonest()
                .get(app.dash.soonest.selected)
                .map(|l| l.key());
            app.dashboard = Some(d);
            let soonest = app.soonest();
            let found = keep.and_then(|k| soonest.iter().position(|l| l.key() == k));
            let (len, page) = (soonest.len(), app.page());
            if let Some(i) = found {
                app.dash.soonest.selected = i;
            }
            app.dash.soonest.clamp(len, page);
            let ports = app.tomorrow_by_venue().len();
            app.dash.tomorrow.clamp(ports, page);
            if let Some(d) = app.dashboard.as_ref().filter(|d| !d.beds.is_empty()) {
                // Drawn from the tallies first; who leaves follows, read
                // again only when what it counts may have changed: the day,
                // the live appointments ahead, or who is in each section
                // (another process's commit elsewhere costs no read).
                let key = (
                    app.today(),
                    d.upcoming
                        .iter()
                        .map(|s| (s.at, s.count))
                        .collect::<Vec<_>>(),
                    d.beds
                        .iter()
                        .flat_map(|b| b.sections.iter().map(|(s, _)| (s.id, s.occupied)))
                        .collect::<Vec<_>>(),
                );
                let key = {
                    use std::hash::{Hash, Hasher};
                    let mut h = std::collections::hash_map::DefaultHasher::new();
                    key.hash(&mut h);
                    h.finish()
                };
                if app.leaving_key != Some(key) {
                    app.leaving_key = Some(key);
                    out.push(Request::Leaving { now: app.now });
                }
            }
        }
        Reply::Leaving(leaving) => {
            app.dirty = was_dirty || leaving != app.leaving;
            app.leaving = leaving;
        }
        Reply::RosterWindow(w) => {
            // Rows that change nothing on screen draw nothing.
            app.dirty = was_dirty;
            let vp = app.viewport();
            app.dirty |= app.roster.arrived(vp, *w, out);
        }
        Reply::Person(page) => {
            let mut stale = false;
            if let Some(form) = &mut app.form {
                // Someone saved this person while the form was open: it is
                // stale before it is saved; say so and show what changed.
                if let FormKind::Person {
                    person_id, version, ..
                } = form.kind
                {
                    if person_id == page.person.id
                        && version != page.person.version
                        && form.base.is_some()
                        && !form.conflicted
                        && form.newer.is_none()
                    {
                        form.conflicted = true;
                        stale = true;
                    }
                }
                form.show_conflict(&page.person);
            }
            if stale {
                app.say(Notice::new("form_stale"), false);
            }
            // Ignore a page for someone no longer shown.
            if app
                .person
                .as_ref()
                .is_none_or(|p| p.person.id == page.person.id)
            {
                app.person = Some(*page);
                if std::mem::take(&mut app.message_on_open) {
                    app.open_message();
                }
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
        Reply::ConfirmFor { chosen, pending } => match chosen {
            Some(chosen) if app.form.is_none() => {
                crate::tui::forms::open::confirm_household(app, &chosen, &pending);
            }
            Some(_) => {}
            None => app.say(Notice::new("no_pending"), true),
        },
        Reply::AtRiskNow(lines) => {
            // (Every line of it is at risk: the view says so of each.)
            app.appointments.risk = lines;
            clamp_scroll(app);
        }
        Reply::Headcount(page) => app.headcount.load(page),
        Reply::Cases(lines) => {
            let page = app.page();
            app.cases.load(lines, page);
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
                Saved::NewPerson(_) => Notice::new("saved_new_person"),
                Saved::Status => Notice::new("saved_status"),
                Saved::Person => Notice::new("saved_person"),
                Saved::Household => Notice::new("saved_household"),
                Saved::Placed => Notice::new("saved_placed"),
                Saved::Step => Notice::new("saved_step"),
                Saved::TransferAsked => Notice::new("saved_transfer_asked"),
                Saved::TransferAnswered(true) => Notice::new("saved_transfer_accepted"),
                Saved::TransferAnswered(false) => Notice::new("saved_transfer_declined"),
                Saved::Extension(n, 0) => {
                    Notice::new("saved_extension").with("count", Arg::Count(n))
                }
                Saved::Extension(n, kept) => Notice::new("saved_extension_kept")
                    .with("count", Arg::Count(n))
                    .with("kept", Arg::Count(kept)),
            };
            app.say(notice, false);
            out.extend(app.reload_all());
            // The roster opens on the person just added, selected.
            if let Saved::NewPerson(id) = what {
                out.retain(|r| !matches!(r, Request::RosterWindow { .. }));
                let vp = app.viewport();
                app.roster
                    .reload(vp, crate::tui::message::Place::Around { id }, out);
            }
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
        Reply::Unavailable { screen, notice } => {
            if !app.unavailable.iter().any(|(s, _)| *s == screen) {
                app.unavailable.push((screen, notice));
            }
            // Said by the screen itself when it is opened.
            app.dirty = true;
        }
    }
}
