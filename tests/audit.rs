//! The audit trail is tamper-evident: a hash chain written with every
//! change, append-only triggers, and `albergue check` naming the first row
//! that does not match.

use std::path::Path;

use albergue::actor::Actor;
use albergue::domain::audit::ChainBreak;
use albergue::store::{OpenMode, Store};
use rusqlite::Connection;

mod common;

use common::{demo_data, new_person, on_db, store_with, text};

/// A demo database with a few changes written through the store: audit
/// rows to chain.
fn with_changes(dir: &Path) -> std::path::PathBuf {
    let (path, mut store) = store_with(dir, &demo_data(200, 3));
    let actor = Actor::new("maria");
    for (given, family) in [("Ana", "Cruz"), ("Luis", "Pérez"), ("Rosa", "Núñez")] {
        store
            .create_person(&new_person(1, given, family), &actor)
            .unwrap();
    }
    path
}

fn audit_ids(path: &Path) -> Vec<i64> {
    let conn = Connection::open(path).unwrap();
    let mut stmt = conn.prepare("SELECT id FROM audit ORDER BY id").unwrap();
    stmt.query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

/// SQLite itself, with the append-only triggers dropped: what someone with
/// the file and the `sqlite3` tool can do.
fn tamper(path: &Path, sql: &str) {
    let conn = Connection::open(path).unwrap();
    conn.execute_batch("DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;")
        .unwrap();
    conn.execute_batch(sql).unwrap();
}

fn check(home: &Path, db: &Path) -> (bool, String) {
    let out = on_db(home, db, &["check"]);
    (out.status.success(), text(&out))
}

#[test]
fn every_change_extends_the_chain_and_check_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let db = with_changes(dir.path());
    let store = Store::open(&db, OpenMode::Existing).unwrap();
    let (rows, _) = store.verify_audit().unwrap().unwrap();
    assert_eq!(rows as usize, audit_ids(&db).len());
    assert!(rows >= 4, "the demo load and three people");
    let (ok, said) = check(dir.path(), &db);
    assert!(ok, "{said}");
    assert!(
        said.contains(&format!("audit:    {rows} rows chained")),
        "{said}"
    );
}

#[test]
fn sqlite_itself_refuses_to_change_or_remove_audit_rows() {
    let dir = tempfile::tempdir().unwrap();
    let db = with_changes(dir.path());
    let conn = Connection::open(&db).unwrap();
    let update = conn.execute("UPDATE audit SET actor = 'nobody'", []);
    assert!(
        update.unwrap_err().to_string().contains("append-only"),
        "UPDATE refused"
    );
    let delete = conn.execute("DELETE FROM audit", []);
    assert!(delete.unwrap_err().to_string().contains("append-only"));
}

#[test]
fn a_changed_row_is_named_by_check() {
    for column in [
        "at = at + 1",
        "actor = 'nobody'",
        "action = 'person.delete'",
        "entity = 'x'",
        "entity_id = 999",
        "summary = 'fine'",
    ] {
        let dir = tempfile::tempdir().unwrap();
        let db = with_changes(dir.path());
        let ids = audit_ids(&db);
        let target = ids[ids.len() - 2];
        tamper(
            &db,
            &format!("UPDATE audit SET {column} WHERE id = {target}"),
        );
        let (ok, said) = check(dir.path(), &db);
        assert!(!ok, "{column}: {said}");
        assert!(
            said.contains(&format!("audit row {target} was changed")),
            "{column}: {said}"
        );
        let store = Store::open(&db, OpenMode::Existing).unwrap();
        assert_eq!(
            store.verify_audit().unwrap(),
            Err(ChainBreak::Changed { id: target })
        );
    }
}

