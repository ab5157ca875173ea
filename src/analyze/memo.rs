//! The per-thread memo of a stemmed analyzer: word as written → its term (or "stop word").
//!
//! Every token of a build asks it, ~13 M times over the 100 MB bench corpus, so it is laid out
//! for one cache miss per question: an open-addressing table whose slots hold a short word and
//! its term inline (a general hash map of boxed strings reads three or four places: its control
//! bytes, the bucket, the key's bytes, the value's bytes). Words longer than a slot holds (16
//! bytes; 0.3 % of the bench corpus's words) or with a longer term go to an ordinary map beside
//! it.
//!
//! The slot's size is measured: the memo's misses compete for the cache with tantivy's postings
//! table, and 32-byte slots (two to a cache line) built the 100 MB corpus 4–5 % faster than
//! 56-byte ones holding 24-byte words (alternated builds, min wall 5.25 → 5.05 s).
//!
//! It does no analysis: the caller decides what a word's term is.

use rustc_hash::FxHashMap;

/// Bytes of a word a slot holds inline (most words of these reports are shorter).
const INLINE: usize = 16;
/// Bytes of a term a slot holds inline: a slot is 32 bytes, two to a cache line.
const TERM_INLINE: usize = 14;

/// `term_len` of a slot whose word is a stop word (no term).
const STOP: u8 = u8::MAX;

/// One remembered word: its bytes packed little-endian into two words, zero-padded (so two
/// words of the same length are equal exactly when their packs are), and its term.
#[derive(Clone, Copy, Default)]
struct Slot {
    word: [u64; 2],
    term: [u8; TERM_INLINE],
    /// 0: an empty slot (no word is empty).
    word_len: u8,
    term_len: u8,
}

/// A bounded memo of terms; emptied when full, so a long run over a large vocabulary stays
/// small (at most [`TermMemo::MAX_SLOTS`] slots, 8 MB, plus the long words).
#[derive(Default)]
pub(crate) struct TermMemo {
    /// A power of two long, or empty before the first word.
    slots: Vec<Slot>,
    /// Words in `slots`.
    len: usize,
    long: FxHashMap<Box<str>, Option<Box<str>>>,
}

impl TermMemo {
    const FIRST_SLOTS: usize = 1 << 12;
    const MAX_SLOTS: usize = 1 << 18;
    /// Entries the long map holds before it is emptied.
    const MAX_LONG: usize = 50_000;

    /// What the memo holds for `word`: `None` if it was never told, `Some(None)` for a stop
    /// word, `Some(Some(term))` otherwise.
    pub fn get(&self, word: &str) -> Option<Option<&str>> {
        // a short word whose term is too long for a slot is in the map
        let Some(slot) = pack(word.as_bytes()).and_then(|key| self.find(&key, word.len())) else {
            return self.long.get(word).map(Option::as_deref);
        };
        let slot = &self.slots[slot];
        Some(match slot.term_len {
            STOP => None,
            n => {
                let term = &slot.term[..usize::from(n)];
                // SAFETY: `term` holds the bytes of a whole `&str` (see `insert`)
                Some(unsafe { std::str::from_utf8_unchecked(term) })
            }
        })
    }

    /// Remembers `word`'s term (`None`: a stop word). The word must not be in the memo.
    pub fn insert(&mut self, word: &str, term: Option<&str>) {
        let (Some(key), true) = (pack(word.as_bytes()), term.is_none_or(|t| t.len() <= TERM_INLINE)) else {
            if self.long.len() >= Self::MAX_LONG {
                self.long.clear();
            }
            self.long.insert(word.into(), term.map(Into::into));
            return;
        };
        if (self.len + 1) * 4 > self.slots.len() * 3 {
            self.grow();
        }
        let mut slot = Slot { word: key, word_len: word.len() as u8, term_len: STOP, ..Slot::default() };
        if let Some(t) = term {
            slot.term[..t.len()].copy_from_slice(t.as_bytes());
            slot.term_len = t.len() as u8;
        }
        let mask = self.slots.len() - 1;
        let mut i = home(&key, word.len(), mask);
        while self.slots[i].word_len != 0 {
            i = (i + 1) & mask;
        }
        self.slots[i] = slot;
        self.len += 1;
    }

    /// The slot of a packed word, by linear probing from its home slot.
    fn find(&self, key: &[u64; 2], len: usize) -> Option<usize> {
        if self.slots.is_empty() {
            return None;
        }
        let mask = self.slots.len() - 1;
        let mut i = home(key, len, mask);
        loop {
            let s = &self.slots[i];
            if s.word_len == 0 {
                return None;
            }
            if usize::from(s.word_len) == len && s.word == *key {
                return Some(i);
            }
            i = (i + 1) & mask;
        }
    }

