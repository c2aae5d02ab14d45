//! Appointments: allocation, confirmation and status changes.

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension, Row, Transaction};

use super::cells::Cells;
use super::{audit, check_version, codec, Result, Store, StoreError};
use crate::actor::Actor;
use crate::domain::appointment::{normalize_confirmation_number, Channel};
use crate::domain::{port, Appointment, AppointmentStatus, RuleError};
use crate::domain::{Permission, Scope};

pub(super) const APPOINTMENT_COLUMNS: &str = "id, household_id, person_id, port_code, \
     appointment_at, allocated_at, confirm_deadline, extended_until, confirmation_number, \
     confirmed_at, confirmed_by, status, version";

pub(super) fn appointment_row(r: &Row<'_>) -> rusqlite::Result<Appointment> {
    appointment_from(r)
}

/// Read from either backend's row.
pub(super) fn appointment_from(r: &impl Cells) -> rusqlite::Result<Appointment> {
    Ok(Appointment {
        id: r.cell(0)?,
        household_id: r.cell(1)?,
        person_id: r.cell(2)?,
        port_code: r.cell(3)?,
        appointment_at: codec::instant(r.cell(4)?),
        allocated_at: codec::instant(r.cell(5)?),
        confirm_deadline: codec::instant(r.cell(6)?),
        extended_until: codec::opt_instant(r.cell(7)?),
        confirmation_number: r.cell(8)?,
        confirmed_at: codec::opt_instant(r.cell(9)?),
        confirmed_by: r.cell(10)?,
        status: codec::parse_enum(11, &r.cell::<String>(11)?)?,
        version: r.cell(12)?,
    })
}

/// A newly allocated appointment, as CBP announces it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAppointment {
    /// The CBP One group.
    pub household_id: i64,
    /// The traveller (a member of the group), or `None` for the group.
    pub person_id: Option<i64>,
    /// Port code.
    pub port_code: String,
    /// When to present at the port.
    pub appointment_at: DateTime<Utc>,
    /// When CBP allocated it; the 23-hour deadline runs from here.
    pub allocated_at: DateTime<Utc>,
}

pub(super) fn load(tx: &Transaction<'_>, id: i64) -> Result<Appointment> {
    load_from(tx, id)
}

fn load_from(conn: &rusqlite::Connection, id: i64) -> Result<Appointment> {
    super::by_id(
        conn,
        "appointment",
        APPOINTMENT_COLUMNS,
        id,
        appointment_row,
    )
}

/// Inserts one appointment row as given (an import sets every field),
/// marked as for someone present or not from the rows already there.
pub(super) fn insert(
    tx: &Transaction<'_>,
    a: &Appointment,
    now: DateTime<Utc>,
    actor: &Actor,
) -> Result<i64> {
    tx.prepare_cached(
        "INSERT INTO appointment (id, household_id, person_id, port_code, appointment_at,
            allocated_at, confirm_deadline, extended_until, confirmation_number, confirmed_at,
            confirmed_by, status, created_at, updated_at, updated_by, for_present, shelter_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?13, ?14,
            CASE WHEN ?3 IS NULL
                THEN EXISTS (SELECT 1 FROM household_present h WHERE h.household_id = ?2)
                ELSE coalesce((SELECT p.status = 'present' FROM person p WHERE p.id = ?3), 0)
            END,
            (SELECT shelter_id FROM household WHERE id = ?2))",
    )?
    .execute(params![
        (a.id > 0).then_some(a.id),
        a.household_id,
        a.person_id,
        a.port_code,
        codec::secs(a.appointment_at),
        codec::secs(a.allocated_at),
        codec::secs(a.confirm_deadline),
        a.extended_until.map(codec::secs),
        a.confirmation_number,
        a.confirmed_at.map(codec::secs),
        a.confirmed_by,
        a.status.as_str(),
        codec::secs(now),
        actor.as_str(),
    ])?;
    Ok(tx.last_insert_rowid())
}

