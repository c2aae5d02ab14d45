//! The roster, read a window at a time.
//!
//! Each sort is one or more *segments*: an ordered scan of an index (the
//! waiting sort lists the people still here, then those who left; the
//! appointment sort lists the people with an appointment ahead, then the
//! rest). A window is read from an edge: the first or last rows, or the
//! rows after, before or from a row's key (keyset pagination), so reading
//! the millionth row costs what reading the first does. Counts come from
//! the tallies where they can, else from a scan that stops at [`COUNT_CAP`].

use std::fmt::Write as _;

use chrono::{DateTime, Utc};
use rusqlite::types::Value;

use super::read::{NextAppointment, RosterRow};
use super::{codec, Result, Store};

mod plan;

use crate::domain::{port, AppointmentStatus, PersonStatus};
use plan::{id_list, segments, Before, Conditions, Segment};

/// Roster columns to sort by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub enum RosterSort {
    /// By name (A–Z).
    #[default]
    Name,
    /// Households together, in the order they were registered.
    Household,
    /// By nationality, then name.
    Nationality,
    /// The people present, longest waiting first; then the others, longest
    /// stay first.
    Waiting,
    /// The people with an appointment ahead, soonest first; then the rest by name.
    Appointment,
    /// By status (present first), then arrival.
    Status,
}

impl RosterSort {
    const ORDER: [Self; 6] = [
        Self::Name,
        Self::Household,
        Self::Nationality,
        Self::Waiting,
        Self::Appointment,
        Self::Status,
    ];

    /// The next column.
    pub fn next(self) -> Self {
        let i = Self::ORDER.iter().position(|&k| k == self).unwrap_or(0);
        Self::ORDER[(i + 1) % Self::ORDER.len()]
    }

    /// The string-table key of its column.
    pub fn column_key(self) -> &'static str {
        match self {
            Self::Name => "col_name",
            Self::Household => "col_household",
            Self::Nationality => "col_nationality",
            Self::Waiting => "col_waiting",
            Self::Appointment => "col_appointment",
            Self::Status => "col_status",
        }
    }
}

/// The roster filters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct RosterFilter {
    /// Only this status.
    pub status: Option<PersonStatus>,
    /// Only people whose shown appointment is at this port (index in the port table).
    pub port: Option<u8>,
    /// Only this nationality.
    pub nationality: Option<String>,
    /// Only the people of this shelter's households.
    pub shelter: Option<i64>,
    /// Only people with an appointment an outage going on puts at risk.
    pub at_risk: bool,
}

impl RosterFilter {
    /// Whether any filter is set.
    pub fn any(&self) -> bool {
        self.status.is_some()
            || self.port.is_some()
            || self.nationality.is_some()
            || self.shelter.is_some()
            || self.at_risk
    }
}

/// What the roster lists: its sort, filters and search text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct RosterSpec {
    /// Sort column.
    pub sort: RosterSort,
    /// Filters.
    pub filter: RosterFilter,
    /// Search text, as typed.
    pub query: String,
}

/// Where a row stands in its sort: the segment and the values it is ordered
/// by, the last of them unique.
#[derive(Debug, Clone, PartialEq)]
pub struct RosterKey {
    seg: u8,
    vals: Vec<Value>,
}

/// Where to read a window from.
#[derive(Debug, Clone, PartialEq)]
pub enum Edge {
    /// The first rows.
    First,
    /// The last rows.
    Last,
    /// The rows after this key.
    After(RosterKey),
    /// The rows before this key.
    Before(RosterKey),
    /// This key's row (if still listed) and the rows after it.
    From(RosterKey),
}

/// How many people are listed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RosterCount {
    /// Listed (at least this many when `capped`).
    pub listed: u64,
    /// Whether counting stopped at [`COUNT_CAP`].
    pub capped: bool,
    /// Everyone on the roster.
    pub everyone: u64,
}

/// Where a count that would scan the roster stops.
pub const COUNT_CAP: u64 = 200;

const LIVE: &str = "('pending_confirmation', 'confirmed')";

const ROW_COLUMNS: &str = "p.id, p.given_names, p.family_names, p.search_name, h.label, h.id,
    p.nationality, p.arrival_date, p.departure_date, p.status, p.birth_date";
const ROW_WIDTH: usize = 11;

