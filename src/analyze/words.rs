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
    // about one word per six bytes of running text
    let mut out = Vec::with_capacity(text.len() / 6 + 1);
    out.extend(Words::new(text));
    out
}

thread_local! {
    /// The allocation [`with_words`] reuses, empty between calls.
    static SPARE: std::cell::Cell<Vec<Word<'static>>> = const { std::cell::Cell::new(Vec::new()) };
}

/// Runs `f` on the words of `text` (as [`words`] splits them) in a list whose allocation is
/// reused by the next call on this thread: the records of a 100 MB build hold ~17 M words, and
/// a fresh list per record cost more in page faults than the split itself.
pub fn with_words<'t, R>(text: &'t str, f: impl FnOnce(&[Word<'t>]) -> R) -> R {
    let mut list = recycle(SPARE.take());
    list.extend(Words::new(text));
    let out = f(&list);
    // a list grown for one huge record (a 49 MB single-line file: 7 M words, 48 bytes each)
    // is freed, not kept for the rest of the build
    if list.capacity() <= MAX_SPARE_WORDS {
        SPARE.set(recycle(list));
    }
    out
}

/// The largest list [`with_words`] keeps for the next call: ten times a long report.
const MAX_SPARE_WORDS: usize = 1 << 20;

/// An emptied list of another lifetime in the same allocation (`Vec`'s in-place collect: the
/// element layouts are equal and no element is left to map).
fn recycle<'a, 'b>(mut list: Vec<Word<'a>>) -> Vec<Word<'b>> {
    list.clear();
    list.into_iter().map(|_| unreachable!("the list is empty")).collect()
}

/// The words of a text, one at a time: [`words`] without building the whole list (a record's
/// text is split as it is indexed, and most of it is never looked at twice).
///
/// Word boundaries never cross whitespace, and neither do compounds, so the text is taken one
/// whitespace-free chunk at a time. A chunk that is one ASCII word with punctuation around it
/// (most of them) is handed out at once; any other goes through [`chunk_parts`] and the
/// compound rule into two reused buffers.
pub struct Words<'a> {
    text: &'a str,
    /// Byte offset of the next chunk.
    at: usize,
    /// Position of the next chunk's first part.
    position: usize,
    parts: Vec<(usize, &'a str)>,
    /// The words of the current chunk, and how many of them were handed out.
    ready: Vec<Word<'a>>,
    taken: usize,
}

impl<'a> Words<'a> {
    /// The words of `text`.
    pub fn new(text: &'a str) -> Words<'a> {
        Words { text, at: 0, position: 0, parts: Vec::new(), ready: Vec::new(), taken: 0 }
    }

    /// The first word of the next chunk that holds one, the chunk's other words left in
    /// `ready`; `None` at the end of the text.
    fn next_chunk(&mut self) -> Option<Word<'a>> {
        let bytes = self.text.as_bytes();
        loop {
            while self.at < bytes.len() && bytes[self.at].is_ascii_whitespace() {
                self.at += 1;
            }
            if self.at == bytes.len() {
                return None;
            }
            let start = self.at;
            let chunk = scan_chunk(bytes, start);
            self.at = chunk.end;
            if let Some((from, to)) = chunk.single {
                // most chunks: one run of letters and digits, with punctuation around it
                let word = Word { text: &self.text[from..to], from, to, position: self.position, span: 1 };
                self.position += 1;
                return Some(word);
            }
            let ascii = chunk.ascii;
            self.parts.clear();
            chunk_parts(&self.text[start..self.at], start, ascii, &mut self.parts);
            if self.parts.is_empty() {
                continue;
            }
            let (parts, out) = (&self.parts, &mut self.ready);
            out.clear();
            let mut i = 0;
            while i < parts.len() {
                let run_end = compound_end(bytes, parts, i);
                let position = self.position + i;
                if run_end > i + 1 {
                    let from = parts[i].0;
                    let (last_from, last) = parts[run_end - 1];
                    let to = last_from + last.len();
                    out.push(Word { text: &self.text[from..to], from, to, position, span: run_end - i });
                }
                for (j, &(from, w)) in parts.iter().enumerate().take(run_end).skip(i) {
                    out.push(Word { text: w, from, to: from + w.len(), position: self.position + j, span: 1 });
                }
                i = run_end;
            }
            self.position += parts.len();
            self.taken = 1;
            return Some(out[0]);
        }
    }
}

impl<'a> Iterator for Words<'a> {
    type Item = Word<'a>;

    fn next(&mut self) -> Option<Word<'a>> {
        if let Some(&w) = self.ready.get(self.taken) {
            self.taken += 1;
            return Some(w);
        }
        self.next_chunk()
    }
}

/// What one pass over a whitespace-free chunk tells.
struct Chunk {
    /// Byte offset one past the chunk (at white space or the end of the text).
    end: usize,
    /// Whether the chunk is all ASCII.
    ascii: bool,
    /// The byte range of the chunk's one word when it is a single run of letters and digits
    /// (ASCII, or Latin letters such as "ó" and "ñ") with only ASCII punctuation around it
    /// ("(OIM),", "2021.", "migración"): no joining, possessive or compound can apply. `None`
    /// for any other chunk.
    single: Option<(usize, usize)>,
}

/// Scans the chunk of `bytes` that starts at `start` (not white space) in one pass.
fn scan_chunk(bytes: &[u8], start: usize) -> Chunk {
    let (mut ascii, mut single) = (true, true);
    // the first run of letters and digits: where it starts and, once left, where it ends
    let (mut from, mut to) = (None, None);
    let mut at = start;
    while let Some(&b) = bytes.get(at).filter(|b| !b.is_ascii_whitespace()) {
        if b.is_ascii_alphanumeric() {
            // a run of ASCII letters and digits, the bulk of a text, in a loop of its own
            single &= to.is_none();
            from.get_or_insert(at);
            at += 1;
            while bytes.get(at).is_some_and(u8::is_ascii_alphanumeric) {
                at += 1;
            }
            continue;
        }
        let letter = latin_letter(&bytes[at..]);
        ascii &= b.is_ascii();
        if letter > 0 {
            // a second run, after punctuation, makes a chunk like "U.S." or "CA-4"
            single &= to.is_none();
            from.get_or_insert(at);
        } else {
            // `_` joins words; other non-ASCII text goes to the general path
            single &= b != b'_' && b.is_ascii();
            if from.is_some() && to.is_none() {
                to = Some(at);
            }
        }
        at += letter.max(1);
    }
    let single = from.filter(|_| single).map(|from| (from, to.unwrap_or(at)));
    Chunk { end: at, ascii, single }
}

/// The UTF-8 length of the Latin letter `rest` starts with (U+00C0 to U+024F but × and ÷, all
/// letters to UAX #29), 0 when it starts with anything else.
fn latin_letter(rest: &[u8]) -> usize {
    match rest {
        [0xC3, 0x97 | 0xB7, ..] => 0,
        [0xC3..=0xC8, 0x80..=0xBF, ..] | [0xC9, 0x80..=0x8F, ..] => 2,
        _ => 0,
    }
}

/// UAX #29 words of `text` that hold a letter or digit, with their byte offsets, possessives
/// stripped: [`chunk_parts`] of each chunk between whitespace, as [`Words`] takes them. The
/// property tests check it against `unicode-segmentation` alone.
#[cfg(test)]
fn uax29_words<'a>(text: &'a str, out: &mut Vec<(usize, &'a str)>) {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        let mut ascii = true;
        while i < bytes.len() && !bytes[i].is_ascii_whitespace() {
            ascii &= bytes[i].is_ascii();
            i += 1;
        }
        chunk_parts(&text[start..i], start, ascii, out);
    }
}

