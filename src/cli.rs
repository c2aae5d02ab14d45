//! The command line: `albergue` and its subcommands.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result};
use chrono::{DateTime, Utc};
use clap::{Parser, Subcommand};

use crate::actor::Actor;
use crate::export;
use crate::export::departures::ListFormat;
use crate::import;
use crate::paths::{self, DbPath};
use crate::store::{DbFile, DbKey, OpenMode, Store, LATEST_VERSION};
use crate::tui::{self, config, config::Flags};

mod lists;
mod protect;

/// People in the demo database that `albergue --demo` creates.
pub const DEMO_PEOPLE: u64 = 2_000;

/// albergue: roster, CBP One appointments and outage alerts for a migrant shelter.
#[derive(Debug, Parser)]
#[command(name = "albergue", version, about, long_about = None)]
pub struct Cli {
    /// Database file [default: the data folder's albergue/albergue.db]
    #[arg(long, global = true, env = "ALBERGUE_DB", value_name = "PATH")]
    pub db: Option<PathBuf>,

    /// Use the demo database (albergue/demo.db in the data folder), creating it if needed
    #[arg(long, global = true, conflicts_with = "db")]
    pub demo: bool,

    /// The database's key (made by `albergue key new --out FILE`; mode 0400
    /// or 0600, yours). $CREDENTIALS_DIRECTORY/albergue-db-key, from
    /// systemd's LoadCredential=, comes first. Without a key the database
    /// is plaintext
    #[arg(long, global = true, env = "ALBERGUE_KEY_FILE", value_name = "FILE")]
    pub key_file: Option<PathBuf>,

    /// Interface language: en or es [default: config file, then LANG]
    #[arg(long, global = true, value_name = "LANG")]
    pub lang: Option<String>,

    /// Colours: color or mono [default: config file; NO_COLOR selects mono]
    #[arg(long, global = true, value_name = "THEME")]
    pub theme: Option<String>,

    /// For slow links: monochrome, no charts, selection shown by a marker
    #[arg(long, global = true)]
    pub low_bandwidth: bool,

    /// Pretend it is this moment (RFC 3339); the dashboard's clock stands still
    #[arg(long, global = true, hide = true, value_name = "TIME", value_parser = parse_instant)]
    pub now: Option<DateTime<Utc>>,

    /// Log level (error, warn, info, debug, trace, off) or targets
    /// (albergue::serve=debug,info) [default: RUST_LOG, then info]
    #[arg(long, global = true, value_name = "LEVEL", value_parser = crate::logging::parse_level)]
    pub log_level: Option<tracing_subscriber::filter::Targets>,

