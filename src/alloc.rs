//! Settings of mimalloc, the global allocator of the `consulta` binary and of the benches.

use libmimalloc_sys::{mi_option_set, mi_option_t};

/// `mi_option_purge_delay`: its place in mimalloc.h's `mi_option_e` (v2 and v3 alike), which
/// libmimalloc-sys gives no name.
const PURGE_DELAY: mi_option_t = 15;

/// Sets how the process gets and keeps memory; call before the work starts.
///
/// - Freed memory is kept for the process's own reuse instead of being handed back to the OS
///   a second later. An index build frees and allocates the same hundreds of MB over and over
///   (records, postings buffers); each page handed back was faulted in and zeroed again on its
///   next use, about a tenth of a build's CPU time on the 2-core bench machine.
/// - Transparent huge pages are off for the process (Linux). mimalloc asks for them on the
///   large regions it maps; the kernel then zeroes 2 MB at each first touch, most of it never
///   used. Over a 100 MB build, system time went from 1.1–1.6 s to 0.5–0.7 s, peak RSS from
///   ~270 to ~230 MB, and the build's CPU time down ~3% (alternated builds). It has to be the
///   process-wide switch: mimalloc reads its own THP option once, before `main`.
pub fn tune() {
    // SAFETY: setting an option is allowed at any time from any thread; mimalloc ignores an
    // option number it does not know
    unsafe { mi_option_set(PURGE_DELAY, -1) }
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE takes a flag and no pointers; on a kernel without it the
    // call fails and changes nothing
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
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
    fn tune_sets_the_purge_delay_and_turns_huge_pages_off() {
        // the default purge delay of mimalloc v3 (the one libmimalloc-sys builds) is 1000 ms,
        // the default of no other option: option 15 is the one
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
            assert_eq!(purge_delay(), 1000);
        }
        tune();
        assert_eq!(purge_delay(), -1);
        #[cfg(target_os = "linux")]
        {
            // SAFETY: PR_GET_THP_DISABLE takes no pointers
            let thp_off = unsafe { libc::prctl(libc::PR_GET_THP_DISABLE, 0, 0, 0, 0) };
            assert_eq!(thp_off, 1, "transparent huge pages are off for the process");
        }
    }
}
