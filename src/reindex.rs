//! One indexing run: walk the corpus → diff against the last commit's manifest → read, clean
//! and segment what changed on worker threads → one writer batch → one commit. A bad file is
//! reported and skipped; a file that was indexed before and turned bad keeps its last good
//! version. The tantivy side (what a batch does) is [`crate::index::writer`].

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::Instant;

use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::index::manifest::{self, content_hash, FailedEntry, FileEntry, Manifest};
use crate::index::stored::Stored;
use crate::index::writer::Batch;
use crate::index::Scrutiny;
use crate::ingest::corpus::{self, PathIssue, SourceFile};
use crate::ingest::formats::{self, Source};
use crate::model::Document;
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
    /// Follow symlinks that lead out of the corpus folder (recorded in the manifest, so that a
    /// search's update walks the same way).
    pub follow_links: bool,
}

impl IndexOptions {
    /// The walk policy of these options.
    pub fn policy(&self) -> corpus::Policy {
        corpus::Policy { max_bytes: self.max_bytes, follow_links: self.follow_links }
    }
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
    /// A search is bringing the index up to date: the run waits for it.
    Waiting,
    /// One file was handled.
    File {
        /// Its name.
        name: &'a str,
        /// Its size.
        bytes: u64,
    },
}

/// What a run did.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
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

