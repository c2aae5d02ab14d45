//! Served commands, the Soft Serve way: `ssh -p 2222 host -- list
//! departures --format html > list.html` runs one command of a small
//! allow-list for the user's role, its output streamed to the client's
//! standard output, its errors to their standard error, its exit status
//! theirs. No shell: the words are split here and parsed by clap; what is
//! not on the list is refused with the list. Each command is audited.

use clap::{Parser, Subcommand};

use crate::actor::Actor;
use crate::domain::departures::Day;
use crate::domain::{Permission, Role};
use crate::export::departures::{Asked, ListFormat};
use crate::i18n::Lang;
use crate::store::{DbFile, OpenMode, User};

/// What a command gives back: its output, its errors, its exit status.
#[derive(Debug, Default)]
pub struct Ran {
    /// For the client's standard output.
    pub stdout: Vec<u8>,
    /// For their standard error (a line or two, never personal data).
    pub stderr: String,
    /// Their `ssh`'s exit status.
    pub code: u32,
}

impl Ran {
    fn failed(code: u32, why: impl std::fmt::Display) -> Self {
        Self {
            stdout: Vec::new(),
            stderr: format!("albergue: {why}\n"),
            code,
        }
    }
}

/// The commands a served session may run.
#[derive(Debug, Parser)]
#[allow(clippy::doc_markdown)]
#[command(
    name = "ssh HOST --",
    no_binary_name = true,
    disable_version_flag = true,
    about = "Commands albergue serves over SSH (no shell): the output goes to your standard output."
)]
pub struct Served {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Lists to print (coordinators and admins)
    List {
        #[command(subcommand)]
        list: ListCommand,
    },
    /// One person's record (admins)
    Person {
        #[command(subcommand)]
        person: PersonCommand,
    },
    /// Reports for the authorities: counts only (coordinators and admins)
    Report {
        #[command(subcommand)]
        report: ReportCommand,
    },
    /// Cases in the programs kept as files (coordinators and admins)
    Cases {
        #[command(subcommand)]
        cases: CasesCommand,
    },
}

#[derive(Debug, Subcommand)]
enum ReportCommand {
    /// Your shelters' headcount over a period (as `albergue report headcount`)
    Headcount {
        /// First day (YYYY-MM-DD)
        #[arg(long)]
        from: chrono::NaiveDate,
        /// Last day (YYYY-MM-DD)
        #[arg(long)]
        to: chrono::NaiveDate,
        /// text, csv or html
        #[arg(long, value_enum, default_value_t = crate::export::headcount::ReportFormat::Text)]
        format: crate::export::headcount::ReportFormat,
        /// Show 1 to 4 as "<5" (for public sharing)
        #[arg(long)]
        suppress_small: bool,
    },
}

#[derive(Debug, Subcommand)]
enum CasesCommand {
    /// Your shelters' open cases, with what each must do next and by when
    List {
        /// Closed cases too
        #[arg(long)]
        all: bool,
    },
}

#[derive(Debug, Subcommand)]
enum ListCommand {
    /// Who goes to each venue on a day (as `albergue list appointments`;
    /// `departures` is its old name)
    #[command(alias = "departures")]
    Appointments {
        /// today, tomorrow, or a date (2024-05-23 or 23/05/2024)
        #[arg(long, default_value = "tomorrow", value_parser = Day::parse_arg)]
        date: Day,
        /// Only this venue (a port's or a program's venue code)
        #[arg(long, alias = "port", value_name = "CODE", value_parser = crate::programs::parse_place_arg)]
        venue: Option<String>,
        /// Only the households of this shelter (name or city)
        #[arg(long, value_name = "NAME")]
        shelter: Option<String>,
        /// text, csv or html
        #[arg(long, value_enum, default_value_t = ListFormat::Text)]
        format: ListFormat,
    },
}

#[derive(Debug, Subcommand)]
enum PersonCommand {
    /// Everything held on one person (a data-subject request)
    Export {
        /// The person's id (the number after # on their screen)
        id: i64,
        /// json (one document) or text (a `key: value` a line)
        #[arg(long, default_value = "json", value_parser = ["json", "text"])]
        format: String,
    },
}

