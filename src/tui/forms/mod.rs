//! Keyboard-driven forms: fields with a caret or a choice, focus moved
//! with the key map's form actions, errors shown beside the field. A form
//! is plain state: it takes commands (actions and typed characters), never
//! raw keys, and `update` decides what saving asks of the store.

mod draft;
mod field;
mod kind;
pub mod open;
pub mod validate;

pub use field::{Field, Input, TextField};
pub use kind::FormKind;

use crate::tui::keys::{Action, Command};
use crate::tui::notice::{Arg, Notice};

/// An open form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Form {
    /// What it records.
    pub kind: FormKind,
    /// Its fields, in order.
    pub fields: Vec<Field>,
    /// The field with the caret.
    pub focus: usize,
    /// Whether anything was typed since it opened.
    pub dirty: bool,
    /// Set after a first Esc on a dirty form: a second one discards.
    pub confirm_discard: bool,
    /// A problem with the whole form (a conflict, a busy database).
    pub error: Option<Notice>,
    /// Waiting for the store's answer.
    pub saving: bool,
    /// The record as it was when the form opened (edits only), to show what
    /// another coordinator changed and to lay this form's edits over theirs.
    pub base: Option<Box<crate::domain::PersonDetails>>,
    /// A save was refused as a conflict: the newer record is being fetched.
    pub conflicted: bool,
    /// The newer record, once fetched after a conflict (with its version).
    pub newer: Option<(Box<crate::domain::PersonDetails>, i64)>,
    /// The appointment a confirmation is about: its port and time, for the
    /// title.
    pub about: Option<(String, chrono::DateTime<chrono::Utc>)>,
}

/// What a key did to a form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormKey {
    /// Nothing visible.
    Ignored,
    /// The form changed.
    Changed,
    /// Save it.
    Save,
    /// Close it, dropping its input.
    Close,
}

impl Form {
    /// A new form.
    pub fn new(kind: FormKind, fields: Vec<Field>) -> Self {
        Self {
            kind,
            fields,
            focus: 0,
            dirty: false,
            confirm_discard: false,
            error: None,
            saving: false,
            base: None,
            conflicted: false,
            newer: None,
            about: None,
        }
    }

    /// Fills a person form from a record.
    pub fn fill_person(&mut self, d: &crate::domain::PersonDetails) {
        self.set("f_given", &d.given_names);
        self.set("f_family", &d.family_names);
        self.set(
            "f_birth",
            &d.birth_date.map(|b| b.to_string()).unwrap_or_default(),
        );
        self.choose("f_sex", d.sex.as_str());
        self.set("f_nationality", &d.nationality);
        self.set("f_languages", &d.languages);
        self.set("f_phone", d.phone.as_deref().unwrap_or(""));
        self.set("f_arrival", &d.arrival_date.to_string());
        self.set("f_household", &format!("#{}", d.household_id));
        self.set(
            "f_vulnerabilities",
            &crate::domain::Vulnerability::join(&d.vulnerabilities),
        );
        self.set("f_notes", &d.notes);
    }

    /// After a save refused as a conflict, records what the other
    /// coordinator changed in the person (field by field, old → new) and
    /// keeps their record, to lay this form's edits over it.
    pub fn show_conflict(&mut self, newer: &crate::domain::Person) {
        let is_theirs =
            matches!(self.kind, FormKind::Person { person_id, .. } if person_id == newer.id);
        if !(self.conflicted && is_theirs) {
            return;
        }
        if let Some(base) = &self.base {
            let mut was = self.clone();
            was.fill_person(base);
            let mut now = self.clone();
            now.fill_person(&newer.details);
            let changes = was
                .fields
                .iter()
                .zip(&now.fields)
                .filter(|(a, b)| a.input != b.input)
                .map(|(a, b)| (a.label, a.value().to_string(), b.value().to_string()))
                .collect();
            self.error = Some(
                Notice::new("conflict_by")
                    .with("who", Arg::Text(newer.updated_by.clone()))
                    .with("when", Arg::When(newer.updated_at))
                    .with("changes", Arg::Changes(changes)),
            );
        }
        self.newer = Some((Box::new(newer.details.clone()), newer.version));
    }

    /// Lays this form's edits (the fields that differ from `base`) over
    /// the newer record fetched after a conflict, and takes its version.
    /// Returns whether there was a newer record to rebase on.
    pub fn rebase(&mut self) -> bool {
        let (Some(base), Some((newer, version))) = (self.base.clone(), self.newer.take()) else {
            return false;
        };
        let mut was = self.clone();
        was.fill_person(&base);
        let mut now = self.clone();
        now.fill_person(&newer);
        for (i, field) in self.fields.iter_mut().enumerate() {
            if field.input == was.fields[i].input {
                field.input = now.fields[i].input.clone();
            }
        }
        if let FormKind::Person { version: v, .. } = &mut self.kind {
            *v = version;
        }
        self.base = Some(newer);
        self.conflicted = false;
        self.error = None;
        true
    }

