//! Who is making a change: the OS user, and the SSH client address when the
//! session came in over SSH. Recorded in every audit row.

use std::fmt;

/// The person (OS account) behind a change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor(String);

impl Actor {
    /// An actor with an explicit name (jobs, tests).
    pub fn new(name: impl Into<String>) -> Self {
        Self(name.into())
    }

    /// The actor of this process: `$USER` (or `$LOGNAME`, else the numeric
    /// uid), plus `@client-address` when `SSH_CONNECTION` is set.
    pub fn from_env() -> Self {
        let user = std::env::var("USER")
            .or_else(|_| std::env::var("LOGNAME"))
            .ok()
            .filter(|u| !u.is_empty())
            .unwrap_or_else(uid_name);
        let client = std::env::var("SSH_CONNECTION").ok();
        Self::from_parts(&user, client.as_deref())
    }

    /// Builds the actor from a user name and an `SSH_CONNECTION` value
    /// (`client_ip client_port server_ip server_port`).
    pub fn from_parts(user: &str, ssh_connection: Option<&str>) -> Self {
        match ssh_connection.and_then(|c| c.split_whitespace().next()) {
            Some(ip) => Self(format!("{user}@{ip}")),
            None => Self(user.to_string()),
        }
    }

    /// The OS user alone, without the SSH client address (drafts follow
    /// the person, whichever address they come back from).
    pub fn user(&self) -> &str {
        self.0.split('@').next().unwrap_or(&self.0)
    }

    /// The name written to the audit trail.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Actor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn uid_name() -> String {
    format!("uid{}", rustix::process::geteuid().as_raw())
}

#[cfg(test)]
mod tests {
    use super::Actor;

    #[test]
    fn an_ssh_session_adds_the_client_address() {
        let a = Actor::from_parts("maria", Some("203.0.113.7 52144 10.0.0.2 22"));
        assert_eq!(a.as_str(), "maria@203.0.113.7");
        assert_eq!(Actor::from_parts("maria", None).as_str(), "maria");
    }
}
