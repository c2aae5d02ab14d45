//! PostgreSQL, for a network of shelters that outgrows one machine.
//!
//! What is here so far: albergue's schema on PostgreSQL (with row level
//! security by shelter), the connection strings (`postgres://…`, libpq's
//! `key=value` and the `PG*` variables), and `albergue port`, which copies
//! a SQLite or SQLCipher database into an empty PostgreSQL one and verifies
//! the copy; the jobs' snapshots ([`crate::store::Snapshots`]) and the
//! coordinator's desk ([`crate::store::Desk`]: the dashboard, its
//! confirmations and outages) with the change log's watcher. `serve` and
//! the other commands still run on SQLite only: [`unsupported`] is what
//! they say when given a PostgreSQL `--db`.

mod audit;
mod cases;
mod conninfo;
mod copy;
mod desk;
mod inspect;
mod outages;
mod port;
mod schema;
mod session;
mod store;
mod tables;
mod tally;
mod tls;
mod tx;
mod verify;
mod watch;

pub use audit::chain;
pub use conninfo::{connect, is_postgres, redacted, Target};
pub use inspect::{inspect, Inspection, WALLED};
pub use port::{port, PortOptions, PortReport};
pub use schema::{migrate, SCHEMA_VERSION};
pub use store::PgStore;
pub use tables::{CARRIED, NOT_CARRIED};
pub use verify::{verify, Verification};
pub use watch::{newest, Heard, Watcher, CHANNEL};

/// The message of a command that cannot run on PostgreSQL yet.
pub fn unsupported(command: &str, db: &str) -> String {
    format!(
        "--db {}: `albergue {command}` runs on SQLite only for now; on PostgreSQL albergue can so far \
         be ported to (`albergue port --to …`), verified against its source (`albergue port --to … \
         --verify`), checked (`albergue check`), exported (`albergue export`) and shown on the \
         dashboard (`albergue --db …`). Give --db a SQLite file",
        redacted(db)
    )
}
