//! Query: a [`SearchRequest`] → a [`SearchResponse`] (the `--json` contract of DESIGN.md).
//!
//! Parse leniently, resolve filter aliases (`--mechanism CSM` is SACM), build the query, rank
//! with BM25 plus heading and proximity boosts, count facets over every match (not only the
//! page), and cut snippets for the page shown only. With filters and no words, records are
//! listed in document order (faceted browsing).

pub mod build;
pub mod facets;
pub mod gather;
pub mod parse;
pub mod snippet;

use std::collections::{BTreeMap, HashSet};
use std::sync::{Arc, OnceLock};
use std::time::Instant;

use serde::{Deserialize, Serialize};
use tantivy::collector::DocSetCollector;
use tantivy::schema::Value;
use tantivy::{DocAddress, Index, IndexReader, ReloadPolicy, Searcher, TantivyDocument};

use crate::error::{Error, Result};
use crate::index::schema::{Fields, FACETS};
pub use crate::index::schema::{ENTITY_FACET, PRIMARY_FACET};
use crate::index::StoredRecord;
use crate::model::Lang;

/// What to search for.
#[derive(Debug, Clone, Default)]
pub struct SearchRequest {
    /// The user's query text (may be empty when filters are given).
    pub query: String,
    /// Hits per page.
    pub limit: usize,
    /// Hits to skip.
    pub offset: usize,
    /// Facet filters: dimension → accepted values (any alias). AND across, OR within.
    pub filters: Vec<(String, Vec<String>)>,
    /// Expand entities, thesaurus concepts and typos (on by default in the CLI).
    pub expand: bool,
    /// At most this many values per facet dimension, the most frequent; `None`: every value.
    /// Like Solr's `facet.limit` and Meilisearch's `maxValuesPerFacet` (both 100 by default):
    /// a broad query over thousands of files would otherwise list every file name.
    pub facet_limit: Option<usize>,
}

/// Facet values per dimension in a response unless asked otherwise (`search --facet-limit`).
pub const DEFAULT_FACET_LIMIT: usize = 100;

/// One hit, as printed by `--json`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Hit {
    /// Record id, for `consulta show`.
    pub id: String,
    /// Source file.
    pub doc: String,
    /// Document title.
    pub title: String,
    /// Section heading.
    pub heading: String,
    /// Section kind.
    pub kind: String,
    /// Session label, if any.
    pub session: Option<String>,
    /// Canonical mechanism ids.
    pub mechanisms: Vec<String>,
    /// Countries named.
    pub countries: Vec<String>,
    /// Language of the record.
    pub lang: String,
    /// Document year.
    pub year: Option<u32>,
    /// Relevance score (0 when listing by document order).
    pub score: f32,
    /// Highlighted snippet (`<mark>`, HTML-escaped).
    pub snippet: String,
    /// The record's whole cleaned text.
    pub text: String,
    /// For practices and footnotes: the id of the section they belong to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    /// For roadmaps: theme, subtopics, objectives, outcomes and indicators.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub roadmap: Option<crate::model::Roadmap>,
}

/// A search's result: the contract of `search --json` and of the future HTTP API.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SearchResponse {
    /// The query as typed.
    pub query: String,
    /// Matching records in all.
    pub total: usize,
    /// Search time in milliseconds.
    pub took_ms: f64,
    /// The page of hits.
    pub hits: Vec<Hit>,
    /// Counts per facet value over every match: dimension → value → count.
    pub facets: BTreeMap<String, BTreeMap<String, u64>>,
    /// The expansions that fired (entity, concept, typo), so users see why a record matched.
    pub expansions: Vec<build::Expansion>,
}

pub use facets::Counts;

/// Segments of at least this many records are worth a thread of their own: on the shipped
/// corpus (two segments of about 110 records) threads made searches slower, on the 100 MB bench
/// corpus (two of about 58,000) they cut broad queries by a third.
const PARALLEL_SEGMENT_DOCS: u32 = 10_000;

/// How many of the best matches the boosts of a query rescore (see [`build::Built::boosts`]).
const RESCORE_WINDOW: usize = 200;

/// What one collection pass yields: total, facet counts, the ranked page.
type Pass = (usize, Counts, Vec<(f32, DocAddress)>);

/// An open index ready to search: one searcher over the last commit, reused for every query.
pub struct Searchable {
    /// The index.
    pub index: Index,
    searcher: Searcher,
    /// Per segment, the facet ordinals and priors every search reads (built on first use).
    tables: OnceLock<Vec<Arc<facets::SegmentTables>>>,
    fields: Fields,
    /// Acronyms the corpus defines beyond the glossary: acronym → spelled-out names.
    mined: std::collections::HashMap<String, Vec<String>>,
}

