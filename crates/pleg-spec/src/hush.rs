//! Keeps the checkers' own chatter off the terminal while a check runs.
//!
//! shuttle writes "Test deadlocked, and SHUTTLE_CAPTURE_BACKTRACE is not set…" and a "failing
//! seed" note straight to stderr when it finds the bug we asked it to find. The verdict, the
//! trace and the replayable schedule are already captured, so those lines are only noise for
//! someone reading the table. While a [`Hush`] lives, file descriptor 2 points at /dev/null.

use std::fs::File;
use std::io::Write;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};

/// Restores stderr when dropped.
pub struct Hush {
    saved: Option<OwnedFd>,
}

impl Hush {
    /// Silences stderr; if anything about that fails, stderr simply stays as it was.
    pub fn stderr() -> Self {
        let _ = std::io::stderr().flush();
        let Ok(null) = File::options().write(true).open("/dev/null") else {
            return Hush { saved: None };
        };
        // SAFETY: dup and dup2 on descriptors we own or that the process always has (2); the
        // duplicate is wrapped in an OwnedFd at once, so it is closed exactly once.
        let saved = unsafe {
            let fd = libc::dup(2);
            if fd < 0 || libc::dup2(null.as_raw_fd(), 2) < 0 {
                if fd >= 0 {
                    libc::close(fd);
                }
                return Hush { saved: None };
            }
            OwnedFd::from_raw_fd(fd)
        };
        Hush { saved: Some(saved) }
    }
}

impl Hush {
    /// A fresh handle on the real stderr (the terminal, say), usable while stderr is hushed.
    pub fn real_stderr(&self) -> Option<File> {
        let saved = self.saved.as_ref()?;
        saved.try_clone().ok().map(File::from)
    }
}

impl Drop for Hush {
    fn drop(&mut self) {
        if let Some(saved) = &self.saved {
            // SAFETY: restores the descriptor saved above; `saved` closes itself afterwards.
            unsafe {
                libc::dup2(saved.as_raw_fd(), 2);
            }
        }
    }
}
