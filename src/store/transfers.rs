//! Transfers between the shelters of a network: asked for by the sending
//! shelter with the person's consent, answered by the receiving one. An
//! accepted transfer moves the household in the transaction that records
//! the answer (its people, appointments and counts follow: migration 0011's
//! `household_moved`); a declined or cancelled one moves nothing.

use rusqlite::{params, OptionalExtension, Row, Transaction};

use super::cells::Cells;
use super::{audit, check_version, codec, Result, Store, StoreError};
use crate::actor::Actor;
use crate::domain::transfer::{check_reason, check_request};
use crate::domain::{Consent, Permission, Scope, Shelter, Transfer, TransferStatus};

pub(super) const COLUMNS: &str = "id, household_id, from_shelter, to_shelter, people, status, \
     consent_asked_by, requested_at, requested_by, decided_at, decided_by, reason, version";

pub(super) fn transfer_row(r: &Row<'_>) -> rusqlite::Result<Transfer> {
    transfer_from(r)
}

/// Read from either backend's row.
pub(super) fn transfer_from(r: &impl Cells) -> rusqlite::Result<Transfer> {
    Ok(Transfer {
        id: r.cell(0)?,
        household_id: r.cell(1)?,
        from_shelter: r.cell(2)?,
        to_shelter: r.cell(3)?,
        people: r.cell(4)?,
        status: codec::parse_enum(5, &r.cell::<String>(5)?)?,
        consent_asked_by: r.cell(6)?,
        requested_at: codec::instant(r.cell(7)?),
        requested_by: r.cell(8)?,
        decided_at: codec::opt_instant(r.cell(9)?),
        decided_by: r.cell(10)?,
        reason: r.cell(11)?,
        version: r.cell(12)?,
    })
}

/// A transfer on its way to a shelter of the handle's, with the names of
/// the people coming (the receiving shelter prepares their beds).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Arriving {
    /// The transfer.
    pub transfer: Transfer,
    /// The household's label.
    pub household: String,
    /// The sending shelter's name.
    pub from: String,
    /// "Given Family" of each member present, by id.
    pub names: Vec<String>,
}

/// Transfer `id`, read inside `tx`; `NotFound` when there is none, and
/// `OutOfScope` unless one of its shelters (`side`: the sending one, the
/// receiving one, or either) is in `scope`.
fn load(tx: &rusqlite::Connection, scope: &Scope, id: i64, side: Side) -> Result<Transfer> {
    let t = tx
        .prepare_cached(&format!("SELECT {COLUMNS} FROM transfer WHERE id = ?1"))?
        .query_row([id], transfer_row)
        .optional()?
        .ok_or(StoreError::NotFound {
            entity: "transfer",
            id,
        })?;
    let ok = match side {
        Side::From => scope.covers(t.from_shelter),
        Side::To => scope.covers(t.to_shelter),
        Side::Either => scope.covers(t.from_shelter) || scope.covers(t.to_shelter),
    };
    if ok {
        Ok(t)
    } else {
        Err(StoreError::OutOfScope {
            what: "transfer",
            id,
        })
    }
}

#[derive(Clone, Copy)]
enum Side {
    From,
    To,
    Either,
}

/// Records an answer to transfer `t` (now `to`), with its audit row.
fn answer(
    tx: &Transaction<'_>,
    now: chrono::DateTime<chrono::Utc>,
    actor: &Actor,
    t: &Transfer,
    to: TransferStatus,
    reason: &str,
) -> Result<()> {
    tx.execute(
        "UPDATE transfer SET status = ?2, decided_at = ?3, decided_by = ?4, reason = ?5,
            updated_at = ?3, updated_by = ?4, version = version + 1
         WHERE id = ?1",
        params![t.id, to.as_str(), codec::secs(now), actor.as_str(), reason],
    )?;
    let summary = format!(
        "shelter {} -> shelter {}: {}",
        t.from_shelter, t.to_shelter, to
    );
    let action = match to {
        TransferStatus::Accepted => "transfer.accept",
        TransferStatus::Declined => "transfer.decline",
        _ => "transfer.cancel",
    };
    audit::record(tx, now, actor, action, t.id, &summary)
}

