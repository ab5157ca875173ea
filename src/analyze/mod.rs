//! Text analysis, pure and tantivy-free: words → lowercase → stop words → stem → fold.
//!
//! Three analyzers share one word splitter ([`words`]):
//! - `en`: English stop words, Snowball English stemming (rust-stemmers), accent folding;
//! - `es`: curated Spanish stop words, Snowball Spanish stemming after accent restoration, folding;
//! - `folded`: lowercase and accent folding only, for exact and phrase matching.
//!
//! Order matters for Spanish: Snowball's Spanish stemmer treats accents as letters, so it maps
//! "información" and "informaciones" to `inform` but leaves the unaccented "informacion" alone.
//! Folding first would break the accented forms; stemming first breaks the unaccented one. So
//! `es` first restores the accent of the suffixes users drop ("-cion" → "-ción", "-logia" →
//! "-logía"), then stems, then folds: all three forms meet at `inform`.
//!
//! `index/analyzers.rs` wraps these as tantivy tokenizers; `consulta analyze` calls them directly.

pub mod cognates;
pub mod entities;
pub mod fold;
pub mod invisible;
pub mod lang;
pub mod lexicon;
mod memo;
pub mod spelling;
pub mod thesaurus;
pub mod words;

use std::cell::RefCell;
use std::sync::LazyLock;

use rustc_hash::FxHashSet;

use rust_stemmers::{Algorithm, Stemmer};
use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

use crate::model::Lang;
use memo::TermMemo;

pub use fold::fold;

/// Bump when analysis output changes, so existing indexes are rebuilt.
pub const ANALYZER_VERSION: u32 = 4;

/// Words longer than this (in bytes) are not indexed: they are URLs or debris, not words.
pub const MAX_TOKEN_BYTES: usize = 60;

/// The first word of `text` too long to be indexed (see [`MAX_TOKEN_BYTES`]), if any: a
/// query made of such words finds nothing, and must say why.
pub fn first_too_long(text: &str) -> Option<&str> {
    words::Words::new(text).map(|w| w.text).find(|w| w.len() > MAX_TOKEN_BYTES)
}

/// One analyzed token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// The term as indexed.
    pub text: String,
    /// Byte offset of the word in the analyzed text.
    pub from: usize,
    /// Byte offset one past the word.
    pub to: usize,
    /// Word position (stop words leave gaps, so phrases keep their distances).
    pub position: usize,
    /// Positions spanned: more than 1 only for a digit compound such as "CA-4".
    pub span: usize,
}

/// Which analysis chain to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Analyzer {
    /// Stop words, stemming and folding for one language.
    Stemmed(Lang),
    /// Lowercase and accent folding only.
    Folded,
}

impl Analyzer {
    /// Every analyzer, each registered under [`Analyzer::name`].
    pub const ALL: [Analyzer; 3] = [Analyzer::Stemmed(Lang::En), Analyzer::Stemmed(Lang::Es), Analyzer::Folded];

    /// The stemmed analyzer of a language.
    pub fn for_lang(lang: Lang) -> Analyzer {
        Analyzer::Stemmed(lang)
    }

