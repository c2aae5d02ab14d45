//! The coordinator's desk on PostgreSQL ([`Desk`]): the dashboard's reads
//! in one consistent snapshot, and the confirmation written with its audit
//! row in one transaction. Tallies are plain counts over indexed rows (the
//! SQLite store keeps tally tables with triggers); the answers are the same,
//! which the conformance tests check on one database ported to both.

use chrono::{DateTime, NaiveDate, Utc};
use postgres::error::SqlState;
use postgres::types::ToSql;

use super::audit;
use super::store::PgStore;
use super::tx::{by_id, locked, scoped, see, Tx};
use crate::actor::Actor;
use crate::domain::appointment::{normalize_confirmation_number, Channel};
use crate::domain::outage::Risk;
use crate::domain::section::Section;
use crate::domain::{port, Appointment, Outage, Permission, Ports, Role, Scope};
use crate::store::appointments::{appointment_from, APPOINTMENT_COLUMNS};
use crate::store::transfers::{transfer_from, COLUMNS as TRANSFER_COLUMNS};
use crate::store::{codec, AppointmentLine, Arriving, DashboardData, Desk, Result};
use crate::store::{ShelterBeds, Slot, StoreError, SOONEST};

/// A confirmation's effective deadline (the deadline, or a later extension).
const DEADLINE: &str = "greatest(a.confirm_deadline, coalesce(a.extended_until, 0))";

/// Pending confirmations for someone present, still open at `$1`.
const OPEN: &str = "a.status = 'pending_confirmation' AND a.for_present = 1
    AND greatest(a.confirm_deadline, coalesce(a.extended_until, 0)) > $1";

impl Desk for PgStore {
    fn role(&self) -> Role {
        PgStore::role(self)
    }

    fn scope(&self) -> &Scope {
        PgStore::scope(self)
    }

    fn dashboard(
        &mut self,
        now: DateTime<Utc>,
        today: NaiveDate,
        arrival_days: u32,
    ) -> Result<DashboardData> {
        self.read(|tx, scope| dashboard(tx, scope, now, today, arrival_days))
    }

    fn appointment(&mut self, id: i64) -> Result<Appointment> {
        self.read(|tx, scope| {
            guard(tx, scope, "appointment", id)?;
            load(tx, id)
        })
    }

    fn appointments_for_person(&mut self, person_id: i64) -> Result<Vec<Appointment>> {
        self.read(|tx, scope| {
            guard(tx, scope, "person", person_id)?;
            let sql = format!(
                "SELECT {APPOINTMENT_COLUMNS} FROM appointment WHERE person_id = $1
                 ORDER BY appointment_at DESC, id DESC"
            );
            tx.query(&sql, &[&person_id])?
                .iter()
                .map(|r| Ok(appointment_from(r)?))
                .collect()
        })
    }

    fn household_pending(&mut self, household_id: i64) -> Result<Vec<AppointmentLine>> {
        self.read(|tx, scope| {
            guard(tx, scope, "household", household_id)?;
            lines(
                tx,
                scope,
                "a.household_id = $1 AND a.status = 'pending_confirmation'
                 ORDER BY a.person_id, a.id",
                &[&household_id],
            )
        })
    }

    fn confirm_appointment(
        &mut self,
        id: i64,
        expected_version: i64,
        number: &str,
        confirmed_at: DateTime<Utc>,
        actor: &Actor,
    ) -> Result<Appointment> {
        let item = [(id, expected_version, number.to_string())];
        self.confirm_all(&item, confirmed_at, Channel::App, actor)?;
        self.read(|tx, _| load(tx, id))
    }

    fn confirm_group(
        &mut self,
        items: &[(i64, i64, String)],
        confirmed_at: DateTime<Utc>,
        channel: Channel,
        actor: &Actor,
    ) -> Result<()> {
        self.confirm_all(items, confirmed_at, channel, actor)
    }

    fn outages(&mut self) -> Result<Vec<Outage>> {
        PgStore::outages(self)
    }

    fn at_risk_from(&mut self, id: i64) -> Result<Vec<Appointment>> {
        PgStore::at_risk_from(self, id)
    }

    fn cases_due(
        &mut self,
        now: DateTime<Utc>,
        day: crate::store::DayBounds,
        programs: &[&crate::domain::program::Program],
    ) -> Result<crate::store::CasesDue> {
        PgStore::cases_due(self, now, day, programs)
    }

