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

/// Parses what a coordinator types for a moment: a day (`2024-05-22`,
/// `22/05/2024`, `today`/`hoy`, `tomorrow`/`mañana`, `+3d`) and an optional
/// time (`14:30`) after a space; a time alone means today. Relative days
/// count from `today`, the shelter's date.
pub fn parse_when(text: &str, today: NaiveDate) -> Option<(NaiveDate, Option<NaiveTime>)> {
    let t = text.trim().to_lowercase();
    if let Some(time) = parse_time(&t) {
        return Some((today, Some(time)));
    }
    let (day_part, time_part) = match t.split_once(' ') {
        Some((d, rest)) => (d.to_string(), Some(rest.trim().to_string())),
        None => (t.clone(), None),
    };
    let day = match day_part.as_str() {
        "today" | "hoy" => Some(today),
        "tomorrow" | "mañana" | "manana" => today.succ_opt(),
        "yesterday" | "ayer" => today.pred_opt(),
        d if d.starts_with('+') && d.ends_with('d') => d[1..d.len() - 1]
            .parse::<u32>()
            .ok()
            .filter(|n| *n <= 3650)
            .and_then(|n| today.checked_add_days(chrono::Days::new(u64::from(n)))),
        d if d.starts_with('-') && d.ends_with('d') => d[1..d.len() - 1]
            .parse::<u32>()
            .ok()
            .filter(|n| *n <= 3650)
            .and_then(|n| today.checked_sub_days(chrono::Days::new(u64::from(n)))),
        d => parse_day(d),
    };
    let day = match day {
        Some(d) => d,
        None => return parse_day_time(text),
    };
    match time_part {
        None => Some((day, None)),
        Some(tp) => Some((day, Some(parse_time(&tp)?))),
    }
}

/// A moment typed as an offset from now: `-1h`, `+30m`, `-2d`, `+3d`
/// (at most ten years either way).
pub fn parse_offset(text: &str) -> Option<chrono::Duration> {
    let t = text.trim().to_lowercase();
    let (sign, rest) = match t.chars().next()? {
        '+' => (1, &t[1..]),
        '-' => (-1, &t[1..]),
        _ => return None,
    };
    let unit = rest.chars().last()?;
    let n: i64 = rest[..rest.len() - unit.len_utf8()].parse().ok()?;
    let minutes = match unit {
        'm' => n,
        'h' => n.checked_mul(60)?,
        'd' => n.checked_mul(24 * 60)?,
        _ => return None,
    };
    (minutes <= 3650 * 24 * 60).then(|| chrono::Duration::minutes(sign * minutes))
}

/// How a typed moment reads: an exact offset from now (`-1h`, `+30m`), or
/// a day with perhaps a time, local to the shelter (`+3d` is a day).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Moment {
    /// From now, exactly.
    Offset(chrono::Duration),
    /// A local day and time (midnight when none was typed).
    Local(chrono::NaiveDateTime),
}

/// Reads a typed moment, `today` being the shelter's date.
pub fn parse_moment(text: &str, today: NaiveDate) -> Option<Moment> {
    if let Some(offset) = parse_offset(text).filter(|_| !text.trim().ends_with('d')) {
        return Some(Moment::Offset(offset));
    }
    let (day, time) = parse_when(text, today)?;
    Some(Moment::Local(day.and_time(time.unwrap_or(NaiveTime::MIN))))
}

#[cfg(test)]
mod when_tests {
    use super::*;

    #[test]
    fn offsets_go_back_as_well_as_forward() {
        use chrono::Duration;
        assert_eq!(parse_offset("-1h"), Some(Duration::hours(-1)));
        assert_eq!(parse_offset("+30m"), Some(Duration::minutes(30)));
        assert_eq!(parse_offset(" -2D "), Some(Duration::days(-2)));
        assert_eq!(parse_offset("1h"), None);
        assert_eq!(parse_offset("-h"), None);
        assert_eq!(parse_offset("-99999999d"), None);
        let today = NaiveDate::from_ymd_opt(2024, 5, 22).unwrap();
        assert_eq!(
            parse_when("-3d", today),
            NaiveDate::from_ymd_opt(2024, 5, 19).map(|d| (d, None))
        );
    }

    #[test]
    fn coordinators_can_type_days_the_way_they_say_them() {
        let today = NaiveDate::from_ymd_opt(2024, 5, 22).unwrap();
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        let t = |h, m| NaiveTime::from_hms_opt(h, m, 0);
        assert_eq!(parse_when("today", today), Some((today, None)));
        assert_eq!(
            parse_when("Mañana 14:30", today),
            Some((day(2024, 5, 23), t(14, 30)))
        );
        assert_eq!(parse_when("+3d", today), Some((day(2024, 5, 25), None)));
        assert_eq!(
            parse_when("22/05/2024 09:00", today),
            Some((today, t(9, 0)))
        );
        assert_eq!(
            parse_when("2024-05-24 18:00", today),
            Some((day(2024, 5, 24), t(18, 0)))
        );
        assert_eq!(parse_when("16:45", today), Some((today, t(16, 45))));
        for bad in [
            "",
            "2024-02-30",
            "tomorrow 25:00",
            "+d",
            "+99999d",
            "someday",
        ] {
            assert_eq!(parse_when(bad, today), None, "{bad}");
        }
    }
}
