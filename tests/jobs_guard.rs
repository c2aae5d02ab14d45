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
    let (before, back) = (
        Store::open(&db, OpenMode::Existing).unwrap(),
        Store::open(&copy, OpenMode::Existing).unwrap(),
    );
    for id in &ids {
        let (a, b) = (before.person(*id).unwrap(), back.person(*id).unwrap());
        assert_eq!(a.details.notes, b.details.notes);
        let (ha, hb) = (a.details.household_id, b.details.household_id);
        assert_eq!(
            before.household(ha).unwrap().label,
            back.household(hb).unwrap().label
        );
    }
    // Kept as typed but for the tab, which a note keeps as a space.
    let hyperlink = before.person(ids[0]).unwrap().details.notes;
    assert_eq!(hyperlink, HOSTILE[0]);
}

/// The files in `dir` whose names start with `prefix`.
fn named(dir: &Path, prefix: &str) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(prefix))
        .collect()
}

/// `albergue ARGS --db DB` with files limited to `blocks` 512-byte blocks
/// (`ulimit -f`), as a nearly full disk or systemd's LimitFSIZE= would.
fn limited(home: &Path, blocks: u32, db: &Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new("bash")
        .arg("-c")
        .arg(format!("ulimit -f {blocks}; exec \"$0\" \"$@\""))
        .arg(env!("CARGO_BIN_EXE_albergue"))
        .args(args)
        .args(["--db", db.to_str().unwrap()])
        .env("HOME", home)
        .env("XDG_STATE_HOME", home.join("state"))
        .output()
        .unwrap()
}

