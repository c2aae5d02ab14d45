//! Turning a plaintext database into an encrypted one, and changing its key.
//!
//! Both are one rewrite: the whole database is copied with SQLCipher's
//! `sqlcipher_export` into a new file beside it, keyed as asked; the copy is
//! checked (integrity, every table's rows, the schema version), synced, and
//! only then renamed over the old file. Until that rename the old file is
//! untouched, so a rewrite killed at any moment leaves it as it was (plus a
//! stray copy that the next run removes). While it runs the database is
//! held exclusively: nobody can write a change into the old file that the
//! copy would miss.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use rusqlite::Connection;

use super::{apply_key, quiet_cipher, DbKey, OpenMode, Result, Store, StoreError};

/// What a rewrite did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rewritten {
    /// Rows copied, per table, in the order of the schema.
    pub tables: Vec<(String, i64)>,
    /// The schema version carried over.
    pub version: i64,
}

/// How long to wait for another connection to let go before saying the
/// database is in use.
const WAIT_FOR_OTHERS: Duration = Duration::from_secs(2);

/// The copy's name while it is made: `FILE.rewrite`.
pub fn work_file(path: &Path) -> PathBuf {
    beside(path, ".rewrite")
}

/// `path` with `suffix` added to its name (`FILE-wal`, `FILE.rewrite`).
fn beside(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

impl Store {
    /// Rewrites the database at `path`, now readable with `from` (`None`:
    /// plaintext), so that it is encrypted with `to` (`None`: plaintext).
    ///
    /// Needs the database to itself: with a dashboard, server or job
    /// connected it fails with [`StoreError::InUse`] and changes nothing.
    pub fn rewrite_keyed(
        path: &Path,
        from: Option<Arc<DbKey>>,
        to: Option<&DbKey>,
    ) -> Result<Rewritten> {
        let store = Store::open_keyed(path, OpenMode::Existing, from)?;
        let conn = &store.conn;
        hold_alone(conn, path)?;
        let tables = table_counts(conn, "main")?;
        let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;

        // Held exclusively: a copy left by a killed run is nobody's.
        let work = work_file(path);
        remove_with_journals(&work);
        create_private(&work)?;
        let made = copy_into(conn, &work, to, version).and_then(|()| {
            let copied = verify(&work, to)?;
            if copied != (tables.clone(), version) {
                return Err(StoreError::BadCopy(format!(
                    "it holds other rows or another schema version ({copied:?}) than the database ({:?})",
                    (&tables, version)
                )));
            }
            std::fs::File::open(&work)
                .and_then(|f| f.sync_all())
                .map_err(|e| StoreError::Unreadable {
                    path: work.clone(),
                    reason: e.to_string(),
                })?;
            Ok(())
        });
        if let Err(e) = made {
            remove_with_journals(&work);
            return Err(e);
        }
        std::fs::rename(&work, path).map_err(|e| StoreError::Unreadable {
            path: path.to_path_buf(),
            reason: format!("replacing it with its rewritten copy: {e}"),
        })?;
        // The rename itself made durable (a failure here is not one of the
        // copy: the new file is complete either way).
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            let _ = std::fs::File::open(dir).and_then(|d| d.sync_all());
        }
        drop(store);
        // The old file's side files, were any left: they belong to it, not
        // to the new one.
        for suffix in ["-wal", "-shm", "-journal"] {
            let _ = std::fs::remove_file(beside(path, suffix));
        }
        Ok(Rewritten { tables, version })
    }
}

/// Takes the database for this connection alone, or says who has it.
fn hold_alone(conn: &Connection, path: &Path) -> Result<()> {
    let in_use = || StoreError::InUse(path.to_path_buf());
    conn.busy_timeout(WAIT_FOR_OTHERS)?;
    // Out of WAL mode only when no other connection has the file open;
    // then an exclusive lock kept until the connection closes.
    let mode: String = conn
        .query_row("PRAGMA journal_mode = DELETE", [], |r| r.get(0))
        .map_err(|e| match StoreError::from(e) {
            StoreError::Busy => in_use(),
            other => other,
        })?;
    if !mode.eq_ignore_ascii_case("delete") {
        return Err(in_use());
    }
    conn.execute_batch("PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE; COMMIT;")
        .map_err(|e| match StoreError::from(e) {
            StoreError::Busy => in_use(),
            other => other,
        })
}

/// Every table's row count, in the schema's order.
fn table_counts(conn: &Connection, schema: &str) -> Result<Vec<(String, i64)>> {
    let names: Vec<String> = conn
        .prepare(&format!(
            "SELECT name FROM {schema}.sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        ))?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    names
        .into_iter()
        .map(|name| {
            let sql = format!(
                "SELECT count(*) FROM {schema}.\"{}\"",
                name.replace('"', "\"\"")
            );
            let n: i64 = conn.query_row(&sql, [], |r| r.get(0))?;
            Ok((name, n))
        })
        .collect()
}

/// Copies the whole database into `work` (made empty, 0600), keyed `to`.
fn copy_into(conn: &Connection, work: &Path, to: Option<&DbKey>, version: i64) -> Result<()> {
    // SQLCipher reads a key text of the form x'…' as the raw key; an
    // empty one attaches a plaintext database.
    let key = match to {
        Some(k) => k.raw_key_text(),
        None => zeroize::Zeroizing::new(String::new()),
    };
    conn.execute(
        "ATTACH DATABASE ?1 AS rewrite KEY ?2",
        rusqlite::params![work.to_string_lossy(), key.as_str()],
    )?;
    quiet_cipher(conn)?;
    let copied = conn
        .query_row("SELECT sqlcipher_export('rewrite')", [], |_| Ok(()))
        .and_then(|()| conn.execute_batch(&format!("PRAGMA rewrite.user_version = {version}")));
    let detached = conn.execute_batch("DETACH DATABASE rewrite");
    copied?;
    detached?;
    Ok(())
}

/// Opens the copy on its own with its key and reads back what it holds.
fn verify(work: &Path, key: Option<&DbKey>) -> Result<(Vec<(String, i64)>, i64)> {
    let conn = Connection::open_with_flags(
        work,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    if let Some(key) = key {
        apply_key(&conn, key, None)?;
    }
    let problems: Vec<String> = conn
        .prepare("PRAGMA integrity_check")?
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<_>>()?;
    if problems != ["ok"] {
        return Err(StoreError::BadCopy(format!(
            "it fails SQLite's integrity check ({})",
            problems.join("; ")
        )));
    }
    let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    Ok((table_counts(&conn, "main")?, version))
}

fn create_private(path: &Path) -> Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .map(drop)
        .map_err(|e| StoreError::Unreadable {
            path: path.to_path_buf(),
            reason: e.to_string(),
        })
}

fn remove_with_journals(path: &Path) {
    for suffix in ["", "-journal", "-wal", "-shm"] {
        let _ = std::fs::remove_file(beside(path, suffix));
    }
}
