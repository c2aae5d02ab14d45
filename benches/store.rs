//! Store benchmarks on a 100,000-person demo roster.
//!
//! Run: `cargo bench --bench store` (set `ALBERGUE_BENCH_PEOPLE` for another size).
//!
//! Reports medians, and each figure beside a peer measured in the same run
//! on the same machine, because the machines are shared and noisy:
//! - demo generation + load, against SQLite copying the same rows
//!   (`INSERT INTO … SELECT`), the floor for writing them;
//! - search as you type with the store's word index in the database
//!   (`search_word`: each word of the folded names with its people), against
//!   a `LIKE` scan of the folded-name column and an FTS5 trigram index
//!   (whose build time is reported too: the word index is built with the
//!   demo load);
//! - the roster's search keystroke as a session asks for it (read, count,
//!   first window of 40 rows, people present), for the whole network
//!   against a user of one shelter (scoped);
//! - `report headcount` over a year (store read and counting), against
//!   SQLite's own GROUP BY over the same rows and columns (the floor for
//!   reading them).

use std::sync::Arc;
use std::time::{Duration, Instant};

use albergue::actor::Actor;
use albergue::domain::names::fold;
use albergue::store::{OpenMode, Store};
use chrono::{DateTime, Utc};
use rusqlite::Connection;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn p95(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[(v.len() * 95).div_ceil(100).saturating_sub(1)]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1e3)
}

/// The keystrokes of someone typing each name: "j", "jo", "jos", …
fn keystrokes(names: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    for name in names {
        for end in 1..=name.chars().count() {
            out.push(name.chars().take(end).collect());
        }
    }
    out
}

fn main() {
    let people: usize = std::env::var("ALBERGUE_BENCH_PEOPLE")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let now: DateTime<Utc> = DateTime::parse_from_rfc3339("2024-05-22T15:00:00Z")
        .unwrap()
        .with_timezone(&Utc);
    let dir = tempfile::tempdir().unwrap();
    let actor = Actor::new("bench");

    // ---- demo: generate + load, against SQLite copying the rows ----
    let runs = 3;
    let mut ours = Vec::new();
    let mut peer = Vec::new();
    for run in 0..runs {
        let path = dir.path().join(format!("demo{run}.db"));
        let t = Instant::now();
        let mut data = albergue::demo::generate(people, 1, now);
        // (The programs kept as files too: the cases screen is read below.)
        let known = albergue::programs::load(None).unwrap();
        let others: Vec<_> = ["comar", "tvrh", "iom-return"]
            .iter()
            .map(|id| known.get(id).unwrap())
            .collect();
        albergue::demo::cases::add(&mut data, &others, 1, now);
        let mut store = Store::open(&path, OpenMode::Create)
            .unwrap()
            .with_clock(Arc::new(move || now));
        store.load_demo(&data, &actor).unwrap();
        drop(store);
        ours.push(t.elapsed());

        let copy = dir.path().join(format!("copy{run}.db"));
        drop(Store::open(&copy, OpenMode::Create).unwrap());
        let c = Connection::open(&copy).unwrap();
        c.pragma_update(None, "synchronous", "FULL").unwrap();
        let t = Instant::now();
        c.execute(&format!("ATTACH '{}' AS src", path.display()), [])
            .unwrap();
        c.execute_batch(
            "BEGIN;
             INSERT INTO shelter SELECT * FROM src.shelter;
             INSERT INTO shelter_section SELECT * FROM src.shelter_section;
             INSERT INTO household SELECT * FROM src.household;
             INSERT INTO person SELECT * FROM src.person;
             INSERT INTO appointment SELECT * FROM src.appointment;
             INSERT INTO outage SELECT * FROM src.outage;
             INSERT INTO transfer SELECT * FROM src.transfer;
             INSERT INTO program_case SELECT * FROM src.program_case;
             INSERT INTO case_event SELECT * FROM src.case_event;
             COMMIT;",
        )
        .unwrap();
        peer.push(t.elapsed());
    }
    let (ours, peer) = (median(ours), median(peer));
    println!("demo, {people} people (median of {runs})");
    println!("  albergue demo (generate + load)      {:>10}", ms(ours));
    println!("  peer: SQLite INSERT…SELECT same rows {:>10}", ms(peer));
    println!(
        "  ratio                                {:>9.2}x",
        ours.as_secs_f64() / peer.as_secs_f64()
    );

    // ---- search as you type ----
    let path = dir.path().join("demo0.db");
    let store = Store::open(&path, OpenMode::Existing).unwrap();
    let names = [
        "jose gregorio",
        "nunez",
        "dieudonne",
        "xicara",
        "yusleidy marquez",
        "zzz",
    ];
    let typed = keystrokes(&names);
    let limit = 200;

    let conn = Connection::open(&path).unwrap();
    let t = Instant::now();
    conn.execute_batch(
        "CREATE VIRTUAL TABLE IF NOT EXISTS bench_fts USING fts5(search_name, tokenize='trigram');
         INSERT INTO bench_fts(rowid, search_name) SELECT id, search_name FROM person;",
    )
    .unwrap();
    println!("FTS5 trigram index built in {}", ms(t.elapsed()));
    let rounds = 5;
    let mut t_ours = Vec::new();
    let mut t_like = Vec::new();
    let mut t_fts = Vec::new();
    let mut hits = 0usize;
    let fetch = |sql: &str, params: Vec<String>| -> usize {
        let mut stmt = conn.prepare_cached(sql).unwrap();
        stmt.query_map(rusqlite::params_from_iter(params), |_| Ok(()))
            .unwrap()
            .count()
    };
    store.search_people("warm up", 1).unwrap();
    for _ in 0..rounds {
        for q in &typed {
            let words: Vec<String> = fold(q).split(' ').map(String::from).collect();

            let t = Instant::now();
            hits += store.search_people(q, limit).unwrap().len();
            t_ours.push(t.elapsed());

            let t = Instant::now();
            let cond = vec!["instr(search_name, ?) > 0"; words.len()].join(" AND ");
            hits += fetch(
                &format!("SELECT * FROM person WHERE {cond} ORDER BY id LIMIT {limit}"),
                words.clone(),
            );
            t_like.push(t.elapsed());

            // FTS5 trigram needs 3+ characters a word; shorter ones scan.
            let t = Instant::now();
            if words.iter().all(|w| w.chars().count() >= 3) {
                let expr = words.iter().map(|w| format!("\"{w}\"")).collect::<Vec<_>>();
                hits += fetch(
                    &format!(
                        "SELECT p.* FROM bench_fts f JOIN person p ON p.id = f.rowid
                         WHERE bench_fts MATCH ?1 ORDER BY p.id LIMIT {limit}"
                    ),
                    vec![expr.join(" AND ")],
                );
            } else {
                hits += fetch(
                    &format!("SELECT * FROM person WHERE {cond} ORDER BY id LIMIT {limit}"),
                    words.clone(),
                );
            }
            t_fts.push(t.elapsed());
        }
    }
    println!(
        "search as you type, {} keystrokes x {rounds} rounds, {people} people, limit {limit} (hits {hits})",
        typed.len()
    );
    println!("  {:<34} {:>10} {:>10}", "strategy", "median", "p95");
    for (name, v) in [
        ("albergue: word index in the db", t_ours),
        ("peer: SQL scan of folded column", t_like),
        ("peer: FTS5 trigram index", t_fts),
    ] {
        println!(
            "  {:<34} {:>10} {:>10}",
            name,
            ms(median(v.clone())),
            ms(p95(v))
        );
    }

    roster_and_headcount(&path, &typed, now);
}

