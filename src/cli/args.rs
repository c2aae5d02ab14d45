//! The command line's definition: `albergue`, its global options and its
//! subcommands, as clap parses them (and the manual page documents them).

use std::path::PathBuf;

use chrono::{DateTime, NaiveDate, Utc};
use clap::{Parser, Subcommand};

use crate::export::departures::ListFormat;
use crate::export::headcount::ReportFormat;

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

    /// The dashboard as user NAME of `albergue serve` sees it: their role
    /// and shelters (the database's owner checking what a user sees; what
    /// is saved is audited as the owner)
    #[arg(long, value_name = "NAME")]
    pub as_user: Option<String>,

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
        /// Also people in these programs (ids, comma-separated: comar,tvrh,iom-return)
        #[arg(long, value_delimiter = ',', value_name = "IDS")]
        programs: Vec<String>,
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
    Export(ExportArgs),
    /// Import a roster from a spreadsheet (CSV), or an export folder
    ///
    /// Headers in Spanish or English, any order (Nombre(s), Apellidos,
    /// Nacionalidad, Fecha de nacimiento, Fecha de llegada, Teléfono,
    /// Grupo/Familia, Puerto, Fecha de cita, Número de confirmación, …).
    /// UTF-8 or Windows-1252, comma or semicolon. Every row is checked
    /// first; with any error nothing is imported. People already on the
    /// roster (same name and birth date) are not added again.
    Import(ImportArgs),
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
    /// database enforces. No shell, no file transfer, no forwarding. A few
    /// commands are served, their output on the client's standard output:
    /// `ssh -p 2222 HOST -- list appointments --format html > list.html`
    /// (coordinators, admins), `report headcount --from D --to D`, `cases
    /// list` (coordinators, admins), `person export ID` (admins), `help`. The
    /// host key is made on first start (0600) and its fingerprint printed.
    /// Stops on SIGTERM or SIGINT, restoring every client's terminal.
    Serve(ServeArgs),
    /// Manage who may connect to `albergue serve`
    #[command(subcommand)]
    Users(UsersCommand),
    /// Move households between the shelters of a network, with a hand-over
    ///
    /// A transfer is asked for with the person's consent recorded; the
    /// receiving shelter accepts (the household, its people and
    /// appointments move) or declines (nothing moves). Each step audited.
    #[command(subcommand)]
    Transfers(TransfersCommand),
    /// Shelters and their beds by section
    #[command(subcommand)]
    Shelters(SheltersCommand),
    /// Reports for the authorities (counts only, no one's details)
    #[command(subcommand)]
    Report(ReportCommand),
    /// Appointment programs: CBP One, COMAR, visas, returns, a shelter's own
    ///
    /// A program is a TOML file: its venues, its steps and their deadline
    /// rules, its messages. The built-in ones are in albergue; a shelter's
    /// own go in the config folder's programs/ (a file with a built-in id
    /// replaces it), holiday calendars in calendars/.
    #[command(subcommand)]
    Programs(ProgramsCommand),
    /// Cases in the programs kept as files (COMAR, visas, returns, a
    /// shelter's own): open one, record its steps, see what is due
    #[command(subcommand)]
    Cases(super::cases_args::CasesCommand),
    /// Print lists to take along (tomorrow's appointments at every venue)
    #[command(subcommand)]
    List(ListCommand),
    /// Copy the database into an empty PostgreSQL one, and verify the copy
    Port(super::port::PortArgs),
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
    /// Who goes to each venue on a day: households, people, numbers and
    /// destinations, a box to tick for each (`departures` is its old name)
    ///
    /// CBP One's ports, then the venues of the other programs the shelter
    /// follows where a case was given that date (a return, a consular
    /// appointment). Times are each venue's own; "tomorrow" is the venue's
    /// tomorrow. Only people still at a shelter; CBP One appointments not
    /// confirmed yet say so. Text fits 80 columns (a form feed between
    /// venues); HTML prints one page per venue and loads nothing.
    #[command(alias = "departures")]
    Appointments {
        /// today, tomorrow, or a date (2024-05-23 or 23/05/2024)
        #[arg(long, default_value = "tomorrow", value_parser = parse_list_day)]
        date: crate::domain::departures::Day,
        /// Only this venue: a port's code (SYS, CXL, NOG, ELP, EGP, LRD, HID,
        /// BRO) or a program's venue (`albergue programs list`)
        #[arg(long, alias = "port", value_name = "CODE", value_parser = crate::programs::parse_place_arg)]
        venue: Option<String>,
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
    crate::domain::departures::Day::parse_arg(s)
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
        #[command(flatten)]
        shelters: ShelterScope,
    },
    /// List the users, their roles, shelters and key fingerprints
    List,
    /// Give a user other shelters, or the whole network (their live
    /// sessions end; they connect again seeing the new ones)
    SetShelters {
        /// The user
        name: String,
        #[command(flatten)]
        shelters: ShelterScope,
    },
    /// Remove a user: their key no longer connects, and their live
    /// sessions end within a second
    Remove {
        /// The user
        name: String,
    },
    /// End a user's live sessions now (a lost or stolen phone); their key
    /// still connects: remove the user to stop that too
    Kick {
        /// The user
        name: String,
    },
    /// Give a user another role (their live sessions end; they connect
    /// again in the new one)
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

