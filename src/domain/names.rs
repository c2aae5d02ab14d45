//! Folding names for search: case, accents and spacing never stop a match.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// Folds text for search: lower case, accents removed (`José Núñez` →
/// `jose nunez`), letters that do not decompose spelled out (`ß` → `ss`,
/// `ø` → `o`), apostrophes and hyphens treated as spaces, and runs of
/// spaces collapsed.
///
/// ```
/// use albergue::domain::names::fold;
/// assert_eq!(fold("  José   NÚÑEZ "), "jose nunez");
/// assert_eq!(fold("Jean-Baptiste"), "jean baptiste");
/// ```
pub fn fold(text: &str) -> String {
    // Each character decomposed on its own, which is the decomposition of
    // the whole text less the reordering of combining marks (all of them
    // dropped here: see the test `only_marks_are_reordered`); an ASCII
    // character is its own decomposition.
    let decomposed = text.chars().flat_map(|c| {
        let ascii = c.is_ascii().then_some(c);
        let other = (!c.is_ascii()).then(|| std::iter::once(c).nfkd());
        ascii.into_iter().chain(other.into_iter().flatten())
    });
    fold_decomposed(decomposed, text.len())
}

/// Folds text already decomposed (NFKD): marks dropped, letters and digits
/// kept in lower case, anything else one space between words.
fn fold_decomposed(chars: impl Iterator<Item = char>, len: usize) -> String {
    let mut out = String::with_capacity(len);
    let mut pending_space = false;
    for c in chars.filter(|c| !is_combining_mark(*c)) {
        if c.is_alphanumeric() {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            match c {
                'ß' => out.push_str("ss"),
                'ø' | 'Ø' => out.push('o'),
                'æ' | 'Æ' => out.push_str("ae"),
                'œ' | 'Œ' => out.push_str("oe"),
                'ł' | 'Ł' => out.push('l'),
                'đ' | 'Đ' => out.push('d'),
                'ı' => out.push('i'),
                c if c.is_ascii() => out.push(c.to_ascii_lowercase()),
                _ => out.extend(c.to_lowercase()),
            }
        } else {
            pending_space = true;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::fold;
    use unicode_normalization::char::is_combining_mark;
    use unicode_normalization::UnicodeNormalization;

    #[test]
    fn folding_removes_case_accents_and_extra_spaces() {
        assert_eq!(fold("  José   Núñez "), "jose nunez");
        assert_eq!(fold("Dieudonné Jean-Baptiste"), "dieudonne jean baptiste");
        assert_eq!(fold("K'iche' Tzul"), "k iche tzul");
        assert_eq!(fold("ÁNGELA MARÍA"), "angela maria");
        assert_eq!(fold("Strauß Øster"), "strauss oster");
        assert_eq!(fold(""), "");
    }

    /// What `fold` does, on the decomposition of the whole text at once.
    fn fold_whole(text: &str) -> String {
        super::fold_decomposed(text.nfkd(), text.len())
    }

    /// Decomposing character by character differs from decomposing the
    /// whole text only in the order of characters of a nonzero combining
    /// class; every one of those is a combining mark, which folding drops.
    #[test]
    fn only_marks_are_reordered() {
        use unicode_normalization::char::canonical_combining_class;
        let unmarked: Vec<char> = (0..=char::MAX as u32)
            .filter_map(char::from_u32)
            .filter(|c| canonical_combining_class(*c) != 0 && !is_combining_mark(*c))
            .collect();
        assert_eq!(unmarked, Vec::<char>::new());
    }

    proptest::proptest! {
        #[test]
        fn folding_by_character_is_folding_the_whole(text in "(\\PC|[a-zA-Z' -]|\u{301}|\u{308}|\u{327}){0,24}") {
            proptest::prop_assert_eq!(fold(&text), fold_whole(&text));
        }
    }
}
