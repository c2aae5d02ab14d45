//! `albergue port`: the database copied into an empty PostgreSQL one, then
//! verified (row counts, every table's contents, the audit chain walked on
//! PostgreSQL, the tallies recounted there).

use std::io::Write;
use std::time::{Duration, Instant};

use anyhow::{bail, Result};

use super::Cli;
use crate::store::pg::{self, PortOptions, Verification};

/// The options of `albergue port`.
#[derive(Debug, clap::Args)]
#[command(
    long_about = "Copy the database into an empty PostgreSQL one, and verify the copy

The source is --db (a SQLite file, plaintext or with --key-file); the target \
an empty PostgreSQL database made by its admin (createdb -O albergue \
albergue). The schema is made by albergue's migrations, every table is \
copied in batches, each committed with the port's progress: a port that was \
stopped (killed, a lost connection) goes on where it stopped when run again, \
as long as the source has not changed. Then the copy is verified against the \
source: row counts, every table's contents byte for byte, the audit chain \
walked on PostgreSQL, the dashboard's tallies recounted there. Stop the \
dashboards, `serve` and the jobs first: the source is read in one snapshot, \
and what they write after it is not ported."
)]
pub struct PortArgs {
    /// The PostgreSQL database: postgres://USER@HOST/DB, or libpq's words
    /// (host=… dbname=…); PGHOST, PGPORT, PGUSER, PGPASSWORD and
    /// PGDATABASE fill what it leaves out
    #[arg(long, value_name = "CONNINFO")]
    pub to: String,
    /// Rows copied in one transaction
    #[arg(long, default_value_t = 20_000, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub batch: u32,
    /// Milliseconds to wait after each batch (a port beside a busy server)
    #[arg(long, value_name = "MS", default_value_t = 0)]
    pub pause: u64,
    /// A role to give what albergue needs on the tables (not their owner;
    /// made first with `createuser ROLE`)
    #[arg(long, value_name = "ROLE")]
    pub grant: Option<String>,
    /// Only compare a ported database with this one (copies nothing)
    #[arg(long)]
    pub verify: bool,
}

/// Runs `albergue port`.
pub fn port(cli: &Cli, args: &PortArgs) -> Result<u8> {
    let mut source = cli.open_existing()?;
    let target = pg::Target::parse(&args.to)?;
    if args.verify {
        let mut client = target.connect()?;
        let verified = pg::verify(&source, &mut client)?;
        report_verification(&verified)?;
        return compare_exports(&mut source, &target);
    }
    eprintln!("albergue: porting {} to {target}", source.path().display());
    let options = PortOptions {
        batch: args.batch as usize,
        pause: Duration::from_millis(args.pause),
        grant: args.grant.clone(),
    };
    let started = Instant::now();
    let mut last_shown = (Instant::now(), String::new(), u64::MAX);
    let mut stderr = std::io::stderr();
    let report = pg::port(&source, &args.to, &options, &mut |table, done, total| {
        // A line a batch, at most a few a second (and each table's last).
        let (at, last_table, last_done) = &last_shown;
        let again = last_table == table && *last_done == done;
        if !again && (done == total || at.elapsed() >= Duration::from_millis(250)) {
            let _ = writeln!(stderr, "  {table}: {done} of {total} rows");
            last_shown = (Instant::now(), table.to_string(), done);
        }
    })?;
    let rows: u64 = report.tables.iter().map(|(_, n)| n).sum();
    println!(
        "ported {} tables, {rows} rows, to {target} in {:.1} s{}",
        report.tables.len(),
        report.copy_time.as_secs_f64(),
        if report.resumed {
            " (went on from an unfinished port)"
        } else {
            ""
        }
    );
    report_verification(&report.verified)?;
    let code = compare_exports(&mut source, &target)?;
    tracing::info!(ms = started.elapsed().as_millis() as u64, rows, "ported");
    Ok(code)
}

/// The last check: a full export of each, compared byte for byte (neither
/// audited; both removed).
fn compare_exports(source: &mut crate::store::Store, target: &pg::Target) -> Result<u8> {
    let mut ported = pg::PgStore::open(target, std::sync::Arc::new(chrono::Utc::now))?;
    let work = std::env::temp_dir().join(format!("albergue-port-{}", std::process::id()));
    match crate::export::compare::alike(source, &mut ported, &work, chrono::Utc::now())? {
        Ok(alike) => {
            println!(
                "exports alike: a full export of each (CSV and JSON Lines, {} files, {} bytes) byte for byte",
                alike.files, alike.bytes
            );
            Ok(0)
        }
        Err(difference) => {
            bail!("the PostgreSQL database's export is not the source's: {difference}")
        }
    }
}

fn report_verification(v: &Verification) -> Result<u8> {
    if !v.whole() {
        for problem in &v.problems {
            eprintln!("  {problem}");
        }
        bail!(
            "the PostgreSQL database does not hold what the source holds ({} differences above)",
            v.problems.len()
        );
    }
    let head: String = v.audit.1[..4].iter().map(|b| format!("{b:02x}")).collect();
    println!(
        "verified: {} tables alike, {} rows, byte for byte; the audit chain walked on PostgreSQL \
         ({} rows, head {head}…); {} tallies recounted; {} kept columns checked",
        v.tables, v.rows, v.audit.0, v.tallies, v.derived
    );
    Ok(0)
}
