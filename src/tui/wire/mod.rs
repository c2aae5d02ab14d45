//! The bytes of a frame, as few as a terminal needs.
//!
//! ratatui's crossterm backend writes each changed cell's position as an
//! absolute move (`ESC[7;18H`, 7 bytes, even to skip one blank), every
//! colour as a 256-colour index with both planes (`ESC[38;5;8;49m`), each
//! attribute in its own sequence, and four resets after every frame. On a
//! phone's link at 256 kbit/s the first dashboard (4 KB) is 0.13 s of wire,
//! and every Down pays the same overheads. [`Wire`] draws the same cells
//! with:
//!
//! - the shortest way to the next cell: nothing when it follows, the
//!   unchanged cells between reprinted when that is shorter (blanks of the
//!   pen's own background), `CUF` (`ESC[nC`) along a row, `CR LF` to the
//!   start of the next row, else the absolute move;
//! - one SGR sequence per change of pen, with only what changed (or a reset
//!   and the new pen, when that is shorter), and the 16 ANSI colours by
//!   their own codes (`36`, `90`) rather than as indexes;
//! - one reset at the end, only when the pen is not already plain;
//! - a run of full blocks (a bar) as reversed blanks, 1 byte a cell;
//! - blanks in a coloured or bold span made plain first ([`plain_blanks`]),
//!   so that they are not sent as changed cells.
//!
//! Every sequence is VT100/ECMA-48 as every terminal an SSH client offers
//! understands it (no `REP`, no erase with background colour). The screen a
//! terminal shows is the same as with ratatui's backend: a property test
//! feeds both to a terminal emulator and compares every cell.

use std::io::{self, Write};

use ratatui::backend::{Backend, ClearType, CrosstermBackend, WindowSize};
use ratatui::buffer::{Buffer, Cell, CellDiffOption};
use ratatui::layout::{Position, Size};
use ratatui::style::{Color, Modifier};
use unicode_width::UnicodeWidthStr;

mod cursor;
mod pen;

use cursor::move_to;
use pen::{sgr, Pen, PLAIN, SHOWS_ON_BLANK};

/// Gives every blank cell the look it shows: only its background and the
/// attributes that show on a blank (reverse, underline, strike-through)
/// are kept. A blank in a coloured or bold span then equals a blank
/// elsewhere, and a diff does not send it again.
pub fn plain_blanks(buffer: &mut Buffer) {
    for cell in &mut buffer.content {
        if blank(cell) {
            cell.fg = Color::Reset;
            cell.modifier &= SHOWS_ON_BLANK;
        }
    }
}

/// A ratatui backend that writes frames compactly (see the module's
/// documentation); everything but `draw` is crossterm's.
pub struct Wire<W: Write> {
    inner: CrosstermBackend<W>,
    /// The whole frame being drawn, when known: the cells a diff skips are
    /// read from it to reprint them where that is shorter than a move.
    frame: Option<Buffer>,
}

impl<W: Write> Wire<W> {
    pub fn new(out: W) -> Self {
        Self {
            inner: CrosstermBackend::new(out),
            frame: None,
        }
    }

    /// The frame about to be drawn (what the screen will hold after it);
    /// returns the one set before.
    pub fn set_frame(&mut self, frame: Option<Buffer>) -> Option<Buffer> {
        std::mem::replace(&mut self.frame, frame)
    }
}

impl<W: Write> Write for Wire<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.inner.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        Write::flush(&mut self.inner)
    }
}

const FULL_BLOCK: &str = "\u{2588}";

/// Shortest run of full blocks worth switching to reverse video for: the
/// switch there and back (about 9 bytes) against 2 bytes a cell saved.
const MIN_BLOCK_RUN: u16 = 5;

