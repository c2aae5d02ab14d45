//! Field conditions: a writer killed at random moments, and many
//! coordinators saving at once. The child processes are this test binary run
//! again with an environment variable that makes one test act as the child.
//! Longer runs by hand: ALBERGUE_FIELD_KILLS=1000 ALBERGUE_FIELD_SECS=300
//! ALBERGUE_FIELD_PROCS=16 cargo test --release --test field.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

mod common;

use albergue::actor::Actor;
use albergue::domain::{PersonDetails, Ports, Step};
use albergue::store::{NewOutage, OpenMode, Store, StoreError};
use chrono::Utc;

fn env_num(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn new_person(household_id: i64, n: u64) -> PersonDetails {
    common::new_person(household_id, &format!("Persona{n}"), "Prueba")
}

/// A child's output line, without what the test harness prints before the
/// first one (`test name ... ` with no newline).
fn payload(line: &str) -> &str {
    line.rsplit(" ... ").next().unwrap_or(line)
}

/// Runs this test binary as a child doing `role` on `db`.
fn child(role: &str, db: &Path, name: &str) -> std::process::Child {
    Command::new(std::env::current_exe().unwrap())
        .args(["--exact", role, "--nocapture", "--test-threads=1"])
        .env("ALBERGUE_FIELD_CHILD", role)
        .env("ALBERGUE_FIELD_DB", db)
        .env("ALBERGUE_FIELD_NAME", name)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

fn is_child(role: &str) -> bool {
    std::env::var("ALBERGUE_FIELD_CHILD").as_deref() == Ok(role)
}

/// In the test itself (not a child it runs): a temp folder with a field
/// database in it.
fn parent_with_database() -> Option<(tempfile::TempDir, std::path::PathBuf)> {
    if std::env::var("ALBERGUE_FIELD_CHILD").is_ok() {
        return None;
    }
    let dir = tempfile::tempdir().unwrap();
    let (db, _) = setup(dir.path());
    Some((dir, db))
}

fn setup(dir: &Path) -> (std::path::PathBuf, i64) {
    let db = dir.join("field.db");
    let mut store = Store::open(&db, OpenMode::Create).unwrap();
    let actor = Actor::new("setup");
    let shelter = store
        .create_shelter("Casa", "Tijuana", "America/Tijuana", 100, &actor)
        .unwrap();
    let household = store
        .create_household(shelter.id, "Prueba", None, &actor)
        .unwrap();
    for n in 0..20 {
        store
            .create_person(&new_person(household.id, n), &actor)
            .unwrap();
    }
    (db, household.id)
}

// ---- 1. crash durability ----

/// Child: saves people one after another, printing each id once committed.
#[test]
fn crash_writer_child() {
    if !is_child("crash_writer_child") {
        return;
    }
    let db = std::env::var("ALBERGUE_FIELD_DB").unwrap();
    let mut store = Store::open(Path::new(&db), OpenMode::Existing).unwrap();
    let household = 1; // the one `setup` made
    let actor = Actor::new("writer");
    let mut out = std::io::stdout().lock();
    for n in 0.. {
        let p = store
            .create_person(&new_person(household, 1000 + n), &actor)
            .unwrap();
        writeln!(out, "ack {}", p.id).unwrap();
        out.flush().unwrap();
    }
}

#[test]
fn a_writer_killed_at_random_moments_loses_no_acknowledged_save() {
    let Some((_dir, db)) = parent_with_database() else {
        return;
    };
    let kills = env_num("ALBERGUE_FIELD_KILLS", 100);
    let mut acked: Vec<i64> = Vec::new();
    let mut seed = 0x5eed_u64;
    for _ in 0..kills {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let delay = Duration::from_millis(5 + (seed >> 33) % 60);
        let mut c = child("crash_writer_child", &db, "writer");
        let stdout = c.stdout.take().unwrap();
        let reader = std::thread::spawn(move || {
            BufReader::new(stdout)
                .lines()
                .map_while(Result::ok)
                .filter_map(|l| {
                    payload(&l)
                        .strip_prefix("ack ")
                        .and_then(|id| id.parse::<i64>().ok())
                })
                .collect::<Vec<_>>()
        });
        std::thread::sleep(delay);
        c.kill().unwrap(); // SIGKILL
        c.wait().unwrap();
        acked.extend(reader.join().unwrap());
        let store = Store::open(&db, OpenMode::Existing).expect("the database opens after a kill");
        assert!(store.integrity_problems().unwrap().is_empty());
    }
    let store = Store::open(&db, OpenMode::Existing).unwrap();
    assert!(!acked.is_empty(), "the writer acknowledged saves");
    for id in &acked {
        assert!(
            store.person(*id).is_ok(),
            "acknowledged person {id} is missing"
        );
    }
    // Every person has its audit row, and no audit row lacks its person.
    let people = store.counts().unwrap().people as usize;
    let creates = store
        .recent_audit(1_000_000)
        .unwrap()
        .iter()
        .filter(|e| e.action == "person.create")
        .count();
    assert_eq!(people, creates);
}

// ---- 2. many coordinators ----

/// Child: for a while, adds people, edits notes over the version it read,
/// and records outages; prints each acknowledged change, and each conflict.
#[test]
fn coordinator_child() {
    if !is_child("coordinator_child") {
        return;
    }
    let db = std::env::var("ALBERGUE_FIELD_DB").unwrap();
    let name = std::env::var("ALBERGUE_FIELD_NAME").unwrap();
    let secs = env_num("ALBERGUE_FIELD_SECS", 30);
    let mut store = Store::open(Path::new(&db), OpenMode::Existing).unwrap();
    let actor = Actor::new(name.clone());
    let mut out = std::io::stdout().lock();
    let end = Instant::now() + Duration::from_secs(secs);
    let mut n: u64 = 0;
    while Instant::now() < end {
        n += 1;
        let result: Result<&str, StoreError> = match n % 4 {
            0 => store
                .record_outage(
                    &NewOutage {
                        service: albergue::domain::outage::CBP_ONE_SERVICE.into(),
                        affected_step: Step::Confirm,
                        ports: Ports::All,
                        started_at: Utc::now(),
                        ended_at: None,
                        source: format!("{name} report {n}"),
                        note: String::new(),
                    },
                    &actor,
                )
                .map(|_| "outage"),
            1 => store
                .create_person(&new_person(1, n), &actor)
                .map(|_| "person"),
            _ => {
                // Everyone edits the same few people: conflicts will happen.
                let id = 1 + (n % 5) as i64;
                let p = store.person(id).unwrap();
                let mut d = p.details.clone();
                d.notes = format!("{name} {n}");
                std::thread::sleep(Duration::from_millis(1));
                store
                    .update_person(id, p.version, &d, &actor)
                    .map(|_| "edit")
            }
        };
        match result {
            Ok(kind) => writeln!(out, "ack {kind}").unwrap(),
            Err(StoreError::Conflict(_)) => writeln!(out, "conflict").unwrap(),
            Err(e) => writeln!(out, "error {e}").unwrap(),
        }
    }
    out.flush().unwrap();
}

#[test]
fn many_coordinators_at_once_lose_nothing_and_see_conflicts_as_conflicts() {
    let Some((_dir, db)) = parent_with_database() else {
        return;
    };
    let procs = env_num("ALBERGUE_FIELD_PROCS", 8);
    let audit_before = Store::open(&db, OpenMode::Existing)
        .unwrap()
        .recent_audit(1_000_000)
        .unwrap()
        .len();
    let children: Vec<_> = (0..procs)
        .map(|i| {
            let mut c = child("coordinator_child", &db, &format!("coord{i}"));
            let stdout = c.stdout.take().unwrap();
            let lines = std::thread::spawn(move || {
                BufReader::new(stdout)
                    .lines()
                    .map_while(Result::ok)
                    .map(|l| payload(&l).to_string())
                    .collect::<Vec<_>>()
            });
            (c, lines)
        })
        .collect();
    let mut acks = 0;
    let mut conflicts = 0;
    let mut per_actor = Vec::new();
    for (i, (mut c, lines)) in children.into_iter().enumerate() {
        assert!(c.wait().unwrap().success(), "coordinator {i} crashed");
        let lines = lines.join().unwrap();
        let errors: Vec<&String> = lines.iter().filter(|l| l.starts_with("error")).collect();
        assert!(errors.is_empty(), "coordinator {i}: {errors:?}");
        let mine = lines.iter().filter(|l| l.starts_with("ack")).count();
        acks += mine;
        conflicts += lines.iter().filter(|l| *l == "conflict").count();
        per_actor.push((format!("coord{i}"), mine));
    }
    let store = Store::open(&db, OpenMode::Existing).unwrap();
    assert!(store.integrity_problems().unwrap().is_empty());
    let audit = store.recent_audit(10_000_000).unwrap();
    assert_eq!(
        audit.len() - audit_before,
        acks,
        "one audit row per acknowledged change"
    );
    for (actor, mine) in per_actor {
        assert_eq!(
            audit.iter().filter(|e| e.actor == actor).count(),
            mine,
            "{actor}"
        );
    }
    assert!(acks > 0);
    assert!(
        conflicts > 0,
        "edits of the same people collided, and were reported as conflicts"
    );
    eprintln!("{procs} coordinators: {acks} changes saved, {conflicts} conflicts reported");
}

// ---- 4. a full disk ----

/// Runs albergue with a file-size limit (a full disk, as far as albergue can
/// tell): writes past it fail with EFBIG (SIGXFSZ is ignored, as a shell
/// running a cron job may leave it).
fn albergue_with_file_limit(kib: u32, args: &[&str]) -> std::process::Output {
    let bin = env!("CARGO_BIN_EXE_albergue");
    let quoted: Vec<String> = args.iter().map(|a| format!("'{a}'")).collect();
    Command::new("bash")
        .args([
            "-c",
            &format!(
                "trap '' XFSZ; ulimit -f {kib}; exec {bin} {}",
                quoted.join(" ")
            ),
        ])
        .env_remove("ALBERGUE_DB")
        .output()
        .unwrap()
}

#[test]
fn a_full_disk_fails_exports_and_saves_cleanly_and_loses_nothing() {
    if std::env::var("ALBERGUE_FIELD_CHILD").is_ok() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("full.db");
    let dbs = db.to_str().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_albergue"))
        .args(["demo", "--people", "3000", "--db", dbs])
        .output()
        .unwrap();
    assert!(out.status.success());
    let size_kib = (std::fs::metadata(&db).unwrap().len() / 1024) as u32;
    let before = Store::open(&db, OpenMode::Existing)
        .unwrap()
        .counts()
        .unwrap();

    // An export that does not fit: a clear message, no dated folder.
    let exports = dir.path().join("exports");
    let o = albergue_with_file_limit(
        64,
        &["export", "--db", dbs, "--out", exports.to_str().unwrap()],
    );
    let text = String::from_utf8_lossy(&o.stderr).to_string();
    assert_eq!(o.status.code(), Some(1), "{text}");
    assert!(
        text.contains("export failed") && text.contains("large"),
        "{text}"
    );
    let left: Vec<_> = std::fs::read_dir(&exports).unwrap().flatten().collect();
    assert!(left.is_empty(), "nothing half-written is left: {left:?}");

    // An import that does not fit in the database file: refused whole.
    let rows: String = (0..20_000)
        .map(|i| format!("Nombre{i},Apellido{i},HND\n"))
        .collect();
    let csv = dir.path().join("grande.csv");
    std::fs::write(&csv, format!("Nombre(s),Apellidos,Nacionalidad\n{rows}")).unwrap();
    let o = albergue_with_file_limit(
        size_kib + 8,
        &["import", csv.to_str().unwrap(), "--db", dbs],
    );
    let text = String::from_utf8_lossy(&o.stderr).to_string();
    assert_eq!(o.status.code(), Some(1), "{text}");
    assert!(text.contains("full") || text.contains("large"), "{text}");

    let store = Store::open(&db, OpenMode::Existing).unwrap();
    assert!(store.integrity_problems().unwrap().is_empty());
    assert_eq!(
        store.counts().unwrap().people,
        before.people,
        "nothing half-imported, nothing lost"
    );
}

// ---- 4b. read-only media ----

#[test]
fn a_database_on_read_only_media_is_refused_plainly_and_stays_sound() {
    if std::env::var("ALBERGUE_FIELD_CHILD").is_ok() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src");
    let ro = dir.path().join("ro");
    std::fs::create_dir_all(&src).unwrap();
    std::fs::create_dir_all(&ro).unwrap();
    let db = src.join("a.db");
    let out = Command::new(env!("CARGO_BIN_EXE_albergue"))
        .args(["demo", "--people", "50", "--db", db.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success());
    let csv = dir.path().join("uno.csv");
    std::fs::write(&csv, "Nombre(s),Apellidos\nAna,Pérez\n").unwrap();
    let before = std::fs::read(&db).unwrap();
    // A read-only bind mount in a mount namespace of its own (user
    // namespaces make this work without privileges; util-linux `unshare`).
    let bin = env!("CARGO_BIN_EXE_albergue");
    let script = format!(
        "mount --bind '{src}' '{ro}' && mount -o remount,bind,ro '{ro}' && \
         {bin} import '{csv}' --db '{ro}/a.db'; echo \"exit=$?\"; \
         {bin} check --db '{ro}/a.db' >/dev/null; echo \"check=$?\"",
        src = src.display(),
        ro = ro.display(),
        csv = csv.display()
    );
    let o = Command::new("unshare")
        .args(["--user", "--map-root-user", "--mount", "sh", "-c", &script])
        .output()
        .expect("util-linux unshare runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(text.contains("exit=1"), "{text}");
    assert!(text.contains("read-only"), "{text}");
    assert!(text.contains("check=0"), "the database reads fine: {text}");
    assert_eq!(std::fs::read(&db).unwrap(), before, "untouched");
}
