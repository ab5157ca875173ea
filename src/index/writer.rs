//! Batch (re)indexing: one commit per run, the manifest in the commit payload, a bad file
//! reported and skipped, the last good version of a file kept when it turns bad.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::Instant;

use serde::Serialize;
use tantivy::indexer::UserOperation;
use tantivy::{doc, IndexWriter, TantivyDocument, Term};

use super::corpus::{self, PathIssue};
use super::manifest::{self, content_hash, FailedEntry, FileEntry, Manifest};
use super::schema::{Fields, ENTITY_FACET, PRIMARY_FACET};
use crate::error::{Error, Result};
use crate::model::{Document, Section};
use crate::{ingest, segment};

/// What to index and how.
#[derive(Debug, Clone)]
pub struct IndexOptions {
    /// The corpus folder.
    pub corpus: std::path::PathBuf,
    /// The index folder.
    pub index: std::path::PathBuf,
    /// Re-read and re-index every file.
    pub full: bool,
    /// Files above this size are refused.
    pub max_bytes: u64,
}

/// Progress events, for a progress bar or log lines.
#[derive(Debug, Clone, Copy)]
pub enum Progress<'a> {
    /// The walk is done: this many candidate files and bytes.
    Start {
        /// Files to look at.
        files: usize,
        /// Their total size.
        bytes: u64,
    },
    /// One file was handled.
    File {
        /// Its name.
        name: &'a str,
        /// Its size.
        bytes: u64,
    },
}

/// What a run did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct IndexReport {
    /// Files indexed for the first time.
    pub added: usize,
    /// Files re-indexed because they changed.
    pub updated: usize,
    /// Files whose records were removed because the file is gone.
    pub removed: usize,
    /// Files left as they were.
    pub unchanged: usize,
    /// Files that could not be indexed.
    pub failed: Vec<PathIssue>,
    /// Files passed over (not reports).
    pub skipped: Vec<PathIssue>,
    /// Documents in the index after the run.
    pub documents: usize,
    /// Records (sections, practices, footnotes) in the index after the run.
    pub records: usize,
    /// Wall time of the run.
    pub seconds: f64,
}

