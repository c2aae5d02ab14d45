//! `albergue port`: a SQLite (or SQLCipher) database copied into an empty
//! PostgreSQL one, the way Synapse's `synapse_port_db` does it: the schema
//! by albergue's own migrations, the tables in foreign-key order in
//! batches, each batch committed with the port's progress (so a port that
//! was killed goes on where it stopped), the sequences set, then verified.
//!
//! The source is read in one transaction (one snapshot) and must not change
//! between a port and its resumption: its fingerprint (version, each
//! table's rows and largest id, the audit chain's head) is kept on the
//! target and compared.

use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use postgres::Client;
use rusqlite::{Connection, OptionalExtension};

use super::conninfo::Target;
use super::tables::{columns_alike, quoted, CARRIED, NOT_CARRIED};
use super::{copy, schema, verify};
use crate::store::Store;

/// How to port.
#[derive(Debug, Clone)]
pub struct PortOptions {
    /// Rows a batch (one transaction on the target).
    pub batch: usize,
    /// A wait after each batch (a port beside a busy primary).
    pub pause: Duration,
    /// A role given the rights albergue needs (not the tables' owner).
    pub grant: Option<String>,
}

impl Default for PortOptions {
    fn default() -> Self {
        Self {
            batch: 20_000,
            pause: Duration::ZERO,
            grant: None,
        }
    }
}