    fn cases_at_risk(
        &mut self,
        now: DateTime<Utc>,
        outages: &[Outage],
        programs: &[&crate::domain::program::Program],
    ) -> Result<Vec<(i64, usize)>> {
        PgStore::cases_at_risk(self, now, outages, programs)
    }

    fn shelters(&mut self) -> Result<Vec<crate::domain::Shelter>> {
        PgStore::shelters(self)
    }

    fn leaving(&mut self, now: DateTime<Utc>) -> Result<std::collections::HashMap<i64, i64>> {
        PgStore::leaving(self, now)
    }

    fn save_draft(&mut self, user: &str, form: &str) -> Result<()> {
        PgStore::save_draft(self, user, form)
    }

    fn take_draft(&mut self, user: &str) -> Result<Option<String>> {
        PgStore::take_draft(self, user)
    }

    fn record_outage(&mut self, new: &crate::store::NewOutage, actor: &Actor) -> Result<Outage> {
        PgStore::record_outage(self, new, actor)
    }

    fn close_outage(
        &mut self,
        id: i64,
        expected_version: i64,
        ended_at: DateTime<Utc>,
        actor: &Actor,
    ) -> Result<Outage> {
        PgStore::close_outage(self, id, expected_version, ended_at, actor)
    }

    fn grant_extension(
        &mut self,
        id: i64,
        expected_version: i64,
        until: DateTime<Utc>,
        actor: &Actor,
    ) -> Result<Vec<i64>> {
        PgStore::grant_extension(self, id, expected_version, until, actor)
    }

    fn last_change(&mut self) -> Result<i64> {
        Ok(self
            .client
            // (With the rows written and not chained yet: it moves with
            // every commit.)
            .query_one(
                "SELECT (SELECT coalesce(max(id), 0) FROM audit)
                      + (SELECT count(*) FROM audit_queue)",
                &[],
            )?
            .get(0))
    }
}

/// Appointment `id`, as this transaction sees it.
impl PgStore {
    /// Records confirmations ([`crate::store::Store::confirm_group_via`]):
    /// all of them in one transaction, or none when one is refused.
    fn confirm_all(
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
        let mut refused = None;
        let written = self.write(Permission::Confirm, |tx, scope, now| {
            for ((id, expected_version, _), number) in items.iter().zip(&numbers) {
                let id = *id;
                guard(tx, scope, "appointment", id)?;
                let current = locked(
                    tx,
                    "appointment",
                    APPOINTMENT_COLUMNS,
                    id,
                    *expected_version,
                    appointment_from,
                )?;
                current.check_confirmation(confirmed_at, codec::instant(now))?;
                // A number already held meets the unique index: told below
                // who holds it, as SQLite's check tells.
                let params: [&(dyn ToSql + Sync); 6] = [
                    &id,
                    number,
                    &codec::secs(confirmed_at),
                    &actor.as_str(),
                    &now,
                    &channel.as_str(),
                ];
                match tx.execute(
                    "UPDATE appointment SET status = 'confirmed', confirmation_number = $2,
                        confirmed_at = $3, confirmed_by = $4, confirmation_channel = $6,
                        updated_at = $5, updated_by = $4, version = version + 1
                     WHERE id = $1",
                    &params,
                ) {
                    Err(e) if e.code() == Some(&SqlState::UNIQUE_VIOLATION) => {
                        refused = Some(number.clone());
                        return Err(StoreError::DuplicateConfirmation {
                            number: number.clone(),
                            appointment_id: 0,
                            person_id: None,
                        });
                    }
                    other => other?,
                };
                let summary = format!("{} -> confirmed", current.status);
                audit::record(tx, now, actor, "appointment.confirm", id, &summary)?;
            }
            Ok(())
        });
        match (written, refused) {
            (Err(StoreError::DuplicateConfirmation { .. }), Some(number)) => {
                Err(self.read(|tx, _| holder(tx, &number))?)
            }
            (other, _) => other,
        }
    }
}

fn load(tx: &mut Tx<'_>, id: i64) -> Result<Appointment> {
    by_id(tx, "appointment", APPOINTMENT_COLUMNS, id, appointment_from)
}

