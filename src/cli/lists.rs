//! `albergue list departures`: tomorrow's list, on paper.

use std::path::PathBuf;

use anyhow::{Context, Result};

use super::Cli;
use crate::export::departures::ListFormat;
use crate::tui::config;

/// `albergue list departures`.
pub(super) fn departures(
    cli: &Cli,
    day: crate::domain::departures::Day,
    port: Option<&'static crate::domain::Port>,
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
    use crate::export::departures::{self, Heading, ListQuery};
    let shelters = store.shelters()?;
    let shelter = match shelter {
        None => None,
        Some(name) => Some(store.shelter_named(&name)?.ok_or_else(|| {
            let known: Vec<&str> = shelters.iter().map(|s| s.name.as_str()).collect();
            anyhow::anyhow!("no shelter called {name:?}; known: {}", known.join(", "))
        })?),
    };
    // "Printed at" in the shelter's own time (the chosen one, else the
    // dashboard's, else the first).
    let home = shelter
        .or(settings.shelter)
        .and_then(|id| shelters.iter().find(|s| s.id == id))
        .or(shelters.first());
    let tz: chrono_tz::Tz = home
        .and_then(|s| s.tz.parse().ok())
        .unwrap_or(chrono_tz::UTC);
    let query = ListQuery { day, port, shelter };
    let list = departures::read(store, &query, now)?;
    let asked = match day {
        crate::domain::departures::Day::On(d) => {
            crate::i18n::fill(crate::i18n::t(settings.lang, "list_on"), |k| {
                (k == "date").then(|| crate::i18n::date(settings.lang, d))
            })
        }
        crate::domain::departures::Day::Today => crate::i18n::t(settings.lang, "list_today").into(),
        crate::domain::departures::Day::Tomorrow => {
            crate::i18n::t(settings.lang, "list_tomorrow").into()
        }
    };
    let text = departures::render(
        &list,
        format,
        Heading {
            lang: settings.lang,
            printed: now.with_timezone(&tz),
            day: &asked,
        },
    );
    let people: usize = list.iter().map(|p| p.people()).sum();
    tracing::info!(ports = list.len(), people, "departures listed");
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
                "list: {people} people at {} port(s) written to {}",
                list.len(),
                path.display()
            );
        }
    }
    Ok(0)
}