/// The UAX #29 words of one chunk without ASCII whitespace, at byte `offset` of the text.
///
/// An ASCII chunk (most of these reports) takes [`ascii_words`], a chunk of Latin letters and
/// common punctuation [`latin_words`]: both transcribe the UAX #29 rules that matter for those
/// characters. Any other chunk goes to `unicode-segmentation`.
fn chunk_parts<'a>(chunk: &'a str, offset: usize, ascii: bool, out: &mut Vec<(usize, &'a str)>) {
    let before = out.len();
    if ascii {
        ascii_words(chunk, offset, out);
    } else if !latin_words(chunk, offset, out) {
        // a chunk with other scripts, marks or Unicode white space: the full algorithm
        out.truncate(before);
        out.extend(
            chunk
                .split_word_bound_indices()
                .filter(|(_, w)| w.chars().any(char::is_alphanumeric))
                .map(|(j, w)| (offset + j, strip_possessive(w))),
        );
    }
    let mut k = before;
    for i in before..out.len() {
        if !out[i].1.is_empty() {
            out[k] = out[i];
            k += 1;
        }
    }
    out.truncate(k);
}

/// UAX #29 on an ASCII chunk without whitespace: runs of letters, digits and `_` (WB8–WB10,
/// WB13a/b), joined across one `.` or `'` between two letters or two digits (WB6/7, WB11/12),
/// one `:` between letters (WB6/7) and one `,` or `;` between digits (WB11/12).
fn ascii_words<'a>(chunk: &'a str, offset: usize, out: &mut Vec<(usize, &'a str)>) {
    let b = chunk.as_bytes();
    let word = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    let mut i = 0;
    while i < b.len() {
        if !word(b[i]) {
            i += 1;
            continue;
        }
        let start = i;
        loop {
            while i < b.len() && word(b[i]) {
                i += 1;
            }
            if i + 1 < b.len() && word(b[i + 1]) {
                let (prev, next) = (b[i - 1], b[i + 1]);
                let letters = prev.is_ascii_alphabetic() && next.is_ascii_alphabetic();
                let digits = prev.is_ascii_digit() && next.is_ascii_digit();
                let joins = match b[i] {
                    b'.' | b'\'' => letters || digits,
                    b':' => letters,
                    b',' | b';' => digits,
                    _ => false,
                };
                if joins {
                    i += 1;
                    continue;
                }
            }
            break;
        }
        if b[start..i].iter().any(u8::is_ascii_alphanumeric) {
            out.push((offset + start, strip_possessive(&chunk[start..i])));
        }
    }
}

