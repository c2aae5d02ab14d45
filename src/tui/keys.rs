//! The key map: actions bound to keys, as data. Defaults come from
//! `assets/keys.toml`; a user's `keys.toml` replaces the keys of the actions
//! it names. Views and `update` ask for actions, never for raw keys.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

const DEFAULT_KEYS: &str = include_str!("../../assets/keys.toml");

/// Something the user can ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Action {
    /// Show the dashboard.
    Dashboard,
    /// Show the roster.
    Roster,
    /// Show appointments.
    Appointments,
    /// Show outages.
    Outages,
    /// Next screen.
    NextScreen,
    /// Previous screen.
    PrevScreen,
    /// Move up.
    Up,
    /// Move down.
    Down,
    /// Previous (day, filter value).
    Left,
    /// Next (day, filter value).
    Right,
    /// One page up.
    PageUp,
    /// One page down.
    PageDown,
    /// First row.
    Top,
    /// Last row.
    Bottom,
    /// Open the selected item.
    Open,
    /// Go back, close, leave search.
    Back,
    /// Start searching.
    Search,
    /// Cycle the sort order.
    Sort,
    /// Open filters.
    Filter,
    /// Show the keys.
    Help,
    /// Record a confirmation (person screen).
    Confirm,
    /// Record an outage (anywhere).
    RecordOutage,
    /// Schedule an appointment (person screen).
    Schedule,
    /// Add a person (roster).
    AddPerson,
    /// Edit the person (person screen).
    EditPerson,
    /// Mark the appointment missed (person screen).
    MarkMissed,
    /// Mark the appointment presented (person screen).
    MarkPresented,
    /// Cancel the appointment (person screen).
    MarkCancelled,
    /// Record that the person left (person screen).
    MarkDeparted,
    /// Grant an extension (outages screen).
    GrantExtension,
    /// Quit.
    Quit,
    /// Quit at once, from anywhere.
    ForceQuit,
}

impl Action {
    /// Every action, in the order help lists them.
    pub const ALL: [Self; 32] = [
        Self::Dashboard,
        Self::Roster,
        Self::Appointments,
        Self::Outages,
        Self::NextScreen,
        Self::PrevScreen,
        Self::Up,
        Self::Down,
        Self::Left,
        Self::Right,
        Self::PageUp,
        Self::PageDown,
        Self::Top,
        Self::Bottom,
        Self::Open,
        Self::Back,
        Self::Search,
        Self::Sort,
        Self::Filter,
        Self::Help,
        Self::Confirm,
        Self::RecordOutage,
        Self::Schedule,
        Self::AddPerson,
        Self::EditPerson,
        Self::MarkMissed,
        Self::MarkPresented,
        Self::MarkCancelled,
        Self::MarkDeparted,
        Self::GrantExtension,
        Self::Quit,
        Self::ForceQuit,
    ];

    /// The name used in key files and string tables.
    pub fn name(self) -> &'static str {
        match self {
            Self::Dashboard => "dashboard",
            Self::Roster => "roster",
            Self::Appointments => "appointments",
            Self::Outages => "outages",
            Self::NextScreen => "next_screen",
            Self::PrevScreen => "prev_screen",
            Self::Up => "up",
            Self::Down => "down",
            Self::Left => "left",
            Self::Right => "right",
            Self::PageUp => "page_up",
            Self::PageDown => "page_down",
            Self::Top => "top",
            Self::Bottom => "bottom",
            Self::Open => "open",
            Self::Back => "back",
            Self::Search => "search",
            Self::Sort => "sort",
            Self::Filter => "filter",
            Self::Help => "help",
            Self::Confirm => "confirm",
            Self::RecordOutage => "record_outage",
            Self::Schedule => "schedule",
            Self::AddPerson => "add_person",
            Self::EditPerson => "edit_person",
            Self::MarkMissed => "mark_missed",
            Self::MarkPresented => "mark_presented",
            Self::MarkCancelled => "mark_cancelled",
            Self::MarkDeparted => "mark_departed",
            Self::GrantExtension => "grant_extension",
            Self::Quit => "quit",
            Self::ForceQuit => "force_quit",
        }
    }

    fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.name() == name)
    }
}

/// A key with its modifiers, as written in key files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    code: KeyCode,
    mods: KeyModifiers,
}

impl Key {
    /// The key of a terminal event, normalized so that `G` is `G` whether or
    /// not the terminal also reports Shift, and Shift-Tab is one key.
    pub fn from_event(ev: &KeyEvent) -> Self {
        let mut mods =
            ev.modifiers & (KeyModifiers::CONTROL | KeyModifiers::ALT | KeyModifiers::SHIFT);
        let code = match ev.code {
            KeyCode::BackTab => {
                mods |= KeyModifiers::SHIFT;
                KeyCode::Tab
            }
            KeyCode::Char(c) => {
                mods.remove(KeyModifiers::SHIFT);
                if mods.contains(KeyModifiers::CONTROL) {
                    KeyCode::Char(c.to_ascii_lowercase())
                } else {
                    KeyCode::Char(c)
                }
            }
            other => other,
        };
        Self { code, mods }
    }

