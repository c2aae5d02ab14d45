//! `albergue export`: the nightly export. One read transaction, written
//! into a hidden folder beside the target and renamed into place only when
//! complete, files 0600 and folders 0700, with a manifest of counts and
//! SHA-256 sums. Runs without a terminal.

pub mod backup;
pub mod cases;
pub mod compare;
pub mod departures;
pub mod files;
mod folders;
pub mod headcount;

use folders::{clean_leftovers, next_suffix, our_folders};
pub mod person;
pub mod seal;
pub mod sign;

use std::fmt::Write as _;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use chrono::{DateTime, Datelike, Local, Timelike, Utc};
use serde::Serialize;

use self::files::{private_dir, private_file, Hashing};
use crate::actor::Actor;
use crate::domain::port;
use crate::store::{Column, Field, Kind, Snapshot, Snapshots, StoreError, Table};

/// Prefix of the working folders of exports in progress.
const WORK_PREFIX: &str = ".albergue-export-";

/// Which files to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// CSV (RFC 4180).
    Csv,
    /// JSON Lines.
    Json,
    /// Both.
    Both,
}

/// What to export, and where.
#[derive(Debug, Clone)]
pub struct Options {
    /// The folder that holds the dated export folders.
    pub out: PathBuf,
    /// CSV, JSON Lines or both.
    pub format: Format,
    /// Leave out phones and notes, birth year only, names replaced by ids.
    pub redact: bool,
    /// Keep only the newest N dated folders (of albergue's own).
    pub keep: Option<usize>,
    /// Encrypt every file to these (`.age` files; nothing plaintext is
    /// written). `None`: plaintext.
    pub recipients: Option<std::sync::Arc<seal::Recipients>>,
    /// Sign the manifest with this key (`manifest.json.sig`).
    pub signing_key: Option<russh::keys::PrivateKey>,
}

/// What an export did.
#[derive(Debug, Clone)]
pub struct Report {
    /// The dated folder written.
    pub folder: PathBuf,
    /// Rows per table.
    pub counts: Vec<(&'static str, u64)>,
    /// Folders removed by `--keep`.
    pub removed: Vec<PathBuf>,
    /// How long it took.
    pub seconds: f64,
    /// Whether the export was recorded in the audit trail (not on a
    /// database that can only be read).
    pub audited: bool,
}

/// Why an export failed. Nothing half-written is left behind.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// Reading the database.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Writing the files.
    #[error("{path}")]
    Io {
        /// Where.
        path: PathBuf,
        /// What the OS said.
        source: io::Error,
    },
    /// `--out` names something that is not a folder.
    #[error("{0} is not a folder: --out names the folder that holds the dated exports")]
    NotAFolder(PathBuf),
}

fn io_at(path: &Path) -> impl FnOnce(io::Error) -> ExportError + '_ {
    move |source| ExportError::Io {
        path: path.to_path_buf(),
        source,
    }
}

#[derive(Serialize)]
struct ManifestFile {
    name: String,
    table: &'static str,
    rows: u64,
    bytes: u64,
    sha256: String,
}

/// The manifest written as `manifest.json`.
#[derive(Serialize)]
struct Manifest {
    generator: &'static str,
    albergue_version: &'static str,
    schema_version: i64,
    exported_at: String,
    redacted: bool,
    /// How many recipients the files are encrypted to (`.age`); 0: plaintext.
    encrypted_to: usize,
    /// The audit chain as the export's snapshot held it: its length and
    /// head, so that `albergue audit verify --manifest` can tell later
    /// whether rows were changed, removed or the chain rewritten since.
    audit_chain: ChainRecord,
    files: Vec<ManifestFile>,
}

/// The audit chain in a manifest.
#[derive(Serialize, serde::Deserialize, Debug, Clone, PartialEq, Eq)]
#[serde(untagged)]
pub enum ChainRecord {
    /// Whole: this many rows, the last with this hash (hex SHA-256).
    Head {
        /// Rows in the chain.
        rows: u64,
        /// The last row's hash.
        head_sha256: String,
    },
    /// Broken when exported: where.
    Broken {
        /// What `albergue check` would say.
        broken: String,
    },
}