/// Word Break classes of the characters [`latin_words`] handles.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Wb {
    Letter,
    Digit,
    /// `_` (ExtendNumLet).
    Connector,
    /// Joins letters (MidLetter).
    MidLetter,
    /// Joins letters or digits (MidNumLet, Single_Quote).
    MidNumLet,
    /// Joins digits (MidNum).
    MidNum,
    /// Breaks (Other).
    Other,
}

/// The class of `c`, or `None` for a character the fast path leaves to the full algorithm.
fn wb(c: char) -> Option<Wb> {
    Some(match c {
        'a'..='z' | 'A'..='Z' => Wb::Letter,
        '0'..='9' => Wb::Digit,
        '_' => Wb::Connector,
        ':' | '\u{B7}' => Wb::MidLetter,
        '.' | '\'' | '\u{2018}' | '\u{2019}' | '\u{2024}' => Wb::MidNumLet,
        ',' | ';' => Wb::MidNum,
        '\u{AA}' | '\u{B5}' | '\u{BA}' | '\u{C0}'..='\u{D6}' | '\u{D8}'..='\u{F6}' | '\u{F8}'..='\u{24F}' => Wb::Letter,
        '!'..='~' => Wb::Other, // the rest of ASCII punctuation and symbols
        '\u{A1}' | '\u{A2}'..='\u{A9}' | '\u{AB}' | '\u{AE}'..='\u{B4}' | '\u{B6}' | '\u{B8}'..='\u{B9}' => Wb::Other,
        '\u{BB}'..='\u{BF}' | '\u{D7}' | '\u{F7}' => Wb::Other,
        '\u{2010}'..='\u{2017}' | '\u{201A}'..='\u{2023}' | '\u{2025}'..='\u{2026}' | '\u{2030}'..='\u{203A}' => {
            Wb::Other
        }
        '\u{20AC}' => Wb::Other,
        _ => return None,
    })
}

/// UAX #29 on a chunk without ASCII whitespace whose characters all have a [`wb`] class: the
/// rules of [`ascii_words`] over Latin letters. `false` (with words possibly pushed) when a
/// character has no class.
fn latin_words<'a>(chunk: &'a str, offset: usize, out: &mut Vec<(usize, &'a str)>) -> bool {
    let mut classes: Vec<(usize, Wb)> = Vec::with_capacity(chunk.len());
    for (i, c) in chunk.char_indices() {
        match wb(c) {
            Some(class) => classes.push((i, class)),
            None => return false,
        }
    }
    let word = |c: Wb| matches!(c, Wb::Letter | Wb::Digit | Wb::Connector);
    let mut k = 0;
    while k < classes.len() {
        if !word(classes[k].1) {
            k += 1;
            continue;
        }
        let start = k;
        loop {
            while k < classes.len() && word(classes[k].1) {
                k += 1;
            }
            if k + 1 < classes.len() && word(classes[k + 1].1) {
                let (prev, next) = (classes[k - 1].1, classes[k + 1].1);
                let letters = prev == Wb::Letter && next == Wb::Letter;
                let digits = prev == Wb::Digit && next == Wb::Digit;
                let joins = match classes[k].1 {
                    Wb::MidNumLet => letters || digits,
                    Wb::MidLetter => letters,
                    Wb::MidNum => digits,
                    _ => false,
                };
                if joins {
                    k += 1;
                    continue;
                }
            }
            break;
        }
        if classes[start..k].iter().any(|(_, c)| matches!(c, Wb::Letter | Wb::Digit)) {
            let (from, to) = (classes[start].0, classes.get(k).map_or(chunk.len(), |(i, _)| *i));
            out.push((offset + from, strip_possessive(&chunk[from..to])));
        }
    }
    true
}

