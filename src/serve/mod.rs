//! `albergue serve`: the dashboard over SSH, with no shell accounts. One
//! process owns the database; each connection is a named coordinator known
//! by their public key, and each session runs its own `App` with a store
//! handle that carries the coordinator's role. The SSH surface is minimal:
//! one session channel with a pty and a shell; everything else is refused
//! with a reply, never left unanswered.

mod accept;
mod command;
mod gate;
mod input;
mod session;

pub use crate::openssh::{fingerprint, host_key, read_private_key, read_public_key};
pub use input::Parser;

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::OnceLock;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use russh::server::{Auth, ChannelOpenHandle, Msg, Session};
use russh::{Channel, ChannelId, MethodKind, MethodSet};
use tokio::sync::{mpsc, watch};

use crate::actor::Actor;
use crate::i18n::Lang;
use crate::store::{OpenMode, Store, User};
use crate::tui::theme::Theme;

/// How the server runs.
#[derive(Debug, Clone)]
pub struct Options {
    /// Where to listen.
    pub listen: SocketAddr,
    /// The database (and its key, when encrypted).
    pub db: crate::store::DbFile,
    /// The host key (made on first start).
    pub host_key: PathBuf,
    /// How long a connection may go without starting a dashboard.
    pub grace: Duration,
    /// Connections at once from one address.
    pub per_address: usize,
    /// Connections at once in all.
    pub total: usize,
    /// A fixed clock for every session (tests, demos); `None` for the real one.
    pub now: Option<chrono::DateTime<chrono::Utc>>,
    /// A session ends after this long without a key.
    pub idle: Duration,
    /// And after this long in all.
    pub longest: Duration,
    /// Keepalives are sent after this long without a word from the client;
    /// three unanswered end the connection.
    pub keepalive: Duration,
}

/// How long a new connection has to say which SSH it speaks (its version
/// line); the rest of the grace is for logging in and starting a dashboard.
const VERSION_WITHIN: Duration = Duration::from_secs(10);

/// How often the server looks for changes to its users (removed, another
/// role, sessions ended), to end the live sessions they touch.
const ACCESS_POLL: Duration = Duration::from_millis(200);

/// Failed logins from one address within this window…
const FAILURE_WINDOW: Duration = Duration::from_secs(600);
/// …beyond this many, and unknown keys from the address end the connection
/// at once (a registered key from there still logs in).
const MAX_FAILURES: usize = 10;

/// What every connection shares.
struct Shared {
    db: crate::store::DbFile,
    /// Looks users up by key fingerprint (a short query per login).
    users: Mutex<Store>,
    /// Connections held, unauthenticated apart from authenticated.
    gate: gate::Gate,
    /// Connections alive (for the wait when stopping).
    total: AtomicUsize,
    /// Every user's access number, as the database has it now.
    access: watch::Receiver<Arc<HashMap<String, i64>>>,
    /// Where those numbers are told ([`accept::publish_access`]).
    access_tx: watch::Sender<Arc<HashMap<String, i64>>>,
    failures: Mutex<HashMap<IpAddr, Vec<Instant>>>,
    sessions: AtomicU64,
    stop: watch::Receiver<bool>,
    now: Option<chrono::DateTime<chrono::Utc>>,
    idle: Duration,
    longest: Duration,
    reads: Arc<crate::tui::worker::SharedReads>,
    /// The port served (for the command `P` tells a coordinator to run).
    port: std::sync::atomic::AtomicU16,
}

impl Shared {
    fn user(&self, key: &russh::keys::PublicKey) -> Option<User> {
        let fp = fingerprint(key);
        self.users
            .lock()
            .ok()?
            .user_by_fingerprint(&fp)
            .ok()
            .flatten()
    }

    /// Failed logins from `ip` in the window, and when the oldest of them
    /// leaves it.
    fn failed_lately(&self, ip: IpAddr) -> (usize, Duration) {
        let mut f = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        let list = f.entry(ip).or_default();
        list.retain(|t| t.elapsed() < FAILURE_WINDOW);
        let wait = list.first().map_or(Duration::ZERO, |t| {
            FAILURE_WINDOW.saturating_sub(t.elapsed())
        });
        (list.len(), wait)
    }

    fn fail(&self, ip: IpAddr) {
        let mut f = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        f.entry(ip).or_default().push(Instant::now());
    }
}

