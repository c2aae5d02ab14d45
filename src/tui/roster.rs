//! The roster screen's state: every line, its sort, filters and search,
//! and what is listed.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use crossterm::event::KeyEvent;

use super::app::App;
use super::keys::{Action, Command, Context};
use super::list::ListPos;
use super::search::SearchIndex;
use crate::domain::names::fold;
use crate::domain::{port, PersonStatus};
use crate::store::RosterRow;

/// Roster columns to sort by, cycled with the sort key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortKey {
    /// By name (A–Z).
    #[default]
    Name,
    /// By household.
    Household,
    /// By nationality.
    Nationality,
    /// Longest waiting first.
    Waiting,
    /// Soonest appointment first.
    Appointment,
    /// By status.
    Status,
}

impl SortKey {
    const ORDER: [Self; 6] = [
        Self::Name,
        Self::Household,
        Self::Nationality,
        Self::Waiting,
        Self::Appointment,
        Self::Status,
    ];

    /// The next column.
    pub fn next(self) -> Self {
        let i = Self::ORDER.iter().position(|&k| k == self).unwrap_or(0);
        Self::ORDER[(i + 1) % Self::ORDER.len()]
    }

    /// The string-table key of its column.
    pub fn column_key(self) -> &'static str {
        match self {
            Self::Name => "col_name",
            Self::Household => "col_household",
            Self::Nationality => "col_nationality",
            Self::Waiting => "col_waiting",
            Self::Appointment => "col_appointment",
            Self::Status => "col_status",
        }
    }
}

/// The roster filters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RosterFilter {
    /// Only this status.
    pub status: Option<PersonStatus>,
    /// Only people whose shown appointment is at this port (index in the port table).
    pub port: Option<u8>,
    /// Only this nationality.
    pub nationality: Option<String>,
}

/// The roster screen.
#[derive(Debug, Clone, Default)]
pub struct RosterState {
    /// Every line, as loaded.
    pub rows: Arc<Vec<RosterRow>>,
    /// Their searchable text.
    pub search: Arc<SearchIndex>,
    /// Whether the lines have arrived.
    pub loaded: bool,
    /// Lines in the current sort order (indices into `rows`).
    pub sorted: Vec<u32>,
    /// Lines shown: sorted, filtered and searched (indices into `rows`).
    pub view: Vec<u32>,
    /// Selection and scroll in `view`.
    pub list: ListPos,
    /// Sort column.
    pub sort: SortKey,
    /// Filters.
    pub filter: RosterFilter,
    /// Search text.
    pub query: String,
    /// Whether keys go to the search field.
    pub searching: bool,
    /// The filter pane, when open: which filter has focus.
    pub filter_focus: Option<usize>,
}

impl RosterState {
    /// The selected line.
    pub fn selected_row(&self) -> Option<&RosterRow> {
        self.view
            .get(self.list.selected)
            .map(|&i| &self.rows[i as usize])
    }

    /// Nationalities present in the data, sorted (for the filter).
    pub fn nationalities(&self) -> Vec<String> {
        let mut v: Vec<String> = self.rows.iter().map(|r| r.nationality.clone()).collect();
        v.sort();
        v.dedup();
        v
    }
}

/// A key while typing a search: the search actions, text editing, typed
/// characters, and moving through the list (it is right there).
pub(super) fn search_key(app: &mut App, ev: &KeyEvent) {
    let command = app.keys.command(&[Context::Search, Context::Edit], ev);
    let r = &mut app.roster;
    match command {
        Some(Command::Do(Action::SearchCancel)) => {
            r.searching = false;
            r.query.clear();
        }
        Some(Command::Do(Action::SearchAccept)) => r.searching = false,
        Some(Command::Do(Action::EditDeleteBack)) => {
            r.query.pop();
        }
        Some(Command::Do(Action::EditClear)) => r.query.clear(),
        Some(Command::Type(c)) => r.query.push(c),
        Some(Command::Do(_)) => return,
        None => {
            let page = app.page();
            let len = app.roster.view.len();
            if let Some(a @ (Action::Up | Action::Down | Action::PageUp | Action::PageDown)) =
                app.keys.action(ev)
            {
                app.dirty |= app.roster.list.apply(a, len, page);
            }
            return;
        }
    }
    refresh_view(app);
}

