//! Encryption at rest: with a key nothing personal is on disk (database,
//! its -wal and -shm, backups, exports); wrong, missing, exposed or
//! misplaced keys change nothing; `encrypt` and `rekey` lose nothing and
//! survive being killed half-way.

use std::collections::BTreeMap;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use albergue::store::{DbKey, OpenMode, Store};
use sha2::{Digest, Sha256};

mod common;

use common::terminal::Session;
use common::{albergue, on_db, says_all, text, NOW};

/// A new database key made by the binary, as an admin would.
fn new_key(home: &Path, name: &str) -> PathBuf {
    let path = home.join(name);
    let o = albergue(home, &["key", "new", "--out", path.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(
        std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
        0o400
    );
    path
}

/// A demo database of `people` made by the binary, with `key` if given.
fn demo(home: &Path, name: &str, people: u32, key: Option<&Path>) -> PathBuf {
    let db = home.join(name);
    let people = people.to_string();
    let mut args = vec!["demo", "--people", &people, "--now", NOW];
    if let Some(k) = key {
        args.extend(["--key-file", k.to_str().unwrap()]);
    }
    let o = on_db(home, &db, &args);
    assert!(o.status.success(), "{}", text(&o));
    db
}

/// The binary on `db` with `key`.
fn keyed(home: &Path, db: &Path, key: &Path, args: &[&str]) -> std::process::Output {
    let mut all = args.to_vec();
    all.extend(["--key-file", key.to_str().unwrap()]);
    on_db(home, db, &all)
}

/// Names, phones and confirmation numbers of the roster (read with the key).
fn secrets(db: &Path, key: Option<&Path>) -> Vec<String> {
    let key = key.map(|k| std::sync::Arc::new(DbKey::read(k).unwrap()));
    let store = Store::open_keyed(db, OpenMode::Inspect, key).unwrap();
    let mut found = Vec::new();
    for row in store.roster(common::now()).unwrap().iter().take(60) {
        let p = store.person(row.id).unwrap();
        found.push(format!(
            "{} {}",
            p.details.given_names, p.details.family_names
        ));
        found.extend(p.details.phone.clone());
        for a in store.appointments_for_person(row.id).unwrap() {
            found.extend(a.confirmation_number.clone());
        }
    }
    assert!(found.len() > 60, "the roster has names and more");
    found
}

/// Which of `needles` appear, byte for byte, in the file (as `grep -a`).
fn found_in(path: &Path, needles: &[String]) -> Vec<String> {
    let bytes = std::fs::read(path).unwrap();
    needles
        .iter()
        .filter(|n| memchr::memmem::find(&bytes, n.as_bytes()).is_some())
        .cloned()
        .collect()
}

/// Every file under `dir` (recursively) and its SHA-256.
fn hashes(dir: &Path) -> BTreeMap<PathBuf, String> {
    let mut out = BTreeMap::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(hashes(&path));
        } else {
            let digest = Sha256::digest(std::fs::read(&path).unwrap());
            out.insert(path, albergue::export::hex(&digest));
        }
    }
    out
}

fn all_files(dir: &Path) -> Vec<PathBuf> {
    hashes(dir).into_keys().collect()
}

/// A session of writes: a coordinator's dashboard records an outage whose
/// source is `marker`, and stays open (its -wal and -shm with it) while
/// `import` adds a person whose name, phone and confirmation number are
/// given. Returns the open dashboard.
fn session_of_writes(home: &Path, db: &Path, key: Option<&Path>, marker: &str) -> Session {
    let mut args = format!("--db {} --now {NOW} --lang en", db.display());
    if let Some(k) = key {
        args.push_str(&format!(" --key-file {}", k.display()));
    }
    let mut s = Session::start(home, &args);
    s.wait_for("Due soonest");
    // An outage of the login step (the demo's confirmation outage goes on).
    s.send(b"o\x1b[C\x1b[C\t\t\t\t");
    s.send(marker.as_bytes());
    s.wait_for(marker);
    s.send(b"\x13");
    s.wait_for("Outage recorded.");
    let csv = home.join("llegadas.csv");
    std::fs::write(
        &csv,
        "Nombre(s);Apellidos;Nacionalidad;Fecha de llegada;Teléfono;Puerto;Fecha de cita;Número de confirmación\n\
         Xiomara Yulissa;Quintanilla Zelaya;HND;2024-05-21;+52 664 909 8877;SYS;2024-06-04 09:00;QZ77XY11\n",
    )
    .unwrap();
    let mut import = vec!["import", csv.to_str().unwrap(), "--now", NOW];
    if let Some(k) = key {
        import.extend(["--key-file", k.to_str().unwrap()]);
    }
    let o = on_db(home, db, &import);
    assert!(o.status.success(), "{}", text(&o));
    std::fs::remove_file(&csv).unwrap();
    s
}

