//! Keyboard-driven forms: text fields with a caret, choices cycled with
//! arrows, focus moved with Tab and Enter, errors shown beside the field.
//! A form is plain state; `update` decides what its keys do and what saving
//! asks of the store.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// A line of text being typed, with a caret (counted in characters).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TextField {
    /// What is typed.
    pub value: String,
    /// Caret position, in characters.
    pub caret: usize,
}

impl TextField {
    /// A field holding `value`, caret at the end.
    pub fn with(value: impl Into<String>) -> Self {
        let value = value.into();
        let caret = value.chars().count();
        Self { value, caret }
    }

    pub(crate) fn byte_at(&self, chars: usize) -> usize {
        self.value
            .char_indices()
            .nth(chars)
            .map_or(self.value.len(), |(i, _)| i)
    }

    /// Inserts text at the caret; control characters are dropped (pasted
    /// escape sequences must never reach the terminal).
    pub fn insert(&mut self, text: &str) {
        for c in text.chars().filter(|c| !c.is_control()) {
            let at = self.byte_at(self.caret);
            self.value.insert(at, c);
            self.caret += 1;
        }
    }

    /// Applies an editing key; returns whether the value or caret changed.
    pub fn key(&mut self, ev: &KeyEvent) -> bool {
        let before = (self.value.len(), self.caret);
        let len = self.value.chars().count();
        match ev.code {
            KeyCode::Left => self.caret = self.caret.saturating_sub(1),
            KeyCode::Right => self.caret = (self.caret + 1).min(len),
            KeyCode::Home => self.caret = 0,
            KeyCode::End => self.caret = len,
            KeyCode::Backspace if self.caret > 0 => {
                let at = self.byte_at(self.caret - 1);
                self.value.remove(at);
                self.caret -= 1;
            }
            KeyCode::Delete if self.caret < len => {
                let at = self.byte_at(self.caret);
                self.value.remove(at);
            }
            KeyCode::Char('u') if ev.modifiers.contains(KeyModifiers::CONTROL) => {
                self.value.clear();
                self.caret = 0;
            }
            KeyCode::Char(c)
                if !ev
                    .modifiers
                    .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) =>
            {
                self.insert(&c.to_string());
            }
            _ => return false,
        }
        before != (self.value.len(), self.caret) || matches!(ev.code, KeyCode::Char(_))
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

/// A labelled field, with the error found in it on the last save attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// String-table key of the label (also the field's name in the form).
    pub label: &'static str,
    /// Which of several fields of the same label (a traveller's number).
    pub nth: usize,
    /// Shown instead of the label when set (a traveller's name).
    pub caption: Option<String>,
    /// The input.
    pub input: Input,
    /// What is wrong with it (already translated).
    pub error: Option<String>,
}

impl Field {
    /// A text field.
    pub fn text(label: &'static str, value: impl Into<String>) -> Self {
        Self {
            label,
            nth: 0,
            caption: None,
            input: Input::Text(TextField::with(value)),
            error: None,
        }
    }

    /// A choice field.
    pub fn choice(label: &'static str, options: Vec<(&'static str, &'static str)>) -> Self {
        Self {
            label,
            nth: 0,
            caption: None,
            input: Input::Choice { options, index: 0 },
            error: None,
        }
    }

    /// The text typed, or the chosen value.
    pub fn value(&self) -> &str {
        match &self.input {
            Input::Text(t) => t.value.trim(),
            Input::Choice { options, index } => options.get(*index).map_or("", |o| o.0),
        }
    }
}

/// What a form records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormKind {
    /// A confirmation of one appointment.
    Confirm {
        /// The appointment.
        appointment_id: i64,
        /// Its version when the form opened.
        version: i64,
    },
    /// Confirmations for several travellers of one group, saved together.
    ConfirmGroup {
        /// (appointment, version, traveller's name), one a traveller.
        travellers: Vec<(i64, i64, String)>,
    },
    /// A new appointment for a traveller.
    Schedule {
        /// The traveller.
        person_id: i64,
        /// Their group.
        household_id: i64,
    },
    /// A new person (`person_id` 0) or new details for one.
    Person {
        /// The person, or 0 for a new one.
        person_id: i64,
        /// Their version when the form opened (0 for a new one).
        version: i64,
        /// Set once the coordinator has seen the possible duplicates and saves anyway.
        confirmed_new: bool,
    },
    /// A new outage.
    Outage,
    /// A status change of one appointment, asked for confirmation.
    Status {
        /// The appointment.
        appointment_id: i64,
        /// Its version when the form opened.
        version: i64,
        /// The status it goes to.
        to: crate::domain::AppointmentStatus,
    },
    /// A person leaving the shelter (departed, crossed, transferred).
    Leave {
        /// The person.
        person_id: i64,
        /// Their version when the form opened.
        version: i64,
    },
    /// An extension for the appointments an outage puts at risk.
    Extension {
        /// The outage.
        outage_id: i64,
        /// Its version when the form opened.
        version: i64,
        /// How many appointments it puts at risk (the preview).
        at_risk: usize,
    },
}

