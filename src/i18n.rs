//! Spanish and English: every visible string comes from one table,
//! `assets/locales.toml` (key → es, en).

use std::collections::HashMap;
use std::sync::OnceLock;

use chrono::{Datelike, NaiveDate};
use serde::Deserialize;

const LOCALES: &str = include_str!("../assets/locales.toml");

/// A language of the interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    /// English (the default).
    #[default]
    En,
    /// Spanish.
    Es,
}

impl Lang {
    /// The same language among the messages' ([`Language`]).
    pub fn language(self) -> crate::domain::message::Language {
        match self {
            Self::Es => crate::domain::message::Language::Es,
            Self::En => crate::domain::message::Language::En,
        }
    }

    /// Parses `en` / `es` (as given to `--lang` or in the config file).
    pub fn parse(s: &str) -> Option<Self> {
        match s.to_ascii_lowercase().as_str() {
            "en" | "english" => Some(Self::En),
            "es" | "spanish" | "español" | "espanol" => Some(Self::Es),
            _ => None,
        }
    }

    /// The language the locale environment asks for: `LC_ALL`, then
    /// `LC_MESSAGES`, then `LANG`; `es*` is Spanish, anything else English.
    pub fn from_env(get: impl Fn(&str) -> Option<String>) -> Self {
        let locale = ["LC_ALL", "LC_MESSAGES", "LANG"]
            .into_iter()
            .filter_map(get)
            .find(|v| !v.is_empty())
            .unwrap_or_default();
        if locale.to_ascii_lowercase().starts_with("es") {
            Self::Es
        } else {
            Self::En
        }
    }
}

#[derive(Deserialize)]
struct Entry {
    en: String,
    es: String,
}

fn table() -> &'static HashMap<String, Entry> {
    static TABLE: OnceLock<HashMap<String, Entry>> = OnceLock::new();
    TABLE.get_or_init(|| toml::from_str(LOCALES).expect("assets/locales.toml is valid (tested)"))
}

/// The string for `key` in `lang`. A missing key shows as itself, so that a
/// gap is visible rather than fatal (a test checks there are none).
pub fn t(lang: Lang, key: &str) -> &str {
    match table().get(key) {
        Some(e) => match lang {
            Lang::En => &e.en,
            Lang::Es => &e.es,
        },
        None => key,
    }
}

pub use crate::domain::template::{fill, placeholders};

/// Checks the string table: every key in both languages, none blank, the
/// same placeholders in each. Run at start-up and by the tests.
pub fn check() -> Result<(), String> {
    for (key, e) in table() {
        if e.en.trim().is_empty() || e.es.trim().is_empty() {
            return Err(format!("assets/locales.toml: {key} is empty in a language"));
        }
        if placeholders(&e.en) != placeholders(&e.es) {
            return Err(format!(
                "assets/locales.toml: {key} has placeholders {:?} in English but {:?} in Spanish",
                placeholders(&e.en),
                placeholders(&e.es)
            ));
        }
    }
    Ok(())
}

/// Every key in the table.
pub fn keys() -> impl Iterator<Item = &'static str> {
    table().keys().map(String::as_str)
}

fn nth_word(lang: Lang, key: &str, n: usize) -> &str {
    t(lang, key).split(' ').nth(n).unwrap_or("?")
}

/// A day as people say it: `Wed 22 May` / `mié 22 may`.
pub fn day(lang: Lang, d: NaiveDate) -> String {
    let weekday = nth_word(
        lang,
        "weekdays",
        d.weekday().num_days_from_monday() as usize,
    );
    let month = nth_word(lang, "months", d.month0() as usize);
    format!("{weekday} {} {month}", d.day())
}

/// A short date: `22 May 2024` / `22 may 2024`.
pub fn date(lang: Lang, d: NaiveDate) -> String {
    let month = nth_word(lang, "months", d.month0() as usize);
    format!("{} {month} {}", d.day(), d.year())
}

/// A span of time left, in hours and minutes (`3 h 20 min`), never seconds.
pub fn duration(lang: Lang, minutes: i64) -> String {
    let m = minutes.max(0);
    let (days, hours, mins) = (m / 1440, (m % 1440) / 60, m % 60);
    if days > 0 {
        format!("{days} {} {hours} h", t(lang, "unit_days"))
    } else if hours > 0 {
        format!("{hours} h {mins:02} min")
    } else {
        format!("{mins} min")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_language_follows_the_locale_environment() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| v.to_string())
            }
        };
        assert_eq!(Lang::from_env(env(&[("LANG", "es_MX.UTF-8")])), Lang::Es);
        assert_eq!(
            Lang::from_env(env(&[("LANG", "es_MX.UTF-8"), ("LC_ALL", "en_US.UTF-8")])),
            Lang::En
        );
        assert_eq!(Lang::from_env(env(&[("LC_ALL", "es_ES")])), Lang::Es);
        assert_eq!(Lang::from_env(env(&[("LANG", "C")])), Lang::En);
        assert_eq!(Lang::from_env(env(&[])), Lang::En);
    }

    #[test]
    fn placeholders_are_filled_by_name_and_gaps_stay_visible() {
        let filled = fill("{n} saved by {who}; {missing}", |name| match name {
            "n" => Some("3".into()),
            "who" => Some("María".into()),
            _ => None,
        });
        assert_eq!(filled, "3 saved by María; {missing}");
        assert_eq!(
            placeholders("{b} and {a} {key:form_save}"),
            ["a", "b", "key:form_save"]
        );
        assert_eq!(fill("no braces", |_| None), "no braces");
    }

    #[test]
    fn every_string_has_the_same_placeholders_in_both_languages() {
        check().unwrap();
    }

    #[test]
    fn every_string_has_both_languages_and_no_blank() {
        for key in keys() {
            for lang in [Lang::En, Lang::Es] {
                assert!(
                    !t(lang, key).trim().is_empty(),
                    "{key} is empty in {lang:?}"
                );
            }
        }
        assert_eq!(t(Lang::En, "weekdays").split(' ').count(), 7);
        assert_eq!(t(Lang::Es, "months").split(' ').count(), 12);
    }

    #[test]
    fn dates_follow_the_language() {
        let d = NaiveDate::from_ymd_opt(2024, 5, 22).unwrap();
        assert_eq!(day(Lang::En, d), "Wed 22 May");
        assert_eq!(day(Lang::Es, d), "mié 22 may");
        assert_eq!(date(Lang::Es, d), "22 may 2024");
        assert_eq!(duration(Lang::En, 200), "3 h 20 min");
        assert_eq!(duration(Lang::Es, 45), "45 min");
        assert_eq!(duration(Lang::Es, 3000), "2 d 2 h");
    }
}
