//! Lowercasing and accent folding: "Niñez" → "ninez", "MIGRACIÓN" → "migracion".
//!
//! A user types Spanish without accents as often as with them, so every indexed and query term
//! is folded. The input is expected in NFC (ingest and the query parser normalize first); each
//! char is lowercased, decomposed, and its combining marks dropped. ASCII input takes a fast path.

use std::borrow::Cow;
use unicode_normalization::char::{decompose_canonical, is_combining_mark};

/// Lowercases and removes diacritics. Idempotent: `fold(fold(s)) == fold(s)`.
pub fn fold(word: &str) -> Cow<'_, str> {
    if word.is_ascii() {
        if word.bytes().any(|b| b.is_ascii_uppercase()) {
            return Cow::Owned(word.to_ascii_lowercase());
        }
        return Cow::Borrowed(word);
    }
    let mut out = String::with_capacity(word.len());
    fold_into(word, &mut out);
    Cow::Owned(out)
}

/// Appends the folded form of `word` to `out` (no allocation once `out` has grown).
pub fn fold_into(word: &str, out: &mut String) {
    if word.is_ascii() {
        let start = out.len();
        out.push_str(word);
        out.as_mut_str()[start..].make_ascii_lowercase();
        return;
    }
    for c in word.chars().flat_map(char::to_lowercase) {
        match c as u32 {
            0..0x80 => out.push(c),
            // Latin-1 and Latin Extended-A, every accented letter of Spanish and Portuguese
            0xC0..0x180 => out.push_str(LATIN[(c as u32 - 0xC0) as usize].as_str()),
            _ => push_folded(c, out),
        }
    }
}

/// Folded forms of U+00C0..U+017F, computed once from the Unicode decompositions.
static LATIN: std::sync::LazyLock<Vec<String>> = std::sync::LazyLock::new(|| {
    (0xC0u32..0x180)
        .map(|u| {
            let mut s = String::new();
            if let Some(c) = char::from_u32(u) {
                for l in c.to_lowercase() {
                    push_folded(l, &mut s);
                }
            }
            s
        })
        .collect()
});

/// Lowercases without folding accents (the form Snowball stemmers expect).
pub fn lower(word: &str) -> Cow<'_, str> {
    if word.is_ascii() && !word.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Borrowed(word)
    } else {
        Cow::Owned(word.to_lowercase())
    }
}

fn push_folded(c: char, out: &mut String) {
    match c {
        'ß' => out.push_str("ss"),
        'æ' => out.push_str("ae"),
        'œ' => out.push_str("oe"),
        'ø' => out.push('o'),
        'đ' | 'ð' => out.push('d'),
        'ł' => out.push('l'),
        'þ' => out.push_str("th"),
        'ı' => out.push('i'),
        '’' | 'ʼ' => out.push('\''),
        _ => decompose_canonical(c, |d| {
            if !is_combining_mark(d) {
                out.push(d);
            }
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_spanish_accents_and_case() {
        assert_eq!(fold("Niñez"), "ninez");
        assert_eq!(fold("MIGRACIÓN"), "migracion");
        assert_eq!(fold("Bogotá"), "bogota");
        assert_eq!(fold("pingüino"), "pinguino");
        assert_eq!(fold("SACM"), "sacm");
    }

    #[test]
    fn ascii_lowercase_input_is_borrowed() {
        assert!(matches!(fold("migration"), Cow::Borrowed(_)));
    }

    #[test]
    fn lower_keeps_accents() {
        assert_eq!(lower("Información"), "información");
    }

    proptest::proptest! {
        #[test]
        fn folding_is_idempotent(s in "\\PC{0,20}") {
            let once = fold(&s).into_owned();
            proptest::prop_assert_eq!(fold(&once).into_owned(), once);
        }
    }
}
