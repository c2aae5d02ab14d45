//! CBP One outages and the extensions granted after them.

use chrono::{DateTime, Utc};
use rusqlite::{params, Row, Transaction};

use super::appointments::pending;
use super::cells::Cells;
use super::{audit, check_version, codec, Result, Store};
use crate::actor::Actor;
use crate::domain::outage::is_at_risk;
use crate::domain::Permission;
use crate::domain::{port, Appointment, Outage, Ports, RuleError, Step};

pub(super) const OUTAGE_COLUMNS: &str =
    "id, service, affected_step, port_codes, started_at, ended_at, \
     source, note, extension_until, version";

pub(super) fn outage_row(r: &Row<'_>) -> rusqlite::Result<Outage> {
    outage_from(r)
}

/// Read from either backend's row.
pub(super) fn outage_from(r: &impl Cells) -> rusqlite::Result<Outage> {
    let ports: Option<String> = r.cell(3)?;
    Ok(Outage {
        id: r.cell(0)?,
        service: r.cell(1)?,
        affected_step: codec::parse_enum(2, &r.cell::<String>(2)?)?,
        ports: match ports {
            None => Ports::All,
            Some(list) => Ports::Some(list.split(',').map(String::from).collect()),
        },
        started_at: codec::instant(r.cell(4)?),
        ended_at: codec::opt_instant(r.cell(5)?),
        source: r.cell(6)?,
        note: r.cell(7)?,
        extension_until: codec::opt_instant(r.cell(8)?),
        version: r.cell(9)?,
    })
}

/// A newly reported outage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOutage {
    /// The failing service (`domain::outage::CBP_ONE_SERVICE`, or another
    /// program's id).
    pub service: String,
    /// The step that fails (CBP One's; `all` for another program's).
    pub affected_step: Step,
    /// The ports hit.
    pub ports: Ports,
    /// Since when.
    pub started_at: DateTime<Utc>,
    /// Until when, if it is already over.
    pub ended_at: Option<DateTime<Utc>>,
    /// Where the news came from.
    pub source: String,
    /// Free text.
    pub note: String,
}

pub(super) fn stored_ports(ports: &Ports) -> Result<Option<String>> {
    match ports {
        Ports::All => Ok(None),
        Ports::Some(codes) => {
            if codes.is_empty() {
                return Err(RuleError::Required("ports").into());
            }
            if let Some(bad) = codes.iter().find(|c| port::by_code(c).is_none()) {
                return Err(RuleError::UnknownPort(bad.clone()).into());
            }
            Ok(Some(codes.join(",")))
        }
    }
}

fn load(conn: &rusqlite::Connection, id: i64) -> Result<Outage> {
    super::by_id(conn, "outage", OUTAGE_COLUMNS, id, outage_row)
}

/// What an outage must say: a source, an end not before its start.
pub(super) fn check(o: &NewOutage) -> Result<()> {
    if o.service.trim().is_empty() {
        return Err(RuleError::Required("service").into());
    }
    if o.source.trim().is_empty() {
        return Err(RuleError::Required("source").into());
    }
    if o.ended_at.is_some_and(|end| end < o.started_at) {
        return Err(RuleError::DatesOutOfOrder {
            earlier: "outage start",
            later: "outage end",
        }
        .into());
    }
    Ok(())
}

/// Inserts an outage row (bulk loads also give the extension granted).
pub(super) fn insert(
    tx: &Transaction<'_>,
    o: &NewOutage,
    extension_until: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
    actor: &Actor,
) -> Result<i64> {
    check(o)?;
    tx.prepare_cached(
        "INSERT INTO outage (affected_step, port_codes, started_at, ended_at, source, note,
            extension_until, created_at, updated_at, updated_by, service)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8, ?9, ?10)",
    )?
    .execute(params![
        o.affected_step.as_str(),
        stored_ports(&o.ports)?,
        codec::secs(o.started_at),
        o.ended_at.map(codec::secs),
        o.source.trim(),
        o.note,
        extension_until.map(codec::secs),
        codec::secs(now),
        actor.as_str(),
        o.service.trim(),
    ])?;
    Ok(tx.last_insert_rowid())
}

impl Store {
    /// Records an outage.
    pub fn record_outage(&mut self, new: &NewOutage, actor: &Actor) -> Result<Outage> {
        let id = self.write(Permission::ManageOutages, |tx, now| {
            let id = insert(tx, new, None, now, actor)?;
            let summary = if new.service == crate::domain::outage::CBP_ONE_SERVICE {
                format!("step {}", new.affected_step)
            } else {
                format!("service {}", new.service.trim())
            };
            audit::record(tx, now, actor, "outage.create", id, &summary)?;
            Ok(id)
        })?;
        self.outage(id)
    }