/// Lowercase hex.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// What happens to a column on the way out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Out {
    Keep,
    /// Redacted: left out.
    Drop,
    /// Redacted: `person-<id>` / `household-<id>` from the row's id.
    IdLabel(&'static str),
    /// Redacted: `(empty)`.
    Blank,
    /// Redacted: the year of a day.
    Year,
}

fn treatment(table: Table, column: &Column, redact: bool) -> Out {
    if !redact {
        return Out::Keep;
    }
    match (table, column.name) {
        (Table::People, "given_names") => Out::IdLabel("person-"),
        (Table::People, "family_names") => Out::Blank,
        (Table::People, "phone" | "notes") => Out::Drop,
        (Table::People, "birth_date") => Out::Year,
        (Table::Households, "label") => Out::IdLabel("household-"),
        (Table::Households, "us_destination") => Out::Drop,
        // (Free text a coordinator wrote about the household.)
        (Table::Transfers, "reason") => Out::Drop,
        // (A claim or visa number is a person's; a note is free text.)
        (Table::Cases, "reference") => Out::Drop,
        (Table::CaseEvents, "note") => Out::Drop,
        _ => Out::Keep,
    }
}

/// `2024-05-22T15:00:00Z`, written without a formatter per field.
fn write_instant(out: &mut String, secs: i64) {
    match DateTime::from_timestamp(secs, 0) {
        Some(t) => {
            let _ = write!(
                out,
                "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
                t.year(),
                t.month(),
                t.day(),
                t.hour(),
                t.minute(),
                t.second()
            );
        }
        None => {
            let _ = write!(out, "{secs}");
        }
    }
}

/// Turns one stored row into the exported fields (text, or `None` for null),
/// appending them to `out` and their ends to `ends`.
fn render_row(
    table: Table,
    cols: &[Column],
    row: &[Field<'_>],
    redact: bool,
    out: &mut String,
    ends: &mut Vec<(usize, bool)>,
) {
    out.clear();
    ends.clear();
    let id = match row.first() {
        Some(Field::Int(id)) => *id,
        _ => 0,
    };
    for (c, f) in cols.iter().zip(row) {
        let treat = treatment(table, c, redact);
        if treat == Out::Drop {
            continue;
        }
        let is_null = matches!(f, Field::Null);
        match (treat, f) {
            (Out::IdLabel(prefix), _) => {
                let _ = write!(out, "{prefix}{id}");
            }
            (Out::Blank, _) | (_, Field::Null) => {}
            (Out::Year, Field::Text(t)) => out.push_str(t.get(..4).unwrap_or(t)),
            (_, Field::Int(v)) if c.kind == Kind::Instant => write_instant(out, *v),
            (_, Field::Int(v)) => {
                let _ = write!(out, "{v}");
            }
            (_, Field::Text(t)) => out.push_str(t),
        }
        ends.push((out.len(), is_null && treat == Out::Keep));
        // Appointments also carry the time at the port, in its own zone.
        if table == Table::Appointments && c.name == "appointment_at" {
            let local = match (f, row.get(3)) {
                (Field::Int(secs), Some(Field::Text(code))) => port::by_code(code)
                    .zip(DateTime::from_timestamp(*secs, 0))
                    .map(|(p, t)| p.local_time(t)),
                _ => None,
            };
            if let Some(l) = local {
                let _ = write!(out, "{}", l.format("%Y-%m-%dT%H:%M:%S%:z"));
                ends.push((out.len(), false));
                let _ = write!(out, "{}", l.format("%Z"));
                ends.push((out.len(), false));
            } else {
                ends.push((out.len(), true));
                ends.push((out.len(), true));
            }
        }
    }
}

fn header(table: Table, redact: bool) -> Vec<&'static str> {
    let mut names = Vec::new();
    for c in table.columns() {
        if treatment(table, c, redact) == Out::Drop {
            continue;
        }
        names.push(c.name);
        if table == Table::Appointments && c.name == "appointment_at" {
            names.push("appointment_local");
            names.push("appointment_zone");
        }
    }
    names
}

