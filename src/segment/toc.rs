//! Contents-guided sectioning: recover the headings a document's body lost.
//!
//! The V RCM–SACM plenary report lists "SESSION 1: MIGRATION GOVERNANCE" … in its table of
//! contents, but its body only says "Colombia led the initial session on Migration Governance".
//! Each contents entry that is not a heading of the body is aligned with the body paragraph
//! that opens it: paragraphs are scored against entries by the words they share (after
//! analysis, and by common prefix so "consular" meets "consulates"), by ordinal cues ("The
//! second session", "In Session 4", "la tercera sesión") and by lead phrases ("Belize led the
//! session on …"); entries that are headings of the body are fixed anchors; and the monotone
//! alignment with the best total score is chosen by dynamic programming. Entries with no
//! convincing paragraph (an "ANNEXES" entry) are left out.

use std::collections::HashSet;
use std::ops::Range;

use rustc_hash::{FxHashMap, FxHashSet};

use super::headings::{self, Heading};
use crate::analyze::words::{offset_in, Words};
use crate::analyze::{fold, Analyzer, Openings};
use crate::model::Lang;

/// Below this score an entry is not placed (one rare shared word scores about 1).
const MIN_SCORE: f32 = 0.9;
/// Words of a paragraph compared with an entry (its opening is what names its topic).
const OPENING_WORDS: usize = 40;
/// Folded prefix length at which two different stems still count as the same word.
const SHARED_PREFIX: usize = 5;

/// Words of contents entries that say nothing about which paragraph opens them.
const GENERIC: &[&str] = &["session", "sesion", "item", "chapter", "capitulo", "section", "seccion", "part", "parte"];

/// Phrases that open the account of a session: "X led the session on …". Each holds "sion"
/// or "presentation" (see `Para::new`).
const LEAD_PHRASES: &[&str] = &[
    "led the session",
    "led a session",
    "led the discussion",
    "led the initial session",
    "initial presentation",
    "opened the session",
    "lidero la sesion",
    "condujo la sesion",
    "presidio la sesion",
    "abrio la sesion",
];

/// Paragraph index (into `body`) → contents title, for each recovered heading, in order.
/// `heads` holds what [`headings::heading`] makes of each paragraph of `body`.
/// Words of the document's `title` are ignored: an entry "SHARED FOLDER V PLENARY MEETING
/// RCM-SACM" in the report of the V RCM–SACM plenary meeting is about a shared folder.
pub fn recover(
    contents: &[String],
    body: &[String],
    heads: &[Option<Heading>],
    title: &str,
    lang: Lang,
) -> Vec<(usize, String)> {
    if contents.is_empty() {
        return Vec::new();
    }
    let title_terms: HashSet<String> = Analyzer::for_lang(lang).analyze(title).into_iter().map(|t| t.text).collect();
    let heading_keys: Vec<Option<String>> = heads.iter().map(|h| h.as_ref().map(|h| key(&h.text))).collect();
    let anchor_at = anchors(contents, &heading_keys);
    let analyzer = Analyzer::for_lang(lang);
    if anchor_at.iter().all(Option::is_some) {
        return Vec::new(); // every entry is a heading of the body: nothing was lost
    }
    let unplaced: Vec<(usize, Vec<String>)> = contents
        .iter()
        .enumerate()
        .filter(|(i, _)| anchor_at[*i].is_none())
        .map(|(i, entry)| (i, telling_words(entry, analyzer, &title_terms)))
        .collect();
    // only the paragraph words that count as some entry word are numbered: no other word
    // changes a score or a weight
    let mut vocabulary = Vocabulary { wanted: Wanted::new(unplaced.iter().flat_map(|(_, w)| w)), ..Default::default() };
    let paragraphs: Vec<Para> = body
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let prev = i.checked_sub(1).map(|k| (body[k].as_str(), heading_keys[k].is_some()));
            Para::new(p, prev, analyzer, heading_keys[i].is_some(), &mut vocabulary)
        })
        .collect();
    let entries: Vec<Entry> =
        unplaced.into_iter().map(|(i, words)| Entry::new(i, &contents[i], &words, &vocabulary)).collect();
    let weights = Weights::new(&paragraphs, vocabulary.terms.len());
    let mut out = Vec::new();
    for (group, allowed) in between_anchors(&entries, &anchor_at, body.len()) {
        for (chunk, paras) in chunks(group, allowed) {
            for (e, j) in align(chunk, paras, &paragraphs, &weights) {
                out.push((start_of(body, heads, j), contents[e.index].clone()));
            }
        }
    }
    out
}

