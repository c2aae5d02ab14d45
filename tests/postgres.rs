//! The PostgreSQL half: `albergue port` into a throwaway cluster, through
//! the binary as an admin runs it, and the row level security that walls
//! shelters apart there.
//!
//! These tests need a PostgreSQL cluster: `scripts/test` runs them after
//! the rest inside `pg_virtualenv` (which sets PGHOST, PGPORT, PGUSER and
//! PGPASSWORD, and ALBERGUE_TEST_PG). A plain `cargo test` lists them as
//! ignored, saying so, rather than passing them silently.

mod common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

use common::{albergue, make_demo, on_db, says_all, text, NOW};
use postgres::Client;

/// The cluster's admin connection (the variables pg_virtualenv sets).
fn admin() -> Client {
    assert!(
        std::env::var_os("ALBERGUE_TEST_PG").is_some(),
        "the PostgreSQL half needs a cluster: run scripts/test (or pg_virtualenv with ALBERGUE_TEST_PG=1)"
    );
    albergue::store::pg::connect("dbname=postgres").expect("the test cluster answers")
}

/// A new, empty database `name` (dropped first if an earlier run left it).
fn fresh(name: &str) -> String {
    let mut admin = admin();
    admin
        .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .unwrap();
    admin
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .unwrap();
    format!("dbname={name}")
}

fn client(db: &str) -> Client {
    albergue::store::pg::connect(db).unwrap()
}

fn count(c: &mut Client, sql: &str) -> i64 {
    c.query_one(sql, &[]).unwrap().get(0)
}

