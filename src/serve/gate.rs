//! Who may hold a connection: the budget of connections that have not
//! logged in yet, kept apart from the coordinators who have.
//!
//! A connection that has not authenticated costs nothing to open, so it
//! never takes the place of one that has. Unauthenticated connections are
//! capped per address and in all; when a new one would pass either cap,
//! the oldest unauthenticated one (from that address, or from anywhere)
//! is closed to make room, so a flood of silent sockets can only push out
//! its own. Authenticated connections have a cap of their own.

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};

use tokio::sync::Notify;

/// The caps.
#[derive(Debug, Clone, Copy)]
pub struct Caps {
    /// Unauthenticated connections at once from one address.
    pub per_address: usize,
    /// Unauthenticated connections at once in all, and authenticated ones
    /// (each their own count).
    pub total: usize,
}

/// A connection's place in the gate, given back when it ends.
#[derive(Debug)]
pub struct Ticket {
    id: u64,
    /// Told when the connection is to close to make room for a newer one.
    pub evicted: Arc<Notify>,
}

#[derive(Debug)]
struct Waiting {
    ip: IpAddr,
    evicted: Arc<Notify>,
}

#[derive(Debug, Default)]
struct State {
    next: u64,
    /// Unauthenticated connections by id: the oldest first.
    waiting: BTreeMap<u64, Waiting>,
    /// Authenticated connections.
    authenticated: usize,
}

/// The connections the server holds.
#[derive(Debug)]
pub struct Gate {
    caps: Caps,
    state: Mutex<State>,
}

/// Why an authenticated connection was not admitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Full;

impl Gate {
    /// An empty gate with these caps.
    pub fn new(caps: Caps) -> Self {
        Self {
            caps,
            state: Mutex::default(),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Takes a new connection from `ip`, closing the oldest unauthenticated
    /// one from there (or, when the server is at its cap, from anywhere)
    /// if it would pass a cap. Returns its ticket and how many it pushed out.
    pub fn arrive(&self, ip: IpAddr) -> (Ticket, usize) {
        let mut s = self.state();
        let mut evicted = 0;
        let from_here: Vec<u64> = s
            .waiting
            .iter()
            .filter(|(_, w)| w.ip == ip)
            .map(|(&id, _)| id)
            .collect();
        let over_here = (from_here.len() + 1).saturating_sub(self.caps.per_address.max(1));
        for id in from_here.into_iter().take(over_here) {
            if let Some(w) = s.waiting.remove(&id) {
                w.evicted.notify_one();
                evicted += 1;
            }
        }
        while s.waiting.len() >= self.caps.total.max(1) {
            let Some((_, w)) = s.waiting.pop_first() else {
                break;
            };
            w.evicted.notify_one();
            evicted += 1;
        }
        s.next += 1;
        let id = s.next;
        let notify = Arc::new(Notify::new());
        s.waiting.insert(
            id,
            Waiting {
                ip,
                evicted: Arc::clone(&notify),
            },
        );
        (
            Ticket {
                id,
                evicted: notify,
            },
            evicted,
        )
    }

    /// The connection logged in: it leaves the unauthenticated budget for
    /// the authenticated one, unless that is full. `false` when it was
    /// already pushed out.
    pub fn authenticated(&self, ticket: &Ticket) -> Result<bool, Full> {
        let mut s = self.state();
        if s.authenticated >= self.caps.total.max(1) {
            return Err(Full);
        }
        if s.waiting.remove(&ticket.id).is_none() {
            return Ok(false);
        }
        s.authenticated += 1;
        Ok(true)
    }

    /// The connection ended (`authenticated`: it had logged in).
    pub fn leave(&self, ticket: &Ticket, authenticated: bool) {
        let mut s = self.state();
        s.waiting.remove(&ticket.id);
        if authenticated {
            s.authenticated = s.authenticated.saturating_sub(1);
        }
    }

    /// Connections held now: (unauthenticated, authenticated).
    pub fn counts(&self) -> (usize, usize) {
        let s = self.state();
        (s.waiting.len(), s.authenticated)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(n: u8) -> IpAddr {
        IpAddr::from([127, 0, 0, n])
    }

    fn was_evicted(t: &Ticket) -> bool {
        // A stored permit answers at once.
        let n = Arc::clone(&t.evicted);
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap();
        rt.block_on(async move {
            tokio::time::timeout(std::time::Duration::from_millis(1), n.notified())
                .await
                .is_ok()
        })
    }

    #[test]
    fn the_oldest_unauthenticated_from_an_address_makes_room_for_the_newest() {
        let gate = Gate::new(Caps {
            per_address: 2,
            total: 10,
        });
        let (a, _) = gate.arrive(ip(1));
        let (b, _) = gate.arrive(ip(1));
        let (other, _) = gate.arrive(ip(2));
        let (c, pushed) = gate.arrive(ip(1));
        assert_eq!(pushed, 1);
        assert!(was_evicted(&a));
        assert!(!was_evicted(&b) && !was_evicted(&c) && !was_evicted(&other));
        assert_eq!(gate.counts(), (3, 0));
    }

    #[test]
    fn silent_connections_never_take_the_place_of_a_coordinator_who_logged_in() {
        let gate = Gate::new(Caps {
            per_address: 8,
            total: 4,
        });
        let (coordinator, _) = gate.arrive(ip(9));
        assert_eq!(gate.authenticated(&coordinator), Ok(true));
        // A flood from many addresses fills the unauthenticated budget and
        // pushes out its own oldest, never the coordinator.
        let flood: Vec<Ticket> = (0..64).map(|i| gate.arrive(ip(i % 8 + 1)).0).collect();
        assert_eq!(gate.counts(), (4, 1));
        assert!(!was_evicted(&coordinator));
        assert!(was_evicted(&flood[0]) && !was_evicted(&flood[63]));
        // A second coordinator arriving now still gets in.
        let (second, _) = gate.arrive(ip(9));
        assert_eq!(gate.authenticated(&second), Ok(true));
        // (It pushed out one more of the flood to come in.)
        assert_eq!(gate.counts(), (3, 2));
        gate.leave(&second, true);
        gate.leave(&coordinator, true);
        assert_eq!(gate.counts(), (3, 0));
    }

    #[test]
    fn the_authenticated_cap_refuses_a_login_past_it_and_a_pushed_out_one_is_told() {
        let gate = Gate::new(Caps {
            per_address: 1,
            total: 1,
        });
        let (first, _) = gate.arrive(ip(1));
        assert_eq!(gate.authenticated(&first), Ok(true));
        let (second, _) = gate.arrive(ip(2));
        assert_eq!(gate.authenticated(&second), Err(Full));
        let (third, _) = gate.arrive(ip(2));
        assert!(was_evicted(&second));
        assert_eq!(gate.authenticated(&second), Err(Full));
        gate.leave(&first, true);
        assert_eq!(gate.authenticated(&second), Ok(false));
        assert_eq!(gate.authenticated(&third), Ok(true));
    }
}
