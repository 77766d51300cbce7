//! The scenario under shuttle: random and PCT schedules, seeded so every run is reproducible,
//! and replay of a recorded schedule.
//!
//! shuttle prints a failing schedule from its panic hook; we record it ourselves instead, with a
//! scheduler wrapper that notes every decision the inner scheduler makes, exactly as shuttle's
//! own schedule recorder does, and serialise it in shuttle's replay format. Go's map order is
//! drawn from shuttle's own random source inside each execution, so it is explored with the
//! schedule and recorded in it: a replay visits the pods in the same orders.

use crate::quiet::catch_quietly;
use crate::verdict::{Found, Stop};
use crate::{CheckError, Progress, Run};
use pleg_core::{Gate, Recorder, Scenario};
use pleg_kubelet::runtime::Shuttle;
use shuttle::scheduler::{
    PctScheduler, RandomScheduler, ReplayScheduler, Schedule, Scheduler, Task, TaskId,
};
use shuttle_engine::scheduler::serialization;
use std::sync::{Arc, Mutex};

/// The step bound of an execution with kubelet's retry gate ([`Gate::Retry`]): a stalled
/// syncLoop retries forever, so "exceeded the bound" is how the livelock shows. A clean run
/// needs a few dozen steps per event; the bound leaves a wide margin.
pub fn retry_step_bound(scenario: &Scenario) -> usize {
    let events = scenario.most_events() as usize;
    20_000 + 100 * events
}

/// The seed of every shuttle check unless the caller names one: CI results must not vary.
pub const DEFAULT_SHUTTLE_SEED: u64 = 72482;

/// PCT's depth (number of priority change points + 1). The circular wait needs relist to be
/// overtaken once by the clock and once by syncLoop's gate check.
pub const DEFAULT_PCT_DEPTH: usize = 3;

pub(crate) fn run_random(
    scenario: &Scenario,
    iterations: usize,
    seed: u64,
    progress: &Progress,
) -> Run {
    let scheduler = RandomScheduler::new_from_seed(seed, iterations);
    run_with(scenario, scheduler, progress)
}

pub(crate) fn run_pct(
    scenario: &Scenario,
    iterations: usize,
    depth: usize,
    seed: u64,
    progress: &Progress,
) -> Run {
    let scheduler = PctScheduler::new_from_seed(seed, depth, iterations);
    run_with(scenario, scheduler, progress)
}

pub(crate) fn replay(scenario: &Scenario, schedule: &str) -> Result<Run, CheckError> {
    // shuttle's decoder panics on some strings (an empty one among them): that is a malformed
    // schedule too, not a crash of the check.
    let decode = || serialization::deserialize_schedule(schedule);
    let decoded = std::panic::catch_unwind(decode)
        .ok()
        .flatten()
        .ok_or_else(|| {
            CheckError::Schedule("malformed schedule: not a shuttle schedule string".to_owned())
        })?;
    let (run, followed) =
        run_recorded(scenario, ReplayScheduler::new_from_schedule(decoded), &None);
    let given: String = schedule.split_whitespace().collect();
    if run.found.is_none() && followed != given {
        return Err(CheckError::Schedule(
            "the schedule does not fit this scenario (it was recorded for another, or changed): \
             the execution took other decisions than it lists"
                .to_owned(),
        ));
    }
    // A panic that is not the model's own lost update is shuttle finding that the schedule
    // does not match the execution (it ended early, named a task that cannot run, a choice
    // where a switch was due): the schedule belongs to another scenario.
    let lost = run
        .last_execution
        .steps
        .last()
        .is_some_and(|s| matches!(s.action, pleg_core::Action::LostUpdate { .. }));
    match &run.found {
        Some(Found::Stopped(Stop::Panic(m))) if !lost => {
            // shuttle appends a dump of every task; the first clause says what went wrong.
            let what = m.split(", but choices were").next().unwrap_or(m);
            let what = what.lines().next().unwrap_or(what);
            Err(CheckError::Schedule(format!(
                "the schedule does not fit this scenario (it was recorded for another): {what}"
            )))
        }
        _ => Ok(run),
    }
}

/// What shuttle's report of a failed execution means.
fn stop(message: String) -> Stop {
    if message.starts_with("deadlock") {
        Stop::Deadlock(message)
    } else if message.contains("exceeded max_steps") {
        Stop::NoProgress
    } else {
        Stop::Panic(message)
    }
}

fn run_with(scenario: &Scenario, scheduler: impl Scheduler + 'static, progress: &Progress) -> Run {
    run_recorded(scenario, scheduler, progress).0
}

/// [`run_with`], and the schedule the last execution followed, as one line.
fn run_recorded(
    scenario: &Scenario,
    scheduler: impl Scheduler + 'static,
    progress: &Progress,
) -> (Run, String) {
    let recorder = Arc::new(Recorder::with_progress(progress.clone()));
    let recording = Recording::new(scheduler);
    let schedule = Arc::clone(&recording.schedule);
    let mut config = shuttle::Config::new();
    config.failure_persistence = shuttle::FailurePersistence::None;
    if scenario.gate == Gate::Retry {
        config.max_steps = shuttle::MaxSteps::FailAfter(retry_step_bound(scenario));
    }
    let runner = shuttle::Runner::new(recording, config);
    let (model_recorder, model_scenario) = (Arc::clone(&recorder), *scenario);
    let stop = catch_quietly(move || {
        runner.run(move || {
            pleg_kubelet::run::<Shuttle>(&model_scenario, &model_recorder);
        })
    })
    .err()
    .map(stop);
    let followed: String = {
        let schedule = schedule.lock().unwrap_or_else(|p| p.into_inner());
        // One line: shuttle wraps its format at 76 columns, and ignores whitespace on input.
        serialize(&schedule).split_whitespace().collect()
    };
    let run = Run {
        schedule: stop.as_ref().map(|_| followed.clone()),
        found: stop.map(Found::Stopped),
        explored: recorder.executions(),
        witnesses: recorder.witnesses(),
        last_execution: recorder.last_execution(),
        counterexample_bound: None,
    };
    (run, followed)
}

/// shuttle's replay format (`shuttle::replay` reads it back).
fn serialize(schedule: &Schedule) -> String {
    serialization::serialize_schedule(schedule)
}

/// Wraps a scheduler and remembers the decisions of the current execution.
struct Recording<S> {
    inner: S,
    schedule: Arc<Mutex<Schedule>>,
}

impl<S> Recording<S> {
    fn new(inner: S) -> Self {
        Self {
            inner,
            schedule: Arc::new(Mutex::new(Schedule::new(0))),
        }
    }

    fn schedule(&self) -> std::sync::MutexGuard<'_, Schedule> {
        self.schedule.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl<S: Scheduler> Scheduler for Recording<S> {
    fn new_execution(&mut self) -> Option<Schedule> {
        let initial = self.inner.new_execution()?;
        *self.schedule() = initial.clone();
        Some(initial)
    }

    fn next_task(
        &mut self,
        runnable_tasks: &[&Task],
        current_task: Option<TaskId>,
        is_yielding: bool,
    ) -> Option<TaskId> {
        let next = self
            .inner
            .next_task(runnable_tasks, current_task, is_yielding)?;
        self.schedule().push_task(next);
        Some(next)
    }

    fn next_u64(&mut self) -> u64 {
        self.schedule().push_random();
        self.inner.next_u64()
    }
}
