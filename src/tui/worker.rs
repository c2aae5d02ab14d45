//! The store thread of one session: owns its database connection, answers
//! requests, and hears of other commits, either by asking SQLite itself or
//! from whoever watches for the whole process. The input path never waits
//! on it.

use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use tokio::sync::mpsc::UnboundedSender;

use super::message::{PersonPage, Place, Reply, Request, RosterWindow};
use super::notice::{Arg, Notice};
pub use super::saves::said;
use super::screen::Screen;
use crate::actor::Actor;
use crate::store::{Backend, Seam};
use crate::store::{Edge, RosterCount, RosterRow, RosterSpec, Store, StoreError};

/// How often the watcher asks SQLite whether another process committed.
pub const WATCH_INTERVAL: Duration = crate::store::SQLITE_WATCH;

use super::shared::dashboard;
pub use super::shared::SharedReads;

/// Answers one request (also used directly by tests).
pub fn serve(store: &mut Store, request: &Request) -> Reply {
    serve_with(store, request, None)
}

/// What a request reads or writes, as a coordinator would name it (for
/// a backend that does not hold it yet).
fn concern(request: &Request) -> &'static str {
    match request {
        Request::PrintDepartures { .. } => "printing tomorrow's departures",
        Request::RosterWindow { .. } => "the roster",
        Request::Person { .. } => "the person screen",
        Request::Appointments { .. } => "the appointments screen",
        Request::Cases { .. } => "the cases screen",
        Request::Headcount { .. } => "the headcount report",
        Request::AtRisk { .. } | Request::AtRiskNow { .. } => "the list of those at risk",
        Request::Save(_) => "saving this form",
        Request::Dashboard { .. }
        | Request::Outages
        | Request::Leaving { .. }
        | Request::ConfirmFor { .. } => "the desk",
    }
}

/// The reads the desk answers on either backend.
fn desk_read(
    seam: &mut dyn Seam,
    request: &Request,
    shared: Option<&SharedReads>,
) -> Result<Option<Reply>, StoreError> {
    Ok(Some(match request {
        Request::Dashboard { now, today, tz } => Reply::Dashboard(match shared {
            Some(shared) => shared.dashboard(seam, *now, *today, *tz)?,
            None => Arc::new(dashboard(seam, *now, *today, *tz)?),
        }),
        Request::Outages => Reply::Outages(seam.desk().outages()?),
        Request::Leaving { now } => Reply::Leaving(seam.desk().leaving(*now)?),
        Request::ConfirmFor { appointment_id } => {
            let desk = seam.desk();
            let a = desk.appointment(*appointment_id)?;
            let pending = desk.household_pending(a.household_id)?;
            Reply::ConfirmFor {
                chosen: pending.iter().find(|l| l.appointment.id == a.id).cloned(),
                pending,
            }
        }
        _ => return Ok(None),
    }))
}

/// The screen a read is for, when the read is a screen's own.
fn screen_of(request: &Request) -> Option<Screen> {
    Some(match request {
        Request::RosterWindow { .. } => Screen::Roster,
        Request::Person { .. } => Screen::Person,
        Request::Appointments { .. } | Request::AtRisk { .. } | Request::AtRiskNow { .. } => {
            Screen::Appointments
        }
        Request::Cases { .. } => Screen::Cases,
        Request::Headcount { .. } => Screen::Headcount,
        _ => return None,
    })
}

