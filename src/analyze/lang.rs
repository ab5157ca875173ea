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

/// The markers of a language packed and sorted, for a binary search: comparing a word with
/// each of 48 markers in turn cost 3% of an index build.
const fn packed<const N: usize>(markers: &[&str]) -> [u64; N] {
    let mut out = [0u64; N];
    let mut i = 0;
    while i < N {
        out[i] = pack(markers[i].as_bytes());
        i += 1;
    }
    // insertion sort: a const fn cannot call `sort`
    let mut i = 1;
    while i < N {
        let mut j = i;
        while j > 0 && out[j - 1] > out[j] {
            let t = out[j];
            out[j] = out[j - 1];
            out[j - 1] = t;
            j -= 1;
        }
        i += 1;
    }
    out
}

static EN_PACKED: [u64; EN_MARKERS.len()] = packed(EN_MARKERS);
static ES_PACKED: [u64; ES_MARKERS.len()] = packed(ES_MARKERS);

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
        en += usize::from(EN_PACKED.binary_search(&lower).is_ok());
        es += usize::from(ES_PACKED.binary_search(&lower).is_ok());
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
        // the packed lists hold every marker, sorted
        for (markers, packed) in [(EN_MARKERS, &EN_PACKED[..]), (ES_MARKERS, &ES_PACKED[..])] {
            assert!(packed.is_sorted());
            assert!(markers.iter().all(|m| packed.binary_search(&pack(m.as_bytes())).is_ok()));
        }
    }

    #[test]
    fn too_short_is_undecided() {
        assert_eq!(detect("SACM"), None);
        assert_eq!(detect("Roadmap 2"), None);
    }
}
