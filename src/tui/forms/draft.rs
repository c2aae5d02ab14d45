//! Drafts: a form's input kept when a session ends, and brought back.

use super::field::{Input, TextField};
use super::kind::FormKind;
use super::Form;

impl FormKind {
    pub(super) fn to_json(&self) -> serde_json::Value {
        use serde_json::json;
        match self {
            Self::Confirm {
                appointment_id,
                version,
            } => {
                json!({"kind": "confirm", "appointment_id": appointment_id, "version": version})
            }
            Self::ConfirmGroup { travellers } => json!({
                "kind": "confirm_group",
                "travellers": travellers.iter().map(|(a, v, n)| json!([a, v, n])).collect::<Vec<_>>(),
            }),
            Self::Person {
                person_id,
                version,
                confirmed_new,
            } => json!({
                "kind": "person", "person_id": person_id, "version": version,
                "confirmed_new": confirmed_new
            }),
            Self::Schedule {
                person_id,
                household_id,
            } => {
                json!({"kind": "schedule", "person_id": person_id, "household_id": household_id})
            }
            Self::Household {
                household_id,
                version,
            } => json!({"kind": "household", "household_id": household_id, "version": version}),
            Self::Outage => json!({"kind": "outage"}),
            Self::EditOutage { outage_id, version } => {
                json!({"kind": "edit_outage", "outage_id": outage_id, "version": version})
            }
            Self::ResolveOutage { outage_id, version } => {
                json!({"kind": "resolve_outage", "outage_id": outage_id, "version": version})
            }
            Self::Status {
                appointment_id,
                version,
                to,
            } => json!({
                "kind": "status", "appointment_id": appointment_id, "version": version, "to": to.as_str()
            }),
            Self::Leave { person_id, version } => {
                json!({"kind": "leave", "person_id": person_id, "version": version})
            }
            Self::Extension {
                outage_id,
                version,
                at_risk,
            } => json!({
                "kind": "extension", "outage_id": outage_id, "version": version, "at_risk": at_risk
            }),
            Self::Place { person_id, version } => {
                json!({"kind": "place", "person_id": person_id, "version": version})
            }
            Self::Transfer { household_id } => {
                json!({"kind": "transfer", "household_id": household_id})
            }
            Self::AnswerTransfer {
                transfer_id,
                version,
            } => json!({"kind": "answer_transfer", "transfer_id": transfer_id, "version": version}),
            Self::Step {
                case_id,
                version,
                program,
            } => {
                json!({"kind": "step", "case_id": case_id, "version": version, "program": program})
            }
        }
    }

    pub(super) fn from_json(v: &serde_json::Value) -> Option<Self> {
        let int = |k: &str| v.get(k).and_then(serde_json::Value::as_i64);
        Some(match v.get("kind")?.as_str()? {
            "confirm" => Self::Confirm {
                appointment_id: int("appointment_id")?,
                version: int("version")?,
            },
            "confirm_group" => Self::ConfirmGroup {
                travellers: v
                    .get("travellers")?
                    .as_array()?
                    .iter()
                    .map(|t| {
                        Some((
                            t.get(0)?.as_i64()?,
                            t.get(1)?.as_i64()?,
                            t.get(2)?.as_str()?.to_string(),
                        ))
                    })
                    .collect::<Option<_>>()?,
            },
            "person" => Self::Person {
                person_id: int("person_id")?,
                version: int("version")?,
                confirmed_new: v.get("confirmed_new")?.as_bool()?,
            },
            "schedule" => Self::Schedule {
                person_id: int("person_id")?,
                household_id: int("household_id")?,
            },
            "household" => Self::Household {
                household_id: int("household_id")?,
                version: int("version")?,
            },
            "outage" => Self::Outage,
            "edit_outage" => Self::EditOutage {
                outage_id: int("outage_id")?,
                version: int("version")?,
            },
            "resolve_outage" => Self::ResolveOutage {
                outage_id: int("outage_id")?,
                version: int("version")?,
            },
            "status" => Self::Status {
                appointment_id: int("appointment_id")?,
                version: int("version")?,
                to: v.get("to")?.as_str()?.parse().ok()?,
            },
            "leave" => Self::Leave {
                person_id: int("person_id")?,
                version: int("version")?,
            },
            "extension" => Self::Extension {
                outage_id: int("outage_id")?,
                version: int("version")?,
                at_risk: usize::try_from(int("at_risk")?).ok()?,
            },
            "place" => Self::Place {
                person_id: int("person_id")?,
                version: int("version")?,
            },
            "transfer" => Self::Transfer {
                household_id: int("household_id")?,
            },
            "answer_transfer" => Self::AnswerTransfer {
                transfer_id: int("transfer_id")?,
                version: int("version")?,
            },
            "step" => Self::Step {
                case_id: int("case_id")?,
                version: int("version")?,
                program: v.get("program")?.as_str()?.to_string(),
            },
            _ => return None,
        })
    }
}

impl Form {
    /// The form as a draft: its kind, and each field's text or choice.
    pub fn to_draft(&self) -> String {
        let fields: serde_json::Map<String, serde_json::Value> = self
            .fields
            .iter()
            .map(|f| {
                let v = match &f.input {
                    Input::Text(t) => serde_json::Value::from(t.value.clone()),
                    Input::Choice { index, .. } => serde_json::Value::from(*index),
                };
                (format!("{}#{}", f.label, f.nth), v)
            })
            .collect();
        let about = self
            .about
            .as_ref()
            .map(|(port, at)| serde_json::json!([port, at.timestamp()]));
        serde_json::json!({
            "form": self.kind.to_json(), "fields": fields, "focus": self.focus, "about": about
        })
        .to_string()
    }

    /// A form back from its draft; `None` for anything unreadable.
    pub fn from_draft(text: &str) -> Option<Self> {
        let v: serde_json::Value = serde_json::from_str(text).ok()?;
        let kind = FormKind::from_json(v.get("form")?)?;
        let mut fields = kind.fields();
        let saved = v.get("fields")?.as_object()?;
        for f in &mut fields {
            match (&mut f.input, saved.get(&format!("{}#{}", f.label, f.nth))) {
                (Input::Text(t), Some(serde_json::Value::String(s))) => {
                    *t = TextField::with(s.clone())
                }
                (Input::Choice { options, index }, Some(serde_json::Value::Number(n))) => {
                    *index = n
                        .as_u64()
                        .map_or(0, |n| n as usize)
                        .min(options.len().saturating_sub(1));
                }
                _ => {}
            }
        }
        let mut form = Self::new(kind, fields);
        form.focus = v
            .get("focus")
            .and_then(serde_json::Value::as_u64)
            .map_or(0, |n| n as usize)
            .min(form.fields.len().saturating_sub(1));
        form.about = v.get("about").and_then(|a| {
            let port = a.get(0)?.as_str()?.to_string();
            let at = chrono::DateTime::from_timestamp(a.get(1)?.as_i64()?, 0)?;
            Some((port, at))
        });
        form.dirty = true;
        Some(form)
    }
}
