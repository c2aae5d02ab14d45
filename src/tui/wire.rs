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

use std::fmt::Write as _;
use std::io::{self, Write};

use ratatui::backend::{Backend, ClearType, CrosstermBackend, WindowSize};
use ratatui::buffer::{Buffer, Cell, CellDiffOption};
use ratatui::layout::{Position, Size};
use ratatui::style::{Color, Modifier};
use unicode_width::UnicodeWidthStr;

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

/// What the terminal draws text with.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Pen {
    fg: Color,
    bg: Color,
    modifier: Modifier,
}

const PLAIN: Pen = Pen {
    fg: Color::Reset,
    bg: Color::Reset,
    modifier: Modifier::empty(),
};

impl Pen {
    fn of(cell: &Cell) -> Self {
        Self {
            fg: cell.fg,
            bg: cell.bg,
            modifier: cell.modifier,
        }
    }
}

/// Attributes that show on a blank cell (besides its background).
const SHOWS_ON_BLANK: Modifier = Modifier::REVERSED
    .union(Modifier::UNDERLINED)
    .union(Modifier::CROSSED_OUT);

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

/// The SGR parameter of a colour: `base` 30 for the text, 40 for the background.
fn color(out: &mut String, c: Color, base: u8) {
    let named = |i: u8| if i < 8 { base + i } else { base + 60 + i - 8 };
    let _ = match c {
        Color::Reset => write!(out, "{}", base + 9),
        Color::Black => write!(out, "{}", named(0)),
        Color::Red => write!(out, "{}", named(1)),
        Color::Green => write!(out, "{}", named(2)),
        Color::Yellow => write!(out, "{}", named(3)),
        Color::Blue => write!(out, "{}", named(4)),
        Color::Magenta => write!(out, "{}", named(5)),
        Color::Cyan => write!(out, "{}", named(6)),
        Color::Gray => write!(out, "{}", named(7)),
        Color::DarkGray => write!(out, "{}", named(8)),
        Color::LightRed => write!(out, "{}", named(9)),
        Color::LightGreen => write!(out, "{}", named(10)),
        Color::LightYellow => write!(out, "{}", named(11)),
        Color::LightBlue => write!(out, "{}", named(12)),
        Color::LightMagenta => write!(out, "{}", named(13)),
        Color::LightCyan => write!(out, "{}", named(14)),
        Color::White => write!(out, "{}", named(15)),
        Color::Indexed(i) => write!(out, "{};5;{i}", base + 8),
        Color::Rgb(r, g, b) => write!(out, "{};2;{r};{g};{b}", base + 8),
    };
}

/// SGR codes that turn each modifier on, and the code that turns it off.
const MODIFIERS: [(Modifier, u8, u8); 9] = [
    (Modifier::BOLD, 1, 22),
    (Modifier::DIM, 2, 22),
    (Modifier::ITALIC, 3, 23),
    (Modifier::UNDERLINED, 4, 24),
    (Modifier::SLOW_BLINK, 5, 25),
    (Modifier::RAPID_BLINK, 6, 25),
    (Modifier::REVERSED, 7, 27),
    (Modifier::HIDDEN, 8, 28),
    (Modifier::CROSSED_OUT, 9, 29),
];

fn push(out: &mut String, code: impl std::fmt::Display) {
    if !out.is_empty() {
        out.push(';');
    }
    let _ = write!(out, "{code}");
}

/// The parameters that take the terminal from `from` to `to`, changing
/// only what differs.
fn changes(from: Pen, to: Pen) -> String {
    let mut out = String::new();
    let removed = from.modifier - to.modifier;
    // One "off" code can clear two attributes (22: bold and dim; 25: both
    // blinks): clear, then set again what `to` keeps.
    let mut cleared = Modifier::empty();
    for (m, _, off) in MODIFIERS {
        if removed.contains(m) {
            let shared: Modifier = MODIFIERS
                .iter()
                .filter(|(_, _, o)| *o == off)
                .map(|(m, _, _)| *m)
                .fold(Modifier::empty(), |a, b| a | b);
            if !cleared.intersects(shared) {
                push(&mut out, off);
            }
            cleared |= shared;
        }
    }
    let set = (to.modifier - from.modifier) | (to.modifier & cleared);
    for (m, on, _) in MODIFIERS {
        if set.contains(m) {
            push(&mut out, on);
        }
    }
    for (a, b, base) in [(from.fg, to.fg, 30), (from.bg, to.bg, 40)] {
        if a != b {
            if !out.is_empty() {
                out.push(';');
            }
            color(&mut out, b, base);
        }
    }
    out
}