impl FormKind {
    /// The form's fields, empty.
    pub fn fields(&self) -> Vec<Field> {
        match self {
            Self::Confirm { .. } => vec![
                Field::text("f_number", ""),
                Field::text("f_confirmed_at", ""),
                channel_field(),
            ],
            Self::ConfirmGroup { travellers } => {
                let mut fields: Vec<Field> = travellers
                    .iter()
                    .enumerate()
                    .map(|(i, (_, _, name))| Field {
                        nth: i,
                        caption: Some(name.clone()),
                        ..Field::text("f_number", "")
                    })
                    .collect();
                fields.push(Field::text("f_confirmed_at", ""));
                fields.push(channel_field());
                fields
            }
            Self::Person { .. } => vec![
                Field::text("f_given", ""),
                Field::text("f_family", ""),
                Field::text("f_birth", ""),
                Field::choice(
                    "f_sex",
                    vec![
                        ("unknown", "sex_unknown"),
                        ("female", "sex_female"),
                        ("male", "sex_male"),
                        ("other", "sex_other"),
                    ],
                ),
                Field::text("f_nationality", ""),
                Field::text("f_languages", ""),
                Field::text("f_phone", ""),
                Field::text("f_arrival", ""),
                Field::text("f_household", ""),
                Field::text("f_vulnerabilities", ""),
                Field::text("f_notes", ""),
            ],
            Self::Schedule { .. } => vec![
                Field::choice(
                    "f_port",
                    crate::domain::port::all()
                        .iter()
                        .map(|p| (p.code.as_str(), p.name.as_str()))
                        .collect(),
                ),
                Field::text("f_appointment_at", ""),
                Field::text("f_allocated_at", ""),
            ],
            Self::Outage => vec![
                Field::choice(
                    "f_step",
                    vec![
                        ("confirm", "step_opt_confirm"),
                        ("all", "step_opt_all"),
                        ("login", "step_opt_login"),
                        ("request", "step_opt_request"),
                    ],
                ),
                Field::text("f_ports", ""),
                Field::text("f_start", ""),
                Field::text("f_end", ""),
                Field::text("f_source", ""),
                Field::text("f_note", ""),
            ],
            Self::Status { .. } => vec![],
            Self::Leave { .. } => vec![
                Field::choice(
                    "f_leaving_as",
                    vec![
                        ("crossed", "person_crossed"),
                        ("departed", "person_departed"),
                        ("transferred", "person_transferred"),
                    ],
                ),
                Field::text("f_day", ""),
            ],
            Self::Extension { .. } => vec![Field::text("f_until", "")],
        }
    }

    fn to_json(&self) -> serde_json::Value {
        use serde_json::json;
        match self {
            Self::Confirm {
                appointment_id,
                version,
            } => {
                json!({"kind": "confirm", "appointment_id": appointment_id, "version": version})
            }
            Self::ConfirmGroup { travellers } => json!({
                "kind": "confirm_group",
                "travellers": travellers.iter().map(|(a, v, n)| json!([a, v, n])).collect::<Vec<_>>(),
            }),
            Self::Person {
                person_id,
                version,
                confirmed_new,
            } => json!({
                "kind": "person", "person_id": person_id, "version": version,
                "confirmed_new": confirmed_new
            }),
            Self::Schedule {
                person_id,
                household_id,
            } => {
                json!({"kind": "schedule", "person_id": person_id, "household_id": household_id})
            }
            Self::Outage => json!({"kind": "outage"}),
            Self::Status {
                appointment_id,
                version,
                to,
            } => json!({
                "kind": "status", "appointment_id": appointment_id, "version": version, "to": to.as_str()
            }),
            Self::Leave { person_id, version } => {
                json!({"kind": "leave", "person_id": person_id, "version": version})
            }
            Self::Extension {
                outage_id,
                version,
                at_risk,
            } => json!({
                "kind": "extension", "outage_id": outage_id, "version": version, "at_risk": at_risk
            }),
        }
    }

