//! Cursor moves: the shortest way to the next cell that leaves the screen
//! as it is.

use std::io::Write as _;

use ratatui::buffer::{Buffer, CellDiffOption};
use ratatui::style::Modifier;

use super::blank;
use super::pen::{Pen, SHOWS_ON_BLANK};

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

/// The shortest way from `from` (if known) to `to` that leaves the screen
/// as it is and the pen unchanged.
pub(super) fn move_to(
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
