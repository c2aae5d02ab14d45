//! The database key: 32 random bytes that SQLCipher encrypts every page with.
//!
//! A key file holds the key as 64 hexadecimal digits (a newline after them is
//! allowed) or as the 32 raw bytes. It must be a regular file of the user
//! who runs albergue, readable by nobody else (mode 0400 or 0600): a key
//! that others can read protects nothing, so it is refused.
//!
//! The key never reaches a log, an error message or `Debug` output, and its
//! bytes are wiped when the last handle to it is dropped.

use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};

use zeroize::{Zeroize, Zeroizing};

/// Length of a key in bytes.
pub const KEY_BYTES: usize = 32;

/// A database key (never printed).
#[derive(Clone, PartialEq, Eq)]
pub struct DbKey(Zeroizing<[u8; KEY_BYTES]>);

impl fmt::Debug for DbKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DbKey(…)")
    }
}

/// Why a key file was not used.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// The file could not be read.
    #[error("cannot read the key file {path}: {reason}")]
    Unreadable {
        /// The key file.
        path: PathBuf,
        /// What the system said.
        reason: String,
    },
    /// Others may read it (or it is not a regular file, or not ours).
    #[error("the key file {path} {problem}; nothing was opened (fix it with: chmod 0400 {path})")]
    Exposed {
        /// The key file.
        path: PathBuf,
        /// What is wrong, in words.
        problem: String,
    },
    /// It does not hold a key.
    #[error("the key file {path} does not hold a key: it must be 64 hexadecimal digits (as `albergue key new` writes) or 32 bytes; it has {found}")]
    Malformed {
        /// The key file.
        path: PathBuf,
        /// What it holds instead, without its content.
        found: String,
    },
    /// The file to create exists already.
    #[error("{0} already exists; a key is never replaced")]
    Exists(PathBuf),
    /// The system would not give random bytes.
    #[error("no random bytes from the system: {0}")]
    Random(String),
}

impl DbKey {
    /// A new random key from the operating system's generator.
    pub fn generate() -> Result<Self, KeyError> {
        let mut bytes = Zeroizing::new([0u8; KEY_BYTES]);
        getrandom::fill(&mut bytes[..]).map_err(|e| KeyError::Random(e.to_string()))?;
        Ok(Self(bytes))
    }

    /// A key from its bytes (tests, and keys read by other means).
    pub fn from_bytes(bytes: [u8; KEY_BYTES]) -> Self {
        Self(Zeroizing::new(bytes))
    }

    /// Reads a key file, refusing one that others can read.
    pub fn read(path: &Path) -> Result<Self, KeyError> {
        Self::read_file(path, true)
    }

    /// Reads a key systemd handed over (`LoadCredential=`): its folder is
    /// the service's alone, and systemd may give the file to the service's
    /// user by an ACL on a root-owned file, so owner and mode are not ours
    /// to judge.
    pub fn read_credential(path: &Path) -> Result<Self, KeyError> {
        Self::read_file(path, false)
    }

    fn read_file(path: &Path, private: bool) -> Result<Self, KeyError> {
        use std::os::unix::fs::MetadataExt;
        let unreadable = |e: std::io::Error| KeyError::Unreadable {
            path: path.to_path_buf(),
            reason: e.to_string(),
        };
        let meta = std::fs::metadata(path).map_err(unreadable)?;
        let exposed = |problem: String| KeyError::Exposed {
            path: path.to_path_buf(),
            problem,
        };
        if !meta.is_file() {
            return Err(exposed("is not a regular file".into()));
        }
        let mode = meta.mode() & 0o7777;
        if private && mode & 0o077 != 0 {
            return Err(exposed(format!(
                "has mode {mode:04o}: others may read it; it must be 0400 or 0600"
            )));
        }
        let uid = rustix::process::geteuid().as_raw();
        if private && meta.uid() != uid {
            return Err(exposed(format!(
                "belongs to uid {}, not to the user running albergue (uid {uid})",
                meta.uid()
            )));
        }
        let mut bytes = Zeroizing::new(std::fs::read(path).map_err(unreadable)?);
        Self::parse(&bytes).ok_or_else(|| {
            let found = describe(&bytes);
            bytes.zeroize();
            KeyError::Malformed {
                path: path.to_path_buf(),
                found,
            }
        })
    }

    /// The key in a file's bytes: 64 hex digits (surrounding whitespace
    /// allowed) or exactly 32 bytes.
    fn parse(bytes: &[u8]) -> Option<Self> {
        let text = bytes.trim_ascii();
        let mut key = Zeroizing::new([0u8; KEY_BYTES]);
        if text.len() == KEY_BYTES * 2 && text.iter().all(u8::is_ascii_hexdigit) {
            for (i, pair) in text.chunks(2).enumerate() {
                key[i] = (hex_value(pair[0]) << 4) | hex_value(pair[1]);
            }
            return Some(Self(key));
        }
        if bytes.len() == KEY_BYTES {
            key.copy_from_slice(bytes);
            return Some(Self(key));
        }
        None
    }

