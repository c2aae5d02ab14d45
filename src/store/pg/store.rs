//! A handle on an albergue database on PostgreSQL: so far what the jobs
//! that read the whole database need (a consistent snapshot, the job's
//! audit row), behind the same [`Snapshots`] the SQLite store offers.

use anyhow::{bail, Result};
use postgres::Client;

use super::conninfo::Target;
use super::{audit, schema};
use crate::actor::Actor;
use crate::store::{codec, Clock, Snapshot, Snapshots, StoreError};

/// An open albergue database on PostgreSQL.
pub struct PgStore {
    client: Client,
    clock: Clock,
}

impl PgStore {
    /// Connects; the database must hold this albergue's schema, whole.
    pub fn open(target: &Target, clock: Clock) -> Result<Self> {
        let mut client = target.connect_as("albergue")?;
        match schema::version(&mut client)? {
            Some(v) if v == schema::SCHEMA_VERSION => {}
            Some(v) => bail!(
                "{target}: schema version {v}; this albergue knows {}",
                schema::SCHEMA_VERSION
            ),
            None => bail!(
                "{target}: not an albergue database (port one into it with `albergue port --to`)"
            ),
        }
        let unfinished: bool = client
            .query_one("SELECT to_regclass('albergue_port') IS NOT NULL", &[])?
            .get(0);
        if unfinished {
            bail!("{target}: holds an unfinished port; run `albergue port` again to finish it");
        }
        Ok(Self { client, clock })
    }
}

impl Snapshots for PgStore {
    fn snapshot<T, E: From<StoreError>>(
        &mut self,
        f: impl FnOnce(&Snapshot<'_>) -> Result<T, E>,
    ) -> Result<T, E> {
        let tx = self
            .client
            .build_transaction()
            .isolation_level(postgres::IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()
            .map_err(StoreError::from)?;
        let mut tx = tx;
        // A job reads the whole network.
        tx.execute("SELECT set_config('albergue.shelters', 'all', true)", &[])
            .map_err(StoreError::from)?;
        let snap = Snapshot::postgres(tx);
        let value = f(&snap)?;
        snap.finish()?;
        Ok(value)
    }

    fn record_job(
        &mut self,
        action: &str,
        summary: &str,
        actor: &Actor,
    ) -> crate::store::Result<()> {
        let at = codec::secs((self.clock)());
        let mut tx = self.client.transaction()?;
        tx.execute("SELECT set_config('albergue.shelters', 'all', true)", &[])?;
        audit::record_job(&mut tx, at, actor, action, summary)?;
        tx.commit()?;
        Ok(())
    }

    fn read_only(&self) -> bool {
        false
    }
}
