//! Versioned schema migrations, recorded in `PRAGMA user_version`.

use rusqlite::{Connection, TransactionBehavior};

/// The SQL of each schema version, in order: entry `i` takes the schema from
/// version `i` to `i + 1`.
const MIGRATIONS: &[&str] = &[
    include_str!("../../assets/migrations/0001_initial.sql"),
    include_str!("../../assets/migrations/0002_users.sql"),
    include_str!("../../assets/migrations/0003_user_language.sql"),
    include_str!("../../assets/migrations/0004_audit_chain.sql"),
    include_str!("../../assets/migrations/0005_retention.sql"),
    include_str!("../../assets/migrations/0006_scale.sql"),
    include_str!("../../assets/migrations/0007_appointment_tallies.sql"),
    include_str!("../../assets/migrations/0008_small_tallies.sql"),
    include_str!("../../assets/migrations/0009_user_access.sql"),
    include_str!("../../assets/migrations/0010_audit_head.sql"),
    include_str!("../../assets/migrations/0011_shelter_scope.sql"),
    include_str!("../../assets/migrations/0012_transfers.sql"),
    include_str!("../../assets/migrations/0013_sections.sql"),
    include_str!("../../assets/migrations/0014_search_by_shelter.sql"),
    include_str!("../../assets/migrations/0015_programs.sql"),
    include_str!("../../assets/migrations/0016_case_due.sql"),
];

/// Work a migration needs beyond its SQL (hashing, say), run in its
/// transaction after the SQL: entry `i` belongs to `MIGRATIONS[i]`.
type Then = fn(&rusqlite::Transaction<'_>) -> rusqlite::Result<()>;
const THEN: &[(usize, Then)] = &[
    (3, super::audit::chain_existing),
    // (0006's index is built again by 0014, by shelter.)
    (13, super::search::rebuild_index),
];

/// The SQL of each schema version, in order (a database of an older
/// version can be made from its first entries: the migration tests do).
pub fn migration_sql() -> &'static [&'static str] {
    MIGRATIONS
}

/// The newest schema version this binary knows.
pub const LATEST_VERSION: i64 = MIGRATIONS.len() as i64;

/// Applies the migrations the database lacks, each in its own transaction.
/// The version is re-read inside the write lock, so two processes opening a
/// new database at once do not both migrate it.
pub fn apply(conn: &mut Connection) -> rusqlite::Result<()> {
    // Up to date, as nearly always: no write lock is asked for (a job
    // opening the database beside a busy writer would otherwise queue for
    // it, and could wait out the busy timeout for nothing).
    let current: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if current >= LATEST_VERSION {
        return Ok(());
    }
    loop {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let current: i64 = tx.pragma_query_value(None, "user_version", |r| r.get(0))?;
        let Some(sql) = usize::try_from(current)
            .ok()
            .and_then(|i| MIGRATIONS.get(i))
        else {
            return Ok(());
        };
        tx.execute_batch(sql)?;
        for (_, then) in THEN.iter().filter(|(i, _)| *i as i64 == current) {
            then(&tx)?;
        }
        tx.pragma_update(None, "user_version", current + 1)?;
        tx.commit()?;
    }
}
