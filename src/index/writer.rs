//! Batch (re)indexing: one commit per run, the manifest in the commit payload, a bad file
//! reported and skipped, the last good version of a file kept when it turns bad.

use std::time::Instant;

use serde::Serialize;
use tantivy::schema::Facet;
use tantivy::{doc, IndexWriter, TantivyDocument, Term};

use super::corpus::{self, PathIssue};
use super::manifest::{content_hash, FailedEntry, FileEntry, Manifest};
use super::schema::Fields;
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
    for file in &walk.files {
        progress(Progress::File { name: &file.name, bytes: file.size });
        let prev = old.files.get(&file.name);
        if !rebuild {
            if let Some(p) = prev.filter(|p| p.size == file.size && p.mtime_ns == file.mtime_ns) {
                next.files.insert(file.name.clone(), p.clone());
                report.unchanged += 1;
                continue;
            }
            if let Some(f) = old.failed.get(&file.name).filter(|f| f.size == file.size && f.mtime_ns == file.mtime_ns) {
                next.failed.insert(file.name.clone(), f.clone());
                let mut issue = PathIssue { path: file.name.clone(), reason: f.reason.clone(), kept_previous: None };
                keep_previous(&old, &mut next, &file.name, &mut issue);
                report.failed.push(issue);
                continue;
            }
        }
        let loaded = std::fs::read(&file.path).map_err(|e| ingest::read_reason(&e)).and_then(|bytes| {
            let hash = content_hash(&bytes);
            ingest::from_bytes(&bytes, &file.name).map(|doc| (hash, doc))
        });
        match loaded {
            Ok((hash, _)) if !rebuild && prev.is_some_and(|p| p.hash == hash) => {
                let entry = FileEntry { mtime_ns: file.mtime_ns, ..prev.cloned().expect("checked") };
                next.files.insert(file.name.clone(), entry);
                report.unchanged += 1;
            }
            Ok((hash, clean)) => {
                let doc = segment::segment(&clean);
                writer.delete_term(Term::from_field_text(fields.doc, &file.name));
                for (seq, section) in doc.sections.iter().enumerate() {
                    writer.add_document(to_tantivy(&fields, &doc, section, seq as u64)?)?;
                }
                let entry = FileEntry {
                    size: file.size,
                    mtime_ns: file.mtime_ns,
                    hash,
                    records: doc.sections.len(),
                    acronyms: doc.acronyms.clone(),
                };
                next.files.insert(file.name.clone(), entry);
                if prev.is_some() {
                    report.updated += 1;
                } else {
                    report.added += 1;
                }
            }
            Err(reason) => {
                let failed = FailedEntry { size: file.size, mtime_ns: file.mtime_ns, reason: reason.clone() };
                next.failed.insert(file.name.clone(), failed);
                let mut issue = PathIssue { path: file.name.clone(), reason, kept_previous: None };
                keep_previous(&old, &mut next, &file.name, &mut issue);
                report.failed.push(issue);
            }
        }
    }
    for name in old.files.keys() {
        if !next.files.contains_key(name) {
            writer.delete_term(Term::from_field_text(fields.doc, name));
            report.removed += 1;
        }
    }
    if next != old || rebuild || building.is_some() {
        let payload = serde_json::to_string(&next).expect("manifest serializes");
        let mut commit = writer.prepare_commit()?;
        commit.set_payload(&payload);
        commit.commit()?;
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

fn to_tantivy(fields: &Fields, doc: &Document, s: &Section, seq: u64) -> Result<TantivyDocument> {
    let stored = StoredRecord {
        section: s.clone(),
        doc: doc.meta.file.clone(),
        title: doc.meta.title.clone(),
        doctype: doc.meta.doctype.clone(),
        year: doc.meta.year,
    };
    let json = serde_json::to_string(&stored).map_err(|e| Error::Index(e.to_string()))?;
    let mut d = doc!(
        fields.id => s.id.as_str(),
        fields.doc => doc.meta.file.as_str(),
        fields.seq => seq,
        fields.prior => super::schema::prior(s.kind),
        fields.body(s.lang) => s.text.as_str(),
        fields.head(s.lang) => format!("{}\n{}", s.heading, doc.meta.title),
        fields.record => json,
    );
    for e in &s.entities {
        d.add_text(fields.entity, e);
    }
    for e in &s.defines {
        d.add_text(fields.defines, e);
    }
    let mut facet = |dim: &str, value: &str| d.add_facet(fields.facets, Facet::from_path([dim, value]));
    for m in &s.mechanisms {
        facet("mechanism", m);
    }
    for c in &s.countries {
        facet("country", c);
    }
    for e in &s.entities {
        facet(super::schema::ENTITY_FACET, e);
    }
    for m in &doc.meta.mechanisms {
        facet(super::schema::PRIMARY_FACET, m);
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
