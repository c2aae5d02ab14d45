//! The data-protection commands: the database key (encrypt, rekey),
//! retention, a person's own export, signing keys and the audit chain
//! checked against a manifest.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result};

use super::{Cli, PersonFormat};
use crate::actor::Actor;
use crate::domain::retention::Period;
use crate::export;
use crate::paths;
use crate::store::{DbKey, Store};

/// `albergue retention run`.
pub(super) fn retention(cli: &Cli, after: Period, dry_run: bool) -> Result<u8> {
    let mut store = cli.open_existing()?;
    let today = cli.now().with_timezone(&chrono::Local).date_naive();
    let cutoff = after.cutoff(today);
    let r = store.run_retention(cutoff, &after.label(), dry_run, &Actor::from_env())?;
    tracing::info!(
        people = r.people,
        households = r.households,
        confirmations = r.confirmations,
        drafts = r.drafts,
        dry_run,
        "retention"
    );
    eprintln!(
        "retention{}: people who left on or before {cutoff}: {} people anonymised, {} households, {} confirmation numbers removed, {} drafts deleted{}",
        if dry_run { " (dry run: nothing changed)" } else { "" },
        r.people,
        r.households,
        r.confirmations,
        r.drafts,
        if r.undated > 0 {
            format!("; {} people left without a day of leaving and were not touched", r.undated)
        } else {
            String::new()
        }
    );
    Ok(0)
}

/// `albergue person export`: written to `out` (created 0600, never
/// replaced) or standard output; sealed with age for `recipients`.
pub(super) fn person_export(
    cli: &Cli,
    id: i64,
    format: PersonFormat,
    out: Option<PathBuf>,
    recipients: Option<PathBuf>,
) -> Result<u8> {
    let recipients = recipients
        .map(|path| export::seal::Recipients::read(&path))
        .transpose()
        .map_err(|e| anyhow::anyhow!(e))?;
    let mut store = cli.open_existing()?;
    let store = &mut store;
    let now = cli.now();
    use std::io::Write;
    let name = match format {
        PersonFormat::Json => "json",
        PersonFormat::Text => "text",
    };
    // The file first: a place that cannot be written leaves no audit row
    // of an export that did not happen.
    let file = match &out {
        Some(path) => Some(
            export::files::private_file(path)
                .with_context(|| format!("cannot create {} (it must not exist)", path.display()))?,
        ),
        None => None,
    };
    let value = match export::person::export_person(store, id, name, &Actor::from_env(), now) {
        Ok(v) => v,
        Err(e) => {
            if let Some(path) = &out {
                let _ = std::fs::remove_file(path);
            }
            return Err(e.into());
        }
    };
    let text = match format {
        PersonFormat::Json => format!("{}\n", serde_json::to_string_pretty(&value)?),
        PersonFormat::Text => export::person::as_text(&value),
    };
    // Sealed when there are recipients: the plaintext never reaches the
    // file or the terminal.
    let bytes = match &recipients {
        Some(r) => {
            let mut sealed = r.seal(Vec::new())?;
            sealed.write_all(text.as_bytes())?;
            sealed.finish()?
        }
        None => text.into_bytes(),
    };
    match (file, &out) {
        (Some(mut f), Some(path)) => {
            f.write_all(&bytes)?;
            f.sync_all()?;
            eprintln!("person {id}: written to {}", path.display());
        }
        _ => std::io::stdout().lock().write_all(&bytes)?,
    }
    tracing::info!(person = id, format = name, "person exported");
    Ok(0)
}

