//! A time limit for runs on real threads. Real threads cannot be made to stall on demand, so a
//! lost wake-up in the channel, the eventcount or the health gate shows as a run that never
//! ends; under this watchdog it fails with a message instead of hanging the test command. It is
//! a watchdog, not a timing assertion: the limit is minutes above what any run takes.

use std::sync::mpsc;
use std::time::Duration;

/// How long a real-thread run may take before it is called hung.
pub const LIMIT: Duration = Duration::from_secs(120);

/// Runs `body` on its own thread and panics, naming `what`, if it has not finished within
/// `limit` (a hang is reported as a lost wake-up), or if it panicked.
pub fn within<T: Send + 'static>(
    limit: Duration,
    what: &str,
    body: impl FnOnce() -> T + Send + 'static,
) -> T {
    let (done, finished) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = done.send(body());
    });
    match finished.recv_timeout(limit) {
        Ok(value) => value,
        Err(mpsc::RecvTimeoutError::Timeout) => panic!(
            "{what}: did not finish within {limit:?} on real threads — a lost wake-up in the \
             channel, the eventcount or the health gate?"
        ),
        Err(mpsc::RecvTimeoutError::Disconnected) => panic!("{what}: the run panicked"),
    }
}
