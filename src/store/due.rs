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
use crate::domain::program::record::{rules_fingerprint, CaseRecord};
use crate::domain::program::{Due, Program};

/// An open case as lists show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseLine {
    /// The case, with its events.
    pub case: CaseRecord,
    /// Whose: the person's name, or the household's label.
    pub who: String,
    /// The person to open for it (the case's, or the household's first).
    pub person_id: Option<i64>,
    /// The next step due, if any (`None` too when the program is not loaded).
    pub next: Option<Due>,
}

impl CaseLine {
    /// `(case, whose, person)` as the store reads it, with its next step
    /// due at `now` under `program` (when it is loaded).
    pub fn read(
        (case, who, person_id): (CaseRecord, String, Option<i64>),
        program: Option<&Program>,
        now: DateTime<Utc>,
    ) -> Self {
        let next = program.and_then(|p| p.next(&case.case(p), now));
        Self {
            case,
            who,
            person_id,
            next,
        }
    }
}

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

/// How many cases of one venue fall due on a day, and the first deadline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VenueDay {
    /// The program's id.
    pub program: String,
    /// The venue's code.
    pub venue: String,
    /// How many.
    pub count: usize,
    /// The first deadline.
    pub first: DateTime<Utc>,
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
        let kept: HashMap<i64, (Option<String>, Option<i64>)> = self
            .conn
            .prepare("SELECT id, next_step, next_due_at FROM program_case WHERE status = 'open'")?
            .query_map([], |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?))))?
            .collect::<rusqlite::Result<_>>()?;
        let mut out = Vec::new();
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
        self.conn.execute("DELETE FROM program_rules", [])?;
        self.keep_due(programs)
    }

    /// `FROM … WHERE …` of the open cases of `programs` with a step due,
    /// of the handle's shelters, of households with someone present (a
    /// person's case: that person present), along the kept deadlines' index.
    fn due_base(&self, programs: &[&Program]) -> String {
        let ids = programs
            .iter()
            .map(|p| format!("'{}'", p.id.replace('\'', "''")))
            .collect::<Vec<_>>()
            .join(",");
        let scope = self
            .scope
            .sql("(SELECT h.shelter_id FROM household h WHERE h.id = c.household_id)");
        format!(
            "FROM program_case c INDEXED BY program_case_due
             WHERE c.status = 'open' AND c.next_due_at IS NOT NULL AND c.program IN ({ids})
               AND {scope}
               AND CASE WHEN c.person_id IS NULL
                        THEN EXISTS (SELECT 1 FROM household_present hp
                                     WHERE hp.household_id = c.household_id)
                        ELSE (SELECT q.status FROM person q WHERE q.id = c.person_id) = 'present'
                   END"
        )
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
        let mut out = Vec::new();
        for o in outages
            .iter()
            .filter(|o| o.is_active(now) && !o.is_cbp_one())
        {
            let Some(program) = programs.iter().copied().find(|p| p.id == o.program()) else {
                continue;
            };
            let steps: Vec<String> = program
                .steps
                .iter()
                .filter(|s| s.outage)
                .map(|s| format!("'{}'", s.id.replace('\'', "''")))
                .collect();
            if steps.is_empty() {
                out.push((o.id, 0));
                continue;
            }
            let n: i64 = self
                .conn
                .prepare_cached(&format!(
                    "SELECT count(*) {} AND c.next_step IN ({}) AND c.next_due_at > ?1",
                    self.due_base(&[program]),
                    steps.join(",")
                ))?
                .query_row([codec::secs(o.started_at)], |r| r.get(0))?;
            out.push((o.id, usize::try_from(n).unwrap_or(0)));
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
        let mut due = CasesDue::default();
        if programs.is_empty() {
            return Ok(due);
        }
        let base = self.due_base(programs);
        let (at, today_end) = (codec::secs(now), codec::secs(day.today_end));
        // One pass over the index up to the end of tomorrow, by venue:
        // overdue, due later today, due tomorrow (and its first deadline).
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT c.program, c.venue, sum(c.next_due_at <= ?1),
                    sum(c.next_due_at > ?1 AND c.next_due_at <= ?2), sum(c.next_due_at > ?2),
                    min(CASE WHEN c.next_due_at > ?2 THEN c.next_due_at END)
             {base} AND c.next_due_at <= ?3
             GROUP BY c.program, c.venue ORDER BY c.program, c.venue"
        ))?;
        let mut rows = stmt.query([at, today_end, codec::secs(day.tomorrow_end)])?;
        let n = |v: i64| usize::try_from(v).unwrap_or(0);
        while let Some(r) = rows.next()? {
            due.overdue += n(r.get(2)?);
            due.today += n(r.get(3)?);
            let tomorrow = n(r.get(4)?);
            if let (true, Some(first)) = (tomorrow > 0, r.get::<_, Option<i64>>(5)?) {
                due.tomorrow.push(VenueDay {
                    program: r.get(0)?,
                    venue: r.get(1)?,
                    count: tomorrow,
                    first: codec::instant(first),
                });
            }
        }

        let soonest: Vec<i64> = self
            .conn
            .prepare_cached(&format!(
                "SELECT c.id {base} ORDER BY c.next_due_at, c.id LIMIT {}",
                super::SOONEST
            ))?
            .query_map([], |r| r.get::<_, i64>(0))?
            .collect::<rusqlite::Result<_>>()?;
        let find = |id: &str| programs.iter().copied().find(|p| p.id == id);
        for id in soonest {
            // (By id, on statements kept prepared: a list of ids in the SQL
            // would be a new statement on every read.)
            let case = cases::load(&self.conn, id)?;
            let (who, person): (String, Option<i64>) = self
                .conn
                .prepare_cached(
                    "SELECT coalesce(p.given_names || ' ' || p.family_names, h.label),
                            coalesce(c.person_id, (SELECT min(q.id) FROM person q
                                                   WHERE q.household_id = c.household_id))
                     FROM program_case c JOIN household h ON h.id = c.household_id
                          LEFT JOIN person p ON p.id = c.person_id
                     WHERE c.id = ?1",
                )?
                .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))?;
            let program = find(&case.program);
            due.soonest
                .push(CaseLine::read((case, who, person), program, now));
        }
        due.soonest
            .sort_by_key(|l| (l.next.is_none(), l.next.map(|d| d.deadline), l.case.id));
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
