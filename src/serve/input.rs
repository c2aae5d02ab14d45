//! The bytes a client's terminal sends, parsed into key and paste events.
//! Fed as bytes arrive (a key's sequence may be split across packets); the
//! buffer is capped, so a client sending garbage cannot make it grow. A
//! lone Esc is told from the start of a sequence by a short pause: the
//! session calls [`Parser::flush`] when nothing more arrived in time.

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};

/// Bytes kept for an unfinished escape sequence or character at most.
pub const MAX_PENDING: usize = 64;
/// A bracketed paste is cut at this many bytes.
pub const MAX_PASTE: usize = 64 * 1024;

const PASTE_START: &[u8] = b"\x1b[200~";
const PASTE_END: &[u8] = b"\x1b[201~";

/// Turns a client's bytes into events.
#[derive(Debug, Default)]
pub struct Parser {
    pending: Vec<u8>,
    paste: Option<Vec<u8>>,
}

/// How a sequence at the start of the buffer reads.
enum Read {
    /// An event (or nothing, for a sequence we ignore), and its length.
    Done(Option<Event>, usize),
    /// Not complete yet: wait for more bytes.
    More,
}

fn key(code: KeyCode, mods: KeyModifiers) -> Option<Event> {
    Some(Event::Key(KeyEvent::new(code, mods)))
}

/// xterm's modifier parameter (`1;5A` is Ctrl-Up): 1 + a bit set.
fn modifiers(param: u32) -> KeyModifiers {
    let bits = param.saturating_sub(1);
    let mut m = KeyModifiers::NONE;
    if bits & 1 != 0 {
        m |= KeyModifiers::SHIFT;
    }
    if bits & 2 != 0 {
        m |= KeyModifiers::ALT;
    }
    if bits & 4 != 0 {
        m |= KeyModifiers::CONTROL;
    }
    m
}

/// One byte outside a sequence.
fn plain(b: u8) -> Option<Event> {
    match b {
        b'\r' => key(KeyCode::Enter, KeyModifiers::NONE),
        b'\n' => key(KeyCode::Char('j'), KeyModifiers::CONTROL),
        b'\t' => key(KeyCode::Tab, KeyModifiers::NONE),
        0x7f | 0x08 => key(KeyCode::Backspace, KeyModifiers::NONE),
        0x00 => key(KeyCode::Char(' '), KeyModifiers::CONTROL),
        0x01..=0x1a => key(
            KeyCode::Char(char::from(b - 1 + b'a')),
            KeyModifiers::CONTROL,
        ),
        0x1c..=0x1f => key(
            KeyCode::Char(char::from(b - 0x1c + b'4')),
            KeyModifiers::CONTROL,
        ),
        _ => None,
    }
}

/// A CSI sequence (`ESC [` already read): `params` then the final byte.
fn csi(params: &[u8], last: u8) -> Option<Event> {
    let text = std::str::from_utf8(params).ok()?;
    let mut nums = text.split(';').map(|p| p.parse::<u32>().unwrap_or(1));
    let first = nums.next().unwrap_or(1);
    let mods = modifiers(nums.next().unwrap_or(1));
    if let Some(code) = cursor(last) {
        return key(code, mods);
    }
    let code = match last {
        b'Z' => return key(KeyCode::BackTab, KeyModifiers::SHIFT),
        b'~' => match first {
            1 | 7 => KeyCode::Home,
            2 => KeyCode::Insert,
            3 => KeyCode::Delete,
            4 | 8 => KeyCode::End,
            5 => KeyCode::PageUp,
            6 => KeyCode::PageDown,
            11..=15 => KeyCode::F((first - 10) as u8),
            17..=21 => KeyCode::F((first - 11) as u8),
            23 | 24 => KeyCode::F((first - 12) as u8),
            _ => return None,
        },
        _ => return None,
    };
    key(code, mods)
}

/// The arrows, Home and End: the same final byte in CSI and SS3 form.
fn cursor(b: u8) -> Option<KeyCode> {
    Some(match b {
        b'A' => KeyCode::Up,
        b'B' => KeyCode::Down,
        b'C' => KeyCode::Right,
        b'D' => KeyCode::Left,
        b'H' => KeyCode::Home,
        b'F' => KeyCode::End,
        _ => return None,
    })
}