/// Runs one batch: walk, diff against the manifest, re-index what changed, commit once.
pub fn run(opts: &IndexOptions, progress: &mut dyn FnMut(Progress<'_>)) -> Result<IndexReport> {
    let started = Instant::now();
    let walk = corpus::walk(&opts.corpus, opts.max_bytes)?;
    let super::Target { index, building } = super::open_for_write(&opts.index, opts.full)?;
    let fields = Fields::from_schema(&index.schema())?;
    let old = super::read_manifest(&index)?.unwrap_or_else(Manifest::current);
    let current = Manifest::current();
    let rebuild = opts.full || old.analysis != current.analysis;
    let mut writer: IndexWriter<TantivyDocument> = super::writer(&index, building.as_deref().unwrap_or(&opts.index))?;

    let mut next =
        Manifest { files: Default::default(), failed: Default::default(), max_bytes: opts.max_bytes, ..current };
    let mut report = IndexReport { skipped: walk.skipped, ..IndexReport::default() };
    progress(Progress::Start { files: walk.files.len(), bytes: walk.files.iter().map(|f| f.size).sum() });

    for (name, mut issue) in walk.failed {
        let failed = FailedEntry { size: 0, mtime_ns: 0, reason: issue.reason.clone() };
        next.failed.insert(name.clone(), failed);
        keep_previous(&old, &mut next, &name, &mut issue);
        report.failed.push(issue);
    }
    // unchanged files are settled from their metadata alone; the rest are read, decoded and
    // segmented on worker threads while this thread feeds the writer
    let mut todo: Vec<&corpus::SourceFile> = Vec::new();
    for file in &walk.files {
        let same_meta = |size: u64, mtime: u128| size == file.size && mtime == file.mtime_ns;
        if !rebuild {
            if let Some(p) = old.files.get(&file.name).filter(|p| same_meta(p.size, p.mtime_ns)) {
                progress(Progress::File { name: &file.name, bytes: file.size });
                next.files.insert(file.name.clone(), p.clone());
                report.unchanged += 1;
                continue;
            }
            if let Some(f) = old.failed.get(&file.name).filter(|f| same_meta(f.size, f.mtime_ns)) {
                progress(Progress::File { name: &file.name, bytes: file.size });
                next.failed.insert(file.name.clone(), f.clone());
                let mut issue = PathIssue { path: file.name.clone(), reason: f.reason.clone(), kept_previous: None };
                keep_previous(&old, &mut next, &file.name, &mut issue);
                report.failed.push(issue);
                continue;
            }
        }
        todo.push(file);
    }
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 8).min(todo.len().max(1));
    let cursor = AtomicUsize::new(0);
    std::thread::scope(|scope| -> Result<()> {
        let (tx, rx) = mpsc::sync_channel::<(&corpus::SourceFile, Loaded)>(workers * 4);
        for _ in 0..workers {
            let (tx, todo, cursor, old) = (tx.clone(), &todo, &cursor, &old);
            scope.spawn(move || {
                while let Some(&file) = todo.get(cursor.fetch_add(1, Ordering::Relaxed)) {
                    let outcome = load(file, old.files.get(&file.name).filter(|_| !rebuild));
                    if tx.send((file, outcome)).is_err() {
                        break; // the writer side stopped on an error
                    }
                }
            });
        }
        drop(tx);
        for (file, outcome) in rx {
            progress(Progress::File { name: &file.name, bytes: file.size });
            let prev = old.files.get(&file.name);
            match outcome {
                Loaded::Same => {
                    let entry = FileEntry { mtime_ns: file.mtime_ns, ..prev.cloned().expect("same hash as before") };
                    next.files.insert(file.name.clone(), entry);
                    report.unchanged += 1;
                }
                Loaded::Doc(hash, doc) => {
                    // one batch per file: its old records go and its new ones come in together,
                    // in one send to the indexing threads rather than one per record. Only a
                    // file the manifest lists has records to delete: the manifest is committed
                    // with the records
                    let mut ops = Vec::with_capacity(doc.sections.len() + 1);
                    if prev.is_some() {
                        ops.push(UserOperation::Delete(Term::from_field_text(fields.doc, &file.name)));
                    }
                    for (seq, section) in doc.sections.iter().enumerate() {
                        ops.push(UserOperation::Add(to_tantivy(&fields, &doc, section, seq as u64)?));
                    }
                    writer.run(ops)?;
                    let entry = FileEntry {
                        size: file.size,
                        mtime_ns: file.mtime_ns,
                        hash,
                        records: doc.sections.len(),
                        sections: doc
                            .sections
                            .iter()
                            .filter_map(|s| s.id.split_once('#'))
                            .map(|(_, slug)| slug.to_string())
                            .collect(),
                        acronyms: doc.acronyms,
                    };
                    next.files.insert(file.name.clone(), entry);
                    if prev.is_some() {
                        report.updated += 1;
                    } else {
                        report.added += 1;
                    }
                }
                Loaded::Bad(reason) => {
                    let failed = FailedEntry { size: file.size, mtime_ns: file.mtime_ns, reason: reason.clone() };
                    next.failed.insert(file.name.clone(), failed);
                    let mut issue = PathIssue { path: file.name.clone(), reason, kept_previous: None };
                    keep_previous(&old, &mut next, &file.name, &mut issue);
                    report.failed.push(issue);
                }
            }
        }
        Ok(())
    })?;
    for name in old.files.keys() {
        if !next.files.contains_key(name) {
            writer.delete_term(Term::from_field_text(fields.doc, name));
            report.removed += 1;
        }
    }
    if next != old || rebuild || building.is_some() {
        let dir = building.as_deref().unwrap_or(&opts.index);
        let pointer = manifest::write(dir, &next)?;
        let mut commit = writer.prepare_commit()?;
        commit.set_payload(&pointer.payload());
        commit.commit()?;
        manifest::remove_others(dir, &pointer);
    }
    if let Some(building) = building {
        writer.wait_merging_threads()?;
        super::install(&building, &opts.index)?;
    }
    report.failed.sort_by(|a, b| a.path.cmp(&b.path));
    report.documents = next.files.len();
    report.records = next.files.values().map(|f| f.records).sum();
    report.seconds = started.elapsed().as_secs_f64();
    Ok(report)
}