/// A key while the filter pane is open.
pub(super) fn filter_key(app: &mut App, action: Option<Action>) {
    let Some(focus) = app.roster.filter_focus else {
        return;
    };
    match action {
        Some(Action::Up) => app.roster.filter_focus = Some(focus.saturating_sub(1)),
        Some(Action::Down) => app.roster.filter_focus = Some((focus + 1).min(2)),
        Some(Action::Left | Action::Right) => {
            let forward = action == Some(Action::Right);
            let f = &mut app.roster.filter;
            match focus {
                0 => {
                    let options: Vec<Option<PersonStatus>> = std::iter::once(None)
                        .chain(PersonStatus::ALL.map(Some))
                        .collect();
                    f.status = cycle(&options, &f.status, forward);
                }
                1 => {
                    let options: Vec<Option<u8>> = std::iter::once(None)
                        .chain((0..port::all().len() as u8).map(Some))
                        .collect();
                    f.port = cycle(&options, &f.port, forward);
                }
                _ => {
                    let nats = app.roster.nationalities();
                    let options: Vec<Option<String>> = std::iter::once(None)
                        .chain(nats.into_iter().map(Some))
                        .collect();
                    let f = &mut app.roster.filter;
                    f.nationality = cycle(&options, &f.nationality, forward);
                }
            }
            app.roster.list.reset();
            refresh_view(app);
        }
        Some(Action::Back | Action::Open | Action::Filter | Action::Quit) => {
            app.roster.filter_focus = None;
        }
        _ => return,
    }
    app.dirty = true;
}

fn cycle<T: Clone + PartialEq>(options: &[T], current: &T, forward: bool) -> T {
    let i = options.iter().position(|o| o == current).unwrap_or(0);
    let n = options.len();
    options[if forward {
        (i + 1) % n
    } else {
        (i + n - 1) % n
    }]
    .clone()
}

/// Sorts the roster for the current sort key, then re-applies filters.
pub(super) fn resort(app: &mut App) {
    let today = app.today();
    let rows = &app.roster.rows;
    let mut order: Vec<u32> = (0..rows.len() as u32).collect();
    match app.roster.sort {
        SortKey::Name => {
            order.sort_by(|&a, &b| rows[a as usize].folded.cmp(&rows[b as usize].folded))
        }
        SortKey::Household => order.sort_by_key(|&i| {
            let r = &rows[i as usize];
            (fold(&r.household), r.household_id)
        }),
        SortKey::Nationality => order.sort_by(|&a, &b| {
            let (a, b) = (&rows[a as usize], &rows[b as usize]);
            a.nationality
                .cmp(&b.nationality)
                .then_with(|| a.folded.cmp(&b.folded))
        }),
        SortKey::Waiting => {
            order.sort_by_key(|&i| std::cmp::Reverse(rows[i as usize].days_waiting(today)))
        }
        SortKey::Appointment => order.sort_by_key(|&i| {
            let r = &rows[i as usize];
            match r.next {
                Some(n) if n.at >= app.now && n.status.is_live() => (0, n.at),
                Some(n) => (1, n.at),
                None => (2, DateTime::<Utc>::MIN_UTC),
            }
        }),
        SortKey::Status => order.sort_by_key(|&i| {
            let r = &rows[i as usize];
            (PersonStatus::ALL.iter().position(|&s| s == r.status), r.id)
        }),
    }
    app.roster.sorted = order;
    refresh_view(app);
}

/// Re-applies filters and search over the sorted roster, keeping the
/// selected person selected when they are still listed.
pub(super) fn refresh_view(app: &mut App) {
    // Positions in `rows`, not ids: keeping the selection touches no row.
    let keep = app.roster.view.get(app.roster.list.selected).copied();
    let r = &app.roster;
    let hits = r.search.matches(&r.query, r.rows.len());
    let f = &r.filter;
    let filtered = f.status.is_some() || f.port.is_some() || f.nationality.is_some();
    let rows = &r.rows;
    let view: Vec<u32> = r
        .sorted
        .iter()
        .copied()
        .filter(|&i| hits.as_ref().is_none_or(|h| h[i as usize]))
        .filter(|&i| {
            if !filtered {
                return true;
            }
            let r = &rows[i as usize];
            f.status.is_none_or(|s| r.status == s)
                && f.port.is_none_or(|p| r.next.is_some_and(|n| n.port == p))
                && f.nationality.as_ref().is_none_or(|n| &r.nationality == n)
        })
        .collect();
    let pos = keep.and_then(|k| view.iter().position(|&i| i == k));
    app.roster.view = view;
    app.roster.list.selected = pos.unwrap_or(0);
    if pos.is_none() {
        app.roster.list.offset = 0;
    }
    let (len, page) = (app.roster.view.len(), app.page());
    app.roster.list.clamp(len, page);
    app.dirty = true;
}