/// `OutOfScope` when row `id` of `table` is at a shelter outside `scope`;
/// a missing row is left to the read, which says it is not found. Row
/// level security hides such a row, so whether it exists at all is asked
/// of the whole network, and the transaction's wall is set back at once.
fn guard(tx: &mut Tx<'_>, scope: &Scope, table: &'static str, id: i64) -> Result<()> {
    if scope.is_network() {
        return Ok(());
    }
    let sql = match table {
        "household" => "SELECT shelter_id FROM household WHERE id = $1",
        "person" => "SELECT shelter_id FROM person WHERE id = $1",
        _ => "SELECT shelter_id FROM appointment WHERE id = $1",
    };
    let seen = tx.query_opt(sql, &[&id])?.map(|r| r.get::<_, i64>(0));
    let shelter = match seen {
        Some(shelter) => Some(shelter),
        None => {
            super::schema::whole_network(&mut tx.tx)?;
            let found = tx.query_opt(sql, &[&id])?.map(|r| r.get::<_, i64>(0));
            see(tx, scope)?;
            found
        }
    };
    match shelter {
        Some(shelter) if !scope.covers(shelter) => Err(StoreError::OutOfScope { what: table, id }),
        _ => Ok(()),
    }
}

/// The `DuplicateConfirmation` of `number`: who holds it, at any shelter
/// (a number is CBP's, one a traveller).
fn holder(tx: &mut Tx<'_>, number: &str) -> Result<StoreError> {
    super::schema::whole_network(&mut tx.tx)?;
    let found = tx.query_opt(
        "SELECT id, person_id FROM appointment WHERE confirmation_number = $1",
        &[&number],
    )?;
    match found {
        Some(r) => Ok(StoreError::DuplicateConfirmation {
            number: number.to_string(),
            appointment_id: r.get(0),
            person_id: r.get(1),
        }),
        None => Err(StoreError::Postgres(format!(
            "confirmation number {number} was refused as held, and no appointment holds it now"
        ))),
    }
}

/// Appointments matching a trusted condition (written here, never from
/// user text), each with its traveller's name.
fn lines(
    tx: &mut Tx<'_>,
    scope: &Scope,
    condition: &str,
    params: &[&(dyn ToSql + Sync)],
) -> Result<Vec<AppointmentLine>> {
    let sql = crate::store::read::lines_sql(&scoped(scope, "a.shelter_id"), condition);
    tx.query(&sql, params)?
        .iter()
        .map(|r| {
            Ok(AppointmentLine {
                appointment: appointment_from(r)?,
                name: r.get::<_, String>(13).trim().to_string(),
            })
        })
        .collect()
}

