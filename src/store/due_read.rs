//! The dashboard's reads of the cases due, written once for both
//! backends: the SQL (each backend binds `$1`, `$2` in order; SQLite is
//! also told which index to walk) and the row readers, over
//! [`super::cells::Cells`].

use chrono::{DateTime, Utc};

use super::cells::Cells;
use super::codec;
use crate::domain::program::record::CaseRecord;
use crate::domain::program::Due;
use crate::domain::program::Program;
use crate::domain::Outage;

/// An open case as lists show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseLine {
    /// The case, with its events (none on the dashboard's lines, whose
    /// step due is the one kept on the row).
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

/// SQLite's index hint for the kept deadlines (PostgreSQL plans its own).
pub(super) const SQLITE_HINT: &str = "INDEXED BY program_case_due";

/// A case's columns, as [`case`] reads them.
pub(super) const CASE_COLUMNS: &str =
    "c.id, c.program, c.household_id, c.person_id, c.venue, c.reference, \
     c.scheduled_at, c.status, c.version";

/// A case (without its events) from [`CASE_COLUMNS`].
pub(super) fn case(r: &impl Cells) -> rusqlite::Result<CaseRecord> {
    Ok(CaseRecord {
        id: r.cell(0)?,
        program: r.cell(1)?,
        household_id: r.cell(2)?,
        person_id: r.cell(3)?,
        venue: r.cell(4)?,
        reference: r.cell(5)?,
        scheduled_at: codec::opt_instant(r.cell(6)?),
        status: codec::parse_enum(7, &r.cell::<String>(7)?)?,
        version: r.cell(8)?,
        events: Vec::new(),
    })
}

/// `FROM … WHERE …` of the open cases of `programs` with a step due, of
/// the shelters `scope` (a trusted condition on `c.shelter_id`) allows,
/// of households with someone present (a person's case: that person
/// present), along the kept deadlines' index.
fn base(programs: &[&Program], scope: &str, hint: &str) -> String {
    let ids = quoted(programs.iter().map(|p| p.id.as_str()));
    format!(
        "FROM program_case c {hint}
         WHERE c.present = 1 AND c.status = 'open' AND c.next_due_at IS NOT NULL
           AND c.program IN ({ids}) AND {scope}"
    )
}

fn quoted<'a>(words: impl Iterator<Item = &'a str>) -> String {
    words
        .map(|w| format!("'{}'", w.replace('\'', "''")))
        .collect::<Vec<_>>()
        .join(",")
}

/// The three reads of the cases due.
pub(super) struct Sql {
    /// Overdue at `$1`, and due later by `$2` (the end of today).
    pub counts: String,
    /// Due after `$1` (today's end) by `$2` (tomorrow's), by program and venue.
    pub tomorrow: String,
    /// The soonest, with whose they are ([`soonest`]).
    pub soonest: String,
}

impl Sql {
    pub(super) fn new(programs: &[&Program], scope: &str, hint: &str) -> Self {
        let base = base(programs, scope, hint);
        Self {
            // Counted along the index (no grouping: at a million people
            // some thousands of cases are overdue); tomorrow's, a few, by venue.
            counts: format!(
                "SELECT count(*) FILTER (WHERE c.next_due_at <= $1),
                        count(*) FILTER (WHERE c.next_due_at > $1)
                 {base} AND c.next_due_at <= $2"
            ),
            tomorrow: format!(
                "SELECT c.program, c.venue, count(*), min(c.next_due_at)
                 {base} AND c.next_due_at > $1 AND c.next_due_at <= $2
                 GROUP BY c.program, c.venue ORDER BY c.program, c.venue"
            ),
            // In one read along the index: what each must do next is the
            // kept step (its events are not read).
            soonest: format!(
                "SELECT {CASE_COLUMNS}, c.next_step, c.next_due_at,
                        coalesce(p.given_names || ' ' || p.family_names, h.label),
                        coalesce(c.person_id, (SELECT min(q.id) FROM person q
                                               WHERE q.household_id = c.household_id))
                 {} ORDER BY c.next_due_at, c.id LIMIT {}",
                base.replacen(
                    " WHERE ",
                    " JOIN household h ON h.id = c.household_id
                      LEFT JOIN person p ON p.id = c.person_id WHERE ",
                    1
                ),
                super::SOONEST
            ),
        }
    }
}

/// A line of [`Sql::tomorrow`].
pub(super) fn venue_day(r: &impl Cells) -> rusqlite::Result<VenueDay> {
    Ok(VenueDay {
        program: r.cell(0)?,
        venue: r.cell(1)?,
        count: usize::try_from(r.cell::<i64>(2)?).unwrap_or(0),
        first: codec::instant(r.cell(3)?),
    })
}

/// A line of [`Sql::soonest`], its next step as its program reads the kept one.
pub(super) fn soonest(
    r: &impl Cells,
    programs: &[&Program],
    now: DateTime<Utc>,
) -> rusqlite::Result<CaseLine> {
    let case = case(r)?;
    let (step, deadline): (String, i64) = (r.cell(9)?, r.cell(10)?);
    let next = programs
        .iter()
        .find(|p| p.id == case.program)
        .and_then(|p| {
            let tz = p.venue(&case.venue).map_or(chrono_tz::UTC, |v| v.tz);
            p.kept_due(&step, codec::instant(deadline), now, tz)
        });
    Ok(CaseLine {
        case,
        who: r.cell(11)?,
        person_id: r.cell(12)?,
        next,
    })
}

/// The soonest in the order shown: by deadline, those without a step last.
pub(super) fn order(lines: &mut [CaseLine]) {
    lines.sort_by_key(|l| (l.next.is_none(), l.next.map(|d| d.deadline), l.case.id));
}

/// For each outage going on at `now` of a program among `programs` (not
/// CBP One's, whose risk is its appointments'): the count of the cases it
/// puts at risk — those whose next step is one the program's file marks
/// `outage`, due after the outage began (`$1`) — or `None` when the
/// program marks no step so (none at risk).
pub(super) fn at_risk<'a>(
    now: DateTime<Utc>,
    outages: &'a [Outage],
    programs: &[&Program],
    scope: &str,
    hint: &str,
) -> Vec<(&'a Outage, Option<String>)> {
    outages
        .iter()
        .filter(|o| o.is_active(now) && !o.is_cbp_one())
        .filter_map(|o| {
            let program = programs.iter().copied().find(|p| p.id == o.program())?;
            let steps: Vec<&str> = program
                .steps
                .iter()
                .filter(|s| s.outage)
                .map(|s| s.id.as_str())
                .collect();
            let sql = (!steps.is_empty()).then(|| {
                format!(
                    "SELECT count(*) {} AND c.next_step IN ({}) AND c.next_due_at > $1",
                    base(&[program], scope, hint),
                    quoted(steps.into_iter())
                )
            });
            Some((o, sql))
        })
        .collect()
}
