//! The cases of the programs kept as files that the dashboard counts, on
//! PostgreSQL: the same reads as SQLite's (`store/due_read.rs`) along the
//! same kept deadlines, which the schema's triggers keep placed (the
//! shelter, whether someone is present) as SQLite's do.

use chrono::{DateTime, Utc};

use super::store::PgStore;
use super::tx::scoped;
use crate::domain::program::Program;
use crate::domain::Outage;
use crate::store::due_read as read;
use crate::store::{codec, CasesDue, DayBounds, Result};

impl PgStore {
    /// The cases of `programs` due by the end of tomorrow
    /// ([`crate::store::Store::cases_due`]).
    pub fn cases_due(
        &mut self,
        now: DateTime<Utc>,
        day: DayBounds,
        programs: &[&Program],
    ) -> Result<CasesDue> {
        if programs.is_empty() {
            return Ok(CasesDue::default());
        }
        self.read(|tx, scope| {
            let sql = read::Sql::new(programs, &scoped(scope, "c.shelter_id"), "");
            let (at, today_end) = (codec::secs(now), codec::secs(day.today_end));
            let counts = tx.query_one(&sql.counts, &[&at, &today_end])?;
            let mut due = CasesDue {
                overdue: usize::try_from(counts.get::<_, i64>(0)).unwrap_or(0),
                today: usize::try_from(counts.get::<_, i64>(1)).unwrap_or(0),
                ..CasesDue::default()
            };
            due.tomorrow = tx
                .query(&sql.tomorrow, &[&today_end, &codec::secs(day.tomorrow_end)])?
                .iter()
                .map(read::venue_day)
                .collect::<rusqlite::Result<_>>()?;
            due.soonest = tx
                .query(&sql.soonest, &[])?
                .iter()
                .map(|r| read::soonest(r, programs, now))
                .collect::<rusqlite::Result<_>>()?;
            read::order(&mut due.soonest);
            Ok(due)
        })
    }

    /// How many cases each outage going on puts at risk
    /// ([`crate::store::Store::cases_at_risk`]).
    pub fn cases_at_risk(
        &mut self,
        now: DateTime<Utc>,
        outages: &[Outage],
        programs: &[&Program],
    ) -> Result<Vec<(i64, usize)>> {
        self.read(|tx, scope| {
            let scope = scoped(scope, "c.shelter_id");
            let mut out = Vec::new();
            for (outage, sql) in read::at_risk(now, outages, programs, &scope, "") {
                let n: i64 = match sql {
                    Some(sql) => tx
                        .query_one(&sql, &[&codec::secs(outage.started_at)])?
                        .get(0),
                    None => 0,
                };
                out.push((outage.id, usize::try_from(n).unwrap_or(0)));
            }
            Ok(out)
        })
    }
}
