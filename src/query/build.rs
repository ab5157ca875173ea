//! A query [`Plan`] → the tantivy query.
//!
//! Each alternative of a unit is searched in its language's fields, body and boosted heading,
//! at its weight; a unit matches when one of its alternatives does. Units combine with AND (or
//! OR when relaxing); a sloppy phrase of all words boosts records that keep them close;
//! exclusions are MUST_NOT; facet filters are ANDed across dimensions and ORed within one.

use tantivy::query::{AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, Occur, PhraseQuery, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::Term;

use super::condition::{Condition, YEARS};
use super::expand::{Alternative, Plan, Terms, DEFINES_WEIGHT};
use super::facets::Filters;
use crate::analyze::thesaurus;
use crate::index::schema::Fields;
use crate::model::{Dimension, Lang};

/// Weight of a heading or title match relative to a body match.
const HEAD_BOOST: f32 = 2.5;
/// Weight of the all-words proximity clause.
const PROXIMITY_BOOST: f32 = 1.5;
/// Words within this distance count as "close".
const PROXIMITY_SLOP: u32 = 4;

/// How the units of a query combine.
#[derive(Debug, Clone, PartialEq)]
pub enum Matching {
    /// Every unit must match.
    All,
    /// Graded: records matching at least `at_least` units, each unit that matches adding its
    /// `tiers` constant (one per unit, in plan order) to the score. With constants that are
    /// distinct powers of two times [`TIER`], records rank first by which units they hold (the
    /// more important first), then by BM25 within a tier.
    Graded {
        /// The constant each unit adds.
        tiers: Vec<f32>,
        /// The fewest units a record must match.
        at_least: usize,
    },
}

/// The score a graded unit's tier constant is a multiple of: above any BM25 score a record
/// reaches here (they stay below 100 on the bench corpus), so tiers never mix.
pub const TIER: f32 = 1024.0;

/// A built query.
pub struct Built {
    /// The query: what matches, and the base score.
    pub query: Box<dyn Query>,
    /// Clauses that only add to the score of records `query` matches anyway (the proximity
    /// boost; concept phrases holding every word typed), each a term or phrase query. They
    /// read positions, the costliest part of a search, so they score only the best matches
    /// (see `query::Searchable`).
    pub boosts: Vec<Box<dyn Query>>,
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

/// The clauses of one alternative, each at its weight.
fn clauses(fields: &Fields, alternative: &Alternative) -> Vec<(Occur, Box<dyn Query>)> {
    let both = |t: &Terms, weight: f32| -> Vec<(Occur, Box<dyn Query>)> {
        [(fields.body(t.lang), weight), (fields.head(t.lang), weight * HEAD_BOOST)]
            .into_iter()
            .filter_map(|(f, w)| positioned_query(f, t).map(|q| boosted(q, w)))
            .collect()
    };
    match alternative {
        Alternative::Typed(_) => vec![(Occur::Should, Box::new(BooleanQuery::new(typed_clauses(fields, alternative))))],
        Alternative::AllWords(t) => {
            let all = t
                .terms
                .iter()
                .map(|(_, term)| {
                    let one = Terms { lang: t.lang, terms: vec![(0, term.clone())] };
                    (Occur::Must, Box::new(BooleanQuery::new(both(&one, 1.0))) as Box<dyn Query>)
                })
                .collect();
            vec![(Occur::Should, Box::new(BooleanQuery::new(all)))]
        }
        Alternative::Entity(id) => {
            let entity = TermQuery::new(Term::from_field_text(fields.entity, id), IndexRecordOption::WithFreqs);
            let defines = TermQuery::new(Term::from_field_text(fields.defines, id), IndexRecordOption::Basic);
            vec![boosted(Box::new(entity), alternative.weight()), boosted(Box::new(defines), DEFINES_WEIGHT)]
        }
        Alternative::Concept(t) | Alternative::Cognate(t) | Alternative::Translation(t) | Alternative::Mined(t) => {
            both(t, alternative.weight())
        }
        Alternative::Acronym(t) | Alternative::Typo(t, _) => {
            positioned_query(fields.body(t.lang), t).map(|q| boosted(q, alternative.weight())).into_iter().collect()
        }
    }
}

/// The clauses of a [`Alternative::Typed`]: each language's body and heading (none for any
/// other alternative).
fn typed_clauses(fields: &Fields, alternative: &Alternative) -> Vec<(Occur, Box<dyn Query>)> {
    let Alternative::Typed(per_lang) = alternative else { return Vec::new() };
    let both = |t: &Terms| {
        [(fields.body(t.lang), 1.0), (fields.head(t.lang), HEAD_BOOST)]
            .into_iter()
            .filter_map(|(f, w)| positioned_query(f, t).map(|q| boosted(q, w)))
            .collect::<Vec<_>>()
    };
    per_lang.iter().flat_map(both).collect()
}

fn positioned_query(field: Field, t: &Terms) -> Option<Box<dyn Query>> {
    let positioned: Vec<(usize, &str)> = t.terms.iter().map(|(p, s)| (*p, s.as_str())).collect();
    terms_query(field, t.lang, &positioned)
}

/// The query of each unit of `plan`: what a record must match for the unit to count.
pub fn unit_queries(fields: &Fields, plan: &Plan) -> Vec<Box<dyn Query>> {
    plan.units
        .iter()
        .map(|alternatives| {
            // what was typed, when it comes first, joins the unit's union instead of being a
            // union of its own inside it: a union sums its clauses' scores in order, from zero,
            // so the scores are the same to the bit, and each match is not buffered twice (perf:
            // a nested union's buffers and calls were about a tenth of a broad query's time)
            let any = alternatives
                .iter()
                .enumerate()
                .flat_map(|(i, a)| match a {
                    Alternative::Typed(_) if i == 0 => typed_clauses(fields, a),
                    _ => clauses(fields, a),
                })
                .collect();
            Box::new(BooleanQuery::new(any)) as Box<dyn Query>
        })
        .collect()
}

/// Builds the query of `plan`, its units combined as `matching` says, filtered by `filters`
/// and by `condition` (already resolved, see [`Condition::resolve`]).
pub fn build(
    fields: &Fields,
    plan: &Plan,
    filters: &Filters,
    condition: Option<&Condition>,
    matching: &Matching,
) -> Built {
    let mut top: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    let matched = unit_queries(fields, plan);
    if matched.is_empty() {
        top.push((Occur::Must, Box::new(AllQuery)));
    } else {
        let words: Box<dyn Query> = match matching {
            Matching::All => Box::new(BooleanQuery::new(matched.into_iter().map(|c| (Occur::Must, c)).collect())),
            Matching::Graded { tiers, at_least } => {
                let graded = matched
                    .into_iter()
                    .zip(tiers.iter().chain(std::iter::repeat(&0.0)))
                    .map(|(unit, &tier)| {
                        let mark: Box<dyn Query> = Box::new(ConstScoreQuery::new(unit.box_clone(), tier));
                        let both = BooleanQuery::new(vec![(Occur::Should, unit), (Occur::Should, mark)]);
                        (Occur::Should, Box::new(both) as Box<dyn Query>)
                    })
                    .collect();
                Box::new(BooleanQuery::with_minimum_required_clauses(graded, *at_least))
            }
        };
        // several units that together name a concept ("trata de personas") also match the
        // concept's other terms, as a whole
        let whole: Vec<_> = plan.whole.iter().flat_map(|a| clauses(fields, a)).collect();
        if whole.is_empty() {
            top.push((Occur::Must, words));
        } else {
            let mut any = vec![(Occur::Should, words)];
            any.extend(whole);
            top.push((Occur::Must, Box::new(BooleanQuery::new(any))));
        }
    }
    let mut boosts: Vec<Box<dyn Query>> = plan.boosts.iter().flat_map(|a| clauses(fields, a)).map(|(_, q)| q).collect();
    boosts.extend(plan.proximity.iter().map(|t| proximity(fields, t)));
    for ex in &plan.exclude {
        top.push((Occur::MustNot, Box::new(BooleanQuery::new(clauses(fields, ex)))));
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
    if let Some(c) = condition {
        top.push((Occur::Must, Box::new(BoostQuery::new(condition_query(fields, c), 0.0))));
    }
    Built { query: Box::new(BooleanQuery::new(top)), boosts }
}

/// The query of a filter condition: term queries on the dimension fields, combined as the
/// condition says. A negation matches everything but its condition (tantivy's boolean query
/// with only excluded clauses matches nothing).
fn condition_query(fields: &Fields, c: &Condition) -> Box<dyn Query> {
    let term = |dim: Dimension, v: &str| -> Box<dyn Query> {
        Box::new(TermQuery::new(Term::from_field_text(fields.dimension(dim), v), IndexRecordOption::Basic))
    };
    let all = |cs: Vec<Box<dyn Query>>, occur: Occur| -> Box<dyn Query> {
        Box::new(BooleanQuery::new(cs.into_iter().map(|q| (occur, q)).collect()))
    };
    match c {
        Condition::Is(dim, v) => term(*dim, v),
        Condition::Years(lo, hi) => {
            let (lo, hi) = (lo.unwrap_or(*YEARS.start()), hi.unwrap_or(*YEARS.end()));
            all((lo..=hi).map(|y| term(Dimension::Year, &y.to_string())).collect(), Occur::Should)
        }
        Condition::Exists(dim) => {
            Box::new(tantivy::query::ExistsQuery::new(crate::index::schema::dimension_field(*dim), false))
        }
        Condition::Not(inner) => Box::new(BooleanQuery::new(vec![
            (Occur::Must, Box::new(AllQuery)),
            (Occur::MustNot, condition_query(fields, inner)),
        ])),
        Condition::And(cs) if cs.is_empty() => Box::new(AllQuery),
        Condition::And(cs) => all(cs.iter().map(|c| condition_query(fields, c)).collect(), Occur::Must),
        Condition::Or(cs) => all(cs.iter().map(|c| condition_query(fields, c)).collect(), Occur::Should),
    }
}

/// The boost for records where the typed words of one language stand close together.
fn proximity(fields: &Fields, t: &Terms) -> Box<dyn Query> {
    let base = t.terms[0].0;
    let offsets = t.terms.iter().map(|(p, s)| (p - base, Term::from_field_text(fields.body(t.lang), s))).collect();
    let phrase = PhraseQuery::new_with_offset_and_slop(offsets, PROXIMITY_SLOP);
    Box::new(BoostQuery::new(Box::new(phrase), PROXIMITY_BOOST))
}
