//! Parsed query → tantivy query.
//!
//! Each unit of the query (a word, a quoted phrase, or consecutive words that name an entity,
//! such as "Puebla Process") is analyzed by both languages' analyzers and searched in that
//! language's fields, body and boosted heading. Unless expansion is off, a unit also matches,
//! at a lower weight: the entity it names (the `entity` field holds every section's entities
//! under any alias), the other terms of a thesaurus concept it names (in either language), and,
//! for a word of 5+ letters that the index does not know, the known words one or two edits away.
//! Units combine with AND (or OR when relaxing); a sloppy phrase of all words boosts records
//! that keep them close; exclusions are MUST_NOT; facet filters are ANDed across dimensions and
//! ORed within one.

use serde::{Deserialize, Serialize};
use tantivy::query::{AllQuery, BooleanQuery, BoostQuery, Occur, PhraseQuery, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::Term;

use super::facets::Filters;
use super::parse::{Clause, ParsedQuery};
use crate::analyze::entities::{Entity, GLOSSARY};
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
const CONCEPT_WEIGHT: f32 = 0.4;
/// Weight of a match on the entity a name denotes (any of its aliases in the record).
const ENTITY_WEIGHT: f32 = 0.8;
/// Weight of a record that defines the entity a query names ("… on Migration (SACM)").
const DEFINES_WEIGHT: f32 = 2.0;
/// Weight of a typo-tolerant match.
const TYPO_WEIGHT: f32 = 0.5;
/// Longest entity name looked for among consecutive query words.
const MAX_NAME_WORDS: usize = 10;

/// One expansion that fired, for `--json` and for explaining results.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Expansion {
    /// What the user typed.
    pub from: String,
    /// How it was expanded.
    pub kind: ExpansionKind,
    /// What it was expanded to.
    pub to: Vec<String>,
}

/// How a query word was expanded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ExpansionKind {
    /// It names a glossary entity: every record naming it under any alias matches.
    Entity,
    /// It names a thesaurus concept: the concept's other terms, in both languages, match.
    Concept,
    /// An acronym a corpus document defines: its spelled-out name matches.
    Acronym,
    /// No index knows it: the known words closest to it match.
    Typo,
}

impl ExpansionKind {
    /// The name shown in text output and JSON.
    pub fn name(self) -> &'static str {
        match self {
            ExpansionKind::Entity => "entity",
            ExpansionKind::Concept => "concept",
            ExpansionKind::Acronym => "acronym",
            ExpansionKind::Typo => "typo",
        }
    }
}

impl std::fmt::Display for ExpansionKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// What a query is built from.
pub struct Input<'a> {
    /// The handles of the index's fields.
    pub fields: &'a Fields,
    /// The parsed query.
    pub query: &'a ParsedQuery,
    /// Resolved facet filters.
    pub filters: &'a Filters,
    /// Entity, thesaurus and typo expansion on.
    pub expand: bool,
    /// The words of the index, for typo tolerance.
    pub vocabulary: &'a dyn Vocabulary,
    /// Acronyms the corpus defines beyond the glossary.
    pub mined: &'a Mined,
}

/// How the units of a query combine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Matching {
    /// Every unit must match.
    All,
    /// Any unit may match (the fallback when no record has them all).
    Any,
}

/// What the builder needs to know about the words of the index.
pub trait Vocabulary {
    /// Whether some record holds `term` in `field`.
    fn has(&self, field: Field, term: &str) -> bool;

    /// The terms of `field` at most `distance` edits from `term` (a transposition is one
    /// edit) that start with its first letter, with the number of records holding each.
    fn near(&self, field: Field, term: &str, distance: u8) -> Vec<(String, u64)>;
}

/// At most this many known words stand in for one mistyped word.
const TYPO_CANDIDATES: usize = 3;

/// A built query and the expansions that fired.
pub struct Built {
    /// The query: what matches, and the base score.
    pub query: Box<dyn Query>,
    /// Clauses that only add to the score of records `query` matches anyway (the proximity
    /// boost; concept phrases holding every word typed), each a term or phrase query. They
    /// read positions, the costliest part of a search, so they score only the best matches
    /// (see `query::Searchable`).
    pub boosts: Vec<Box<dyn Query>>,
    /// Expansions, in query order.
    pub expansions: Vec<Expansion>,
}

/// The analyzed terms of a text in one language, compounds kept whole ("CA-4" not "ca", "4").
pub fn clause_terms(text: &str, lang: Lang) -> Vec<Token> {
    Analyzer::for_lang(lang).analyze_whole(text)
}

