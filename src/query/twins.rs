//! Twin documents at query time: the records of a report's translation join the results below
//! the records they translate (see [`Searchable::add_twins`]); the twins themselves are linked
//! at commit (`index::manifest::link_twins`).

use std::collections::BTreeMap;

use tantivy::collector::DocSetCollector;
use tantivy::{DocAddress, Searcher};

use super::build;
use super::condition::Condition;
use super::{expand, graded_matching, Filters, SearchRequest, Searchable};
use crate::error::Result;
use crate::model::Dimension;

/// What a search's query is made of: its plan, filters and condition.
#[derive(Clone, Copy)]
pub(super) struct Scope<'a> {
    pub plan: &'a expand::Plan,
    pub filters: &'a Filters,
    pub condition: Option<&'a Condition>,
}

/// A search matching fewer records than this brings their twins along (see `add_twins`):
/// a query that matches more finds the records of both languages by itself, and the twins'
/// lookups would only cost time (the extra pass without the language filter doubled the time
/// of broad filtered queries on the bench corpus).
pub(super) const TWINS_BELOW: usize = 100;

/// The best matches whose twins (the same record in the translation) join the results.
const TWIN_SOURCES: usize = 30;

/// A twin's score, in parts of its source's: below the record that matched, above most else.
const TWIN_WEIGHT: f32 = 0.5;

impl Searchable {
    /// Adds to `best` the twins (the same record in the document's translation) of its best
    /// matches, below their sources, and ranks them with the rest: a record in one language
    /// brings its translation along, so that a name only one language's report uses finds the
    /// other's record too. With a language filter, the sources are the best matches in the other
    /// language (found by the same query without that filter), so a Spanish name finds the
    /// English record. A twin must pass the query's filters and exclusions. Returns the records
    /// added (they rank, but are not counted in the total and the facets, which count the
    /// records the query itself matches).
    pub(super) fn add_twins(
        &self,
        searcher: &Searcher,
        scope: &Scope<'_>,
        req: &SearchRequest,
        best: &mut Vec<(f32, DocAddress)>,
        ranks: Option<&[usize]>,
    ) -> Result<Vec<DocAddress>> {
        let Scope { plan, filters, condition } = *scope;
        if !self.has_twins {
            return Ok(Vec::new());
        }
        let tables = self.tables()?;
        let lang_filter = filters.iter().find(|(d, _)| *d == Dimension::Lang).map(|(_, v)| v.clone());
        let sources: Vec<(f32, DocAddress)> = match &lang_filter {
            None => best.iter().take(TWIN_SOURCES).copied().collect(),
            Some(langs) => {
                let others: Filters = filters.iter().filter(|(d, _)| *d != Dimension::Lang).cloned().collect();
                let matching = ranks.map_or(build::Matching::All, |r| graded_matching(r, 1));
                let built = build::build(&self.fields, plan, &others, condition, &matching);
                let wide = SearchRequest { offset: 0, limit: TWIN_SOURCES, ..req.clone() };
                let (_, _, found) =
                    self.collect(searcher, &built, &wide, true, ranks.is_some().then_some(build::TIER))?;
                let lang_of =
                    |a: &DocAddress| tables[a.segment_ord as usize].value(a.doc_id, Dimension::Lang).map(String::from);
                found
                    .into_iter()
                    .filter(|(_, a)| lang_of(a).is_some_and(|l| !langs.contains(&l)))
                    .take(TWIN_SOURCES)
                    .collect()
            }
        };
        let mut seqs: BTreeMap<u32, tantivy::columnar::Column<u64>> = BTreeMap::new();
        let mut wanted: Vec<(f32, String, usize)> = Vec::new();
        for (score, addr) in sources {
            let Some(doc) = tables[addr.segment_ord as usize].value(addr.doc_id, Dimension::Doc) else { continue };
            let column = match seqs.entry(addr.segment_ord) {
                std::collections::btree_map::Entry::Occupied(e) => e.into_mut(),
                std::collections::btree_map::Entry::Vacant(e) => {
                    e.insert(searcher.segment_reader(addr.segment_ord).fast_fields().u64("seq")?)
                }
            };
            let seq = column.first(addr.doc_id).unwrap_or(0) as usize;
            if let Some((twin, at)) = self.manifest.twin_of(doc, seq) {
                // a ranks.is_some() score keeps its tier: only the part within it is weighed down
                let tier = if ranks.is_some() { (score / build::TIER).floor() * build::TIER } else { 0.0 };
                wanted.push((tier + (score - tier) * TWIN_WEIGHT, twin.to_string(), at));
            }
        }
        let passes = self.passes(searcher, scope)?;
        let mut added = Vec::new();
        for (score, doc, seq) in wanted {
            let Some(addr) = self.address_of(searcher, &doc, seq, &mut seqs)? else { continue };
            if !passes_at(searcher, &*passes, addr)? {
                continue;
            }
            match best.iter_mut().find(|(_, a)| *a == addr) {
                Some(found) => found.0 = found.0.max(score),
                None => {
                    best.push((score, addr));
                    added.push(addr);
                }
            }
        }
        best.sort_unstable_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        Ok(added)
    }

    /// What a record the query's words did not find must pass to join the results (a twin, a
    /// twin shown under its hit): the query's filters, condition and exclusions.
    pub(super) fn passes(&self, searcher: &Searcher, scope: &Scope<'_>) -> Result<Box<dyn tantivy::query::Weight>> {
        let only_words_dropped = expand::Plan { exclude: scope.plan.exclude.clone(), ..expand::Plan::default() };
        let query =
            build::build(&self.fields, &only_words_dropped, scope.filters, scope.condition, &build::Matching::All)
                .query;
        Ok(query.weight(tantivy::query::EnableScoring::disabled_from_searcher(searcher))?)
    }

    /// Where record `seq` of `doc` is.
    pub(super) fn address_of(
        &self,
        searcher: &Searcher,
        doc: &str,
        seq: usize,
        seqs: &mut BTreeMap<u32, tantivy::columnar::Column<u64>>,
    ) -> Result<Option<DocAddress>> {
        let term = tantivy::Term::from_field_text(self.fields.doc, doc);
        let query = tantivy::query::TermQuery::new(term, tantivy::schema::IndexRecordOption::Basic);
        for addr in searcher.search(&query, &DocSetCollector)? {
            let column = match seqs.entry(addr.segment_ord) {
                std::collections::btree_map::Entry::Occupied(e) => e.into_mut(),
                std::collections::btree_map::Entry::Vacant(e) => {
                    e.insert(searcher.segment_reader(addr.segment_ord).fast_fields().u64("seq")?)
                }
            };
            if column.first(addr.doc_id) == Some(seq as u64) {
                return Ok(Some(addr));
            }
        }
        Ok(None)
    }
}

/// Whether the record at `addr` passes `passes` (see [`Searchable::passes`]).
pub(super) fn passes_at(searcher: &Searcher, passes: &dyn tantivy::query::Weight, addr: DocAddress) -> Result<bool> {
    let mut scorer = passes.scorer(searcher.segment_reader(addr.segment_ord), 1.0)?;
    // a fresh scorer stands on its first match, which may lie past the record already
    let at = tantivy::DocSet::doc(&scorer);
    let at = if at < addr.doc_id { tantivy::DocSet::seek(&mut scorer, addr.doc_id) } else { at };
    Ok(at == addr.doc_id)
}