/// One connection: who it is, and its one session channel.
struct Conn {
    shared: Arc<Shared>,
    ip: IpAddr,
    /// Its place among the connections the server holds.
    ticket: gate::Ticket,
    /// Whether it logged in (and moved to the authenticated count).
    authenticated: bool,
    /// To end the connection from a handler (set once the version is read).
    handle: Arc<OnceLock<russh::server::Handle>>,
    user: Option<User>,
    /// The user whose key was offered (its fingerprint), until it signs.
    offered: Option<(String, User)>,
    /// Set once a dashboard started (the grace timer looks at it).
    started: Arc<AtomicBool>,
    channel: Option<ChannelId>,
    pty: Option<(String, u16, u16)>,
    lang: Option<Lang>,
    no_color: bool,
    input: Option<mpsc::Sender<Vec<u8>>>,
    resize: Option<watch::Sender<(u16, u16)>>,
    /// The store being opened for the user since their key was accepted.
    opened: Option<tokio::task::JoinHandle<Result<session::Opened>>>,
}

impl Drop for Conn {
    fn drop(&mut self) {
        self.shared.gate.leave(&self.ticket, self.authenticated);
        self.shared.total.fetch_sub(1, Ordering::Relaxed);
    }
}

impl Conn {
    /// Ends the connection with a line OpenSSH shows ("Received
    /// disconnect from …: albergue: …").
    fn disconnect(&self, why: String) {
        if let Some(handle) = self.handle.get().cloned() {
            tokio::spawn(async move {
                let _ = handle
                    .disconnect(russh::Disconnect::ByApplication, why, String::new())
                    .await;
            });
        }
    }

    /// Moves a logged-in connection to the authenticated count; `false`
    /// (and the connection ends) when the server is full of them or the
    /// connection was pushed out meanwhile.
    fn admit(&mut self) -> bool {
        match self.shared.gate.authenticated(&self.ticket) {
            Ok(true) => {
                self.authenticated = true;
                true
            }
            Ok(false) => false,
            Err(gate::Full) => {
                tracing::warn!(ip = %self.ip, "login refused: the server holds --max-connections sessions");
                self.disconnect("albergue: the server is full; try again in a few minutes".into());
                false
            }
        }
    }
}

/// A terminal size as the client asked, kept within what can be drawn.
fn clamp_size(cols: u32, rows: u32) -> (u16, u16) {
    let cols = cols.clamp(1, 1000) as u16;
    let rows = rows.clamp(1, 500) as u16;
    (cols, rows)
}

/// Ends the session channel with a line the client shows and exit status 1;
/// the request itself is answered with success (`taken`: the client then
/// prints the line) or failure.
fn end_channel(session: &mut Session, channel: ChannelId, taken: bool, why: &str) -> Result<()> {
    if taken {
        session.channel_success(channel)?;
    } else {
        session.channel_failure(channel)?;
    }
    session.extended_data(channel, 1, format!("albergue: {why}\r\n").into_bytes())?;
    session.exit_status_request(channel, 1)?;
    session.eof(channel)?;
    session.close(channel)?;
    Ok(())
}

impl russh::server::Handler for Conn {
    type Error = anyhow::Error;

    async fn authentication_banner(&mut self) -> Result<Option<String>> {
        // Said before any key is tried (OpenSSH shows it at its default
        // log level): whoever is refused from here learns why and for how
        // long; a registered key is let in all the same.
        let (failures, wait) = self.shared.failed_lately(self.ip);
        Ok((failures >= MAX_FAILURES).then(|| {
            let minutes = wait.as_secs().div_ceil(60).max(1);
            format!(
                "albergue: too many logins with unregistered keys from {}: such keys are refused at once for {minutes} more minute(s). A registered key still gets in.\r\n",
                self.ip
            )
        }))
    }

    async fn auth_publickey_offered(
        &mut self,
        _user: &str,
        offer: russh::server::PublicKeyOffer<'_>,
    ) -> Result<Auth> {
        if let Some(user) = self.shared.user(offer.public_key) {
            // A registered key is never refused for what unknown keys from
            // the same address (a shelter's Wi-Fi, a carrier's NAT) did.
            // Kept for the signed request that follows (same key): one
            // lookup per login.
            self.offered = Some((fingerprint(offer.public_key), user));
            return Ok(Auth::Accept);
        }
        tracing::info!(ip = %self.ip, key = %fingerprint(offer.public_key), "key not registered");
        self.shared.fail(self.ip);
        let (failures, wait) = self.shared.failed_lately(self.ip);
        if failures >= MAX_FAILURES {
            tracing::warn!(ip = %self.ip, failures, "connection ended: too many unknown keys from this address");
            let minutes = wait.as_secs().div_ceil(60).max(1);
            self.disconnect(format!(
                "albergue: too many logins with unregistered keys from {}; try again in {minutes} minute(s), or ask an admin to register your key",
                self.ip
            ));
        }
        Ok(Auth::reject())
    }

