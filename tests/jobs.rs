//! The jobs that run without a terminal: export, import, backup, through the
//! real binary (as cron runs them) and the library.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

mod common;

use albergue::actor::Actor;
use albergue::store::{OpenMode, Store};
use chrono::NaiveDate;

use common::{albergue as run, on_db, text, NOW};

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

fn demo(home: &Path, people: u32) -> PathBuf {
    common::make_demo(home, people)
}

fn dated(out: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(out)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().to_string())
        .collect();
    v.sort();
    v
}

fn csv_rows(path: &Path) -> Vec<csv::StringRecord> {
    csv::Reader::from_path(path)
        .unwrap()
        .records()
        .map(Result::unwrap)
        .collect()
}

fn manifest(folder: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(folder.join("manifest.json")).unwrap()).unwrap()
}

// ---- export ----

#[test]
fn an_export_is_a_private_dated_folder_whose_manifest_matches_its_files() {
    let home = tempfile::tempdir().unwrap();
    let db = demo(home.path(), 300);
    let out = home.path().join("exports");
    let args = [
        "export",
        "--db",
        db.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--format",
        "both",
        "--now",
        NOW,
    ];
    let o = run(home.path(), &args);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("300 people"), "{}", text(&o));
    let log = String::from_utf8_lossy(&o.stderr);
    // A plaintext export says so, then one summary line; no progress bar
    // under cron.
    let lines: Vec<&str> = log.lines().collect();
    assert_eq!(lines.len(), 2, "{log:?}");
    assert!(lines[0].starts_with("warning: this export is NOT encrypted"));
    assert!(!log.contains('\r'), "{log:?}");
    let folders = dated(&out);
    assert_eq!(folders.len(), 1, "{folders:?}");
    let folder = out.join(&folders[0]);
    assert!(chrono::NaiveDate::parse_from_str(&folders[0], "%Y-%m-%d").is_ok());
    assert_eq!(mode(&out), 0o700);
    assert_eq!(mode(&folder), 0o700);
    let m = manifest(&folder);
    assert_eq!(m["generator"], "albergue");
    assert_eq!(m["schema_version"], albergue::store::LATEST_VERSION);
    let files = m["files"].as_array().unwrap();
    assert_eq!(files.len(), 20, "10 tables × csv and jsonl");
    for f in files {
        let path = folder.join(f["name"].as_str().unwrap());
        assert_eq!(mode(&path), 0o600, "{}", path.display());
        assert_eq!(
            albergue::export::files::sha256_of(&path).unwrap(),
            f["sha256"].as_str().unwrap(),
            "{}",
            path.display()
        );
        let rows = if path.extension().unwrap() == "csv" {
            csv_rows(&path).len()
        } else {
            std::fs::read_to_string(&path).unwrap().lines().count()
        };
        assert_eq!(
            rows as u64,
            f["rows"].as_u64().unwrap(),
            "{}",
            path.display()
        );
    }
    assert_eq!(mode(&folder.join("manifest.json")), 0o600);
    // The people file holds every person, with UTC times and local port times.
    let people = csv_rows(&folder.join("people.csv"));
    assert_eq!(people.len(), 300);
    let appts = csv::Reader::from_path(folder.join("appointments.csv"))
        .unwrap()
        .headers()
        .unwrap()
        .clone();
    assert!(appts.iter().any(|h| h == "appointment_local"));
    // A second export the same day gets its own folder; the export is audited.
    assert!(run(home.path(), &args).status.success());
    assert_eq!(
        dated(&out),
        [folders[0].clone(), format!("{}-2", folders[0])]
    );
    let store = Store::open(&db, OpenMode::Existing).unwrap();
    assert_eq!(
        store
            .recent_audit(10)
            .unwrap()
            .iter()
            .filter(|e| e.action == "export")
            .count(),
        2
    );
}