/// Inserts appointment rows as given (bulk loads set every field), each
/// with whether it is for someone present and its household's shelter
/// ([`super::BulkInsert`]).
pub(super) fn insert_many(
    tx: &rusqlite::Connection,
    rows: &[(&Appointment, bool)],
    shelter_of: &foldhash::HashMap<i64, i64>,
    now: DateTime<Utc>,
    actor: &Actor,
) -> Result<()> {
    /// The columns of a row bound on their own (the id to the shelter).
    const OWN: usize = 14;
    let (at, by) = (codec::secs(now), actor.as_str());
    let insert = super::BulkInsert::new(
        "INSERT INTO appointment (id, household_id, person_id, port_code, appointment_at,
            allocated_at, confirm_deadline, extended_until, confirmation_number, confirmed_at,
            confirmed_by, status, for_present, shelter_id, created_at, updated_at, updated_by)",
        OWN,
    );
    for chunk in rows.chunks(super::BulkInsert::ROWS) {
        // What SQLite keeps that the rows do not hold as such (instants as
        // seconds, the status's word), made first: the parameters borrow
        // them and the rows' own fields (binding copies them once).
        let made: Vec<([Option<i64>; 8], &'static str)> = chunk
            .iter()
            .map(|(a, for_present)| {
                (
                    [
                        (a.id > 0).then_some(a.id),
                        Some(codec::secs(a.appointment_at)),
                        Some(codec::secs(a.allocated_at)),
                        Some(codec::secs(a.confirm_deadline)),
                        a.extended_until.map(codec::secs),
                        a.confirmed_at.map(codec::secs),
                        Some(i64::from(*for_present)),
                        shelter_of.get(&a.household_id).copied(),
                    ],
                    a.status.as_str(),
                )
            })
            .collect();
        let mut values: Vec<&dyn rusqlite::ToSql> = Vec::with_capacity(2 + chunk.len() * OWN);
        values.extend([&at as &dyn rusqlite::ToSql, &by]);
        for ((a, _), (t, status)) in chunk.iter().zip(&made) {
            values.extend([
                &t[0] as &dyn rusqlite::ToSql,
                &a.household_id,
                &a.person_id,
                &a.port_code,
                &t[1],
                &t[2],
                &t[3],
                &t[4],
                &a.confirmation_number,
                &t[5],
                &a.confirmed_by,
                status,
                &t[6],
                &t[7],
            ]);
        }
        tx.prepare_cached(&insert.sql(chunk.len()))?
            .execute(rusqlite::params_from_iter(values))?;
    }
    Ok(())
}