fn serve_with(seam: &mut dyn Seam, request: &Request, shared: Option<&SharedReads>) -> Reply {
    let result: Result<Reply, StoreError> = (|| {
        if let Some(reply) = desk_read(seam, request, shared)? {
            return Ok(reply);
        }
        let store = seam.sqlite(concern(request))?;
        Ok(match request {
            Request::Dashboard { .. }
            | Request::Outages
            | Request::Leaving { .. }
            | Request::ConfirmFor { .. } => unreachable!("the desk's"),
            Request::RosterWindow {
                spec,
                now,
                place,
                limit,
                count,
                generation,
                read,
            } => roster_window(store, spec, *now, place, *limit, *count).map(
                |(at, rows, count)| {
                    Reply::RosterWindow(Box::new(RosterWindow {
                        generation: *generation,
                        read: *read,
                        place: place.clone(),
                        at,
                        rows,
                        limit: *limit,
                        // For the filter pane: not read again on each search keystroke.
                        nationalities: count
                            .filter(|_| spec.query.is_empty())
                            .and_then(|_| store.nationalities().ok()),
                        shelters: count.and_then(|_| store.shelters().ok()),
                        count,
                    }))
                },
            )?,
            Request::Person { id } => {
                let person = store.person(*id)?;
                let household = store.household(person.details.household_id)?;
                let shelter = store
                    .shelters()?
                    .into_iter()
                    .find(|s| s.id == household.shelter_id);
                let sections = store
                    .sections()?
                    .into_iter()
                    .filter(|s| s.shelter_id == household.shelter_id)
                    .collect();
                let elsewhere = store
                    .network_shelters()?
                    .into_iter()
                    .filter(|s| s.id != household.shelter_id)
                    .collect();
                let pending_transfer = store.transfers()?.into_iter().find(|t| {
                    t.household_id == household.id
                        && t.status == crate::domain::TransferStatus::Pending
                });
                Reply::Person(Box::new(PersonPage {
                    section: store.section_of(*id)?,
                    sections,
                    elsewhere,
                    pending_transfer,
                    shelter_tz: shelter.as_ref().and_then(|s| s.tz.parse().ok()),
                    shelter: shelter.map(|s| s.name),
                    household,
                    members: store.household_members(person.details.household_id)?,
                    appointments: store.appointments_for_person(*id)?,
                    audit: store.audit_for_person(*id)?,
                    group_pending: store.household_pending(person.details.household_id)?,
                    cases: store.open_cases_of(*id)?,
                    person,
                }))
            }
            Request::Appointments { day, from, to } => Reply::Appointments {
                day: *day,
                lines: store.appointments_between(*from, *to)?,
                outages: store.outages()?,
            },
            Request::Cases { now } => Reply::Cases(crate::tui::cases::read(store, *now)?),
            Request::Headcount { from, to } => {
                Reply::Headcount(Box::new(crate::tui::message::HeadcountPage {
                    from: *from,
                    to: *to,
                    counts: store.headcount(*from, *to)?,
                    shelters: store.shelters()?,
                    sections: store.sections()?,
                }))
            }
            Request::AtRisk { outage_id } => Reply::AtRisk {
                outage_id: *outage_id,
                lines: store.at_risk_lines(*outage_id)?,
            },
            Request::AtRiskNow { now } => Reply::AtRiskNow(store.at_risk_now_lines(*now)?),
            Request::PrintDepartures { now, tz, lang } => {
                print_departures(store, *now, *tz, *lang)?
            }
            // Writes go through `answer`, which holds the store mutably.
            Request::Save(_) => {
                Reply::SaveFailed(Notice::plain("internal error: a save reached the reader"))
            }
        })
    })();
    // Store errors name tables, ids and paths, never personal values.
    result.unwrap_or_else(|e| match (&e, screen_of(request)) {
        (StoreError::NotOnPostgres(_), Some(screen)) => Reply::Unavailable {
            screen,
            notice: said(&e),
        },
        _ => Reply::Failed(said(&e)),
    })
}

/// Reads roster rows at `place`: (the list position of the first, the
/// rows, the count when asked for).
fn roster_window(
    store: &Store,
    spec: &RosterSpec,
    now: chrono::DateTime<chrono::Utc>,
    place: &Place,
    limit: usize,
    count: bool,
) -> Result<(usize, Vec<RosterRow>, Option<RosterCount>), StoreError> {
    let exact = matches!(place, Place::Bottom);
    // The search runs once for everything this request reads.
    let read = store.roster_read(spec, now)?;
    let counted = if count || exact {
        Some(read.count(exact)?)
    } else {
        None
    };
    let (at, rows) = match place {
        Place::Top | Place::Start => (0, read.page(&Edge::First, limit)?),
        Place::Bottom => {
            let rows = read.page(&Edge::Last, limit)?;
            let listed = counted.map_or(0, |c| c.listed as usize);
            (listed.saturating_sub(rows.len()), rows)
        }
        Place::Around { id } => match read.row(*id)? {
            Some(row) => {
                let pos = read.position(&row.key)? as usize;
                let before = read.page(&Edge::Before(row.key.clone()), limit / 3)?;
                let mut rows = before;
                let at = pos.saturating_sub(rows.len());
                let left = limit - rows.len();
                rows.extend(read.page(&Edge::From(row.key), left)?);
                (at, rows)
            }
            None => (0, read.page(&Edge::First, limit)?),
        },
        Place::After { key, at } => (*at, read.page(&Edge::After(key.clone()), limit)?),
        Place::Before { key, at } => {
            let rows = read.page(&Edge::Before(key.clone()), limit)?;
            (at.saturating_sub(rows.len()), rows)
        }
        Place::Again { key, at, keep } => {
            (*at, read.page(&Edge::From(key.clone()), limit.max(*keep))?)
        }
    };
    Ok((at, rows, counted))
}

/// Writes tomorrow's list as HTML into `lists/` beside the database.
fn print_departures(
    store: &Store,
    now: chrono::DateTime<chrono::Utc>,
    tz: chrono_tz::Tz,
    lang: crate::i18n::Lang,
) -> Result<Reply, StoreError> {
    use crate::export::departures::{self, Heading, ListFormat, ListQuery};
    let day = crate::domain::departures::Day::Tomorrow;
    let list = departures::read(store, &ListQuery::every_port(day), now)?;
    let folder = store
        .path()
        .parent()
        .unwrap_or(std::path::Path::new("."))
        .join("lists");
    let path = folder.join(departures::file_name(&list, day, now));
    let text = departures::render(
        &list,
        ListFormat::Html,
        Heading {
            lang,
            printed: now.with_timezone(&tz),
            day: crate::i18n::t(lang, "list_tomorrow"),
        },
    );
    if let Err(e) = departures::write_file(&folder, &path, &text) {
        return Ok(Reply::Failed(
            Notice::new("list_not_written")
                .with("path", Arg::Text(path.display().to_string()))
                .with("reason", Arg::Text(e.to_string())),
        ));
    }
    Ok(Reply::Printed {
        people: list.iter().map(|p| p.people()).sum(),
        ports: list.len(),
        path,
    })
}