    /// The registered tokenizer name: `en`, `es` or `folded`.
    pub fn name(self) -> &'static str {
        match self {
            Analyzer::Stemmed(lang) => lang.code(),
            Analyzer::Folded => "folded",
        }
    }

    /// Analyzes `text`. Text that is not in NFC or holds [`invisible`] characters is
    /// normalized first; offsets then refer to the normalized text (ingest and the query parser
    /// always pass it normalized, so this is rare).
    pub fn analyze(self, text: &str) -> Vec<Token> {
        let text = invisible::strip(text);
        if is_nfc_quick(text.chars()) == IsNormalized::Yes {
            self.analyze_nfc(&text)
        } else {
            let nfc: String = text.nfc().collect();
            self.analyze_nfc(&nfc)
        }
    }

    /// Analyzes `text` as a query or a thesaurus term is: compounds kept whole ("CA-4" gives
    /// `ca-4`, not also `ca` and `4`).
    pub fn analyze_whole(self, text: &str) -> Vec<Token> {
        let tokens = self.analyze(text);
        let compounds: Vec<(usize, usize)> = tokens.iter().filter(|t| t.span > 1).map(|t| (t.from, t.to)).collect();
        tokens.into_iter().filter(|t| t.span > 1 || !compounds.iter().any(|&(f, e)| t.from >= f && t.to <= e)).collect()
    }

    /// Analyzes text already in NFC; calls `emit` for each token, reusing one buffer.
    pub fn for_each_token(self, text: &str, mut emit: impl FnMut(&str, &words::Word<'_>)) {
        let mut term = String::new();
        for word in words::Words::new(text) {
            if self.term_into(&word, &mut term) {
                emit(&term, &word);
            }
        }
    }

    /// Writes the term of one word (from [`words::words`] of NFC text) into `out`; `false` when
    /// the word gives none (a stop word, or longer than any word). A term starts with the first
    /// letter of the folded word: stemming only changes a word's ending.
    ///
    /// The terms of the stemmed analyzers are memoized per thread (see [`memo`]): a
    /// text is mostly words seen before, and stemming is the costliest step of analysis.
    pub fn term_into(self, word: &words::Word<'_>, out: &mut String) -> bool {
        out.clear();
        if word.text.len() > MAX_TOKEN_BYTES {
            return false;
        }
        let Analyzer::Stemmed(lang) = self else {
            fold::fold_into(word.text, out);
            return true;
        };
        STEMMING.with(|stemming| match stemming.try_borrow_mut() {
            Ok(mut s) => s.term_into(lang, word, out),
            Err(_) => Stemming::default().term_into(lang, word, out),
        })
    }

    fn analyze_nfc(self, text: &str) -> Vec<Token> {
        let mut out = Vec::new();
        self.for_each_token(text, |term, w| {
            out.push(Token { text: term.to_string(), from: w.from, to: w.to, position: w.position, span: w.span })
        });
        out
    }
}

static EN_STEMMER: LazyLock<Stemmer> = LazyLock::new(|| Stemmer::create(Algorithm::English));
static ES_STEMMER: LazyLock<Stemmer> = LazyLock::new(|| Stemmer::create(Algorithm::Spanish));

static STOP_EN: LazyLock<FxHashSet<&'static str>> = LazyLock::new(|| word_list(include_str!("data/stopwords_en.txt")));
static STOP_ES: LazyLock<FxHashSet<&'static str>> = LazyLock::new(|| word_list(include_str!("data/stopwords_es.txt")));

/// Parses a one-word-per-line data file; `#` starts a comment line.
fn word_list(data: &'static str) -> FxHashSet<&'static str> {
    data.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).collect()
}

/// The stop words of `lang`, folded.
fn stop_list(lang: Lang) -> &'static FxHashSet<&'static str> {
    match lang {
        Lang::En => &STOP_EN,
        Lang::Es => &STOP_ES,
    }
}

/// The terms a word can give, told by their first two letters: a Snowball stem keeps the first
/// two letters of its folded word, but for English "dying", "lying" and "tying" ("die"…), so a
/// second letter `y` also tries `i`. Where only a few terms are wanted (contents alignment,
/// snippets), most words are passed over without being analyzed.
#[derive(Debug, Default)]
pub struct Openings(FxHashSet<[char; 2]>);

impl Openings {
    /// The openings of `terms` (analyzed terms).
    pub fn of<'a>(terms: impl IntoIterator<Item = &'a str>) -> Openings {
        Openings(terms.into_iter().map(opening).collect())
    }

    /// `false` only when no term of `word` (as written) is one of the terms.
    pub fn may_give(&self, word: &str) -> bool {
        let [a, b] = opening(word);
        self.0.contains(&[a, b]) || (b == 'y' && self.0.contains(&[a, 'i']))
    }
}

/// The first two chars of a word, folded (`\0` past its end).
fn opening(word: &str) -> [char; 2] {
    if let [x, y, ..] = word.as_bytes() {
        if x.is_ascii() && y.is_ascii() {
            return [char::from(x.to_ascii_lowercase()), char::from(y.to_ascii_lowercase())];
        }
    }
    // folding is char by char: the fold of the first two chars opens the fold of the word
    let two = word.char_indices().nth(2).map_or(word.len(), |(i, _)| i);
    let folded = fold(&word[..two]);
    let mut cs = folded.chars();
    [cs.next().unwrap_or('\0'), cs.next().unwrap_or('\0')]
}

