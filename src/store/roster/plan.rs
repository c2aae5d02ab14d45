//! How a roster spec becomes SQL: its sort's segments (ordered scans of an
//! index) and the conditions of its filters and search.

use std::fmt::Write as _;

use rusqlite::types::Value;

use super::{RosterFilter, RosterSort, RosterSpec, LIVE};
use crate::domain::names::fold;
use crate::domain::{port, PersonStatus};
use crate::store::{search, Result, Store};

/// Search hits up to this many are read by id and sorted; more are checked
/// row by row along the sort's index.
const FEW_HITS: usize = 4000;

/// A word whose people's ids take more than this in the word index (about
/// 150,000 people) is checked on the rows instead.
const DENSE_BYTES: i64 = 256 * 1024;

pub(super) struct Segment {
    pub from: &'static str,
    pub cond: String,
    pub cols: &'static [&'static str],
    /// How its rows before a key are counted (a row's position).
    pub before: Before,
}

/// How a segment counts its rows before a key.
pub(super) enum Before {
    /// Row by row, its condition checked on each.
    Rows,
    /// Each person once, at their first appointment matching `live` (a
    /// condition on `a`): a person is before the key when any of their
    /// matching appointments is, so the count is of distinct people among
    /// the matching appointments before the key (no subquery per row).
    FirstAppointment { live: String },
    /// The people with no appointment matching `live`: everyone before the
    /// key, less the people among them with one.
    NoAppointment { live: String },
}

pub(super) fn segments(sort: RosterSort, now: i64) -> Vec<Segment> {
    let person = |cond: &str, cols| Segment {
        from: "person p",
        cond: cond.to_string(),
        cols,
        before: Before::Rows,
    };
    let live = format!("a.status IN {LIVE} AND a.appointment_at >= {now}");
    match sort {
        RosterSort::Name => vec![person("1", &["p.search_name", "p.id"])],
        RosterSort::Household => vec![person("1", &["p.household_id", "p.status", "p.id"])],
        RosterSort::Nationality => vec![person("1", &["p.nationality", "p.search_name", "p.id"])],
        RosterSort::Waiting => vec![
            person("p.departure_date IS NULL", &["p.arrival_date", "p.id"]),
            person(
                "p.departure_date IS NOT NULL",
                &[
                    "julianday(p.arrival_date) - julianday(p.departure_date)",
                    "p.id",
                ],
            ),
        ],
        RosterSort::Appointment => vec![
            Segment {
                from: "appointment a JOIN person p ON p.id = a.person_id",
                cond: format!(
                    "a.status IN {LIVE} AND a.appointment_at >= {now}
                     AND NOT EXISTS (SELECT 1 FROM appointment b
                        WHERE b.person_id = a.person_id AND b.status IN {LIVE}
                          AND b.appointment_at >= {now}
                          AND (b.appointment_at, b.id) < (a.appointment_at, a.id))"
                ),
                cols: &["a.appointment_at", "a.id"],
                before: Before::FirstAppointment { live: live.clone() },
            },
            Segment {
                before: Before::NoAppointment { live },
                ..person(
                    &format!(
                        "NOT EXISTS (SELECT 1 FROM appointment b WHERE b.person_id = p.id
                            AND b.status IN {LIVE} AND b.appointment_at >= {now})"
                    ),
                    &["p.search_name", "p.id"],
                )
            },
        ],
        RosterSort::Status => PersonStatus::ALL
            .iter()
            .map(|s| {
                person(
                    &format!("p.status = '{}'", s.as_str()),
                    &["p.arrival_date", "p.id"],
                )
            })
            .collect(),
    }
}

/// The SQL condition (and its parameters) of a spec's filters and search,
/// over `p`; `None` when nobody can match.
pub(super) struct Conditions {
    pub sql: String,
    pub params: Vec<Value>,
    /// Everyone listed, when known without a scan.
    pub known: Option<u64>,
}

