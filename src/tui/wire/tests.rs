//! The wire backend against ratatui's, through a terminal emulator.

use std::fmt::Write as _;

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
