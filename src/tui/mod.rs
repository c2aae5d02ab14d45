//! The interactive dashboard: terminal setup, the event loop, state and
//! update, key map, theme, strings, and one view per screen.

pub mod app;
pub mod cases;
pub mod config;
pub mod forms;
pub mod headcount;
pub mod keys;
pub mod list;
pub mod message;
pub mod notice;
pub mod roster;
mod saves;
pub mod screen;
mod shared;
pub mod terminal;
pub mod theme;
pub mod todo;
pub mod update;
pub mod views;
pub mod wire;
pub mod worker;

use std::io::IsTerminal;
use std::time::Duration as StdDuration;

use anyhow::{bail, Context, Result};
use chrono::{DateTime, Timelike, Utc};
use crossterm::event::{Event, EventStream};
use std::task::Poll;

use futures_util::StreamExt;
use tokio::signal::unix::{signal, SignalKind};

use self::app::{App, SessionSettings};
use self::config::Settings;
use self::message::{Msg, Request};
use self::update::update;
use self::worker::Job;
use crate::store::{Backend, Database, Seam};

/// How the dashboard starts.
pub struct Options {
    /// The database (drafts are written through a connection of their own).
    pub db: Database,
    /// Settings from flags, files and environment.
    pub settings: Settings,
    /// A fixed clock (tests, benchmarks, demos); `None` for the real one.
    pub fixed_now: Option<DateTime<Utc>>,
    /// What the session may do: the owner's `Admin`, or the role of the
    /// user it shows the dashboard as (`--as-user`; the store handle
    /// carries that user's role and shelters too).
    pub role: crate::domain::Role,
}

/// Why the dashboard ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// The user quit.
    Quit,
    /// The session ended (SIGHUP: the SSH link dropped).
    HangUp,
    /// Asked to stop (SIGTERM, SIGINT).
    Terminated,
}

/// Runs the dashboard on an open store until the user quits or a signal
/// ends it. The terminal is restored on every path, a panic included.
pub fn run(mut store: Backend, options: Options) -> Result<Ending> {
    check_terminal()?;
    crate::i18n::check().map_err(anyhow::Error::msg)?;
    let actor = crate::actor::Actor::from_env();
    let user = actor.user().to_string();
    let draft = store
        .desk()
        .take_draft(&user)
        .context("reading your saved draft")?;
    let shelter = {
        let shelters = store.desk().shelters().context("reading the shelters")?;
        match options.settings.shelter {
            Some(id) => shelters.into_iter().find(|s| s.id == id),
            None => shelters.into_iter().next(),
        }
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the event loop")?;
    let (ending, left) = runtime.block_on(event_loop(store, &options, actor, shelter, draft))?;
    if let Some(form) = left {
        save_draft(&options.db, &user, &form);
    }
    Ok(ending)
}

/// Keeps a form's input for the next start, through a connection of its
/// own (the store thread may be gone, or the process going down).
pub(crate) fn save_draft(db: &Database, user: &str, form: &str) {
    if let Ok(mut store) = db.open() {
        let _ = store.desk().save_draft(user, form);
    }
}

/// On a panic, keeps the open form's last state as a draft before the
/// terminal is restored and the message printed.
fn install_draft_hook(db: Database, latest: std::sync::Arc<std::sync::Mutex<Option<String>>>) {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let user = crate::actor::Actor::from_env().user().to_string();
        if let Some(form) = latest.lock().ok().and_then(|g| g.clone()) {
            save_draft(&db, &user, &form);
        }
        previous(info);
    }));
}

/// Refuses to start without a terminal on standard input and output (a
/// pipe, cron), with a plain message instead of raw-mode errors.
pub fn check_terminal() -> Result<()> {
    if !std::io::stdin().is_terminal() || !std::io::stdout().is_terminal() {
        bail!(
            "the dashboard needs a terminal (standard input and output are not one); \
             for scripts use the subcommands, e.g. `albergue check`"
        );
    }
    Ok(())
}

fn now_of(fixed: Option<DateTime<Utc>>) -> DateTime<Utc> {
    fixed.unwrap_or_else(Utc::now)
}

/// Time until the wall clock shows the next minute.
pub(crate) fn until_next_minute(now: DateTime<Utc>) -> StdDuration {
    let into = u64::from(now.second()) * 1000 + u64::from(now.timestamp_subsec_millis());
    StdDuration::from_millis(60_000 - into.min(59_999))
}

/// The header clock's tick: due when the wall clock turns to its next
/// minute, whatever happens meanwhile. Keys and replies wake the loop
/// often; a sleep made anew each time from the last tick's time would be
/// put off by each of them (the clock ran minutes late, and two sessions
/// showed different minutes).
#[derive(Debug, Clone, Copy)]
pub(crate) struct MinuteTick {
    due: tokio::time::Instant,
}

impl MinuteTick {
    /// The next minute after `wall` (the wall clock read now).
    pub(crate) fn after(wall: DateTime<Utc>) -> Self {
        Self {
            due: tokio::time::Instant::now() + until_next_minute(wall),
        }
    }

    /// When it is due.
    pub(crate) fn due(self) -> tokio::time::Instant {
        self.due
    }
}