    /// What to do; without a command, albergue opens the dashboard
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Fill a new database with realistic, deterministic demo data
    ///
    /// Without --db the demo goes to its own file (albergue/demo.db in the
    /// data folder), never into the real database. A database that already
    /// holds people is refused.
    Demo {
        /// How many people (1 to 2,000,000)
        #[arg(long, value_parser = clap::value_parser!(u64).range(1..=2_000_000))]
        people: u64,
        /// Seed: the same seed and clock give the same roster
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Check the database: SQLite integrity, schema version, row counts, and
    /// the tallies and search index against a recount of the rows
    ///
    /// Exits 0 only when all is well. Changes nothing, unless --repair is
    /// given.
    Check {
        /// Count the tallies and build the search index again from the rows
        /// when they differ (say, after another tool changed them). The
        /// rows themselves are never changed
        #[arg(long)]
        repair: bool,
    },
    /// Export everything into a dated folder (for the nightly job)
    ///
    /// One consistent snapshot, written into DIR/YYYY-MM-DD/ (a second run
    /// the same day adds -2, -3): shelters, households, people, appointments,
    /// outages and audit, with manifest.json (counts, SHA-256). The folder
    /// appears only when complete. Files 0600, folders 0700.
    /// Exit codes: 0 done, 1 failed (nothing half-written left), 2 usage.
    Export {
        /// Folder that holds the dated export folders (created 0700 if missing)
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// csv, json (JSON Lines) or both
        #[arg(long, value_enum, default_value_t = ExportFormat::Csv)]
        format: ExportFormat,
        /// Leave out phones, notes and addresses; birth year only; names replaced by ids
        #[arg(long)]
        redact: bool,
        /// Then remove all but the newest N dated folders albergue made
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
        keep: Option<u64>,
        /// Encrypt every file with age to the recipients in FILE (age1… keys,
        /// ssh-ed25519 / ssh-rsa public keys, one a line); nothing plaintext
        /// is written. Open with `age -d -i ~/.ssh/id_ed25519 FILE.age`
        #[arg(long, value_name = "FILE", env = "ALBERGUE_RECIPIENTS")]
        recipients: Option<PathBuf>,
        /// Sign manifest.json with this OpenSSH private key (manifest.json.sig,
        /// as `ssh-keygen -Y sign -n albergue-manifest` would); make one with
        /// `albergue key new --signing --out FILE`
        #[arg(long, value_name = "FILE", env = "ALBERGUE_SIGNING_KEY")]
        sign_with: Option<PathBuf>,
    },
    /// Import a roster from a spreadsheet (CSV), or an export folder
    ///
    /// Headers in Spanish or English, any order (Nombre(s), Apellidos,
    /// Nacionalidad, Fecha de nacimiento, Fecha de llegada, Teléfono,
    /// Grupo/Familia, Puerto, Fecha de cita, Número de confirmación, …).
    /// UTF-8 or Windows-1252, comma or semicolon. Every row is checked
    /// first; with any error nothing is imported. People already on the
    /// roster (same name and birth date) are not added again.
    Import {
        /// The CSV file, or an export folder (it holds manifest.json)
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// Only check and report; change nothing
        #[arg(long)]
        dry_run: bool,
        /// The shelter the people stay at (name or city) [default: the first]
        #[arg(long, value_name = "NAME")]
        shelter: Option<String>,
    },
    /// Back up the database with SQLite's online backup API, and verify the copy
    ///
    /// Safe while coordinators are working. FILE must not exist; it is
    /// created 0600 and checked with SQLite's integrity check.
    Backup {
        /// The backup file to create
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Encrypt a plaintext database with the key of --key-file (SQLCipher)
    ///
    /// The database is copied, encrypted, into FILE.rewrite beside it,
    /// checked (integrity, every table's rows), synced and renamed over the
    /// plaintext file: killed at any moment, the old file is still whole.
    /// Needs the database to itself (stop `albergue serve` and dashboards).
    /// The old file's disk blocks are freed, not overwritten: on a disk
    /// without full-disk encryption, traces of it may remain.
    Encrypt,
    /// Give an encrypted database a new key (the old one from --key-file)
    ///
    /// Rewritten as `encrypt` does: the old key opens the file until the
    /// new one does. Needs the database to itself.
    Rekey {
        /// The new key (made by `albergue key new --out FILE`)
        #[arg(long, value_name = "FILE")]
        new_key_file: PathBuf,
    },
    /// Serve the dashboard over SSH to the registered users (no shell accounts)
    ///
    /// Coordinators connect with `ssh -p 2222 -t HOST` and their own key;
    /// each is a user added with `albergue users add`, with a role the
    /// database enforces. No shell, no file transfer, no forwarding. The
    /// host key is made on first start (0600) and its fingerprint printed.
    /// Stops on SIGTERM or SIGINT, restoring every client's terminal.
    Serve {
        /// Address and port to listen on
        #[arg(long, default_value = "0.0.0.0:2222", value_name = "ADDR:PORT")]
        listen: std::net::SocketAddr,
        /// The host key [default: albergue-host-key beside the database]
        #[arg(long, value_name = "PATH")]
        host_key: Option<PathBuf>,
        /// Seconds a connection may take to start the dashboard
        #[arg(long, default_value_t = 30, value_name = "SECONDS")]
        grace: u64,
        /// Connections at once from one address
        #[arg(long, default_value_t = 8, value_name = "N")]
        per_address: usize,
        /// Connections at once in all
        #[arg(long, default_value_t = 64, value_name = "N")]
        max_connections: usize,
        /// Minutes without a key before a session is locked (ended; connect again)
        #[arg(long, default_value_t = 15, value_name = "MINUTES", value_parser = clap::value_parser!(u64).range(1..))]
        idle_lock: u64,
        /// Hours a session may last
        #[arg(long, default_value_t = 12, value_name = "HOURS", value_parser = clap::value_parser!(u64).range(1..))]
        max_session: u64,
        /// Seconds (instead of minutes) for --idle-lock, for tests
        #[arg(long, hide = true)]
        idle_lock_secs: Option<u64>,
        /// Seconds between keepalives to a silent client (three unanswered
        /// end its connection), for tests
        #[arg(long, hide = true, default_value_t = 15, value_parser = clap::value_parser!(u64).range(1..))]
        keepalive_secs: u64,
    },
    /// Manage who may connect to `albergue serve`
    #[command(subcommand)]
    Users(UsersCommand),
    /// Print lists to take along (tomorrow's departures)
    #[command(subcommand)]
    List(ListCommand),
    /// The tamper-evident audit trail
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Keep people's details no longer than needed
    #[command(subcommand)]
    Retention(RetentionCommand),
    /// What albergue holds on one person
    #[command(subcommand)]
    Person(PersonCommand),
    /// Keys albergue uses
    #[command(subcommand)]
    Key(KeyCommand),
    /// Print Tab completions for a shell
    ///
    /// bash: `albergue completions bash > /etc/bash_completion.d/albergue`;
    /// zsh: into a folder of $fpath as `_albergue`; fish: into
    /// ~/.config/fish/completions/albergue.fish. The Debian package
    /// installs all three.
    Completions {
        /// bash, zsh or fish
        #[arg(value_enum)]
        shell: Shell,
    },
    /// Print the manual page (roff), as `man albergue` shows it
    #[command(hide = true)]
    Man,
}

/// Shells `albergue completions` writes for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Shell {
    /// GNU bash
    Bash,
    /// Z shell
    Zsh,
    /// fish
    Fish,
}

/// The `key` subcommands.
#[derive(Debug, Subcommand)]
pub enum KeyCommand {
    /// Make a database key, or with --signing a key to sign export manifests
    ///
    /// A database key is 32 random bytes written as 64 hexadecimal digits;
    /// give it to every command with --key-file (or ALBERGUE_KEY_FILE, or
    /// systemd's LoadCredential=albergue-db-key:FILE). Lose it and the
    /// database cannot be read by anyone: keep a copy offline.
    /// A signing key is Ed25519 in OpenSSH format; FILE.pub beside it is what
    /// `albergue audit verify --signer` (or `ssh-keygen -Y verify`) checks
    /// signatures with. Give FILE to `albergue export --sign-with`.
    /// FILE is created 0400 and never replaced.
    New {
        /// A signing key (for manifests) instead of a database key
        #[arg(long)]
        signing: bool,
        /// The private key file to create
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
}

/// The `person` subcommands.
#[derive(Debug, Subcommand)]
pub enum PersonCommand {
    /// Everything held on one person, for them to see (data-subject access)
    ///
    /// Their details, household and shelter, appointments, and every audit
    /// row about them or their appointments. The export is recorded in
    /// their audit trail. Standard output, or --out FILE (created 0600).
    Export {
        /// The person's number (shown as #N on their screen)
        id: i64,
        /// json or text
        #[arg(long, value_enum, default_value_t = PersonFormat::Json)]
        format: PersonFormat,
        /// Write to FILE (created 0600; never replaces a file)
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// Encrypt it with age to the recipients in FILE (as for `export`)
        #[arg(long, value_name = "FILE")]
        recipients: Option<PathBuf>,
    },
}

/// Formats of `person export`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum PersonFormat {
    /// JSON, one document
    Json,
    /// Text, a `key: value` a line
    Text,
}

/// The `retention` subcommands.
#[derive(Debug, Subcommand)]
pub enum RetentionCommand {
    /// Anonymise people who left more than a period ago, delete old drafts
    ///
    /// For everyone recorded as crossed, departed or transferred on a day
    /// at least the period ago: names become person-<id>; phone, notes,
    /// care needs and confirmation numbers are removed; the birth date keeps
    /// only its year; nationality, languages, sex and dates stay for
    /// statistics. A household whose people are all anonymised loses its
    /// label and US destination. Drafts saved before then are deleted.
    /// People present are never touched. Audited; prints counts.
    Run {
        /// The period: 90d, 13w, 1y
        #[arg(long, default_value = "90d", value_parser = crate::domain::retention::Period::parse)]
        after: crate::domain::retention::Period,
        /// Only count what would change
        #[arg(long)]
        dry_run: bool,
    },
}

/// The `audit` subcommands.
#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Check the database's audit chain against an earlier export's manifest
    ///
    /// The manifest recorded how many audit rows there were and the last
    /// one's hash. The chain must still hold that row with that hash: if
    /// rows were changed or removed since, even by someone who recomputed
    /// every hash after them, it does not. With --signer, the manifest's
    /// signature (manifest.json.sig) must be that key's first. Exit 0 when
    /// all holds, 1 when not.
    Verify {
        /// manifest.json of an earlier `albergue export`
        #[arg(long, value_name = "FILE")]
        manifest: PathBuf,
        /// The public key (.pub) the manifest must be signed with
        #[arg(long, value_name = "KEY.pub")]
        signer: Option<PathBuf>,
    },
}

