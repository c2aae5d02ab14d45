//! The rules of albergue, as plain types and functions: no I/O, no SQL, no terminal.

#[macro_use]
mod text;
pub mod appointment;
pub mod audit;
pub mod cell;
pub mod countries;
pub mod dates;
pub mod departures;
pub mod headcount;
pub mod message;
pub mod names;
pub mod outage;
pub mod person;
pub mod port;
pub mod program;
pub mod retention;
pub mod role;
pub mod scope;
pub mod section;
pub mod template;
pub mod transfer;

use chrono::{DateTime, Utc};

pub use appointment::{Appointment, AppointmentStatus};
pub use audit::{AuditEntry, Change};
pub use outage::{Outage, Ports, Step};
pub use person::{
    Household, Identity, Person, PersonDetails, PersonStatus, Sex, Shelter, Vulnerability,
};
pub use port::Port;
pub use role::{Permission, Role};
pub use scope::Scope;
pub use transfer::{Consent, Transfer, TransferStatus};

/// A change the rules refuse. Messages name the rule, not personal data.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RuleError {
    /// A status change the lifecycle does not allow.
    #[error("an appointment cannot go from {from} to {to}")]
    Transition {
        /// Current status.
        from: AppointmentStatus,
        /// Requested status.
        to: AppointmentStatus,
    },
    /// Confirmed after the effective deadline.
    #[error("the confirmation deadline ({deadline}) had passed at {confirmed_at}")]
    DeadlinePassed {
        /// The effective deadline.
        deadline: DateTime<Utc>,
        /// The confirmation time given.
        confirmed_at: DateTime<Utc>,
    },
    /// A confirmation time later than now.
    #[error("the confirmation time {confirmed_at} is in the future (now {now})")]
    ConfirmedInFuture {
        /// The confirmation time given.
        confirmed_at: DateTime<Utc>,
        /// The clock.
        now: DateTime<Utc>,
    },
    /// A confirmation time before the appointment existed.
    #[error("the confirmation time {confirmed_at} is before the allocation ({allocated_at})")]
    ConfirmedBeforeAllocation {
        /// The confirmation time given.
        confirmed_at: DateTime<Utc>,
        /// When the appointment was allocated.
        allocated_at: DateTime<Utc>,
    },
    /// An extension that ends before the outage began.
    #[error("an extension until {until} ends before the outage started ({started_at})")]
    ExtensionBeforeOutage {
        /// Requested end of the extension.
        until: DateTime<Utc>,
        /// Start of the outage.
        started_at: DateTime<Utc>,
    },
    /// A confirmation number of the wrong shape.
    #[error("a confirmation number has 6 to 20 letters and digits")]
    ConfirmationNumber,
    /// Control characters (escape sequences, bells) in a name or phone.
    #[error("names and phone numbers cannot hold control characters")]
    ControlCharacters,
    /// An empty required field.
    #[error("{0} must not be empty")]
    Required(&'static str),
    /// A field longer than albergue keeps.
    #[error("{field} is too long (at most {max} characters)")]
    TooLong {
        /// The field.
        field: &'static str,
        /// Its limit.
        max: usize,
    },
    /// Not an ISO 3166 alpha-3 code.
    #[error("nationality {0:?} is not a three-letter ISO 3166 code (e.g. HTI, VEN)")]
    Nationality(String),
    /// Dates in the wrong order.
    #[error("the {later} is before the {earlier}")]
    DatesOutOfOrder {
        /// The date that should come first.
        earlier: &'static str,
        /// The date that should come second.
        later: &'static str,
    },
    /// An unknown port code.
    #[error("unknown port {0:?}")]
    UnknownPort(String),
    /// A value that is not one of a fixed set.
    #[error("unknown {field} {value:?}")]
    UnknownValue {
        /// What was being read.
        field: &'static str,
        /// What was found.
        value: String,
    },
    /// A `--section NAME=BEDS` that is not one.
    #[error("section {text:?}: {why} (write NAME=BEDS, for example families=120)")]
    Section {
        /// As given.
        text: String,
        /// What is wrong with it.
        why: String,
    },
    /// A place in a section the rules do not allow.
    #[error("{0}")]
    Placement(&'static str),
    /// A venue or step the case's program does not have.
    #[error("program {program} has no {what} {value:?} (it has: {known})")]
    NotInProgram {
        /// `venue` or `step`.
        what: &'static str,
        /// As given.
        value: String,
        /// The program's id.
        program: String,
        /// What it has, comma-separated.
        known: String,
    },
    /// A time later than now where only the past makes sense.
    #[error("{what} {at} is in the future (now {now})")]
    InFuture {
        /// What was given.
        what: &'static str,
        /// As given.
        at: DateTime<Utc>,
        /// The clock.
        now: DateTime<Utc>,
    },
}
