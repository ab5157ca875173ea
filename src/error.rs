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
    /// The index is damaged: a file of the last commit is missing, truncated or corrupt.
    #[error("{}", damaged_message(path, detail))]
    Damaged {
        /// The index folder (empty when the layer that found the damage did not know it).
        path: PathBuf,
        /// What was found, in the engine's words.
        detail: String,
    },
    /// Another process holds the index writer lock.
    #[error(
        "{}: another `consulta index` run holds the lock on this index; wait for it to finish and \
         run again (the lock ends with that process, even if it crashed; do not delete the lock file)",
        .0.display()
    )]
    Locked(PathBuf),
    /// A failure inside the search engine, not caused by the user: the underlying error (from
    /// tantivy, converted in `index/`) is kept as the source, behind an opaque type so that no
    /// module above `index/` sees a tantivy type.
    #[error("index error: {0}")]
    Index(#[source] Internal),
    /// An I/O failure on a path.
    #[error("{}: {source}", path.display())]
    Io {
        /// The path that failed.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
}

/// An internal failure: what went wrong, and the error it came from when there is one.
#[derive(Debug)]
pub struct Internal {
    message: String,
    source: Option<Box<dyn std::error::Error + Send + Sync + 'static>>,
}

impl Internal {
    /// A failure described by `message` alone.
    pub fn msg(message: impl Into<String>) -> Internal {
        Internal { message: message.into(), source: None }
    }

    /// A failure caused by `source`, described by `message` (often the source's own words).
    pub fn caused_by(message: impl Into<String>, source: impl std::error::Error + Send + Sync + 'static) -> Internal {
        Internal { message: message.into(), source: Some(Box::new(source)) }
    }
}

impl std::fmt::Display for Internal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Internal {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source.as_deref().map(|e| e as &(dyn std::error::Error + 'static))
    }
}

fn damaged_message(path: &std::path::Path, detail: &str) -> String {
    let at = if path.as_os_str().is_empty() { String::new() } else { format!("{}: ", path.display()) };
    format!(
        "{at}the index is damaged ({detail}); rebuild it from the corpus with `consulta index --full` \
         (nothing in the corpus is lost)"
    )
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

    /// Whether the user can fix the error themselves (a bad argument or file, an index to rebuild,
    /// another run holding the lock) rather than it being an internal failure or an I/O fault.
    pub fn is_user(&self) -> bool {
        matches!(
            self,
            Error::Usage(_)
                | Error::Input { .. }
                | Error::IndexVersion { .. }
                | Error::Damaged { .. }
                | Error::Locked(_)
        )
    }

    /// The error, with `index` as the folder of a damaged index that did not name one.
    pub fn at_index(self, index: &std::path::Path) -> Error {
        match self {
            Error::Damaged { path, detail } if path.as_os_str().is_empty() => {
                Error::Damaged { path: index.to_path_buf(), detail }
            }
            other => other,
        }
    }

    /// An internal failure described by `message`.
    pub fn internal(message: impl Into<String>) -> Error {
        Error::Index(Internal::msg(message))
    }

    /// Builds an [`Error::Io`] for `path`.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Error {
        Error::Io { path: path.into(), source }
    }
}

/// The crate's result alias.
pub type Result<T, E = Error> = std::result::Result<T, E>;
