//! Walking the corpus folder: which files to index, which to skip, which cannot be read.
//!
//! One policy for a corpus on a shared drive, where anything can turn up in a folder:
//!
//! - only regular files are read: a named pipe, socket or device named `x.txt` is skipped with
//!   its kind (a pipe blocked the whole run, holding the writer lock; issue #17 row 3);
//! - a symlink whose target leaves the corpus folder is skipped unless the walk follows links
//!   (`--follow-links`): `outside.txt → /etc/passwd` made that file searchable (row 9);
//! - a folder that cannot be listed is reported like a file that cannot be read, and the rest
//!   is walked; [`Walk::unreadable`] names it, so that the records of its files are kept (row 5);
//! - the real tree is walked first, then the folders reached through links, each folder once:
//!   a link back to a folder that holds it is a loop, a second way to a folder already walked
//!   is skipped with the name it was walked as (row 14).

use std::collections::{HashMap, VecDeque};
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

/// What the walk takes and what it passes over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// Files whose size says they are larger than this are refused (reading enforces it too).
    pub max_bytes: u64,
    /// Follow symlinks whose target is outside the corpus folder.
    pub follow_links: bool,
}

/// What a walk found.
#[derive(Debug, Default)]
pub struct Walk {
    /// Files to index, sorted by name.
    pub files: Vec<SourceFile>,
    /// Entries passed over on purpose: other extensions, special files, links out of the
    /// corpus, second ways to a folder already walked.
    pub skipped: Vec<PathIssue>,
    /// Entries that look like reports but cannot be taken (name, size, permissions, loops),
    /// and folders that cannot be listed.
    pub failed: Vec<(String, PathIssue)>,
    /// The folders of `failed` that could not be listed (read permission, I/O error): what
    /// was indexed from under them is not known to be gone.
    pub unreadable: Vec<String>,
    /// Every folder walked (`""` is the corpus folder itself) and its modification time when
    /// it was read, so that a later check can tell nothing was added, removed or replaced
    /// without looking at every file (see [`crate::reindex::is_stale`]). A folder that could
    /// not be listed has time 0, which no folder has: every check walks again until it can.
    pub folders: std::collections::BTreeMap<String, u128>,
}

impl Walk {
    /// Whether `name` (a file name as [`SourceFile::name`]) is under a folder that could not
    /// be listed.
    pub fn under_unreadable(&self, name: &str) -> bool {
        self.unreadable.iter().any(|dir| name.strip_prefix(dir.as_str()).is_some_and(|rest| rest.starts_with('/')))
    }
}

/// Walks `root` recursively (hidden entries excluded) under `policy`.
pub fn walk(root: &Path, policy: Policy) -> Result<Walk> {
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
    let canonical_root = std::fs::canonicalize(root).map_err(|e| Error::io(root, e))?;
    let mut walker =
        Walker { root, canonical_root, policy, walk: Walk::default(), walked: HashMap::new(), links: VecDeque::new() };
    // the corpus folder itself must be listed: with nothing walked, every record would look deleted
    let entries = list(root).map_err(|e| Error::Input {
        path: root.to_path_buf(),
        reason: format!("the corpus folder {}", folder_reason(&e)),
    })?;
    walker.visit(root, String::new(), &[], Ok(entries));
    // folders reached through links, after the real tree: a folder is walked under its own name
    // when it has one, and a link to it is the second way
    while let Some(link) = walker.links.pop_front() {
        walker.enter_link(link);
    }
    let mut walk = walker.walk;
    walk.files.sort_by(|a, b| a.name.cmp(&b.name));
    walk.skipped.sort_by(|a, b| a.path.cmp(&b.path));
    walk.failed.sort_by(|a, b| a.0.cmp(&b.0));
    walk.unreadable.sort();
    Ok(walk)
}

/// The state of one walk.
struct Walker<'a> {
    root: &'a Path,
    canonical_root: PathBuf,
    policy: Policy,
    walk: Walk,
    /// Each folder walked, by its canonical path, and the name it was walked as.
    walked: HashMap<PathBuf, String>,
    /// Folders reached through a symlink, walked after the real tree.
    links: VecDeque<Link>,
}

/// A folder reached through a symlink, waiting to be walked.
struct Link {
    path: PathBuf,
    name: String,
    /// The folders that hold the link (canonical path, name), the corpus folder first.
    ancestors: Vec<(PathBuf, String)>,
}

/// A folder's entries, sorted by file name so that which of two ways to a folder is "the
/// first" does not depend on the file system's order.
fn list(dir: &Path) -> std::io::Result<Vec<std::fs::DirEntry>> {
    let mut entries = std::fs::read_dir(dir)?.collect::<std::io::Result<Vec<_>>>()?;
    entries.sort_by_key(|e| e.file_name());
    Ok(entries)
}