/// Inserts transfers as given (a bulk load).
pub(super) fn insert(
    tx: &Transaction<'_>,
    transfers: &[Transfer],
    now: chrono::DateTime<chrono::Utc>,
) -> Result<()> {
    let mut insert = tx.prepare_cached(
        "INSERT INTO transfer (id, household_id, from_shelter, to_shelter, people, status,
            consent_asked_by, requested_at, requested_by, decided_at, decided_by, reason,
            created_at, updated_at, updated_by, version)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?13, ?9, ?14)",
    )?;
    for t in transfers {
        insert.execute(params![
            t.id,
            t.household_id,
            t.from_shelter,
            t.to_shelter,
            t.people,
            t.status.as_str(),
            t.consent_asked_by,
            codec::secs(t.requested_at),
            t.requested_by,
            t.decided_at.map(codec::secs),
            t.decided_by,
            t.reason,
            codec::secs(now),
            t.version,
        ])?;
    }
    Ok(())
}

impl Store {
    /// Every shelter of the network (names and cities are no one's personal
    /// data): where a household may be transferred to.
    pub fn network_shelters(&self) -> Result<Vec<Shelter>> {
        self.shelters_where("1")
    }

    /// Asks for household `household_id` to move to shelter `to_shelter`,
    /// with the person's consent (refused without it, or to the household's
    /// own shelter, or while another transfer of theirs waits for an
    /// answer). Nothing moves until the receiving shelter accepts.
    pub fn request_transfer(
        &mut self,
        household_id: i64,
        to_shelter: i64,
        consent: &Consent,
        actor: &Actor,
    ) -> Result<Transfer> {
        let scope = self.scope.clone();
        let asked_by = consent.asked_by.trim().to_string();
        let id = self.write(Permission::Transfers, |tx, now| {
            super::require(tx, "household", household_id)?;
            super::scope::guard(tx, &scope, "household", household_id)?;
            super::require(tx, "shelter", to_shelter)?;
            let from: i64 = tx.query_row(
                "SELECT shelter_id FROM household WHERE id = ?1",
                [household_id],
                |r| r.get(0),
            )?;
            check_request(from, to_shelter, consent)?;
            let open: Option<i64> = tx
                .query_row(
                    "SELECT id FROM transfer WHERE household_id = ?1 AND status = 'pending'",
                    [household_id],
                    |r| r.get(0),
                )
                .optional()?;
            if let Some(open) = open {
                return Err(crate::domain::RuleError::UnknownValue {
                    field: "new transfer: this household's transfer waits for an answer, number",
                    value: open.to_string(),
                }
                .into());
            }
            let people: i64 = tx.query_row(
                "SELECT count(*) FROM person WHERE household_id = ?1 AND status = 'present'",
                [household_id],
                |r| r.get(0),
            )?;
            tx.execute(
                "INSERT INTO transfer (household_id, from_shelter, to_shelter, people, status,
                    consent_asked_by, requested_at, requested_by, created_at, updated_at,
                    updated_by)
                 VALUES (?1, ?2, ?3, ?4, 'pending', ?5, ?6, ?7, ?6, ?6, ?7)",
                params![
                    household_id,
                    from,
                    to_shelter,
                    people,
                    asked_by,
                    codec::secs(now),
                    actor.as_str()
                ],
            )?;
            let id = tx.last_insert_rowid();
            let summary = format!(
                "household {household_id}: shelter {from} -> shelter {to_shelter}; \
                 consent asked by {asked_by}"
            );
            audit::record(tx, now, actor, "transfer.request", id, &summary)?;
            Ok(id)
        })?;
        self.transfer(id)
    }

    /// One transfer, for a handle of its sending or receiving shelter.
    pub fn transfer(&self, id: i64) -> Result<Transfer> {
        load(&self.conn, &self.scope, id, Side::Either)
    }

    /// The transfers from or to the handle's shelters, newest first: the
    /// record of each (who, when, where, the answer), never the people.
    pub fn transfers(&self) -> Result<Vec<Transfer>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM transfer WHERE {} OR {} ORDER BY id DESC",
            self.scope.sql("from_shelter"),
            self.scope.sql("to_shelter")
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map([], transfer_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The transfers waiting for an answer from the handle's shelters, with
    /// who is coming, oldest first.
    pub fn arriving(&self) -> Result<Vec<Arriving>> {
        let sql = format!(
            "SELECT {}, h.label, s.name FROM transfer t
             JOIN household h ON h.id = t.household_id JOIN shelter s ON s.id = t.from_shelter
             WHERE t.status = 'pending' AND {} ORDER BY t.id",
            COLUMNS
                .split(", ")
                .map(|c| format!("t.{c}"))
                .collect::<Vec<_>>()
                .join(", "),
            self.scope.sql("t.to_shelter")
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let heads: Vec<(Transfer, String, String)> = stmt
            .query_map([], |r| Ok((transfer_row(r)?, r.get(13)?, r.get(14)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let mut names = self.conn.prepare_cached(
            "SELECT given_names || ' ' || family_names FROM person
             WHERE household_id = ?1 AND status = 'present' ORDER BY id",
        )?;
        heads
            .into_iter()
            .map(|(transfer, household, from)| {
                let names = names
                    .query_map([transfer.household_id], |r| r.get::<_, String>(0))?
                    .map(|n| n.map(|n| n.trim().to_string()))
                    .collect::<rusqlite::Result<_>>()?;
                Ok(Arriving {
                    transfer,
                    household,
                    from,
                    names,
                })
            })
            .collect()
    }

    /// The receiving shelter takes the household in: in one transaction the
    /// answer is recorded and the household moves, its people, appointments
    /// and counts with it. Over the version read (another coordinator's
    /// answer first is a conflict).
    pub fn accept_transfer(&mut self, id: i64, version: i64, actor: &Actor) -> Result<Transfer> {
        let scope = self.scope.clone();
        self.write(Permission::Transfers, |tx, now| {
            check_version(tx, "transfer", id, version)?;
            let t = load(tx, &scope, id, Side::To)?;
            t.check_open()?;
            answer(tx, now, actor, &t, TransferStatus::Accepted, "")?;
            tx.execute(
                "UPDATE household SET shelter_id = ?2, updated_at = ?3, updated_by = ?4,
                    version = version + 1 WHERE id = ?1",
                params![
                    t.household_id,
                    t.to_shelter,
                    codec::secs(now),
                    actor.as_str()
                ],
            )?;
            let summary = format!(
                "shelter {} -> shelter {} (transfer {id})",
                t.from_shelter, t.to_shelter
            );
            audit::record(tx, now, actor, "household.move", t.household_id, &summary)?;
            // Beds at the receiving shelter (their old section stayed behind:
            // migration 0013's `section_left`).
            super::sections::place_household(tx, t.household_id, now.date_naive())?;
            Ok(())
        })?;
        self.transfer(id)
    }

    /// The receiving shelter cannot take them (`reason`): nothing moves.
    pub fn decline_transfer(
        &mut self,
        id: i64,
        version: i64,
        reason: &str,
        actor: &Actor,
    ) -> Result<Transfer> {
        self.close_transfer(
            id,
            version,
            reason,
            Side::To,
            TransferStatus::Declined,
            actor,
        )
    }

    /// The sending shelter withdraws its request (`reason`): nothing moves.
    pub fn cancel_transfer(
        &mut self,
        id: i64,
        version: i64,
        reason: &str,
        actor: &Actor,
    ) -> Result<Transfer> {
        self.close_transfer(
            id,
            version,
            reason,
            Side::From,
            TransferStatus::Cancelled,
            actor,
        )
    }

    fn close_transfer(
        &mut self,
        id: i64,
        version: i64,
        reason: &str,
        side: Side,
        to: TransferStatus,
        actor: &Actor,
    ) -> Result<Transfer> {
        check_reason(reason)?;
        let scope = self.scope.clone();
        self.write(Permission::Transfers, |tx, now| {
            check_version(tx, "transfer", id, version)?;
            let t = load(tx, &scope, id, side)?;
            t.check_open()?;
            answer(tx, now, actor, &t, to, reason.trim())
        })?;
        self.transfer(id)
    }
}
