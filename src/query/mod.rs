//! Query: a [`SearchRequest`] → a [`SearchResponse`] (the `--json` contract of DESIGN.md).
//!
//! Parse leniently, resolve filter aliases (`--mechanism CSM` is SACM), build the query, rank
//! with BM25 plus heading and proximity boosts, count facets over every match (not only the
//! page), and cut snippets for the page shown only. With filters and no words, records are
//! listed in document order (faceted browsing).

pub mod build;
pub mod condition;
pub mod expand;
pub mod facets;
pub mod gather;
mod group;
mod mined;
pub mod parse;
mod sessions;
pub mod snippet;
mod twins;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, OnceLock, RwLock};
use std::time::Instant;

use serde::{Deserialize, Serialize};
use tantivy::collector::DocSetCollector;
use tantivy::schema::Value;
use tantivy::{DocAddress, Index, IndexReader, ReloadPolicy, Searcher, TantivyDocument};

pub use condition::Condition;
pub use expand::{Expansion, ExpansionKind};
pub use facets::{Counts, Filters};
pub use group::Also;

use crate::error::{Error, Result};
use crate::index::schema::Fields;
use crate::index::stored::Stored;
use crate::model::{Dimension, Lang, Record};

/// What to search for: the request of `consulta search`, of `GET /api/search` and of every
/// caller of [`crate::Engine::search`]. Built with named fields or the builder methods, or
/// deserialized (`{"query": "remesas", "filters": {"mechanism": ["CSM"]}}`; `q` is accepted for
/// `query`, and every field has its default).
///
/// ```
/// use consulta::{Dimension, SearchRequest};
/// let req = SearchRequest::new("trata de personas").limit(5).filter(Dimension::Mechanism, "CSM");
/// assert_eq!(req.filters[&Dimension::Mechanism], ["CSM"]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SearchRequest {
    /// The user's query text (may be empty when filters are given).
    #[serde(alias = "q")]
    pub query: String,
    /// Hits per page (10 by default).
    pub limit: usize,
    /// Hits to skip.
    pub offset: usize,
    /// Facet filters: dimension → accepted values (any alias). AND across, OR within.
    pub filters: BTreeMap<Dimension, Vec<String>>,
    /// Expand entities, thesaurus concepts and typos (on by default).
    pub expand: bool,
    /// At most this many values per facet dimension, the most frequent; `None`: every value.
    /// Like Solr's `facet.limit` and Meilisearch's `maxValuesPerFacet` (both 100 by default):
    /// a broad query over thousands of files would otherwise list every file name.
    pub facet_limit: Option<usize>,
    /// A boolean filter beyond `filters` (ANDed with them), for clients that send filter
    /// expressions (the Meilisearch surface of `consulta serve`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub condition: Option<Condition>,
    /// With no words and no filters, list every record (a "placeholder search") instead of
    /// refusing the request as empty.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub browse: bool,
    /// The order of the hits: by relevance (the default) or by year.
    #[serde(skip_serializing_if = "Order::is_relevance")]
    pub order: Order,
    /// Only records holding every word (under any of its expansions): no graded matching when
    /// few records do (see [`RELAX_BELOW`]), and no twins brought along (a twin may lack the
    /// words). Meilisearch's `matchingStrategy: all`.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub every_word: bool,
    /// A record and its twin (the same record in the report's translation) are one hit, the
    /// other under `also` (on by default; `consulta search --no-group` turns it off). How
    /// `total`, facets and paging count then: see `query::group`.
    #[serde(skip_serializing_if = "is_true")]
    pub group: bool,
}

fn is_true(b: &bool) -> bool {
    *b
}

/// The order of a search's hits.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Order {
    /// Best match first (document order when no words are searched).
    #[default]
    Relevance,
    /// Oldest document first; records without a year last; document order within a year.
    YearAsc,
    /// Newest document first; records without a year last; document order within a year.
    YearDesc,
}

impl Order {
    fn is_relevance(&self) -> bool {
        *self == Order::Relevance
    }
}

impl Default for SearchRequest {
    fn default() -> SearchRequest {
        SearchRequest {
            query: String::new(),
            limit: 10,
            offset: 0,
            filters: BTreeMap::new(),
            expand: true,
            facet_limit: Some(DEFAULT_FACET_LIMIT),
            condition: None,
            browse: false,
            order: Order::Relevance,
            every_word: false,
            group: true,
        }
    }
}

