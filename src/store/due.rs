//! What each open case of the programs kept as files must do next, and by
//! when: the engine's reading of its events (`domain::program`), kept on
//! its row (`next_step`, `next_due_at`) whenever the store writes the case,
//! so that the dashboard's "to do today" and "tomorrow by venue" read a
//! range of one index however many cases there are.
//!
//! The rules a row was read under are remembered per program by a
//! fingerprint (`program_rules`): a start with a changed program file, or
//! after a bulk load, reads that program's open cases again
//! ([`Store::keep_due`]).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use rusqlite::params;

use super::{cases, codec, Result, Store};
use crate::domain::program::record::rules_fingerprint;
use crate::domain::program::Program;
use crate::store::due_read as read;

/// Whether someone a case (`program_case`'s row) is for is at a shelter,
/// as migration 0016's triggers keep it.
const PRESENT: &str = "CASE WHEN person_id IS NULL
         THEN EXISTS (SELECT 1 FROM household_present hp
                      WHERE hp.household_id = program_case.household_id)
         ELSE coalesce((SELECT q.status = 'present' FROM person q
                        WHERE q.id = program_case.person_id), 0)
    END";

/// A case's household's shelter, as the triggers keep it.
const SHELTER: &str = "SELECT h.shelter_id FROM household h WHERE h.id = program_case.household_id";

/// What a reading of the cases due depends on: the cases (their
/// generation), the minute, the day's bounds, the programs and the scope.
pub(super) type DueKey = (i64, i64, DayBounds, String, String);

pub use super::due_read::{CaseLine, VenueDay};

/// Where the dashboard's day falls, as instants. (A deadline "by the end
/// of a day" is the midnight after it: due that day.)
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DayBounds {
    /// The end of the shelter's today.
    pub today_end: DateTime<Utc>,
    /// The end of its tomorrow.
    pub tomorrow_end: DateTime<Utc>,
}

/// The cases due, for the dashboard: of households with someone present
/// (a person's case: that person present), in the programs asked for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CasesDue {
    /// Whose next step's deadline has passed.
    pub overdue: usize,
    /// Whose next step falls due later today.
    pub today: usize,
    /// The first [`super::SOONEST`] by deadline (overdue first), with names.
    pub soonest: Vec<CaseLine>,
    /// Whose next step falls due tomorrow, by program and venue.
    pub tomorrow: Vec<VenueDay>,
    /// How many cases each outage going on of another program's service
    /// puts at risk: (outage id, cases).
    pub at_risk: Vec<(i64, usize)>,
}

impl Store {
    /// Brings what each open case must do next up to `programs`' rules:
    /// the cases of a program whose rules changed since they were last
    /// read (or never were: a new database, a bulk load) are read again,
    /// the others are not touched. Returns how many cases were read.
    pub fn keep_due(&mut self, programs: &[&Program]) -> Result<usize> {
        let kept: HashMap<String, String> = self
            .conn
            .prepare_cached("SELECT program, fingerprint FROM program_rules")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let stale: Vec<(&Program, String)> = programs
            .iter()
            .map(|p| (*p, rules_fingerprint(p)))
            .filter(|(p, f)| kept.get(&p.id) != Some(f))
            .collect();
        if stale.is_empty() {
            return Ok(0);
        }
        self.transact(|tx, _| {
            let mut read = 0;
            for (program, fingerprint) in &stale {
                let ids: Vec<i64> = tx
                    .prepare_cached(
                        "SELECT id FROM program_case WHERE program = ?1 AND status = 'open'",
                    )?
                    .query_map([&program.id], |r| r.get(0))?
                    .collect::<rusqlite::Result<_>>()?;
                for id in &ids {
                    cases::keep(tx, program, *id)?;
                }
                read += ids.len();
                tx.execute(
                    "INSERT INTO program_rules (program, fingerprint) VALUES (?1, ?2)
                     ON CONFLICT (program) DO UPDATE SET fingerprint = excluded.fingerprint",
                    params![program.id, fingerprint],
                )?;
            }
            Ok(read)
        })
    }

