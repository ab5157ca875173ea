//! [`Engine`]: the library's one face. It opens an index (or builds it first), stays open and
//! answers from each new commit, and answers every question the product answers — search, one
//! record, a document's outline, profiles, acronyms, analysis, reindex — with serde types, so
//! that the CLI, the server and any other program print the same objects.
//!
//! No tantivy type appears here: the index and the query layers keep them.

mod guard;
mod profiles;

use std::path::{Component, Path, PathBuf};

pub use profiles::{
    Acronym, Analysis, AnalyzedToken, AnalyzerOutput, EntityProfile, EntityRef, Outline, OutlineEntry, SessionProfile,
};

use crate::error::{Error, Result};
use crate::ingest::DEFAULT_MAX_BYTES;
use crate::model::{Dimension, Lang, Record};
use crate::query::{Hit, Reader, SearchRequest, SearchResponse};
use crate::reindex::{self, IndexOptions, IndexReport, Progress};

/// Where an engine's corpus and index live.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// The folder of source reports, walked recursively.
    pub corpus: PathBuf,
    /// The index folder (created on demand by [`Engine::open_or_build`]).
    pub index: PathBuf,
    /// When [`Engine::open_or_build`] builds or updates the index, follow symlinks that lead
    /// out of the corpus folder. An index built with links followed keeps following them (its
    /// manifest says so); `false` here does not turn that off, a `consulta index` run does.
    pub follow_links: bool,
}

impl Config {
    /// A corpus folder and an index folder; links out of the corpus are not followed.
    pub fn new(corpus: impl Into<PathBuf>, index: impl Into<PathBuf>) -> Config {
        Config { corpus: corpus.into(), index: index.into(), follow_links: false }
    }

    /// The same, following symlinks out of the corpus folder when `follow` is true.
    pub fn follow_links(self, follow: bool) -> Config {
        Config { follow_links: follow, ..self }
    }
}

impl Default for Config {
    /// `corpus` and `index`, relative to the working directory (the CLI's defaults).
    fn default() -> Config {
        Config::new("corpus", "index")
    }
}

/// What [`Engine::open_or_build`] and [`Engine::reindex`] report while they work, for a
/// progress bar, log lines or nothing.
#[derive(Debug, Clone, Copy)]
pub enum Event<'a> {
    /// An index run starts, and why.
    Building(BuildReason),
    /// The run's progress.
    Indexing(Progress<'a>),
    /// The run is done.
    Built(&'a IndexReport),
    /// The index could not be brought up to date; answers come from its last commit.
    LastCommit(&'a str),
    /// Another run holds the index; this one waits for it to finish.
    Waiting(&'a str),
}

/// Why [`Engine::open_or_build`] runs the indexer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BuildReason {
    /// There is no index yet.
    Missing,
    /// The corpus changed since the last commit.
    Stale,
}

/// How [`Engine::reindex`] runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReindexOptions {
    /// Re-read and re-index every file (also rebuilds an index of an older format).
    pub full: bool,
    /// Files larger than this are refused.
    pub max_bytes: u64,
    /// Follow symlinks that lead out of the corpus folder.
    pub follow_links: bool,
}

impl Default for ReindexOptions {
    fn default() -> ReindexOptions {
        ReindexOptions { full: false, max_bytes: DEFAULT_MAX_BYTES, follow_links: false }
    }
}

/// Figures of the open index.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Stats {
    /// Source documents indexed.
    pub documents: usize,
    /// Records (sections, practices, footnotes).
    pub records: u64,
    /// Files that could not be indexed at their current version.
    pub failed: usize,
    /// Bytes of the index files of the commit searched.
    pub index_bytes: u64,
    /// When the commit searched was made (its manifest file's time), seconds since the epoch.
    pub last_commit: Option<u64>,
}

/// An open index: every question the product answers. `Send + Sync`: one engine serves many
/// threads, each answer from the last commit seen (a commit by another process is seen within
/// about half a second, or at once after [`Engine::refresh`]).
///
/// ```no_run
/// use consulta::engine::{Config, Engine};
/// use consulta::SearchRequest;
///
/// let engine = Engine::open_or_build(Config::default(), &mut |_| {})?;
/// let response = engine.search(&SearchRequest::new("trata de personas").limit(3))?;
/// for hit in &response.hits {
///     println!("{} — {}", hit.record.heading, hit.record.id);
/// }
/// # Ok::<(), consulta::Error>(())
/// ```
pub struct Engine {
    config: Config,
    reader: Reader,
}

