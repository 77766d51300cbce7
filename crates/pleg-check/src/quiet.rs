//! Catches a checker's failure panic without printing it.
//!
//! loom and shuttle report a deadlock by panicking; a check turns that panic into a verdict, so
//! the default hook's "thread panicked at …" (and shuttle's own hook, which prints a schedule we
//! record ourselves) would only be noise. One process-wide hook is installed once; it stays
//! silent on the threads that are inside [`catch_quietly`] and defers to the default hook
//! everywhere else, so an unrelated panic (a test's own assertion) is still reported.

use std::any::Any;
use std::cell::Cell;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

thread_local! {
    static QUIET: Cell<bool> = const { Cell::new(false) };
}

/// Runs `body`, returning the panic message if it panicked. loom's and shuttle's threads are
/// coroutines on the calling OS thread, so the thread-local flag covers them too.
pub(crate) fn catch_quietly<T>(body: impl FnOnce() -> T) -> Result<T, String> {
    install_hook();
    let was_quiet = QUIET.with(|q| q.replace(true));
    let result = panic::catch_unwind(AssertUnwindSafe(body));
    QUIET.with(|q| q.set(was_quiet));
    result.map_err(|payload| message(payload.as_ref()))
}

fn install_hook() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        // shuttle installs its own printing hook on its first execution; run one empty
        // execution first so that hook exists, then replace it.
        shuttle::Runner::new(
            shuttle::scheduler::RoundRobinScheduler::new(1),
            shuttle::Config::new(),
        )
        .run(|| {});
        let _shuttle_hook = panic::take_hook();
        let default_hook = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if !QUIET.with(Cell::get) {
                default_hook(info);
            }
        }));
    });
}

fn message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = pleg_core::panics::message(payload) {
        s.to_owned()
    } else if let Some(action) = payload.downcast_ref::<pleg_core::Action>() {
        format!("{action:?}")
    } else {
        "a model thread panicked with a non-string payload".to_owned()
    }
}
