//! One coordinator's dashboard over an SSH channel: the same `App`,
//! `update` and views as the local terminal, with input parsed from the
//! channel's bytes and frames written back to it. One frame is in flight at
//! a time: while the client has not taken a frame, later changes are merged
//! into the next one.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context as _;
use chrono::Utc;
use crossterm::event::Event;
use russh::server::Handle;
use russh::ChannelId;
use tokio::sync::{mpsc, watch};

use super::input::Parser;
use crate::domain::Role;
use crate::i18n::Lang;
use crate::store::OpenMode;
use crate::tui::app::{App, SessionSettings};
use crate::tui::message::{Msg, Request};
use crate::tui::terminal::Screen;
use crate::tui::update::update;
use crate::tui::worker::{self, Job, Watch};
use crate::tui::{keys::KeyMap, theme::Theme, views};

/// Each session's SQLite page cache, in KiB (the file is shared and cached
/// by the operating system; twenty sessions at SQLite's 2 MiB default would
/// hold 40 MiB of copies). Also for an encrypted database, whose pages the
/// operating system caches encrypted ([`crate::store::ENCRYPTED_CACHE_KIB`]):
/// the dashboard and roster, which read the most, are read once for all
/// sessions ([`worker::SharedReads`]), so each session's own reads are
/// small, and twenty sessions at 8 MiB would hold 160 MiB.
const SESSION_CACHE_KIB: i64 = 256;

/// How long an Esc waits to learn whether a sequence follows.
const ESC_PAUSE: Duration = Duration::from_millis(30);

/// How long a window change waits for the next before the screen is
/// drawn again at the latest size.
const RESIZE_SETTLE: Duration = Duration::from_millis(100);

/// The alternate screen, bracketed paste, no cursor: how a session starts.
const ENTER: &[u8] = b"\x1b[?1049h\x1b[?2004h\x1b[?25l\x1b[2J";
/// And how the client's terminal is left.
const LEAVE: &[u8] = b"\x1b[?2004l\x1b[?1049l\x1b[?25h";

/// A session's store handle (with its role) and the shelter it shows.
pub type Opened = (crate::store::Store, Option<crate::domain::Shelter>);

/// Opens the database for a coordinator as soon as their key is known: the
/// client's next round trip (opening a channel, asking for a terminal) hides
/// the time it takes.
/// Its writes are refused once the user is removed, given another role or
/// kicked (`Store::for_user`).
pub fn open(
    db: crate::store::DbFile,
    user: &crate::store::User,
) -> tokio::task::JoinHandle<anyhow::Result<Opened>> {
    let user = user.clone();
    tokio::task::spawn_blocking(move || {
        let store = db
            .open(OpenMode::Existing)?
            .as_user(&user)
            .with_cache_kib(SESSION_CACHE_KIB)?;
        let shelter = store.shelters()?.into_iter().next();
        anyhow::Ok((store, shelter))
    })
}

/// Everything a session needs, handed over when the client asks for a shell.
pub struct Session {
    /// To write to the client.
    pub handle: Handle,
    /// The session channel.
    pub channel: ChannelId,
    /// The database (and its key).
    pub db: crate::store::DbFile,
    /// The coordinator's name (drafts are kept per name).
    pub user: String,
    /// Their role, enforced by the store handle of the session.
    pub role: Role,
    /// Who the audit rows name: `name@address s<id>`.
    pub actor: crate::actor::Actor,
    /// The session's number in this server's run, as the log names it.
    pub id: u64,
    /// Interface language.
    pub lang: Lang,
    /// Paint.
    pub theme: Theme,
    /// Terminal size, from the pty request.
    pub size: (u16, u16),
    /// The client's bytes.
    pub input: mpsc::Receiver<Vec<u8>>,
    /// New sizes (window-change).
    pub resize: watch::Receiver<(u16, u16)>,
    /// Set when the server stops.
    pub stop: watch::Receiver<bool>,
    /// Every user's access number, as the database has it now.
    pub access: watch::Receiver<Arc<std::collections::HashMap<String, i64>>>,
    /// This user's, when they logged in: another one ends the session.
    pub user_access: i64,
    /// A fixed clock (tests); `None` for the real one.
    pub now: Option<chrono::DateTime<Utc>>,
    /// The session ends after this long without a key (the screen of an
    /// unattended phone must not stay open on the roster).
    pub idle: Duration,
    /// And after this long in all.
    pub longest: Duration,
    /// The roster and dashboard, held once for every session of the server.
    pub reads: Arc<worker::SharedReads>,
    /// The store, being opened since the key was accepted ([`open`]).
    pub opened: Option<tokio::task::JoinHandle<anyhow::Result<Opened>>>,
    /// The port served, for the command `P` tells the coordinator to run.
    pub served_port: u16,
}

