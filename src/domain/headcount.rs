//! Headcounts for the authorities (the municipal or state migrant office,
//! UNHCR, IOM): for a period, each shelter's and the network's people
//! present at its start and end, arrivals, departures by kind, transfers in
//! and out, and the people served by sex × age group and by nationality.
//! No names, no ids: counts only, each person counted once in the network
//! (and once in each shelter they were at) however often they moved.
//!
//! Days: someone is present on day `d` from their arrival day until the day
//! before they left. The period's start is the start of its first day, its
//! end the end of its last; so for each shelter
//! `start + arrivals − departures + transfers in − transfers out = end`.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::section::age_on;
use super::{PersonStatus, Sex};

/// Age groups the reports use, on the period's last day.
pub const AGE_GROUPS: [&str; 6] = ["0-5", "6-11", "12-17", "18-59", "60+", "unknown"];

/// Cells below this are shown as "<5" with `--suppress-small`.
pub const SMALL: i64 = 5;

/// One person as the report reads them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// As recorded.
    pub sex: Sex,
    /// If known.
    pub birth: Option<NaiveDate>,
    /// ISO 3166 alpha-3.
    pub nationality: String,
    /// First day at a shelter.
    pub arrival: NaiveDate,
    /// The day they left, if they did.
    pub departure: Option<NaiveDate>,
    /// Now (how they left, for departures).
    pub status: PersonStatus,
    /// Their household (moves are by household).
    pub household: i64,
    /// Their shelter now.
    pub shelter: i64,
    /// Their section now (or the last one they were in), if any.
    pub section: Option<i64>,
}

/// An accepted transfer: household `household` moved on day `on`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Move {
    /// Who moved.
    pub household: i64,
    /// From this shelter.
    pub from: i64,
    /// To this one.
    pub to: i64,
    /// The day it was accepted.
    pub on: NaiveDate,
}

/// How someone left (the departures' breakdown).
pub const DEPARTURE_KINDS: [PersonStatus; 3] = [
    PersonStatus::Departed,
    PersonStatus::Crossed,
    PersonStatus::Transferred,
];

/// The figures of one shelter, or of the network.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts {
    /// Present at the start of the period's first day.
    pub start: i64,
    /// Present at the end of its last day.
    pub end: i64,
    /// Arrived within the period.
    pub arrivals: i64,
    /// Left within the period, by how (in [`DEPARTURE_KINDS`] order).
    pub departures: [i64; 3],
    /// Came from another shelter of the network (0 for the network).
    pub transfers_in: i64,
    /// Went to another shelter of the network (0 for the network).
    pub transfers_out: i64,
    /// Present at any time in the period, each person once.
    pub served: i64,
    /// Of those served: by sex (its text) and age group ([`AGE_GROUPS`]).
    pub by_sex_age: BTreeMap<(&'static str, usize), i64>,
    /// Of those served: by nationality.
    pub by_nationality: BTreeMap<String, i64>,
    /// Present at the end, by section (`None`: in none).
    pub by_section: BTreeMap<Option<i64>, i64>,
}

impl Counts {
    /// Every departure.
    pub fn departed(&self) -> i64 {
        self.departures.iter().sum()
    }

    fn served_one(&mut self, row: &Row, group: usize) {
        self.served += 1;
        *self
            .by_sex_age
            .entry((row.sex.as_str(), group))
            .or_default() += 1;
        *self
            .by_nationality
            .entry(row.nationality.clone())
            .or_default() += 1;
    }
}

/// A period's figures.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Headcount {
    /// By shelter id (only shelters someone was at).
    pub shelters: BTreeMap<i64, Counts>,
    /// The whole network.
    pub network: Counts,
}

/// The age group of someone born `birth`, on `on`.
pub fn age_group(birth: Option<NaiveDate>, on: NaiveDate) -> usize {
    match birth.and_then(|b| age_on(b, on)) {
        None => 5,
        Some(0..=5) => 0,
        Some(6..=11) => 1,
        Some(12..=17) => 2,
        Some(18..=59) => 3,
        Some(_) => 4,
    }
}

