//! The dashboard's two lists, across programs: what falls due soonest
//! (CBP One's confirmations and the next steps of the other programs'
//! cases, by deadline, the overdue ones first) and tomorrow by venue (CBP
//! One's ports, then the venues where other programs' steps fall due).

use chrono::{DateTime, Duration, Utc};

use super::app::App;
use crate::store::{AppointmentLine, CaseLine};

/// One line of "Due soonest".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ToDo<'a> {
    /// A CBP One confirmation, deadline still ahead.
    Confirm(&'a AppointmentLine),
    /// Another program's case and its next step (overdue, too).
    Step(&'a CaseLine),
}

impl ToDo<'_> {
    /// By when.
    pub fn deadline(&self) -> DateTime<Utc> {
        match self {
            Self::Confirm(l) => l.appointment.effective_deadline(),
            Self::Step(l) => l.next.map_or(DateTime::<Utc>::MAX_UTC, |d| d.deadline),
        }
    }

    /// The CBP One appointment to confirm, if it is one.
    pub fn appointment(&self) -> Option<&AppointmentLine> {
        match self {
            Self::Confirm(l) => Some(l),
            Self::Step(_) => None,
        }
    }

    /// The person to open for it.
    pub fn person_id(&self) -> Option<i64> {
        match self {
            Self::Confirm(l) => l.appointment.person_id,
            Self::Step(l) => l.person_id,
        }
    }

    /// What it is across reads (the selection stays on it).
    pub fn key(&self) -> (bool, i64) {
        match self {
            Self::Confirm(l) => (false, l.appointment.id),
            Self::Step(l) => (true, l.case.id),
        }
    }
}

/// One line of "Tomorrow by venue".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VenueLine {
    /// A CBP One port (index in [`crate::domain::port::all`]), or `None`
    /// for another program's venue.
    pub port: Option<usize>,
    /// The program's id, for another program's venue.
    pub program: Option<String>,
    /// The venue's code.
    pub code: String,
    /// Appointments (a port), or steps falling due (a venue), tomorrow.
    pub count: usize,
    /// The first appointment at a port.
    pub first: DateTime<Utc>,
}

impl App {
    /// "Due soonest": pending CBP One appointments of people present whose
    /// deadline is still ahead (deadlines pass while the screen is open),
    /// and the other programs' cases with a step due, overdue ones
    /// included, soonest deadline first.
    pub fn soonest(&self) -> Vec<ToDo<'_>> {
        let Some(d) = &self.dashboard else {
            return Vec::new();
        };
        let mut out: Vec<ToDo<'_>> = d
            .soonest
            .iter()
            .filter(|l| l.appointment.effective_deadline() > self.now)
            .map(ToDo::Confirm)
            .chain(
                d.cases
                    .soonest
                    .iter()
                    .filter(|l| l.next.is_some())
                    .map(ToDo::Step),
            )
            .collect();
        out.sort_by_key(|t| (t.deadline(), t.key()));
        out
    }

    /// "Tomorrow by venue": the ports with appointments tomorrow (the
    /// shelter's day), in the order of `port::all`, then the other
    /// programs' venues where steps fall due tomorrow.
    pub fn tomorrow_by_venue(&self) -> Vec<VenueLine> {
        let Some(d) = &self.dashboard else {
            return Vec::new();
        };
        let tomorrow = self.today() + Duration::days(1);
        let mut out: Vec<VenueLine> = Vec::new();
        for s in &d.upcoming {
            if s.at.with_timezone(&self.tz).date_naive() != tomorrow {
                continue;
            }
            let port = usize::from(s.port);
            match out.iter_mut().find(|p| p.port == Some(port)) {
                Some(p) => {
                    p.count += s.count as usize;
                    p.first = p.first.min(s.at);
                }
                None => out.push(VenueLine {
                    port: Some(port),
                    program: None,
                    code: crate::domain::port::all()[port].code.to_string(),
                    count: s.count as usize,
                    first: s.at,
                }),
            }
        }
        out.sort_by_key(|p| p.port);
        out.extend(d.cases.tomorrow.iter().map(|v| VenueLine {
            port: None,
            program: Some(v.program.clone()),
            code: v.venue.clone(),
            count: v.count,
            first: v.first,
        }));
        out
    }
}