    /// Doubles the table, or empties it when it is as large as it may grow.
    fn grow(&mut self) {
        if self.slots.len() >= Self::MAX_SLOTS {
            self.slots.fill(Slot::default());
            self.len = 0;
            return;
        }
        let size = (self.slots.len() * 2).max(Self::FIRST_SLOTS);
        let old = std::mem::replace(&mut self.slots, vec![Slot::default(); size]);
        let mask = size - 1;
        for slot in old.into_iter().filter(|s| s.word_len != 0) {
            let mut i = home(&slot.word, usize::from(slot.word_len), mask);
            while self.slots[i].word_len != 0 {
                i = (i + 1) & mask;
            }
            self.slots[i] = slot;
        }
    }
}

/// The home slot of a packed word: its three words and length mixed by one multiplication,
/// whose high bits are the best mixed (Fibonacci hashing).
fn home(key: &[u64; 2], len: usize, mask: usize) -> usize {
    let mixed = key[0] ^ key[1].rotate_left(29) ^ len as u64;
    let h = mixed.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    (h >> 32) as usize & mask
}

/// A word of 1 to [`INLINE`] bytes packed into two little-endian words, zero-padded; `None`
/// for a longer (or empty) word.
fn pack(b: &[u8]) -> Option<[u64; 2]> {
    if b.is_empty() || b.len() > INLINE {
        return None;
    }
    let part = |from: usize| b.get(from..).map_or(0, |rest| load(&rest[..rest.len().min(8)]));
    Some([part(0), part(8)])
}

/// Up to 8 bytes as a little-endian number, without a call to `memcpy`: overlapping reads of
/// the first and last bytes cover any length.
fn load(b: &[u8]) -> u64 {
    let n = b.len();
    match n {
        8 => u64::from_le_bytes(b.try_into().expect("8 bytes")),
        4..=7 => {
            let lo = u64::from(u32::from_le_bytes(b[..4].try_into().expect("4 bytes")));
            let hi = u64::from(u32::from_le_bytes(b[n - 4..].try_into().expect("4 bytes")));
            lo | hi << ((n - 4) * 8)
        }
        1..=3 => u64::from(b[0]) | u64::from(b[n / 2]) << (n / 2 * 8) | u64::from(b[n - 1]) << ((n - 1) * 8),
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packing_is_the_bytes_zero_padded() {
        for word in
            ["a", "ab", "abc", "abcd", "migrant", "migrants", "migración", "responsibilities", "abcdefghijklmnop"]
        {
            let mut padded = [0u8; INLINE];
            padded[..word.len()].copy_from_slice(word.as_bytes());
            let want: Vec<u64> = padded.chunks(8).map(|c| u64::from_le_bytes(c.try_into().unwrap())).collect();
            assert_eq!(pack(word.as_bytes()).unwrap().to_vec(), want, "{word}");
        }
        assert_eq!(pack(b""), None);
        assert_eq!(pack(&[b'x'; INLINE + 1]), None);
    }

    #[test]
    fn remembers_terms_stop_words_and_long_words_through_growth() {
        let mut memo = TermMemo::default();
        let word = |i: usize| format!("w{i}");
        assert_eq!(memo.get("migrants"), None);
        memo.insert("migrants", Some("migrant"));
        memo.insert("the", None);
        let long = "internacionalizaciónsinfronteras";
        memo.insert(long, Some("internacionalizacionsinfronter"));
        // a short word with a term longer than a slot holds
        memo.insert("ßßßßßßß", Some("ssssssssssssss_ss"));
        for i in 0..10_000 {
            memo.insert(&word(i), Some(&format!("t{i}")));
        }
        assert!(memo.slots.len() > TermMemo::FIRST_SLOTS, "the table grew");
        assert_eq!(memo.get("migrants"), Some(Some("migrant")));
        assert_eq!(memo.get("the"), Some(None));
        assert_eq!(memo.get(long), Some(Some("internacionalizacionsinfronter")));
        assert_eq!(memo.get("ßßßßßßß"), Some(Some("ssssssssssssss_ss")));
        assert_eq!(std::mem::size_of::<Slot>(), 32, "two slots to a cache line");
        for i in 0..10_000 {
            assert_eq!(memo.get(&word(i)), Some(Some(format!("t{i}").as_str())));
        }
        // a word and a prefix of it, of another length, are different words
        assert_eq!(memo.get("migrant"), None);
        assert_eq!(memo.get("w1000x"), None);
    }

    #[test]
    fn a_full_table_is_emptied_not_grown() {
        let mut memo = TermMemo::default();
        for i in 0.. {
            if memo.slots.len() == TermMemo::MAX_SLOTS && (memo.len + 1) * 4 > TermMemo::MAX_SLOTS * 3 {
                break;
            }
            memo.insert(&format!("word{i}"), Some("t"));
        }
        memo.insert("last", Some("l"));
        assert_eq!(memo.slots.len(), TermMemo::MAX_SLOTS);
        assert_eq!(memo.len, 1);
        assert_eq!(memo.get("last"), Some(Some("l")));
        assert_eq!(memo.get("word0"), None);
    }
}