    /// Parses `q`, `G`, `Enter`, `Ctrl-c`, `Shift-Tab`, `F5`, ….
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut mods = KeyModifiers::NONE;
        let mut rest = text;
        loop {
            let lower = rest.to_ascii_lowercase();
            if rest.chars().count() > 2 && lower.starts_with("ctrl-") {
                mods |= KeyModifiers::CONTROL;
                rest = &rest[5..];
            } else if rest.chars().count() > 2 && lower.starts_with("alt-") {
                mods |= KeyModifiers::ALT;
                rest = &rest[4..];
            } else if rest.chars().count() > 2 && lower.starts_with("shift-") {
                mods |= KeyModifiers::SHIFT;
                rest = &rest[6..];
            } else {
                break;
            }
        }
        let mut chars = rest.chars();
        let code = match (chars.next(), chars.next()) {
            (Some(c), None) if !c.is_control() => {
                if mods.contains(KeyModifiers::CONTROL) {
                    KeyCode::Char(c.to_ascii_lowercase())
                } else {
                    KeyCode::Char(c)
                }
            }
            _ => match rest.to_ascii_lowercase().as_str() {
                "enter" => KeyCode::Enter,
                "esc" | "escape" => KeyCode::Esc,
                "tab" => KeyCode::Tab,
                "backspace" => KeyCode::Backspace,
                "delete" | "del" => KeyCode::Delete,
                "insert" => KeyCode::Insert,
                "up" => KeyCode::Up,
                "down" => KeyCode::Down,
                "left" => KeyCode::Left,
                "right" => KeyCode::Right,
                "home" => KeyCode::Home,
                "end" => KeyCode::End,
                "pageup" => KeyCode::PageUp,
                "pagedown" => KeyCode::PageDown,
                "space" => KeyCode::Char(' '),
                f if f.starts_with('f') => match f[1..].parse::<u8>() {
                    Ok(n @ 1..=12) => KeyCode::F(n),
                    _ => return Err(format!("unknown key {text:?}")),
                },
                _ => return Err(format!("unknown key {text:?}")),
            },
        };
        if matches!(code, KeyCode::Char(_)) {
            mods.remove(KeyModifiers::SHIFT);
        }
        Ok(Self { code, mods })
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.mods.contains(KeyModifiers::CONTROL) {
            f.write_str("Ctrl-")?;
        }
        if self.mods.contains(KeyModifiers::ALT) {
            f.write_str("Alt-")?;
        }
        if self.mods.contains(KeyModifiers::SHIFT) {
            f.write_str("Shift-")?;
        }
        match self.code {
            KeyCode::Char(' ') => f.write_str("Space"),
            KeyCode::Char(c) => write!(f, "{c}"),
            KeyCode::Enter => f.write_str("Enter"),
            KeyCode::Esc => f.write_str("Esc"),
            KeyCode::Tab => f.write_str("Tab"),
            KeyCode::Backspace => f.write_str("Backspace"),
            KeyCode::Delete => f.write_str("Delete"),
            KeyCode::Insert => f.write_str("Insert"),
            KeyCode::Up => f.write_str("↑"),
            KeyCode::Down => f.write_str("↓"),
            KeyCode::Left => f.write_str("←"),
            KeyCode::Right => f.write_str("→"),
            KeyCode::Home => f.write_str("Home"),
            KeyCode::End => f.write_str("End"),
            KeyCode::PageUp => f.write_str("PgUp"),
            KeyCode::PageDown => f.write_str("PgDn"),
            KeyCode::F(n) => write!(f, "F{n}"),
            other => write!(f, "{other:?}"),
        }
    }
}

/// A problem in a key file, naming the file, line and key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}, line {line}: {message}")]
pub struct KeyFileError {
    /// The file.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

/// Actions and their keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyMap {
    bindings: BTreeMap<Action, Vec<Key>>,
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

type RawKeyFile = BTreeMap<toml::Spanned<String>, toml::Spanned<Vec<toml::Spanned<String>>>>;

fn parse_file(file: &str, text: &str) -> Result<BTreeMap<Action, Vec<Key>>, KeyFileError> {
    let raw: RawKeyFile = toml::from_str(text).map_err(|e| KeyFileError {
        file: file.into(),
        line: e.span().map_or(1, |s| line_of(text, s.start)),
        message: e.message().to_string(),
    })?;
    let mut out = BTreeMap::new();
    for (name, keys) in raw {
        let action = Action::from_name(name.get_ref()).ok_or_else(|| KeyFileError {
            file: file.into(),
            line: line_of(text, name.span().start),
            message: format!(
                "unknown action {:?} (known: {})",
                name.get_ref(),
                Action::ALL.map(Action::name).join(", ")
            ),
        })?;
        let mut parsed = Vec::new();
        for key in keys.get_ref() {
            parsed.push(Key::parse(key.get_ref()).map_err(|message| KeyFileError {
                file: file.into(),
                line: line_of(text, key.span().start),
                message: format!("{}: {message}", name.get_ref()),
            })?);
        }
        out.insert(action, parsed);
    }
    Ok(out)
}

impl Default for KeyMap {
    fn default() -> Self {
        let bindings = parse_file("assets/keys.toml", DEFAULT_KEYS)
            .expect("the built-in key map is valid (tested)");
        Self { bindings }
    }
}

impl KeyMap {
    /// The defaults with the user's file (if it exists) laid over them.
    pub fn load(path: &Path) -> Result<Self, KeyFileError> {
        let mut map = Self::default();
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(map),
            Err(e) => {
                return Err(KeyFileError {
                    file: path.display().to_string(),
                    line: 0,
                    message: e.to_string(),
                })
            }
        };
        map.overlay(&path.display().to_string(), &text)?;
        Ok(map)
    }