/// Runs one batch: walk, diff against the manifest, re-index what changed, commit once. When
/// a search is bringing the index up to date (see [`refresh`]), this waits for it to finish;
/// when another `index` run holds the lock, this fails at once ([`crate::Error::Locked`]).
pub fn run(opts: &IndexOptions, progress: &mut dyn FnMut(Progress<'_>)) -> Result<IndexReport> {
    run_as(opts, false, progress)
}

/// [`run`] for a search that brings a stale index up to date before it answers: it marks the
/// index while it holds the lock, so that an explicit run started meanwhile waits for it
/// instead of failing.
pub fn refresh(opts: &IndexOptions, progress: &mut dyn FnMut(Progress<'_>)) -> Result<IndexReport> {
    run_as(opts, true, progress)
}

/// How long an explicit run waits for a search's update of the index.
const REFRESH_WAIT: std::time::Duration = std::time::Duration::from_secs(600);

fn run_as(opts: &IndexOptions, by_search: bool, progress: &mut dyn FnMut(Progress<'_>)) -> Result<IndexReport> {
    let started = Instant::now();
    let walk = corpus::walk(&opts.corpus, opts.policy())?;
    own_folder(opts)?;
    let mut waited = false;
    let mut batch = loop {
        let scrutiny = if by_search { Scrutiny::Presence } else { Scrutiny::Checksums };
        match Batch::open(&opts.index, opts.full, scrutiny) {
            Err(crate::Error::Locked(_))
                if !by_search && crate::index::search_is_updating(&opts.index) && started.elapsed() < REFRESH_WAIT =>
            {
                if !std::mem::replace(&mut waited, true) {
                    progress(Progress::Waiting);
                }
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
            other => break other?,
        }
    };
    let _mark = by_search.then(|| crate::index::SearchUpdate::mark(batch.written()));
    // nothing of a failed run stays: not its segment files, not its building folder
    match run_batch(opts, walk, &mut batch, progress) {
        Ok((mut report, next)) => {
            batch.commit(&next)?;
            report.seconds = started.elapsed().as_secs_f64();
            Ok(report)
        }
        Err(e) => {
            batch.abandon();
            Err(e)
        }
    }
}

/// The index folder must be a folder of its own: one that holds the corpus (`--index .`) could
/// neither be built aside and renamed into place nor ever be told from a foreign folder.
fn own_folder(opts: &IndexOptions) -> Result<()> {
    let (Ok(corpus), Ok(index)) = (opts.corpus.canonicalize(), opts.index.canonicalize()) else { return Ok(()) };
    if corpus.starts_with(&index) {
        return Err(crate::Error::Usage(format!(
            "the index folder {} holds the corpus folder {}; pass --index DIR with a folder of its own \
             (the default is index/ beside corpus/)",
            opts.index.display(),
            opts.corpus.display()
        )));
    }
    Ok(())
}

/// Everything of a run but its commit: the report, and the manifest to commit.
fn run_batch(
    opts: &IndexOptions,
    walk: corpus::Walk,
    batch: &mut Batch,
    progress: &mut dyn FnMut(Progress<'_>),
) -> Result<(IndexReport, Manifest)> {
    let current = Manifest::current();
    let rebuild = opts.full || batch.previous().analysis != current.analysis;
    // one copy, since the batch is written to while the run reads the last manifest (a copy
    // of 25,000 entries was 8 % of the CPU of a no-change run at 25,000 files)
    let old = &batch.previous().clone();
    let mut run = Run {
        old,
        next: Manifest {
            max_bytes: opts.max_bytes,
            follow_links: opts.follow_links,
            folders: walk.folders.clone(),
            ..current
        },
        report: IndexReport { skipped: walk.skipped, ..IndexReport::default() },
    };
    progress(Progress::Start { files: walk.files.len(), bytes: walk.files.iter().map(|f| f.size).sum() });
    for (name, issue) in walk.failed {
        let entry = FailedEntry { size: 0, mtime_ns: 0, reason: issue.reason };
        if walk.unreadable.contains(&name) {
            run.unreadable_folder(&name, entry);
        } else {
            run.failed(&name, entry);
        }
    }
    // unchanged files are settled from their metadata alone; the rest are read, decoded and
    // segmented on worker threads while this thread feeds the writer
    let mut todo: Vec<&SourceFile> = Vec::new();
    for file in &walk.files {
        if rebuild || !run.settled_by_metadata(file) {
            todo.push(file);
        } else {
            progress(Progress::File { name: &file.name, bytes: file.size });
        }
    }
    load_all(
        &todo,
        |file| load(file, old.files.get(&file.name).filter(|_| !rebuild), opts.max_bytes),
        |file, outcome| {
            progress(Progress::File { name: &file.name, bytes: file.size });
            run.apply(batch, file, outcome)
        },
    )?;
    for name in run.old.files.keys() {
        if !run.next.files.contains_key(name) {
            batch.remove(name);
            run.report.removed += 1;
        }
    }
    manifest::link_twins(&mut run.next);
    let mut report = run.report;
    report.failed.sort_by(|a, b| a.path.cmp(&b.path));
    report.documents = run.next.files.len();
    report.records = run.next.files.values().map(|f| f.records).sum();
    Ok((report, run.next))
}

/// Loads `todo` on worker threads (as many as cores, at most 8), handing each outcome to
/// `apply` on the calling thread in the order they finish. The first error of `apply` stops
/// the run.
fn load_all<'f>(
    todo: &[&'f SourceFile],
    load: impl Fn(&SourceFile) -> Loaded + Sync,
    mut apply: impl FnMut(&'f SourceFile, Loaded) -> Result<()>,
) -> Result<()> {
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 8).min(todo.len().max(1));
    let cursor = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        let (tx, rx) = mpsc::sync_channel::<(&SourceFile, Loaded)>(workers * 4);
        for _ in 0..workers {
            let (tx, cursor, load) = (tx.clone(), &cursor, &load);
            scope.spawn(move || {
                while let Some(&file) = todo.get(cursor.fetch_add(1, Ordering::Relaxed)) {
                    if tx.send((file, load(file))).is_err() {
                        break; // the writer side stopped on an error
                    }
                }
            });
        }
        drop(tx);
        rx.into_iter().try_for_each(|(file, outcome)| apply(file, outcome))
    })
}

/// The state of a run: the last commit's manifest, the one being made, the report.
struct Run<'a> {
    old: &'a Manifest,
    next: Manifest,
    report: IndexReport,
}

impl Run<'_> {
    /// Settles a file whose size and time are those of the last run (indexed, or failed for
    /// a reason that still holds); false when it must be read.
    fn settled_by_metadata(&mut self, file: &SourceFile) -> bool {
        let same_meta = |size: u64, mtime: u128| size == file.size && mtime == file.mtime_ns;
        if let Some(p) = self.old.files.get(&file.name).filter(|p| same_meta(p.size, p.mtime_ns)) {
            self.next.files.insert(file.name.clone(), p.clone());
            self.report.unchanged += 1;
            return true;
        }
        if let Some(f) = self.old.failed.get(&file.name).filter(|f| same_meta(f.size, f.mtime_ns)) {
            let f = f.clone();
            self.failed(&file.name, f);
            return true;
        }
        false
    }

    /// Takes what a worker made of `file` into the batch and the manifest.
    fn apply(&mut self, batch: &mut Batch, file: &SourceFile, outcome: Loaded) -> Result<()> {
        let prev = self.old.files.get(&file.name);
        match outcome {
            Loaded::Same => {
                let entry = FileEntry { mtime_ns: file.mtime_ns, ..prev.cloned().expect("same hash as before") };
                self.next.files.insert(file.name.clone(), entry);
                self.report.unchanged += 1;
            }
            Loaded::Doc(hash, mut doc) => {
                let (existed, records) = (prev.is_some(), doc.sections.len());
                let entry = FileEntry {
                    size: file.size,
                    mtime_ns: file.mtime_ns,
                    hash,
                    records,
                    sections: doc
                        .sections
                        .iter()
                        .filter_map(|s| s.id.split_once('#'))
                        .map(|(_, slug)| slug.to_string())
                        .collect(),
                    acronyms: std::mem::take(&mut doc.acronyms),
                    about: Some(manifest::About {
                        lang: doc.meta.lang,
                        year: doc.meta.year,
                        doctype: doc.meta.doctype.clone(),
                        mechanisms: doc.meta.mechanisms.clone(),
                    }),
                    twin: None,
                };
                batch.replace(doc)?;
                self.next.files.insert(file.name.clone(), entry);
                if existed {
                    self.report.updated += 1;
                } else {
                    self.report.added += 1;
                }
            }
            Loaded::Bad(reason) => {
                self.failed(&file.name, FailedEntry { size: file.size, mtime_ns: file.mtime_ns, reason });
            }
        }
        Ok(())
    }

    /// Records a folder that cannot be listed: the files indexed from under it keep their
    /// records and manifest entries, since the folder is only unreadable now, not gone.
    fn unreadable_folder(&mut self, name: &str, entry: FailedEntry) {
        let prefix = format!("{name}/");
        let kept: Vec<(String, FileEntry)> = self
            .old
            .files
            .range(prefix.clone()..)
            .take_while(|(k, _)| k.starts_with(&prefix))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let issue =
            PathIssue { path: name.to_string(), reason: entry.reason.clone(), kept_previous: Some(!kept.is_empty()) };
        self.next.files.extend(kept);
        self.report.failed.push(issue);
        self.next.failed.insert(name.to_string(), entry);
    }

    /// Records a failure; a file that was indexed before keeps its records and manifest entry.
    fn failed(&mut self, name: &str, entry: FailedEntry) {
        let kept = self.old.files.get(name);
        if let Some(kept) = kept {
            self.next.files.insert(name.to_string(), kept.clone());
        }
        let issue =
            PathIssue { path: name.to_string(), reason: entry.reason.clone(), kept_previous: Some(kept.is_some()) };
        self.report.failed.push(issue);
        self.next.failed.insert(name.to_string(), entry);
    }
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

/// Reads, hashes and (when the content changed from `prev`) reads through its format and
/// segments one file.
fn load(file: &SourceFile, prev: Option<&FileEntry>, max_bytes: u64) -> Loaded {
    let bytes = match read_bounded(&file.path, max_bytes) {
        Ok(b) => b,
        Err(reason) => return Loaded::Bad(reason),
    };
    let hash = content_hash(&bytes);
    if prev.is_some_and(|p| p.hash == hash) {
        return Loaded::Same;
    }
    match formats::read(&Source { path: &file.path, name: &file.name, bytes: &bytes }) {
        Ok(clean) => Loaded::Doc(hash, segment::segment(&clean)),
        Err(reason) => Loaded::Bad(reason),
    }
}

/// Reads a regular file, at most `max_bytes`: the size the walk saw is not trusted, since a
/// file can grow while it is read, and a link can be replaced by `/dev/zero` between the walk
/// and the read (which ran to 2.8 GB resident in 3 s; issue #17 row 4). The file is opened
/// without blocking and checked to be a regular file once open, so a named pipe put in its
/// place cannot hang the run.
fn read_bounded(path: &std::path::Path, max_bytes: u64) -> std::result::Result<Vec<u8>, String> {
    use std::io::Read;
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(target_os = "linux")]
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut options, libc::O_NONBLOCK);
    let file = options.open(path).map_err(|e| ingest::read_reason(&e))?;
    let meta = file.metadata().map_err(|e| ingest::read_reason(&e))?;
    if !meta.is_file() {
        return Err(corpus::not_regular_reason(&meta));
    }
    // one byte past the limit tells a file at the limit from one over it
    let limit = max_bytes.saturating_add(1);
    let mut bytes = Vec::with_capacity(meta.len().min(limit).min(1 << 26) as usize);
    file.take(limit).read_to_end(&mut bytes).map_err(|e| ingest::read_reason(&e))?;
    if bytes.len() as u64 > max_bytes {
        return Err(format!(
            "file too large (more than the limit of {max_bytes} bytes when read, though its size was {} \
             bytes when the corpus was walked: it is growing); raise --max-bytes to index it",
            meta.len()
        ));
    }
    Ok(bytes)
}