/// Counts `rows` over the days `from..=to`, with the accepted transfers
/// `moves` (any order).
pub fn count(rows: &[Row], moves: &[Move], from: NaiveDate, to: NaiveDate) -> Headcount {
    let mut by_household: BTreeMap<i64, Vec<Move>> = BTreeMap::new();
    for m in moves {
        by_household.entry(m.household).or_default().push(*m);
    }
    for list in by_household.values_mut() {
        list.sort_by_key(|m| m.on);
    }
    let mut out = Headcount::default();
    let no_moves = Vec::new();
    for row in rows {
        let stay_until = row.departure; // (exclusive)
        let present_on = |d: NaiveDate| row.arrival <= d && stay_until.is_none_or(|x| d < x);
        // (Not in the period at all.)
        if row.arrival > to || stay_until.is_some_and(|x| x < from) {
            continue;
        }
        let moves = by_household.get(&row.household).unwrap_or(&no_moves);
        // Moves while they were there: from their arrival to before they left.
        let theirs: Vec<&Move> = moves
            .iter()
            .filter(|m| m.on >= row.arrival && stay_until.is_none_or(|x| m.on < x))
            .collect();
        // Their shelter at the end of day `d`.
        let at_end_of = |d: NaiveDate| {
            theirs
                .iter()
                .find(|m| m.on > d)
                .map_or(row.shelter, |m| m.from)
        };
        let start_of = |d: NaiveDate| at_end_of(d - chrono::Duration::days(1));
        let mut shelters_served: Vec<i64> = Vec::new();
        let mut serve_at = |s: i64| {
            if !shelters_served.contains(&s) {
                shelters_served.push(s);
            }
        };
        if row.arrival < from && stay_until.is_none_or(|x| x >= from) {
            let s = start_of(from);
            out.shelters.entry(s).or_default().start += 1;
            out.network.start += 1;
            serve_at(s);
        }
        if row.arrival >= from {
            let s = start_of(row.arrival);
            out.shelters.entry(s).or_default().arrivals += 1;
            out.network.arrivals += 1;
            serve_at(s);
        }
        for m in theirs.iter().filter(|m| m.on >= from && m.on <= to) {
            out.shelters.entry(m.from).or_default().transfers_out += 1;
            out.shelters.entry(m.to).or_default().transfers_in += 1;
            serve_at(m.to);
        }
        if let Some(x) = stay_until.filter(|x| *x >= from && *x <= to) {
            let kind = DEPARTURE_KINDS
                .iter()
                .position(|k| *k == row.status)
                .unwrap_or(0);
            let s = start_of(x);
            out.shelters.entry(s).or_default().departures[kind] += 1;
            out.network.departures[kind] += 1;
        }
        if present_on(to) {
            let s = at_end_of(to);
            let section = if s == row.shelter { row.section } else { None };
            let c = out.shelters.entry(s).or_default();
            c.end += 1;
            *c.by_section.entry(section).or_default() += 1;
            out.network.end += 1;
            *out.network.by_section.entry(section).or_default() += 1;
        }
        let group = age_group(row.birth, to);
        for s in shelters_served {
            out.shelters.entry(s).or_default().served_one(row, group);
        }
        out.network.served_one(row, group);
    }
    out
}