const IMPORTED: [&str; 3] = ["Quintanilla Zelaya", "+52 664 909 8877", "QZ77XY11"];

#[test]
fn with_a_key_no_name_phone_or_confirmation_number_is_on_disk_and_without_one_they_are() {
    for encrypted in [true, false] {
        let home = tempfile::tempdir().unwrap();
        let home = home.path();
        let key = encrypted.then(|| new_key(home, "db.key"));
        let db = demo(home, "albergue.db", 300, key.as_deref());
        let mut needles = secrets(&db, key.as_deref());
        let marker = "Radio Frontera 99.1";
        needles.extend(IMPORTED.iter().map(|s| s.to_string()));
        needles.push(marker.to_string());

        let mut s = session_of_writes(home, &db, key.as_deref(), marker);
        // Backups and an export, made while the dashboard is open.
        let backup = home.join("backup.db");
        let exports = home.join("exports");
        let recipients = home.join("recipients.txt");
        std::fs::write(
            &recipients,
            format!("{}\n", age::x25519::Identity::generate().to_public()),
        )
        .unwrap();
        let mut jobs = vec![
            vec!["backup", "--out", backup.to_str().unwrap()],
            vec![
                "export",
                "--now",
                NOW,
                "--format",
                "both",
                "--out",
                exports.to_str().unwrap(),
            ],
        ];
        if let Some(k) = &key {
            jobs[1].extend(["--recipients", recipients.to_str().unwrap()]);
            for job in &mut jobs {
                job.extend(["--key-file", k.to_str().unwrap()]);
            }
        }
        for job in &jobs {
            let o = on_db(home, &db, job);
            assert!(o.status.success(), "{}", text(&o));
        }
        let wal = home.join("albergue.db-wal");
        let shm = home.join("albergue.db-shm");
        assert!(wal.exists() && shm.exists(), "the dashboard is open");
        let mut files = vec![db.clone(), wal, shm, backup.clone()];
        files.extend(all_files(&exports));

        let mut seen = Vec::new();
        for f in &files {
            for n in found_in(f, &needles) {
                seen.push(format!("{n:?} in {}", f.display()));
            }
        }
        if encrypted {
            assert!(seen.is_empty(), "plaintext on disk:\n{}", seen.join("\n"));
            // And nothing was lost: the key reads all of it back.
            let o = keyed(home, &backup, key.as_ref().unwrap(), &["check"]);
            assert!(o.status.success(), "{}", text(&o));
            says_all(&text(&o), &["encrypted: yes", "integrity: ok"]);
        } else {
            // The same grep finds them when there is no key: it can fail.
            for n in IMPORTED.iter().chain([&marker]) {
                assert!(
                    seen.iter().any(|s| s.starts_with(&format!("{n:?}"))),
                    "{n} not found in plaintext:\n{}",
                    seen.join("\n")
                );
            }
            assert!(seen.len() > 100, "{}", seen.len());
        }
        s.send(b"q");
        assert!(s.wait_exit().success());
    }
}

#[test]
fn wrong_missing_exposed_and_misplaced_keys_say_so_and_change_nothing() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let key = new_key(home, "db.key");
    let other = new_key(home, "other.key");
    let exposed = home.join("exposed.key");
    std::fs::copy(&key, &exposed).unwrap();
    std::fs::set_permissions(&exposed, std::fs::Permissions::from_mode(0o644)).unwrap();
    let data = home.join("data-files");
    std::fs::create_dir(&data).unwrap();
    let secret = demo(&data, "secret.db", 50, Some(&key));
    let plain = demo(&data, "plain.db", 50, None);
    let before = hashes(&data);

    let cases: [(&Path, Option<&Path>, &str); 4] = [
        (&secret, Some(&other), "the key does not open"),
        (
            &secret,
            None,
            "or it is encrypted: then give its key with --key-file",
        ),
        (&secret, Some(&exposed), "has mode 0644"),
        (&plain, Some(&key), "is not encrypted, but a key was given"),
    ];
    for (db, key, says) in cases {
        for command in [&["check"][..], &["export", "--out", "/nonexistent/x"], &[]] {
            let mut args = command.to_vec();
            if let Some(k) = key {
                args.extend(["--key-file", k.to_str().unwrap()]);
            }
            let o = on_db(home, db, &args);
            let out = text(&o);
            assert_eq!(o.status.code(), Some(1), "{args:?}: {out}");
            assert!(out.contains(says), "{args:?} should say {says:?}: {out}");
            // One clear message: no SQLCipher log lines around it.
            assert!(
                !out.to_lowercase().contains("hmac") && !out.contains("ERROR CORE"),
                "{out}"
            );
            assert_eq!(hashes(&data), before, "{args:?} changed a file");
        }
    }
    // The right keys still open both.
    assert!(keyed(home, &secret, &key, &["check"]).status.success());
    assert!(on_db(home, &plain, &["check"]).status.success());
}