/// How many full blocks of the same look follow (x, y) on its row, itself included.
fn blocks_from(frame: &Buffer, x: u16, y: u16) -> u16 {
    let Some(first) = frame.cell((x, y)) else {
        return 0;
    };
    (x..frame.area.right())
        .take_while(|&cx| {
            frame.cell((cx, y)).is_some_and(|c| {
                c.symbol() == FULL_BLOCK
                    && Pen::of(c) == Pen::of(first)
                    && c.diff_option == CellDiffOption::None
            })
        })
        .count() as u16
}

/// A blank whose look is its background (and the attributes that show on
/// a blank): any pen with those draws it.
fn blank(cell: &Cell) -> bool {
    cell.symbol() == " " && !cell.modifier.contains(Modifier::REVERSED)
}

/// Writes the cells of a diff (see the module's documentation). `frame`,
/// the whole frame, lets unchanged cells be reprinted instead of skipped.
pub fn encode<'a>(
    out: &mut Vec<u8>,
    content: impl Iterator<Item = (u16, u16, &'a Cell)>,
    frame: Option<&Buffer>,
) {
    let mut pen = PLAIN;
    // Where the cursor is, when known for certain: after a character of
    // width 1 that did not fill the last column.
    let mut cursor: Option<(u16, u16)> = None;
    for (x, y, cell) in content {
        if cursor != Some((x, y)) {
            move_to(out, cursor, (x, y), pen, frame);
        }
        let mut symbol = cell.symbol();
        let block = Pen {
            modifier: cell.modifier | Modifier::REVERSED,
            ..Pen::of(cell)
        };
        let want = if symbol == FULL_BLOCK
            && !cell.modifier.contains(Modifier::REVERSED)
            && (pen == block || frame.is_some_and(|f| blocks_from(f, x, y) >= MIN_BLOCK_RUN))
        {
            // A run of full blocks (a bar) as reversed blanks: 1 byte a
            // cell instead of 3, the same cells painted in the same colour.
            symbol = " ";
            block
        } else if blank(cell) {
            // A blank shows only its background and a few attributes: the
            // pen keeps the rest (no change of colour for a space).
            Pen {
                fg: pen.fg,
                bg: cell.bg,
                modifier: (pen.modifier - SHOWS_ON_BLANK) | (cell.modifier & SHOWS_ON_BLANK),
            }
        } else {
            Pen::of(cell)
        };
        sgr(out, pen, want);
        pen = want;
        out.extend_from_slice(symbol.as_bytes());
        let width = frame.map_or(u16::MAX, |f| f.area.right());
        let one = symbol.width() == 1 && cell.diff_option == CellDiffOption::None;
        cursor = (one && x + 1 < width).then_some((x + 1, y));
    }
    if pen != PLAIN {
        out.extend_from_slice(b"\x1b[m");
    }
}

impl<W: Write> Backend for Wire<W> {
    type Error = io::Error;

    fn draw<'a, I>(&mut self, content: I) -> io::Result<()>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        let mut out = Vec::with_capacity(4096);
        encode(&mut out, content, self.frame.as_ref());
        self.inner.write_all(&out)
    }

    fn hide_cursor(&mut self) -> io::Result<()> {
        self.inner.hide_cursor()
    }

    fn show_cursor(&mut self) -> io::Result<()> {
        self.inner.show_cursor()
    }

    fn get_cursor_position(&mut self) -> io::Result<Position> {
        self.inner.get_cursor_position()
    }

    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> io::Result<()> {
        self.inner.set_cursor_position(position)
    }

    fn clear(&mut self) -> io::Result<()> {
        self.inner.clear()
    }

    fn clear_region(&mut self, clear_type: ClearType) -> io::Result<()> {
        self.inner.clear_region(clear_type)
    }

    fn append_lines(&mut self, n: u16) -> io::Result<()> {
        self.inner.append_lines(n)
    }

    fn size(&self) -> io::Result<Size> {
        self.inner.size()
    }

    fn window_size(&mut self) -> io::Result<WindowSize> {
        self.inner.window_size()
    }

    fn flush(&mut self) -> io::Result<()> {
        Backend::flush(&mut self.inner)
    }
}

#[cfg(test)]
mod tests;
