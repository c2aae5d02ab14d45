//! The store thread of one session: owns its database connection, answers
//! requests, and hears of other commits, either by asking SQLite itself or
//! from whoever watches for the whole process. The input path never waits
//! on it.

use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use tokio::sync::mpsc::UnboundedSender;

use super::message::{PersonPage, Place, Reply, Request, RosterWindow, Save, Saved};
use super::notice::{appointment_status_key, role_key, Arg, Notice};
use crate::actor::Actor;
use crate::domain::RuleError;
use crate::store::{Edge, RosterCount, RosterRow, RosterSpec, Store, StoreError};

/// How often the watcher asks SQLite whether another process committed.
pub const WATCH_INTERVAL: Duration = Duration::from_secs(1);

use super::shared::dashboard;
pub use super::shared::SharedReads;

/// A store's refusal as something the coordinator can read in their own
/// language: the common ones by name, with their values; anything else in
/// the store's own words (they name rules, tables and ids, never people).
pub fn said(e: &StoreError) -> Notice {
    match e {
        StoreError::Conflict(c) => Notice::new("err_conflict")
            .with("who", Arg::Text(c.changed_by.clone()))
            .with("when", Arg::When(c.changed_at)),
        StoreError::Busy => Notice::new("err_busy"),
        StoreError::OutOfScope { what, .. } => {
            Notice::new("err_out_of_scope").with("what", Arg::Text((*what).to_string()))
        }
        StoreError::DiskFull => Notice::new("err_disk_full"),
        StoreError::ReadOnly | StoreError::ReadOnlyFile(_) => Notice::new("err_read_only"),
        StoreError::NotAllowed { role, .. } => {
            Notice::new("not_allowed").with("role", Arg::Key(role_key(*role)))
        }
        StoreError::DuplicateConfirmation {
            number,
            appointment_id,
            ..
        } => Notice::new("err_number_taken")
            .with("number", Arg::Text(number.clone()))
            .with(
                "appointment",
                Arg::Count(usize::try_from(*appointment_id).unwrap_or(0)),
            ),
        StoreError::Rule(RuleError::DeadlinePassed { deadline, .. }) => {
            Notice::new("err_deadline_passed").with("deadline", Arg::When(*deadline))
        }
        StoreError::Rule(RuleError::ConfirmedInFuture { .. }) => Notice::new("err_in_future"),
        StoreError::Rule(RuleError::ConfirmedBeforeAllocation { allocated_at, .. }) => {
            Notice::new("err_before_allocation").with("allocated", Arg::When(*allocated_at))
        }
        StoreError::Rule(RuleError::Transition { from, to }) => Notice::new("err_transition")
            .with("from", Arg::Key(appointment_status_key(*from)))
            .with("to", Arg::Key(appointment_status_key(*to))),
        other => Notice::plain(other.to_string()),
    }
}

/// Answers one request (also used directly by tests).
pub fn serve(store: &Store, request: &Request) -> Reply {
    serve_with(store, request, None)
}

