//! Read models for the screens: plain values, gathered in few queries.
//! Formatting is left to the views.

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::params;

use super::appointments::{appointment_row, APPOINTMENT_COLUMNS, FOR_SOMEONE_PRESENT};
use super::{codec, Result, Store};
use crate::domain::departures::DepartureRow;
use crate::domain::outage::Risk;
use crate::domain::{port, Appointment, AppointmentStatus, Outage, PersonStatus, Ports};

/// One line of the roster: what the table shows, sorts, filters and searches on.
#[derive(Debug, Clone, PartialEq)]
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
    /// The appointment that matters now: the next one still to come, else the latest.
    pub next: Option<NextAppointment>,
    /// Where the row stands in the sort it was read in.
    pub key: super::RosterKey,
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

/// Live appointments reduced to what the dashboard counts: how many at one
/// port at one time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slot {
    /// Index of the port in [`port::all`].
    pub port: u8,
    /// When (UTC).
    pub at: DateTime<Utc>,
    /// How many appointments.
    pub count: u32,
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
    /// Pending confirmations for someone present whose deadline is still ahead.
    pub open_pending: usize,
    /// Of those, the ones an outage going on puts at risk.
    pub at_risk: usize,
    /// The first of those, with names, for the "confirm soonest" list.
    pub soonest: Vec<AppointmentLine>,
    /// Every outage, active first.
    pub outages: Vec<Outage>,
    /// People arriving on each of the last days (oldest first, today last).
    pub arrivals_per_day: Vec<u64>,
    /// Beds by shelter and section (shelters with sections or people
    /// unplaced), from the tallies: who leaves tomorrow is read after
    /// ([`super::Store::leaving`]), 0 here.
    pub beds: Vec<super::ShelterBeds>,
    /// Transfers coming to these shelters, waiting for an answer.
    pub arriving: Vec<super::Arriving>,
    /// The cases of the other programs due by tomorrow
    /// ([`super::Store::cases_due`], read beside these: empty here).
    pub cases: super::CasesDue,
}

/// How many of the soonest confirmations come with names.
pub const SOONEST: usize = 20;

