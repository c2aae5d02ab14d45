//! The demo's beds and transfers, laid over a generated roster without
//! drawing from its random stream (the roster, its appointments and every
//! figure tests rely on stay as they were): each shelter's sections, each
//! person present placed as the arrival desk would place them, and a few
//! transfers between shelters (waiting, accepted, declined).

use chrono::{DateTime, Duration, Utc};

use crate::domain::section::{self, Member, Section};
use crate::domain::{PersonStatus, Transfer, TransferStatus};
use crate::store::BulkData;

/// Each shelter's sections: a name and its share of the shelter's beds (%).
const SECTIONS: &[(&str, i64)] = &[
    ("Hombres", 22),
    ("Mujeres y niños", 33),
    ("Familias", 42),
    ("LGBTQ+", 3),
];

/// Every this many single adults, one asked to be in the LGBTQ+ section.
const LGBTQ_EVERY: i64 = 29;

/// Adds sections, placements and transfers to `data` (generated at `now`).
pub fn lay(data: &mut BulkData, now: DateTime<Utc>) {
    let today = now.date_naive();
    // Households, with the index of their people (in id order).
    let mut members: std::collections::BTreeMap<i64, Vec<usize>> = Default::default();
    for (i, p) in data.people.iter().enumerate() {
        members.entry(p.details.household_id).or_default().push(i);
    }
    let shelter_of: std::collections::HashMap<i64, i64> = data
        .households
        .iter()
        .map(|h| (h.id, h.shelter_id))
        .collect();
    let mut next_id = 1;
    for shelter in &data.shelters {
        // Beds for the shelter's size, or (a roster larger than any real
        // shelter, for measuring) for a little more than its people.
        let present = data
            .people
            .iter()
            .filter(|p| p.details.status == PersonStatus::Present)
            .filter(|p| shelter_of.get(&p.details.household_id) == Some(&shelter.id))
            .count() as i64;
        let beds = shelter.capacity.max(present + present / 20);
        for (name, share) in SECTIONS {
            data.sections.push(Section {
                id: next_id,
                shelter_id: shelter.id,
                name: (*name).to_string(),
                capacity: (beds * share / 100).max(2),
                occupied: 0,
            });
            next_id += 1;
        }
    }
    for (household, people) in &members {
        let Some(&shelter) = shelter_of.get(household) else {
            continue;
        };
        let present: Vec<usize> = people
            .iter()
            .copied()
            .filter(|&i| data.people[i].details.status == PersonStatus::Present)
            .collect();
        if present.is_empty() {
            continue;
        }
        let of_shelter: Vec<Section> = data
            .sections
            .iter()
            .filter(|s| s.shelter_id == shelter)
            .cloned()
            .collect();
        let group: Vec<Member> = present
            .iter()
            .map(|&i| {
                let d = &data.people[i].details;
                Member {
                    sex: d.sex,
                    age: d.birth_date.and_then(|b| section::age_on(b, today)),
                }
            })
            .collect();
        let first = data.people[present[0]].id;
        let asked_lgbtq =
            group.len() == 1 && group[0].age.is_none_or(|a| a >= 18) && first % LGBTQ_EVERY == 0;
        let lgbtq = of_shelter
            .iter()
            .find(|s| s.kind() == section::Kind::Lgbtq && s.free() > 0)
            .map(|s| s.id);
        let to = match (asked_lgbtq, lgbtq) {
            (true, Some(id)) => Some(id),
            _ => section::place(&group, &of_shelter),
        };
        if let Some(to) = to {
            for &i in &present {
                data.placements.insert(data.people[i].id, to);
            }
            if let Some(s) = data.sections.iter_mut().find(|s| s.id == to) {
                s.occupied += present.len() as i64;
            }
        }
    }
    transfers(data, &members, now);
}

/// A few transfers: a household of each shelter with someone present
/// asked to move to the next shelter; one waits for an answer, one was
/// declined, and one was accepted (that household came from the shelter
/// before: it is where the roster has it, and nothing of the roster moves).
fn transfers(
    data: &mut BulkData,
    members: &std::collections::BTreeMap<i64, Vec<usize>>,
    now: DateTime<Utc>,
) {
    let shelters: Vec<i64> = data.shelters.iter().map(|s| s.id).collect();
    if shelters.len() < 2 {
        return;
    }
    let present = |h: i64| {
        members.get(&h).map_or(0, |m| {
            m.iter()
                .filter(|&&i| data.people[i].details.status == PersonStatus::Present)
                .count() as i64
        })
    };
    let mut out: Vec<Transfer> = Vec::new();
    for (n, &from) in shelters.iter().enumerate() {
        let to = shelters[(n + 1) % shelters.len()];
        let status = [
            TransferStatus::Pending,
            TransferStatus::Declined,
            TransferStatus::Accepted,
        ][n % 3];
        // Where the household is now: the receiving shelter once accepted.
        let at = if status == TransferStatus::Accepted {
            to
        } else {
            from
        };
        let household = data
            .households
            .iter()
            .rev()
            .filter(|h| h.shelter_id == at && present(h.id) > 0)
            .find(|h| !out.iter().any(|t| t.household_id == h.id));
        let Some(h) = household else { continue };
        let requested_at = now - Duration::hours(30 + 7 * n as i64);
        let decided = status != TransferStatus::Pending;
        out.push(Transfer {
            id: out.len() as i64 + 1,
            household_id: h.id,
            from_shelter: from,
            to_shelter: to,
            people: present(h.id),
            status,
            consent_asked_by: "demo".into(),
            requested_at,
            requested_by: "demo".into(),
            decided_at: decided.then(|| requested_at + Duration::hours(5)),
            decided_by: decided.then(|| "demo".into()),
            reason: if status == TransferStatus::Declined {
                "no family beds this week".into()
            } else {
                String::new()
            },
            version: 1 + i64::from(decided),
        });
    }
    data.transfers = out;
}
