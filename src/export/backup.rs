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
    #[error("backup to {path} failed: {source}")]
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
pub fn backup(store: &mut Store, out: &Path, actor: &Actor) -> Result<f64, BackupError> {
    if out.exists() {
        return Err(BackupError::Exists(out.to_path_buf()));
    }
    let started = Instant::now();
    let problems = store.backup_to(out).map_err(|source| BackupError::Copy {
        path: out.to_path_buf(),
        source,
    })?;
    if !problems.is_empty() {
        let _ = std::fs::remove_file(out);
        return Err(BackupError::Damaged(problems.join("; ")));
    }
    store.record_job("backup", &format!("to {}", out.display()), actor)?;
    Ok(started.elapsed().as_secs_f64())
}
