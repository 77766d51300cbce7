//! Progress of a long check on the terminal: executions explored, rate, elapsed.
//!
//! Shown only when stderr is a terminal, the output is not JSON, and the check has run for more
//! than a second; piped or scripted runs see nothing extra. The bar draws on a duplicate of the
//! real stderr, since fd 2 itself is hushed while a checker runs (see [`crate::hush`]).

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::fs::File;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::Arc;
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

/// Shows nothing for this long, so quick checks leave no trace.
const QUIET_FOR: Duration = Duration::from_secs(1);
/// How often the display is refreshed (a display rate, not synchronisation).
const REFRESH: Duration = Duration::from_millis(100);

/// A running display; stops and clears itself when dropped.
pub struct Display {
    stop: Option<mpsc::Sender<()>>,
    painter: Option<JoinHandle<()>>,
}

impl Display {
    /// Starts a display of `counter` labelled `what`, drawing on `terminal`. `None` draws
    /// nothing (not a terminal, JSON output).
    pub fn start(what: String, counter: Arc<AtomicU64>, terminal: Option<File>) -> Self {
        let Some(terminal) = terminal else {
            return Display {
                stop: None,
                painter: None,
            };
        };
        let (stop, stopped) = mpsc::channel::<()>();
        let painter = thread::spawn(move || {
            let started = Instant::now();
            let bar = ProgressBar::hidden();
            while let Err(RecvTimeoutError::Timeout) = stopped.recv_timeout(REFRESH) {
                if started.elapsed() < QUIET_FOR {
                    continue;
                }
                if bar.is_hidden() {
                    if let Ok(read) = terminal.try_clone() {
                        let term = console::Term::read_write_pair(
                            read,
                            terminal.try_clone().expect("dup"),
                        );
                        bar.set_draw_target(ProgressDrawTarget::term(term, 10));
                    }
                    bar.set_style(
                        ProgressStyle::with_template(
                            "{spinner} {msg}: {human_pos} explored, {per_sec}, {elapsed}",
                        )
                        .expect("valid template"),
                    );
                    bar.set_message(what.clone());
                }
                bar.set_position(counter.load(Ordering::Relaxed));
                bar.tick();
            }
            bar.finish_and_clear();
        });
        Display {
            stop: Some(stop),
            painter: Some(painter),
        }
    }
}

impl Drop for Display {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(painter) = self.painter.take() {
            let _ = painter.join();
        }
    }
}
