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

/// The alpha-3 code for a code or a country name.
pub fn nationality_code(text: &str) -> Option<String> {
    let t = text.trim();
    if t.len() == 3 && t.bytes().all(|b| b.is_ascii_alphabetic()) {
        return Some(t.to_ascii_uppercase());
    }
    let f = fold(t);
    COUNTRIES
        .iter()
        .find(|(_, es, en)| fold(es) == f || fold(en) == f)
        .map(|(code, _, _)| (*code).to_string())
}

#[cfg(test)]
mod tests {
    use super::nationality_code;

    #[test]
    fn names_and_codes_both_give_the_code() {
        assert_eq!(nationality_code("Haití").as_deref(), Some("HTI"));
        assert_eq!(nationality_code("haiti").as_deref(), Some("HTI"));
        assert_eq!(nationality_code("MÉXICO").as_deref(), Some("MEX"));
        assert_eq!(nationality_code("ven").as_deref(), Some("VEN"));
        assert_eq!(nationality_code("Atlantis"), None);
    }
}
