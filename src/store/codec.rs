//! Conversions between domain values and their stored forms.

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::types::Type;

/// An instant as stored: whole seconds since the epoch, UTC.
pub fn secs(t: DateTime<Utc>) -> i64 {
    t.timestamp()
}

/// A stored instant. Out-of-range values cannot come from albergue's own
/// writes; they are clamped rather than failing a whole screen.
pub fn instant(secs: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(secs, 0).unwrap_or_default()
}

/// An optional stored instant.
pub fn opt_instant(secs: Option<i64>) -> Option<DateTime<Utc>> {
    secs.map(instant)
}

/// A calendar day as stored.
pub fn day(d: NaiveDate) -> String {
    use chrono::Datelike;
    match d.year() {
        // (What `%Y-%m-%d` writes, without parsing the format each time.)
        y @ 0..=9999 => format!("{y:04}-{:02}-{:02}", d.month(), d.day()),
        _ => d.format("%Y-%m-%d").to_string(),
    }
}

/// A stored calendar day, read from column `idx`.
pub fn parse_day(idx: usize, text: &str) -> rusqlite::Result<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(idx, Type::Text, Box::new(e)))
}

/// A stored enum value (status, step, …) read from column `idx`.
pub fn parse_enum<T>(idx: usize, text: &str) -> rusqlite::Result<T>
where
    T: std::str::FromStr,
    T::Err: std::error::Error + Send + Sync + 'static,
{
    text.parse()
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(idx, Type::Text, Box::new(e)))
}

#[cfg(test)]
mod tests {
    use chrono::{Datelike, NaiveDate};

    proptest::proptest! {
        #[test]
        fn a_day_is_written_as_chrono_writes_it(
            days in NaiveDate::MIN.num_days_from_ce()..=NaiveDate::MAX.num_days_from_ce()
        ) {
            let d = NaiveDate::from_num_days_from_ce_opt(days).unwrap();
            proptest::prop_assert_eq!(super::day(d), d.format("%Y-%m-%d").to_string());
        }
    }

    #[test]
    fn days_at_the_edges_of_four_digit_years() {
        for (y, m, d) in [
            (0, 1, 1),
            (9999, 12, 31),
            (10000, 1, 1),
            (-1, 12, 31),
            (2024, 5, 9),
        ] {
            let day = NaiveDate::from_ymd_opt(y, m, d).unwrap();
            assert_eq!(super::day(day), day.format("%Y-%m-%d").to_string());
        }
        assert_eq!(
            super::day(NaiveDate::from_ymd_opt(2024, 5, 9).unwrap()),
            "2024-05-09"
        );
    }
}
