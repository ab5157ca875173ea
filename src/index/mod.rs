//! The index: the first layer that knows tantivy. Opening, creating, locking and reading the
//! manifest live here; [`writer`] runs a batch, [`schema`] names the fields.

pub mod analyzers;
pub mod corpus;
pub mod manifest;
pub mod schema;
pub mod writer;

use std::path::Path;

use tantivy::directory::error::{LockError, OpenDirectoryError};
use tantivy::{Index, IndexWriter, TantivyDocument, TantivyError};

use crate::error::{Error, Result};
use manifest::Manifest;

pub use writer::{IndexOptions, IndexReport, Progress, StoredRecord};

/// Writer memory budget; tantivy splits it among its threads (at least 15 MB each).
const WRITER_BUDGET: usize = 200_000_000;

impl From<TantivyError> for Error {
    fn from(e: TantivyError) -> Error {
        Error::Index(e.to_string())
    }
}

/// Whether `dir` holds an index (a committed `meta.json`).
pub fn exists(dir: &Path) -> bool {
    dir.join("meta.json").is_file()
}

/// Opens an existing index for reading and checks its format. Tokenizers are registered.
pub fn open(dir: &Path) -> Result<(Index, Manifest)> {
    let index = Index::open_in_dir(dir).map_err(|e| damaged(dir, e))?;
    let manifest = read_manifest(&index)?.ok_or_else(|| version_error(dir, "an index without a consulta manifest"))?;
    if manifest.format != schema::FORMAT_VERSION {
        return Err(version_error(dir, &format!("format {}", manifest.format)));
    }
    if schema::Fields::from_schema(&index.schema()).is_err() {
        return Err(version_error(dir, "a different schema"));
    }
    analyzers::register(&index);
    Ok((index, manifest))
}

/// Opens the index for a batch, creating it if needed. With `full`, an index of another format
/// (or a damaged one) is wiped and recreated instead of refused.
pub(crate) fn open_for_write(dir: &Path, full: bool) -> Result<Index> {
    if exists(dir) {
        match open(dir) {
            Ok((index, _)) => return Ok(index),
            Err(Error::IndexVersion { .. }) if full => wipe(dir)?,
            Err(e) => return Err(e),
        }
    }
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let index = Index::create_in_dir(dir, schema::build()).map_err(|e| match e {
        TantivyError::IndexAlreadyExists => Error::Usage(format!(
            "{} already holds files that are not a consulta index; pass another --index DIR",
            dir.display()
        )),
        other => other.into(),
    })?;
    analyzers::register(&index);
    Ok(index)
}

/// Removes an index folder's files, only if it looks like an index (it holds `meta.json`).
fn wipe(dir: &Path) -> Result<()> {
    if !exists(dir) {
        return Ok(());
    }
    std::fs::remove_dir_all(dir).map_err(|e| Error::io(dir, e))
}

/// The writer, or a clear error when another run holds the lock.
pub(crate) fn writer(index: &Index, dir: &Path) -> Result<IndexWriter<TantivyDocument>> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 4);
    index.writer_with_num_threads(threads, WRITER_BUDGET).map_err(|e| match e {
        TantivyError::LockFailure(LockError::LockBusy, _) => Error::Locked(dir.to_path_buf()),
        other => other.into(),
    })
}

/// The manifest of the last commit, if the index has one.
pub fn read_manifest(index: &Index) -> Result<Option<Manifest>> {
    let metas = index.load_metas()?;
    match metas.payload {
        None => Ok(None),
        Some(p) => serde_json::from_str(&p).map(Some).map_err(|e| Error::Index(format!("unreadable manifest: {e}"))),
    }
}

/// Whether the corpus differs from what the manifest says was indexed: a file added, removed
/// or touched, or analysis data changed. Reads metadata only, never file contents.
pub fn is_stale(corpus_dir: &Path, manifest: &Manifest, max_bytes: u64) -> Result<bool> {
    if manifest.analysis != manifest::analysis_fingerprint() {
        return Ok(true);
    }
    let walk = corpus::walk(corpus_dir, max_bytes)?;
    let same = |size: u64, mtime: u128, f: &corpus::SourceFile| size == f.size && mtime == f.mtime_ns;
    let changed = walk.files.iter().any(|f| match (manifest.files.get(&f.name), manifest.failed.get(&f.name)) {
        (_, Some(bad)) => !same(bad.size, bad.mtime_ns, f),
        (Some(ok), None) => !same(ok.size, ok.mtime_ns, f),
        (None, None) => true,
    });
    let present = walk.files.len() + walk.failed.len();
    let known = manifest.files.keys().chain(manifest.failed.keys().filter(|k| !manifest.files.contains_key(*k)));
    Ok(changed || known.count() != present)
}

fn damaged(dir: &Path, e: TantivyError) -> Error {
    match e {
        TantivyError::OpenDirectoryError(OpenDirectoryError::DoesNotExist(_)) => {
            Error::Usage(format!("no index at {}; run `consulta index` first", dir.display()))
        }
        other => version_error(dir, &format!("a damaged or foreign index ({other})")),
    }
}

fn version_error(dir: &Path, found: &str) -> Error {
    Error::IndexVersion {
        path: dir.to_path_buf(),
        found: found.to_string(),
        expected: format!("consulta format {}", schema::FORMAT_VERSION),
    }
}
