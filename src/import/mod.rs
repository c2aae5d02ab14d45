//! `albergue import`: the roster a shelter already keeps in a spreadsheet.
//! Every row is checked first; with any error nothing is imported. People
//! already on the roster (same folded name and birth date) are reported and
//! not added again, so importing a file twice adds nothing the second time.
//!
//! An export folder (it holds `manifest.json`) can be imported too, into an
//! empty database: the round trip reproduces households, people and
//! appointments.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};

use crate::actor::Actor;
use crate::domain::appointment::normalize_confirmation_number;
use crate::domain::countries::nationality_code;
use crate::domain::dates::{parse_day, parse_day_time};
use crate::domain::names::fold;
use crate::domain::{Identity, PersonDetails, PersonStatus, Sex};
use crate::store::{ImportBatch, ImportedAppointment, ShelterChoice, Store, StoreError};

mod columns;
mod export_folder;

use columns::{decode, detect_delimiter, field_of, parse_port, parse_sex, FieldName};

/// How to import.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Only report; change nothing.
    pub dry_run: bool,
    /// The shelter (name or city) the people stay at.
    pub shelter: Option<String>,
}

/// A problem with one cell (or row) of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Line of the file where the row starts (1 is the header).
    pub line: u64,
    /// The column as headed in the file ("" for the whole row).
    pub column: String,
    /// What is wrong, and what would be right.
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.column.is_empty() {
            write!(f, "line {}: {}", self.line, self.message)
        } else {
            write!(
                f,
                "line {}, column {:?}: {}",
                self.line, self.column, self.message
            )
        }
    }
}

/// What an import found and did.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Rows read (not counting the header and empty rows).
    pub rows: usize,
    /// People added (or that would be, in a dry run).
    pub people: usize,
    /// Households added.
    pub households: usize,
    /// Appointments added.
    pub appointments: usize,
    /// Rows skipped because the person is already on the roster.
    pub duplicates: Vec<Problem>,
    /// Headers that mean nothing to albergue (ignored).
    pub unknown_columns: Vec<String>,
    /// Things imported with a caveat, or left out.
    pub warnings: Vec<Problem>,
    /// Problems that stop the import.
    pub errors: Vec<Problem>,
    /// Whether nothing was written.
    pub dry_run: bool,
}

/// Why an import did not happen.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file could not be read.
    #[error("cannot read {path}: {reason}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// Rows with errors: nothing was imported.
    #[error("{} problem(s) in {path}; nothing was imported", .report.errors.len())]
    Invalid {
        /// The file.
        path: PathBuf,
        /// Everything found.
        report: Box<Report>,
    },
    /// The database refused.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// One row, checked.
struct Row {
    line: u64,
    details: PersonDetails,
    group: Option<String>,
    destination: Option<String>,
    appointment: Option<(String, DateTime<Utc>, String)>,
}