type FileWriter = Hashing<BufWriter<std::fs::File>>;

/// Creates `name` in `dir` (`name.age` when encrypting): what is written
/// goes through age when there are recipients, then is hashed (the
/// manifest lists the hash of the file as stored) and buffered.
fn open_out(
    dir: &Path,
    name: &str,
    recipients: Option<&seal::Recipients>,
) -> Result<(PathBuf, seal::Sink<FileWriter>), ExportError> {
    let name = match recipients {
        Some(_) => format!("{name}.age"),
        None => name.to_string(),
    };
    let path = dir.join(name);
    let file = private_file(&path).map_err(io_at(&path))?;
    let w = Hashing::new(BufWriter::with_capacity(256 * 1024, file));
    let sink = match recipients {
        Some(r) => seal::Sink::Sealed(r.seal(w).map_err(io_at(&path))?),
        None => seal::Sink::Plain(w),
    };
    Ok((path, sink))
}

fn close_out(path: &Path, w: seal::Sink<FileWriter>) -> Result<(String, u64), ExportError> {
    let w = w.finish().map_err(io_at(path))?;
    let (buf, hash, bytes) = w.finish();
    let file = buf.into_inner().map_err(|e| ExportError::Io {
        path: path.to_path_buf(),
        source: e.into_error(),
    })?;
    file.sync_all().map_err(io_at(path))?;
    Ok((hash, bytes))
}

/// Writes one table as CSV and/or JSON Lines into `dir`.
fn write_table(
    snap: &Snapshot<'_>,
    table: Table,
    dir: &Path,
    opts: &Options,
    progress: &Progress,
) -> Result<Vec<ManifestFile>, ExportError> {
    let cols = table.columns();
    let names = header(table, opts.redact);
    let want_csv = matches!(opts.format, Format::Csv | Format::Both);
    let want_json = matches!(opts.format, Format::Json | Format::Both);
    let mut csv_out = None;
    let mut json_out = None;
    if want_csv {
        let (path, w) = open_out(
            dir,
            &format!("{}.csv", table.name()),
            opts.recipients.as_deref(),
        )?;
        let mut w = csv::Writer::from_writer(w);
        w.write_record(&names).map_err(|e| csv_error(&path, e))?;
        csv_out = Some((path, w));
    }
    if want_json {
        json_out = Some(open_out(
            dir,
            &format!("{}.jsonl", table.name()),
            opts.recipients.as_deref(),
        )?);
    }
    let mut text = String::with_capacity(512);
    let mut ends = Vec::with_capacity(24);
    let mut record = csv::ByteRecord::new();
    let rows = snap.rows(table, |row| -> Result<(), ExportError> {
        render_row(table, cols, row, opts.redact, &mut text, &mut ends);
        if let Some((path, w)) = csv_out.as_mut() {
            record.clear();
            let mut start = 0;
            for &(end, _) in &ends {
                // No cell runs as a formula in a spreadsheet (JSON keeps
                // the text as it is).
                let field = csv_cell(&text[start..end]);
                record.push_field(field.as_bytes());
                start = end;
            }
            w.write_byte_record(&record)
                .map_err(|e| csv_error(path, e))?;
        }
        if let Some((path, w)) = json_out.as_mut() {
            write_json_line(w, &names, &text, &ends).map_err(io_at(path))?;
        }
        progress.row();
        Ok(())
    })?;
    let mut files = Vec::new();
    // Listed under the name the file was created with (`.age` when sealed).
    let mut listed = |path: &Path, (sha256, bytes): (String, u64)| {
        files.push(ManifestFile {
            name: path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            table: table.name(),
            rows,
            bytes,
            sha256,
        });
    };
    if let Some((path, w)) = csv_out {
        let inner = w.into_inner().map_err(|e| ExportError::Io {
            path: path.clone(),
            source: e.into_error(),
        })?;
        listed(&path, close_out(&path, inner)?);
    }
    if let Some((path, w)) = json_out {
        listed(&path, close_out(&path, w)?);
    }
    Ok(files)
}

