//! Times what a dashboard reads when it opens (and again after another
//! process's commit) on a database, plaintext or keyed:
//! `cargo run --release --example prof_open -- DB [KEYFILE]`; then search as
//! you type and the position a sort change lands on.
use std::sync::Arc;
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let db = std::path::PathBuf::from(&args[1]);
    let key = args
        .get(2)
        .map(|k| Arc::new(albergue::store::DbKey::read(std::path::Path::new(k)).unwrap()));
    let now = chrono::DateTime::parse_from_rfc3339("2024-05-22T15:00:00Z")
        .unwrap()
        .with_timezone(&chrono::Utc);
    let today = now.date_naive();
    for _ in 0..3 {
        let t = Instant::now();
        let kib: i64 = std::env::var("KIB")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(2000);
        let store = albergue::store::Store::open_keyed(
            &db,
            albergue::store::OpenMode::Existing,
            key.clone(),
        )
        .unwrap()
        .with_cache_kib(kib)
        .unwrap();
        let opened = t.elapsed();
        let d = Instant::now();
        let _ = store.dashboard(now, today, 60).unwrap();
        let dash = d.elapsed();
        let r = Instant::now();
        let spec = albergue::store::RosterSpec::default();
        let read = store.roster_read(&spec, now).unwrap();
        let rows = read.page(&albergue::store::Edge::First, 63).unwrap();
        let window = r.elapsed();
        let c = Instant::now();
        let count = read.count(false).unwrap();
        let counted = c.elapsed();
        println!(
            "open {opened:?}  dashboard {dash:?}  roster window {window:?} ({} rows)  count {counted:?} ({})",
            rows.len(),
            count.listed
        );
    }
    // Search as you type: each prefix of a name, its first rows and count.
    let kib: i64 = std::env::var("KIB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000);
    let store = albergue::store::Store::open_keyed(&db, albergue::store::OpenMode::Existing, key)
        .unwrap()
        .with_cache_kib(kib)
        .unwrap();
    let word = std::env::var("WORD").unwrap_or_else(|_| "yusleidy".into());
    for round in 0..2 {
        let mut line = String::new();
        for n in 1..=word.len() {
            let spec = albergue::store::RosterSpec {
                query: word[..n].to_string(),
                ..Default::default()
            };
            let t = Instant::now();
            let read = store.roster_read(&spec, now).unwrap();
            let rows = read.page(&albergue::store::Edge::First, 63).unwrap();
            let c = read.count(false).unwrap();
            line.push_str(&format!(
                " {}:{:.1}ms/{}{}",
                &word[..n],
                t.elapsed().as_secs_f64() * 1000.0,
                rows.len().min(c.listed as usize),
                if c.capped { "+" } else { "" }
            ));
        }
        println!("search round {round}:{line}");
    }
    // A sort change or an Esc out of a search lands on the selected person:
    // their position counted, for someone near the end of each sort.
    use albergue::store::{Edge, RosterSort, RosterSpec};
    let mut line = String::new();
    for sort in [
        RosterSort::Name,
        RosterSort::Waiting,
        RosterSort::Nationality,
        RosterSort::Household,
        RosterSort::Appointment,
    ] {
        let spec = RosterSpec {
            sort,
            ..Default::default()
        };
        let read = store.roster_read(&spec, now).unwrap();
        let last = read.page(&Edge::Last, 1).unwrap();
        let t = Instant::now();
        let at = read.position(&last[0].key).unwrap();
        line.push_str(&format!(
            " {sort:?}:{:.1}ms@{at}",
            t.elapsed().as_secs_f64() * 1000.0
        ));
    }
    println!("position of the last row:{line}");
}