#[test]
fn a_backup_cut_short_leaves_nothing_that_passes_for_one_and_the_retry_works() {
    let home = tempfile::tempdir().unwrap();
    let db = common::make_demo(home.path(), 2000);
    let dir = home.path().join("backups");
    std::fs::create_dir(&dir).unwrap();
    let out = dir.join("b.db");
    // A disk that fills after 64 KiB.
    let o = limited(
        home.path(),
        128,
        &db,
        &["backup", "--out", out.to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert_eq!(named(&dir, ""), Vec::<String>::new(), "left behind");
    let o = on_db(
        home.path(),
        &db,
        &["backup", "--out", out.to_str().unwrap()],
    );
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(named(&dir, ""), vec!["b.db".to_string()]);
    let o = on_db(home.path(), &out, &["check"]);
    assert!(o.status.success(), "{}", text(&o));
}

#[test]
fn check_refuses_an_empty_file_and_a_database_that_is_not_albergues() {
    let home = tempfile::tempdir().unwrap();
    let empty = home.path().join("empty.db");
    std::fs::write(&empty, b"").unwrap();
    let o = on_db(home.path(), &empty, &["check"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        text(&o).contains("not an albergue database"),
        "{}",
        text(&o)
    );
    // A database SQLite finds sound, with nothing of albergue's in it.
    let bare = home.path().join("bare.db");
    let conn = rusqlite::Connection::open(&bare).unwrap();
    conn.execute_batch("CREATE TABLE t (x); DROP TABLE t;")
        .unwrap();
    drop(conn);
    assert!(std::fs::metadata(&bare).unwrap().len() > 0);
    let o = on_db(home.path(), &bare, &["check"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        text(&o).contains("not an albergue database"),
        "{}",
        text(&o)
    );
}

#[test]
fn check_finds_the_append_only_triggers_gone() {
    let home = tempfile::tempdir().unwrap();
    let db = common::make_demo(home.path(), 20);
    let o = on_db(home.path(), &db, &["check"]);
    assert!(o.status.success(), "{}", text(&o));
    {
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.execute_batch("DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;")
            .unwrap();
    }
    let o = on_db(home.path(), &db, &["check"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        text(&o).contains("trigger audit_no_update is missing")
            && text(&o).contains("trigger audit_no_delete is missing"),
        "{}",
        text(&o)
    );
}

/// A new, empty database and the path of a spreadsheet to write beside it.
fn empty_roster_and_sheet(home: &Path) -> (PathBuf, PathBuf) {
    let db = home.join("roster.db");
    drop(Store::open(&db, OpenMode::Create).unwrap());
    (db, home.join("lista.csv"))
}

/// `albergue import SHEET --shelter Casa` on `db`.
fn import(home: &Path, db: &Path, sheet: &Path) -> std::process::Output {
    on_db(
        home,
        db,
        &["import", sheet.to_str().unwrap(), "--shelter", "Casa"],
    )
}

#[test]
fn a_spreadsheet_with_alpha_2_nationalities_imports_them_as_alpha_3() {
    let home = tempfile::tempdir().unwrap();
    let (db, sheet) = empty_roster_and_sheet(home.path());
    std::fs::write(
        &sheet,
        "Nombre,Apellidos,Nacionalidad,Fecha de llegada\n\
         Yusleidy,Márquez,VE,2024-05-01\n\
         Jean,Pierre,ht,2024-05-02\n\
         Nadie,Nunca,QQ,2024-05-03\n",
    )
    .unwrap();
    let o = import(home.path(), &db, &sheet);
    // QQ is no country: named with its line, and nothing imported.
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("line 4"), "{}", text(&o));
    let fixed = std::fs::read_to_string(&sheet)
        .unwrap()
        .replace(",QQ,", ",MX,");
    std::fs::write(&sheet, fixed).unwrap();
    let o = import(home.path(), &db, &sheet);
    assert!(o.status.success(), "{}", text(&o));
    let store = Store::open(&db, OpenMode::Existing).unwrap();
    let codes: Vec<String> = (1..=3)
        .map(|id| store.person(id).unwrap().details.nationality)
        .collect();
    assert_eq!(codes, ["VEN", "HTI", "MEX"]);
}

#[test]
fn check_into_a_pipe_closed_early_says_nothing_of_it_and_keeps_its_exit_code() {
    let home = tempfile::tempdir().unwrap();
    let db = common::make_demo(home.path(), 20);
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_albergue"))
        .args(["check", "--db", db.to_str().unwrap()])
        .env("HOME", home.path())
        .env("XDG_STATE_HOME", home.path().join("state"))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // The reader goes before the report is written (`| head -0`).
    drop(child.stdout.take());
    let o = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(
        !err.contains("panicked") && !err.contains("Broken pipe"),
        "{err}"
    );
}

#[test]
fn control_characters_never_reach_the_store_and_long_fields_are_refused_by_line() {
    let home = tempfile::tempdir().unwrap();
    let (db, sheet) = empty_roster_and_sheet(home.path());
    let long_note = "n".repeat(4001);
    std::fs::write(
        &sheet,
        format!(
            "Nombre,Apellidos,Nacionalidad,Fecha de llegada,Notas,Destino\n\
             Ana,Uno,VEN,2024-05-01,\"a\x1b]52;c;ZWNobyBwd25lZA==\x07b\x1b[31mc\",\"Houston\x1b[2J, TX\"\n\
             Luis,Dos,HND,2024-05-02,{long_note},\n"
        ),
    )
    .unwrap();
    let o = import(home.path(), &db, &sheet);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        text(&o).contains("line 3") && text(&o).contains("notes is too long (at most 4000"),
        "{}",
        text(&o)
    );
    assert_eq!(
        Store::open(&db, OpenMode::Existing)
            .unwrap()
            .counts()
            .unwrap()
            .people,
        0
    );
    // Without the long note the row goes in, its control characters gone.
    let text_ok = std::fs::read_to_string(&sheet)
        .unwrap()
        .replace(&long_note, "corta");
    std::fs::write(&sheet, text_ok).unwrap();
    let o = import(home.path(), &db, &sheet);
    assert!(o.status.success(), "{}", text(&o));
    let store = Store::open(&db, OpenMode::Existing).unwrap();
    let ana = store.person(1).unwrap();
    assert_eq!(ana.details.notes, "a]52;c;ZWNobyBwd25lZA==b[31mc");
    let home_of = store.household(ana.details.household_id).unwrap();
    assert_eq!(home_of.us_destination.as_deref(), Some("Houston[2J, TX"));
}

#[test]
fn control_characters_already_stored_do_not_reach_the_export_csv() {
    let home = tempfile::tempdir().unwrap();
    let db = common::make_demo(home.path(), 20);
    {
        // As an older albergue, or another tool, may have stored them.
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.execute(
            "UPDATE person SET notes = ?1 WHERE id = 1",
            ["x\u{1b}]0;owned\u{7}y\u{9b}2Jz\nsecond line"],
        )
        .unwrap();
    }
    let out = home.path().join("exports");
    let o = on_db(
        home.path(),
        &db,
        &["export", "--out", out.to_str().unwrap()],
    );
    assert!(o.status.success(), "{}", text(&o));
    let people = std::fs::read_to_string(only_folder(&out).join("people.csv")).unwrap();
    assert!(
        !people
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\r'),
        "a control character in people.csv"
    );
    assert!(people.contains("x]0;ownedy2Jz\nsecond line"), "{people}");
}

#[test]
fn export_and_tomorrows_list_read_a_database_on_read_only_media() {
    let home = tempfile::tempdir().unwrap();
    let src = home.path().join("src");
    let ro = home.path().join("ro");
    std::fs::create_dir_all(&src).unwrap();
    std::fs::create_dir_all(&ro).unwrap();
    let db = common::make_demo(&src, 50);
    let before = std::fs::read(&db).unwrap();
    let out = home.path().join("exports");
    let name = db.file_name().unwrap().to_str().unwrap();
    let bin = env!("CARGO_BIN_EXE_albergue");
    // A read-only bind mount in a mount namespace of its own (as
    // tests/field.rs does).
    let script = format!(
        "mount --bind '{src}' '{ro}' && mount -o remount,bind,ro '{ro}' && \
         {bin} export --out '{out}' --db '{ro}/{name}'; echo \"export=$?\"; \
         {bin} list departures --date 2024-05-23 --db '{ro}/{name}' >/dev/null; echo \"list=$?\"",
        src = src.display(),
        ro = ro.display(),
        out = out.display(),
    );
    let o = std::process::Command::new("unshare")
        .args(["--user", "--map-root-user", "--mount", "sh", "-c", &script])
        .env("HOME", home.path())
        .env("XDG_STATE_HOME", home.path().join("state"))
        .output()
        .expect("util-linux unshare runs");
    let said = text(&o);
    assert!(
        said.contains("export=0") && said.contains("list=0"),
        "{said}"
    );
    assert!(said.contains("not recorded in its audit trail"), "{said}");
    assert!(only_folder(&out).join("people.csv").exists());
    assert_eq!(std::fs::read(&db).unwrap(), before, "untouched");
}

#[test]
fn an_export_past_a_file_size_limit_says_so_and_leaves_no_plaintext() {
    let home = tempfile::tempdir().unwrap();
    let db = common::make_demo(home.path(), 3000);
    let out = home.path().join("exports");
    let o = limited(
        home.path(),
        256,
        &db,
        &["export", "--out", out.to_str().unwrap()],
    );
    // Not killed by SIGXFSZ: an exit code and a message.
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("export failed"), "{}", text(&o));
    assert_eq!(named(&out, ""), Vec::<String>::new(), "left behind");
}

#[test]
fn export_into_a_file_and_import_of_a_binary_file_say_what_is_wrong() {
    let home = tempfile::tempdir().unwrap();
    let db = common::make_demo(home.path(), 10);
    let file = home.path().join("exports");
    std::fs::write(&file, "not a folder").unwrap();
    let o = on_db(
        home.path(),
        &db,
        &["export", "--out", file.to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).contains("is not a folder"), "{}", text(&o));
    // A cause is said once.
    let missing = file.join("exports");
    let o = on_db(
        home.path(),
        &db,
        &["export", "--out", missing.to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        text(&o).matches("Not a directory").count(),
        1,
        "{}",
        text(&o)
    );
    // A binary file: said in a line, not pages of its bytes.
    let binary = home.path().join("foto.csv");
    let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
    bytes.extend((0..65_536u32).map(|i| (i % 251) as u8));
    std::fs::write(&binary, bytes).unwrap();
    let o = on_db(home.path(), &db, &["import", binary.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).len() < 2_000, "{} bytes said", text(&o).len());
    assert!(text(&o).contains("not a spreadsheet"), "{}", text(&o));
}

#[test]
fn check_finds_the_newest_audit_rows_removed_even_with_the_triggers_put_back() {
    let home = tempfile::tempdir().unwrap();
    let db = common::make_demo(home.path(), 20);
    {
        let mut store = Store::open(&db, OpenMode::Existing).unwrap();
        let actor = Actor::new("test");
        for family in ["Uno", "Dos", "Tres"] {
            store
                .create_person(&new_person(1, "Ana", family), &actor)
                .unwrap();
        }
    }
    let o = on_db(home.path(), &db, &["check"]);
    assert!(o.status.success(), "{}", text(&o));
    {
        // What someone with the file and the sqlite3 tool can do, and then
        // tidy up after.
        let conn = rusqlite::Connection::open(&db).unwrap();
        let triggers: Vec<String> = conn
            .prepare(
                "SELECT sql FROM sqlite_schema WHERE type = 'trigger' AND name LIKE 'audit_no_%'",
            )
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        conn.execute_batch(
            "DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;
             DELETE FROM audit WHERE id = (SELECT max(id) FROM audit);",
        )
        .unwrap();
        for t in triggers {
            conn.execute_batch(&t).unwrap();
        }
    }
    let o = on_db(home.path(), &db, &["check"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        text(&o).contains("rows were removed or rewritten"),
        "{}",
        text(&o)
    );
}
