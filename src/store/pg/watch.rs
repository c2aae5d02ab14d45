//! Changes on PostgreSQL, heard across machines: a thread of its own with
//! its own connection LISTENs on `albergue_changes` (each committed
//! transaction that changed what the dashboards show notifies once, with
//! its number in the change log), and after a lost connection (a restart,
//! a failover to another host of a multi-host string) connects again and
//! compares the newest number, so that no change goes unheard.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use postgres::fallible_iterator::FallibleIterator;
use postgres::Client;

use super::conninfo::Target;

/// The channel the change log notifies on.
pub const CHANNEL: &str = "albergue_changes";

/// What the watcher heard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Heard {
    /// A committed change: its number in the change log.
    Change(i64),
    /// Connected again after a loss; the newest number then (changes made
    /// while away are behind it: read again).
    Back(i64),
}

/// A thread that listens for changes until dropped.
pub struct Watcher {
    heard: Receiver<Heard>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Watcher {
    /// Starts listening; `seen` is the newest change already read. Every
    /// connection, the first too, reports [`Heard::Back`] with the newest
    /// number once it listens: from then on no commit goes unheard.
    pub fn start(target: &Target, seen: i64) -> Watcher {
        Self::start_for(target, seen, None)
    }

    /// The same for the session whose own connection is the server
    /// process `own` (`pg_backend_pid()`): its own commits are not told
    /// (its screens read again after their own saves), only counted as
    /// seen.
    pub fn start_for(target: &Target, seen: i64, own: Option<i32>) -> Watcher {
        let (tx, heard) = mpsc::channel();
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let (target, stop) = (target.clone(), stop.clone());
            std::thread::Builder::new()
                .name("albergue-pg-watch".into())
                .spawn(move || listen(&target, seen, own, &tx, &stop))
                .expect("a thread starts")
        };
        Watcher {
            heard,
            stop,
            thread: Some(thread),
        }
    }

    /// The next thing heard, waiting at most `timeout`.
    pub fn next(&self, timeout: Duration) -> Option<Heard> {
        self.heard.recv_timeout(timeout).ok()
    }
}

impl Drop for Watcher {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// The newest number in the change log (0 when empty).
pub fn newest(client: &mut Client) -> Result<i64, postgres::Error> {
    Ok(client
        .query_one("SELECT coalesce(max(seq), 0) FROM change_log", &[])?
        .get(0))
}

fn listen(target: &Target, mut seen: i64, own: Option<i32>, tx: &Sender<Heard>, stop: &AtomicBool) {
    let mut wait = Duration::from_millis(50);
    let mut first = true;
    while !stop.load(Ordering::Relaxed) {
        let mut client = match target.connect_as("albergue-watch") {
            Ok(client) => client,
            Err(e) => {
                tracing::warn!(error = %format!("{e:#}"), "change log: cannot connect; trying again");
                std::thread::sleep(wait);
                wait = (wait * 2).min(Duration::from_secs(2));
                continue;
            }
        };
        let caught_up = client
            .batch_execute(&format!("LISTEN {CHANNEL}"))
            .and_then(|()| newest(&mut client));
        let newest = match caught_up {
            Ok(n) => n,
            Err(e) => {
                tracing::warn!(error = %e, "change log: lost while listening; connecting again");
                continue;
            }
        };
        if tx.send(Heard::Back(newest)).is_err() {
            return;
        }
        if !first {
            tracing::info!(newest, "change log: listening again");
        }
        first = false;
        seen = seen.max(newest);
        wait = Duration::from_millis(50);
        // Heard until the connection goes; the timeout lets `stop` be seen.
        loop {
            if stop.load(Ordering::Relaxed) {
                return;
            }
            let mut notifications = client.notifications();
            let mut iter = notifications.timeout_iter(Duration::from_millis(200));
            let lost = loop {
                match iter.next() {
                    Ok(Some(n)) => {
                        let number = n.payload().parse().unwrap_or(seen + 1);
                        if number > seen {
                            seen = number;
                            let mine = own == Some(n.process_id());
                            if !mine && tx.send(Heard::Change(number)).is_err() {
                                return;
                            }
                        }
                    }
                    Ok(None) => break false,
                    Err(e) => {
                        tracing::warn!(error = %e, "change log: connection lost; connecting again");
                        break true;
                    }
                }
            };
            drop(iter);
            drop(notifications);
            if lost || client.is_closed() {
                break;
            }
        }
    }
}
