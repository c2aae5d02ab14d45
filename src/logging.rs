//! The log: starts and exits, jobs with counts and durations, errors with
//! their cause, slow queries by name. Never a name, phone, note or
//! confirmation number: events carry counts, ids, table names and times.
//!
//! Where it goes:
//! - under systemd (`JOURNAL_STREAM` names this process's standard error),
//!   to standard error with `<N>` priority prefixes, which the journal reads
//!   as the level (`journalctl -u albergue-serve -p warning`);
//! - otherwise to `albergue.log` in the XDG state folder
//!   (`~/.local/state/albergue/`), created 0600, rotated daily to
//!   `albergue.log.YYYY-MM-DD`, the last week kept; never to the terminal,
//!   where it would tear the dashboard.
//!
//! The level is `--log-level`, else `RUST_LOG`, else `info`; either takes
//! a level (`debug`) or targets (`albergue::serve=debug,info`).

use std::fs::{DirBuilder, File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Mutex;

use chrono::{DateTime, Local, NaiveDate};
use tracing::level_filters::LevelFilter;
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::filter::Targets;
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::registry::LookupSpan;

/// The log file's name in the state folder.
pub const FILE_NAME: &str = "albergue.log";
/// Rotated files older than this many days are removed.
pub const KEEP_DAYS: i64 = 7;
/// A query (one request of the dashboard's store thread, or one job step)
/// slower than this is logged by name.
pub const SLOW_MS: u128 = 100;

/// Where the log goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sink {
    /// Standard error, which systemd's journal reads.
    Journal,
    /// A file in this folder, rotated daily.
    Folder(PathBuf),
}

/// Parses a level or a list of targets (`albergue=debug,info`), as
/// `--log-level` and `RUST_LOG` take them.
pub fn parse_level(text: &str) -> Result<Targets, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("empty; use error, warn, info, debug, trace or off".into());
    }
    let hint = "use error, warn, info, debug, trace or off, or TARGET=LEVEL";
    // A bare word is a level here: `Targets` would take it for a target
    // enabled at every level, and `--log-level loud` would log nothing.
    for part in text.split(',').map(str::trim) {
        if !part.contains('=') && LevelFilter::from_str(part).is_err() {
            return Err(format!("{part:?} is not a level; {hint}"));
        }
    }
    Targets::from_str(text).map_err(|e| format!("{e} in {text:?}; {hint}"))
}

/// The sink this process should use: the journal when systemd connected
/// standard error to it, else the state folder (if there is one).
pub fn choose_sink() -> Option<Sink> {
    if stderr_is_journal() {
        return Some(Sink::Journal);
    }
    // `$XDG_STATE_HOME`, by default `~/.local/state`.
    let dirs = directories::BaseDirs::new()?;
    Some(Sink::Folder(dirs.state_dir()?.join("albergue")))
}

/// systemd sets `JOURNAL_STREAM=DEV:INODE` for a service whose standard
/// error is the journal; a child whose error went elsewhere inherits the
/// variable, so it counts only when the numbers match fd 2.
fn stderr_is_journal() -> bool {
    let Some(value) = std::env::var_os("JOURNAL_STREAM") else {
        return false;
    };
    let Some((dev, ino)) = value.to_str().and_then(|v| v.split_once(':')) else {
        return false;
    };
    let (Ok(dev), Ok(ino)) = (dev.parse::<u64>(), ino.parse::<u64>()) else {
        return false;
    };
    use std::os::fd::AsFd;
    let Ok(fd) = io::stderr().as_fd().try_clone_to_owned() else {
        return false;
    };
    File::from(fd)
        .metadata()
        .is_ok_and(|m| m.dev() == dev && m.ino() == ino)
}

