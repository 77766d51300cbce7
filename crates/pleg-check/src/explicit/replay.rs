//! Paths of the unreduced model told as kubelet stories: a path replayed move by move and
//! recorded in pleg-kubelet's vocabulary (so the story, the SVG and the verdict's classification
//! are the ones every checker uses), how a path ends, and the path a trace of any other checker
//! takes through the model.

use super::moves::{Move, Path};
use super::pods::{self, Pods};
use super::{graph, Pc, SyncPc};
use crate::verdict::Stop;
use crate::{CheckError, Run};
use pleg_core::{Action, Actor, Change, EventId, Execution, Gate, Recorder, Scenario, Unhealthy};
use std::collections::VecDeque;

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

/// Walks `moves` on the unreduced model, recording each step in kubelet's words as pleg-kubelet
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

/// The story step a move from `st` to `next` makes, in pleg-kubelet's vocabulary (a gate pass
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
/// the convergence check — the steps pleg-kubelet's bounded run records there.
pub fn end_of_run_story(scenario: &Scenario, st: &pods::State) -> Execution {
    let pods = Pods::new(scenario);
    let recorder = Recorder::new();
    recorder.begin(scenario.channel_capacity(), scenario.threshold);
    end_of_run(scenario, &pods, st, &recorder);
    recorder.last_execution()
}

/// After a clean end: the quiet next relist, the resync, and the convergence check — told as
/// pleg-kubelet's bounded run tells them.
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
