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
                    // Two handles on the real terminal; if the OS refuses them, draw nothing.
                    let (Ok(read), Ok(write)) = (terminal.try_clone(), terminal.try_clone()) else {
                        break;
                    };
                    let term = console::Term::read_write_pair(read, write);
                    bar.set_draw_target(ProgressDrawTarget::term(term, 10));
                    bar.set_style(
                        ProgressStyle::with_template("{spinner} {msg}, {elapsed}")
                            .expect("a constant, valid template"),
                    );
                }
                let explored = counter.load(Ordering::Relaxed);
                let rate = explored as f64 / started.elapsed().as_secs_f64();
                bar.set_message(format!("{what}: {explored} explored, {rate:.0}/s"));
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