impl Store {
    /// What `spec` lists at `now`, ready to be read: the search is run
    /// and the conditions built once for the count, the pages and the
    /// positions a request reads.
    pub fn roster_read(&self, spec: &RosterSpec, now: DateTime<Utc>) -> Result<RosterRead<'_>> {
        let secs = codec::secs(now);
        Ok(RosterRead {
            store: self,
            segs: segments(spec.sort, secs),
            c: self.conditions(spec, secs)?,
            now,
        })
    }

    #[allow(clippy::too_many_arguments)]
    fn segment_rows(
        &self,
        s: &Segment,
        seg: u8,
        c: &Conditions,
        bound: Option<(&str, &RosterKey)>,
        forward: bool,
        limit: usize,
        out: &mut Vec<RosterRow>,
    ) -> Result<()> {
        let (sql, params) = segment_sql(s, c, bound, forward, limit);
        // Plans with id lists are one-off: the statement cache keeps the rest.
        let (mut plain, mut cached);
        let stmt: &mut rusqlite::Statement<'_> = if sql.len() > 4096 {
            plain = self.conn.prepare(&sql)?;
            &mut plain
        } else {
            cached = self.conn.prepare_cached(&sql)?;
            &mut cached
        };
        let mut q = stmt.query(rusqlite::params_from_iter(&params))?;
        while let Some(r) = q.next()? {
            let mut row = roster_row(r)?;
            row.key = RosterKey {
                seg,
                vals: (0..s.cols.len())
                    .map(|i| r.get::<_, Value>(ROW_WIDTH + i))
                    .collect::<rusqlite::Result<_>>()?,
            };
            out.push(row);
        }
        Ok(())
    }
    /// Fills each row's shown appointment: the first live one still ahead, else the latest.
    fn add_next_appointments(&self, rows: &mut [RosterRow], now: DateTime<Utc>) -> Result<()> {
        if rows.is_empty() {
            return Ok(());
        }
        let mut sorted: Vec<u32> = rows
            .iter()
            .map(|r| u32::try_from(r.id).unwrap_or(0))
            .collect();
        sorted.sort_unstable();
        let sql = format!(
            "SELECT person_id, port_code, appointment_at, status FROM appointment
             WHERE person_id IN ({}) ORDER BY person_id, appointment_at",
            id_list(&sorted)
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let mut q = stmt.query([])?;
        let place: std::collections::HashMap<i64, usize> =
            rows.iter().enumerate().map(|(i, r)| (r.id, i)).collect();
        while let Some(r) = q.next()? {
            let person_id: i64 = r.get(0)?;
            let code: String = r.get(1)?;
            let at: i64 = r.get(2)?;
            let status: AppointmentStatus = codec::parse_enum(3, &r.get::<_, String>(3)?)?;
            let Some(port) = port::all().iter().position(|p| p.code == code) else {
                continue;
            };
            let candidate = NextAppointment {
                port: port as u8,
                at: codec::instant(at),
                status,
            };
            if let Some(row) = place.get(&person_id).map(|&i| &mut rows[i]) {
                // In time order: the first live appointment still ahead wins;
                // until one is seen, the latest so far stands.
                let settled = row.next.is_some_and(|n| n.at >= now && n.status.is_live());
                if !settled {
                    row.next = Some(candidate);
                }
            }
        }
        Ok(())
    }

    /// Every person as a roster line, by id: for tools and tests that want
    /// the whole roster (the screens read windows).
    pub fn roster(&self, now: DateTime<Utc>) -> Result<Vec<RosterRow>> {
        let all = Segment {
            from: "person p",
            cond: "1".into(),
            cols: &["p.id"],
            before: Before::Rows,
        };
        let c = Conditions {
            sql: self.scope.sql("p.shelter_id"),
            params: Vec::new(),
            known: None,
        };
        let mut rows = Vec::new();
        self.segment_rows(&all, 0, &c, None, true, usize::MAX >> 1, &mut rows)?;
        self.add_next_appointments(&mut rows, now)?;
        Ok(rows)
    }

    /// The nationalities on the roster, sorted (for the filter).
    pub fn nationalities(&self) -> Result<Vec<String>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT DISTINCT nationality FROM nationality_tally WHERE {} ORDER BY 1",
            self.scope.sql("shelter_id")
        ))?;
        let v = stmt.query_map([], |r| r.get(0))?;
        Ok(v.collect::<rusqlite::Result<_>>()?)
    }
}

