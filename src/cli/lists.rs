//! `albergue list appointments` (once `list departures`): tomorrow's list,
//! on paper, for every venue.

use std::path::PathBuf;

use anyhow::{Context, Result};

use super::Cli;
use crate::export::departures::ListFormat;
use crate::tui::config;

/// `albergue list appointments`.
pub(super) fn appointments(
    cli: &Cli,
    day: crate::domain::departures::Day,
    venue: Option<String>,
    shelter: Option<String>,
    format: ListFormat,
    out: Option<PathBuf>,
) -> Result<u8> {
    let store = &cli.open_for_reading()?;
    let flags = config::Flags {
        lang: cli.lang.clone(),
        theme: None,
        low_bandwidth: false,
    };
    let settings = config::resolve(&flags, config::config_folder().as_deref(), |k| {
        std::env::var(k).ok()
    })?;
    let now = cli.now();
    use crate::export::departures::{self, Asked};
    let asked = Asked {
        day,
        venue,
        shelter: shelter.as_deref(),
        format,
        lang: settings.lang,
        home: settings.shelter,
    };
    let (text, people, ports) = departures::make(store, &asked, now)?;
    tracing::info!(ports, people, "departures listed");
    match out {
        None => {
            use std::io::Write;
            std::io::stdout().lock().write_all(text.as_bytes())?;
        }
        Some(path) => {
            let folder = match path.parent() {
                Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
                _ => PathBuf::from("."),
            };
            departures::write_file(&folder, &path, &text)
                .with_context(|| format!("could not write {}", path.display()))?;
            eprintln!(
                "list: {people} people at {ports} venue(s) written to {}",
                path.display()
            );
        }
    }
    Ok(0)
}
