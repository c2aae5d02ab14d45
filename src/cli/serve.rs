//! `albergue serve` and the users it lets in.

use anyhow::Result;

use super::args::ShelterScope;
use super::{protect, Cli, ServeArgs, UsersCommand};
use crate::actor::Actor;
use crate::domain::Scope;
use crate::paths;
use crate::store::DbFile;

/// `albergue serve`.
pub(super) fn serve(cli: &Cli, args: ServeArgs) -> Result<u8> {
    let ServeArgs {
        listen,
        host_key,
        grace,
        per_address,
        max_connections,
        idle_lock,
        max_session,
        idle_lock_secs,
        keepalive_secs,
    } = args;
    let db = paths::resolve(cli.db.as_deref(), cli.demo)?;
    let key = protect::database_key(cli.key_file.as_deref())?;
    let host_key = host_key.unwrap_or_else(|| {
        db.path
            .parent()
            .unwrap_or(std::path::Path::new("."))
            .join("albergue-host-key")
    });
    crate::serve::run(&crate::serve::Options {
        listen,
        db: DbFile { path: db.path, key },
        host_key,
        grace: std::time::Duration::from_secs(grace),
        per_address,
        total: max_connections,
        now: cli.now,
        idle: std::time::Duration::from_secs(idle_lock_secs.unwrap_or(idle_lock * 60)),
        longest: std::time::Duration::from_secs(max_session * 3600),
        keepalive: std::time::Duration::from_secs(keepalive_secs),
    })?;
    Ok(0)
}

fn parse_role(text: &str) -> Result<crate::domain::Role> {
    text.parse()
        .map_err(|_| anyhow::anyhow!("unknown role {text:?}: volunteer, coordinator or admin"))
}

/// The scope `--shelter NAME…` or `--network` asks for: each name a
/// shelter's (or its city's), else an error listing the shelters.
fn scope_of(store: &crate::store::Store, asked: &ShelterScope) -> Result<Scope> {
    if asked.network {
        return Ok(Scope::Network);
    }
    let ids = asked
        .shelters
        .iter()
        .map(|name| shelter_id(store, "--shelter", name))
        .collect::<Result<Vec<_>>>()?;
    Ok(Scope::shelters(ids))
}

/// The shelter called `name` (or in that city), else an error naming the
/// option (`flag`) and listing the shelters.
pub(super) fn shelter_id(store: &crate::store::Store, flag: &str, name: &str) -> Result<i64> {
    if let Some(id) = store.shelter_named(name)? {
        return Ok(id);
    }
    let known: Vec<String> = store.shelters()?.into_iter().map(|s| s.name).collect();
    anyhow::bail!(
        "{flag} {name:?}: no shelter of that name or city (the shelters: {})",
        if known.is_empty() {
            "none yet".to_string()
        } else {
            known.join(", ")
        }
    )
}

/// A scope as `users` prints it: `network`, or the shelters' names.
fn scope_names(store: &crate::store::Store, scope: &Scope) -> Result<String> {
    Ok(match scope {
        Scope::Network => "network".into(),
        Scope::Shelters(ids) if ids.is_empty() => "no shelter".into(),
        Scope::Shelters(ids) => store
            .shelters()?
            .into_iter()
            .filter(|s| ids.contains(&s.id))
            .map(|s| s.name)
            .collect::<Vec<_>>()
            .join(", "),
    })
}

/// `albergue users`.
pub(super) fn users(cli: &Cli, command: UsersCommand) -> Result<u8> {
    let mut store = cli.open_existing()?;
    let store = &mut store;
    let actor = Actor::from_env();
    match command {
        UsersCommand::Add {
            name,
            role,
            key,
            shelters,
        } => {
            let role = parse_role(&role)?;
            let scope = scope_of(store, &shelters)?;
            let public = crate::openssh::read_public_key(&key)?;
            let line = public
                .to_openssh()
                .map_err(|e| anyhow::anyhow!("{}: {e}", key.display()))?;
            let fp = crate::openssh::fingerprint(&public);
            store.add_user(&name, role, &fp, &line, &scope, &actor)?;
            tracing::info!(role = %role, key = %fp, "user added");
            eprintln!(
                "users: {name} added as {role} for {} ({fp})",
                scope_names(store, &scope)?
            );
        }
        UsersCommand::List => {
            for u in store.users()? {
                println!(
                    "{:<24} {:<12} {:<4} {:<30} {}",
                    u.name,
                    u.role.as_str(),
                    u.lang.as_deref().unwrap_or("-"),
                    scope_names(store, &u.scope)?,
                    u.key_fingerprint
                );
            }
        }
        UsersCommand::SetShelters { name, shelters } => {
            let scope = scope_of(store, &shelters)?;
            let user = store.set_user_scope(&name, &scope, &actor)?;
            tracing::info!("user's shelters changed");
            eprintln!(
                "users: {} now sees {}; their live sessions end now",
                user.name,
                scope_names(store, &user.scope)?
            );
        }
        UsersCommand::Remove { name } => {
            store.remove_user(&name, &actor)?;
            tracing::info!("user removed");
            eprintln!("users: {name} removed; their live sessions end now");
        }
        UsersCommand::Kick { name } => {
            store.kick_user(&name, &actor)?;
            tracing::info!("user's sessions ended");
            eprintln!("users: {name}'s live sessions end now (their key still connects)");
        }
        UsersCommand::SetLang { name, lang } => {
            let lang = (lang != "none").then_some(lang.as_str());
            let user = store.set_user_lang(&name, lang, &actor)?;
            tracing::info!(lang = lang.unwrap_or("none"), "user's language changed");
            eprintln!(
                "users: {} speaks {}",
                user.name,
                user.lang.as_deref().unwrap_or("their client's language")
            );
        }
        UsersCommand::SetRole { name, role } => {
            let role = parse_role(&role)?;
            store.set_user_role(&name, role, &actor)?;
            tracing::info!(role = %role, "user's role changed");
            eprintln!("users: {name} is now {role}; their live sessions end now");
        }
    }
    Ok(0)
}