#[test]
fn a_removed_or_inserted_row_is_named_by_check() {
    let dir = tempfile::tempdir().unwrap();
    let db = with_changes(dir.path());
    let ids = audit_ids(&db);
    let (before, gone, after) = (ids[1], ids[2], ids[3]);
    tamper(&db, &format!("DELETE FROM audit WHERE id = {gone}"));
    let (ok, said) = check(dir.path(), &db);
    assert!(!ok);
    assert!(
        said.contains(&format!("audit row {after} does not follow row {before}")),
        "{said}"
    );

    // A row slipped in with a made-up link.
    let dir = tempfile::tempdir().unwrap();
    let db = with_changes(dir.path());
    let ids = audit_ids(&db);
    let last = *ids.last().unwrap();
    tamper(
        &db,
        &format!(
            "INSERT INTO audit (id, at, actor, action, entity, entity_id, summary, prev_hash, row_hash)
             VALUES ({}, 0, 'x', 'person.update', 'person', 1, '', zeroblob(32), zeroblob(32))",
            last + 1
        ),
    );
    let (ok, said) = check(dir.path(), &db);
    assert!(!ok);
    assert!(
        said.contains(&format!(
            "audit row {} does not follow row {last}",
            last + 1
        )),
        "{said}"
    );
}

#[test]
fn a_database_from_before_the_chain_is_chained_when_opened() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("old.db");
    {
        // Schema version 3, as albergue wrote it before the chain, with
        // audit rows of its own.
        let conn = Connection::open(&db).unwrap();
        for sql in [
            include_str!("../assets/migrations/0001_initial.sql"),
            include_str!("../assets/migrations/0002_users.sql"),
            include_str!("../assets/migrations/0003_user_language.sql"),
        ] {
            conn.execute_batch(sql).unwrap();
        }
        conn.pragma_update(None, "user_version", 3).unwrap();
        for i in 0..5 {
            conn.execute(
                "INSERT INTO audit (at, actor, action, entity, entity_id, summary)
                 VALUES (?1, 'ana', 'person.update', 'person', ?1, 'phone')",
                [i],
            )
            .unwrap();
        }
    }
    let mut store = Store::open(&db, OpenMode::Existing).unwrap();
    assert_eq!(
        store.schema_version().unwrap(),
        albergue::store::LATEST_VERSION
    );
    assert_eq!(store.verify_audit().unwrap().unwrap().0, 5);
    // New rows go on from the old ones.
    store
        .record_job("export", "to /tmp", &Actor::new("ana"))
        .unwrap();
    assert_eq!(store.verify_audit().unwrap().unwrap().0, 6);
}

/// An export of `db` into `home/exports`; its manifest.
fn export_manifest(home: &Path, db: &Path) -> std::path::PathBuf {
    let out = home.join("exports");
    let o = on_db(home, db, &["export", "--out", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o));
    let folder = common::only_folder(&out);
    folder.join("manifest.json")
}

#[test]
fn the_export_manifest_records_the_chain_and_verify_finds_a_rewrite() {
    let dir = tempfile::tempdir().unwrap();
    let db = with_changes(dir.path());
    let manifest = export_manifest(dir.path(), &db);
    let recorded: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&manifest).unwrap()).unwrap();
    let rows = recorded["audit_chain"]["rows"].as_u64().unwrap();
    assert_eq!(
        rows as usize,
        audit_ids(&db).len() - 1,
        "the export's own row comes after"
    );
    assert_eq!(
        recorded["audit_chain"]["head_sha256"]
            .as_str()
            .unwrap()
            .len(),
        64
    );

    let verify = |db: &Path| {
        let o = on_db(
            dir.path(),
            db,
            &["audit", "verify", "--manifest", manifest.to_str().unwrap()],
        );
        (o.status.code(), text(&o))
    };
    // Unchanged, with more rows since: fine.
    let mut store = Store::open(&db, OpenMode::Existing).unwrap();
    store
        .create_person(&new_person(1, "Zoe", "Nueva"), &Actor::new("maria"))
        .unwrap();
    drop(store);
    let (code, said) = verify(&db);
    assert_eq!(code, Some(0), "{said}");

    // Someone edits an old row and recomputes every hash after it, as the
    // recipe is public: `check` cannot tell, the manifest can.
    tamper(
        &db,
        "UPDATE audit SET summary = 'nothing happened' WHERE id = 2",
    );
    {
        let conn = Connection::open(&db).unwrap();
        let entries: Vec<albergue::domain::AuditEntry> = {
            let mut stmt = conn
                .prepare("SELECT id, at, actor, action, entity, entity_id, summary FROM audit ORDER BY id")
                .unwrap();
            stmt.query_map([], |r| {
                Ok(albergue::domain::AuditEntry {
                    id: r.get(0)?,
                    at: chrono::DateTime::from_timestamp(r.get(1)?, 0).unwrap(),
                    actor: r.get(2)?,
                    action: r.get(3)?,
                    entity: r.get(4)?,
                    entity_id: r.get(5)?,
                    summary: r.get(6)?,
                })
            })
            .unwrap()
            .map(Result::unwrap)
            .collect()
        };
        let mut prev = albergue::domain::audit::GENESIS;
        for e in entries {
            let hash = e.chain_hash(&prev);
            conn.execute(
                "UPDATE audit SET prev_hash = ?2, row_hash = ?3 WHERE id = ?1",
                rusqlite::params![e.id, &prev[..], &hash[..]],
            )
            .unwrap();
            prev = hash;
        }
    }
    // The chain is whole, but the triggers that had to go for the rewrite
    // are missed.
    let (ok, said) = check(dir.path(), &db);
    assert!(!ok && said.contains("rows chained"), "{said}");
    assert!(said.contains("not append-only"), "{said}");
    let (code, said) = verify(&db);
    assert_eq!(code, Some(1), "{said}");
    assert!(said.contains("the chain was rewritten since"), "{said}");
}

