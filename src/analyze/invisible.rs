//! Invisible format characters that PDF and Word exports leave inside words: soft hyphens
//! (U+00AD, "traf\u{ad}ficking"), zero-width spaces and joiners (U+200B–200D, U+2060, U+FEFF
//! inside text), LRM/RLM (U+200E, U+200F) and bidi embeddings and isolates (U+202A–202E,
//! U+2066–2069). The word splitter would keep a soft hyphen inside the word or split at a
//! zero-width space ("mi\u{200b}gración" → `mi`, `gración`), so neither would match what a
//! user types. Ingest and the query parser both remove them, so a document and a query holding
//! them meet.

use std::borrow::Cow;

/// Whether `c` is one of the invisible characters removed.
pub fn is_invisible(c: char) -> bool {
    matches!(c, '\u{ad}' | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}' | '\u{2066}'..='\u{2069}' | '\u{feff}')
}

/// The UTF-8 of every invisible character starts with one of these bytes (U+00AD with 0xC2,
/// U+2xxx with 0xE2, U+FEFF with 0xEF). No ASCII byte does, nor the lead of an accented
/// Latin letter (0xC3), so most text is settled by one byte scan.
fn may_hold_invisible(bytes: &[u8]) -> bool {
    // a fold without early exit, which the compiler vectorizes
    bytes.iter().fold(false, |any, b| any | matches!(b, 0xC2 | 0xE2 | 0xEF))
}

/// `text` without its invisible characters; borrowed when it holds none.
pub fn strip(text: &str) -> Cow<'_, str> {
    if !may_hold_invisible(text.as_bytes()) || !text.chars().any(is_invisible) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(text.chars().filter(|&c| !is_invisible(c)).collect())
}

/// [`strip`] of an owned text, which is returned as it is when it holds none.
pub fn strip_owned(text: String) -> String {
    match strip(&text) {
        Cow::Borrowed(_) => text,
        Cow::Owned(stripped) => stripped,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invisible_characters_are_removed_inside_words() {
        let text = "traf\u{ad}ficking mi\u{200b}gración \u{202a}Belize\u{202c} \u{2067}x\u{2069}\u{200e}\u{feff}";
        assert_eq!(strip(text), "trafficking migración Belize x");
    }

    #[test]
    fn text_without_them_is_borrowed() {
        // other chars whose UTF-8 starts with the same lead bytes are kept
        for text in ["plain ASCII", "¿Niñez? «sí» – “x” … \u{a0}", "\u{fe0f}\u{2014}"] {
            assert!(matches!(strip(text), Cow::Borrowed(t) if t == text), "{text:?}");
        }
    }

    #[test]
    fn every_invisible_char_starts_with_a_lead_byte_looked_for() {
        let all = ('\0'..=char::MAX).filter(|&c| is_invisible(c));
        for c in all {
            assert!(may_hold_invisible(c.to_string().as_bytes()), "U+{:04X}", c as u32);
        }
    }
}
