//! The user's settings: `config.toml` and `keys.toml` in albergue's config
//! folder (`~/.config/albergue/` on Linux), laid over the defaults, with
//! command-line flags on top.

use std::path::Path;

use serde::Deserialize;

use super::keys::{KeyFileError, KeyMap};
use super::theme::Theme;
use crate::domain::template::line_at;
use crate::i18n::Lang;

/// What `config.toml` may say.
#[derive(Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    lang: Option<toml::Spanned<String>>,
    theme: Option<toml::Spanned<String>>,
    low_bandwidth: Option<bool>,
    shelter: Option<i64>,
    /// The programs followed: checked where programs are loaded
    /// (`crate::programs`), which names a bad one with its line.
    #[allow(dead_code)]
    programs: Option<Vec<String>>,
}

/// Settings the command line gives.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Flags {
    /// `--lang`.
    pub lang: Option<String>,
    /// `--theme`.
    pub theme: Option<String>,
    /// `--low-bandwidth`.
    pub low_bandwidth: bool,
}

/// The settings in force.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// Interface language.
    pub lang: Lang,
    /// Paint.
    pub theme: Theme,
    /// The shelter whose clock the dashboard shows (default: the first).
    pub shelter: Option<i64>,
    /// Keys.
    pub keys: KeyMap,
}

/// A setting that cannot be used; the message names where it came from.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// A problem in `config.toml`.
    #[error("{file}, line {line}: {message}")]
    File {
        /// The file.
        file: String,
        /// 1-based line.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// A problem in `keys.toml`.
    #[error(transparent)]
    Keys(#[from] KeyFileError),
    /// A bad command-line value.
    #[error("{flag} {value:?} is not known; use {expected}")]
    Flag {
        /// The flag.
        flag: &'static str,
        /// Its value.
        value: String,
        /// What it takes.
        expected: &'static str,
    },
}

pub use crate::paths::config_folder;

fn read_config(path: &Path) -> Result<(ConfigFile, String), ConfigError> {
    let file = path.display().to_string();
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Ok((ConfigFile::default(), String::new()))
        }
        Err(e) => {
            return Err(ConfigError::File {
                file,
                line: 0,
                message: e.to_string(),
            })
        }
    };
    let parsed = toml::from_str(&text).map_err(|e| ConfigError::File {
        file,
        line: e.span().map_or(1, |s| line_at(&text, s.start)),
        message: e.message().trim().to_string(),
    })?;
    Ok((parsed, text))
}

fn theme_named(name: &str) -> Option<Theme> {
    match name {
        "color" | "colour" => Some(Theme::COLOR),
        "mono" | "monochrome" => Some(Theme::MONO),
        _ => None,
    }
}

