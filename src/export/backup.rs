//! The backup job: a copy of the live database made with SQLite's online
//! backup API, checked before it counts, never overwriting a file.

use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::actor::Actor;
use crate::store::{Store, StoreError};

/// Why a backup failed. No backup file is left behind.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    /// The target exists.
    #[error("{0} already exists; a backup never overwrites a file")]
    Exists(PathBuf),
    /// Copying failed.
    #[error("backup to {path} failed")]
    Copy {
        /// The target.
        path: PathBuf,
        /// Why.
        source: StoreError,
    },
    /// The copy did not pass SQLite's integrity check.
    #[error("the backup failed its integrity check and was removed: {0}")]
    Damaged(String),
    /// Recording the job in the audit trail.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Backs the database up to `out` (created 0600) and checks the copy;
/// returns how long it took, in seconds. The job is audited.
///
/// The copy is written under a hidden name beside `out` and takes the
/// name `out` only once SQLite's integrity check passed on it (a hard
/// link, which never replaces a file): a backup that fails half-way, on a
/// full disk say, leaves nothing that looks like a backup, and the next
/// run may use the same name.
pub fn backup(store: &mut Store, out: &Path, actor: &Actor) -> Result<f64, BackupError> {
    if out.exists() {
        return Err(BackupError::Exists(out.to_path_buf()));
    }
    let started = Instant::now();
    let work = work_name(out);
    remove_with_journals(&work);
    let result = copy_and_check(store, out, &work);
    remove_with_journals(&work);
    result?;
    store.record_job("backup", &format!("to {}", out.display()), actor)?;
    Ok(started.elapsed().as_secs_f64())
}

/// The hidden name a backup to `out` is written under.
fn work_name(out: &Path) -> PathBuf {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    out.with_file_name(format!(".{name}.albergue-backup"))
}

fn copy_and_check(store: &Store, out: &Path, work: &Path) -> Result<(), BackupError> {
    let problems = store.backup_to(work).map_err(|source| BackupError::Copy {
        path: out.to_path_buf(),
        source,
    })?;
    if !problems.is_empty() {
        return Err(BackupError::Damaged(problems.join("; ")));
    }
    let io = |e: std::io::Error| BackupError::Copy {
        path: out.to_path_buf(),
        source: StoreError::Unreadable {
            path: out.to_path_buf(),
            reason: e.to_string(),
        },
    };
    std::fs::File::open(work)
        .and_then(|f| f.sync_all())
        .map_err(io)?;
    match std::fs::hard_link(work, out) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            return Err(BackupError::Exists(out.to_path_buf()))
        }
        Err(e) => return Err(io(e)),
    }
    if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
        let _ = std::fs::File::open(dir).and_then(|d| d.sync_all());
    }
    Ok(())
}

/// Removes `path` and the journal files SQLite may have left beside it.
fn remove_with_journals(path: &Path) {
    for suffix in ["", "-journal", "-wal", "-shm"] {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(p));
    }
}
