//! The index: the first layer that knows tantivy. Opening, creating, locking and reading the
//! manifest live here; [`writer`] applies a batch, [`schema`] names the fields.

pub mod analyzers;
mod directory;
pub mod manifest;
pub mod schema;
pub mod stored;
pub mod writer;

use std::path::{Path, PathBuf};

use tantivy::directory::error::{LockError, OpenDirectoryError};
use tantivy::directory::OwnedBytes;
use tantivy::index::SegmentComponent;
use tantivy::{Index, IndexWriter, TantivyDocument, TantivyError};

use crate::error::{Error, Result};
use manifest::Manifest;
use stored::Stored;

/// Writer memory budget; tantivy splits it among its threads (at least 15 MB each).
const WRITER_BUDGET: usize = 200_000_000;

impl From<TantivyError> for Error {
    /// A file of the index that is missing, corrupt or of an unknown version is damage the user
    /// can repair (`--full`); anything else is an internal failure, its cause kept as source.
    fn from(e: TantivyError) -> Error {
        use tantivy::directory::error::OpenReadError;
        let damage = match &e {
            TantivyError::DataCorruption(c) => Some(format!("{c:?}")),
            TantivyError::OpenReadError(OpenReadError::FileDoesNotExist(p)) => {
                Some(format!("{} is missing", p.display()))
            }
            TantivyError::OpenReadError(OpenReadError::IoError { io_error, filepath })
                if matches!(io_error.kind(), std::io::ErrorKind::InvalidData | std::io::ErrorKind::UnexpectedEof) =>
            {
                Some(format!("{} is corrupt: {io_error}", filepath.display()))
            }
            // what reading a memory-mapped file's bytes can fail with: they are not what was
            // written (a decompression or decoding failure), or end too soon
            TantivyError::IoError(io) if decoding_failure(io) => Some(format!("a file cannot be decoded: {io}")),
            // a stored record whose block decompresses to bytes that are not a record (zstd
            // blocks carry no checksum: a flipped byte reads as other bytes)
            TantivyError::DeserializeError(d) => Some(format!("a stored record cannot be decoded: {d}")),
            TantivyError::OpenReadError(OpenReadError::IncompatibleIndex(_)) | TantivyError::IncompatibleIndex(_) => {
                Some("a file of an unknown format".to_string())
            }
            _ => None,
        };
        match damage {
            Some(detail) => Error::Damaged { path: Default::default(), detail },
            None => Error::Index(crate::error::Internal::caused_by(e.to_string(), e)),
        }
    }
}

