//! The manual page and the shell completions, made from the command line's
//! own definition so that they cannot drift from `--help`.
//!
//! `albergue man` prints one page, `albergue(1)`, with every subcommand in
//! it (the way `man albergue` is read: one page to search with `/`), plus
//! the environment, the files and the exit codes that README.md tables.

use std::io::Write;

use clap::{Arg, ArgAction};
use clap_mangen::roff::{bold, italic, roman, Inline, Roff};
use clap_mangen::Man;

/// Writes the completion script of the command line `cmd` for `shell`.
pub fn completions(
    mut cmd: clap::Command,
    shell: clap_complete::Shell,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    clap_complete::generate(shell, &mut cmd, "albergue", out);
    Ok(())
}

const DESCRIPTION: &[&str] = &[
    "albergue keeps, in a local SQLite database, the roster of people stranded at a shelter \
     while they wait for CBP One asylum appointments and their family groups, their \
     appointments (port of entry, local date and time, the 23-hour confirmation deadline, \
     confirmation numbers) and outage alerts for the CBP One app, with the appointments each \
     outage puts at risk and the extensions CBP grants.",
    "Without a command, albergue opens the dashboard on the database. In the dashboard, ? \
     shows the keys of the screen you are on and q quits. Coordinators who connect over SSH \
     are served by albergue serve, each with their own key and role; the nightly job runs \
     albergue export and albergue backup without a terminal.",
];

const ENVIRONMENT: &[(&str, &str)] = &[
    ("ALBERGUE_DB", "The database file, when --db is not given."),
    (
        "ALBERGUE_KEY_FILE",
        "The database key file, when --key-file is not given (mode 0400 or 0600, the user's own).",
    ),
    (
        "CREDENTIALS_DIRECTORY",
        "Set by systemd: albergue-db-key in it (LoadCredential=albergue-db-key:FILE) is the database key, before --key-file.",
    ),
    (
        "XDG_DATA_HOME, HOME",
        "Where the data folder is (by default ~/.local/share/albergue).",
    ),
    (
        "XDG_CONFIG_HOME",
        "Where config.toml and keys.toml are (by default ~/.config/albergue).",
    ),
    (
        "XDG_STATE_HOME",
        "Where the log is (by default ~/.local/state/albergue/albergue.log).",
    ),
    (
        "LC_ALL, LC_MESSAGES, LANG",
        "The interface language when neither --lang nor the config file gives one (es* is Spanish).",
    ),
    ("NO_COLOR", "When set, the dashboard is drawn in monochrome."),
    ("USER, LOGNAME", "The actor recorded in the audit trail."),
    (
        "SSH_CONNECTION",
        "When set, the client address is added to the actor (maria@203.0.113.7).",
    ),
    (
        "RUST_LOG",
        "The log level or targets when --log-level is not given (default info).",
    ),
    (
        "JOURNAL_STREAM",
        "Set by systemd: when it names standard error, the log goes there, in the journal's format, instead of the file.",
    ),
];

const FILES: &[(&str, &str)] = &[
    (
        "~/.local/share/albergue/albergue.db",
        "The database (0600, in a 0700 folder), with its -wal and -shm files.",
    ),
    (
        "~/.local/share/albergue/demo.db",
        "The demo database of --demo, kept apart from the real one.",
    ),
    (
        "~/.config/albergue/config.toml",
        "Settings: lang, theme, low_bandwidth, shelter.",
    ),
    (
        "~/.config/albergue/keys.toml",
        "Key bindings: action = [\"key\", ...] replaces that action's keys.",
    ),
    (
        "~/.local/state/albergue/albergue.log",
        "The log (0600), rotated daily to albergue.log.YYYY-MM-DD, a week kept. It holds counts, ids and times, never a person's name, phone, note or confirmation number.",
    ),
    (
        "/var/lib/albergue/",
        "With the Debian package: the home (0700) of the system user albergue, holding albergue.db, the host key of albergue serve, exports/ and backups/.",
    ),
    (
        "/usr/lib/albergue/albergue-nightly.sh",
        "The nightly export and backup, run by albergue-nightly.timer.",
    ),
];

const EXIT_STATUS: &[(&str, &str)] = &[
    ("0", "Done; for check, the database is sound."),
    (
        "1",
        "Failed: the message on standard error names the file or value at fault; nothing was changed.",
    ),
    ("2", "Usage error (unknown option, invalid value)."),
    (
        "129, 143",
        "The dashboard ended on SIGHUP (a dropped link) or on SIGTERM or SIGINT; its terminal was restored and any form kept as a draft.",
    ),
];

