//! Terminal setup and restore, and a frame writer fit for a slow link:
//! one buffered write per frame, inside a synchronized update.

use std::io::{self, BufWriter, Stdout, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::sync::Once;

use crossterm::event::{DisableBracketedPaste, EnableBracketedPaste};
use crossterm::style::Print;
use crossterm::terminal::{
    disable_raw_mode, enable_raw_mode, BeginSynchronizedUpdate, EndSynchronizedUpdate,
    EnterAlternateScreen, LeaveAlternateScreen,
};
use crossterm::{cursor, execute, queue};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::{Frame, Terminal, TerminalOptions, Viewport};

use super::wire::Wire;

/// A writer whose `flush` waits until the frame is complete, so that a frame
/// (ratatui flushes mid-frame to hide the cursor) leaves in one `write`, and
/// that opens the synchronized update only when the frame writes something.
pub struct FrameWriter<W: Write> {
    inner: BufWriter<W>,
    hold: Arc<AtomicBool>,
    /// Set at the start of a frame; the first write begins the update.
    begin: Arc<AtomicBool>,
}

impl<W: Write> Write for FrameWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.begin.swap(false, Ordering::Relaxed) {
            queue!(self.inner, BeginSynchronizedUpdate)?;
        }
        self.inner.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.hold.load(Ordering::Relaxed) {
            Ok(())
        } else {
            self.inner.flush()
        }
    }
}

/// Frames drawn to a terminal through any writer: the local terminal's
/// standard output, or (for a session served over the network) a channel.
pub struct Screen<W: Write> {
    terminal: Terminal<Wire<FrameWriter<W>>>,
    hold: Arc<AtomicBool>,
    begin: Arc<AtomicBool>,
    /// What the last frame put on screen, to skip frames that change nothing.
    last: Option<Buffer>,
}

/// The local terminal in raw mode on the alternate screen; restored on drop.
pub struct Tui {
    screen: Screen<Stdout>,
}

impl<W: Write> Screen<W> {
    fn with_viewport(out: W, viewport: Viewport) -> io::Result<Self> {
        let hold = Arc::new(AtomicBool::new(false));
        let begin = Arc::new(AtomicBool::new(false));
        let writer = FrameWriter {
            inner: BufWriter::with_capacity(64 * 1024, out),
            hold: Arc::clone(&hold),
            begin: Arc::clone(&begin),
        };
        let terminal = Terminal::with_options(Wire::new(writer), TerminalOptions { viewport })?;
        Ok(Self {
            terminal,
            hold,
            begin,
            last: None,
        })
    }

    /// Frames for a terminal of `size` (columns, rows) reached through
    /// `out`. The size comes from whoever owns the terminal (a session's
    /// pty request), never from this process's own terminal.
    pub fn over(out: W, size: (u16, u16)) -> io::Result<Self> {
        Self::with_viewport(out, Viewport::Fixed(Rect::new(0, 0, size.0, size.1)))
    }

    /// Draws one frame: only the cells that changed, in one write inside a
    /// synchronized update. A frame identical to the screen writes nothing;
    /// a frame whose rows moved by one (a list scrolled) scrolls the
    /// terminal and sends only the rows that are new.
    pub fn draw(&mut self, render: impl Fn(&mut Frame)) -> io::Result<()> {
        // Render once off screen (the draw is aborted before it writes).
        let mut fresh = None;
        let probe = self.terminal.try_draw(|frame| {
            frame.buffer_mut().reset();
            render(frame);
            super::wire::plain_blanks(frame.buffer_mut());
            fresh = Some(frame.buffer_mut().clone());
            Err::<(), _>(io::Error::other(PROBE))
        });
        match probe {
            Err(e) if e.to_string() == PROBE => {}
            Err(e) => return Err(e),
            Ok(_) => {}
        }
        let Some(fresh) = fresh else { return Ok(()) };
        if self.last.as_ref() == Some(&fresh) {
            return Ok(());
        }
        self.hold.store(true, Ordering::Relaxed);
        self.begin.store(true, Ordering::Relaxed);
        if let Some(shifted) = self.last.as_ref().and_then(|last| scroll(last, &fresh)) {
            let (top, bottom, up) = shifted.region;
            let backend = self.terminal.backend_mut();
            queue!(backend, Print(format!("\x1b[{};{}r", top + 1, bottom + 1)))?;
            queue!(backend, Print(if up { "\x1b[1S" } else { "\x1b[1T" }))?;
            queue!(backend, Print("\x1b[r"))?;
            // Tell ratatui the screen now holds the shifted rows, so that its
            // diff sends only what differs from them.
            *self.terminal.current_buffer_mut() = shifted.screen;
            self.terminal.swap_buffers();
        }
        // The backend reads the cells the diff skips from the whole frame.
        self.terminal.backend_mut().set_frame(Some(fresh));
        let drawn = self
            .terminal
            .draw(|frame| {
                render(frame);
                super::wire::plain_blanks(frame.buffer_mut());
            })
            .map(|_| ());
        self.last = self.terminal.backend_mut().set_frame(None);
        let wrote = !self.begin.swap(false, Ordering::Relaxed);
        let backend = self.terminal.backend_mut();
        if wrote {
            queue!(backend, EndSynchronizedUpdate)?;
        }
        self.hold.store(false, Ordering::Relaxed);
        backend.flush()?;
        drawn
    }

