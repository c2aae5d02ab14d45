//! Appointment programs as files, through the binary: `programs list`
//! and `programs check`, a shelter's own program in its config folder, and
//! a bad file refused at start-up with nothing changed.

mod common;

use std::path::Path;

use common::{albergue, says_all, text};

/// A consulate with a 72-hour confirmation at two venues in different
/// zones: a program written only as a file.
const CONSUL: &str = r#"# A shelter's own program.
id = "consul-hn"
[name]
es = "Consulado de Honduras"
en = "Consulate of Honduras"

[[venue]]
code = "HN-TIJ"
name = "Consulado de Honduras en Tijuana"
city = "Tijuana"
tz = "America/Tijuana"

[[venue]]
code = "HN-CDMX"
name = "Embajada de Honduras"
city = "Ciudad de México"
tz = "America/Mexico_City"

[[step]]
id = "given"
name = { es = "Cita dada", en = "Appointment given" }

[[step]]
id = "confirm"
name = { es = "Confirmar la cita", en = "Confirm the appointment" }
after = ["given"]
due = { hours = 72, after = "given" }

[step.message]
es = "Hola {name}, confirme su cita en {venue} antes del {deadline_here}."
en = "Hello {name}, confirm your appointment at {venue} before {deadline_here}."
"#;

