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

/// The database must hold this albergue's schema, whole (no port half
/// done): what a job that reads or writes it asks first.
pub fn require_current(client: &mut Client) -> Result<()> {
    match version(client)? {
        Some(v) if v == SCHEMA_VERSION => {}
        Some(v) => bail!("the PostgreSQL database holds schema version {v}; this albergue knows {SCHEMA_VERSION}"),
        None => bail!("not an albergue database (port one into it with `albergue port --to`)"),
    }
    if port_unfinished(client)? {
        bail!("the PostgreSQL database holds an unfinished port: run `albergue port` again to finish it");
    }
    Ok(())
}

/// Whether a port into the database has not finished (its progress is there).
pub fn port_unfinished(client: &mut impl postgres::GenericClient) -> Result<bool> {
    Ok(client
        .query_one("SELECT to_regclass('albergue_port') IS NOT NULL", &[])?
        .get(0))
}

/// Sets the transaction to see the whole network (a job, the port): row
/// level security's setting, for this transaction only.
pub fn whole_network(
    tx: &mut postgres::Transaction<'_>,
) -> std::result::Result<(), postgres::Error> {
    tx.execute("SELECT set_config('albergue.shelters', 'all', true)", &[])?;
    Ok(())
}

/// One consistent read of the whole network: repeatable read, read only.
pub fn network_snapshot(
    client: &mut Client,
) -> std::result::Result<postgres::Transaction<'_>, postgres::Error> {
    let mut tx = client
        .build_transaction()
        .isolation_level(postgres::IsolationLevel::RepeatableRead)
        .read_only(true)
        .start()?;
    whole_network(&mut tx)?;
    Ok(tx)
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
    // (A constraint trigger, `CREATE CONSTRAINT TRIGGER`, too.)
    while let Some(at) = rest.find("TRIGGER ") {
        let before = &rest[..at];
        rest = &rest[at + "TRIGGER ".len()..];
        if !(before.ends_with("CREATE ") || before.ends_with("CREATE CONSTRAINT ")) {
            continue;
        }
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
        assert_eq!(triggers.len(), 25);
    }
}