/// For each contents entry, the body paragraph that is its heading, if any: the first such
/// heading after the last one found. Headings are looked up by key, so an entry that is no
/// heading costs a lookup, not a pass over the body.
fn anchors(contents: &[String], heading_keys: &[Option<String>]) -> Vec<Option<usize>> {
    let mut at: FxHashMap<&str, Vec<usize>> = FxHashMap::default();
    for (i, k) in heading_keys.iter().enumerate() {
        if let Some(k) = k {
            at.entry(k.as_str()).or_default().push(i);
        }
    }
    let mut from = 0;
    contents
        .iter()
        .map(|entry| {
            let k = key(&headings::heading(entry).map_or_else(|| entry.clone(), |h| h.text));
            let found = at.get(k.as_str()).and_then(|is| is.get(is.partition_point(|&i| i < from)).copied());
            if let Some(i) = found {
                from = i + 1;
            }
            found
        })
        .collect()
}

/// The runs of consecutive entries that lie between the same two anchors, each with the
/// paragraphs it may be placed in. The runs' ranges are disjoint and in order (anchors are),
/// so each is aligned on its own: the alignment of the whole is theirs put together.
fn between_anchors<'e>(
    entries: &'e [Entry],
    anchor_at: &[Option<usize>],
    paragraphs: usize,
) -> Vec<(&'e [Entry], Range<usize>)> {
    // the paragraph after the last anchor before each entry, and the next anchor after it
    let mut lo = Vec::with_capacity(anchor_at.len());
    let mut last = 0;
    for a in anchor_at {
        lo.push(last);
        last = a.map_or(last, |a| a + 1);
    }
    let mut hi = vec![paragraphs; anchor_at.len()];
    let mut next = paragraphs;
    for (i, a) in anchor_at.iter().enumerate().rev() {
        hi[i] = next;
        next = a.unwrap_or(next);
    }
    let range = |e: &Entry| lo[e.index]..hi[e.index];
    entries.chunk_by(|a, b| range(a) == range(b)).map(|run| (run, range(&run[0]))).collect()
}

/// Cells of one alignment table (entries × paragraphs) at most. A report's contents meet its
/// body in a few thousand; a body of 40,000 paragraphs under a contents list of 2,700 entries
/// (a report pasted 170 times) needed 110 million, and 15 s.
const MAX_CELLS: usize = 1 << 20;

/// `entries` and `paras` cut into pieces aligned on their own, in proportion (the k-th part of
/// the entries with the k-th part of the paragraphs), so that no table exceeds [`MAX_CELLS`].
/// Only an alignment too large to fit is cut.
fn chunks(entries: &[Entry], paras: Range<usize>) -> Vec<(&[Entry], Range<usize>)> {
    let (n, m) = (entries.len(), paras.len());
    let pieces = (n * m).div_ceil(MAX_CELLS).clamp(1, n.max(1));
    (0..pieces)
        .map(|k| {
            let at = |total: usize, k: usize| total * k / pieces;
            (&entries[at(n, k)..at(n, k + 1)], paras.start + at(m, k)..paras.start + at(m, k + 1))
        })
        .collect()
}

/// The monotone placing of `entries` in `paras` with the best total score, by dynamic
/// programming: (entry, paragraph index) for each placed entry, in order.
fn align<'e>(entries: &'e [Entry], paras: Range<usize>, paragraphs: &[Para], w: &Weights) -> Vec<(&'e Entry, usize)> {
    let (n, m) = (entries.len(), paras.len());
    let score = |i: usize, j: usize| score(&entries[i], &paragraphs[paras.start + j], w);
    // best[i][j]: best total placing entries[i..] in paras[j..]
    let mut best = vec![vec![0f32; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            let mut v = best[i + 1][j].max(best[i][j + 1]);
            let s = score(i, j);
            if s >= MIN_SCORE {
                v = v.max(s + best[i + 1][j + 1]);
            }
            best[i][j] = v;
        }
    }
    let mut out = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < n && j < m {
        let s = score(i, j);
        if s >= MIN_SCORE && (best[i][j] - (s + best[i + 1][j + 1])).abs() < 1e-4 {
            out.push((&entries[i], paras.start + j));
            i += 1;
            j += 1;
        } else if (best[i][j] - best[i][j + 1]).abs() < 1e-4 {
            j += 1;
        } else {
            i += 1;
        }
    }
    out
}

