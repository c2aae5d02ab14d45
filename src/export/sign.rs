//! Signed manifests: the nightly job signs each export's `manifest.json`
//! (which records the audit chain's head) with an SSH key of the server,
//! as `ssh-keygen -Y sign` does (namespace `albergue-manifest`), so that a
//! head recorded earlier cannot be forged by whoever later rewrites the
//! database. Checked by `albergue audit verify --signer KEY.pub`, or with
//! `ssh-keygen -Y verify`.

use std::path::{Path, PathBuf};

use anyhow::Result;
use russh::keys::ssh_key::{LineEnding, SshSig};
use russh::keys::{HashAlg, PrivateKey, PublicKey};

/// The SSHSIG namespace of albergue's manifests.
pub const NAMESPACE: &str = "albergue-manifest";

/// Where a manifest's signature goes: `manifest.json.sig`.
pub fn signature_path(manifest: &Path) -> PathBuf {
    let mut name = manifest.as_os_str().to_owned();
    name.push(".sig");
    PathBuf::from(name)
}

/// Reads a signing key (an OpenSSH private key, not readable by others).
pub fn read_signing_key(path: &Path) -> Result<PrivateKey> {
    crate::openssh::read_private_key(path, "signing key")
}

/// The SSHSIG signature of `bytes`, armored.
pub fn sign(key: &PrivateKey, bytes: &[u8]) -> Result<String> {
    let sig = key
        .sign(NAMESPACE, HashAlg::Sha512, bytes)
        .map_err(|e| anyhow::anyhow!("signing the manifest: {e}"))?;
    sig.to_pem(LineEnding::LF)
        .map_err(|e| anyhow::anyhow!("encoding the signature: {e}"))
}

/// Whether `signature` (armored) is `signer`'s over `bytes`.
pub fn verify(signer: &PublicKey, bytes: &[u8], signature: &str) -> Result<bool> {
    let sig = SshSig::from_pem(signature.trim())
        .map_err(|e| anyhow::anyhow!("not an SSH signature ({e})"))?;
    Ok(signer.verify(NAMESPACE, bytes, &sig).is_ok())
}