/// Whether the corpus differs from what the manifest says was indexed: a file added, removed
/// or touched, or analysis data changed. Reads metadata only, never file contents.
///
/// When every folder the last run walked still has the modification time it had then, the
/// corpus is taken as unchanged without looking at any file: adding, removing or renaming an
/// entry changes its folder's time, and so does saving a file the way editors and office
/// programs do (a new file renamed over the old). What this misses is a file rewritten in
/// place (`cat more >> report.txt`, a program that truncates and writes) in a folder that did
/// not change, and changes on file systems whose folder times are coarse or not kept (some
/// network shares): `consulta index` compares every file and catches both.
///
/// Only the manifest's summary is read when the folders did not change; the entries are
/// decoded when the files must be compared.
pub fn is_stale(corpus_dir: &std::path::Path, stored: &Stored) -> Result<bool> {
    let summary = &stored.summary;
    if summary.analysis != manifest::analysis_fingerprint() {
        return Ok(true);
    }
    if !summary.folders.is_empty()
        && summary.folders.iter().all(|(name, &mtime)| corpus::folder_mtime(corpus_dir, name) == Some(mtime))
    {
        return Ok(false);
    }
    let manifest = &stored.decode()?;
    let policy = corpus::Policy { max_bytes: manifest.max_bytes, follow_links: manifest.follow_links };
    let walk = corpus::walk(corpus_dir, policy)?;
    let same = |size: u64, mtime: u128, f: &SourceFile| size == f.size && mtime == f.mtime_ns;
    let changed = walk.files.iter().any(|f| match (manifest.files.get(&f.name), manifest.failed.get(&f.name)) {
        (_, Some(bad)) => !same(bad.size, bad.mtime_ns, f),
        (Some(ok), None) => !same(ok.size, ok.mtime_ns, f),
        (None, None) => true,
    });
    // the files kept from under a folder that cannot be listed now are present as far as
    // the index knows (see `Run::unreadable_folder`)
    let kept = manifest.files.keys().filter(|name| walk.under_unreadable(name)).count();
    let present = walk.files.len() + walk.failed.len() + kept;
    let known = manifest.files.keys().chain(manifest.failed.keys().filter(|k| !manifest.files.contains_key(*k)));
    Ok(changed || known.count() != present)
}