/// A CSV cell: no control character a terminal would run (`cat
/// people.csv`) but line breaks, and nothing a spreadsheet runs.
fn csv_cell(raw: &str) -> std::borrow::Cow<'_, str> {
    // Bytes first: only a field with an ASCII control or the lead byte of
    // a C1 control (U+0080-U+009F) is read as characters.
    let suspect = raw
        .bytes()
        .any(|b| (b < 0x20 && b != b'\n') || b == 0x7f || b == 0xc2);
    if suspect && raw.chars().any(|c| c.is_control() && c != '\n') {
        let clean = crate::domain::person::free_text(raw);
        std::borrow::Cow::Owned(crate::domain::cell::guarded(&clean).into_owned())
    } else {
        crate::domain::cell::guarded(raw)
    }
}

fn csv_error(path: &Path, e: csv::Error) -> ExportError {
    ExportError::Io {
        path: path.to_path_buf(),
        source: io::Error::other(e.to_string()),
    }
}

/// One JSON object a line: numbers as numbers, text as strings, null as null.
fn write_json_line(
    w: &mut impl Write,
    names: &[&str],
    text: &str,
    ends: &[(usize, bool)],
) -> io::Result<()> {
    w.write_all(b"{")?;
    let mut start = 0;
    for (i, (&(end, null), name)) in ends.iter().zip(names).enumerate() {
        if i > 0 {
            w.write_all(b",")?;
        }
        serde_json::to_writer(&mut *w, name)?;
        w.write_all(b":")?;
        let value = &text[start..end];
        if null {
            w.write_all(b"null")?;
        } else if !value.is_empty()
            && value.len() < 16
            && value.bytes().all(|b| b.is_ascii_digit() || b == b'-')
            && value.parse::<i64>().is_ok()
            && !name.ends_with("date")
        {
            w.write_all(value.as_bytes())?;
        } else {
            serde_json::to_writer(&mut *w, value)?;
        }
        start = end;
    }
    w.write_all(b"}\n")
}

/// A progress bar on stderr when it is a terminal; nothing at all under
/// cron or systemd, where the summary line is the whole log.
struct Progress {
    bar: Option<indicatif::ProgressBar>,
    rows: std::cell::Cell<u64>,
}

impl Progress {
    fn new(total: u64) -> Self {
        use std::io::IsTerminal;
        let bar = io::stderr().is_terminal().then(|| {
            let bar = indicatif::ProgressBar::new(total);
            if let Ok(style) =
                indicatif::ProgressStyle::with_template("export {bar:30} {pos}/{len} rows {eta}")
            {
                bar.set_style(style);
            }
            bar
        });
        Self {
            bar,
            rows: std::cell::Cell::new(0),
        }
    }