    /// Replaces the keys of each action named in `text`. A key the user
    /// gives to an action is taken from any other action it was bound to by
    /// default: the user's word wins.
    pub fn overlay(&mut self, file: &str, text: &str) -> Result<(), KeyFileError> {
        let user = parse_file(file, text)?;
        for keys in user.values() {
            for bound in self.bindings.values_mut() {
                bound.retain(|k| !keys.contains(k));
            }
        }
        for (action, keys) in user {
            self.bindings.insert(action, keys);
        }
        Ok(())
    }

    /// The action bound to a key event, if any.
    pub fn action(&self, ev: &KeyEvent) -> Option<Action> {
        let key = Key::from_event(ev);
        // Ctrl-C always quits, whatever the map says.
        if key.code == KeyCode::Char('c') && key.mods == KeyModifiers::CONTROL {
            return Some(Action::ForceQuit);
        }
        Action::ALL
            .into_iter()
            .find(|a| self.bindings.get(a).is_some_and(|keys| keys.contains(&key)))
    }

    /// The keys of an action, as shown to the user (`↓/j`).
    pub fn keys_of(&self, action: Action) -> String {
        self.bindings
            .get(&action)
            .map(|keys| {
                keys.iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("/")
            })
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, mods)
    }

    #[test]
    fn the_defaults_bind_every_action() {
        let map = KeyMap::default();
        for a in Action::ALL {
            assert!(!map.keys_of(a).is_empty(), "{a:?}");
        }
        assert_eq!(
            map.action(&ev(KeyCode::Char('j'), KeyModifiers::NONE)),
            Some(Action::Down)
        );
        assert_eq!(
            map.action(&ev(KeyCode::Char('G'), KeyModifiers::SHIFT)),
            Some(Action::Bottom)
        );
        assert_eq!(
            map.action(&ev(KeyCode::BackTab, KeyModifiers::SHIFT)),
            Some(Action::PrevScreen)
        );
        assert_eq!(
            map.action(&ev(KeyCode::Char('c'), KeyModifiers::CONTROL)),
            Some(Action::ForceQuit)
        );
        assert_eq!(
            map.action(&ev(KeyCode::Char('z'), KeyModifiers::NONE)),
            None
        );
    }

    #[test]
    fn a_user_file_replaces_the_keys_it_names() {
        let mut map = KeyMap::default();
        map.overlay("keys.toml", "quit = [\"x\", \"F10\"]\n")
            .unwrap();
        assert_eq!(
            map.action(&ev(KeyCode::Char('x'), KeyModifiers::NONE)),
            Some(Action::Quit)
        );
        assert_eq!(
            map.action(&ev(KeyCode::F(10), KeyModifiers::NONE)),
            Some(Action::Quit)
        );
        assert_eq!(
            map.action(&ev(KeyCode::Char('q'), KeyModifiers::NONE)),
            None
        );
        assert_eq!(map.keys_of(Action::Quit), "x/F10");
        assert!(
            !map.keys_of(Action::MarkCancelled).contains('x'),
            "taken from its default action"
        );
    }

    #[test]
    fn errors_in_a_key_file_name_the_file_line_and_key() {
        let mut map = KeyMap::default();
        let err = map
            .overlay("keys.toml", "quit = [\"q\"]\nfly = [\"f\"]\n")
            .unwrap_err();
        assert_eq!((err.file.as_str(), err.line), ("keys.toml", 2));
        assert!(err.message.contains("fly"), "{err}");
        let err = map
            .overlay("keys.toml", "\n\nquit = [\"Hyper-q\"]\n")
            .unwrap_err();
        assert_eq!(err.line, 3);
        assert!(
            err.message.contains("quit") && err.message.contains("Hyper-q"),
            "{err}"
        );
        let err = map.overlay("keys.toml", "quit = [\"q\"\n").unwrap_err();
        assert_eq!(err.line, 1, "{err}");
        let err = map.overlay("keys.toml", "quit = \"q\"\n").unwrap_err();
        assert_eq!(err.line, 1, "{err}");
        assert_eq!(map, KeyMap::default(), "a bad file changes nothing");
    }
}