/// A command to run for a user, or the answer already known (help).
pub struct Job {
    /// The command, when one is to run.
    pub parsed: Option<Served>,
    /// Else what to answer.
    pub answer: Option<Ran>,
    /// The database.
    pub db: DbFile,
    /// Who runs it.
    pub user: User,
    /// Who its audit rows name.
    pub actor: Actor,
    /// The clock.
    pub now: chrono::DateTime<chrono::Utc>,
    /// The language of what it writes.
    pub lang: Lang,
}

/// Runs `job` and streams its output to the client on `channel`: standard
/// output, standard error, exit status, then the channel's end.
pub async fn serve(
    job: Job,
    handle: russh::server::Handle,
    channel: russh::ChannelId,
    id: u64,
    name: String,
) {
    let ran = match (job.parsed, job.answer) {
        (Some(parsed), _) => tokio::task::spawn_blocking(move || {
            run(parsed, &job.db, &job.user, &job.actor, job.now, job.lang)
        })
        .await
        .unwrap_or_else(|_| Ran {
            stderr: "albergue: the command failed\n".into(),
            code: 1,
            ..Ran::default()
        }),
        (None, answer) => answer.unwrap_or_default(),
    };
    // Streamed in pieces the channel's window takes in turn.
    for piece in ran.stdout.chunks(32 * 1024) {
        if handle.data(channel, piece.to_vec()).await.is_err() {
            return;
        }
    }
    if !ran.stderr.is_empty() {
        let _ = handle
            .extended_data(channel, 1, ran.stderr.into_bytes())
            .await;
    }
    let _ = handle.exit_status_request(channel, ran.code).await;
    let _ = handle.eof(channel).await;
    let _ = handle.close(channel).await;
    tracing::info!(command = id, name = %safe_name(&name), code = ran.code, "command ended");
}

/// A command's first words for the log when they are one of the served
/// commands' own; anything else is logged as "other" (it could be text).
fn safe_name(name: &str) -> &str {
    match name {
        "list appointments" | "list departures" | "person export" | "report headcount"
        | "cases list" | "help" | "--help" | "list" | "person" | "report" | "cases" => name,
        _ => "other",
    }
}

/// Splits a command line as a shell would split words (quotes, escapes),
/// running nothing.
fn words(line: &str) -> Option<Vec<String>> {
    shlex::split(line)
}

/// Reads the command `line`: a command of the allow-list, or what to
/// answer instead (help asked for, with exit status 0; else why not).
pub fn parse(line: &str) -> Result<Served, Ran> {
    let Some(words) = words(line) else {
        return Err(Ran::failed(2, "the command has an unclosed quote"));
    };
    match Served::try_parse_from(&words) {
        Ok(p) => Ok(p),
        Err(e) => {
            use clap::error::ErrorKind;
            // Help asked for is an answer, not an error.
            let code = match e.kind() {
                ErrorKind::DisplayHelp
                | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
                | ErrorKind::DisplayVersion => 0,
                _ => 2,
            };
            let text = e.render().to_string();
            Err(if code == 0 {
                Ran {
                    stdout: text.into_bytes(),
                    ..Ran::default()
                }
            } else {
                Ran {
                    stderr: text,
                    code,
                    ..Ran::default()
                }
            })
        }
    }
}

