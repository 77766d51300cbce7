//! The explicit-state checker: an independent model of the same system, searched
//! exhaustively — no preemption bound, every map order, every clock placement.
//!
//! It shares no code with pleg-kubelet's channel, threads or runtime, so where it agrees with
//! loom and shuttle, the agreement is not an artefact of either implementation.
//!
//! The machines it searches live in `pleg-explicit` (re-exported here as [`pods`], [`reduced`]
//! and [`moves`]); this module holds what searches and tells them:
//!
//! - [`engine`]: breadth-first search, one progress layer at a time, fair cycles.
//! - `path`: the shortest counterexample of a failure the search found.
//! - [`graph`]: the whole state graph of a small scenario, for a learner to walk.
//! - `replay`: a path told as a kubelet story, and the path any checker's trace takes.

pub(crate) mod engine;
mod expand;
pub mod graph;
mod path;
mod replay;

pub use pleg_explicit::{moves, pods, reduced, RelistAt, SyncLoopAt};

pub use replay::{end_of_run_story, path_of_trace, replay_path, story_step, Replayed};
pub(crate) use replay::{replay, tell};

use crate::verdict::Found;
use crate::{CheckError, Progress, Run};
use engine::Exploration;
use moves::Path;
use pleg_core::{Execution, Scenario, Timing, VerdictKind, Witnesses};
use pleg_explicit::StateMachine;
use pods::Pods;
use reduced::Reduced;

/// What an explicit search measured, beside the verdict.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Search {
    pub reduced: bool,
    pub states: u64,
    pub transitions: u64,
    /// The most states one progress layer held (what the search kept in memory at once).
    pub widest_layer: usize,
    /// The process's peak resident memory, as the kernel counts it, if it could be read.
    pub peak_memory_bytes: Option<u64>,
    /// The threads that expanded states (the counts above are the same at any number).
    pub threads: usize,
    /// The states expanded by more than one thread at once (the rest came in runs too short
    /// to share).
    pub states_in_parallel: u64,
}

/// The most states one layer may hold before the search gives up (a few GB of memory).
const MAX_LAYER: usize = 20_000_000;
/// The most states the reduced search is asked to visit, by the estimate in [`refuse`].
const MAX_ESTIMATED_STATES: f64 = 5e9;

/// The unreduced search's size limits and what was asked, if the scenario exceeds them.
pub(crate) fn beyond_unreduced_limits(s: &Scenario) -> Option<String> {
    let (p, c) = (s.pods, s.channel_capacity());
    (p > 10 || c > 16 || s.relists > 6 || s.threshold > 8).then(|| {
        format!(
            "pods <= 10, capacity <= 16, relists <= 6, threshold <= 8; asked: {p} pods, \
             capacity {c}, {} relists, threshold {}",
            s.relists, s.threshold
        )
    })
}

/// Refuses, before any search, a scenario too large to explore; the line says why.
pub(crate) fn refuse(scenario: &Scenario, reduced: bool) -> Result<(), CheckError> {
    let s = scenario;
    let too_large = |why: String| Err(CheckError::TooLarge(why));
    if s.change_limit() > 255 {
        return too_large("the explicit checker tracks at most 255 changes per pod".into());
    }
    if s.pods > u32::from(u16::MAX) {
        return too_large(format!(
            "the explicit checker names at most {} pods (its stories name every pod); asked: {}",
            u16::MAX,
            s.pods
        ));
    }
    if !reduced {
        if let Some(limits) = beyond_unreduced_limits(s) {
            return too_large(format!(
                "the unreduced search names every pod and every tick, for small grids \
                 ({limits}); leave out --unreduced for the reduced search"
            ));
        }
        return Ok(());
    }
    if s.map_order == pleg_core::MapOrder::Fixed {
        return Err(CheckError::Unsupported(
            "the reduced search counts interchangeable pods, and a fixed pod order tells them \
             apart: add --unreduced (small sizes) for --map-order fixed"
                .into(),
        ));
    }
    let estimate = estimated_states(s);
    if estimate > MAX_ESTIMATED_STATES || s.relists > 100_000 {
        return too_large(format!(
            "the explicit search would visit about {estimate:.1e} states (its limit is \
             {MAX_ESTIMATED_STATES:.0e}): ask for fewer pods, relists or a smaller capacity"
        ));
    }
    Ok(())
}

/// A rough count of the reduced search's states, to refuse what would not finish: the layers
/// of relist's progress, times the channel's fill levels, times (when pods change at any time
/// and are counted by how far each got) the ways the pods spread over their versions.
fn estimated_states(s: &Scenario) -> f64 {
    let visiting = if s.design.records_after_delivery() {
        s.relists
    } else {
        s.changes_seen()
    };
    let pods = f64::from(s.pods);
    let layers = f64::from(visiting.max(1)) * (pods + 1.0) + 2.0;
    let channel = (s.channel_capacity() as f64).min(s.most_events() as f64) + 1.0;
    let spread = match s.timing {
        Timing::Lockstep => 1.0,
        Timing::Anytime => (pods + 1.0).powi(s.changes_seen().saturating_sub(1).min(8) as i32),
    };
    layers * channel * spread * 6.0
}

