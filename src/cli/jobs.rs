//! The jobs that run without a terminal: `export`, `import`, `backup`.

use std::path::Path;

use anyhow::{Context, Result};
use chrono::Utc;

use super::{Cli, ExportArgs, ExportFormat, ImportArgs};
use crate::actor::Actor;
use crate::export;
use crate::import;

/// `albergue export`.
pub(super) fn export(cli: &Cli, args: ExportArgs) -> Result<u8> {
    let ExportArgs {
        out,
        format,
        redact,
        keep,
        recipients,
        sign_with,
    } = args;
    let signing_key = sign_with
        .map(|p| export::sign::read_signing_key(&p))
        .transpose()?;
    // The recipients are read before anything is written: a wrong
    // line names its file and line, and nothing is exported.
    let recipients = recipients
        .map(|path| export::seal::Recipients::read(&path).map(std::sync::Arc::new))
        .transpose()
        .map_err(|e| anyhow::anyhow!(e))?;
    if recipients.is_none() {
        tracing::warn!("exporting plaintext: no recipients given");
        eprintln!(
            "warning: this export is NOT encrypted; give --recipients FILE (or ALBERGUE_RECIPIENTS) to encrypt it"
        );
    }
    let opts = export::Options {
        out,
        format: match format {
            ExportFormat::Csv => export::Format::Csv,
            ExportFormat::Json => export::Format::Json,
            ExportFormat::Both => export::Format::Both,
        },
        redact,
        keep: keep.map(|k| k as usize),
        recipients: recipients.clone(),
        signing_key,
    };
    let now = cli.now();
    let actor = Actor::from_env();
    let report = match cli.postgres() {
        Some(db) => {
            let target = crate::store::pg::Target::parse(db)?;
            let mut store =
                crate::store::pg::PgStore::open(&target, std::sync::Arc::new(Utc::now))?;
            export::export(&mut store, &opts, &actor, now)
        }
        None => export::export(&mut cli.open_for_reading()?, &opts, &actor, now),
    }
    .context("export failed; nothing was left half-written")?;
    let counts: Vec<String> = report
        .counts
        .iter()
        .map(|(t, n)| format!("{n} {t}"))
        .collect();
    tracing::info!(
        counts = %counts.join(", "),
        folder = %report.folder.display(),
        redact,
        ms = (report.seconds * 1000.0) as u64,
        removed = report.removed.len(),
        "export written"
    );
    if !report.audited {
        tracing::warn!("export not recorded in the audit trail: the database can only be read");
        eprintln!(
            "warning: the database can only be read here: this export is not recorded in its audit trail"
        );
    }
    eprintln!(
        "export: {} into {}{}{} in {:.2} s{}",
        counts.join(", "),
        report.folder.display(),
        if redact { " (redacted)" } else { "" },
        match &recipients {
            Some(r) => format!(" (encrypted to {} recipient(s))", r.len()),
            None => String::new(),
        },
        report.seconds,
        if report.removed.is_empty() {
            String::new()
        } else {
            format!("; removed {} old folder(s)", report.removed.len())
        }
    );
    Ok(0)
}

/// `albergue import`.
pub(super) fn import(cli: &Cli, args: ImportArgs) -> Result<u8> {
    let ImportArgs {
        file,
        dry_run,
        shelter,
    } = args;
    let mut store = cli.open_existing()?;
    let opts = import::Options { dry_run, shelter };
    let now = cli.now();
    match import::import(&mut store, &file, &opts, &Actor::from_env(), now) {
        Ok(report) => {
            print_import_report(&report);
            if !dry_run {
                keep_due(&mut store);
            }
            Ok(0)
        }
        Err(import::ImportError::Invalid { path, report }) => {
            print_import_report(&report);
            anyhow::bail!(
                "{} problem(s) in {}; nothing was imported",
                report.errors.len(),
                path.display()
            )
        }
        Err(e) => Err(e.into()),
    }
}

/// `albergue backup`.
pub(super) fn backup(cli: &Cli, out: &Path) -> Result<u8> {
    let mut store = cli.open_existing()?;
    let seconds = export::backup::backup(&mut store, out, &Actor::from_env())?;
    tracing::info!(file = %out.display(), ms = (seconds * 1000.0) as u64, "backup written and verified");
    eprintln!(
        "backup: {} written and verified in {seconds:.2} s",
        out.display()
    );
    Ok(0)
}

/// What each case loaded must do next, read now rather than at the next
/// start (a bulk load leaves it to be read); a failure only logged: the
/// next start reads it.
pub(super) fn keep_due(store: &mut crate::store::Store) {
    let programs = crate::programs::in_force();
    let loaded: Vec<_> = programs.loaded.iter().map(|l| &l.program).collect();
    if let Err(e) = store.keep_due(&loaded) {
        tracing::warn!(error = %e, "next steps due not read after the load");
    }
}

fn print_import_report(r: &import::Report) {
    const SHOWN: usize = 50;
    let list = |title: &str, items: &[import::Problem]| {
        if items.is_empty() {
            return;
        }
        eprintln!("{title}:");
        for p in items.iter().take(SHOWN) {
            eprintln!("  {p}");
        }
        if items.len() > SHOWN {
            eprintln!("  … and {} more", items.len() - SHOWN);
        }
    };
    if !r.unknown_columns.is_empty() {
        let shown: Vec<&str> = r
            .unknown_columns
            .iter()
            .take(12)
            .map(String::as_str)
            .collect();
        let more = r.unknown_columns.len() - shown.len();
        eprintln!(
            "columns ignored (unknown): {}{}",
            shown.join(", "),
            if more > 0 {
                format!(" … and {more} more")
            } else {
                String::new()
            }
        );
    }
    list("errors", &r.errors);
    list("already on the roster", &r.duplicates);
    list("warnings", &r.warnings);
    tracing::info!(
        dry_run = r.dry_run,
        rows = r.rows,
        errors = r.errors.len(),
        warnings = r.warnings.len(),
        people = r.people,
        households = r.households,
        appointments = r.appointments,
        already = r.duplicates.len(),
        "import checked"
    );
    if r.errors.is_empty() {
        eprintln!(
            "import{}: {} rows read; {} people in {} households and {} appointments {}; {} already on the roster",
            if r.dry_run { " (dry run)" } else { "" },
            r.rows,
            r.people,
            r.households,
            r.appointments,
            if r.dry_run { "would be added" } else { "added" },
            r.duplicates.len()
        );
    }
}