/// Writes the manual page `albergue(1)` of the command line `cmd` in roff.
pub fn man_page(mut cmd: clap::Command, out: &mut dyn Write) -> std::io::Result<()> {
    cmd.build();
    let man = Man::new(cmd.clone())
        .title("ALBERGUE")
        .section("1")
        .manual("albergue manual")
        .source(format!("albergue {}", env!("CARGO_PKG_VERSION")));
    man.render_title(out)?;
    man.render_name_section(out)?;
    man.render_synopsis_section(out)?;

    let mut roff = Roff::new();
    roff.control("SH", ["DESCRIPTION"]);
    paragraphs(&mut roff, DESCRIPTION.iter().copied());
    roff.to_writer(out)?;
    man.render_options_section(out)?;

    let mut roff = Roff::new();
    roff.control("SH", ["COMMANDS"]);
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        command(&mut roff, &["albergue"], sub);
    }
    table(&mut roff, "ENVIRONMENT", ENVIRONMENT);
    table(&mut roff, "FILES", FILES);
    table(&mut roff, "EXIT STATUS", EXIT_STATUS);
    roff.control("SH", ["SEE ALSO"]);
    roff.text([
        roman("ssh(1), age(1), systemd.timer(5), journalctl(1); README.md in "),
        italic("/usr/share/doc/albergue/"),
        roman("."),
    ]);
    roff.to_writer(out)
}

/// One subcommand: its heading, usage, long help and options; a command
/// with subcommands of its own (`users`) gives each of them.
fn command(roff: &mut Roff, parents: &[&str], cmd: &clap::Command) {
    let mut path = parents.to_vec();
    path.push(cmd.get_name());
    if cmd.has_subcommands() {
        for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
            command(roff, &path, sub);
        }
        return;
    }
    roff.control("SS", [path.join(" ").as_str()]);
    let mut usage = vec![bold(path.join(" "))];
    for arg in own_args(cmd) {
        usage.push(roman(" "));
        usage.extend(synopsis(arg));
    }
    roff.text(usage);
    let about = cmd
        .get_long_about()
        .or_else(|| cmd.get_about())
        .map(|a| a.to_string())
        .unwrap_or_default();
    paragraphs(roff, about.split("\n\n"));
    for arg in own_args(cmd) {
        option(roff, arg);
    }
}

/// The arguments a subcommand has of its own (the global ones are in
/// OPTIONS), without help and hidden ones.
fn own_args(cmd: &clap::Command) -> impl Iterator<Item = &Arg> {
    cmd.get_arguments().filter(|a| {
        !a.is_hide_set()
            && !a.is_global_set()
            && !matches!(a.get_action(), ArgAction::Help | ArgAction::Version)
    })
}

fn value_names(arg: &Arg) -> String {
    arg.get_value_names()
        .map(|v| v.iter().map(|n| n.as_str()).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|| arg.get_id().as_str().to_uppercase())
}

fn takes_value(arg: &Arg) -> bool {
    arg.get_action().takes_values()
}

/// `--out DIR`, `--redact`, `FILE`.
fn flag(arg: &Arg) -> Vec<Inline> {
    match arg.get_long() {
        Some(long) if takes_value(arg) => vec![
            bold(format!("--{long}")),
            roman(" "),
            italic(value_names(arg)),
        ],
        Some(long) => vec![bold(format!("--{long}"))],
        None => vec![italic(value_names(arg))],
    }
}

/// `[--out DIR]`, `--people N`, `FILE`.
fn synopsis(arg: &Arg) -> Vec<Inline> {
    if arg.is_required_set() {
        return flag(arg);
    }
    let mut parts = vec![roman("[")];
    parts.extend(flag(arg));
    parts.push(roman("]"));
    parts
}

fn option(roff: &mut Roff, arg: &Arg) {
    roff.control("TP", []);
    let mut head = Vec::new();
    if let Some(short) = arg.get_short() {
        head.push(bold(format!("-{short}")));
        head.push(roman(", "));
    }
    head.extend(flag(arg));
    roff.text(head);
    let mut help = arg
        .get_long_help()
        .or_else(|| arg.get_help())
        .map(|h| h.to_string())
        .unwrap_or_default();
    let defaults: Vec<String> = arg
        .get_default_values()
        .iter()
        .map(|v| v.to_string_lossy().into_owned())
        .collect();
    if !defaults.is_empty() && takes_value(arg) {
        help.push_str(&format!(" [default: {}]", defaults.join(", ")));
    }
    let values: Vec<String> = arg
        .get_possible_values()
        .iter()
        .filter(|v| !v.is_hide_set())
        .map(|v| v.get_name().to_string())
        .collect();
    if !values.is_empty() {
        help.push_str(&format!(" [possible values: {}]", values.join(", ")));
    }
    roff.text([roman(help)]);
}

fn paragraphs<'a>(roff: &mut Roff, texts: impl Iterator<Item = &'a str>) {
    for text in texts {
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        if text.is_empty() {
            continue;
        }
        roff.control("PP", []);
        roff.text([roman(text)]);
    }
}

fn table(roff: &mut Roff, heading: &str, rows: &[(&str, &str)]) {
    roff.control("SH", [heading]);
    for (name, meaning) in rows {
        roff.control("TP", []);
        roff.text([bold(*name)]);
        roff.text([roman(*meaning)]);
    }
}
