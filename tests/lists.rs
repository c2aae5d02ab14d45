//! Tomorrow's list on paper: `albergue list appointments` (once `list
//! departures`) through the real binary, and `P` on the dashboard.

use std::collections::BTreeSet;
use std::os::unix::fs::PermissionsExt;

use albergue::domain::{port, AppointmentStatus, PersonStatus};
use chrono::NaiveDate;
use unicode_width::UnicodeWidthStr;

mod common;

use common::{demo_data, on_db, store_with, text, NOW};

const HOSTILE_LABEL: &str = "<img src=x onerror=alert(1)> & \"Q\"";
const HOSTILE_CITY: &str = "=HYPERLINK(\"http://x\")";

/// A demo database where one household going tomorrow has a label and a
/// destination that would run as HTML or as a spreadsheet formula; and
/// what its list must hold, worked out from the data itself:
/// (port, traveller, confirmation number or empty).
fn fixture(dir: &std::path::Path) -> (std::path::PathBuf, BTreeSet<(String, String, String)>) {
    let mut data = demo_data(3_000, 1);
    let tomorrow = NaiveDate::from_ymd_opt(2024, 5, 23).unwrap();
    let live = |s| {
        matches!(
            s,
            AppointmentStatus::PendingConfirmation | AppointmentStatus::Confirmed
        )
    };
    let mut expected = BTreeSet::new();
    let mut hostile = None;
    for a in &data.appointments {
        let port = port::by_code(&a.port_code).unwrap();
        if !live(a.status) || port.local_time(a.appointment_at).date_naive() != tomorrow {
            continue;
        }
        let person = data
            .people
            .iter()
            .find(|p| Some(p.id) == a.person_id)
            .unwrap();
        if person.details.status != PersonStatus::Present {
            continue;
        }
        hostile.get_or_insert(a.household_id);
        let confirmation = if a.status == AppointmentStatus::Confirmed {
            a.confirmation_number.clone().unwrap_or_default()
        } else {
            String::new()
        };
        expected.insert((a.port_code.clone(), person.full_name(), confirmation));
    }
    assert!(expected.len() >= 5, "the fixture has people going tomorrow");
    let h = data
        .households
        .iter_mut()
        .find(|h| Some(h.id) == hostile)
        .unwrap();
    h.label = HOSTILE_LABEL.into();
    h.us_destination = Some(HOSTILE_CITY.into());
    let (path, _store) = store_with(dir, &data);
    (path, expected)
}

