//! albergue's schema on PostgreSQL, by albergue's own migrations: a new
//! database gets the full schema at [`SCHEMA_VERSION`] in one transaction.

use anyhow::{bail, Context, Result};
use postgres::Client;

/// The SQLite schema version the PostgreSQL schema equals.
pub const SCHEMA_VERSION: i64 = 16;

const FULL_SCHEMA: &str = include_str!("../../../assets/migrations/postgres/0016_network.sql");

/// The schema version of the database, `None` when albergue's tables are
/// not there.
pub fn version(client: &mut Client) -> Result<Option<i64>> {
    let exists: bool = client
        .query_one(
            "SELECT EXISTS (SELECT 1 FROM information_schema.tables
                            WHERE table_schema = current_schema() AND table_name = 'albergue_schema')",
            &[],
        )?
        .get(0);
    if !exists {
        return Ok(None);
    }
    let row = client.query_opt("SELECT version FROM albergue_schema", &[])?;
    Ok(row.map(|r| i64::from(r.get::<_, i32>(0))))
}

/// Brings the database to this albergue's schema: the full schema on an
/// empty one; nothing on one already at it; an error on a newer one.
pub fn migrate(client: &mut Client) -> Result<i64> {
    match version(client)? {
        Some(v) if v == SCHEMA_VERSION => Ok(v),
        Some(v) if v > SCHEMA_VERSION => bail!(
            "the PostgreSQL database holds albergue's schema version {v}, newer than this albergue's ({SCHEMA_VERSION}): upgrade albergue"
        ),
        Some(v) => bail!("the PostgreSQL database holds schema version {v}, which albergue cannot upgrade"),
        None => {
            let mut tx = client.transaction()?;
            create(&mut tx)?;
            tx.commit()?;
            Ok(SCHEMA_VERSION)
        }
    }
}

/// The full schema, in the caller's transaction.
pub(super) fn create(tx: &mut postgres::Transaction<'_>) -> Result<()> {
    tx.batch_execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        .context("the search index needs the extension pg_trgm (Debian's postgresql-contrib; the database's owner may create it)")?;
    tx.batch_execute(FULL_SCHEMA)
        .context("albergue's PostgreSQL schema could not be made")?;
    tx.execute(
        "INSERT INTO albergue_schema (one, version) VALUES (1, $1)",
        &[&(SCHEMA_VERSION as i32)],
    )?;
    Ok(())
}

/// The triggers the schema makes: (trigger, table).
pub(super) fn triggers() -> Vec<(&'static str, &'static str)> {
    let mut found = Vec::new();
    let mut rest = FULL_SCHEMA;
    while let Some(at) = rest.find("CREATE TRIGGER ") {
        rest = &rest[at + "CREATE TRIGGER ".len()..];
        let name = rest.split_whitespace().next().unwrap_or_default();
        let table = rest
            .find(" ON ")
            .and_then(|on| rest[on + 4..].split_whitespace().next())
            .unwrap_or_default();
        found.push((name, table));
    }
    found
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_triggers_are_read_off_the_schema() {
        let triggers = super::triggers();
        assert!(triggers.contains(&("audit_no_change", "audit")));
        assert!(triggers.contains(&("household_moved", "household")));
        assert!(triggers.contains(&("change_logged", "case_event")));
        assert_eq!(triggers.len(), 18);
    }
}
