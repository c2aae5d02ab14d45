//! Helpers the integration tests share: the fixed clock, demo databases,
//! a new person, and the real binary run in a private home.
#![allow(dead_code)] // each test file uses its own part

pub mod server;
pub mod terminal;
pub mod world;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Arc;

use albergue::actor::Actor;
use albergue::demo::generate;
use albergue::domain::{PersonDetails, PersonStatus, Sex};
use albergue::store::{BulkData, OpenMode, Store};
use chrono::{DateTime, NaiveDate, Utc};

/// The fixed clock of every test: Wednesday 22 May 2024, 08:00 in Tijuana.
pub const NOW: &str = "2024-05-22T15:00:00Z";

/// [`NOW`] as a time.
pub fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(NOW)
        .unwrap()
        .with_timezone(&Utc)
}

/// A new demo database in `dir` with `data` (made by [`demo_data`] and
/// changed as a test needs), on the fixed clock.
pub fn store_with(dir: &Path, data: &BulkData) -> (PathBuf, Store) {
    let path = dir.join("demo.db");
    let now = now();
    let mut store = Store::open(&path, OpenMode::Create)
        .unwrap()
        .with_clock(Arc::new(move || now));
    store.load_demo(data, &Actor::new("demo")).unwrap();
    (path, store)
}

/// The demo roster of `people` from `seed`, at the fixed clock.
pub fn demo_data(people: usize, seed: u64) -> BulkData {
    generate(people, seed, now())
}

/// A person arriving today, present, with nothing else known.
pub fn new_person(household_id: i64, given: &str, family: &str) -> PersonDetails {
    PersonDetails {
        household_id,
        given_names: given.into(),
        family_names: family.into(),
        birth_date: None,
        sex: Sex::Unknown,
        nationality: "HND".into(),
        languages: "es".into(),
        phone: None,
        arrival_date: NaiveDate::from_ymd_opt(2024, 5, 22).unwrap(),
        departure_date: None,
        status: PersonStatus::Present,
        vulnerabilities: vec![],
        notes: String::new(),
    }
}

/// Runs the real binary with a private HOME, data and config folder, and
/// no ALBERGUE_DB.
pub fn albergue(home: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_albergue"))
        .args(args)
        .env_remove("ALBERGUE_DB")
        .env("HOME", home)
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_STATE_HOME", home.join("state"))
        .output()
        .expect("albergue runs")
}

/// Runs the binary as [`albergue`] does, on the database `db`.
pub fn on_db(home: &Path, db: &Path, args: &[&str]) -> Output {
    let mut all = args.to_vec();
    all.extend(["--db", db.to_str().unwrap()]);
    albergue(home, &all)
}

/// What a run printed, standard output then error.
pub fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// Fails, showing `text`, unless it holds every one of `parts`.
pub fn says_all(text: &str, parts: &[&str]) {
    for part in parts {
        assert!(text.contains(part), "{part:?} missing from:\n{text}");
    }
}

/// A demo database of `people` made by the binary at the fixed clock.
pub fn make_demo(home: &Path, people: u32) -> PathBuf {
    let db = home.join("demo.db");
    let people = people.to_string();
    let out = albergue(
        home,
        &[
            "demo",
            "--people",
            &people,
            "--now",
            NOW,
            "--db",
            db.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    db
}

/// The message person `id` of `db` needs at [`now`], in their language,
/// as the domain composes it from what the store holds.
pub fn expected_message(db: &Path, id: i64) -> String {
    use albergue::domain::message::{choose, compose, Facts, Language};
    let store = Store::open(db, OpenMode::Existing).unwrap();
    let person = store.person(id).unwrap();
    let appointments = store.appointments_for_person(id).unwrap();
    let outages = store.outages().unwrap();
    let household = store.household(person.details.household_id).unwrap();
    let shelter = store
        .shelters()
        .unwrap()
        .into_iter()
        .find(|s| s.id == household.shelter_id)
        .unwrap();
    let (appointment, kind) = choose(&appointments, &outages, now()).unwrap();
    let facts = Facts {
        given_names: &person.details.given_names,
        appointment,
        port: albergue::domain::port::by_code(&appointment.port_code).unwrap(),
        here: shelter.tz.parse().unwrap(),
        outage_since: outages
            .iter()
            .filter(|o| o.is_active(now()) && o.puts_at_risk(appointment))
            .map(|o| o.started_at)
            .min(),
    };
    compose(
        kind,
        Language::for_person(&person.details.languages),
        &facts,
    )
}

/// The person id a person screen shows after its name (`… #103`).
pub fn person_id_on(screen: &str) -> i64 {
    screen
        .split('#')
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no person id on:\n{screen}"))
}

/// The one folder in `out` (the dated folder an export made).
pub fn only_folder(out: &Path) -> PathBuf {
    let folders: Vec<PathBuf> = std::fs::read_dir(out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    assert_eq!(folders.len(), 1, "{folders:?}");
    folders.into_iter().next().unwrap()
}

/// From the dashboard: opens the most urgent traveller, shows their
/// message and copies it (`Enter`, `M`, `y`); the person's id.
pub fn copy_most_urgent_message(s: &mut terminal::Session) -> i64 {
    s.wait_for("Due soonest");
    s.send(b"\r");
    // (The person's page, loaded: its household is below their details.)
    s.wait_for("Household #");
    let id = person_id_on(&s.screen());
    s.send(b"M");
    s.wait_for("copy it");
    s.send(b"y");
    s.wait_for("copied to your clipboard");
    id
}

/// The text of the one OSC 52 clipboard sequence in `raw` (fails unless
/// there is exactly one, ended by BEL, its payload base64).
pub fn the_one_osc52(raw: &[u8]) -> String {
    use base64ct::{Base64, Encoding};
    let starts: Vec<usize> = raw
        .windows(7)
        .enumerate()
        .filter(|(_, w)| *w == b"\x1b]52;c;")
        .map(|(i, _)| i)
        .collect();
    assert_eq!(starts.len(), 1, "exactly one OSC 52");
    let payload = &raw[starts[0] + 7..];
    let end = payload
        .iter()
        .position(|&b| b == 0x07)
        .expect("ended by BEL");
    let payload = std::str::from_utf8(&payload[..end]).unwrap();
    assert!(payload
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"+/=".contains(&b)));
    String::from_utf8(Base64::decode_vec(payload).unwrap()).unwrap()
}