impl SearchRequest {
    /// A request for `query` with every default.
    pub fn new(query: impl Into<String>) -> SearchRequest {
        SearchRequest { query: query.into(), ..SearchRequest::default() }
    }

    /// Hits per page.
    pub fn limit(mut self, limit: usize) -> SearchRequest {
        self.limit = limit;
        self
    }

    /// Hits to skip.
    pub fn offset(mut self, offset: usize) -> SearchRequest {
        self.offset = offset;
        self
    }

    /// Adds an accepted value (any alias) of `dim`.
    pub fn filter(mut self, dim: Dimension, value: impl Into<String>) -> SearchRequest {
        self.filters.entry(dim).or_default().push(value.into());
        self
    }

    /// Turns entity, thesaurus and typo expansion on or off.
    pub fn expand(mut self, expand: bool) -> SearchRequest {
        self.expand = expand;
        self
    }

    /// Facet values per dimension (`None`: all).
    pub fn facet_limit(mut self, limit: Option<usize>) -> SearchRequest {
        self.facet_limit = limit;
        self
    }

    /// Twins as one hit (the default) or as two.
    pub fn group(mut self, group: bool) -> SearchRequest {
        self.group = group;
        self
    }
}

/// Facet values per dimension in a response unless asked otherwise (`search --facet-limit`).
pub const DEFAULT_FACET_LIMIT: usize = 100;

/// One hit, as printed by `--json`: the record, its score and its snippet.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Hit {
    /// The record.
    #[serde(flatten)]
    pub record: Record,
    /// Relevance score (0 when listing by document order).
    pub score: f32,
    /// Highlighted snippet (`<mark>`, HTML-escaped).
    pub snippet: String,
    /// The record's twin, the same record in the report's translation, when it belongs to the
    /// results too and the request groups twins: "also in Spanish".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub also: Option<Also>,
}

/// A search's result: the contract of `search --json` and of the HTTP API.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SearchResponse {
    /// The query as typed.
    pub query: String,
    /// Matching records in all, a record and its twin counted once when grouped (see
    /// `query::group`); records brought along (twins, a session's practices) are not counted.
    pub total: usize,
    /// Search time in milliseconds.
    pub took_ms: f64,
    /// The page of hits.
    pub hits: Vec<Hit>,
    /// Counts per facet value over every match: dimension → value → count.
    pub facets: Counts,
    /// The expansions that fired (entity, concept, typo), so users see why a record matched.
    pub expansions: Vec<Expansion>,
    /// Words of the query that some hits shown lack: when few records hold every word, records
    /// missing the least important ones follow them (see `RELAX_BELOW`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub relaxed: Vec<String>,
}

/// Segments of at least this many records are worth a thread of their own: on the shipped
/// corpus (two segments of about 110 records) threads made searches slower, on the 100 MB bench
/// corpus (two of about 58,000) they cut broad queries by a third.
const PARALLEL_SEGMENT_DOCS: u32 = 10_000;

/// A search whose words all meet in fewer records than this (or than the page asks for) is
/// run again graded: records with every word first, then those missing the least important
/// words, in one list (Meilisearch's "last" matching strategy, by importance rather than
/// position). A broad query has enough records with every word and stays as it is.
const RELAX_BELOW: usize = 20;

/// Units that get a tier of their own in graded matching (the tier bits of a score); less
/// important ones add no tier.
const MAX_TIERS: usize = 6;

/// Graded matching for units of importance `ranks`: each of the [`MAX_TIERS`] most important
/// adds a power of two of [`build::TIER`], the most important the largest, so records rank by
/// the set of units they hold, most important first; a record must hold `at_least` of them
/// (half, or one when no record holds half).
fn graded_matching(ranks: &[usize], at_least: usize) -> build::Matching {
    let tiers = ranks
        .iter()
        .map(|&r| if r < MAX_TIERS { build::TIER * f32::from(1u16 << (MAX_TIERS - 1 - r)) } else { 0.0 })
        .collect();
    build::Matching::Graded { tiers, at_least }
}

/// How far a search pages: `offset + limit` at most (Elasticsearch's `max_result_window` is the
/// same), so that nothing a request asks for is allocated beyond it.
pub const MAX_WINDOW: usize = 10_000;

