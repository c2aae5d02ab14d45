//! CBP One appointments: their statuses, the allowed transitions and the
//! 23-hour confirmation deadline.

use chrono::{DateTime, Duration, Utc};

use super::RuleError;

/// How long a person has to confirm an allocated appointment.
pub const CONFIRM_WINDOW: Duration = Duration::hours(23);

/// How far in the future a recorded confirmation time may lie (clock skew
/// between a phone and the server), before it is refused as a typing error.
pub const CLOCK_SKEW_ALLOWANCE: Duration = Duration::minutes(5);

/// Where an appointment stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AppointmentStatus {
    /// Allocated; the person must still confirm it in the app.
    PendingConfirmation,
    /// Confirmed in the app, with a confirmation number.
    Confirmed,
    /// The confirmation or the appointment itself was missed.
    Missed,
    /// The person presented at the port.
    Presented,
    /// Cancelled.
    Cancelled,
}

text_enum!(AppointmentStatus, "appointment status", {
    PendingConfirmation => "pending_confirmation",
    Confirmed => "confirmed",
    Missed => "missed",
    Presented => "presented",
    Cancelled => "cancelled",
});

impl AppointmentStatus {
    /// Whether the rules allow moving from `self` to `to`.
    pub fn can_become(self, to: Self) -> bool {
        use AppointmentStatus::*;
        matches!(
            (self, to),
            (PendingConfirmation, Confirmed | Missed | Cancelled)
                | (Confirmed, Presented | Missed | Cancelled)
        )
    }

    /// What a live appointment becomes when its traveller is recorded as
    /// having left the shelter as `left`: departed or transferred cancels
    /// it (they will not present from here); crossed makes a confirmed one
    /// presented. A pending one of a person who crossed stays as it is:
    /// which appointment they crossed with is for a coordinator to say (it
    /// no longer counts as one to act for, since the person is not present).
    pub fn settled_by_departure(self, left: super::PersonStatus) -> Option<Self> {
        use super::PersonStatus::*;
        use AppointmentStatus::*;
        match (self, left) {
            (PendingConfirmation | Confirmed, Departed | Transferred) => Some(Cancelled),
            (Confirmed, Crossed) => Some(Presented),
            _ => None,
        }
    }

    /// `to` if the transition is allowed, else a typed error naming both ends.
    pub fn transition(self, to: Self) -> Result<Self, RuleError> {
        if self.can_become(to) {
            Ok(to)
        } else {
            Err(RuleError::Transition { from: self, to })
        }
    }

    /// Whether the appointment still stands (pending or confirmed).
    pub fn is_live(self) -> bool {
        matches!(self, Self::PendingConfirmation | Self::Confirmed)
    }

    /// Whether nothing more can happen to the appointment.
    pub fn is_final(self) -> bool {
        Self::ALL.iter().all(|&to| !self.can_become(to))
    }
}

/// How a confirmation reached the shelter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Channel {
    /// Seen in the CBP One app.
    App,
    /// CBP's email.
    Email,
    /// A phone call.
    Phone,
    /// The person came to the desk.
    InPerson,
}

text_enum!(Channel, "confirmation channel", {
    App => "app",
    Email => "email",
    Phone => "phone",
    InPerson => "in_person",
});

/// The confirmation deadline for an allocation: 23 hours after it, in UTC.
///
/// ```
/// use albergue::domain::appointment::confirm_deadline;
/// use chrono::{TimeZone, Utc};
/// let allocated = Utc.with_ymd_and_hms(2024, 5, 21, 16, 0, 0).unwrap();
/// assert_eq!(confirm_deadline(allocated), Utc.with_ymd_and_hms(2024, 5, 22, 15, 0, 0).unwrap());
/// ```
pub fn confirm_deadline(allocated_at: DateTime<Utc>) -> DateTime<Utc> {
    allocated_at + CONFIRM_WINDOW
}

