//! Private files and folders, and a writer that hashes what it writes.

use std::fs::{DirBuilder, File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::Path;

use sha2::{Digest, Sha256};

/// Creates a new file readable by its owner only (0600); never overwrites.
pub fn private_file(path: &Path) -> io::Result<File> {
    OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
}

/// Creates a folder (and missing parents) readable by its owner only (0700).
pub fn private_dir(path: &Path) -> io::Result<()> {
    DirBuilder::new().recursive(true).mode(0o700).create(path)
}

/// Counts and hashes (SHA-256) everything written through it.
pub struct Hashing<W: Write> {
    inner: W,
    hash: Sha256,
    bytes: u64,
}

impl<W: Write> Hashing<W> {
    /// Wraps `inner`.
    pub fn new(inner: W) -> Self {
        Self {
            inner,
            hash: Sha256::new(),
            bytes: 0,
        }
    }

    /// The inner writer, the hex SHA-256 and the byte count.
    pub fn finish(self) -> (W, String, u64) {
        let digest = self.hash.finalize();
        let hex = super::hex(&digest);
        (self.inner, hex, self.bytes)
    }
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hash.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// The hex SHA-256 of a file (for checking a manifest).
pub fn sha256_of(path: &Path) -> io::Result<String> {
    let mut h = Hashing::new(io::sink());
    io::copy(&mut File::open(path)?, &mut h)?;
    Ok(h.finish().1)
}
