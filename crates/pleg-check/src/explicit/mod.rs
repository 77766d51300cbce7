//! The explicit-state checker: an independent model of the same system, searched
//! exhaustively — no preemption bound, every map order, every clock placement.
//!
//! It shares no code with pleg-kubelet's channel, threads or runtime, so where it agrees with
//! loom and shuttle, the agreement is not an artefact of either implementation.
//!
//! - [`engine`]: breadth-first search, one progress layer in memory at a time, fair cycles.
//! - [`pods`]: the unreduced model — every pod by name, every tick; also the simulator that
//!   replays a path into a kubelet story.
//! - [`reduced`]: the same model with the exact reductions that take it to kubelet's size.
//! - [`path`]: moves, and a path of them as one pasteable token.
//! - [`graph`]: the whole state graph of a small scenario, for a learner to walk.
//! - `replay`: a path told as a kubelet story, and the path any checker's trace takes.

pub(crate) mod engine;
pub mod graph;
mod replay;

pub use pleg_explicit::{moves, pods, reduced, Pc, SyncPc};

pub use replay::{
    blocked_send, end_of_run_story, path_of_trace, replay_path, story_step, visit_counts, Replayed,
};
pub(crate) use replay::{replay, tell};

use crate::{CheckError, Progress, Run};
use engine::Exploration;
use moves::Path;
use pleg_core::{Execution, Scenario, VerdictKind};
use pleg_explicit::StateMachine;
use pods::Pods;
use reduced::Reduced;

/// What an explicit search measured, beside the verdict.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Search {
    pub reduced: bool,
    pub states: u64,
    pub transitions: u64,
    /// The most states one progress layer held (what the search kept in memory at once).
    pub widest_layer: usize,
    /// The process's peak resident memory, as the kernel counts it, if it could be read.
    pub peak_memory_bytes: Option<u64>,
}

/// The most states one layer may hold before the search gives up (a few GB of memory).
const MAX_LAYER: usize = 20_000_000;
/// The most states the reduced search is asked to visit, by the estimate in [`refuse`].
const MAX_ESTIMATED_STATES: f64 = 5e9;

/// The unreduced search's size limits and what was asked, if the scenario exceeds them.
pub(crate) fn beyond_unreduced_limits(s: &Scenario) -> Option<String> {
    let (p, c) = (s.pods(), s.channel_capacity());
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
    if s.changes() > 255 {
        return too_large("the explicit checker tracks at most 255 changes per pod".into());
    }
    if s.pods() > u32::from(u16::MAX) {
        return too_large(format!(
            "the explicit checker names at most {} pods (its stories name every pod); asked: {}",
            u16::MAX,
            s.pods()
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
    let visiting = if s.design.records_after_delivery() {
        s.relists
    } else {
        s.changes()
    };
    let layers = f64::from(visiting.max(1)) * (f64::from(s.pods()) + 1.0) + 2.0;
    let channel = (s.channel_capacity() as f64).min(s.total_events() as f64) + 1.0;
    let estimate = layers * channel * 6.0;
    if estimate > MAX_ESTIMATED_STATES || s.relists > 100_000 {
        return too_large(format!(
            "the explicit search would visit about {estimate:.1e} states (its limit is \
             {MAX_ESTIMATED_STATES:.0e}): ask for fewer pods, relists or a smaller capacity"
        ));
    }
    Ok(())
}

/// Explores `scenario` exhaustively, reduced or not; the closest failure of the most severe
/// kind becomes the counterexample, replayed on the unreduced model into a story.
pub(crate) fn run(
    scenario: &Scenario,
    reduced: bool,
    progress: &Progress,
) -> Result<(Run, Search), CheckError> {
    refuse(scenario, reduced)?;
    let (found, path) = if reduced {
        let model = Reduced::new(scenario).expect("refuse() turned away a fixed order");
        let found = explore(&model, progress)?;
        let path = counterexample(&model, &found).map(|moves| {
            model
                .concretise(&moves)
                .expect("a reduced path concretises to a path of the unreduced model")
        });
        (summary(&found), path)
    } else {
        let model = Pods::new(scenario);
        let found = explore(&model, progress)?;
        (summary(&found), counterexample(&model, &found))
    };
    let search = Search {
        reduced,
        states: found.0,
        transitions: found.1,
        widest_layer: found.3,
        peak_memory_bytes: peak_memory_bytes(),
    };
    let run = match path {
        None => Run {
            stop: None,
            explored: found.0,
            witnesses: found.2,
            last_execution: Execution::default(),
            schedule: None,
            counterexample_bound: None,
        },
        Some(moves) => {
            let told = tell(scenario, &moves).expect("the counterexample replays");
            debug_assert!(told.stop.is_some(), "a counterexample ends in a failure");
            Run {
                stop: told.stop,
                explored: found.0,
                witnesses: found.2,
                last_execution: told.execution,
                schedule: Some(Path(moves).to_string()),
                counterexample_bound: None,
            }
        }
    };
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

type Summary = (u64, u64, pleg_core::Witnesses, usize);

fn summary<S>(found: &Exploration<S>) -> Summary {
    (
        found.states,
        found.transitions,
        found.witnesses,
        found.widest_layer,
    )
}

/// The shortest path to the most severe failure found, if any.
fn counterexample<M: StateMachine>(
    model: &M,
    found: &Exploration<M::State>,
) -> Option<Vec<M::Move>> {
    let (&failure, worst) = found.failures.iter().next()?;
    let path = engine::shortest_path(model, failure, worst);
    Some(path.expect("the search reached the failure, so the path search does"))
}

/// Every failure reachable in `scenario`, by an exhaustive search (reduced or not): what the
/// laws are confirmed against.
pub fn reachable(
    scenario: &Scenario,
    reduced: bool,
) -> Result<std::collections::BTreeSet<VerdictKind>, CheckError> {
    refuse(scenario, reduced)?;
    let failures: Vec<VerdictKind> = if reduced {
        let model = Reduced::new(scenario).expect("refuse() turned away a fixed order");
        explore(&model, &None)?.failures.into_keys().collect()
    } else {
        explore(&Pods::new(scenario), &None)?
            .failures
            .into_keys()
            .collect()
    };
    Ok(failures.into_iter().collect())
}

/// The process's peak resident memory (`VmHWM` in /proc/self/status), where the kernel says.
pub fn peak_memory_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}