/// Imports `path` (a spreadsheet CSV, or an export folder) at `now`.
pub fn import(
    store: &mut Store,
    path: &Path,
    opts: &Options,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Report, ImportError> {
    if path.is_dir() {
        return export_folder::import(store, path, opts, actor);
    }
    let bytes = std::fs::read(path).map_err(|e| ImportError::Read {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })?;
    // A photo, a PDF or an .xlsx holds NUL bytes; no spreadsheet saved as
    // text does.
    if bytes.iter().take(64 * 1024).any(|&b| b == 0) {
        return Err(ImportError::Read {
            path: path.to_path_buf(),
            reason: "not a spreadsheet saved as CSV: it holds binary data (a photo, a PDF, an Excel .xlsx?); save the sheet as CSV first".into(),
        });
    }
    let text = decode(&bytes);
    let mut report = Report {
        dry_run: opts.dry_run,
        ..Report::default()
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(detect_delimiter(&text))
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| ImportError::Read {
            path: path.to_path_buf(),
            reason: format!("the header line cannot be read: {e}"),
        })?
        .clone();
    let mut columns: HashMap<FieldName, (usize, String)> = HashMap::new();
    for (i, h) in headers.iter().enumerate() {
        match field_of(h) {
            Some(f) if !columns.contains_key(&f) => {
                columns.insert(f, (i, h.trim().to_string()));
            }
            Some(_) => report.warnings.push(Problem {
                line: 1,
                column: h.trim().to_string(),
                message: "a second column for the same field; ignored".into(),
            }),
            None if h.trim().is_empty() => {}
            // Named as far as a reader needs to find them.
            None => report
                .unknown_columns
                .push(h.trim().chars().take(40).collect()),
        }
    }
    if !columns.contains_key(&FieldName::Given) && !columns.contains_key(&FieldName::FullName) {
        report.errors.push(Problem {
            line: 1,
            column: String::new(),
            message: "no column of given names (\"Nombre(s)\" or \"Given names\")".into(),
        });
        return Err(ImportError::Invalid {
            path: path.to_path_buf(),
            report: Box::new(report),
        });
    }

    let today = now.date_naive();
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                report.errors.push(Problem {
                    line,
                    column: String::new(),
                    message: format!("unreadable row: {e}"),
                });
                continue;
            }
        };
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        report.rows += 1;
        let line = record.position().map_or(0, |p| p.line());
        if record.len() != headers.len() {
            report.warnings.push(Problem {
                line,
                column: String::new(),
                message: format!(
                    "{} cells where the header has {}",
                    record.len(),
                    headers.len()
                ),
            });
        }
        let cell = |f: FieldName| -> Option<(&str, &str)> {
            columns
                .get(&f)
                .and_then(|(i, h)| record.get(*i).map(|v| (v.trim(), h.as_str())))
                .filter(|(v, _)| !v.is_empty())
        };
        let mut problem = |column: &str, message: String| {
            report.errors.push(Problem {
                line,
                column: column.to_string(),
                message,
            });
        };

        let (given, family) = match (cell(FieldName::Given), cell(FieldName::FullName)) {
            (Some((g, _)), _) => (
                g.to_string(),
                cell(FieldName::Family).map_or(String::new(), |(f, _)| f.to_string()),
            ),
            (None, Some((full, _))) => match full.split_once(' ') {
                Some((g, f)) => (g.to_string(), f.trim().to_string()),
                None => (full.to_string(), String::new()),
            },
            (None, None) => {
                let column = columns
                    .get(&FieldName::Given)
                    .map_or("", |(_, h)| h.as_str());
                problem(column, "given names are empty".into());
                continue;
            }
        };
        let day = |f: FieldName, problem: &mut dyn FnMut(&str, String)| -> Option<NaiveDate> {
            let (v, h) = cell(f)?;
            let d = parse_day(v);
            if d.is_none() {
                problem(
                    h,
                    format!("{v:?} is not a date (use YYYY-MM-DD or DD/MM/YYYY)"),
                );
            }
            d
        };
        let birth_date = day(FieldName::Birth, &mut problem);
        let arrival = day(FieldName::Arrival, &mut problem).unwrap_or(today);
        let sex = match cell(FieldName::Sex) {
            None => Sex::Unknown,
            Some((v, h)) => parse_sex(v).unwrap_or_else(|| {
                problem(h, format!("{v:?} is not a sex albergue knows (F, M, X)"));
                Sex::Unknown
            }),
        };
        let nationality = match cell(FieldName::Nationality) {
            None => "XXX".to_string(),
            Some((v, h)) => nationality_code(v).unwrap_or_else(|| {
                problem(
                    h,
                    format!("{v:?} is not a country albergue knows; use its ISO code (e.g. HND)"),
                );
                String::new()
            }),
        };
        let appointment = match (cell(FieldName::Port), cell(FieldName::AppointmentDate)) {
            (None, None) => None,
            (Some((_, h)), None) | (None, Some((_, h))) => {
                report.warnings.push(Problem {
                    line,
                    column: h.to_string(),
                    message: "an appointment needs both a port and a date; left out".into(),
                });
                None
            }
            (Some((p, ph)), Some((d, dh))) => {
                let port = parse_port(p);
                let when = parse_day_time(d);
                let time = match cell(FieldName::AppointmentTime) {
                    Some((t, th)) => match crate::domain::dates::parse_time(t) {
                        Some(t) => Some(t),
                        None => {
                            problem(th, format!("{t:?} is not a time (use HH:MM)"));
                            None
                        }
                    },
                    None => None,
                };
                match (port, when) {
                    (None, _) => {
                        problem(
                            ph,
                            format!("{p:?} is not a port albergue knows (e.g. SYS, El Paso)"),
                        );
                        None
                    }
                    (_, None) => {
                        problem(
                            dh,
                            format!("{d:?} is not a date (use YYYY-MM-DD or DD/MM/YYYY, HH:MM)"),
                        );
                        None
                    }
                    (Some(port), Some((date, t))) => {
                        let local = date.and_time(t.or(time).unwrap_or(NaiveTime::MIN));
                        match port.from_local(local) {
                            Err(e) => {
                                problem(dh, e.to_string());
                                None
                            }
                            Ok(at) => match cell(FieldName::Confirmation) {
                                None => {
                                    report.warnings.push(Problem {
                                        line,
                                        column: dh.to_string(),
                                        message: "appointment without a confirmation number left out; record it in albergue".into(),
                                    });
                                    None
                                }
                                Some((n, nh)) => match normalize_confirmation_number(n) {
                                    Ok(n) => Some((port.code.clone(), at, n)),
                                    Err(e) => {
                                        problem(nh, format!("{n:?}: {e}"));
                                        None
                                    }
                                },
                            },
                        }
                    }
                }
            }
        };
        let details = PersonDetails {
            household_id: 0,
            given_names: given,
            family_names: family,
            birth_date,
            sex,
            nationality,
            languages: cell(FieldName::Languages).map_or(String::new(), |(v, _)| v.to_string()),
            phone: cell(FieldName::Phone).map(|(v, _)| v.to_string()),
            arrival_date: arrival,
            departure_date: None,
            status: PersonStatus::Present,
            vulnerabilities: vec![],
            notes: cell(FieldName::Notes).map_or(String::new(), |(v, _)| v.to_string()),
        };
        if !details.nationality.is_empty() {
            if let Err(e) = details.tidy().validate() {
                problem("", e.to_string());
            }
        }
        let destination = cell(FieldName::Destination).map(|(v, _)| v.to_string());
        let group = cell(FieldName::Group).map(|(v, _)| v.to_string());
        if let Err(e) = crate::domain::person::household_text(
            group.as_deref().unwrap_or_default(),
            destination.as_deref(),
        ) {
            problem("", e.to_string());
        }
        rows.push(Row {
            line,
            details,
            group,
            destination,
            appointment,
        });
    }

    // People already on the roster, or twice in the file, are not added again.
    let identities: Vec<Identity> = rows.iter().map(|r| r.details.identity()).collect();
    let existing = store.existing_identities(&identities)?;
    let mut in_file: HashMap<&Identity, u64> = HashMap::new();
    let mut keep = Vec::with_capacity(rows.len());
    for ((r, id), who) in rows.iter().zip(&existing).zip(&identities) {
        if let Some(pid) = id {
            report.duplicates.push(Problem {
                line: r.line,
                column: String::new(),
                message: format!("already on the roster as person {pid}; not added again"),
            });
            keep.push(false);
        } else if let Some(first) = in_file.insert(who, r.line) {
            report.duplicates.push(Problem {
                line: r.line,
                column: String::new(),
                message: format!("same name and birth date as line {first}; not added twice"),
            });
            keep.push(false);
        } else {
            keep.push(true);
        }
    }

    // Confirmation numbers: one traveller each, in the file and in the database.
    // (Rows not added, being on the roster already, are not checked again.)
    let numbers: Vec<String> = rows
        .iter()
        .zip(&keep)
        .filter(|(_, k)| **k)
        .filter_map(|(r, _)| r.appointment.as_ref().map(|a| a.2.clone()))
        .collect();
    let holders = store.confirmation_holders(&numbers)?;
    let mut seen: HashMap<&str, u64> = HashMap::new();
    let conf_header = columns
        .get(&FieldName::Confirmation)
        .map_or(String::new(), |(_, h)| h.clone());
    let mut holder_iter = holders.into_iter();
    for r in rows.iter().zip(&keep).filter(|(_, k)| **k).map(|(r, _)| r) {
        if let Some((_, _, n)) = &r.appointment {
            if let Some(Some(appt)) = holder_iter.next() {
                report.errors.push(Problem {
                    line: r.line,
                    column: conf_header.clone(),
                    message: format!("{n} is already recorded for appointment {appt}"),
                });
            }
            if let Some(first) = seen.insert(n, r.line) {
                report.errors.push(Problem {
                    line: r.line,
                    column: conf_header.clone(),
                    message: format!("{n} is also on line {first}"),
                });
            }
        }
    }

    if !report.errors.is_empty() {
        report.errors.sort_by_key(|p| p.line);
        return Err(ImportError::Invalid {
            path: path.to_path_buf(),
            report: Box::new(report),
        });
    }

    let shelter = match &opts.shelter {
        Some(name) => match store.shelter_named(name)? {
            Some(id) => ShelterChoice::Existing(id),
            None if store.shelters()?.is_empty() => ShelterChoice::New {
                name: name.clone(),
                tz: std::env::var("TZ")
                    .ok()
                    .filter(|tz| tz.parse::<chrono_tz::Tz>().is_ok())
                    .unwrap_or_else(|| "America/Mexico_City".into()),
            },
            None => {
                let known: Vec<String> = store.shelters()?.into_iter().map(|s| s.name).collect();
                return Err(ImportError::Read {
                    path: path.to_path_buf(),
                    reason: format!("no shelter called {name:?}; known: {}", known.join(", ")),
                });
            }
        },
        None => match store.shelters()?.first() {
            Some(s) => ShelterChoice::Existing(s.id),
            None => {
                return Err(ImportError::Read {
                    path: path.to_path_buf(),
                    reason: "the database has no shelter yet: name it with --shelter NAME".into(),
                })
            }
        },
    };

    let mut batch = ImportBatch {
        shelter,
        households: Vec::new(),
        people: Vec::new(),
        appointments: Vec::new(),
    };
    let mut groups: HashMap<String, usize> = HashMap::new();
    for (r, keep) in rows.into_iter().zip(keep) {
        if !keep {
            continue;
        }
        let household = match &r.group {
            Some(g) => *groups.entry(fold(g)).or_insert_with(|| {
                batch.households.push((g.clone(), r.destination.clone()));
                batch.households.len() - 1
            }),
            None => {
                let label = if r.details.family_names.is_empty() {
                    r.details.given_names.clone()
                } else {
                    r.details.family_names.clone()
                };
                batch.households.push((label, r.destination.clone()));
                batch.households.len() - 1
            }
        };
        let mut details = r.details;
        details.household_id = household as i64;
        batch.people.push(details);
        if let Some((port_code, appointment_at, confirmation_number)) = r.appointment {
            batch.appointments.push(ImportedAppointment {
                person: batch.people.len() - 1,
                port_code,
                appointment_at,
                confirmation_number,
            });
        }
    }
    report.people = batch.people.len();
    report.households = batch.households.len();
    report.appointments = batch.appointments.len();
    if !opts.dry_run && !batch.people.is_empty() {
        store.import_batch(&batch, actor)?;
    }
    Ok(report)
}
