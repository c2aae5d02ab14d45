//! A PostgreSQL database compared with the SQLite one it was ported from:
//! row counts, every table's contents (byte for byte, in COPY's text
//! format, by SHA-256), the audit chain walked on PostgreSQL, the tallies
//! recounted there, and the columns its triggers keep.

use std::io::Read;

use anyhow::Result;
use postgres::Client;
use rusqlite::Connection;
use sha2::{Digest, Sha256};

use super::tables::{columns_alike, quoted, CARRIED};
use super::{audit, copy, schema, tally};
use crate::domain::audit::GENESIS;
use crate::store::Store;

/// What a verification found.
#[derive(Debug, Clone)]
pub struct Verification {
    /// Tables compared.
    pub tables: usize,
    /// Rows compared, in all.
    pub rows: u64,
    /// The audit chain on PostgreSQL: its rows and head.
    pub audit: (u64, [u8; 32]),
    /// Tallies recounted.
    pub tallies: usize,
    /// Kept columns checked.
    pub derived: usize,
    /// What differs (nothing when the port is whole).
    pub problems: Vec<String>,
}

impl Verification {
    /// Whether the target holds what the source holds.
    pub fn whole(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Compares the PostgreSQL database with `source`.
pub fn verify(source: &Store, client: &mut Client) -> Result<Verification> {
    let conn = &source.conn;
    schema::require_current(client)?;
    let mut tx = schema::network_snapshot(client)?;
    let mut problems = Vec::new();
    let mut rows = 0;
    for &(table, order) in CARRIED {
        let columns = columns_alike(conn, &mut tx, table)?;
        let list = quoted(&columns);
        let (n_source, digest_source) = source_digest(conn, table, order, &columns)?;
        let mut digest = Sha256::new();
        let mut reader = tx.copy_out(&format!(
            "COPY (SELECT {list} FROM {table} ORDER BY {order}) TO STDOUT"
        ))?;
        let mut buf = vec![0; 1 << 16];
        let mut n_target: u64 = 0;
        loop {
            let got = reader.read(&mut buf)?;
            if got == 0 {
                break;
            }
            n_target += buf[..got].iter().filter(|&&b| b == b'\n').count() as u64;
            digest.update(&buf[..got]);
        }
        drop(reader);
        rows += n_source;
        if n_source != n_target {
            problems.push(format!(
                "{table}: {n_source} rows on SQLite, {n_target} on PostgreSQL"
            ));
        } else if digest_source != digest.finalize().as_slice() {
            problems.push(format!(
                "{table}: the same {n_source} rows in number, not in content"
            ));
        }
    }
    let audit = walk_audit(&mut tx, &mut problems)?;
    match source.verify_audit()? {
        Ok(head) if head == audit => {}
        Ok((n, _)) => problems.push(format!(
            "the audit chain: {n} rows on SQLite, {} on PostgreSQL, or another head",
            audit.0
        )),
        Err(broken) => problems.push(format!(
            "the audit chain of the SQLite database is broken: {broken}"
        )),
    }
    for &(name, on_sqlite, kept, _) in tally::TALLIES {
        let mut on_sqlite: Vec<String> = conn
            .prepare(on_sqlite)?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        on_sqlite.sort();
        let kept = tally::tally_rows(&mut tx, kept)?;
        if on_sqlite != kept {
            problems.push(format!(
                "tally {name}: {} rows differ between SQLite and PostgreSQL",
                tally::differing(&on_sqlite, &kept)
            ));
        }
    }
    problems.extend(tally::derived_problems(&mut tx)?);
    tx.commit()?;
    Ok(Verification {
        tables: CARRIED.len(),
        rows,
        audit,
        tallies: tally::TALLIES.len(),
        derived: tally::DERIVED.len(),
        problems,
    })
}

/// The source table's rows in COPY's format, hashed.
fn source_digest(
    conn: &Connection,
    table: &str,
    order: &str,
    columns: &[String],
) -> Result<(u64, Vec<u8>)> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {} FROM {table} ORDER BY {order}",
        quoted(columns)
    ))?;
    let mut rows = stmt.query([])?;
    let mut digest = Sha256::new();
    let mut buf = Vec::with_capacity(1 << 16);
    let mut n = 0;
    while let Some(r) = rows.next()? {
        copy::row(&mut buf, r, 0, table, columns)?;
        n += 1;
        if buf.len() >= 1 << 16 {
            digest.update(&buf);
            buf.clear();
        }
    }
    digest.update(&buf);
    Ok((n, digest.finalize().to_vec()))
}

/// Walks the audit chain on PostgreSQL, and compares the head it keeps.
pub(super) fn walk_audit(
    tx: &mut postgres::Transaction<'_>,
    problems: &mut Vec<String>,
) -> Result<(u64, [u8; 32])> {
    let head = match audit::chain(tx)? {
        Ok(head) => head,
        Err(broken) => {
            problems.push(format!("the audit chain on PostgreSQL is broken: {broken}"));
            return Ok((0, GENESIS));
        }
    };
    if audit::kept_head(tx)?.is_some_and(|kept| kept != head) {
        problems.push(
            "the audit chain's kept head on PostgreSQL is not its last row: rows were removed or rewritten"
                .to_string(),
        );
    }
    Ok(head)
}
