//! The dashboard (`albergue`, `albergue --demo`) and the demo data it can
//! start on (`albergue demo`).

use std::time::Instant;

use anyhow::{Context, Result};
use chrono::{DateTime, Utc};

use super::{protect, Cli};
use crate::actor::Actor;
use crate::paths::{self, DbPath};
use crate::store::{Database, DbFile, DbKey, OpenMode, Store};
use crate::tui::{self, config, config::Flags};

/// People in the demo database that `albergue --demo` creates.
pub const DEMO_PEOPLE: u64 = 2_000;

/// `albergue` without a command: the dashboard.
pub(super) fn dashboard(cli: &Cli) -> Result<u8> {
    let flags = Flags {
        lang: cli.lang.clone(),
        theme: cli.theme.clone(),
        low_bandwidth: cli.low_bandwidth,
    };
    // Settings and database are checked before the terminal changes
    // mode, so that their errors print on a normal terminal.
    let settings = config::resolve(&flags, config::config_folder().as_deref(), |k| {
        std::env::var(k).ok()
    })?;
    if let Some(db) = cli.postgres() {
        return on_postgres(cli, db, settings);
    }
    let db = paths::resolve(cli.db.as_deref(), cli.demo)?;
    let key = protect::database_key(cli.key_file.as_deref())?;
    if cli.demo && !db.path.exists() {
        demo(
            &db,
            key.clone(),
            DEMO_PEOPLE,
            1,
            cli.now.unwrap_or_else(Utc::now),
            &[],
        )?;
    }
    // A named database must exist (a typo must not make a new one);
    // albergue's own is created on first use, but not for a pipe.
    let file = DbFile {
        path: db.path.clone(),
        key,
    };
    let mut store = if db.in_data_folder {
        tui::check_terminal()?;
        db.ensure_folder()?;
        file.open(OpenMode::Create)?
    } else {
        file.open(OpenMode::Existing)?
    };
    let mut role = crate::domain::Role::Admin;
    if let Some(name) = &cli.as_user {
        let Some(user) = store.user(name)? else {
            let known: Vec<String> = store.users()?.into_iter().map(|u| u.name).collect();
            anyhow::bail!(
                "--as-user {name:?}: no such user (the users: {}; albergue users list)",
                if known.is_empty() {
                    "none".to_string()
                } else {
                    known.join(", ")
                }
            );
        };
        role = user.role;
        store = store.as_user(&user);
    }
    let ending = tui::run(
        store.into(),
        tui::Options {
            db: Database::File(file),
            settings,
            fixed_now: cli.now,
            role,
        },
    )?;
    Ok(exit_code(ending))
}

fn exit_code(ending: tui::Ending) -> u8 {
    match ending {
        tui::Ending::Quit => 0,
        tui::Ending::HangUp => 129,
        tui::Ending::Terminated => 143,
    }
}

/// The dashboard on a network's PostgreSQL database: its figures,
/// confirmations and outages, with every other session's commits, on any
/// host, heard within a moment. The connection's role acts for the whole
/// network as the database's owner does on SQLite.
fn on_postgres(cli: &Cli, db: &str, settings: config::Settings) -> Result<u8> {
    use crate::store::pg::Target;
    if cli.demo || cli.as_user.is_some() || cli.key_file.is_some() {
        anyhow::bail!(
            "--db {}: --demo, --as-user and --key-file are for a SQLite database \
             (make a demo with `albergue demo`, then `albergue port --to …`)",
            crate::store::pg::redacted(db)
        );
    }
    tui::check_terminal()?;
    let target = Target::parse(db)?;
    let clock: crate::store::Clock = match cli.now {
        Some(fixed) => std::sync::Arc::new(move || fixed),
        None => std::sync::Arc::new(Utc::now),
    };
    let database = Database::Postgres {
        target: Box::new(target),
        clock,
    };
    let store = database.open()?;
    let ending = tui::run(
        store,
        tui::Options {
            db: database,
            settings,
            fixed_now: cli.now,
            role: crate::domain::Role::Admin,
        },
    )?;
    Ok(exit_code(ending))
}

/// `albergue demo`: the demo never lands in the real database by default.
pub(super) fn demo_command(cli: &Cli, people: u64, seed: u64, programs: &[String]) -> Result<u8> {
    // The programs asked for, before anything is written.
    let known = crate::programs::in_force();
    let mut chosen = Vec::new();
    for id in programs {
        chosen.push(
            known
                .named(id.trim())
                .map_err(|why| anyhow::anyhow!("--programs: {why}"))?,
        );
    }
    let db = paths::resolve(cli.db.as_deref(), true)?;
    let key = protect::database_key(cli.key_file.as_deref())?;
    demo(&db, key, people, seed, cli.now(), &chosen)?;
    Ok(0)
}

fn demo(
    db: &DbPath,
    key: Option<std::sync::Arc<DbKey>>,
    people: u64,
    seed: u64,
    now: DateTime<Utc>,
    programs: &[&crate::domain::program::Program],
) -> Result<()> {
    db.ensure_folder()?;
    let started = Instant::now();
    let mut data = crate::demo::generate(people as usize, seed, now);
    crate::demo::cases::add(&mut data, programs, seed, now);
    let mut store = Store::open_keyed(&db.path, OpenMode::Create, key)?;
    store
        .load_demo(&data, &Actor::from_env())
        .with_context(|| format!("demo data not loaded into {}", db.path.display()))?;
    super::jobs::keep_due(&mut store);
    tracing::info!(
        people = data.people.len(),
        households = data.households.len(),
        appointments = data.appointments.len(),
        outages = data.outages.len(),
        ms = started.elapsed().as_millis() as u64,
        "demo written"
    );
    eprintln!(
        "demo: {} people in {} households, {} appointments, {} outages written to {} in {:.2} s",
        data.people.len(),
        data.households.len(),
        data.appointments.len(),
        data.outages.len(),
        db.path.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