/// A roster spec at one moment, its search run and conditions built
/// ([`Store::roster_read`]).
pub struct RosterRead<'a> {
    store: &'a Store,
    segs: Vec<Segment>,
    c: Conditions,
    now: DateTime<Utc>,
}

impl RosterRead<'_> {
    /// How many people the spec lists at `now`: exact from the tallies or the
    /// search index when they answer, else counted up to [`COUNT_CAP`]
    /// (`exact`: to the end).
    pub fn count(&self, exact: bool) -> Result<RosterCount> {
        let everyone = self.store.tally_count(&RosterFilter::default())?;
        let c = &self.c;
        if let Some(listed) = c.known {
            return Ok(RosterCount {
                listed,
                capped: false,
                everyone,
            });
        }
        let limit = if exact { -1 } else { COUNT_CAP as i64 + 1 };
        let sql = format!(
            "SELECT count(*) FROM (SELECT 1 FROM person p WHERE {} LIMIT {limit})",
            c.sql
        );
        let n: i64 = self
            .store
            .conn
            .prepare(&sql)?
            .query_row(rusqlite::params_from_iter(&c.params), |r| r.get(0))?;
        let n = u64::try_from(n).unwrap_or(0);
        Ok(RosterCount {
            listed: n.min(if exact { u64::MAX } else { COUNT_CAP }),
            capped: !exact && n > COUNT_CAP,
            everyone,
        })
    }

    /// Up to `limit` rows, read from `edge`, in order.
    pub fn page(&self, edge: &Edge, limit: usize) -> Result<Vec<RosterRow>> {
        let (segs, c) = (&self.segs, &self.c);
        let forward = !matches!(edge, Edge::Last | Edge::Before(_));
        let (start, bound) = match edge {
            Edge::First => (0, None),
            Edge::Last => (segs.len() - 1, None),
            Edge::After(k) => (usize::from(k.seg), Some((">", k))),
            Edge::Before(k) => (usize::from(k.seg), Some(("<", k))),
            Edge::From(k) => (usize::from(k.seg), Some((">=", k))),
        };
        let mut rows = Vec::with_capacity(limit);
        let mut seg = start.min(segs.len() - 1);
        loop {
            let left = limit - rows.len();
            if left == 0 {
                break;
            }
            let s = &segs[seg];
            let bound = bound.filter(|_| seg == start);
            self.store
                .segment_rows(s, seg as u8, c, bound, forward, left, &mut rows)?;
            match (forward, seg) {
                (true, _) if seg + 1 < segs.len() => seg += 1,
                (false, 1..) => seg -= 1,
                _ => break,
            }
        }
        if !forward {
            rows.reverse();
        }
        self.store.add_next_appointments(&mut rows, self.now)?;
        Ok(rows)
    }

    /// How many rows come before `key` (its position).
    pub fn position(&self, key: &RosterKey) -> Result<u64> {
        let (segs, c) = (&self.segs, &self.c);
        let mut n = 0i64;
        for (i, s) in segs.iter().enumerate().take(usize::from(key.seg) + 1) {
            // The key's own segment up to the key; those before it whole.
            let bound = (i == usize::from(key.seg)).then_some(key);
            let count = |from: &str, what: &str, cond: &str| -> Result<i64> {
                let mut params = c.params.clone();
                let mut cond = format!("({cond}) AND ({})", c.sql);
                if let Some(key) = bound {
                    let marks = vec!["?"; key.vals.len()].join(", ");
                    let _ = write!(cond, " AND ({}) < ({marks})", s.cols.join(", "));
                    params.extend(key.vals.iter().cloned());
                }
                let sql = format!("SELECT {what} FROM {from} WHERE {cond}");
                Ok(self
                    .store
                    .conn
                    .prepare_cached(&sql)?
                    .query_row(rusqlite::params_from_iter(&params), |r| r.get(0))?)
            };
            const WITH: &str = "appointment a JOIN person p ON p.id = a.person_id";
            n += match &s.before {
                Before::Rows => count(s.from, "count(*)", &s.cond)?,
                Before::FirstAppointment { live } => {
                    count(WITH, "count(DISTINCT a.person_id)", live)?
                }
                Before::NoAppointment { live } => {
                    count("person p", "count(*)", "1")?
                        - count(WITH, "count(DISTINCT a.person_id)", live)?
                }
            };
        }
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// Person `id`'s row as the spec lists it, with its key; `None` when the
    /// spec does not list them.
    pub fn row(&self, id: i64) -> Result<Option<RosterRow>> {
        let c = Conditions {
            sql: format!("({}) AND p.id = {id}", self.c.sql),
            params: self.c.params.clone(),
            known: None,
        };
        let mut rows = Vec::new();
        for (i, s) in self.segs.iter().enumerate() {
            self.store
                .segment_rows(s, i as u8, &c, None, true, 1, &mut rows)?;
            if !rows.is_empty() {
                break;
            }
        }
        self.store.add_next_appointments(&mut rows, self.now)?;
        Ok(rows.pop())
    }
}

