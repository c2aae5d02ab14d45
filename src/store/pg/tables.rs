//! The tables a port carries, and their columns on both sides.

use anyhow::{bail, Result};
use postgres::GenericClient;
use rusqlite::Connection;

/// The tables carried, in foreign-key order, with the order their rows are
/// compared in (`id`: copied in batches by id; else whole).
pub const CARRIED: &[(&str, &str)] = &[
    ("shelter", "id"),
    ("shelter_section", "id"),
    ("household", "id"),
    ("person", "id"),
    ("appointment", "id"),
    ("outage", "id"),
    ("coordinator", "id"),
    ("coordinator_shelter", "coordinator_id, shelter_id"),
    ("transfer", "id"),
    ("program_case", "id"),
    ("case_event", "id"),
    ("program_rules", "program"),
    ("draft", "os_user"),
    ("audit", "id"),
    ("audit_head", "id"),
];

/// SQLite's tables the port does not copy: the tallies its triggers keep
/// (PostgreSQL keeps its own, made again from the rows copied, and the
/// verification compares the two), the search index (a trigram index
/// there), and the cases' generation (the dashboard's cache key on SQLite).
pub const NOT_CARRIED: &[&str] = &[
    "arrival_tally",
    "nationality_tally",
    "pending_tally",
    "slot_tally",
    "section_tally",
    "present_households",
    "household_present",
    "search_word",
    "search_pending",
    "case_generation",
];

/// The table's columns on PostgreSQL, which must be the source's.
pub fn columns_alike(
    conn: &Connection,
    client: &mut impl GenericClient,
    table: &str,
) -> Result<Vec<String>> {
    let on_target: Vec<String> = client
        .query(
            "SELECT column_name::text FROM information_schema.columns
             WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
            &[&table],
        )?
        .iter()
        .map(|r| r.get(0))
        .collect();
    let mut stmt = conn.prepare("SELECT name FROM pragma_table_info(?1)")?;
    let on_source: Vec<String> = stmt
        .query_map([table], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for column in &on_source {
        if !on_target.contains(column) {
            bail!("{table}.{column}: in the SQLite database but not on PostgreSQL");
        }
    }
    for column in &on_target {
        if !on_source.contains(column) {
            bail!("{table}.{column}: on PostgreSQL but not in the SQLite database");
        }
    }
    Ok(on_target)
}

pub fn quoted(columns: &[String]) -> String {
    columns
        .iter()
        .map(|c| format!("\"{c}\""))
        .collect::<Vec<_>>()
        .join(", ")
}
