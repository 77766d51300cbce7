//! The checks: the one pleg-kubelet model run exhaustively under loom and randomly scheduled
//! under shuttle (random and PCT), each turned into a [`Report`] with a [`Verdict`].
//!
//! A verdict always comes from an exploration: the scenario runs inside the checker, and a
//! checker's stop is classified by reading the failing execution's trace (which actor was last
//! seen doing what). "Holds" means the checker explored everything it was asked to explore
//! without a failure; the [`Witnesses`] say whether that exploration reached the interesting
//! states at all, and [`vacuity`] says which of them a "holds" needs.
//!
//! - [`check`] runs one scenario under one [`Checker`].
//! - [`suite`] is the default set of claims `pleg-spec check` confirms.
//! - [`laws`] gives, in closed form, what each scenario should show.
//! - [`designs`] explores the whole design space for `pleg-spec designs`.
//! - [`story`] tells a counterexample in kubelet's words.
//! - [`explicit`] is an independent explicit-state model of the same system, searched
//!   exhaustively with no preemption bound — at kubelet's real size with exact reductions.

pub mod confirm;
pub mod cti;
pub mod designs;
pub mod explicit;
mod loom_check;
mod loom_choices;
pub mod prove;
mod quiet;
mod shuttle_check;
pub mod story;
pub mod suite;
mod verdict;

pub use loom_check::{loom_preemption_bound, DEFAULT_LOOM_PREEMPTION_BOUND};
pub use pleg_core::VerdictKind;
pub use shuttle_check::{retry_step_bound, DEFAULT_PCT_DEPTH, DEFAULT_SHUTTLE_SEED};
pub use verdict::{CircularWait, GatedStall, LostUpdate, Verdict};

use pleg_core::{Execution, Named, Scenario, ScenarioError, Witnesses};
use std::fmt;
use std::sync::atomic::AtomicU64;
use std::sync::Arc;
use std::time::Instant;
use verdict::Found;

pleg_core::named! {
    /// The checkers, by the one name each goes by.
    pub enum CheckerKind: "checker" {
        /// Every interleaving within a preemption bound.
        Loom = "loom",
        /// Uniformly random schedules from a seed.
        ShuttleRandom = "shuttle-random",
        /// PCT schedules (probabilistic guarantees for bugs of small depth) from a seed.
        ShuttlePct = "shuttle-pct",
        /// Every state of an independent model, breadth-first, no bound (exact reductions).
        Explicit = "explicit",
        /// One execution following a recorded counterexample.
        Replay = "replay",
    }
}

/// How a scenario is explored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Checker {
    /// Every interleaving with at most `preemption_bound` preemptions (`None`: unbounded).
    Loom { preemption_bound: Option<usize> },
    /// `iterations` uniformly random schedules from `seed`.
    ShuttleRandom { iterations: usize, seed: u64 },
    /// `iterations` PCT schedules of the given depth from `seed`.
    ShuttlePct {
        iterations: usize,
        depth: usize,
        seed: u64,
    },
    /// Every reachable state of the independent explicit model, breadth-first; `reduced`:
    /// with the exact reductions that take it to kubelet's size.
    Explicit { reduced: bool },
    /// One execution following a counterexample a failing check recorded.
    Replay { schedule: Schedule },
}

/// What replays one counterexample.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Schedule {
    /// A shuttle schedule (`pleg-spec replay --schedule`).
    Shuttle(String),
    /// A path of the explicit model's moves (`pleg-spec replay --path`).
    Path(String),
}

impl Checker {
    pub fn kind(&self) -> CheckerKind {
        match self {
            Checker::Loom { .. } => CheckerKind::Loom,
            Checker::ShuttleRandom { .. } => CheckerKind::ShuttleRandom,
            Checker::ShuttlePct { .. } => CheckerKind::ShuttlePct,
            Checker::Explicit { .. } => CheckerKind::Explicit,
            Checker::Replay { .. } => CheckerKind::Replay,
        }
    }

    pub fn name(&self) -> &'static str {
        self.kind().name()
    }

    /// The checker's own bounds, as printed in the verdict table.
    pub fn bounds(&self) -> String {
        match self {
            Checker::Loom {
                preemption_bound: Some(b),
            } => format!("preemptions<={b}"),
            Checker::Loom {
                preemption_bound: None,
            } => "unbounded".to_owned(),
            Checker::ShuttleRandom { iterations, seed } => format!("{iterations} it, seed {seed}"),
            Checker::ShuttlePct {
                iterations,
                depth,
                seed,
            } => format!("{iterations} it, depth {depth}, seed {seed}"),
            Checker::Explicit { reduced: true } => "exhaustive, reduced".to_owned(),
            Checker::Explicit { reduced: false } => "exhaustive, unreduced".to_owned(),
            Checker::Replay {
                schedule: Schedule::Shuttle(_),
            } => "1 shuttle schedule".to_owned(),
            Checker::Replay {
                schedule: Schedule::Path(_),
            } => "1 explicit path".to_owned(),
        }
    }
}

impl fmt::Display for Checker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Why a check could not be run: said in one line, before or instead of a verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckError {
    /// The scenario itself cannot run (zero capacity, no relists).
    Scenario(ScenarioError),
    /// The checker cannot explore this scenario: what limit, and which checker can.
    TooLarge(String),
    /// The checker cannot run this kind of scenario at all.
    Unsupported(String),
    /// A replay's schedule is malformed or was recorded for another scenario.
    Schedule(String),
}