/// What a frame writes, taken after each draw and sent as one message.
#[derive(Clone, Default)]
struct Out(Arc<Mutex<Vec<u8>>>);

impl Write for Out {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .map_err(|_| std::io::Error::other("poisoned"))?
            .extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Out {
    fn take(&self) -> Vec<u8> {
        self.0
            .lock()
            .map(|mut b| std::mem::take(&mut *b))
            .unwrap_or_default()
    }
}

/// Why a session ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum End {
    /// The coordinator quit.
    Quit,
    /// The client went away.
    Gone,
    /// The server is stopping.
    Stopping,
    /// No key for too long.
    Idle,
    /// The session reached its longest.
    Expired,
    /// An admin removed the user, changed their role or ended their
    /// sessions.
    Revoked,
}

/// Runs the session until the coordinator quits, the client goes or the
/// server stops; the client's terminal is restored on every path but the
/// last (where the client is gone), and a form being filled in is kept as
/// a draft for this coordinator.
pub async fn run(mut s: Session) {
    let started = std::time::Instant::now();
    let outcome = dashboard(&mut s).await;
    let how = match &outcome {
        Ok((End::Quit, _)) => "quit",
        Ok((End::Gone, _)) => "link dropped",
        Ok((End::Stopping, _)) => "server stopping",
        Ok((End::Idle, _)) => "idle lock",
        Ok((End::Expired, _)) => "longest session",
        Ok((End::Revoked, _)) => "access revoked",
        Err(_) => "failed",
    };
    // Which session and how long; never who by name, nor what they looked at.
    match &outcome {
        Err(e) => {
            tracing::error!(session = s.id, how, seconds = started.elapsed().as_secs(), error = %format!("{e:#}"), "session ended")
        }
        Ok(_) => tracing::info!(
            session = s.id,
            how,
            seconds = started.elapsed().as_secs(),
            "session ended"
        ),
    }
    let (end, draft) = match outcome {
        Ok(r) => r,
        Err(e) => {
            let msg = format!("{}albergue: {e}\r\n", String::from_utf8_lossy(LEAVE));
            let _ = s.handle.data(s.channel, msg.into_bytes()).await;
            let _ = s.handle.exit_status_request(s.channel, 1).await;
            let _ = s.handle.close(s.channel).await;
            return;
        }
    };
    // A revoked user's typing is not kept for them.
    if let Some(form) = draft.filter(|_| end != End::Revoked) {
        let (db, user) = (crate::store::Database::File(s.db.clone()), s.user.clone());
        let _ =
            tokio::task::spawn_blocking(move || crate::tui::save_draft(&db, &user, &form)).await;
    }
    if !matches!(end, End::Gone) {
        let mut bytes = LEAVE.to_vec();
        let why: &[u8] = match end {
            End::Stopping => b"albergue: the server is stopping; what you were typing is kept as a draft.\r\n",
            End::Idle => b"albergue: locked after a while without a key; connect again to go on (a form you were filling in is kept).\r\n",
            End::Expired => b"albergue: the session reached its longest; connect again to go on (a form you were filling in is kept).\r\n",
            End::Revoked => b"albergue: an admin changed your access; this session has ended and nothing more was saved.\r\n",
            End::Quit | End::Gone => b"",
        };
        bytes.extend_from_slice(why);
        let _ = s.handle.data(s.channel, bytes).await;
        let status = u32::from(end == End::Revoked);
        let _ = s.handle.exit_status_request(s.channel, status).await;
        let _ = s.handle.eof(s.channel).await;
        let _ = s.handle.close(s.channel).await;
    }
}

