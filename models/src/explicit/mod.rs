//! The explicit-state checker: an independent model of the same system, searched
//! exhaustively — no preemption bound, every map order, every clock placement.
//!
//! It shares no code with pleg-model's channel, threads or runtime, so where it agrees with
//! loom and shuttle, the agreement is not an artefact of either implementation.
//!
//! - [`engine`]: breadth-first search, one progress layer in memory at a time, fair cycles.
//! - [`pods`]: the unreduced model — every pod by name, every tick; also the simulator that
//!   replays a path into a kubelet story.
//! - [`reduced`]: the same model with the exact reductions that take it to kubelet's size.
//! - [`path`]: moves, and a path of them as one pasteable token.
//! - [`graph`]: the whole state graph of a small scenario, for a learner to walk.

pub(crate) mod engine;
pub mod graph;
pub mod path;
pub mod pods;
pub(crate) mod reduced;

use crate::verdict::Stop;
use crate::{CheckError, Progress, Run};
use engine::{Exploration, Failure, Model};
use path::{Move, Path};
use pleg_model::{Action, Actor, Change, EventId, Execution, Gate, Recorder, Scenario, Unhealthy};
use pods::Pods;
use reduced::Reduced;
use std::collections::VecDeque;

/// Where relist is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Pc {
    /// About to start relist `r` (from 1).
    Start(u32),
    /// In relist `r`, visiting the pods that changed.
    Visiting(u32),
    /// Every relist ran; about to mark relisting done and close the channel.
    Finish,
    Done,
}

impl Pc {
    /// What follows relist `r` of `relists`.
    fn after(r: u32, relists: u32) -> Pc {
        if r < relists {
            Pc::Start(r + 1)
        } else {
            Pc::Finish
        }
    }

    /// Its place in relist's progress (below 2^31 for every scenario the checker accepts).
    fn rank(self) -> u64 {
        match self {
            Pc::Start(r) => 2 * u64::from(r),
            Pc::Visiting(r) => 2 * u64::from(r) + 1,
            Pc::Finish => 1 << 30,
            Pc::Done => (1 << 30) + 1,
        }
    }
}

/// Where syncLoop is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SyncPc {
    /// At the health gate in front of an iteration.
    Gate,
    /// Past the gate: about to take one event.
    Receive,
    /// The channel was closed and drained.
    Exited,
}

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

