//! The cases screen's state: the open cases of the programs kept as files
//! (COMAR, visas, returns, a shelter's own), each with its next step due,
//! soonest first; read when shown and again on a commit while shown.

use chrono::{DateTime, Utc};

use super::list::ListPos;
use super::message::{CaseLine, Request};

/// The cases screen.
#[derive(Debug, Clone, Default)]
pub struct CasesState {
    /// The open cases, as last read.
    pub lines: Vec<CaseLine>,
    /// Whether they have been read.
    pub loaded: bool,
    /// A commit came while the screen was not shown: read again when it is.
    pub stale: bool,
    /// Selection and scroll.
    pub list: ListPos,
}

impl CasesState {
    /// The screen is shown: read when never read, or stale.
    pub fn show(&mut self, now: DateTime<Utc>, out: &mut Vec<Request>) {
        if !self.loaded || self.stale {
            self.stale = false;
            out.push(Request::Cases { now });
        }
    }

    /// Another commit: read again now when `shown`, else when next shown.
    pub fn changed(&mut self, shown: bool, now: DateTime<Utc>, out: &mut Vec<Request>) {
        if shown {
            out.push(Request::Cases { now });
        } else if self.loaded {
            self.stale = true;
        }
    }

    /// Takes the cases read, keeping the selection on the same case.
    pub fn load(&mut self, lines: Vec<CaseLine>, page: usize) {
        let keep = self.selected().map(|l| l.case.id);
        self.lines = lines;
        self.loaded = true;
        if let Some(i) = keep.and_then(|id| self.lines.iter().position(|l| l.case.id == id)) {
            self.list.selected = i;
        }
        self.list.clamp(self.lines.len(), page);
    }

    /// The selected case.
    pub fn selected(&self) -> Option<&CaseLine> {
        self.lines.get(self.list.selected)
    }
}

/// (On the store's thread, for the worker.) The open cases of the
/// handle's shelters in the programs the shelter follows (and any of a
/// program no longer loaded), each with its next step due (the programs'
/// engine on their events), soonest deadline first; those with nothing
/// due last.
pub(super) fn read(
    store: &crate::store::Store,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Vec<CaseLine>, crate::store::StoreError> {
    let programs = crate::programs::in_force();
    let followed = programs.followed();
    let mut out = Vec::new();
    for named in store.cases_named(true)? {
        let id = named.0.program.as_str();
        let program = followed.iter().copied().find(|p| p.id == id);
        if program.is_none() && programs.get(id).is_some() {
            continue;
        }
        out.push(CaseLine::read(named, program, now));
    }
    out.sort_by_key(|l| (l.next.is_none(), l.next.map(|d| d.deadline), l.case.id));
    Ok(out)
}