#[test]
fn rows_removed_from_the_end_are_found_by_the_manifest() {
    let dir = tempfile::tempdir().unwrap();
    let db = with_changes(dir.path());
    let manifest = export_manifest(dir.path(), &db);
    let last = *audit_ids(&db).last().unwrap();
    // The newest rows go: what is left is a whole chain.
    tamper(&db, &format!("DELETE FROM audit WHERE id >= {}", last - 1));
    let (ok, said) = check(dir.path(), &db);
    assert!(!ok && said.contains("rows chained"), "{said}");
    assert!(
        said.contains("trigger audit_no_delete is missing"),
        "{said}"
    );
    let o = on_db(
        dir.path(),
        &db,
        &["audit", "verify", "--manifest", manifest.to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("rows were removed"), "{}", text(&o));
}

#[test]
fn a_signed_manifest_is_checked_against_its_key_and_by_ssh_keygen() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let db = with_changes(dir.path());
    let key = dir.path().join("manifest-key");
    let o = on_db(
        dir.path(),
        &db,
        &["key", "new", "--signing", "--out", key.to_str().unwrap()],
    );
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(
        std::fs::metadata(&key).unwrap().permissions().mode() & 0o777,
        0o400
    );
    let public = dir.path().join("manifest-key.pub");
    // Never replaced.
    let again = on_db(
        dir.path(),
        &db,
        &["key", "new", "--signing", "--out", key.to_str().unwrap()],
    );
    assert_eq!(again.status.code(), Some(1));

    let out = dir.path().join("exports");
    let o = on_db(
        dir.path(),
        &db,
        &[
            "export",
            "--out",
            out.to_str().unwrap(),
            "--sign-with",
            key.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", text(&o));
    let folder = common::only_folder(&out);
    let manifest = folder.join("manifest.json");
    let verify = || {
        on_db(
            dir.path(),
            &db,
            &[
                "audit",
                "verify",
                "--manifest",
                manifest.to_str().unwrap(),
                "--signer",
                public.to_str().unwrap(),
            ],
        )
    };
    let o = verify();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(
        text(&o).contains("the manifest is signed by SHA256:"),
        "{}",
        text(&o)
    );

    // The standard tool agrees.
    let signers = dir.path().join("allowed_signers");
    let line = std::fs::read_to_string(&public).unwrap();
    std::fs::write(&signers, format!("albergue {line}")).unwrap();
    let sig = folder.join("manifest.json.sig");
    let o = std::process::Command::new("ssh-keygen")
        .args(["-Y", "verify", "-f"])
        .arg(&signers)
        .args(["-I", "albergue", "-n", "albergue-manifest", "-s"])
        .arg(&sig)
        .stdin(std::fs::File::open(&manifest).unwrap())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o));

    // A forged head (the manifest rewritten to match a rewritten chain)
    // fails the signature.
    let text_of = std::fs::read_to_string(&manifest).unwrap();
    let forged = text_of.replacen("\"rows\": ", "\"rows\": 1", 1);
    assert_ne!(forged, text_of);
    std::fs::set_permissions(&manifest, std::fs::Permissions::from_mode(0o600)).unwrap();
    std::fs::write(&manifest, forged).unwrap();
    let o = verify();
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        text(&o).contains("signature does not match"),
        "{}",
        text(&o)
    );
}