/// The `list` subcommands.
#[derive(Debug, Subcommand)]
pub enum ListCommand {
    /// Who leaves for each port on a day: households, travellers,
    /// confirmation numbers and US destinations, a box to tick for each
    ///
    /// Times are each port's own; "tomorrow" is the port's tomorrow. Only
    /// people still at a shelter with a pending or confirmed appointment;
    /// those not confirmed yet say so. Text fits 80 columns (a form feed
    /// between ports); HTML prints one page per port and loads nothing.
    Departures {
        /// today, tomorrow, or a date (2024-05-23 or 23/05/2024)
        #[arg(long, default_value = "tomorrow", value_parser = parse_list_day)]
        date: crate::domain::departures::Day,
        /// Only this port (its code: SYS, CXL, NOG, ELP, EGP, LRD, HID, BRO)
        #[arg(long, value_name = "CODE", value_parser = parse_port)]
        port: Option<&'static crate::domain::Port>,
        /// Only the households of this shelter (name or city)
        #[arg(long, value_name = "NAME")]
        shelter: Option<String>,
        /// text, csv or html
        #[arg(long, value_enum, default_value_t = ListFormat::Text)]
        format: ListFormat,
        /// Write to FILE (created 0600, replaced whole) instead of standard output
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
}

fn parse_list_day(s: &str) -> Result<crate::domain::departures::Day, String> {
    crate::domain::departures::Day::parse(s).ok_or_else(|| {
        format!("{s:?} is not a day: use today, tomorrow or a date such as 2024-05-23")
    })
}

fn parse_port(s: &str) -> Result<&'static crate::domain::Port, String> {
    crate::domain::port::by_code(&s.trim().to_ascii_uppercase()).ok_or_else(|| {
        let codes: Vec<&str> = crate::domain::port::all()
            .iter()
            .map(|p| p.code.as_str())
            .collect();
        format!("no port {s:?}; the ports are {}", codes.join(", "))
    })
}

