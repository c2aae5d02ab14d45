//! Where a PostgreSQL database is: a URL (`postgres://` or `postgresql://`)
//! or libpq's `key=value` words, with libpq's `PG*` variables for what the
//! string leaves out (as `psql` reads them).

use anyhow::{Context, Result};
use std::time::Duration;

use postgres::{Client, Config, NoTls};

use super::tls;

/// Whether a `--db` value names a PostgreSQL database rather than a file.
pub fn is_postgres(db: &str) -> bool {
    let db = db.trim_start();
    db.starts_with("postgres://")
        || db.starts_with("postgresql://")
        || [
            "host=",
            "hostaddr=",
            "dbname=",
            "service=",
            "user=",
            "port=",
        ]
        .iter()
        .any(|key| db.starts_with(key) || db.contains(&format!(" {key}")))
}

/// The string as it may be shown or logged: without its password.
pub fn redacted(db: &str) -> String {
    if let Some((scheme, rest)) = db.split_once("://") {
        if let Some((auth, host)) = rest.split_once('@') {
            let user = auth.split_once(':').map_or(auth, |(user, _)| user);
            return format!("{scheme}://{user}@{host}");
        }
        return db.to_string();
    }
    db.split_whitespace()
        .map(|word| match word.split_once('=') {
            Some(("password", _)) => "password=…".to_string(),
            _ => word.to_string(),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A PostgreSQL database to connect to.
#[derive(Clone)]
pub struct Target {
    config: Config,
    tls: tls::Tls,
    shown: String,
}

impl std::fmt::Debug for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.shown)
    }
}

impl std::fmt::Display for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.shown)
    }
}

impl Target {
    /// Reads a connection string; `PGHOST`, `PGPORT`, `PGUSER`,
    /// `PGPASSWORD`, `PGDATABASE`, `PGSSLMODE` and `PGSSLROOTCERT` fill in
    /// what it leaves out.
    pub fn parse(db: &str) -> Result<Self> {
        Self::parse_with(db, |name| std::env::var(name).ok())
    }

    fn parse_with(db: &str, env: impl Fn(&str) -> Option<String>) -> Result<Self> {
        let shown = redacted(db);
        let (rest, mode, root) = tls::take_ssl(db).with_context(|| format!("{shown}: sslmode"))?;
        let mut config: Config = rest
            .parse()
            .with_context(|| format!("{shown}: not a PostgreSQL connection string"))?;
        if config.get_hosts().is_empty() {
            let hosts = env("PGHOST").unwrap_or_else(|| "/var/run/postgresql".to_string());
            for host in hosts.split(',') {
                if host.starts_with('/') {
                    config.host_path(host);
                } else {
                    config.host(host);
                }
            }
        }
        if config.get_ports().is_empty() {
            if let Some(port) = env("PGPORT") {
                let port: u16 = port
                    .parse()
                    .with_context(|| format!("PGPORT={port}: not a port number"))?;
                config.port(port);
            }
        }
        if config.get_user().is_none() {
            let user = env("PGUSER")
                .or_else(|| env("USER"))
                .context("no user: give one in the connection string (user=…) or PGUSER")?;
            config.user(&user);
        }
        if config.get_dbname().is_none() {
            let name = env("PGDATABASE")
                .unwrap_or_else(|| config.get_user().unwrap_or_default().to_string());
            config.dbname(&name);
        }
        if config.get_password().is_none() {
            if let Some(password) = env("PGPASSWORD") {
                config.password(password);
            }
        }
        let tls = tls::choose(
            mode.or_else(|| env("PGSSLMODE")).as_deref(),
            root.or_else(|| env("PGSSLROOTCERT")).as_deref(),
            env("HOME").as_deref().map(std::path::Path::new),
        )
        .with_context(|| format!("{shown}: TLS"))?;
        config.ssl_mode(tls.mode());
        let where_ = format!(
            "{} (database {}, user {}, {})",
            shown,
            config.get_dbname().unwrap_or_default(),
            config.get_user().unwrap_or_default(),
            tls.label()
        );
        Ok(Self {
            config,
            tls,
            shown: where_,
        })
    }

