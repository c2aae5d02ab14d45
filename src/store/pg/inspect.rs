//! `albergue check` on PostgreSQL: is this a sound albergue database? Its
//! schema version, its rows, the audit chain walked, the triggers that keep
//! it append-only and its derived columns on, row level security forced,
//! the derived columns agreeing with the rows they follow.

use anyhow::{bail, Result};
use postgres::Client;

use super::{schema, tally, verify};
use crate::store::Counts;

/// The tables walled by shelter.
pub const WALLED: &[&str] = &[
    "shelter",
    "shelter_section",
    "household",
    "person",
    "appointment",
    "program_case",
    "case_event",
    "transfer",
];

/// What a check found.
#[derive(Debug, Clone)]
pub struct Inspection {
    /// The schema version.
    pub version: i64,
    /// Whether this connection is encrypted.
    pub tls: bool,
    /// Rows.
    pub counts: Counts,
    /// The audit chain's rows and head, as walked.
    pub audit: (u64, [u8; 32]),
    /// What is wrong (nothing when sound).
    pub problems: Vec<String>,
}

/// Checks the database `client` is connected to; changes nothing.
pub fn inspect(client: &mut Client) -> Result<Inspection> {
    let version = match schema::version(client)? {
        Some(v) => v,
        None => bail!("not an albergue database: it holds no albergue_schema table"),
    };
    let mut problems = Vec::new();
    if version != schema::SCHEMA_VERSION {
        problems.push(format!(
            "schema version {version}; this albergue knows {}",
            schema::SCHEMA_VERSION
        ));
    }
    let mut tx = schema::network_snapshot(client)?;
    if schema::port_unfinished(&mut tx)? {
        problems.push("an unfinished port: run `albergue port` again to finish it".into());
    }
    let tls: bool = tx
        .query_opt(
            "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
            &[],
        )?
        .is_some_and(|r| r.get(0));
    let mut count = |table: &str| -> Result<i64> {
        Ok(tx
            .query_one(&format!("SELECT count(*) FROM {table}"), &[])?
            .get(0))
    };
    let counts = Counts {
        shelters: count("shelter")?,
        households: count("household")?,
        people: count("person")?,
        appointments: count("appointment")?,
        outages: count("outage")?,
        audit: count("audit")?,
    };
    let audit = verify::walk_audit(&mut tx, &mut problems)?;
    // Chained just after each write commits: rows queued a minute ago and
    // still there were left by a writer that stopped between the two (the
    // next write chains them).
    let queued: i64 = tx
        .query_one(
            "SELECT count(*) FROM audit_queue WHERE queued < now() - interval '1 minute'",
            &[],
        )?
        .get(0);
    if queued != 0 {
        problems.push(format!(
            "the audit queue holds {queued} rows written over a minute ago and not chained onto the trail yet (the next write chains them)"
        ));
    }
    for row in tx.query(
        "SELECT t.tgname::text, c.relname::text FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
         WHERE NOT t.tgisinternal AND t.tgenabled = 'D'
           AND c.relnamespace = current_schema()::regnamespace
         ORDER BY 2, 1",
        &[],
    )? {
        let (trigger, table): (String, String) = (row.get(0), row.get(1));
        problems.push(format!("trigger {trigger} on {table} is disabled"));
    }
    for (trigger, table) in schema::triggers() {
        let there: bool = tx
            .query_one(
                "SELECT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = to_regclass($1) AND tgname = $2)",
                &[&table, &trigger],
            )?
            .get(0);
        if !there {
            problems.push(format!("trigger {trigger} on {table} is missing"));
        }
    }
    for table in WALLED {
        let forced: bool = tx
            .query_one(
                "SELECT relrowsecurity AND relforcerowsecurity FROM pg_class
                 WHERE oid = to_regclass($1)",
                &[table],
            )?
            .get(0);
        if !forced {
            problems.push(format!("row level security is not forced on {table}"));
        }
    }
    problems.extend(tally::derived_problems(&mut tx)?);
    tx.commit()?;
    Ok(Inspection {
        version,
        tls,
        counts,
        audit,
        problems,
    })
}