/// A term or phrase query for positioned terms in `field` (analyzed for `lang`); `None` when
/// there are none. A thesaurus phrase is its phrase tag, which the index holds wherever the
/// phrase is said (see [`thesaurus`]).
fn terms_query(field: Field, lang: Lang, terms: &[(usize, &str)]) -> Option<Box<dyn Query>> {
    let term = |t: &str| Box::new(TermQuery::new(Term::from_field_text(field, t), IndexRecordOption::WithFreqs));
    match terms {
        [] => None,
        [(_, t)] => Some(term(t)),
        many => {
            let tag = thesaurus::phrase_tag(many);
            if thesaurus::PhraseTags::of(lang).contains(&tag) {
                return Some(term(&tag));
            }
            let base = many[0].0;
            Some(Box::new(PhraseQuery::new_with_offset(
                many.iter().map(|&(p, t)| (p - base, Term::from_field_text(field, t))).collect(),
            )))
        }
    }
}

fn boosted(q: Box<dyn Query>, weight: f32) -> (Occur, Box<dyn Query>) {
    (Occur::Should, Box::new(BoostQuery::new(q, weight)))
}

/// A unit of the query: what the user typed as one thing.
struct Unit<'q> {
    text: String,
    single_word: bool,
    entity: Option<&'q Entity>,
    /// For a concept named by several typed words: those words, each of which must match
    /// (in any order) unless the concept's other terms match instead.
    words: Vec<String>,
}

/// Groups the positive clauses into units: runs of words that name an entity ("Proceso de
/// Puebla") or a thesaurus concept ("valor agregado") as a whole become one unit, searched as a
/// phrase and expanded as one; everything else stays as typed.
fn units(include: &[Clause], expand: bool) -> Vec<Unit<'static>> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < include.len() {
        let mut found = None;
        if expand {
            for j in (i + 1..=include.len().min(i + MAX_NAME_WORDS)).rev() {
                if include[i..j].iter().any(|c| matches!(c, Clause::Phrase(_))) && j - i > 1 {
                    continue;
                }
                let text = include[i..j].iter().map(Clause::text).collect::<Vec<_>>().join(" ");
                if let Some(e) = GLOSSARY.named_by(&text) {
                    found = Some((j, text, Some(e)));
                    break;
                }
                let edge_is_function_word = [&include[i], &include[j - 1]].iter().any(|c| is_function_word(c));
                if j - i > 1 && !edge_is_function_word && !thesaurus::lookup(&text).is_empty() {
                    found = Some((j, text, None));
                    break;
                }
            }
        }
        match found {
            Some((j, text, entity)) => {
                let words = if entity.is_none() {
                    include[i..j].iter().map(|c| c.text().to_string()).collect()
                } else {
                    Vec::new()
                };
                out.push(Unit { text, single_word: false, entity, words });
                i = j;
            }
            None => {
                let c = &include[i];
                let single_word = matches!(c, Clause::Word(_));
                if !is_function_word(c) {
                    out.push(Unit { text: c.text().to_string(), single_word, entity: None, words: Vec::new() });
                }
                i += 1;
            }
        }
    }
    out
}

/// A word that is a stop word in either language ("of", "de"): a function word of the query,
/// not something every record must contain.
fn is_function_word(c: &Clause) -> bool {
    matches!(c, Clause::Word(_)) && Lang::ALL.iter().any(|&l| clause_terms(c.text(), l).is_empty())
}

/// Acronyms the corpus defines beyond the glossary: acronym → spelled-out names.
pub type Mined = std::collections::HashMap<String, Vec<String>>;

struct Ctx<'a> {
    fields: &'a Fields,
    expand: bool,
    vocabulary: &'a dyn Vocabulary,
    mined: &'a Mined,
    expansions: Vec<Expansion>,
    boosts: Vec<Box<dyn Query>>,
}