/// Runs `parsed` for `user` on `db` (blocking: call it off the async
/// threads). Writes are made in `actor`'s name.
pub fn run(
    parsed: Served,
    db: &DbFile,
    user: &User,
    actor: &Actor,
    now: chrono::DateTime<chrono::Utc>,
    lang: Lang,
) -> Ran {
    let needs = match &parsed.command {
        Command::List { .. } => Permission::PrintLists,
        Command::Person { .. } => Permission::Jobs,
        Command::Report { .. } | Command::Cases { .. } => Permission::PrintLists,
    };
    if !user.role.may(needs) {
        return Ran::failed(1, refused(user.role));
    }
    let mut store = match db.open(OpenMode::Existing) {
        Ok(s) => s.as_user(user),
        Err(e) => return Ran::failed(1, e),
    };
    match parsed.command {
        Command::List {
            list:
                ListCommand::Appointments {
                    date,
                    venue,
                    shelter,
                    format,
                },
        } => {
            let asked = Asked {
                day: date,
                venue,
                shelter: shelter.as_deref(),
                format,
                lang,
                home: None,
            };
            let (text, people, ports) = match crate::export::departures::make(&store, &asked, now) {
                Ok(made) => made,
                Err(e) => return Ran::failed(1, e),
            };
            // Audited before it is handed out: a list nobody may have is
            // never sent.
            let summary = format!(
                "departures {} {}: {people} people, {ports} ports",
                format.extension(),
                match date {
                    Day::Today => "today".to_string(),
                    Day::Tomorrow => "tomorrow".to_string(),
                    Day::On(d) => d.to_string(),
                }
            );
            if let Err(e) = store.record_served_list(&summary, actor) {
                return Ran::failed(1, e);
            }
            tracing::info!(ports, people, "list served");
            Ran {
                stdout: text.into_bytes(),
                ..Ran::default()
            }
        }
        Command::Person {
            person: PersonCommand::Export { id, format },
        } => match crate::export::person::export_person(&mut store, id, &format, actor, now) {
            Ok(value) => {
                tracing::info!(person = id, "person export served");
                let text = if format == "text" {
                    crate::export::person::as_text(&value)
                } else {
                    format!(
                        "{}\n",
                        serde_json::to_string_pretty(&value).unwrap_or_default()
                    )
                };
                Ran {
                    stdout: text.into_bytes(),
                    ..Ran::default()
                }
            }
            Err(e) => Ran::failed(1, e),
        },
        Command::Report {
            report:
                ReportCommand::Headcount {
                    from,
                    to,
                    format,
                    suppress_small,
                },
        } => {
            if to < from {
                return Ran::failed(2, format!("--to {to} is before --from {from}"));
            }
            // (The user's shelters alone: the store handle is theirs.)
            let made = (|| -> crate::store::Result<String> {
                let counted = store.headcount(from, to)?;
                let shelters = store.shelters()?;
                let sections = store.sections()?;
                let asked = crate::export::headcount::Asked {
                    from,
                    to,
                    shelters: &shelters,
                    sections: &sections,
                    suppress: suppress_small,
                };
                store.record_served_list(&format!("headcount {from} to {to}"), actor)?;
                Ok(crate::export::headcount::render(&counted, &asked, format))
            })();
            match made {
                Ok(text) => Ran {
                    stdout: text.into_bytes(),
                    ..Ran::default()
                },
                Err(e) => Ran::failed(1, e),
            }
        }
        Command::Cases {
            cases: CasesCommand::List { all },
        } => match store.cases(!all) {
            Ok(cases) => {
                let n = cases.len();
                if let Err(e) = store.record_served_list(&format!("cases: {n}"), actor) {
                    return Ran::failed(1, e);
                }
                Ran {
                    stdout: crate::export::cases::list(crate::programs::in_force(), cases, now)
                        .into_bytes(),
                    ..Ran::default()
                }
            }
            Err(e) => Ran::failed(1, e),
        },
    }
}

fn refused(role: Role) -> String {
    format!("your role ({role}) may not run this command; `ssh HOST -- help` lists the commands")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_split_as_a_shell_would_without_running_one() {
        assert_eq!(
            words("list departures --shelter 'Casa del Migrante' --format html").unwrap(),
            [
                "list",
                "departures",
                "--shelter",
                "Casa del Migrante",
                "--format",
                "html"
            ]
        );
        assert_eq!(
            words("list; rm -rf /").unwrap(),
            ["list;", "rm", "-rf", "/"]
        );
        assert!(words("list 'open").is_none());
    }

    #[test]
    fn only_the_allow_list_parses() {
        assert!(Served::try_parse_from(["list", "departures", "--format", "csv"]).is_ok());
        assert!(Served::try_parse_from(["sh", "-c", "id"]).is_err());
        assert!(Served::try_parse_from(["users", "add", "eve"]).is_err());
        assert!(Served::try_parse_from(["list", "departures", "--out", "/etc/x"]).is_err());
    }
}