impl Walker<'_> {
    /// Walks the folder `dir` named `name`, held by `ancestors`, whose listing is `entries`.
    fn visit(
        &mut self,
        dir: &Path,
        name: String,
        ancestors: &[(PathBuf, String)],
        entries: std::io::Result<Vec<std::fs::DirEntry>>,
    ) {
        let canonical = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
        self.walked.insert(canonical.clone(), name.clone());
        let entries = match entries {
            Ok(entries) => entries,
            Err(e) => return self.unreadable(name, &e),
        };
        if let Some(mtime) = std::fs::metadata(dir).ok().and_then(|m| mtime_ns(&m)) {
            self.walk.folders.insert(name.clone(), mtime);
        }
        let mut chain = ancestors.to_vec();
        chain.push((canonical, name));
        for entry in entries {
            let file_name = entry.file_name();
            if file_name.to_string_lossy().starts_with('.') {
                continue;
            }
            let path = entry.path();
            let name = relative(self.root, &path);
            if file_name.to_str().is_none() {
                self.fail(name, "file name is not valid UTF-8; rename the file".into());
                continue;
            }
            self.entry(path, name, &chain);
        }
    }

    /// One entry of a folder held by `chain`.
    fn entry(&mut self, path: PathBuf, name: String, chain: &[(PathBuf, String)]) {
        let meta = match std::fs::symlink_metadata(&path) {
            Ok(m) => m,
            Err(e) => return self.fail(name, not_found_reason(&e)),
        };
        if !meta.file_type().is_symlink() {
            if meta.is_dir() {
                let entries = list(&path);
                return self.visit(&path, name, chain, entries);
            }
            return self.file(path, name, &meta);
        }
        let target = match std::fs::canonicalize(&path).and_then(|t| std::fs::metadata(&t).map(|m| (t, m))) {
            Ok(target) => target,
            Err(e) => return self.fail(name, not_found_reason(&e)),
        };
        let (target, meta) = target;
        if !self.policy.follow_links && !target.starts_with(&self.canonical_root) {
            let reason = format!(
                "symbolic link to {}, outside the corpus folder; pass --follow-links to index what it points to",
                target.display()
            );
            return self.skip(name, reason);
        }
        if !meta.is_dir() {
            return self.file(path, name, &meta);
        }
        if let Some((_, holder)) = chain.iter().find(|(dir, _)| *dir == target) {
            let reason =
                format!("symlink loop: it links back to {}, a folder that holds it; remove the link", shown(holder));
            return self.fail(name, reason);
        }
        self.links.push_back(Link { path, name, ancestors: chain.to_vec() });
    }

    /// Walks a folder reached through a link, unless it was walked already.
    fn enter_link(&mut self, link: Link) {
        let target = std::fs::canonicalize(&link.path).unwrap_or_else(|_| link.path.clone());
        if let Some(first) = self.walked.get(&target) {
            let reason = format!("already walked as {}", shown(first));
            return self.skip(link.name, reason);
        }
        let entries = list(&link.path);
        self.visit(&link.path, link.name, &link.ancestors, entries);
    }

    /// A file (or what a link points to): taken when it is a regular report within the limit.
    fn file(&mut self, path: PathBuf, name: String, meta: &std::fs::Metadata) {
        if !meta.is_file() {
            return self.skip(name, not_regular_reason(meta));
        }
        if super::formats::for_path(&path).is_none() {
            return self.skip(name, format!("not a {} file", super::formats::described()));
        }
        let max_bytes = self.policy.max_bytes;
        if meta.len() > max_bytes {
            let reason =
                format!("file too large ({} bytes, limit {max_bytes}); raise --max-bytes to index it", meta.len());
            return self.fail(name, reason);
        }
        self.walk.files.push(SourceFile { name, path, size: meta.len(), mtime_ns: mtime_ns(meta).unwrap_or(0) });
    }

    /// A folder that cannot be listed: failed, and named in [`Walk::unreadable`].
    fn unreadable(&mut self, name: String, e: &std::io::Error) {
        self.walk.folders.insert(name.clone(), 0);
        self.walk.unreadable.push(name.clone());
        self.fail(name, folder_reason(e));
    }

    fn fail(&mut self, name: String, reason: String) {
        let issue = PathIssue { path: name.clone(), reason, kept_previous: None };
        self.walk.failed.push((name, issue));
    }

    fn skip(&mut self, name: String, reason: String) {
        self.walk.skipped.push(PathIssue { path: name, reason, kept_previous: None });
    }
}

/// Why a folder cannot be listed, and what to do.
fn folder_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::PermissionDenied => {
            "folder cannot be read (permission denied); make it readable (chmod +rx), or move it out of the corpus"
                .into()
        }
        _ => format!("folder cannot be read ({e}); check the drive, or move the folder out of the corpus"),
    }
}

