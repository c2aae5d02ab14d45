//! The pen: the colours and attributes text is drawn with, and the
//! shortest SGR sequence from one pen to another.

use std::fmt::Write as _;

use ratatui::buffer::Cell;
use ratatui::style::{Color, Modifier};

/// What the terminal draws text with.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) struct Pen {
    pub fg: Color,
    pub bg: Color,
    pub modifier: Modifier,
}

pub(super) const PLAIN: Pen = Pen {
    fg: Color::Reset,
    bg: Color::Reset,
    modifier: Modifier::empty(),
};

impl Pen {
    pub fn of(cell: &Cell) -> Self {
        Self {
            fg: cell.fg,
            bg: cell.bg,
            modifier: cell.modifier,
        }
    }
}

/// Attributes that show on a blank cell (besides its background).
pub(super) const SHOWS_ON_BLANK: Modifier = Modifier::REVERSED
    .union(Modifier::UNDERLINED)
    .union(Modifier::CROSSED_OUT);

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
pub(super) fn sgr(out: &mut Vec<u8>, from: Pen, to: Pen) {
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