fn own_program(home: &Path, name: &str, text: &str) -> std::path::PathBuf {
    let dir = home.join("config/albergue/programs");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn programs_list_shows_the_built_in_ones_and_a_shelters_own() {
    let home = tempfile::tempdir().unwrap();
    let out = albergue(home.path(), &["programs", "list"]);
    assert!(out.status.success(), "{}", text(&out));
    let t = text(&out);
    says_all(
        &t,
        &[
            "cbp-one  CBP One",
            "confirm    Confirm in the app: 23 hours after allocated; at risk when CBP One fails",
            "comar  COMAR (asylum in Mexico)",
            "file        File the claim: 30 business days after entry (weekends and mx holidays)",
            "sign        Periodic signature: every 7 days from file, until resolution",
            "tvrh  Humanitarian visa (TVRH)",
            "renew    Renew the card: opens 30 days before expires",
            "iom-return  Assisted voluntary return (IOM)",
            "INM-CJS   INM Ciudad Juárez, Ciudad Juárez (America/Ciudad_Juarez)",
            "SYS  San Ysidro PedWest, San Diego (America/Los_Angeles)",
        ],
    );
    assert!(!t.contains("consul-hn"));

    let path = own_program(home.path(), "consul.toml", CONSUL);
    // The shelter's office signs every 15 days: its own comar.toml
    // replaces the built-in one.
    let comar =
        include_str!("../assets/programs/comar.toml").replace("every_days = 7", "every_days = 15");
    let own_comar = own_program(home.path(), "comar.toml", &comar);
    let t = text(&albergue(home.path(), &["programs", "list"]));
    says_all(
        &t,
        &[
            "consul-hn  Consulate of Honduras",
            &format!("file     {}", path.display()),
            "HN-CDMX  Embajada de Honduras, Ciudad de México (America/Mexico_City)",
            "confirm  Confirm the appointment: 72 hours after given",
            &format!("file     {}", own_comar.display()),
            "every 15 days from file",
        ],
    );
    assert!(!t.contains("every 7 days"), "{t}");
    assert_eq!(t.matches("comar  COMAR").count(), 1, "{t}");
}

#[test]
fn programs_check_names_the_file_line_and_field_and_exits_1() {
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join("consul.toml");
    std::fs::write(&file, CONSUL).unwrap();
    let out = albergue(home.path(), &["programs", "check", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out));
    says_all(
        &text(&out),
        &["program \"consul-hn\" is good: 2 venues, 2 steps"],
    );

    let bad = [
        (
            "America/Tijuana",
            "America/Tijuna",
            11,
            "venue.HN-TIJ.tz",
            "unknown time zone \"America/Tijuna\" (use a tz database name such as America/Tijuana)",
        ),
        (
            "after = \"given\"",
            "after = \"sent\"",
            27,
            "step.confirm.due.after",
            "names an unknown step \"sent\"; the steps are given, confirm",
        ),
        (
            "before {deadline_here}.\"",
            "soon.\"",
            31,
            "step.confirm.message.en",
            "lacks {deadline_here}, which the es message has",
        ),
    ];
    for (from, to, line, field, why) in bad {
        std::fs::write(&file, CONSUL.replacen(from, to, 1)).unwrap();
        let out = albergue(home.path(), &["programs", "check", file.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(1), "{}", text(&out));
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(
            err.trim(),
            format!("albergue: {}:{line}: {field}: {why}", file.display()),
        );
    }
    let missing = albergue(home.path(), &["programs", "check", "nowhere.toml"]);
    assert_eq!(missing.status.code(), Some(1));
    says_all(&text(&missing), &["nowhere.toml: No such file"]);
}

#[test]
fn a_bad_program_file_refuses_the_start_and_changes_nothing() {
    let home = tempfile::tempdir().unwrap();
    let path = own_program(
        home.path(),
        "consul.toml",
        &CONSUL.replace("hours = 72", "hours = 72, days = 3"),
    );
    let db = home.path().join("new.db");
    for args in [
        vec!["--db", db.to_str().unwrap()],
        vec!["serve", "--db", db.to_str().unwrap()],
    ] {
        let out = albergue(home.path(), &args);
        assert_eq!(out.status.code(), Some(1), "{}", text(&out));
        says_all(
            &text(&out),
            &[&format!(
                "{}:27: step.confirm.due: give exactly one of hours",
                path.display()
            )],
        );
        assert!(!db.exists(), "no database was made");
    }
    let out = albergue(home.path(), &["programs", "list"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        out.stdout.is_empty(),
        "nothing listed from a half-loaded set"
    );
}

/// A shelter's own program, a file and nothing else: a case of it opened
/// from the command line, then seen overdue on the dashboard and its cases
/// screen, the person's message taken from the file, and its step recorded
/// with `c` and `Ctrl-S`, in a real terminal.
#[test]
fn a_program_that_is_only_a_file_is_followed_from_the_dashboard() {
    use common::terminal::Session;
    let home = tempfile::tempdir().unwrap();
    own_program(home.path(), "consul.toml", CONSUL);
    let db = common::make_demo(home.path(), 200);
    let (household, person): (i64, i64) = rusqlite::Connection::open(&db)
        .unwrap()
        .query_row(
            "SELECT household_id, id FROM person WHERE status = 'present'
               AND shelter_id = (SELECT min(id) FROM shelter)
               AND household_id NOT IN (SELECT household_id FROM appointment)
             ORDER BY id LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    // Given four days ago: its 72 hours to confirm have passed.
    let out = common::on_db(
        home.path(),
        &db,
        &[
            "cases",
            "open",
            "--program",
            "consul-hn",
            "--venue",
            "HN-TIJ",
            "--household",
            &household.to_string(),
            "--person",
            &person.to_string(),
            "--event",
            "given=2024-05-18 10:00",
            "--now",
            common::NOW,
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("next: confirm (Confirm the appointment)"),
        "{}",
        text(&out)
    );

    let mut s = Session::start(
        home.path(),
        &format!("--db {} --now {} --lang en", db.display(), common::NOW),
    );
    // The dashboard's "Due soonest" lists it too.
    s.wait_until("the case on the dashboard", |screen| {
        screen.contains("Due soonest") && screen.contains("Confirm the appointment")
    });
    s.send(b"6");
    s.wait_for("Cases · 1 open");
    let screen = s.screen();
    assert!(screen.contains("OVERDUE"), "{screen}");
    // Their message is the file's, in their language, the venue named.
    s.send(b"\r");
    s.wait_for("Arrived");
    s.send(b"M");
    s.wait_until("the consulate's message", |screen| {
        screen.contains("Message · Confirm the appointment")
            && (screen.contains("confirme su cita en Consulado de Honduras")
                || screen.contains("confirm your appointment at Consulado de Honduras"))
    });
    s.send(b"\x1b");
    s.wait_until("the message closed", |screen| !screen.contains("Message ·"));
    s.send(b"\x1b");
    s.wait_for("Cases · 1 open");
    s.send(b"c");
    s.wait_for("Record this step");
    s.send(b"\x13"); // Ctrl-S
    s.wait_for("Step recorded.");
    s.wait_for("nothing due");
    s.send(b"q");
    assert!(s.wait_exit().success());
    let out = common::on_db(home.path(), &db, &["cases", "list", "--now", common::NOW]);
    assert!(text(&out).contains("nothing due"), "{}", text(&out));
}

/// `programs = [...]` in config.toml: an id that is no program refuses the
/// start with the file and line; the ones named are followed and the others
/// are not (their offices leave the lists).
#[test]
fn a_shelter_chooses_its_programs_in_config_toml() {
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("config/albergue");
    std::fs::create_dir_all(&config).unwrap();
    let file = config.join("config.toml");
    std::fs::write(
        &file,
        "lang = \"en\"\nprograms = [\"cbp-one\",\n  \"visa\"]\n",
    )
    .unwrap();
    let db = home.path().join("new.db");
    let out = albergue(home.path(), &["--db", db.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    says_all(
        &text(&out),
        &[
            &format!("{}:3: programs: no program \"visa\"", file.display()),
            "comar",
        ],
    );
    assert!(!db.exists(), "no database was made");

    std::fs::write(&file, "programs = [\"cbp-one\", \"comar\"]\n").unwrap();
    let out = albergue(home.path(), &["programs", "list"]);
    assert!(out.status.success(), "{}", text(&out));
    let listed = text(&out);
    // Each program's head: its id and name, its file, then whether not followed.
    let follows = |id: &str| {
        let head: Vec<&str> = listed
            .lines()
            .skip_while(|l| !l.starts_with(&format!("{id}  ")))
            .take(3)
            .collect();
        assert!(!head.is_empty(), "{id} listed:\n{listed}");
        !head.iter().any(|l| l.contains("not followed"))
    };
    assert!(follows("cbp-one") && follows("comar"), "{listed}");
    assert!(!follows("tvrh") && !follows("iom-return"), "{listed}");
    // A return's office is no venue of this shelter's lists.
    let demo = common::make_demo(home.path(), 100);
    let out = common::on_db(
        home.path(),
        &demo,
        &["list", "appointments", "--venue", "OIM-TIJ"],
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    says_all(&text(&out), &["no venue \"OIM-TIJ\"", "COMAR-TIJ", "SYS"]);
}