impl Searchable {
    /// Wraps an opened index and its manifest (see [`crate::index::open`]).
    /// An index of several large segments is searched one segment per core at once, as
    /// Lucene's searcher with an executor does; a small index stays on the calling thread,
    /// where handing work to other threads would cost more than it saves.
    pub fn new(mut index: Index, manifest: &crate::index::manifest::Manifest) -> Result<Searchable> {
        let fields = Fields::from_schema(&index.schema())?;
        let large = index.searchable_segment_metas()?.iter().filter(|s| s.max_doc() >= PARALLEL_SEGMENT_DOCS).count();
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        if large > 1 && cores > 1 {
            index.set_multithread_executor(large.min(cores))?;
        }
        let reader: IndexReader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?;
        let mined = manifest.mined_names();
        Ok(Searchable { index, searcher: reader.searcher(), tables: OnceLock::new(), fields, mined })
    }

    fn searcher(&self) -> Searcher {
        self.searcher.clone()
    }

    fn tables(&self) -> Result<Vec<Arc<facets::SegmentTables>>> {
        if let Some(tables) = self.tables.get() {
            return Ok(tables.clone());
        }
        let read = self
            .searcher
            .segment_readers()
            .iter()
            .map(|r| facets::SegmentTables::read(r, &FACETS).map(Arc::new))
            .collect::<Result<Vec<_>>>()?;
        Ok(self.tables.get_or_init(|| read).clone())
    }

