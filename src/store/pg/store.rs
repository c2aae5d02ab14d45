//! A handle on an albergue database on PostgreSQL, behind the seam's
//! traits: the jobs' [`Snapshots`] and the coordinator's
//! [`crate::store::Desk`] (in `desk.rs`). Like the SQLite store it acts in
//! a role and for some shelters; every transaction also tells row level
//! security which shelters it may see (`albergue.shelters`, for that
//! transaction only), a second wall behind the handle's own checks.

use std::collections::HashMap;

use anyhow::Result;
use postgres::{Client, Statement};

use super::conninfo::Target;
use super::tx::{see, Tx};
use super::{audit, schema};
use crate::actor::Actor;
use crate::domain::{Permission, Role, Scope};
use crate::store::{codec, Clock, Snapshot, Snapshots, StoreError};

/// An open albergue database on PostgreSQL.
pub struct PgStore {
    pub(super) client: Client,
    clock: Clock,
    role: Role,
    scope: Scope,
    /// Statements prepared on this connection, by their SQL: each is
    /// parsed and planned once, not at every use (a round trip saved per
    /// statement, which a write of ten statements feels).
    statements: HashMap<String, Statement>,
}

impl std::fmt::Debug for PgStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgStore")
            .field("role", &self.role)
            .field("scope", &self.scope)
            .finish_non_exhaustive()
    }
}

impl PgStore {
    /// Connects; the database must hold this albergue's schema, whole. The
    /// handle acts as an admin for the whole network until told otherwise
    /// ([`PgStore::with_role`], [`PgStore::with_scope`]), as a SQLite
    /// store opened by its file's owner does.
    pub fn open(target: &Target, clock: Clock) -> Result<Self> {
        let mut client = target.connect_as("albergue")?;
        schema::require_current(&mut client).map_err(|e| anyhow::anyhow!("{target}: {e}"))?;
        Ok(Self {
            client,
            clock,
            role: Role::Admin,
            scope: Scope::Network,
            statements: HashMap::new(),
        })
    }

    /// The same handle, acting in `role`.
    #[must_use]
    pub fn with_role(mut self, role: Role) -> Self {
        self.role = role;
        self
    }

    /// The same handle, for `scope`'s shelters alone.
    #[must_use]
    pub fn with_scope(mut self, scope: Scope) -> Self {
        self.scope = scope;
        self
    }

    /// The role this handle acts in.
    pub fn role(&self) -> Role {
        self.role
    }

    /// The shelters this handle acts for.
    pub fn scope(&self) -> &Scope {
        &self.scope
    }

    /// Now, by the handle's clock, to the second.
    pub fn now(&self) -> i64 {
        codec::secs((self.clock)())
    }

    /// `NotAllowed` unless this handle's role may do `what`.
    pub(super) fn allow(&self, what: Permission) -> crate::store::Result<()> {
        if self.role.may(what) {
            Ok(())
        } else {
            Err(StoreError::NotAllowed {
                role: self.role,
                what,
            })
        }
    }

    /// Runs `f` in one consistent read (repeatable read, read only) of
    /// this handle's shelters.
    pub(super) fn read<T>(
        &mut self,
        f: impl FnOnce(&mut Tx<'_>, &Scope) -> crate::store::Result<T>,
    ) -> crate::store::Result<T> {
        let tx = self
            .client
            .build_transaction()
            .isolation_level(postgres::IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()?;
        let mut tx = Tx {
            tx,
            statements: &mut self.statements,
        };
        see(&mut tx, &self.scope)?;
        let value = f(&mut tx, &self.scope)?;
        tx.tx.commit()?;
        Ok(value)
    }

    /// Runs `f` as a write that needs `what` (refused before anything is
    /// touched when the role may not), in one transaction of this handle's
    /// shelters, at the handle's now.
    pub(super) fn write<T>(
        &mut self,
        what: Permission,
        f: impl FnOnce(&mut Tx<'_>, &Scope, i64) -> crate::store::Result<T>,
    ) -> crate::store::Result<T> {
        self.allow(what)?;
        let now = self.now();
        let value = {
            let tx = self.client.transaction()?;
            let mut tx = Tx {
                tx,
                statements: &mut self.statements,
            };
            see(&mut tx, &self.scope)?;
            let value = f(&mut tx, &self.scope, now)?;
            tx.tx.commit()?;
            value
        };
        // The write's audit row, queued in it, onto the chain (or left to
        // the connection chaining now, which takes it too). The write has
        // committed, with its row: if chaining fails here (the connection
        // lost), the row waits for the next write, and the write stands.
        // (Logged without the error's text, which may quote a value.)
        if audit::chain_queued(&mut self.client).is_err() {
            tracing::warn!("chaining failed: audit rows left queued for the next write");
        }
        Ok(value)
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
        let at = self.now();
        self.write(Permission::Jobs, |tx, _, _| {
            schema::whole_network(&mut tx.tx)?;
            audit::record_job(tx, at, actor, action, summary)
        })
    }

    fn read_only(&self) -> bool {
        false
    }
}