/// `albergue key new --signing --out FILE`: an Ed25519 key, 0400, never
/// replacing a file, and `FILE.pub`.
pub(super) fn key_new(out: &Path) -> Result<u8> {
    use std::os::unix::fs::PermissionsExt;
    if out.exists() {
        anyhow::bail!("{} already exists; a key is never replaced", out.display());
    }
    let (key, _) = crate::serve::host_key(out)?;
    std::fs::set_permissions(out, std::fs::Permissions::from_mode(0o400))?;
    let public = key
        .public_key()
        .to_openssh()
        .map_err(|e| anyhow::anyhow!("encoding the public key: {e}"))?;
    let pub_path = {
        let mut name = out.as_os_str().to_owned();
        name.push(".pub");
        PathBuf::from(name)
    };
    std::fs::write(&pub_path, format!("{public} albergue-manifest\n"))
        .with_context(|| format!("writing {}", pub_path.display()))?;
    eprintln!(
        "key: {} (0400) and {}: {}",
        out.display(),
        pub_path.display(),
        crate::openssh::fingerprint(key.public_key())
    );
    Ok(0)
}

/// Whether `manifest.json.sig` is `signer`'s signature of the manifest
/// (and says which it is, or that it is not).
fn manifest_signed_by(manifest: &Path, signer: &Path) -> Result<bool> {
    let key = crate::openssh::read_public_key(signer)?;
    let bytes =
        std::fs::read(manifest).with_context(|| format!("cannot read {}", manifest.display()))?;
    let sig_path = export::sign::signature_path(manifest);
    let signature = std::fs::read_to_string(&sig_path).with_context(|| {
        format!(
            "{} is not signed: no {}",
            manifest.display(),
            sig_path.display()
        )
    })?;
    if !export::sign::verify(&key, &bytes, &signature)? {
        println!(
            "audit: the manifest's signature does not match {}: the manifest was changed, or signed by another key",
            signer.display()
        );
        return Ok(false);
    }
    println!(
        "audit: the manifest is signed by {}",
        crate::openssh::fingerprint(&key)
    );
    Ok(true)
}

/// `albergue audit verify --manifest FILE`.
pub(super) fn audit_verify(cli: &Cli, manifest: &Path, signer: Option<&Path>) -> Result<u8> {
    if let Some(signer) = signer {
        if !manifest_signed_by(manifest, signer)? {
            return Ok(1);
        }
    }
    let store = cli.open_existing()?;
    let store = &store;
    use crate::export::ChainRecord;
    use crate::store::AuditMatch;
    #[derive(serde::Deserialize)]
    struct Recorded {
        audit_chain: ChainRecord,
    }
    let text = std::fs::read_to_string(manifest)
        .with_context(|| format!("cannot read {}", manifest.display()))?;
    let recorded: Recorded = serde_json::from_str(&text).with_context(|| {
        format!(
            "{}: not a manifest of albergue export with an audit chain",
            manifest.display()
        )
    })?;
    let (rows, head) = match recorded.audit_chain {
        ChainRecord::Head { rows, head_sha256 } => (rows, head_sha256),
        ChainRecord::Broken { broken } => {
            println!("the manifest recorded a broken chain: {broken}");
            return Ok(1);
        }
    };
    let head_bytes: Option<[u8; 32]> = (0..32)
        .map(|i| {
            head.get(i * 2..i * 2 + 2)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        })
        .collect::<Option<Vec<u8>>>()
        .and_then(|v| v.try_into().ok());
    let Some(head_bytes) = head_bytes else {
        anyhow::bail!(
            "{}: audit_chain.head_sha256 is not 64 hexadecimal digits",
            manifest.display()
        );
    };
    let result = store.audit_matches(rows, &head_bytes)?;
    tracing::info!(
        rows,
        same = result == AuditMatch::Same,
        "audit verified against a manifest"
    );
    match result {
        AuditMatch::Same => {
            println!("audit: the first {rows} rows are as the manifest recorded them");
            Ok(0)
        }
        AuditMatch::Shorter(n) => {
            println!("audit: the manifest recorded {rows} rows but the chain holds {n}: rows were removed");
            Ok(1)
        }
        AuditMatch::Rewritten => {
            println!(
                "audit: row {rows} no longer has the hash the manifest recorded: the chain was rewritten since"
            );
            Ok(1)
        }
        AuditMatch::Broken(broken) => {
            println!("audit: {broken}");
            Ok(1)
        }
    }
}