/// An SS3 sequence (`ESC O` already read).
fn ss3(b: u8) -> Option<Event> {
    let code = match b {
        b'P'..=b'S' => KeyCode::F(b - b'P' + 1),
        _ => cursor(b)?,
    };
    key(code, KeyModifiers::NONE)
}

/// The length of the UTF-8 character starting with `b`, if it starts one.
fn utf8_len(b: u8) -> Option<usize> {
    match b {
        0xc2..=0xdf => Some(2),
        0xe0..=0xef => Some(3),
        0xf0..=0xf4 => Some(4),
        _ => None,
    }
}

/// Reads one event at the start of `buf`.
fn read(buf: &[u8]) -> Read {
    let Some(&b) = buf.first() else {
        return Read::More;
    };
    if b == 0x1b {
        return match buf.get(1) {
            None => Read::More,
            Some(b'[') => {
                // Parameters, then a final byte in 0x40..=0x7e.
                match buf[2..].iter().position(|c| (0x40..=0x7e).contains(c)) {
                    Some(i) => Read::Done(csi(&buf[2..2 + i], buf[2 + i]), 3 + i),
                    None => Read::More,
                }
            }
            Some(b'O') => match buf.get(2) {
                Some(&c) => Read::Done(ss3(c), 3),
                None => Read::More,
            },
            // Esc then a key: that key with Alt (Alt-Enter, Alt-x).
            Some(_) => match read(&buf[1..]) {
                Read::Done(Some(Event::Key(mut k)), n) => {
                    k.modifiers |= KeyModifiers::ALT;
                    Read::Done(Some(Event::Key(k)), n + 1)
                }
                Read::Done(other, n) => Read::Done(other, n + 1),
                Read::More => Read::More,
            },
        };
    }
    if b < 0x80 {
        let event = if b < 0x20 || b == 0x7f {
            plain(b)
        } else {
            key(KeyCode::Char(char::from(b)), KeyModifiers::NONE)
        };
        return Read::Done(event, 1);
    }
    match utf8_len(b) {
        None => Read::Done(None, 1),
        Some(n) if buf.len() < n => Read::More,
        Some(n) => match std::str::from_utf8(&buf[..n])
            .ok()
            .and_then(|s| s.chars().next())
        {
            Some(c) => Read::Done(key(KeyCode::Char(c), KeyModifiers::NONE), n),
            None => Read::Done(None, 1),
        },
    }
}

impl Parser {
    /// Takes bytes from the client; returns the events they complete.
    pub fn feed(&mut self, bytes: &[u8]) -> Vec<Event> {
        let mut out = Vec::new();
        self.pending.extend_from_slice(bytes);
        loop {
            if let Some(paste) = &mut self.paste {
                match find(&self.pending, PASTE_END) {
                    Some(end) => {
                        let room = MAX_PASTE.saturating_sub(paste.len());
                        paste.extend_from_slice(&self.pending[..end.min(room)]);
                        let text = String::from_utf8_lossy(paste).into_owned();
                        self.paste = None;
                        self.pending.drain(..end + PASTE_END.len());
                        out.push(Event::Paste(text));
                        continue;
                    }
                    None => {
                        // Keep what may be the start of the end marker.
                        let keep = PASTE_END.len() - 1;
                        let take = self.pending.len().saturating_sub(keep);
                        let room = MAX_PASTE.saturating_sub(paste.len());
                        paste.extend_from_slice(&self.pending[..take.min(room)]);
                        self.pending.drain(..take);
                        return out;
                    }
                }
            }
            if self.pending.starts_with(PASTE_START) {
                self.pending.drain(..PASTE_START.len());
                self.paste = Some(Vec::new());
                continue;
            }
            match read(&self.pending) {
                Read::Done(event, n) => {
                    self.pending.drain(..n);
                    out.extend(event);
                }
                Read::More => {
                    if self.pending.len() > MAX_PENDING {
                        // Not a sequence any terminal sends: drop it.
                        self.pending.clear();
                    }
                    return out;
                }
            }
        }
    }

    /// Whether bytes wait for more (a lone Esc, half a character).
    pub fn waiting(&self) -> bool {
        !self.pending.is_empty() && self.paste.is_none()
    }