/// Starts logging for this process. `level` is `--log-level`'s value;
/// `RUST_LOG` is read when it is absent. A log that cannot be opened is
/// reported once on standard error and the command goes on without it.
pub fn init(level: Option<&Targets>) {
    let filter = match level {
        Some(t) => t.clone(),
        None => match std::env::var("RUST_LOG") {
            Ok(v) if !v.trim().is_empty() => parse_level(&v).unwrap_or_else(|e| {
                eprintln!("albergue: warning: RUST_LOG ignored: {e}");
                default_level()
            }),
            _ => default_level(),
        },
    };
    let Some(sink) = choose_sink() else { return };
    let installed = match sink {
        Sink::Journal => tracing::subscriber::set_global_default(
            tracing_subscriber::registry().with(filter).with(
                tracing_subscriber::fmt::layer()
                    .with_ansi(false)
                    .event_format(JournalFormat)
                    .with_writer(io::stderr),
            ),
        ),
        Sink::Folder(dir) => match LogFile::open(&dir) {
            Ok(file) => tracing::subscriber::set_global_default(
                tracing_subscriber::registry().with(filter).with(
                    tracing_subscriber::fmt::layer()
                        .with_ansi(false)
                        .with_writer(Mutex::new(file)),
                ),
            ),
            Err(e) => {
                eprintln!(
                    "albergue: warning: no log: cannot open {}: {e}",
                    dir.join(FILE_NAME).display()
                );
                return;
            }
        },
    };
    // Only the first call in a process installs (tests may call it twice).
    if installed.is_ok() {
        log_panics();
    }
}

/// A panic is logged by where it happened; its message is not, since it
/// may quote a value.
fn log_panics() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let at = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()))
            .unwrap_or_default();
        tracing::error!(at = %at, "panic");
        previous(info);
    }));
}

fn default_level() -> Targets {
    Targets::new().with_default(Level::INFO)
}

/// One line an event, with the syslog priority the journal reads; the
/// journal adds the time, the unit and the process.
struct JournalFormat;

impl<S, N> FormatEvent<S, N> for JournalFormat
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(
        &self,
        ctx: &FmtContext<'_, S, N>,
        mut writer: Writer<'_>,
        event: &Event<'_>,
    ) -> std::fmt::Result {
        let meta = event.metadata();
        write!(writer, "<{}>{}: ", priority(*meta.level()), meta.target())?;
        ctx.format_fields(writer.by_ref(), event)?;
        writeln!(writer)
    }
}

/// The syslog priority of a level (sd-daemon(3)).
pub fn priority(level: Level) -> u8 {
    match level {
        Level::ERROR => 3,
        Level::WARN => 4,
        Level::INFO => 6,
        _ => 7,
    }
}

/// `albergue.log` in the state folder, moved aside to
/// `albergue.log.YYYY-MM-DD` when the local day changes. Several processes
/// (sessions, the nightly job) may write to it: each appends whole lines,
/// and a file already moved aside by another is not moved again.
pub struct LogFile {
    dir: PathBuf,
    file: File,
    day: NaiveDate,
    /// Today's local date (a fixed one in tests).
    today: fn() -> NaiveDate,
}

fn local_today() -> NaiveDate {
    Local::now().date_naive()
}

impl LogFile {
    /// Opens (creating 0700 / 0600) the log in `dir`, rotating first if
    /// it was last written on an earlier day.
    pub fn open(dir: &Path) -> io::Result<Self> {
        Self::open_with(dir, local_today)
    }

    fn open_with(dir: &Path, clock: fn() -> NaiveDate) -> io::Result<Self> {
        let today = clock();
        DirBuilder::new().recursive(true).mode(0o700).create(dir)?;
        let path = dir.join(FILE_NAME);
        if let Ok(meta) = std::fs::metadata(&path) {
            let written: DateTime<Local> = meta.modified()?.into();
            let written = written.date_naive();
            if written < today {
                let aside = dir.join(format!("{FILE_NAME}.{written}"));
                if !aside.exists() {
                    std::fs::rename(&path, &aside)?;
                }
            }
        }
        prune(dir, today);
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .mode(0o600)
            .open(&path)?;
        // A file made by an older albergue or by hand is made private too.
        if file.metadata()?.permissions().mode() & 0o077 != 0 {
            file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
        }
        Ok(Self {
            dir: dir.to_path_buf(),
            file,
            day: today,
            today: clock,
        })
    }
}

