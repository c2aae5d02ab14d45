//! Outages and the extensions granted after them, on PostgreSQL
//! ([`crate::store::Desk`]): the same rules and audit rows as the SQLite
//! store's (`store/outages.rs`), whose checks of what an outage must say
//! are shared.

use chrono::{DateTime, Utc};

use super::audit;
use super::store::PgStore;
use super::tx::{by_id, locked, scoped, Tx};
use crate::actor::Actor;
use crate::domain::{Appointment, Outage, Permission};
use crate::store::appointments::{appointment_from, APPOINTMENT_COLUMNS};
use crate::store::outages::{check, outage_from, stored_ports, OUTAGE_COLUMNS};
use crate::store::{codec, NewOutage, Result};

impl PgStore {
    /// Records an outage ([`crate::store::Store::record_outage`]).
    pub fn record_outage(&mut self, new: &NewOutage, actor: &Actor) -> Result<Outage> {
        check(new)?;
        let ports = stored_ports(&new.ports)?;
        self.write(Permission::ManageOutages, |tx, _, now| {
            let id: i64 = tx
                .query_one(
                    "INSERT INTO outage (affected_step, port_codes, started_at, ended_at, source,
                        note, extension_until, created_at, updated_at, updated_by, service)
                     VALUES ($1, $2, $3, $4, $5, $6, NULL, $7, $7, $8, $9) RETURNING id",
                    &[
                        &new.affected_step.as_str(),
                        &ports,
                        &codec::secs(new.started_at),
                        &new.ended_at.map(codec::secs),
                        &new.source.trim(),
                        &new.note,
                        &now,
                        &actor.as_str(),
                        &new.service.trim(),
                    ],
                )?
                .get(0);
            let summary = if new.service == crate::domain::outage::CBP_ONE_SERVICE {
                format!("step {}", new.affected_step)
            } else {
                format!("service {}", new.service.trim())
            };
            audit::record(tx, now, actor, "outage.create", id, &summary)?;
            load(tx, id)
        })
    }

    /// Records that an outage ended ([`crate::store::Store::close_outage`]).
    pub fn close_outage(
        &mut self,
        id: i64,
        expected_version: i64,
        ended_at: DateTime<Utc>,
        actor: &Actor,
    ) -> Result<Outage> {
        self.write(Permission::ManageOutages, |tx, _, now| {
            let current = locked(tx, "outage", OUTAGE_COLUMNS, id, expected_version, |r| {
                outage_from(r)
            })?;
            current.check_end(ended_at)?;
            tx.execute(
                "UPDATE outage SET ended_at = $2, updated_at = $3, updated_by = $4,
                    version = version + 1 WHERE id = $1",
                &[&id, &codec::secs(ended_at), &now, &actor.as_str()],
            )?;
            audit::record(tx, now, actor, "outage.close", id, "")?;
            load(tx, id)
        })
    }

    /// Grants the extension CBP announced after outage `id`
    /// ([`crate::store::Store::grant_extension`]): the pending confirmations
    /// of the handle's shelters it puts at risk get `until` (never a
    /// shorter deadline), each with its audit row. Returns the ids extended.
    pub fn grant_extension(
        &mut self,
        id: i64,
        expected_version: i64,
        until: DateTime<Utc>,
        actor: &Actor,
    ) -> Result<Vec<i64>> {
        self.write(Permission::ManageOutages, |tx, scope, now| {
            let outage = locked(tx, "outage", OUTAGE_COLUMNS, id, expected_version, |r| {
                outage_from(r)
            })?;
            outage.check_extension(until)?;
            let pending = pending(tx, scope)?;
            let mut extended = Vec::new();
            for a in pending.iter().filter(|a| outage.puts_at_risk(a)) {
                if until <= a.effective_deadline() {
                    continue;
                }
                tx.execute(
                    "UPDATE appointment SET extended_until = $2, updated_at = $3, updated_by = $4,
                        version = version + 1 WHERE id = $1",
                    &[&a.id, &codec::secs(until), &now, &actor.as_str()],
                )?;
                let summary = format!("extended after outage {id}");
                audit::record(tx, now, actor, "appointment.extend", a.id, &summary)?;
                extended.push(a.id);
            }
            tx.execute(
                "UPDATE outage SET extension_until = $2, updated_at = $3, updated_by = $4,
                    version = version + 1 WHERE id = $1",
                &[&id, &codec::secs(until), &now, &actor.as_str()],
            )?;
            let summary = format!("{} appointments extended", extended.len());
            audit::record(tx, now, actor, "outage.extend", id, &summary)?;
            Ok(extended)
        })
    }
}

impl PgStore {
    /// Every outage recorded, those going on first, newest first
    /// ([`crate::store::Store::outages`]).
    pub fn outages(&mut self) -> Result<Vec<Outage>> {
        self.read(|tx, _| all(tx))
    }

    /// The appointments outage `id` puts at risk, soonest deadline first
    /// ([`crate::store::Store::at_risk_from`]).
    pub fn at_risk_from(&mut self, id: i64) -> Result<Vec<Appointment>> {
        self.read(|tx, scope| {
            let outage = load(tx, id)?;
            Ok(pending(tx, scope)?
                .into_iter()
                .filter(|a| outage.puts_at_risk(a))
                .collect())
        })
    }
}

/// Every outage, as the dashboard lists them.
pub(super) fn all(tx: &mut Tx<'_>) -> Result<Vec<Outage>> {
    let sql = format!(
        "SELECT {OUTAGE_COLUMNS} FROM outage
         ORDER BY ended_at IS NOT NULL, started_at DESC, id DESC"
    );
    tx.query(&sql, &[])?
        .iter()
        .map(|r| Ok(outage_from(r)?))
        .collect()
}

/// The pending confirmations of `scope`'s shelters for people present,
/// soonest effective deadline first.
fn pending(tx: &mut Tx<'_>, scope: &crate::domain::Scope) -> Result<Vec<Appointment>> {
    let sql = format!(
        "SELECT {APPOINTMENT_COLUMNS} FROM appointment a
         WHERE status = 'pending_confirmation' AND a.for_present = 1 AND {}
         ORDER BY greatest(confirm_deadline, coalesce(extended_until, 0)), id",
        scoped(scope, "a.shelter_id")
    );
    tx.query(&sql, &[])?
        .iter()
        .map(|r| Ok(appointment_from(r)?))
        .collect()
}

/// Outage `id`, as this transaction sees it.
fn load(tx: &mut Tx<'_>, id: i64) -> Result<Outage> {
    by_id(tx, "outage", OUTAGE_COLUMNS, id, outage_from)
}
