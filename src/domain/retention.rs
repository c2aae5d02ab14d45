//! How long albergue keeps the details of people who left.

use chrono::{Duration, NaiveDate};

/// A retention period: `90d`, `13w`, `1y` (365 days).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    days: i64,
}

impl Period {
    /// Reads `90d`, `13w` or `1y` (at least one day, at most ten years).
    pub fn parse(text: &str) -> Result<Self, String> {
        let t = text.trim().to_ascii_lowercase();
        let (number, unit) = t.split_at(t.len().saturating_sub(1));
        let n: i64 = number.parse().map_err(|_| {
            format!("{text:?} is not a period: use days, weeks or years, as 90d, 13w or 1y")
        })?;
        let days = match unit {
            "d" => n,
            "w" => n * 7,
            "y" => n * 365,
            _ => {
                return Err(format!(
                    "{text:?}: the unit must be d, w or y (90d, 13w, 1y)"
                ))
            }
        };
        if !(1..=3650).contains(&days) {
            return Err(format!("{text:?}: a period is from 1 day to 10 years"));
        }
        Ok(Self { days })
    }

    /// The last day of leaving that is past the period on `today`: people
    /// who left on it or before are due.
    pub fn cutoff(self, today: NaiveDate) -> NaiveDate {
        today - Duration::days(self.days)
    }

    /// How it is written: `90d`.
    pub fn label(self) -> String {
        format!("{}d", self.days)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_are_read_in_days_weeks_and_years() {
        assert_eq!(Period::parse("90d").unwrap().label(), "90d");
        assert_eq!(Period::parse("13W").unwrap().label(), "91d");
        assert_eq!(Period::parse("1y").unwrap().label(), "365d");
        for bad in ["", "90", "d", "-3d", "0d", "90 days", "11y", "3m"] {
            assert!(Period::parse(bad).is_err(), "{bad}");
        }
        let today = NaiveDate::from_ymd_opt(2024, 5, 22).unwrap();
        assert_eq!(
            Period::parse("90d").unwrap().cutoff(today),
            NaiveDate::from_ymd_opt(2024, 2, 22).unwrap()
        );
    }
}