async fn dashboard(s: &mut Session) -> anyhow::Result<(End, Option<String>)> {
    let opened = s
        .opened
        .take()
        .context("the session's store was not opened")?;
    let (store, shelter) = opened.await??;
    // The draft is taken only now that a dashboard will show it.
    let user = s.user.clone();
    let (store, draft) = tokio::task::spawn_blocking(move || {
        let mut store = store;
        let draft = store.take_draft(&user)?;
        anyhow::Ok((store, draft))
    })
    .await??;
    let (reply_tx, mut replies) = tokio::sync::mpsc::unbounded_channel();
    let setup = worker::Setup {
        actor: s.actor.clone(),
        watch: Watch::Poll,
        reads: Some(Arc::clone(&s.reads)),
    };
    let (jobs, worker) = worker::spawn(store, setup, reply_tx);
    let send = |reqs: Vec<Request>| {
        for r in reqs {
            let _ = jobs.send(Job::Request(r));
        }
    };
    let settings = SessionSettings {
        lang: s.lang,
        theme: s.theme,
        keys: KeyMap::default(),
        actor: s.actor.clone(),
        role: s.role,
        size: s.size,
        served_port: Some(s.served_port),
    };
    let mut app = App::new(s.now.unwrap_or_else(Utc::now), settings, shelter);
    send(app.start());
    if let Some(d) = &draft {
        app.offer_draft(d);
    }
    let out = Out::default();
    let mut screen = Screen::over(out.clone(), s.size)?;
    // The terminal's setup leaves with the first frame, in one message.
    let mut enter = Some(ENTER);
    let mut parser = Parser::default();
    let mut ready = false;
    let started = tokio::time::Instant::now();
    let mut last_key = started;
    let mut resize_due: Option<tokio::time::Instant> = None;
    let mut screen_size = s.size;
    // Revoked between the login and now: the first turn of the loop says so.
    s.access.mark_changed();
    let mut minute = crate::tui::MinuteTick::after(Utc::now());
    let end = loop {
        let idle = tokio::time::sleep_until(last_key + s.idle);
        let expiry = tokio::time::sleep_until(started + s.longest);
        let tick = tokio::time::sleep_until(minute.due());
        let pause = tokio::time::sleep(ESC_PAUSE);
        let settle = tokio::time::sleep_until(resize_due.unwrap_or(started));
        let mut events = Vec::new();
        tokio::select! {
            bytes = s.input.recv() => match bytes {
                Some(b) => {
                    last_key = tokio::time::Instant::now();
                    events = parser.feed(&b);
                }
                None => break End::Gone,
            },
            () = idle => break End::Idle,
            () = expiry => break End::Expired,
            () = pause, if parser.waiting() => events = parser.flush(),
            Some(reply) = replies.recv() => {
                ready = true;
                send(update(&mut app, Msg::Reply(reply)));
            }
            // A burst of window changes (a window dragged, or a client
            // sending hundreds) is one redraw per RESIZE_SETTLE, at the
            // latest size: each would clear and send the whole screen.
            Ok(()) = s.resize.changed(), if resize_due.is_none() => {
                resize_due = Some(tokio::time::Instant::now() + RESIZE_SETTLE);
            }
            () = settle, if resize_due.is_some() => {
                resize_due = None;
                let size = *s.resize.borrow_and_update();
                if size != screen_size {
                    screen_size = size;
                    screen.resize(size)?;
                    send(update(&mut app, Msg::Resize(size.0, size.1)));
                }
            }
            () = tick, if s.now.is_none() => {
                let wall = Utc::now();
                minute = crate::tui::MinuteTick::after(wall);
                send(update(&mut app, Msg::Tick(wall)));
            }
            _ = s.stop.changed() => break End::Stopping,
            Ok(()) = s.access.changed() => {
                if s.access.borrow_and_update().get(&s.user) != Some(&s.user_access) {
                    break End::Revoked;
                }
            }
        }
        for ev in events {
            let msg = match ev {
                Event::Key(k) => Msg::Key(k),
                Event::Paste(text) => Msg::Paste(text),
                _ => continue,
            };
            send(update(&mut app, msg));
        }
        // Merge whatever else is already here into the same frame.
        while let Ok(reply) = replies.try_recv() {
            ready = true;
            send(update(&mut app, Msg::Reply(reply)));
        }
        if let Some(text) = app.clipboard.take() {
            // To the coordinator's own clipboard, through their terminal.
            let osc = crate::tui::terminal::osc52(&text);
            if s.handle.data(s.channel, osc).await.is_err() {
                break End::Gone;
            }
        }
        if app.quit {
            break End::Quit;
        }
        if app.dirty && ready {
            screen.draw(|f| views::render(&app, f))?;
            app.dirty = false;
            let mut frame = out.take();
            if let Some(enter) = enter.take() {
                frame.splice(0..0, enter.iter().copied());
            }
            // One frame in flight: this waits while the client is slow, and
            // everything that happens meanwhile goes into the next frame.
            if !frame.is_empty() && s.handle.data(s.channel, frame).await.is_err() {
                break End::Gone;
            }
        }
    };
    let draft = app.draft();
    drop(jobs);
    let _ = tokio::task::spawn_blocking(move || worker.join()).await;
    Ok((end, draft))
}
