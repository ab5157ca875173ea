//! The index folder as tantivy sees it: its memory-mapped directory, except that a reader on a
//! read-only file system needs no lock file. tantivy's reader takes the meta lock (a lock file
//! in the folder) only to keep a writer's garbage collection from deleting segment files while
//! it opens them; where the folder cannot be written, no writer can run there either, so the
//! lock is not needed and a search answers instead of failing "Failed to acquire Lockfile".

use std::io;
use std::path::Path;
use std::sync::Arc;

use tantivy::directory::error::{DeleteError, LockError, OpenDirectoryError, OpenReadError, OpenWriteError};
use tantivy::directory::{
    DirectoryLock, FileHandle, Lock, MmapDirectory, WatchCallback, WatchHandle, WritePtr, META_LOCK,
};
use tantivy::Directory;

/// [`MmapDirectory`], with locks that cannot be created for want of write access granted as
/// no-ops for readers.
#[derive(Clone, Debug)]
pub struct IndexDirectory {
    inner: MmapDirectory,
}

impl IndexDirectory {
    /// The directory of the index folder `dir`.
    pub fn open(dir: &Path) -> Result<IndexDirectory, OpenDirectoryError> {
        Ok(IndexDirectory { inner: MmapDirectory::open(dir)? })
    }
}

/// Whether an error creating a lock file says the folder cannot be written.
fn read_only(e: &io::Error) -> bool {
    matches!(e.kind(), io::ErrorKind::ReadOnlyFilesystem | io::ErrorKind::PermissionDenied)
}

impl Directory for IndexDirectory {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        self.inner.get_file_handle(path)
    }

    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        self.inner.delete(path)
    }

    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        self.inner.exists(path)
    }

    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        self.inner.open_write(path)
    }

    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        self.inner.atomic_read(path)
    }

    fn atomic_write(&self, path: &Path, data: &[u8]) -> io::Result<()> {
        self.inner.atomic_write(path, data)
    }

    fn sync_directory(&self) -> io::Result<()> {
        self.inner.sync_directory()
    }

    fn acquire_lock(&self, lock: &Lock) -> Result<DirectoryLock, LockError> {
        match self.inner.acquire_lock(lock) {
            // only the meta lock, which readers take; the writer lock must fail as it does
            Err(LockError::IoError(e)) if read_only(&e) && lock.filepath == META_LOCK.filepath => {
                Ok(DirectoryLock::from(Box::new(())))
            }
            other => other,
        }
    }

    fn watch(&self, watch_callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        self.inner.watch(watch_callback)
    }
}
