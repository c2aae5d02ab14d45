//! Served commands, the Soft Serve way, through the real OpenSSH client:
//! `ssh -p PORT host -- list departures --format html > list.html` runs a
//! command of the allow-list for the user's role, its output on the
//! client's standard output, with no shell; everything else is refused.

mod common;

use common::server::{add_user, key, run, Server};
use common::{on_db, says_all, text, NOW};

#[test]
fn a_coordinator_fetches_tomorrows_list_to_their_own_computer() {
    let server = Server::start();
    let out = run(
        &server,
        "maria",
        &["list", "departures", "--format", "html"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let html = String::from_utf8(out.stdout).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"), "{html:.200}");
    // The same list the command line makes on the server.
    let local = on_db(
        server.home.path(),
        &server.db,
        &["list", "departures", "--format", "html", "--now", NOW],
    );
    assert!(local.status.success(), "{}", text(&local));
    assert_eq!(html, String::from_utf8(local.stdout).unwrap());
    // One shelter's, named with spaces, quoted as a shell would.
    let store = server.store();
    let shelter = store.shelters().unwrap().into_iter().next().unwrap();
    let quoted = format!("'{}'", shelter.name);
    let one = run(
        &server,
        "maria",
        &[
            "list",
            "departures",
            "--shelter",
            &quoted,
            "--format",
            "csv",
        ],
    );
    assert_eq!(one.status.code(), Some(0), "{}", text(&one));
    // Audited, by name, with counts and no personal data.
    let c = rusqlite::Connection::open(&server.db).unwrap();
    let rows: Vec<(String, String)> = c
        .prepare("SELECT actor, summary FROM audit WHERE action = 'list.served' ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert!(rows[0].0.starts_with("maria@127.0.0.1"), "{rows:?}");
    assert!(
        rows[0].1.starts_with("departures html tomorrow:"),
        "{rows:?}"
    );
    assert!(
        rows[1].1.starts_with("departures csv tomorrow:"),
        "{rows:?}"
    );
}

#[test]
fn each_command_is_for_its_roles_and_nothing_else_runs() {
    let server = Server::start();
    // A volunteer may not print lists: said, nothing sent, exit 1.
    let out = run(&server, "pedro", &["list", "departures"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(out.stdout.is_empty());
    says_all(&text(&out), &["your role (volunteer) may not"]);
    // A person's export is for an admin.
    let out = run(&server, "maria", &["person", "export", "5"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(out.stdout.is_empty());
    let home = server.home.path();
    let admin = key(home, "ana").with_extension("pub");
    let o = add_user(home, &server.db, "ana", "admin", &admin);
    assert!(o.status.success(), "{}", text(&o));
    let out = run(&server, "ana", &["person", "export", "5"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["person"]["id"], 5, "{v}");
    // As text, the same as the command line's on the server.
    let out = run(
        &server,
        "ana",
        &["person", "export", "5", "--format", "text"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let local = on_db(
        home,
        &server.db,
        &["person", "export", "5", "--format", "text", "--now", NOW],
    );
    assert!(local.status.success(), "{}", text(&local));
    // (Each export adds itself to the trail it holds: the rest is the same.)
    let body = |b: &[u8]| -> Vec<String> {
        String::from_utf8_lossy(b)
            .lines()
            .filter(|l| !l.starts_with("audit["))
            .map(String::from)
            .collect()
    };
    assert_eq!(body(&out.stdout), body(&local.stdout));
    assert!(body(&out.stdout)
        .iter()
        .any(|l| l.starts_with("person.given_names: ")));
    // Each export is in the person's own trail.
    let c = rusqlite::Connection::open(&server.db).unwrap();
    let exports: i64 = c
        .query_row(
            "SELECT count(*) FROM audit WHERE action = 'person.export' AND entity_id = 5",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(exports, 3, "two served, one local");
    // Help is an answer.
    let out = run(&server, "pedro", &["help"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    says_all(&String::from_utf8_lossy(&out.stdout), &["list", "person"]);
    // Anything else is refused before it runs, with what is served.
    for command in [
        &["sh", "-c", "id"][..],
        &["list", "departures;", "id"],
        &["list", "departures", "--out", "/tmp/x"],
        &["users", "add", "eve"],
    ] {
        let out = run(&server, "maria", command);
        assert_ne!(out.status.code(), Some(0), "{command:?}: {}", text(&out));
        assert!(out.stdout.is_empty(), "{command:?}");
    }
    // A bad argument says which and why.
    let out = run(&server, "maria", &["list", "departures", "--port", "XXX"]);
    says_all(&text(&out), &["no venue \"XXX\"", "SYS", "OIM-TIJ"]);
}

#[test]
fn p_in_a_served_session_says_how_to_fetch_the_list() {
    let server = Server::start();
    let mut s = server.dashboard("maria");
    s.send(b"P");
    s.wait_for("list appointments");
    let screen = s.screen();
    let port = format!("ssh -p {} HOST -- list appointments", server.port);
    assert!(screen.contains(&port), "{screen}");
    // Nothing was written on the server.
    assert!(!server.db.parent().unwrap().join("lists").exists());
}
