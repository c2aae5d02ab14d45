//! TLS to PostgreSQL, with libpq's `sslmode` and `sslrootcert`: `disable`,
//! `prefer` (libpq's default: encrypted when the server offers it, not
//! verified), `require` (encrypted; verified against the root certificate
//! when there is one, as libpq does), `verify-ca` (the server's certificate
//! signed by the root) and `verify-full` (that, and for the host named).
//! rust-postgres reads neither `verify-*` nor `sslrootcert`: they are taken
//! out of the string here and done with OpenSSL.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use openssl::ssl::{SslConnector, SslMethod, SslVerifyMode};
use postgres::config::SslMode;
use postgres_openssl::MakeTlsConnector;

/// What the connection asks of TLS.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tls {
    /// `disable`: none.
    Off,
    /// `prefer`/`allow`: when the server offers it; not verified.
    Prefer,
    /// `require` without a root certificate: encrypted, not verified.
    Encrypt,
    /// `verify-ca` (or `require` with a root certificate).
    VerifyCa(PathBuf),
    /// `verify-full`.
    VerifyFull(PathBuf),
}

impl Tls {
    /// The mode rust-postgres is given.
    pub fn mode(&self) -> SslMode {
        match self {
            Tls::Off => SslMode::Disable,
            Tls::Prefer => SslMode::Prefer,
            _ => SslMode::Require,
        }
    }

    /// How it is shown: `TLS verify-full`, say.
    pub fn label(&self) -> &'static str {
        match self {
            Tls::Off => "no TLS",
            Tls::Prefer => "TLS if offered, not verified",
            Tls::Encrypt => "TLS, not verified",
            Tls::VerifyCa(_) => "TLS verify-ca",
            Tls::VerifyFull(_) => "TLS verify-full",
        }
    }

    /// The connector; `None` without TLS.
    pub fn connector(&self) -> Result<Option<MakeTlsConnector>> {
        if *self == Tls::Off {
            return Ok(None);
        }
        let mut builder = SslConnector::builder(SslMethod::tls_client())?;
        match self {
            Tls::VerifyCa(root) | Tls::VerifyFull(root) => {
                builder.set_ca_file(root).with_context(|| {
                    format!(
                        "sslrootcert {}: not a readable PEM certificate file",
                        root.display()
                    )
                })?;
                builder.set_verify(SslVerifyMode::PEER);
            }
            _ => builder.set_verify(SslVerifyMode::NONE),
        }
        let mut connector = MakeTlsConnector::new(builder.build());
        if !matches!(self, Tls::VerifyFull(_)) {
            connector.set_callback(|config, _| {
                config.set_verify_hostname(false);
                Ok(())
            });
        }
        Ok(Some(connector))
    }
}

/// Takes `sslmode` and `sslrootcert` out of a connection string (a URL's
/// query or libpq's words); returns the rest and the two values.
pub fn take_ssl(db: &str) -> Result<(String, Option<String>, Option<String>)> {
    let (mut mode, mut root) = (None, None);
    let mut keep = |key: &str, value: String| match key {
        "sslmode" => {
            mode = Some(value);
            false
        }
        "sslrootcert" => {
            root = Some(value);
            false
        }
        _ => true,
    };
    let db = db.trim();
    let rest = if db.starts_with("postgres://") || db.starts_with("postgresql://") {
        match db.split_once('?') {
            None => db.to_string(),
            Some((base, query)) => {
                let mut kept = Vec::new();
                for pair in query.split('&').filter(|p| !p.is_empty()) {
                    let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
                    if keep(key, percent_decoded(value)?) {
                        kept.push(pair);
                    }
                }
                if kept.is_empty() {
                    base.to_string()
                } else {
                    format!("{base}?{}", kept.join("&"))
                }
            }
        }
    } else {
        let mut kept = Vec::new();
        for word in db.split_whitespace() {
            match word.split_once('=') {
                Some((key @ ("sslmode" | "sslrootcert"), value)) => {
                    if value.starts_with('\'') {
                        bail!("{key}: give it without quotes (a path without spaces)");
                    }
                    keep(key, value.to_string());
                }
                _ => kept.push(word),
            }
        }
        kept.join(" ")
    };
    Ok((rest, mode, root))
}