    /// Connects (a clear message naming the target when it cannot).
    pub fn connect(&self) -> Result<Client> {
        Self::connect_with(&self.config, &self.tls, &self.shown)
    }

    /// Connects for a long-lived task named `name` (shown in
    /// `pg_stat_activity`), with TCP keepalives so that a dead peer (a
    /// primary gone without a goodbye) is noticed within seconds.
    pub fn connect_as(&self, name: &str) -> Result<Client> {
        let mut config = self.config.clone();
        config
            .application_name(name)
            .keepalives(true)
            .keepalives_idle(Duration::from_secs(5))
            .keepalives_interval(Duration::from_secs(1))
            .keepalives_retries(3)
            .connect_timeout(Duration::from_secs(5));
        Self::connect_with(&config, &self.tls, &self.shown)
    }

    fn connect_with(config: &Config, tls: &tls::Tls, shown: &str) -> Result<Client> {
        let connected = match tls.connector()? {
            None => config.connect(NoTls),
            Some(connector) => config.connect(connector),
        };
        connected.with_context(|| format!("cannot connect to PostgreSQL at {shown}"))
    }
}

/// Connects to the database a connection string names.
pub fn connect(db: &str) -> Result<Client> {
    Target::parse(db)?.connect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_and_words_are_postgres_and_paths_are_not() {
        assert!(is_postgres("postgres://a@b/c"));
        assert!(is_postgres("postgresql:///albergue"));
        assert!(is_postgres(
            "host=a,b dbname=albergue target_session_attrs=read-write"
        ));
        assert!(is_postgres("dbname=albergue"));
        assert!(!is_postgres("/var/lib/albergue/albergue.db"));
        assert!(!is_postgres("albergue.db"));
    }

    #[test]
    fn passwords_are_never_shown() {
        assert_eq!(
            redacted("postgres://ana:secret@db.local/x"),
            "postgres://ana@db.local/x"
        );
        assert_eq!(
            redacted("host=a password=secret dbname=x"),
            "host=a password=… dbname=x"
        );
    }

    #[test]
    fn the_variables_fill_what_the_string_leaves_out() {
        let env = |name: &str| match name {
            "PGHOST" => Some("localhost".to_string()),
            "PGPORT" => Some("5433".to_string()),
            "PGUSER" => Some("ana".to_string()),
            "PGDATABASE" => Some("red".to_string()),
            _ => None,
        };
        let target = Target::parse_with("dbname=albergue", env).unwrap();
        assert_eq!(target.config.get_dbname(), Some("albergue"));
        assert_eq!(target.config.get_user(), Some("ana"));
        assert_eq!(target.config.get_ports(), &[5433]);
        assert_eq!(
            target.to_string(),
            "dbname=albergue (database albergue, user ana, TLS if offered, not verified)"
        );
        let err = Target::parse_with("dbname=x sslmode=verify-full", env).unwrap_err();
        assert!(format!("{err:#}").contains("sslrootcert=FILE"), "{err:#}");
        let with_env = |name: &str| match name {
            "PGSSLMODE" => Some("verify-ca".to_string()),
            "PGSSLROOTCERT" => Some("/etc/albergue/pg-ca.crt".to_string()),
            other => env(other),
        };
        let target = Target::parse_with("dbname=albergue", with_env).unwrap();
        assert_eq!(
            target.tls,
            tls::Tls::VerifyCa("/etc/albergue/pg-ca.crt".into())
        );
        let target = Target::parse_with("dbname=albergue sslmode=disable", with_env).unwrap();
        assert_eq!(target.tls, tls::Tls::Off);
        let err = Target::parse_with("postgres://a@b/c?port=zz", env).unwrap_err();
        assert!(
            format!("{err:#}").contains("not a PostgreSQL connection string"),
            "{err:#}"
        );
    }
}