    fn from_json(v: &serde_json::Value) -> Option<Self> {
        let int = |k: &str| v.get(k).and_then(serde_json::Value::as_i64);
        Some(match v.get("kind")?.as_str()? {
            "confirm" => Self::Confirm {
                appointment_id: int("appointment_id")?,
                version: int("version")?,
            },
            "confirm_group" => Self::ConfirmGroup {
                travellers: v
                    .get("travellers")?
                    .as_array()?
                    .iter()
                    .map(|t| {
                        Some((
                            t.get(0)?.as_i64()?,
                            t.get(1)?.as_i64()?,
                            t.get(2)?.as_str()?.to_string(),
                        ))
                    })
                    .collect::<Option<_>>()?,
            },
            "person" => Self::Person {
                person_id: int("person_id")?,
                version: int("version")?,
                confirmed_new: v.get("confirmed_new")?.as_bool()?,
            },
            "schedule" => Self::Schedule {
                person_id: int("person_id")?,
                household_id: int("household_id")?,
            },
            "outage" => Self::Outage,
            "status" => Self::Status {
                appointment_id: int("appointment_id")?,
                version: int("version")?,
                to: v.get("to")?.as_str()?.parse().ok()?,
            },
            "leave" => Self::Leave {
                person_id: int("person_id")?,
                version: int("version")?,
            },
            "extension" => Self::Extension {
                outage_id: int("outage_id")?,
                version: int("version")?,
                at_risk: usize::try_from(int("at_risk")?).ok()?,
            },
            _ => return None,
        })
    }

    /// String-table key of the form's title.
    pub fn title_key(&self) -> &'static str {
        match self {
            Self::Confirm { .. } | Self::ConfirmGroup { .. } => "form_confirm",
            Self::Schedule { .. } => "form_schedule",
            Self::Person { person_id: 0, .. } => "form_person_new",
            Self::Person { .. } => "form_person_edit",
            Self::Outage => "form_outage",
            Self::Status { .. } => "form_status",
            Self::Leave { .. } => "form_leave",
            Self::Extension { .. } => "form_extension",
        }
    }
}

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
    pub error: Option<String>,
    /// Waiting for the store's answer.
    pub saving: bool,
    /// The record as it was when the form opened (edits only), to show what
    /// another coordinator changed and to lay this form's edits over theirs.
    pub base: Option<Box<crate::domain::PersonDetails>>,
    /// A save was refused as a conflict: the newer record is being fetched.
    pub conflicted: bool,
    /// The newer record, once fetched after a conflict (with its version).
    pub newer: Option<(Box<crate::domain::PersonDetails>, i64)>,
}