impl Ctx<'_> {
    /// Matches one unit in any language field; `None` when it is only stop words.
    fn unit_query(&mut self, unit: &Unit<'_>) -> Option<Box<dyn Query>> {
        let mut alternatives: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut typed: Vec<(Lang, Vec<String>)> = Vec::new();
        if !unit.words.is_empty() {
            // a concept typed in several words: all of them, anywhere, in one language
            for lang in Lang::ALL {
                let all: Vec<(Occur, Box<dyn Query>)> = clause_terms(&unit.text, lang)
                    .iter()
                    .map(|t| {
                        let either = [(self.fields.body(lang), 1.0), (self.fields.head(lang), HEAD_BOOST)]
                            .into_iter()
                            .filter_map(|(f, b)| terms_query(f, lang, &[(0, t.text.as_str())]).map(|q| boosted(q, b)))
                            .collect();
                        (Occur::Must, Box::new(BooleanQuery::new(either)) as Box<dyn Query>)
                    })
                    .collect();
                if !all.is_empty() {
                    alternatives.push((Occur::Should, Box::new(BooleanQuery::new(all))));
                }
            }
        } else if let Some(q) = self.typed_query(&unit.text) {
            alternatives.push((Occur::Should, q));
        }
        for lang in Lang::ALL {
            typed.push((lang, clause_terms(&unit.text, lang).into_iter().map(|t| t.text).collect()));
        }
        if self.expand && unit.single_word {
            alternatives.extend(self.typos(&unit.text, &typed));
        }
        if self.expand {
            if let Some(e) = unit.entity {
                let term = Term::from_field_text(self.fields.entity, &e.id);
                alternatives.push(boosted(Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs)), ENTITY_WEIGHT));
                let defines = Term::from_field_text(self.fields.defines, &e.id);
                alternatives.push(boosted(Box::new(TermQuery::new(defines, IndexRecordOption::Basic)), DEFINES_WEIGHT));
                self.expansions.push(Expansion {
                    from: unit.text.clone(),
                    kind: ExpansionKind::Entity,
                    to: vec![e.id.clone()],
                });
            }
            // a concept term holding every typed word adds no match where the typed words
            // match anywhere in the record: one typed term, or a concept typed in several words
            let anywhere: Vec<(Lang, Vec<String>)> = typed
                .iter()
                .filter(|(_, terms)| terms.len() == 1 || (!unit.words.is_empty() && !terms.is_empty()))
                .cloned()
                .collect();
            alternatives.extend(self.concepts(&unit.text, &typed, &anywhere));
            alternatives.extend(self.mined_acronym(&unit.text));
        }
        (!alternatives.is_empty()).then(|| Box::new(BooleanQuery::new(alternatives)) as Box<dyn Query>)
    }

    /// What was typed, in every language's body and heading fields (a phrase when it analyzes
    /// to several terms); `None` when it is only stop words.
    fn typed_query(&self, text: &str) -> Option<Box<dyn Query>> {
        let mut alternatives: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for lang in Lang::ALL {
            let terms = clause_terms(text, lang);
            let positioned: Vec<(usize, &str)> = terms.iter().map(|t| (t.position, t.text.as_str())).collect();
            for (field, boost) in [(self.fields.body(lang), 1.0), (self.fields.head(lang), HEAD_BOOST)] {
                if let Some(q) = terms_query(field, lang, &positioned) {
                    alternatives.push(boosted(q, boost));
                }
            }
        }
        (!alternatives.is_empty()).then(|| Box::new(BooleanQuery::new(alternatives)) as Box<dyn Query>)
    }

    /// An acronym one of the corpus's documents defines ("OSUMI") also matches its name.
    fn mined_acronym(&mut self, text: &str) -> Vec<(Occur, Box<dyn Query>)> {
        let Some(names) = self.mined.get(text.trim()) else { return Vec::new() };
        let mut out = Vec::new();
        for name in names {
            for lang in Lang::ALL {
                let tokens = clause_terms(name, lang);
                let positioned: Vec<(usize, &str)> = tokens.iter().map(|t| (t.position, t.text.as_str())).collect();
                if let Some(q) = terms_query(self.fields.body(lang), lang, &positioned) {
                    out.push(boosted(q, ENTITY_WEIGHT));
                }
            }
        }
        self.expansions.push(Expansion {
            from: text.trim().to_string(),
            kind: ExpansionKind::Acronym,
            to: names.clone(),
        });
        out
    }

    /// Thesaurus expansions of `text`: every other term of the concepts it names, searched in
    /// its own language's body field, weighted below the typed words. Terms equal to what was
    /// typed are left out (they are already searched).
    /// A term whose words include all those of `anywhere` in its language (typed words that
    /// match wherever they are in a record) only boosts (see [`Built::boosts`]).
    fn concepts(
        &mut self,
        text: &str,
        typed: &[(Lang, Vec<String>)],
        anywhere: &[(Lang, Vec<String>)],
    ) -> Vec<(Occur, Box<dyn Query>)> {
        let mut out = Vec::new();
        let mut seen: Vec<(Lang, Vec<(usize, String)>)> = Vec::new();
        for concept in thesaurus::lookup(text) {
            let mut to = Vec::new();
            for term in &concept.terms {
                if typed.iter().any(|(l, t)| *l == term.lang && *t == term.terms) {
                    continue;
                }
                // positions from analysis, so a dropped stop word keeps its gap ("cost of sending")
                let tokens = clause_terms(&term.text, term.lang);
                let positioned: Vec<(usize, &str)> = tokens.iter().map(|t| (t.position, t.text.as_str())).collect();
                to.push(term.text.clone());
                // terms that analyze alike ("de la migración", "de las migraciones") once
                let key = (term.lang, positioned.iter().map(|&(p, t)| (p - positioned[0].0, t.to_string())).collect());
                if positioned.is_empty() || seen.contains(&key) {
                    continue;
                }
                seen.push(key);
                let boost_only = anywhere.iter().any(|(lang, words)| {
                    *lang == term.lang && words.iter().all(|w| positioned.iter().any(|&(_, t)| t == w))
                });
                let fields = [(self.fields.body(term.lang), 1.0), (self.fields.head(term.lang), HEAD_BOOST)];
                for (field, boost) in fields {
                    if let Some(q) = terms_query(field, term.lang, &positioned) {
                        let (occur, q) = boosted(q, CONCEPT_WEIGHT * boost);
                        if boost_only {
                            self.boosts.push(q);
                        } else {
                            out.push((occur, q));
                        }
                    }
                }
            }
            if !to.is_empty() {
                self.expansions.push(Expansion { from: text.to_string(), kind: ExpansionKind::Concept, to });
            }
        }
        out
    }

    /// A word of 5+ letters (9+: two edits) that the index knows in no language is matched
    /// to the known words one (two) edits away from its analyzed term, most frequent first,
    /// each scored by BM25 like a typed word but weighted below any exact match.
    fn typos(&mut self, word: &str, typed: &[(Lang, Vec<String>)]) -> Vec<(Occur, Box<dyn Query>)> {
        let letters = word.chars().filter(|c| c.is_alphabetic()).count();
        let distance = match letters {
            0..=4 => return Vec::new(),
            5..=8 => 1,
            _ => 2,
        };
        let mut single = Vec::new();
        for (lang, terms) in typed {
            let [term] = terms.as_slice() else { return Vec::new() };
            if [self.fields.body(*lang), self.fields.head(*lang)].into_iter().any(|f| self.vocabulary.has(f, term)) {
                return Vec::new(); // a real word in some language: no typo
            }
            single.push((*lang, term));
        }
        let mut out = Vec::new();
        let mut to = Vec::new();
        for (lang, term) in single {
            let field = self.fields.body(lang);
            let mut near: Vec<(usize, u64, String)> = self
                .vocabulary
                .near(field, term, distance)
                .into_iter()
                .map(|(t, df)| (strsim::osa_distance(term, &t), df, t))
                .filter(|n| n.0 <= usize::from(distance))
                .collect();
            // the closest tier only, the more frequent words weighing more: "remitances" is
            // far more likely "remittances" than "remote"
            let Some(best) = near.iter().map(|n| n.0).min() else { continue };
            near.retain(|n| n.0 == best);
            near.sort_by_key(|n| std::cmp::Reverse(n.1));
            let top_df = near.first().map_or(1, |n| n.1).max(1) as f32;
            for (_, df, t) in near.into_iter().take(TYPO_CANDIDATES) {
                let q = TermQuery::new(Term::from_field_text(field, &t), IndexRecordOption::WithFreqs);
                out.push(boosted(Box::new(q), TYPO_WEIGHT * (df as f32 / top_df).sqrt()));
                to.push(t);
            }
        }
        if !to.is_empty() {
            self.expansions.push(Expansion { from: word.to_string(), kind: ExpansionKind::Typo, to });
        }
        out
    }
}

