//! Where a PostgreSQL database is: a URL (`postgres://` or `postgresql://`)
//! or libpq's `key=value` words, with libpq's `PG*` variables for what the
//! string leaves out (as `psql` reads them).

use anyhow::{bail, Context, Result};
use postgres::{Client, Config, NoTls};

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
    /// `PGPASSWORD`, `PGDATABASE` and `PGSSLMODE` fill in what it leaves out.
    pub fn parse(db: &str) -> Result<Self> {
        Self::parse_with(db, |name| std::env::var(name).ok())
    }

    fn parse_with(db: &str, env: impl Fn(&str) -> Option<String>) -> Result<Self> {
        let shown = redacted(db);
        let mut config: Config = db
            .trim()
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
        if let Some(mode) = env("PGSSLMODE") {
            if !db.contains("sslmode") {
                match mode.as_str() {
                    "disable" => config.ssl_mode(postgres::config::SslMode::Disable),
                    "prefer" | "allow" => config.ssl_mode(postgres::config::SslMode::Prefer),
                    other => bail!(
                        "PGSSLMODE={other}: albergue connects without TLS so far (local sockets and \
                         trusted networks); use sslmode=disable, or a local socket"
                    ),
                };
            }
        }
        if !matches!(
            config.get_ssl_mode(),
            postgres::config::SslMode::Disable | postgres::config::SslMode::Prefer
        ) {
            bail!(
                "{shown}: sslmode: albergue connects without TLS so far (local sockets and trusted \
                 networks); use sslmode=disable, or a local socket"
            );
        }
        let where_ = format!(
            "{} (database {}, user {})",
            shown,
            config.get_dbname().unwrap_or_default(),
            config.get_user().unwrap_or_default()
        );
        Ok(Self {
            config,
            shown: where_,
        })
    }

    /// Connects (a clear message naming the target when it cannot).
    pub fn connect(&self) -> Result<Client> {
        self.config
            .connect(NoTls)
            .with_context(|| format!("cannot connect to PostgreSQL at {}", self.shown))
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
            "dbname=albergue (database albergue, user ana)"
        );
        let err = Target::parse_with("dbname=x sslmode=require", env).unwrap_err();
        assert!(format!("{err:#}").contains("without TLS"), "{err:#}");
        let err = Target::parse_with("postgres://a@b/c?port=zz", env).unwrap_err();
        assert!(
            format!("{err:#}").contains("not a PostgreSQL connection string"),
            "{err:#}"
        );
    }
}
