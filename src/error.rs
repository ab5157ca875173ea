//! The crate's error type. User-caused errors (a bad file, a bad argument, an index that must be
//! rebuilt) are kept apart from internal ones so the CLI can word them and pick an exit code.

use std::path::PathBuf;

/// Everything that can go wrong in consulta.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A source file that cannot be indexed: binary, empty, undecodable, unreadable.
    #[error("{}: {reason}", path.display())]
    Input {
        /// The file, as the user named it (relative to the corpus folder when walked).
        path: PathBuf,
        /// What is wrong with it, in words a user can act on.
        reason: String,
    },
    /// A bad command-line argument or request value.
    #[error("{0}")]
    Usage(String),
    /// The index folder holds an index this version cannot read.
    #[error("{}", index_version_message(path, found, expected))]
    IndexVersion {
        /// The index folder.
        path: PathBuf,
        /// The format found there (or a description of the damage).
        found: String,
        /// The format this build writes.
        expected: String,
    },
    /// Another process holds the index writer lock.
    #[error(
        "{}: another `consulta index` run holds the lock on this index; wait for it to finish and \
         run again (the lock ends with that process, even if it crashed; do not delete the lock file)",
        .0.display()
    )]
    Locked(PathBuf),
    /// A failure inside the search engine (converted from tantivy's error in `index/`, so that
    /// no module above `index/` sees a tantivy type).
    #[error("index error: {0}")]
    Index(String),
    /// An I/O failure on a path.
    #[error("{}: {source}", path.display())]
    Io {
        /// The path that failed.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
}

fn index_version_message(path: &std::path::Path, found: &str, expected: &str) -> String {
    format!(
        "{}: this index cannot be read by this version of consulta (found {found}, expected {expected}); \
         rebuild it with `consulta index --full`",
        path.display()
    )
}

impl Error {
    /// Whether the error was caused by how consulta was called (exit code 2) rather than by a
    /// runtime failure (exit code 1).
    pub fn is_usage(&self) -> bool {
        matches!(self, Error::Usage(_))
    }

    /// Builds an [`Error::Io`] for `path`.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Error {
        Error::Io { path: path.into(), source }
    }
}

/// The crate's result alias.
pub type Result<T, E = Error> = std::result::Result<T, E>;
