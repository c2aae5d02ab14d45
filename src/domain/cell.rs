//! Spreadsheet cells that cannot run: a CSV the office opens in Excel or
//! LibreOffice must not turn `=HYPERLINK(…)`, `=cmd|' /C calc'!A0`,
//! `@SUM(…)` or `+SUM(…)` typed into a note into a formula.

use std::borrow::Cow;

/// What a spreadsheet reads as the start of a formula (or, for tab and
/// carriage return, as a way round the check of the others).
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// `s` as a cell no spreadsheet runs: a leading `'` (which spreadsheets
/// show as text and hide) before a formula's first character, and before
/// a `'` already there, so that [`unguarded`] gives back exactly `s`.
pub fn guarded(s: &str) -> Cow<'_, str> {
    if s.starts_with(FORMULA_STARTS) || s.starts_with('\'') {
        Cow::Owned(format!("'{s}"))
    } else {
        Cow::Borrowed(s)
    }
}

/// The text of a cell written by [`guarded`].
pub fn unguarded(cell: &str) -> &str {
    cell.strip_prefix('\'').unwrap_or(cell)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_formula_start_is_guarded_and_comes_back_whole() {
        for s in [
            "=HYPERLINK(\"http://x\",\"clic\")",
            "=cmd|' /C calc'!A0",
            "@SUM(A1:A9)",
            "+SUM(A1:A9)",
            "-2+3",
            "\t=1+1",
            "\r=1+1",
            "'=already quoted",
            "+52 664 123 4567",
        ] {
            let g = guarded(s);
            assert!(g.starts_with('\''), "{s:?} -> {g:?}");
            assert_eq!(unguarded(&g), s);
        }
        for s in ["María José", "Houston, TX", "", "2024-05-22", "a=b"] {
            assert_eq!(guarded(s), s);
            assert_eq!(unguarded(s), s);
        }
    }
}
