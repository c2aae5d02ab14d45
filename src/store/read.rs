//! Read models for the screens: plain values, gathered in few queries.
//! Formatting is left to the views.

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{params, OptionalExtension};

use super::appointments::{appointment_row, APPOINTMENT_COLUMNS, FOR_SOMEONE_PRESENT};
use super::{codec, Result, Store};
use crate::domain::departures::DepartureRow;
use crate::domain::{port, Appointment, AppointmentStatus, Outage, PersonStatus};

/// One line of the roster: what the table shows, sorts, filters and searches on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RosterRow {
    /// Person id.
    pub id: i64,
    /// "Given Family".
    pub name: String,
    /// Folded name, for search.
    pub folded: Box<str>,
    /// The group's label.
    pub household: String,
    /// The group's id.
    pub household_id: i64,
    /// ISO 3166 alpha-3.
    pub nationality: String,
    /// Year of birth, when known (shown beside names two people share).
    pub birth_year: Option<i32>,
    /// Day of arrival.
    pub arrival: NaiveDate,
    /// Day of leaving, if left.
    pub departure: Option<NaiveDate>,
    /// Present, departed, …
    pub status: PersonStatus,
    /// Digits of the phone number, for search.
    pub phone_digits: Box<str>,
    /// Confirmation numbers of the person's appointments, space-separated, for search.
    pub confirmations: Box<str>,
    /// The appointment that matters now: the next one still to come, else the latest.
    pub next: Option<NextAppointment>,
}

/// The appointment shown on a roster line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NextAppointment {
    /// Index of the port in [`port::all`].
    pub port: u8,
    /// When (UTC).
    pub at: DateTime<Utc>,
    /// Its status.
    pub status: AppointmentStatus,
}

impl RosterRow {
    /// Days waiting at the shelter on `today` (to departure, if left).
    pub fn days_waiting(&self, today: NaiveDate) -> i64 {
        let end = self.departure.unwrap_or(today).min(today);
        (end - self.arrival).num_days().max(0)
    }
}

/// An appointment with the traveller's name, for lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppointmentLine {
    /// The appointment.
    pub appointment: Appointment,
    /// The traveller's "Given Family", or the group's label.
    pub name: String,
}

/// A live appointment reduced to what the dashboard counts: port and time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slot {
    /// Index of the port in [`port::all`].
    pub port: u8,
    /// When (UTC).
    pub at: DateTime<Utc>,
}

/// What the morning view shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DashboardData {
    /// People present.
    pub present: i64,
    /// Households with someone present.
    pub households: i64,
    /// The median arrival day of the people present (for the median wait).
    pub median_arrival: Option<NaiveDate>,
    /// The earliest arrival day of the people present (for the longest wait).
    pub earliest_arrival: Option<NaiveDate>,
    /// Live appointments (pending or confirmed) from a day ago to 15 days ahead, by time.
    pub upcoming: Vec<Slot>,
    /// Pending confirmations whose deadline is still ahead, soonest first.
    pub pending: Vec<Appointment>,
    /// The first of those, with names, for the "confirm soonest" list.
    pub soonest: Vec<AppointmentLine>,
    /// Every outage, active first.
    pub outages: Vec<Outage>,
    /// People arriving on each of the last days (oldest first, today last).
    pub arrivals_per_day: Vec<u64>,
}

/// How many of the soonest confirmations come with names.
pub const SOONEST: usize = 20;