fn roster_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<RosterRow> {
    let given: String = r.get(1)?;
    let family: String = r.get(2)?;
    let departure: Option<String> = r.get(8)?;
    let birth: Option<String> = r.get(10)?;
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
            .map(|d| codec::parse_day(10, &d))
            .transpose()?
            .map(|d| chrono::Datelike::year(&d)),
        arrival: codec::parse_day(7, &r.get::<_, String>(7)?)?,
        departure: departure.map(|d| codec::parse_day(8, &d)).transpose()?,
        status: codec::parse_enum(9, &r.get::<_, String>(9)?)?,
        next: None,
        key: RosterKey {
            seg: 0,
            vals: Vec::new(),
        },
    })
}

/// The SQL of one segment's rows: its condition and the filters', after
/// `bound` along the segment's key, in its order, at most `limit`.
fn segment_sql(
    s: &Segment,
    c: &Conditions,
    bound: Option<(&str, &RosterKey)>,
    forward: bool,
    limit: usize,
) -> (String, Vec<Value>) {
    let cols = s.cols.join(", ");
    let mut params = c.params.clone();

    let mut cond = format!("({}) AND ({})", s.cond, c.sql);
    if let Some((op, key)) = bound {
        let marks = vec!["?"; key.vals.len()].join(", ");
        let _ = write!(cond, " AND ({cols}) {op} ({marks})");
        params.extend(key.vals.iter().cloned());
    }
    let dir = if forward { "" } else { " DESC" };
    let order = s
        .cols
        .iter()
        .map(|c| format!("{c}{dir}"))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "SELECT {ROW_COLUMNS}, {cols} FROM {} CROSS JOIN household h ON h.id = p.household_id
         WHERE {cond} ORDER BY {order} LIMIT {limit}",
        s.from
    );
    (sql, params)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Scope;

    /// The roster as it opens (those present, by name), network-wide and
    /// for one shelter: rows are read along the sort's index, never every
    /// matching row sorted for each page (what made a page, and so every
    /// commit another process made, cost ~100 ms at 100,000 people).
    #[test]
    fn the_default_roster_reads_along_the_sort_index() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        drop(Store::open(&path, super::super::OpenMode::Create).unwrap());
        for scope in [Scope::Network, Scope::Shelters(vec![1])] {
            let store = Store::open(&path, super::super::OpenMode::Existing)
                .unwrap()
                .with_scope(scope.clone());
            for sort in [
                RosterSort::Name,
                RosterSort::Household,
                RosterSort::Nationality,
            ] {
                let spec = RosterSpec {
                    sort,
                    filter: RosterFilter {
                        status: Some(PersonStatus::Present),
                        ..RosterFilter::default()
                    },
                    query: String::new(),
                };
                let c = store.conditions(&spec, 0).unwrap();
                for s in segments(sort, 0) {
                    let (sql, params) = segment_sql(&s, &c, None, true, 60);
                    let plan: Vec<String> = store
                        .conn
                        .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
                        .unwrap()
                        .query_map(rusqlite::params_from_iter(&params), |r| r.get(3))
                        .unwrap()
                        .collect::<rusqlite::Result<_>>()
                        .unwrap();
                    assert!(
                        !plan.iter().any(|l| l.contains("FOR ORDER BY")),
                        "{sort:?} {scope:?}: {plan:#?}"
                    );
                }
            }
        }
    }
}
