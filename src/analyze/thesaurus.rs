//! The bilingual thesaurus (`data/thesaurus.tsv`): migration-policy concepts with their English
//! and Spanish terms. Terms are compared after analysis in their own language, so "remesa",
//! "Remesas" and "REMESAS" all name the concept of "remesas".
//!
//! Every term of several words is also indexed as one token, its *phrase tag*, wherever a text
//! says it (see [`PhraseMatcher`]): an expansion to "gobernanza de la migración" is then one
//! term lookup instead of a phrase query reading the positions of "gobern" and "migracion" in
//! half the corpus. The tag matches exactly where the phrase query would.

use std::sync::LazyLock;

use rustc_hash::{FxHashMap, FxHashSet};

use super::fold::FoldedFilter;
use super::Analyzer;
use crate::model::Lang;

/// One term of a concept, in one language, with its analyzed terms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    /// The term as written in the data file.
    pub text: String,
    /// Its language.
    pub lang: Lang,
    /// Its analyzed terms in that language.
    pub terms: Vec<String>,
}

/// One concept: every term for it in both languages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Concept {
    /// Its terms, English first.
    pub terms: Vec<Term>,
}

/// The shipped thesaurus.
pub static THESAURUS: LazyLock<Vec<Concept>> =
    LazyLock::new(|| parse(include_str!("data/thesaurus.tsv")).expect("data/thesaurus.tsv is valid"));

/// Parses the TSV format documented at the top of `data/thesaurus.tsv`.
pub fn parse(data: &str) -> Result<Vec<Concept>, String> {
    let mut out = Vec::new();
    for (n, line) in data.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((en, es)) = line.split_once('\t') else {
            return Err(format!("line {}: expected English <TAB> Spanish", n + 1));
        };
        let mut terms = Vec::new();
        for (lang, col) in [(Lang::En, en), (Lang::Es, es)] {
            for text in col.split(" | ").map(str::trim).filter(|t| !t.is_empty()) {
                let analyzed: Vec<String> =
                    Analyzer::for_lang(lang).analyze(text).into_iter().map(|t| t.text).collect();
                if analyzed.is_empty() {
                    return Err(format!("line {}: {text:?} is only stop words", n + 1));
                }
                terms.push(Term { text: text.to_string(), lang, terms: analyzed });
            }
        }
        out.push(Concept { terms });
    }
    Ok(out)
}

/// The concepts a text names exactly (after analysis in either language).
pub fn lookup(text: &str) -> Vec<&'static Concept> {
    let analyzed: Vec<Vec<String>> =
        Lang::ALL.iter().map(|&l| Analyzer::for_lang(l).analyze(text).into_iter().map(|t| t.text).collect()).collect();
    THESAURUS.iter().filter(|c| c.terms.iter().any(|t| analyzed[t.lang as usize] == t.terms)).collect()
}

/// The token a phrase is indexed as: its analyzed terms at their positions relative to the
/// first, a stop word's gap as `_` ("cost of sending" → `#cost _ send`); no word holds `#`.
pub fn phrase_tag(terms: &[(usize, &str)]) -> String {
    let mut tag = String::from("#");
    let mut next = terms.first().map_or(0, |t| t.0);
    for &(position, term) in terms {
        for _ in next..position {
            tag.push_str("_ ");
        }
        tag.push_str(term);
        tag.push(' ');
        next = position + 1;
    }
    tag.pop();
    tag
}

/// Longest distance, in positions, from the first to the last word of a tagged phrase.
const MAX_PHRASE_SPAN: usize = 12;

/// One tagged phrase, seen from its last term.
#[derive(Debug)]
struct Phrase {
    /// The other terms, each as how many positions it stands before the last and its
    /// [`Role::inner`] number.
    before: Vec<(usize, u32)>,
    tag: String,
}

/// What a term is to the tagged phrases of its language.
#[derive(Debug, Default)]
struct Role {
    /// The phrases it ends.
    ends: Vec<Phrase>,
    /// For a word of some phrase other than its last, which the matcher remembers: a number
    /// naming the term (compared instead of the text).
    inner: Option<u32>,
}

