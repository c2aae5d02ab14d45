//! The headcount screen's state: a month's figures (`albergue report
//! headcount`'s, for the session's shelters) and which shelter is shown.

use chrono::{Datelike, Months, NaiveDate};

use crate::tui::message::{HeadcountPage, Request};

/// The headcount screen.
#[derive(Debug, Clone, Default)]
pub struct HeadcountState {
    /// The first day of the month shown (`None` until first shown: then
    /// the month of today).
    pub month: Option<NaiveDate>,
    /// Its figures, once read.
    pub page: Option<Box<HeadcountPage>>,
    /// Which place of [`HeadcountPage::places`] is shown.
    pub place: usize,
    /// Set when a commit may have changed the figures while the screen was
    /// not shown: read again when it is.
    pub stale: bool,
}

impl HeadcountState {
    /// The screen is shown: its month is read when it has not been, or
    /// when a commit came since.
    pub fn show(&mut self, today: NaiveDate, out: &mut Vec<Request>) {
        if self.page.is_none() || self.stale || self.month.is_none() {
            self.ask(today, out);
        }
    }

    /// Another commit: read again now when `shown`, else when next shown.
    pub fn changed(&mut self, shown: bool, today: NaiveDate, out: &mut Vec<Request>) {
        if shown {
            self.ask(today, out);
        } else if self.page.is_some() {
            self.stale = true;
        }
    }

    /// Another month (`by` months on, back when negative): whether it moved.
    pub fn step(&mut self, by: i32, today: NaiveDate, out: &mut Vec<Request>) -> bool {
        let month = self.month.unwrap_or_else(|| month_of(today));
        let moved = step_month(month, by, today);
        if moved == month {
            return false;
        }
        self.month = Some(moved);
        self.ask(today, out);
        true
    }

    /// Another place (shelter or the network): whether it moved.
    pub fn select(&mut self, by: isize) -> bool {
        let places = self.page.as_ref().map_or(0, |p| p.places().len());
        let to = self
            .place
            .saturating_add_signed(by)
            .min(places.saturating_sub(1));
        let moved = to != self.place;
        self.place = to;
        moved
    }

    fn ask(&mut self, today: NaiveDate, out: &mut Vec<Request>) {
        let month = *self.month.get_or_insert_with(|| month_of(today));
        let (from, to) = period(month, today);
        self.stale = false;
        out.push(Request::Headcount { from, to });
    }

    /// Takes a month's figures (an answer to an older request, for a month
    /// left since, is dropped).
    pub fn load(&mut self, page: Box<HeadcountPage>) {
        if self.month.is_some_and(|m| m != month_of(page.from)) {
            return;
        }
        self.place = self.place.min(page.places().len().saturating_sub(1));
        self.page = Some(page);
    }
}

/// The first day of `day`'s month.
pub fn month_of(day: NaiveDate) -> NaiveDate {
    day.with_day(1).unwrap_or(day)
}

/// The days `month` covers up to `today`: its first day to its last, or
/// to today in the month going on.
pub fn period(month: NaiveDate, today: NaiveDate) -> (NaiveDate, NaiveDate) {
    let last = month
        .checked_add_months(Months::new(1))
        .and_then(|d| d.pred_opt())
        .unwrap_or(month);
    (month, last.min(today).max(month))
}

/// The month `by` months from `month` (back when negative), never after
/// today's.
pub fn step_month(month: NaiveDate, by: i32, today: NaiveDate) -> NaiveDate {
    let moved = if by < 0 {
        month.checked_sub_months(Months::new(by.unsigned_abs()))
    } else {
        month.checked_add_months(Months::new(by.unsigned_abs()))
    }
    .unwrap_or(month);
    moved.min(month_of(today))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn a_month_runs_to_its_end_or_to_today() {
        assert_eq!(
            period(d(2024, 4, 1), d(2024, 5, 22)),
            (d(2024, 4, 1), d(2024, 4, 30))
        );
        assert_eq!(
            period(d(2024, 5, 1), d(2024, 5, 22)),
            (d(2024, 5, 1), d(2024, 5, 22))
        );
        assert_eq!(
            period(d(2024, 2, 1), d(2025, 1, 1)),
            (d(2024, 2, 1), d(2024, 2, 29))
        );
    }

    #[test]
    fn months_step_back_and_stop_at_today() {
        let today = d(2024, 5, 22);
        assert_eq!(step_month(d(2024, 5, 1), -1, today), d(2024, 4, 1));
        assert_eq!(step_month(d(2024, 1, 1), -1, today), d(2023, 12, 1));
        assert_eq!(step_month(d(2024, 5, 1), 1, today), d(2024, 5, 1));
        assert_eq!(step_month(d(2024, 4, 1), 1, today), d(2024, 5, 1));
    }
}
