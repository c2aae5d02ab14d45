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
use ratatui::{Frame, Terminal};

/// A writer whose `flush` waits until the frame is complete, so that a frame
/// (ratatui flushes mid-frame to hide the cursor) leaves in one `write`.
pub struct FrameWriter {
    inner: BufWriter<Stdout>,
    hold: Rc<Cell<bool>>,
}

impl Write for FrameWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
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
}

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
        let writer = FrameWriter {
            inner: BufWriter::with_capacity(64 * 1024, io::stdout()),
            hold: Rc::clone(&hold),
        };
        let terminal = Terminal::new(CrosstermBackend::new(writer)).inspect_err(|_| restore())?;
        Ok(Self { terminal, hold })
    }

    /// The terminal's size (columns, rows).
    pub fn size(&self) -> io::Result<(u16, u16)> {
        let s = self.terminal.size()?;
        Ok((s.width, s.height))
    }

    /// Draws one frame: only the cells that changed, in one write.
    pub fn draw(&mut self, render: impl FnOnce(&mut Frame)) -> io::Result<()> {
        self.hold.set(true);
        queue!(self.terminal.backend_mut(), BeginSynchronizedUpdate)?;
        let drawn = self.terminal.draw(render).map(|_| ());
        let backend = self.terminal.backend_mut();
        queue!(backend, EndSynchronizedUpdate)?;
        self.hold.set(false);
        backend.flush()?;
        drawn
    }

    /// Forgets what is on screen so the next frame repaints everything
    /// (after a resize or resume, never otherwise).
    pub fn invalidate(&mut self) -> io::Result<()> {
        self.terminal.clear()
    }
}

impl Drop for Tui {
    fn drop(&mut self) {
        restore();
    }
}