fn dashboard(
    tx: &mut Tx<'_>,
    scope: &Scope,
    now: DateTime<Utc>,
    today: NaiveDate,
    arrival_days: u32,
) -> Result<DashboardData> {
    let mut data = DashboardData::default();
    let of_person = scoped(scope, "shelter_id");
    let first = today - chrono::Duration::days(i64::from(arrival_days) - 1);
    let from = codec::secs(now) - 86_400;
    let to = codec::secs(now + chrono::Duration::days(15));
    // The tallies in one round trip, each row tagged with what it counts;
    // summed over shelters (and shards) here, where a few thousand rows
    // cost less than PostgreSQL's grouping of them.
    let tallies = tx.query(
        &format!(
            "SELECT 'present', arrival_date, 0::bigint, people FROM arrival_tally
               WHERE status = 'present' AND people <> 0 AND {of_person}
             UNION ALL SELECT 'arrived', arrival_date, 0, people FROM arrival_tally
               WHERE arrival_date BETWEEN $1 AND $2 AND people <> 0 AND {of_person}
             UNION ALL SELECT 'households', '', 0, coalesce(sum(households), 0)::bigint
               FROM present_households WHERE {of_person}
             UNION ALL SELECT 'slot', port_code, appointment_at, people FROM slot_tally
               WHERE appointment_at >= $3 AND appointment_at < $4 AND people <> 0
                 AND {of_person}"
        ),
        &[&codec::day(first), &codec::day(today), &from, &to],
    )?;
    let mut by_day = std::collections::BTreeMap::<String, i64>::new();
    let mut arrived = std::collections::HashMap::<String, i64>::new();
    let mut slots = std::collections::HashMap::<(String, i64), i64>::new();
    for r in &tallies {
        let (kind, key, at, n): (&str, String, i64, i64) = (r.get(0), r.get(1), r.get(2), r.get(3));
        match kind {
            "present" => *by_day.entry(key).or_default() += n,
            "arrived" => *arrived.entry(key).or_default() += n,
            "households" => data.households = n,
            _ => *slots.entry((key, at)).or_default() += n,
        }
    }
    crate::store::read::present_by_day(&mut data, by_day.iter().map(|(d, n)| (d.as_str(), *n)))?;
    data.arrivals_per_day = vec![0; arrival_days as usize];
    for (day, n) in arrived {
        let day = codec::parse_day(0, &day)?;
        let slot = usize::try_from((day - first).num_days())
            .ok()
            .and_then(|i| data.arrivals_per_day.get_mut(i));
        if let Some(slot) = slot {
            *slot = n.max(0) as u64;
        }
    }
    // (Summed over shelters and the table's shards: a slot whose shards
    // sum to nothing is none.)
    for ((code, at), n) in slots.into_iter().filter(|&(_, n)| n != 0) {
        if let Some(ix) = port::all().iter().position(|p| p.code == code) {
            data.upcoming.push(Slot {
                port: ix as u8,
                at: codec::instant(at),
                count: u32::try_from(n).unwrap_or(0),
            });
        }
    }
    data.upcoming.sort_by_key(|s| (s.at, s.port));

    data.outages = super::outages::all(tx)?;
    let risks: Vec<Risk<'_>> = data
        .outages
        .iter()
        .filter(|o| o.is_active(now))
        .filter_map(|o| o.risk())
        .collect();
    let at = codec::secs(now);
    let of_appointment = scoped(scope, "a.shelter_id");
    let (open, risky) = if risks
        .iter()
        .all(|r| r.allocated_before.is_none() && r.deadline_after <= now)
    {
        // As nearly always (each outage going on has started and not
        // ended: only its ports matter), from the tally: the ten-minute
        // buckets after now's, and the rows of now's own bucket past now.
        let hit = risks
            .iter()
            .map(|r| ports_sql(r.ports, "port_code"))
            .collect::<Vec<_>>();
        let hit = if hit.is_empty() {
            "false".to_string()
        } else {
            hit.join(" OR ")
        };
        let bucket = at.div_euclid(PENDING_BUCKET_SECS);
        let c = tx.query_one(
            &format!(
                "SELECT (SELECT coalesce(sum(people), 0)::bigint FROM pending_tally
                         WHERE deadline_bucket > $3 AND {of_person}),
                        (SELECT coalesce(sum(people) FILTER (WHERE {hit}), 0)::bigint
                         FROM pending_tally WHERE deadline_bucket > $3 AND {of_person}),
                        count(*), count(*) FILTER (WHERE {}) FROM appointment a
                 WHERE {OPEN} AND {of_appointment} AND {DEADLINE} < $2",
                hit.replace("port_code", "a.port_code")
            ),
            &[&at, &((bucket + 1) * PENDING_BUCKET_SECS), &bucket],
        )?;
        (
            c.get::<_, i64>(0) + c.get::<_, i64>(2),
            c.get::<_, i64>(1) + c.get::<_, i64>(3),
        )
    } else {
        // An outage with an end ahead of now, or one starting later: each
        // open row against the whole rule.
        let risky = risks
            .iter()
            .map(|r| format!("({})", risk_sql(r)))
            .collect::<Vec<_>>()
            .join(" OR ");
        let counts = tx.query_one(
            &format!(
                "SELECT count(*), count(*) FILTER (WHERE {risky}) FROM appointment a
                 WHERE {OPEN} AND {of_appointment}"
            ),
            &[&at],
        )?;
        (counts.get::<_, i64>(0), counts.get::<_, i64>(1))
    };
    data.open_pending = usize::try_from(open).unwrap_or(0);
    data.at_risk = usize::try_from(risky).unwrap_or(0);
    data.soonest = lines(
        tx,
        scope,
        &format!("{OPEN} ORDER BY {DEADLINE}, a.id LIMIT {SOONEST}"),
        &[&at],
    )?;
    data.beds = beds(tx, scope)?;
    data.arriving = arriving(tx, scope)?;
    Ok(data)
}