/// Whether an I/O error from tantivy says that bytes read from an index file are not what was
/// written (a decompression or decoding failure, or a file ending too soon), as opposed to a
/// failure of the system (a full disk, a permission): those carry an OS error code.
fn decoding_failure(io: &std::io::Error) -> bool {
    // an OS error anywhere in the chain (tantivy wraps them in errors of its own)
    let mut os_error = io.raw_os_error().is_some();
    let mut next: Option<&(dyn std::error::Error + 'static)> = io.get_ref().map(|e| e as _);
    while let Some(e) = next {
        os_error |= e.downcast_ref::<std::io::Error>().is_some_and(|e| e.raw_os_error().is_some());
        next = e.source();
    }
    // and in the words, where a wrapper kept only those
    os_error |= io.to_string().contains("(os error ");
    match io.kind() {
        std::io::ErrorKind::InvalidData | std::io::ErrorKind::UnexpectedEof => true,
        std::io::ErrorKind::Other => !os_error,
        _ => false,
    }
}

/// Whether `dir` holds an index (a committed `meta.json`).
pub fn exists(dir: &Path) -> bool {
    dir.join("meta.json").is_file()
}

/// Opens an existing index for reading and checks its format. Tokenizers are registered. Of
/// the manifest, only the summary is read (see [`stored`]).
pub fn open(dir: &Path) -> Result<(Index, Stored)> {
    let directory = directory::IndexDirectory::open(dir).map_err(|e| damaged(dir, TantivyError::from(e)))?;
    let index = Index::open(directory).map_err(|e| damaged(dir, e))?;
    let loaded = load_manifest(&index, dir).map_err(|e| version_error(dir, &format!("a damaged index ({e})")))?;
    let manifest = match loaded {
        Loaded::Current(stored) => *stored,
        Loaded::Missing => return Err(version_error(dir, "an index without a consulta manifest")),
        Loaded::Layout(v) => {
            return Err(version_error(
                dir,
                &format!("an index whose manifest is of layout {v} (this build reads {})", stored::VERSION),
            ))
        }
    };
    if manifest.summary.format != schema::FORMAT_VERSION {
        return Err(version_error(dir, &format!("format {}", manifest.summary.format)));
    }
    if schema::Fields::from_schema(&index.schema()).is_err() {
        return Err(version_error(dir, "a different schema"));
    }
    analyzers::register(&index);
    Ok((index, manifest))
}

/// Where a batch writes: the index folder itself, or a sibling folder renamed into place once
/// its first commit is done — for a first build, so that no other command ever sees a
/// half-created index (a killed first build leaves nothing at the index path), and for a full
/// rebuild, so that it never reads what is there (a damaged segment, a missing `meta.json`).
pub(crate) struct Target {
    /// The index to write to.
    pub index: Index,
    /// When building aside: the folder being built, to rename to the index path.
    pub building: Option<PathBuf>,
    /// For a full rebuild of an existing folder: its writer lock, held until the new index has
    /// replaced it, so that no other run writes there meanwhile.
    pub replaces: Option<tantivy::directory::DirectoryLock>,
    /// When building aside: the building folder's own lock, held from before it is cleared
    /// until it is installed (tantivy's writer lock is taken only once the index exists, too
    /// late to keep a second build from clearing the first one's files).
    pub build_lock: Option<tantivy::directory::DirectoryLock>,
}

/// Opens the index for a batch. A missing (or empty) index folder is built aside; with
/// `full`, a folder holding an index (whatever its state) is rebuilt aside and replaced.
pub(crate) fn open_for_write(dir: &Path, full: bool) -> Result<Target> {
    let holds_files = dir.is_dir() && std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?.next().is_some();
    if full && holds_files {
        only_index_files(dir)?;
        let lock = writer_lock(dir, &tantivy::directory::INDEX_WRITER_LOCK)?;
        let (index, building, build_lock) = fresh_building(dir)?;
        return Ok(Target { index, building: Some(building), replaces: Some(lock), build_lock: Some(build_lock) });
    }
    if exists(dir) {
        let (index, _) = open(dir)?;
        return Ok(Target { index, building: None, replaces: None, build_lock: None });
    }
    if holds_files {
        only_index_files(dir)?;
        return Err(Error::Damaged { path: dir.to_path_buf(), detail: "its meta.json is missing".into() });
    }
    let (index, building, build_lock) = fresh_building(dir)?;
    Ok(Target { index, building: Some(building), replaces: None, build_lock: Some(build_lock) })
}

/// The lock a build aside holds on its building folder.
static BUILD_LOCK: std::sync::LazyLock<tantivy::directory::Lock> = std::sync::LazyLock::new(|| {
    tantivy::directory::Lock { filepath: PathBuf::from(".consulta-build.lock"), is_blocking: false }
});

/// `lock` of the folder `dir`, without opening its index.
fn writer_lock(dir: &Path, lock: &tantivy::directory::Lock) -> Result<tantivy::directory::DirectoryLock> {
    use tantivy::Directory;
    let directory = directory::IndexDirectory::open(dir).map_err(|e| Error::from(TantivyError::from(e)))?;
    directory.acquire_lock(lock).map_err(|e| match e {
        LockError::LockBusy => Error::Locked(dir.to_path_buf()),
        LockError::IoError(io) => {
            Error::io(dir.join(".tantivy-writer.lock"), std::io::Error::new(io.kind(), io.to_string()))
        }
    })
}

/// A new, empty index in the building folder of `dir`, and the lock that keeps it ours (a
/// build in progress holds it: `Locked`). What a killed build left there is removed first:
/// the folder is consulta's own, nothing else is ever in it.
fn fresh_building(dir: &Path) -> Result<(Index, PathBuf, tantivy::directory::DirectoryLock)> {
    let building = building_dir(dir);
    std::fs::create_dir_all(&building).map_err(|e| Error::io(&building, e))?;
    let lock = writer_lock(&building, &BUILD_LOCK).map_err(|e| match e {
        Error::Locked(_) => Error::Locked(dir.to_path_buf()),
        other => other,
    })?;
    for entry in std::fs::read_dir(&building).map_err(|e| Error::io(&building, e))? {
        let path = entry.map_err(|e| Error::io(&building, e))?.path();
        if !path.file_name().is_some_and(|n| n.to_string_lossy().ends_with(".lock")) {
            let removed = if path.is_dir() { std::fs::remove_dir_all(&path) } else { std::fs::remove_file(&path) };
            removed.map_err(|e| Error::io(&path, e))?;
        }
    }
    let index = Index::builder().schema(schema::build()).settings(schema::settings()).create_in_dir(&building)?;
    analyzers::register(&index);
    Ok((index, building, lock))
}

/// The folder a first build of `dir` is written in: `index` → `.index.building` beside it.
fn building_dir(dir: &Path) -> PathBuf {
    let name = dir.file_name().map_or_else(|| "index".into(), |n| n.to_string_lossy().into_owned());
    dir.with_file_name(format!(".{name}.building"))
}

/// Moves a finished build into place. An index it replaces is moved aside first and removed
/// once the new one is in place (a reader that has it open keeps reading its files).
pub(crate) fn install(building: &Path, dir: &Path, replaces: bool) -> Result<()> {
    let old = dir.with_file_name(format!(".{}.old", dir.file_name().map_or("index".into(), |n| n.to_string_lossy())));
    if replaces {
        let _ = std::fs::remove_dir_all(&old);
        std::fs::rename(dir, &old).map_err(|e| Error::io(dir, e))?;
    } else if dir.is_dir() {
        // an empty folder the user made for it (checked in `open_for_write`)
        let _ = std::fs::remove_dir(dir);
    }
    std::fs::rename(building, dir).map_err(|e| match e.kind() {
        std::io::ErrorKind::DirectoryNotEmpty | std::io::ErrorKind::AlreadyExists => Error::Locked(dir.to_path_buf()),
        _ => Error::io(dir, e),
    })?;
    if replaces {
        let _ = std::fs::remove_dir_all(&old);
    }
    Ok(())
}

/// Removes the files of the index folder `written` that its last commit does not use (what a
/// failed writer left: tantivy's garbage collection never ran for it).
pub(crate) fn clean_up(written: &Path) {
    if let Ok((index, _)) = open(written) {
        if let Ok(writer) = index.writer_with_num_threads::<TantivyDocument>(1, 15_000_000) {
            let _ = writer.garbage_collect_files().wait();
        }
        // a manifest written for a commit that never came
        if let Ok(Some(payload)) = index.load_metas().map(|m| m.payload) {
            if let Ok(pointer) = serde_json::from_str::<manifest::Pointer>(&payload) {
                manifest::remove_others(written, &pointer);
            }
        }
    }
}

/// How closely [`check_index`] looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scrutiny {
    /// Every file of the last commit is there (a few `stat`s).
    Presence,
    /// And passes its checksum (reads every byte: about 0.07 s for the 110 MB index of the
    /// 5,000-file bench corpus).
    Checksums,
}

