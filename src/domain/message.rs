//! Messages for the people on the roster, in their own language: which one
//! a person needs now (their appointment was allocated, is confirmed, is
//! caught by an outage, or got an extension) and its text, from
//! `assets/messages.toml`. Nothing here sends anything: the coordinator
//! copies the text and sends it themselves.

use std::collections::HashMap;
use std::sync::OnceLock;

use chrono::{DateTime, Datelike, Utc};
use chrono_tz::Tz;
use serde::Deserialize;

use super::outage::Outage;
use super::port::Port;
use super::template::fill;
use super::{Appointment, AppointmentStatus};

const MESSAGES: &str = include_str!("../../assets/messages.toml");

/// A language people on the roster read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Language {
    /// Spanish (also for anyone whose languages are none of these: the
    /// shelters are in Mexico).
    Es,
    /// English.
    En,
    /// Haitian Creole.
    Ht,
    /// Portuguese.
    Pt,
    /// French.
    Fr,
}

impl Language {
    /// Every language, in the order `←` `→` go through them.
    pub const ALL: [Self; 5] = [Self::Es, Self::En, Self::Ht, Self::Pt, Self::Fr];

    /// ISO 639-1 code.
    pub fn code(self) -> &'static str {
        match self {
            Self::Es => "es",
            Self::En => "en",
            Self::Ht => "ht",
            Self::Pt => "pt",
            Self::Fr => "fr",
        }
    }

    /// The first of a person's languages (`ht,fr,es`) that messages exist
    /// in; Spanish when none.
    pub fn for_person(languages: &str) -> Self {
        languages
            .split([',', ' ', ';'])
            .map(|l| l.trim().to_ascii_lowercase())
            .find_map(|l| Self::ALL.into_iter().find(|x| x.code() == l))
            .unwrap_or(Self::Es)
    }

    /// The language's own name ("Kreyòl ayisyen").
    pub fn name(self) -> &'static str {
        &texts(self).name
    }

    /// The next (`+1`) or previous (`-1`) language.
    pub fn step(self, by: isize) -> Self {
        let n = Self::ALL.len() as isize;
        let i = Self::ALL.iter().position(|&l| l == self).unwrap_or(0) as isize;
        Self::ALL[(i + by).rem_euclid(n) as usize]
    }
}

/// Which message a person needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// An appointment was allocated: confirm it before the deadline.
    Allocated,
    /// The appointment is confirmed: where, when, what to bring.
    Confirmed,
    /// An outage keeps them from confirming: do not give up.
    Outage,
    /// CBP gave more time: the new deadline.
    Extended,
}

#[derive(Deserialize)]
struct Texts {
    name: String,
    weekdays: String,
    months: String,
    date: String,
    at: String,
    allocated: String,
    confirmed: String,
    outage: String,
    extended: String,
}

fn table() -> &'static HashMap<String, Texts> {
    static TABLE: OnceLock<HashMap<String, Texts>> = OnceLock::new();
    TABLE.get_or_init(|| toml::from_str(MESSAGES).expect("assets/messages.toml is valid (tested)"))
}

fn texts(lang: Language) -> &'static Texts {
    &table()[lang.code()]
}

impl Texts {
    fn template(&self, kind: Kind) -> &str {
        match kind {
            Kind::Allocated => &self.allocated,
            Kind::Confirmed => &self.confirmed,
            Kind::Outage => &self.outage,
            Kind::Extended => &self.extended,
        }
    }
}

/// What a person needs to be told about, if anything: the first of their
/// appointments (soonest first) that is still pending with its deadline
/// ahead, else the next confirmed one still to come.
pub fn choose<'a>(
    appointments: &'a [Appointment],
    outages: &[Outage],
    now: DateTime<Utc>,
) -> Option<(&'a Appointment, Kind)> {
    let mut live: Vec<&Appointment> = appointments
        .iter()
        .filter(|a| a.appointment_at > now)
        .collect();
    live.sort_by_key(|a| a.appointment_at);
    let pending = live.iter().find(|a| {
        a.status == AppointmentStatus::PendingConfirmation && a.effective_deadline() > now
    });
    if let Some(a) = pending {
        let blocked = outages
            .iter()
            .any(|o| o.is_active(now) && o.puts_at_risk(a));
        let kind = if blocked {
            Kind::Outage
        } else if a.extended_until.is_some_and(|e| e > a.confirm_deadline) {
            Kind::Extended
        } else {
            Kind::Allocated
        };
        return Some((a, kind));
    }
    live.into_iter()
        .find(|a| a.status == AppointmentStatus::Confirmed)
        .map(|a| (a, Kind::Confirmed))
}