impl Engine {
    /// Opens the index of `config` as it is. Never writes: it works on a read-only index.
    pub fn open(config: Config) -> Result<Engine> {
        if !crate::index::exists(&config.index) {
            return Err(Error::Usage(format!(
                "no index at {}; run `consulta index --corpus {} --index {}` first",
                config.index.display(),
                config.corpus.display(),
                config.index.display()
            )));
        }
        let reader = guard::guarded(&config.index, || Reader::open(&config.index))?;
        Ok(Engine { config, reader })
    }

    /// Opens the index of `config`, first building it when it is missing or bringing it up to
    /// date when the corpus changed since its last commit. When the update cannot be made
    /// (another run holds the writer lock, the disk is full, the folder is read-only), answers
    /// come from the last commit, reported as [`Event::LastCommit`]. When another run is
    /// building a missing index, this waits for it.
    pub fn open_or_build(config: Config, progress: &mut dyn FnMut(Event<'_>)) -> Result<Engine> {
        if !crate::index::exists(&config.index) {
            progress(Event::Building(BuildReason::Missing));
            let options = ReindexOptions { follow_links: config.follow_links, ..ReindexOptions::default() };
            match index_as(&config, options, reindex::refresh, progress) {
                Ok(_) => {}
                Err(Error::Locked(_)) => wait_for_first_build(&config, progress)?,
                Err(e) => return Err(e),
            }
            return Engine::open(config);
        }
        let engine = Engine::open(config)?;
        let manifest = engine.reader.manifest()?;
        // asking to follow links of an index built without is a change of what is indexed
        let wider = engine.config.follow_links && !manifest.summary.follow_links;
        if engine.config.corpus.is_dir() && (wider || reindex::is_stale(&engine.config.corpus, &manifest)?) {
            progress(Event::Building(BuildReason::Stale));
            let follow_links = manifest.summary.follow_links || engine.config.follow_links;
            let options = ReindexOptions { full: false, max_bytes: manifest.summary.max_bytes, follow_links };
            match index_as(&engine.config, options, reindex::refresh, progress).and_then(|_| engine.refresh()) {
                Ok(_) => {}
                Err(Error::Locked(_)) => progress(Event::LastCommit("another index run is updating the index")),
                // what the user must repair or change is said, not papered over
                Err(e @ (Error::Usage(_) | Error::Damaged { .. } | Error::IndexVersion { .. })) => return Err(e),
                Err(e) => progress(Event::LastCommit(&format!("the index could not be brought up to date ({e:#})"))),
            }
        }
        Ok(engine)
    }

    /// The values of facet `dim` among the records `req` matches (every record when it has no
    /// words and no filters), with their counts, most frequent first, keeping those where a
    /// word of the value starts like a word of `prefix` (accents and case aside), or that
    /// `prefix` names by an alias (`CSM` finds SACM). An empty `prefix` keeps every value.
    pub fn facet_values(&self, req: &SearchRequest, dim: Dimension, prefix: &str) -> Result<Vec<(String, u64)>> {
        // no hits, so nothing to group (facets count records either way)
        let req = SearchRequest { limit: 0, offset: 0, facet_limit: None, browse: true, group: false, ..req.clone() };
        let counts = self.search(&req)?.facets.remove(&dim).unwrap_or_default();
        let alias = crate::query::facets::resolve_filters([(dim, &[prefix.to_string()][..])])
            .ok()
            .and_then(|f| f.into_iter().next())
            .and_then(|(_, v)| v.into_iter().next());
        let wanted: Vec<String> = words_of(prefix);
        let starts = |value: &str| {
            let words = words_of(value);
            wanted.iter().all(|w| words.iter().any(|v| v.starts_with(w.as_str())))
        };
        let mut values: Vec<(String, u64)> =
            counts.into_iter().filter(|(v, _)| starts(v) || alias.as_deref() == Some(v.as_str())).collect();
        values.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        Ok(values)
    }

    /// The byte ranges of `text` (in `lang`) that `query` matches, for highlighting.
    pub fn marks(query: &str, text: &str, lang: Lang) -> Vec<(usize, usize)> {
        crate::query::marks(query, text, lang)
    }

    /// Where the corpus and the index are.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Runs a search.
    pub fn search(&self, req: &SearchRequest) -> Result<SearchResponse> {
        self.guarded(|| self.reader.current()?.search(req))
    }

    /// One record by id (`003_896af30beb401831#session-5`).
    pub fn record(&self, id: &str) -> Result<Option<Record>> {
        if !id.contains('#') {
            return Ok(None);
        }
        self.guarded(|| Ok(self.reader.current()?.records(id)?.into_iter().next()))
    }

    /// The records of a document in order, the document given by its file name (with or
    /// without extension, or as a path into the corpus folder). Empty when it is not indexed.
    pub fn records(&self, doc: &str) -> Result<Vec<Record>> {
        let doc = self.doc_name(doc);
        if doc.contains('#') {
            return Ok(Vec::new());
        }
        self.guarded(|| self.reader.current()?.records(&doc))
    }

    /// A record by id, or a document's records, each as a hit whose snippet is its opening
    /// words (what `show --json` prints).
    pub fn show(&self, target: &str) -> Result<Vec<Hit>> {
        let records = match self.record(target)? {
            Some(r) => vec![r],
            None => self.records(target)?,
        };
        Ok(records.into_iter().map(Hit::listed).collect())
    }

    /// A document's outline: its metadata and one line per record.
    pub fn outline(&self, doc: &str) -> Result<Option<Outline>> {
        Ok(Outline::of(&self.records(doc)?))
    }

    /// The profile of a mechanism, organization or country given by any name.
    pub fn mechanism_profile(&self, name: &str) -> Result<EntityProfile> {
        self.guarded(|| profiles::entity(&*self.reader.current()?, name))
    }

    /// Each session labelled `session` (one per report that has it), with its practices.
    pub fn session_profile(&self, session: &str) -> Result<Vec<SessionProfile>> {
        self.guarded(|| profiles::sessions(&*self.reader.current()?, session))
    }

    /// The glossary's acronyms and those the corpus defines, by acronym.
    pub fn acronyms(&self) -> Result<Vec<Acronym>> {
        // the files that define each acronym are in the entries: the whole manifest is read
        let manifest = self.reader.manifest()?.decode()?;
        Ok(profiles::acronyms(&manifest))
    }

    /// The tokens each analyzer makes of `text` (all three, or `lang`'s only) and the entities
    /// it names. Needs no index.
    pub fn analyze(text: &str, lang: Option<Lang>) -> Analysis {
        profiles::analyze(text, lang)
    }

    /// Runs the indexer on this engine's corpus and index, then answers from the new commit.
    pub fn reindex(&self, options: ReindexOptions, progress: &mut dyn FnMut(Event<'_>)) -> Result<IndexReport> {
        let report = Engine::index(&self.config, options, progress)?;
        self.refresh()?;
        Ok(report)
    }

    /// Runs the indexer on the corpus and index of `config` without opening the index for
    /// reading: it builds a missing index, and with `full` rebuilds one of another format.
    pub fn index(config: &Config, options: ReindexOptions, progress: &mut dyn FnMut(Event<'_>)) -> Result<IndexReport> {
        index_as(config, options, reindex::run, progress)
    }

    /// Looks for a new commit now (made by [`Engine::reindex`], another engine or another
    /// process); whether there was one.
    pub fn refresh(&self) -> Result<bool> {
        self.guarded(|| self.reader.reload())
    }

    /// Checks every file of the index of `config` against its checksum, without the corpus:
    /// the damaged or missing files, by name (empty when the index is whole).
    pub fn check(config: &Config) -> Result<Vec<String>> {
        guard::guarded(&config.index, || crate::index::check(&config.index))
    }

    /// Runs `f` with panics and damage reported as damage of this engine's index.
    fn guarded<T>(&self, f: impl FnOnce() -> Result<T>) -> Result<T> {
        guard::guarded(&self.config.index, f)
    }

    /// Documents, records, failures, index size and the time of the last commit.
    pub fn stats(&self) -> Result<Stats> {
        let manifest = self.reader.manifest()?;
        let last_commit = std::fs::read_dir(&self.config.index).ok().and_then(|entries| {
            entries
                .flatten()
                .filter(|e| crate::index::manifest::is_manifest_file(&e.file_name().to_string_lossy()))
                .filter_map(|e| e.metadata().ok()?.modified().ok())
                .max()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map(|d| d.as_secs())
        });
        let current = self.reader.current()?;
        Ok(Stats {
            documents: manifest.summary.documents,
            records: current.num_records(),
            failed: manifest.summary.failed_only,
            index_bytes: current.size_bytes()?,
            last_commit,
        })
    }

    /// A document named by a path into the corpus folder (`corpus/x.txt`, `./corpus/x.txt`,
    /// an absolute path, however the corpus folder itself was given) is named by its file name
    /// there. The paths are compared as written first, then, when both exist, as the file
    /// system resolves them: `show ./corpus/x.txt` with `--corpus /abs/corpus` found nothing.
    fn doc_name(&self, target: &str) -> String {
        let clean = |p: &Path| p.components().filter(|c| *c != Component::CurDir).collect::<PathBuf>();
        let inside = |target: &Path, corpus: &Path| match target.strip_prefix(corpus) {
            Ok(rest) if !rest.as_os_str().is_empty() => Some(rest.to_string_lossy().replace('\\', "/")),
            _ => None,
        };
        let resolved = || {
            let corpus = std::fs::canonicalize(&self.config.corpus).ok()?;
            // the file itself may be gone (its records are still indexed): resolve its folder
            let path = Path::new(target);
            let folder = std::fs::canonicalize(path.parent().filter(|p| !p.as_os_str().is_empty())?).ok()?;
            inside(&folder.join(path.file_name()?), &corpus)
        };
        inside(&clean(Path::new(target)), &clean(&self.config.corpus))
            .or_else(resolved)
            .unwrap_or_else(|| target.to_string())
    }
}

/// The folded words of a facet value or of a facet query.
fn words_of(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| crate::analyze::fold::fold(w).into_owned())
        .collect()
}

/// [`reindex::run`] or [`reindex::refresh`].
type IndexRun = fn(&IndexOptions, &mut dyn FnMut(Progress<'_>)) -> Result<IndexReport>;

/// One index run of `config` by `run` ([`reindex::run`], or [`reindex::refresh`] for a search's
/// own update), its progress and report as events.
fn index_as(
    config: &Config,
    options: ReindexOptions,
    run: IndexRun,
    progress: &mut dyn FnMut(Event<'_>),
) -> Result<IndexReport> {
    let opts = IndexOptions {
        corpus: config.corpus.clone(),
        index: config.index.clone(),
        full: options.full,
        max_bytes: options.max_bytes,
        follow_links: options.follow_links,
    };
    let report = guard::guarded(&config.index, || run(&opts, &mut |p| progress(Event::Indexing(p))))?;
    progress(Event::Built(&report));
    Ok(report)
}

/// How long a search waits for another run's first build of its index.
const FIRST_BUILD_WAIT: std::time::Duration = std::time::Duration::from_secs(600);

/// Waits until the index another run is building is in place.
fn wait_for_first_build(config: &Config, progress: &mut dyn FnMut(Event<'_>)) -> Result<()> {
    progress(Event::Waiting("another run is building the index"));
    let started = std::time::Instant::now();
    while !crate::index::exists(&config.index) {
        if started.elapsed() > FIRST_BUILD_WAIT {
            return Err(Error::Locked(config.index.clone()));
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_engine_is_shared_across_threads() {
        fn send_sync<T: Send + Sync>() {}
        send_sync::<Engine>();
    }

    #[test]
    fn facet_values_are_searched_by_word_prefix_and_alias() {
        let dir = tempfile::tempdir().unwrap();
        let corpus = dir.path().join("corpus");
        std::fs::create_dir(&corpus).unwrap();
        let text = "The South American Conference on Migration (SACM) met in Lima with Brazil and Chile.\n";
        std::fs::write(corpus.join("a.txt"), text).unwrap();
        std::fs::write(corpus.join("b.txt"), "Brazil and Belize spoke on remittances.\n").unwrap();
        let engine = Engine::open_or_build(Config::new(&corpus, dir.path().join("index")), &mut |_| {}).unwrap();
        let all = SearchRequest::default();
        let countries = engine.facet_values(&all, Dimension::Country, "b").unwrap();
        assert_eq!(countries, [("Brazil".to_string(), 2), ("Belize".to_string(), 1)]);
        assert_eq!(engine.facet_values(&all, Dimension::Country, "BRA").unwrap().len(), 1);
        assert_eq!(engine.facet_values(&all, Dimension::Mechanism, "csm").unwrap()[0].0, "SACM");
        let remittances = SearchRequest::new("remittances");
        assert_eq!(engine.facet_values(&remittances, Dimension::Country, "").unwrap().len(), 2);
    }
}
