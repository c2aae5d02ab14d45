//! The connections: each accepted with its budget before login (see
//! [`super::gate`]), and the watch that ends the sessions of users whose
//! access changed.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use super::{Conn, Options, Shared, ACCESS_POLL, VERSION_WITHIN};

/// Tells the sessions, through `tx`, every user's access number whenever
/// another connection commits (`PRAGMA data_version`), until the server
/// stops: a user removed, given another role or kicked ends their live
/// sessions within [`ACCESS_POLL`] and a frame.
pub(super) fn watch_access(shared: &Shared) {
    let stop = shared.stop.clone();
    let mut seen = None;
    while !*stop.borrow() {
        std::thread::sleep(ACCESS_POLL);
        let users = shared.users.lock().unwrap_or_else(|e| e.into_inner());
        let Ok(version) = users.data_version() else {
            continue;
        };
        if seen == Some(version) {
            continue;
        }
        match publish_access(shared, &users) {
            Ok(()) => seen = Some(version),
            Err(e) => tracing::warn!(error = %e, "the users could not be read; trying again"),
        }
    }
}

/// Reads every user's access number and tells the sessions if it moved.
/// Also called as a dashboard starts: a user added since the last poll is
/// then in the numbers the new session checks itself against (else it
/// would read as removed, and the session end at once).
pub(super) fn publish_access(
    shared: &Shared,
    users: &crate::store::Store,
) -> crate::store::Result<()> {
    let now: HashMap<String, i64> = users.user_access()?.into_iter().collect();
    shared.access_tx.send_if_modified(|held| {
        let changed = **held != now;
        if changed {
            *held = Arc::new(now);
        }
        changed
    });
    Ok(())
}

/// Takes a connection: it has [`VERSION_WITHIN`] to say which SSH it
/// speaks and `--grace` from now to log in and start a dashboard, and it
/// is closed early when newer unauthenticated connections need its place
/// (see [`gate`]).
pub(super) fn accept(
    shared: &Arc<Shared>,
    config: &Arc<russh::server::Config>,
    options: &Options,
    socket: tokio::net::TcpStream,
    peer: SocketAddr,
) {
    let accepted = tokio::time::Instant::now();
    let ip = peer.ip();
    // Every frame and reply goes out as written: with Nagle's algorithm the
    // second of two small writes (a reply, then the first frame) waits for
    // the client's ACK of the first, a round trip on a slow link. (russh
    // sets this only for sockets it accepts itself; we accept our own.)
    if let Err(e) = socket.set_nodelay(true) {
        tracing::warn!(error = %e, "TCP_NODELAY could not be set");
    }
    let (ticket, pushed) = shared.gate.arrive(ip);
    if pushed > 0 {
        let (waiting, _) = shared.gate.counts();
        tracing::warn!(ip = %ip, pushed, waiting, "unauthenticated connections closed to make room");
    }
    let evicted = Arc::clone(&ticket.evicted);
    shared.total.fetch_add(1, Ordering::Relaxed);
    let started = Arc::new(AtomicBool::new(false));
    let handle = Arc::new(OnceLock::new());
    let conn = Conn {
        shared: Arc::clone(shared),
        ip,
        ticket,
        authenticated: false,
        handle: Arc::clone(&handle),
        user: None,
        offered: None,
        started: Arc::clone(&started),
        channel: None,
        pty: None,
        lang: None,
        no_color: false,
        input: None,
        resize: None,
        opened: None,
    };
    let config = Arc::clone(config);
    let deadline = accepted + options.grace;
    let version_by = accepted + options.grace.min(VERSION_WITHIN);
    tokio::spawn(async move {
        // Until the client's version line: the socket (and `conn`, which
        // gives back its place) are dropped at the deadline or when pushed
        // out, whether or not a byte came.
        let running = tokio::select! {
            r = tokio::time::timeout_at(version_by, russh::server::run_stream(config, socket, conn)) => match r {
                Ok(Ok(running)) => running,
                Ok(Err(_)) => return,
                Err(_) => {
                    tracing::info!(ip = %ip, "connection closed: no SSH version line in time");
                    return;
                }
            },
            () = evicted.notified() => return,
        };
        let _ = handle.set(running.handle());
        let handle = running.handle();
        let mut running = std::pin::pin!(running);
        let why = tokio::select! {
            _ = &mut running => return,
            () = tokio::time::sleep_until(deadline) => "no dashboard was started in time",
            () = evicted.notified() => "too many connections are logging in; try again",
        };
        if !started.load(Ordering::Relaxed) {
            let _ = handle
                .disconnect(russh::Disconnect::ByApplication, why.into(), String::new())
                .await;
            // A client that reads nothing may never let the goodbye out.
            let _ = tokio::time::timeout(Duration::from_secs(2), &mut running).await;
            return;
        }
        let _ = running.await;
    });
}
