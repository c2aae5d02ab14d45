//! The dashboard's tallies, as SQLite keeps them (tables its triggers keep)
//! and as PostgreSQL counts them (plain counts over indexed rows): a port is
//! verified by recounting each on the target.

/// A tally: its name, its rows on SQLite (the table its triggers keep),
/// the same on PostgreSQL (the table its triggers keep) and counted there
/// from the rows (each row one text, `|` between its values; rows of 0
/// left out).
pub const TALLIES: &[(&str, &str, &str, &str)] = &[
    (
        "people by arrival day",
        "SELECT status || '|' || arrival_date || '|' || shelter_id || '|' || people FROM arrival_tally WHERE people <> 0",
        "SELECT concat_ws('|', status, arrival_date, shelter_id, people) FROM arrival_tally WHERE people <> 0",
        "SELECT concat_ws('|', status, arrival_date, shelter_id, count(*)) FROM person
         GROUP BY status, arrival_date, shelter_id",
    ),
    (
        "people by nationality",
        "SELECT status || '|' || nationality || '|' || shelter_id || '|' || people FROM nationality_tally WHERE people <> 0",
        "SELECT concat_ws('|', status, nationality, shelter_id, people) FROM nationality_tally WHERE people <> 0",
        "SELECT concat_ws('|', status, nationality, shelter_id, count(*)) FROM person
         GROUP BY status, nationality, shelter_id",
    ),
    (
        "confirmations pending by deadline",
        "SELECT deadline_bucket || '|' || port_code || '|' || shelter_id || '|' || people FROM pending_tally WHERE people <> 0",
        "SELECT concat_ws('|', deadline_bucket, port_code, shelter_id, sum(people)) FROM pending_tally
         GROUP BY deadline_bucket, port_code, shelter_id HAVING sum(people) <> 0",
        "SELECT concat_ws('|', greatest(confirm_deadline, coalesce(extended_until, 0)) / 600,
                          port_code, shelter_id, count(*))
         FROM appointment WHERE for_present = 1 AND status = 'pending_confirmation'
         GROUP BY greatest(confirm_deadline, coalesce(extended_until, 0)) / 600, port_code, shelter_id",
    ),
    (
        "appointments by slot",
        "SELECT port_code || '|' || appointment_at || '|' || shelter_id || '|' || people FROM slot_tally WHERE people <> 0",
        "SELECT concat_ws('|', port_code, appointment_at, shelter_id, sum(people)) FROM slot_tally
         GROUP BY port_code, appointment_at, shelter_id HAVING sum(people) <> 0",
        "SELECT concat_ws('|', port_code, appointment_at, shelter_id, count(*)) FROM appointment
         WHERE for_present = 1 AND status IN ('pending_confirmation', 'confirmed')
         GROUP BY port_code, appointment_at, shelter_id",
    ),
    (
        "beds by section",
        "SELECT shelter_id || '|' || section_id || '|' || people FROM section_tally WHERE people <> 0",
        "SELECT concat_ws('|', shelter_id, section_id, people) FROM section_tally WHERE people <> 0",
        "SELECT concat_ws('|', shelter_id, coalesce(section_id, 0), count(*)) FROM person
         WHERE status = 'present' GROUP BY shelter_id, coalesce(section_id, 0)",
    ),
    (
        "households here",
        "SELECT shelter_id || '|' || households FROM present_households WHERE households <> 0",
        "SELECT concat_ws('|', shelter_id, households) FROM present_households WHERE households <> 0",
        "SELECT concat_ws('|', h.shelter_id, count(*)) FROM household h
         WHERE household_here(h.id) = 1 GROUP BY h.shelter_id",
    ),
];

/// The rows of a tally query, sorted.
pub fn tally_rows(
    tx: &mut postgres::Transaction<'_>,
    sql: &str,
) -> Result<Vec<String>, postgres::Error> {
    let mut rows: Vec<String> = tx.query(sql, &[])?.iter().map(|r| r.get(0)).collect();
    rows.sort();
    Ok(rows)
}

/// How many rows two sorted lists do not share.
pub fn differing(a: &[String], b: &[String]) -> usize {
    a.iter().filter(|x| b.binary_search(x).is_err()).count()
        + b.iter().filter(|x| a.binary_search(x).is_err()).count()
}

/// What disagrees of what the triggers keep (none when all is well).
pub fn derived_problems(
    tx: &mut postgres::Transaction<'_>,
) -> Result<Vec<String>, postgres::Error> {
    let mut problems = Vec::new();
    for &(name, _, kept, counted) in TALLIES {
        let (kept, counted) = (tally_rows(tx, kept)?, tally_rows(tx, counted)?);
        if kept != counted {
            problems.push(format!(
                "tally {name}: {} rows differ from a recount from the rows (albergue_recount() makes them again)",
                differing(&kept, &counted)
            ));
        }
    }
    for &(name, query) in DERIVED {
        let wrong: i64 = tx.query_one(query, &[])?.get(0);
        if wrong != 0 {
            problems.push(format!(
                "{name}: {wrong} rows disagree with the rows they follow"
            ));
        }
    }
    Ok(problems)
}

/// What the triggers keep on PostgreSQL, checked against the rows they
/// follow: each query counts the rows that disagree.
pub const DERIVED: &[(&str, &str)] = &[
    (
        "people's shelters",
        "SELECT count(*) FROM person p JOIN household h ON h.id = p.household_id
         WHERE p.shelter_id <> h.shelter_id",
    ),
    (
        "appointments' shelters and presence",
        "SELECT count(*) FROM appointment a JOIN household h ON h.id = a.household_id
         WHERE a.shelter_id <> h.shelter_id
            OR a.for_present <> people_here(a.household_id, a.person_id)",
    ),
    (
        "cases' shelters and presence",
        "SELECT count(*) FROM program_case c JOIN household h ON h.id = c.household_id
         WHERE c.shelter_id IS DISTINCT FROM h.shelter_id
            OR c.present <> people_here(c.household_id, c.person_id)",
    ),
];
