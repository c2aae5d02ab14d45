//! Beds by section: a shelter's space is split into sections (men; women
//! with children; families; LGBTQ+ ...), each with its beds. A household
//! arriving is placed in the section its make-up calls for, if that section
//! has room; a coordinator can move anyone.

use chrono::{Datelike, NaiveDate};

use super::{RuleError, Sex};

/// The longest section name.
pub const NAME_MAX: usize = 40;
/// The most beds one section can declare.
pub const CAPACITY_MAX: u32 = 100_000;

/// A section of a shelter, with how many beds it has and how many are taken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// Row id.
    pub id: i64,
    /// Its shelter.
    pub shelter_id: i64,
    /// Its name ("families").
    pub name: String,
    /// Beds.
    pub capacity: i64,
    /// People present placed in it.
    pub occupied: i64,
}

impl Section {
    /// Beds still free (never below 0: an over-full section has none).
    pub fn free(&self) -> i64 {
        (self.capacity - self.occupied).max(0)
    }

    /// Whether every bed is taken (or more people than beds).
    pub fn is_full(&self) -> bool {
        self.occupied >= self.capacity
    }

    /// What its name says it is for.
    pub fn kind(&self) -> Kind {
        Kind::of_name(&self.name)
    }
}

/// What a section is for, as its name says (in English or Spanish).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Single men.
    Men,
    /// Women alone or with their children.
    Women,
    /// Families.
    Families,
    /// LGBTQ+ people (never chosen from a household's make-up: asked).
    Lgbtq,
    /// Any other name.
    Other,
}

impl Kind {
    /// The kind a section's name says: "families", "familias", "women and
    /// children", "mujeres", "men", "hombres", "LGBTQ+"...
    pub fn of_name(name: &str) -> Self {
        let n = super::names::fold(name);
        let starts = |p: &[&str]| p.iter().any(|p| n.starts_with(p));
        if starts(&["famil"]) {
            Kind::Families
        } else if starts(&["wom", "mujer", "madre", "mother"]) {
            Kind::Women
        } else if starts(&["men", "man", "hombre", "varon"]) {
            Kind::Men
        } else if starts(&["lgbt", "diversidad"]) {
            Kind::Lgbtq
        } else {
            Kind::Other
        }
    }
}

/// One member of a household being placed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Member {
    /// As recorded.
    pub sex: Sex,
    /// Years on the day of placing, if the birth date is known.
    pub age: Option<u32>,
}

impl Member {
    /// An adult, or someone whose age is not known (placed as an adult).
    fn adult(&self) -> bool {
        self.age.is_none_or(|a| a >= 18)
    }
}

/// Whole years from `birth` to `on` (0 before the first birthday; `None`
/// for a birth date after `on`).
pub fn age_on(birth: NaiveDate, on: NaiveDate) -> Option<u32> {
    if birth > on {
        return None;
    }
    let mut years = on.year() - birth.year();
    if (on.month(), on.day()) < (birth.month(), birth.day()) {
        years -= 1;
    }
    u32::try_from(years).ok()
}

/// The kinds of section a household's make-up calls for, best first: one
/// man alone → men; one woman alone, or women with children and no man →
/// women (then families); anyone else together → families (then women if no
/// man is among them). A person alone of another or unknown sex, and a
/// child alone, are not guessed: none.
pub fn wanted(members: &[Member]) -> Vec<Kind> {
    let adults: Vec<&Member> = members.iter().filter(|m| m.adult()).collect();
    let men = adults.iter().filter(|m| m.sex == Sex::Male).count();
    let women = adults.iter().filter(|m| m.sex == Sex::Female).count();
    match members {
        [] => vec![],
        [one] if one.adult() => match one.sex {
            Sex::Male => vec![Kind::Men],
            Sex::Female => vec![Kind::Women],
            Sex::Other | Sex::Unknown => vec![],
        },
        // A child alone: never guessed (the coordinator places them).
        [_] => vec![],
        _ if men == 0 && women > 0 => vec![Kind::Women, Kind::Families],
        _ => vec![Kind::Families],
    }
}

/// The section to place a household in among `sections` (one shelter's):
/// the first kind it calls for with beds for everyone; then, if none, a
/// section of another name ("general") with room. Never a section meant for
/// another group (a man alone is not placed with women), never one without
/// room: then none, and the coordinator chooses.
pub fn place(members: &[Member], sections: &[Section]) -> Option<i64> {
    let need = members.len() as i64;
    let room = |s: &&Section| s.free() >= need.max(1);
    for kind in wanted(members) {
        if let Some(s) = sections.iter().filter(|s| s.kind() == kind).find(room) {
            return Some(s.id);
        }
    }
    sections
        .iter()
        .filter(|s| s.kind() == Kind::Other)
        .filter(room)
        .max_by_key(|s| (s.free(), -s.id))
        .map(|s| s.id)
}