impl Store {
    /// What the dashboard shows at `now`. `arrival_days` is how many days of
    /// arrivals to count back from `today` (the shelter's local date).
    pub fn dashboard(
        &self,
        now: DateTime<Utc>,
        today: NaiveDate,
        arrival_days: u32,
    ) -> Result<DashboardData> {
        let mut data = DashboardData::default();
        // From the tallies the triggers keep: a few thousand rows, however
        // many people the roster holds.
        // (Counted by shelter: the ones of this handle's scope.)
        let scope = self.scope.sql("shelter_id");
        let by_day: Vec<(String, i64)> = self
            .conn
            .prepare_cached(&format!(
                "SELECT arrival_date, sum(people) FROM arrival_tally
                 WHERE status = 'present' AND {scope}
                 GROUP BY arrival_date ORDER BY arrival_date"
            ))?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        present_by_day(&mut data, by_day.iter().map(|(d, n)| (d.as_str(), *n)))?;
        data.households = self
            .conn
            .prepare_cached(&format!(
                "SELECT coalesce(sum(households), 0) FROM present_households WHERE {scope}"
            ))?
            .query_row([], |r| r.get(0))?;

        let first = today - chrono::Duration::days(i64::from(arrival_days) - 1);
        data.arrivals_per_day = vec![0; arrival_days as usize];
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT arrival_date, sum(people) FROM arrival_tally
             WHERE arrival_date BETWEEN ?1 AND ?2 AND {scope} GROUP BY arrival_date"
        ))?;
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

        // Live appointments around the next fortnight (charts and counts
        // look no further), counted by port and time by triggers: a range
        // of the tally's key for each port, then in time order.
        let codes = port::all()
            .iter()
            .map(|p| format!("'{}'", p.code))
            .collect::<Vec<_>>()
            .join(",");
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT port_code, appointment_at, sum(people) FROM slot_tally
             WHERE port_code IN ({codes}) AND appointment_at >= ?1 AND appointment_at < ?2
               AND {scope}
             GROUP BY port_code, appointment_at"
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
                    count: u32::try_from(r.get::<_, i64>(2)?).unwrap_or(0),
                });
            }
        }
        data.upcoming.sort_by_key(|s| (s.at, s.port));
        // Pending confirmations for someone present: the open ones and those
        // an outage going on puts at risk (the rule's bounds, `Outage::risk`).
        let open_sql = format!(
            "SELECT {{}} FROM appointment INDEXED BY appointment_open
             WHERE status = 'pending_confirmation' AND for_present = 1 AND {scope}
               AND max(confirm_deadline, coalesce(extended_until, 0)) > ?1"
        );
        let open_sql = open_sql.as_str();
        let at = codec::secs(now);
        data.outages = self.outages()?;
        let risks: Vec<Risk<'_>> = data
            .outages
            .iter()
            .filter(|o| o.is_active(now))
            .filter_map(|o| o.risk())
            .collect();
        let (open, risky) = if risks
            .iter()
            .all(|r| r.allocated_before.is_none() && r.deadline_after <= now)
        {
            // As nearly always: each outage going on has started and not
            // ended, so every open deadline is after its start and only its
            // ports matter. From the tally: the ten-minute buckets after
            // now's, and the rows of now's own bucket past now.
            let hit = ports_hit(risks.iter().map(|r| r.ports));
            let bucket = at.div_euclid(PENDING_BUCKET_SECS);
            let later: (i64, i64) = self
                .conn
                .prepare_cached(&format!(
                    "SELECT coalesce(sum(people), 0), coalesce(sum(CASE WHEN {hit} THEN people END), 0)
                     FROM pending_tally WHERE deadline_bucket > ?1 AND {scope}"
                ))?
                .query_row([bucket], |r| Ok((r.get(0)?, r.get(1)?)))?;
            let soon: (i64, i64) = self
                .conn
                .prepare_cached(&format!(
                    "{} AND max(confirm_deadline, coalesce(extended_until, 0)) < ?2",
                    open_sql.replace("{}", &format!("count(*), coalesce(sum({hit}), 0)"))
                ))?
                .query_row([at, (bucket + 1) * PENDING_BUCKET_SECS], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })?;
            (later.0 + soon.0, later.1 + soon.1)
        } else {
            // An outage with an end recorded ahead of now, or one starting
            // later: each open row against the whole rule, in one pass over
            // the index.
            let risky = risks
                .iter()
                .map(|r| {
                    let mut cond = format!(
                        "max(confirm_deadline, coalesce(extended_until, 0)) > {}",
                        codec::secs(r.deadline_after)
                    );
                    if let Some(end) = r.allocated_before {
                        cond.push_str(&format!(" AND allocated_at < {}", codec::secs(end)));
                    }
                    cond.push_str(&format!(" AND {}", ports_hit([r.ports])));
                    format!("({cond})")
                })
                .collect::<Vec<_>>()
                .join(" OR ");
            self.conn
                .prepare_cached(
                    &open_sql.replace("{}", &format!("count(*), coalesce(sum({risky}), 0)")),
                )?
                .query_row([at], |r| Ok((r.get(0)?, r.get(1)?)))?
        };
        data.open_pending = usize::try_from(open).unwrap_or(0);
        data.at_risk = usize::try_from(risky).unwrap_or(0);
        // The soonest, with names, for the "confirm soonest" list.
        let ids: Vec<String> = self
            .conn
            .prepare_cached(&format!(
                "{} ORDER BY max(confirm_deadline, coalesce(extended_until, 0)), id LIMIT {SOONEST}",
                open_sql.replace("{}", "id")
            ))?
            .query_map([at], |r| r.get::<_, i64>(0))?
            .map(|id| id.map(|id| id.to_string()))
            .collect::<rusqlite::Result<_>>()?;
        data.soonest = if ids.is_empty() {
            Vec::new()
        } else {
            self.appointment_lines(&format!(
                "a.id IN ({})
                 ORDER BY max(a.confirm_deadline, coalesce(a.extended_until, 0)), a.id",
                ids.join(",")
            ))?
        };

        data.beds = self.bed_counts()?;
        data.arriving = self.arriving()?;
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

    /// Everyone at risk now: the pending appointments of people present,
    /// deadline still ahead, that an outage going on at `now` puts at risk
    /// (what the banner counts), soonest deadline first, with names.
    pub fn at_risk_now_lines(&self, now: DateTime<Utc>) -> Result<Vec<AppointmentLine>> {
        let outages: Vec<_> = self
            .outages()?
            .into_iter()
            .filter(|o| o.is_active(now))
            .collect();
        if outages.is_empty() {
            return Ok(Vec::new());
        }
        Ok(self
            .appointment_lines(&format!(
                "a.status = 'pending_confirmation' AND {FOR_SOMEONE_PRESENT}
                 AND max(a.confirm_deadline, coalesce(a.extended_until, 0)) > {}
                 ORDER BY max(a.confirm_deadline, coalesce(a.extended_until, 0)), a.id",
                codec::secs(now)
            ))?
            .into_iter()
            .filter(|l| outages.iter().any(|o| o.puts_at_risk(&l.appointment)))
            .collect())
    }

    /// Appointments matching a trusted SQL condition (built here, never from
    /// user text), each with its traveller's name.
    pub(super) fn appointment_lines(&self, condition: &str) -> Result<Vec<AppointmentLine>> {
        let sql = lines_sql(&self.scope.sql("a.shelter_id"), condition);
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
               AND (?3 IS NULL OR a.shelter_id = ?3) AND {} AND {FOR_SOMEONE_PRESENT}",
            self.scope.sql("a.shelter_id")
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

/// The SQL of appointment lines (each appointment's columns, then its
/// traveller's name) of the shelters `scope` selects, matching `condition`:
/// both backends read lines with it.
pub(super) fn lines_sql(scope: &str, condition: &str) -> String {
    let columns = APPOINTMENT_COLUMNS
        .split(", ")
        .map(|c| format!("a.{c}"))
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "SELECT {columns}, coalesce(p.given_names || ' ' || p.family_names, h.label)
         FROM appointment a JOIN household h ON h.id = a.household_id
         LEFT JOIN person p ON p.id = a.person_id
         WHERE {scope} AND {condition}"
    )
}