    async fn auth_publickey(
        &mut self,
        _user: &str,
        key: russh::server::VerifiedPublicKey<'_>,
    ) -> Result<Auth> {
        let known = match self.offered.take() {
            Some((fp, user)) if fp == fingerprint(key.public_key) => Some(user),
            _ => self.shared.user(key.public_key),
        };
        match known {
            Some(user) => {
                if !self.admit() {
                    return Ok(Auth::reject());
                }
                self.opened = Some(session::open(self.shared.db.clone(), &user));
                self.user = Some(user);
                Ok(Auth::Accept)
            }
            _ => {
                self.shared.fail(self.ip);
                Ok(Auth::reject())
            }
        }
    }

    async fn channel_open_session(
        &mut self,
        channel: Channel<Msg>,
        reply: ChannelOpenHandle,
        _session: &mut Session,
    ) -> Result<()> {
        if self.channel.is_some() || self.user.is_none() {
            // One session a connection.
            reply
                .reject(russh::ChannelOpenFailure::AdministrativelyProhibited)
                .await;
            return Ok(());
        }
        self.channel = Some(channel.id());
        reply.accept().await;
        Ok(())
    }

    async fn channel_open_direct_tcpip(
        &mut self,
        _channel: Channel<Msg>,
        _host_to_connect: &str,
        _port_to_connect: u32,
        _originator_address: &str,
        _originator_port: u32,
        reply: ChannelOpenHandle,
        _session: &mut Session,
    ) -> Result<()> {
        // No port forwarding: the server's network is not the coordinators'.
        reply
            .reject(russh::ChannelOpenFailure::AdministrativelyProhibited)
            .await;
        Ok(())
    }

    async fn pty_request(
        &mut self,
        channel: ChannelId,
        term: &str,
        col_width: u32,
        row_height: u32,
        _pix_width: u32,
        _pix_height: u32,
        _modes: &[(russh::Pty, u32)],
        session: &mut Session,
    ) -> Result<()> {
        let (cols, rows) = clamp_size(col_width, row_height);
        self.pty = Some((term.to_string(), cols, rows));
        session.channel_success(channel)?;
        Ok(())
    }

    async fn env_request(
        &mut self,
        channel: ChannelId,
        name: &str,
        value: &str,
        session: &mut Session,
    ) -> Result<()> {
        match name {
            "LANG" | "LC_ALL" | "LC_MESSAGES" => {
                let v = value.to_string();
                let from = |_: &str| Some(v.clone());
                self.lang = Some(Lang::from_env(from));
            }
            "NO_COLOR" => self.no_color = true,
            n if n.starts_with("LC_") || n == "COLORTERM" => {}
            _ => {
                session.channel_failure(channel)?;
                return Ok(());
            }
        }
        session.channel_success(channel)?;
        Ok(())
    }