/// A `NAME=BEDS` pair of `--section` (`families=120`): a name of at most
/// [`NAME_MAX`] characters and a whole number of beds.
pub fn parse_capacity(text: &str) -> Result<(String, u32), RuleError> {
    let bad = |why: &str| RuleError::Section {
        text: text.to_string(),
        why: why.to_string(),
    };
    let (name, beds) = text.split_once('=').ok_or_else(|| bad("no '='"))?;
    let name = name.trim();
    if name.is_empty() {
        return Err(bad("no section name before '='"));
    }
    if name.chars().count() > NAME_MAX {
        return Err(bad(&format!(
            "a section name has at most {NAME_MAX} characters"
        )));
    }
    if name.chars().any(char::is_control) {
        return Err(bad("the section name holds a control character"));
    }
    let beds: u32 = beds
        .trim()
        .parse()
        .map_err(|_| bad(&format!("{:?} is not a number of beds", beds.trim())))?;
    if beds > CAPACITY_MAX {
        return Err(bad(&format!("at most {CAPACITY_MAX} beds in one section")));
    }
    Ok((name.to_string(), beds))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(sex: Sex, age: u32) -> Member {
        Member {
            sex,
            age: Some(age),
        }
    }

    fn sections() -> Vec<Section> {
        [
            ("Hombres", 10, 9),
            ("Mujeres y niños", 10, 4),
            ("Familias", 20, 19),
            ("General", 5, 0),
        ]
        .into_iter()
        .enumerate()
        .map(|(i, (name, capacity, occupied))| Section {
            id: i as i64 + 1,
            shelter_id: 1,
            name: name.into(),
            capacity,
            occupied,
        })
        .collect()
    }

    #[test]
    fn kinds_from_names_in_both_languages() {
        assert_eq!(Kind::of_name("families"), Kind::Families);
        assert_eq!(Kind::of_name("Familias"), Kind::Families);
        assert_eq!(Kind::of_name("Women with children"), Kind::Women);
        assert_eq!(Kind::of_name("Mujeres y niños"), Kind::Women);
        assert_eq!(Kind::of_name("men"), Kind::Men);
        assert_eq!(Kind::of_name("Hombres"), Kind::Men);
        assert_eq!(Kind::of_name("LGBTQ+"), Kind::Lgbtq);
        assert_eq!(Kind::of_name("General"), Kind::Other);
    }

    #[test]
    fn a_household_goes_where_its_make_up_says_if_there_is_room() {
        let s = sections();
        // A man alone: men (one bed left).
        assert_eq!(place(&[m(Sex::Male, 30)], &s), Some(1));
        // A mother and two children: women.
        let mother = [m(Sex::Female, 28), m(Sex::Male, 6), m(Sex::Female, 3)];
        assert_eq!(place(&mother, &s), Some(2));
        // Two parents and a child: families is full for three, so general.
        let family = [m(Sex::Male, 30), m(Sex::Female, 29), m(Sex::Female, 2)];
        assert_eq!(place(&family, &s), Some(4));
        // Two men alone (brothers): families has one bed, general has five.
        assert_eq!(place(&[m(Sex::Male, 20), m(Sex::Male, 22)], &s), Some(4));
        // Someone of another sex alone: not guessed, only a general section.
        assert_eq!(place(&[m(Sex::Other, 25)], &s), Some(4));
        // A child alone is not placed with men: general.
        assert_eq!(place(&[m(Sex::Male, 15)], &s), Some(4));
    }

    #[test]
    fn never_a_section_for_another_group_nor_one_without_room() {
        let mut s = sections();
        s.retain(|s| s.kind() != Kind::Other);
        // Two men: families has 1 bed, and women is not for them.
        assert_eq!(place(&[m(Sex::Male, 20), m(Sex::Male, 22)], &s), None);
        s[0].occupied = 10;
        assert_eq!(place(&[m(Sex::Male, 30)], &s), None);
        // A woman alone: women, then families if women is full.
        s[1].occupied = 10;
        s[2].occupied = 0;
        assert_eq!(place(&[m(Sex::Female, 40)], &s), None);
        let mother = [m(Sex::Female, 28), m(Sex::Male, 6)];
        assert_eq!(place(&mother, &s), Some(3));
        assert_eq!(place(&[], &s), None);
    }

    #[test]
    fn ages_in_whole_years() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(age_on(d(2000, 2, 29), d(2018, 2, 28)), Some(17));
        assert_eq!(age_on(d(2000, 2, 29), d(2018, 3, 1)), Some(18));
        assert_eq!(age_on(d(2024, 5, 1), d(2024, 5, 1)), Some(0));
        assert_eq!(age_on(d(2024, 5, 2), d(2024, 5, 1)), None);
    }

    #[test]
    fn capacities_parse_or_say_what_is_wrong() {
        assert_eq!(
            parse_capacity("families=120").unwrap(),
            ("families".into(), 120)
        );
        assert_eq!(
            parse_capacity(" LGBTQ+ = 8 ").unwrap(),
            ("LGBTQ+".into(), 8)
        );
        for (bad, says) in [
            ("families", "no '='"),
            ("=3", "no section name"),
            ("men=many", "\"many\" is not a number"),
            ("men=-1", "is not a number"),
            ("men=100001", "at most 100000"),
        ] {
            let e = parse_capacity(bad).unwrap_err().to_string();
            assert!(e.contains(says), "{bad}: {e}");
        }
    }
}
