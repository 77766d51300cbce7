//! Keeps the checkers' own chatter off the terminal while a check runs.
//!
//! shuttle writes "Test deadlocked, and SHUTTLE_CAPTURE_BACKTRACE is not set…" and a "failing
//! seed" note straight to stderr when it finds the bug we asked it to find. The verdict, the
//! trace and the replayable schedule are already captured, so those lines are only noise for
//! someone reading the table. While a [`Hush`] lives, file descriptor 2 points at /dev/null
//! (std's safe descriptor API to keep the real one, rustix's safe `dup2` to swap them).

use std::fs::File;
use std::io::Write;
use std::os::fd::{AsFd, OwnedFd};

/// Restores stderr when dropped.
pub struct Hush {
    saved: Option<OwnedFd>,
}

impl Hush {
    /// Silences stderr; if anything about that fails, stderr simply stays as it was.
    pub fn stderr() -> Self {
        let _ = std::io::stderr().flush();
        let saved = std::io::stderr().as_fd().try_clone_to_owned().ok();
        let silenced = File::options()
            .write(true)
            .open("/dev/null")
            .is_ok_and(|null| rustix::stdio::dup2_stderr(&null).is_ok());
        Hush {
            saved: saved.filter(|_| silenced),
        }
    }

    /// A fresh handle on the real stderr (the terminal, say), usable while stderr is hushed.
    pub fn real_stderr(&self) -> Option<File> {
        let saved = self.saved.as_ref()?;
        saved.try_clone().ok().map(File::from)
    }
}

impl Drop for Hush {
    fn drop(&mut self) {
        if let Some(saved) = &self.saved {
            let _ = rustix::stdio::dup2_stderr(saved);
        }
    }
}
