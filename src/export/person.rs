//! Data-subject access: everything albergue holds on one person, with the
//! audit rows about them, for `albergue person export ID`.

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{json, Value};

use crate::actor::Actor;
use crate::store::{Store, StoreError};

fn when(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn when_opt(t: Option<DateTime<Utc>>) -> Value {
    t.map_or(Value::Null, |t| Value::String(when(t)))
}

/// Everything held on person `id`, as JSON: their details, their
/// household and shelter, their appointments, their cases in other
/// programs (and their household's) and every audit row about them, their
/// appointments or those cases. The export is itself audited (after it is
/// read, so that it does not list itself).
pub fn export_person(
    store: &mut Store,
    id: i64,
    format: &str,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Value, StoreError> {
    let p = store.person(id)?;
    let d = &p.details;
    let household = store.household(d.household_id)?;
    let shelter = store
        .shelters()?
        .into_iter()
        .find(|s| s.id == household.shelter_id);
    let appointments: Vec<Value> = store
        .appointments_for_person(id)?
        .iter()
        .map(|a| {
            json!({
                "id": a.id,
                "port": a.port_code,
                "appointment_at": when(a.appointment_at),
                "allocated_at": when(a.allocated_at),
                "confirm_deadline": when(a.confirm_deadline),
                "extended_until": when_opt(a.extended_until),
                "status": a.status.as_str(),
                "confirmation_number": a.confirmation_number,
                "confirmed_at": when_opt(a.confirmed_at),
                "confirmed_by": a.confirmed_by,
            })
        })
        .collect();
    // Their own cases and their household's, with every event.
    let cases: Vec<_> = store
        .cases(false)?
        .into_iter()
        .filter(|c| c.household_id == d.household_id && c.person_id.is_none_or(|p| p == id))
        .collect();
    let mut trail = store.audit_for_person(id)?;
    for c in &cases {
        trail.extend(store.audit_for("case", c.id)?);
    }
    trail.sort_by_key(|e| (e.at, e.entity_id));
    let cases: Vec<Value> = cases
        .iter()
        .map(|c| {
            json!({
                "id": c.id,
                "program": c.program,
                "venue": c.venue,
                "whose": if c.person_id.is_some() { "person" } else { "household" },
                "reference": c.reference,
                "scheduled_at": when_opt(c.scheduled_at),
                "status": c.status.as_str(),
                "events": c.events.iter().map(|e| json!({
                    "step": e.step,
                    "at": when(e.at),
                    "note": e.note,
                    "recorded_by": e.recorded_by,
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let audit: Vec<Value> = trail
        .iter()
        .map(|e| {
            json!({
                "at": when(e.at),
                "by": e.actor,
                "action": e.action,
                "entity": e.entity,
                "entity_id": e.entity_id,
                "summary": e.summary,
            })
        })
        .collect();
    let value = json!({
        "generator": "albergue",
        "exported_at": when(now),
        "person": {
            "id": p.id,
            "given_names": d.given_names,
            "family_names": d.family_names,
            "birth_date": d.birth_date.map(|b| b.to_string()),
            "sex": d.sex.as_str(),
            "nationality": d.nationality,
            "languages": d.languages,
            "phone": d.phone,
            "arrival_date": d.arrival_date.to_string(),
            "departure_date": d.departure_date.map(|b| b.to_string()),
            "status": d.status.as_str(),
            "care_needs": d.vulnerabilities.iter().map(|v| v.as_str()).collect::<Vec<_>>(),
            "notes": d.notes,
            "created_at": when(p.created_at),
            "updated_at": when(p.updated_at),
        },
        "household": {
            "id": household.id,
            "label": household.label,
            "us_destination": household.us_destination,
            "shelter": shelter.map(|s| json!({"name": s.name, "city": s.city})),
        },
        "appointments": appointments,
        "cases": cases,
        "audit": audit,
    });
    store.record_person_export(id, &format!("data-subject access export ({format})"), actor)?;
    Ok(value)
}

/// The same as text, one `key: value` a line, sections by heading.
pub fn as_text(v: &Value) -> String {
    fn walk(out: &mut String, prefix: &str, v: &Value) {
        match v {
            Value::Object(map) => {
                for (k, v) in map {
                    let key = if prefix.is_empty() {
                        k.clone()
                    } else {
                        format!("{prefix}.{k}")
                    };
                    walk(out, &key, v);
                }
            }
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    walk(out, &format!("{prefix}[{}]", i + 1), item);
                }
            }
            Value::Null => {}
            Value::String(s) => {
                let s: String = s
                    .chars()
                    .map(|c| if c.is_control() { ' ' } else { c })
                    .collect();
                out.push_str(&format!("{prefix}: {s}\n"));
            }
            other => out.push_str(&format!("{prefix}: {other}\n")),
        }
    }
    let mut out = String::new();
    walk(&mut out, "", v);
    out
}