/// A thread's stemming state: one [`TermMemo`] per language (by `Lang as usize`) and the
/// buffers of [`stemmed_term`].
#[derive(Default)]
struct Stemming {
    memos: [TermMemo; 2],
    scratch: Scratch,
}

thread_local! {
    static STEMMING: RefCell<Stemming> = Default::default();
}

impl Stemming {
    fn term_into(&mut self, lang: Lang, word: &words::Word<'_>, out: &mut String) -> bool {
        if word.span > 1 {
            // a compound ("CA-4") is folded whole, never stemmed
            return stemmed_term(lang, word.text, false, &mut self.scratch).map(|t| out.push_str(t)).is_some();
        }
        let memo = &mut self.memos[lang as usize];
        if let Some(known) = memo.get(word.text) {
            return known.map(|t| out.push_str(t)).is_some();
        }
        let term = stemmed_term(lang, word.text, true, &mut self.scratch);
        memo.insert(word.text, term);
        term.map(|t| out.push_str(t)).is_some()
    }
}

/// The reused buffer of [`stemmed_term`]: the folded word, then the folded stem.
#[derive(Default)]
struct Scratch {
    term: String,
}

/// The term of one word under `lang`'s stemmed analyzer, `None` for a stop word. A word with a
/// digit, or not `stem`-able (a compound), is only folded.
fn stemmed_term<'s>(lang: Lang, word: &str, stem: bool, scratch: &'s mut Scratch) -> Option<&'s str> {
    let term = &mut scratch.term;
    term.clear();
    fold::fold_into(word, term);
    if stop_list(lang).contains(term.as_str()) {
        return None;
    }
    if stem && !term.bytes().any(|b| b.is_ascii_digit()) {
        // Snowball expects lowercase with accents; British spellings are spelled the American
        // way first, so that both meet
        let lower = fold::lower(word);
        let restored = match lang {
            Lang::Es => restore_accent(&lower),
            Lang::En => spelling::american(&lower),
        };
        let stemmer = match lang {
            Lang::En => &*EN_STEMMER,
            Lang::Es => &*ES_STEMMER,
        };
        let stemmed = stemmer.stem(restored.as_deref().unwrap_or(&lower));
        term.clear();
        fold::fold_into(&stemmed, term);
    }
    Some(term)
}