    /// Forgets what is on screen so the next frame repaints everything
    /// (after a resize or resume, never otherwise).
    pub fn invalidate(&mut self) -> io::Result<()> {
        self.last = None;
        self.terminal.clear()
    }

    /// Writes bytes that are not a frame (a clipboard sequence) between
    /// frames, at once.
    pub fn send_raw(&mut self, bytes: &[u8]) -> io::Result<()> {
        let backend = self.terminal.backend_mut();
        backend.write_all(bytes)?;
        backend.flush()
    }

    /// The terminal changed size: the next frame repaints everything.
    pub fn resize(&mut self, size: (u16, u16)) -> io::Result<()> {
        self.last = None;
        self.terminal.resize(Rect::new(0, 0, size.0, size.1))
    }
}

/// The error that aborts the off-screen probe render.
const PROBE: &str = "probe render";

/// A scroll that turns the screen into most of the next frame.
struct Shift {
    /// First and last row (inclusive) of the scrolled band, and whether it moved up.
    region: (u16, u16, bool),
    /// The screen as it is after the scroll.
    screen: Buffer,
}

/// Cells a row may differ by and still count as the same row moved.
const NEAR_CELLS: usize = 2;

fn filled(row: &[ratatui::buffer::Cell]) -> usize {
    row.iter().filter(|c| c.symbol() != " ").count()
}

fn differing(a: &[ratatui::buffer::Cell], b: &[ratatui::buffer::Cell]) -> usize {
    a.iter().zip(b).filter(|(x, y)| x != y).count()
}

/// Fewest rows a scroll must save to be worth its escape sequences.
const MIN_SCROLL_ROWS: usize = 4;

/// Finds the band of rows that moved by one line between `last` and `next`,
/// when scrolling it saves sending at least [`MIN_SCROLL_ROWS`] rows.
fn scroll(last: &Buffer, next: &Buffer) -> Option<Shift> {
    if last.area != next.area || last.area.width == 0 {
        return None;
    }
    let w = last.area.width as usize;
    let h = last.area.height as usize;
    fn row(b: &Buffer, y: usize) -> &[ratatui::buffer::Cell] {
        let w = b.area.width as usize;
        &b.content[y * w..(y + 1) * w]
    }
    // For each direction, runs of rows where row y of `next` is (nearly)
    // row y+1 of `last` (up) or the reverse; "nearly" lets a selection
    // marker ride along with its row. A run is worth scrolling by the rows
    // it saves: those that differ from what is on screen now.
    let mut best: Option<(usize, usize, bool, usize)> = None;
    for up in [true, false] {
        let moved = |y: usize| {
            let (new, from) = if up {
                (row(next, y), row(last, y + 1))
            } else {
                (row(next, y + 1), row(last, y))
            };
            let d = differing(new, from);
            // A near match only counts for a row with real content.
            d == 0 || (d <= NEAR_CELLS && filled(new) > 8 * d)
        };
        let changed = |y: usize| {
            let y = if up { y } else { y + 1 };
            row(next, y) != row(last, y)
        };
        let mut y = 0;
        while y + 1 < h {
            if !moved(y) {
                y += 1;
                continue;
            }
            let start = y;
            let mut saved = 0;
            while y + 1 < h && moved(y) {
                saved += usize::from(changed(y));
                y += 1;
            }
            if saved >= MIN_SCROLL_ROWS && best.is_none_or(|(_, _, _, s)| s < saved) {
                best = Some((start, y, up, saved));
            }
        }
    }
    let (top, bottom, up, _) = best?;
    let mut screen = last.clone();
    // The line the scroll uncovers is marked as holding nothing that can be
    // drawn, so the diff rewrites it whole, in one run, rather than skipping
    // blanks with a cursor move each (a move costs more than a space).
    let mut blank = ratatui::buffer::Cell::default();
    blank.set_symbol("\u{FFFF}");
    if up {
        for y in top..bottom {
            let (src, dst) = ((y + 1) * w, y * w);
            for x in 0..w {
                screen.content[dst + x] = last.content[src + x].clone();
            }
        }
        screen.content[bottom * w..(bottom + 1) * w].fill(blank);
    } else {
        for y in (top + 1..=bottom).rev() {
            let (src, dst) = ((y - 1) * w, y * w);
            for x in 0..w {
                screen.content[dst + x] = last.content[src + x].clone();
            }
        }
        screen.content[top * w..(top + 1) * w].fill(blank);
    }
    Some(Shift {
        region: (top as u16, bottom as u16, up),
        screen,
    })
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
        let screen =
            Screen::with_viewport(io::stdout(), Viewport::Fullscreen).inspect_err(|_| restore())?;
        Ok(Self { screen })
    }

    /// The terminal's size (columns, rows).
    pub fn size(&self) -> io::Result<(u16, u16)> {
        let s = self.screen.terminal.size()?;
        Ok((s.width, s.height))
    }

    /// Draws one frame (see [`Screen::draw`]).
    pub fn draw(&mut self, render: impl Fn(&mut Frame)) -> io::Result<()> {
        self.screen.draw(render)
    }

    /// Forgets what is on screen so the next frame repaints everything
    /// (after a resize or resume, never otherwise).
    pub fn invalidate(&mut self) -> io::Result<()> {
        self.screen.invalidate()
    }

    /// Writes bytes that are not a frame (see [`Screen::send_raw`]).
    pub fn send_raw(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.screen.send_raw(bytes)
    }
}

