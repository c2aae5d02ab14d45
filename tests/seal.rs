//! Encrypted exports: every file sealed with age as it is written, to an
//! age key and a coordinator's SSH key, opened by the `age` crate and by
//! Debian's `age` tool, equal to a plaintext export of the same data.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

mod common;

use common::{demo_data, on_db, store_with, text, NOW};

/// An export of `db` into `out`; the dated folder it made.
fn export(home: &Path, db: &Path, out: &Path, extra: &[&str]) -> PathBuf {
    let mut args = vec!["export", "--now", NOW, "--format", "both", "--out"];
    args.push(out.to_str().unwrap());
    args.extend(extra);
    let o = on_db(home, db, &args);
    assert!(o.status.success(), "{}", text(&o));
    common::only_folder(out)
}

/// File name → bytes, for every file of a folder.
fn files(folder: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(folder)
        .unwrap()
        .map(|e| {
            let p = e.unwrap().path();
            (
                p.file_name().unwrap().to_string_lossy().to_string(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect()
}

/// An ed25519 SSH key pair made by ssh-keygen: (private, public line).
fn ssh_key(dir: &Path) -> (PathBuf, String) {
    let key = dir.join("office_ed25519");
    let o = Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-C", "office", "-f"])
        .arg(&key)
        .output()
        .expect("ssh-keygen (openssh-client)");
    assert!(o.status.success());
    let public = std::fs::read_to_string(key.with_extension("pub")).unwrap();
    (key, public.trim().to_string())
}

#[test]
fn an_encrypted_export_writes_no_plaintext_and_opens_with_age() {
    let dir = tempfile::tempdir().unwrap();
    let data = demo_data(400, 2);
    let (db, _store) = store_with(dir.path(), &data);
    let identity = age::x25519::Identity::generate();
    let (ssh_private, ssh_public) = ssh_key(dir.path());
    let recipients = dir.path().join("recipients.txt");
    std::fs::write(
        &recipients,
        format!(
            "# the regional office\n{}\n\n{ssh_public}\n",
            identity.to_public()
        ),
    )
    .unwrap();

    let plain = export(dir.path(), &db, &dir.path().join("plain"), &[]);
    let sealed = export(
        dir.path(),
        &db,
        &dir.path().join("sealed"),
        &["--recipients", recipients.to_str().unwrap()],
    );
    let plain = files(&plain);
    let sealed = files(&sealed);

    // Nothing personal in any file of the encrypted export.
    let everything: Vec<u8> = sealed.values().flatten().copied().collect();
    let haystack = String::from_utf8_lossy(&everything);
    for p in data.people.iter().take(100) {
        assert!(
            !haystack.contains(&p.full_name()),
            "{} in clear",
            p.full_name()
        );
        if let Some(phone) = &p.details.phone {
            assert!(!haystack.contains(phone.as_str()));
        }
    }
    for a in data
        .appointments
        .iter()
        .filter_map(|a| a.confirmation_number.as_ref())
    {
        assert!(!haystack.contains(a.as_str()));
    }
    // The manifest: plaintext, no personal data, the encrypted files' hashes.
    let manifest: serde_json::Value = serde_json::from_slice(&sealed["manifest.json"]).unwrap();
    assert_eq!(manifest["encrypted_to"], 2);
    for f in manifest["files"].as_array().unwrap() {
        let name = f["name"].as_str().unwrap();
        assert!(name.ends_with(".age"), "{name}");
        let bytes = &sealed[name];
        use sha2::Digest;
        let hex: String = sha2::Sha256::digest(bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(f["sha256"], hex.as_str(), "{name}");
    }
    assert!(sealed
        .keys()
        .all(|n| n == "manifest.json" || n.ends_with(".age")));

    // Each file opens with the age key, and equals the plaintext export
    // (but the audit trail, which holds the first export's row).
    for (name, bytes) in &sealed {
        let Some(plain_name) = name.strip_suffix(".age") else {
            continue;
        };
        let decryptor = age::Decryptor::new(&bytes[..]).unwrap();
        let mut reader = decryptor
            .decrypt(std::iter::once(&identity as &dyn age::Identity))
            .unwrap();
        let mut opened = Vec::new();
        reader.read_to_end(&mut opened).unwrap();
        if !plain_name.starts_with("audit") {
            assert_eq!(opened, plain[plain_name], "{plain_name}");
        }
        // And with the office's SSH key, through Debian's age tool.
        if plain_name == "people.csv" {
            let sealed_path = dir.path().join("people.csv.age");
            std::fs::write(&sealed_path, bytes).unwrap();
            let o = Command::new("age")
                .arg("-d")
                .arg("-i")
                .arg(&ssh_private)
                .arg(&sealed_path)
                .output()
                .expect("the age tool (Debian's age package; scripts/test installs it)");
            assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
            assert_eq!(o.stdout, plain["people.csv"]);
        }
    }
}

#[test]
fn a_bad_recipients_file_is_named_with_its_line_and_nothing_is_exported() {
    let dir = tempfile::tempdir().unwrap();
    let (db, _store) = store_with(dir.path(), &demo_data(50, 2));
    let out = dir.path().join("exports");
    for (content, says) in [
        ("# nobody\n\n", "no recipients in it"),
        ("age1notakey\n", "recipients.txt:1: not an age key"),
        (
            "# office\nmaria@shelter.org\n",
            "recipients.txt:2: not a recipient",
        ),
        ("ssh-dss AAAAB3NzaC1kc3MAAACBAP\n", "recipients.txt:1:"),
    ] {
        let recipients = dir.path().join("recipients.txt");
        std::fs::write(&recipients, content).unwrap();
        let o = on_db(
            dir.path(),
            &db,
            &[
                "export",
                "--out",
                out.to_str().unwrap(),
                "--recipients",
                recipients.to_str().unwrap(),
            ],
        );
        assert_eq!(o.status.code(), Some(1), "{content:?}: {}", text(&o));
        assert!(text(&o).contains(says), "{content:?}: {}", text(&o));
        assert!(!out.exists() || std::fs::read_dir(&out).unwrap().next().is_none());
    }
    // Without recipients: exported, and said loudly to be plaintext.
    let o = on_db(dir.path(), &db, &["export", "--out", out.to_str().unwrap()]);
    assert!(o.status.success());
    assert!(text(&o).contains("NOT encrypted"), "{}", text(&o));
}

#[test]
fn a_persons_export_is_sealed_when_recipients_are_given() {
    let dir = tempfile::tempdir().unwrap();
    let data = demo_data(50, 2);
    let (db, _store) = store_with(dir.path(), &data);
    let identity = age::x25519::Identity::generate();
    let recipients = dir.path().join("recipients.txt");
    std::fs::write(&recipients, format!("{}\n", identity.to_public())).unwrap();
    let person = &data.people[0];
    let id = person.id.to_string();
    let o = on_db(
        dir.path(),
        &db,
        &[
            "person",
            "export",
            &id,
            "--recipients",
            recipients.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", text(&o));
    assert!(!String::from_utf8_lossy(&o.stdout).contains(&person.details.given_names));
    let decryptor = age::Decryptor::new(&o.stdout[..]).unwrap();
    let mut reader = decryptor
        .decrypt(std::iter::once(&identity as &dyn age::Identity))
        .unwrap();
    let mut opened = String::new();
    reader.read_to_string(&mut opened).unwrap();
    let v: serde_json::Value = serde_json::from_str(&opened).unwrap();
    assert_eq!(
        v["person"]["given_names"],
        person.details.given_names.as_str()
    );
}
