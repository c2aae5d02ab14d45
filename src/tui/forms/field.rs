//! A form's fields: text with a caret, or one of a fixed list of choices.

use crate::tui::keys::Action;
use crate::tui::notice::Notice;

/// A line of text being typed, with a caret (counted in characters).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TextField {
    /// What is typed.
    pub value: String,
    /// Caret position, in characters.
    pub caret: usize,
    /// The most characters it holds (what the store keeps), if limited.
    pub max: Option<usize>,
}

impl TextField {
    /// A field holding `value`, caret at the end.
    pub fn with(value: impl Into<String>) -> Self {
        let value = value.into();
        let caret = value.chars().count();
        Self {
            value,
            caret,
            max: None,
        }
    }

    fn byte_at(&self, chars: usize) -> usize {
        self.value
            .char_indices()
            .nth(chars)
            .map_or(self.value.len(), |(i, _)| i)
    }

    /// Inserts text at the caret; control characters are dropped (pasted
    /// escape sequences must never reach the terminal). Returns `false`
    /// when some of it did not fit.
    pub fn insert(&mut self, text: &str) -> bool {
        text.chars()
            .filter(|c| !c.is_control())
            // Once full it stays full: the rest is not taken.
            .all(|c| self.insert_raw(c))
    }

    /// Inserts one character at the caret as it is (a new line in notes);
    /// `false` when the field is full.
    pub fn insert_raw(&mut self, c: char) -> bool {
        if self
            .max
            .is_some_and(|m| self.value.chars().nth(m - 1).is_some())
        {
            return false;
        }
        let at = self.byte_at(self.caret);
        self.value.insert(at, c);
        self.caret += 1;
        true
    }

    /// Applies an editing action; returns whether the value or caret changed.
    pub fn edit(&mut self, action: Action) -> bool {
        let before = (self.value.len(), self.caret);
        let len = self.value.chars().count();
        match action {
            Action::EditLeft => self.caret = self.caret.saturating_sub(1),
            Action::EditRight => self.caret = (self.caret + 1).min(len),
            Action::EditHome => self.caret = 0,
            Action::EditEnd => self.caret = len,
            Action::EditDeleteBack if self.caret > 0 => {
                let at = self.byte_at(self.caret - 1);
                self.value.remove(at);
                self.caret -= 1;
            }
            Action::EditDelete if self.caret < len => {
                let at = self.byte_at(self.caret);
                self.value.remove(at);
            }
            Action::EditClear => {
                self.value.clear();
                self.caret = 0;
            }
            _ => return false,
        }
        before != (self.value.len(), self.caret)
    }
}

/// One field of a form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// Free text.
    Text(TextField),
    /// One of a fixed list (values stored, labels from the string table).
    Choice {
        /// (stored value, string-table key of its label).
        options: Vec<(&'static str, &'static str)>,
        /// The one chosen.
        index: usize,
    },
}

impl Input {
    /// Applies an editing action (a choice moves with left and right);
    /// returns whether anything changed.
    pub fn edit(&mut self, action: Action) -> bool {
        match self {
            Self::Text(t) => t.edit(action),
            Self::Choice { options, index } => {
                let n = options.len().max(1);
                match action {
                    Action::EditLeft => *index = (*index + n - 1) % n,
                    Action::EditRight => *index = (*index + 1) % n,
                    _ => return false,
                }
                true
            }
        }
    }

    /// Types a character (a space moves a choice on); returns whether
    /// anything changed.
    pub fn type_char(&mut self, c: char) -> bool {
        match self {
            Self::Text(t) => t.insert(&c.to_string()),
            Self::Choice { .. } if c == ' ' => self.edit(Action::EditRight),
            Self::Choice { .. } => false,
        }
    }
}

/// A labelled field, with the error found in it on the last save attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// String-table key of the label (also the field's name in the form).
    pub label: &'static str,
    /// Which of several fields of the same label (a traveller's number).
    pub nth: usize,
    /// Shown instead of the label when set (a traveller's name).
    pub caption: Option<String>,
    /// String-table key of what an empty field means (`all` ports).
    pub placeholder: Option<&'static str>,
    /// The input.
    pub input: Input,
    /// What is wrong with it.
    pub error: Option<Notice>,
}

impl Field {
    /// A text field.
    pub fn text(label: &'static str) -> Self {
        Self {
            label,
            nth: 0,
            caption: None,
            placeholder: None,
            input: Input::Text(TextField {
                max: limit_of(label),
                ..TextField::default()
            }),
            error: None,
        }
    }

    /// A choice field.
    pub fn choice(label: &'static str, options: Vec<(&'static str, &'static str)>) -> Self {
        Self {
            input: Input::Choice { options, index: 0 },
            ..Self::text(label)
        }
    }

    /// The text typed, or the chosen value.
    pub fn value(&self) -> &str {
        match &self.input {
            Input::Text(t) => t.value.trim(),
            Input::Choice { options, index } => options.get(*index).map_or("", |o| o.0),
        }
    }

    /// Whether the field holds notes, which may run over several lines.
    pub fn is_multiline(&self) -> bool {
        self.label == "f_notes"
    }
}

/// The most characters a field of this label holds: what the store keeps
/// (`domain::person`'s limits), so that nothing typed is refused at save.
fn limit_of(label: &str) -> Option<usize> {
    use crate::domain::person::{DESTINATION_MAX, LANGUAGES_MAX, NAME_MAX, NOTES_MAX, PHONE_MAX};
    match label {
        "f_given" | "f_family" | "f_household" | "f_source" => Some(NAME_MAX),
        "f_phone" => Some(PHONE_MAX),
        "f_languages" => Some(LANGUAGES_MAX),
        "f_destination" => Some(DESTINATION_MAX),
        "f_notes" | "f_note" => Some(NOTES_MAX),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_field_edits_at_its_caret() {
        let mut f = Input::Text(TextField::with("Jos"));
        f.type_char('é');
        f.edit(Action::EditHome);
        f.edit(Action::EditDelete);
        f.type_char('j');
        f.edit(Action::EditEnd);
        f.edit(Action::EditDeleteBack);
        let Input::Text(t) = &mut f else { panic!() };
        assert_eq!((t.value.as_str(), t.caret), ("jos", 3));
        t.insert("\u{1b}[2J é\u{7}");
        assert_eq!(t.value, "jos[2J é");
        t.edit(Action::EditClear);
        assert_eq!((t.value.as_str(), t.caret), ("", 0));
    }

    #[test]
    fn a_choice_moves_with_left_right_and_space() {
        let mut f = Field::choice("f_sex", vec![("a", "a"), ("b", "b"), ("c", "c")]);
        f.input.edit(Action::EditLeft);
        assert_eq!(f.value(), "c");
        f.input.type_char(' ');
        assert_eq!(f.value(), "a");
        assert!(!f.input.type_char('x'));
    }
}