/// Explores `scenario` exhaustively, reduced or not; the closest failure of the most severe
/// kind becomes the counterexample, replayed on the unreduced model into a story.
pub(crate) fn run(
    scenario: &Scenario,
    reduced: bool,
    progress: &Progress,
) -> Result<(Run, Search), CheckError> {
    refuse(scenario, reduced)?;
    forget_peak_memory();
    let (summary, path) = if reduced {
        let model = Reduced::new(scenario).expect("refuse() turned away a fixed order");
        let found = explore(&model, progress)?;
        let path = counterexample(&model, &found).map(|(kind, moves)| {
            let concrete = model
                .concretise(&moves)
                .expect("a reduced path concretises to a path of the unreduced model");
            (kind, concrete)
        });
        (Summary::of(&found), path)
    } else {
        let model = Pods::new(scenario);
        let found = explore(&model, progress)?;
        (Summary::of(&found), counterexample(&model, &found))
    };
    let search = Search {
        reduced,
        states: summary.states,
        transitions: summary.transitions,
        widest_layer: summary.widest_layer,
        peak_memory_bytes: peak_memory_bytes(),
        threads: rayon::current_num_threads(),
        states_in_parallel: summary.states_in_parallel,
    };
    let mut run = Run {
        found: None,
        explored: summary.states,
        witnesses: summary.witnesses,
        last_execution: Execution::default(),
        schedule: None,
        counterexample_bound: None,
    };
    if let Some((kind, moves)) = path {
        let told = tell(scenario, &moves).expect("the counterexample replays");
        assert_eq!(
            told.ends_in,
            Some(kind),
            "the path ends in the failure it was found for"
        );
        run.found = Some(Found::Kind(kind));
        run.last_execution = told.execution;
        run.schedule = Some(Path(moves).to_string());
    }
    Ok((run, search))
}

fn explore<M: StateMachine>(
    model: &M,
    progress: &Progress,
) -> Result<Exploration<M::State>, CheckError> {
    engine::explore(model, progress, MAX_LAYER).map_err(|too_wide| {
        CheckError::TooLarge(format!(
            "the explicit search stopped after {} states: one progress layer grew past \
             {MAX_LAYER} states; ask for fewer pods, changes or relists",
            too_wide.states_so_far
        ))
    })
}

/// What a search measured, whatever the machine's states.
struct Summary {
    states: u64,
    transitions: u64,
    witnesses: Witnesses,
    widest_layer: usize,
    states_in_parallel: u64,
}

impl Summary {
    fn of<S>(found: &Exploration<S>) -> Self {
        Summary {
            states: found.states,
            transitions: found.transitions,
            witnesses: found.witnesses,
            widest_layer: found.widest_layer,
            states_in_parallel: found.states_in_parallel,
        }
    }
}

/// The most severe failure found, if any, and the shortest path to it.
fn counterexample<M: StateMachine>(
    model: &M,
    found: &Exploration<M::State>,
) -> Option<(VerdictKind, Vec<M::Move>)> {
    let (&failure, worst) = found.failures.iter().next()?;
    let path = path::shortest_path(model, failure, worst);
    Some((
        failure,
        path.expect("the search reached the failure, so the path search does"),
    ))
}

/// Every failure reachable in `scenario`, by an exhaustive search (reduced or not): what the
/// laws are confirmed against.
pub fn reachable(
    scenario: &Scenario,
    reduced: bool,
) -> Result<std::collections::BTreeSet<VerdictKind>, CheckError> {
    Ok(search(scenario, reduced)?.failures)
}

/// Every failure one exhaustive search reaches, and how many states it explored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reached {
    pub failures: std::collections::BTreeSet<VerdictKind>,
    pub states: u64,
}

/// Searches `scenario` exhaustively (reduced or not) for every failure it can reach.
pub fn search(scenario: &Scenario, reduced: bool) -> Result<Reached, CheckError> {
    refuse(scenario, reduced)?;
    let (failures, states) = if reduced {
        let model = Reduced::new(scenario).expect("refuse() turned away a fixed order");
        let found = explore(&model, &None)?;
        (found.failures.into_keys().collect(), found.states)
    } else {
        let found = explore(&Pods::new(scenario), &None)?;
        (found.failures.into_keys().collect(), found.states)
    };
    Ok(Reached { failures, states })
}

/// Resets the kernel's count of this process's peak memory, so the next reading is this
/// search's own (Linux: writing 5 to /proc/self/clear_refs; elsewhere nothing happens).
fn forget_peak_memory() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// The process's peak resident memory (`VmHWM` in /proc/self/status), where the kernel says:
/// since the last [`forget_peak_memory`], when the kernel allows it to be reset.
pub fn peak_memory_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}
