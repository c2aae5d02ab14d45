//! `albergue shelters` (beds by section) and `albergue report headcount`,
//! for the database's owner (network-wide), or one shelter with `--shelter`.

use std::path::PathBuf;

use anyhow::{Context, Result};

use super::{Cli, ReportCommand, SheltersCommand};
use crate::actor::Actor;
use crate::domain::Scope;
use crate::export::headcount::{self, Asked};

/// `albergue shelters`.
pub(super) fn shelters(cli: &Cli, command: SheltersCommand) -> Result<u8> {
    match command {
        SheltersCommand::List => {
            let store = cli.open_for_reading()?;
            let sections = store.sections()?;
            for s in store.shelters()? {
                println!("{:>4}  {}, {} ({})", s.id, s.name, s.city, s.tz);
                let mine: Vec<_> = sections.iter().filter(|x| x.shelter_id == s.id).collect();
                if mine.is_empty() {
                    println!("        no sections (albergue shelters set-capacity \"{}\" --section NAME=BEDS)", s.name);
                }
                for x in mine {
                    println!(
                        "        {:<28} {:>6} beds {:>6} occupied {:>6} free{}",
                        x.name,
                        x.capacity,
                        x.occupied,
                        x.free(),
                        if x.is_full() { "  FULL" } else { "" }
                    );
                }
            }
        }
        SheltersCommand::SetCapacity { shelter, sections } => {
            let mut store = cli.open_existing()?;
            let id = super::serve::shelter_id(&store, "the shelter", &shelter)?;
            let set = store.set_capacity(id, &sections, &Actor::from_env())?;
            let total: i64 = set.iter().map(|s| s.capacity).sum();
            let names: Vec<String> = set
                .iter()
                .map(|s| format!("{}={}", s.name, s.capacity))
                .collect();
            eprintln!("shelters: {shelter}: {} ({total} beds)", names.join(", "));
        }
    }
    Ok(0)
}

/// `albergue report`.
pub(super) fn report(cli: &Cli, command: ReportCommand) -> Result<u8> {
    let ReportCommand::Headcount {
        from,
        to,
        shelter,
        format,
        suppress_small,
        out,
    } = command;
    if to < from {
        anyhow::bail!(
            "--to {to} is before --from {from}: the period's last day comes after its first"
        );
    }
    let mut store = cli.open_for_reading()?;
    if let Some(name) = &shelter {
        let id = super::serve::shelter_id(&store, "--shelter", name)?;
        store = store.with_scope(Scope::Shelters(vec![id]));
    }
    let counted = store.headcount(from, to)?;
    let shelters = store.shelters()?;
    let sections = store.sections()?;
    let asked = Asked {
        from,
        to,
        shelters: &shelters,
        sections: &sections,
        suppress: suppress_small,
    };
    let text = headcount::render(&counted, &asked, format);
    tracing::info!(shelters = counted.shelters.len(), "headcount reported");
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
            crate::export::departures::write_file(&folder, &path, &text)
                .with_context(|| format!("could not write {}", path.display()))?;
            eprintln!(
                "report: headcount {from} to {to} written to {}",
                path.display()
            );
        }
    }
    Ok(0)
}
