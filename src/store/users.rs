//! The coordinators served over SSH: a name, a role and the fingerprint of
//! their public key. Managed by the database's owner (an admin).

use rusqlite::{params, OptionalExtension};

use super::{audit, codec, Result, Store, StoreError};
use crate::actor::Actor;
use crate::domain::{Permission, Role, RuleError, Scope};

/// A coordinator who may connect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// Row id.
    pub id: i64,
    /// Their name, as the audit trail shows it.
    pub name: String,
    /// What they may do.
    pub role: Role,
    /// `SHA256:…` of their public key.
    pub key_fingerprint: String,
    /// The public key, in OpenSSH's one-line form.
    pub public_key: String,
    /// Their interface language (`en`, `es`), when they chose one: it wins
    /// over what their ssh client sends.
    pub lang: Option<String>,
    /// Changes whenever what they may do does (role, `users kick`): a
    /// session that logged in at another value is over.
    pub access: i64,
    /// The shelters they see and change: every one (`--network`), or
    /// those they were given.
    pub scope: Scope,
}

const USER_COLUMNS: &str = "id, name, role, key_fingerprint, public_key, lang, access, network";

/// A user's row; their shelters are read after ([`with_shelters`]).
fn user_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<User> {
    let network: bool = r.get(7)?;
    Ok(User {
        id: r.get(0)?,
        name: r.get(1)?,
        role: codec::parse_enum(2, &r.get::<_, String>(2)?)?,
        key_fingerprint: r.get(3)?,
        public_key: r.get(4)?,
        lang: r.get(5)?,
        access: r.get(6)?,
        scope: if network {
            Scope::Network
        } else {
            Scope::Shelters(Vec::new())
        },
    })
}

/// `user` with the shelters they were given, when they are not network-wide.
fn with_shelters(conn: &rusqlite::Connection, mut user: User) -> rusqlite::Result<User> {
    if !user.scope.is_network() {
        let ids = conn
            .prepare_cached(
                "SELECT shelter_id FROM coordinator_shelter WHERE coordinator_id = ?1
                 ORDER BY shelter_id",
            )?
            .query_map([user.id], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<i64>>>()?;
        user.scope = Scope::Shelters(ids);
    }
    Ok(user)
}

/// Writes `scope` as user `id`'s: the network flag and their shelters,
/// each of which must exist.
fn write_scope(tx: &rusqlite::Transaction<'_>, id: i64, scope: &Scope) -> Result<()> {
    tx.execute(
        "UPDATE coordinator SET network = ?2 WHERE id = ?1",
        params![id, scope.is_network()],
    )?;
    tx.execute(
        "DELETE FROM coordinator_shelter WHERE coordinator_id = ?1",
        [id],
    )?;
    if let Scope::Shelters(ids) = scope {
        for &shelter in ids {
            super::require(tx, "shelter", shelter)?;
            tx.execute(
                "INSERT INTO coordinator_shelter (coordinator_id, shelter_id) VALUES (?1, ?2)",
                [id, shelter],
            )?;
        }
    }
    Ok(())
}

/// How a scope reads in the audit trail and `users list`: `network`, or
/// the shelters' ids.
fn scope_summary(scope: &Scope) -> String {
    match scope {
        Scope::Network => "network".into(),
        Scope::Shelters(ids) if ids.is_empty() => "no shelter".into(),
        Scope::Shelters(ids) => {
            let ids: Vec<String> = ids.iter().map(|i| format!("shelter {i}")).collect();
            ids.join(", ")
        }
    }
}

/// A user name: letters, digits, `.`, `-`, `_`, 1 to 40 of them (it goes
/// into audit rows and log lines).
fn check_name(name: &str) -> Result<()> {
    let ok = (1..=40).contains(&name.chars().count())
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | '_'));
    if ok {
        Ok(())
    } else {
        Err(RuleError::UnknownValue {
            field: "user name (1 to 40 letters, digits, '.', '-' or '_')",
            value: name.to_string(),
        }
        .into())
    }
}

