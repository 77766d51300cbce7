//! The scenario under loom: every interleaving within a preemption bound.
//!
//! loom reports a stall as a panic (`deadlock; threads = [...]`) from inside the failing
//! execution; the recorder still holds that execution's trace after the unwind. The recorder and
//! the scenario's shared state live in std `Arc`s: a `loom::sync::Arc` dropped during the
//! deadlock unwind panics again and aborts the whole process.

use crate::quiet::catch_quietly;
use crate::{Progress, Run};
use pleg_model::runtime::Loom;
use pleg_model::{Recorder, Scenario};
use std::sync::Arc;

/// The preemption bound used when neither the caller nor `LOOM_MAX_PREEMPTIONS` names one.
///
/// Cost on the 2-core reference machine, release build: the smallest blocking configuration
/// fails within a few hundred executions; drop-when-full at capacity 2, 3 events, 2 relists
/// explores every interleaving in well under a second. Each extra preemption multiplies the
/// executions by roughly 5–12.
pub const DEFAULT_LOOM_PREEMPTION_BOUND: usize = 3;

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

/// Explores `scenario` within `preemption_bound`. A failure is then searched for again at
/// bounds 0, 1, 2, … so the counterexample reported is one with the fewest preemptions (the
/// easiest story to read); the counts reported stay those of the requested bound.
pub(crate) fn run(
    scenario: &Scenario,
    preemption_bound: Option<usize>,
    progress: &Progress,
) -> Run {
    let mut run = run_at(scenario, preemption_bound, progress);
    if run.failure.is_some() {
        let smaller = (0..).take_while(|b| preemption_bound.is_none_or(|max| *b < max));
        for bound in smaller {
            let attempt = run_at(scenario, Some(bound), progress);
            if attempt.failure.is_some() {
                run.failure = attempt.failure;
                run.last_execution = attempt.last_execution;
                run.counterexample_bound = Some(bound);
                return run;
            }
        }
        run.counterexample_bound = preemption_bound;
    }
    run
}

fn run_at(scenario: &Scenario, preemption_bound: Option<usize>, progress: &Progress) -> Run {
    let recorder = Arc::new(Recorder::with_progress(progress.clone()));
    // `Builder::new` also reads loom's other LOOM_* variables; the bound is always ours.
    let mut builder = loom::model::Builder::new();
    builder.preemption_bound = preemption_bound;
    let (model_recorder, model_scenario) = (Arc::clone(&recorder), *scenario);
    let failure = catch_quietly(move || {
        builder.check(move || {
            pleg_model::run::<Loom>(&model_scenario, &model_recorder);
        })
    })
    .err();
    Run {
        failure,
        explored: recorder.executions(),
        witnesses: recorder.witnesses(),
        last_execution: recorder.last_execution(),
        schedule: None,
        counterexample_bound: None,
    }
}
