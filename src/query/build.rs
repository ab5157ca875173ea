//! Parsed query → tantivy query. Each clause is analyzed by both languages' analyzers and
//! searched in that language's fields (body and boosted heading); clauses combine with AND
//! (or OR when relaxing), a sloppy phrase of all words boosts passages that keep them close,
//! exclusions are MUST_NOT, and facet filters are ANDed across dimensions, ORed within one.

use tantivy::query::{AllQuery, BooleanQuery, BoostQuery, Occur, PhraseQuery, Query, TermQuery};
use tantivy::schema::{Facet, IndexRecordOption};
use tantivy::Term;

use super::parse::{Clause, ParsedQuery};
use crate::analyze::{thesaurus, Analyzer, Token};
use crate::index::schema::Fields;
use crate::model::Lang;

/// Weight of a heading or title match relative to a body match.
const HEAD_BOOST: f32 = 2.5;
/// Weight of the all-words proximity clause.
const PROXIMITY_BOOST: f32 = 1.5;
/// Words within this distance count as "close".
const PROXIMITY_SLOP: u32 = 4;
/// Weight of a thesaurus expansion relative to the words the user typed.
const EXPANSION_WEIGHT: f32 = 0.4;

/// The analyzed terms of a clause, per language, compounds kept whole ("CA-4" not "ca", "4").
pub fn clause_terms(text: &str, lang: Lang) -> Vec<Token> {
    let tokens = Analyzer::for_lang(lang).analyze(text);
    let compounds: Vec<(usize, usize)> = tokens.iter().filter(|t| t.span > 1).map(|t| (t.from, t.to)).collect();
    tokens.into_iter().filter(|t| t.span > 1 || !compounds.iter().any(|&(f, e)| t.from >= f && t.to <= e)).collect()
}

/// A term or phrase query for analyzed `terms` in `field`; `None` when there are none.
fn terms_query(field: tantivy::schema::Field, terms: &[(usize, &str)]) -> Option<Box<dyn Query>> {
    match terms {
        [] => None,
        [(_, t)] => Some(Box::new(TermQuery::new(Term::from_field_text(field, t), IndexRecordOption::WithFreqs))),
        many => {
            let base = many[0].0;
            Some(Box::new(PhraseQuery::new_with_offset(
                many.iter().map(|&(p, t)| (p - base, Term::from_field_text(field, t))).collect(),
            )))
        }
    }
}

/// Matches one clause in any language field; `None` when it is only stop words.
fn clause_query(fields: &Fields, clause: &Clause) -> Option<Box<dyn Query>> {
    let mut alternatives: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    let mut typed: Vec<(Lang, Vec<String>)> = Vec::new();
    for lang in Lang::ALL {
        let terms = clause_terms(clause.text(), lang);
        let positioned: Vec<(usize, &str)> = terms.iter().map(|t| (t.position, t.text.as_str())).collect();
        for (field, boost) in [(fields.body(lang), 1.0), (fields.head(lang), HEAD_BOOST)] {
            if let Some(q) = terms_query(field, &positioned) {
                alternatives.push((Occur::Should, Box::new(BoostQuery::new(q, boost))));
            }
        }
        typed.push((lang, terms.into_iter().map(|t| t.text).collect()));
    }
    if alternatives.is_empty() {
        return None;
    }
    alternatives.extend(expansions(fields, clause.text(), &typed));
    Some(Box::new(BooleanQuery::new(alternatives)))
}

/// Thesaurus expansions of `text`: every other term of the concepts it names, searched in its
/// own language's body field, weighted below the typed words. Terms equal to what was typed
/// are left out (they are already searched).
fn expansions(fields: &Fields, text: &str, typed: &[(Lang, Vec<String>)]) -> Vec<(Occur, Box<dyn Query>)> {
    let mut out: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for concept in thesaurus::lookup(text) {
        for term in &concept.terms {
            if typed.iter().any(|(l, t)| *l == term.lang && *t == term.terms) {
                continue;
            }
            let positioned: Vec<(usize, &str)> = term.terms.iter().enumerate().map(|(i, t)| (i, t.as_str())).collect();
            if let Some(q) = terms_query(fields.body(term.lang), &positioned) {
                out.push((Occur::Should, Box::new(BoostQuery::new(q, EXPANSION_WEIGHT))));
            }
        }
    }
    out
}

