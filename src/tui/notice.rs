//! What the app has to tell the user, as data: a string-table key and the
//! values it names. State holds notices; views put them into words, in the
//! interface language, with the key map's current keys.

use chrono::{DateTime, NaiveDateTime, Utc};

use crate::domain::{AppointmentStatus, Role};

/// A value named in a notice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arg {
    /// Text shown as it is (a name, a code, a message from the store).
    Text(String),
    /// A number.
    Count(usize),
    /// A moment, shown in the shelter's time.
    When(DateTime<Utc>),
    /// A day, as the calendar says it.
    Day(chrono::NaiveDate),
    /// A wall-clock time as it was typed, in no zone.
    Local(NaiveDateTime),
    /// Another string-table key, said in the same language.
    Key(&'static str),
    /// Fields another coordinator changed: (label key, old value, new value).
    Changes(Vec<(&'static str, String, String)>),
    /// People on the roster: (id, name).
    People(Vec<(i64, String)>),
}

/// Something to tell the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// The string-table key; its `{name}` placeholders are filled from `args`
    /// and `{key:action}` from the key map.
    pub key: &'static str,
    /// The values, by placeholder name.
    pub args: Vec<(&'static str, Arg)>,
}

impl Notice {
    /// A notice without values.
    pub fn new(key: &'static str) -> Self {
        Self {
            key,
            args: Vec::new(),
        }
    }

    /// Adds a value for the placeholder `name`.
    #[must_use]
    pub fn with(mut self, name: &'static str, arg: Arg) -> Self {
        self.args.push((name, arg));
        self
    }

    /// Text from below the interface (a store error: it names rules, tables
    /// and ids, never personal values), shown as it is.
    pub fn plain(text: impl Into<String>) -> Self {
        Self::new("plain").with("text", Arg::Text(text.into()))
    }

    /// The value given for a placeholder.
    pub fn arg(&self, name: &str) -> Option<&Arg> {
        self.args.iter().find(|(n, _)| *n == name).map(|(_, a)| a)
    }
}

/// The string-table key of an appointment status.
pub fn appointment_status_key(s: AppointmentStatus) -> &'static str {
    match s {
        AppointmentStatus::PendingConfirmation => "appt_pending",
        AppointmentStatus::Confirmed => "appt_confirmed",
        AppointmentStatus::Missed => "appt_missed",
        AppointmentStatus::Presented => "appt_presented",
        AppointmentStatus::Cancelled => "appt_cancelled",
    }
}

/// The string-table key of a role's name.
pub fn role_key(role: Role) -> &'static str {
    match role {
        Role::Volunteer => "role_volunteer",
        Role::Coordinator => "role_coordinator",
        Role::Admin => "role_admin",
    }
}
