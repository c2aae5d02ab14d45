//! A transaction of a [`super::PgStore`]: its statements prepared once
//! per connection, and what row level security lets it see.

use std::collections::HashMap;

use postgres::types::ToSql;
use postgres::{Row, Statement, Transaction};

use crate::domain::Scope;

/// How many prepared statements a handle keeps (the store's SQL is a few
/// dozen texts; scopes and outages make a few more).
const KEPT_STATEMENTS: usize = 256;

/// A transaction of a [`PgStore`], its statements prepared once.
pub(super) struct Tx<'a> {
    pub(super) tx: Transaction<'a>,
    pub(super) statements: &'a mut HashMap<String, Statement>,
}

impl Tx<'_> {
    fn statement(&mut self, sql: &str) -> Result<Statement, postgres::Error> {
        if let Some(s) = self.statements.get(sql) {
            return Ok(s.clone());
        }
        if self.statements.len() >= KEPT_STATEMENTS {
            self.statements.clear();
        }
        let s = self.tx.prepare(sql)?;
        self.statements.insert(sql.to_string(), s.clone());
        Ok(s)
    }

    /// The rows of `sql`.
    pub(super) fn query(
        &mut self,
        sql: &str,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<Vec<Row>, postgres::Error> {
        let s = self.statement(sql)?;
        self.tx.query(&s, params)
    }

    /// The one row of `sql`.
    pub(super) fn query_one(
        &mut self,
        sql: &str,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<Row, postgres::Error> {
        let s = self.statement(sql)?;
        self.tx.query_one(&s, params)
    }

    /// The row of `sql`, if any.
    pub(super) fn query_opt(
        &mut self,
        sql: &str,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<Option<Row>, postgres::Error> {
        let s = self.statement(sql)?;
        self.tx.query_opt(&s, params)
    }

    /// Runs `sql`: how many rows it changed.
    pub(super) fn execute(
        &mut self,
        sql: &str,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<u64, postgres::Error> {
        let s = self.statement(sql)?;
        self.tx.execute(&s, params)
    }
}

/// What row level security lets `tx` see: `scope`'s shelters (nothing for
/// none), for this transaction only.
pub(super) fn see(tx: &mut Tx<'_>, scope: &Scope) -> Result<(), postgres::Error> {
    let shelters = match scope {
        Scope::Network => "all".to_string(),
        Scope::Shelters(ids) => ids.iter().map(i64::to_string).collect::<Vec<_>>().join(","),
    };
    tx.execute(
        "SELECT set_config('albergue.shelters', $1, true)",
        &[&shelters],
    )?;
    Ok(())
}

/// [`Scope::sql`] as PostgreSQL reads it (the network's condition is
/// `true`, not `1`).
pub(super) fn scoped(scope: &Scope, column: &str) -> String {
    match scope {
        Scope::Network => "true".into(),
        Scope::Shelters(_) => scope.sql(column),
    }
}

/// Row `id` of `entity` (its table), read as `columns` by `from`, if still
/// at version `expected`, locked until the transaction ends (a second
/// writer waits, then reads the version the first wrote); else the
/// conflict, naming who changed it, or not found.
pub(super) fn locked<T>(
    tx: &mut Tx<'_>,
    entity: &'static str,
    columns: &str,
    id: i64,
    expected: i64,
    from: impl Fn(&Row) -> rusqlite::Result<T>,
) -> crate::store::Result<T> {
    use crate::store::{codec, Conflict, StoreError};
    let width = columns.split(", ").count();
    let sql = format!(
        "SELECT {columns}, version, updated_by, updated_at FROM {entity} WHERE id = $1 FOR UPDATE"
    );
    let Some(r) = tx.query_opt(&sql, &[&id])? else {
        return Err(StoreError::NotFound { entity, id });
    };
    let current: i64 = r.get(width);
    if current == expected {
        return Ok(from(&r)?);
    }
    Err(StoreError::Conflict(Conflict {
        entity,
        id,
        expected_version: expected,
        current_version: current,
        changed_by: r.get(width + 1),
        changed_at: codec::instant(r.get(width + 2)),
    }))
}

/// Row `id` of `entity` (its table), read as `columns` by `from`, as this
/// transaction sees it; `NotFound` when there is none.
pub(super) fn by_id<T>(
    tx: &mut Tx<'_>,
    entity: &'static str,
    columns: &str,
    id: i64,
    from: impl Fn(&Row) -> rusqlite::Result<T>,
) -> crate::store::Result<T> {
    let sql = format!("SELECT {columns} FROM {entity} WHERE id = $1");
    match tx.query_opt(&sql, &[&id])? {
        Some(r) => Ok(from(&r)?),
        None => Err(crate::store::StoreError::NotFound { entity, id }),
    }
}
