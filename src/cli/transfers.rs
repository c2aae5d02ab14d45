//! `albergue transfers`: the hand-over between shelters from the command
//! line (the database's owner, network-wide).

use anyhow::Result;

use super::{Cli, TransfersCommand};
use crate::actor::Actor;
use crate::domain::{Consent, Transfer};

/// `albergue transfers`.
pub(super) fn transfers(cli: &Cli, command: TransfersCommand) -> Result<u8> {
    let mut store = cli.open_existing()?;
    let actor = Actor::from_env();
    let shelters = store.network_shelters()?;
    let name = |id: i64| -> String {
        shelters
            .iter()
            .find(|s| s.id == id)
            .map_or_else(|| format!("shelter {id}"), |s| s.name.clone())
    };
    let said = |t: &Transfer| {
        eprintln!(
            "transfers: {} household {}: {} -> {}: {}",
            t.id,
            t.household_id,
            name(t.from_shelter),
            name(t.to_shelter),
            t.status
        );
    };
    match command {
        TransfersCommand::List => {
            for t in store.transfers()? {
                println!(
                    "{:>6} household {:<7} {:<28} -> {:<28} {:>3} people  {:<9} {}{}",
                    t.id,
                    t.household_id,
                    name(t.from_shelter),
                    name(t.to_shelter),
                    t.people,
                    t.status.as_str(),
                    t.requested_at.format("%Y-%m-%d"),
                    t.decided_at
                        .map(|d| format!(" .. {}", d.format("%Y-%m-%d")))
                        .unwrap_or_default()
                );
            }
        }
        TransfersCommand::Request {
            household,
            to,
            consent_asked_by,
            consent_given,
        } => {
            let to = super::serve::shelter_id(&store, "--to", &to)?;
            let consent = Consent {
                given: consent_given,
                asked_by: consent_asked_by,
            };
            said(&store.request_transfer(household, to, &consent, &actor)?);
        }
        TransfersCommand::Accept { id } => {
            let t = store.transfer(id)?;
            said(&store.accept_transfer(id, t.version, &actor)?);
        }
        TransfersCommand::Decline { id, reason } => {
            let t = store.transfer(id)?;
            said(&store.decline_transfer(id, t.version, &reason, &actor)?);
        }
        TransfersCommand::Cancel { id, reason } => {
            let t = store.transfer(id)?;
            said(&store.cancel_transfer(id, t.version, &reason, &actor)?);
        }
    }
    Ok(0)
}