/// The tagged phrases of one language: the thesaurus terms of several words.
#[derive(Debug, Default)]
pub struct PhraseTags {
    /// Every word of a tagged phrase; most words of a text are none, and cost one lookup.
    roles: FxHashMap<String, Role>,
    /// The keys of `roles`, for a quick test before the lookup.
    words: FoldedFilter,
    tags: FxHashSet<String>,
}

impl PhraseTags {
    fn new(lang: Lang) -> PhraseTags {
        let mut out = PhraseTags::default();
        let mut inner_words = 0;
        for term in THESAURUS.iter().flat_map(|c| &c.terms).filter(|t| t.lang == lang) {
            let tokens = Analyzer::for_lang(lang).analyze_whole(&term.text);
            let positioned: Vec<(usize, &str)> = tokens.iter().map(|t| (t.position, t.text.as_str())).collect();
            let (Some(&(first, _)), Some(&(last, last_term))) = (positioned.first(), positioned.last()) else {
                continue;
            };
            let tag = phrase_tag(&positioned);
            if positioned.len() < 2 || last - first > MAX_PHRASE_SPAN || !out.tags.insert(tag.clone()) {
                continue;
            }
            let mut before = Vec::with_capacity(positioned.len() - 1);
            for &(p, t) in &positioned[..positioned.len() - 1] {
                let role = out.roles.entry(t.to_string()).or_default();
                let id = *role.inner.get_or_insert_with(|| {
                    inner_words += 1;
                    inner_words
                });
                before.push((last - p, id));
            }
            out.roles.entry(last_term.to_string()).or_default().ends.push(Phrase { before, tag });
        }
        out.words = FoldedFilter::new(out.roles.keys().map(String::as_str));
        out
    }

    /// The tagged phrases of `lang`.
    pub fn of(lang: Lang) -> &'static PhraseTags {
        static TAGS: LazyLock<[PhraseTags; 2]> = LazyLock::new(|| Lang::ALL.map(PhraseTags::new));
        &TAGS[lang as usize]
    }

    /// Whether `tag` (from [`phrase_tag`]) is indexed.
    pub fn contains(&self, tag: &str) -> bool {
        self.tags.contains(tag)
    }
}

/// Positions [`PhraseMatcher`] remembers (more than a phrase spans).
const RECENT: usize = 2 * MAX_PHRASE_SPAN;

/// Finds tagged phrases in a stream of analyzed tokens, one token at a time.
#[derive(Debug, Clone, Default)]
pub struct PhraseMatcher {
    /// The inner phrase words of the last [`RECENT`] positions, by position modulo RECENT.
    recent: Vec<Slot>,
    /// Tags of phrases the last token ends, with the start offset of each, not yet taken.
    found: Vec<(&'static str, usize)>,
}

/// The inner phrase words seen at one position: at most two, a compound ("CA-4") and its
/// first part.
#[derive(Debug, Clone, Copy)]
struct Slot {
    position: usize,
    /// (term number, start offset) of each.
    words: [(u32, usize); 2],
    len: usize,
}

impl Slot {
    const EMPTY: Slot = Slot { position: usize::MAX, words: [(0, 0); 2], len: 0 };
}

impl PhraseMatcher {
    /// Forgets the previous text.
    pub fn reset(&mut self) {
        self.recent.clear();
        self.recent.resize(RECENT, Slot::EMPTY);
        self.found.clear();
    }

    /// Takes in the next token, at its position and start offset. Positions never decrease.
    pub fn push(&mut self, tags: &'static PhraseTags, term: &str, position: usize, from: usize) {
        if !tags.words.may_contain(term) {
            return;
        }
        let Some(role) = tags.roles.get(term) else { return };
        if self.recent.len() < RECENT {
            self.reset();
        }
        for phrase in &role.ends {
            // every other term at its place: the phrase starts at the first one's offset
            let start = phrase
                .before
                .iter()
                .try_fold(from, |start, &(back, id)| Some(start.min(self.find(position.checked_sub(back)?, id)?)));
            if let Some(start) = start {
                self.found.push((phrase.tag.as_str(), start));
            }
        }
        let Some(id) = role.inner else { return };
        let slot = &mut self.recent[position % RECENT];
        if slot.position != position {
            *slot = Slot { position, ..Slot::EMPTY };
        }
        if slot.len < slot.words.len() {
            slot.words[slot.len] = (id, from);
            slot.len += 1;
        }
    }