impl Store {
    /// Every person as a roster line, by id.
    pub fn roster(&self, now: DateTime<Utc>) -> Result<Vec<RosterRow>> {
        let mut rows: Vec<RosterRow> = {
            let mut stmt = self.conn.prepare_cached(
                "SELECT p.id, p.given_names, p.family_names, p.search_name, h.label, h.id,
                        p.nationality, p.arrival_date, p.departure_date, p.status, p.phone,
                        p.birth_date
                 FROM person p JOIN household h ON h.id = p.household_id ORDER BY p.id",
            )?;
            let mapped = stmt.query_map([], |r| {
                let given: String = r.get(1)?;
                let family: String = r.get(2)?;
                let phone: Option<String> = r.get(10)?;
                let departure: Option<String> = r.get(8)?;
                let birth: Option<String> = r.get(11)?;
                Ok(RosterRow {
                    id: r.get(0)?,
                    name: if family.is_empty() {
                        given
                    } else {
                        format!("{given} {family}")
                    },
                    folded: r.get::<_, String>(3)?.into_boxed_str(),
                    household: r.get(4)?,
                    household_id: r.get(5)?,
                    nationality: r.get(6)?,
                    birth_year: birth
                        .map(|d| codec::parse_day(11, &d))
                        .transpose()?
                        .map(|d| chrono::Datelike::year(&d)),
                    arrival: codec::parse_day(7, &r.get::<_, String>(7)?)?,
                    departure: departure.map(|d| codec::parse_day(8, &d)).transpose()?,
                    status: codec::parse_enum(9, &r.get::<_, String>(9)?)?,
                    phone_digits: phone
                        .unwrap_or_default()
                        .chars()
                        .filter(char::is_ascii_digit)
                        .collect::<String>()
                        .into_boxed_str(),
                    confirmations: Box::from(""),
                    next: None,
                })
            })?;
            mapped.collect::<rusqlite::Result<_>>()?
        };
        // Appointments, folded into their traveller's line (rows are by id).
        let mut stmt = self.conn.prepare_cached(
            "SELECT person_id, port_code, appointment_at, status, confirmation_number
             FROM appointment WHERE person_id IS NOT NULL ORDER BY person_id, appointment_at",
        )?;
        let mut q = stmt.query([])?;
        while let Some(r) = q.next()? {
            let person_id: i64 = r.get(0)?;
            let Ok(ix) = rows.binary_search_by_key(&person_id, |row| row.id) else {
                continue;
            };
            let row = &mut rows[ix];
            let code: String = r.get(1)?;
            let at: i64 = r.get(2)?;
            let status: AppointmentStatus = codec::parse_enum(3, &r.get::<_, String>(3)?)?;
            if let Some(number) = r.get::<_, Option<String>>(4)? {
                row.confirmations = if row.confirmations.is_empty() {
                    number.into_boxed_str()
                } else {
                    format!("{} {number}", row.confirmations).into_boxed_str()
                };
            }
            let Some(port) = port::all().iter().position(|p| p.code == code) else {
                continue;
            };
            let candidate = NextAppointment {
                port: port as u8,
                at: codec::instant(at),
                status,
            };
            // In time order: the first live appointment still ahead wins;
            // until one is seen, the latest so far stands.
            let settled = row.next.is_some_and(|n| n.at >= now && n.status.is_live());
            if !settled {
                row.next = Some(candidate);
            }
        }
        Ok(rows)
    }