/// Every file of the last commit is there and passes its checksum. The damaged or missing
/// files, by name; empty when the index is whole.
pub fn check(dir: &Path) -> Result<Vec<String>> {
    let (index, _) = open(dir)?;
    check_index(&index, dir, Scrutiny::Checksums)
}

/// [`check`] of an open index, as closely as `scrutiny` says.
fn check_index(index: &Index, dir: &Path, scrutiny: Scrutiny) -> Result<Vec<String>> {
    let mut bad = Vec::new();
    for meta in index.searchable_segment_metas()? {
        let mut components = vec![
            SegmentComponent::Postings,
            SegmentComponent::Positions,
            SegmentComponent::FastFields,
            SegmentComponent::FieldNorms,
            SegmentComponent::Terms,
            SegmentComponent::Store,
        ];
        if meta.has_deletes() {
            components.push(SegmentComponent::Delete);
        }
        for c in components {
            let path = meta.relative_path(c);
            if !dir.join(&path).is_file() {
                bad.push(format!("{} (missing)", path.display()));
            }
        }
    }
    if scrutiny == Scrutiny::Checksums {
        let corrupt = index.validate_checksum()?;
        let mut corrupt: Vec<String> = corrupt.into_iter().map(|p| format!("{} (checksum)", p.display())).collect();
        corrupt.sort();
        bad.extend(corrupt);
    }
    Ok(bad)
}