/// Every appointment still pending confirmation for someone present at
/// the shelters of `scope`, soonest effective deadline first.
pub(super) fn pending(conn: &rusqlite::Connection, scope: &Scope) -> Result<Vec<Appointment>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {APPOINTMENT_COLUMNS} FROM appointment a
         WHERE status = 'pending_confirmation' AND {FOR_SOMEONE_PRESENT} AND {}
         ORDER BY max(confirm_deadline, coalesce(extended_until, 0)), id",
        scope.sql("a.shelter_id")
    ))?;
    let rows = stmt.query_map([], appointment_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Moves appointment `id` to `to` with its audit row (`summary`: from and
/// to, and why).
fn set_status(
    tx: &Transaction<'_>,
    now: DateTime<Utc>,
    actor: &Actor,
    id: i64,
    to: AppointmentStatus,
    summary: &str,
) -> Result<()> {
    tx.execute(
        "UPDATE appointment SET status = ?2, updated_at = ?3, updated_by = ?4,
            version = version + 1
         WHERE id = ?1",
        params![id, to.as_str(), codec::secs(now), actor.as_str()],
    )?;
    audit::record(tx, now, actor, "appointment.status", id, summary)
}

/// Settles the live appointments of person `person_id`, just recorded as
/// having left as `left`, in the same transaction (see
/// [`AppointmentStatus::settled_by_departure`]), each with its audit row.
/// Returns how many changed.
pub(super) fn settle_departure(
    tx: &Transaction<'_>,
    now: DateTime<Utc>,
    actor: &Actor,
    person_id: i64,
    left: crate::domain::PersonStatus,
    cancel_pending: bool,
) -> Result<usize> {
    let live: Vec<(i64, String)> = tx
        .prepare_cached(
            "SELECT id, status FROM appointment
             WHERE person_id = ?1 AND status IN ('pending_confirmation', 'confirmed')",
        )?
        .query_map([person_id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut settled = 0;
    for (id, status) in live {
        let from: AppointmentStatus = codec::parse_enum(1, &status)?;
        let asked = (cancel_pending && from == AppointmentStatus::PendingConfirmation)
            .then_some(AppointmentStatus::Cancelled);
        let Some(to) = from.settled_by_departure(left).or(asked) else {
            continue;
        };
        let summary = format!("{from} -> {to} (person {left})");
        set_status(tx, now, actor, id, to, &summary)?;
        settled += 1;
    }
    Ok(settled)
}

/// SQL: appointment `a` is one the shelter must still act for: its
/// traveller (or, for a household's appointment, someone of the household)
/// is present. The mark is kept on the row by the triggers of migration
/// 0007 as people come and go (tests/scale.rs checks it against that rule
/// after every kind of write).
pub(super) const FOR_SOMEONE_PRESENT: &str = "a.for_present = 1";

impl Store {
    /// Records an allocated appointment, pending confirmation, with its
    /// 23-hour deadline.
    pub fn create_appointment(
        &mut self,
        new: &NewAppointment,
        actor: &Actor,
    ) -> Result<Appointment> {
        if port::by_code(&new.port_code).is_none() {
            return Err(RuleError::UnknownPort(new.port_code.clone()).into());
        }
        let scope = self.scope.clone();
        let id = self.write(Permission::ManageAppointments, |tx, now| {
            super::require(tx, "household", new.household_id)?;
            super::scope::guard(tx, &scope, "household", new.household_id)?;
            if let Some(person_id) = new.person_id {
                let member_of: Option<i64> = tx
                    .query_row(
                        "SELECT household_id FROM person WHERE id = ?1",
                        [person_id],
                        |r| r.get(0),
                    )
                    .optional()?;
                match member_of {
                    None => {
                        return Err(StoreError::NotFound {
                            entity: "person",
                            id: person_id,
                        })
                    }
                    Some(h) if h != new.household_id => {
                        return Err(RuleError::UnknownValue {
                            field: "traveller for this household: person",
                            value: person_id.to_string(),
                        }
                        .into())
                    }
                    Some(_) => {}
                }
            }
            let appointment = Appointment::pending(
                new.household_id,
                new.person_id,
                new.port_code.clone(),
                new.appointment_at,
                new.allocated_at,
            );
            let id = insert(tx, &appointment, now, actor)?;
            let summary = format!("port {}", new.port_code);
            audit::record(tx, now, actor, "appointment.create", id, &summary)?;
            Ok(id)
        })?;
        self.appointment(id)
    }

    /// One appointment.
    pub fn appointment(&self, id: i64) -> Result<Appointment> {
        self.guard("appointment", id)?;
        load_from(&self.conn, id)
    }

    /// A person's appointments, newest first.
    pub fn appointments_for_person(&self, person_id: i64) -> Result<Vec<Appointment>> {
        self.guard("person", person_id)?;
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {APPOINTMENT_COLUMNS} FROM appointment WHERE person_id = ?1
             ORDER BY appointment_at DESC, id DESC"
        ))?;
        let rows = stmt.query_map([person_id], appointment_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Every appointment still pending confirmation, soonest deadline first.
    pub fn pending_appointments(&self) -> Result<Vec<Appointment>> {
        pending(&self.conn, &self.scope)
    }

    /// Records that the traveller confirmed in the app at `confirmed_at` with
    /// `number`, as seen in the app ([`Store::confirm_group_via`] names
    /// another channel). Refused when the row changed since `expected_version`, when
    /// the status does not allow it, after the effective deadline, or when
    /// the number is already recorded for another appointment.
    pub fn confirm_appointment(
        &mut self,
        id: i64,
        expected_version: i64,
        number: &str,
        confirmed_at: DateTime<Utc>,
        actor: &Actor,
    ) -> Result<Appointment> {
        self.confirm_group_via(
            &[(id, expected_version, number.to_string())],
            confirmed_at,
            Channel::App,
            actor,
        )?;
        self.appointment(id)
    }

    /// Records several travellers' confirmations (a CBP One group) in one
    /// transaction: all of them, or, if any is refused, none. `channel` is
    /// how the confirmation reached the shelter.
    pub fn confirm_group_via(
        &mut self,
        items: &[(i64, i64, String)],
        confirmed_at: DateTime<Utc>,
        channel: Channel,
        actor: &Actor,
    ) -> Result<()> {
        let numbers = items
            .iter()
            .map(|(_, _, n)| normalize_confirmation_number(n))
            .collect::<std::result::Result<Vec<_>, _>>()?;
        let scope = self.scope.clone();
        self.write(Permission::Confirm, |tx, now| {
            for ((id, expected_version, _), number) in items.iter().zip(numbers) {
                let id = *id;
                super::scope::guard(tx, &scope, "appointment", id)?;
                check_version(tx, "appointment", id, *expected_version)?;
                let current = load(tx, id)?;
                current.check_confirmation(confirmed_at, now)?;
                let holder = tx
                    .prepare_cached(
                        "SELECT id, person_id FROM appointment WHERE confirmation_number = ?1",
                    )?
                    .query_row([&number], |r| Ok((r.get::<_, i64>(0)?, r.get(1)?)))
                    .optional()?;
                if let Some((appointment_id, person_id)) = holder {
                    return Err(StoreError::DuplicateConfirmation {
                        number,
                        appointment_id,
                        person_id,
                    });
                }
                tx.execute(
                    "UPDATE appointment SET status = 'confirmed', confirmation_number = ?2,
                        confirmed_at = ?3, confirmed_by = ?4, confirmation_channel = ?6,
                        updated_at = ?5, updated_by = ?4, version = version + 1
                     WHERE id = ?1",
                    params![
                        id,
                        number,
                        codec::secs(confirmed_at),
                        actor.as_str(),
                        codec::secs(now),
                        channel.as_str()
                    ],
                )?;
                let summary = format!("{} -> confirmed", current.status);
                audit::record(tx, now, actor, "appointment.confirm", id, &summary)?;
            }
            Ok(())
        })
    }

    /// Pending appointments of everyone in a household, with names, by person.
    pub fn household_pending(
        &self,
        household_id: i64,
    ) -> Result<Vec<crate::store::AppointmentLine>> {
        self.guard("household", household_id)?;
        self.appointment_lines(&format!(
            "a.household_id = {household_id} AND a.status = 'pending_confirmation'
             ORDER BY a.person_id, a.id"
        ))
    }

    /// Moves an appointment to another status (missed, presented, cancelled),
    /// if the lifecycle allows it and nobody changed it since `expected_version`.
    /// Confirmation has its own call, [`Store::confirm_appointment`].
    pub fn set_appointment_status(
        &mut self,
        id: i64,
        expected_version: i64,
        to: AppointmentStatus,
        actor: &Actor,
    ) -> Result<Appointment> {
        if to == AppointmentStatus::Confirmed {
            return Err(RuleError::Required("a confirmation number").into());
        }
        let scope = self.scope.clone();
        self.write(Permission::ManageAppointments, |tx, now| {
            super::scope::guard(tx, &scope, "appointment", id)?;
            check_version(tx, "appointment", id, expected_version)?;
            let current = load(tx, id)?;
            current.status.transition(to)?;
            let summary = format!("{} -> {to}", current.status);
            set_status(tx, now, actor, id, to, &summary)
        })?;
        self.appointment(id)
    }
}