/// What a search query asks: the folded words of the name (`long`: read
/// from the word index; `short`: so common that checking them on the rows
/// along the sort is cheaper), the digits of a phone (3 or more), a
/// confirmation number's letters and digits (4 or more, with a digit among
/// them).
struct Query {
    long: Vec<String>,
    short: Vec<String>,
    digits: Option<String>,
    code: Option<String>,
}

impl Query {
    fn parse(text: &str) -> Self {
        let folded = fold(text);
        let long = folded
            .split(' ')
            .filter(|w| !w.is_empty())
            .map(str::to_string)
            .collect();
        let short = Vec::new();
        let digits: String = text.chars().filter(char::is_ascii_digit).collect();
        let code: String = text
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_uppercase())
            .collect();
        Self {
            long,
            short,
            code: (code.len() >= 4 && !digits.is_empty()).then_some(code),
            digits: (digits.len() >= 3).then_some(digits),
        }
    }

    fn is_empty(&self) -> bool {
        self.long.is_empty() && self.short.is_empty()
    }
}

pub(super) fn id_list(ids: &[u32]) -> String {
    let mut s = String::with_capacity(ids.len() * 8);
    for (i, id) in ids.iter().enumerate() {
        if i > 0 {
            s.push(',');
        }
        let _ = write!(s, "{id}");
    }
    s
}

