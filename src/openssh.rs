//! OpenSSH key files: the server's host key, coordinators' public keys,
//! the signing key of export manifests, and the fingerprints OpenSSH shows.

use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

use anyhow::{Context, Result};
use russh::keys::ssh_key::private::Ed25519Keypair;
use russh::keys::ssh_key::LineEnding;
use russh::keys::{HashAlg, PrivateKey, PublicKey};

/// The `SHA256:…` fingerprint OpenSSH shows for a key.
pub fn fingerprint(key: &PublicKey) -> String {
    key.fingerprint(HashAlg::Sha256).to_string()
}

/// Reads a public key in OpenSSH's one-line form (`ssh-ed25519 AAAA… note`).
pub fn read_public_key(path: &Path) -> Result<PublicKey> {
    let bytes =
        std::fs::read(path).with_context(|| format!("reading the key file {}", path.display()))?;
    let text = String::from_utf8_lossy(&bytes);
    let line = text
        .lines()
        .find(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        .unwrap_or("");
    PublicKey::from_openssh(line.trim()).map_err(|e| {
        anyhow::anyhow!(
            "{}: not an OpenSSH public key ({e}); give the .pub file, e.g. ~/.ssh/id_ed25519.pub",
            path.display()
        )
    })
}

/// An OpenSSH private key (`what`: "host key", "signing key"), refused
/// when others may read its file.
pub fn read_private_key(path: &Path, what: &str) -> Result<PrivateKey> {
    let bytes = std::fs::read(path)
        .with_context(|| format!("cannot read the {what} {}", path.display()))?;
    private_file(path, &format!("the {what}"))?;
    PrivateKey::from_openssh(&bytes)
        .map_err(|e| anyhow::anyhow!("{}: not an OpenSSH private key ({e})", path.display()))
}

/// The host key at `path`, made on first start (Ed25519, OpenSSH format,
/// file 0600). Returns the key and whether it was just made.
pub fn host_key(path: &Path) -> Result<(PrivateKey, bool)> {
    match std::fs::metadata(path) {
        Ok(_) => Ok((read_private_key(path, "host key")?, false)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let mut seed = [0u8; 32];
            getrandom::fill(&mut seed)
                .map_err(|e| anyhow::anyhow!("no random bytes for the host key: {e}"))?;
            let key = PrivateKey::from(Ed25519Keypair::from_seed(&seed));
            let text = key
                .to_openssh(LineEnding::LF)
                .map_err(|e| anyhow::anyhow!("encoding the host key: {e}"))?;
            std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(path)
                .and_then(|mut f| f.write_all(text.as_bytes()).and_then(|()| f.sync_all()))
                .with_context(|| format!("writing the host key {}", path.display()))?;
            Ok((key, true))
        }
        Err(e) => Err(e).with_context(|| format!("reading the host key {}", path.display())),
    }
}

/// Refuses a file that holds a secret or personal data (`what` names it)
/// when others may read it or it is not the user's own: each told what to
/// run.
pub fn private_file(path: &Path, what: &str) -> Result<()> {
    use std::os::unix::fs::MetadataExt;
    let meta = std::fs::metadata(path)
        .with_context(|| format!("cannot read {what} {}", path.display()))?;
    let mode = meta.mode() & 0o777;
    if mode & 0o077 != 0 {
        anyhow::bail!(
            "{what} {} can be read by others (mode {mode:o}); `chmod 600 {}` first",
            path.display(),
            path.display()
        );
    }
    let uid = rustix::process::geteuid().as_raw();
    if meta.uid() != uid {
        anyhow::bail!(
            "{what} {} belongs to uid {}, not to the user running albergue (uid {uid}); run albergue as its owner, or `chown` it to this user",
            path.display(),
            meta.uid()
        );
    }
    Ok(())
}
