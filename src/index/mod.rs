//! The index: the first layer that knows tantivy. Opening, creating, locking and reading the
//! manifest live here; [`writer`] applies a batch, [`schema`] names the fields.

pub mod analyzers;
pub mod manifest;
pub mod schema;
pub mod writer;

use std::path::Path;

use tantivy::directory::error::{LockError, OpenDirectoryError};
use tantivy::{Index, IndexWriter, TantivyDocument, TantivyError};

use crate::error::{Error, Result};
use manifest::Manifest;

/// Writer memory budget; tantivy splits it among its threads (at least 15 MB each).
const WRITER_BUDGET: usize = 200_000_000;

impl From<TantivyError> for Error {
    fn from(e: TantivyError) -> Error {
        Error::Index(crate::error::Internal::caused_by(e.to_string(), e))
    }
}

/// Whether `dir` holds an index (a committed `meta.json`).
pub fn exists(dir: &Path) -> bool {
    dir.join("meta.json").is_file()
}

/// Opens an existing index for reading and checks its format. Tokenizers are registered.
pub fn open(dir: &Path) -> Result<(Index, Manifest)> {
    let index = Index::open_in_dir(dir).map_err(|e| damaged(dir, e))?;
    let manifest = read_manifest(&index)
        .map_err(|e| version_error(dir, &format!("a damaged index ({e})")))?
        .ok_or_else(|| version_error(dir, "an index without a consulta manifest"))?;
    if manifest.format != schema::FORMAT_VERSION {
        return Err(version_error(dir, &format!("format {}", manifest.format)));
    }
    if schema::Fields::from_schema(&index.schema()).is_err() {
        return Err(version_error(dir, "a different schema"));
    }
    analyzers::register(&index);
    Ok((index, manifest))
}

/// Where a batch writes: the index folder itself, or — for a first build — a sibling folder
/// renamed into place once its first commit is done, so that no other command ever sees a
/// half-created index (a killed first build leaves nothing at the index path).
pub(crate) struct Target {
    /// The index to write to.
    pub index: Index,
    /// For a first build: the folder being built, to rename to the index path.
    pub building: Option<std::path::PathBuf>,
}

/// Opens the index for a batch. A missing (or empty) index folder is built aside; with
/// `full`, an index of another format is cleared (its own files only) and rebuilt.
pub(crate) fn open_for_write(dir: &Path, full: bool) -> Result<Target> {
    if exists(dir) {
        match open(dir) {
            Ok((index, _)) => return Ok(Target { index, building: None }),
            Err(Error::IndexVersion { .. }) if full => clear(dir)?,
            Err(e) => return Err(e),
        }
    }
    if dir.is_dir() && std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?.next().is_some() {
        return Err(foreign(dir, "it holds files and no index"));
    }
    let building = building_dir(dir);
    std::fs::create_dir_all(&building).map_err(|e| Error::io(&building, e))?;
    let directory = tantivy::directory::MmapDirectory::open(&building)
        .map_err(|e| Error::Index(crate::error::Internal::caused_by(e.to_string(), e)))?;
    let index = match Index::open_or_create(directory, schema::build()) {
        Ok(index) => index,
        Err(TantivyError::SchemaError(_)) => {
            // a first build of an older version was killed here: start again
            clear(&building)?;
            Index::create_in_dir(&building, schema::build())?
        }
        Err(e) => return Err(e.into()),
    };
    analyzers::register(&index);
    Ok(Target { index, building: Some(building) })
}

/// The folder a first build of `dir` is written in: `index` → `.index.building` beside it.
fn building_dir(dir: &Path) -> std::path::PathBuf {
    let name = dir.file_name().map_or_else(|| "index".into(), |n| n.to_string_lossy().into_owned());
    dir.with_file_name(format!(".{name}.building"))
}

/// Moves a finished first build into place.
pub(crate) fn install(building: &Path, dir: &Path) -> Result<()> {
    if dir.is_dir() {
        // an empty folder the user made for it (checked in `open_for_write`)
        let _ = std::fs::remove_dir(dir);
    }
    std::fs::rename(building, dir).map_err(|e| match e.kind() {
        std::io::ErrorKind::DirectoryNotEmpty | std::io::ErrorKind::AlreadyExists => Error::Locked(dir.to_path_buf()),
        _ => Error::io(dir, e),
    })
}

/// Removes an index's own files (tantivy's `meta.json`, `.managed.json`, locks and segment
/// files named by their 32-hex-digit id, consulta's manifest files) and refuses to touch a
/// folder holding anything else.
fn clear(dir: &Path) -> Result<()> {
    let entries: Vec<std::path::PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| Error::io(dir, e))?
        .map(|e| e.map(|e| e.path()).map_err(|err| Error::io(dir, err)))
        .collect::<Result<_>>()?;
    if let Some(other) = entries.iter().find(|p| !is_index_file(p)) {
        return Err(foreign(dir, &format!("{} is not an index file", other.display())));
    }
    for p in entries {
        std::fs::remove_file(&p).map_err(|e| Error::io(&p, e))?;
    }
    Ok(())
}