    async fn shell_request(&mut self, channel: ChannelId, session: &mut Session) -> Result<()> {
        let (Some(user), Some((term, cols, rows))) = (self.user.clone(), self.pty.clone()) else {
            // Answered, with a line the coordinator can act on.
            let why = "the dashboard needs a terminal: connect with ssh -t";
            return end_channel(session, channel, true, why);
        };
        if self.input.is_some() || self.started.load(Ordering::Relaxed) {
            return end_channel(session, channel, false, "the dashboard is already running");
        }
        if term == "dumb" {
            // It cannot move a cursor: frames would be noise.
            let why = "your terminal (TERM=dumb) cannot show the dashboard; connect from a terminal emulator with ssh -t";
            return end_channel(session, channel, true, why);
        }
        session.channel_success(channel)?;
        let (input_tx, input_rx) = mpsc::channel(256);
        let (resize_tx, resize_rx) = watch::channel((cols, rows));
        self.input = Some(input_tx);
        self.resize = Some(resize_tx);
        self.started.store(true, Ordering::Relaxed);
        let id = self.shared.sessions.fetch_add(1, Ordering::Relaxed) + 1;
        let actor = Actor::new(format!("{}@{} s{id}", user.name, self.ip));
        let theme = if self.no_color || matches!(term.as_str(), "vt100" | "vt102") {
            Theme::MONO
        } else {
            Theme::COLOR
        };
        {
            let users = self.shared.users.lock().unwrap_or_else(|e| e.into_inner());
            if let Err(e) = accept::publish_access(&self.shared, &users) {
                tracing::warn!(error = %e, "the users could not be read");
            }
        }
        let s = session::Session {
            handle: session.handle(),
            channel,
            db: self.shared.db.clone(),
            user: user.name.clone(),
            id,
            role: user.role,
            actor,
            // The user's own choice, else what their client sent.
            lang: user
                .lang
                .as_deref()
                .and_then(Lang::parse)
                .or(self.lang)
                .unwrap_or_default(),
            theme,
            size: (cols, rows),
            input: input_rx,
            resize: resize_rx,
            stop: self.shared.stop.clone(),
            access: self.shared.access.clone(),
            user_access: user.access,
            now: self.shared.now,
            idle: self.shared.idle,
            longest: self.shared.longest,
            reads: Arc::clone(&self.shared.reads),
            served_port: self.shared.port.load(Ordering::Relaxed),
            opened: self.opened.take(),
        };
        // The user by id, role and key: a coordinator's name stays in the
        // database's audit trail, not in the log.
        tracing::info!(
            session = id,
            user = user.id,
            role = %user.role,
            key = %user.key_fingerprint,
            ip = %self.ip,
            term = %term,
            cols,
            rows,
            "session started"
        );
        tokio::spawn(session::run(s));
        Ok(())
    }

    async fn exec_request(
        &mut self,
        channel: ChannelId,
        data: &[u8],
        session: &mut Session,
    ) -> Result<()> {
        let Some(user) = self.user.clone() else {
            return end_channel(session, channel, false, "log in first");
        };
        if self.input.is_some() || self.started.swap(true, Ordering::Relaxed) {
            return end_channel(
                session,
                channel,
                false,
                "one command or dashboard a connection",
            );
        }
        let Ok(line) = std::str::from_utf8(data) else {
            return end_channel(session, channel, false, "the command is not UTF-8 text");
        };
        // Anything not on the allow-list is refused before it runs.
        let (parsed, answer) = match command::parse(line) {
            Ok(parsed) => (Some(parsed), None),
            Err(ran) if ran.code == 0 => (None, Some(ran)),
            Err(ran) => {
                let why = ran.stderr.trim().trim_start_matches("albergue: ");
                let why = why.replace('\n', "\r\n");
                return end_channel(session, channel, true, &why);
            }
        };
        session.channel_success(channel)?;
        let id = self.shared.sessions.fetch_add(1, Ordering::Relaxed) + 1;
        let actor = Actor::new(format!("{}@{} c{id}", user.name, self.ip));
        let db = self.shared.db.clone();
        let now = self.shared.now.unwrap_or_else(chrono::Utc::now);
        let lang = user
            .lang
            .as_deref()
            .and_then(Lang::parse)
            .or(self.lang)
            .unwrap_or_default();
        let handle = session.handle();
        // The command's name only: its arguments may name a shelter or a person.
        let name: String = line
            .split_whitespace()
            .take(2)
            .collect::<Vec<_>>()
            .join(" ");
        tracing::info!(command = id, user = user.id, role = %user.role, ip = %self.ip, "command started");
        let job = command::Job {
            parsed,
            answer,
            db,
            user,
            actor,
            now,
            lang,
        };
        tokio::spawn(command::serve(job, handle, channel, id, name));
        Ok(())
    }

    async fn subsystem_request(
        &mut self,
        channel: ChannelId,
        _name: &str,
        session: &mut Session,
    ) -> Result<()> {
        end_channel(
            session,
            channel,
            false,
            "no file transfer or subsystems here",
        )
    }

    async fn x11_request(
        &mut self,
        channel: ChannelId,
        _single_connection: bool,
        _x11_auth_protocol: &str,
        _x11_auth_cookie: &str,
        _x11_screen_number: u32,
        session: &mut Session,
    ) -> Result<()> {
        session.channel_failure(channel)?;
        Ok(())
    }

    async fn window_change_request(
        &mut self,
        channel: ChannelId,
        col_width: u32,
        row_height: u32,
        _pix_width: u32,
        _pix_height: u32,
        session: &mut Session,
    ) -> Result<()> {
        if let Some(tx) = &self.resize {
            let _ = tx.send(clamp_size(col_width, row_height));
        } else if let Some((_, c, r)) = &mut self.pty {
            (*c, *r) = clamp_size(col_width, row_height);
        }
        let _ = session.channel_success(channel);
        Ok(())
    }