/// How many of the best matches the boosts of a query rescore (see [`build::Built::boosts`]).
const RESCORE_WINDOW: usize = 200;

/// What one collection pass yields: total, facet counts, the ranked page.
type Pass = (usize, Counts, Vec<(f32, DocAddress)>);

/// An open index that follows its commits: each call to [`Reader::current`] answers from the
/// last commit it has seen. tantivy watches `meta.json` and reloads within about half a second
/// of a commit by another process; [`Reader::reload`] sees one at once.
pub struct Reader {
    index: Index,
    /// The index folder, where each commit's manifest is read from.
    dir: std::path::PathBuf,
    reader: IndexReader,
    current: RwLock<Arc<Searchable>>,
}

impl Reader {
    /// Opens the index in `dir` (see [`crate::index::open`]). An index of several large
    /// segments is searched one segment per core at once, as Lucene's searcher with an executor
    /// does; a small index stays on the calling thread, where handing work to other threads
    /// would cost more than it saves.
    pub fn open(dir: &std::path::Path) -> Result<Reader> {
        let (mut index, manifest) = crate::index::open(dir)?;
        let large = index.searchable_segment_metas()?.iter().filter(|s| s.max_doc() >= PARALLEL_SEGMENT_DOCS).count();
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        if large > 1 && cores > 1 {
            index.set_multithread_executor(large.min(cores))?;
        }
        let reader: IndexReader = index.reader_builder().reload_policy(ReloadPolicy::OnCommitWithDelay).try_into()?;
        let searchable = Searchable::new(&index, dir, reader.searcher(), Some(manifest))?;
        Ok(Reader { index, dir: dir.to_path_buf(), reader, current: RwLock::new(Arc::new(searchable)) })
    }

    /// The searchable state of the last commit seen.
    pub fn current(&self) -> Result<Arc<Searchable>> {
        let searcher = self.reader.searcher();
        {
            let current = self.current.read().unwrap_or_else(|e| e.into_inner());
            if current.searcher.generation().segments() == searcher.generation().segments() {
                return Ok(current.clone());
            }
        }
        // a new commit: its facet tables and mined acronyms are read once, by one caller
        let mut current = self.current.write().unwrap_or_else(|e| e.into_inner());
        if current.searcher.generation().segments() != searcher.generation().segments() {
            *current = Arc::new(Searchable::new(&self.index, &self.dir, searcher, None)?);
        }
        Ok(current.clone())
    }

    /// Looks for a new commit now; whether one was found.
    pub fn reload(&self) -> Result<bool> {
        let before = self.current()?;
        self.reader.reload()?;
        Ok(!Arc::ptr_eq(&before, &self.current()?))
    }

    /// The manifest of the last commit seen.
    pub fn manifest(&self) -> Result<Arc<Stored>> {
        Ok(self.current()?.manifest.clone())
    }
}

/// Per segment, its facet tables, and their values in one numbering.
type Tables = (Vec<Arc<facets::SegmentTables>>, Arc<facets::Merged>);

/// One commit, ready to search: its searcher, reused for every query, with the facet tables
/// and mined acronyms of that commit.
pub struct Searchable {
    searcher: Searcher,
    /// Per segment, the facet ordinals and priors every search reads, and their values in one
    /// numbering across segments (built on first use).
    tables: OnceLock<Tables>,
    /// Tables that read the matches' values from the columns (see
    /// [`facets::SegmentTables::columns`]), for the first search of the commit: a process that
    /// searches once does not pay for reading every record. From the second search on, the
    /// full tables are read (a server pays that once, on its second search).
    light: OnceLock<Tables>,
    /// Searches run on this commit so far.
    searches: std::sync::atomic::AtomicUsize,
    fields: Fields,
    /// The commit's manifest: its summary, and its entries read on demand.
    manifest: Arc<Stored>,
    /// Whether some document of the commit has a twin (see `twins`).
    has_twins: bool,
    /// Each record of a document with a twin → its twin record (built on first use, see `group`).
    twin_map: OnceLock<HashMap<DocAddress, DocAddress>>,
}

