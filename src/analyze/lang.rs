//! Language detection per section, by counting function words that belong to one language only.
//!
//! The corpus mixes English reports with Spanish ones and English reports quote Spanish names
//! ("Comisión Intersectorial para la Respuesta Rápida…"), so detection runs on each section, and
//! a short or undecided text falls back to its document's language.

use super::words::{floor_boundary, with_words, Word};
use crate::model::Lang;

const EN_MARKERS: &[&str] = &[
    "the", "of", "and", "to", "is", "in", "on", "with", "for", "that", "which", "by", "are", "was", "its", "this",
    "from", "as", "at", "an", "be", "have", "has", "their",
];
const ES_MARKERS: &[&str] = &[
    "el", "la", "los", "las", "de", "del", "y", "que", "en", "por", "con", "para", "una", "se", "su", "sus", "al",
    "es", "como", "sobre", "entre", "lo", "fue", "un",
];

/// Bytes of the longest marker word.
const LONGEST: usize = 5;

/// A word of at most [`LONGEST`] ASCII bytes as one number, its bytes in order.
const fn pack(word: &[u8]) -> u64 {
    let mut out = 0u64;
    let mut i = 0;
    while i < word.len() {
        out = out << 8 | word[i] as u64;
        i += 1;
    }
    out
}

/// Slots of [`MARKERS`]: a power of two, about three times the markers.
const SLOTS: usize = 128;

/// Every marker packed, by open addressing with linear probing from its [`slot`]: one probe
/// or two per word, where two binary searches over each language's markers took ten (and
/// comparing with each of the 48 markers in turn cost 3% of an index build). A slot holds the
/// packed word (0: empty) and its language: 1 English, 2 Spanish.
static MARKERS: [(u64, u8); SLOTS] = {
    let mut table = [(0u64, 0u8); SLOTS];
    let mut i = 0;
    while i < EN_MARKERS.len() + ES_MARKERS.len() {
        let (word, lang) =
            if i < EN_MARKERS.len() { (EN_MARKERS[i], 1) } else { (ES_MARKERS[i - EN_MARKERS.len()], 2) };
        let key = pack(word.as_bytes());
        let mut at = slot(key);
        while table[at].0 != 0 {
            assert!(table[at].0 != key, "a marker of both languages, or twice");
            at = (at + 1) % SLOTS;
        }
        table[at] = (key, lang);
        i += 1;
    }
    table
};

/// The home slot of a packed word (Fibonacci hashing).
const fn slot(key: u64) -> usize {
    (key.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 57) as usize
}

/// The language a packed lowercase word marks: 1 English, 2 Spanish, 0 none.
fn marker(key: u64) -> u8 {
    let mut at = slot(key);
    loop {
        match MARKERS[at] {
            (k, lang) if k == key => return lang,
            (0, _) => return 0,
            _ => at = (at + 1) % SLOTS,
        }
    }
}

/// Detects the language of `text`; `None` when it has too few marker words to tell.
pub fn detect(text: &str) -> Option<Lang> {
    // only the first few thousand bytes: enough words to tell, and sections can be long
    with_words(&text[..floor_boundary(text, DETECT_BYTES)], detect_among)
}

/// How much of a text [`detect`] reads.
pub const DETECT_BYTES: usize = 4000;

/// Detects the language of the text `words` come from (see [`detect`]), for a caller that
/// split it already.
pub fn detect_among(words: &[Word<'_>]) -> Option<Lang> {
    let (mut en, mut es) = (0usize, 0usize);
    // every marker is ASCII and at most five letters: other words are passed over unread
    for w in words.iter().filter(|w| w.span == 1 && w.text.len() <= LONGEST && w.text.is_ascii()) {
        // `| 0x20` lowercases letters, and turns no other byte into one
        let lower =
            w.text.bytes().fold(0u64, |n, b| n << 8 | u64::from(if b.is_ascii_uppercase() { b | 0x20 } else { b }));
        // shared words ("a") appear in neither list: only the difference matters
        match marker(lower) {
            1 => en += 1,
            2 => es += 1,
            _ => {}
        }
    }
    if en + es < 3 {
        None
    } else if es * 2 > en * 3 {
        Some(Lang::Es)
    } else if en * 2 > es * 3 {
        Some(Lang::En)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tells_english_from_spanish() {
        assert_eq!(detect("The SACM has established links with the RCM and MIDWA."), Some(Lang::En));
        assert_eq!(detect("La CSM ha establecido vínculos con la CRM y con el MIDWA."), Some(Lang::Es));
    }

    #[test]
    fn markers_are_short_ascii_lowercase_words() {
        for m in EN_MARKERS.iter().chain(ES_MARKERS) {
            assert!(m.len() <= LONGEST && m.bytes().all(|b| b.is_ascii_lowercase()), "{m}");
        }
        // the table finds every marker under its language, and no other word
        for (markers, lang) in [(EN_MARKERS, 1), (ES_MARKERS, 2)] {
            assert!(markers.iter().all(|m| marker(pack(m.as_bytes())) == lang));
        }
        assert_eq!(MARKERS.iter().filter(|(k, _)| *k != 0).count(), EN_MARKERS.len() + ES_MARKERS.len());
        for other in ["a", "x", "thee", "ofs", "las2", "sobra", "mi"] {
            assert_eq!(marker(pack(other.as_bytes())), 0, "{other}");
        }
    }

    #[test]
    fn too_short_is_undecided() {
        assert_eq!(detect("SACM"), None);
        assert_eq!(detect("Roadmap 2"), None);
    }
}