/// Refuses, before any search, a scenario too large to explore; the line says why.
pub(crate) fn refuse(scenario: &Scenario, reduced: bool) -> Result<(), CheckError> {
    let s = scenario;
    let too_large = |why: String| Err(CheckError::TooLarge(why));
    if s.changes() > 255 {
        return too_large("the explicit checker tracks at most 255 changes per pod".into());
    }
    if !reduced {
        let (p, c) = (s.pods(), s.channel_capacity());
        if p > 10 || c > 16 || s.relists > 6 || s.threshold > 8 {
            return too_large(format!(
                "the unreduced search names every pod and every tick, for small grids (pods <= \
                 10, capacity <= 16, relists <= 6, threshold <= 8; asked: {p} pods, capacity \
                 {c}, {} relists, threshold {}); leave out --unreduced for the reduced search",
                s.relists, s.threshold
            ));
        }
        return Ok(());
    }
    if s.map_order == pleg_model::MapOrder::Fixed {
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
    if estimate > MAX_ESTIMATED_STATES || s.relists > 100_000 || s.pods() > 50_000_000 {
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

fn explore<M: Model>(model: &M, progress: &Progress) -> Result<Exploration<M::State>, CheckError> {
    engine::explore(model, progress, MAX_LAYER).map_err(|too_wide| {
        CheckError::TooLarge(format!(
            "the explicit search stopped after {} states: one progress layer grew past \
             {MAX_LAYER} states; ask for fewer pods, changes or relists",
            too_wide.states_so_far
        ))
    })
}

type Summary = (u64, u64, pleg_model::Witnesses, usize);

fn summary<S>(found: &Exploration<S>) -> Summary {
    (
        found.states,
        found.transitions,
        found.witnesses,
        found.widest_layer,
    )
}

/// The shortest path to the most severe failure found, if any.
fn counterexample<M: Model>(model: &M, found: &Exploration<M::State>) -> Option<Vec<M::Move>> {
    let (&failure, worst) = found.failures.iter().next()?;
    let path = engine::shortest_path(model, failure, worst);
    Some(path.expect("the search reached the failure, so the path search does"))
}

/// The replay of a path: its story, and why it stops (`None`: a clean end, every pod
/// converged).
pub(crate) struct Told {
    pub(crate) execution: Execution,
    pub(crate) stop: Option<Stop>,
    /// How many steps the moves themselves recorded; the rest tell how the path ends.
    pub(crate) ending_from: usize,
}

/// A path replayed on the unreduced model: its story, its verdict, and where the steps that
/// tell how it ends (a blocked send, the gate's refusal, the end-of-run checks) begin.
#[derive(Debug, Clone)]
pub struct Replayed {
    pub execution: Execution,
    pub verdict: crate::Verdict,
    pub ending_from: usize,
}

/// Replays `moves` and tells the story, as `pleg-spec replay --path` does; `Err` if a move is
/// not possible or the path ends where some actor can still move.
pub fn replay_path(scenario: &Scenario, moves: &[Move]) -> Result<Replayed, String> {
    let told = tell(scenario, moves)?;
    let verdict = crate::verdict::classify(told.stop.as_ref(), &told.execution);
    Ok(Replayed {
        execution: told.execution,
        verdict,
        ending_from: told.ending_from,
    })
}

/// Replays a path given as a token (`pleg-spec replay --path`).
pub(crate) fn replay(scenario: &Scenario, token: &str) -> Result<Run, CheckError> {
    let path: Path = token.parse().map_err(CheckError::Schedule)?;
    let told = tell(scenario, &path.0).map_err(CheckError::Schedule)?;
    Ok(Run {
        stop: told.stop,
        explored: 1,
        witnesses: Default::default(),
        last_execution: told.execution,
        schedule: Some(Path(path.0).to_string()),
        counterexample_bound: None,
    })
}

/// Walks `moves` on the unreduced model, recording each step in kubelet's words as pleg-model
/// records them, then tells how the path ends: a stall, a livelock, or the end-of-run checks.
pub(crate) fn tell(scenario: &Scenario, moves: &[Move]) -> Result<Told, String> {
    let pods = Pods::new(scenario);
    let recorder = Recorder::new();
    recorder.begin(scenario.channel_capacity(), scenario.threshold);
    let mut st = pods.initial();
    let mut events: VecDeque<EventId> = VecDeque::new();
    let mut skipped: Option<std::mem::Discriminant<Unhealthy>> = None;
    for (n, &mv) in moves.iter().enumerate() {
        let next = pods.step(&st, mv).ok_or_else(|| {
            format!(
                "the path does not fit this scenario (it was recorded for another): move {} \
                 ({mv:?}) is not possible there",
                n + 1
            )
        })?;
        match mv {
            Move::Visit(_) if !pods.discards(&st, mv) => {
                events.push_back(event_of(&pods, &st, mv).expect("a visit has an event"));
            }
            Move::Pass => skipped = None,
            _ => {}
        }
        let received = (mv == Move::Receive).then(|| events.pop_front()).flatten();
        let retry_again = mv == Move::Retry
            && skipped
                == pods
                    .health(&st)
                    .err()
                    .map(|why| std::mem::discriminant(&why));
        if let Some((action, change)) = story_step(&pods, &st, mv, &next, received) {
            if let Action::SkippedUnhealthy { why } = action {
                skipped = Some(std::mem::discriminant(&why));
            }
            if !retry_again {
                recorder.record(mv.actor(), action, change);
            }
        }
        st = next;
    }
    let ending_from = recorder.last_execution().steps.len();
    let stop = ending(scenario, &pods, &st, &recorder, skipped)?;
    Ok(Told {
        execution: recorder.last_execution(),
        stop,
        ending_from,
    })
}

/// The event a visit hands over (or drops): pod, relist, version.
fn event_of(pods: &Pods, st: &pods::State, mv: Move) -> Option<EventId> {
    let (Move::Visit(pod), Pc::Visiting(relist)) = (mv, st.relist) else {
        return None;
    };
    Some(EventId {
        relist,
        pod,
        version: pods.scenario.version_at(relist),
    })
}

/// Which of `of` events of the relist in progress the next visit hands over, and `of`: every
/// pod that changed at the relist's start. For designs that record before the send, a relist
/// up to the last change visits every pod, and later ones none.
pub fn visit_counts(pods: &Pods, st: &pods::State) -> (u32, u32) {
    let s = &pods.scenario;
    let Pc::Visiting(relist) = st.relist else {
        return (0, 0);
    };
    let remaining = pods.visiting(st).count() as u32;
    let of = if s.design.records_after_delivery() || relist > s.changes() {
        remaining
    } else {
        s.pods()
    };
    (of - remaining + 1, of)
}

/// The story step a move from `st` to `next` makes, in pleg-model's vocabulary (a gate pass
/// makes none); `received`: the event a receive takes.
pub fn story_step(
    pods: &Pods,
    st: &pods::State,
    mv: Move,
    next: &pods::State,
    received: Option<EventId>,
) -> Option<(Action, Change)> {
    Some(match mv {
        Move::Start => {
            let Pc::Start(relist) = st.relist else {
                unreachable!("a start steps from Start")
            };
            let change = Change {
                relist_time: next.relist_time,
                ..Change::default()
            };
            (Action::RelistStarted { relist }, change)
        }
        Move::Visit(_) => {
            let event = event_of(pods, st, mv)?;
            let (index, of) = visit_counts(pods, st);
            let action = if pods.discards(st, mv) {
                Action::Discarded { event, index, of }
            } else {
                Action::Sent { event, index, of }
            };
            (action, Change::len(next.channel.len()))
        }
        Move::Finish => (Action::RelistsFinished, Change::default()),
        Move::Tick => {
            let change = Change {
                now: Some(next.now),
                ..Change::default()
            };
            (Action::Ticked, change)
        }
        Move::Pass => return None,
        Move::Retry => {
            let why = pods.health(st).err()?;
            (Action::SkippedUnhealthy { why }, Change::default())
        }
        Move::Receive => {
            let event = received?;
            (Action::Received { event }, Change::len(next.channel.len()))
        }
        Move::Exit => (Action::Exited, Change::default()),
    })
}

/// How a replayed path ends, with the steps that show it.
fn ending(
    scenario: &Scenario,
    pods: &Pods,
    st: &pods::State,
    recorder: &Recorder,
    skipped: Option<std::mem::Discriminant<Unhealthy>>,
) -> Result<Option<Stop>, String> {
    let mut enabled = Vec::new();
    pods.enabled(st, &mut enabled);
    let only_retries = !enabled.is_empty() && enabled.iter().all(|&m| m == Move::Retry);
    if pods.is_clean_end(st) {
        return Ok(end_of_run(scenario, pods, st, recorder));
    }
    if !enabled.is_empty() && !only_retries {
        return Err("the path does not end in a failure: some actor can still move".into());
    }
    if let Some(action) = blocked_send(pods, st) {
        recorder.record(Actor::Relist, action, Change::len(st.channel.len()));
    }
    if let Err(why) = pods.health(st) {
        if st.sync == SyncPc::Gate && skipped != Some(std::mem::discriminant(&why)) {
            let action = Action::SkippedUnhealthy { why };
            recorder.record(Actor::SyncLoop, action, Change::default());
        }
    }
    Ok(Some(if only_retries && scenario.gate == Gate::Retry {
        Stop::NoProgress
    } else {
        Stop::Deadlock("every actor is stuck".into())
    }))
}

/// The send relist is blocked in, if it is: its next pod's event into a full channel.
pub fn blocked_send(pods: &Pods, st: &pods::State) -> Option<Action> {
    if !pods.relist_blocked(st) {
        return None;
    }
    let pod = pods.visiting(st).next()?;
    let event = event_of(pods, st, Move::Visit(pod))?;
    let (index, of) = visit_counts(pods, st);
    Some(Action::BlockedInSend { event, index, of })
}

/// The end-of-run story of a state where every actor finished: the quiet relist, the resync,
/// the convergence check — the steps pleg-model's bounded run records there.
pub fn end_of_run_story(scenario: &Scenario, st: &pods::State) -> Execution {
    let pods = Pods::new(scenario);
    let recorder = Recorder::new();
    recorder.begin(scenario.channel_capacity(), scenario.threshold);
    end_of_run(scenario, &pods, st, &recorder);
    recorder.last_execution()
}

/// After a clean end: the quiet next relist, the resync, and the convergence check — told as
/// pleg-model's bounded run tells them.
fn end_of_run(
    scenario: &Scenario,
    pods: &Pods,
    st: &pods::State,
    recorder: &Recorder,
) -> Option<Stop> {
    let latest = scenario.changes() as u8;
    let relist = scenario.relists + 1;
    let record = |action| recorder.record(Actor::Relist, action, Change::default());
    record(Action::QuietRelist { relist });
    let mut synced = st.synced.clone();
    for (pod, &record_version) in (0..).zip(&st.records) {
        let p = pod as usize;
        if record_version != latest {
            synced[p] = st.cache[p];
            record(Action::Regenerated {
                pod,
                version: u32::from(latest),
            });
        } else if synced[p] != latest {
            record(Action::NoChange {
                pod,
                record: u32::from(record_version),
            });
        }
    }
    if scenario.resync {
        for (pod, version) in (0..).zip(synced.iter_mut()) {
            if *version != st.cache[pod as usize] {
                *version = st.cache[pod as usize];
                let action = Action::Resynced {
                    pod,
                    version: u32::from(*version),
                };
                recorder.record(Actor::SyncLoop, action, Change::default());
            }
        }
    }
    debug_assert!((0..synced.len()).all(|p| synced[p] == pods.final_synced(st, p)));
    match (0..).zip(&synced).find(|(_, &v)| v != latest) {
        None => None,
        Some((pod, &version)) => {
            let action = Action::LostUpdate {
                pod,
                synced: u32::from(version),
                latest: u32::from(latest),
            };
            recorder.record(Actor::SyncLoop, action, Change::default());
            Some(Stop::Panic("lost update".into()))
        }
    }
}

/// Every failure reachable in `scenario`, by an exhaustive search (reduced or not): what the
/// laws are confirmed against.
pub fn reachable(
    scenario: &Scenario,
    reduced: bool,
) -> Result<std::collections::BTreeSet<crate::VerdictKind>, CheckError> {
    refuse(scenario, reduced)?;
    let failures: Vec<Failure> = if reduced {
        let model = Reduced::new(scenario).expect("refuse() turned away a fixed order");
        explore(&model, &None)?.failures.into_keys().collect()
    } else {
        explore(&Pods::new(scenario), &None)?
            .failures
            .into_keys()
            .collect()
    };
    Ok(failures.into_iter().map(verdict_kind).collect())
}

/// The verdict a failure the search found goes by.
fn verdict_kind(failure: Failure) -> crate::VerdictKind {
    use crate::VerdictKind;
    match failure {
        Failure::CircularWait => VerdictKind::Deadlock,
        Failure::Livelock => VerdictKind::Livelock,
        Failure::GatedStall => VerdictKind::GatedStall,
        Failure::OtherStall => VerdictKind::OtherDeadlock,
        Failure::LostUpdate => VerdictKind::LostUpdate,
    }
}

/// The path a recorded trace (of any checker) takes through the explicit model: each step's
/// move, with the gate passes the trace does not record put back. A pass goes in at the first
/// moment the gate is open once syncLoop's next recorded step needs it (a receive or the
/// return): the real pass happened at some open moment no earlier, and moving a pass earlier
/// changes only syncLoop's own position. `None` if some step is not a move the model allows.
pub fn path_of_trace(graph: &graph::Graph, execution: &Execution) -> Option<Path> {
    let steps = &execution.steps;
    let (mut at, mut moves) = (0, Vec::new());
    let mut take = |at: &mut usize, mv: Move| -> Option<()> {
        let &(_, to) = graph.moves[*at].iter().find(|(m, _)| *m == mv)?;
        moves.push(mv);
        *at = to;
        Some(())
    };
    // Whether syncLoop's next recorded step, from step `from` on, needs it past the gate.
    let needs_pass = |from: usize| {
        steps[from..]
            .iter()
            .find(|s| s.actor == Actor::SyncLoop)
            .is_some_and(|s| matches!(s.action, Action::Received { .. } | Action::Exited))
    };
    let pass_if_due =
        |at: &mut usize, from: usize, take: &mut dyn FnMut(&mut usize, Move) -> Option<()>| {
            let open = graph.moves[*at].iter().any(|(m, _)| *m == Move::Pass);
            if open && needs_pass(from) {
                take(at, Move::Pass);
            }
        };
    pass_if_due(&mut at, 0, &mut take);
    for (i, step) in steps.iter().enumerate() {
        let mv = match step.action {
            Action::RelistStarted { .. } => Some(Move::Start),
            Action::Sent { event, .. } | Action::Discarded { event, .. } => {
                Some(Move::Visit(event.pod))
            }
            Action::RelistsFinished => Some(Move::Finish),
            Action::Ticked => Some(Move::Tick),
            Action::SkippedUnhealthy { .. } if graph.model.scenario.gate == Gate::Retry => {
                Some(Move::Retry)
            }
            Action::Received { .. } => Some(Move::Receive),
            Action::Exited => Some(Move::Exit),
            _ => None,
        };
        if let Some(mv) = mv {
            take(&mut at, mv)?;
        }
        pass_if_due(&mut at, i + 1, &mut take);
    }
    Some(Path(moves))
}

/// The process's peak resident memory (`VmHWM` in /proc/self/status), where the kernel says.
pub fn peak_memory_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}
