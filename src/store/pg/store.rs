//! A handle on an albergue database on PostgreSQL: so far what the jobs
//! that read the whole database need (a consistent snapshot, the job's
//! audit row), behind the same [`Snapshots`] the SQLite store offers.

use anyhow::Result;
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
        schema::require_current(&mut client).map_err(|e| anyhow::anyhow!("{target}: {e}"))?;
        Ok(Self { client, clock })
    }
}

impl Snapshots for PgStore {
    fn snapshot<T, E: From<StoreError>>(
        &mut self,
        f: impl FnOnce(&Snapshot<'_>) -> Result<T, E>,
    ) -> Result<T, E> {
        // A job reads the whole network.
        let tx = schema::network_snapshot(&mut self.client).map_err(StoreError::from)?;
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
        schema::whole_network(&mut tx)?;
        audit::record_job(&mut tx, at, actor, action, summary)?;
        tx.commit()?;
        Ok(())
    }

    fn read_only(&self) -> bool {
        false
    }
}
