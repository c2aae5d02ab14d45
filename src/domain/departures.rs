//! Tomorrow's list: who leaves for which port on a day, household by
//! household, in each port's own time. Built from plain rows the store reads;
//! printed by `albergue list appointments` and the dashboard's `P`.

use chrono::{DateTime, Duration, NaiveDate, Utc};

use super::port::{self, Port};

/// Which day a list is for. "Today" and "tomorrow" are each port's own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Day {
    /// The port's date now.
    Today,
    /// The day after the port's date now.
    Tomorrow,
    /// This calendar date at every port.
    On(NaiveDate),
}

impl Day {
    /// Reads `today`, `tomorrow` (also `hoy`, `mañana`) or a date
    /// (`2024-05-23`, `23/05/2024`).
    pub fn parse(text: &str) -> Option<Self> {
        match text.trim().to_lowercase().as_str() {
            "today" | "hoy" => Some(Self::Today),
            "tomorrow" | "mañana" | "manana" => Some(Self::Tomorrow),
            other => super::dates::parse_day(other).map(Self::On),
        }
    }

    /// [`Day::parse`] for a command line: what went wrong, in words.
    pub fn parse_arg(text: &str) -> Result<Self, String> {
        Self::parse(text).ok_or_else(|| {
            format!("{text:?} is not a day: use today, tomorrow or a date such as 2024-05-23")
        })
    }

    /// The date this means at `port` at `now`.
    pub fn at(self, port: &Port, now: DateTime<Utc>) -> NaiveDate {
        let today = port.local_time(now).date_naive();
        match self {
            Self::Today => today,
            Self::Tomorrow => today + Duration::days(1),
            Self::On(d) => d,
        }
    }

    /// A UTC span that holds the day at every port (a day either side:
    /// the list keeps only what falls on the port's date).
    pub fn span(self, now: DateTime<Utc>) -> (DateTime<Utc>, DateTime<Utc>) {
        let dates = port::all().iter().map(|p| self.at(p, now));
        let first = dates.clone().min().unwrap_or(now.date_naive());
        let last = dates.max().unwrap_or(now.date_naive());
        (
            (first - Duration::days(1))
                .and_time(chrono::NaiveTime::MIN)
                .and_utc(),
            (last + Duration::days(2))
                .and_time(chrono::NaiveTime::MIN)
                .and_utc(),
        )
    }
}

/// A live appointment of someone present, with what the list prints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DepartureRow {
    /// The port's code.
    pub port_code: String,
    /// When (UTC).
    pub at: DateTime<Utc>,
    /// Confirmed (true) or still to confirm.
    pub confirmed: bool,
    /// The confirmation number, when there is one.
    pub confirmation: Option<String>,
    /// The group.
    pub household_id: i64,
    /// The group's label (its family name).
    pub household: String,
    /// Where in the US the group goes.
    pub destination: Option<String>,
    /// The shelter the group stays at.
    pub shelter: String,
    /// The traveller's "Given Family" (the group's label when the
    /// appointment is the group's).
    pub name: String,
    /// The traveller's year of birth.
    pub birth_year: Option<i32>,
}

/// One traveller's line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Traveller {
    /// "Given Family".
    pub name: String,
    /// Year of birth, when known.
    pub birth_year: Option<i32>,
    /// The confirmation number, when confirmed.
    pub confirmation: Option<String>,
    /// Confirmed (false: the deadline is still open or extended).
    pub confirmed: bool,
}

/// A household that presents itself together at one time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// When (UTC; printed in the port's time).
    pub at: DateTime<Utc>,
    /// The group's id.
    pub household_id: i64,
    /// Its label.
    pub household: String,
    /// US destination city.
    pub destination: Option<String>,
    /// Its shelter.
    pub shelter: String,
    /// Who travels, by name.
    pub travellers: Vec<Traveller>,
}

/// One venue's page (a CBP One port, or another program's office).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortDay {
    /// The port, or a venue as one (its city in `state`).
    pub port: Port,
    /// Its date.
    pub date: NaiveDate,
    /// Its groups, by time then label.
    pub groups: Vec<Group>,
}

impl PortDay {
    /// Travellers in all.
    pub fn people(&self) -> usize {
        self.groups.iter().map(|g| g.travellers.len()).sum()
    }

    /// Travellers not yet confirmed.
    pub fn unconfirmed(&self) -> usize {
        self.groups
            .iter()
            .flat_map(|g| &g.travellers)
            .filter(|t| !t.confirmed)
            .count()
    }

    /// Whether groups come from more than one shelter (then each says which).
    pub fn several_shelters(&self) -> bool {
        self.groups.windows(2).any(|w| w[0].shelter != w[1].shelter)
    }
}