/// The `shelters` subcommands.
#[derive(Debug, Subcommand)]
pub enum SheltersCommand {
    /// Each shelter with its sections: beds, occupied, free
    List,
    /// Set the beds of a shelter's sections (a new name adds a section; 0
    /// beds closes one)
    SetCapacity {
        /// The shelter (its name or city)
        shelter: String,
        /// A section and its beds, as NAME=BEDS (families=120); repeat for
        /// each section
        #[arg(long = "section", value_name = "NAME=BEDS", required = true,
              value_parser = parse_section)]
        sections: Vec<(String, u32)>,
    },
}

fn parse_section(text: &str) -> Result<(String, u32), String> {
    crate::domain::section::parse_capacity(text).map_err(|e| e.to_string())
}

/// The `programs` subcommands.
#[derive(Debug, Subcommand)]
pub enum ProgramsCommand {
    /// Every program albergue knows: id, name, file, venues, steps and rules
    List,
    /// Check a program file, loading nothing: a problem is named by
    /// FILE:LINE and its field, and exits 1
    Check {
        /// The program file (TOML)
        file: PathBuf,
    },
}

/// The `report` subcommands.
#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// People present at the start and end of a period, arrivals,
    /// departures by kind, transfers in and out, people served by sex ×
    /// age group and by nationality, and occupancy by section: for each
    /// shelter and all of them (each person counted once)
    ///
    /// Counts only: no name, no id, no date of anyone. Ages are taken on
    /// the last day. For sharing in public, --suppress-small shows counts
    /// of 1 to 4 as "<5".
    Headcount {
        /// First day (YYYY-MM-DD)
        #[arg(long, value_parser = parse_date)]
        from: NaiveDate,
        /// Last day (YYYY-MM-DD), included
        #[arg(long, value_parser = parse_date)]
        to: NaiveDate,
        /// Only this shelter (its name or city)
        #[arg(long)]
        shelter: Option<String>,
        /// text, csv or html (one page per shelter, bar charts)
        #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
        format: ReportFormat,
        /// Show counts of 1 to 4 as "<5"
        #[arg(long)]
        suppress_small: bool,
        /// Write to FILE (created 0600, replaced whole) instead of standard output
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
}

fn parse_date(text: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| format!("{text:?} is not a date: write YYYY-MM-DD, for example 2026-11-30"))
}

/// The `transfers` subcommands.
#[derive(Debug, Subcommand)]
pub enum TransfersCommand {
    /// Every transfer: number, household, from, to, people, status, dates
    List,
    /// Ask for a household to move to another shelter (the person agreed)
    Request {
        /// The household's id
        household: i64,
        /// The receiving shelter (its name or city)
        #[arg(long, value_name = "SHELTER")]
        to: String,
        /// Who asked the person, and recorded that they agreed
        #[arg(long, value_name = "NAME")]
        consent_asked_by: String,
        /// Say that the person gave their consent (required: no transfer
        /// is recorded without it)
        #[arg(long)]
        consent_given: bool,
    },
    /// The receiving shelter takes the household in: it moves now
    Accept {
        /// The transfer's number
        id: i64,
    },
    /// The receiving shelter cannot take them: nothing moves
    Decline {
        /// The transfer's number
        id: i64,
        /// Why (kept with the transfer)
        #[arg(long)]
        reason: String,
    },
    /// The sending shelter withdraws the request: nothing moves
    Cancel {
        /// The transfer's number
        id: i64,
        /// Why (kept with the transfer)
        #[arg(long)]
        reason: String,
    },
}