    /// Runs a search.
    pub fn search(&self, req: &SearchRequest) -> Result<SearchResponse> {
        let started = Instant::now();
        let parsed = parse::parse(&req.query);
        let mut filters = facets::resolve_filters(&req.filters)?;
        filters.extend(facets::resolve_filters(
            &parsed.filters.iter().map(|(d, v)| (d.clone(), vec![v.clone()])).collect::<Vec<_>>(),
        )?);
        let has_text = build::has_text(&parsed);
        if !has_text && filters.is_empty() && parsed.exclude.is_empty() {
            return Err(Error::Usage(if req.query.trim().is_empty() {
                "nothing to search: give words to search for, or filters such as --kind session".into()
            } else {
                format!("query {:?} has only stop words or punctuation; add a content word", req.query)
            }));
        }
        let searcher = self.searcher();
        // one pass counts, facets and ranks; a query whose words never meet in one record is
        // run again asking for any of its words
        let vocabulary = IndexVocabulary(&searcher);
        let mut built = build::build(&self.fields, &parsed, &filters, false, req.expand, &vocabulary, &self.mined);
        let mut pass = self.collect(&searcher, &built, req, has_text)?;
        if pass.0 == 0 && parsed.include.len() > 1 {
            built = build::build(&self.fields, &parsed, &filters, true, req.expand, &vocabulary, &self.mined);
            pass = self.collect(&searcher, &built, req, has_text)?;
        }
        let query = built.query;
        let (total, facet_counts, mut page) = pass;
        if !has_text {
            page = self.in_document_order(&searcher, &*query, req)?;
        }
        let mut terms = highlight_terms(&parsed);
        for e in built.expansions.iter().filter(|e| e.kind == "typo") {
            for set in terms.values_mut() {
                set.extend(e.to.iter().cloned());
            }
        }
        let hits = page
            .into_iter()
            .map(|(score, addr)| {
                let rec = self.record(&searcher, addr)?;
                Ok(to_hit(rec, score, &terms))
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(SearchResponse {
            query: req.query.clone(),
            total,
            took_ms: (started.elapsed().as_secs_f64() * 10_000.0).round() / 10.0,
            hits,
            facets: facet_counts,
            expansions: built.expansions,
        })
    }

    /// Count, facet counts and (when ranking) the page of top hits, in one pass; then the
    /// boosts of `built` rescore the best [`RESCORE_WINDOW`] matches.
    fn collect(&self, searcher: &Searcher, built: &build::Built, req: &SearchRequest, ranked: bool) -> Result<Pass> {
        let page_end = req.offset + req.limit;
        let keep = match (ranked && req.limit > 0, built.boosts.is_empty()) {
            (false, _) => 0,
            (true, true) => page_end,
            (true, false) => page_end.max(RESCORE_WINDOW),
        };
        let tables = self.tables()?;
        let gather =
            gather::Gather { dims: FACETS.to_vec(), tables: tables.clone(), keep, facet_limit: req.facet_limit };
        let gathered = searcher.search(&*built.query, &gather)?;
        let mut best = gathered.best;
        if !built.boosts.is_empty() && !best.is_empty() {
            self.rescore(searcher, &built.boosts, &tables, &mut best)?;
        }
        let page = best.into_iter().skip(req.offset).take(req.limit).collect();
        Ok((gathered.total, gathered.counts, page))
    }

    /// Adds the score of `boosts` (weighted by each record's prior, like the base score) to the
    /// scored matches of `best`, and sorts them again.
    fn rescore(
        &self,
        searcher: &Searcher,
        boosts: &[Box<dyn tantivy::query::Query>],
        tables: &[Arc<facets::SegmentTables>],
        best: &mut [(f32, DocAddress)],
    ) -> Result<()> {
        use tantivy::query::EnableScoring;
        use tantivy::{DocSet, SeekDangerResult};
        let mut order: Vec<usize> = (0..best.len()).collect();
        order.sort_unstable_by_key(|&i| best[i].1);
        for boost in boosts {
            let weight = boost.weight(EnableScoring::enabled_from_searcher(searcher))?;
            // each boost is tested at each candidate only: `seek` would read positions up to
            // the boost's next match, `seek_danger` stops at the candidate
            let mut scorer: Option<(u32, Box<dyn tantivy::query::Scorer>, tantivy::DocId)> = None;
            for &i in &order {
                let DocAddress { segment_ord, doc_id } = best[i].1;
                if scorer.as_ref().is_none_or(|(s, _, _)| *s != segment_ord) {
                    let fresh = weight.scorer(searcher.segment_reader(segment_ord), 1.0)?;
                    let first = fresh.doc();
                    scorer = Some((segment_ord, fresh, first));
                }
                let Some((_, s, lower)) = scorer.as_mut() else { continue };
                if doc_id < *lower {
                    continue; // below where its next match can be
                }
                match s.seek_danger(doc_id) {
                    SeekDangerResult::Found => {
                        let prior = f32::from(tables[segment_ord as usize].prior(doc_id)) / 100.0;
                        best[i].0 += s.score() * prior;
                        *lower = doc_id + 1;
                    }
                    SeekDangerResult::SeekLowerBound(next) => *lower = next,
                }
            }
        }
        best.sort_unstable_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        Ok(())
    }

    /// Every match, sorted by (document, position in document), then paged.
    fn in_document_order(
        &self,
        searcher: &Searcher,
        query: &dyn tantivy::query::Query,
        req: &SearchRequest,
    ) -> Result<Vec<(f32, DocAddress)>> {
        let tables = self.tables()?;
        let all = searcher.search(query, &DocSetCollector)?;
        let mut keyed = Vec::with_capacity(all.len());
        let mut seqs = BTreeMap::new();
        for addr in all {
            let seq = match seqs.entry(addr.segment_ord) {
                std::collections::btree_map::Entry::Occupied(e) => e.into_mut(),
                std::collections::btree_map::Entry::Vacant(e) => {
                    e.insert(searcher.segment_reader(addr.segment_ord).fast_fields().u64("seq")?)
                }
            };
            let name = tables[addr.segment_ord as usize].value(addr.doc_id, "doc").unwrap_or_default();
            keyed.push(((name, seq.first(addr.doc_id).unwrap_or(0)), addr));
        }
        keyed.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        Ok(keyed.into_iter().skip(req.offset).take(req.limit).map(|(_, a)| (0.0, a)).collect())
    }

    fn record(&self, searcher: &Searcher, addr: DocAddress) -> Result<StoredRecord> {
        let doc: TantivyDocument = searcher.doc(addr)?;
        let json = doc
            .get_first(self.fields.record)
            .and_then(|v| v.as_str())
            .ok_or_else(|| Error::Index("a record without stored JSON".into()))?;
        serde_json::from_str(json).map_err(|e| Error::Index(format!("unreadable stored record: {e}")))
    }

    /// How many records match `filters` (any alias accepted), and their counts per value of
    /// each dimension in `dims` (visible or hidden, such as `entity`).
    pub fn profile(&self, filters: &[(String, Vec<String>)], dims: &[&'static str]) -> Result<(usize, Counts)> {
        let filters = facets::resolve_filters(filters)?;
        let query = build::build(
            &self.fields,
            &parse::ParsedQuery::default(),
            &filters,
            false,
            false,
            &IndexVocabulary(&self.searcher),
            &self.mined,
        )
        .query;
        // tables of these dimensions for this call only: a search never counts the hidden ones
        let searcher = self.searcher();
        let tables = searcher
            .segment_readers()
            .iter()
            .map(|r| facets::SegmentTables::read(r, dims).map(Arc::new))
            .collect::<Result<_>>()?;
        let gathered =
            searcher.search(&*query, &gather::Gather { dims: dims.to_vec(), tables, keep: 0, facet_limit: None })?;
        Ok((gathered.total, gathered.counts))
    }

    /// The records of one document in order, or the one record with `id`.
    pub fn records(&self, id_or_doc: &str) -> Result<Vec<StoredRecord>> {
        let searcher = self.searcher();
        // a record id is its document's name (without extension), `#` and its slug: the
        // record is found among its document's
        let (doc, id) = match id_or_doc.split_once('#') {
            Some((doc, _)) => (doc, Some(id_or_doc)),
            None => (id_or_doc, None),
        };
        let term = tantivy::Term::from_field_text(self.fields.doc, &self.resolve_doc(&searcher, doc)?);
        let query = tantivy::query::TermQuery::new(term, tantivy::schema::IndexRecordOption::Basic);
        let req = SearchRequest { limit: usize::MAX, ..SearchRequest::default() };
        let addrs = self.in_document_order(&searcher, &query, &req)?;
        let records = addrs.into_iter().map(|(_, a)| self.record(&searcher, a));
        records.filter(|r| r.as_ref().map_or(true, |r| id.is_none_or(|id| r.section.id == id))).collect()
    }

    /// A document given by file name, with or without extension.
    fn resolve_doc(&self, searcher: &Searcher, name: &str) -> Result<String> {
        for candidate in [name.to_string(), format!("{name}.txt"), format!("{name}.md")] {
            let term = tantivy::Term::from_field_text(self.fields.doc, &candidate);
            if searcher.doc_freq(&term)? > 0 {
                return Ok(candidate);
            }
        }
        Ok(name.to_string())
    }
}

/// The words of the index as the query builder asks for them (see [`build::Vocabulary`]).
struct IndexVocabulary<'s>(&'s Searcher);

impl build::Vocabulary for IndexVocabulary<'_> {
    fn has(&self, field: tantivy::schema::Field, term: &str) -> bool {
        self.0.doc_freq(&tantivy::Term::from_field_text(field, term)).is_ok_and(|n| n > 0)
    }

    fn near(&self, field: tantivy::schema::Field, term: &str, distance: u8) -> Vec<(String, u64)> {
        let fuzzy = tantivy::query::FuzzyTermQuery::new(tantivy::Term::from_field_text(field, term), distance, true);
        let (Ok(automaton), Some(first)) = (fuzzy.automaton(), term.chars().next()) else { return Vec::new() };
        let mut from = [0u8; 4];
        let from = first.encode_utf8(&mut from).as_bytes();
        let upper = [from, &[0xFF]].concat();
        let mut counts: BTreeMap<String, u64> = BTreeMap::new();
        for segment in self.0.segment_readers() {
            let Ok(inverted) = segment.inverted_index(field) else { continue };
            let Ok(mut stream) = inverted.terms().search(&automaton).ge(from).lt(&upper).into_stream() else {
                continue;
            };
            while stream.advance() {
                if let Ok(t) = std::str::from_utf8(stream.key()) {
                    *counts.entry(t.to_string()).or_insert(0) += u64::from(stream.value().doc_freq);
                }
            }
        }
        counts.into_iter().collect()
    }
}

/// Analyzed terms of the positive clauses, per language, for highlighting.
fn highlight_terms(q: &parse::ParsedQuery) -> BTreeMap<Lang, HashSet<String>> {
    Lang::ALL
        .into_iter()
        .map(|lang| {
            let terms = q.include.iter().flat_map(|c| build::clause_terms(c.text(), lang)).map(|t| t.text).collect();
            (lang, terms)
        })
        .collect()
}

fn to_hit(rec: StoredRecord, score: f32, terms: &BTreeMap<Lang, HashSet<String>>) -> Hit {
    let snippet = snippet::snippet(&rec.section.text, rec.section.lang, &terms[&rec.section.lang]);
    Hit { score: (score * 1000.0).round() / 1000.0, snippet, ..Hit::from(rec) }
}

impl From<StoredRecord> for Hit {
    /// The hit fields of a stored record, unscored and without a snippet.
    fn from(rec: StoredRecord) -> Hit {
        let s = rec.section;
        Hit {
            id: s.id,
            doc: rec.doc,
            title: rec.title,
            heading: s.heading,
            kind: s.kind.name().to_string(),
            session: s.session,
            mechanisms: s.mechanisms,
            countries: s.countries,
            lang: s.lang.code().to_string(),
            year: rec.year,
            score: 0.0,
            snippet: String::new(),
            text: s.text,
            parent: s.parent,
            roadmap: s.roadmap,
        }
    }
}

/// Every facet dimension, for callers that print them in order.
pub const FACET_DIMENSIONS: [&str; 8] = FACETS;