/// The people present, and their earliest and median arrival days, from
/// how many arrived on each day (in day order; either backend's tally).
pub(super) fn present_by_day<'a>(
    data: &mut DashboardData,
    by_day: impl Iterator<Item = (&'a str, i64)> + Clone,
) -> rusqlite::Result<()> {
    data.present = by_day.clone().map(|(_, n)| n).sum();
    let mut by_day = by_day.peekable();
    data.earliest_arrival = by_day
        .peek()
        .map(|(d, _)| codec::parse_day(0, d))
        .transpose()?;
    // The arrival day of the person at position present / 2, in arrival order.
    let mut before = 0;
    for (day, n) in by_day {
        if before + n > data.present / 2 {
            data.median_arrival = Some(codec::parse_day(0, day)?);
            break;
        }
        before += n;
    }
    Ok(())
}

/// The width of `pending_tally`'s deadline buckets (migration 0008).
const PENDING_BUCKET_SECS: i64 = 600;

/// A SQL condition on `port_code`: any of the ports hit (true for an outage
/// at every port, false for none).
fn ports_hit<'a>(ports: impl IntoIterator<Item = &'a Ports>) -> String {
    let mut codes = Vec::new();
    for p in ports {
        match p {
            Ports::All => return "1".into(),
            // Port codes come from the port table, never from free text.
            Ports::Some(some) => codes.extend(
                some.iter()
                    .filter(|c| port::by_code(c).is_some())
                    .map(|c| format!("'{c}'")),
            ),
        }
    }
    if codes.is_empty() {
        "0".into()
    } else {
        format!("port_code IN ({})", codes.join(","))
    }
}