/// Boosts for records where all single words of the query stand close together, one per
/// language.
fn proximity(fields: &Fields, include: &[Clause]) -> Vec<Box<dyn Query>> {
    if include.len() < 2 || include.iter().any(|c| matches!(c, Clause::Phrase(_))) {
        return Vec::new();
    }
    let text = include.iter().map(Clause::text).collect::<Vec<_>>().join(" ");
    let mut out: Vec<Box<dyn Query>> = Vec::new();
    for lang in Lang::ALL {
        let terms = clause_terms(&text, lang);
        if terms.len() < 2 {
            continue;
        }
        let base = terms[0].position;
        let offsets =
            terms.iter().map(|t| (t.position - base, Term::from_field_text(fields.body(lang), &t.text))).collect();
        let phrase = PhraseQuery::new_with_offset_and_slop(offsets, PROXIMITY_SLOP);
        out.push(Box::new(BoostQuery::new(Box::new(phrase), PROXIMITY_BOOST)));
    }
    out
}

/// Whether the query has words that search text (not only filters or exclusions).
pub fn has_text(q: &ParsedQuery) -> bool {
    q.include.iter().any(|c| Lang::ALL.iter().any(|&l| !clause_terms(c.text(), l).is_empty()))
}

/// Builds the query, its units combined as `matching` says.
pub fn build(input: &Input<'_>, matching: Matching) -> Built {
    let Input { fields, query: q, filters, expand, vocabulary, mined } = *input;
    let mut ctx = Ctx { fields, expand, vocabulary, mined, expansions: Vec::new(), boosts: Vec::new() };
    let mut top: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    let units = units(&q.include, expand);
    let matched: Vec<Box<dyn Query>> = units.iter().filter_map(|u| ctx.unit_query(u)).collect();
    if matched.is_empty() {
        top.push((Occur::Must, Box::new(AllQuery)));
    } else {
        let occur = match matching {
            Matching::All => Occur::Must,
            Matching::Any => Occur::Should,
        };
        let words: Box<dyn Query> = Box::new(BooleanQuery::new(matched.into_iter().map(|c| (occur, c)).collect()));
        // several units that together name a concept ("trata de personas") also match the
        // concept's other terms, as a whole
        let whole = if expand && units.len() > 1 { ctx.concepts(&include_text(q), &[], &[]) } else { Vec::new() };
        if whole.is_empty() {
            top.push((Occur::Must, words));
        } else {
            let mut any = vec![(Occur::Should, words)];
            any.extend(whole);
            top.push((Occur::Must, Box::new(BooleanQuery::new(any))));
        }
    }
    ctx.boosts.extend(proximity(fields, &q.include));
    let mut exclude = Ctx { fields, expand: false, vocabulary, mined, expansions: Vec::new(), boosts: Vec::new() };
    for c in &q.exclude {
        let unit = Unit { text: c.text().to_string(), single_word: false, entity: None, words: Vec::new() };
        if let Some(ex) = exclude.unit_query(&unit) {
            top.push((Occur::MustNot, ex));
        }
    }
    for (dim, values) in filters {
        let any: Vec<(Occur, Box<dyn Query>)> = values
            .iter()
            .map(|v| {
                let term = Term::from_field_text(fields.dimension(*dim), v);
                (Occur::Should, Box::new(TermQuery::new(term, IndexRecordOption::Basic)) as Box<dyn Query>)
            })
            .collect();
        top.push((Occur::Must, Box::new(BoostQuery::new(Box::new(BooleanQuery::new(any)), 0.0))));
    }
    Built { query: Box::new(BooleanQuery::new(top)), boosts: ctx.boosts, expansions: ctx.expansions }
}

fn include_text(q: &ParsedQuery) -> String {
    q.include.iter().map(Clause::text).collect::<Vec<_>>().join(" ")
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

    #[test]
    fn consecutive_words_naming_an_entity_form_one_unit() {
        let q = super::super::parse::parse("Proceso de Puebla remesas CAN can");
        let u = units(&q.include, true);
        let got: Vec<(&str, Option<&str>)> =
            u.iter().map(|u| (u.text.as_str(), u.entity.map(|e| e.id.as_str()))).collect();
        assert_eq!(got, [("Proceso de Puebla", Some("RCM")), ("remesas", None), ("CAN", Some("CAN")), ("can", None)]);
        let q = super::super::parse::parse("remittances of Belize");
        let got: Vec<String> = units(&q.include, true).into_iter().map(|u| u.text).collect();
        assert_eq!(got, ["remittances", "Belize"], "function words are not required");
        let q = super::super::parse::parse("valor agregado de la membresía");
        let got: Vec<String> = units(&q.include, true).into_iter().map(|u| u.text).collect();
        assert_eq!(got, ["valor agregado", "membresía"]);
        assert!(units(&q.include, false).iter().all(|u| u.entity.is_none()));
    }
}
