//! Reading back an export folder into an empty database (the round trip).

use std::collections::HashMap;
use std::path::Path;

use chrono::{DateTime, Utc};

use super::{ImportError, Options, Problem, Report};
use crate::actor::Actor;
use crate::domain::program::record::{CaseRecord, CaseStatus, EventRecord};
use crate::domain::section::Section;
use crate::domain::{
    Appointment, Household, Person, PersonDetails, Ports, Shelter, Transfer, Vulnerability,
};
use crate::export::files::sha256_of;
use crate::store::{BulkData, NewOutage, Store};

/// One CSV file of the export, rows as maps from header to value.
struct Sheet {
    name: String,
    headers: HashMap<String, usize>,
    rows: Vec<(u64, csv::StringRecord)>,
}

impl Sheet {
    fn read(dir: &Path, name: &str) -> Result<Self, ImportError> {
        let path = dir.join(name);
        let unreadable = |reason: String| ImportError::Read {
            path: path.clone(),
            reason,
        };
        let mut r = csv::Reader::from_path(&path).map_err(|e| unreadable(e.to_string()))?;
        let headers = r
            .headers()
            .map_err(|e| unreadable(e.to_string()))?
            .iter()
            .enumerate()
            .map(|(i, h)| (h.to_string(), i))
            .collect();
        let mut rows = Vec::new();
        for rec in r.records() {
            let rec = rec.map_err(|e| unreadable(e.to_string()))?;
            rows.push((rec.position().map_or(0, |p| p.line()), rec));
        }
        Ok(Self {
            name: name.to_string(),
            headers,
            rows,
        })
    }
}

/// One row of a sheet being read, collecting the problems of its cells.
struct Cells<'a> {
    sheet: &'a Sheet,
    line: u64,
    rec: &'a csv::StringRecord,
    errors: &'a mut Vec<Problem>,
}

impl Cells<'_> {
    fn text(&self, col: &str) -> Option<String> {
        let i = *self.sheet.headers.get(col)?;
        // The export guards cells against spreadsheets (`'=…`).
        self.rec
            .get(i)
            .filter(|v| !v.is_empty())
            .map(|v| crate::domain::cell::unguarded(v).to_string())
    }

    fn fail(&mut self, col: &str, message: String) {
        self.errors.push(Problem {
            line: self.line,
            column: format!("{}: {col}", self.sheet.name),
            message,
        });
    }

    fn parse<T: std::str::FromStr>(&mut self, col: &str) -> Option<T> {
        let v = self.text(col)?;
        v.parse()
            .map_err(|_| self.fail(col, format!("{v:?} cannot be read")))
            .ok()
    }

    fn required<T: std::str::FromStr>(&mut self, col: &str) -> Option<T> {
        if self.text(col).is_none() {
            self.fail(col, "missing".into());
            return None;
        }
        self.parse(col)
    }

    fn instant(&mut self, col: &str) -> Option<DateTime<Utc>> {
        let v = self.text(col)?;
        DateTime::parse_from_rfc3339(&v)
            .map(|t| t.with_timezone(&Utc))
            .map_err(|_| self.fail(col, format!("{v:?} is not an ISO 8601 time")))
            .ok()
    }
}