#[cfg(test)]
mod tests {
    use super::*;

    // Row 4 of issue #17: the size the walk saw is not a bound; the read is.
    #[test]
    fn a_file_that_grew_past_the_limit_since_the_walk_is_refused_naming_the_limit() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("growing.txt");
        std::fs::write(&path, "The SACM met in Lima. ".repeat(50)).expect("write");
        let file = SourceFile { name: "growing.txt".into(), path: path.clone(), size: 10, mtime_ns: 0 };
        match load(&file, None, 100) {
            Loaded::Bad(reason) => {
                assert!(reason.starts_with("file too large (more than the limit of 100 bytes when read"), "{reason}");
                assert!(reason.ends_with("raise --max-bytes to index it"), "{reason}");
            }
            _ => panic!("a file over the limit when read was taken"),
        }
        let len = std::fs::metadata(&path).expect("meta").len();
        assert_eq!(read_bounded(&path, len).map(|b| b.len() as u64), Ok(len), "a file at the limit is read whole");
        assert!(read_bounded(&path, len - 1).is_err(), "one byte over is refused");
    }

    #[test]
    fn a_device_or_a_pipe_put_in_place_of_a_file_is_refused_without_reading_or_blocking() {
        let zero = read_bounded(std::path::Path::new("/dev/zero"), 1 << 30);
        assert_eq!(
            zero.err().as_deref().and_then(|r| r.split(';').next()),
            Some("not a regular file (a character device)")
        );
        let dir = tempfile::tempdir().expect("temp dir");
        let fifo = dir.path().join("pipe.txt");
        let c = std::ffi::CString::new(fifo.to_str().expect("utf-8").as_bytes()).expect("no NUL");
        // SAFETY: `c` is a valid NUL-terminated path for the duration of the call
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
        // without O_NONBLOCK this open waits for a writer forever
        let pipe = read_bounded(&fifo, 1000);
        assert_eq!(pipe.err().as_deref().and_then(|r| r.split(';').next()), Some("not a regular file (a named pipe)"));
    }

    #[test]
    fn folders_with_their_recorded_times_settle_staleness_without_looking_at_files() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir(dir.path().join("sub")).expect("subfolder");
        std::fs::write(dir.path().join("sub/a.txt"), "A report.").expect("file");
        let policy = corpus::Policy { max_bytes: u64::MAX, follow_links: false };
        let walk = corpus::walk(dir.path(), policy).expect("walk");
        assert_eq!(walk.folders.keys().collect::<Vec<_>>(), ["", "sub"]);
        // a manifest that lists no file: only the folder times can call it fresh
        let mut manifest = Manifest { folders: walk.folders.clone(), ..Manifest::current() };
        assert!(!is_stale(dir.path(), &Stored::of(&manifest)).expect("checked"), "the folder times match");
        manifest.folders.insert("sub".into(), 1);
        assert!(
            is_stale(dir.path(), &Stored::of(&manifest)).expect("checked"),
            "a folder changed: the files are compared"
        );
        manifest.files.insert(
            "sub/a.txt".into(),
            FileEntry {
                size: 9,
                mtime_ns: walk.files[0].mtime_ns,
                hash: String::new(),
                records: 1,
                sections: vec![],
                acronyms: vec![],
                about: None,
                twin: None,
            },
        );
        assert!(!is_stale(dir.path(), &Stored::of(&manifest)).expect("checked"), "and found the same");
        // a manifest of an older version, without folder times, compares the files
        manifest.folders.clear();
        assert!(!is_stale(dir.path(), &Stored::of(&manifest)).expect("checked"));
    }
}