/// The list for `day`: every place with someone going (only the one
/// coded `only` when given), in the order of `places` (CBP One's ports,
/// then other programs' venues); rows outside the place's date are left
/// out.
pub fn build(
    rows: &[DepartureRow],
    places: &[Port],
    day: Day,
    now: DateTime<Utc>,
    only: Option<&str>,
) -> Vec<PortDay> {
    let mut out: Vec<PortDay> = Vec::new();
    for port in places {
        if only.is_some_and(|o| o != port.code) {
            continue;
        }
        let date = day.at(port, now);
        let mut mine: Vec<&DepartureRow> = rows
            .iter()
            .filter(|r| r.port_code == port.code && port.local_time(r.at).date_naive() == date)
            .collect();
        if mine.is_empty() {
            continue;
        }
        mine.sort_by(|a, b| {
            (a.at, &a.household, a.household_id, &a.name).cmp(&(
                b.at,
                &b.household,
                b.household_id,
                &b.name,
            ))
        });
        let mut groups: Vec<Group> = Vec::new();
        for r in mine {
            let traveller = Traveller {
                name: r.name.clone(),
                birth_year: r.birth_year,
                confirmation: r.confirmation.clone(),
                confirmed: r.confirmed,
            };
            match groups.last_mut() {
                Some(g) if g.household_id == r.household_id && g.at == r.at => {
                    g.travellers.push(traveller)
                }
                _ => groups.push(Group {
                    at: r.at,
                    household_id: r.household_id,
                    household: r.household.clone(),
                    destination: r.destination.clone(),
                    shelter: r.shelter.clone(),
                    travellers: vec![traveller],
                }),
            }
        }
        out.push(PortDay {
            port: port.clone(),
            date,
            groups,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn row(port: &str, when: &str, household: i64, name: &str) -> DepartureRow {
        DepartureRow {
            port_code: port.into(),
            at: at(when),
            confirmed: true,
            confirmation: Some(format!("AB{household:08}")),
            household_id: household,
            household: format!("H{household}"),
            destination: Some("Houston, TX".into()),
            shelter: "Casa".into(),
            name: name.into(),
            birth_year: Some(1990),
        }
    }

    #[test]
    fn tomorrow_is_each_ports_own_date_and_households_travel_together() {
        // 22 May 2024, 08:00 in Tijuana.
        let now = at("2024-05-22T15:00:00Z");
        let rows = vec![
            // 23 May 07:00 PDT at San Ysidro.
            row("SYS", "2024-05-23T14:00:00Z", 1, "Ana"),
            row("SYS", "2024-05-23T14:00:00Z", 1, "Luis"),
            // Same port, earlier, another group.
            row("SYS", "2024-05-23T13:30:00Z", 2, "Rosa"),
            // 22 May at Hidalgo: today, not tomorrow.
            row("HID", "2024-05-22T20:00:00Z", 3, "Nery"),
            // 24 May 00:30 CDT at Hidalgo is 23 May 22:30 PDT: not its 23rd.
            row("HID", "2024-05-24T05:30:00Z", 4, "Wilmer"),
        ];
        let list = build(&rows, port::all(), Day::Tomorrow, now, None);
        assert_eq!(list.len(), 1, "{list:?}");
        let sys = &list[0];
        assert_eq!(sys.port.code, "SYS");
        assert_eq!(sys.date, NaiveDate::from_ymd_opt(2024, 5, 23).unwrap());
        let names: Vec<Vec<&str>> = sys
            .groups
            .iter()
            .map(|g| g.travellers.iter().map(|t| t.name.as_str()).collect())
            .collect();
        assert_eq!(names, [vec!["Rosa"], vec!["Ana", "Luis"]]);
        assert_eq!(sys.people(), 3);

        let today = build(&rows, port::all(), Day::Today, now, None);
        assert_eq!(today.len(), 1);
        assert_eq!(today[0].port.code, "HID");
        let only = build(&rows, port::all(), Day::Tomorrow, now, Some("HID"));
        assert!(only.is_empty());
    }

    #[test]
    fn days_are_read_in_both_languages_and_as_dates() {
        assert_eq!(Day::parse("mañana"), Some(Day::Tomorrow));
        assert_eq!(Day::parse(" Today "), Some(Day::Today));
        assert_eq!(
            Day::parse("23/05/2024"),
            Some(Day::On(NaiveDate::from_ymd_opt(2024, 5, 23).unwrap()))
        );
        assert_eq!(Day::parse("next week"), None);
        let now = at("2024-05-22T15:00:00Z");
        let (from, to) = Day::Tomorrow.span(now);
        assert!(from <= at("2024-05-23T05:00:00Z") && to >= at("2024-05-24T07:00:00Z"));
    }
}