impl Store {
    pub(super) fn conditions(&self, spec: &RosterSpec, now: i64) -> Result<Conditions> {
        let mut parts: Vec<String> = Vec::new();
        let mut params: Vec<Value> = Vec::new();
        let f = &spec.filter;
        if !self.scope.is_network() {
            // Only the people of this handle's shelters, whatever is asked.
            // (`+`: a filter, never the index the rows are read along;
            // the sort's index is, or every page sorts the shelter.)
            parts.push(self.scope.sql("+p.shelter_id"));
        }
        if let Some(s) = f.status {
            // (As the scope: the default filter, most of the roster.)
            parts.push("+p.status = ?".into());
            params.push(Value::Text(s.as_str().into()));
        }
        if let Some(n) = &f.nationality {
            parts.push("p.nationality = ?".into());
            params.push(Value::Text(n.clone()));
        }
        if f.at_risk {
            // The banner's rule and count (`Store::at_risk_now_lines`).
            let at = chrono::DateTime::from_timestamp(now, 0).unwrap_or_default();
            let mut ids: Vec<u32> = self
                .at_risk_now_lines(at)?
                .iter()
                .filter_map(|l| l.appointment.person_id)
                .filter_map(|id| u32::try_from(id).ok())
                .collect();
            ids.sort_unstable();
            ids.dedup();
            parts.push(if ids.is_empty() {
                "0".into()
            } else {
                format!("p.id IN ({})", id_list(&ids))
            });
        }
        if let Some(s) = f.shelter {
            parts.push("p.shelter_id = ?".into());
            params.push(Value::Integer(s));
        }
        if let Some(p) = f.port.and_then(|i| port::all().get(usize::from(i))) {
            // The port of the appointment the roster shows: the first live
            // one ahead, else the latest.
            parts.push(format!(
                "coalesce(
                   (SELECT x.port_code FROM appointment x WHERE x.person_id = p.id
                      AND x.status IN {LIVE} AND x.appointment_at >= {now}
                    ORDER BY x.appointment_at LIMIT 1),
                   (SELECT x.port_code FROM appointment x WHERE x.person_id = p.id
                    ORDER BY x.appointment_at DESC LIMIT 1)) = ?"
            ));
            params.push(Value::Text(p.code.clone()));
        }
        let mut known = None;
        let mut q = Query::parse(&spec.query);
        // A word whose people are many (one letter, say) is found faster on
        // the rows along the sort, where the first screenful comes at once,
        // than by merging a large part of the roster's ids.
        let words = std::mem::take(&mut q.long);
        // (The index is by shelter: only the handle's shelters are read.)
        let scope = self.scope.sql("shelter_id");
        for w in words {
            if search::weight(&self.conn, &w, &scope)? > DENSE_BYTES {
                q.short.push(w);
            } else {
                q.long.push(w);
            }
        }
        if !q.is_empty() {
            // Name: every sparse word from the index, every dense one on the row.
            let mut hits: Option<Vec<u32>> = None;
            for w in &q.long {
                let ids = search::people_with(&self.conn, w, &scope)?;
                hits = Some(match hits {
                    None => ids,
                    Some(h) => search::intersect(&h, &ids),
                });
            }
            let mut name: Vec<String> = q
                .short
                .iter()
                .map(|_| "instr(p.search_name, ?) > 0".to_string())
                .collect();
            // Phones and confirmation numbers add whom they find.
            let mut extra: Vec<u32> = Vec::new();
            if let Some(d) = &q.digits {
                extra.extend(self.people_by_phone(d)?);
            }
            if let Some(c) = &q.code {
                extra.extend(self.people_by_confirmation(c)?);
            }
            extra.sort_unstable();
            extra.dedup();
            let hits = hits.map(|h| {
                if q.short.is_empty() && !extra.is_empty() {
                    // Without short words a name hit needs no row check:
                    // one list serves both.
                    let mut all = h;
                    all.extend_from_slice(&extra);
                    all.sort_unstable();
                    all.dedup();
                    extra.clear();
                    all
                } else {
                    h
                }
            });
            if let Some(h) = &hits {
                if q.short.is_empty() && extra.is_empty() && !f.any() {
                    known = Some(h.len() as u64);
                }
                if h.is_empty() {
                    name.push("0".into());
                } else if h.len() <= FEW_HITS {
                    name.push(format!("p.id IN ({})", id_list(h)));
                } else {
                    self.set_listed(h);
                    name.push("albergue_listed(p.id)".into());
                }
            }
            let mut search = format!("({})", name.join(" AND "));
            for w in &q.short {
                params.push(Value::Text(w.clone()));
            }
            if !extra.is_empty() {
                let _ = write!(search, " OR p.id IN ({})", id_list(&extra));
            }
            // First: an id or a name of the index the rows are read
            // along is checked before the row is (SQLite seeks the table
            // row only for the terms that need it).
            parts.insert(0, format!("({search})"));
            params.rotate_right(q.short.len());
        } else if spec.filter.port.is_none() && !spec.filter.at_risk {
            known = Some(self.tally_count(&spec.filter)?);
        }
        Ok(Conditions {
            sql: if parts.is_empty() {
                "1".into()
            } else {
                parts.join(" AND ")
            },
            params,
            known,
        })
    }

    pub(super) fn tally_count(&self, f: &RosterFilter) -> Result<u64> {
        let n: i64 = self
            .conn
            .prepare_cached(&format!(
                "SELECT coalesce(sum(people), 0) FROM nationality_tally
                 WHERE (?1 IS NULL OR status = ?1) AND (?2 IS NULL OR nationality = ?2)
                   AND (?3 IS NULL OR shelter_id = ?3) AND {}",
                self.scope.sql("shelter_id")
            ))?
            .query_row(
                rusqlite::params![f.status.map(|s| s.as_str()), f.nationality, f.shelter],
                |r| r.get(0),
            )?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    fn people_by_phone(&self, digits: &str) -> Result<Vec<u32>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id FROM person WHERE phone IS NOT NULL AND instr(
                replace(replace(replace(replace(replace(replace(phone,
                    ' ', ''), '-', ''), '+', ''), '(', ''), ')', ''), '.', ''), ?1) > 0",
        )?;
        let ids = stmt.query_map([digits], |r| r.get::<_, u32>(0))?;
        Ok(ids.collect::<rusqlite::Result<_>>()?)
    }

    fn people_by_confirmation(&self, code: &str) -> Result<Vec<u32>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT person_id FROM appointment
             WHERE person_id IS NOT NULL AND instr(upper(confirmation_number), ?1) > 0",
        )?;
        let ids = stmt.query_map([code], |r| r.get::<_, u32>(0))?;
        Ok(ids.collect::<rusqlite::Result<_>>()?)
    }
}