    /// Writes a new key file (0400, 64 hex digits and a newline), never
    /// replacing a file. A failed write leaves no file.
    pub fn write_new(&self, path: &Path) -> Result<(), KeyError> {
        use std::os::unix::fs::OpenOptionsExt;
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o400)
            .open(path)
            .map_err(|e| match e.kind() {
                std::io::ErrorKind::AlreadyExists => KeyError::Exists(path.to_path_buf()),
                _ => KeyError::Unreadable {
                    path: path.to_path_buf(),
                    reason: e.to_string(),
                },
            })?;
        let mut text = self.hex();
        text.push('\n');
        let written = file
            .write_all(text.as_bytes())
            .and_then(|()| file.sync_all());
        text.zeroize();
        written.map_err(|e| {
            let _ = std::fs::remove_file(path);
            KeyError::Unreadable {
                path: path.to_path_buf(),
                reason: e.to_string(),
            }
        })
    }

    /// The key as SQLCipher's raw-key literal, `x'…'` (64 hex digits): no
    /// passphrase stretching on open. Wiped when dropped.
    pub(crate) fn sql_literal(&self) -> Zeroizing<String> {
        Zeroizing::new(format!("\"{}\"", *self.raw_key_text()))
    }

    /// The key as the text SQLCipher takes for a raw key, `x'…'` (for a
    /// bound parameter, as in `ATTACH … KEY ?`). Wiped when dropped.
    pub(crate) fn raw_key_text(&self) -> Zeroizing<String> {
        let mut hex = self.hex();
        let text = Zeroizing::new(format!("x'{hex}'"));
        hex.zeroize();
        text
    }

    fn hex(&self) -> String {
        const DIGITS: &[u8; 16] = b"0123456789ABCDEF";
        let mut s = String::with_capacity(KEY_BYTES * 2 + 1);
        for b in self.0.iter() {
            s.push(DIGITS[usize::from(b >> 4)] as char);
            s.push(DIGITS[usize::from(b & 0xf)] as char);
        }
        s
    }
}

fn hex_value(digit: u8) -> u8 {
    match digit {
        b'0'..=b'9' => digit - b'0',
        b'a'..=b'f' => digit - b'a' + 10,
        _ => digit - b'A' + 10,
    }
}

/// What a file that is not a key holds, without saying what it holds.
fn describe(bytes: &[u8]) -> String {
    let text = bytes.trim_ascii();
    if text.is_empty() {
        "nothing".into()
    } else if text.iter().all(u8::is_ascii_hexdigit) {
        format!("{} hexadecimal digits", text.len())
    } else {
        format!("{} bytes", bytes.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn file_with(dir: &Path, name: &str, bytes: &[u8], mode: u32) -> PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
        path
    }

    #[test]
    fn a_new_key_file_is_0400_and_reads_back_as_the_same_key() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db.key");
        let key = DbKey::generate().unwrap();
        key.write_new(&path).unwrap();
        let meta = std::fs::metadata(&path).unwrap();
        assert_eq!(meta.permissions().mode() & 0o777, 0o400);
        assert_eq!(DbKey::read(&path).unwrap(), key);
        assert!(matches!(key.write_new(&path), Err(KeyError::Exists(_))));
        assert_ne!(DbKey::generate().unwrap(), key, "two keys are not alike");
    }

    #[test]
    fn hex_with_a_newline_and_raw_bytes_are_keys() {
        let dir = tempfile::tempdir().unwrap();
        let hex = "00112233445566778899aabbccddeeff00112233445566778899AABBCCDDEEFF\n";
        let from_hex = DbKey::read(&file_with(dir.path(), "h", hex.as_bytes(), 0o600)).unwrap();
        let raw: [u8; 32] = std::array::from_fn(|i| {
            [
                0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd,
                0xee, 0xff,
            ][i % 16]
        });
        let from_raw = DbKey::read(&file_with(dir.path(), "r", &raw, 0o400)).unwrap();
        assert_eq!(from_hex, from_raw);
        assert_eq!(from_hex, DbKey::from_bytes(raw));
        assert_eq!(
            *from_hex.sql_literal(),
            "\"x'00112233445566778899AABBCCDDEEFF00112233445566778899AABBCCDDEEFF'\""
        );
    }

    #[test]
    fn a_key_others_can_read_or_that_is_no_key_is_refused_with_the_reason() {
        let dir = tempfile::tempdir().unwrap();
        let good = "ab".repeat(32);
        let open = file_with(dir.path(), "open", good.as_bytes(), 0o644);
        let e = DbKey::read(&open).unwrap_err().to_string();
        assert!(e.contains("mode 0644") && e.contains("chmod 0400"), "{e}");
        let group = file_with(dir.path(), "group", good.as_bytes(), 0o640);
        assert!(matches!(DbKey::read(&group), Err(KeyError::Exposed { .. })));
        let short = file_with(dir.path(), "short", b"abcdef\n", 0o600);
        let e = DbKey::read(&short).unwrap_err().to_string();
        assert!(e.contains("6 hexadecimal digits"), "{e}");
        let words = file_with(dir.path(), "words", b"my secret passphrase", 0o600);
        let e = DbKey::read(&words).unwrap_err().to_string();
        assert!(e.contains("20 bytes") && !e.contains("secret"), "{e}");
        let e = DbKey::read(&dir.path().join("missing")).unwrap_err();
        assert!(matches!(e, KeyError::Unreadable { .. }));
        let e = DbKey::read(dir.path()).unwrap_err().to_string();
        assert!(e.contains("not a regular file"), "{e}");
    }

    #[test]
    fn debug_never_shows_the_key() {
        let key = DbKey::from_bytes([0xab; 32]);
        let shown = format!("{key:?}");
        assert!(!shown.to_lowercase().contains("abab"), "{shown}");
    }
}