    /// After a conflict, each field the other coordinator changed: its
    /// label, what this form holds (yours) and what they saved (theirs).
    pub fn conflict_rows(&self) -> Vec<(&'static str, String, String)> {
        let (Some(base), Some((newer, _))) = (&self.base, &self.newer) else {
            return Vec::new();
        };
        let mut was = self.clone();
        was.fill_person(base);
        let mut now = self.clone();
        now.fill_person(newer);
        self.fields
            .iter()
            .zip(was.fields.iter().zip(&now.fields))
            .filter(|(_, (a, b))| a.input != b.input)
            .map(|(mine, (_, theirs))| {
                (
                    mine.label,
                    mine.value().to_string(),
                    theirs.value().to_string(),
                )
            })
            .collect()
    }

    /// After a conflict, drops this form's edits for the newer record:
    /// every field as they saved it, their version. Returns whether there
    /// was a newer record.
    pub fn take_theirs(&mut self) -> bool {
        let Some((newer, version)) = self.newer.take() else {
            return false;
        };
        self.fill_person(&newer);
        for f in &mut self.fields {
            f.error = None;
        }
        if let FormKind::Person { version: v, .. } = &mut self.kind {
            *v = version;
        }
        self.base = Some(newer);
        self.conflicted = false;
        self.error = None;
        self.dirty = false;
        true
    }

    /// Chooses the option whose stored value is `value`.
    pub fn choose(&mut self, label: &str, value: &str) {
        if let Some(Field {
            input: Input::Choice { options, index },
            ..
        }) = self.fields.iter_mut().find(|f| f.label == label)
        {
            if let Some(i) = options.iter().position(|o| o.0 == value) {
                *index = i;
            }
        }
    }

    /// Sets a text field's value (a default when the form opens).
    pub fn set(&mut self, label: &str, value: &str) {
        if let Some(Field {
            input: Input::Text(t),
            ..
        }) = self.fields.iter_mut().find(|f| f.label == label)
        {
            *t = TextField::with(value);
        }
    }

    /// The field named by its label key.
    pub fn get(&self, label: &str) -> &str {
        self.get_nth(label, 0)
    }

    /// The `nth` field of a label (several travellers' numbers).
    pub fn get_nth(&self, label: &str, nth: usize) -> &str {
        self.fields
            .iter()
            .find(|f| f.label == label && f.nth == nth)
            .map_or("", Field::value)
    }

    /// Marks a field's error.
    pub fn fail(&mut self, label: &str, message: Notice) {
        self.fail_nth(label, 0, message);
    }

    /// Marks the error of the `nth` field of a label.
    pub fn fail_nth(&mut self, label: &str, nth: usize, message: Notice) {
        if let Some(f) = self
            .fields
            .iter_mut()
            .find(|f| f.label == label && f.nth == nth)
        {
            f.error = Some(message);
        }
    }

    /// Applies a command: the form actions move between fields (submit on
    /// the last field saves), save, cancel (asking first when something was
    /// typed) and rebase; editing actions and typed characters go to the
    /// focused field.
    pub fn apply(&mut self, command: Command) -> FormKey {
        if self.saving {
            return FormKey::Ignored;
        }
        let last = self.fields.len().saturating_sub(1);
        if command != Command::Do(Action::FormCancel) {
            self.confirm_discard = false;
        }
        match command {
            Command::Do(Action::FormCancel) => {
                if self.dirty && !self.confirm_discard {
                    self.confirm_discard = true;
                    return FormKey::Changed;
                }
                return FormKey::Close;
            }
            Command::Do(Action::FormSave) => return FormKey::Save,
            Command::Do(Action::FormTakeTheirs) => {
                return if self.take_theirs() {
                    FormKey::Changed
                } else {
                    FormKey::Ignored
                }
            }
            Command::Do(Action::FormRebase) => {
                return if self.rebase() {
                    FormKey::Changed
                } else {
                    FormKey::Ignored
                }
            }
            Command::Do(Action::FormNewLine) => {
                let Some(field) = self.fields.get_mut(self.focus) else {
                    return FormKey::Ignored;
                };
                let multiline = field.is_multiline();
                match &mut field.input {
                    Input::Text(t) if multiline => {
                        t.insert_raw('\n');
                    }
                    _ => return FormKey::Ignored,
                }
                self.dirty = true;
            }
            Command::Do(Action::FormNext) => self.focus = (self.focus + 1).min(last),
            Command::Do(Action::FormPrev) => self.focus = self.focus.saturating_sub(1),
            Command::Do(Action::FormSubmit) if self.focus == last => return FormKey::Save,
            Command::Do(Action::FormSubmit) => self.focus += 1,
            Command::Do(action) => return self.edit_focused(|input| input.edit(action)),
            Command::Type(c) => return self.edit_focused(|input| input.type_char(c)),
        }
        FormKey::Changed
    }