#[test]
fn a_redacted_export_holds_no_phone_note_or_full_name() {
    let home = tempfile::tempdir().unwrap();
    let db = demo(home.path(), 200);
    let out = home.path().join("exports");
    let o = on_db(
        home.path(),
        &db,
        &[
            "export",
            "--out",
            out.to_str().unwrap(),
            "--format",
            "both",
            "--redact",
        ],
    );
    assert!(o.status.success(), "{}", text(&o));
    let store = Store::open(&db, OpenMode::Existing).unwrap();
    let mut secrets = Vec::new();
    for id in 1..=200 {
        let p = store.person(id).unwrap();
        secrets.push(p.full_name());
        secrets.extend(p.details.phone.clone());
        if !p.details.notes.is_empty() {
            secrets.push(p.details.notes.clone());
        }
        if let Some(b) = p.details.birth_date {
            secrets.push(b.to_string());
        }
    }
    let folder = out.join(&dated(&out)[0]);
    let mut all = String::new();
    for e in std::fs::read_dir(&folder).unwrap().flatten() {
        all.push_str(&std::fs::read_to_string(e.path()).unwrap());
    }
    for s in &secrets {
        assert!(
            !all.contains(s.as_str()),
            "{s:?} appears in the redacted export"
        );
    }
    assert!(all.contains("person-17"));
    assert_eq!(manifest(&folder)["redacted"], true);
}

#[test]
fn keep_removes_old_exports_but_nothing_albergue_did_not_make() {
    let home = tempfile::tempdir().unwrap();
    let db = demo(home.path(), 20);
    let out = home.path().join("exports");
    std::fs::create_dir_all(out.join("2020-01-01")).unwrap();
    std::fs::write(out.join("2020-01-01/mine.txt"), "a coordinator's own file").unwrap();
    for _ in 0..4 {
        let o = on_db(
            home.path(),
            &db,
            &[
                "export",
                "--out",
                out.to_str().unwrap(),
                "--keep",
                "2",
                "--now",
                NOW,
            ],
        );
        assert!(o.status.success(), "{}", text(&o));
    }
    let left = dated(&out);
    assert_eq!(left.len(), 3, "{left:?}");
    assert!(left.contains(&"2020-01-01".to_string()));
    assert!(
        left.iter().any(|n| n.ends_with("-3")) && left.iter().any(|n| n.ends_with("-4")),
        "{left:?}"
    );
    let o = on_db(
        home.path(),
        &db,
        &["export", "--out", out.to_str().unwrap(), "--keep", "0"],
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
}

#[test]
fn an_export_is_one_moment_while_a_coordinator_writes() {
    let home = tempfile::tempdir().unwrap();
    let db = demo(home.path(), 20_000);
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let (db, stop) = (db.clone(), Arc::clone(&stop));
        std::thread::spawn(move || {
            let mut store = Store::open(&db, OpenMode::Existing).unwrap();
            let mut n = 0;
            while !stop.load(Ordering::Relaxed) {
                store
                    .create_person(
                        &common::new_person(1, &format!("Nuevo{n}"), "Llegada"),
                        &Actor::new("luis"),
                    )
                    .unwrap();
                n += 1;
            }
            n
        })
    };
    std::thread::sleep(Duration::from_millis(100));
    let out = home.path().join("exports");
    let o = on_db(
        home.path(),
        &db,
        &["export", "--out", out.to_str().unwrap()],
    );
    stop.store(true, Ordering::Relaxed);
    let written = writer.join().unwrap();
    assert!(o.status.success(), "{}", text(&o));
    assert!(written > 0);
    let folder = out.join(&dated(&out)[0]);
    let people = csv_rows(&folder.join("people.csv"));
    let audit = csv_rows(&folder.join("audit.csv"));
    // One moment: every person added by then has its audit row, and no other.
    let added = people.len() - 20_000;
    let creates = audit.iter().filter(|r| &r[3] == "person.create").count();
    assert_eq!(
        added, creates,
        "people and their audit rows come from one moment"
    );
    let ids: Vec<i64> = people.iter().map(|r| r[0].parse().unwrap()).collect();
    assert!(
        ids.windows(2).all(|w| w[1] == w[0] + 1),
        "no gaps: the ids were read at one moment"
    );
    assert_eq!(
        manifest(&folder)["files"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["table"] == "people")
            .unwrap()["rows"],
        people.len()
    );
}

