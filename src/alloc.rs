//! Settings of mimalloc, the global allocator of the `consulta` binary and of the benches.

use libmimalloc_sys::{mi_option_set, mi_option_t};

/// `mi_option_purge_delay`: its place in mimalloc.h's `mi_option_e` (v2 and v3 alike), which
/// libmimalloc-sys gives no name.
const PURGE_DELAY: mi_option_t = 15;

/// Keeps the memory a process frees for its own reuse instead of handing it back to the OS a
/// second later. An index build frees and allocates the same hundreds of MB over and over
/// (records, postings buffers); each page handed back was faulted in and zeroed again on its
/// next use, about a tenth of a build's CPU time on the 2-core bench machine. Peak RSS of a
/// 100 MB build goes from ~225 to ~285 MB. Call before the work starts.
pub fn keep_freed_memory() {
    // SAFETY: setting an option is allowed at any time from any thread; mimalloc ignores an
    // option number it does not know
    unsafe { mi_option_set(PURGE_DELAY, -1) }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The purge delay in force, in milliseconds (-1: never).
    fn purge_delay() -> std::ffi::c_long {
        // SAFETY: reading an option is allowed at any time from any thread
        unsafe { libmimalloc_sys::mi_option_get(PURGE_DELAY) }
    }

    #[test]
    fn option_15_is_the_purge_delay() {
        // the default purge delay of mimalloc v3 (the one libmimalloc-sys builds) is 1000 ms,
        // the default of no other option: option 15 is the one
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
            assert_eq!(purge_delay(), 1000);
        }
        keep_freed_memory();
        assert_eq!(purge_delay(), -1);
    }
}