    fn edit_focused(&mut self, edit: impl FnOnce(&mut Input) -> bool) -> FormKey {
        let Some(field) = self.fields.get_mut(self.focus) else {
            return FormKey::Ignored;
        };
        if !edit(&mut field.input) {
            return FormKey::Ignored;
        }
        field.error = None;
        self.dirty = true;
        FormKey::Changed
    }

    /// Pasted text goes into the focused text field, control characters removed.
    pub fn paste(&mut self, text: &str) {
        if let Some(Field {
            input: Input::Text(t),
            error,
            ..
        }) = self.fields.get_mut(self.focus)
        {
            *error = (!t.insert(text)).then(|| {
                let max = t.max.unwrap_or_default();
                Notice::new("err_too_long").with("max", crate::tui::notice::Arg::Count(max))
            });
            self.dirty = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn act(a: Action) -> Command {
        Command::Do(a)
    }

    #[test]
    fn a_paste_past_a_fields_limit_keeps_what_fits_and_says_so() {
        let mut form = Form::new(FormKind::Outage, vec![Field::text("f_notes")]);
        form.paste(&"x".repeat(5000));
        let field = &form.fields[0];
        let Input::Text(t) = &field.input else {
            panic!("a text field");
        };
        assert_eq!(t.value.chars().count(), crate::domain::person::NOTES_MAX);
        assert_eq!(field.error.as_ref().map(|n| n.key), Some("err_too_long"));
        // Typing on at the limit changes nothing.
        assert!(!form.fields[0].input.type_char('y'));
    }

    #[test]
    fn cancel_asks_first_when_something_was_typed() {
        let mut form = Form::new(FormKind::Outage, vec![Field::text("f_source")]);
        assert_eq!(
            form.apply(act(Action::FormCancel)),
            FormKey::Close,
            "nothing typed: closes"
        );
        form.apply(Command::Type('x'));
        assert_eq!(form.apply(act(Action::FormCancel)), FormKey::Changed);
        assert!(form.confirm_discard);
        assert_eq!(form.apply(act(Action::FormCancel)), FormKey::Close);
    }

    #[test]
    fn a_draft_brings_the_form_back_as_it_was() {
        let mut form = Form::new(FormKind::Outage, FormKind::Outage.fields());
        form.apply(act(Action::EditRight));
        form.apply(act(Action::FormNext));
        form.paste("SYS, ELP");
        let back = Form::from_draft(&form.to_draft()).unwrap();
        assert_eq!(back.kind, FormKind::Outage);
        assert_eq!(back.get("f_step"), "all");
        assert_eq!(back.get("f_ports"), "SYS, ELP");
        assert_eq!(back.focus, 1);
        assert!(back.dirty);
        assert_eq!(Form::from_draft("{\"form\":{\"kind\":\"nope\"}}"), None);
    }

    #[test]
    fn submit_moves_on_and_saves_on_the_last_field() {
        let mut form = Form::new(
            FormKind::Outage,
            vec![
                Field::text("a"),
                Field::choice("b", vec![("x", "x"), ("y", "y")]),
            ],
        );
        assert_eq!(form.apply(act(Action::FormSubmit)), FormKey::Changed);
        assert_eq!(form.focus, 1);
        form.apply(act(Action::EditRight));
        assert_eq!(form.get("b"), "y");
        assert_eq!(form.apply(act(Action::FormSubmit)), FormKey::Save);
        assert_eq!(form.apply(act(Action::FormSave)), FormKey::Save);
    }

    #[test]
    fn a_new_line_goes_only_into_notes() {
        let mut form = Form::new(
            FormKind::Outage,
            vec![Field::text("f_source"), Field::text("f_notes")],
        );
        assert_eq!(form.apply(act(Action::FormNewLine)), FormKey::Ignored);
        form.apply(act(Action::FormNext));
        form.apply(Command::Type('a'));
        form.apply(act(Action::FormNewLine));
        form.apply(Command::Type('b'));
        assert_eq!(form.get("f_notes"), "a\nb");
    }
}
