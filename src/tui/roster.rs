//! The roster screen's state: a window of rows around what is on screen,
//! its sort, filters and search, and what to read next.
//!
//! The roster is never held whole: the screen keeps a few pages of rows
//! (read by the store along the sort's index, see `store::roster`), their
//! position in the list, and how many are listed. Moving near an edge of
//! the window reads the next rows before they are needed; a far jump reads
//! a new window. A new sort, filter or search is a new *generation*:
//! answers for an older one are dropped.

use chrono::{DateTime, Utc};

use super::keys::{Action, Command};
use super::list::ListPos;
use super::message::{Place, Request, RosterWindow};
use crate::domain::{port, PersonStatus};
use crate::store::{RosterCount, RosterRow, RosterSpec};

pub use crate::store::{RosterFilter, RosterSort as SortKey};

/// Pages of rows read at once.
const READ_PAGES: usize = 3;
/// Pages of rows kept at most.
const KEEP_PAGES: usize = 8;

/// The roster screen.
#[derive(Debug, Clone, Default)]
pub struct RosterState {
    /// The rows read, in order: positions `at..at + rows.len()` of the list.
    pub rows: Vec<RosterRow>,
    /// The list position of `rows[0]`.
    pub at: usize,
    /// How many are listed, once counted.
    pub count: Option<RosterCount>,
    /// Whether the last row of `rows` is the last of the list.
    pub end_seen: bool,
    /// Whether the first rows have arrived.
    pub loaded: bool,
    /// Selection and scroll, as list positions.
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
    /// Nationalities on the roster (for the filter).
    pub nationalities: Vec<String>,
    /// The shelters, for the filter pane and the add form.
    pub shelters: Vec<crate::domain::Shelter>,
    /// The generation of sort, filters and search the rows belong to.
    pub generation: u64,
    /// The read in flight, if any (its number).
    pub reading: Option<u64>,
    /// Numbers reads.
    pub reads: u64,
}

impl RosterState {
    /// What is listed, as the store reads it.
    pub fn spec(&self) -> RosterSpec {
        RosterSpec {
            sort: self.sort,
            filter: self.filter.clone(),
            query: self.query.clone(),
        }
    }

    /// The selected line.
    pub fn selected_row(&self) -> Option<&RosterRow> {
        self.row(self.list.selected)
    }

    /// The line at list position `pos`, when read.
    pub fn row(&self, pos: usize) -> Option<&RosterRow> {
        pos.checked_sub(self.at).and_then(|i| self.rows.get(i))
    }

    /// How many lines the list has, as far as known: the count, or (when
    /// it was capped) what has been read plus one more until the end is seen.
    pub fn len(&self) -> usize {
        let read = self.at + self.rows.len();
        if self.end_seen {
            return read;
        }
        match self.count {
            Some(c) if !c.capped => usize::try_from(c.listed).unwrap_or(usize::MAX),
            Some(c) => read.max(usize::try_from(c.listed).unwrap_or(0)) + 1,
            None => read,
        }
    }

    /// Whether nothing is listed.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether the count is exact.
    pub fn count_exact(&self) -> bool {
        self.end_seen || self.count.is_some_and(|c| !c.capped)
    }
}

/// What the roster needs of the screen around it.
#[derive(Debug, Clone, Copy)]
pub(super) struct Viewport {
    /// Rows a page shows.
    pub page: usize,
    /// The moment (sorts and counts by time read at it).
    pub now: DateTime<Utc>,
}

impl RosterState {
    /// Asks for a new window (sort, filter or search changed, or the roster is
    /// first shown): a new generation.
    pub(super) fn reload(&mut self, vp: Viewport, place: Place, out: &mut Vec<Request>) {
        self.generation += 1;
        self.ask(vp, place, true, out);
    }

    /// Asks the store for rows at `place`.
    fn ask(&mut self, vp: Viewport, place: Place, count: bool, out: &mut Vec<Request>) {
        let limit = vp.page * READ_PAGES;
        self.ask_for(vp, place, count, limit, out);
    }

    /// Asks the store for `limit` rows at `place`.
    fn ask_for(
        &mut self,
        vp: Viewport,
        place: Place,
        count: bool,
        limit: usize,
        out: &mut Vec<Request>,
    ) {
        let r = self;
        r.reads += 1;
        r.reading = Some(r.reads);
        out.push(Request::RosterWindow {
            spec: r.spec(),
            now: vp.now,
            place,
            limit,
            count,
            generation: r.generation,
            read: r.reads,
        });
    }

    /// Reads the rows on screen again from the first one read (another
    /// coordinator committed): same generation, same place.
    pub(super) fn refresh(&mut self, vp: Viewport, out: &mut Vec<Request>) {
        if !self.loaded {
            return;
        }
        let place = match self.rows.first() {
            Some(first) => Place::Again {
                key: first.key.clone(),
                at: self.at,
                keep: self.rows.len(),
            },
            None => Place::Top,
        };
        self.ask(vp, place, true, out);
    }

