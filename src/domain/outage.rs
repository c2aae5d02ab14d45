//! Outages of a program's online service (CBP One's app, COMAR's online
//! appointments), and which CBP One appointments they put at risk. (What
//! an outage of another program's service puts at risk is that program's
//! file's: its steps marked `outage`, see `domain::program`.)

use chrono::{DateTime, Utc};

use super::appointment::{Appointment, AppointmentStatus};
use super::RuleError;

/// The step of the CBP One process that fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Step {
    /// Logging in.
    Login,
    /// Requesting an appointment.
    Request,
    /// Confirming an allocated appointment.
    Confirm,
    /// Everything.
    All,
}

text_enum!(Step, "affected step", {
    Login => "login",
    Request => "request",
    Confirm => "confirm",
    All => "all",
});

impl Step {
    /// Whether an outage of this step stops people from confirming.
    pub fn blocks_confirmation(self) -> bool {
        matches!(self, Self::Confirm | Self::All)
    }
}

/// Which ports an outage hits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ports {
    /// Every port (the usual case: the app itself is down).
    All,
    /// Only these port codes.
    Some(Vec<String>),
}

impl Ports {
    /// Whether the port with this code is hit.
    pub fn includes(&self, port_code: &str) -> bool {
        match self {
            Self::All => true,
            Self::Some(codes) => codes.iter().any(|c| c == port_code),
        }
    }
}

/// How CBP One's service is stored: every outage recorded before programs
/// were files is CBP One's. Another program's is stored as its id.
pub const CBP_ONE_SERVICE: &str = "cbp_one";

/// A recorded failure of a program's online service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outage {
    /// Row id.
    pub id: i64,
    /// The failing service: [`CBP_ONE_SERVICE`], or another program's id.
    pub service: String,
    /// The step that fails.
    pub affected_step: Step,
    /// The ports hit.
    pub ports: Ports,
    /// When it started failing.
    pub started_at: DateTime<Utc>,
    /// When it worked again; `None` while it lasts.
    pub ended_at: Option<DateTime<Utc>>,
    /// Where the news came from (CBP text, news, coordinators' reports…).
    pub source: String,
    /// Free text.
    pub note: String,
    /// The extended confirmation deadline CBP granted, if any.
    pub extension_until: Option<DateTime<Utc>>,
    /// Optimistic-concurrency version.
    pub version: i64,
}

impl Outage {
    /// The id of the program whose service fails.
    pub fn program(&self) -> &str {
        program_of(&self.service)
    }

    /// Whether it is CBP One's (the app whose confirmations it can block).
    pub fn is_cbp_one(&self) -> bool {
        self.service == CBP_ONE_SERVICE
    }

    /// Whether the outage is going on at `now`.
    pub fn is_active(&self, now: DateTime<Utc>) -> bool {
        self.started_at <= now && self.ended_at.is_none_or(|end| end > now)
    }

    /// Whether the outage's time span overlaps the half-open span `from..to`.
    pub fn overlaps(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> bool {
        self.started_at < to && self.ended_at.is_none_or(|end| end > from)
    }

    /// The rule: an appointment is at risk from this outage when it is still
    /// pending and its confirmation window (allocation to effective deadline)
    /// overlaps an outage of the confirm step (or all steps) at its port (or
    /// at all ports).
    pub fn puts_at_risk(&self, appointment: &Appointment) -> bool {
        appointment.status == AppointmentStatus::PendingConfirmation
            && self.puts_window_at_risk(&ConfirmationWindow::of(appointment))
    }

    /// [`Outage::puts_at_risk`] for a pending appointment's confirmation window.
    pub fn puts_window_at_risk(&self, w: &ConfirmationWindow<'_>) -> bool {
        self.risk().is_some_and(|r| {
            r.ports.includes(w.port_code)
                && r.allocated_before.is_none_or(|end| w.allocated_at < end)
                && w.deadline > r.deadline_after
        })
    }

    /// The rule of [`Outage::puts_at_risk`] as bounds on a pending
    /// appointment's port, allocation and effective deadline (for a store
    /// that counts without reading each appointment); `None` when the
    /// outage does not block confirmations (or is another program's).
    pub fn risk(&self) -> Option<Risk<'_>> {
        (self.is_cbp_one() && self.affected_step.blocks_confirmation()).then_some(Risk {
            ports: &self.ports,
            allocated_before: self.ended_at,
            deadline_after: self.started_at,
        })
    }

    /// Checks that the outage can be recorded as ended at `ended_at` (not
    /// before it started).
    pub fn check_end(&self, ended_at: DateTime<Utc>) -> Result<(), RuleError> {
        if ended_at < self.started_at {
            return Err(RuleError::DatesOutOfOrder {
                earlier: "outage start",
                later: "outage end",
            });
        }
        Ok(())
    }

    /// Checks that `until` can be granted as an extension for this outage.
    pub fn check_extension(&self, until: DateTime<Utc>) -> Result<(), RuleError> {
        if until <= self.started_at {
            return Err(RuleError::ExtensionBeforeOutage {
                until,
                started_at: self.started_at,
            });
        }
        Ok(())
    }
}

/// The program id of a stored service ([`CBP_ONE_SERVICE`] is `cbp-one`'s).
pub fn program_of(service: &str) -> &str {
    if service == CBP_ONE_SERVICE {
        "cbp-one"
    } else {
        service
    }
}

/// The stored service of a program's outage.
pub fn service_of(program: &str) -> &str {
    if program == "cbp-one" {
        CBP_ONE_SERVICE
    } else {
        program
    }
}

/// Whether any of `outages` puts the appointment at risk.
pub fn is_at_risk(appointment: &Appointment, outages: &[Outage]) -> bool {
    outages.iter().any(|o| o.puts_at_risk(appointment))
}

/// The outages going on at `now`.
pub fn active_at(outages: &[Outage], now: DateTime<Utc>) -> Vec<&Outage> {
    outages.iter().filter(|o| o.is_active(now)).collect()
}

/// What puts a pending appointment at risk from one outage: its port is
/// hit, it was allocated before the outage ended (if it has), and its
/// effective deadline is after the outage started (the two spans overlap).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Risk<'a> {
    /// The ports hit.
    pub ports: &'a Ports,
    /// Allocated before this (the outage's end), if it has ended.
    pub allocated_before: Option<DateTime<Utc>>,
    /// Deadline after this (the outage's start).
    pub deadline_after: DateTime<Utc>,
}

/// A pending appointment's confirmation window: its port, from allocation
/// to its effective deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConfirmationWindow<'a> {
    /// The port's code.
    pub port_code: &'a str,
    /// When it was allocated.
    pub allocated_at: DateTime<Utc>,
    /// The deadline, extension included.
    pub deadline: DateTime<Utc>,
}

impl<'a> ConfirmationWindow<'a> {
    /// The window of `a`.
    pub fn of(a: &'a Appointment) -> Self {
        Self {
            port_code: &a.port_code,
            allocated_at: a.allocated_at,
            deadline: a.effective_deadline(),
        }
    }
}

/// How many pending appointments are at risk right now: still to be
/// confirmed (deadline ahead of `now`) and put at risk by an outage going
/// on at `now`. The figure of the dashboard and of the outage banner.
pub fn at_risk_now<'a>(
    pending: impl IntoIterator<Item = ConfirmationWindow<'a>>,
    outages: &[Outage],
    now: DateTime<Utc>,
) -> usize {
    let active = active_at(outages, now);
    pending
        .into_iter()
        .filter(|w| w.deadline > now)
        .filter(|w| active.iter().any(|o| o.puts_window_at_risk(w)))
        .count()
}