    /// Corrects what a recorded outage says (step, ports, window, source,
    /// note), if nobody changed it since `expected_version`; the audit row
    /// names the fields that changed. The extension granted stays.
    pub fn update_outage(
        &mut self,
        id: i64,
        expected_version: i64,
        new: &NewOutage,
        actor: &Actor,
    ) -> Result<Outage> {
        check(new)?;
        let ports = stored_ports(&new.ports)?;
        self.write(Permission::ManageOutages, |tx, now| {
            check_version(tx, "outage", id, expected_version)?;
            let old = load(tx, id)?;
            let mut changed = Vec::new();
            if old.service != new.service.trim() {
                changed.push("service");
            }
            if old.affected_step != new.affected_step {
                changed.push("affected_step");
            }
            if old.ports != new.ports {
                changed.push("ports");
            }
            if old.started_at != new.started_at {
                changed.push("started_at");
            }
            if old.ended_at != new.ended_at {
                changed.push("ended_at");
            }
            if old.source != new.source.trim() {
                changed.push("source");
            }
            if old.note != new.note {
                changed.push("note");
            }
            if changed.is_empty() {
                return Ok(());
            }
            tx.execute(
                "UPDATE outage SET affected_step = ?2, port_codes = ?3, started_at = ?4,
                    ended_at = ?5, source = ?6, note = ?7, updated_at = ?8, updated_by = ?9,
                    version = version + 1, service = ?10
                 WHERE id = ?1",
                params![
                    id,
                    new.affected_step.as_str(),
                    ports,
                    codec::secs(new.started_at),
                    new.ended_at.map(codec::secs),
                    new.source.trim(),
                    new.note,
                    codec::secs(now),
                    actor.as_str(),
                    new.service.trim()
                ],
            )?;
            let summary = format!("changed: {}", changed.join(", "));
            audit::record(tx, now, actor, "outage.update", id, &summary)
        })?;
        self.outage(id)
    }

    /// Records that an outage ended at `ended_at`.
    pub fn close_outage(
        &mut self,
        id: i64,
        expected_version: i64,
        ended_at: DateTime<Utc>,
        actor: &Actor,
    ) -> Result<Outage> {
        self.write(Permission::ManageOutages, |tx, now| {
            check_version(tx, "outage", id, expected_version)?;
            let current = load(tx, id)?;
            current.check_end(ended_at)?;
            tx.execute(
                "UPDATE outage SET ended_at = ?2, updated_at = ?3, updated_by = ?4,
                    version = version + 1 WHERE id = ?1",
                params![id, codec::secs(ended_at), codec::secs(now), actor.as_str()],
            )?;
            audit::record(tx, now, actor, "outage.close", id, "")
        })?;
        self.outage(id)
    }

    /// One outage.
    pub fn outage(&self, id: i64) -> Result<Outage> {
        load(&self.conn, id)
    }

    /// Every outage: those still going on first, then the newest.
    pub fn outages(&self) -> Result<Vec<Outage>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {OUTAGE_COLUMNS} FROM outage
             ORDER BY ended_at IS NOT NULL, started_at DESC, id DESC"
        ))?;
        let rows = stmt.query_map([], outage_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The appointments that the outage `id` puts at risk, soonest deadline first.
    pub fn at_risk_from(&self, id: i64) -> Result<Vec<Appointment>> {
        let outage = self.outage(id)?;
        Ok(pending(&self.conn, &self.scope)?
            .into_iter()
            .filter(|a| outage.puts_at_risk(a))
            .collect())
    }

    /// Every appointment at risk from any recorded outage, soonest deadline first.
    pub fn at_risk(&self) -> Result<Vec<Appointment>> {
        let outages = self.outages()?;
        Ok(pending(&self.conn, &self.scope)?
            .into_iter()
            .filter(|a| is_at_risk(a, &outages))
            .collect())
    }

    /// Records that CBP granted more time after outage `id`: every appointment
    /// it puts at risk gets `until` as its deadline (never a shorter one), in
    /// one transaction with an audit row for each. Returns the ids extended.
    /// A handle scoped to some shelters extends their appointments alone
    /// (granting it again from another shelter extends that one's).
    pub fn grant_extension(
        &mut self,
        id: i64,
        expected_version: i64,
        until: DateTime<Utc>,
        actor: &Actor,
    ) -> Result<Vec<i64>> {
        let scope = self.scope.clone();
        self.write(Permission::ManageOutages, |tx, now| {
            check_version(tx, "outage", id, expected_version)?;
            let outage = load(tx, id)?;
            outage.check_extension(until)?;
            let mut extended = Vec::new();
            for a in pending(tx, &scope)?
                .iter()
                .filter(|a| outage.puts_at_risk(a))
            {
                if until <= a.effective_deadline() {
                    continue;
                }
                tx.prepare_cached(
                    "UPDATE appointment SET extended_until = ?2, updated_at = ?3, updated_by = ?4,
                        version = version + 1 WHERE id = ?1",
                )?
                .execute(params![
                    a.id,
                    codec::secs(until),
                    codec::secs(now),
                    actor.as_str()
                ])?;
                let summary = format!("extended after outage {id}");
                audit::record(tx, now, actor, "appointment.extend", a.id, &summary)?;
                extended.push(a.id);
            }
            tx.execute(
                "UPDATE outage SET extension_until = ?2, updated_at = ?3, updated_by = ?4,
                    version = version + 1 WHERE id = ?1",
                params![id, codec::secs(until), codec::secs(now), actor.as_str()],
            )?;
            let summary = format!("{} appointments extended", extended.len());
            audit::record(tx, now, actor, "outage.extend", id, &summary)?;
            Ok(extended)
        })
    }
}
