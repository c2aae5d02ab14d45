//! The writes of the store thread: each form's save, through the desk on
//! either backend or the SQLite store for what is not carried to
//! PostgreSQL yet, and a refusal said as the coordinator reads it.

use super::message::{Reply, Save, Saved};
use super::notice::{appointment_status_key, role_key, Arg, Notice};
use crate::actor::Actor;
use crate::domain::RuleError;
use crate::store::{Desk, Seam, Store, StoreError};

/// What a save needs of a backend that does not hold it yet.
const SAVING: &str = "saving this form";

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

/// Saves `save` in `actor`'s name.
pub(super) fn write(seam: &mut dyn Seam, save: &Save, actor: &Actor) -> Reply {
    let written = desk_write(seam.desk(), save, actor).or_else(|| {
        seam.sqlite_mut(SAVING)
            .map_or_else(|e| Some(Err(e)), |store| save_network(store, save, actor))
    });
    if let Some(result) = written {
        return match result {
            Ok(saved) => Reply::Saved(saved),
            Err(e) => Reply::SaveFailed(said(&e)),
        };
    }
    let store = match seam.sqlite_mut(SAVING) {
        Ok(store) => store,
        Err(e) => return Reply::SaveFailed(said(&e)),
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
    let result = match save {
        Save::Place { .. }
        | Save::Transfer { .. }
        | Save::AnswerTransfer { .. }
        | Save::Step { .. }
        | Save::Confirm { .. }
        | Save::ConfirmGroup { .. }
        | Save::Outage(_)
        | Save::ResolveOutage { .. }
        | Save::Extension { .. } => {
            unreachable!("handled above")
        }
        Save::EditOutage {
            outage_id,
            version,
            details,
        } => store
            .update_outage(*outage_id, *version, details, actor)
            .map(|_| Saved::OutageEdited),
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
    };
    match result {
        Ok(saved) => Reply::Saved(saved),
        Err(e) => Reply::SaveFailed(said(&e)),
    }
}

/// The writes the desk makes on either backend.
fn desk_write(
    desk: &mut dyn Desk,
    save: &Save,
    actor: &Actor,
) -> Option<Result<Saved, StoreError>> {
    Some(match save {
        Save::Confirm {
            appointment_id,
            version,
            number,
            confirmed_at,
            channel,
        } => desk
            .confirm_group(
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
        } => desk
            .confirm_group(items, *confirmed_at, *channel, actor)
            .map(|()| Saved::Confirmation),
        Save::Outage(new) => desk.record_outage(new, actor).map(|_| Saved::Outage),
        Save::ResolveOutage {
            outage_id,
            version,
            at,
        } => desk
            .close_outage(*outage_id, *version, *at, actor)
            .map(|_| Saved::OutageResolved),
        Save::Extension {
            outage_id,
            version,
            until,
        } => {
            // Those whose deadline is already later keep it: counted, to say so.
            let at_risk = desk.at_risk_from(*outage_id).map(|a| a.len()).unwrap_or(0);
            desk.grant_extension(*outage_id, *version, *until, actor)
                .map(|ids| Saved::Extension(ids.len(), at_risk.saturating_sub(ids.len())))
        }
        _ => return None,
    })
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
