//! Two databases' full exports compared byte for byte: the last check of
//! `albergue port`, SQLite's export against PostgreSQL's. Neither export
//! is audited (a comparison is no export handed out), and both are removed.

use std::path::Path;

use chrono::{DateTime, Utc};

use super::{export, files::private_dir, io_at, ExportError, Format, Options};
use crate::actor::Actor;
use crate::store::{Snapshot, Snapshots, StoreError};

/// A database read for a comparison: its export is not audited.
struct Unaudited<'a, S>(&'a mut S);

impl<S: Snapshots> Snapshots for Unaudited<'_, S> {
    fn snapshot<T, E: From<StoreError>>(
        &mut self,
        f: impl FnOnce(&Snapshot<'_>) -> Result<T, E>,
    ) -> Result<T, E> {
        self.0.snapshot(f)
    }

    fn record_job(&mut self, _: &str, _: &str, _: &Actor) -> crate::store::Result<()> {
        Ok(())
    }

    fn read_only(&self) -> bool {
        true
    }
}

/// Exports compared alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Alike {
    /// Files compared (CSV and JSON Lines of every table, the manifest).
    pub files: usize,
    /// Their bytes.
    pub bytes: u64,
}

/// Exports `a` and `b` in full (CSV and JSON Lines) at `now` into `work`
/// (made 0700, removed after), and compares every file: `Err` names the
/// first that differs.
pub fn alike(
    a: &mut (impl Snapshots + Send),
    b: &mut impl Snapshots,
    work: &Path,
    now: DateTime<Utc>,
) -> Result<Result<Alike, String>, ExportError> {
    private_dir(work).map_err(io_at(work))?;
    let result = compare(a, b, work, now);
    let _ = std::fs::remove_dir_all(work);
    result
}

fn compare(
    a: &mut (impl Snapshots + Send),
    b: &mut impl Snapshots,
    work: &Path,
    now: DateTime<Utc>,
) -> Result<Result<Alike, String>, ExportError> {
    let options = |side: &str| Options {
        out: work.join(side),
        format: Format::Both,
        redact: false,
        keep: None,
        recipients: None,
        signing_key: None,
    };
    let actor = Actor::from_env();
    // Side by side: each is one core's work (rendering), the other side's
    // reads wait on the other database.
    let (first, second) = std::thread::scope(|s| {
        let first = s.spawn(|| export(&mut Unaudited(a), &options("a"), &actor, now));
        let second = export(&mut Unaudited(b), &options("b"), &actor, now);
        (first.join().expect("the export's thread ends"), second)
    });
    let (first, second) = (first?.folder, second?.folder);
    let names = |dir: &Path| -> Result<Vec<String>, ExportError> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .map_err(io_at(dir))?
            .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
            .collect();
        names.sort();
        Ok(names)
    };
    let (left, right) = (names(&first)?, names(&second)?);
    if left != right {
        return Ok(Err(format!(
            "the exports hold different files ({} and {})",
            left.join(", "),
            right.join(", ")
        )));
    }
    let mut bytes = 0;
    for name in &left {
        let (x, y) = (first.join(name), second.join(name));
        let x = std::fs::read(&x).map_err(io_at(&x))?;
        let y = std::fs::read(&y).map_err(io_at(&y))?;
        if x != y {
            return Ok(Err(format!("the exports' {name} differ")));
        }
        bytes += x.len() as u64;
    }
    Ok(Ok(Alike {
        files: left.len(),
        bytes,
    }))
}