impl Store {
    /// Registers a user with their key, seeing the shelters of `scope`; a
    /// name or key already registered is refused, naming whom it belongs to.
    pub fn add_user(
        &mut self,
        name: &str,
        role: Role,
        key_fingerprint: &str,
        public_key: &str,
        scope: &Scope,
        actor: &Actor,
    ) -> Result<User> {
        self.allow(Permission::ManageUsers)?;
        check_name(name)?;
        if let Some(u) = self.user_by_fingerprint(key_fingerprint)? {
            return Err(StoreError::AlreadyRegistered {
                what: "key",
                name: u.name,
            });
        }
        if self.user(name)?.is_some() {
            return Err(StoreError::AlreadyRegistered {
                what: "name",
                name: name.to_string(),
            });
        }
        self.transact(|tx, now| {
            tx.execute(
                "INSERT INTO coordinator (name, role, key_fingerprint, public_key, created_at,
                    updated_at, updated_by) VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?6)",
                params![
                    name,
                    role.as_str(),
                    key_fingerprint,
                    public_key,
                    codec::secs(now),
                    actor.as_str()
                ],
            )?;
            let id = tx.last_insert_rowid();
            write_scope(tx, id, scope)?;
            let summary = format!("{role}; {}", scope_summary(scope));
            audit::record(tx, now, actor, "coordinator.create", id, &summary)
        })?;
        Ok(self.user(name)?.expect("just added"))
    }

    /// Every user, by name.
    pub fn users(&self) -> Result<Vec<User>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {USER_COLUMNS} FROM coordinator ORDER BY name"
        ))?;
        let rows = stmt.query_map([], user_row)?;
        let users = rows.collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(users
            .into_iter()
            .map(|u| with_shelters(&self.conn, u))
            .collect::<rusqlite::Result<_>>()?)
    }

    /// The user with this name.
    pub fn user(&self, name: &str) -> Result<Option<User>> {
        let sql = format!("SELECT {USER_COLUMNS} FROM coordinator WHERE name = ?1");
        let user = self.conn.query_row(&sql, [name], user_row).optional()?;
        Ok(user.map(|u| with_shelters(&self.conn, u)).transpose()?)
    }

    /// Gives a user other shelters (or the whole network): their live
    /// sessions end, as for a new role.
    pub fn set_user_scope(&mut self, name: &str, scope: &Scope, actor: &Actor) -> Result<User> {
        self.allow(Permission::ManageUsers)?;
        let user = self.user(name)?.ok_or_else(|| unknown(name))?;
        self.transact(|tx, now| {
            write_scope(tx, user.id, scope)?;
            tx.execute(
                "UPDATE coordinator SET updated_at = ?2, updated_by = ?3,
                    version = version + 1, access = access + 1 WHERE id = ?1",
                params![user.id, codec::secs(now), actor.as_str()],
            )?;
            let summary = format!(
                "shelters: {} -> {}",
                scope_summary(&user.scope),
                scope_summary(scope)
            );
            audit::record(tx, now, actor, "coordinator.shelters", user.id, &summary)
        })?;
        Ok(self.user(name)?.expect("still there"))
    }

    /// The user whose key has this fingerprint (how a connection is known).
    pub fn user_by_fingerprint(&self, fingerprint: &str) -> Result<Option<User>> {
        let sql = format!("SELECT {USER_COLUMNS} FROM coordinator WHERE key_fingerprint = ?1");
        let user = self
            .conn
            .query_row(&sql, [fingerprint], user_row)
            .optional()?;
        Ok(user.map(|u| with_shelters(&self.conn, u)).transpose()?)
    }

    /// Removes a user: their key no longer connects.
    pub fn remove_user(&mut self, name: &str, actor: &Actor) -> Result<()> {
        self.allow(Permission::ManageUsers)?;
        let user = self.user(name)?.ok_or_else(|| unknown(name))?;
        self.transact(|tx, now| {
            tx.execute("DELETE FROM coordinator WHERE id = ?1", [user.id])?;
            audit::record(tx, now, actor, "coordinator.remove", user.id, "")
        })
    }

    /// Sets (or, with `None`, clears) a user's interface language: `en` or
    /// `es`.
    pub fn set_user_lang(&mut self, name: &str, lang: Option<&str>, actor: &Actor) -> Result<User> {
        self.allow(Permission::ManageUsers)?;
        if let Some(l) = lang.filter(|l| !matches!(*l, "en" | "es")) {
            return Err(RuleError::UnknownValue {
                field: "language (en or es)",
                value: l.to_string(),
            }
            .into());
        }
        let user = self.user(name)?.ok_or_else(|| unknown(name))?;
        self.transact(|tx, now| {
            tx.execute(
                "UPDATE coordinator SET lang = ?2, updated_at = ?3, updated_by = ?4,
                    version = version + 1 WHERE id = ?1",
                params![user.id, lang, codec::secs(now), actor.as_str()],
            )?;
            let summary = format!("lang: {}", lang.unwrap_or("none"));
            audit::record(tx, now, actor, "coordinator.lang", user.id, &summary)
        })?;
        Ok(self.user(name)?.expect("still there"))
    }

    /// Gives a user another role.
    pub fn set_user_role(&mut self, name: &str, role: Role, actor: &Actor) -> Result<User> {
        self.allow(Permission::ManageUsers)?;
        let user = self.user(name)?.ok_or_else(|| unknown(name))?;
        self.transact(|tx, now| {
            tx.execute(
                "UPDATE coordinator SET role = ?2, updated_at = ?3, updated_by = ?4,
                    version = version + 1, access = access + 1 WHERE id = ?1",
                params![user.id, role.as_str(), codec::secs(now), actor.as_str()],
            )?;
            let summary = format!("role: {} -> {}", user.role, role);
            audit::record(tx, now, actor, "coordinator.role", user.id, &summary)
        })?;
        Ok(self.user(name)?.expect("still there"))
    }
}