/// Why an entry (or the target of a link) cannot be looked at.
fn not_found_reason(e: &std::io::Error) -> String {
    if e.raw_os_error() == Some(40) {
        "symlink loop; fix or remove the link".to_string()
    } else if e.kind() == std::io::ErrorKind::NotFound {
        "broken symlink or file vanished while walking".to_string()
    } else {
        crate::ingest::read_reason(e)
    }
}

/// The reason a file that is not a regular file is passed over: reading a named pipe blocks
/// until something writes to it, and a device can be endless (`/dev/zero`).
pub fn not_regular_reason(meta: &std::fs::Metadata) -> String {
    let kind = special_kind(meta.file_type());
    format!("not a regular file ({kind}); only regular files are read, put the report itself here")
}

#[cfg(unix)]
fn special_kind(t: std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    match () {
        _ if t.is_fifo() => "a named pipe",
        _ if t.is_socket() => "a socket",
        _ if t.is_char_device() => "a character device",
        _ if t.is_block_device() => "a block device",
        _ if t.is_dir() => "a folder",
        _ => "a special file",
    }
}

#[cfg(not(unix))]
fn special_kind(t: std::fs::FileType) -> &'static str {
    if t.is_dir() {
        "a folder"
    } else {
        "a special file"
    }
}

/// How a folder is named in a reason: by its name, the corpus folder by that.
fn shown(name: &str) -> &str {
    if name.is_empty() {
        "the corpus folder"
    } else {
        name
    }
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

fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    const POLICY: Policy = Policy { max_bytes: u64::MAX, follow_links: false };

    // The unreadable-folder path without chmod, which root ignores: the listing's error is
    // handed to the walk as `read_dir` would return it (tests/hardening_walk.rs runs the binary
    // as `nobody` for the real thing).
    #[test]
    fn a_folder_that_cannot_be_listed_is_failed_named_unreadable_and_forces_a_walk() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir(dir.path().join("locked")).expect("mkdir");
        let canonical_root = std::fs::canonicalize(dir.path()).expect("canonical");
        let mut walker = Walker {
            root: dir.path(),
            canonical_root: canonical_root.clone(),
            policy: POLICY,
            walk: Walk::default(),
            walked: HashMap::new(),
            links: VecDeque::new(),
        };
        let denied = std::io::Error::from(std::io::ErrorKind::PermissionDenied);
        let chain = [(canonical_root, String::new())];
        walker.visit(&dir.path().join("locked"), "locked".into(), &chain, Err(denied));
        let walk = walker.walk;
        assert_eq!(walk.unreadable, ["locked"]);
        assert_eq!(walk.failed.len(), 1);
        assert!(walk.failed[0].1.reason.starts_with("folder cannot be read (permission denied); make it readable"));
        assert_eq!(walk.folders.get("locked"), Some(&0), "time 0: a staleness check walks again");
        assert!(walk.under_unreadable("locked/a.txt"));
        assert!(!walk.under_unreadable("locked.txt") && !walk.under_unreadable("lockedx/a.txt"));
    }

    #[test]
    fn the_real_tree_is_walked_before_links_so_a_folder_keeps_its_own_name() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir_all(dir.path().join("z/deep")).expect("mkdir");
        std::fs::write(dir.path().join("z/deep/r.txt"), "A report.").expect("write");
        // `a` sorts first and is shallower, yet `z/deep` is walked under its own name
        std::os::unix::fs::symlink("z/deep", dir.path().join("a")).expect("symlink");
        let walk = walk(dir.path(), POLICY).expect("walk");
        assert_eq!(walk.files.iter().map(|f| f.name.as_str()).collect::<Vec<_>>(), ["z/deep/r.txt"]);
        assert_eq!(
            walk.skipped,
            [PathIssue { path: "a".into(), reason: "already walked as z/deep".into(), kept_previous: None }]
        );
        assert!(walk.failed.is_empty(), "{:?}", walk.failed);
    }

    #[test]
    fn a_link_to_a_sibling_is_not_a_loop_and_a_link_to_an_ancestor_is() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir_all(dir.path().join("a/b")).expect("mkdir");
        std::fs::create_dir(dir.path().join("c")).expect("mkdir");
        std::os::unix::fs::symlink("../../c", dir.path().join("a/b/to_c")).expect("symlink");
        std::os::unix::fs::symlink("..", dir.path().join("a/b/to_a")).expect("symlink");
        let walk = walk(dir.path(), POLICY).expect("walk");
        assert_eq!(walk.failed.iter().map(|f| f.0.as_str()).collect::<Vec<_>>(), ["a/b/to_a"]);
        assert!(walk.failed[0].1.reason.starts_with("symlink loop: it links back to a, a folder that holds it"));
        assert_eq!(walk.skipped.iter().map(|s| s.reason.as_str()).collect::<Vec<_>>(), ["already walked as c"]);
    }
}
