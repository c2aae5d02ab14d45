//! A handle on an albergue database on PostgreSQL, behind the seam's
//! traits: the jobs' [`Snapshots`] and the coordinator's
//! [`crate::store::Desk`] (in `desk.rs`). Like the SQLite store it acts in
//! a role and for some shelters; every transaction also tells row level
//! security which shelters it may see (`albergue.shelters`, for that
//! transaction only), a second wall behind the handle's own checks.

use anyhow::Result;
use postgres::{Client, Transaction};

use super::conninfo::Target;
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
        f: impl FnOnce(&mut Transaction<'_>, &Scope) -> crate::store::Result<T>,
    ) -> crate::store::Result<T> {
        let mut tx = self
            .client
            .build_transaction()
            .isolation_level(postgres::IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()?;
        see(&mut tx, &self.scope)?;
        let value = f(&mut tx, &self.scope)?;
        tx.commit()?;
        Ok(value)
    }

    /// Runs `f` as a write that needs `what` (refused before anything is
    /// touched when the role may not), in one transaction of this handle's
    /// shelters, at the handle's now.
    pub(super) fn write<T>(
        &mut self,
        what: Permission,
        f: impl FnOnce(&mut Transaction<'_>, &Scope, i64) -> crate::store::Result<T>,
    ) -> crate::store::Result<T> {
        self.allow(what)?;
        let now = self.now();
        let mut tx = self.client.transaction()?;
        see(&mut tx, &self.scope)?;
        let value = f(&mut tx, &self.scope, now)?;
        tx.commit()?;
        Ok(value)
    }
}

/// What row level security lets `tx` see: `scope`'s shelters (nothing for
/// none), for this transaction only.
pub(super) fn see(tx: &mut Transaction<'_>, scope: &Scope) -> Result<(), postgres::Error> {
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
