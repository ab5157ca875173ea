//! Word segmentation on Unicode UAX #29 word boundaries (`unicode-segmentation`).
//!
//! On top of plain UAX #29 it does two things search users of these reports need:
//! - compounds with a digit joined by `-` or `/` stay searchable whole ("CA-4", "2017-2025",
//!   "181/2023", "COVID-19"): the whole compound is emitted first, spanning its parts, then each
//!   part at its own position, so "2017" alone still matches;
//! - the English possessive is stripped ("SACM's" → "SACM", also with the typographic ’).
//!
//! UAX #29 already keeps "19.254" and "3.5" whole. Offsets are byte offsets into the input and
//! always fall on char boundaries.

use unicode_segmentation::UnicodeSegmentation;

/// A word as it appears in the text, before any normalization.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Word<'a> {
    /// The word's text, a slice of the input.
    pub text: &'a str,
    /// Byte offset of its first byte.
    pub from: usize,
    /// Byte offset one past its last byte.
    pub to: usize,
    /// Position (word index); a compound shares the position of its first part.
    pub position: usize,
    /// How many positions the word spans: more than 1 only for a joined compound.
    pub span: usize,
}

/// Splits `text` into words, in order of position.
pub fn words(text: &str) -> Vec<Word<'_>> {
    let mut parts: Vec<(usize, &str)> = text
        .split_word_bound_indices()
        .filter(|(_, w)| w.chars().any(char::is_alphanumeric))
        .map(|(i, w)| strip_possessive(i, w))
        .collect();
    parts.retain(|(_, w)| !w.is_empty());

    let mut out = Vec::with_capacity(parts.len() + 4);
    let mut i = 0;
    while i < parts.len() {
        let run_end = compound_end(text, &parts, i);
        if run_end > i + 1 {
            let from = parts[i].0;
            let (last_from, last) = parts[run_end - 1];
            let to = last_from + last.len();
            out.push(Word { text: &text[from..to], from, to, position: i, span: run_end - i });
        }
        for (j, &(from, w)) in parts.iter().enumerate().take(run_end).skip(i) {
            out.push(Word { text: w, from, to: from + w.len(), position: j, span: 1 });
        }
        i = run_end;
    }
    out
}

/// The end (exclusive) of the compound starting at part `i`: parts joined by exactly one `-`
/// or `/` with at least one digit among them. Returns `i + 1` when there is no compound.
fn compound_end(text: &str, parts: &[(usize, &str)], i: usize) -> usize {
    let mut end = i + 1;
    while end < parts.len() {
        let (prev_from, prev) = parts[end - 1];
        let gap = &text[prev_from + prev.len()..parts[end].0];
        if gap != "-" && gap != "/" {
            break;
        }
        end += 1;
    }
    let has_digit = parts[i..end].iter().any(|(_, w)| w.bytes().any(|b| b.is_ascii_digit()));
    if has_digit {
        end
    } else {
        i + 1
    }
}

fn strip_possessive(from: usize, w: &str) -> (usize, &str) {
    for suffix in ["'s", "’s", "'S", "’S"] {
        if let Some(stem) = w.strip_suffix(suffix) {
            return (from, stem);
        }
    }
    (from, w)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(s: &str) -> Vec<(&str, usize, usize)> {
        words(s).into_iter().map(|w| (w.text, w.position, w.span)).collect()
    }

    #[test]
    fn splits_on_uax29_and_keeps_decimal_numbers() {
        assert_eq!(
            texts("Law 19.254, for MERCOSUR citizens."),
            [("Law", 0, 1), ("19.254", 1, 1), ("for", 2, 1), ("MERCOSUR", 3, 1), ("citizens", 4, 1)]
        );
    }

    #[test]
    fn digit_compounds_are_kept_whole_and_in_parts() {
        assert_eq!(
            texts("Policy 2017-2025 and CA-4"),
            [
                ("Policy", 0, 1),
                ("2017-2025", 1, 2),
                ("2017", 1, 1),
                ("2025", 2, 1),
                ("and", 3, 1),
                ("CA-4", 4, 2),
                ("CA", 4, 1),
                ("4", 5, 1)
            ]
        );
        assert_eq!(texts("Decree 181/2023")[1], ("181/2023", 1, 2));
    }

    #[test]
    fn word_compounds_split_like_a_standard_tokenizer() {
        assert_eq!(texts("socio-economic"), [("socio", 0, 1), ("economic", 1, 1)]);
    }

    #[test]
    fn strips_possessives_straight_and_typographic() {
        assert_eq!(texts("SACM's work"), [("SACM", 0, 1), ("work", 1, 1)]);
        assert_eq!(texts("the ISCM’s structure")[1], ("ISCM", 1, 1));
    }

    #[test]
    fn offsets_slice_the_input() {
        let s = "Niñez migrante: «Darién» ¿cómo?";
        for w in words(s) {
            assert_eq!(&s[w.from..w.to], w.text);
        }
        assert_eq!(words(s).iter().map(|w| w.text).collect::<Vec<_>>(), ["Niñez", "migrante", "Darién", "cómo"]);
    }
}