/// An open index whose files fail [`check_index`] is reported as damaged, naming them.
pub(crate) fn ensure_whole(index: &Index, dir: &Path, scrutiny: Scrutiny) -> Result<()> {
    let bad = check_index(index, dir, scrutiny)?;
    if bad.is_empty() {
        return Ok(());
    }
    let shown: Vec<&str> = bad.iter().take(3).map(String::as_str).collect();
    let more = if bad.len() > 3 { format!(" and {} more", bad.len() - 3) } else { String::new() };
    Err(Error::Damaged { path: dir.to_path_buf(), detail: format!("{}{more}", shown.join(", ")) })
}

/// The file a search's update of the index marks the folder it writes with.
const SEARCH_UPDATE: &str = ".consulta-search-update";

/// Marks a folder as being written by a search's update of the index, until dropped.
pub struct SearchUpdate(PathBuf);

impl SearchUpdate {
    /// Marks `written` (the index folder or its building folder).
    pub fn mark(written: &Path) -> SearchUpdate {
        let path = written.join(SEARCH_UPDATE);
        let _ = std::fs::write(&path, std::process::id().to_string());
        SearchUpdate(path)
    }
}

impl Drop for SearchUpdate {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Whether a search is updating the index `dir` (or building it).
pub fn search_is_updating(dir: &Path) -> bool {
    dir.join(SEARCH_UPDATE).is_file() || building_dir(dir).join(SEARCH_UPDATE).is_file()
}

/// Refuses a folder that holds anything but an index's own files.
fn only_index_files(dir: &Path) -> Result<()> {
    let entries = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
    for entry in entries {
        let path = entry.map_err(|e| Error::io(dir, e))?.path();
        if !is_index_file(&path) {
            return Err(foreign(dir, &format!("{} is not an index file", path.display())));
        }
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
            || matches!(
                name,
                "meta.json"
                    | ".managed.json"
                    | ".tantivy-meta.lock"
                    | ".tantivy-writer.lock"
                    | ".consulta-build.lock"
                    | SEARCH_UPDATE
            ))
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

/// The manifest of the last commit, whole, if the index has one (what an indexing run diffs
/// against: its every byte is read).
pub fn read_manifest(index: &Index) -> Result<Option<Manifest>> {
    let whole = |name: &Path| tantivy::Directory::atomic_read(index.directory(), name).map(OwnedBytes::new);
    match load_with(index, whole)? {
        Loaded::Current(stored) => stored.decode().map(Some),
        Loaded::Missing => Ok(None),
        Loaded::Layout(v) => Err(Error::internal(format!("a manifest of layout {v}, not {}", stored::VERSION))),
    }
}

/// What the last commit's payload leads to.
pub enum Loaded {
    /// A manifest file of this layout, its summary read.
    Current(Box<Stored>),
    /// No payload: a fresh index.
    Missing,
    /// A manifest of another layout (1: the JSON file, or the payload itself in older indexes).
    Layout(u32),
}

/// The manifest of the last commit of the index in `dir`: the file its payload names (see
/// [`manifest`]), memory-mapped, so that only the pages a search reads are read. (It is
/// mapped through a directory of its own: the index's managed directory checks a tantivy
/// footer on every file it opens, which the manifest, not a tantivy file, does not have.)
pub fn load_manifest(index: &Index, dir: &Path) -> Result<Loaded> {
    let directory = tantivy::directory::MmapDirectory::open(dir)
        .map_err(|e| Error::internal(format!("unreadable manifest: {e}")))?;
    load_with(index, |name| {
        tantivy::Directory::open_read(&directory, name)?
            .read_bytes()
            .map_err(|e| tantivy::directory::error::OpenReadError::wrap_io_error(e, name.to_path_buf()))
    })
}

/// [`load_manifest`], the file's bytes given by `fetch`.
fn load_with(
    index: &Index,
    fetch: impl Fn(&Path) -> std::result::Result<OwnedBytes, tantivy::directory::error::OpenReadError>,
) -> Result<Loaded> {
    let unreadable = |e: &dyn std::fmt::Display| Error::internal(format!("unreadable manifest: {e}"));
    // a commit made between reading `meta.json` and reading the manifest it names removes
    // that manifest: the second reading of `meta.json` names the new one
    for attempt in 0..2 {
        let Some(payload) = index.load_metas()?.payload else { return Ok(Loaded::Missing) };
        let Ok(manifest::Pointer { manifest: name }) = serde_json::from_str(&payload) else {
            // the whole manifest as the payload, from before manifests were files
            return Ok(Loaded::Layout(1));
        };
        match fetch(Path::new(&name)) {
            Ok(bytes) => {
                return match stored::version_of(&bytes) {
                    Some(stored::VERSION) => Stored::parse(bytes).map(|s| Loaded::Current(Box::new(s))),
                    Some(v) => Ok(Loaded::Layout(v)),
                    None => Err(unreadable(&format!("{name} is not a manifest file"))),
                };
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
    fn a_manifest_is_read_from_the_file_the_payload_names_and_an_older_layout_is_told() {
        let dir = tempfile::tempdir().expect("temp dir");
        let index = Index::create_in_dir(dir.path(), schema::build()).expect("index");
        assert!(matches!(load_manifest(&index, dir.path()).expect("read"), Loaded::Missing));
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
                about: None,
                twin: None,
            },
        );
        commit_with(&index, &manifest::write(dir.path(), &wanted).expect("manifest written").payload());
        assert_eq!(read_manifest(&index).expect("read"), Some(wanted.clone()));
        let Loaded::Current(stored) = load_manifest(&index, dir.path()).expect("read") else {
            panic!("the current layout")
        };
        assert_eq!(stored.entry("a.txt").expect("read"), wanted.files.get("a.txt").cloned());
        // an index written before manifests were files carries the manifest in its payload;
        // one written before they were binary names a JSON file
        commit_with(&index, &serde_json::to_string(&wanted).expect("json"));
        assert!(matches!(load_manifest(&index, dir.path()).expect("read"), Loaded::Layout(1)));
        let err = read_manifest(&index).expect_err("an older layout").to_string();
        assert!(err.contains("layout 1"), "{err}");
        std::fs::write(dir.path().join("consulta-manifest-01.json"), "{}").expect("json file");
        commit_with(&index, r#"{"manifest":"consulta-manifest-01.json"}"#);
        assert!(matches!(load_manifest(&index, dir.path()).expect("read"), Loaded::Layout(1)));
        // a payload naming a file that is gone is an error that says so
        commit_with(&index, r#"{"manifest":"consulta-manifest-00.bin"}"#);
        let err = read_manifest(&index).expect_err("a missing manifest file").to_string();
        assert!(err.contains("unreadable manifest") && err.contains("consulta-manifest-00.bin"), "{err}");
    }
}
