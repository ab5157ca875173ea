//! Walking the corpus folder: which files to index, which to skip, which cannot be read.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use crate::error::{Error, Result};

/// A source file found in the corpus.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Name relative to the corpus folder, `/`-separated: the `doc` facet.
    pub name: String,
    /// Full path.
    pub path: PathBuf,
    /// Size in bytes.
    pub size: u64,
    /// Modification time in nanoseconds since the epoch.
    pub mtime_ns: u128,
}

/// A path that was passed over or could not be taken.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PathIssue {
    /// The path as found.
    pub path: String,
    /// Why.
    pub reason: String,
    /// For failures: whether the last good version stays searchable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kept_previous: Option<bool>,
}

/// What a walk found.
#[derive(Debug, Default)]
pub struct Walk {
    /// Files to index, sorted by name.
    pub files: Vec<SourceFile>,
    /// Files that are not reports (other extensions).
    pub skipped: Vec<PathIssue>,
    /// Files that look like reports but cannot be taken (name, size, permissions, loops).
    pub failed: Vec<(String, PathIssue)>,
    /// Every folder walked (`""` is the corpus folder itself) and its modification time when
    /// it was read, so that a later check can tell nothing was added, removed or replaced
    /// without looking at every file (see [`crate::reindex::is_stale`]).
    pub folders: std::collections::BTreeMap<String, u128>,
}

/// Walks `root` recursively (hidden entries excluded), never following a symlink loop.
pub fn walk(root: &Path, max_bytes: u64) -> Result<Walk> {
    let meta = std::fs::metadata(root).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => Error::Usage(format!(
            "corpus folder {} not found; run from the folder that holds corpus/, or pass --corpus DIR",
            root.display()
        )),
        _ => Error::io(root, e),
    })?;
    if !meta.is_dir() {
        return Err(Error::Usage(format!(
            "{} is not a folder; pass --corpus DIR with the reports in it",
            root.display()
        )));
    }
    let mut walk = Walk::default();
    let mut seen = HashSet::new();
    visit(root, root, max_bytes, &mut walk, &mut seen)?;
    walk.files.sort_by(|a, b| a.name.cmp(&b.name));
    walk.skipped.sort_by(|a, b| a.path.cmp(&b.path));
    walk.failed.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(walk)
}

fn visit(root: &Path, dir: &Path, max_bytes: u64, walk: &mut Walk, seen: &mut HashSet<PathBuf>) -> Result<()> {
    if let Ok(canonical) = std::fs::canonicalize(dir) {
        if !seen.insert(canonical) {
            let name = relative(root, dir);
            walk.failed
                .push((name.clone(), issue(&name, "symlink loop: this folder links back to one already walked")));
            return Ok(());
        }
    }
    if let Some(mtime) = std::fs::metadata(dir).ok().and_then(|m| mtime_ns(&m)) {
        walk.folders.insert(relative(root, dir), mtime);
    }
    let entries = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
    for entry in entries {
        let entry = entry.map_err(|e| Error::io(dir, e))?;
        let path = entry.path();
        let file_name = entry.file_name();
        if file_name.to_string_lossy().starts_with('.') {
            continue;
        }
        let name = relative(root, &path);
        if file_name.to_str().is_none() {
            walk.failed.push((name.clone(), issue(&name, "file name is not valid UTF-8; rename the file")));
            continue;
        }
        let meta = match std::fs::metadata(&path) {
            Ok(m) => m,
            Err(e) => {
                let reason = if e.raw_os_error() == Some(40) {
                    "symlink loop; fix or remove the link".to_string()
                } else if e.kind() == std::io::ErrorKind::NotFound {
                    "broken symlink or file vanished while walking".to_string()
                } else {
                    crate::ingest::read_reason(&e)
                };
                walk.failed.push((name.clone(), issue(&name, &reason)));
                continue;
            }
        };
        if meta.is_dir() {
            visit(root, &path, max_bytes, walk, seen)?;
            continue;
        }
        if super::formats::for_path(&path).is_none() {
            let reason = format!("not a {} file", super::formats::described());
            walk.skipped.push(PathIssue { path: name, reason, kept_previous: None });
            continue;
        }
        if meta.len() > max_bytes {
            let reason =
                format!("file too large ({} bytes, limit {max_bytes}); raise --max-bytes to index it", meta.len());
            walk.failed.push((name.clone(), issue(&name, &reason)));
            continue;
        }
        walk.files.push(SourceFile { name, path, size: meta.len(), mtime_ns: mtime_ns(&meta).unwrap_or(0) });
    }
    Ok(())
}

/// The modification time of the corpus folder `name` (as [`Walk::folders`] names it), if it
/// is still a folder.
pub fn folder_mtime(root: &Path, name: &str) -> Option<u128> {
    let meta = std::fs::metadata(if name.is_empty() { root.to_path_buf() } else { root.join(name) }).ok()?;
    meta.is_dir().then(|| mtime_ns(&meta)).flatten()
}

fn mtime_ns(meta: &std::fs::Metadata) -> Option<u128> {
    meta.modified().ok().and_then(|t| t.duration_since(UNIX_EPOCH).ok()).map(|d| d.as_nanos())
}

fn issue(name: &str, reason: &str) -> PathIssue {
    PathIssue { path: name.to_string(), reason: reason.to_string(), kept_previous: None }
}

fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")
}
