//! Exports encrypted as they are written, with age, to the recipients a
//! shelter lists: `age1…` keys and coordinators' own SSH public keys, so
//! that the regional office opens them with the standard `age` tool
//! (`age -d -i ~/.ssh/id_ed25519 people.csv.age`) and nothing else.

use std::io::{self, Write};
use std::path::Path;

use age::Recipient;

/// The recipients of an export, read from a file.
pub struct Recipients {
    keys: Vec<Box<dyn Recipient + Send>>,
}

impl std::fmt::Debug for Recipients {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Recipients({})", self.keys.len())
    }
}

impl Recipients {
    /// Reads `path`: one recipient a line (`age1…`, `ssh-ed25519 …`,
    /// `ssh-rsa …`, as in an `authorized_keys` or `.pub` file), blank lines
    /// and `#` comments ignored. A line that is none of these is an error
    /// naming the file and line; so is a file with no recipient at all.
    pub fn read(path: &Path) -> Result<Self, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read the recipients file {}: {e}", path.display()))?;
        let mut keys: Vec<Box<dyn Recipient + Send>> = Vec::new();
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let at = || format!("{}:{}", path.display(), n + 1);
            if line.starts_with("age1") {
                let key: age::x25519::Recipient = line
                    .parse()
                    .map_err(|e| format!("{}: not an age key ({e})", at()))?;
                keys.push(Box::new(key));
            } else if line.starts_with("ssh-") {
                let key: age::ssh::Recipient = line.parse().map_err(|e| {
                    let why = match e {
                        age::ssh::ParseRecipientKeyError::RsaModulusTooSmall => {
                            "an ssh-rsa key under 2048 bits is too weak".to_string()
                        }
                        age::ssh::ParseRecipientKeyError::Unsupported(kind) => {
                            format!("{kind} keys are not supported: use ssh-ed25519 or ssh-rsa")
                        }
                        _ => "not a valid SSH public key".to_string(),
                    };
                    format!("{}: {why}", at())
                })?;
                keys.push(Box::new(key));
            } else {
                return Err(format!(
                    "{}: not a recipient (expected an age1… key or an ssh-ed25519 / ssh-rsa public key)",
                    at()
                ));
            }
        }
        if keys.is_empty() {
            return Err(format!("{}: no recipients in it", path.display()));
        }
        Ok(Self { keys })
    }

    /// How many.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Whether there are none (never, once read).
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// A writer that encrypts everything written to it into `inner`.
    pub fn seal<W: Write>(&self, inner: W) -> io::Result<age::stream::StreamWriter<W>> {
        let encryptor =
            age::Encryptor::with_recipients(self.keys.iter().map(|k| k.as_ref() as &dyn Recipient))
                .map_err(|e| io::Error::other(e.to_string()))?;
        encryptor.wrap_output(inner)
    }
}

/// Where an exported file's bytes go: straight to the file, or through age.
pub enum Sink<W: Write> {
    /// Plaintext.
    Plain(W),
    /// Encrypted.
    Sealed(age::stream::StreamWriter<W>),
}

impl<W: Write> Write for Sink<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Self::Plain(w) => w.write(buf),
            Self::Sealed(w) => w.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Self::Plain(w) => w.flush(),
            Self::Sealed(w) => w.flush(),
        }
    }
}

impl<W: Write> Sink<W> {
    /// Ends the file (the last age chunk) and gives the writer back.
    pub fn finish(self) -> io::Result<W> {
        match self {
            Self::Plain(w) => Ok(w),
            Self::Sealed(w) => w.finish(),
        }
    }
}
