//! Opening a database: the checks that come before any write (whose file
//! it is, which schema, which key), the pragmas that keep it safe for
//! several coordinators at once, the migrations, and the busy handler.

use std::fs::OpenOptions;
use std::io::ErrorKind;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use rusqlite::{Connection, OpenFlags, OptionalExtension};

use super::{migrations, DbKey, OpenMode, Result, Store, StoreError, BUSY_TIMEOUT, LATEST_VERSION};
use crate::domain::{Role, Scope};

/// Waits for another connection's write, [`BUSY_TIMEOUT`] in all, looking
/// at the lock every 1–3 ms (varied, so that waiters do not look in step).
///
/// SQLite's own handler (`busy_timeout`) sleeps longer and longer between
/// looks, up to 100 ms. A write here holds the lock about 1.5 ms, so
/// under steady writes from several coordinators the lock was free mostly
/// while the waiter slept: eight processes writing back to back
/// (tests/field.rs) waited up to 1.4 s for it, and once in CI more than
/// the 5 s, which tells the coordinator nothing was saved.
fn wait_for_writer(count: i32) -> bool {
    use std::cell::Cell;
    use std::time::Instant;
    thread_local! {
        static SINCE: Cell<Option<Instant>> = const { Cell::new(None) };
    }
    let now = Instant::now();
    let since = SINCE.with(|s| {
        if count == 0 || s.get().is_none() {
            s.set(Some(now));
        }
        s.get().unwrap_or(now)
    });
    if now.duration_since(since) >= BUSY_TIMEOUT {
        return false;
    }
    let clock = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    let jitter = u64::from(clock.subsec_nanos() ^ std::process::id()) % 2_000;
    std::thread::sleep(Duration::from_micros(1_000 + jitter));
    true
}

/// Page cache for bulk loads, in KiB (negative: SQLite's unit for KiB).
pub(super) const BULK_CACHE_KIB: i64 = -256 * 1024;

/// Page cache of a connection to an encrypted database, in KiB. The
/// operating system caches the file's pages encrypted; only SQLite's own
/// cache holds them decrypted, so a page read again from the OS is
/// decrypted and its HMAC checked again. 8 MiB holds what the dashboard's
/// figures read at 100,000 people (measured with examples/prof_open.rs:
/// their query at 1.3x plaintext with it, 2.9x with SQLite's 2 MiB).
pub const ENCRYPTED_CACHE_KIB: i64 = 8 * 1024;

impl Store {
    /// Opens (or, with [`OpenMode::Create`], creates) the database at `path`.
    ///
    /// Checks come before any write, so a file that is not ours, or is from a
    /// newer albergue, is left exactly as it was.
    pub fn open(path: &Path, mode: OpenMode) -> Result<Self> {
        Self::open_keyed(path, mode, None)
    }

    /// Opens the database encrypted with `key` (or, with `None`, a plaintext
    /// one). A new file made with a key is encrypted from its first page.
    ///
    /// Fails closed: a key is only used when SQLCipher answers for it, a
    /// wrong key or a key for a plaintext file is an error, and in either
    /// case the file is left as it was.
    pub fn open_keyed(path: &Path, mode: OpenMode, key: Option<Arc<DbKey>>) -> Result<Self> {
        let created = prepare_file(path, mode)?;
        let result = Self::open_prepared(path, mode, key);
        if result.is_err() && created {
            // Leave no empty file behind from a failed first open.
            let _ = std::fs::remove_file(path);
        }
        result
    }

    fn open_prepared(path: &Path, mode: OpenMode, key: Option<Arc<DbKey>>) -> Result<Self> {
        let access = access(path);
        if access != Access::Writable && mode != OpenMode::Inspect {
            return Err(StoreError::ReadOnlyFile(path.into()));
        }
        let read_only = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = match access {
            Access::Writable => Connection::open_with_flags(
                path,
                OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
            ),
            // Read-only media: nobody can change the file, so SQLite may read
            // it without the shared-memory file it cannot create there.
            Access::ReadOnlyMedia => Connection::open_with_flags(
                format!("file:{}?immutable=1", path.display()),
                read_only | OpenFlags::SQLITE_OPEN_URI,
            ),
            // Someone else's live database: read it the ordinary way.
            Access::NotPermitted => Connection::open_with_flags(path, read_only),
        }
        .map_err(|e| StoreError::Unreadable {
            path: path.to_path_buf(),
            reason: e.to_string(),
        })?;
        conn.busy_handler(Some(wait_for_writer))?;
        if let Some(key) = &key {
            apply_key(&conn, key, None)?;
        }

        // The first read: where a wrong key, or a missing one, shows.
        let found: i64 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .map_err(|e| match e.sqlite_error_code() {
                Some(rusqlite::ErrorCode::NotADatabase) => match (&key, plaintext_header(path)) {
                    (Some(_), true) => StoreError::NotEncrypted(path.into()),
                    (Some(_), false) => StoreError::WrongKey(path.into()),
                    (None, _) => StoreError::NotADatabase(path.into()),
                },
                _ => StoreError::from(e),
            })?;
        if key.is_some() {
            conn.pragma_update(None, "cache_size", -ENCRYPTED_CACHE_KIB)?;
        }
        if found > LATEST_VERSION {
            return Err(StoreError::NewerSchema {
                path: path.into(),
                found,
                known: LATEST_VERSION,
            });
        }
        if found == 0 {
            let tables: i64 =
                conn.query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get(0))?;
            if tables > 0 {
                return Err(StoreError::Foreign(path.into()));
            }
        }
        if mode != OpenMode::Inspect {
            conn.pragma_update(None, "journal_mode", "WAL")?;
            conn.pragma_update(None, "synchronous", "FULL")?;
        }
        conn.pragma_update(None, "foreign_keys", "ON")?;
        let listed: Arc<std::sync::Mutex<Vec<u64>>> = Arc::default();
        let bits = Arc::clone(&listed);
        conn.create_scalar_function(
            "albergue_listed",
            1,
            rusqlite::functions::FunctionFlags::SQLITE_UTF8,
            move |ctx| {
                let id = usize::try_from(ctx.get::<i64>(0)?).unwrap_or(usize::MAX);
                let bits = bits.lock().unwrap_or_else(|e| e.into_inner());
                Ok(bits.get(id / 64).is_some_and(|w| w & (1 << (id % 64)) != 0))
            },
        )?;
        let mut store = Self {
            conn,
            path: path.to_path_buf(),
            clock: Arc::new(Utc::now),
            listed,
            role: Role::Admin,
            key,
            session_user: None,
            scope: Scope::Network,
            due_cache: Default::default(),
        };
        if mode != OpenMode::Inspect {
            migrations::apply(&mut store.conn)?;
        }
        Ok(store)
    }
}