#[test]
fn the_service_credential_comes_before_the_key_file() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let key = new_key(home, "db.key");
    let other = new_key(home, "other.key");
    let db = demo(home, "albergue.db", 20, Some(&key));
    let credentials = home.join("credentials");
    std::fs::create_dir(&credentials).unwrap();
    let credential = credentials.join("albergue-db-key");
    std::fs::copy(&key, &credential).unwrap();
    // systemd may hand it over 0440 with an ACL: its folder is the service's
    // alone, so that is accepted there (and only there).
    std::fs::set_permissions(&credential, std::fs::Permissions::from_mode(0o440)).unwrap();
    let o = keyed(home, &db, &credential, &["check"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("has mode 0440"), "{}", text(&o));
    let run = |args: &[&str]| {
        let mut all = vec!["check", "--db", db.to_str().unwrap()];
        all.extend(args);
        Command::new(env!("CARGO_BIN_EXE_albergue"))
            .args(&all)
            .env("HOME", home)
            .env("CREDENTIALS_DIRECTORY", &credentials)
            .output()
            .unwrap()
    };
    let o = run(&["--key-file", other.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o));
    says_all(&text(&o), &["encrypted: yes", "integrity: ok"]);
    let o = run(&[]);
    assert!(o.status.success(), "{}", text(&o));
}

/// Every export file but the manifest, by name (the manifest names times
/// and hashes of its own run).
fn export_files(
    home: &Path,
    db: &Path,
    key: Option<&Path>,
    out: &str,
) -> BTreeMap<String, Vec<u8>> {
    let out = home.join(out);
    let mut args = vec!["export", "--now", NOW, "--format", "both"];
    args.extend(["--out", out.to_str().unwrap()]);
    if let Some(k) = key {
        args.extend(["--key-file", k.to_str().unwrap()]);
    }
    let o = on_db(home, db, &args);
    assert!(o.status.success(), "{}", text(&o));
    all_files(&common::only_folder(&out))
        .into_iter()
        .filter(|p| {
            !p.to_string_lossy().contains("manifest") && !p.to_string_lossy().contains("audit")
        })
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().to_string(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect()
}

#[test]
fn encrypt_loses_nothing_leaves_no_plaintext_and_rekey_changes_the_key() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let key = new_key(home, "db.key");
    let new = new_key(home, "new.key");
    let db = demo(home, "albergue.db", 400, None);
    let needles = secrets(&db, None);
    // Row counts but the audit trail's (each export adds a row to it).
    let rows = |o: &std::process::Output| {
        let line = text(o)
            .lines()
            .find(|l| l.starts_with("rows:"))
            .unwrap_or_default()
            .to_string();
        line.rsplit_once(", ")
            .map(|(rows, _audit)| rows.to_string())
            .unwrap_or(line)
    };
    let before = rows(&on_db(home, &db, &["check"]));
    assert!(before.contains("400 people"), "{before}");
    let plain_export = export_files(home, &db, None, "plain");

    let o = keyed(home, &db, &key, &["encrypt"]);
    assert!(o.status.success(), "{}", text(&o));
    says_all(&text(&o), &["encrypted", "rows copied and checked"]);
    // Nothing plaintext left beside it: no side files, no copy, no names.
    let left: Vec<String> = std::fs::read_dir(home)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.starts_with("albergue.db"))
        .collect();
    assert_eq!(left, ["albergue.db"]);
    assert!(found_in(&db, &needles).is_empty());
    assert!(!std::fs::read(&db).unwrap().starts_with(b"SQLite format 3"));

    let o = keyed(home, &db, &key, &["check"]);
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(rows(&o), before);
    assert_eq!(
        export_files(home, &db, Some(&key), "encrypted"),
        plain_export
    );
    // Encrypting twice is refused, changing nothing.
    let o = keyed(home, &db, &key, &["encrypt"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).contains("is already encrypted"), "{}", text(&o));

    // A dashboard holds it: rekey waits for nobody and changes nothing.
    let mut s = Session::start(
        home,
        &format!(
            "--db {} --now {NOW} --lang en --key-file {}",
            db.display(),
            key.display()
        ),
    );
    s.wait_for("Due soonest");
    let o = keyed(
        home,
        &db,
        &key,
        &["rekey", "--new-key-file", new.to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("is in use"), "{}", text(&o));
    s.send(b"q");
    assert!(s.wait_exit().success());

    let o = keyed(
        home,
        &db,
        &key,
        &["rekey", "--new-key-file", new.to_str().unwrap()],
    );
    assert!(o.status.success(), "{}", text(&o));
    let o = keyed(home, &db, &new, &["check"]);
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(rows(&o), before);
    let o = keyed(home, &db, &key, &["check"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).contains("the key does not open"), "{}", text(&o));
}