/// The roster's search keystroke, network-wide and scoped to one shelter;
/// the headcount of the year before `now`, against SQLite's GROUP BY.
fn roster_and_headcount(path: &std::path::Path, typed: &[String], now: DateTime<Utc>) {
    use albergue::domain::{PersonStatus, Scope};
    use albergue::store::{RosterFilter, RosterSpec};
    use albergue::tui::message::{Place, Reply, Request};
    let mut network = Store::open(path, OpenMode::Existing).unwrap();
    let first = network.shelters().unwrap()[0].clone();
    let mut scoped = Store::open(path, OpenMode::Existing)
        .unwrap()
        .with_scope(Scope::Shelters(vec![first.id]));
    let rounds = 5;
    let keystroke = |store: &mut Store, q: &str| {
        let request = Request::RosterWindow {
            spec: RosterSpec {
                query: q.to_string(),
                filter: RosterFilter {
                    status: Some(PersonStatus::Present),
                    ..RosterFilter::default()
                },
                ..RosterSpec::default()
            },
            now,
            place: Place::Top,
            limit: 40,
            count: true,
            generation: 0,
            read: 0,
        };
        match albergue::tui::worker::serve(store, &request) {
            Reply::RosterWindow(w) => w.rows.len(),
            other => panic!("{other:?}"),
        }
    };
    let (mut t_net, mut t_scoped) = (Vec::new(), Vec::new());
    let mut rows = 0;
    for _ in 0..rounds {
        for q in typed {
            let t = Instant::now();
            rows += keystroke(&mut network, q);
            t_net.push(t.elapsed());
            let t = Instant::now();
            rows += keystroke(&mut scoped, q);
            t_scoped.push(t.elapsed());
        }
    }
    println!(
        "roster search keystroke, {} keystrokes x {rounds} rounds, window of 40 (rows {rows})",
        typed.len()
    );
    println!("  {:<34} {:>10} {:>10}", "handle", "median", "p95");
    for (name, v) in [
        ("network (every shelter)", t_net),
        ("scoped: one shelter", t_scoped),
    ] {
        println!(
            "  {:<34} {:>10} {:>10}",
            name,
            ms(median(v.clone())),
            ms(p95(v))
        );
    }

    let to = now.date_naive();
    let from = to - chrono::Duration::days(364);
    let conn = Connection::open(path).unwrap();
    let (mut ours, mut peer) = (Vec::new(), Vec::new());
    let mut served = 0;
    for _ in 0..3 {
        let t = Instant::now();
        served = network.headcount(from, to).unwrap().network.served;
        ours.push(t.elapsed());
        let t = Instant::now();
        let n: i64 = conn
            .prepare(
                "SELECT shelter_id, sex, nationality, status, birth_date IS NULL, count(*)
                 FROM person
                 WHERE arrival_date <= ?1 AND (departure_date IS NULL OR departure_date >= ?2)
                 GROUP BY 1, 2, 3, 4, 5",
            )
            .unwrap()
            .query_map([to.to_string(), from.to_string()], |r| r.get::<_, i64>(5))
            .unwrap()
            .map(Result::unwrap)
            .sum();
        assert_eq!(n, served, "both count the same people");
        peer.push(t.elapsed());
    }
    let (ours, peer) = (median(ours), median(peer));
    println!("headcount {from} to {to}, {served} people served (median of 3)");
    println!("  albergue: store read + count         {:>10}", ms(ours));
    println!("  peer: SQLite GROUP BY same rows      {:>10}", ms(peer));
    println!(
        "  ratio                                {:>9.2}x",
        ours.as_secs_f64() / peer.as_secs_f64()
    );
    dashboard_with_cases(path, now);
    cases_screen(path, now);
}