fn list(home: &std::path::Path, db: &std::path::Path, args: &[&str]) -> String {
    let mut all = vec!["list", "departures", "--now", NOW];
    all.extend(args);
    let out = on_db(home, db, &all);
    assert!(out.status.success(), "{}", text(&out));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn the_csv_list_holds_exactly_who_leaves_tomorrow_and_runs_no_formula() {
    let home = tempfile::tempdir().unwrap();
    let (db, expected) = fixture(home.path());
    let csv_text = list(home.path(), &db, &["--format", "csv"]);
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    let headers = reader.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let mut got = BTreeSet::new();
    for record in reader.records() {
        let r = record.unwrap();
        assert_eq!(&r[col("date")], "2024-05-23");
        let confirmed = &r[col("confirmed")] == "yes";
        let number = if confirmed {
            r[col("confirmation_number")].to_string()
        } else {
            String::new()
        };
        got.insert((
            r[col("port")].to_string(),
            r[col("traveller")].to_string(),
            number,
        ));
        for field in r.iter() {
            assert!(
                !field.starts_with(['=', '+', '-', '@']),
                "a formula cell: {field}"
            );
        }
    }
    assert_eq!(got, expected);
    assert!(csv_text.contains(&format!("'{HOSTILE_CITY}").replace('"', "\"\"")));

    // One port only.
    let one = list(home.path(), &db, &["--format", "csv", "--port", "hid"]);
    let ports: BTreeSet<&str> = one
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    assert!(ports.iter().all(|&p| p == "HID"), "{ports:?}");
}

#[test]
fn the_text_list_fits_80_columns_with_a_box_per_traveller() {
    let home = tempfile::tempdir().unwrap();
    let (db, expected) = fixture(home.path());
    for lang in ["en", "es"] {
        let text = list(home.path(), &db, &["--lang", lang]);
        for line in text.lines() {
            let line = line.trim_start_matches('\x0c');
            assert!(line.width() <= 80, "{} columns: {line:?}", line.width());
        }
        let boxes = text.lines().filter(|l| l.starts_with("  [ ] ")).count();
        assert_eq!(boxes, expected.len(), "{text}");
        for (_, name, number) in &expected {
            assert!(text.contains(name.as_str()), "{name} missing:\n{text}");
            if !number.is_empty() {
                assert!(text.contains(number.as_str()));
            }
        }
        // One page per port: a form feed between ports.
        let ports: BTreeSet<&str> = expected.iter().map(|(p, _, _)| p.as_str()).collect();
        assert_eq!(text.matches('\x0c').count(), ports.len() - 1);
    }
    let es = list(home.path(), &db, &["--lang", "es"]);
    assert!(es.contains("jue 23 may 2024"), "{es}");
    let none = list(home.path(), &db, &["--date", "2023-01-01"]);
    assert_eq!(none.trim(), "Nobody has an appointment on 1 Jan 2023.");
}

#[test]
fn the_html_list_prints_a_page_per_port_and_loads_nothing() {
    let home = tempfile::tempdir().unwrap();
    let (db, expected) = fixture(home.path());
    let file = home.path().join("out").join("tomorrow.html");
    let out = on_db(
        home.path(),
        &db,
        &[
            "list",
            "departures",
            "--now",
            NOW,
            "--format",
            "html",
            "--out",
            file.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(out.stdout.is_empty());
    let mode = std::fs::metadata(&file).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600, "personal data: owner only");
    let html = std::fs::read_to_string(&file).unwrap();
    let ports: BTreeSet<&str> = expected.iter().map(|(p, _, _)| p.as_str()).collect();
    assert_eq!(html.matches("<section>").count(), ports.len());
    assert!(html.contains("break-after: page"));
    // Every tag is one of a few plain ones, with no attribute that loads
    // or runs anything (text cannot open a tag: its `<` is escaped).
    let tags = [
        "!DOCTYPE", "html", "head", "meta", "title", "style", "body", "section", "h1", "p",
        "table", "thead", "tbody", "tr", "th", "td", "span", "footer",
    ];
    for tag in html.split('<').skip(1) {
        let tag = &tag[..tag.find('>').expect("tags close")];
        let mut words = tag.trim_start_matches('/').split_whitespace();
        let name = words.next().unwrap();
        assert!(tags.contains(&name), "<{tag}>");
        for attr in words {
            let attr_name = attr.split('=').next().unwrap();
            assert!(
                ["lang", "charset", "class", "colspan", "html"].contains(&attr_name),
                "<{tag}>"
            );
        }
    }
    let style = &html[html.find("<style>").unwrap()..html.find("</style>").unwrap()];
    assert!(
        !style.contains("url(") && !style.contains("@import"),
        "{style}"
    );
    assert!(html.contains("&lt;img src=x onerror=alert(1)&gt; &amp; &quot;Q&quot;"));
    let rows = html.matches("<span class=\"box\">").count();
    assert_eq!(rows, expected.len());
}

#[test]
fn p_on_the_dashboard_writes_the_list_beside_the_database_and_says_where() {
    let home = tempfile::tempdir().unwrap();
    let (db, expected) = fixture(home.path());
    let mut s = common::terminal::Session::start(
        home.path(),
        &format!("--db {} --now {NOW} --lang en", db.display()),
    );
    s.wait_for("Due soonest");
    s.send(b"P");
    s.wait_for("Tomorrow's list");
    let file = db
        .parent()
        .unwrap()
        .join("lists/departures-2024-05-23.html");
    let screen = s.screen();
    let said: String = screen.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        said.contains(&format!("({} people", expected.len())),
        "{screen}"
    );
    assert!(said.contains("departures-2024"), "{screen}");
    let html = std::fs::read_to_string(&file).unwrap();
    assert_eq!(html.matches("<span class=\"box\">").count(), expected.len());
    let mode = std::fs::metadata(&file).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    s.send(b"q");
    assert!(s.wait_exit().success());
}

/// `list appointments` is every program's: an assisted return given a date
/// tomorrow at IOM Tijuana is on the list at that office, the household's
/// members present each with a box and the case's number, after CBP One's
/// ports; `--venue` keeps one office; `list departures` (its old name) and
/// `--port` still work.
#[test]
fn the_list_holds_other_programs_dates_at_their_venues() {
    let home = tempfile::tempdir().unwrap();
    let (db, _) = fixture(home.path());
    let (household, names): (i64, Vec<String>) = {
        let conn = rusqlite::Connection::open(&db).unwrap();
        let h: i64 = conn
            .query_row(
                "SELECT household_id FROM person WHERE status = 'present'
                 GROUP BY household_id HAVING count(*) >= 2 ORDER BY 1 LIMIT 1",
                [],
                |r| r.get(0),
            )
            .unwrap();
        let names = conn
            .prepare(
                "SELECT given_names || ' ' || family_names FROM person
                 WHERE household_id = ?1 AND status = 'present'",
            )
            .unwrap()
            .query_map([h], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        (h, names)
    };
    let h = household.to_string();
    let out = on_db(
        home.path(),
        &db,
        &[
            "cases",
            "open",
            "--program",
            "iom-return",
            "--venue",
            "OIM-TIJ",
            "--household",
            &h,
            "--reference",
            "OIM-77",
            "--scheduled",
            "2024-05-23 09:30",
            "--event",
            "registered=2024-05-10",
            "--now",
            NOW,
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    let all = {
        let out = on_db(
            home.path(),
            &db,
            &["list", "appointments", "--now", NOW, "--format", "csv"],
        );
        assert!(out.status.success(), "{}", text(&out));
        String::from_utf8(out.stdout).unwrap()
    };
    let rows: Vec<&str> = all.lines().filter(|l| l.starts_with("OIM-TIJ,")).collect();
    assert_eq!(rows.len(), names.len(), "each member present:\n{all}");
    for name in &names {
        assert!(
            rows.iter()
                .any(|r| r.contains(name.as_str()) && r.contains("OIM-77")),
            "{name}:\n{all}"
        );
    }
    // After the ports.
    let first_oim = all.lines().position(|l| l.starts_with("OIM-TIJ,")).unwrap();
    assert!(
        all.lines()
            .skip(first_oim)
            .all(|l| l.starts_with("OIM-TIJ,")),
        "{all}"
    );
    assert!(all.lines().take(first_oim).count() > 1, "CBP One's first");
    // One office; the text list names it with its time there.
    let one = list(home.path(), &db, &["--venue", "oim-tij"]);
    assert!(one.starts_with("OIM Tijuana (OIM-TIJ)"), "{one}");
    assert!(one.contains("\n09:30 "), "{one}");
    assert!(!one.contains("(SYS)"), "{one}");
    // The old name and flag: the same list.
    let old = list(home.path(), &db, &["--port", "OIM-TIJ"]);
    assert_eq!(old, one);
}