/// Answers one request, reads and writes alike, writes in `actor`'s name
/// (the store thread's entry point).
pub fn answer(store: &mut Store, actor: &Actor, request: &Request) -> Reply {
    answer_with(store, actor, request, None)
}

fn answer_with(
    seam: &mut dyn Seam,
    actor: &Actor,
    request: &Request,
    shared: Option<&SharedReads>,
) -> Reply {
    let Request::Save(save) = request else {
        return serve_with(seam, request, shared);
    };
    super::saves::write(seam, save, actor)
}

/// What the store thread is given to do.
#[derive(Debug, Clone)]
pub enum Job {
    /// Answer a request.
    Request(Request),
    /// Another connection committed: tell the session.
    Changed,
}

/// How the store thread hears of other commits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Watch {
    /// It asks SQLite (`PRAGMA data_version`) every [`WATCH_INTERVAL`]:
    /// one process, one session.
    Poll,
    /// It is told, by [`Job::Changed`]: one watcher for many sessions.
    Told,
}

fn same_kind(a: &Job, b: &Job) -> bool {
    // Saves are never merged: each one was asked for.
    match (a, b) {
        (Job::Request(a), Job::Request(b)) => {
            !matches!(a, Request::Save(_)) && std::mem::discriminant(a) == std::mem::discriminant(b)
        }
        (Job::Changed, Job::Changed) => true,
        _ => false,
    }
}

/// How a session's store thread works beside the others of its process.
#[derive(Debug, Clone)]
pub struct Setup {
    /// Who the session's writes are in the name of.
    pub actor: Actor,
    /// How it hears of other commits.
    pub watch: Watch,
    /// The reads shared by the sessions of the process, if they share them.
    pub reads: Option<Arc<SharedReads>>,
}

impl Setup {
    /// A session alone in its process, as the local dashboard is.
    pub fn alone(actor: Actor) -> Self {
        Self {
            actor,
            watch: Watch::Poll,
            reads: None,
        }
    }
}

/// Starts the store thread of a session. Jobs queued while it is busy are
/// merged: only the newest of each kind is answered (a burst of keys asks
/// once).
pub fn spawn(
    store: impl Into<Backend>,
    setup: Setup,
    replies: UnboundedSender<Reply>,
) -> (Sender<Job>, JoinHandle<()>) {
    let store = store.into();
    let (tx, rx) = std::sync::mpsc::channel::<Job>();
    let handle = std::thread::Builder::new()
        .name("albergue-store".into())
        .spawn(move || run(store, &setup, &rx, &replies))
        .expect("the store thread starts");
    (tx, handle)
}

/// Logs a slow request by name, and a refused one by the notice it gave
/// (a message key such as `error.conflict`, never the values).
fn log_request(request: &Request, reply: &Reply, took: Duration) {
    let ms = took.as_millis();
    if ms > crate::logging::SLOW_MS {
        tracing::warn!(query = request.name(), ms = ms as u64, "slow query");
    }
    if let Reply::Failed(notice) | Reply::SaveFailed(notice) = reply {
        tracing::warn!(
            query = request.name(),
            notice = notice.key,
            "request refused"
        );
    }
}

fn run(mut store: Backend, setup: &Setup, rx: &Receiver<Job>, replies: &UnboundedSender<Reply>) {
    // What each case must do next, read again for a program whose file
    // changed (nothing, as nearly always): a handle that may not write
    // (a read-only file) shows what was kept. (Cases are SQLite's so far.)
    let programs = crate::programs::in_force();
    let loaded: Vec<_> = programs.loaded.iter().map(|l| &l.program).collect();
    if let Ok(sqlite) = store.sqlite_mut("the cases") {
        if let Err(e) = sqlite.keep_due(&loaded) {
            tracing::warn!(error = %e, "next steps due not read again");
        }
    }
    let every = store.watch_every();
    loop {
        match rx.recv_timeout(every) {
            Ok(first) => {
                let mut batch = vec![first];
                while let Ok(more) = rx.try_recv() {
                    batch.retain(|r| !same_kind(r, &more));
                    batch.push(more);
                }
                for job in &batch {
                    let reply = match job {
                        Job::Request(request) => {
                            let started = Instant::now();
                            let reply = answer_with(
                                &mut store,
                                &setup.actor,
                                request,
                                setup.reads.as_deref(),
                            );
                            log_request(request, &reply, started.elapsed());
                            reply
                        }
                        Job::Changed => Reply::Changed,
                    };
                    if replies.send(reply).is_err() {
                        return;
                    }
                }
            }
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => return,
        }
        if setup.watch == Watch::Poll && store.changed() && replies.send(Reply::Changed).is_err() {
            return;
        }
    }
}
