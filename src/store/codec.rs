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
    d.format("%Y-%m-%d").to_string()
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
