//! What the headcount report reads: every person who was at a shelter of
//! the handle's in a period (the columns the counts need, never a name),
//! and the accepted transfers. The counting is `domain::headcount`'s.

use chrono::NaiveDate;
use rusqlite::params;

use super::{codec, Result, Store};
use crate::domain::headcount::{self, Headcount, Move, Row};

impl Store {
    /// The headcount of the days `from..=to` for the handle's shelters.
    pub fn headcount(&self, from: NaiveDate, to: NaiveDate) -> Result<Headcount> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT sex, birth_date, nationality, arrival_date, departure_date, status,
                    household_id, shelter_id, section_id
             FROM person
             WHERE arrival_date <= ?1 AND (departure_date IS NULL OR departure_date >= ?2)
               AND {}",
            self.scope.sql("shelter_id")
        ))?;
        let mut rows = Vec::new();
        let mut q = stmt.query(params![codec::day(to), codec::day(from)])?;
        let read = |r: &rusqlite::Row<'_>| -> rusqlite::Result<Row> {
            Ok(Row {
                sex: codec::parse_enum(0, r.get_ref(0)?.as_str()?)?,
                birth: r
                    .get_ref(1)?
                    .as_str_or_null()?
                    .map(|b| codec::parse_day(1, b))
                    .transpose()?,
                nationality: r.get(2)?,
                arrival: codec::parse_day(3, r.get_ref(3)?.as_str()?)?,
                departure: r
                    .get_ref(4)?
                    .as_str_or_null()?
                    .map(|b| codec::parse_day(4, b))
                    .transpose()?,
                status: codec::parse_enum(5, r.get_ref(5)?.as_str()?)?,
                household: r.get(6)?,
                shelter: r.get(7)?,
                section: r.get(8)?,
            })
        };
        while let Some(r) = q.next()? {
            rows.push(read(r)?);
        }
        let mut stmt = self.conn.prepare(&format!(
            "SELECT household_id, from_shelter, to_shelter, decided_at FROM transfer
             WHERE status = 'accepted' AND ({} OR {})",
            self.scope.sql("from_shelter"),
            self.scope.sql("to_shelter")
        ))?;
        let moves = stmt
            .query_map([], |r| {
                Ok(Move {
                    household: r.get(0)?,
                    from: r.get(1)?,
                    to: r.get(2)?,
                    on: codec::instant(r.get(3)?).date_naive(),
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut counted = headcount::count(&rows, &moves, from, to);
        // A scoped handle reports its own shelters only (a transfer names
        // the other side's number, never its people).
        counted.shelters.retain(|id, _| self.scope.covers(*id));
        Ok(counted)
    }
}