/// The end (exclusive) of the compound starting at part `i`: parts joined by exactly one `-`
/// or `/` with at least one digit among them. Returns `i + 1` when there is no compound.
fn compound_end(text: &[u8], parts: &[(usize, &str)], i: usize) -> usize {
    let mut end = i + 1;
    while end < parts.len() {
        let (prev_from, prev) = parts[end - 1];
        let gap = prev_from + prev.len();
        if parts[end].0 != gap + 1 || !matches!(text[gap], b'-' | b'/') {
            break;
        }
        end += 1;
    }
    if end == i + 1 {
        return end;
    }
    let has_digit = parts[i..end].iter().any(|(_, w)| w.bytes().any(|b| b.is_ascii_digit()));
    if has_digit {
        end
    } else {
        i + 1
    }
}

/// Where `part`, a slice of `outer` (from `split_whitespace`, say), starts in it, in bytes.
pub fn offset_in(outer: &str, part: &str) -> usize {
    let at = (part.as_ptr() as usize).wrapping_sub(outer.as_ptr() as usize);
    debug_assert!(at <= outer.len() && at + part.len() <= outer.len(), "not a slice of outer");
    at
}

/// The largest char boundary of `s` at or below byte `i` (at most `s.len()`).
pub fn floor_boundary(s: &str, i: usize) -> usize {
    let mut i = i.min(s.len());
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// "SACM's" → "SACM" (also with the typographic ’).
fn strip_possessive(w: &str) -> &str {
    for suffix in ["'s", "’s", "'S", "’S"] {
        if let Some(stem) = w.strip_suffix(suffix) {
            return stem;
        }
    }
    w
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(s: &str) -> Vec<(&str, usize, usize)> {
        words(s).into_iter().map(|w| (w.text, w.position, w.span)).collect()
    }

    #[test]
    fn with_words_sees_the_same_words_and_keeps_its_allocation() {
        let text = "The SACM's 2017-2025 plan";
        assert_eq!(with_words(text, <[Word]>::to_vec), words(text));
        let before = SPARE.take();
        let capacity = before.capacity();
        assert!(capacity >= 6, "the first call left its list behind");
        SPARE.set(before);
        with_words("one", |w| assert_eq!(w.len(), 1));
        assert_eq!(SPARE.take().capacity(), capacity, "the list was reused, not reallocated");
        let huge = "word ".repeat(MAX_SPARE_WORDS + 1);
        assert_eq!(with_words(&huge, <[Word]>::len), MAX_SPARE_WORDS + 1);
        assert_eq!(SPARE.take().capacity(), 0, "a huge list is not kept");
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

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(5_000))]

        /// The ASCII fast path gives exactly the words of the full UAX #29 algorithm.
        #[test]
        fn ascii_fast_path_matches_uax29(s in "[a-zA-Z0-9_.,;:'\\- /()|]{0,40}") {
            assert_fast_path_matches(&s)?;
        }

        /// So does the Latin fast path, on Spanish and French letters and the punctuation of
        /// these reports, mixed with characters it leaves to the full algorithm.
        #[test]
        fn latin_fast_path_matches_uax29(
            s in "[a-zA-Z0-9_.,;:'\\- ()ñÑáéíóúÁÉÍÓÚüçàèœŒªºµ·‘’“”«»¿¡–—…€°×÷\u{A0}\u{AD}\u{301}\u{2024}\u{2028}中ß]{0,40}"
        ) {
            assert_fast_path_matches(&s)?;
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(5_000))]

        /// A chunk [`scan_chunk`] finds one word in is one word to the general path too.
        #[test]
        fn single_word_chunks_match_the_general_path(
            s in "[a-zA-Z0-9_.,;:'()\\-/\"\u{b7}-\u{260}\u{2019}\u{301}]{1,12}"
        ) {
            let chunk = scan_chunk(s.as_bytes(), 0);
            proptest::prop_assert_eq!((chunk.end, chunk.ascii), (s.len(), s.is_ascii()));
            if let Some((from, to)) = chunk.single {
                let mut parts = Vec::new();
                chunk_parts(&s, 0, s.is_ascii(), &mut parts);
                proptest::prop_assert_eq!(parts, [(from, &s[from..to])]);
            }
        }
    }

    /// The fast paths of [`uax29_words`] against `unicode-segmentation` alone.
    fn assert_fast_path_matches(s: &str) -> Result<(), proptest::test_runner::TestCaseError> {
        let mut fast = Vec::new();
        uax29_words(s, &mut fast);
        let full: Vec<(usize, &str)> = s
            .split_word_bound_indices()
            .filter(|(_, w)| w.chars().any(char::is_alphanumeric))
            .map(|(i, w)| (i, strip_possessive(w)))
            .filter(|(_, w)| !w.is_empty())
            .collect();
        proptest::prop_assert_eq!(fast, full);
        Ok(())
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