/// Puts back the accent of Spanish suffixes that users type without it, so the stemmer treats
/// "informacion" like "información". Only unaccented words are touched.
fn restore_accent(lower: &str) -> Option<String> {
    const SUFFIXES: [(&str, &str); 4] = [("cion", "ción"), ("sion", "sión"), ("logia", "logía"), ("logias", "logías")];
    if !lower.is_ascii() {
        return None;
    }
    SUFFIXES.iter().find_map(|(plain, accented)| {
        lower.strip_suffix(plain).filter(|stem| stem.len() >= 2).map(|stem| format!("{stem}{accented}"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(a: Analyzer, s: &str) -> Vec<String> {
        a.analyze(s).into_iter().map(|t| t.text).collect()
    }

    const EN: Analyzer = Analyzer::Stemmed(Lang::En);
    const ES: Analyzer = Analyzer::Stemmed(Lang::Es);

    #[test]
    fn a_word_opens_like_its_terms() {
        let openings = Openings::of(["die", "migracion", "nin", "x"]);
        for word in ["dying", "Died", "MIGRACIONES", "Migración", "Niñez", "x"] {
            assert!(openings.may_give(word), "{word}");
        }
        for word in ["data", "mujeres", "y"] {
            assert!(!openings.may_give(word), "{word}");
        }
        // every word's stemmed term opens like the word, in both languages
        let text = "Dying migrants, lying officials and tying agreements: la migración, las niñas, \
                    los Estados y el Éxodo; skies, news, gently, early, only, singly, ugly, idly";
        for lang in Lang::ALL {
            for t in Analyzer::for_lang(lang).analyze(text) {
                let word = &text[t.from..t.to];
                assert!(Openings::of([t.text.as_str()]).may_give(word), "{word} → {}", t.text);
            }
        }
    }

    #[test]
    fn english_chain_with_offsets() {
        let toks = EN.analyze("The SACM's Migrants");
        let got: Vec<_> = toks.iter().map(|t| (t.text.as_str(), t.from, t.to, t.position)).collect();
        assert_eq!(got, [("sacm", 4, 8, 1), ("migrant", 11, 19, 2)]);
    }

    #[test]
    fn spanish_forms_meet_in_both_directions() {
        // accented, unaccented, singular and plural: every form of a word gives one term
        for group in [
            &["información", "informacion", "informaciones", "INFORMACIÓN"][..],
            &["migración", "migracion", "migraciones", "Migraciones"],
            &["niñez", "ninez", "NIÑEZ"],
            &["niños", "ninos", "niño"],
            &["regularización", "regularizacion"],
            &["educación", "educacion"],
            &["tecnología", "tecnologia", "tecnologías"],
            &["país", "pais", "países", "paises"],
            &["política", "politica", "políticas"],
            &["remesa", "remesas"],
            &["sesión", "sesion", "sesiones"],
        ] {
            let first = terms(ES, group[0]);
            for w in &group[1..] {
                assert_eq!(terms(ES, w), first, "{w} vs {}", group[0]);
            }
        }
    }

    #[test]
    fn english_forms_meet() {
        assert_eq!(terms(EN, "migration migrations"), ["migrat", "migrat"]);
        assert_eq!(terms(EN, "remittances Remittance"), ["remitt", "remitt"]);
        assert_eq!(terms(EN, "States' state"), ["state", "state"]);
    }

    #[test]
    fn curated_spanish_stop_list_keeps_domain_words() {
        assert_eq!(terms(ES, "los Estados Miembros"), ["estad", "miembr"]);
        assert_eq!(terms(ES, "personas sin documentos"), ["person", "sin", "document"]);
        assert_eq!(terms(ES, "la lucha contra la trata entre países"), ["luch", "contr", "trat", "entre", "pais"]);
        assert_eq!(terms(ES, "no acompañados"), ["no", "acompan"]);
    }

    #[test]
    fn numbers_and_codes_are_not_stemmed() {
        assert_eq!(terms(EN, "Law 19.254 and CA-4"), ["law", "19.254", "ca-4", "ca", "4"]);
        assert_eq!(terms(ES, "Política 2017-2025"), ["polit", "2017-2025", "2017", "2025"]);
    }

    #[test]
    fn memoized_terms_are_the_terms() {
        // the second pass answers from the thread's cache; stop words stay out, compounds and
        // digits stay unstemmed
        let text = "The Migrants of CA-4 and the migrants' 2017 remittances";
        let first = EN.analyze(text);
        assert_eq!(EN.analyze(text), first);
        let got: Vec<&str> = first.iter().map(|t| t.text.as_str()).collect();
        assert_eq!(got, ["migrant", "ca-4", "ca", "4", "migrant", "2017", "remitt"]);
        let stemming =
            STEMMING.with(|s| s.borrow().memos[Lang::En as usize].get("Migrants").map(|t| t.map(String::from)));
        assert_eq!(stemming, Some(Some("migrant".into())));
    }

    #[test]
    fn nfd_input_is_normalized_first() {
        let nfd = "migracio\u{301}n";
        assert_eq!(terms(ES, nfd), terms(ES, "migración"));
        assert_eq!(terms(Analyzer::Folded, nfd), ["migracion"]);
    }

    #[test]
    fn folded_keeps_stop_words_and_does_not_stem() {
        assert_eq!(terms(Analyzer::Folded, "Trata de Personas"), ["trata", "de", "personas"]);
    }

    proptest::proptest! {
        /// What [`Analyzer::term_into`] promises callers that skip words by their first letter.
        #[test]
        fn a_term_starts_with_its_folded_word_s_first_letter(word in "[a-zA-ZáéíóúñüÁÉÑ]{1,14}") {
            let first = |s: &str| fold::fold(s).chars().next();
            for a in Analyzer::ALL {
                for t in a.analyze(&word) {
                    proptest::prop_assert_eq!(first(&t.text), first(&word), "{:?} → {}", a, t.text);
                }
            }
        }

        #[test]
        fn offsets_slice_nfc_text_on_char_boundaries(s in "\\PC{0,40}") {
            let s: String = s.nfc().collect();
            for a in Analyzer::ALL {
                for t in a.analyze(&s) {
                    proptest::prop_assert!(s.is_char_boundary(t.from) && s.is_char_boundary(t.to) && t.from < t.to);
                }
            }
        }
    }
}
