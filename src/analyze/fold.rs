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
    // ASCII and Latin letters, most of a Spanish word, skip Unicode's lowercase mapping: the
    // Latin table holds their lowercase already folded
    for c in word.chars() {
        match c as u32 {
            0..0x80 => out.push(c.to_ascii_lowercase()),
            0xC0..0x180 => out.push_str(LATIN[(c as u32 - 0xC0) as usize].as_str()),
            _ => {
                for l in c.to_lowercase() {
                    push_lower_folded(l, out);
                }
            }
        }
    }
}

/// Appends the folded form of a lowercase char.
fn push_lower_folded(c: char, out: &mut String) {
    match c as u32 {
        0..0x80 => out.push(c),
        // Latin-1 and Latin Extended-A, every accented letter of Spanish and Portuguese
        0xC0..0x180 => out.push_str(LATIN[(c as u32 - 0xC0) as usize].as_str()),
        _ => push_folded(c, out),
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

/// A quick, exact "certainly not" test for a small set of folded words, in front of a hash map
/// of them: most words of a text are in no glossary alias or thesaurus phrase, and one bit,
/// picked by a word's length and its first, second and last letters (case-insensitively),
/// answers without folding or copying it. Words with a non-ASCII byte always pass (their
/// folded form may be shorter); so does a word sharing a key's bit, which the map then settles.
#[derive(Debug, Clone)]
pub struct FoldedFilter {
    bits: Vec<u64>,
}

impl Default for FoldedFilter {
    /// The filter of no word.
    fn default() -> FoldedFilter {
        FoldedFilter::new([])
    }
}

impl FoldedFilter {
    /// 2^14 bits (2 KB): a few hundred keys leave almost every bit clear.
    const BITS: u32 = 14;

    /// A filter passing every word whose fold is one of `folded`.
    pub fn new<'a>(folded: impl IntoIterator<Item = &'a str>) -> FoldedFilter {
        let mut bits = vec![0u64; 1 << (Self::BITS - 6)];
        for key in folded {
            let h = Self::slot(key.as_bytes());
            bits[h >> 6] |= 1 << (h & 63);
        }
        FoldedFilter { bits }
    }

    /// `false` only when `fold(word)` is certainly none of the keys.
    pub fn may_contain(&self, word: &str) -> bool {
        if !word.is_ascii() {
            return true;
        }
        let h = Self::slot(word.as_bytes());
        self.bits[h >> 6] & (1 << (h & 63)) != 0
    }

    /// The bit of an ASCII word, case-insensitively: a mix of its length and its first, second
    /// and last bytes (`| 0x20` lowercases letters; it may merge two other bytes, which only
    /// lets more words through).
    fn slot(bytes: &[u8]) -> usize {
        let (Some(&first), Some(&last)) = (bytes.first(), bytes.last()) else { return 0 };
        let second = bytes.get(1).copied().unwrap_or(0);
        let key = (bytes.len() as u64) << 24
            | u64::from(first | 0x20) << 16
            | u64::from(second | 0x20) << 8
            | u64::from(last | 0x20);
        (key.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> (64 - Self::BITS)) as usize
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
    fn every_char_folds_as_its_lowercase_does() {
        // the definition: lowercase, then fold each char (the fast paths skip the first step
        // for ASCII and Latin letters)
        for c in (0..0x3_0000).filter_map(char::from_u32) {
            let mut want = String::new();
            for l in c.to_lowercase() {
                push_lower_folded(l, &mut want);
            }
            let mut got = String::from("x");
            fold_into(&format!("é{c}"), &mut got);
            assert_eq!(got, format!("xe{want}"), "U+{:04X}", c as u32);
        }
    }

    #[test]
    fn ascii_lowercase_input_is_borrowed() {
        assert!(matches!(fold("migration"), Cow::Borrowed(_)));
    }

    #[test]
    fn folded_filter_passes_every_fold_of_its_keys() {
        let filter = FoldedFilter::new(["sacm", "migracion", "peru"]);
        for word in ["SACM", "sacm", "Migracion", "MIGRACIÓN", "Perú"] {
            assert!(filter.may_contain(word), "{word}");
        }
        for word in ["the", "of", "migrants", "Chile", "remittances", "and"] {
            assert!(!filter.may_contain(word), "{word}");
        }
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