    /// Nothing more came in time: a waiting Esc was the Esc key itself.
    pub fn flush(&mut self) -> Vec<Event> {
        if self.paste.is_some() {
            return Vec::new();
        }
        let mut out = Vec::new();
        if self.pending.first() == Some(&0x1b) {
            out.extend(key(KeyCode::Esc, KeyModifiers::NONE));
            self.pending.remove(0);
            let rest = std::mem::take(&mut self.pending);
            out.extend(self.feed(&rest));
        }
        if self.pending.first() == Some(&0x1b) {
            out.extend(self.flush());
        } else {
            self.pending.clear();
        }
        out
    }

    /// Bytes held at the moment (for tests: the buffer stays bounded).
    pub fn held(&self) -> usize {
        self.pending.len() + self.paste.as_ref().map_or(0, Vec::len)
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(events: &[Event]) -> Vec<(KeyCode, KeyModifiers)> {
        events
            .iter()
            .filter_map(|e| match e {
                Event::Key(k) => Some((k.code, k.modifiers)),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn arrows_in_both_modes_utf8_and_control_keys() {
        let mut p = Parser::default();
        let got = p.feed("\x1b[A\x1bOBjé\r\x03\t\x1b[Z\x1b[5~\x1b[1;5C".as_bytes());
        let n = KeyModifiers::NONE;
        assert_eq!(
            keys(&got),
            [
                (KeyCode::Up, n),
                (KeyCode::Down, n),
                (KeyCode::Char('j'), n),
                (KeyCode::Char('é'), n),
                (KeyCode::Enter, n),
                (KeyCode::Char('c'), KeyModifiers::CONTROL),
                (KeyCode::Tab, n),
                (KeyCode::BackTab, KeyModifiers::SHIFT),
                (KeyCode::PageUp, n),
                (KeyCode::Right, KeyModifiers::CONTROL),
            ]
        );
    }

    #[test]
    fn a_sequence_split_across_packets_is_one_key() {
        let mut p = Parser::default();
        assert!(p.feed(b"\x1b").is_empty());
        assert!(p.waiting());
        assert!(p.feed(b"[").is_empty());
        assert_eq!(keys(&p.feed(b"B")), [(KeyCode::Down, KeyModifiers::NONE)]);
        let e = "é".as_bytes();
        assert!(p.feed(&e[..1]).is_empty());
        assert_eq!(
            keys(&p.feed(&e[1..])),
            [(KeyCode::Char('é'), KeyModifiers::NONE)]
        );
    }

    #[test]
    fn esc_alone_is_esc_after_the_pause_and_esc_then_a_key_is_alt() {
        let mut p = Parser::default();
        assert!(p.feed(b"\x1b").is_empty());
        assert_eq!(keys(&p.flush()), [(KeyCode::Esc, KeyModifiers::NONE)]);
        assert_eq!(
            keys(&p.feed(b"\x1b\r")),
            [(KeyCode::Enter, KeyModifiers::ALT)]
        );
        assert!(!p.waiting());
    }

    #[test]
    fn a_bracketed_paste_is_one_event_even_in_pieces() {
        let mut p = Parser::default();
        assert!(p.feed(b"\x1b[200~hola\x1b[2J mun").is_empty());
        let got = p.feed(b"do\x1b[201~x");
        assert_eq!(got.len(), 2);
        assert_eq!(got[0], Event::Paste("hola\x1b[2J mundo".into()));
        assert_eq!(keys(&got[1..]), [(KeyCode::Char('x'), KeyModifiers::NONE)]);
    }

    #[test]
    fn garbage_never_grows_the_buffer() {
        let mut p = Parser::default();
        let mut junk = b"\x1b[".to_vec();
        junk.extend(std::iter::repeat_n(b'1', 10_000));
        p.feed(&junk);
        assert!(p.held() <= MAX_PENDING, "{}", p.held());
        let mut paste = b"\x1b[200~".to_vec();
        paste.extend(std::iter::repeat_n(b'a', MAX_PASTE * 2));
        p.feed(&paste);
        assert!(p.held() <= MAX_PASTE + MAX_PENDING);
    }
}