#[test]
fn an_export_killed_half_way_leaves_no_dated_folder_and_the_next_run_cleans_up() {
    let home = tempfile::tempdir().unwrap();
    let db = demo(home.path(), 60_000);
    let out = home.path().join("exports");
    let mut killed_mid_way = false;
    for delay_ms in [60, 120, 200, 300] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_albergue"))
            .args([
                "export",
                "--db",
                db.to_str().unwrap(),
                "--out",
                out.to_str().unwrap(),
                "--format",
                "both",
            ])
            .spawn()
            .unwrap();
        let started = Instant::now();
        while started.elapsed() < Duration::from_millis(delay_ms) {
            std::thread::sleep(Duration::from_millis(5));
        }
        let _ = child.kill(); // SIGKILL
        let status = child.wait().unwrap();
        let names = dated(&out);
        if status.success() {
            // It finished before the kill: that folder is complete.
            std::fs::remove_dir_all(out.join(names.iter().find(|n| !n.starts_with('.')).unwrap()))
                .unwrap();
            continue;
        }
        killed_mid_way = true;
        assert!(
            names.iter().all(|n| n.starts_with(".albergue-export-")),
            "{names:?}"
        );
        break;
    }
    assert!(killed_mid_way, "the export was always faster than the kill");
    let o = on_db(
        home.path(),
        &db,
        &["export", "--out", out.to_str().unwrap()],
    );
    assert!(o.status.success(), "{}", text(&o));
    let names = dated(&out);
    assert_eq!(names.len(), 1, "leftovers cleaned: {names:?}");
    assert!(!names[0].starts_with('.'));
}

#[test]
fn an_export_into_a_place_it_cannot_write_fails_cleanly() {
    let home = tempfile::tempdir().unwrap();
    let db = demo(home.path(), 20);
    let file = home.path().join("not-a-folder");
    std::fs::write(&file, "x").unwrap();
    let o = on_db(
        home.path(),
        &db,
        &["export", "--out", file.to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).contains("not-a-folder"), "{}", text(&o));
    let o = on_db(
        home.path(),
        &db,
        &["export", "--out", "x", "--format", "xml"],
    );
    assert_eq!(o.status.code(), Some(2));
}

// ---- import ----