/// The `users` subcommands.
#[derive(Debug, Subcommand)]
pub enum UsersCommand {
    /// Register a person with their public key and a role
    Add {
        /// Their name, as the audit trail will show it
        name: String,
        /// volunteer, coordinator or admin
        #[arg(long)]
        role: String,
        /// Their public key file (OpenSSH, e.g. id_ed25519.pub)
        #[arg(long, value_name = "FILE.pub")]
        key: PathBuf,
    },
    /// List the users, their roles and key fingerprints
    List,
    /// Remove a user: their key no longer connects
    Remove {
        /// The user
        name: String,
    },
    /// Give a user another role
    SetRole {
        /// The user
        name: String,
        /// volunteer, coordinator or admin
        role: String,
    },
    /// Set the language a user's dashboard speaks (wins over their ssh client's LANG)
    SetLang {
        /// The user
        name: String,
        /// en, es, or none (then their client's LANG, else English)
        lang: String,
    },
}

/// Export file formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    /// CSV (RFC 4180, UTF-8, header row)
    Csv,
    /// JSON Lines
    Json,
    /// Both
    Both,
}

fn parse_instant(s: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| format!("{e} (expected e.g. 2024-05-22T15:00:00Z)"))
}

impl Cli {
    /// The command's name as the log shows it (`dashboard` without one).
    pub fn command_name(&self) -> &'static str {
        match &self.command {
            None => "dashboard",
            Some(Command::Demo { .. }) => "demo",
            Some(Command::Check { .. }) => "check",
            Some(Command::Export { .. }) => "export",
            Some(Command::Import { .. }) => "import",
            Some(Command::Backup { .. }) => "backup",
            Some(Command::Encrypt) => "encrypt",
            Some(Command::Rekey { .. }) => "rekey",
            Some(Command::Serve { .. }) => "serve",
            Some(Command::Users(_)) => "users",
            Some(Command::List(_)) => "list",
            Some(Command::Audit(_)) => "audit",
            Some(Command::Retention(_)) => "retention",
            Some(Command::Person(_)) => "person",
            Some(Command::Key(_)) => "key",
            Some(Command::Completions { .. }) => "completions",
            Some(Command::Man) => "man",
        }
    }
}

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