/// A section often opens with a short label line before its first sentence (a speaker's name
/// and role): the heading goes before that line.
fn start_of(body: &[String], heads: &[Option<Heading>], j: usize) -> usize {
    if j > 0 && is_label(&body[j - 1], heads[j - 1].is_some()) {
        j - 1
    } else {
        j
    }
}

/// A short line without sentence punctuation that is neither a heading (`heading` says whether
/// it is one) nor a list item: a speaker's name and role, a caption-like label.
fn is_label(p: &str, heading: bool) -> bool {
    !heading && p.chars().nth(199).is_none() && !p.ends_with(['.', ':', ';', '?', '!']) && !is_list_line(p)
}

/// "- item", "• item", "1. item", "a. item".
fn is_list_line(p: &str) -> bool {
    if p.starts_with("- ") || p.starts_with("• ") {
        return true;
    }
    p.split_once(". ").is_some_and(|(n, _)| {
        !n.is_empty()
            && n.len() <= 2
            && (n.chars().all(|c| c.is_ascii_digit()) || n.chars().all(|c| c.is_ascii_lowercase()))
    })
}

fn key(text: &str) -> String {
    fold(text).split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect::<Vec<_>>().join(" ")
}

/// The analyzed words of the paragraph openings of one document that are [`Wanted`], each
/// numbered once.
#[derive(Default)]
struct Vocabulary {
    wanted: Wanted,
    ids: FxHashMap<String, u32>,
    terms: Vec<String>,
    /// The ids of the terms of [`SHARED_PREFIX`] bytes or more, by that prefix.
    by_prefix: FxHashMap<[u8; SHARED_PREFIX], Vec<u32>>,
}

impl Vocabulary {
    /// The number of `term`, `None` when it is not wanted.
    fn id(&mut self, term: &str) -> Option<u32> {
        if !self.wanted.contains(term) {
            return None;
        }
        if let Some(&id) = self.ids.get(term) {
            return Some(id);
        }
        let id = self.terms.len() as u32;
        self.ids.insert(term.to_string(), id);
        self.terms.push(term.to_string());
        if let Some(p) = prefix(term) {
            self.by_prefix.entry(p).or_default().push(id);
        }
        Some(id)
    }

    /// The ids of the terms that count as `word`, sorted: equal, or sharing a folded prefix of
    /// [`SHARED_PREFIX`] bytes ("consul" of consular and consulates). Looked up, not compared
    /// with every term: a long contents list names many terms.
    fn same_as(&self, word: &str) -> Vec<u32> {
        let by_prefix = prefix(word).and_then(|p| self.by_prefix.get(&p)).into_iter().flatten();
        let mut ids: Vec<u32> = self.ids.get(word).into_iter().chain(by_prefix).copied().collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }
}

/// The terms that count as one of some entry words (see [`Vocabulary::same_as`]): the words themselves
/// and any term sharing the folded prefix of a long one.
#[derive(Default)]
struct Wanted {
    words: FxHashSet<String>,
    prefixes: FxHashSet<[u8; SHARED_PREFIX]>,
    /// How the words open: a paragraph word that opens like none gives no wanted term.
    openings: Openings,
}

impl Wanted {
    fn new<'a>(entry_words: impl Iterator<Item = &'a String>) -> Wanted {
        let mut wanted = Wanted::default();
        for w in entry_words {
            if let Some(prefix) = prefix(w) {
                wanted.prefixes.insert(prefix);
            }
            wanted.words.insert(w.clone());
        }
        wanted.openings = Openings::of(wanted.words.iter().map(String::as_str));
        wanted
    }

    fn contains(&self, term: &str) -> bool {
        self.words.contains(term) || prefix(term).is_some_and(|p| self.prefixes.contains(&p))
    }
}

/// The folded prefix by which two long terms count as the same word.
fn prefix(term: &str) -> Option<[u8; SHARED_PREFIX]> {
    term.as_bytes().first_chunk().copied()
}

struct Entry {
    index: usize,
    /// For each telling word of the entry, the paragraph words that count as it (see
    /// [`Vocabulary::same_as`]), sorted.
    words: Vec<Vec<u32>>,
    number: Option<String>,
}

impl Entry {
    fn new(index: usize, title: &str, telling: &[String], vocabulary: &Vocabulary) -> Entry {
        let words = telling.iter().map(|t| vocabulary.same_as(t)).collect();
        Entry { index, words, number: headings::keyword_number(title) }
    }
}