fn include_text(q: &ParsedQuery) -> String {
    q.include.iter().map(Clause::text).collect::<Vec<_>>().join(" ")
}

/// A boost for documents where all single words of the query stand close together.
fn proximity(fields: &Fields, include: &[Clause]) -> Option<Box<dyn Query>> {
    if include.len() < 2 || include.iter().any(|c| matches!(c, Clause::Phrase(_))) {
        return None;
    }
    let text = include.iter().map(Clause::text).collect::<Vec<_>>().join(" ");
    let mut alternatives: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for lang in Lang::ALL {
        let terms = clause_terms(&text, lang);
        if terms.len() < 2 {
            continue;
        }
        let base = terms[0].position;
        let offsets =
            terms.iter().map(|t| (t.position - base, Term::from_field_text(fields.body(lang), &t.text))).collect();
        let mut phrase = PhraseQuery::new_with_offset_and_slop(offsets, PROXIMITY_SLOP);
        phrase.set_slop(PROXIMITY_SLOP);
        alternatives.push((Occur::Should, Box::new(BoostQuery::new(Box::new(phrase), PROXIMITY_BOOST))));
    }
    (!alternatives.is_empty()).then(|| Box::new(BooleanQuery::new(alternatives)) as Box<dyn Query>)
}

/// Whether the query has words that search text (not only filters or exclusions).
pub fn has_text(fields: &Fields, q: &ParsedQuery) -> bool {
    q.include.iter().any(|c| clause_query(fields, c).is_some())
}

/// Builds the query. `relaxed` asks for any word instead of all words.
pub fn build(fields: &Fields, q: &ParsedQuery, filters: &[(String, Vec<String>)], relaxed: bool) -> Box<dyn Query> {
    let mut top: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    let clauses: Vec<Box<dyn Query>> = q.include.iter().filter_map(|c| clause_query(fields, c)).collect();
    if clauses.is_empty() {
        top.push((Occur::Must, Box::new(AllQuery)));
    } else {
        let occur = if relaxed { Occur::Should } else { Occur::Must };
        let words: Box<dyn Query> = Box::new(BooleanQuery::new(clauses.into_iter().map(|c| (occur, c)).collect()));
        // several words that together name a concept ("trata de personas") also match the
        // concept's other terms, as a whole
        let whole = if q.include.len() > 1 { expansions(fields, &include_text(q), &[]) } else { Vec::new() };
        if whole.is_empty() {
            top.push((Occur::Must, words));
        } else {
            let mut any = vec![(Occur::Should, words)];
            any.extend(whole);
            top.push((Occur::Must, Box::new(BooleanQuery::new(any))));
        }
    }
    if let Some(p) = proximity(fields, &q.include) {
        top.push((Occur::Should, p));
    }
    for c in &q.exclude {
        if let Some(ex) = clause_query(fields, c) {
            top.push((Occur::MustNot, ex));
        }
    }
    for (dim, values) in filters {
        let any: Vec<(Occur, Box<dyn Query>)> = values
            .iter()
            .map(|v| {
                let term = Term::from_facet(fields.facets, &Facet::from_path([dim.as_str(), v.as_str()]));
                (Occur::Should, Box::new(TermQuery::new(term, IndexRecordOption::Basic)) as Box<dyn Query>)
            })
            .collect();
        top.push((Occur::Must, Box::new(BoostQuery::new(Box::new(BooleanQuery::new(any)), 0.0))));
    }
    Box::new(BooleanQuery::new(top))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compounds_are_searched_whole() {
        let t: Vec<String> = clause_terms("CA-4", Lang::En).into_iter().map(|t| t.text).collect();
        assert_eq!(t, ["ca-4"]);
        let t: Vec<String> = clause_terms("trata de personas", Lang::Es).into_iter().map(|t| t.text).collect();
        assert_eq!(t, ["trat", "person"]);
    }
}
