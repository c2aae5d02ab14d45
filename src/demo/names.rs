//! The demo's nationalities and the names their people draw from, kept as
//! data in `assets/demo/names.toml` (read once, on the first demo).

use std::sync::OnceLock;

use serde::Deserialize;

const NAMES: &str = include_str!("../../assets/demo/names.toml");

/// Names to draw from: a country's own and those it shares with others.
pub(super) type Pool = [&'static [String]; 2];

/// The file: the shared lists and one table per nationality.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Names {
    shared: Shared,
    nationality: Vec<Nationality>,
}

/// Names common all over Spanish-speaking Latin America.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Shared {
    female: Vec<String>,
    male: Vec<String>,
    families: Vec<String>,
}

/// A nationality's share of the roster and its naming: a person draws each
/// name from the country's own list and the shared one together.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Nationality {
    /// ISO 3166 alpha-3.
    pub code: String,
    /// Its weight among the nationalities.
    pub share: u32,
    /// Whether its people also draw from the shared lists.
    shared_names: bool,
    /// Spanish-style double surnames (father's first, mother's first).
    pub two_surnames: bool,
    /// Language sets, one drawn per person (`es,qu`).
    pub languages: Vec<String>,
    female: Vec<String>,
    male: Vec<String>,
    families: Vec<String>,
}

impl Nationality {
    /// Women's given names.
    pub fn female(&'static self) -> Pool {
        self.pool(&self.female, &names().shared.female)
    }

    /// Men's given names.
    pub fn male(&'static self) -> Pool {
        self.pool(&self.male, &names().shared.male)
    }

    /// Family names.
    pub fn families(&'static self) -> Pool {
        self.pool(&self.families, &names().shared.families)
    }

    fn pool(&self, own: &'static [String], shared: &'static [String]) -> Pool {
        [own, if self.shared_names { shared } else { &[] }]
    }
}

fn names() -> &'static Names {
    static PARSED: OnceLock<Names> = OnceLock::new();
    PARSED.get_or_init(|| parse(NAMES).unwrap_or_else(|e| panic!("{e}")))
}

/// The nationalities, in the file's order (a seed's roster depends on it).
pub(super) fn nationalities() -> &'static [Nationality] {
    &names().nationality
}

fn parse(text: &str) -> Result<Names, String> {
    let names: Names = toml::from_str(text).map_err(|e| format!("assets/demo/names.toml: {e}"))?;
    for n in &names.nationality {
        let lists = [
            ("female", &n.female),
            ("male", &n.male),
            ("families", &n.families),
        ];
        for (field, list) in lists {
            if list.is_empty() {
                return Err(format!(
                    "assets/demo/names.toml: nationality {}: {field} is empty",
                    n.code
                ));
            }
        }
        if n.languages.is_empty() || n.share == 0 {
            return Err(format!(
                "assets/demo/names.toml: nationality {}: needs languages and a share above 0",
                n.code
            ));
        }
    }
    Ok(names)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_names_load_and_every_nationality_is_a_country() {
        let all = nationalities();
        assert_eq!(all.len(), 9);
        for n in all {
            assert_eq!(
                crate::domain::countries::nationality_code(&n.code).as_deref(),
                Some(n.code.as_str()),
                "{} is not a country's code",
                n.code
            );
        }
        let hti = all.iter().find(|n| n.code == "HTI").unwrap();
        assert!(hti.female()[1].is_empty(), "Haitian names are their own");
        let ven = all.iter().find(|n| n.code == "VEN").unwrap();
        assert!(ven.female()[1].iter().any(|n| n == "María"));
    }

    #[test]
    fn a_broken_names_file_names_the_nationality_and_field() {
        let file = |female: &str, share: u32| {
            format!(
                "[shared]\nfemale = [\"Ana\"]\nmale = [\"José\"]\nfamilies = [\"Cruz\"]\n\
                 [[nationality]]\ncode = \"VEN\"\nshare = {share}\nshared_names = true\n\
                 two_surnames = true\nlanguages = [\"es\"]\nfemale = [{female}]\n\
                 male = [\"Yorman\"]\nfamilies = [\"Parra\"]\n"
            )
        };
        assert!(parse(&file("\"Oriana\"", 1)).is_ok());
        let err = parse(&file("", 1)).unwrap_err();
        assert!(err.contains("VEN") && err.contains("female"), "{err}");
        assert!(parse(&file("\"Oriana\"", 0)).unwrap_err().contains("VEN"));
        let err = parse("[shared]\nfemale = 3\n").unwrap_err();
        assert!(err.contains("assets/demo/names.toml"), "{err}");
    }
}