fn is_index_file(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else { return false };
    let segment_file =
        name.len() > 33 && name.as_bytes()[..32].iter().all(u8::is_ascii_hexdigit) && name.as_bytes()[32] == b'.';
    path.is_file()
        && (segment_file
            || manifest::is_manifest_file(name)
            || matches!(name, "meta.json" | ".managed.json" | ".tantivy-meta.lock" | ".tantivy-writer.lock"))
}

fn foreign(dir: &Path, why: &str) -> Error {
    Error::Usage(format!(
        "{} is not a consulta index ({why}); pass another --index DIR, or remove the folder yourself",
        dir.display()
    ))
}

/// The writer, or a clear error when another run holds the lock.
///
/// A killed run leaves files no commit refers to; one of them can bear the very name this
/// run's deletes are about to take (segment and operation number repeat from the last
/// commit), so they are removed first.
pub(crate) fn writer(index: &Index, dir: &Path) -> Result<IndexWriter<TantivyDocument>> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 4);
    let writer = index.writer_with_num_threads(threads, WRITER_BUDGET).map_err(|e| match e {
        TantivyError::LockFailure(LockError::LockBusy, _) => Error::Locked(dir.to_path_buf()),
        other => other.into(),
    })?;
    writer.garbage_collect_files().wait()?;
    Ok(writer)
}

/// The manifest of the last commit, if the index has one: the file its payload names (see
/// [`manifest`]), or the payload itself for an index written before manifests were files.
pub fn read_manifest(index: &Index) -> Result<Option<Manifest>> {
    let unreadable = |e: &dyn std::fmt::Display| Error::internal(format!("unreadable manifest: {e}"));
    // a commit made between reading `meta.json` and reading the manifest it names removes
    // that manifest: the second reading of `meta.json` names the new one
    for attempt in 0..2 {
        let Some(payload) = index.load_metas()?.payload else { return Ok(None) };
        let Ok(manifest::Pointer { manifest: name }) = serde_json::from_str(&payload) else {
            return serde_json::from_str(&payload).map(Some).map_err(|e| unreadable(&e));
        };
        match tantivy::Directory::atomic_read(index.directory(), Path::new(&name)) {
            Ok(bytes) => {
                // checked as UTF-8 once, not string by string as `from_slice` does
                let text = String::from_utf8(bytes).map_err(|e| unreadable(&e))?;
                return serde_json::from_str(&text).map(Some).map_err(|e| unreadable(&e));
            }
            Err(tantivy::directory::error::OpenReadError::FileDoesNotExist(_)) if attempt == 0 => continue,
            Err(e) => return Err(unreadable(&e)),
        }
    }
    unreachable!("the second attempt returns")
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A commit of `index` with `payload`.
    fn commit_with(index: &Index, payload: &str) {
        let mut writer: IndexWriter<TantivyDocument> = index.writer_with_num_threads(1, 15_000_000).expect("writer");
        let mut commit = writer.prepare_commit().expect("prepare");
        commit.set_payload(payload);
        commit.commit().expect("commit");
    }

    #[test]
    fn a_manifest_is_read_from_the_file_the_payload_names_or_from_an_older_payload() {
        let dir = tempfile::tempdir().expect("temp dir");
        let index = Index::create_in_dir(dir.path(), schema::build()).expect("index");
        let mut wanted = Manifest::current();
        wanted.files.insert(
            "a.txt".into(),
            manifest::FileEntry {
                size: 3,
                mtime_ns: 7,
                hash: "00".repeat(16),
                records: 1,
                sections: vec!["intro".into()],
                acronyms: vec![("RCM".into(), "Regional Conference on Migration".into())],
            },
        );
        commit_with(&index, &manifest::write(dir.path(), &wanted).expect("manifest written").payload());
        assert_eq!(read_manifest(&index).expect("read"), Some(wanted.clone()));
        // an index written before manifests were files carries the manifest in its payload
        commit_with(&index, &serde_json::to_string(&wanted).expect("json"));
        assert_eq!(read_manifest(&index).expect("read"), Some(wanted));
        // a payload naming a file that is gone is an error that says so
        commit_with(&index, r#"{"manifest":"consulta-manifest-00.json"}"#);
        let err = read_manifest(&index).expect_err("a missing manifest file").to_string();
        assert!(err.contains("unreadable manifest") && err.contains("consulta-manifest-00.json"), "{err}");
    }
}