/// The analyzed words of a contents entry that tell which paragraph opens it: not generic,
/// not a bare number, not a word of the document's title (in `ignore`).
fn telling_words(title: &str, analyzer: Analyzer, ignore: &HashSet<String>) -> Vec<String> {
    analyzer
        .analyze(title)
        .into_iter()
        .map(|t| t.text)
        .filter(|t| !GENERIC.contains(&t.as_str()) && !t.chars().all(|c| c.is_ascii_digit()) && !ignore.contains(t))
        .collect()
}

struct Para {
    /// The words of its opening, sorted ids into the document's [`Vocabulary`].
    terms: Vec<u32>,
    number: Option<String>,
    lead: bool,
    after_list: bool,
    after_label: bool,
    /// A heading, a list item, or the first paragraph under a heading: never a section start.
    excluded: bool,
}

impl Para {
    /// `prev`: the paragraph before, and whether it is a heading.
    fn new(
        text: &str,
        prev: Option<(&str, bool)>,
        analyzer: Analyzer,
        heading: bool,
        vocabulary: &mut Vocabulary,
    ) -> Para {
        // the first OPENING_WORDS words, as they stand (the text is whitespace-collapsed)
        let end = text.split_whitespace().nth(OPENING_WORDS).map_or(text.len(), |w| offset_in(text, w));
        let opening = text[..end].trim_end();
        let first_sentence = opening.split(". ").next().unwrap_or("");
        let folded = fold(first_sentence);
        let (mut terms, mut term) = (Vec::new(), String::new());
        // a word that opens like no wanted term gives none (see `Openings`)
        for word in Words::new(opening) {
            if vocabulary.wanted.openings.may_give(word.text) && analyzer.term_into(&word, &mut term) {
                terms.extend(vocabulary.id(&term));
            }
        }
        terms.sort_unstable();
        terms.dedup();
        Para {
            terms,
            number: headings::keyword_number_folded(&folded),
            // every lead phrase holds "sion" (session, sesion, discussion) or "presentation":
            // two searches rule most sentences out
            lead: (folded.contains("sion") || folded.contains("presentation"))
                && LEAD_PHRASES.iter().any(|l| folded.contains(l)),
            after_list: prev.is_some_and(|(p, _)| is_list_line(p)),
            after_label: prev.is_some_and(|(p, heading)| is_label(p, heading)),
            // a section opens with a sentence, not a three-word line inside another section
            excluded: heading
                || prev.is_some_and(|(_, heading)| heading)
                || is_list_line(text)
                || text.split_whitespace().nth(5).is_none(),
        }
    }
}

/// How telling a shared word is: words that open many paragraphs ("RCM", "meeting" in an
/// RCM meeting report) say little about which one opens a section.
struct Weights {
    /// By word id: how many paragraphs open with it.
    df: Vec<u32>,
    n: f32,
}

impl Weights {
    fn new(paragraphs: &[Para], words: usize) -> Weights {
        let mut df = vec![0; words];
        for id in paragraphs.iter().flat_map(|p| &p.terms) {
            df[*id as usize] += 1;
        }
        Weights { df, n: paragraphs.len().max(1) as f32 }
    }

    /// 1.0 for a word that opens one paragraph, falling towards 0 for one that opens all.
    fn of(&self, id: u32) -> f32 {
        let df = self.df[id as usize].max(1) as f32;
        ((1.0 + self.n / df).ln() / (1.0 + self.n).ln()).clamp(0.0, 1.0)
    }
}

fn score(e: &Entry, p: &Para, w: &Weights) -> f32 {
    if p.excluded {
        return 0.0;
    }
    // per entry word, the best-weighted paragraph word that counts as it
    let shared: f32 = e
        .words
        .iter()
        .map(|same| p.terms.iter().filter(|x| same.binary_search(x).is_ok()).map(|&x| w.of(x)).fold(0.0, f32::max))
        .sum();
    let mut s = shared;
    if let (Some(a), Some(b)) = (&e.number, &p.number) {
        s += if a == b { 3.0 } else { -3.0 };
    }
    if e.number.is_some() && p.lead {
        s += 1.0;
    }
    if p.after_list && s > 0.0 {
        s += 0.5;
    }
    if p.after_label && s > 0.0 {
        s += 1.0;
    }
    s
}

