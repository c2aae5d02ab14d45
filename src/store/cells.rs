//! Reading a result row the same way from either backend: the row mappers
//! (an appointment, an outage, a shelter, …) are written once, over
//! [`Cells`], and read rusqlite's rows and PostgreSQL's alike. Both
//! backends store the same types (integers as 64 bits, text, bytes), so a
//! column reads as the same Rust type from each.

use rusqlite::types::Type;

/// A value both backends read: what the row mappers ask for.
pub trait Cell: rusqlite::types::FromSql + for<'a> postgres::types::FromSql<'a> {}

impl<T> Cell for T where T: rusqlite::types::FromSql + for<'a> postgres::types::FromSql<'a> {}

/// A result row, from either backend.
pub trait Cells {
    /// Column `idx` as a `T` (rusqlite's error, whichever backend read it:
    /// the mappers stay one function).
    fn cell<T: Cell>(&self, idx: usize) -> rusqlite::Result<T>;
}

impl Cells for rusqlite::Row<'_> {
    fn cell<T: Cell>(&self, idx: usize) -> rusqlite::Result<T> {
        self.get(idx)
    }
}

impl Cells for postgres::Row {
    fn cell<T: Cell>(&self, idx: usize) -> rusqlite::Result<T> {
        self.try_get(idx)
            .map_err(|e| rusqlite::Error::FromSqlConversionFailure(idx, Type::Null, Box::new(e)))
    }
}