/// The OSC 52 sequence that puts `text` on the clipboard of the terminal
/// the coordinator is looking at (their own machine's, over SSH; tmux
/// passes it on with `set-clipboard on`): `ESC ] 52 ; c ; base64 BEL`.
pub fn osc52(text: &str) -> Vec<u8> {
    use base64ct::{Base64, Encoding};
    let mut out = b"\x1b]52;c;".to_vec();
    out.extend_from_slice(Base64::encode_string(text.as_bytes()).as_bytes());
    out.push(0x07);
    out
}

impl Drop for Tui {
    fn drop(&mut self) {
        restore();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn screen(rows: &[&str]) -> Buffer {
        let mut b = Buffer::empty(Rect::new(0, 0, 30, rows.len() as u16));
        for (y, text) in rows.iter().enumerate() {
            b.set_string(0, y as u16, text, ratatui::style::Style::new());
        }
        b
    }

    #[test]
    fn a_list_moved_up_one_line_is_scrolled_and_only_the_new_line_is_sent() {
        let last = screen(&[
            "title",
            " Ana Pérez      VEN  12",
            " Beto Cruz      MEX  40",
            " Caro Joseph    HTI   3",
            " Dani Núñez     HND  77",
            "›Eva Tzul       GTM 120",
            "keys",
        ]);
        let next = screen(&[
            "title",
            " Beto Cruz      MEX  40",
            " Caro Joseph    HTI   3",
            " Dani Núñez     HND  77",
            " Eva Tzul       GTM 120",
            "›Fede Díaz      CUB   9",
            "keys",
        ]);
        let shift = scroll(&last, &next).expect("a scroll");
        assert_eq!(shift.region, (1, 5, true));
        let changed: Vec<u16> = shift
            .screen
            .diff(&next)
            .iter()
            .map(|(_, y, _)| *y)
            .collect();
        assert!(changed.iter().all(|&y| y == 4 || y == 5), "{changed:?}");
    }

    #[test]
    fn frames_go_to_any_writer_at_the_size_given() {
        let out = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        struct Shared(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);
        impl Write for Shared {
            fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
                self.0.lock().unwrap().extend_from_slice(buf);
                Ok(buf.len())
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let mut screen = Screen::over(Shared(out.clone()), (20, 3)).unwrap();
        screen
            .draw(|f| {
                assert_eq!((f.area().width, f.area().height), (20, 3));
                f.render_widget(ratatui::widgets::Paragraph::new("hola"), f.area());
            })
            .unwrap();
        let first = String::from_utf8_lossy(&out.lock().unwrap()).to_string();
        assert!(first.contains("hola"), "{first:?}");
        assert!(
            first.starts_with("\x1b[?2026h"),
            "a synchronized update: {first:?}"
        );
        let len = out.lock().unwrap().len();
        screen
            .draw(|f| f.render_widget(ratatui::widgets::Paragraph::new("hola"), f.area()))
            .unwrap();
        assert_eq!(
            out.lock().unwrap().len(),
            len,
            "the same frame again sends nothing"
        );
    }

    #[test]
    fn unrelated_frames_are_not_scrolled() {
        let last = screen(&["a", "b", "c", "d", "e", "f"]);
        let next = screen(&["z", "y", "x", "w", "v", "u"]);
        assert!(scroll(&last, &next).is_none());
        assert!(scroll(&last, &last).is_none());
    }
}