fn channel_field() -> Field {
    Field::choice(
        "f_channel",
        vec![
            ("app", "channel_app"),
            ("email", "channel_email"),
            ("phone", "channel_phone"),
            ("in_person", "channel_in_person"),
        ],
    )
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

    /// The form as a draft: its kind, and each field's text or choice.
    pub fn to_draft(&self) -> String {
        let fields: serde_json::Map<String, serde_json::Value> = self
            .fields
            .iter()
            .map(|f| {
                let v = match &f.input {
                    Input::Text(t) => serde_json::Value::from(t.value.clone()),
                    Input::Choice { index, .. } => serde_json::Value::from(*index),
                };
                (format!("{}#{}", f.label, f.nth), v)
            })
            .collect();
        serde_json::json!({"form": self.kind.to_json(), "fields": fields, "focus": self.focus})
            .to_string()
    }

    /// A form back from its draft; `None` for anything unreadable.
    pub fn from_draft(text: &str) -> Option<Self> {
        let v: serde_json::Value = serde_json::from_str(text).ok()?;
        let kind = FormKind::from_json(v.get("form")?)?;
        let mut fields = kind.fields();
        let saved = v.get("fields")?.as_object()?;
        for f in &mut fields {
            match (&mut f.input, saved.get(&format!("{}#{}", f.label, f.nth))) {
                (Input::Text(t), Some(serde_json::Value::String(s))) => {
                    *t = TextField::with(s.clone())
                }
                (Input::Choice { options, index }, Some(serde_json::Value::Number(n))) => {
                    *index = n
                        .as_u64()
                        .map_or(0, |n| n as usize)
                        .min(options.len().saturating_sub(1));
                }
                _ => {}
            }
        }
        let mut form = Self::new(kind, fields);
        form.focus = v
            .get("focus")
            .and_then(serde_json::Value::as_u64)
            .map_or(0, |n| n as usize)
            .min(form.fields.len().saturating_sub(1));
        form.dirty = true;
        Some(form)
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
    pub fn fail(&mut self, label: &str, message: String) {
        self.fail_nth(label, 0, message);
    }

    /// Marks the error of the `nth` field of a label.
    pub fn fail_nth(&mut self, label: &str, nth: usize, message: String) {
        if let Some(f) = self
            .fields
            .iter_mut()
            .find(|f| f.label == label && f.nth == nth)
        {
            f.error = Some(message);
        }
    }

    /// Applies a key: Tab / Shift-Tab / Enter move (Enter on the last field
    /// saves), Ctrl-S saves, Esc closes (asking first when something was
    /// typed), arrows cycle a choice, everything else edits the text field.
    pub fn key(&mut self, ev: &KeyEvent) -> FormKey {
        if self.saving {
            return FormKey::Ignored;
        }
        let ctrl = ev.modifiers.contains(KeyModifiers::CONTROL);
        let last = self.fields.len().saturating_sub(1);
        if ev.code != KeyCode::Esc {
            self.confirm_discard = false;
        }
        match ev.code {
            KeyCode::Esc => {
                if self.dirty && !self.confirm_discard {
                    self.confirm_discard = true;
                    return FormKey::Changed;
                }
                return FormKey::Close;
            }
            KeyCode::Char('s') if ctrl => return FormKey::Save,
            // A new line, in the fields that hold several (notes).
            KeyCode::Char('j') | KeyCode::Enter
                if (ctrl || ev.modifiers.contains(KeyModifiers::ALT))
                    && self
                        .fields
                        .get(self.focus)
                        .is_some_and(|f| f.label == "f_notes") =>
            {
                if let Some(Field {
                    input: Input::Text(t),
                    ..
                }) = self.fields.get_mut(self.focus)
                {
                    let at = t.byte_at(t.caret);
                    t.value.insert(at, '\n');
                    t.caret += 1;
                    self.dirty = true;
                }
            }
            KeyCode::Char('r') if ctrl => {
                return if self.rebase() {
                    FormKey::Changed
                } else {
                    FormKey::Ignored
                }
            }
            KeyCode::Tab | KeyCode::Down => self.focus = (self.focus + 1).min(last),
            KeyCode::BackTab | KeyCode::Up => self.focus = self.focus.saturating_sub(1),
            KeyCode::Enter if self.focus == last => return FormKey::Save,
            KeyCode::Enter => self.focus += 1,
            _ => {
                let Some(field) = self.fields.get_mut(self.focus) else {
                    return FormKey::Ignored;
                };
                let changed = match &mut field.input {
                    Input::Text(t) => t.key(ev),
                    Input::Choice { options, index } => match ev.code {
                        KeyCode::Left => {
                            *index = (*index + options.len() - 1) % options.len().max(1);
                            true
                        }
                        KeyCode::Right | KeyCode::Char(' ') => {
                            *index = (*index + 1) % options.len().max(1);
                            true
                        }
                        _ => false,
                    },
                };
                if !changed {
                    return FormKey::Ignored;
                }
                field.error = None;
                self.dirty = true;
            }
        }
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
            t.insert(text);
            *error = None;
            self.dirty = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn a_text_field_edits_at_its_caret() {
        let mut f = TextField::with("Jos");
        f.key(&k(KeyCode::Char('é')));
        assert_eq!((f.value.as_str(), f.caret), ("José", 4));
        f.key(&k(KeyCode::Home));
        f.key(&k(KeyCode::Delete));
        f.key(&k(KeyCode::Char('j')));
        assert_eq!(f.value, "josé");
        f.key(&k(KeyCode::End));
        f.key(&k(KeyCode::Backspace));
        assert_eq!(f.value, "jos");
        f.insert("\u{1b}[2J é\u{7}");
        assert_eq!(f.value, "jos[2J é");
        f.key(&KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL));
        assert_eq!((f.value.as_str(), f.caret), ("", 0));
    }

    #[test]
    fn escape_asks_first_when_something_was_typed() {
        let mut form = Form::new(FormKind::Outage, vec![Field::text("f_source", "")]);
        assert_eq!(
            form.key(&k(KeyCode::Esc)),
            FormKey::Close,
            "nothing typed: closes"
        );
        form.key(&k(KeyCode::Char('x')));
        assert_eq!(form.key(&k(KeyCode::Esc)), FormKey::Changed);
        assert!(form.confirm_discard);
        assert_eq!(form.key(&k(KeyCode::Esc)), FormKey::Close);
    }

    #[test]
    fn a_draft_brings_the_form_back_as_it_was() {
        let mut form = Form::new(FormKind::Outage, FormKind::Outage.fields());
        form.key(&k(KeyCode::Right));
        form.key(&k(KeyCode::Tab));
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
    fn enter_moves_on_and_saves_on_the_last_field() {
        let mut form = Form::new(
            FormKind::Outage,
            vec![
                Field::text("a", ""),
                Field::choice("b", vec![("x", "x"), ("y", "y")]),
            ],
        );
        assert_eq!(form.key(&k(KeyCode::Enter)), FormKey::Changed);
        assert_eq!(form.focus, 1);
        form.key(&k(KeyCode::Right));
        assert_eq!(form.get("b"), "y");
        assert_eq!(form.key(&k(KeyCode::Enter)), FormKey::Save);
        assert_eq!(
            form.key(&KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL)),
            FormKey::Save
        );
    }
}