/// The schema as pg_dump writes it.
fn schema_of(db: &str) -> String {
    let name = db.trim_start_matches("dbname=");
    let out = Command::new("pg_dump")
        .args(["--schema-only", "--no-owner", "--no-privileges", name])
        .output()
        .expect("pg_dump runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // (Less pg_dump's \restrict lines, whose key is new each run.)
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with("\\restrict") && !l.starts_with("\\unrestrict"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn port(home: &Path, db: &Path, to: &str, more: &[&str]) -> std::process::Output {
    let mut args = vec!["port", "--to", to];
    args.extend_from_slice(more);
    on_db(home, db, &args)
}

#[test]
#[ignore = "PostgreSQL half: scripts/test runs it in a throwaway cluster (pg_virtualenv)"]
fn a_port_is_verified_refused_twice_and_tampering_is_found() {
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("programs.db");
    let o = on_db(
        home.path(),
        &db,
        &[
            "demo",
            "--people",
            "1500",
            "--now",
            NOW,
            "--programs",
            "comar,tvrh,iom-return",
        ],
    );
    assert!(o.status.success(), "{}", text(&o));
    let to = fresh("alb_port_whole");

    let o = port(home.path(), &db, &to, &["--batch", "400"]);
    assert!(o.status.success(), "{}", text(&o));
    says_all(
        &text(&o),
        &[
            "ported 15 tables",
            "verified: 15 tables alike",
            "exports alike: a full export of each (CSV and JSON Lines, 21 files,",
            "byte for byte",
            "the audit chain walked on PostgreSQL",
            "6 tallies recounted",
            "  person: 1500 of 1500 rows",
        ],
    );
    let mut pg = client(&to);
    assert_eq!(count(&mut pg, "SELECT count(*) FROM person"), 1500);
    assert!(count(&mut pg, "SELECT count(*) FROM program_case") > 0);

    // The schema is a freshly migrated one's: no port tables left, the
    // triggers on again.
    let fresh_db = fresh("alb_port_fresh");
    albergue::store::pg::migrate(&mut client(&fresh_db)).unwrap();
    let (ported, migrated) = (schema_of(&to), schema_of(&fresh_db));
    let differ = ported.lines().zip(migrated.lines()).find(|(a, b)| a != b);
    assert!(
        ported == migrated,
        "the ported schema differs from a fresh one: {differ:?}"
    );

    // A second port into it is refused and changes nothing.
    let o = port(home.path(), &db, &to, &[]);
    assert!(!o.status.success());
    says_all(
        &text(&o),
        &["already holds an albergue database", "--verify"],
    );
    assert_eq!(count(&mut pg, "SELECT count(*) FROM person"), 1500);

    // Ported twice: the second copy, into another database, verifies too.
    let again = fresh("alb_port_again");
    let o = port(home.path(), &db, &again, &[]);
    assert!(o.status.success(), "{}", text(&o));

    // A value changed behind albergue's back is found, and where.
    pg.batch_execute("UPDATE person SET notes = notes || '.' WHERE id = 7")
        .unwrap();
    let o = port(home.path(), &db, &to, &["--verify"]);
    assert!(!o.status.success());
    says_all(
        &text(&o),
        &["person: the same 1500 rows in number, not in content"],
    );
    pg.batch_execute("UPDATE person SET notes = left(notes, -1) WHERE id = 7")
        .unwrap();
    let o = port(home.path(), &db, &to, &["--verify"]);
    assert!(o.status.success(), "{}", text(&o));

    // The audit trail is append-only on PostgreSQL too; rewritten by its
    // owner with the triggers off, the walk finds it.
    let err = pg
        .batch_execute("UPDATE audit SET summary = 'x'")
        .unwrap_err();
    assert!(format!("{err:?}").contains("append-only"), "{err:?}");
    pg.batch_execute(
        "ALTER TABLE audit DISABLE TRIGGER USER; UPDATE audit SET summary = 'x' WHERE id = 1;
         ALTER TABLE audit ENABLE TRIGGER USER;",
    )
    .unwrap();
    let o = port(home.path(), &db, &to, &["--verify"]);
    assert!(!o.status.success());
    says_all(
        &text(&o),
        &["the audit chain on PostgreSQL is broken", "audit: the same"],
    );
    // `check` on PostgreSQL finds the broken chain too, and a wall or a
    // trigger taken down.
    pg.batch_execute(
        "ALTER TABLE household NO FORCE ROW LEVEL SECURITY;
         ALTER TABLE person DISABLE TRIGGER person_placed;",
    )
    .unwrap();
    let o = albergue(home.path(), &["--db", &to, "check"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    says_all(
        &text(&o),
        &[
            "schema:   version 16 (PostgreSQL)",
            "rows:     4 shelters",
            "1500 people",
            "integrity: 3 problem(s)",
            "the audit chain on PostgreSQL is broken",
            "row level security is not forced on household",
            "trigger person_placed on person is disabled",
        ],
    );
    let o = albergue(home.path(), &["--db", &again, "check"]);
    assert!(o.status.success(), "{}", text(&o));
    says_all(&text(&o), &["audit:    ", "rows chained", "integrity: ok"]);

    // `albergue export` on PostgreSQL writes what it writes on SQLite,
    // byte for byte, and is audited there in the chain.
    let audit_before = count(&mut client(&again), "SELECT count(*) FROM audit");
    let (on_sqlite, on_postgres) = (home.path().join("x-sqlite"), home.path().join("x-pg"));
    for (db, out) in [
        (db.to_str().unwrap(), &on_sqlite),
        (again.as_str(), &on_postgres),
    ] {
        let o = albergue(
            home.path(),
            &[
                "--db",
                db,
                "export",
                "--format",
                "both",
                "--out",
                out.to_str().unwrap(),
                "--now",
                NOW,
            ],
        );
        assert!(o.status.success(), "{}", text(&o));
    }
    let folder = |out: &Path| {
        std::fs::read_dir(out)
            .unwrap()
            .next()
            .unwrap()
            .unwrap()
            .path()
    };
    let (a, b) = (folder(&on_sqlite), folder(&on_postgres));
    let mut files: Vec<_> = std::fs::read_dir(&a)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    files.sort();
    assert!(files.len() >= 21, "{files:?}");
    for name in &files {
        assert!(
            std::fs::read(a.join(name)).unwrap() == std::fs::read(b.join(name)).unwrap(),
            "{name:?} differs"
        );
    }
    assert_eq!(
        count(&mut client(&again), "SELECT count(*) FROM audit"),
        audit_before + 1
    );
    let o = albergue(home.path(), &["--db", &again, "check"]);
    assert!(
        o.status.success(),
        "the export's audit row chains on: {}",
        text(&o)
    );
}

#[test]
#[ignore = "PostgreSQL half: scripts/test runs it in a throwaway cluster (pg_virtualenv)"]
fn a_killed_port_goes_on_where_it_stopped_unless_the_source_changed() {
    let home = tempfile::tempdir().unwrap();
    let db = make_demo(home.path(), 3000);
    let to = fresh("alb_port_killed");

    let mut child = Command::new(env!("CARGO_BIN_EXE_albergue"))
        .args([
            "--db",
            db.to_str().unwrap(),
            "port",
            "--to",
            &to,
            "--batch",
            "100",
            "--pause",
            "30",
        ])
        .env("HOME", home.path())
        .env("XDG_DATA_HOME", home.path().join("data"))
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("XDG_STATE_HOME", home.path().join("state"))
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    loop {
        let line = lines.next().expect("the port reports its batches").unwrap();
        let copied = line
            .strip_prefix("  person: ")
            .and_then(|rest| rest.split(' ').next());
        if copied.is_some_and(|n| n.parse::<u32>().unwrap() > 0) {
            break;
        }
    }
    // A second port into it meanwhile is refused, and touches nothing.
    let o = port(home.path(), &db, &to, &[]);
    assert!(!o.status.success());
    says_all(
        &text(&o),
        &["another `albergue port` is copying into this database"],
    );
    child.kill().unwrap(); // SIGKILL: no goodbye
    child.wait().unwrap();

    let mut pg = client(&to);
    let copied = count(&mut pg, "SELECT count(*) FROM person");
    assert!(
        copied > 0 && copied < 3000,
        "killed half-way: {copied} people copied"
    );
    // Half a port is not a database: verifying says so.
    let o = port(home.path(), &db, &to, &["--verify"]);
    assert!(!o.status.success());
    says_all(&text(&o), &["unfinished port", "run `albergue port` again"]);

    // A source that changed since is not resumed from.
    let other = home.path().join("other.db");
    std::fs::copy(&db, &other).unwrap();
    let o = on_db(
        home.path(),
        &other,
        &[
            "retention",
            "run",
            "--after",
            "30d",
            "--now",
            "2026-12-01T00:00:00Z",
        ],
    );
    assert!(o.status.success(), "{}", text(&o));
    let o = port(home.path(), &other, &to, &[]);
    assert!(!o.status.success(), "{}", text(&o));
    says_all(
        &text(&o),
        &[
            "holds an unfinished port of",
            "the source has changed since",
        ],
    );

    let o = port(home.path(), &db, &to, &["--batch", "1000"]);
    assert!(o.status.success(), "{}", text(&o));
    says_all(
        &text(&o),
        &[
            "went on from an unfinished port",
            "verified: 15 tables alike",
        ],
    );
    assert_eq!(count(&mut pg, "SELECT count(*) FROM person"), 3000);
    // New rows take ids after the ported ones.
    let next: i64 = count(
        &mut pg,
        "SELECT nextval(pg_get_serial_sequence('person', 'id'))",
    );
    assert_eq!(next, count(&mut pg, "SELECT max(id) + 1 FROM person"));
}

#[test]
#[ignore = "PostgreSQL half: scripts/test runs it in a throwaway cluster (pg_virtualenv)"]
fn an_encrypted_database_ports_with_its_key() {
    let home = tempfile::tempdir().unwrap();
    let key = home.path().join("db.key");
    let o = albergue(home.path(), &["key", "new", "--out", key.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o));
    let db = home.path().join("sealed.db");
    let k = key.to_str().unwrap();
    let o = on_db(
        home.path(),
        &db,
        &["demo", "--people", "800", "--now", NOW, "--key-file", k],
    );
    assert!(o.status.success(), "{}", text(&o));
    let to = fresh("alb_port_sealed");
    let o = port(home.path(), &db, &to, &[]);
    assert!(!o.status.success(), "no key, no port");
    let o = port(home.path(), &db, &to, &["--key-file", k]);
    assert!(o.status.success(), "{}", text(&o));
    says_all(&text(&o), &["verified: 15 tables alike"]);
    assert_eq!(count(&mut client(&to), "SELECT count(*) FROM person"), 800);
}

#[test]
#[ignore = "PostgreSQL half: scripts/test runs it in a throwaway cluster (pg_virtualenv)"]
fn a_database_that_is_not_empty_is_refused_untouched() {
    let home = tempfile::tempdir().unwrap();
    let db = make_demo(home.path(), 50);
    let to = fresh("alb_port_taken");
    client(&to)
        .batch_execute("CREATE TABLE invoices (id int); INSERT INTO invoices VALUES (1)")
        .unwrap();
    let o = port(home.path(), &db, &to, &[]);
    assert!(!o.status.success());
    says_all(
        &text(&o),
        &[
            "the database is not empty (it has table invoices)",
            "createdb",
        ],
    );
    let mut pg = client(&to);
    assert_eq!(
        count(
            &mut pg,
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
        ),
        1
    );
    // And other commands say plainly that they do not run on PostgreSQL yet.
    let o = albergue(
        home.path(),
        &[
            "--db",
            &format!("postgresql:///x?{}", "user=a"),
            "list",
            "appointments",
        ],
    );
    assert!(!o.status.success());
    says_all(
        &text(&o),
        &[
            "`albergue list` runs on SQLite only for now",
            "(`albergue export`)",
        ],
    );
}

#[test]
#[ignore = "PostgreSQL half: scripts/test runs it in a throwaway cluster (pg_virtualenv)"]
fn row_level_security_walls_shelters_even_from_hand_written_sql() {
    let home = tempfile::tempdir().unwrap();
    let db = make_demo(home.path(), 600);
    let to = fresh("alb_rls");
    admin()
        .batch_execute(
            "DROP ROLE IF EXISTS alb_rls_app; CREATE ROLE alb_rls_app LOGIN PASSWORD 'app-secret'",
        )
        .unwrap();
    let o = port(home.path(), &db, &to, &["--grant", "alb_rls_app"]);
    assert!(o.status.success(), "{}", text(&o));
    let mut owner = client(&to);
    owner
        .batch_execute("SELECT set_config('albergue.shelters', 'all', false)")
        .unwrap();
    let of_one = count(
        &mut owner,
        "SELECT count(*) FROM person WHERE shelter_id = 1",
    );
    let households_of_two = count(
        &mut owner,
        "SELECT count(*) FROM household WHERE shelter_id = 2",
    );
    assert!(of_one > 0 && households_of_two > 0);
    // Coming to shelter 1 by a transfer waiting for its answer: read by
    // shelter 1 (it makes their beds ready), not written.
    let arriving = count(
        &mut owner,
        "SELECT count(*) FROM person p WHERE p.shelter_id <> 1 AND EXISTS (
             SELECT 1 FROM transfer t WHERE t.household_id = p.household_id
             AND t.status = 'pending' AND t.to_shelter = 1)",
    );
    assert!(arriving > 0, "the demo has a transfer to shelter 1 waiting");

    let mut app = client(&format!("{to} user=alb_rls_app password=app-secret"));
    // Unset: nothing is seen and nothing can be written (fails closed).
    assert_eq!(count(&mut app, "SELECT count(*) FROM person"), 0);
    assert_eq!(count(&mut app, "SELECT count(*) FROM household"), 0);
    let err = app
        .batch_execute(
            "INSERT INTO household (shelter_id, label, created_at, updated_at, updated_by)
             VALUES (1, 'x', 0, 0, 'test')",
        )
        .unwrap_err();
    assert!(format!("{err:?}").contains("row-level security"), "{err:?}");

    // Set to shelter 1 for one transaction: shelter 1's rows and no others.
    let mut tx = app.transaction().unwrap();
    tx.execute("SELECT set_config('albergue.shelters', '1', true)", &[])
        .unwrap();
    let seen: i64 = tx
        .query_one("SELECT count(*) FROM person", &[])
        .unwrap()
        .get(0);
    assert_eq!(seen, of_one + arriving);
    let others: i64 = tx
        .query_one("SELECT count(*) FROM person WHERE shelter_id <> 1", &[])
        .unwrap()
        .get(0);
    assert_eq!(others, arriving);
    let changed = tx
        .execute(
            "UPDATE person SET family_names = 'taken' WHERE shelter_id <> 1",
            &[],
        )
        .unwrap();
    assert_eq!(changed, 0, "the people arriving are read, not written");
    let changed = tx
        .execute(
            "UPDATE household SET label = 'taken' WHERE shelter_id = 2",
            &[],
        )
        .unwrap();
    assert_eq!(changed, 0, "shelter 2's households are not there to change");
    tx.commit().unwrap();
    // The setting was the transaction's only.
    assert_eq!(count(&mut app, "SELECT count(*) FROM person"), 0);
    let mut tx = app.transaction().unwrap();
    tx.execute("SELECT set_config('albergue.shelters', '1', true)", &[])
        .unwrap();
    let err = tx
        .execute(
            "INSERT INTO household (shelter_id, label, created_at, updated_at, updated_by)
             VALUES (2, 'smuggled', 0, 0, 'test')",
            &[],
        )
        .unwrap_err();
    assert!(format!("{err:?}").contains("row-level security"), "{err:?}");
    drop(tx);
    assert_eq!(
        count(
            &mut owner,
            "SELECT count(*) FROM household WHERE shelter_id = 2"
        ),
        households_of_two
    );
    // The application's role may append to the audit trail, never rewrite it.
    let err = app.batch_execute("DELETE FROM audit").unwrap_err();
    assert!(format!("{err:?}").contains("permission denied"), "{err:?}");
}

/// Makes an authority and a certificate it signs for `localhost`, in `dir`;
/// returns the authority's certificate and the server's two files.
fn certificates(
    dir: &Path,
    name: &str,
) -> (std::path::PathBuf, std::path::PathBuf, std::path::PathBuf) {
    let openssl = |args: &[&str]| {
        let o = Command::new("openssl")
            .args(args)
            .current_dir(dir)
            .output()
            .unwrap();
        assert!(
            o.status.success(),
            "openssl {args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    };
    let ca = format!("{name}-ca");
    openssl(&[
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "2",
        "-subj",
        &format!("/CN={name} authority"),
        "-keyout",
        &format!("{ca}.key"),
        "-out",
        &format!("{ca}.crt"),
    ]);
    openssl(&[
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-subj",
        "/CN=localhost",
        "-keyout",
        &format!("{name}.key"),
        "-out",
        &format!("{name}.csr"),
    ]);
    std::fs::write(
        dir.join(format!("{name}.ext")),
        "subjectAltName=DNS:localhost\n",
    )
    .unwrap();
    openssl(&[
        "x509",
        "-req",
        "-in",
        &format!("{name}.csr"),
        "-CA",
        &format!("{ca}.crt"),
        "-CAkey",
        &format!("{ca}.key"),
        "-CAcreateserial",
        "-days",
        "2",
        "-extfile",
        &format!("{name}.ext"),
        "-out",
        &format!("{name}.crt"),
    ]);
    (
        dir.join(format!("{ca}.crt")),
        dir.join(format!("{name}.crt")),
        dir.join(format!("{name}.key")),
    )
}

#[test]
#[ignore = "PostgreSQL half: scripts/test runs it in a throwaway cluster (pg_virtualenv)"]
fn tls_verifies_the_server_certificate_and_its_host() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};

    let home = tempfile::tempdir().unwrap();
    let (ca, crt, key) = certificates(home.path(), "server");
    let (other_ca, _, _) = certificates(home.path(), "stranger");

    // The cluster serves TLS with the certificate (its files in its data
    // folder, the server's user's).
    let mut admin = admin();
    let data: String = admin
        .query_one("SELECT current_setting('data_directory')", &[])
        .unwrap()
        .get(0);
    let owner = std::fs::metadata(&data).unwrap();
    for (from, to) in [(&crt, "albergue-test.crt"), (&key, "albergue-test.key")] {
        let to = Path::new(&data).join(to);
        std::fs::copy(from, &to).unwrap();
        std::fs::set_permissions(&to, std::fs::Permissions::from_mode(0o600)).unwrap();
        if owner.uid() != std::fs::metadata(home.path()).unwrap().uid() {
            std::os::unix::fs::chown(&to, Some(owner.uid()), Some(owner.gid())).unwrap();
        }
    }
    for setting in [
        format!("ALTER SYSTEM SET ssl_cert_file = '{data}/albergue-test.crt'"),
        format!("ALTER SYSTEM SET ssl_key_file = '{data}/albergue-test.key'"),
        "ALTER SYSTEM SET ssl = on".to_string(),
    ] {
        admin.batch_execute(&setting).unwrap();
    }
    admin.batch_execute("SELECT pg_reload_conf()").unwrap();
    let ca = ca.to_str().unwrap();
    let full = |host: &str, root: &str| {
        format!("host={host} dbname=alb_tls sslmode=verify-full sslrootcert={root}")
    };
    let db = make_demo(home.path(), 100);
    fresh("alb_tls");
    let started = std::time::Instant::now();
    while albergue::store::pg::connect(&full("localhost", ca)).is_err() {
        assert!(
            started.elapsed().as_secs() < 10,
            "the server did not take its certificate"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }

    let o = port(home.path(), &db, &full("localhost", ca), &[]);
    assert!(o.status.success(), "{}", text(&o));
    says_all(&text(&o), &["TLS verify-full", "verified: 15 tables alike"]);
    let mut pg = client(&full("localhost", ca));
    let ssl: bool = pg
        .query_one(
            "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
            &[],
        )
        .unwrap()
        .get(0);
    assert!(ssl, "the connection is encrypted");

    // The certificate is for localhost, not for 127.0.0.1: verify-full
    // refuses that host, verify-ca (the authority only) takes it.
    let o = port(home.path(), &db, &full("127.0.0.1", ca), &["--verify"]);
    assert!(!o.status.success());
    says_all(
        &text(&o),
        &[
            "cannot connect to PostgreSQL at host=127.0.0.1",
            "certificate",
        ],
    );
    let o = port(
        home.path(),
        &db,
        &format!("host=127.0.0.1 dbname=alb_tls sslmode=verify-ca sslrootcert={ca}"),
        &["--verify"],
    );
    assert!(o.status.success(), "{}", text(&o));
    // Signed by another authority: refused.
    let o = port(
        home.path(),
        &db,
        &full("localhost", other_ca.to_str().unwrap()),
        &["--verify"],
    );
    assert!(!o.status.success());
    says_all(&text(&o), &["certificate verify failed"]);
}

/// Adds a shelter in one transaction of two statements (one change).
fn add_shelter(c: &mut Client, name: &str) {
    let mut tx = c.transaction().unwrap();
    tx.execute("SELECT set_config('albergue.shelters', 'all', true)", &[])
        .unwrap();
    tx.execute(
        "INSERT INTO shelter (name, city, tz, capacity, created_at, updated_at, updated_by)
         VALUES ($1, 'Tijuana', 'America/Tijuana', 10, 0, 0, 'test')",
        &[&name],
    )
    .unwrap();
    tx.execute("UPDATE shelter SET capacity = 20 WHERE name = $1", &[&name])
        .unwrap();
    tx.commit().unwrap();
}

#[test]
#[ignore = "PostgreSQL half: scripts/test runs it in a throwaway cluster (pg_virtualenv)"]
fn a_commit_is_heard_on_another_connection_and_after_a_lost_one() {
    use albergue::store::pg::{Heard, Target, Watcher};
    use std::time::Duration;
    let db = fresh("alb_watch");
    albergue::store::pg::migrate(&mut client(&db)).unwrap();
    let watcher = Watcher::start(&Target::parse(&db).unwrap(), 0);
    assert_eq!(
        watcher.next(Duration::from_secs(5)),
        Some(Heard::Back(0)),
        "listening, on an empty log"
    );
    assert_eq!(
        watcher.next(Duration::from_millis(300)),
        None,
        "an empty log is no change"
    );

    let mut writer = client(&db);
    add_shelter(&mut writer, "Casa A");
    let Some(Heard::Change(first)) = watcher.next(Duration::from_secs(5)) else {
        panic!("the commit was not heard");
    };
    assert_eq!(
        watcher.next(Duration::from_millis(300)),
        None,
        "one transaction, one change"
    );
    // A rollback is no change.
    let mut tx = writer.transaction().unwrap();
    tx.execute("SELECT set_config('albergue.shelters', 'all', true)", &[])
        .unwrap();
    tx.execute("UPDATE shelter SET capacity = 1", &[]).unwrap();
    tx.rollback().unwrap();
    assert_eq!(watcher.next(Duration::from_millis(300)), None);

    // The watcher's connection is cut (as a failover cuts it); a change
    // made meanwhile is caught up when it is back.
    let cut = count(
        &mut admin(),
        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
         WHERE application_name = 'albergue-watch' AND datname = 'alb_watch'",
    );
    assert_eq!(cut, 1);
    add_shelter(&mut writer, "Casa B");
    let newest = albergue::store::pg::newest(&mut writer).unwrap();
    assert!(newest > first);
    let mut back = None;
    let mut heard_to = first;
    while let Some(heard) = watcher.next(Duration::from_secs(10)) {
        match heard {
            Heard::Back(n) => back = Some(n),
            Heard::Change(n) => heard_to = heard_to.max(n),
        }
        if back.is_some() && back.unwrap().max(heard_to) >= newest {
            break;
        }
    }
    let back = back.expect("the watcher connected again and said so");
    assert!(
        back.max(heard_to) >= newest,
        "the change made while away was caught up"
    );
    // And it goes on hearing.
    add_shelter(&mut writer, "Casa C");
    assert!(matches!(watcher.next(Duration::from_secs(5)), Some(Heard::Change(n)) if n > newest));
}

/// PostgreSQL's server programs (initdb, pg_ctl, pg_basebackup).
fn server_program(name: &str) -> std::path::PathBuf {
    let mut versions: Vec<_> = std::fs::read_dir("/usr/lib/postgresql")
        .expect("Debian's postgresql is installed")
        .filter_map(|e| e.ok().map(|e| e.path().join("bin").join(name)))
        .filter(|p| p.exists())
        .collect();
    versions.sort();
    versions
        .pop()
        .unwrap_or_else(|| panic!("{name} of Debian's postgresql"))
}

/// A program as the servers' user: `postgres` when the tests run as root
/// (initdb refuses root), else the tests' own.
fn as_server(dir: &Path, program: &str, args: &[&str]) -> std::process::Output {
    use std::os::unix::fs::MetadataExt;
    let root = std::fs::metadata("/proc/self").unwrap().uid() == 0;
    let program = server_program(program);
    let mut command = if root {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(&program);
        c
    } else {
        Command::new(&program)
    };
    let o = command.args(args).current_dir(dir).output().unwrap();
    assert!(
        o.status.success(),
        "{} {args:?}: {}",
        program.display(),
        text(&o)
    );
    o
}

#[test]
#[ignore = "PostgreSQL half: scripts/test runs it in a throwaway cluster (pg_virtualenv)"]
fn a_promoted_replica_holds_every_commit_and_the_watcher_follows_it() {
    use albergue::store::pg::{Heard, Target, Watcher};
    use std::os::unix::fs::PermissionsExt;
    use std::time::Duration;
    let home = tempfile::tempdir().unwrap();
    let db = make_demo(home.path(), 400);
    // Two servers of their own, a primary and its streaming replica, on
    // two ports of this machine, in a folder the servers' user may use.
    let dir = home.path().join("servers");
    std::fs::create_dir(&dir).unwrap();
    std::fs::set_permissions(home.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o777)).unwrap();
    let free_port = || {
        std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port()
    };
    let (p1, p2) = (free_port(), free_port());
    let d = dir.to_str().unwrap();
    as_server(
        &dir,
        "initdb",
        &[
            "-D",
            "primary",
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
        ],
    );
    let opts = |port: u16| {
        format!("-c port={port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={d}")
    };
    as_server(
        &dir,
        "pg_ctl",
        &[
            "-D",
            "primary",
            "-l",
            "primary.log",
            "-w",
            "-o",
            &opts(p1),
            "start",
        ],
    );
    let primary = format!("host=127.0.0.1 port={p1} user=postgres sslmode=disable");
    let both = format!(
        "host=127.0.0.1,127.0.0.1 port={p1},{p2} user=postgres dbname=albergue sslmode=disable target_session_attrs=read-write"
    );
    client(&format!("{primary} dbname=postgres"))
        .batch_execute("CREATE DATABASE albergue")
        .unwrap();
    let o = port(home.path(), &db, &both, &[]);
    assert!(o.status.success(), "{}", text(&o));

    as_server(
        &dir,
        "pg_basebackup",
        &[
            "-h",
            "127.0.0.1",
            "-p",
            &p1.to_string(),
            "-U",
            "postgres",
            "-D",
            "replica",
            "-R",
            "-X",
            "stream",
            "--checkpoint=fast",
        ],
    );
    as_server(
        &dir,
        "pg_ctl",
        &[
            "-D",
            "replica",
            "-l",
            "replica.log",
            "-w",
            "-o",
            &opts(p2),
            "start",
        ],
    );

    // A watcher on the two-host string hears the primary.
    let target = Target::parse(&both).unwrap();
    let watcher = Watcher::start(&target, 0);
    assert!(
        matches!(watcher.next(Duration::from_secs(5)), Some(Heard::Back(_))),
        "the watcher listens on the primary"
    );
    let mut writer = client(&both);
    add_shelter(&mut writer, "Casa antes");
    let Some(Heard::Change(before)) = watcher.next(Duration::from_secs(5)) else {
        panic!("the primary's commit was not heard");
    };
    // The replica has replayed it (synchronous enough for a test: wait).
    let replica = format!("host=127.0.0.1 port={p2} user=postgres dbname=albergue sslmode=disable");
    let mut standby = client(&replica);
    let started = std::time::Instant::now();
    while count(&mut standby, "SELECT coalesce(max(seq), 0) FROM change_log") < before {
        assert!(
            started.elapsed().as_secs() < 20,
            "the replica did not replay the commit"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    drop(standby);
    drop(writer);

    // The primary dies without a goodbye; the replica is promoted.
    as_server(
        &dir,
        "pg_ctl",
        &["-D", "primary", "-m", "immediate", "stop"],
    );
    as_server(&dir, "pg_ctl", &["-D", "replica", "-w", "promote"]);
    // The two-host string now reaches the promoted replica, which holds
    // everything the port committed (verified against the source, less the
    // shelter added above), and the watcher is back there.
    let mut writer = client(&both);
    let port_of: i32 = writer
        .query_one("SELECT inet_server_port()", &[])
        .unwrap()
        .get(0);
    assert_eq!(port_of, i32::from(p2));
    writer
        .batch_execute("SELECT set_config('albergue.shelters', 'all', false); DELETE FROM shelter WHERE name = 'Casa antes'")
        .unwrap();
    let o = port(home.path(), &db, &both, &["--verify"]);
    assert!(
        o.status.success(),
        "nothing committed was lost: {}",
        text(&o)
    );
    add_shelter(&mut writer, "Casa después");
    let newest = albergue::store::pg::newest(&mut writer).unwrap();
    let mut heard_back = false;
    let mut heard_to = before;
    while let Some(heard) = watcher.next(Duration::from_secs(20)) {
        match heard {
            Heard::Back(n) => {
                heard_back = true;
                heard_to = heard_to.max(n);
            }
            Heard::Change(n) => heard_to = heard_to.max(n),
        }
        if heard_back && heard_to >= newest {
            break;
        }
    }
    assert!(heard_back, "the watcher connected to the new primary");
    assert!(heard_to >= newest, "and caught up with its commits");
    drop(watcher);
    as_server(&dir, "pg_ctl", &["-D", "replica", "-m", "fast", "stop"]);
}
