//! The store's half of need-to-know: a handle scoped to some shelters
//! ([`Store::with_scope`]) reads and writes their rows alone. Lists and
//! counts add [`Scope::sql`] to their conditions; a row asked for by id is
//! checked here first, and a write checks, inside its transaction, every
//! row it is about to change.

use rusqlite::{Connection, OptionalExtension};

use super::{Result, Store, StoreError};
use crate::domain::Scope;

/// The shelter of row `id` of `table` (`person`, `household`, `appointment`;
/// a household's own column, the others' copy of it); `None` when there is
/// no such row.
fn shelter_of(conn: &Connection, table: &'static str, id: i64) -> rusqlite::Result<Option<i64>> {
    let sql = match table {
        "household" => "SELECT shelter_id FROM household WHERE id = ?1",
        "person" => "SELECT shelter_id FROM person WHERE id = ?1",
        "appointment" => "SELECT shelter_id FROM appointment WHERE id = ?1",
        _ => "SELECT id FROM shelter WHERE id = ?1",
    };
    conn.prepare_cached(sql)?
        .query_row([id], |r| r.get(0))
        .optional()
}

/// `OutOfScope` when row `id` of `table` is at a shelter outside `scope`
/// (nothing to check for the network; a missing row is left to the read
/// or write, which says it is not found).
pub(super) fn guard(conn: &Connection, scope: &Scope, table: &'static str, id: i64) -> Result<()> {
    if scope.is_network() {
        return Ok(());
    }
    match shelter_of(conn, table, id)? {
        Some(shelter) if !scope.covers(shelter) => Err(StoreError::OutOfScope { what: table, id }),
        _ => Ok(()),
    }
}

impl Store {
    /// [`guard`] on this handle's connection and scope.
    pub(super) fn guard(&self, table: &'static str, id: i64) -> Result<()> {
        guard(&self.conn, &self.scope, table, id)
    }
}

impl Store {
    /// `OutOfScope` unless shelter `id` is one of this handle's.
    pub(super) fn in_scope(&self, id: i64) -> Result<()> {
        if self.scope.covers(id) {
            Ok(())
        } else {
            Err(StoreError::OutOfScope {
                what: "shelter",
                id,
            })
        }
    }
}