/// Runs until the end; returns how it ended and the open form's input, if any.
async fn event_loop(
    store: Backend,
    options: &Options,
    actor: crate::actor::Actor,
    shelter: Option<crate::domain::Shelter>,
    draft: Option<String>,
) -> Result<(Ending, Option<String>)> {
    let (reply_tx, mut replies) = tokio::sync::mpsc::unbounded_channel();
    let (requests, worker) = worker::spawn(store, worker::Setup::alone(actor.clone()), reply_tx);
    let mut hangup = signal(SignalKind::hangup())?;
    let mut term = signal(SignalKind::terminate())?;
    let mut interrupt = signal(SignalKind::interrupt())?;

    let mut tui = terminal::Tui::enter().context("setting up the terminal")?;
    let s = &options.settings;
    let session = SessionSettings {
        lang: s.lang,
        theme: s.theme,
        keys: s.keys.clone(),
        actor,
        // The database's owner at the local terminal, or a user's view.
        role: options.role,
        size: tui.size()?,
        served_port: None,
    };
    let mut app = App::new(now_of(options.fixed_now), session, shelter);
    let send = |reqs: Vec<Request>| {
        for r in reqs {
            // The worker only stops when we do.
            let _ = requests.send(Job::Request(r));
        }
    };
    send(app.start());
    if let Some(d) = &draft {
        app.offer_draft(d);
    }
    let latest_form = std::sync::Arc::new(std::sync::Mutex::new(app.draft()));
    install_draft_hook(options.db.clone(), std::sync::Arc::clone(&latest_form));
    let mut events = EventStream::new();
    let mut ending = Ending::Quit;
    // Nothing is drawn until the first answer (the dashboard's figures)
    // arrives, so that the first frame is a complete one.
    let mut ready = false;

    let mut minute = MinuteTick::after(Utc::now());
    loop {
        let tick = tokio::time::sleep_until(minute.due());
        let clock_runs = options.fixed_now.is_none();
        let mut msgs = Vec::new();
        tokio::select! {
            ev = events.next() => match ev {
                Some(Ok(ev)) => msgs.push(ev),
                Some(Err(_)) | None => { ending = Ending::HangUp; break; }
            },
            Some(reply) = replies.recv() => {
                ready = true;
                send(update(&mut app, Msg::Reply(reply)));
            }
            () = tick, if clock_runs => {
                let wall = Utc::now();
                minute = MinuteTick::after(wall);
                send(update(&mut app, Msg::Tick(wall)));
            }
            _ = hangup.recv() => { ending = Ending::HangUp; break; }
            _ = term.recv() => { ending = Ending::Terminated; break; }
            _ = interrupt.recv() => { ending = Ending::Terminated; break; }
        }
        // Apply the whole burst of queued input before drawing once. The
        // stream is polled with this task's own waker (not `now_or_never`,
        // whose no-op waker crossterm would keep, losing later wake-ups).
        while let Some(Some(Ok(ev))) = std::future::poll_fn(|cx| match events.poll_next_unpin(cx) {
            Poll::Ready(item) => Poll::Ready(Some(item)),
            Poll::Pending => Poll::Ready(None),
        })
        .await
        {
            msgs.push(ev);
        }
        let mut resized = false;
        for ev in msgs {
            let msg = match ev {
                Event::Key(k) => Msg::Key(k),
                Event::Paste(text) => Msg::Paste(text),
                Event::Resize(w, h) => {
                    resized = true;
                    Msg::Resize(w, h)
                }
                Event::FocusGained | Event::FocusLost | Event::Mouse(_) => continue,
            };
            send(update(&mut app, msg));
        }
        while let Ok(reply) = replies.try_recv() {
            ready = true;
            send(update(&mut app, Msg::Reply(reply)));
        }
        if let Ok(mut latest) = latest_form.lock() {
            *latest = app.draft();
        }
        if let Some(text) = app.clipboard.take() {
            tui.send_raw(&terminal::osc52(&text))?;
        }
        if app.quit {
            break;
        }
        if resized {
            tui.invalidate()?;
        }
        if app.dirty && ready {
            tui.draw(|f| views::render(&app, f))?;
            app.dirty = false;
            // Debug builds only: lets the end-to-end tests prove that a panic
            // restores the terminal before its message prints.
            #[cfg(debug_assertions)]
            if std::env::var_os("ALBERGUE_TEST_PANIC").is_some() {
                panic!("panic requested by ALBERGUE_TEST_PANIC");
            }
        }
    }
    drop(tui);
    drop(requests);
    let _ = worker.join();
    Ok((ending, app.draft()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The tick is due at the wall clock's next minute, however often the
    /// loop wakes before it: keys do not move it.
    #[tokio::test(start_paused = true)]
    async fn the_minute_tick_lands_on_the_minute_whatever_wakes_the_loop() {
        let wall = DateTime::parse_from_rfc3339("2024-05-22T15:00:40.250Z")
            .unwrap()
            .with_timezone(&Utc);
        let start = tokio::time::Instant::now();
        let minute = MinuteTick::after(wall);
        // A key every second: the loop turns, the tick stays where it was.
        let mut fired = None;
        for second in 1..=30 {
            let key = tokio::time::sleep(StdDuration::from_secs(1));
            tokio::select! {
                () = tokio::time::sleep_until(minute.due()) => {
                    fired = Some(tokio::time::Instant::now() - start);
                    break;
                }
                () = key => assert!(second < 20, "no tick by second {second}"),
            }
        }
        assert_eq!(fired, Some(StdDuration::from_millis(19_750)));
    }
}