/// Reads one file of the export and turns each row into a `T`.
fn read_rows<T>(
    dir: &Path,
    name: &str,
    errors: &mut Vec<Problem>,
    mut row: impl FnMut(&mut Cells<'_>) -> T,
) -> Result<Vec<T>, ImportError> {
    let sheet = Sheet::read(dir, name)?;
    Ok(sheet
        .rows
        .iter()
        .map(|(line, rec)| {
            row(&mut Cells {
                sheet: &sheet,
                line: *line,
                rec,
                errors,
            })
        })
        .collect())
}

pub(super) fn import(
    store: &mut Store,
    dir: &Path,
    opts: &Options,
    actor: &Actor,
) -> Result<Report, ImportError> {
    let manifest_path = dir.join("manifest.json");
    let manifest: serde_json::Value = std::fs::read_to_string(&manifest_path)
        .map_err(|e| e.to_string())
        .and_then(|t| serde_json::from_str(&t).map_err(|e| e.to_string()))
        .map_err(|reason| ImportError::Read {
            path: manifest_path.clone(),
            reason: format!("not an albergue export folder ({reason})"),
        })?;
    // Every file must be what the manifest says it is.
    for f in manifest["files"].as_array().into_iter().flatten() {
        let (Some(name), Some(sum)) = (f["name"].as_str(), f["sha256"].as_str()) else {
            continue;
        };
        let actual = sha256_of(&dir.join(name)).map_err(|e| ImportError::Read {
            path: dir.join(name),
            reason: e.to_string(),
        })?;
        if actual != sum {
            return Err(ImportError::Read {
                path: dir.join(name),
                reason: "its SHA-256 does not match the manifest: the file was changed or damaged"
                    .into(),
            });
        }
    }

    let mut errors = Vec::new();
    let shelters = read_rows(dir, "shelters.csv", &mut errors, |c| Shelter {
        id: c.required("id").unwrap_or_default(),
        name: c.text("name").unwrap_or_default(),
        city: c.text("city").unwrap_or_default(),
        tz: c.text("tz").unwrap_or_default(),
        capacity: c.parse("capacity").unwrap_or_default(),
    })?;
    let households = read_rows(dir, "households.csv", &mut errors, |c| Household {
        id: c.required("id").unwrap_or_default(),
        shelter_id: c.required("shelter_id").unwrap_or_default(),
        label: c.text("label").unwrap_or_default(),
        us_destination: c.text("us_destination"),
        version: 1,
    })?;
    let now = Utc::now();
    // (Exports made before beds and transfers have neither file.)
    let optional = |name: &str| dir.join(name).exists();
    let sections = if optional("sections.csv") {
        read_rows(dir, "sections.csv", &mut errors, |c| Section {
            id: c.required("id").unwrap_or_default(),
            shelter_id: c.required("shelter_id").unwrap_or_default(),
            name: c.text("name").unwrap_or_default(),
            capacity: c.parse("capacity").unwrap_or_default(),
            occupied: 0,
        })?
    } else {
        Vec::new()
    };
    let transfers = if optional("transfers.csv") {
        read_rows(dir, "transfers.csv", &mut errors, |c| Transfer {
            id: c.required("id").unwrap_or_default(),
            household_id: c.required("household_id").unwrap_or_default(),
            from_shelter: c.required("from_shelter").unwrap_or_default(),
            to_shelter: c.required("to_shelter").unwrap_or_default(),
            people: c.parse("people").unwrap_or_default(),
            status: c
                .required("status")
                .unwrap_or(crate::domain::TransferStatus::Cancelled),
            consent_asked_by: c.text("consent_asked_by").unwrap_or_default(),
            requested_at: c.instant("requested_at").unwrap_or_default(),
            requested_by: c.text("requested_by").unwrap_or_default(),
            decided_at: c.instant("decided_at"),
            decided_by: c.text("decided_by"),
            reason: c.text("reason").unwrap_or_default(),
            version: c.parse("version").unwrap_or(1),
        })?
    } else {
        Vec::new()
    };
    // (Nor do those made before programs were files.)
    let mut cases = if optional("cases.csv") {
        read_rows(dir, "cases.csv", &mut errors, |c| CaseRecord {
            id: c.required("id").unwrap_or_default(),
            program: c.text("program").unwrap_or_default(),
            household_id: c.required("household_id").unwrap_or_default(),
            person_id: c.parse("person_id"),
            venue: c.text("venue").unwrap_or_default(),
            reference: c.text("reference").unwrap_or_default(),
            scheduled_at: c.instant("scheduled_at"),
            status: c.required("status").unwrap_or(CaseStatus::Open),
            version: c.parse("version").unwrap_or(1),
            events: Vec::new(),
        })?
    } else {
        Vec::new()
    };
    if optional("case_events.csv") {
        let events = read_rows(dir, "case_events.csv", &mut errors, |c| {
            let case: i64 = c.required("case_id").unwrap_or_default();
            let event = EventRecord {
                id: c.required("id").unwrap_or_default(),
                step: c.text("step").unwrap_or_default(),
                at: c.instant("at").unwrap_or_default(),
                note: c.text("note").unwrap_or_default(),
                recorded_by: c.text("recorded_by").unwrap_or_default(),
            };
            (case, event, c.line)
        })?;
        let at: foldhash::HashMap<i64, usize> =
            cases.iter().enumerate().map(|(i, c)| (c.id, i)).collect();
        for (case, event, line) in events {
            match at.get(&case) {
                Some(&i) => cases[i].events.push(event),
                None => errors.push(Problem {
                    line,
                    column: "case_events.csv: case_id".into(),
                    message: format!("case {case} is not in cases.csv"),
                }),
            }
        }
    }
    let mut placements = foldhash::HashMap::default();
    let people = read_rows(dir, "people.csv", &mut errors, |c| {
        if let (Some(id), Some(section)) = (c.parse::<i64>("id"), c.parse::<i64>("section_id")) {
            placements.insert(id, section);
        }
        let vulnerabilities =
            Vulnerability::parse_list(&c.text("vulnerabilities").unwrap_or_default())
                .unwrap_or_else(|e| {
                    c.fail("vulnerabilities", e.to_string());
                    vec![]
                });
        let details = PersonDetails {
            household_id: c.required("household_id").unwrap_or_default(),
            given_names: c.text("given_names").unwrap_or_default(),
            family_names: c.text("family_names").unwrap_or_default(),
            birth_date: c.parse("birth_date"),
            sex: c.required("sex").unwrap_or(crate::domain::Sex::Unknown),
            nationality: c.text("nationality").unwrap_or_default(),
            languages: c.text("languages").unwrap_or_default(),
            phone: c.text("phone"),
            arrival_date: c.required("arrival_date").unwrap_or_default(),
            departure_date: c.parse("departure_date"),
            status: c
                .required("status")
                .unwrap_or(crate::domain::PersonStatus::Present),
            vulnerabilities,
            notes: c.text("notes").unwrap_or_default(),
        };
        if let Err(e) = details.tidy().validate() {
            c.fail("", e.to_string());
        }
        Person {
            id: c.required("id").unwrap_or_default(),
            details,
            created_at: now,
            updated_at: now,
            updated_by: String::new(),
            version: 1,
        }
    })?;
    let appointments = read_rows(dir, "appointments.csv", &mut errors, |c| {
        let allocated_at = c.instant("allocated_at").unwrap_or_default();
        Appointment {
            id: c.required("id").unwrap_or_default(),
            household_id: c.required("household_id").unwrap_or_default(),
            person_id: c.parse("person_id"),
            port_code: c.text("port_code").unwrap_or_default(),
            appointment_at: c.instant("appointment_at").unwrap_or_default(),
            allocated_at,
            confirm_deadline: crate::domain::appointment::confirm_deadline(allocated_at),
            extended_until: c.instant("extended_until"),
            confirmation_number: c.text("confirmation_number"),
            confirmed_at: c.instant("confirmed_at"),
            confirmed_by: c.text("confirmed_by"),
            status: c
                .required("status")
                .unwrap_or(crate::domain::AppointmentStatus::Cancelled),
            version: 1,
        }
    })?;
    let outages = read_rows(dir, "outages.csv", &mut errors, |c| {
        let outage = NewOutage {
            // (An export from before programs were files has no column: CBP One's.)
            service: c
                .text("service")
                .unwrap_or_else(|| crate::domain::outage::CBP_ONE_SERVICE.into()),
            affected_step: c
                .required("affected_step")
                .unwrap_or(crate::domain::Step::All),
            ports: match c.text("port_codes") {
                None => Ports::All,
                Some(list) => Ports::Some(list.split(',').map(String::from).collect()),
            },
            started_at: c.instant("started_at").unwrap_or_default(),
            ended_at: c.instant("ended_at"),
            source: c.text("source").unwrap_or_default(),
            note: c.text("note").unwrap_or_default(),
        };
        (outage, c.instant("extension_until"))
    })?;

    let data = BulkData {
        shelters,
        households,
        people,
        appointments,
        outages,
        sections,
        placements,
        transfers,
        cases,
    };
    let mut report = Report {
        rows: data.people.len(),
        people: data.people.len(),
        households: data.households.len(),
        appointments: data.appointments.len(),
        dry_run: opts.dry_run,
        errors,
        ..Report::default()
    };
    if !report.errors.is_empty() {
        report.errors.truncate(200);
        return Err(ImportError::Invalid {
            path: dir.to_path_buf(),
            report: Box::new(report),
        });
    }
    if !opts.dry_run {
        store.load_bulk(&data, "import.export", actor)?;
    }
    report.warnings.push(Problem {
        line: 0,
        column: String::new(),
        message:
            "the audit trail of the export is not replayed; the import is audited as one change"
                .into(),
    });
    Ok(report)
}
