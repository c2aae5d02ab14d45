//! Search as you type over the roster: names (case- and accent-folded),
//! phone digits and confirmation numbers, each kept as one contiguous text
//! so that a keystroke is a few `memmem` passes rather than 100,000 string
//! comparisons scattered over memory (see `benches/tui.py`).

use memchr::memmem;

use crate::domain::names::fold;
use crate::store::RosterRow;

/// One searchable column: every row's text, each followed by `\n`.
#[derive(Debug, Clone, Default)]
struct Column {
    text: String,
    /// Byte offset where each row's text starts.
    starts: Vec<u32>,
}

impl Column {
    fn build<'a>(values: impl Iterator<Item = &'a str>) -> Self {
        let mut c = Self::default();
        for v in values {
            c.starts.push(c.text.len() as u32);
            c.text.push_str(v);
            c.text.push('\n');
        }
        c
    }

    /// Marks in `hits` every row whose text contains `needle`.
    fn mark(&self, needle: &str, hits: &mut [bool]) {
        let finder = memmem::Finder::new(needle.as_bytes());
        let mut row = 0usize;
        for at in finder.find_iter(self.text.as_bytes()) {
            // Hits come in order: walk the row starts forward.
            while row + 1 < self.starts.len() && self.starts[row + 1] as usize <= at {
                row += 1;
            }
            if let Some(h) = hits.get_mut(row) {
                *h = true;
            }
        }
    }
}

/// The roster's searchable text, built once per load (off the input path,
/// in the store thread).
#[derive(Debug, Clone, Default)]
pub struct SearchIndex {
    names: Column,
    phones: Column,
    codes: Column,
}

impl SearchIndex {
    /// Builds the index of `rows`, in their order.
    pub fn build(rows: &[RosterRow]) -> Self {
        Self {
            names: Column::build(rows.iter().map(|r| &*r.folded)),
            phones: Column::build(rows.iter().map(|r| &*r.phone_digits)),
            codes: Column::build(rows.iter().map(|r| &*r.confirmations)),
        }
    }

    /// Which rows match `query`, by row position; `None` when the query is
    /// empty (everyone matches). A row matches when its name contains every
    /// word, or its phone the digits typed (3 or more), or one of its
    /// confirmation numbers the letters and digits typed (4 or more).
    pub fn matches(&self, query: &str, rows: usize) -> Option<Vec<bool>> {
        let folded = fold(query);
        let words: Vec<&str> = folded.split(' ').filter(|w| !w.is_empty()).collect();
        if words.is_empty() {
            return None;
        }
        let mut all = vec![true; rows];
        let mut word_hits = vec![false; rows];
        for w in &words {
            word_hits.iter_mut().for_each(|h| *h = false);
            self.names.mark(w, &mut word_hits);
            for (a, h) in all.iter_mut().zip(&word_hits) {
                *a &= *h;
            }
        }
        let digits: String = query.chars().filter(char::is_ascii_digit).collect();
        if digits.len() >= 3 {
            self.phones.mark(&digits, &mut all);
        }
        let code: String = query
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_uppercase())
            .collect();
        if code.len() >= 4 {
            self.codes.mark(&code, &mut all);
        }
        Some(all)
    }
}