/// Settings from the flags, the files in `folder`, and the environment (`get`).
pub fn resolve(
    flags: &Flags,
    folder: Option<&Path>,
    get: impl Fn(&str) -> Option<String>,
) -> Result<Settings, ConfigError> {
    let (file, text, keys) = match folder {
        Some(dir) => {
            let (file, text) = read_config(&dir.join("config.toml"))?;
            (file, text, KeyMap::load(&dir.join("keys.toml"))?)
        }
        None => (ConfigFile::default(), String::new(), KeyMap::default()),
    };
    let config_file = folder
        .map(|d| d.join("config.toml").display().to_string())
        .unwrap_or_default();
    let bad_value = |name: &str, value: &toml::Spanned<String>, expected: &str| ConfigError::File {
        file: config_file.clone(),
        line: line_at(&text, value.span().start),
        message: format!("{name} {:?} is not known; use {expected}", value.get_ref()),
    };

    let lang = match (&flags.lang, &file.lang) {
        (Some(l), _) => Lang::parse(l).ok_or_else(|| ConfigError::Flag {
            flag: "--lang",
            value: l.clone(),
            expected: "en or es",
        })?,
        (None, Some(l)) => {
            Lang::parse(l.get_ref()).ok_or_else(|| bad_value("lang", l, "\"en\" or \"es\""))?
        }
        (None, None) => Lang::from_env(&get),
    };

    let mut theme = match (&flags.theme, &file.theme) {
        (Some(t), _) => theme_named(t).ok_or_else(|| ConfigError::Flag {
            flag: "--theme",
            value: t.clone(),
            expected: "color or mono",
        })?,
        (None, Some(t)) => theme_named(t.get_ref())
            .ok_or_else(|| bad_value("theme", t, "\"color\" or \"mono\""))?,
        (None, None) => Theme::COLOR,
    };
    // NO_COLOR (any non-empty value) means monochrome: https://no-color.org
    if flags.theme.is_none() && get("NO_COLOR").is_some_and(|v| !v.is_empty()) {
        theme = Theme::MONO;
    }
    if flags.low_bandwidth || file.low_bandwidth == Some(true) {
        theme = Theme::LOW_BANDWIDTH;
    }
    Ok(Settings {
        lang,
        theme,
        shelter: file.shelter,
        keys,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn none(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn flags_beat_the_file_which_beats_the_environment() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("config.toml"),
            "lang = \"es\"\ntheme = \"mono\"\n",
        )
        .unwrap();
        let s = resolve(&Flags::default(), Some(dir.path()), none).unwrap();
        assert_eq!((s.lang, s.theme), (Lang::Es, Theme::MONO));
        let flags = Flags {
            lang: Some("en".into()),
            theme: Some("color".into()),
            low_bandwidth: false,
        };
        let s = resolve(&flags, Some(dir.path()), none).unwrap();
        assert_eq!((s.lang, s.theme), (Lang::En, Theme::COLOR));
        let s = resolve(&Flags::default(), None, |k| {
            (k == "LANG").then(|| "es_MX.UTF-8".into())
        })
        .unwrap();
        assert_eq!(s.lang, Lang::Es);
    }

    #[test]
    fn no_color_and_low_bandwidth_select_monochrome() {
        let s = resolve(&Flags::default(), None, |k| {
            (k == "NO_COLOR").then(|| "1".into())
        })
        .unwrap();
        assert_eq!(s.theme, Theme::MONO);
        let flags = Flags {
            low_bandwidth: true,
            ..Flags::default()
        };
        assert_eq!(
            resolve(&flags, None, none).unwrap().theme,
            Theme::LOW_BANDWIDTH
        );
    }

    #[test]
    fn a_bad_config_file_names_file_line_and_key() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        let keys = dir.path().join("keys.toml");
        // (file, its text, what the error must name)
        let cases: [(&Path, &str, &[&str]); 4] = [
            (
                &path,
                "lang = \"es\"\ncolour = \"red\"\n",
                &["config.toml, line 2", "colour"],
            ),
            (&path, "\ntheme = \"neon\"\n", &["line 2", "neon"]),
            (&path, "low_bandwidth = \"yes\"\n", &["line 1"]),
            (
                &keys,
                "quit = [\"q\"]\nhelp = [\"Meta-?\"]\n",
                &["keys.toml, line 2", "help"],
            ),
        ];
        for (file, text, named) in cases {
            std::fs::write(&path, "").unwrap();
            std::fs::write(file, text).unwrap();
            let err = resolve(&Flags::default(), Some(dir.path()), none)
                .unwrap_err()
                .to_string();
            assert!(named.iter().all(|n| err.contains(n)), "{err}");
        }
    }

    #[test]
    fn unknown_flag_values_are_named() {
        let flags = Flags {
            lang: Some("fr".into()),
            ..Flags::default()
        };
        let err = resolve(&flags, None, none).unwrap_err().to_string();
        assert!(err.contains("--lang \"fr\""), "{err}");
        let flags = Flags {
            theme: Some("neon".into()),
            ..Flags::default()
        };
        assert!(resolve(&flags, None, none)
            .unwrap_err()
            .to_string()
            .contains("--theme"));
    }
}