/// What a worker made of one file.
enum Loaded {
    /// Same content as the last indexed version (only its time changed).
    Same,
    /// The content hash and the segmented document.
    Doc(String, Document),
    /// Why it cannot be indexed.
    Bad(String),
}

/// Reads, hashes and (when the content changed from `prev`) decodes and segments one file.
fn load(file: &corpus::SourceFile, prev: Option<&FileEntry>) -> Loaded {
    let bytes = match std::fs::read(&file.path) {
        Ok(b) => b,
        Err(e) => return Loaded::Bad(ingest::read_reason(&e)),
    };
    let hash = content_hash(&bytes);
    if prev.is_some_and(|p| p.hash == hash) {
        return Loaded::Same;
    }
    match ingest::from_bytes(&bytes, &file.name) {
        Ok(clean) => Loaded::Doc(hash, segment::segment(&clean)),
        Err(reason) => Loaded::Bad(reason),
    }
}

/// A file that failed now but was indexed before keeps its records and manifest entry.
fn keep_previous(old: &Manifest, next: &mut Manifest, name: &str, issue: &mut PathIssue) {
    let kept = old.files.get(name);
    if let Some(entry) = kept {
        next.files.insert(name.to_string(), entry.clone());
    }
    issue.kept_previous = Some(kept.is_some());
}

/// The stored form of a record: the section plus the document fields every hit shows.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct StoredRecord {
    /// The record.
    pub section: Section,
    /// Source file name.
    pub doc: String,
    /// Document title.
    pub title: String,
    /// Document family.
    pub doctype: String,
    /// Document year.
    pub year: Option<u32>,
}

/// [`StoredRecord`] as written: borrowed, so a record's text is not copied to be serialized.
#[derive(Serialize)]
struct StoredRef<'a> {
    section: &'a Section,
    doc: &'a str,
    title: &'a str,
    doctype: &'a str,
    year: Option<u32>,
}

fn to_tantivy(fields: &Fields, doc: &Document, s: &Section, seq: u64) -> Result<TantivyDocument> {
    let stored = StoredRef {
        section: s,
        doc: &doc.meta.file,
        title: &doc.meta.title,
        doctype: &doc.meta.doctype,
        year: doc.meta.year,
    };
    // sized for the text and the fields around it at once, not grown by doubling as it is written
    let mut json = Vec::with_capacity(s.text.len() + s.heading.len() + doc.meta.title.len() + 512);
    serde_json::to_writer(&mut json, &stored).map_err(|e| Error::Index(e.to_string()))?;
    let json = String::from_utf8(json).expect("serde_json writes UTF-8");
    let mut d = doc!(
        fields.seq => seq,
        fields.prior => super::schema::prior(s.kind),
        fields.body(s.lang) => s.text.as_str(),
        // two values: the title's tokens are then replayed, not analyzed again, for each of
        // the document's records (see `ConsultaTokenizer`)
        fields.head(s.lang) => s.heading.as_str(),
        fields.head(s.lang) => doc.meta.title.as_str(),
        fields.record => json,
    );
    for e in &s.defines {
        d.add_text(fields.defines, e);
    }
    let mut facet = |dim: &str, value: &str| d.add_text(fields.dimension(dim).expect("a dimension"), value);
    for m in &s.mechanisms {
        facet("mechanism", m);
    }
    for c in &s.countries {
        facet("country", c);
    }
    for e in &s.entities {
        facet(ENTITY_FACET, e);
    }
    for m in &doc.meta.mechanisms {
        facet(PRIMARY_FACET, m);
    }
    facet("kind", s.kind.name());
    if let Some(session) = &s.session {
        facet("session", session);
    }
    facet("lang", s.lang.code());
    facet("doc", &doc.meta.file);
    facet("doctype", &doc.meta.doctype);
    if let Some(y) = doc.meta.year {
        facet("year", &y.to_string());
    }
    Ok(d)
}
