//! `albergue check`: is this file a sound albergue database?

use std::fmt::Write as _;
use std::io::Write as _;

use anyhow::Result;

use super::{protect, Cli};
use crate::actor::Actor;
use crate::export;
use crate::paths;
use crate::store::{OpenMode, Store, LATEST_VERSION};

/// A line of the report.
macro_rules! say {
    ($out:expr, $($line:tt)*) => {
        // (Writing to a String cannot fail.)
        let _ = writeln!($out, $($line)*);
    };
}

/// `albergue check`: the report goes out whole at the end, and a reader
/// that stops early (`| head -1`) costs it nothing but the rest.
/// Each open case's kept next step against its program's reading (and
/// with `repair`, every case read again); the problems left.
fn next_steps(
    path: &std::path::Path,
    key: Option<std::sync::Arc<crate::store::DbKey>>,
    repair: bool,
    out: &mut String,
) -> Result<Vec<String>> {
    let programs = crate::programs::in_force();
    let loaded: Vec<_> = programs.loaded.iter().map(|l| &l.program).collect();
    let mode = if repair {
        OpenMode::Existing
    } else {
        OpenMode::Inspect
    };
    let mut store = Store::open_keyed(path, mode, key)?;
    let mut wrong = store.due_problems(&loaded)?;
    if !wrong.is_empty() && repair {
        store.repair_due(&loaded)?;
        say!(
            out,
            "next steps: read again from the events ({} differed)",
            wrong.len()
        );
        wrong = store.due_problems(&loaded)?;
    } else if wrong.is_empty() {
        say!(
            out,
            "next steps: ok (each open case's, as its program reads its events)"
        );
    }
    Ok(wrong)
}

pub(super) fn check(cli: &Cli, repair: bool) -> Result<u8> {
    let mut out = String::new();
    let code = report(cli, repair, &mut out);
    let written = std::io::stdout().lock().write_all(out.as_bytes());
    match written {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => code,
    }
}

fn report(cli: &Cli, repair: bool, out: &mut String) -> Result<u8> {
    if let Some(db) = cli.postgres() {
        return report_postgres(db, out);
    }
    let db = paths::resolve(cli.db.as_deref(), cli.demo)?;
    let key = protect::database_key(cli.key_file.as_deref())?;
    let store = Store::open_keyed(&db.path, OpenMode::Inspect, key.clone())?;
    let version = store.schema_version()?;
    let problems = store.integrity_problems()?;
    say!(out, "database: {}", db.path.display());
    if store.encrypted() {
        say!(
            out,
            "encrypted: yes (SQLCipher {})",
            store.pragma("cipher_version")?
        );
    } else {
        say!(out, "encrypted: no");
    }
    if version < LATEST_VERSION {
        say!(
            out,
            "schema:   version {version} (this albergue upgrades it to {LATEST_VERSION} on open)"
        );
    } else {
        say!(out, "schema:   version {version}");
    }
    if version > 0 {
        let c = store.counts()?;
        say!(out,
            "rows:     {} shelters, {} households, {} people, {} appointments, {} outages, {} audit",
            c.shelters, c.households, c.people, c.appointments, c.outages, c.audit
        );
    }
    let mut problems = problems;
    if version == 0 {
        // An empty file, or one whose first write never finished (a backup
        // cut short): SQLite finds nothing wrong with it, and nothing in it.
        problems.push(
            "not an albergue database: it holds no tables (an empty or unfinished file)".into(),
        );
    }
    if version >= 4 {
        problems.extend(store.append_only_problems()?);
        match store.verify_audit()? {
            Ok((rows, head)) => {
                if let Some((recorded, last)) = store.recorded_audit_head()? {
                    if recorded != rows || (rows > 0 && last != head) {
                        problems.push(format!(
                            "the audit trail's newest row was recorded as row {recorded}, and the chain ends at row {rows}: rows were removed or rewritten"
                        ));
                    }
                }
                let hex = export::hex(&head[..8]);
                say!(out, "audit:    {rows} rows chained, head {hex}…");
            }
            Err(broken) => {
                say!(out, "audit:    the chain is broken");
                problems.push(broken.to_string());
            }
        }
    }
    // Compared (and repaired) only on a file SQLite finds sound: the
    // recount reads every row, and a damaged page would stop it.
    let mut tallies = if problems.is_empty() {
        store.tally_problems()?
    } else {
        say!(
            out,
            "tallies:  not compared: the file is damaged (see below; restore a backup)"
        );
        Vec::new()
    };
    drop(store);
    if !tallies.is_empty() && repair {
        let mut store = Store::open_keyed(&db.path, OpenMode::Existing, key.clone())?;
        store.repair_tallies(&Actor::from_env())?;
        say!(
            out,
            "tallies:  counted again from the rows ({} differed)",
            tallies.len()
        );
        tallies = store.tally_problems()?;
    } else if tallies.is_empty() && problems.is_empty() && version >= LATEST_VERSION {
        say!(out, "tallies:  ok (the same as a recount of the rows)");
    }
    problems.extend(tallies);
    if problems.is_empty() && version >= LATEST_VERSION {
        problems.extend(next_steps(&db.path, key, repair, out)?);
    }
    tracing::info!(version, problems = problems.len(), "check done");
    if problems.is_empty() {
        say!(out, "integrity: ok");
        Ok(0)
    } else {
        say!(out, "integrity: {} problem(s)", problems.len());
        for p in problems.iter().take(20) {
            say!(out, "  {p}");
        }
        Ok(1)
    }
}

/// `albergue check` on PostgreSQL (no tallies there to recount or repair:
/// the dashboard counts rows).
fn report_postgres(db: &str, out: &mut String) -> Result<u8> {
    use crate::store::pg;
    let target = pg::Target::parse(db)?;
    let mut client = target.connect()?;
    let found = pg::inspect(&mut client)?;
    say!(out, "database: {target}");
    say!(
        out,
        "encrypted: {}",
        if found.tls {
            "in transit (TLS); at rest: the disk's"
        } else {
            "no TLS on this connection; at rest: the disk's"
        }
    );
    say!(out, "schema:   version {} (PostgreSQL)", found.version);
    let c = found.counts;
    say!(
        out,
        "rows:     {} shelters, {} households, {} people, {} appointments, {} outages, {} audit",
        c.shelters,
        c.households,
        c.people,
        c.appointments,
        c.outages,
        c.audit
    );
    let (rows, head) = found.audit;
    say!(
        out,
        "audit:    {rows} rows chained, head {}…",
        export::hex(&head[..8])
    );
    say!(
        out,
        "walls:    row level security on {} tables",
        pg::WALLED.len()
    );
    tracing::info!(problems = found.problems.len(), "check done");
    if found.problems.is_empty() {
        say!(out, "integrity: ok");
        return Ok(0);
    }
    say!(out, "integrity: {} problem(s)", found.problems.len());
    for p in found.problems.iter().take(20) {
        say!(out, "  {p}");
    }
    Ok(1)
}