/// What the text says, besides its language.
#[derive(Debug, Clone)]
pub struct Facts<'a> {
    /// The person's given names (the first is used).
    pub given_names: &'a str,
    /// The appointment.
    pub appointment: &'a Appointment,
    /// Its port.
    pub port: &'a Port,
    /// Where the person is (the shelter's zone).
    pub here: Tz,
    /// When the outage that blocks them began, for [`Kind::Outage`].
    pub outage_since: Option<DateTime<Utc>>,
}

/// The first of someone's given names, as a message greets them.
pub(crate) fn first_name(given_names: &str) -> String {
    clean(given_names)
        .split(' ')
        .next()
        .unwrap_or("")
        .to_string()
}

/// Data as it may appear in a message: no control characters (a name
/// pasted with an escape sequence must not reach anyone's terminal or
/// phone), spaces collapsed.
pub(crate) fn clean(s: &str) -> String {
    s.split(|c: char| c.is_control() || c.is_whitespace())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn nth(words: &str, n: usize) -> &str {
    words.split(' ').nth(n).unwrap_or("?")
}

/// "miércoles 29 de mayo" in `lang`, of `at` in `tz`.
pub(crate) fn date_in(lang: Language, at: DateTime<Utc>, tz: Tz) -> String {
    let t = texts(lang);
    let local = at.with_timezone(&tz);
    fill(&t.date, |k| match k {
        "weekday" => Some(nth(&t.weekdays, local.weekday().num_days_from_monday() as usize).into()),
        "day" => Some(local.day().to_string()),
        "month" => Some(nth(&t.months, local.month0() as usize).into()),
        _ => None,
    })
}

/// "miércoles 29 de mayo a las 14:30" in `lang`, of `at` in `tz`.
pub(crate) fn at_in(lang: Language, at: DateTime<Utc>, tz: Tz) -> String {
    let t = texts(lang);
    fill(&t.at, |k| match k {
        "date" => Some(date_in(lang, at, tz)),
        "time" => Some(at.with_timezone(&tz).format("%H:%M").to_string()),
        _ => None,
    })
}

/// The message of `kind` in `lang`. Its only control characters are the
/// line breaks of the template.
pub fn compose(kind: Kind, lang: Language, f: &Facts) -> String {
    let t = texts(lang);
    let a = f.appointment;
    let deadline = a.effective_deadline();
    let zone = |tz: Tz, at: DateTime<Utc>| at.with_timezone(&tz).format("%Z").to_string();
    fill(t.template(kind).trim(), |k| {
        Some(match k {
            "name" => first_name(f.given_names),
            "port" => clean(&f.port.name),
            "date" => date_in(lang, a.appointment_at, f.port.tz),
            "time" => a
                .appointment_at
                .with_timezone(&f.port.tz)
                .format("%H:%M")
                .to_string(),
            "port_zone" => zone(f.port.tz, a.appointment_at),
            "deadline_here" => at_in(lang, deadline, f.here),
            "here_zone" => zone(f.here, deadline),
            "deadline_port" => at_in(lang, deadline, f.port.tz),
            "number" => clean(a.confirmation_number.as_deref().unwrap_or("")),
            // With its zone: the person may not be where the shelter is.
            "since" => {
                let since = f.outage_since.unwrap_or(a.allocated_at);
                format!("{} {}", at_in(lang, since, f.here), zone(f.here, since))
            }
            _ => return None,
        })
    })
}

/// Checks the messages: every language has every message, the same
/// placeholders as Spanish, and weekday and month names enough.
pub fn check() -> Result<(), String> {
    use super::template::placeholders;
    let es = texts(Language::Es);
    for lang in Language::ALL {
        let Some(t) = table().get(lang.code()) else {
            return Err(format!("assets/messages.toml: no [{}]", lang.code()));
        };
        if t.weekdays.split(' ').count() != 7 || t.months.split(' ').count() != 12 {
            return Err(format!(
                "assets/messages.toml: [{}] weekdays or months",
                lang.code()
            ));
        }
        for kind in [
            Kind::Allocated,
            Kind::Confirmed,
            Kind::Outage,
            Kind::Extended,
        ] {
            if placeholders(t.template(kind)) != placeholders(es.template(kind)) {
                return Err(format!(
                    "assets/messages.toml: [{}] {kind:?} has placeholders {:?}, Spanish {:?}",
                    lang.code(),
                    placeholders(t.template(kind)),
                    placeholders(es.template(kind))
                ));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::port;
    use crate::domain::{Ports, Step};

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn appointment() -> Appointment {
        // Allocated Tue 21 May 12:00 EDT; at San Ysidro Wed 29 May 07:00 PDT.
        Appointment::pending(
            1,
            Some(1),
            "SYS",
            at("2024-05-29T14:00:00Z"),
            at("2024-05-21T16:00:00Z"),
        )
    }

    #[test]
    fn the_messages_table_is_complete() {
        check().unwrap();
    }

    #[test]
    fn a_person_reads_the_first_of_their_languages_that_we_have() {
        assert_eq!(Language::for_person("ht,fr,es"), Language::Ht);
        assert_eq!(Language::for_person("mam, es"), Language::Es);
        assert_eq!(Language::for_person("quc"), Language::Es);
        assert_eq!(Language::for_person("PT"), Language::Pt);
        assert_eq!(Language::Fr.step(1), Language::Es);
        assert_eq!(Language::Es.step(-1), Language::Fr);
    }

    #[test]
    fn the_deadline_is_said_where_the_person_is_and_at_the_port() {
        let a = appointment();
        let sys = port::by_code("SYS").unwrap();
        let f = Facts {
            given_names: "María\u{1b}]52;c;AAAA\u{7} José",
            appointment: &a,
            port: sys,
            here: chrono_tz::America::Mexico_City,
            outage_since: None,
        };
        let text = compose(Kind::Allocated, Language::Es, &f);
        // Deadline 22 May 15:00 UTC: 09:00 in Mexico City, 08:00 at San Ysidro.
        assert!(
            text.contains("el miércoles 29 de mayo a las 07:00 (PDT"),
            "{text}"
        );
        assert!(
            text.contains("antes del miércoles 22 de mayo a las 09:00 (hora de aquí, CST)"),
            "{text}"
        );
        assert!(
            text.contains("es el miércoles 22 de mayo a las 08:00."),
            "{text}"
        );
        assert!(text.starts_with("Hola, María. "), "{text}");
        assert!(
            !text.chars().any(|c| c.is_control() && c != '\n'),
            "{text:?}"
        );
        let en = compose(Kind::Allocated, Language::En, &f);
        assert!(
            en.contains("on Wednesday, May 29 at 07:00 (PDT, port time)"),
            "{en}"
        );
        let ht = compose(Kind::Allocated, Language::Ht, &f);
        assert!(ht.contains("mèkredi 29 me a 07:00"), "{ht}");
    }

    #[test]
    fn which_message_follows_the_appointment() {
        let now = at("2024-05-22T10:00:00Z");
        let mut a = appointment();
        let outage = Outage {
            id: 1,
            service: "cbp_one".into(),
            affected_step: Step::Confirm,
            ports: Ports::All,
            started_at: at("2024-05-22T08:00:00Z"),
            ended_at: None,
            source: String::new(),
            note: String::new(),
            extension_until: None,
            version: 1,
        };
        let list = [a.clone()];
        assert_eq!(choose(&list, &[], now).unwrap().1, Kind::Allocated);
        assert_eq!(
            choose(&list, std::slice::from_ref(&outage), now).unwrap().1,
            Kind::Outage
        );
        a.extended_until = Some(at("2024-05-24T15:00:00Z"));
        let list = [a.clone()];
        assert_eq!(choose(&list, &[], now).unwrap().1, Kind::Extended);
        a.status = AppointmentStatus::Confirmed;
        a.confirmation_number = Some("AB123".into());
        let list = [a.clone()];
        assert_eq!(choose(&list, &[], now).unwrap().1, Kind::Confirmed);
        // Past appointments need no message.
        assert!(choose(&list, &[], at("2024-06-01T00:00:00Z")).is_none());
    }
}
