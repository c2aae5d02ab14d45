//! People on the roster, their groups and shelters.

use chrono::{DateTime, NaiveDate, Utc};

use super::RuleError;

/// Whether a person is still at the shelter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PersonStatus {
    /// Staying at the shelter.
    Present,
    /// Left the shelter (not through a port).
    Departed,
    /// Crossed at their appointment.
    Crossed,
    /// Moved to another shelter.
    Transferred,
}

text_enum!(PersonStatus, "person status", {
    Present => "present",
    Departed => "departed",
    Crossed => "crossed",
    Transferred => "transferred",
});

/// Sex as recorded by the shelter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Sex {
    /// Female.
    Female,
    /// Male.
    Male,
    /// Another sex, or one the person gave otherwise.
    Other,
    /// Not recorded.
    Unknown,
}

text_enum!(Sex, "sex", {
    Female => "female",
    Male => "male",
    Other => "other",
    Unknown => "unknown",
});

/// Reasons a person needs particular care; kept as a small set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Vulnerability {
    /// A child travelling without a parent or guardian.
    UnaccompaniedMinor,
    /// Pregnant.
    Pregnant,
    /// Disability.
    Disability,
    /// A medical condition that needs follow-up.
    Medical,
    /// 60 or older.
    Elderly,
    /// LGBTQI+ person at particular risk.
    Lgbtqi,
    /// Survivor of violence.
    ViolenceSurvivor,
}

text_enum!(Vulnerability, "vulnerability", {
    UnaccompaniedMinor => "unaccompanied_minor",
    Pregnant => "pregnant",
    Disability => "disability",
    Medical => "medical",
    Elderly => "elderly",
    Lgbtqi => "lgbtqi",
    ViolenceSurvivor => "violence_survivor",
});

impl Vulnerability {
    /// Parses a comma-separated list as stored; order and repeats are normalized.
    pub fn parse_list(s: &str) -> Result<Vec<Self>, RuleError> {
        let mut flags = Vec::new();
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            flags.push(part.parse()?);
        }
        flags.sort();
        flags.dedup();
        Ok(flags)
    }

    /// The stored form of a list of flags.
    pub fn join(flags: &[Self]) -> String {
        let mut flags = flags.to_vec();
        flags.sort();
        flags.dedup();
        flags
            .iter()
            .map(|f| f.as_str())
            .collect::<Vec<_>>()
            .join(",")
    }
}

/// A shelter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shelter {
    /// Row id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// City.
    pub city: String,
    /// The shelter's tz database zone, for its clock on the dashboard.
    pub tz: String,
    /// Beds.
    pub capacity: i64,
}

/// A CBP One group: people who share one request and one US destination.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Household {
    /// Row id.
    pub id: i64,
    /// The shelter they stay at.
    pub shelter_id: i64,
    /// How coordinators name the group (usually a family name).
    pub label: String,
    /// The US address given in the request.
    pub us_destination: Option<String>,
    /// Optimistic-concurrency version.
    pub version: i64,
}

/// The fields of a person that a coordinator enters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonDetails {
    /// The group.
    pub household_id: i64,
    /// Given names.
    pub given_names: String,
    /// Family names.
    pub family_names: String,
    /// Birth date, when known.
    pub birth_date: Option<NaiveDate>,
    /// Sex.
    pub sex: Sex,
    /// ISO 3166-1 alpha-3 code.
    pub nationality: String,
    /// Languages spoken, as ISO 639 codes separated by commas.
    pub languages: String,
    /// Phone number.
    pub phone: Option<String>,
    /// Day of arrival at the shelter.
    pub arrival_date: NaiveDate,
    /// Day of leaving, once left.
    pub departure_date: Option<NaiveDate>,
    /// Present, departed, …
    pub status: PersonStatus,
    /// Care flags.
    pub vulnerabilities: Vec<Vulnerability>,
    /// Free text.
    pub notes: String,
}

/// Who a person is, for spotting the same person twice (a look-alike in a
/// form, a duplicate in an import): the folded full name and the birth date.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Identity {
    /// Given and family names, folded (case and accents ignored).
    pub folded_name: String,
    /// The birth date, when known.
    pub birth_date: Option<NaiveDate>,
}

impl PersonDetails {
    /// The full name folded for search: case, accents and spacing ignored.
    pub fn folded_name(&self) -> String {
        super::names::fold(&format!("{} {}", self.given_names, self.family_names))
    }

    /// Who this is, for finding the same person twice.
    pub fn identity(&self) -> Identity {
        let d = self.tidy();
        Identity {
            folded_name: d.folded_name(),
            birth_date: d.birth_date,
        }
    }

    /// The details as they are kept: names and phone trimmed (an empty phone
    /// is no phone), the nationality code upper-cased, flags sorted.
    pub fn tidy(&self) -> Self {
        let notes = free_text(&self.notes);
        let mut vulnerabilities = self.vulnerabilities.clone();
        vulnerabilities.sort();
        vulnerabilities.dedup();
        let one_line = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
        Self {
            given_names: one_line(&self.given_names),
            family_names: one_line(&self.family_names),
            nationality: self.nationality.trim().to_ascii_uppercase(),
            languages: self.languages.trim().to_string(),
            phone: self
                .phone
                .as_deref()
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .map(String::from),
            vulnerabilities,
            notes,
            ..self.clone()
        }
    }

