//! Reading back an export folder into an empty database (the round trip).

use std::collections::HashMap;
use std::path::Path;

use chrono::{DateTime, Utc};

use super::{ImportError, Options, Problem, Report};
use crate::actor::Actor;
use crate::domain::{Appointment, Household, Person, PersonDetails, Ports, Shelter, Vulnerability};
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

/// Collects cell problems while reading a sheet.
struct Cells<'a> {
    sheet: &'a Sheet,
    errors: &'a mut Vec<Problem>,
}

impl Cells<'_> {
    fn text(&self, rec: &csv::StringRecord, col: &str) -> Option<String> {
        let i = *self.sheet.headers.get(col)?;
        rec.get(i).filter(|v| !v.is_empty()).map(String::from)
    }

    fn fail(&mut self, line: u64, col: &str, message: String) {
        self.errors.push(Problem {
            line,
            column: format!("{}: {col}", self.sheet.name),
            message,
        });
    }

    fn parse<T: std::str::FromStr>(
        &mut self,
        line: u64,
        rec: &csv::StringRecord,
        col: &str,
    ) -> Option<T> {
        let v = self.text(rec, col)?;
        match v.parse() {
            Ok(x) => Some(x),
            Err(_) => {
                self.fail(line, col, format!("{v:?} cannot be read"));
                None
            }
        }
    }

    fn required<T: std::str::FromStr>(
        &mut self,
        line: u64,
        rec: &csv::StringRecord,
        col: &str,
    ) -> Option<T> {
        if self.text(rec, col).is_none() {
            self.fail(line, col, "missing".into());
            return None;
        }
        self.parse(line, rec, col)
    }

    fn instant(&mut self, line: u64, rec: &csv::StringRecord, col: &str) -> Option<DateTime<Utc>> {
        let v = self.text(rec, col)?;
        match DateTime::parse_from_rfc3339(&v) {
            Ok(t) => Some(t.with_timezone(&Utc)),
            Err(_) => {
                self.fail(line, col, format!("{v:?} is not an ISO 8601 time"));
                None
            }
        }
    }
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
    let mut data = BulkData::default();
    let sheet = Sheet::read(dir, "shelters.csv")?;
    let mut c = Cells {
        sheet: &sheet,
        errors: &mut errors,
    };
    for (line, r) in &sheet.rows {
        let line = *line;
        data.shelters.push(Shelter {
            id: c.required(line, r, "id").unwrap_or_default(),
            name: c.text(r, "name").unwrap_or_default(),
            city: c.text(r, "city").unwrap_or_default(),
            tz: c.text(r, "tz").unwrap_or_default(),
            capacity: c.parse(line, r, "capacity").unwrap_or_default(),
        });
    }
    let sheet = Sheet::read(dir, "households.csv")?;
    let mut c = Cells {
        sheet: &sheet,
        errors: &mut errors,
    };
    for (line, r) in &sheet.rows {
        let line = *line;
        data.households.push(Household {
            id: c.required(line, r, "id").unwrap_or_default(),
            shelter_id: c.required(line, r, "shelter_id").unwrap_or_default(),
            label: c.text(r, "label").unwrap_or_default(),
            us_destination: c.text(r, "us_destination"),
            version: 1,
        });
    }
    let sheet = Sheet::read(dir, "people.csv")?;
    let mut c = Cells {
        sheet: &sheet,
        errors: &mut errors,
    };
    for (line, r) in &sheet.rows {
        let line = *line;
        let vulnerabilities =
            Vulnerability::parse_list(&c.text(r, "vulnerabilities").unwrap_or_default())
                .unwrap_or_else(|e| {
                    c.fail(line, "vulnerabilities", e.to_string());
                    vec![]
                });
        let details = PersonDetails {
            household_id: c.required(line, r, "household_id").unwrap_or_default(),
            given_names: c.text(r, "given_names").unwrap_or_default(),
            family_names: c.text(r, "family_names").unwrap_or_default(),
            birth_date: c.parse(line, r, "birth_date"),
            sex: c
                .required(line, r, "sex")
                .unwrap_or(crate::domain::Sex::Unknown),
            nationality: c.text(r, "nationality").unwrap_or_default(),
            languages: c.text(r, "languages").unwrap_or_default(),
            phone: c.text(r, "phone"),
            arrival_date: c.required(line, r, "arrival_date").unwrap_or_default(),
            departure_date: c.parse(line, r, "departure_date"),
            status: c
                .required(line, r, "status")
                .unwrap_or(crate::domain::PersonStatus::Present),
            vulnerabilities,
            notes: c.text(r, "notes").unwrap_or_default(),
        };
        if let Err(e) = details.tidy().validate() {
            c.fail(line, "", e.to_string());
        }
        let now = Utc::now();
        data.people.push(Person {
            id: c.required(line, r, "id").unwrap_or_default(),
            details,
            created_at: now,
            updated_at: now,
            updated_by: String::new(),
            version: 1,
        });
    }
    let sheet = Sheet::read(dir, "appointments.csv")?;
    let mut c = Cells {
        sheet: &sheet,
        errors: &mut errors,
    };
    for (line, r) in &sheet.rows {
        let line = *line;
        let allocated_at = c.instant(line, r, "allocated_at").unwrap_or_default();
        data.appointments.push(Appointment {
            id: c.required(line, r, "id").unwrap_or_default(),
            household_id: c.required(line, r, "household_id").unwrap_or_default(),
            person_id: c.parse(line, r, "person_id"),
            port_code: c.text(r, "port_code").unwrap_or_default(),
            appointment_at: c.instant(line, r, "appointment_at").unwrap_or_default(),
            allocated_at,
            confirm_deadline: crate::domain::appointment::confirm_deadline(allocated_at),
            extended_until: c.instant(line, r, "extended_until"),
            confirmation_number: c.text(r, "confirmation_number"),
            confirmed_at: c.instant(line, r, "confirmed_at"),
            confirmed_by: c.text(r, "confirmed_by"),
            status: c
                .required(line, r, "status")
                .unwrap_or(crate::domain::AppointmentStatus::Cancelled),
            version: 1,
        });
    }
    let sheet = Sheet::read(dir, "outages.csv")?;
    let mut c = Cells {
        sheet: &sheet,
        errors: &mut errors,
    };
    for (line, r) in &sheet.rows {
        let line = *line;
        let outage = NewOutage {
            affected_step: c
                .required(line, r, "affected_step")
                .unwrap_or(crate::domain::Step::All),
            ports: match c.text(r, "port_codes") {
                None => Ports::All,
                Some(list) => Ports::Some(list.split(',').map(String::from).collect()),
            },
            started_at: c.instant(line, r, "started_at").unwrap_or_default(),
            ended_at: c.instant(line, r, "ended_at"),
            source: c.text(r, "source").unwrap_or_default(),
            note: c.text(r, "note").unwrap_or_default(),
        };
        let extension = c.instant(line, r, "extension_until");
        data.outages.push((outage, extension));
    }

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