fn serve_with(store: &Store, request: &Request, shared: Option<&SharedReads>) -> Reply {
    let result: Result<Reply, StoreError> = (|| {
        Ok(match request {
            Request::Dashboard { now, today, tz } => Reply::Dashboard(match shared {
                Some(shared) => shared.dashboard(store, *now, *today, *tz)?,
                None => Arc::new(dashboard(store, *now, *today, *tz)?),
            }),
            Request::Leaving { now } => Reply::Leaving(store.leaving(*now)?),
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
            Request::Outages => Reply::Outages(store.outages()?),
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
            Request::ConfirmFor { appointment_id } => {
                let a = store.appointment(*appointment_id)?;
                let pending = store.household_pending(a.household_id)?;
                Reply::ConfirmFor {
                    chosen: pending.iter().find(|l| l.appointment.id == a.id).cloned(),
                    pending,
                }
            }
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
    result.unwrap_or_else(|e| Reply::Failed(said(&e)))
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
    store: &mut Store,
    actor: &Actor,
    request: &Request,
    shared: Option<&SharedReads>,
) -> Reply {
    let Request::Save(save) = request else {
        return serve_with(store, request, shared);
    };
    if let Save::NewPerson {
        details,
        new_household,
        even_if_known,
    } = save
    {
        return add_person(
            store,
            details,
            new_household.as_ref(),
            *even_if_known,
            actor,
        );
    }
    if let Some(result) = save_network(store, save, actor) {
        return match result {
            Ok(saved) => Reply::Saved(saved),
            Err(e) => Reply::SaveFailed(said(&e)),
        };
    }
    let result = match save {
        Save::Place { .. }
        | Save::Transfer { .. }
        | Save::AnswerTransfer { .. }
        | Save::Step { .. } => {
            unreachable!("handled above")
        }
        Save::Confirm {
            appointment_id,
            version,
            number,
            confirmed_at,
            channel,
        } => store
            .confirm_group_via(
                &[(*appointment_id, *version, number.clone())],
                *confirmed_at,
                *channel,
                actor,
            )
            .map(|()| Saved::Confirmation),
        Save::ConfirmGroup {
            items,
            confirmed_at,
            channel,
        } => store
            .confirm_group_via(items, *confirmed_at, *channel, actor)
            .map(|()| Saved::Confirmation),
        Save::Outage(new) => store.record_outage(new, actor).map(|_| Saved::Outage),
        Save::EditOutage {
            outage_id,
            version,
            details,
        } => store
            .update_outage(*outage_id, *version, details, actor)
            .map(|_| Saved::OutageEdited),
        Save::ResolveOutage {
            outage_id,
            version,
            at,
        } => store
            .close_outage(*outage_id, *version, *at, actor)
            .map(|_| Saved::OutageResolved),
        Save::NewPerson { .. } => unreachable!("handled above"),
        Save::Schedule(new) => store
            .create_appointment(new, actor)
            .map(|_| Saved::Appointment),
        Save::Status {
            appointment_id,
            version,
            to,
        } => store
            .set_appointment_status(*appointment_id, *version, *to, actor)
            .map(|_| Saved::Status),
        Save::Person {
            person_id,
            version,
            details,
        } => store
            .update_person(*person_id, *version, details, actor)
            .map(|_| Saved::Person),
        Save::Household {
            household_id,
            version,
            label,
            us_destination,
        } => store
            .update_household(
                *household_id,
                *version,
                label,
                us_destination.as_deref(),
                actor,
            )
            .map(|_| Saved::Household),
        Save::Leave {
            person_id,
            version,
            details,
            cancel_pending,
            others,
        } => {
            let mut all = vec![(*person_id, *version, details.as_ref().clone())];
            all.extend(others.iter().cloned());
            store
                .record_departures(&all, *cancel_pending, actor)
                .map(|()| Saved::Person)
        }
        Save::Extension {
            outage_id,
            version,
            until,
        } => {
            // Those whose deadline is already later keep it: counted, to say so.
            let at_risk = store.at_risk_from(*outage_id).map(|a| a.len()).unwrap_or(0);
            store
                .grant_extension(*outage_id, *version, *until, actor)
                .map(|ids| Saved::Extension(ids.len(), at_risk.saturating_sub(ids.len())))
        }
    };
    match result {
        Ok(saved) => Reply::Saved(saved),
        Err(e) => Reply::SaveFailed(said(&e)),
    }
}

/// The writes of the network's forms: beds and transfers.
fn save_network(
    store: &mut Store,
    save: &Save,
    actor: &Actor,
) -> Option<Result<Saved, StoreError>> {
    Some(match save {
        Save::Place {
            person_id,
            version,
            section_id,
        } => store
            .place_person(*person_id, *version, *section_id, actor)
            .map(|_| Saved::Placed),
        Save::Transfer {
            household_id,
            to_shelter,
            consent,
        } => store
            .request_transfer(*household_id, *to_shelter, consent, actor)
            .map(|_| Saved::TransferAsked),
        Save::AnswerTransfer {
            transfer_id,
            version,
            accept: true,
            ..
        } => store
            .accept_transfer(*transfer_id, *version, actor)
            .map(|_| Saved::TransferAnswered(true)),
        Save::AnswerTransfer {
            transfer_id,
            version,
            reason,
            ..
        } => store
            .decline_transfer(*transfer_id, *version, reason, actor)
            .map(|_| Saved::TransferAnswered(false)),
        Save::Step {
            case_id,
            version,
            program,
            step,
            at,
            note,
        } => match crate::programs::in_force().get(program) {
            Some(p) => store
                .record_step(p, *case_id, *version, step, *at, note, actor)
                .map(|_| Saved::Step),
            None => Err(StoreError::from(crate::domain::RuleError::UnknownValue {
                field: "program (not loaded)",
                value: program.clone(),
            })),
        },
        _ => return None,
    })
}

/// Adds a person, unless people with the same folded name and birth date
/// are on the roster and the coordinator has not yet seen them.
fn add_person(
    store: &mut Store,
    details: &crate::domain::PersonDetails,
    new_household: Option<&(i64, String)>,
    even_if_known: bool,
    actor: &Actor,
) -> Reply {
    if !even_if_known {
        match store.existing_identities(&[details.identity()]) {
            Ok(found) => {
                let ids: Vec<i64> = found.into_iter().flatten().collect();
                if !ids.is_empty() {
                    let named = ids
                        .into_iter()
                        .filter_map(|id| store.person(id).ok().map(|p| (id, p.full_name())))
                        .collect();
                    return Reply::PossibleDuplicates(named);
                }
            }
            Err(e) => return Reply::SaveFailed(said(&e)),
        }
    }
    let result = match new_household {
        Some((shelter, label)) => {
            store.create_person_with_household(*shelter, label, details, actor)
        }
        None => store.create_person(details, actor),
    };
    match result {
        Ok(p) => Reply::Saved(Saved::NewPerson(p.id)),
        Err(e) => Reply::SaveFailed(said(&e)),
    }
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
    store: Store,
    setup: Setup,
    replies: UnboundedSender<Reply>,
) -> (Sender<Job>, JoinHandle<()>) {
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

fn run(mut store: Store, setup: &Setup, rx: &Receiver<Job>, replies: &UnboundedSender<Reply>) {
    // What each case must do next, read again for a program whose file
    // changed (nothing, as nearly always): a handle that may not write
    // (a read-only file) shows what was kept.
    let programs = crate::programs::in_force();
    let loaded: Vec<_> = programs.loaded.iter().map(|l| &l.program).collect();
    if let Err(e) = store.keep_due(&loaded) {
        tracing::warn!(error = %e, "next steps due not read again");
    }
    let mut seen = store.data_version().unwrap_or_default();
    loop {
        match rx.recv_timeout(WATCH_INTERVAL) {
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
        if setup.watch == Watch::Poll {
            if let Ok(v) = store.data_version() {
                if v != seen {
                    seen = v;
                    if replies.send(Reply::Changed).is_err() {
                        return;
                    }
                }
            }
        }
    }
}