/// Where systemd's `LoadCredential=albergue-db-key:…` puts the key.
const CREDENTIAL: &str = "albergue-db-key";

/// The database key, looked for in this order: the service's credentials
/// folder (`$CREDENTIALS_DIRECTORY/albergue-db-key`), then `--key-file` /
/// `ALBERGUE_KEY_FILE`; `None` when neither names one (plaintext).
pub(super) fn database_key(key_file: Option<&Path>) -> Result<Option<Arc<DbKey>>> {
    let credential = std::env::var_os("CREDENTIALS_DIRECTORY")
        .map(|dir| PathBuf::from(dir).join(CREDENTIAL))
        .filter(|p| p.exists());
    let key = match (credential, key_file) {
        (Some(path), _) => DbKey::read_credential(&path)?,
        (None, Some(path)) => DbKey::read(path)?,
        (None, None) => return Ok(None),
    };
    tracing::debug!("database key read");
    Ok(Some(Arc::new(key)))
}

/// `albergue key new --out FILE`: a database key, 0400, never replacing a file.
pub(super) fn db_key_new(out: &Path) -> Result<u8> {
    DbKey::generate()?.write_new(out)?;
    tracing::info!("database key made");
    eprintln!(
        "key: {} (0400): a database key. Keep a copy offline: without it the database cannot be read.\n\
         Encrypt an existing database with: albergue encrypt --key-file {0}",
        out.display()
    );
    Ok(0)
}

/// `albergue encrypt`: the plaintext database rewritten with the key.
pub(super) fn encrypt(cli: &Cli) -> Result<u8> {
    let db = &paths::resolve(cli.db.as_deref(), cli.demo)?.path;
    let Some(key) = database_key(cli.key_file.as_deref())? else {
        anyhow::bail!(
            "encrypt needs the key to encrypt with: --key-file FILE (make one with `albergue key new --out FILE`)"
        );
    };
    if db.exists() && !crate::store::plaintext_header(db) {
        anyhow::bail!(
            "{} is already encrypted (or is not a database); to change its key use `albergue rekey` (nothing was changed)",
            db.display()
        );
    }
    let started = std::time::Instant::now();
    let done = Store::rewrite_keyed(db, None, Some(&key))?;
    report_rewrite("encrypt", db, &done, started, "encrypted");
    Ok(0)
}

/// `albergue rekey`: the encrypted database rewritten with a new key.
pub(super) fn rekey(cli: &Cli, new_key_file: &Path) -> Result<u8> {
    let db = &paths::resolve(cli.db.as_deref(), cli.demo)?.path;
    let Some(old) = database_key(cli.key_file.as_deref())? else {
        anyhow::bail!("rekey needs the database's present key: --key-file FILE");
    };
    let new = DbKey::read(new_key_file)?;
    if *old == new {
        anyhow::bail!(
            "{} holds the key the database already has; make a new one with `albergue key new --out FILE`",
            new_key_file.display()
        );
    }
    let started = std::time::Instant::now();
    let done = Store::rewrite_keyed(db, Some(old), Some(&new))?;
    report_rewrite(
        "rekey",
        db,
        &done,
        started,
        "now opens with the new key only",
    );
    Ok(0)
}

fn report_rewrite(
    command: &str,
    db: &Path,
    done: &crate::store::Rewritten,
    started: std::time::Instant,
    what: &str,
) {
    let rows: i64 = done.tables.iter().map(|(_, n)| n).sum();
    tracing::info!(
        tables = done.tables.len(),
        rows,
        ms = started.elapsed().as_millis() as u64,
        "database rewritten"
    );
    eprintln!(
        "{command}: {} {what}: {} tables, {rows} rows copied and checked in {:.2} s",
        db.display(),
        done.tables.len(),
        started.elapsed().as_secs_f64()
    );
}