impl Searchable {
    /// The state of the commit `searcher` reads, whose manifest is `manifest` when the
    /// caller has read it already (else it is read from the index folder `dir`).
    fn new(index: &Index, dir: &std::path::Path, searcher: Searcher, manifest: Option<Stored>) -> Result<Searchable> {
        let fields = Fields::from_schema(&index.schema())?;
        let manifest = match manifest {
            Some(m) => m,
            None => match crate::index::load_manifest(index, dir)? {
                crate::index::Loaded::Current(m) => *m,
                crate::index::Loaded::Missing => Stored::empty(),
                crate::index::Loaded::Layout(v) => {
                    return Err(Error::internal(format!("a commit whose manifest is of layout {v}")))
                }
            },
        };
        let has_twins = manifest.summary.has_twins;
        let twin_map = OnceLock::new();
        Ok(Searchable {
            searcher,
            tables: OnceLock::new(),
            light: OnceLock::new(),
            searches: Default::default(),
            fields,
            manifest: Arc::new(manifest),
            has_twins,
            twin_map,
        })
    }

    /// Records in the commit.
    pub fn num_records(&self) -> u64 {
        self.searcher.num_docs()
    }

    /// Bytes of the index files of the commit.
    pub fn size_bytes(&self) -> Result<u64> {
        let usage = self.searcher.space_usage().map_err(|e| Error::io("<index>", e))?;
        Ok(usage.total().get_bytes())
    }

    fn searcher(&self) -> Searcher {
        self.searcher.clone()
    }

    /// The acronyms the corpus defines beyond the glossary that `parsed` may name, with their
    /// names, looked up in the manifest: expansion looks up a unit's text, and only a unit of
    /// one clause can be an acronym (acronyms have no spaces: see `segment::acronyms`).
    fn mined(&self, parsed: &parse::ParsedQuery) -> expand::Mined {
        let mut mined = expand::Mined::new();
        for clause in &parsed.include {
            let text = clause.text().trim();
            if let Ok(Some(names)) = self.manifest.mined_names(text) {
                mined.insert(text.to_string(), names);
            }
        }
        mined
    }

    fn tables(&self) -> Result<Vec<Arc<facets::SegmentTables>>> {
        Ok(self.tables_and_merged()?.0)
    }

    /// The tables searches read: the full ones once built, else those of the columns for the
    /// commit's first search (see `light`).
    fn tables_and_merged(&self) -> Result<Tables> {
        if let Some(tables) = self.tables.get() {
            return Ok(tables.clone());
        }
        if self.searches.load(std::sync::atomic::Ordering::Relaxed) <= 1 {
            if let Some(tables) = self.light.get() {
                return Ok(tables.clone());
            }
            let read = self
                .searcher
                .segment_readers()
                .iter()
                .map(|r| facets::SegmentTables::columns(r, &Dimension::FACETS).map(Arc::new))
                .collect::<Result<Vec<_>>>()?;
            let merged = Arc::new(facets::Merged::of(&read));
            return Ok(self.light.get_or_init(|| (read, merged)).clone());
        }
        // one segment per core, as the search itself runs (see `Reader::open`): the tables are
        // read from every record, the larger part of a cold search at 25,000 files
        let read = self
            .searcher
            .index()
            .search_executor()
            .map(
                |r| Ok(facets::SegmentTables::read(r, &Dimension::FACETS).map(Arc::new)),
                self.searcher.segment_readers().iter(),
            )?
            .into_iter()
            .collect::<Result<Vec<_>>>()?;
        let merged = Arc::new(facets::Merged::of(&read));
        Ok(self.tables.get_or_init(|| (read, merged)).clone())
    }