/// Removes rotated logs from before the last week.
fn prune(dir: &Path, today: NaiveDate) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let oldest = today - chrono::Duration::days(KEEP_DAYS);
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(day) = name
            .to_str()
            .and_then(|n| n.strip_prefix(FILE_NAME))
            .and_then(|n| n.strip_prefix('.'))
            .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        else {
            continue;
        };
        if day < oldest {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

impl Write for LogFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if (self.today)() != self.day {
            // A failed rotation keeps writing to the old file.
            if let Ok(next) = Self::open_with(&self.dir, self.today) {
                *self = next;
            }
        }
        self.file.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn nov20() -> NaiveDate {
        day("2026-11-20")
    }

    fn nov21() -> NaiveDate {
        day("2026-11-21")
    }

    fn set_mtime(path: &Path, day: NaiveDate) {
        let when = day
            .and_hms_opt(12, 0, 0)
            .unwrap()
            .and_local_timezone(Local)
            .unwrap();
        let f = OpenOptions::new().append(true).open(path).unwrap();
        f.set_modified(when.into()).unwrap();
    }

    #[test]
    fn levels_and_targets_parse_and_nonsense_is_named() {
        assert!(parse_level("debug").is_ok());
        assert!(parse_level("albergue::serve=debug,warn").is_ok());
        let e = parse_level("loud").unwrap_err();
        assert!(e.contains("\"loud\""), "{e}");
        assert!(parse_level(" ").is_err());
    }

    #[test]
    fn the_file_is_private_and_rotates_by_day_keeping_a_week() {
        let dir = tempfile::tempdir().unwrap();
        let logs = dir.path().join("state/albergue");
        let mut log = LogFile::open_with(&logs, nov20).unwrap();
        writeln!(log, "first day").unwrap();
        let path = logs.join(FILE_NAME);
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        let folder = std::fs::metadata(&logs).unwrap().permissions().mode();
        assert_eq!(folder & 0o777, 0o700);
        drop(log);
        // Rotated files from long ago, and one within the week.
        for old in ["2026-11-01", "2026-11-19"] {
            std::fs::write(logs.join(format!("{FILE_NAME}.{old}")), "old\n").unwrap();
        }
        set_mtime(&path, day("2026-11-20"));
        let mut log = LogFile::open_with(&logs, nov21).unwrap();
        writeln!(log, "second day").unwrap();
        let aside = std::fs::read_to_string(logs.join(format!("{FILE_NAME}.2026-11-20"))).unwrap();
        assert_eq!(aside, "first day\n");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "second day\n");
        assert!(!logs.join(format!("{FILE_NAME}.2026-11-01")).exists());
        assert!(logs.join(format!("{FILE_NAME}.2026-11-19")).exists());
    }

    #[test]
    fn a_file_moved_aside_by_another_process_is_not_moved_again() {
        let dir = tempfile::tempdir().unwrap();
        let logs = dir.path();
        std::fs::write(logs.join(format!("{FILE_NAME}.2026-11-20")), "theirs\n").unwrap();
        std::fs::write(logs.join(FILE_NAME), "also old\n").unwrap();
        set_mtime(&logs.join(FILE_NAME), day("2026-11-20"));
        let mut log = LogFile::open_with(logs, nov21).unwrap();
        writeln!(log, "new").unwrap();
        let aside = std::fs::read_to_string(logs.join(format!("{FILE_NAME}.2026-11-20"))).unwrap();
        assert_eq!(aside, "theirs\n");
        assert_eq!(
            std::fs::read_to_string(logs.join(FILE_NAME)).unwrap(),
            "also old\nnew\n"
        );
    }

    #[test]
    fn a_log_made_readable_by_others_is_made_private() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE_NAME);
        std::fs::write(&path, "").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        LogFile::open(dir.path()).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}
