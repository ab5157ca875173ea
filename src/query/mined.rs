//! A term lexicon mined from twin documents, at query time: the other language's terms that
//! keep company with a word in the translations of the records that hold it. Secretariats
//! publish every report in both languages, and `index::manifest::link_twins` pairs a report
//! with its translation record by record; a word of one language and its translation then
//! appear in the same pairs far more often than their frequency alone would have them. This
//! reaches the words that neither the thesaurus nor the word lexicon knows, wherever the twins
//! use them, at a weight below both.
//!
//! The estimate is taken per word, when a query needs it, from a sample of its records: the
//! Dice coefficient of the word and a term, twice the pairs whose other half holds the term
//! over the word's pairs plus the other language's records that hold the term (all of them,
//! twins or not: a term common outside the twins is a weaker translation). Nothing is stored,
//! so nothing goes stale.

use std::collections::BTreeMap;

use rustc_hash::FxHashMap;
use tantivy::schema::IndexRecordOption;
use tantivy::{DocSet, Searcher, Term, TERMINATED};

use super::Searchable;
use crate::analyze::Analyzer;
use crate::error::Result;
use crate::model::{Dimension, Lang};

/// At most this many pairs are read for one word.
const SAMPLE: usize = 12;
/// At most this many of the word's records are looked at for pairs.
const SCAN: usize = 2_000;
/// A term must go with the word in at least this many pairs...
const MIN_PAIRS: usize = 2;
/// ...and its Dice coefficient with the word must reach this: twice the pairs they share,
/// over the word's pairs plus the records that hold the term.
const MIN_DICE: f64 = 0.4;
/// How far from the word's place a translation is looked for, in parts of the record's length
/// (a translation keeps the order of its paragraphs and, roughly, of its sentences)...
const WINDOW: f64 = 0.1;
/// ...and at least this many terms either side.
const MIN_WINDOW_TERMS: usize = 8;
/// At most this many terms stand for one word.
const MAX_TERMS: usize = 1;

impl Searchable {
    /// The terms of the other language that go with the analyzed `term` of `lang` in twin
    /// records, best first (none when the index has no twins, or the word too few pairs).
    pub(super) fn mined_translations(&self, searcher: &Searcher, lang: Lang, term: &str) -> Result<Vec<String>> {
        if !self.has_twins || !is_word(term) {
            return Ok(Vec::new());
        }
        let tables = self.tables()?;
        let field = self.fields.body(lang);
        // (the record holding the word, its twin's document and place)
        let mut pairs: Vec<(tantivy::DocAddress, String, usize)> = Vec::new();
        let mut scanned = 0;
        for (ord, segment) in searcher.segment_readers().iter().enumerate() {
            let Some(mut postings) = segment
                .inverted_index(field)?
                .read_postings(&Term::from_field_text(field, term), IndexRecordOption::Basic)
                .map_err(|e| crate::error::Error::internal(format!("unreadable postings: {e}")))?
            else {
                continue;
            };
            let seq = segment.fast_fields().u64("seq")?;
            let mut doc = postings.doc();
            while doc != TERMINATED && pairs.len() < SAMPLE && scanned < SCAN {
                scanned += 1;
                let alive = segment.alive_bitset().is_none_or(|a| a.is_alive(doc));
                if let (true, Some(name)) = (alive, tables[ord].value(doc, Dimension::Doc)) {
                    let at = seq.first(doc).unwrap_or(0) as usize;
                    if let Some((twin, twin_at)) = self.manifest.twin_of(name, at) {
                        pairs.push((tantivy::DocAddress::new(ord as u32, doc), twin.to_string(), twin_at));
                    }
                }
                doc = postings.advance();
            }
        }
        if pairs.len() < MIN_PAIRS {
            return Ok(Vec::new());
        }
        let other = if lang == Lang::En { Lang::Es } else { Lang::En };
        let mut together: FxHashMap<String, usize> = FxHashMap::default();
        let mut seqs = BTreeMap::new();
        let mut read = 0usize;
        for (source, doc, at) in &pairs {
            let Some(addr) = self.address_of(searcher, doc, *at, &mut seqs)? else { continue };
            let (from, into) = (self.record(searcher, *source)?, self.record(searcher, addr)?);
            let from: Vec<String> = Analyzer::for_lang(lang).analyze(&from.text).into_iter().map(|t| t.text).collect();
            let into: Vec<String> = Analyzer::for_lang(other).analyze(&into.text).into_iter().map(|t| t.text).collect();
            for t in near_in_translation(term, &from, &into) {
                *together.entry(t).or_default() += 1;
            }
            read += 1;
        }
        let mut scored: Vec<(f64, String)> = Vec::new();
        for (t, n) in together {
            if n < MIN_PAIRS || !is_word(&t) {
                continue;
            }
            let df = searcher.doc_freq(&Term::from_field_text(self.fields.body(other), &t))?;
            let dice = 2.0 * n as f64 / (read + df as usize) as f64;
            if dice >= MIN_DICE {
                scored.push((dice, t));
            }
        }
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        Ok(scored.into_iter().take(MAX_TERMS).map(|(_, t)| t).collect())
    }
}

/// Whether an analyzed term is a word worth translating: numbers ("4", "2024") and bits of
/// compounds ("ca" of "CA-4") are the same in both languages, or nothing.
fn is_word(term: &str) -> bool {
    term.chars().filter(|c| c.is_alphabetic()).count() >= 3
}

/// The terms of `into` (a record's translation, analyzed) near the places that `term` holds in
/// `from` (the record, analyzed), each once: the same share of the way through the record, give
/// or take [`WINDOW`].
fn near_in_translation(term: &str, from: &[String], into: &[String]) -> Vec<String> {
    if from.is_empty() || into.is_empty() {
        return Vec::new();
    }
    let reach = ((WINDOW * into.len() as f64) as usize).max(MIN_WINDOW_TERMS);
    let mut near: Vec<String> = Vec::new();
    for (i, _) in from.iter().enumerate().filter(|(_, t)| *t == term) {
        let centre = i * into.len() / from.len();
        let window = centre.saturating_sub(reach)..(centre + reach + 1).min(into.len());
        near.extend(into[window].iter().cloned());
    }
    near.sort_unstable();
    near.dedup();
    near
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_terms_near_the_words_place_in_the_translation_count() {
        let words = |s: &str| s.split(' ').map(String::from).collect::<Vec<_>>();
        let from = words("a b c d e f g h i j k l m n o p q r s t u v w x y z aa bb cc dd ee ff gg hh ii jj kk ll");
        let into = words("A B C D E F G H I J K L M N O P Q R S T U V W X Y Z AA BB CC DD EE FF GG HH II JJ KK LL");
        // "a" is at the start: the first terms of the translation, not its last
        let near = near_in_translation("a", &from, &into);
        assert!(near.contains(&"A".to_string()) && near.contains(&"I".to_string()));
        assert!(!near.contains(&"LL".to_string()));
        assert!(near_in_translation("zz", &from, &into).is_empty());
    }
}
