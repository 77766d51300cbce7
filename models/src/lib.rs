//! The checks: the one pleg-model scenario run exhaustively under loom and randomly scheduled
//! under shuttle (random and PCT), each turned into a [`Report`] with a [`Verdict`].
//!
//! A verdict always comes from an exploration: the scenario runs inside the checker, and a
//! checker's deadlock report is classified by reading the failing execution's trace (which
//! actor was last seen doing what). "Holds" means the checker explored everything it was asked
//! to explore without a failure; the [`Witnesses`] say whether that exploration reached the
//! interesting states at all.
//!
//! - [`check`] runs one scenario under one [`Checker`].
//! - [`suite`] is the default set of claims `pleg-spec check` confirms.
//! - [`designs`] explores the whole design space for `pleg-spec designs`.
//! - [`story`] tells a counterexample in kubelet's words.
//! - [`explicit`] is an independent explicit-state model of the same system, used to
//!   cross-check the verdicts over small grids.

pub mod designs;
pub mod explicit;
mod loom_check;
mod quiet;
mod shuttle_check;
pub mod story;
pub mod suite;
mod verdict;

pub use loom_check::{loom_preemption_bound, DEFAULT_LOOM_PREEMPTION_BOUND};
pub use shuttle_check::{retry_step_bound, DEFAULT_PCT_DEPTH, DEFAULT_SHUTTLE_SEED};
pub use verdict::{CircularWait, GatedStall, LostUpdate, Verdict};

use pleg_model::{Execution, Scenario, Witnesses};
use std::fmt;
use std::sync::atomic::AtomicU64;
use std::sync::Arc;
use std::time::Instant;

/// How a scenario is explored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
    /// One execution following a recorded shuttle schedule.
    ShuttleReplay,
}

impl Checker {
    pub fn name(&self) -> &'static str {
        match self {
            Checker::Loom { .. } => "loom",
            Checker::ShuttleRandom { .. } => "shuttle-random",
            Checker::ShuttlePct { .. } => "shuttle-pct",
            Checker::ShuttleReplay => "shuttle-replay",
        }
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
            Checker::ShuttleReplay => "1 recorded schedule".to_owned(),
        }
    }
}

impl fmt::Display for Checker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The result of one check.
#[derive(Debug, Clone)]
pub struct Report {
    pub scenario: Scenario,
    pub checker: Checker,
    pub verdict: Verdict,
    /// Executions (loom) or iterations (shuttle) run, the failing one included.
    pub explored: u64,
    pub witnesses: Witnesses,
    pub seconds: f64,
    /// The failing execution's trace, for every verdict other than [`Verdict::Holds`].
    pub counterexample: Option<Execution>,
    /// The failing shuttle schedule, replayable with [`replay`].
    pub schedule: Option<String>,
    /// For loom: the smallest preemption bound at which the counterexample was found.
    pub counterexample_bound: Option<usize>,
}

/// A counter of executions (or iterations) that a check bumps as it goes, for a progress display.
pub type Progress = Option<Arc<AtomicU64>>;

/// Runs `scenario` under `checker`. The scenario must be valid ([`Scenario::validate`]);
/// [`Checker::ShuttleReplay`] goes through [`replay`] instead.
pub fn check(scenario: &Scenario, checker: &Checker) -> Report {
    check_with_progress(scenario, checker, &None)
}

/// [`check`], counting every execution into `progress` as it starts.
pub fn check_with_progress(scenario: &Scenario, checker: &Checker, progress: &Progress) -> Report {
    let started = Instant::now();
    let run = match *checker {
        Checker::Loom { preemption_bound } => loom_check::run(scenario, preemption_bound, progress),
        Checker::ShuttleRandom { iterations, seed } => {
            shuttle_check::run_random(scenario, iterations, seed, progress)
        }
        Checker::ShuttlePct {
            iterations,
            depth,
            seed,
        } => shuttle_check::run_pct(scenario, iterations, depth, seed, progress),
        Checker::ShuttleReplay => panic!("a replay needs its schedule: call `replay`"),
    };
    let verdict = verdict::classify(run.failure.as_deref(), &run.last_execution);
    let failed = !matches!(verdict, Verdict::Holds);
    Report {
        scenario: *scenario,
        checker: *checker,
        verdict,
        explored: run.explored,
        witnesses: run.witnesses,
        seconds: started.elapsed().as_secs_f64(),
        counterexample: failed.then_some(run.last_execution),
        schedule: if failed { run.schedule } else { None },
        counterexample_bound: if failed {
            run.counterexample_bound
        } else {
            None
        },
    }
}

/// Replays a shuttle schedule printed by a failing check; `Err` if the schedule is malformed or
/// does not fit the scenario.
pub fn replay(scenario: &Scenario, schedule: &str) -> Result<Report, String> {
    let started = Instant::now();
    let run = shuttle_check::replay(scenario, schedule)?;
    let verdict = verdict::classify(run.failure.as_deref(), &run.last_execution);
    let failed = !matches!(verdict, Verdict::Holds);
    Ok(Report {
        scenario: *scenario,
        checker: Checker::ShuttleReplay,
        verdict,
        explored: run.explored,
        witnesses: run.witnesses,
        seconds: started.elapsed().as_secs_f64(),
        counterexample: failed.then_some(run.last_execution),
        schedule: Some(schedule.split_whitespace().collect()),
        counterexample_bound: None,
    })
}

/// What a checker run left behind, before classification.
struct Run {
    /// The checker's panic message, if an execution failed.
    failure: Option<String>,
    explored: u64,
    witnesses: Witnesses,
    last_execution: Execution,
    schedule: Option<String>,
    counterexample_bound: Option<usize>,
}
