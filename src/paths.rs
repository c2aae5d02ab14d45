//! Where the database lives: `--db PATH`, else `ALBERGUE_DB`, else the
//! platform data folder (`~/.local/share/albergue/albergue.db` on Linux).

use std::fs::DirBuilder;
use std::os::unix::fs::DirBuilderExt;
use std::path::{Path, PathBuf};

/// File name of the real database in the data folder.
pub const DEFAULT_FILE: &str = "albergue.db";
/// File name of the demo database in the data folder, kept apart from the real one.
pub const DEMO_FILE: &str = "demo.db";

/// A resolved database location.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DbPath {
    /// The file.
    pub path: PathBuf,
    /// Whether it is in albergue's own data folder (which albergue may create)
    /// rather than a path the user named (whose folder must already exist).
    pub in_data_folder: bool,
}

/// Why no database path could be found.
#[derive(Debug, thiserror::Error)]
pub enum PathError {
    /// No home folder to put the data folder in.
    #[error(
        "cannot find a data folder (is HOME set?); give a database with --db PATH or ALBERGUE_DB"
    )]
    NoDataFolder,
    /// The data folder could not be created.
    #[error("cannot create the data folder {path}: {reason}")]
    CreateFolder {
        /// The folder.
        path: PathBuf,
        /// What the OS said.
        reason: String,
    },
}

/// albergue's folder in the platform data folder.
pub fn data_folder() -> Result<PathBuf, PathError> {
    directories::BaseDirs::new()
        .map(|d| d.data_dir().join("albergue"))
        .ok_or(PathError::NoDataFolder)
}

/// albergue's config folder (`~/.config/albergue` on Linux): the
/// dashboard's settings and keys, a shelter's own programs.
pub fn config_folder() -> Option<PathBuf> {
    directories::BaseDirs::new().map(|d| d.config_dir().join("albergue"))
}

/// Resolves the database: an explicit path (from `--db` or `ALBERGUE_DB`,
/// which clap has already merged) wins; else the real or demo file in the data folder.
pub fn resolve(explicit: Option<&Path>, demo: bool) -> Result<DbPath, PathError> {
    if let Some(path) = explicit {
        return Ok(DbPath {
            path: path.to_path_buf(),
            in_data_folder: false,
        });
    }
    let file = if demo { DEMO_FILE } else { DEFAULT_FILE };
    Ok(DbPath {
        path: data_folder()?.join(file),
        in_data_folder: true,
    })
}

impl DbPath {
    /// Creates albergue's data folder (mode 0700) if this path is in it and
    /// it is missing. A folder the user named is never created.
    pub fn ensure_folder(&self) -> Result<(), PathError> {
        if !self.in_data_folder {
            return Ok(());
        }
        let Some(dir) = self.path.parent() else {
            return Ok(());
        };
        if dir.is_dir() {
            return Ok(());
        }
        DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .map_err(|e| PathError::CreateFolder {
                path: dir.to_path_buf(),
                reason: e.to_string(),
            })
    }
}