/// One traveller's appointment at a port.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Appointment {
    /// Row id.
    pub id: i64,
    /// The CBP One group that requested it.
    pub household_id: i64,
    /// The traveller; `None` for an appointment recorded for the group only.
    pub person_id: Option<i64>,
    /// Port code (see [`super::port`]).
    pub port_code: String,
    /// When to present at the port.
    pub appointment_at: DateTime<Utc>,
    /// When CBP allocated it.
    pub allocated_at: DateTime<Utc>,
    /// `allocated_at` + 23 h.
    pub confirm_deadline: DateTime<Utc>,
    /// A later deadline granted by CBP after an outage.
    pub extended_until: Option<DateTime<Utc>>,
    /// The traveller's own confirmation number, once confirmed.
    pub confirmation_number: Option<String>,
    /// When the person confirmed in the app.
    pub confirmed_at: Option<DateTime<Utc>>,
    /// Who recorded the confirmation.
    pub confirmed_by: Option<String>,
    /// Where it stands.
    pub status: AppointmentStatus,
    /// Optimistic-concurrency version, bumped by every change.
    pub version: i64,
}

impl Appointment {
    /// A new appointment as CBP allocates it: pending confirmation, due 23
    /// hours after `allocated_at`, not yet stored (`id` 0, `version` 1).
    pub fn pending(
        household_id: i64,
        person_id: Option<i64>,
        port_code: impl Into<String>,
        appointment_at: DateTime<Utc>,
        allocated_at: DateTime<Utc>,
    ) -> Self {
        Self {
            id: 0,
            household_id,
            person_id,
            port_code: port_code.into(),
            appointment_at,
            allocated_at,
            confirm_deadline: confirm_deadline(allocated_at),
            extended_until: None,
            confirmation_number: None,
            confirmed_at: None,
            confirmed_by: None,
            status: AppointmentStatus::PendingConfirmation,
            version: 1,
        }
    }

    /// The deadline in force: the later of the 23-hour deadline and any extension.
    pub fn effective_deadline(&self) -> DateTime<Utc> {
        match self.extended_until {
            Some(ext) if ext > self.confirm_deadline => ext,
            _ => self.confirm_deadline,
        }
    }

    /// Time left to confirm at `now` (negative once passed).
    pub fn deadline_left(&self, now: DateTime<Utc>) -> Duration {
        self.effective_deadline() - now
    }

    /// Checks that a confirmation made in the app at `confirmed_at`, recorded at
    /// `now`, is acceptable. The deadline applies to when the person confirmed,
    /// not to when a coordinator gets round to recording it.
    pub fn check_confirmation(
        &self,
        confirmed_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<(), RuleError> {
        self.status.transition(AppointmentStatus::Confirmed)?;
        if confirmed_at > now + CLOCK_SKEW_ALLOWANCE {
            return Err(RuleError::ConfirmedInFuture { confirmed_at, now });
        }
        if confirmed_at < self.allocated_at {
            return Err(RuleError::ConfirmedBeforeAllocation {
                confirmed_at,
                allocated_at: self.allocated_at,
            });
        }
        let deadline = self.effective_deadline();
        if confirmed_at > deadline {
            return Err(RuleError::DeadlinePassed {
                deadline,
                confirmed_at,
            });
        }
        Ok(())
    }
}

/// Normalizes a confirmation number as typed: trimmed, inner spaces and
/// dashes removed, upper-cased; then checks it is 6–20 letters and digits.
pub fn normalize_confirmation_number(input: &str) -> Result<String, RuleError> {
    let cleaned: String = input
        .trim()
        .chars()
        .filter(|c| !matches!(c, ' ' | '-'))
        .flat_map(char::to_uppercase)
        .collect();
    let len = cleaned.chars().count();
    if !(6..=20).contains(&len) || !cleaned.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(RuleError::ConfirmationNumber);
    }
    Ok(cleaned)
}