    /// Runs a search.
    pub fn search(&self, req: &SearchRequest) -> Result<SearchResponse> {
        let started = Instant::now();
        self.searches.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        if req.offset.checked_add(req.limit).is_none_or(|end| end > MAX_WINDOW) {
            return Err(Error::Usage(format!(
                "--offset {} with --limit {} reaches past the {MAX_WINDOW} best hits a search can page through; \
                 narrow the query or the filters",
                req.offset, req.limit
            )));
        }
        let parsed = parse::parse(&req.query);
        let mut filters = facets::resolve_filters(req.filters.iter().map(|(d, v)| (*d, v.as_slice())))?;
        // a `field:value` of the query is one more filter, ANDed with those of the request
        let typed: Vec<(Dimension, Vec<String>)> = parsed.filters.iter().map(|(d, v)| (*d, vec![v.clone()])).collect();
        filters.extend(facets::resolve_filters(typed.iter().map(|(d, v)| (*d, v.as_slice())))?);
        let tables = self.tables()?;
        facets::check_filters(
            &mut filters,
            |dim, value| tables.iter().any(|t| t.values(dim).any(|v| v == value)),
            |dim| {
                let mut all: Vec<String> = tables.iter().flat_map(|t| t.values(dim)).map(String::from).collect();
                all.sort_unstable();
                all.dedup();
                all
            },
        )?;
        let condition = req.condition.as_ref().map(Condition::resolve).transpose()?;
        let has_text = expand::has_text(&parsed);
        if !has_text && filters.is_empty() && parsed.exclude.is_empty() && condition.is_none() && !req.browse {
            return Err(Error::Usage(no_text(&req.query)));
        }
        let searcher = self.searcher();
        // one pass counts, facets and ranks; a query whose words never meet in one record is
        // run again asking for any of its words
        let vocabulary = IndexVocabulary { searcher: &searcher, fields: &self.fields, searchable: self };
        let plan = expand::expand(&parsed, req.expand, &vocabulary, &self.mined(&parsed));
        let mut built = build::build(&self.fields, &plan, &filters, condition.as_ref(), &build::Matching::All);
        let ranked = has_text && req.order == Order::Relevance;
        let grouping = req.group && self.has_twins;
        // a page of grouped hits may take two records a hit, and the sessions that lead a
        // search about sessions are chosen among the same first matches on every page
        let mut keep_at_least = if grouping { 2 * (req.offset + req.limit) } else { 0 };
        if plan.about_sessions {
            keep_at_least = keep_at_least.max(sessions::KEEP_AT_LEAST);
        }
        let wide;
        let window = if ranked && keep_at_least > req.offset + req.limit {
            wide = SearchRequest { offset: 0, limit: keep_at_least, ..req.clone() };
            &wide
        } else {
            req
        };
        let mut pass = self.collect(&searcher, &built, window, ranked, None)?;
        let mut graded = None;
        if ranked && !req.every_word && pass.0 < RELAX_BELOW.max(req.offset + req.limit) && plan.units.len() > 1 {
            let ranks = self.importance(&searcher, &plan)?;
            for at_least in [ranks.len().div_ceil(2), 1] {
                let matching = graded_matching(&ranks, at_least);
                built = build::build(&self.fields, &plan, &filters, condition.as_ref(), &matching);
                pass = self.collect(&searcher, &built, window, ranked, Some(build::TIER))?;
                if pass.0 > 0 {
                    break;
                }
            }
            graded = Some(ranks);
        }
        let query = built.query;
        let (mut total, facet_counts, mut best) = pass;
        let scope = twins::Scope { plan: &plan, filters: &filters, condition: condition.as_ref() };
        let mut added = Vec::new();
        // a broad query finds both languages' records by itself: twins are for the narrow ones
        if ranked && req.expand && !req.every_word && total < twins::TWINS_BELOW.max(req.offset + req.limit) {
            added = self.add_twins(&searcher, &scope, req, &mut best, graded.as_deref())?;
        }
        let prefer =
            if ranked && (grouping || plan.about_sessions) { group::query_lang(&parsed, &vocabulary) } else { None };
        if ranked && plan.about_sessions {
            added.extend(self.lead_with_sessions(&searcher, &scope, &mut best, graded.is_some(), prefer)?);
        }
        // what was brought along but matched too (beyond the records kept) is a match, for counting groups
        let added = if grouping { self.unmatched(&searcher, &*query, added)? } else { added };
        if !ranked {
            // listing: every match when grouping, which folds twins over the whole list
            let (offset, limit) = if grouping { (0, usize::MAX) } else { (req.offset, req.limit) };
            best = self.in_order(&searcher, &*query, req.order, offset, limit)?;
        }
        let (mut page, alsos) = if grouping {
            let list = group::Listed { all: &best, added: &added, ranked, matched: total, prefer };
            let (page, folded) = self.grouped_page(&searcher, &scope, &*query, &list, req.offset, req.limit)?;
            total = if ranked { total - folded } else { best.len() - folded };
            page.into_iter().unzip()
        } else {
            let page: Vec<(f32, DocAddress)> =
                if ranked { best.into_iter().skip(req.offset).take(req.limit).collect() } else { best };
            let alsos = vec![None; page.len()];
            (page, alsos)
        };
        // what a graded page's hits lack: the units whose tier bit is unset, in order of importance
        let mut relaxed = Vec::new();
        if let Some(ranks) = &graded {
            for (score, _) in &mut page {
                let bits = (*score / build::TIER).floor();
                *score -= bits * build::TIER;
                let bits = bits as u32;
                for (unit, rank) in ranks.iter().enumerate() {
                    let missing = *rank < MAX_TIERS && bits & (1 << (MAX_TIERS - 1 - rank)) == 0;
                    if missing && !relaxed.contains(&unit) {
                        relaxed.push(unit);
                    }
                }
            }
            relaxed.sort_by_key(|&u| std::cmp::Reverse(ranks[u]));
        }
        let relaxed: Vec<String> = relaxed.into_iter().map(|u| plan.unit_texts[u].clone()).collect();
        let mut terms = highlight_terms(&parsed);
        for e in plan.expansions.iter().filter(|e| e.kind == ExpansionKind::Typo) {
            for set in terms.values_mut() {
                set.extend(e.to.iter().cloned());
            }
        }
        let hits = page
            .into_iter()
            .zip(alsos)
            .map(|((score, addr), also): ((f32, DocAddress), Option<DocAddress>)| {
                let record = self.record(&searcher, addr)?;
                let snippet = snippet::snippet(&record.text, record.lang, &terms[&record.lang]);
                let also = also.map(|a| self.record(&searcher, a).map(Also::of)).transpose()?;
                Ok(Hit { record, score: (score * 1000.0).round() / 1000.0, snippet, also })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(SearchResponse {
            query: req.query.clone(),
            total,
            took_ms: (started.elapsed().as_secs_f64() * 10_000.0).round() / 10.0,
            hits,
            facets: facet_counts,
            expansions: plan.expansions,
            relaxed,
        })
    }

    /// Count, facet counts and (when ranking) the page of top hits, in one pass; then the
    /// boosts of `built` rescore the best [`RESCORE_WINDOW`] matches.
    fn collect(
        &self,
        searcher: &Searcher,
        built: &build::Built,
        req: &SearchRequest,
        ranked: bool,
        tier: Option<f32>,
    ) -> Result<Pass> {
        let page_end = req.offset + req.limit;
        let keep = match (ranked && req.limit > 0, built.boosts.is_empty()) {
            (false, _) => 0,
            (true, true) => page_end,
            (true, false) => page_end.max(RESCORE_WINDOW),
        };
        let (tables, merged) = self.tables_and_merged()?;
        let gather = gather::Gather {
            dims: Dimension::FACETS.to_vec(),
            tables: tables.clone(),
            merged,
            keep,
            facet_limit: req.facet_limit,
            tier,
        };
        let gathered = searcher.search(&*built.query, &gather)?;
        let mut best = gathered.best;
        if !built.boosts.is_empty() && !best.is_empty() {
            self.rescore(searcher, &built.boosts, &tables, &mut best)?;
        }
        Ok((gathered.total, gathered.counts, best))
    }

    /// The importance rank of each unit of `plan` (0 the most important): the fewer records a
    /// unit matches, the more it tells them apart (IDF, as BM25 weighs words); a generic word
    /// ("matter", "help") ranks below every other whatever its rarity.
    fn importance(&self, searcher: &Searcher, plan: &expand::Plan) -> Result<Vec<usize>> {
        let queries = build::unit_queries(&self.fields, plan);
        let counts = queries
            .iter()
            .map(|q| searcher.search(&**q, &tantivy::collector::Count))
            .collect::<tantivy::Result<Vec<_>>>()?;
        let mut order: Vec<usize> = (0..counts.len()).collect();
        order.sort_by_key(|&u| (plan.generic.get(u).copied().unwrap_or(false), counts[u], u));
        let mut ranks = vec![0; counts.len()];
        for (rank, &u) in order.iter().enumerate() {
            ranks[u] = rank;
        }
        Ok(ranks)
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
        offset: usize,
        limit: usize,
    ) -> Result<Vec<(f32, DocAddress)>> {
        self.in_order(searcher, query, Order::Relevance, offset, limit)
    }

    /// Every match, sorted by year as `order` says (not at all for [`Order::Relevance`]), then
    /// by (document, position in document), then paged.
    fn in_order(
        &self,
        searcher: &Searcher,
        query: &dyn tantivy::query::Query,
        order: Order,
        offset: usize,
        limit: usize,
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
            let table = &tables[addr.segment_ord as usize];
            let name = table.value(addr.doc_id, Dimension::Doc).unwrap_or_default();
            let year = || table.value(addr.doc_id, Dimension::Year).and_then(|y| y.parse::<i64>().ok());
            let year = match order {
                Order::Relevance => 0,
                Order::YearAsc => year().unwrap_or(i64::MAX),
                Order::YearDesc => year().map_or(i64::MAX, |y| -y),
            };
            keyed.push(((year, name, seq.first(addr.doc_id).unwrap_or(0)), addr));
        }
        keyed.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        Ok(keyed.into_iter().skip(offset).take(limit).map(|(_, a)| (0.0, a)).collect())
    }

    fn record(&self, searcher: &Searcher, addr: DocAddress) -> Result<Record> {
        let doc: TantivyDocument = searcher.doc(addr)?;
        let json = doc.get_first(self.fields.record).and_then(|v| v.as_str()).ok_or_else(|| Error::Damaged {
            path: Default::default(),
            detail: "a record without stored JSON".into(),
        })?;
        let mut record: Record = serde_json::from_str(json).map_err(|e| Error::Damaged {
            path: Default::default(),
            detail: format!("an unreadable stored record ({e})"),
        })?;
        // twins are linked at commit, across documents: the stored record cannot know its own
        record.twin = self.twin_id(&record);
        Ok(record)
    }

    /// How many records match `filters` (any alias accepted), and their counts per value of
    /// each dimension in `dims` (visible or hidden, such as `entity`).
    pub fn profile(&self, filter: (Dimension, &str), dims: &[Dimension]) -> Result<(usize, Counts)> {
        let values = [filter.1.to_string()];
        let filters = facets::resolve_filters([(filter.0, values.as_slice())])?;
        let query = build::build(&self.fields, &expand::Plan::default(), &filters, None, &build::Matching::All).query;
        // tables of these dimensions for this call only: a search never counts the hidden ones
        let searcher = self.searcher();
        let tables: Vec<_> = searcher
            .segment_readers()
            .iter()
            .map(|r| facets::SegmentTables::columns(r, dims).map(Arc::new))
            .collect::<Result<_>>()?;
        let merged = Arc::new(facets::Merged::of(&tables));
        let gather = gather::Gather { dims: dims.to_vec(), tables, merged, keep: 0, facet_limit: None, tier: None };
        let gathered = searcher.search(&*query, &gather)?;
        Ok((gathered.total, gathered.counts))
    }

    /// The records of one document in order, or the one record with `id`.
    pub fn records(&self, id_or_doc: &str) -> Result<Vec<Record>> {
        let searcher = self.searcher();
        // a record id is its document's name (without extension), `#` and its slug: the
        // record is found among its document's
        let (doc, id) = match id_or_doc.split_once('#') {
            Some((doc, _)) => (doc, Some(id_or_doc)),
            None => (id_or_doc, None),
        };
        let term = tantivy::Term::from_field_text(self.fields.doc, &self.resolve_doc(&searcher, doc)?);
        let query = tantivy::query::TermQuery::new(term, tantivy::schema::IndexRecordOption::Basic);
        let addrs = self.in_document_order(&searcher, &query, 0, usize::MAX)?;
        let records = addrs.into_iter().map(|(_, a)| self.record(&searcher, a));
        records.filter(|r| r.as_ref().map_or(true, |r| id.is_none_or(|id| r.id == id))).collect()
    }

    /// A document given by file name, with or without one of the extensions consulta reads.
    fn resolve_doc(&self, searcher: &Searcher, name: &str) -> Result<String> {
        let with_extension = crate::ingest::formats::extensions().map(|ext| format!("{name}.{ext}"));
        for candidate in std::iter::once(name.to_string()).chain(with_extension) {
            let term = tantivy::Term::from_field_text(self.fields.doc, &candidate);
            if searcher.doc_freq(&term)? > 0 {
                return Ok(candidate);
            }
        }
        Ok(name.to_string())
    }
}

impl Hit {
    /// A record listed rather than found: no score, its opening words as the snippet.
    pub fn listed(record: Record) -> Hit {
        let snippet = crate::segment::first_words(&record.text, 30);
        Hit { record, score: 0.0, snippet, also: None }
    }
}

/// The words of the index as expansion asks for them (see [`expand::Vocabulary`]).
struct IndexVocabulary<'s> {
    searcher: &'s Searcher,
    fields: &'s Fields,
    searchable: &'s Searchable,
}