/// The SGR sequence from `from` to `to`: the changes, or a reset and `to`
/// from scratch, whichever is shorter.
fn sgr(out: &mut Vec<u8>, from: Pen, to: Pen) {
    if from == to {
        return;
    }
    let delta = changes(from, to);
    let fresh = changes(PLAIN, to);
    // "ESC[m" resets; "ESC[0;…m" resets and sets.
    let params = if fresh.is_empty() {
        fresh
    } else if fresh.len() + 2 < delta.len() {
        format!("0;{fresh}")
    } else {
        delta
    };
    out.extend_from_slice(b"\x1b[");
    out.extend_from_slice(params.as_bytes());
    out.push(b'm');
}

fn digits(n: u16) -> usize {
    match n {
        0..=9 => 1,
        10..=99 => 2,
        100..=999 => 3,
        1000..=9999 => 4,
        _ => 5,
    }
}

/// The absolute move to (x, y), 0-based.
fn cup(out: &mut Vec<u8>, x: u16, y: u16) {
    if x == 0 {
        let _ = write!(out, "\x1b[{}H", y + 1);
    } else {
        let _ = write!(out, "\x1b[{};{}H", y + 1, x + 1);
    }
}

fn cup_len(x: u16, y: u16) -> usize {
    if x == 0 {
        3 + digits(y + 1)
    } else {
        4 + digits(y + 1) + digits(x + 1)
    }
}