/// A count as a public report shows it: with `suppress`, 1 to 4 as "<5"
/// (0 stays 0: nobody is no one).
pub fn shown(n: i64, suppress: bool) -> String {
    if suppress && n > 0 && n < SMALL {
        format!("<{SMALL}")
    } else {
        n.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, day).unwrap()
    }

    fn row(
        household: i64,
        shelter: i64,
        arrival: NaiveDate,
        left: Option<(NaiveDate, PersonStatus)>,
    ) -> Row {
        Row {
            sex: Sex::Female,
            birth: Some(d(1, 1) - chrono::Duration::days(365 * 30)),
            nationality: "HTI".into(),
            arrival,
            departure: left.map(|l| l.0),
            status: left.map_or(PersonStatus::Present, |l| l.1),
            household,
            shelter,
            section: None,
        }
    }

    #[test]
    fn a_hand_counted_month() {
        // Period: 1 to 30 November.
        let (from, to) = (d(11, 1), d(11, 30));
        let rows = vec![
            // 1: at shelter 1 all along.
            row(1, 1, d(10, 1), None),
            // 2: arrived at 1 in the period, crossed in the period.
            row(2, 1, d(11, 5), Some((d(11, 20), PersonStatus::Crossed))),
            // 3: there at the start, moved 1 -> 2 on the 10th, still there.
            row(3, 2, d(9, 1), None),
            // 4: left before the period: not counted.
            row(4, 1, d(9, 1), Some((d(10, 31), PersonStatus::Departed))),
            // 5: arrives after the period: not counted.
            row(5, 2, d(12, 1), None),
            // 6: left on the first day: present at the start, a departure.
            row(6, 2, d(10, 1), Some((d(11, 1), PersonStatus::Departed))),
        ];
        let moves = [Move {
            household: 3,
            from: 1,
            to: 2,
            on: d(11, 10),
        }];
        let h = count(&rows, &moves, from, to);
        let (one, two) = (&h.shelters[&1], &h.shelters[&2]);
        assert_eq!(
            (
                one.start,
                one.arrivals,
                one.departed(),
                one.transfers_out,
                one.end
            ),
            (2, 1, 1, 1, 1)
        );
        assert_eq!(one.departures, [0, 1, 0]);
        assert_eq!(
            (
                two.start,
                two.arrivals,
                two.departed(),
                two.transfers_in,
                two.end
            ),
            (1, 0, 1, 1, 1)
        );
        // The network: the one who moved once, the rest as they were.
        assert_eq!(
            (
                h.network.start,
                h.network.arrivals,
                h.network.departed(),
                h.network.end
            ),
            (3, 1, 2, 2)
        );
        assert_eq!(h.network.served, 4);
        // Served at each shelter they were at: 3 at both.
        assert_eq!((one.served, two.served), (3, 2));
        assert_eq!(h.network.by_nationality["HTI"], 4);
        assert_eq!(h.network.by_sex_age[&("female", 3)], 4);
        for c in h.shelters.values() {
            assert_eq!(
                c.start + c.arrivals - c.departed() + c.transfers_in - c.transfers_out,
                c.end
            );
        }
    }

    #[test]
    fn ages_are_taken_on_the_last_day() {
        let to = d(11, 30);
        assert_eq!(
            age_group(Some(d(11, 30) - chrono::Duration::days(365 * 6 + 1)), to),
            1
        );
        assert_eq!(
            age_group(Some(NaiveDate::from_ymd_opt(2020, 12, 1).unwrap()), to),
            0
        );
        assert_eq!(
            age_group(Some(NaiveDate::from_ymd_opt(2020, 11, 30).unwrap()), to),
            1
        );
        assert_eq!(
            age_group(Some(NaiveDate::from_ymd_opt(2008, 12, 1).unwrap()), to),
            2
        );
        assert_eq!(
            age_group(Some(NaiveDate::from_ymd_opt(2008, 11, 30).unwrap()), to),
            3
        );
        assert_eq!(
            age_group(Some(NaiveDate::from_ymd_opt(1966, 11, 30).unwrap()), to),
            4
        );
        assert_eq!(age_group(None, to), 5);
    }

    #[test]
    fn small_cells_are_hidden_only_when_asked() {
        assert_eq!(shown(3, true), "<5");
        assert_eq!(shown(0, true), "0");
        assert_eq!(shown(5, true), "5");
        assert_eq!(shown(3, false), "3");
    }
}
