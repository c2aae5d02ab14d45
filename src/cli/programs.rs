//! `albergue programs list|check`: the appointment programs albergue
//! knows, and a check of a program file before it is put in the config
//! folder.

use std::path::Path;

use anyhow::Result;

use super::ProgramsCommand;
use crate::domain::message::Language;
use crate::paths;
use crate::programs::{self, Loaded};

/// Runs a `programs` subcommand.
pub fn programs(command: ProgramsCommand) -> Result<u8> {
    let config = paths::config_folder();
    match command {
        ProgramsCommand::List => {
            let loaded = programs::load(config.as_deref())?;
            let followed = loaded.followed();
            for l in &loaded.loaded {
                let follows = followed.iter().any(|p| p.id == l.program.id);
                print!("{}", describe(l, follows));
            }
            Ok(0)
        }
        ProgramsCommand::Check { file } => check(&file, config.as_deref()),
    }
}

fn check(file: &Path, config: Option<&Path>) -> Result<u8> {
    let program = programs::check_file(file, config)?;
    let years = program.calendar.years;
    println!(
        "{}: program {:?} is good: {} venues, {} steps",
        file.display(),
        program.id,
        program.venues.len(),
        program.steps.len()
    );
    if let Some((first, last)) = years {
        println!(
            "  business days count the {} calendar's holidays of {first}–{last}; after {last} only weekends",
            program.calendar.id
        );
    }
    Ok(0)
}

fn describe(l: &Loaded, followed: bool) -> String {
    let p = &l.program;
    let mut out = format!("{}  {}\n", p.id, p.name.get(Language::En));
    out.push_str(&format!("  file     {}\n", l.source));
    if !followed {
        out.push_str("  not followed (config.toml's `programs` leaves it out)\n");
    }
    if let Some(service) = &p.service {
        out.push_str(&format!("  service  {service}\n"));
    }
    out.push_str("  venues\n");
    let width = p.venues.iter().map(|v| v.code.len()).max().unwrap_or(0);
    for v in &p.venues {
        out.push_str(&format!(
            "    {:width$}  {}, {} ({})\n",
            v.code,
            v.name,
            v.city,
            v.tz.name()
        ));
    }
    out.push_str("  steps\n");
    let width = p.steps.iter().map(|s| s.id.len()).max().unwrap_or(0);
    for (i, s) in p.steps.iter().enumerate() {
        out.push_str(&format!(
            "    {:width$}  {}: {}\n",
            s.id,
            s.name.get(Language::En),
            p.rule_text(i)
        ));
    }
    out
}
