//! Nationalities as spreadsheets write them: ISO 3166 alpha-3 codes, or
//! country names in Spanish or English (accents and case ignored).

use super::names::fold;

/// (alpha-3, Spanish name, English name) for the nationalities shelters on
/// the border see most; any other country is entered by its code.
pub const COUNTRIES: &[(&str, &str, &str)] = &[
    ("HTI", "Haití", "Haiti"),
    ("VEN", "Venezuela", "Venezuela"),
    ("HND", "Honduras", "Honduras"),
    ("CUB", "Cuba", "Cuba"),
    ("MEX", "México", "Mexico"),
    ("GTM", "Guatemala", "Guatemala"),
    ("SLV", "El Salvador", "El Salvador"),
    ("NIC", "Nicaragua", "Nicaragua"),
    ("COL", "Colombia", "Colombia"),
    ("ECU", "Ecuador", "Ecuador"),
    ("PER", "Perú", "Peru"),
    ("BRA", "Brasil", "Brazil"),
    ("CHL", "Chile", "Chile"),
    ("ARG", "Argentina", "Argentina"),
    ("DOM", "República Dominicana", "Dominican Republic"),
    ("RUS", "Rusia", "Russia"),
    ("CHN", "China", "China"),
    ("IND", "India", "India"),
    ("AFG", "Afganistán", "Afghanistan"),
    ("TUR", "Turquía", "Turkey"),
    ("MRT", "Mauritania", "Mauritania"),
    ("SEN", "Senegal", "Senegal"),
    ("GIN", "Guinea", "Guinea"),
    ("CMR", "Camerún", "Cameroon"),
    ("GHA", "Ghana", "Ghana"),
    ("AGO", "Angola", "Angola"),
    ("USA", "Estados Unidos", "United States"),
];

/// Every country's ISO 3166-1 alpha-2 and alpha-3 codes (`VE VEN`).
const ISO_3166: &str = include_str!("../../assets/iso3166.txt");

/// The alpha-3 code of an alpha-2 one (`VE` is `VEN`).
fn alpha3_of(alpha2: &str) -> Option<&'static str> {
    ISO_3166
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split_once(' '))
        .find(|(two, _)| two.eq_ignore_ascii_case(alpha2))
        .map(|(_, three)| three)
}

/// The alpha-3 code for a code (alpha-3, or alpha-2 as many spreadsheets
/// write it) or a country name.
pub fn nationality_code(text: &str) -> Option<String> {
    let t = text.trim();
    if t.len() == 3 && t.bytes().all(|b| b.is_ascii_alphabetic()) {
        return Some(t.to_ascii_uppercase());
    }
    if t.len() == 2 && t.bytes().all(|b| b.is_ascii_alphabetic()) {
        return alpha3_of(t).map(str::to_string);
    }
    let f = fold(t);
    COUNTRIES
        .iter()
        .find(|(_, es, en)| fold(es) == f || fold(en) == f)
        .map(|(code, _, _)| (*code).to_string())
}

/// How typed text reads as a nationality, for a type-ahead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NationalityReading {
    /// It is this code (a code, or a whole country name).
    Code(String),
    /// Not yet: the countries whose name starts with it.
    Candidates(Vec<&'static (&'static str, &'static str, &'static str)>),
}

/// Reads typed text as a nationality: a code once the text is a code or a
/// whole country name, else up to `max` countries whose name starts with it.
pub fn read_nationality(typed: &str, max: usize) -> NationalityReading {
    let f = fold(typed);
    let known = COUNTRIES.iter().any(|(code, es, en)| {
        code.eq_ignore_ascii_case(typed.trim()) || fold(es) == f || fold(en) == f
    });
    let candidates: Vec<_> = COUNTRIES
        .iter()
        .filter(|(_, es, en)| fold(es).starts_with(&f) || fold(en).starts_with(&f))
        .take(max)
        .collect();
    match nationality_code(typed) {
        Some(code) if known || candidates.is_empty() => NationalityReading::Code(code),
        _ => NationalityReading::Candidates(candidates),
    }
}

#[cfg(test)]
mod tests {
    use super::{nationality_code, read_nationality, NationalityReading};

    #[test]
    fn the_type_ahead_offers_names_until_the_text_is_a_country() {
        assert_eq!(
            read_nationality("Haití", 4),
            NationalityReading::Code("HTI".into())
        );
        let NationalityReading::Candidates(found) = read_nationality("gu", 4) else {
            panic!("a prefix offers names");
        };
        assert_eq!(
            found.iter().map(|c| c.0).collect::<Vec<_>>(),
            ["GTM", "GIN"]
        );
        // Three letters that start a name are still offered as names.
        assert!(matches!(
            read_nationality("hon", 4),
            NationalityReading::Candidates(_)
        ));
        assert_eq!(
            read_nationality("xyz", 4),
            NationalityReading::Code("XYZ".into())
        );
    }

    #[test]
    fn names_and_codes_both_give_the_code() {
        assert_eq!(nationality_code("Haití").as_deref(), Some("HTI"));
        assert_eq!(nationality_code("haiti").as_deref(), Some("HTI"));
        assert_eq!(nationality_code("MÉXICO").as_deref(), Some("MEX"));
        assert_eq!(nationality_code("ven").as_deref(), Some("VEN"));
        assert_eq!(nationality_code("Atlantis"), None);
        // ISO alpha-2, as many spreadsheets write it.
        assert_eq!(nationality_code("VE").as_deref(), Some("VEN"));
        assert_eq!(nationality_code(" ht ").as_deref(), Some("HTI"));
        assert_eq!(nationality_code("mx").as_deref(), Some("MEX"));
        assert_eq!(nationality_code("QQ"), None);
    }
}