    async fn data(
        &mut self,
        _channel: ChannelId,
        data: &[u8],
        _session: &mut Session,
    ) -> Result<()> {
        if let Some(tx) = &self.input {
            // Waits when the session is behind: the client is slowed, not
            // the others, and nothing typed is lost.
            let _ = tx.send(data.to_vec()).await;
        }
        Ok(())
    }

    async fn channel_eof(&mut self, _channel: ChannelId, _session: &mut Session) -> Result<()> {
        self.input = None;
        Ok(())
    }

    async fn channel_close(&mut self, _channel: ChannelId, _session: &mut Session) -> Result<()> {
        self.input = None;
        Ok(())
    }
}

/// Runs the server until SIGTERM or SIGINT; every session is then ended
/// with its terminal restored and its form kept as a draft.
pub fn run(options: &Options) -> Result<()> {
    // The roster is served to the network from here: a file others can
    // read, or someone else's, is said before anything starts.
    crate::openssh::private_file(&options.db.path, "the database")?;
    let users = options
        .db
        .open(OpenMode::Existing)
        .with_context(|| format!("opening {}", options.db.path.display()))?;
    let (key, made) = host_key(&options.host_key)?;
    let fp = fingerprint(key.public_key());
    if made {
        eprintln!(
            "albergue serve: made a new host key {} ({fp}); coordinators should see this fingerprint on first connect",
            options.host_key.display()
        );
    }
    if users.users()?.is_empty() {
        eprintln!("albergue serve: no users yet; add one with `albergue users add NAME --role coordinator --key FILE.pub`");
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the server's runtime")?;
    let (stop_tx, stop_rx) = watch::channel(false);
    let access: HashMap<String, i64> = users.user_access()?.into_iter().collect();
    let (access_tx, access_rx) = watch::channel(Arc::new(access));
    let shared = Arc::new(Shared {
        db: options.db.clone(),
        users: Mutex::new(users),
        gate: gate::Gate::new(gate::Caps {
            per_address: options.per_address,
            total: options.total,
        }),
        total: AtomicUsize::new(0),
        access: access_rx,
        access_tx,
        failures: Mutex::new(HashMap::new()),
        sessions: AtomicU64::new(0),
        stop: stop_rx,
        now: options.now,
        idle: options.idle,
        longest: options.longest,
        reads: Arc::default(),
        port: std::sync::atomic::AtomicU16::new(options.listen.port()),
    });
    let watcher = {
        let shared = Arc::clone(&shared);
        std::thread::spawn(move || accept::watch_access(&shared))
    };
    let mut methods = MethodSet::empty();
    methods.push(MethodKind::PublicKey);
    let config = Arc::new(russh::server::Config {
        methods,
        auth_rejection_time: Duration::from_secs(1),
        auth_rejection_time_initial: Some(Duration::from_millis(0)),
        keys: vec![key],
        // Our name, not the library's and its version.
        server_id: russh::SshId::Standard("SSH-2.0-albergue".into()),
        keepalive_interval: Some(options.keepalive),
        keepalive_max: 3,
        ..Default::default()
    });
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(options.listen)
            .await
            .with_context(|| format!("listening on {}", options.listen))?;
        eprintln!(
            "albergue serve: listening on {} for {} (host key {fp})",
            listener.local_addr()?,
            options.db.path.display()
        );
        tracing::info!(listen = %listener.local_addr()?, host_key = %fp, "listening");
        shared
            .port
            .store(listener.local_addr()?.port(), Ordering::Relaxed);
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
        let mut int = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt())?;
        loop {
            tokio::select! {
                accepted = listener.accept() => {
                    let Ok((socket, peer)) = accepted else { continue };
                    accept::accept(&shared, &config, options, socket, peer);
                }
                _ = term.recv() => break,
                _ = int.recv() => break,
            }
        }
        eprintln!("albergue serve: stopping; ending every session");
        let (waiting, sessions) = shared.gate.counts();
        tracing::info!(sessions, waiting, "stopping");
        let _ = stop_tx.send(true);
        // Give sessions a moment to restore terminals and keep drafts.
        let deadline = Instant::now() + Duration::from_secs(5);
        while shared.total.load(Ordering::Relaxed) > 0 && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        anyhow::Ok(())
    })?;
    let _ = watcher.join();
    Ok(())
}
