//! Deadline arithmetic in a venue's zone: calendar days, business days
//! (weekends and a holiday calendar) and the end of a local day.
//!
//! A rule that counts days counts them on the venue's wall calendar and
//! ends at the end of the last day (local midnight after it), whatever the
//! length of the days in between (DST changes make some 23 or 25 hours
//! long). A rule that counts hours counts elapsed time in UTC.

use std::collections::BTreeSet;

use chrono::{DateTime, Datelike, Duration, LocalResult, NaiveDate, TimeZone, Utc, Weekday};
use chrono_tz::Tz;

/// Days on which offices do not work: weekends and holidays.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Calendar {
    /// The calendar's id (`mx`), as programs name it.
    pub id: String,
    /// What it is (for `programs list`).
    pub name: String,
    /// Days of the week that are never working days.
    pub weekend: Vec<Weekday>,
    /// Dates that are not working days.
    pub holidays: BTreeSet<NaiveDate>,
    /// The first and last year its holidays are listed for: a business-day
    /// count outside them is still computed, but the program check warns.
    pub years: Option<(i32, i32)>,
}

impl Calendar {
    /// A calendar of Saturdays and Sundays only, no holidays.
    pub fn weekends_only() -> Self {
        Self {
            id: "weekends".into(),
            name: "Saturdays and Sundays".into(),
            weekend: vec![Weekday::Sat, Weekday::Sun],
            ..Self::default()
        }
    }

    /// Whether offices work on `day`.
    pub fn is_working_day(&self, day: NaiveDate) -> bool {
        !self.weekend.contains(&day.weekday()) && !self.holidays.contains(&day)
    }

    /// The `n`th working day after `day` (`day` itself never counts: the
    /// count starts the next day, as the law counts terms). `n` = 0 is
    /// `day`.
    pub fn add_working_days(&self, day: NaiveDate, n: u32) -> NaiveDate {
        let mut d = day;
        let mut left = n;
        // Every week has a working day unless the weekend is all seven:
        // refused when the calendar is read, so this ends.
        while left > 0 {
            d = d.succ_opt().unwrap_or(d);
            if self.is_working_day(d) {
                left -= 1;
            }
        }
        d
    }
}

/// The venue's local date at an instant.
pub fn local_day(at: DateTime<Utc>, tz: Tz) -> NaiveDate {
    at.with_timezone(&tz).date_naive()
}

/// The first instant of a local date in `tz` (its midnight, or the first
/// time the clocks show that day when midnight itself was skipped).
pub fn start_of_day(day: NaiveDate, tz: Tz) -> DateTime<Utc> {
    let midnight = day.and_hms_opt(0, 0, 0).unwrap_or_default();
    match tz.from_local_datetime(&midnight) {
        LocalResult::Single(t) => t.with_timezone(&Utc),
        LocalResult::Ambiguous(first, _) => first.with_timezone(&Utc),
        LocalResult::None => {
            // Midnight skipped (a spring-forward at 00:00): the day starts
            // when the clocks jump, the first existing minute after it.
            (1..=180)
                .find_map(|m| {
                    tz.from_local_datetime(&(midnight + Duration::minutes(m)))
                        .earliest()
                })
                .map(|t| t.with_timezone(&Utc))
                .unwrap_or_else(|| Utc.from_utc_datetime(&midnight))
        }
    }
}

/// The end of a local date: the first instant of the next day. A deadline
/// "by the end of day D" is this instant, exclusive.
pub fn end_of_day(day: NaiveDate, tz: Tz) -> DateTime<Utc> {
    start_of_day(day.succ_opt().unwrap_or(day), tz)
}

/// The end of the `n`th calendar day after the local day of `at`.
pub fn after_days(at: DateTime<Utc>, n: u32, tz: Tz) -> DateTime<Utc> {
    let day = local_day(at, tz) + Duration::days(i64::from(n));
    end_of_day(day, tz)
}

/// The end of the `n`th working day after the local day of `at`.
pub fn after_working_days(at: DateTime<Utc>, n: u32, tz: Tz, cal: &Calendar) -> DateTime<Utc> {
    end_of_day(cal.add_working_days(local_day(at, tz), n), tz)
}

/// The start of the local day `n` days before the local day of `at`: a
/// reminder "30 days before the visa expires" opens at that midnight.
pub fn before_days(at: DateTime<Utc>, n: u32, tz: Tz) -> DateTime<Utc> {
    start_of_day(local_day(at, tz) - Duration::days(i64::from(n)), tz)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn working_days_skip_weekends_and_holidays() {
        let mut cal = Calendar::weekends_only();
        cal.holidays.insert(day(2025, 3, 17)); // Benito Juárez's day, observed
                                               // Friday 14 March 2025 + 1 working day = Tuesday 18 March.
        assert_eq!(cal.add_working_days(day(2025, 3, 14), 1), day(2025, 3, 18));
        assert_eq!(cal.add_working_days(day(2025, 3, 14), 0), day(2025, 3, 14));
        assert_eq!(cal.add_working_days(day(2025, 3, 14), 5), day(2025, 3, 24));
    }

    #[test]
    fn a_day_ends_at_the_next_local_midnight_across_dst() {
        let tz: Tz = "America/Tijuana".parse().unwrap();
        // 9 March 2025: Tijuana springs forward, the day has 23 hours.
        let end = end_of_day(day(2025, 3, 9), tz);
        assert_eq!(end, Utc.with_ymd_and_hms(2025, 3, 10, 7, 0, 0).unwrap());
        let start = start_of_day(day(2025, 3, 9), tz);
        assert_eq!(end - start, Duration::hours(23));
    }

    #[test]
    fn a_skipped_midnight_starts_the_day_when_the_clocks_jump() {
        // Havana springs forward at midnight (00:00 -> 01:00).
        let tz: Tz = "America/Havana".parse().unwrap();
        let start = start_of_day(day(2025, 3, 9), tz);
        assert_eq!(
            start.with_timezone(&tz).naive_local(),
            day(2025, 3, 9).and_hms_opt(1, 0, 0).unwrap()
        );
    }
}
