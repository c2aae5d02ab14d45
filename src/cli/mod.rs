//! The command line: `albergue` and its subcommands.
//!
//! `args` is what clap parses; each group of commands runs in a module of
//! its own: the dashboard and its demo, the jobs (export, import, backup),
//! `check`, `serve` and its users, the protection of the data (keys,
//! encryption, retention, a person's export, the audit), the lists to take
//! along, and the documents made from the definition (manual, completions).

use std::process::ExitCode;
use std::time::Instant;

use anyhow::Result;

mod args;
mod cases;
mod cases_args;
mod check;
mod dashboard;
mod docs;
mod jobs;
mod lists;
mod port;
mod programs;
mod protect;
mod serve;
mod shelters;
mod transfers;

pub use args::*;
pub use dashboard::DEMO_PEOPLE;

use crate::paths;
use crate::store::{OpenMode, Store};

/// Runs the parsed command line, logging its start, its end and its
/// failure. Errors are printed by the caller.
pub fn run(cli: Cli) -> Result<ExitCode> {
    if matches!(
        cli.command,
        Some(Command::Completions { .. } | Command::Man)
    ) {
        // Text for packagers and shells: nothing worth a log line.
        return run_command(cli).map(ExitCode::from);
    }
    crate::logging::init(cli.log_level.as_ref());
    let command = cli.command_name();
    let started = Instant::now();
    tracing::info!(command, version = env!("CARGO_PKG_VERSION"), "start");
    let result = run_command(cli);
    let ms = started.elapsed().as_millis() as u64;
    match &result {
        Ok(code) => tracing::info!(command, code, ms, "exit"),
        // Errors name files, tables, ids and values' positions, never
        // what a person's record holds.
        Err(e) => tracing::error!(command, ms, error = %format!("{e:#}"), "failed"),
    }
    result.map(ExitCode::from)
}

/// Hands the command to its group; the global options stay in `cli`.
fn run_command(mut cli: Cli) -> Result<u8> {
    if matches!(cli.command, None | Some(Command::Serve(_))) {
        // The programs in force: a bad file refuses the start, before the
        // database is opened, with its file:line (never half-loaded).
        crate::programs::check_config(paths::config_folder().as_deref())?;
    }
    if let Some(db) = cli.postgres() {
        let what = match &cli.command {
            None | Some(Command::Check { repair: false } | Command::Export(_)) => None,
            Some(Command::Check { repair: true }) => {
                Some("check --repair (PostgreSQL keeps no tallies to count again)")
            }
            Some(Command::Port(_)) => Some("port (whose --db is the SQLite source)"),
            Some(Command::Backup { .. }) => anyhow::bail!(
                "--db {}: on PostgreSQL the backup is the server's: `pg_dump -Fc` (nightly), or \
                 pg_basebackup with WAL archiving; see README, A network on PostgreSQL",
                crate::store::pg::redacted(db)
            ),
            _ => Some(cli.command_name()),
        };
        if let Some(what) = what {
            anyhow::bail!(crate::store::pg::unsupported(what, db));
        }
    }
    let Some(command) = cli.command.take() else {
        return dashboard::dashboard(&cli);
    };
    match command {
        Command::Demo {
            people,
            seed,
            programs,
        } => dashboard::demo_command(&cli, people, seed, &programs),
        Command::Check { repair } => check::check(&cli, repair),
        Command::Encrypt => protect::encrypt(&cli),
        Command::Rekey { new_key_file } => protect::rekey(&cli, &new_key_file),
        Command::Export(args) => jobs::export(&cli, args),
        Command::Import(args) => jobs::import(&cli, args),
        Command::Backup { out } => jobs::backup(&cli, &out),
        Command::Serve(args) => serve::serve(&cli, args),
        Command::Users(command) => serve::users(&cli, command),
        Command::Transfers(command) => transfers::transfers(&cli, command),
        Command::Shelters(command) => shelters::shelters(&cli, command),
        Command::Programs(command) => programs::programs(command),
        Command::Cases(command) => cases::cases(&cli, command),
        Command::Report(command) => shelters::report(&cli, command),
        Command::List(ListCommand::Appointments {
            date,
            venue,
            shelter,
            format,
            out,
        }) => lists::appointments(&cli, date, venue, shelter, format, out),
        Command::Port(args) => port::port(&cli, &args),
        Command::Retention(RetentionCommand::Run { after, dry_run }) => {
            protect::retention(&cli, after, dry_run)
        }
        Command::Person(PersonCommand::Export {
            id,
            format,
            out,
            recipients,
        }) => protect::person_export(&cli, id, format, out, recipients),
        Command::Key(KeyCommand::New { out, signing: true }) => protect::key_new(&out),
        Command::Key(KeyCommand::New {
            out,
            signing: false,
        }) => protect::db_key_new(&out),
        Command::Audit(AuditCommand::Verify { manifest, signer }) => {
            protect::audit_verify(&cli, &manifest, signer.as_deref())
        }
        Command::Completions { shell } => docs::completions(shell),
        Command::Man => docs::man_page(),
    }
}

impl Cli {
    /// The PostgreSQL database `--db` names, if it names one.
    fn postgres(&self) -> Option<&str> {
        self.db
            .as_deref()
            .and_then(|db| db.to_str())
            .filter(|db| crate::store::pg::is_postgres(db))
    }

    /// The database the flags name, and its key.
    fn database(&self) -> Result<(paths::DbPath, Option<std::sync::Arc<crate::store::DbKey>>)> {
        let db = paths::resolve(self.db.as_deref(), self.demo)?;
        let key = protect::database_key(self.key_file.as_deref())?;
        Ok((db, key))
    }

    /// The database the flags name, which must already exist (a job never
    /// creates one).
    fn open_existing(&self) -> Result<Store> {
        let (db, key) = self.database()?;
        Ok(Store::open_keyed(&db.path, OpenMode::Existing, key)?)
    }

    /// The same for a command that only reads (export, lists): a database
    /// this process may not write (read-only media, another user's file)
    /// is opened as it is, when its schema is this albergue's.
    fn open_for_reading(&self) -> Result<Store> {
        let (db, key) = self.database()?;
        match Store::open_keyed(&db.path, OpenMode::Existing, key.clone()) {
            Err(crate::store::StoreError::ReadOnlyFile(_)) => {
                let store = Store::open_keyed(&db.path, OpenMode::Inspect, key)?;
                let version = store.schema_version()?;
                if version != crate::store::LATEST_VERSION {
                    anyhow::bail!(
                        "{} can only be read, and its schema (version {version}) is not this albergue's ({}): it cannot be upgraded here; copy it somewhere writable first",
                        db.path.display(),
                        crate::store::LATEST_VERSION
                    );
                }
                Ok(store)
            }
            other => Ok(other?),
        }
    }
}
