//! Dates and times as people type them in spreadsheets and forms.

use chrono::{NaiveDate, NaiveTime};

/// Parses `2024-05-22`, `22/05/2024` or `22-05-2024` (day first, as in Mexico).
pub fn parse_day(text: &str) -> Option<NaiveDate> {
    let t = text.trim();
    ["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%Y/%m/%d"]
        .iter()
        .find_map(|f| NaiveDate::parse_from_str(t, f).ok())
        .filter(|d| (1900..=2200).contains(&chrono::Datelike::year(d)))
}

/// Parses `14:30` or `14:30:00`.
pub fn parse_time(text: &str) -> Option<NaiveTime> {
    let t = text.trim();
    NaiveTime::parse_from_str(t, "%H:%M")
        .or_else(|_| NaiveTime::parse_from_str(t, "%H:%M:%S"))
        .ok()
}

/// Parses a day with an optional time after a space or `T`
/// (`2024-06-04 09:00`, `04/06/2024T09:00`, `04/06/2024`).
pub fn parse_day_time(text: &str) -> Option<(NaiveDate, Option<NaiveTime>)> {
    let t = text.trim();
    match t.split_once([' ', 'T']) {
        Some((d, time)) if !time.trim().is_empty() => {
            Some((parse_day(d)?, Some(parse_time(time)?)))
        }
        _ => Some((parse_day(t)?, None)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spreadsheet_dates_are_read_day_first() {
        let d = NaiveDate::from_ymd_opt(2024, 5, 22).unwrap();
        for text in ["2024-05-22", "22/05/2024", "22-05-2024", " 2024/05/22 "] {
            assert_eq!(parse_day(text), Some(d), "{text}");
        }
        for bad in [
            "",
            "31/02/2024",
            "05/22/2024",
            "22.05.2024",
            "mañana",
            "0001-01-01",
        ] {
            assert_eq!(parse_day(bad), None, "{bad}");
        }
        let (day, time) = parse_day_time("04/06/2024 09:30").unwrap();
        assert_eq!(
            (day.to_string(), time.unwrap().to_string()),
            ("2024-06-04".into(), "09:30:00".into())
        );
        assert_eq!(parse_day_time("2024-06-04").unwrap().1, None);
        assert_eq!(parse_day_time("2024-06-04 25:00"), None);
    }
}