#[test]
fn a_rekey_killed_half_way_leaves_the_old_file_whole() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let key = new_key(home, "db.key");
    let new = new_key(home, "new.key");
    let db = demo(home, "albergue.db", 6000, Some(&key));
    let work = albergue::store::work_file(&db);

    let mut child = Command::new(env!("CARGO_BIN_EXE_albergue"))
        .args(["rekey", "--db", db.to_str().unwrap()])
        .args(["--key-file", key.to_str().unwrap()])
        .args(["--new-key-file", new.to_str().unwrap()])
        .env("HOME", home)
        .spawn()
        .unwrap();
    // Killed while the copy is being made.
    let started = Instant::now();
    while !work.exists() {
        assert!(
            child.try_wait().unwrap().is_none(),
            "rekey ended before its copy was seen"
        );
        assert!(started.elapsed() < Duration::from_secs(30));
        std::thread::sleep(Duration::from_micros(200));
    }
    child.kill().unwrap();
    child.wait().unwrap();

    // The old key opens the old file, as it was.
    let o = keyed(home, &db, &key, &["check"]);
    assert!(o.status.success(), "{}", text(&o));
    says_all(&text(&o), &["6000 people", "integrity: ok"]);
    // (Its header says it left WAL mode: the rewrite's first step.)
    assert!(keyed(home, &db, &new, &["check"]).status.code() == Some(1));

    // The next run clears the stray copy and finishes.
    let o = keyed(
        home,
        &db,
        &key,
        &["rekey", "--new-key-file", new.to_str().unwrap()],
    );
    assert!(o.status.success(), "{}", text(&o));
    assert!(!work.exists());
    let o = keyed(home, &db, &new, &["check"]);
    assert!(o.status.success(), "{}", text(&o));
    says_all(&text(&o), &["6000 people", "integrity: ok"]);
}

#[test]
fn the_nightly_job_exports_and_backs_up_an_encrypted_database_with_its_key() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let key = new_key(home, "db.key");
    let db = demo(home, "albergue.db", 200, Some(&key));
    let needles = secrets(&db, Some(&key));
    let recipients = home.join("recipients.txt");
    std::fs::write(
        &recipients,
        format!("{}\n", age::x25519::Identity::generate().to_public()),
    )
    .unwrap();
    let bin = Path::new(env!("CARGO_BIN_EXE_albergue")).parent().unwrap();
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap());
    let (exports, backups) = (home.join("exports"), home.join("backups"));
    let o = Command::new("sh")
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/assets/nightly/albergue-nightly.sh"
        ))
        .env("PATH", path)
        .env("HOME", home)
        .env("XDG_STATE_HOME", home.join("state"))
        .env("ALBERGUE_DB", &db)
        .env("ALBERGUE_KEY_FILE", &key)
        .env("ALBERGUE_RECIPIENTS", &recipients)
        .env("ALBERGUE_EXPORTS", &exports)
        .env("ALBERGUE_BACKUPS", &backups)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o));
    assert!(!text(&o).contains("NOT encrypted"), "{}", text(&o));
    let backup = std::fs::read_dir(&backups)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let mut files = all_files(&exports);
    files.push(backup.clone());
    for f in &files {
        assert!(found_in(f, &needles).is_empty(), "{}", f.display());
    }
    let o = keyed(home, &backup, &key, &["check"]);
    assert!(o.status.success(), "{}", text(&o));
    says_all(
        &text(&o),
        &["encrypted: yes", "200 people", "integrity: ok"],
    );
}

#[test]
fn check_names_a_page_changed_on_disk_in_an_encrypted_database() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let key = new_key(home, "db.key");
    let db = demo(home, "albergue.db", 300, Some(&key));
    let o = keyed(home, &db, &key, &["check"]);
    assert!(o.status.success(), "{}", text(&o));
    // One byte of the third page's ciphertext, flipped.
    let mut bytes = std::fs::read(&db).unwrap();
    bytes[2 * 4096 + 700] ^= 0x01;
    std::fs::write(&db, &bytes).unwrap();
    let o = keyed(home, &db, &key, &["check"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    says_all(
        &text(&o),
        &[
            "integrity: 1 problem(s)",
            "page 3",
            "tallies:  not compared: the file is damaged",
        ],
    );
    // --repair leaves a damaged file as it is.
    let before = std::fs::read(&db).unwrap();
    let o = keyed(home, &db, &key, &["check", "--repair"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert_eq!(std::fs::read(&db).unwrap(), before);
}
