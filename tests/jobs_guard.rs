//! The jobs against hostile data and careless runs: cells typed to run as
//! spreadsheet formulas, and backups and checks that must not pass a file
//! that is not a sound albergue database. Through the real binary.

use std::path::{Path, PathBuf};

mod common;

use albergue::actor::Actor;
use albergue::store::{OpenMode, Store};
use common::{new_person, on_db, text};

/// What an attacker types into a note, a household's label or a US
/// destination, one per formula start a spreadsheet knows.
const HOSTILE: [&str; 7] = [
    "=HYPERLINK(\"http://x\",\"clic\")",
    "=cmd|' /C calc'!A0",
    "@SUM(A1:A9)",
    "+SUM(A1:A9)",
    "-2+3",
    "\t=1+1",
    "'=quoted already",
];

fn only_folder(out: &Path) -> PathBuf {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(dirs.len(), 1, "{dirs:?}");
    dirs.pop().unwrap()
}

#[test]
fn no_exported_cell_runs_as_a_formula_and_the_round_trip_keeps_the_text() {
    let home = tempfile::tempdir().unwrap();
    let db = common::make_demo(home.path(), 20);
    let mut ids = Vec::new();
    {
        let mut store = Store::open(&db, OpenMode::Existing).unwrap();
        let actor = Actor::new("test");
        for (i, text) in HOSTILE.iter().enumerate() {
            let mut p = new_person(0, "Ana", &format!("Prueba{i}"));
            p.notes = (*text).to_string();
            let person = store
                .create_person_with_household(1, text, &p, &actor)
                .unwrap();
            ids.push(person.id);
        }
    }
    let out = home.path().join("exports");
    let o = on_db(
        home.path(),
        &db,
        &["export", "--out", out.to_str().unwrap(), "--format", "both"],
    );
    assert!(o.status.success(), "{}", text(&o));
    let folder = only_folder(&out);
    for file in ["people.csv", "households.csv"] {
        let mut r = csv::Reader::from_path(folder.join(file)).unwrap();
        for row in r.records() {
            for field in row.unwrap().iter() {
                assert!(
                    !field.starts_with(['=', '+', '-', '@', '\t', '\r']),
                    "{file}: a cell a spreadsheet runs: {field:?}"
                );
            }
        }
    }
    let people = std::fs::read_to_string(folder.join("people.csv")).unwrap();
    assert!(people.contains("'=HYPERLINK"), "guarded, not dropped");
    // JSON Lines keep the text exactly.
    let json = std::fs::read_to_string(folder.join("people.jsonl")).unwrap();
    assert!(json.contains(r#""=cmd|' /C calc'!A0""#), "{json}");
    // Imported back, every note and label is what was typed.
    let copy = home.path().join("copy.db");
    drop(Store::open(&copy, OpenMode::Create).unwrap());
    let o = on_db(home.path(), &copy, &["import", folder.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o));
    let back = Store::open(&copy, OpenMode::Existing).unwrap();
    for (id, typed) in ids.iter().zip(HOSTILE) {
        let p = back.person(*id).unwrap();
        assert_eq!(p.details.notes, typed);
        assert_eq!(back.household(p.details.household_id).unwrap().label, typed);
    }
}