/// The cases screen's read (every open case with whose it is, its events
/// and its next step by the programs' engine), against SQLite reading the
/// same rows in two plain queries.
/// The dashboard's read as the worker makes it (the tallies, then the
/// other programs' cases due from the kept next steps) against the
/// tallies alone (today's read before programs were files).
fn dashboard_with_cases(path: &std::path::Path, now: DateTime<Utc>) {
    use albergue::tui::message::{Reply, Request};
    let mut store = Store::open(path, OpenMode::Existing).unwrap();
    let known = albergue::programs::in_force();
    let loaded: Vec<_> = known.loaded.iter().map(|l| &l.program).collect();
    let t = Instant::now();
    let read = store.keep_due(&loaded).unwrap();
    let kept = t.elapsed();
    let tz = chrono_tz::America::Tijuana;
    let today = now.with_timezone(&tz).date_naive();
    let (mut ours, mut tallies) = (Vec::new(), Vec::new());
    let mut due = 0;
    for _ in 0..15 {
        let t = Instant::now();
        let _ = store.dashboard(now, today, 60).unwrap();
        tallies.push(t.elapsed());
        let t = Instant::now();
        match albergue::tui::worker::serve(&mut store, &Request::Dashboard { now, today, tz }) {
            Reply::Dashboard(d) => due = d.cases.overdue + d.cases.today,
            other => panic!("{other:?}"),
        }
        ours.push(t.elapsed());
    }
    let (ours, tallies) = (median(ours), median(tallies));
    println!("dashboard read, {due} cases due today or overdue (median of 15)");
    println!("  albergue: tallies + cases due        {:>10}", ms(ours));
    println!("  the tallies alone (before programs)  {:>10}", ms(tallies));
    println!(
        "  ratio                                {:>9.2}x",
        ours.as_secs_f64() / tallies.as_secs_f64()
    );
    println!(
        "  next steps kept after the load: {read} cases in {}",
        ms(kept)
    );
}

fn cases_screen(path: &std::path::Path, now: DateTime<Utc>) {
    use albergue::tui::message::{Reply, Request};
    let mut store = Store::open(path, OpenMode::Existing).unwrap();
    let conn = Connection::open(path).unwrap();
    let (mut ours, mut peer) = (Vec::new(), Vec::new());
    let mut cases = 0;
    for _ in 0..7 {
        let t = Instant::now();
        match albergue::tui::worker::serve(&mut store, &Request::Cases { now }) {
            Reply::Cases(lines) => cases = lines.len(),
            other => panic!("{other:?}"),
        }
        ours.push(t.elapsed());
        let t = Instant::now();
        let mut rows = 0usize;
        for sql in [
            "SELECT c.*, p.given_names, p.family_names, h.label FROM program_case c
             JOIN household h ON h.id = c.household_id LEFT JOIN person p ON p.id = c.person_id
             WHERE c.status = 'open' ORDER BY c.id",
            "SELECT e.* FROM case_event e JOIN program_case c ON c.id = e.case_id
             WHERE c.status = 'open' ORDER BY e.case_id, e.at",
        ] {
            let mut stmt = conn.prepare(sql).unwrap();
            let n = stmt.column_count();
            let mut q = stmt.query([]).unwrap();
            while let Some(r) = q.next().unwrap() {
                for i in 0..n {
                    let _ = r.get_ref(i).unwrap();
                }
                rows += 1;
            }
        }
        assert!(rows >= cases);
        peer.push(t.elapsed());
    }
    let (ours, peer) = (median(ours), median(peer));
    println!("cases screen, {cases} open cases (median of 7)");
    println!("  albergue: read + next step each      {:>10}", ms(ours));
    println!("  peer: SQLite reading the same rows   {:>10}", ms(peer));
    println!(
        "  ratio                                {:>9.2}x",
        ours.as_secs_f64() / peer.as_secs_f64()
    );
}
