//! Moving a household to another shelter of the network, with a hand-over:
//! the person's consent is asked and recorded first, the receiving shelter
//! accepts or declines, and only an accepted transfer moves anything.

use chrono::{DateTime, Utc};

use super::RuleError;

/// Where a transfer stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TransferStatus {
    /// Asked for, waiting for the receiving shelter.
    Pending,
    /// The receiving shelter took the household in: it moved.
    Accepted,
    /// The receiving shelter could not take them: nothing moved.
    Declined,
    /// The sending shelter withdrew it before an answer.
    Cancelled,
}

text_enum!(TransferStatus, "transfer status", {
    Pending => "pending",
    Accepted => "accepted",
    Declined => "declined",
    Cancelled => "cancelled",
});

/// A transfer as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transfer {
    /// Row id.
    pub id: i64,
    /// The household that moves.
    pub household_id: i64,
    /// From this shelter.
    pub from_shelter: i64,
    /// To this one.
    pub to_shelter: i64,
    /// How many of the household were present when it was asked for.
    pub people: i64,
    /// Where it stands.
    pub status: TransferStatus,
    /// Who asked the person for their consent (and recorded that they gave it).
    pub consent_asked_by: String,
    /// When it was asked for.
    pub requested_at: DateTime<Utc>,
    /// By whom (the audit trail's name).
    pub requested_by: String,
    /// When it was accepted, declined or cancelled.
    pub decided_at: Option<DateTime<Utc>>,
    /// By whom.
    pub decided_by: Option<String>,
    /// Why it was declined or cancelled.
    pub reason: String,
    /// For optimistic concurrency: two coordinators answering at once.
    pub version: i64,
}

/// The person's answer when asked whether they agree to be moved, and who
/// asked them. No transfer is recorded without it (Primero refuses a
/// referral without recorded consent, and so does albergue).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Consent {
    /// Whether they agreed.
    pub given: bool,
    /// Who asked them (a coordinator's name).
    pub asked_by: String,
}

/// Checks a transfer request before anything is written.
pub fn check_request(from: i64, to: i64, consent: &Consent) -> Result<(), RuleError> {
    if from == to {
        return Err(RuleError::UnknownValue {
            field: "receiving shelter (it is the household's own)",
            value: to.to_string(),
        });
    }
    if consent.asked_by.trim().is_empty() {
        return Err(RuleError::Required("who asked for the person's consent"));
    }
    if !consent.given {
        return Err(RuleError::Required(
            "the person's consent (a transfer is never recorded without it)",
        ));
    }
    Ok(())
}

impl Transfer {
    /// Whether it may still be answered: only a pending one.
    pub fn check_open(&self) -> Result<(), RuleError> {
        if self.status == TransferStatus::Pending {
            Ok(())
        } else {
            Err(RuleError::UnknownValue {
                field: "transfer still to answer: this one is already",
                value: self.status.as_str().to_string(),
            })
        }
    }
}

/// A reason is needed to decline or cancel.
pub fn check_reason(reason: &str) -> Result<(), RuleError> {
    if reason.trim().is_empty() {
        Err(RuleError::Required("a reason"))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn consent(given: bool, by: &str) -> Consent {
        Consent {
            given,
            asked_by: by.into(),
        }
    }

    #[test]
    fn a_transfer_needs_another_shelter_and_recorded_consent() {
        assert!(check_request(1, 2, &consent(true, "maria")).is_ok());
        assert!(check_request(1, 1, &consent(true, "maria")).is_err());
        assert!(check_request(1, 2, &consent(false, "maria")).is_err());
        assert!(check_request(1, 2, &consent(true, "  ")).is_err());
        assert!(check_reason("").is_err());
        assert!(check_reason("full").is_ok());
    }
}