    /// Open cases whose kept next step is not what their program's rules
    /// read from their events (a program file changed while another
    /// process ran, a hand edit): one line each, by case number (no one's
    /// name). Cases of programs not among `programs` are not compared.
    pub fn due_problems(&self, programs: &[&Program]) -> Result<Vec<String>> {
        let mut out: Vec<String> = self
            .conn
            .prepare(&format!(
                "SELECT id FROM program_case
                 WHERE present IS NOT ({PRESENT}) OR shelter_id IS NOT ({SHELTER}) ORDER BY id"
            ))?
            .query_map([], |r| r.get::<_, i64>(0))?
            .map(|id| id.map(|id| format!("case {id}: kept as present or at a shelter it is not")))
            .collect::<rusqlite::Result<_>>()?;
        let kept: HashMap<i64, (Option<String>, Option<i64>)> = self
            .conn
            .prepare("SELECT id, next_step, next_due_at FROM program_case WHERE status = 'open'")?
            .query_map([], |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?))))?
            .collect::<rusqlite::Result<_>>()?;
        for (case, _, _) in self.cases_named(true)? {
            let Some(p) = programs.iter().find(|p| p.id == case.program) else {
                continue;
            };
            let next = p.next(&case.case(p), DateTime::UNIX_EPOCH);
            let want = (
                next.map(|d| p.steps[d.step].id.clone()),
                next.map(|d| codec::secs(d.deadline)),
            );
            let have = kept.get(&case.id).cloned().unwrap_or((None, None));
            if have != want {
                let say = |(step, at): &(Option<String>, Option<i64>)| match (step, at) {
                    (Some(step), Some(at)) => format!(
                        "{step} by {}",
                        codec::instant(*at).format("%Y-%m-%d %H:%M UTC")
                    ),
                    _ => "nothing".to_string(),
                };
                out.push(format!(
                    "case {}: kept as next {}, its program says {}",
                    case.id,
                    say(&have),
                    say(&want)
                ));
            }
        }
        Ok(out)
    }

    /// Reads every open case of `programs` again (`albergue check
    /// --repair`), whatever the fingerprints say; returns how many.
    pub fn repair_due(&mut self, programs: &[&Program]) -> Result<usize> {
        self.conn.execute_batch(&format!(
            "UPDATE program_case SET present = ({PRESENT}), shelter_id = ({SHELTER});
             DELETE FROM program_rules;"
        ))?;
        self.keep_due(programs)
    }

    /// For each outage going on at `now` of a program among `programs`
    /// (not CBP One's, whose risk is its appointments'): how many cases it
    /// puts at risk — those whose next step is one the program's file marks
    /// `outage`, due after the outage began. (An outage whose end is
    /// recorded ahead counts as if going on.)
    pub fn cases_at_risk(
        &self,
        now: DateTime<Utc>,
        outages: &[crate::domain::Outage],
        programs: &[&Program],
    ) -> Result<Vec<(i64, usize)>> {
        let scope = self.scope.sql("c.shelter_id");
        let mut out = Vec::new();
        for (outage, sql) in read::at_risk(now, outages, programs, &scope, read::SQLITE_HINT) {
            let n: i64 = match (sql, outage.started_at) {
                (Some(sql), from) => self
                    .conn
                    .prepare_cached(&sql)?
                    .query_row([codec::secs(from)], |r| r.get(0))?,
                (None, _) => 0,
            };
            out.push((outage.id, usize::try_from(n).unwrap_or(0)));
        }
        Ok(out)
    }

    /// The cases of `programs` due by the end of tomorrow, for the
    /// dashboard at `now`: counts, the soonest with names, tomorrow's by
    /// venue. From the kept deadlines' index: no case's events are read
    /// but the soonest's.
    pub fn cases_due(
        &self,
        now: DateTime<Utc>,
        day: DayBounds,
        programs: &[&Program],
    ) -> Result<CasesDue> {
        if programs.is_empty() {
            return Ok(CasesDue::default());
        }
        // Read again only when a case changed, or the minute or day did:
        // another commit (a confirmation, a new arrival) costs one row.
        let generation: i64 = self
            .conn
            .prepare_cached("SELECT n FROM case_generation")?
            .query_row([], |r| r.get(0))?;
        let key: DueKey = (
            generation,
            now.timestamp().div_euclid(60),
            day,
            programs
                .iter()
                .map(|p| p.id.as_str())
                .collect::<Vec<_>>()
                .join(","),
            self.scope.sql("c.shelter_id"),
        );
        if let Some((k, due)) = self.due_cache.borrow().as_ref() {
            if *k == key {
                return Ok(due.clone());
            }
        }
        let due = self.read_cases_due(now, day, programs)?;
        *self.due_cache.borrow_mut() = Some((key, due.clone()));
        Ok(due)
    }

    fn read_cases_due(
        &self,
        now: DateTime<Utc>,
        day: DayBounds,
        programs: &[&Program],
    ) -> Result<CasesDue> {
        let sql = read::Sql::new(programs, &self.scope.sql("c.shelter_id"), read::SQLITE_HINT);
        let mut due = CasesDue::default();
        let (at, today_end) = (codec::secs(now), codec::secs(day.today_end));
        let (overdue, today): (i64, i64) = self
            .conn
            .prepare_cached(&sql.counts)?
            .query_row([at, today_end], |r| Ok((r.get(0)?, r.get(1)?)))?;
        due.overdue = usize::try_from(overdue).unwrap_or(0);
        due.today = usize::try_from(today).unwrap_or(0);
        due.tomorrow = self
            .conn
            .prepare_cached(&sql.tomorrow)?
            .query_map([today_end, codec::secs(day.tomorrow_end)], |r| {
                read::venue_day(r)
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut stmt = self.conn.prepare_cached(&sql.soonest)?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            due.soonest.push(read::soonest(r, programs, now)?);
        }
        read::order(&mut due.soonest);
        Ok(due)
    }
}

