//! Terminal setup and restore, and a frame writer fit for a slow link:
//! one buffered write per frame, inside a synchronized update.

use std::cell::Cell;
use std::io::{self, BufWriter, Stdout, Write};
use std::rc::Rc;
use std::sync::Once;

use crossterm::event::{DisableBracketedPaste, EnableBracketedPaste};
use crossterm::terminal::{
    disable_raw_mode, enable_raw_mode, BeginSynchronizedUpdate, EndSynchronizedUpdate,
    EnterAlternateScreen, LeaveAlternateScreen,
};
use crossterm::{cursor, execute, queue};
use ratatui::backend::CrosstermBackend;
use ratatui::buffer::Buffer;
use ratatui::{Frame, Terminal};

/// A writer whose `flush` waits until the frame is complete, so that a frame
/// (ratatui flushes mid-frame to hide the cursor) leaves in one `write`, and
/// that opens the synchronized update only when the frame writes something.
pub struct FrameWriter {
    inner: BufWriter<Stdout>,
    hold: Rc<Cell<bool>>,
    /// Set at the start of a frame; the first write begins the update.
    begin: Rc<Cell<bool>>,
}

impl Write for FrameWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.begin.replace(false) {
            queue!(self.inner, BeginSynchronizedUpdate)?;
        }
        self.inner.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.hold.get() {
            Ok(())
        } else {
            self.inner.flush()
        }
    }
}

/// The terminal in raw mode on the alternate screen; restored on drop.
pub struct Tui {
    terminal: Terminal<CrosstermBackend<FrameWriter>>,
    hold: Rc<Cell<bool>>,
    begin: Rc<Cell<bool>>,
    /// What the last frame put on screen, to skip frames that change nothing.
    last: Option<Buffer>,
}

/// The error that aborts a frame identical to the one on screen.
const UNCHANGED: &str = "frame unchanged";

/// Puts the terminal back as it was: cooked mode, main screen, cursor shown.
/// Safe to call more than once and when the terminal is gone (errors ignored).
pub fn restore() {
    let _ = disable_raw_mode();
    let mut out = io::stdout();
    let _ = execute!(
        out,
        DisableBracketedPaste,
        LeaveAlternateScreen,
        cursor::Show
    );
}

fn install_panic_hook() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            // Restore first, so that the message lands on a usable terminal.
            restore();
            previous(info);
        }));
    });
}

impl Tui {
    /// Enters raw mode and the alternate screen.
    pub fn enter() -> io::Result<Self> {
        install_panic_hook();
        enable_raw_mode()?;
        let mut out = io::stdout();
        if let Err(e) = execute!(
            out,
            EnterAlternateScreen,
            EnableBracketedPaste,
            cursor::Hide
        ) {
            restore();
            return Err(e);
        }
        let hold = Rc::new(Cell::new(false));
        let begin = Rc::new(Cell::new(false));
        let writer = FrameWriter {
            inner: BufWriter::with_capacity(64 * 1024, io::stdout()),
            hold: Rc::clone(&hold),
            begin: Rc::clone(&begin),
        };
        let terminal = Terminal::new(CrosstermBackend::new(writer)).inspect_err(|_| restore())?;
        Ok(Self {
            terminal,
            hold,
            begin,
            last: None,
        })
    }

    /// The terminal's size (columns, rows).
    pub fn size(&self) -> io::Result<(u16, u16)> {
        let s = self.terminal.size()?;
        Ok((s.width, s.height))
    }

    /// Draws one frame: only the cells that changed, in one write inside a
    /// synchronized update; a frame identical to the screen writes nothing.
    pub fn draw(&mut self, render: impl FnOnce(&mut Frame)) -> io::Result<()> {
        self.hold.set(true);
        self.begin.set(true);
        let last = &mut self.last;
        let drawn = self
            .terminal
            .try_draw(|frame| {
                // A frame aborted earlier may have left cells behind.
                frame.buffer_mut().reset();
                render(frame);
                if last.as_ref() == Some(&*frame.buffer_mut()) {
                    return Err(io::Error::other(UNCHANGED));
                }
                *last = Some(frame.buffer_mut().clone());
                Ok::<(), io::Error>(())
            })
            .map(|_| ());
        let wrote = !self.begin.replace(false);
        let backend = self.terminal.backend_mut();
        if wrote {
            queue!(backend, EndSynchronizedUpdate)?;
        }
        self.hold.set(false);
        backend.flush()?;
        match drawn {
            Err(e) if e.to_string() == UNCHANGED => Ok(()),
            other => other,
        }
    }

    /// Forgets what is on screen so the next frame repaints everything
    /// (after a resize or resume, never otherwise).
    pub fn invalidate(&mut self) -> io::Result<()> {
        self.last = None;
        self.terminal.clear()
    }
}

impl Drop for Tui {
    fn drop(&mut self) {
        restore();
    }
}