    /// Takes rows the store read into the window.
    /// Returns whether the screen changed.
    pub(super) fn arrived(
        &mut self,
        vp: Viewport,
        a: RosterWindow,
        out: &mut Vec<Request>,
    ) -> bool {
        let r = &mut *self;
        if r.reading.is_some_and(|n| a.read >= n) {
            r.reading = None;
        }
        if a.generation != r.generation {
            return false;
        }
        if let Some(s) = a.shelters {
            r.shelters = s;
        }
        if let Some(n) = a.nationalities {
            r.nationalities = n;
        }
        let short = a.rows.len() < a.limit;
        let before = r.rows.clone();
        let before_count = r.count;
        match &a.place {
            Place::Top
            | Place::Start
            | Place::Bottom
            | Place::Around { .. }
            | Place::Again { .. } => {
                let selected_id = r.selected_row().map(|row| row.id);
                r.rows = a.rows;
                r.at = a.at;
                r.end_seen = short || matches!(a.place, Place::Bottom);
                if let Some(c) = a.count {
                    r.count = Some(c);
                }
                match &a.place {
                    Place::Top => r.list.reset(),
                    Place::Bottom => r.list.selected = usize::MAX,
                    Place::Around { id } => {
                        let found = r.rows.iter().position(|row| row.id == *id);
                        r.list.selected = found.map_or(0, |i| r.at + i);
                        if found.is_none() {
                            r.list.offset = 0;
                        }
                    }
                    // Another commit: the selection stays on its person while
                    // they are listed, else at the same place.
                    _ => {
                        if let Some(i) =
                            selected_id.and_then(|id| r.rows.iter().position(|row| row.id == id))
                        {
                            r.list.selected = r.at + i;
                        }
                    }
                }
                r.loaded = true;
            }
            Place::After { at, .. } => {
                if *at == r.at + r.rows.len() {
                    r.rows.extend(a.rows);
                    r.end_seen = short;
                    let keep = vp.page * KEEP_PAGES;
                    let first_needed = r.list.offset.min(r.list.selected);
                    let drop = r
                        .rows
                        .len()
                        .saturating_sub(keep)
                        .min(first_needed.saturating_sub(r.at));
                    r.rows.drain(..drop);
                    r.at += drop;
                }
            }
            Place::Before { at, .. } => {
                if *at == r.at {
                    let n = a.rows.len();
                    if short {
                        // The start of the list: its positions are known again
                        // (rows added or removed before the window moved them).
                        let shift = r.at as isize - n as isize;
                        r.at = n;
                        r.list.selected = r.list.selected.saturating_add_signed(-shift);
                        r.list.offset = r.list.offset.saturating_add_signed(-shift);
                    }
                    let mut rows = a.rows;
                    rows.append(&mut r.rows);
                    r.rows = rows;
                    r.at -= n;
                    let page = vp.page;
                    let keep = vp.page * KEEP_PAGES;
                    let needed = (r.list.offset + page).max(r.list.selected + 1);
                    let room = (r.at + r.rows.len()).saturating_sub(needed);
                    let cut = r.rows.len().saturating_sub(keep).min(room);
                    if cut > 0 {
                        r.rows.truncate(r.rows.len() - cut);
                        r.end_seen = false;
                    }
                }
            }
        }
        let page = vp.page;
        let len = self.len();
        self.list.clamp(len, page);
        // A commit that changed nothing on screen draws nothing.
        let same = matches!(a.place, Place::Again { .. })
            && before == self.rows
            && before_count == self.count;
        let covered = self.follow(vp, out);
        !same && covered
    }