impl Store {
    /// The people of open cases of `programs` given a date and time at one
    /// of their venues between two instants (a return, a consular date),
    /// as rows of the appointments list: the person's case, or each
    /// member present of a household's; still at a shelter (only
    /// `shelter`'s when given). Their number is the case's reference.
    pub fn scheduled_cases(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        shelter: Option<i64>,
        programs: &[&Program],
    ) -> Result<Vec<crate::domain::departures::DepartureRow>> {
        self.allow(crate::domain::Permission::PrintLists)?;
        if programs.is_empty() {
            return Ok(Vec::new());
        }
        let ids = programs
            .iter()
            .map(|p| format!("'{}'", p.id.replace('\'', "''")))
            .collect::<Vec<_>>()
            .join(",");
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT c.venue, c.scheduled_at, c.reference, h.id, h.label, h.us_destination,
                    s.name, p.given_names || ' ' || p.family_names, p.birth_date
             FROM program_case c JOIN household h ON h.id = c.household_id
                  JOIN shelter s ON s.id = h.shelter_id
                  JOIN person p ON p.household_id = c.household_id
                                AND (c.person_id IS NULL OR p.id = c.person_id)
             WHERE c.status = 'open' AND c.scheduled_at >= ?1 AND c.scheduled_at < ?2
               AND c.program IN ({ids}) AND p.status = 'present'
               AND (?3 IS NULL OR h.shelter_id = ?3) AND {}",
            self.scope.sql("h.shelter_id")
        ))?;
        let rows = stmt.query_map(params![codec::secs(from), codec::secs(to), shelter], |r| {
            let birth: Option<String> = r.get(8)?;
            Ok(crate::domain::departures::DepartureRow {
                port_code: r.get(0)?,
                at: codec::instant(r.get(1)?),
                // (A case has no confirmation to wait for: its number, if any.)
                confirmed: true,
                confirmation: Some(r.get(2)?),
                household_id: r.get(3)?,
                household: r.get(4)?,
                destination: r.get(5)?,
                shelter: r.get(6)?,
                name: r.get::<_, String>(7)?.trim().to_string(),
                birth_year: birth
                    .map(|b| codec::parse_day(8, &b))
                    .transpose()?
                    .map(|d| chrono::Datelike::year(&d)),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