impl expand::Vocabulary for IndexVocabulary<'_> {
    fn has(&self, lang: Lang, term: &str) -> bool {
        [self.fields.body(lang), self.fields.head(lang)]
            .into_iter()
            .any(|field| self.searcher.doc_freq(&tantivy::Term::from_field_text(field, term)).is_ok_and(|n| n > 0))
    }

    fn near(&self, lang: Lang, term: &str, distance: u8) -> Vec<(String, u64)> {
        let field = self.fields.body(lang);
        let fuzzy = tantivy::query::FuzzyTermQuery::new(tantivy::Term::from_field_text(field, term), distance, true);
        let (Ok(automaton), Some(first)) = (fuzzy.automaton(), term.chars().next()) else { return Vec::new() };
        let mut from = [0u8; 4];
        let from = first.encode_utf8(&mut from).as_bytes();
        let upper = [from, &[0xFF]].concat();
        let mut counts: BTreeMap<String, u64> = BTreeMap::new();
        for segment in self.searcher.segment_readers() {
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

    fn mined(&self, lang: Lang, term: &str) -> Vec<String> {
        // a lexicon that cannot be read is no reason to fail the search: the word goes untranslated
        self.searchable.mined_translations(self.searcher, lang, term).unwrap_or_default()
    }
}

/// The byte ranges of `text` (in `lang`) holding a word that `query` searches for (under any
/// form its analyzer gives: "migraciones" for "migración"), for callers that highlight fields
/// themselves with their own tags.
pub fn marks(query: &str, text: &str, lang: Lang) -> Vec<(usize, usize)> {
    let terms = highlight_terms(&parse::parse(query));
    snippet::matching_tokens(text, lang, &terms[&lang]).into_iter().map(|t| (t.from, t.to)).collect()
}

/// Analyzed terms of the positive clauses, per language, for highlighting.
fn highlight_terms(q: &parse::ParsedQuery) -> BTreeMap<Lang, HashSet<String>> {
    Lang::ALL
        .into_iter()
        .map(|lang| {
            let terms = q.include.iter().flat_map(|c| expand::clause_terms(c.text(), lang)).map(|t| t.text).collect();
            (lang, terms)
        })
        .collect()
}

/// Why a query gave no word to search for, in words a user can act on.
fn no_text(query: &str) -> String {
    if query.trim().is_empty() {
        return "nothing to search: give words to search for, or filters such as --kind session".into();
    }
    // words longer than any indexed are dropped by the analyzer, as they were at indexing
    if let Some(word) = crate::analyze::first_too_long(query) {
        let max = crate::analyze::MAX_TOKEN_BYTES;
        return format!(
            "query word {:?} ({} characters) is longer than the longest word indexed ({max} bytes of \
             UTF-8: {max} plain letters, fewer accented ones); words that long are left out of the index, \
             so search for a shorter word",
            crate::segment::meta::shorten(word, 40),
            word.chars().count(),
        );
    }
    format!(
        "query {:?} has only stop words or punctuation; add a content word",
        crate::segment::meta::shorten(query, 200)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_find_every_form_of_the_words_searched() {
        let text = "Las Migraciones y la migración; trata.";
        let marks = marks("migración -trata", text, Lang::Es);
        let words: Vec<&str> = marks.iter().map(|&(a, b)| &text[a..b]).collect();
        assert_eq!(words, ["Migraciones", "migración"]);
    }

    #[test]
    fn requests_deserialize_with_the_new_fields_defaulted() {
        let req: SearchRequest = serde_json::from_str(r#"{"q": "remesas", "order": "year-desc"}"#).unwrap();
        assert_eq!(req.order, Order::YearDesc);
        assert!(!req.browse && req.condition.is_none());
        // and serialize as before when unused
        let json = serde_json::to_string(&SearchRequest::new("x")).unwrap();
        assert!(!json.contains("order") && !json.contains("browse") && !json.contains("condition"), "{json}");
    }
}