impl Store {
    /// Ends a user's live sessions (a lost phone): they may connect again
    /// with their key. Audited.
    pub fn kick_user(&mut self, name: &str, actor: &Actor) -> Result<User> {
        self.allow(Permission::ManageUsers)?;
        let user = self.user(name)?.ok_or_else(|| unknown(name))?;
        self.transact(|tx, now| {
            tx.execute(
                "UPDATE coordinator SET updated_at = ?2, updated_by = ?3,
                    version = version + 1, access = access + 1 WHERE id = ?1",
                params![user.id, codec::secs(now), actor.as_str()],
            )?;
            audit::record(
                tx,
                now,
                actor,
                "coordinator.kick",
                user.id,
                "sessions ended",
            )
        })?;
        Ok(self.user(name)?.expect("still there"))
    }

    /// Every user's name and access number (what the server compares its
    /// live sessions with).
    pub fn user_access(&self) -> Result<Vec<(String, i64)>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT name, access FROM coordinator")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// This handle writes for the user `name` logged in at `access`: every
    /// write first checks, in its own transaction, that the user is still
    /// there at that access, and is refused with [`StoreError::Revoked`]
    /// otherwise.
    #[must_use]
    pub fn for_user(mut self, name: &str, access: i64) -> Self {
        self.session_user = Some((name.to_string(), access));
        self
    }

    /// This handle acting for `user`, as every served session and command
    /// does: in their role, for their shelters, writing only while their
    /// access is what they logged in at.
    #[must_use]
    pub fn as_user(self, user: &User) -> Self {
        self.with_role(user.role)
            .with_scope(user.scope.clone())
            .for_user(&user.name, user.access)
    }
}

/// `Revoked` unless `name` is still a user at `access` (checked inside the
/// write's transaction, so a revocation committed before it is always seen).
pub(super) fn check_access(tx: &rusqlite::Transaction<'_>, name: &str, access: i64) -> Result<()> {
    let now: Option<i64> = tx
        .prepare_cached("SELECT access FROM coordinator WHERE name = ?1")?
        .query_row([name], |r| r.get(0))
        .optional()?;
    if now == Some(access) {
        Ok(())
    } else {
        Err(StoreError::Revoked {
            name: name.to_string(),
        })
    }
}

fn unknown(name: &str) -> StoreError {
    RuleError::UnknownValue {
        field: "user",
        value: name.to_string(),
    }
    .into()
}
