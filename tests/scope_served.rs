//! Need-to-know through `albergue serve` and the real OpenSSH client: a
//! Tijuana volunteer's dashboard, search and served commands hold Tijuana's
//! people alone; a network coordinator sees every shelter.

mod common;

use std::time::Duration;

use albergue::domain::names::fold;
use albergue::domain::Shelter;
use common::server::{key, run, Server};
use common::{on_db, text};

/// Registers `name` (a new key) as `role` at `shelter`.
fn add_scoped(server: &Server, name: &str, role: &str, shelter: &Shelter) {
    let public = key(server.home.path(), name).with_extension("pub");
    let o = on_db(
        server.home.path(),
        &server.db,
        &[
            "users",
            "add",
            name,
            "--role",
            role,
            "--key",
            public.to_str().unwrap(),
            "--shelter",
            &shelter.name,
        ],
    );
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains(&shelter.name), "{}", text(&o));
}

#[test]
fn a_tijuana_volunteer_finds_nobody_of_juarez_and_a_network_coordinator_finds_both() {
    let server = Server::start();
    let store = server.store();
    let shelters = store.shelters().unwrap();
    let by_city = |c: &str| {
        shelters
            .iter()
            .find(|s| s.city.contains(c))
            .unwrap()
            .clone()
    };
    let (tijuana, juarez) = (by_city("Tijuana"), by_city("Juárez"));
    // Someone at Juárez whose family name nobody at Tijuana has.
    let roster = store.roster(common::now()).unwrap();
    let at = |r: &albergue::store::RosterRow| store.household(r.household_id).unwrap().shelter_id;
    let tijuana_names: Vec<&str> = roster
        .iter()
        .filter(|r| at(r) == tijuana.id)
        .map(|r| &*r.folded)
        .collect();
    let theirs = roster
        .iter()
        .filter(|r| at(r) == juarez.id && r.status == albergue::domain::PersonStatus::Present)
        .find(|r| {
            let family = store.person(r.id).unwrap().details.family_names;
            let family = fold(&family);
            !tijuana_names.iter().any(|n| n.contains(&family))
        })
        .expect("a family only at Juárez");
    let person = store.person(theirs.id).unwrap();
    let family = person.details.family_names.clone();
    add_scoped(&server, "lupe", "volunteer", &tijuana);
    add_scoped(&server, "tito", "admin", &tijuana);

    // The network coordinator's search finds them.
    let search = |user: &str, expect_found: bool| {
        let mut s = server.dashboard(user);
        s.send(b"2");
        s.wait_for("sorted by Name");
        s.send(format!("/{}", family.to_lowercase()).as_bytes());
        if expect_found {
            s.wait_until("the Juárez family", |screen| screen.contains(&family));
        } else {
            s.wait_for(&format!("Search: {}", family.to_lowercase()));
            // The rows come from the store a moment after the keystrokes.
            std::thread::sleep(Duration::from_millis(1500));
            let screen = s.screen();
            assert!(!screen.contains(&family), "{user} sees Juárez:\n{screen}");
        }
        s.send(b"\x1bq");
        s.screen()
    };
    search("maria", true);
    search("lupe", false);

    // By id, through a served command: refused, saying why.
    let id = person.id.to_string();
    let o = run(&server, "tito", &["person", "export", &id]);
    assert_ne!(o.status.code(), Some(0));
    assert!(o.stdout.is_empty());
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("not at your shelters"),
        "{}",
        text(&o)
    );
    // The list of departures: Tijuana's households alone.
    let list = |user: &str, date: &str| {
        let o = run(
            &server,
            user,
            &["list", "departures", "--date", date, "--format", "csv"],
        );
        assert_eq!(o.status.code(), Some(0), "{}", text(&o));
        String::from_utf8(o.stdout).unwrap()
    };
    // A day when both shelters have people leaving.
    let day = (0..30)
        .map(|d| {
            (common::now() + chrono::Duration::days(d))
                .format("%Y-%m-%d")
                .to_string()
        })
        .find(|d| {
            let all = list("maria", d);
            all.contains(&juarez.name) && all.contains(&tijuana.name)
        })
        .expect("a day with departures from both shelters");
    let tj_list = list("tito", &day);
    assert!(!tj_list.contains(&juarez.name), "{tj_list:.400}");
    assert!(tj_list.contains(&tijuana.name), "{tj_list:.400}");
}

/// The headcount and the cases, served the Soft Serve way to a Tijuana
/// coordinator: Tijuana's figures and cases alone.
#[test]
fn a_shelters_coordinator_is_served_its_own_headcount_and_cases() {
    let server = Server::start();
    let store = server.store();
    let shelters = store.shelters().unwrap();
    let by_city = |c: &str| {
        shelters
            .iter()
            .find(|s| s.city.contains(c))
            .unwrap()
            .clone()
    };
    let (tijuana, juarez) = (by_city("Tijuana"), by_city("Juárez"));
    add_scoped(&server, "cora", "coordinator", &tijuana);
    let db = rusqlite::Connection::open(&server.db).unwrap();
    let household_at = |shelter: i64| -> i64 {
        db.query_row(
            "SELECT household_id FROM person WHERE status = 'present' AND shelter_id = ?1
             ORDER BY id LIMIT 1",
            [shelter],
            |r| r.get(0),
        )
        .unwrap()
    };
    let (h_tj, h_jz) = (household_at(tijuana.id), household_at(juarez.id));
    for (h, venue) in [(h_tj, "COMAR-TIJ"), (h_jz, "COMAR-MTY")] {
        let o = on_db(
            server.home.path(),
            &server.db,
            &[
                "cases",
                "open",
                "--program",
                "comar",
                "--venue",
                venue,
                "--household",
                &h.to_string(),
                "--event",
                "entry=2024-05-02",
                "--now",
                common::NOW,
            ],
        );
        assert!(o.status.success(), "{}", text(&o));
    }
    let o = run(&server, "cora", &["cases", "list"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let list = String::from_utf8(o.stdout).unwrap();
    assert!(list.contains(&format!("household {h_tj}")), "{list}");
    assert!(!list.contains(&format!("household {h_jz}")), "{list}");
    assert!(list.contains("next: file (File the claim)"), "{list}");

    let o = run(
        &server,
        "cora",
        &[
            "report",
            "headcount",
            "--from",
            "2024-05-01",
            "--to",
            "2024-05-22",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let report = String::from_utf8(o.stdout).unwrap();
    assert!(report.contains(&tijuana.name), "{report}");
    assert!(!report.contains(&juarez.name), "{report}");
    let o = run(
        &server,
        "cora",
        &[
            "report",
            "headcount",
            "--from",
            "2024-05-22",
            "--to",
            "2024-05-01",
        ],
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(o.stdout.is_empty());
}