fn cuf_len(n: u16) -> usize {
    if n == 1 {
        3
    } else {
        3 + digits(n)
    }
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

/// The shortest way from `from` (if known) to `to` that leaves the screen
/// as it is and the pen unchanged.
fn move_to(
    out: &mut Vec<u8>,
    from: Option<(u16, u16)>,
    to: (u16, u16),
    pen: Pen,
    frame: Option<&Buffer>,
) {
    let (x, y) = to;
    let absolute = cup_len(x, y);
    if let Some((cx, cy)) = from {
        if cy == y && x > cx {
            let gap = x - cx;
            // Reprinting what is there already: only plain one-byte cells
            // the pen draws identically.
            let reprint = frame.and_then(|f| {
                let mut bytes = Vec::new();
                for gx in cx..x {
                    let c = f.cell((gx, y))?;
                    let s = c.symbol();
                    let same = Pen::of(c) == pen
                        || (blank(c)
                            && c.bg == pen.bg
                            && (c.modifier & SHOWS_ON_BLANK) == (pen.modifier & SHOWS_ON_BLANK)
                            && !pen.modifier.contains(Modifier::REVERSED));
                    if s.len() != 1 || c.diff_option != CellDiffOption::None || !same {
                        return None;
                    }
                    bytes.extend_from_slice(s.as_bytes());
                }
                Some(bytes)
            });
            let forward = cuf_len(gap);
            match reprint {
                Some(bytes) if bytes.len() <= forward && bytes.len() <= absolute => {
                    out.extend_from_slice(&bytes);
                }
                _ if forward < absolute => {
                    if gap == 1 {
                        out.extend_from_slice(b"\x1b[C");
                    } else {
                        let _ = write!(out, "\x1b[{gap}C");
                    }
                }
                _ => cup(out, x, y),
            }
            return;
        }
        if x == 0 && y == cy + 1 {
            // Column 0 of the next row (never past the bottom here: the row
            // exists on screen, so the line feed does not scroll).
            out.extend_from_slice(b"\r\n");
            return;
        }
    }
    cup(out, x, y);
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
mod tests {
    use super::*;
    use proptest::prelude::*;
    use ratatui::layout::Rect;
    use ratatui::style::Style;

    fn crossterm_bytes(prev: &Buffer, next: &Buffer) -> Vec<u8> {
        let mut out = Vec::new();
        CrosstermBackend::new(&mut out)
            .draw(prev.diff(next).into_iter())
            .unwrap();
        out
    }

    fn wire_bytes(prev: &Buffer, next: &Buffer) -> Vec<u8> {
        let mut out = Vec::new();
        encode(&mut out, prev.diff(next).into_iter(), Some(next));
        out
    }

    /// What a terminal shows after the frames `steps`, cell by cell: the
    /// text, and unless `text_only` the colours and attributes that show.
    fn shown(size: (u16, u16), steps: &[Vec<u8>], text_only: bool) -> Vec<String> {
        let nz = |n| std::num::NonZeroU16::new(n).unwrap();
        let mut p = vt100::Parser::new(nz(size.1), nz(size.0), 0);
        for s in steps {
            p.process(s);
        }
        let screen = p.screen();
        (0..size.1)
            .map(|y| {
                let mut row = String::new();
                for x in 0..size.0 {
                    let c = screen.cell(y, x).unwrap();
                    let text = if c.is_wide_continuation() {
                        ""
                    } else {
                        match c.contents() {
                            "" => " ", // never written: a blank
                            t => t,
                        }
                    };
                    let look = (
                        c.fgcolor(),
                        c.bgcolor(),
                        c.bold(),
                        c.italic(),
                        c.underline(),
                        c.inverse(),
                    );
                    cell(&mut row, text, look, text_only);
                }
                row
            })
            .collect()
    }

    type Look = (vt100::Color, vt100::Color, bool, bool, bool, bool);

    fn cell(row: &mut String, text: &str, look: Look, text_only: bool) {
        let (fg, bg, bold, italic, underline, mut inverse) = look;
        // A full block and a reversed blank paint the cell alike.
        let text = if text == FULL_BLOCK && !inverse {
            inverse = true;
            " "
        } else {
            text
        };
        if text_only {
            let _ = write!(row, "{text}");
        } else if text == " " && !inverse {
            // On a blank only the background and a line show.
            let _ = write!(row, "[ |{bg:?}{underline}]");
        } else {
            let _ = write!(
                row,
                "[{text}|{fg:?}{bg:?}{bold}{italic}{underline}{inverse}]"
            );
        }
    }

    /// The screen a buffer means, in the terms of [`shown`].
    fn meant(b: &Buffer) -> Vec<String> {
        fn vt(c: Color) -> vt100::Color {
            let i = match c {
                Color::Reset => return vt100::Color::Default,
                Color::Rgb(r, g, b) => return vt100::Color::Rgb(r, g, b),
                Color::Indexed(i) => i,
                Color::Black => 0,
                Color::Red => 1,
                Color::Green => 2,
                Color::Yellow => 3,
                Color::Blue => 4,
                Color::Magenta => 5,
                Color::Cyan => 6,
                Color::Gray => 7,
                Color::DarkGray => 8,
                Color::LightRed => 9,
                Color::LightGreen => 10,
                Color::LightYellow => 11,
                Color::LightBlue => 12,
                Color::LightMagenta => 13,
                Color::LightCyan => 14,
                Color::White => 15,
            };
            vt100::Color::Idx(i)
        }
        (0..b.area.height)
            .map(|y| {
                let mut row = String::new();
                for x in 0..b.area.width {
                    let c = &b[(x, y)];
                    let m = c.modifier;
                    let look = (
                        vt(c.fg),
                        vt(c.bg),
                        m.contains(Modifier::BOLD),
                        m.contains(Modifier::ITALIC),
                        m.contains(Modifier::UNDERLINED),
                        m.contains(Modifier::REVERSED),
                    );
                    cell(&mut row, c.symbol(), look, false);
                }
                row
            })
            .collect()
    }
    fn style(fg: u8, bg: u8, m: u8) -> Style {
        let colors = [
            Color::Reset,
            Color::Red,
            Color::Cyan,
            Color::DarkGray,
            Color::White,
            Color::Blue,
            Color::Indexed(200),
            Color::Rgb(1, 2, 3),
        ];
        let mods = [
            Modifier::empty(),
            Modifier::BOLD,
            Modifier::UNDERLINED,
            Modifier::REVERSED,
            Modifier::BOLD | Modifier::ITALIC,
            Modifier::BOLD | Modifier::UNDERLINED,
        ];
        Style::new()
            .fg(colors[fg as usize % colors.len()])
            .bg(colors[bg as usize % colors.len()])
            .add_modifier(mods[m as usize % mods.len()])
    }

    /// A buffer from (column, row, text, style) runs.
    /// Runs of text: (column, row, text, (fg, bg, modifiers) as `style` takes them).
    type Runs = Vec<(u16, u16, String, (u8, u8, u8))>;

    fn buffer(size: (u16, u16), runs: &Runs) -> Buffer {
        let mut b = Buffer::empty(Rect::new(0, 0, size.0, size.1));
        for (x, y, text, (fg, bg, m)) in runs {
            b.set_stringn(
                x % size.0,
                y % size.1,
                text,
                usize::from(size.0),
                style(*fg, *bg, *m),
            );
        }
        b
    }

    fn runs(text: &'static str) -> impl Strategy<Value = Runs> {
        proptest::collection::vec((0u16..40, 0u16..6, text, (0u8..8, 0u8..8, 0u8..6)), 0..12)
    }

    const NARROW: &str = "[ a-zé█·]{0,12}|█{3,12}";
    const WIDE: &str = "[ a-zé█·]{0,12}|█{3,12}|[ 日本]{0,3}";

    /// A blank screen and three frames after it.
    fn frames(size: (u16, u16), runs: [&Runs; 3]) -> [Buffer; 4] {
        let blank = Buffer::empty(Rect::new(0, 0, size.0, size.1));
        let [a, b, c] = runs.map(|r| buffer(size, r));
        [blank, a, b, c]
    }

    /// Each frame's bytes as `enc` writes them over the one before; with
    /// `plain`, the frames' blanks made plain first (as `Screen` does).
    fn written(f: &[Buffer; 4], enc: fn(&Buffer, &Buffer) -> Vec<u8>, plain: bool) -> Vec<Vec<u8>> {
        let mut f = f.clone();
        if plain {
            f.iter_mut().for_each(plain_blanks);
        }
        f.windows(2).map(|w| enc(&w[0], &w[1])).collect()
    }

    proptest! {
        #[test]
        fn a_terminal_shows_each_frame_as_its_buffer_means_it_in_fewer_bytes(
            a in runs(NARROW), b in runs(NARROW), c in runs(NARROW)
        ) {
            let size = (40, 6);
            let f = frames(size, [&a, &b, &c]);
            let (ours, theirs) = (written(&f, wire_bytes, true), written(&f, crossterm_bytes, false));
            let unplain = written(&f, wire_bytes, false);
            for n in 1..=3 {
                prop_assert_eq!(shown(size, &ours[..n], false), meant(&f[n]));
                prop_assert_eq!(shown(size, &unplain[..n], false), meant(&f[n]));
                // The oracle itself: ratatui's backend shows the same.
                prop_assert_eq!(shown(size, &theirs[..n], false), meant(&f[n]));
            }
            let (o, t): (usize, usize) = (ours.iter().map(Vec::len).sum(), theirs.iter().map(Vec::len).sum());
            prop_assert!(o <= t, "more bytes than ratatui's backend: {} > {}", o, t);
        }

        #[test]
        fn with_wide_characters_the_text_is_what_ratatuis_backend_shows(
            a in runs(WIDE), b in runs(WIDE), c in runs(WIDE)
        ) {
            // Overwriting half of a wide character leaves its other half to
            // the terminal, which blanks it with whatever pen it has (both
            // encoders alike), so only the text is compared here.
            let size = (40, 6);
            let f = frames(size, [&a, &b, &c]);
            let (ours, theirs) = (written(&f, wire_bytes, true), written(&f, crossterm_bytes, false));
            for n in 1..=3 {
                prop_assert_eq!(shown(size, &ours[..n], true), shown(size, &theirs[..n], true));
            }
        }
    }
    #[test]
    fn a_blank_between_two_words_is_a_space_and_a_wider_gap_a_forward_move() {
        let blank = Buffer::empty(Rect::new(0, 0, 30, 2));
        let mut next = blank.clone();
        next.set_string(0, 0, "Ana", Style::new());
        next.set_string(4, 0, "Cruz", Style::new());
        next.set_string(20, 0, "VEN", Style::new());
        next.set_string(0, 1, "Beto", Style::new());
        let bytes = wire_bytes(&blank, &next);
        assert_eq!(
            String::from_utf8(bytes).unwrap(),
            "\x1b[1HAna Cruz\x1b[12CVEN\r\nBeto"
        );
    }

    #[test]
    fn a_bar_of_full_blocks_is_sent_as_reversed_blanks() {
        let blank = Buffer::empty(Rect::new(0, 0, 20, 1));
        let mut next = blank.clone();
        let chart = Style::new().fg(Color::Cyan);
        next.set_string(0, 0, "\u{2588}".repeat(8), chart);
        next.set_string(8, 0, " 12 \u{2588}\u{2588}", chart);
        let bytes = wire_bytes(&blank, &next);
        assert_eq!(
            String::from_utf8(bytes).unwrap(),
            "\x1b[1H\x1b[7;36m        \x1b[27m 12 \u{2588}\u{2588}\x1b[m"
        );
    }

    #[test]
    fn colours_and_attributes_change_in_one_sequence_with_only_what_changed() {
        let blank = Buffer::empty(Rect::new(0, 0, 10, 1));
        let mut next = blank.clone();
        let muted = Style::new().fg(Color::DarkGray);
        next.set_string(0, 0, "ab", muted.add_modifier(Modifier::BOLD));
        next.set_string(2, 0, "cd", muted);
        next.set_string(4, 0, "ef", Style::new().fg(Color::Cyan).bg(Color::Blue));
        let bytes = wire_bytes(&blank, &next);
        assert_eq!(
            String::from_utf8(bytes).unwrap(),
            "\x1b[1H\x1b[1;90mab\x1b[22mcd\x1b[36;44mef\x1b[m"
        );
    }
}
#[cfg(test)]
mod dbg {
    use super::*;
    use ratatui::layout::Rect;
    use ratatui::style::Style;
    #[test]
    fn dbg() {
        let blank = Buffer::empty(Rect::new(0, 0, 40, 1));
        let mut a = blank.clone();
        a.set_string(7, 0, "本本", Style::new());
        let mut b = blank.clone();
        b.set_string(6, 0, "日", Style::new().add_modifier(Modifier::UNDERLINED));
        let mut c = blank.clone();
        c.set_string(9, 0, "█", Style::new());
        for (p, n) in [(&blank, &a), (&a, &b), (&b, &c)] {
            let d = p.diff(n);
            eprintln!(
                "{:?}",
                d.iter()
                    .map(|(x, y, c)| (*x, *y, c.symbol().to_string(), c.modifier))
                    .collect::<Vec<_>>()
            );
            let mut out = Vec::new();
            encode(&mut out, d.into_iter(), Some(n));
            eprintln!("ours {:?}", String::from_utf8_lossy(&out));
            let mut out = Vec::new();
            CrosstermBackend::new(&mut out)
                .draw(p.diff(n).into_iter())
                .unwrap();
            eprintln!("theirs {:?}", String::from_utf8_lossy(&out));
        }
        let nz = |n| std::num::NonZeroU16::new(n).unwrap();
        for steps in [
            vec![
                &b"\x1b[1;8H\xe6\x9c\xac\x1b[1;10H\xe6\x9c\xac"[..],
                b"\x1b[1;7H\x1b[4m\xe6\x97\xa5\x1b[1;10H\x1b[m ",
                b"\x1b[1;7H   \xe2\x96\x88",
            ],
            vec![
                &b"\x1b[1;8H\xe6\x9c\xac\x1b[1;10H\xe6\x9c\xac"[..],
                b"\x1b[1;7H\x1b[4m\xe6\x97\xa5\x1b[1;10H\x1b[24m \x1b[0m",
                b"\x1b[1;7H  \x1b[1;10H\xe2\x96\x88",
            ],
        ] {
            let mut p = vt100::Parser::new(nz(1), nz(40), 0);
            for s in steps {
                p.process(s);
                let row: Vec<String> = (5..11)
                    .map(|x| {
                        let c = p.screen().cell(0, x).unwrap();
                        format!("{}:{:?}{}", x, c.contents(), u8::from(c.underline()))
                    })
                    .collect();
                eprintln!("{row:?} cursor {:?}", p.screen().cursor_position());
            }
        }
    }
}