fn percent_decoded(value: &str) -> Result<String> {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = value
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .with_context(|| format!("{value}: a % not followed by two hex digits"))?;
            out.push(hex);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).with_context(|| format!("{value}: not UTF-8"))
}

/// The TLS a mode and root certificate ask for. `home` is where libpq
/// looks for `.postgresql/root.crt` when no root certificate is named;
/// `system` names Debian's bundle of public authorities.
pub fn choose(mode: Option<&str>, root: Option<&str>, home: Option<&Path>) -> Result<Tls> {
    let named = root.map(|r| match r {
        "system" => PathBuf::from("/etc/ssl/certs/ca-certificates.crt"),
        path => PathBuf::from(path),
    });
    let default = home
        .map(|h| h.join(".postgresql/root.crt"))
        .filter(|p| p.exists());
    let root_or = |mode: &str| {
        named.clone().or(default.clone()).with_context(|| {
            format!(
                "sslmode={mode} needs the certificate of the authority that signed the server's: \
                 sslrootcert=FILE (or ~/.postgresql/root.crt, or sslrootcert=system)"
            )
        })
    };
    Ok(match mode.unwrap_or("prefer") {
        "disable" => Tls::Off,
        "allow" | "prefer" => Tls::Prefer,
        "require" => match named.or(default) {
            Some(root) => Tls::VerifyCa(root),
            None => Tls::Encrypt,
        },
        "verify-ca" => Tls::VerifyCa(root_or("verify-ca")?),
        "verify-full" => Tls::VerifyFull(root_or("verify-full")?),
        other => bail!(
            "sslmode={other}: not a mode (disable, allow, prefer, require, verify-ca, verify-full)"
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ssl_words_are_taken_out_of_both_forms() {
        let (rest, mode, root) =
            take_ssl("host=db dbname=x sslmode=verify-full sslrootcert=/etc/ca.pem").unwrap();
        assert_eq!(rest, "host=db dbname=x");
        assert_eq!(mode.as_deref(), Some("verify-full"));
        assert_eq!(root.as_deref(), Some("/etc/ca.pem"));
        let (rest, mode, root) = take_ssl(
            "postgres://a@db/x?sslmode=verify-ca&sslrootcert=%2Fetc%2Fca.pem&application_name=y",
        )
        .unwrap();
        assert_eq!(rest, "postgres://a@db/x?application_name=y");
        assert_eq!(mode.as_deref(), Some("verify-ca"));
        assert_eq!(root.as_deref(), Some("/etc/ca.pem"));
        assert_eq!(
            take_ssl("postgres://a@db/x").unwrap().0,
            "postgres://a@db/x"
        );
    }

    #[test]
    fn modes_follow_libpq() {
        assert_eq!(choose(None, None, None).unwrap(), Tls::Prefer);
        assert_eq!(choose(Some("disable"), None, None).unwrap(), Tls::Off);
        assert_eq!(choose(Some("require"), None, None).unwrap(), Tls::Encrypt);
        assert_eq!(
            choose(Some("require"), Some("/ca.pem"), None).unwrap(),
            Tls::VerifyCa("/ca.pem".into())
        );
        assert_eq!(
            choose(Some("verify-full"), Some("system"), None).unwrap(),
            Tls::VerifyFull("/etc/ssl/certs/ca-certificates.crt".into())
        );
        let err = choose(Some("verify-full"), None, None).unwrap_err();
        assert!(err.to_string().contains("sslrootcert=FILE"), "{err}");
        let err = choose(Some("verify_full"), None, None).unwrap_err();
        assert!(err.to_string().contains("not a mode"), "{err}");
    }
}