    /// Reads ahead when the screen comes near an edge of the window, and
    /// reads a new window when it left it. Returns whether the screen's rows
    /// are all read (else the frame waits for them).
    pub(super) fn follow(&mut self, vp: Viewport, out: &mut Vec<Request>) -> bool {
        let page = vp.page;
        let r = &*self;
        if !r.loaded {
            return false;
        }
        let len = r.len();
        let first = r.list.offset;
        let last = (r.list.offset + page).min(len).max(first + 1);
        let end = r.at + r.rows.len();
        let covered = first >= r.at && last <= end || r.rows.is_empty() && len == 0;
        if r.reading.is_some() {
            return covered;
        }
        if !covered {
            // Beyond what was read (keys came faster than the rows): read on
            // from the edge as far as the screen, and some pages more.
            let near = page * READ_PAGES;
            let (place, limit) = if r.list.selected + 1 >= len {
                (Place::Bottom, near)
            } else if r.rows.is_empty() {
                (Place::Top, near)
            } else if first < r.at && first <= r.at - first {
                // Nearer the top than the rows read (Home after End, or after
                // a search left at a person deep in the list): from the top,
                // not every row between.
                (Place::Start, last + near)
            } else if first < r.at {
                let key = r.rows[0].key.clone();
                (Place::Before { key, at: r.at }, r.at - first + near)
            } else {
                let key = r.rows[r.rows.len() - 1].key.clone();
                (Place::After { key, at: end }, last - end + near)
            };
            let count = matches!(place, Place::Bottom | Place::Top);
            self.ask_for(vp, place, count, limit, out);
            return false;
        }
        if !r.end_seen && last + page >= end && !r.rows.is_empty() {
            let place = Place::After {
                key: r.rows[r.rows.len() - 1].key.clone(),
                at: end,
            };
            self.ask(vp, place, false, out);
        } else if r.at > 0 && first < r.at + page && !r.rows.is_empty() {
            let place = Place::Before {
                key: r.rows[0].key.clone(),
                at: r.at,
            };
            self.ask(vp, place, false, out);
        }
        true
    }

    /// Moves the selection; the frame is drawn once the rows on screen are
    /// read. Returns whether the screen changed.
    pub(super) fn moved(&mut self, vp: Viewport, action: Action, out: &mut Vec<Request>) -> bool {
        let len = self.len();
        if action == Action::Bottom && !self.count_exact() {
            // Where the end is is not known yet: read the last rows (and count).
            self.ask(vp, Place::Bottom, true, out);
            return false;
        }
        self.list.apply(action, len, vp.page) && self.follow(vp, out)
    }

    /// A key while typing a search: `command` is what it means there (the
    /// search actions, text editing, typed characters), `action` what it
    /// means on the list (moving through it: it is right there). Returns
    /// whether the screen changed.
    pub(super) fn search_key(
        &mut self,
        vp: Viewport,
        command: Option<Command>,
        action: Option<Action>,
        out: &mut Vec<Request>,
    ) -> bool {
        let place = match command {
            Some(Command::Do(Action::SearchCancel)) => {
                self.searching = false;
                self.query.clear();
                keep_selection(self)
            }
            Some(Command::Do(Action::SearchAccept)) => {
                self.searching = false;
                return true;
            }
            Some(Command::Do(Action::EditDeleteBack)) => {
                self.query.pop();
                Place::Top
            }
            Some(Command::Do(Action::EditClear)) => {
                self.query.clear();
                Place::Top
            }
            Some(Command::Type(c)) => {
                self.query.push(c);
                Place::Top
            }
            Some(Command::Do(_)) => return false,
            None => {
                if let Some(a @ (Action::Up | Action::Down | Action::PageUp | Action::PageDown)) =
                    action
                {
                    return self.moved(vp, a, out);
                }
                return false;
            }
        };
        self.reload(vp, place, out);
        true
    }
}

/// Where a new generation opens: on the selected person when they are
/// still listed.
pub(super) fn keep_selection(r: &RosterState) -> Place {
    match r.selected_row() {
        Some(row) => Place::Around { id: row.id },
        None => Place::Top,
    }
}

/// Rows of the filter pane: status, port, nationality, shelter, at risk.
pub const FILTERS: usize = 5;

/// A key while the filter pane is open.
/// Returns whether the screen changed.
pub(super) fn filter_key(
    r: &mut RosterState,
    vp: Viewport,
    action: Option<Action>,
    out: &mut Vec<Request>,
) -> bool {
    let Some(focus) = r.filter_focus else {
        return false;
    };
    match action {
        Some(Action::Up) => r.filter_focus = Some(focus.saturating_sub(1)),
        Some(Action::Down) => r.filter_focus = Some((focus + 1).min(FILTERS - 1)),
        Some(Action::Left | Action::Right) => {
            let forward = action == Some(Action::Right);
            let f = &mut r.filter;
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
                2 => {
                    let options: Vec<Option<String>> = std::iter::once(None)
                        .chain(r.nationalities.iter().cloned().map(Some))
                        .collect();
                    let f = &mut r.filter;
                    f.nationality = cycle(&options, &f.nationality, forward);
                }
                4 => r.filter.at_risk = !r.filter.at_risk,
                _ => {
                    let options: Vec<Option<i64>> = std::iter::once(None)
                        .chain(r.shelters.iter().map(|s| Some(s.id)))
                        .collect();
                    let f = &mut r.filter;
                    f.shelter = cycle(&options, &f.shelter, forward);
                }
            }
            r.reload(vp, Place::Top, out);
        }
        Some(Action::Back | Action::Open | Action::Filter | Action::Quit) => {
            r.filter_focus = None;
        }
        _ => return false,
    }
    true
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