    /// The start offset of an earlier inner word `id` at `position`.
    fn find(&self, position: usize, id: u32) -> Option<usize> {
        let slot = &self.recent[position % RECENT];
        let words = if slot.position == position { &slot.words[..slot.len] } else { &[] };
        words.iter().find(|w| w.0 == id).map(|w| w.1)
    }

    /// The next tag found and not yet taken, with its phrase's start offset.
    pub fn pop(&mut self) -> Option<(&'static str, usize)> {
        self.found.pop()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_thesaurus_loads() {
        assert!(THESAURUS.len() >= 80);
        assert!(THESAURUS
            .iter()
            .all(|c| c.terms.iter().any(|t| t.lang == Lang::En) && c.terms.iter().any(|t| t.lang == Lang::Es)));
    }

    #[test]
    fn finds_concepts_in_either_language_and_any_form() {
        let en = |q: &str| {
            lookup(q).iter().flat_map(|c| &c.terms).filter(|t| t.lang == Lang::En).map(|t| t.text.clone()).next()
        };
        assert_eq!(en("remesa").as_deref(), Some("remittances"));
        assert_eq!(en("Trata de Personas").as_deref(), Some("trafficking in persons"));
        assert_eq!(en("tráfico ilícito de migrantes").as_deref(), Some("smuggling of migrants"));
        assert_eq!(en("migracion").as_deref(), Some("migration"));
        assert!(lookup("Chile").is_empty());
    }

    /// The tags a stream of `lang` tokens yields, with the text each tag spans.
    fn tagged(text: &str, lang: Lang) -> Vec<(String, String)> {
        let mut matcher = PhraseMatcher::default();
        let mut out = Vec::new();
        Analyzer::for_lang(lang).for_each_token(text, |term, w| {
            matcher.push(PhraseTags::of(lang), term, w.position, w.from);
            while let Some((tag, from)) = matcher.pop() {
                out.push((tag.to_string(), text[from..w.to].to_string()));
            }
        });
        out
    }

    #[test]
    fn phrase_tags_keep_stop_word_gaps() {
        assert_eq!(phrase_tag(&[(3, "cost"), (5, "send"), (6, "remitt")]), "#cost _ send remitt");
        assert_eq!(phrase_tag(&[(0, "gobernanz"), (1, "migratori")]), "#gobernanz migratori");
        assert!(PhraseTags::of(Lang::Es).contains("#trat _ person"));
        assert!(!PhraseTags::of(Lang::En).contains("#trat _ person"), "tags are per language");
        assert!(!PhraseTags::of(Lang::En).contains("#remitt"), "one-word terms need no tag");
    }

    #[test]
    fn the_matcher_finds_phrases_where_a_phrase_query_would() {
        let got = tagged("La trata de personas y el tráfico ilícito de migrantes, dijo.", Lang::Es);
        assert_eq!(
            got,
            [
                ("#trat _ person".to_string(), "trata de personas".to_string()),
                ("#trafic ilicit".to_string(), "tráfico ilícito".to_string()),
                ("#trafic ilicit _ migrant".to_string(), "tráfico ilícito de migrantes".to_string()),
            ]
        );
        // like a phrase query, a stop word's gap is one position, whatever word fills it
        assert_eq!(tagged("trata con personas", Lang::Es).len(), 1);
        assert_eq!(tagged("trata grave personas", Lang::Es).len(), 1);
        assert!(tagged("trata personas", Lang::Es).is_empty());
        assert!(tagged("personas de trata", Lang::Es).is_empty(), "order matters");
        let got: Vec<String> =
            tagged("The cost of sending remittances fell.", Lang::En).into_iter().map(|t| t.1).collect();
        assert_eq!(got, ["cost of sending remittances"]);
        // phrases sharing words are each found
        let got: Vec<String> = tagged("an early warning system", Lang::En).into_iter().map(|t| t.0).collect();
        assert_eq!(got, ["#earli warn", "#earli warn system"]);
    }
}