/// What a port did.
#[derive(Debug)]
pub struct PortReport {
    /// Whether it went on from an earlier, unfinished port.
    pub resumed: bool,
    /// Each table and its rows on the target.
    pub tables: Vec<(&'static str, u64)>,
    /// How long the copy took (without the verification).
    pub copy_time: Duration,
    /// The verification that followed.
    pub verified: verify::Verification,
}

/// The advisory lock a port holds on its target.
const PORT_LOCK: i64 = 0x616c_6265_7270_6f72; // "alberpor"

/// The port's progress, kept on the target until it finishes.
const PROGRESS: &str = "
CREATE TABLE albergue_port (
    one         integer PRIMARY KEY CHECK (one = 1),
    source      text NOT NULL,
    fingerprint text NOT NULL,
    started_at  timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE albergue_port_table (
    name    text PRIMARY KEY,
    last_id bigint NOT NULL DEFAULT 0,
    rows    bigint NOT NULL DEFAULT 0,
    done    boolean NOT NULL DEFAULT false
);
-- The secondary indexes and foreign keys, made again once the rows are in
-- (one pass each instead of one update a row), from their definitions.
CREATE TABLE albergue_port_deferred (
    name       text PRIMARY KEY,
    table_name text NOT NULL,
    kind       text NOT NULL CHECK (kind IN ('index', 'foreign key')),
    definition text NOT NULL
);
INSERT INTO albergue_port_deferred
    SELECT i.indexname, i.tablename, 'index', i.indexdef FROM pg_indexes i
    WHERE i.schemaname = current_schema() AND i.tablename NOT LIKE 'albergue%'
      AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname
                      AND c.connamespace = current_schema()::regnamespace);
INSERT INTO albergue_port_deferred
    SELECT c.conname, c.conrelid::regclass::text, 'foreign key', pg_get_constraintdef(c.oid)
    FROM pg_constraint c
    WHERE c.contype = 'f' AND c.connamespace = current_schema()::regnamespace;";

/// Ports `source` into the database `target` names; `progress` hears of
/// each batch (table, rows copied, rows in all).
pub fn port(
    source: &Store,
    target: &str,
    options: &PortOptions,
    progress: &mut dyn FnMut(&str, u64, u64),
) -> Result<PortReport> {
    let target = Target::parse(target)?;
    let version = source.schema_version()?;
    if version != schema::SCHEMA_VERSION {
        bail!(
            "{}: schema version {version}; albergue ports version {} (open it once with this albergue to upgrade it)",
            source.path().display(),
            schema::SCHEMA_VERSION
        );
    }
    if let Some(role) = &options.grant {
        check_role_name(role)?;
    }
    let conn = &source.conn;
    check_tables(conn)?;
    // One snapshot of the source for the whole port and its verification.
    let snapshot = conn.unchecked_transaction()?;
    let fingerprint = fingerprint(conn)?;
    let mut client = target.connect()?;
    // A batch lost to a crash of the server is copied again on resumption
    // (its progress row goes with it); the last commit waits for the disk.
    client.batch_execute("SET synchronous_commit = off")?;
    // One port at a time into a database (held until this connection ends).
    let alone: bool = client
        .query_one("SELECT pg_try_advisory_lock($1)", &[&PORT_LOCK])?
        .get(0);
    if !alone {
        bail!("{target}: another `albergue port` is copying into this database; let it finish (or stop it, then run this again)");
    }
    let started = Instant::now();
    let resumed = begin(
        &mut client,
        &target,
        &source.path().display().to_string(),
        &fingerprint,
    )?;
    let mut tables = Vec::new();
    for &(table, order) in CARRIED {
        let rows = copy_table(conn, &mut client, table, order, options, progress)
            .with_context(|| format!("porting table {table}"))?;
        tables.push((table, rows));
    }
    finish(&mut client, options.grant.as_deref())?;
    let copy_time = started.elapsed();
    let verified = verify::verify(source, &mut client)?;
    drop(snapshot);
    Ok(PortReport {
        resumed,
        tables,
        copy_time,
        verified,
    })
}

fn check_role_name(role: &str) -> Result<()> {
    let ok = !role.is_empty()
        && role.len() <= 63
        && role
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && !role.starts_with(|c: char| c.is_ascii_digit());
    if !ok {
        bail!("--grant {role}: a role name is lower-case letters, digits and _ (as createuser makes it)");
    }
    Ok(())
}

/// Every table of the source is carried or named as not carried: a table a
/// later migration adds must be given its place here first.
fn check_tables(conn: &Connection) -> Result<()> {
    let mut stmt = conn.prepare(
        "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )?;
    let names: Vec<String> = stmt
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for name in names {
        let known = CARRIED.iter().any(|(t, _)| *t == name) || NOT_CARRIED.contains(&name.as_str());
        if !known {
            bail!("table {name} of the source has no place on PostgreSQL (albergue port does not know it)");
        }
    }
    Ok(())
}

/// The source as the port saw it: a changed source is not resumed from.
fn fingerprint(conn: &Connection) -> Result<String> {
    let mut parts = Vec::new();
    for &(table, order) in CARRIED {
        let max = if order == "id" { "max(id)" } else { "0" };
        let (rows, last): (i64, Option<i64>) =
            conn.query_row(&format!("SELECT count(*), {max} FROM {table}"), [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?;
        parts.push(format!("{table}={rows}/{}", last.unwrap_or(0)));
    }
    let head: Option<Vec<u8>> = conn
        .query_row(
            "SELECT row_hash FROM audit ORDER BY id DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .optional()?
        .flatten();
    let hex: String = head
        .unwrap_or_default()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    parts.push(format!("audit_head={hex}"));
    Ok(parts.join(" "))
}

/// A new port (schema made, progress kept) or the resumption of one.
fn begin(client: &mut Client, target: &Target, source: &str, fingerprint: &str) -> Result<bool> {
    let tables: Vec<String> = client
        .query(
            "SELECT table_name::text FROM information_schema.tables
             WHERE table_schema = current_schema() ORDER BY table_name",
            &[],
        )?
        .iter()
        .map(|r| r.get(0))
        .collect();
    if tables.iter().any(|t| t == "albergue_port") {
        let row = client.query_one("SELECT source, fingerprint FROM albergue_port", &[])?;
        let (was, seen): (String, String) = (row.get(0), row.get(1));
        if seen != fingerprint {
            bail!(
                "{target}: holds an unfinished port of {was}, and the source has changed since \
                 (or is another database); drop and create the target database, then port again"
            );
        }
        return Ok(true);
    }
    if tables.iter().any(|t| t == "albergue_schema") {
        let version = schema::version(client)?.unwrap_or(0);
        bail!(
            "{target}: already holds an albergue database (schema version {version}); albergue port \
             copies only into an empty database (`albergue port --to … --verify` compares it with this one)"
        );
    }
    if let Some(first) = tables.first() {
        bail!(
            "{target}: the database is not empty (it has table {first}{}); albergue port copies only \
             into an empty database (createdb a new one)",
            if tables.len() > 1 { ", …" } else { "" }
        );
    }
    let mut tx = client.transaction()?;
    schema::create(&mut tx)?;
    tx.batch_execute(PROGRESS)?;
    tx.execute(
        "INSERT INTO albergue_port (one, source, fingerprint) VALUES (1, $1, $2)",
        &[&source, &fingerprint],
    )?;
    let deferred = tx.query(
        "SELECT name, table_name, kind FROM albergue_port_deferred ORDER BY kind, name",
        &[],
    )?;
    for row in deferred {
        let (name, table, kind): (String, String, String) = (row.get(0), row.get(1), row.get(2));
        if kind == "index" {
            tx.batch_execute(&format!("DROP INDEX \"{name}\""))?;
        } else {
            tx.batch_execute(&format!("ALTER TABLE {table} DROP CONSTRAINT \"{name}\""))?;
        }
    }
    for &(table, _) in CARRIED {
        tx.execute(
            "INSERT INTO albergue_port_table (name) VALUES ($1)",
            &[&table],
        )?;
        // The rows come with what the triggers keep already computed.
        tx.batch_execute(&format!("ALTER TABLE {table} DISABLE TRIGGER USER"))?;
    }
    tx.commit()?;
    Ok(false)
}

/// Copies one table in batches; returns its rows on the target.
fn copy_table(
    conn: &Connection,
    client: &mut Client,
    table: &'static str,
    order: &str,
    options: &PortOptions,
    progress: &mut dyn FnMut(&str, u64, u64),
) -> Result<u64> {
    let columns = columns_alike(conn, client, table)?;
    let row = client.query_one(
        "SELECT last_id, rows, done FROM albergue_port_table WHERE name = $1",
        &[&table],
    )?;
    let (mut last_id, mut rows, done): (i64, i64, bool) = (row.get(0), row.get(1), row.get(2));
    let total: i64 = conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))?;
    if done {
        progress(table, rows as u64, total as u64);
        return Ok(rows as u64);
    }
    let list = quoted(&columns);
    let keyed = order == "id";
    let read = if keyed {
        format!("SELECT id, {list} FROM {table} WHERE id > ?1 ORDER BY id LIMIT ?2")
    } else {
        format!("SELECT 0, {list} FROM {table} ORDER BY {order}")
    };
    let mut stmt = conn.prepare(&read)?;
    let copy_in = format!("COPY {table} ({list}) FROM STDIN");
    loop {
        let mut buf = Vec::new();
        let mut n: i64 = 0;
        let mut r = if keyed {
            stmt.query(rusqlite::params![last_id, options.batch as i64])?
        } else {
            stmt.query([])?
        };
        while let Some(row) = r.next()? {
            if keyed {
                last_id = row.get(0)?;
            }
            copy::row(&mut buf, row, 1, table, &columns)?;
            n += 1;
        }
        let finished = !keyed || n < options.batch as i64;
        let mut tx = client.transaction()?;
        schema::whole_network(&mut tx)?;
        if n > 0 {
            let mut writer = tx.copy_in(&copy_in)?;
            std::io::Write::write_all(&mut writer, &buf)?;
            writer.finish()?;
        }
        tx.execute(
            "UPDATE albergue_port_table SET last_id = $2, rows = rows + $3, done = $4 WHERE name = $1",
            &[&table, &last_id, &n, &finished],
        )?;
        tx.commit()?;
        rows += n;
        progress(table, rows as u64, total as u64);
        if finished {
            return Ok(rows as u64);
        }
        if !options.pause.is_zero() {
            std::thread::sleep(options.pause);
        }
    }
}

/// Sequences past the largest ids, the triggers on, the progress gone (the
/// schema is then a freshly migrated one's), the rights granted.
fn finish(client: &mut Client, grant: Option<&str>) -> Result<()> {
    let mut tx = client.transaction()?;
    schema::whole_network(&mut tx)?;
    tx.batch_execute(
        "SET LOCAL maintenance_work_mem = '256MB'; SET LOCAL synchronous_commit = on",
    )?;
    // Indexes first: the foreign keys are then checked through them.
    let deferred = tx.query(
        "SELECT name, table_name, kind, definition FROM albergue_port_deferred
         ORDER BY kind DESC, name",
        &[],
    )?;
    for row in deferred {
        let (name, table, kind, definition): (String, String, String, String) =
            (row.get(0), row.get(1), row.get(2), row.get(3));
        let sql = if kind == "index" {
            definition
        } else {
            format!("ALTER TABLE {table} ADD CONSTRAINT \"{name}\" {definition}")
        };
        tx.batch_execute(&sql)
            .with_context(|| format!("making {kind} {name} of table {table} again"))?;
    }
    // The tallies, from the rows copied (their triggers were off).
    tx.batch_execute("SELECT albergue_recount()")?;
    for &(table, order) in CARRIED {
        if order == "id" && table != "audit_head" {
            tx.query_one(
                &format!(
                    "SELECT setval(pg_get_serial_sequence('{table}', 'id'), coalesce(max(id), 0) + 1, false) FROM {table}"
                ),
                &[],
            )?;
        }
        tx.batch_execute(&format!("ALTER TABLE {table} ENABLE TRIGGER USER"))?;
    }
    tx.batch_execute(
        "DROP TABLE albergue_port_deferred; DROP TABLE albergue_port_table; DROP TABLE albergue_port;",
    )?;
    if let Some(role) = grant {
        tx.batch_execute(&format!(
            "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role};
             GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role};
             REVOKE UPDATE, DELETE, TRUNCATE ON audit FROM {role};
             REVOKE INSERT, UPDATE, DELETE ON albergue_schema FROM {role};"
        ))
        .with_context(|| format!("--grant {role}: the role must exist (createuser {role})"))?;
    }
    tx.commit()?;
    // Statistics for the planner, and the visibility map, so that the
    // dashboard's counts read their indexes alone from the first morning
    // (autovacuum would come to it later).
    client.batch_execute("VACUUM (ANALYZE)")?;
    Ok(())
}