impl fmt::Display for CheckError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CheckError::Scenario(e) => e.fmt(f),
            CheckError::TooLarge(why)
            | CheckError::Unsupported(why)
            | CheckError::Schedule(why) => f.write_str(why),
        }
    }
}

impl std::error::Error for CheckError {}

/// The result of one check.
#[derive(Debug, Clone)]
pub struct Report {
    pub scenario: Scenario,
    pub checker: Checker,
    pub verdict: Verdict,
    /// Executions (loom), iterations (shuttle) or states (explicit) explored.
    pub explored: u64,
    pub witnesses: Witnesses,
    pub seconds: f64,
    /// The failing execution's trace, for every verdict other than [`Verdict::Holds`].
    pub counterexample: Option<Execution>,
    /// What replays the counterexample.
    pub schedule: Option<Schedule>,
    /// For loom: the smallest preemption bound at which the counterexample was found.
    pub counterexample_bound: Option<usize>,
    /// For the explicit checker: states, transitions, memory.
    pub search: Option<explicit::Search>,
}

impl Report {
    /// Which interesting states a "holds" should have reached and did not, if any: a "holds"
    /// that never reached them proves nothing. The one non-vacuity rule: the suite, `--expect`
    /// and the tests all use it.
    pub fn vacuity(&self) -> Option<String> {
        let missing = self.witnesses.missing(self.scenario.design);
        let names: Vec<&str> = missing.iter().map(|w| w.phrase()).collect();
        (!names.is_empty())
            .then(|| format!("holds, but vacuously: never reached {}", names.join(", ")))
    }
}

/// A counter of executions (or iterations) that a check bumps as it goes, for a progress display.
pub type Progress = Option<Arc<AtomicU64>>;

/// Runs `scenario` under `checker`.
pub fn check(scenario: &Scenario, checker: &Checker) -> Result<Report, CheckError> {
    check_with_progress(scenario, checker, &None)
}

/// [`check`], counting every execution into `progress` as it starts.
pub fn check_with_progress(
    scenario: &Scenario,
    checker: &Checker,
    progress: &Progress,
) -> Result<Report, CheckError> {
    scenario.validate().map_err(CheckError::Scenario)?;
    let started = Instant::now();
    let mut search = None;
    let run = match checker {
        Checker::Loom { preemption_bound } => {
            loom_check::run(scenario, *preemption_bound, progress)?
        }
        Checker::Explicit { reduced } => {
            let (run, measured) = explicit::run(scenario, *reduced, progress)?;
            search = Some(measured);
            run
        }
        Checker::ShuttleRandom { iterations, seed } => {
            shuttle_check::run_random(scenario, *iterations, *seed, progress)
        }
        Checker::ShuttlePct {
            iterations,
            depth,
            seed,
        } => shuttle_check::run_pct(scenario, *iterations, *depth, *seed, progress),
        Checker::Replay {
            schedule: Schedule::Shuttle(schedule),
        } => shuttle_check::replay(scenario, schedule)?,
        Checker::Replay {
            schedule: Schedule::Path(path),
        } => explicit::replay(scenario, path)?,
    };
    let mut report = run.into_report(scenario, checker, started);
    report.search = search;
    Ok(report)
}

/// What a checker run left behind, before classification.
struct Run {
    /// What failed, if an execution did.
    found: Option<Found>,
    explored: u64,
    witnesses: Witnesses,
    last_execution: Execution,
    /// A shuttle schedule (shuttle) or a path token (explicit) that replays the failure.
    schedule: Option<String>,
    counterexample_bound: Option<usize>,
}

impl Run {
    /// The one place a [`Report`] is built: the verdict is classified here, and the
    /// counterexample kept only when there is one.
    fn into_report(self, scenario: &Scenario, checker: &Checker, started: Instant) -> Report {
        let verdict = verdict::classify(self.found.as_ref(), &self.last_execution);
        let failed = verdict != Verdict::Holds;
        Report {
            scenario: *scenario,
            checker: checker.clone(),
            verdict,
            explored: self.explored,
            witnesses: self.witnesses,
            seconds: started.elapsed().as_secs_f64(),
            counterexample: failed.then_some(self.last_execution),
            schedule: self.schedule.filter(|_| failed).map(|s| match checker {
                Checker::Explicit { .. }
                | Checker::Replay {
                    schedule: Schedule::Path(_),
                } => Schedule::Path(s),
                _ => Schedule::Shuttle(s),
            }),
            counterexample_bound: self.counterexample_bound.filter(|_| failed),
            search: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The verdict table names a checker by its kind's one name and states its bounds.
    #[test]
    fn a_checker_is_named_by_its_kind_and_states_its_bounds() {
        let told = |checker: Checker| (checker.to_string(), checker.bounds());
        let told_as = |name: &str, bounds: &str| (name.to_owned(), bounds.to_owned());
        assert_eq!(
            told(Checker::Loom {
                preemption_bound: Some(2)
            }),
            told_as("loom", "preemptions<=2")
        );
        assert_eq!(
            told(Checker::ShuttlePct {
                iterations: 200,
                depth: 3,
                seed: 72482
            }),
            told_as("shuttle-pct", "200 it, depth 3, seed 72482")
        );
        assert_eq!(
            told(Checker::Explicit { reduced: true }),
            told_as("explicit", "exhaustive, reduced")
        );
        assert_eq!(
            told(Checker::Replay {
                schedule: Schedule::Path("s".into())
            }),
            told_as("replay", "1 explicit path")
        );
    }
}