    /// What the dashboard shows at `now`. `arrival_days` is how many days of
    /// arrivals to count back from `today` (the shelter's local date).
    pub fn dashboard(
        &self,
        now: DateTime<Utc>,
        today: NaiveDate,
        arrival_days: u32,
    ) -> Result<DashboardData> {
        let mut data = DashboardData::default();
        let (present, earliest): (i64, Option<String>) = self
            .conn
            .prepare_cached(
                "SELECT count(*), min(arrival_date) FROM person WHERE status = 'present'",
            )?
            .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        // One pass over the (household, status) index, grouped by its
        // leading column: it never reads the household table (twice as fast
        // as probing the index once per household, measured at 100,000
        // people with examples/prof_query.rs; on an encrypted database
        // every page not read is a page not decrypted).
        let households: i64 = self
            .conn
            .prepare_cached(
                "SELECT count(*) FROM
                   (SELECT 1 FROM person INDEXED BY person_household
                    WHERE status = 'present' GROUP BY household_id)",
            )?
            .query_row([], |r| r.get(0))?;
        data.present = present;
        data.households = households;
        data.earliest_arrival = earliest.map(|d| codec::parse_day(1, &d)).transpose()?;
        data.median_arrival = self
            .conn
            .prepare_cached(
                "SELECT arrival_date FROM person WHERE status = 'present'
                 ORDER BY arrival_date LIMIT 1 OFFSET ?1",
            )?
            .query_row([present / 2], |r| r.get::<_, String>(0))
            .optional()?
            .map(|d| codec::parse_day(0, &d))
            .transpose()?;

        let first = today - chrono::Duration::days(i64::from(arrival_days) - 1);
        data.arrivals_per_day = vec![0; arrival_days as usize];
        let mut stmt = self.conn.prepare_cached(
            "SELECT arrival_date, count(*) FROM person WHERE arrival_date BETWEEN ?1 AND ?2
             GROUP BY arrival_date",
        )?;
        let mut q = stmt.query(params![codec::day(first), codec::day(today)])?;
        while let Some(r) = q.next()? {
            let day = codec::parse_day(0, &r.get::<_, String>(0)?)?;
            let slot = usize::try_from((day - first).num_days())
                .ok()
                .and_then(|i| data.arrivals_per_day.get_mut(i));
            if let Some(slot) = slot {
                *slot = r.get::<_, i64>(1)?.max(0) as u64;
            }
        }

        // Live appointments around the next fortnight (charts and counts look no further).
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT port_code, appointment_at FROM appointment a
             WHERE appointment_at >= ?1 AND appointment_at < ?2
               AND status IN ('pending_confirmation', 'confirmed') AND {FOR_SOMEONE_PRESENT}
             ORDER BY appointment_at"
        ))?;
        let from = codec::secs(now) - 86_400;
        let to = codec::secs(now + chrono::Duration::days(15));
        let mut q = stmt.query(params![from, to])?;
        while let Some(r) = q.next()? {
            let code: String = r.get(0)?;
            if let Some(ix) = port::all().iter().position(|p| p.code == code) {
                data.upcoming.push(Slot {
                    port: ix as u8,
                    at: codec::instant(r.get(1)?),
                });
            }
        }
        data.pending = super::appointments::pending(&self.conn)?
            .into_iter()
            .filter(|a| a.effective_deadline() > now)
            .collect();
        // The first of those (already in deadline order), with names: the
        // people-present test is not run twice.
        let ids: Vec<String> = data
            .pending
            .iter()
            .take(SOONEST)
            .map(|a| a.id.to_string())
            .collect();
        data.soonest = if ids.is_empty() {
            Vec::new()
        } else {
            self.appointment_lines(&format!(
                "a.id IN ({})
                 ORDER BY max(a.confirm_deadline, coalesce(a.extended_until, 0)), a.id",
                ids.join(",")
            ))?
        };
        data.outages = self.outages()?;
        Ok(data)
    }

    /// Appointments between two instants, by time, with names.
    pub fn appointments_between(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<AppointmentLine>> {
        self.appointment_lines(&format!(
            "a.appointment_at >= {} AND a.appointment_at < {} ORDER BY a.appointment_at, a.id",
            codec::secs(from),
            codec::secs(to)
        ))
    }

    /// Pending appointments put at risk by outage `id`, with names.
    pub fn at_risk_lines(&self, id: i64) -> Result<Vec<AppointmentLine>> {
        let outage = self.outage(id)?;
        Ok(self
            .appointment_lines(&format!(
                "a.status = 'pending_confirmation' AND {FOR_SOMEONE_PRESENT}
                 ORDER BY max(a.confirm_deadline, coalesce(a.extended_until, 0)), a.id"
            ))?
            .into_iter()
            .filter(|l| outage.puts_at_risk(&l.appointment))
            .collect())
    }

    /// Appointments matching a trusted SQL condition (built here, never from
    /// user text), each with its traveller's name.
    pub(super) fn appointment_lines(&self, condition: &str) -> Result<Vec<AppointmentLine>> {
        let columns = APPOINTMENT_COLUMNS
            .split(", ")
            .map(|c| format!("a.{c}"))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "SELECT {columns}, coalesce(p.given_names || ' ' || p.family_names, h.label)
             FROM appointment a JOIN household h ON h.id = a.household_id
             LEFT JOIN person p ON p.id = a.person_id
             WHERE {condition}"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map([], |r| {
            Ok(AppointmentLine {
                appointment: appointment_row(r)?,
                name: r.get::<_, String>(13)?.trim().to_string(),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Live appointments (pending or confirmed) of people present from
    /// `from` to `to`, with what tomorrow's list prints; `shelter` keeps
    /// one shelter's households.
    pub fn departures(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        shelter: Option<i64>,
    ) -> Result<Vec<DepartureRow>> {
        self.allow(crate::domain::Permission::PrintLists)?;
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT a.port_code, a.appointment_at, a.status, a.confirmation_number,
                    h.id, h.label, h.us_destination, s.name,
                    coalesce(p.given_names || ' ' || p.family_names, h.label), p.birth_date
             FROM appointment a JOIN household h ON h.id = a.household_id
             JOIN shelter s ON s.id = h.shelter_id
             LEFT JOIN person p ON p.id = a.person_id
             WHERE a.appointment_at >= ?1 AND a.appointment_at < ?2
               AND a.status IN ('pending_confirmation', 'confirmed')
               AND (?3 IS NULL OR h.shelter_id = ?3) AND {FOR_SOMEONE_PRESENT}"
        ))?;
        let rows = stmt.query_map(params![codec::secs(from), codec::secs(to), shelter], |r| {
            let status: String = r.get(2)?;
            let birth: Option<String> = r.get(9)?;
            Ok(DepartureRow {
                port_code: r.get(0)?,
                at: codec::instant(r.get(1)?),
                confirmed: codec::parse_enum::<AppointmentStatus>(2, &status)?
                    == AppointmentStatus::Confirmed,
                confirmation: r.get(3)?,
                household_id: r.get(4)?,
                household: r.get(5)?,
                destination: r.get(6)?,
                shelter: r.get(7)?,
                name: r.get::<_, String>(8)?.trim().to_string(),
                birth_year: birth
                    .map(|b| codec::parse_day(9, &b))
                    .transpose()?
                    .map(|d| chrono::Datelike::year(&d)),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The id of the newest audit row: it moves with every change to the
    /// data (each is written with its audit row), so it tells whether what
    /// was read is still current, whichever connection wrote.
    pub fn last_change(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("SELECT coalesce(max(id), 0) FROM audit", [], |r| r.get(0))?)
    }

    /// `PRAGMA data_version`: changes when another connection commits.
    pub fn data_version(&self) -> Result<i64> {
        Ok(self
            .conn
            .pragma_query_value(None, "data_version", |r| r.get(0))?)
    }
}
