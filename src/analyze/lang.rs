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
    let mut buf = [0u8; LONGEST];
    // every marker is ASCII and at most five letters: other words are passed over unread
    for w in words.iter().filter(|w| w.span == 1 && w.text.len() <= LONGEST && w.text.is_ascii()) {
        let lower = &mut buf[..w.text.len()];
        lower.copy_from_slice(w.text.as_bytes());
        lower.make_ascii_lowercase();
        let lower = std::str::from_utf8(lower).unwrap_or_default();
        // shared words ("a") appear in neither list: only the difference matters
        en += usize::from(EN_MARKERS.contains(&lower));
        es += usize::from(ES_MARKERS.contains(&lower));
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
    }

    #[test]
    fn too_short_is_undecided() {
        assert_eq!(detect("SACM"), None);
        assert_eq!(detect("Roadmap 2"), None);
    }
}