/// Which shelters a user sees: one or more by name, or every one.
#[derive(Debug, Clone, clap::Args)]
#[group(required = true, multiple = false)]
pub struct ShelterScope {
    /// A shelter they see and change (its name or city; repeat for more)
    #[arg(long = "shelter", value_name = "NAME")]
    pub shelters: Vec<String>,
    /// Every shelter of the network (a network coordinator or admin)
    #[arg(long)]
    pub network: bool,
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
            Some(Command::Export(_)) => "export",
            Some(Command::Import(_)) => "import",
            Some(Command::Backup { .. }) => "backup",
            Some(Command::Encrypt) => "encrypt",
            Some(Command::Rekey { .. }) => "rekey",
            Some(Command::Serve(_)) => "serve",
            Some(Command::Users(_)) => "users",
            Some(Command::Transfers(_)) => "transfers",
            Some(Command::Shelters(_)) => "shelters",
            Some(Command::Report(_)) => "report",
            Some(Command::Programs(_)) => "programs",
            Some(Command::Cases(_)) => "cases",
            Some(Command::List(_)) => "list",
            Some(Command::Port(_)) => "port",
            Some(Command::Audit(_)) => "audit",
            Some(Command::Retention(_)) => "retention",
            Some(Command::Person(_)) => "person",
            Some(Command::Key(_)) => "key",
            Some(Command::Completions { .. }) => "completions",
            Some(Command::Man) => "man",
        }
    }

    /// The moment to work at: `--now`, or the clock's.
    pub fn now(&self) -> DateTime<Utc> {
        self.now.unwrap_or_else(Utc::now)
    }
}

// The options of `albergue export` (documented on its variant).
#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// Folder that holds the dated export folders (created 0700 if missing)
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// csv, json (JSON Lines) or both
    #[arg(long, value_enum, default_value_t = ExportFormat::Csv)]
    pub format: ExportFormat,
    /// Leave out phones, notes and addresses; birth year only; names replaced by ids
    #[arg(long)]
    pub redact: bool,
    /// Then remove all but the newest N dated folders albergue made
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub keep: Option<u64>,
    /// Encrypt every file with age to the recipients in FILE (age1… keys,
    /// ssh-ed25519 / ssh-rsa public keys, one a line); nothing plaintext
    /// is written. Open with `age -d -i ~/.ssh/id_ed25519 FILE.age`
    #[arg(long, value_name = "FILE", env = "ALBERGUE_RECIPIENTS")]
    pub recipients: Option<PathBuf>,
    /// Sign manifest.json with this OpenSSH private key (manifest.json.sig,
    /// as `ssh-keygen -Y sign -n albergue-manifest` would); make one with
    /// `albergue key new --signing --out FILE`
    #[arg(long, value_name = "FILE", env = "ALBERGUE_SIGNING_KEY")]
    pub sign_with: Option<PathBuf>,
}

// The options of `albergue import` (documented on its variant).
#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// The CSV file, or an export folder (it holds manifest.json)
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Only check and report; change nothing
    #[arg(long)]
    pub dry_run: bool,
    /// The shelter the people stay at (name or city) [default: the first]
    #[arg(long, value_name = "NAME")]
    pub shelter: Option<String>,
}

// The options of `albergue serve` (documented on its variant).
#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Address and port to listen on
    #[arg(long, default_value = "0.0.0.0:2222", value_name = "ADDR:PORT")]
    pub listen: std::net::SocketAddr,
    /// The host key [default: albergue-host-key beside the database]
    #[arg(long, value_name = "PATH")]
    pub host_key: Option<PathBuf>,
    /// Seconds a connection may take to start the dashboard
    #[arg(long, default_value_t = 30, value_name = "SECONDS")]
    pub grace: u64,
    /// Connections at once from one address
    #[arg(long, default_value_t = 8, value_name = "N")]
    pub per_address: usize,
    /// Connections at once in all
    #[arg(long, default_value_t = 64, value_name = "N")]
    pub max_connections: usize,
    /// Minutes without a key before a session is locked (ended; connect again)
    #[arg(long, default_value_t = 15, value_name = "MINUTES", value_parser = clap::value_parser!(u64).range(1..))]
    pub idle_lock: u64,
    /// Hours a session may last
    #[arg(long, default_value_t = 12, value_name = "HOURS", value_parser = clap::value_parser!(u64).range(1..))]
    pub max_session: u64,
    /// Seconds (instead of minutes) for --idle-lock, for tests
    #[arg(long, hide = true)]
    pub idle_lock_secs: Option<u64>,
    /// Seconds between keepalives to a silent client (three unanswered
    /// end its connection), for tests
    #[arg(long, hide = true, default_value_t = 15, value_parser = clap::value_parser!(u64).range(1..))]
    pub keepalive_secs: u64,
}
