//! The kubelet model under loom: every interleaving within a preemption bound, for every
//! assignment of the choices loom cannot make itself — Go's map order, when pods change —
//! enumerated outside loom ([`crate::loom_choices`]). The counts reported are summed over the
//! assignments.
//!
//! loom reports a stall as a panic (`deadlock; threads = [...]`) from inside the failing
//! execution; the recorder still holds that execution's trace after the unwind. The recorder and
//! the scenario's shared state live in std `Arc`s: a `loom::sync::Arc` dropped during the
//! deadlock unwind panics again and aborts the whole process.

use crate::loom_choices;
use crate::quiet::catch_quietly;
use crate::verdict::{Found, Stop};
use crate::{CheckError, Progress, Run};
use pleg_core::{Counted, Gate, Recorder, Scenario, Witnesses};
use pleg_kubelet::runtime::Loom;
use pleg_kubelet::{Choices, Given};
use std::sync::Arc;

/// The preemption bound used when neither the caller nor `LOOM_MAX_PREEMPTIONS` names one.
///
/// Cost on the 2-core reference machine, release build: with Go's map order loom runs one
/// exploration per order, so drop-when-full at capacity 2, 3 events, 2 relists explores 6 ×
/// 1,214 executions at bound 2 in about half a second — and 6 × 21,643 at bound 3 in about ten
/// seconds. Each extra preemption multiplies the executions by roughly 5–20. Every failure the
/// laws predict on the small grid is found at bound 1 or less; the explicit checker, with no
/// bound at all, carries the exhaustive claims.
pub const DEFAULT_LOOM_PREEMPTION_BOUND: usize = 2;

/// The bound to use: `LOOM_MAX_PREEMPTIONS` if set (`none` for unbounded), else the default.
/// `Err` names the bad value — of this or of any other numeric LOOM_* variable, which loom
/// itself would otherwise reject with a panic.
pub fn loom_preemption_bound() -> Result<Option<usize>, String> {
    for name in [
        "LOOM_MAX_BRANCHES",
        "LOOM_MAX_DURATION",
        "LOOM_MAX_PERMUTATIONS",
        "LOOM_CHECKPOINT_INTERVAL",
    ] {
        if let Ok(v) = std::env::var(name) {
            v.parse::<u64>()
                .map_err(|_| format!("{name}={v:?} is not a whole number"))?;
        }
    }
    match std::env::var("LOOM_MAX_PREEMPTIONS") {
        Err(_) => Ok(Some(DEFAULT_LOOM_PREEMPTION_BOUND)),
        Ok(v) if v == "none" => Ok(None),
        Ok(v) => v
            .parse()
            .map(Some)
            .map_err(|_| format!("LOOM_MAX_PREEMPTIONS={v:?} is not a whole number or 'none'")),
    }
}

/// Explores `scenario` within `preemption_bound` for every assignment. A failure is then
/// searched for again at bounds 0, 1, 2, … (every assignment at each bound) so the counterexample
/// reported is one with the fewest preemptions; the counts reported stay those of the
/// requested bound.
pub(crate) fn run(
    scenario: &Scenario,
    preemption_bound: Option<usize>,
    progress: &Progress,
) -> Result<Run, CheckError> {
    if scenario.gate == Gate::Retry {
        return Err(CheckError::Unsupported(
            "--gate retry spins for ever when stalled and loom needs executions that end: use \
             --checker explicit (exhaustive) or shuttle-random / shuttle-pct"
                .to_owned(),
        ));
    }
    let assignments = loom_choices::assignments(scenario)?;
    let mut total = Run {
        found: None,
        explored: 0,
        witnesses: Witnesses::none(Counted::Executions),
        last_execution: Default::default(),
        schedule: None,
        counterexample_bound: None,
    };
    for given in &assignments {
        let run = run_at(scenario, given, preemption_bound, progress)?;
        total.explored += run.explored;
        total.witnesses += &run.witnesses;
        total.last_execution = run.last_execution;
        if run.found.is_some() {
            total.found = run.found;
            break;
        }
    }
    if total.found.is_some() {
        total.counterexample_bound = preemption_bound;
        let smaller = (0..).take_while(|b| preemption_bound.is_none_or(|max| *b < max));
        'bounds: for bound in smaller {
            for given in &assignments {
                let attempt = run_at(scenario, given, Some(bound), progress)?;
                if attempt.found.is_some() {
                    total.found = attempt.found;
                    total.last_execution = attempt.last_execution;
                    total.counterexample_bound = Some(bound);
                    break 'bounds;
                }
            }
        }
    }
    Ok(total)
}

/// One loom model: every interleaving of the scenario with the data choices `given`.
fn run_at(
    scenario: &Scenario,
    given: &Given,
    preemption_bound: Option<usize>,
    progress: &Progress,
) -> Result<Run, CheckError> {
    let recorder = Arc::new(Recorder::with_progress(progress.clone()));
    // `Builder::new` also reads loom's other LOOM_* variables; the bound is always ours.
    let mut builder = loom::model::Builder::new();
    builder.preemption_bound = preemption_bound;
    let (model_recorder, model_scenario, model_given) =
        (Arc::clone(&recorder), *scenario, given.clone());
    let failure = catch_quietly(move || {
        builder.check(move || {
            let choices = Choices::Given(model_given.clone());
            pleg_kubelet::run_with::<Loom>(&model_scenario, &model_recorder, choices);
        })
    })
    .err();
    let stop = match failure {
        None => None,
        Some(m) if m.starts_with("deadlock") => Some(Stop::Deadlock(m)),
        Some(m) if m.starts_with("Model exceeded maximum number of branches") => {
            return Err(CheckError::TooLarge(format!(
                "loom cannot explore capacity {} with {} pods: an execution needs more than \
                 loom's {} branches (LOOM_MAX_BRANCHES); use --checker explicit (exhaustive at \
                 this size) or shuttle-pct",
                scenario.capacity,
                scenario.pods,
                loom::model::Builder::new().max_branches
            )))
        }
        Some(m) => Some(Stop::Panic(m)),
    };
    Ok(Run {
        found: stop.map(Found::Stopped),
        explored: recorder.executions(),
        witnesses: recorder.witnesses(),
        last_execution: recorder.last_execution(),
        schedule: None,
        counterexample_bound: None,
    })
}