    /// Checks what a form cannot: required names, the nationality code, and dates in order.
    pub fn validate(&self) -> Result<(), RuleError> {
        if self.given_names.trim().is_empty() {
            return Err(RuleError::Required("given names"));
        }
        let fields = [&self.given_names, &self.family_names, &self.languages];
        if fields.iter().any(|f| f.chars().any(char::is_control))
            || self
                .phone
                .as_deref()
                .is_some_and(|p| p.chars().any(char::is_control))
        {
            return Err(RuleError::ControlCharacters);
        }
        if !is_alpha3(&self.nationality) {
            return Err(RuleError::Nationality(self.nationality.clone()));
        }
        let phone = self.phone.as_deref().unwrap_or_default();
        for (field, text, max) in [
            ("given names", self.given_names.as_str(), NAME_MAX),
            ("family names", &self.family_names, NAME_MAX),
            ("languages", &self.languages, LANGUAGES_MAX),
            ("phone", phone, PHONE_MAX),
            ("notes", &self.notes, NOTES_MAX),
        ] {
            within(field, text, max)?;
        }
        if let Some(birth) = self.birth_date {
            if birth > self.arrival_date {
                return Err(RuleError::DatesOutOfOrder {
                    earlier: "birth date",
                    later: "arrival date",
                });
            }
        }
        if let Some(dep) = self.departure_date {
            if dep < self.arrival_date {
                return Err(RuleError::DatesOutOfOrder {
                    earlier: "arrival date",
                    later: "departure date",
                });
            }
        }
        Ok(())
    }

    /// Names of the fields that differ between `self` and `other` (for audit
    /// summaries and conflict reports: names of fields, never their values).
    pub fn changed_fields(&self, other: &Self) -> Vec<&'static str> {
        let mut out = Vec::new();
        let mut check = |name, differs: bool| {
            if differs {
                out.push(name);
            }
        };
        check("household", self.household_id != other.household_id);
        check("given_names", self.given_names != other.given_names);
        check("family_names", self.family_names != other.family_names);
        check("birth_date", self.birth_date != other.birth_date);
        check("sex", self.sex != other.sex);
        check("nationality", self.nationality != other.nationality);
        check("languages", self.languages != other.languages);
        check("phone", self.phone != other.phone);
        check("arrival_date", self.arrival_date != other.arrival_date);
        check(
            "departure_date",
            self.departure_date != other.departure_date,
        );
        check("status", self.status != other.status);
        check(
            "vulnerabilities",
            self.vulnerabilities != other.vulnerabilities,
        );
        check("notes", self.notes != other.notes);
        out
    }
}

fn is_alpha3(code: &str) -> bool {
    code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase())
}

/// A person on the roster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    /// Row id.
    pub id: i64,
    /// What coordinators enter.
    pub details: PersonDetails,
    /// When the row was created.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// Who changed it last (audit actor).
    pub updated_by: String,
    /// Optimistic-concurrency version.
    pub version: i64,
}

impl Person {
    /// "Given Family", as people are called out.
    pub fn full_name(&self) -> String {
        let d = &self.details;
        if d.family_names.is_empty() {
            d.given_names.clone()
        } else {
            format!("{} {}", d.given_names, d.family_names)
        }
    }

    /// Days at the shelter on `today`: from arrival to today, or to departure if left.
    pub fn days_waiting(&self, today: NaiveDate) -> i64 {
        let end = self.details.departure_date.unwrap_or(today).min(today);
        (end - self.details.arrival_date).num_days().max(0)
    }
}

/// The longest given or family names, household label (characters).
pub const NAME_MAX: usize = 200;
/// The longest phone number (characters).
pub const PHONE_MAX: usize = 40;
/// The longest list of languages (characters).
pub const LANGUAGES_MAX: usize = 100;
/// The longest notes (characters): about a page, 4 KB of plain text.
pub const NOTES_MAX: usize = 4000;
/// The longest US destination address (characters).
pub const DESTINATION_MAX: usize = 300;

/// `TooLong` when `text` has more than `max` characters.
pub fn within(field: &'static str, text: &str, max: usize) -> Result<(), RuleError> {
    if text.chars().nth(max).is_some() {
        Err(RuleError::TooLong { field, max })
    } else {
        Ok(())
    }
}

/// Text typed or imported for a note: line breaks kept (CR LF and CR as
/// LF), tabs as spaces, every other control character (escape sequences,
/// bells, OSC strings a terminal would run) removed.
pub fn free_text(text: &str) -> String {
    let text = text.replace("\r\n", "\n");
    text.chars()
        .filter_map(|c| match c {
            '\n' | '\r' => Some('\n'),
            '\t' => Some(' '),
            c if c.is_control() => None,
            c => Some(c),
        })
        .collect()
}

/// A household's label and US destination as kept: one line each, within
/// their limits.
pub fn household_text(
    label: &str,
    us_destination: Option<&str>,
) -> Result<(String, Option<String>), RuleError> {
    let label = one_line_text(label);
    within("household label", &label, NAME_MAX)?;
    let destination = us_destination.map(one_line_text).filter(|d| !d.is_empty());
    within(
        "US destination",
        destination.as_deref().unwrap_or_default(),
        DESTINATION_MAX,
    )?;
    Ok((label, destination))
}

/// A one-line text (a household's label, a US destination): control
/// characters removed, runs of white space made one space.
pub fn one_line_text(text: &str) -> String {
    free_text(text)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}
