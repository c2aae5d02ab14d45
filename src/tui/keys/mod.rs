//! The key map: actions bound to keys, as data. Defaults come from
//! `assets/keys.toml`; a user's `keys.toml` replaces the keys of the actions
//! it names. Views and `update` ask for actions, never for raw keys.

mod action;
mod key;

use std::collections::BTreeMap;
use std::path::Path;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::domain::template::line_at;

pub use action::{Action, Context};
pub use key::Key;

const DEFAULT_KEYS: &str = include_str!("../../../assets/keys.toml");

/// What a key does where text is typed: an action, or a character typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    /// An action of the key map.
    Do(Action),
    /// A character typed into the field.
    Type(char),
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

type RawKeyFile = BTreeMap<toml::Spanned<String>, toml::Spanned<Vec<toml::Spanned<String>>>>;

fn parse_file(file: &str, text: &str) -> Result<BTreeMap<Action, Vec<Key>>, KeyFileError> {
    let raw: RawKeyFile = toml::from_str(text).map_err(|e| KeyFileError {
        file: file.into(),
        line: e.span().map_or(1, |s| line_at(text, s.start)),
        message: e.message().to_string(),
    })?;
    let mut out = BTreeMap::new();
    for (name, keys) in raw {
        let action = Action::ALL
            .into_iter()
            .find(|a| a.name() == name.get_ref())
            .ok_or_else(|| KeyFileError {
                file: file.into(),
                line: line_at(text, name.span().start),
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
                line: line_at(text, key.span().start),
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
    /// default where both are looked up together: the user's word wins.
    pub fn overlay(&mut self, file: &str, text: &str) -> Result<(), KeyFileError> {
        let user = parse_file(file, text)?;
        for (action, keys) in &user {
            for (other, bound) in &mut self.bindings {
                if other.context().shares_keys_with(action.context()) {
                    bound.retain(|k| !keys.contains(k));
                }
            }
        }
        for (action, keys) in user {
            self.bindings.insert(action, keys);
        }
        Ok(())
    }

    /// The screen action bound to a key event, if any.
    pub fn action(&self, ev: &KeyEvent) -> Option<Action> {
        self.action_in(&[Context::Screen], ev)
    }

    /// The screen action bound to a key event, one of `here` (the current
    /// screen's actions) first when several actions share the key.
    pub fn action_among(&self, here: &[Action], ev: &KeyEvent) -> Option<Action> {
        let key = Key::from_event(ev);
        if key.is_ctrl_c() {
            return Some(Action::ForceQuit);
        }
        let bound = |a: &Action| {
            a.context() == Context::Screen && self.bindings.get(a).is_some_and(|k| k.contains(&key))
        };
        here.iter()
            .copied()
            .find(|a| bound(a))
            .or_else(|| Action::ALL.into_iter().find(bound))
    }

    /// The action bound to a key event among those of `contexts`, the
    /// first context first. Ctrl-C always quits, whatever the map says.
    pub fn action_in(&self, contexts: &[Context], ev: &KeyEvent) -> Option<Action> {
        let key = Key::from_event(ev);
        if key.is_ctrl_c() {
            return Some(Action::ForceQuit);
        }
        contexts.iter().find_map(|&context| {
            Action::ALL.into_iter().find(|a| {
                a.context() == context && self.bindings.get(a).is_some_and(|k| k.contains(&key))
            })
        })
    }

    /// What a key means where text is typed (a form, the search): an
    /// action of `contexts`, else the character it types.
    pub fn command(&self, contexts: &[Context], ev: &KeyEvent) -> Option<Command> {
        if let Some(action) = self.action_in(contexts, ev) {
            return Some(Command::Do(action));
        }
        match ev.code {
            KeyCode::Char(c)
                if !c.is_control()
                    && !ev
                        .modifiers
                        .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) =>
            {
                Some(Command::Type(c))
            }
            _ => None,
        }
    }

    /// The first key of an action, as hints show it (`Ctrl-S`).
    pub fn first_key(&self, action: Action) -> String {
        self.bindings
            .get(&action)
            .and_then(|keys| keys.first())
            .map(ToString::to_string)
            .unwrap_or_default()
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
    fn every_key_a_string_names_is_an_action() {
        use crate::i18n::{keys, placeholders, t, Lang};
        for key in keys() {
            for name in placeholders(t(Lang::En, key)) {
                if let Some(action) = name.strip_prefix("key:") {
                    assert!(
                        Action::ALL.iter().any(|a| a.name() == action),
                        "{key} names an unknown action {action}"
                    );
                }
            }
        }
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