/// What albergue may do with a database file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Access {
    /// Write the file and the folder its journal files go in.
    Writable,
    /// Nothing can be written: the file system is mounted read-only.
    ReadOnlyMedia,
    /// This user may not write (permissions).
    NotPermitted,
}

fn access(path: &Path) -> Access {
    const EROFS: i32 = 30;
    let verdict = |e: std::io::Error| {
        if e.raw_os_error() == Some(EROFS) {
            Access::ReadOnlyMedia
        } else {
            Access::NotPermitted
        }
    };
    // access(2), not an open: closing any descriptor of the file would
    // drop every POSIX lock this process holds on it, so another process
    // could take the database for its own alone, and, as the last one
    // out, delete the -wal and -shm files this process's other
    // connections still write to (a server opening a session's connection
    // while its others are open).
    if let Err(e) = rustix::fs::access(path, rustix::fs::Access::WRITE_OK) {
        return verdict(std::io::Error::from(e));
    }
    let folder = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    // A folder on read-only media refuses a new file even to root.
    let probe = folder.join(format!(".albergue-probe-{}", std::process::id()));
    match OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&probe)
    {
        Ok(_) => {
            let _ = std::fs::remove_file(&probe);
            Access::Writable
        }
        Err(e) if e.kind() == ErrorKind::AlreadyExists => Access::Writable,
        Err(e) => verdict(e),
    }
}

/// Keys `schema` of `conn` (`main` when `None`) with SQLCipher, after
/// checking that SQLCipher is there to use it (a plain SQLite would ignore
/// the key and write plaintext), and silences SQLCipher's own messages on
/// standard error, which would tear through a dashboard.
pub(super) fn apply_key(conn: &Connection, key: &DbKey, schema: Option<&str>) -> Result<()> {
    let version: Option<String> = conn
        .query_row("PRAGMA cipher_version", [], |r| r.get(0))
        .optional()?;
    if version.is_none_or(|v| v.is_empty()) {
        return Err(StoreError::NoCipher);
    }
    let statement = zeroize::Zeroizing::new(match schema {
        Some(schema) => format!("PRAGMA {schema}.key = {}", *key.sql_literal()),
        None => format!("PRAGMA key = {}", *key.sql_literal()),
    });
    conn.execute_batch(&statement)?;
    quiet_cipher(conn)
}

/// SQLCipher's log goes to standard error from the first key on: off.
pub(super) fn quiet_cipher(conn: &Connection) -> Result<()> {
    conn.query_row("PRAGMA cipher_log = off", [], |_| Ok(()))?;
    conn.query_row("PRAGMA cipher_log_level = NONE", [], |_| Ok(()))?;
    Ok(())
}

/// Whether the file starts as a plaintext SQLite database does (an
/// encrypted one looks like random bytes from its first). It opens the
/// file: only for a file this process has no connection to (see
/// `access`), as on a failed open.
pub fn plaintext_header(path: &Path) -> bool {
    use std::io::Read;
    let mut head = [0u8; 16];
    std::fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut head))
        .is_ok_and(|()| &head == b"SQLite format 3\0")
}

/// Makes sure the file can be opened as `mode` asks; creates it 0600 when
/// asked to. Returns whether it was created here.
fn prepare_file(path: &Path, mode: OpenMode) -> Result<bool> {
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_dir() => Err(StoreError::Unreadable {
            path: path.into(),
            reason: "it is a folder, not a file".into(),
        }),
        Ok(_) => Ok(false),
        Err(e) if e.kind() == ErrorKind::NotFound => {
            if mode != OpenMode::Create {
                return Err(StoreError::Missing(path.into()));
            }
            let parent = match path.parent() {
                Some(p) if !p.as_os_str().is_empty() => p,
                _ => Path::new("."),
            };
            if !parent.is_dir() {
                return Err(StoreError::MissingFolder(parent.into()));
            }
            OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(path)
                .map_err(|e| StoreError::Unreadable {
                    path: path.into(),
                    reason: e.to_string(),
                })?;
            Ok(true)
        }
        Err(e) => Err(StoreError::Unreadable {
            path: path.into(),
            reason: e.to_string(),
        }),
    }
}
