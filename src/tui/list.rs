//! Selection and scrolling, shared by every list on screen.

use super::keys::Action;

/// Where a list is: the selected position and the first position on screen.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ListPos {
    /// Selected position.
    pub selected: usize,
    /// First position on screen.
    pub offset: usize,
}

impl ListPos {
    /// Moves the selection by a movement action over `len` items, `page`
    /// of them on screen (`usize::MAX`: all), keeping it in view. Returns
    /// whether anything moved.
    pub fn apply(&mut self, action: Action, len: usize, page: usize) -> bool {
        if len == 0 {
            return false;
        }
        let last = len - 1;
        let step = page.min(len).max(1);
        let next = match action {
            Action::Up => self.selected.saturating_sub(1),
            Action::Down => (self.selected + 1).min(last),
            Action::PageUp => self.selected.saturating_sub(step),
            Action::PageDown => (self.selected + step).min(last),
            Action::Top => 0,
            Action::Bottom => last,
            _ => return false,
        };
        let offset = match action {
            // Paging turns the whole page, as a reader expects.
            Action::PageDown => (self.offset + step).min(len.saturating_sub(page.min(len))),
            Action::PageUp => self.offset.saturating_sub(step),
            _ => self.offset,
        };
        let offset = if next < offset {
            next
        } else if page != usize::MAX && next >= offset + page {
            next + 1 - page
        } else {
            offset
        };
        let moved = (next, offset) != (self.selected, self.offset);
        *self = Self {
            selected: next,
            offset,
        };
        moved
    }

    /// Keeps the selection inside a list of `len` and on a screen of `page`.
    pub fn clamp(&mut self, len: usize, page: usize) {
        self.selected = self.selected.min(len.saturating_sub(1));
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + page {
            self.offset = self.selected + 1 - page;
        }
        self.offset = self.offset.min(len.saturating_sub(1));
    }

    /// Back to the top.
    pub fn reset(&mut self) {
        *self = Self::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paging_turns_whole_pages_and_keeps_the_selection_in_view() {
        let mut p = ListPos::default();
        assert!(p.apply(Action::PageDown, 100, 10));
        assert_eq!((p.selected, p.offset), (10, 10));
        p.apply(Action::Bottom, 100, 10);
        assert_eq!((p.selected, p.offset), (99, 90));
        assert!(!p.apply(Action::Down, 100, 10), "already at the end");
        p.apply(Action::Top, 100, 10);
        assert_eq!(p, ListPos::default());
        assert!(!p.apply(Action::Down, 0, 10), "an empty list never moves");
    }
}