/// An outage's rule ([`Outage::risk`]) as a condition on appointment `a`.
fn risk_sql(r: &Risk<'_>) -> String {
    let mut cond = format!("{DEADLINE} > {}", codec::secs(r.deadline_after));
    if let Some(end) = r.allocated_before {
        cond.push_str(&format!(" AND a.allocated_at < {}", codec::secs(end)));
    }
    cond.push_str(&format!(" AND {}", ports_sql(r.ports, "a.port_code")));
    cond
}

/// A condition on `column`: a port `ports` names (`true` for every port).
fn ports_sql(ports: &Ports, column: &str) -> String {
    match ports {
        Ports::All => "true".into(),
        Ports::Some(some) => {
            // Port codes come from the port table, never from free text.
            let codes: Vec<String> = some
                .iter()
                .filter(|c| port::by_code(c).is_some())
                .map(|c| format!("'{c}'"))
                .collect();
            if codes.is_empty() {
                "false".into()
            } else {
                format!("{column} IN ({})", codes.join(","))
            }
        }
    }
}

/// The width of `pending_tally`'s deadline buckets (as SQLite's).
const PENDING_BUCKET_SECS: i64 = 600;

/// Beds by shelter and section, as [`crate::store::Store::dashboard`]
/// gives them (who leaves tomorrow read after, 0 here).
fn beds(tx: &mut Tx<'_>, scope: &Scope) -> Result<Vec<ShelterBeds>> {
    // One round trip: each shelter with its people unplaced and coming,
    // once a section (by name), or once with none.
    let rows = tx.query(
        &format!(
            "SELECT sh.id, sh.name,
                    (SELECT coalesce(sum(u.people), 0)::bigint FROM section_tally u
                     WHERE u.shelter_id = sh.id AND u.section_id = 0),
                    (SELECT coalesce(sum(t.people), 0)::bigint FROM transfer t
                     WHERE t.to_shelter = sh.id AND t.status = 'pending'),
                    s.id, s.name, s.capacity, coalesce(st.people, 0)
             FROM shelter sh
             LEFT JOIN shelter_section s ON s.shelter_id = sh.id
             LEFT JOIN section_tally st ON st.shelter_id = s.shelter_id AND st.section_id = s.id
             WHERE {} ORDER BY sh.id, s.name",
            scoped(scope, "sh.id")
        ),
        &[],
    )?;
    let mut out: Vec<ShelterBeds> = Vec::new();
    for r in rows {
        let shelter_id: i64 = r.get(0);
        if out.last().is_none_or(|b| b.shelter_id != shelter_id) {
            out.push(ShelterBeds {
                shelter_id,
                shelter: r.get(1),
                sections: Vec::new(),
                unplaced: r.get(2),
                arriving: r.get(3),
            });
        }
        if let (Some(id), Some(b)) = (r.get::<_, Option<i64>>(4), out.last_mut()) {
            let section = Section {
                id,
                shelter_id,
                name: r.get(5),
                capacity: r.get(6),
                occupied: r.get(7),
            };
            b.sections.push((section, 0));
        }
    }
    out.retain(|b| !b.sections.is_empty() || b.unplaced > 0);
    Ok(out)
}

/// Transfers coming to the handle's shelters, waiting for an answer, with
/// the names of the people coming.
fn arriving(tx: &mut Tx<'_>, scope: &Scope) -> Result<Vec<Arriving>> {
    let sql = format!(
        "SELECT {}, h.label, s.name,
                array(SELECT p.given_names || ' ' || p.family_names FROM person p
                      WHERE p.household_id = t.household_id AND p.status = 'present'
                      ORDER BY p.id)
         FROM transfer t
         JOIN household h ON h.id = t.household_id JOIN shelter s ON s.id = t.from_shelter
         WHERE t.status = 'pending' AND {} ORDER BY t.id",
        TRANSFER_COLUMNS
            .split(", ")
            .map(|c| format!("t.{c}"))
            .collect::<Vec<_>>()
            .join(", "),
        scoped(scope, "t.to_shelter")
    );
    tx.query(&sql, &[])?
        .iter()
        .map(|r| {
            let names: Vec<String> = r.get(15);
            Ok(Arriving {
                transfer: transfer_from(r)?,
                household: r.get(13),
                from: r.get(14),
                names: names.iter().map(|n| n.trim().to_string()).collect(),
            })
        })
        .collect()
}