fn write_bytes(home: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = home.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

#[test]
fn a_spanish_spreadsheet_is_imported_as_excel_saves_it() {
    let home = tempfile::tempdir().unwrap();
    let db = demo(home.path(), 10);
    // BOM, semicolons, CRLF, a quoted field with a newline, day-first dates,
    // headers with accents in any order, an unknown column.
    let csv = "\u{feff}Apellidos;Nombre(s);NACIONALIDAD;Fecha de Nacimiento;Fecha de llegada;Teléfono;Familia;Puerto;Fecha de cita;Número de confirmación;Cuarto\r\n\
               Núñez Peña;José;Honduras;12/03/1990;01-04-2024;+52 664 111 2222;Núñez;San Ysidro;04/06/2024 09:00;ab12cd34ef;3\r\n\
               López;María;HND;1992-05-01;2024-04-01;;Núñez;SYS;2024-06-04 09:00;AB12CD34EG;3\r\n\
               Pierre;\"Jean\r\nBaptiste\";Haití;28/02/1985;;;;;;;\r\n";
    let file = write_bytes(home.path(), "lista.csv", csv.as_bytes());
    let o = on_db(
        home.path(),
        &db,
        &["import", file.to_str().unwrap(), "--now", NOW],
    );
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        text(&o).contains("Cuarto"),
        "unknown columns are named: {}",
        text(&o)
    );
    let store = Store::open(&db, OpenMode::Existing).unwrap();
    let jose = &store.search_people("jose nunez", 5).unwrap()[0];
    assert_eq!(jose.details.nationality, "HND");
    assert_eq!(
        jose.details.birth_date,
        NaiveDate::from_ymd_opt(1990, 3, 12)
    );
    assert_eq!(
        jose.details.arrival_date,
        NaiveDate::from_ymd_opt(2024, 4, 1).unwrap()
    );
    let maria = &store.search_people("maria lopez", 5).unwrap()[0];
    assert_eq!(
        maria.details.household_id, jose.details.household_id,
        "same Familia, same group"
    );
    let appt = &store.appointments_for_person(jose.id).unwrap()[0];
    assert_eq!(appt.port_code, "SYS");
    assert_eq!(appt.confirmation_number.as_deref(), Some("AB12CD34EF"));
    assert_eq!(
        appt.appointment_at.to_rfc3339(),
        "2024-06-04T16:00:00+00:00",
        "09:00 PDT"
    );
    let jean = &store.search_people("jean baptiste pierre", 5).unwrap()[0];
    assert_eq!(jean.details.given_names, "Jean Baptiste");
    // Twice adds nothing.
    let before = store.counts().unwrap();
    let o = on_db(home.path(), &db, &["import", file.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("3 already on the roster"), "{}", text(&o));
    assert_eq!(
        Store::open(&db, OpenMode::Existing)
            .unwrap()
            .counts()
            .unwrap()
            .people,
        before.people
    );
}

#[test]
fn windows_1252_and_commas_are_understood() {
    let home = tempfile::tempdir().unwrap();
    let db = demo(home.path(), 5);
    let (bytes, _, _) = encoding_rs::WINDOWS_1252
        .encode("Given names,Family names,Nationality\nAndrés,Muñoz,MEX\n");
    let file = write_bytes(home.path(), "excel.csv", &bytes);
    let o = on_db(home.path(), &db, &["import", file.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o));
    let store = Store::open(&db, OpenMode::Existing).unwrap();
    assert_eq!(
        store.search_people("andres munoz", 5).unwrap()[0].full_name(),
        "Andrés Muñoz"
    );
}

#[test]
fn any_bad_row_is_named_and_nothing_is_imported() {
    let home = tempfile::tempdir().unwrap();
    let db = demo(home.path(), 5);
    let csv = "Nombre(s);Apellidos;Nacionalidad;Fecha de llegada;Puerto;Fecha de cita;Número de confirmación\n\
               Ana;Pérez;VEN;2024-04-01;;;\n\
               Luis;Cruz;Atlántida;2024-04-01;;;\n\
               Rosa;Díaz;CUB;31/02/2024;;;\n\
               Juan;Tzul;GTM;2024-04-01;Tijuana Norte;2024-06-04;XY123456\n";
    let file = write_bytes(home.path(), "malo.csv", csv.as_bytes());
    let before = std::fs::read(&db).unwrap();
    for extra in [&[][..], &["--dry-run"][..]] {
        let mut args = vec![
            "import",
            file.to_str().unwrap(),
            "--db",
            db.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        let o = run(home.path(), &args);
        assert_eq!(o.status.code(), Some(1), "{}", text(&o));
        common::says_all(
            &text(&o),
            &[
                "line 3, column \"Nacionalidad\"",
                "line 4, column \"Fecha de llegada\"",
                "line 5, column \"Puerto\"",
                "nothing was imported",
            ],
        );
    }
    assert_eq!(
        std::fs::read(&db).unwrap(),
        before,
        "the database is untouched"
    );
    let o = on_db(
        home.path(),
        &db,
        &["import", home.path().join("nada.csv").to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).contains("nada.csv"), "{}", text(&o));
}

#[test]
fn a_dry_run_reports_and_changes_nothing() {
    let home = tempfile::tempdir().unwrap();
    let db = demo(home.path(), 5);
    let file = write_bytes(
        home.path(),
        "ok.csv",
        "Nombre(s),Apellidos\nAna,Pérez\nLuis,Cruz\n".as_bytes(),
    );
    let before = std::fs::read(&db).unwrap();
    let o = on_db(
        home.path(),
        &db,
        &["import", file.to_str().unwrap(), "--dry-run"],
    );
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("2 people"), "{}", text(&o));
    assert_eq!(std::fs::read(&db).unwrap(), before);
}

#[test]
fn an_export_imported_into_an_empty_database_reproduces_the_roster() {
    let home = tempfile::tempdir().unwrap();
    let db = demo(home.path(), 400);
    let out = home.path().join("exports");
    assert!(on_db(
        home.path(),
        &db,
        &["export", "--out", out.to_str().unwrap()]
    )
    .status
    .success());
    let folder = out.join(&dated(&out)[0]);
    let copy = home.path().join("copy.db");
    drop(Store::open(&copy, OpenMode::Create).unwrap());
    let o = on_db(home.path(), &copy, &["import", folder.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o));
    let (a, b) = (
        Store::open(&db, OpenMode::Existing).unwrap(),
        Store::open(&copy, OpenMode::Existing).unwrap(),
    );
    let (ca, cb) = (a.counts().unwrap(), b.counts().unwrap());
    assert_eq!(
        (
            ca.shelters,
            ca.households,
            ca.people,
            ca.appointments,
            ca.outages
        ),
        (
            cb.shelters,
            cb.households,
            cb.people,
            cb.appointments,
            cb.outages
        )
    );
    for id in 1..=400 {
        assert_eq!(
            a.person(id).unwrap().details,
            b.person(id).unwrap().details,
            "person {id}"
        );
        // What the round trip keeps of each appointment.
        let kept = |store: &Store| -> Vec<_> {
            let list = store.appointments_for_person(id).unwrap();
            list.into_iter()
                .map(|x| {
                    let number = x.confirmation_number;
                    (
                        x.id,
                        x.port_code,
                        x.appointment_at,
                        x.status,
                        number,
                        x.extended_until,
                    )
                })
                .collect()
        };
        assert_eq!(kept(&a), kept(&b));
    }
    for id in 1..=ca.households {
        let (ha, hb) = (a.household(id).unwrap(), b.household(id).unwrap());
        assert_eq!(
            (ha.label, ha.shelter_id, ha.us_destination),
            (hb.label, hb.shelter_id, hb.us_destination)
        );
    }
    // Beds and transfers come back too: the sections with their
    // occupancy, each person's section, every transfer.
    assert!(!a.sections().unwrap().is_empty() && !a.transfers().unwrap().is_empty());
    assert_eq!(a.sections().unwrap(), b.sections().unwrap());
    assert_eq!(a.transfers().unwrap(), b.transfers().unwrap());
    for id in 1..=400 {
        assert_eq!(
            a.section_of(id).unwrap(),
            b.section_of(id).unwrap(),
            "person {id}"
        );
    }
    assert!(b.tally_problems().unwrap().is_empty());
    // A tampered export is refused.
    std::fs::write(folder.join("people.csv"), "id\n1\n").unwrap();
    let other = home.path().join("other.db");
    drop(Store::open(&other, OpenMode::Create).unwrap());
    let o = on_db(home.path(), &other, &["import", folder.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).contains("SHA-256"), "{}", text(&o));
}

// ---- backup ----

#[test]
fn a_backup_is_private_verified_and_passes_check() {
    let home = tempfile::tempdir().unwrap();
    let db = demo(home.path(), 300);
    let backup = home.path().join("respaldo.db");
    let o = on_db(
        home.path(),
        &db,
        &["backup", "--out", backup.to_str().unwrap()],
    );
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(mode(&backup), 0o600);
    let o = on_db(home.path(), &backup, &["check"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains(" 300 people"), "{}", text(&o));
    // Never over an existing file.
    let before = std::fs::read(&backup).unwrap();
    let o = on_db(
        home.path(),
        &db,
        &["backup", "--out", backup.to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).contains("already exists"), "{}", text(&o));
    assert_eq!(std::fs::read(&backup).unwrap(), before);
    let store = Store::open(&db, OpenMode::Existing).unwrap();
    assert!(store
        .recent_audit(5)
        .unwrap()
        .iter()
        .any(|e| e.action == "backup"));
}