fn run_command(cli: Cli) -> Result<u8> {
    match cli.command {
        Some(Command::Demo { people, seed }) => {
            // The demo never lands in the real database by default.
            let db = paths::resolve(cli.db.as_deref(), true)?;
            let key = protect::database_key(cli.key_file.as_deref())?;
            demo(&db, key, people, seed, cli.now.unwrap_or_else(Utc::now))?;
            Ok(0)
        }
        Some(Command::Check { repair }) => {
            let db = paths::resolve(cli.db.as_deref(), cli.demo)?;
            let key = protect::database_key(cli.key_file.as_deref())?;
            check(&db, key, repair)
        }
        Some(Command::Encrypt) => {
            let db = paths::resolve(cli.db.as_deref(), cli.demo)?;
            protect::encrypt(&db.path, cli.key_file.as_deref())
        }
        Some(Command::Rekey { new_key_file }) => {
            let db = paths::resolve(cli.db.as_deref(), cli.demo)?;
            protect::rekey(&db.path, cli.key_file.as_deref(), &new_key_file)
        }
        Some(Command::Export {
            out,
            format,
            redact,
            keep,
            recipients,
            sign_with,
        }) => {
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
            let mut store = open_existing(cli.db.as_deref(), cli.demo, cli.key_file.as_deref())?;
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
            let now = cli.now.unwrap_or_else(Utc::now);
            let report = export::export(&mut store, &opts, &Actor::from_env(), now)
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
        Some(Command::Import {
            file,
            dry_run,
            shelter,
        }) => {
            let mut store = open_existing(cli.db.as_deref(), cli.demo, cli.key_file.as_deref())?;
            let opts = import::Options { dry_run, shelter };
            let now = cli.now.unwrap_or_else(Utc::now);
            match import::import(&mut store, &file, &opts, &Actor::from_env(), now) {
                Ok(report) => {
                    print_import_report(&report);
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
        Some(Command::Backup { out }) => {
            let mut store = open_existing(cli.db.as_deref(), cli.demo, cli.key_file.as_deref())?;
            let seconds = export::backup::backup(&mut store, &out, &Actor::from_env())?;
            tracing::info!(file = %out.display(), ms = (seconds * 1000.0) as u64, "backup written and verified");
            eprintln!(
                "backup: {} written and verified in {seconds:.2} s",
                out.display()
            );
            Ok(0)
        }
        Some(Command::Serve {
            listen,
            host_key,
            grace,
            per_address,
            max_connections,
            idle_lock,
            max_session,
            idle_lock_secs,
            keepalive_secs,
        }) => {
            let db = paths::resolve(cli.db.as_deref(), cli.demo)?;
            let key = protect::database_key(cli.key_file.as_deref())?;
            let host_key = host_key.unwrap_or_else(|| {
                db.path
                    .parent()
                    .unwrap_or(std::path::Path::new("."))
                    .join("albergue-host-key")
            });
            crate::serve::run(&crate::serve::Options {
                listen,
                db: DbFile { path: db.path, key },
                host_key,
                grace: std::time::Duration::from_secs(grace),
                per_address,
                total: max_connections,
                now: cli.now,
                idle: std::time::Duration::from_secs(idle_lock_secs.unwrap_or(idle_lock * 60)),
                longest: std::time::Duration::from_secs(max_session * 3600),
                keepalive: std::time::Duration::from_secs(keepalive_secs),
            })?;
            Ok(0)
        }
        Some(Command::Users(command)) => {
            let mut store = open_existing(cli.db.as_deref(), cli.demo, cli.key_file.as_deref())?;
            users(&mut store, command)
        }
        Some(Command::List(ListCommand::Departures {
            date,
            port,
            shelter,
            format,
            out,
        })) => {
            let store = open_existing(cli.db.as_deref(), cli.demo, cli.key_file.as_deref())?;
            let flags = Flags {
                lang: cli.lang.clone(),
                theme: None,
                low_bandwidth: false,
            };
            let settings = config::resolve(&flags, config::config_folder().as_deref(), |k| {
                std::env::var(k).ok()
            })?;
            let now = cli.now.unwrap_or_else(Utc::now);
            lists::departures(&store, date, port, shelter, format, out, settings, now)
        }
        Some(Command::Retention(RetentionCommand::Run { after, dry_run })) => {
            let mut store = open_existing(cli.db.as_deref(), cli.demo, cli.key_file.as_deref())?;
            let today = cli
                .now
                .unwrap_or_else(Utc::now)
                .with_timezone(&chrono::Local)
                .date_naive();
            protect::retention(&mut store, after, dry_run, today)
        }
        Some(Command::Person(PersonCommand::Export {
            id,
            format,
            out,
            recipients,
        })) => {
            let recipients = recipients
                .map(|path| export::seal::Recipients::read(&path))
                .transpose()
                .map_err(|e| anyhow::anyhow!(e))?;
            let mut store = open_existing(cli.db.as_deref(), cli.demo, cli.key_file.as_deref())?;
            let now = cli.now.unwrap_or_else(Utc::now);
            protect::person_export(&mut store, id, format, out, recipients, now)
        }
        Some(Command::Key(KeyCommand::New { out, signing: true })) => protect::key_new(&out),
        Some(Command::Key(KeyCommand::New {
            out,
            signing: false,
        })) => protect::db_key_new(&out),
        Some(Command::Audit(AuditCommand::Verify { manifest, signer })) => {
            if let Some(signer) = signer {
                if !protect::manifest_signed_by(&manifest, &signer)? {
                    return Ok(1);
                }
            }
            let store = open_existing(cli.db.as_deref(), cli.demo, cli.key_file.as_deref())?;
            protect::audit_verify(&store, &manifest)
        }
        Some(Command::Completions { shell }) => {
            crate::manual::completions(shell, &mut std::io::stdout().lock())?;
            Ok(0)
        }
        Some(Command::Man) => {
            crate::manual::man_page(&mut std::io::stdout().lock())?;
            Ok(0)
        }
        None => {
            let db = paths::resolve(cli.db.as_deref(), cli.demo)?;
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
            let key = protect::database_key(cli.key_file.as_deref())?;
            if cli.demo && !db.path.exists() {
                demo(
                    &db,
                    key.clone(),
                    DEMO_PEOPLE,
                    1,
                    cli.now.unwrap_or_else(Utc::now),
                )?;
            }
            // A named database must exist (a typo must not make a new one);
            // albergue's own is created on first use, but not for a pipe.
            let file = DbFile {
                path: db.path.clone(),
                key,
            };
            let store = if db.in_data_folder {
                tui::check_terminal()?;
                db.ensure_folder()?;
                file.open(OpenMode::Create)?
            } else {
                file.open(OpenMode::Existing)?
            };
            let ending = tui::run(
                store,
                tui::Options {
                    db: file,
                    settings,
                    fixed_now: cli.now,
                },
            )?;
            Ok(match ending {
                tui::Ending::Quit => 0,
                tui::Ending::HangUp => 129,
                tui::Ending::Terminated => 143,
            })
        }
    }
}

fn parse_role(text: &str) -> Result<crate::domain::Role> {
    text.parse()
        .map_err(|_| anyhow::anyhow!("unknown role {text:?}: volunteer, coordinator or admin"))
}

fn users(store: &mut Store, command: UsersCommand) -> Result<u8> {
    let actor = Actor::from_env();
    match command {
        UsersCommand::Add { name, role, key } => {
            let role = parse_role(&role)?;
            let public = crate::serve::read_public_key(&key)?;
            let line = public
                .to_openssh()
                .map_err(|e| anyhow::anyhow!("{}: {e}", key.display()))?;
            let fp = crate::serve::fingerprint(&public);
            store.add_user(&name, role, &fp, &line, &actor)?;
            tracing::info!(role = %role, key = %fp, "user added");
            eprintln!("users: {name} added as {role} ({fp})");
        }
        UsersCommand::List => {
            for u in store.users()? {
                println!(
                    "{:<24} {:<12} {:<4} {}",
                    u.name,
                    u.role.as_str(),
                    u.lang.as_deref().unwrap_or("-"),
                    u.key_fingerprint
                );
            }
        }
        UsersCommand::Remove { name } => {
            store.remove_user(&name, &actor)?;
            tracing::info!("user removed");
            eprintln!("users: {name} removed");
        }
        UsersCommand::SetLang { name, lang } => {
            let lang = (lang != "none").then_some(lang.as_str());
            let user = store.set_user_lang(&name, lang, &actor)?;
            tracing::info!(lang = lang.unwrap_or("none"), "user's language changed");
            eprintln!(
                "users: {} speaks {}",
                user.name,
                user.lang.as_deref().unwrap_or("their client's language")
            );
        }
        UsersCommand::SetRole { name, role } => {
            let role = parse_role(&role)?;
            store.set_user_role(&name, role, &actor)?;
            tracing::info!(role = %role, "user's role changed");
            eprintln!("users: {name} is now {role}");
        }
    }
    Ok(0)
}

/// The database the flags name, which must already exist (a job never
/// creates one).
fn open_existing(
    db: Option<&std::path::Path>,
    demo: bool,
    key_file: Option<&std::path::Path>,
) -> Result<Store> {
    let db = paths::resolve(db, demo)?;
    let key = protect::database_key(key_file)?;
    Ok(Store::open_keyed(&db.path, OpenMode::Existing, key)?)
}

fn demo(
    db: &DbPath,
    key: Option<std::sync::Arc<DbKey>>,
    people: u64,
    seed: u64,
    now: DateTime<Utc>,
) -> Result<()> {
    db.ensure_folder()?;
    let started = Instant::now();
    let data = crate::demo::generate(people as usize, seed, now);
    let mut store = Store::open_keyed(&db.path, OpenMode::Create, key)?;
    store
        .load_demo(&data, &Actor::from_env())
        .with_context(|| format!("demo data not loaded into {}", db.path.display()))?;
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
        eprintln!(
            "columns ignored (unknown): {}",
            r.unknown_columns.join(", ")
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

fn check(db: &DbPath, key: Option<std::sync::Arc<DbKey>>, repair: bool) -> Result<u8> {
    let store = Store::open_keyed(&db.path, OpenMode::Inspect, key.clone())?;
    let version = store.schema_version()?;
    let problems = store.integrity_problems()?;
    println!("database: {}", db.path.display());
    if store.encrypted() {
        println!(
            "encrypted: yes (SQLCipher {})",
            store.pragma("cipher_version")?
        );
    } else {
        println!("encrypted: no");
    }
    if version < LATEST_VERSION {
        println!(
            "schema:   version {version} (this albergue upgrades it to {LATEST_VERSION} on open)"
        );
    } else {
        println!("schema:   version {version}");
    }
    if version > 0 {
        let c = store.counts()?;
        println!(
            "rows:     {} shelters, {} households, {} people, {} appointments, {} outages, {} audit",
            c.shelters, c.households, c.people, c.appointments, c.outages, c.audit
        );
    }
    let mut problems = problems;
    if version >= 4 {
        match store.verify_audit()? {
            Ok((rows, head)) => {
                let hex = export::hex(&head[..8]);
                println!("audit:    {rows} rows chained, head {hex}…");
            }
            Err(broken) => {
                println!("audit:    the chain is broken");
                problems.push(broken.to_string());
            }
        }
    }
    // Compared (and repaired) only on a file SQLite finds sound: the
    // recount reads every row, and a damaged page would stop it.
    let mut tallies = if problems.is_empty() {
        store.tally_problems()?
    } else {
        println!("tallies:  not compared: the file is damaged (see below; restore a backup)");
        Vec::new()
    };
    drop(store);
    if !tallies.is_empty() && repair {
        let mut store = Store::open_keyed(&db.path, OpenMode::Existing, key)?;
        store.repair_tallies(&Actor::from_env())?;
        println!(
            "tallies:  counted again from the rows ({} differed)",
            tallies.len()
        );
        tallies = store.tally_problems()?;
    } else if tallies.is_empty() && problems.is_empty() && version >= LATEST_VERSION {
        println!("tallies:  ok (the same as a recount of the rows)");
    }
    problems.extend(tallies);
    tracing::info!(version, problems = problems.len(), "check done");
    if problems.is_empty() {
        println!("integrity: ok");
        Ok(0)
    } else {
        println!("integrity: {} problem(s)", problems.len());
        for p in problems.iter().take(20) {
            println!("  {p}");
        }
        Ok(1)
    }
}
