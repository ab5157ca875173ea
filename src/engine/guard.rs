//! A panic inside the search engine's code (tantivy reading a damaged segment panics, "mid >
//! len") is caught where the engine is called and reported as damage to repair with `--full`,
//! never as a crash. The panic's own message is kept for the error and not printed: the hook
//! installed here stays silent for calls under [`guarded`] on the thread that makes them, and
//! hands every other panic to the hook that was there before.

use std::cell::{Cell, RefCell};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;
use std::sync::Once;

use crate::error::{Error, Result};

thread_local! {
    static GUARDED: Cell<bool> = const { Cell::new(false) };
    static MESSAGE: RefCell<Option<String>> = const { RefCell::new(None) };
}

fn install_hook() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if GUARDED.with(Cell::get) {
                let message = info
                    .payload()
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| info.payload().downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "a panic".into());
                let at = info.location().map_or(String::new(), |l| format!(" at {}:{}", l.file(), l.line()));
                MESSAGE.with(|m| *m.borrow_mut() = Some(format!("{message}{at}")));
            } else {
                previous(info);
            }
        }));
    });
}

/// Runs `f`; a panic becomes [`Error::Damaged`] for the index folder `index`, and damage that
/// a lower layer reported without a folder names `index`.
pub(super) fn guarded<T>(index: &Path, f: impl FnOnce() -> Result<T>) -> Result<T> {
    install_hook();
    let was = GUARDED.with(|g| g.replace(true));
    let outcome = catch_unwind(AssertUnwindSafe(f));
    GUARDED.with(|g| g.set(was));
    match outcome {
        Ok(result) => result.map_err(|e| e.at_index(index)),
        Err(_) => {
            let detail = MESSAGE.with(|m| m.borrow_mut().take()).unwrap_or_else(|| "a panic".into());
            Err(Error::Damaged { path: index.to_path_buf(), detail: format!("reading it failed: {detail}") })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_is_damage_and_an_error_keeps_its_kind() {
        let dir = Path::new("idx");
        let err = guarded::<()>(dir, || panic!("mid > len")).expect_err("caught");
        let text = err.to_string();
        assert!(
            matches!(err, Error::Damaged { .. }) && text.contains("mid > len") && text.contains("--full"),
            "{text}"
        );
        assert!(text.starts_with("idx: "), "{text}");
        let err = guarded::<()>(dir, || Err(Error::Usage("bad".into()))).expect_err("passed through");
        assert!(err.is_usage());
        let err = guarded::<()>(dir, || Err(Error::Damaged { path: Default::default(), detail: "x".into() }));
        assert!(err.expect_err("damage").to_string().starts_with("idx: "));
        assert_eq!(guarded(dir, || Ok(3)).expect("value"), 3);
    }
}