/// Equal terms, or terms sharing a long folded prefix ("consul" of consular / consulates): what
/// [`Vocabulary::same_as`] looks up, kept to test it against.
#[cfg(test)]
fn same_word(a: &str, b: &str) -> bool {
    a == b
        || (a.len() >= SHARED_PREFIX
            && b.len() >= SHARED_PREFIX
            && a.as_bytes()[..SHARED_PREFIX] == b.as_bytes()[..SHARED_PREFIX])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(lines: &[&str]) -> Vec<String> {
        lines.iter().map(|s| s.to_string()).collect()
    }

    fn recover(contents: &[String], body: &[String], title: &str, lang: Lang) -> Vec<(usize, String)> {
        let heads: Vec<Option<Heading>> = body.iter().map(|p| headings::heading(p)).collect();
        super::recover(contents, body, &heads, title, lang)
    }

    #[test]
    fn english_contents_worded_unlike_the_body() {
        let contents =
            body(&["INTRODUCTION", "SESSION 1: BORDER MANAGEMENT", "SESSION 2: REMITTANCE COSTS", "CLOSING"]);
        let b = body(&[
            "INTRODUCTION",
            "The meeting gathered delegations from the region.",
            "Mexico led the session on managing borders and the cooperation of border agencies.",
            "Delegations agreed to share data.",
            "The second session, led by El Salvador, examined what sending money home costs migrants.",
            "Participants called for cheaper transfers.",
        ]);
        let got = recover(&contents, &b, "Report of the meeting", Lang::En);
        assert_eq!(
            got,
            [(2, "SESSION 1: BORDER MANAGEMENT".to_string()), (4, "SESSION 2: REMITTANCE COSTS".to_string())]
        );
    }

    #[test]
    fn spanish_contents_with_ordinals_and_speaker_lines() {
        let contents =
            body(&["PALABRAS DE APERTURA", "SESIÓN 1: TRATA DE PERSONAS", "SESIÓN 2: RETORNO", "CONCLUSIONES"]);
        let b = body(&[
            "Ana Pérez, Directora de Migración, Chile",
            "Ana Pérez abrió la reunión con unas palabras de bienvenida.",
            "En la primera sesión, Perú presentó su protocolo contra la trata.",
            "Se destacó la protección de las víctimas.",
            "La segunda sesión trató el retorno voluntario y la reintegración.",
            "Los participantes concluyeron que la cooperación debe continuar.",
        ]);
        let got: Vec<usize> =
            recover(&contents, &b, "Informe de la reunión", Lang::Es).into_iter().map(|(i, _)| i).collect();
        assert_eq!(got, [0, 2, 4, 5]);
    }

    #[test]
    fn every_lead_phrase_passes_the_quick_test() {
        assert!(LEAD_PHRASES.iter().all(|l| l.contains("sion") || l.contains("presentation")));
    }

    #[test]
    fn terms_counting_as_a_word_are_looked_up_as_compared() {
        let words = ["consular", "consulates", "data", "border", "bord", "borderland"].map(String::from);
        let mut v = Vocabulary { wanted: Wanted::new(words.iter()), ..Default::default() };
        for t in ["consulates", "data", "consul", "border", "bord", "borderland", "consular", "dat"] {
            v.id(t);
        }
        for w in &words {
            let compared: Vec<u32> =
                (0..v.terms.len() as u32).filter(|&id| same_word(w, &v.terms[id as usize])).collect();
            assert_eq!(v.same_as(w), compared, "{w}");
        }
    }

    #[test]
    fn entries_between_anchors_are_aligned_apart_and_large_tables_in_pieces() {
        let entry = |index| Entry { index, words: Vec::new(), number: None };
        let entries: Vec<Entry> = [0, 1, 3, 4].into_iter().map(entry).collect();
        // entry 2 is the heading at paragraph 10, entry 5 the one at paragraph 20
        let anchor_at = [None, None, Some(10), None, None, Some(20), None];
        let runs: Vec<(Vec<usize>, Range<usize>)> = between_anchors(&entries, &anchor_at, 30)
            .into_iter()
            .map(|(run, r)| (run.iter().map(|e| e.index).collect(), r))
            .collect();
        assert_eq!(runs, [(vec![0, 1], 0..10), (vec![3, 4], 11..20)]);
        let many: Vec<Entry> = (0..3000).map(entry).collect();
        let pieces = chunks(&many, 0..40_000);
        assert!(pieces.iter().all(|(e, p)| e.len() * p.len() <= MAX_CELLS), "every table fits");
        assert_eq!(pieces.iter().map(|(e, _)| e.len()).sum::<usize>(), 3000);
        assert_eq!((pieces[0].1.start, pieces.last().unwrap().1.end), (0, 40_000));
        assert_eq!(chunks(&many[..16], 0..400).len(), 1, "a report's table is not cut");
    }

    #[test]
    fn no_contents_no_headings() {
        assert!(recover(&[], &body(&["text"]), "", Lang::En).is_empty());
    }
}
