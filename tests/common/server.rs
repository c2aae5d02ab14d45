//! `albergue serve` on 127.0.0.1 for the tests, and the real OpenSSH
//! client that talks to it.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use albergue::store::{OpenMode, Store};

use super::terminal::Session;
use super::{make_demo, text, NOW};

/// The grace time the tests give a connection to start a dashboard.
pub const GRACE_SECS: u64 = 3;

/// A running `albergue serve`, stopped (SIGTERM) when dropped.
pub struct Server {
    pub child: Child,
    pub port: u16,
    pub home: tempfile::TempDir,
    pub db: PathBuf,
    /// The database's key, when it is encrypted.
    pub key: Option<PathBuf>,
    pub log: mpsc::Receiver<String>,
}

/// Makes an Ed25519 key pair `home/name` with ssh-keygen.
pub fn key(home: &Path, name: &str) -> PathBuf {
    let path = home.join(name);
    let ok = Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-C", name, "-f"])
        .arg(&path)
        .status()
        .expect("ssh-keygen runs (Debian's openssh-client package)");
    assert!(ok.success());
    path
}

/// `ssh` as `user` running a served `command` (its words as ssh sends
/// them), with no input.
pub fn run(server: &Server, user: &str, command: &[&str]) -> std::process::Output {
    let mut args = server.ssh(user, user);
    args.push("--".into());
    args.extend(command.iter().map(|s| s.to_string()));
    Command::new("ssh")
        .args(&args)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

/// `albergue users add NAME --role ROLE --key KEY --network` on `db`.
pub fn add_user(
    home: &Path,
    db: &Path,
    name: &str,
    role: &str,
    key: &Path,
) -> std::process::Output {
    let key = key.to_str().unwrap();
    super::on_db(
        home,
        db,
        &[
            "users",
            "add",
            name,
            "--role",
            role,
            "--key",
            key,
            "--network",
        ],
    )
}

impl Server {
    /// A demo roster with maria (coordinator) and pedro (volunteer), served.
    pub fn start() -> Self {
        Self::start_with(&[])
    }

    /// The same, with more flags for `albergue serve`.
    pub fn start_with(flags: &[&str]) -> Self {
        Self::launch(flags, false)
    }

    /// The same on a database encrypted with a key that serve is given.
    pub fn start_encrypted() -> Self {
        Self::launch(&[], true)
    }

    fn launch(flags: &[&str], encrypted: bool) -> Self {
        let home = tempfile::tempdir().unwrap();
        let db = make_demo(home.path(), 500);
        let db_key = encrypted.then(|| {
            let path = home.path().join("db.key");
            let path_text = path.to_str().unwrap();
            for args in [
                &["key", "new", "--out", path_text][..],
                &["encrypt", "--key-file", path_text],
            ] {
                let o = super::on_db(home.path(), &db, args);
                assert!(o.status.success(), "{}", text(&o));
            }
            path
        });
        let mut flags: Vec<&str> = flags.to_vec();
        if let Some(k) = &db_key {
            flags.extend(["--key-file", k.to_str().unwrap()]);
        }
        for (name, role) in [("maria", "coordinator"), ("pedro", "volunteer")] {
            let public = key(home.path(), name).with_extension("pub");
            let public = public.to_str().unwrap();
            let mut args = vec![
                "users",
                "add",
                name,
                "--role",
                role,
                "--key",
                public,
                "--network",
            ];
            if let Some(k) = &db_key {
                args.extend(["--key-file", k.to_str().unwrap()]);
            }
            let o = super::on_db(home.path(), &db, &args);
            assert!(o.status.success(), "{}", text(&o));
        }
        key(home.path(), "stranger");
        let mut child = Command::new(env!("CARGO_BIN_EXE_albergue"))
            .args(["serve", "--listen", "127.0.0.1:0"])
            .args(if flags.contains(&"--grace") {
                vec![]
            } else {
                vec!["--grace".to_string(), GRACE_SECS.to_string()]
            })
            .args(["--now", NOW, "--db"])
            .arg(&db)
            .args(&flags)
            .env("HOME", home.path())
            .env("XDG_STATE_HOME", home.path().join("state"))
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let (tx, log) = mpsc::channel();
        let stderr = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        let mut server = Self {
            child,
            port: 0,
            home,
            db,
            key: db_key,
            log,
        };
        let line = server.wait_log("listening on");
        let addr = line.split("listening on ").nth(1).unwrap();
        let addr = addr.split_whitespace().next().unwrap();
        server.port = addr.rsplit(':').next().unwrap().parse().unwrap();
        server
    }

    /// Waits for a log line holding `text`.
    pub fn wait_log(&self, text: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(15);
        while let Ok(line) = self.log.recv_timeout(deadline - Instant::now()) {
            if line.contains(text) {
                return line;
            }
        }
        panic!("the server never logged {text:?}");
    }

    /// `ssh` with the test's options, as `user` with `key`.
    pub fn ssh(&self, key: &str, user: &str) -> Vec<String> {
        let key = self.home.path().join(key);
        [
            "-F",
            "/dev/null",
            "-o",
            "StrictHostKeyChecking=no",
            "-o",
            "UserKnownHostsFile=/dev/null",
            "-o",
            "LogLevel=ERROR",
            "-o",
            "IdentitiesOnly=yes",
            "-o",
            "BatchMode=yes",
            "-i",
            key.to_str().unwrap(),
            "-p",
            &self.port.to_string(),
            &format!("{user}@127.0.0.1"),
        ]
        .map(String::from)
        .to_vec()
    }

    /// The dashboard for `user` in an 80×24 terminal, through `ssh -tt`.
    pub fn dashboard(&self, user: &str) -> Session {
        let args = self.ssh(user, user).join(" ");
        let s = Session::run(self.home.path(), &format!("ssh -tt {args}"), &[]);
        s.wait_for("Due soonest");
        s
    }

    /// Runs a client to its end; returns its exit code, output and time.
    pub fn client(&self, program: &str, args: &[String]) -> (Option<i32>, String, Duration) {
        let started = Instant::now();
        let o = Command::new(program)
            .args(args)
            .stdin(Stdio::null())
            .output()
            .unwrap();
        (o.status.code(), text(&o), started.elapsed())
    }

    /// Asks the server to stop (SIGTERM), as systemd does.
    pub fn terminate(&self) {
        Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
    }

    pub fn store(&self) -> Store {
        let key = self
            .key
            .as_ref()
            .map(|k| std::sync::Arc::new(albergue::store::DbKey::read(k).unwrap()));
        Store::open_keyed(&self.db, OpenMode::Existing, key).unwrap()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if self.child.try_wait().ok().flatten().is_none() {
            let _ = Command::new("kill")
                .args(["-TERM", &self.child.id().to_string()])
                .status();
        }
        let _ = self.child.wait();
    }
}

/// A client that trusts any host key (the server is the test's own).
pub struct Trusting;

impl russh::client::Handler for Trusting {
    type Error = russh::Error;

    async fn check_server_key(
        &mut self,
        _key: &russh::keys::PublicKeyOrCertificate,
    ) -> Result<bool, Self::Error> {
        Ok(true)
    }
}

/// Runs `body` on a runtime of its own (the tests are synchronous).
pub fn block_on<F: std::future::Future>(body: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(body)
}

impl Server {
    /// An SSH connection by russh's client, not logged in yet.
    pub async fn connect(&self) -> russh::client::Handle<Trusting> {
        let config = std::sync::Arc::new(russh::client::Config::default());
        russh::client::connect(config, ("127.0.0.1", self.port), Trusting)
            .await
            .unwrap()
    }

    /// The same, logged in as `user` with their key.
    pub async fn log_in(&self, user: &str) -> russh::client::Handle<Trusting> {
        let mut ssh = self.connect().await;
        let key = russh::keys::load_secret_key(self.home.path().join(user), None).unwrap();
        let key = russh::keys::PrivateKeyWithHashAlg::new(std::sync::Arc::new(key), None);
        assert!(ssh
            .authenticate_publickey(user, key)
            .await
            .unwrap()
            .success());
        ssh
    }
}