    fn row(&self) {
        let n = self.rows.get() + 1;
        self.rows.set(n);
        if n.is_multiple_of(8192) {
            if let Some(bar) = &self.bar {
                bar.set_position(n);
            }
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// Runs an export at `now` by `actor`.
pub fn export(
    store: &mut impl Snapshots,
    opts: &Options,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Report, ExportError> {
    let started = Instant::now();
    if opts.out.exists() && !opts.out.is_dir() {
        return Err(ExportError::NotAFolder(opts.out.clone()));
    }
    private_dir(&opts.out).map_err(io_at(&opts.out))?;
    clean_leftovers(&opts.out);
    let work = opts.out.join(format!(
        "{WORK_PREFIX}{}-{}",
        std::process::id(),
        now.timestamp_nanos_opt().unwrap_or_default()
    ));
    private_dir(&work).map_err(io_at(&work))?;
    let result = write_all(store, opts, &work, now);
    let counts = match result {
        Ok(counts) => counts,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&work);
            return Err(e);
        }
    };
    // Into place, under the first free dated name.
    let date = now
        .with_timezone(&Local)
        .date_naive()
        .format("%Y-%m-%d")
        .to_string();
    let mut n = next_suffix(&opts.out, &date);
    let folder = loop {
        let name = if n == 1 {
            date.clone()
        } else {
            format!("{date}-{n}")
        };
        let candidate = opts.out.join(&name);
        if !candidate.exists() {
            match std::fs::rename(&work, &candidate) {
                Ok(()) => break candidate,
                Err(_) if candidate.exists() => {}
                Err(e) => {
                    let _ = std::fs::remove_dir_all(&work);
                    return Err(ExportError::Io {
                        path: candidate,
                        source: e,
                    });
                }
            }
        }
        n += 1;
    };
    if let Ok(dir) = std::fs::File::open(&opts.out) {
        let _ = dir.sync_all();
    }
    let summary = format!(
        "{} {} to {}",
        match opts.format {
            Format::Csv => "csv",
            Format::Json => "jsonl",
            Format::Both => "csv+jsonl",
        },
        if opts.redact { "redacted" } else { "full" },
        folder.display()
    );
    // A database that can only be read (read-only media) is exported all
    // the same; the caller says that it was not audited.
    let audited = !store.read_only();
    if audited {
        store.record_job("export", &summary, actor)?;
    }
    let mut removed = Vec::new();
    if let Some(keep) = opts.keep {
        let ours = our_folders(&opts.out);
        let excess = ours.len().saturating_sub(keep);
        for old in ours.into_iter().take(excess) {
            if std::fs::remove_dir_all(&old).is_ok() {
                removed.push(old);
            }
        }
    }
    Ok(Report {
        folder,
        counts,
        removed,
        seconds: started.elapsed().as_secs_f64(),
        audited,
    })
}

fn write_all(
    store: &mut impl Snapshots,
    opts: &Options,
    work: &Path,
    now: DateTime<Utc>,
) -> Result<Vec<(&'static str, u64)>, ExportError> {
    let (schema_version, files, chain) = store.snapshot(|snap| -> Result<_, ExportError> {
        let mut total = 0;
        for table in Table::ALL {
            total += snap.count(table)?;
        }
        let progress = Progress::new(total);
        let mut files = Vec::new();
        for table in Table::ALL {
            files.extend(write_table(snap, table, work, opts, &progress)?);
        }
        progress.finish();
        let chain = match snap.audit_chain()? {
            Ok((rows, head)) => ChainRecord::Head {
                rows,
                head_sha256: hex(&head),
            },
            Err(broken) => {
                tracing::error!(%broken, "the audit chain is broken; exported all the same");
                ChainRecord::Broken {
                    broken: broken.to_string(),
                }
            }
        };
        Ok((snap.schema_version()?, files, chain))
    })?;
    let mut counts: Vec<(&'static str, u64)> = Vec::new();
    for f in &files {
        if !counts.iter().any(|(t, _)| *t == f.table) {
            counts.push((f.table, f.rows));
        }
    }
    let manifest = Manifest {
        generator: "albergue",
        albergue_version: env!("CARGO_PKG_VERSION"),
        schema_version,
        exported_at: now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        redacted: opts.redact,
        encrypted_to: opts.recipients.as_ref().map_or(0, |r| r.len()),
        audit_chain: chain,
        files,
    };
    let path = work.join("manifest.json");
    let mut bytes = serde_json::to_vec_pretty(&manifest).map_err(|e| ExportError::Io {
        path: path.clone(),
        source: e.into(),
    })?;
    bytes.push(b'\n');
    let mut f = private_file(&path).map_err(io_at(&path))?;
    f.write_all(&bytes).map_err(io_at(&path))?;
    f.sync_all().map_err(io_at(&path))?;
    if let Some(key) = &opts.signing_key {
        let sig_path = sign::signature_path(&path);
        let signature = sign::sign(key, &bytes).map_err(|e| ExportError::Io {
            path: sig_path.clone(),
            source: io::Error::other(e.to_string()),
        })?;
        let mut s = private_file(&sig_path).map_err(io_at(&sig_path))?;
        s.write_all(signature.as_bytes())
            .map_err(io_at(&sig_path))?;
        s.sync_all().map_err(io_at(&sig_path))?;
    }
    Ok(counts)
}
