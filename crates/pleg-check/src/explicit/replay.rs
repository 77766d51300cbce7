//! Paths of the unreduced machine told as kubelet stories: a path replayed move by move and
//! recorded in pleg-core's vocabulary (so the story, the SVG and the verdict's detail are the
//! ones every checker uses), how a path ends, and the path a trace of any other checker takes
//! through the machine.

use super::graph;
use super::moves::{Move, Path};
use super::pods::{self, Ending, Pods};
use super::{RelistAt, SyncLoopAt};
use crate::verdict::Found;
use crate::{CheckError, Run};
use pleg_core::{
    Action, Actor, Change, EventId, Execution, Gate, Recorder, Scenario, Unhealthy, VerdictKind,
};
use pleg_explicit::{Shape, StateMachine};
use std::collections::VecDeque;

/// The replay of a path: its story, and the failure it ends in (`None`: a clean end, every pod
/// converged).
pub(crate) struct Told {
    pub(crate) execution: Execution,
    pub(crate) ends_in: Option<VerdictKind>,
    /// How many steps the moves themselves recorded; the rest tell how the path ends.
    pub(crate) ending_from: usize,
}

/// A path replayed on the unreduced machine: its story, its verdict, and where the steps that
/// tell how it ends (the gate's refusal, the end-of-run checks) begin.
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
    let found = told.ends_in.map(Found::Kind);
    let verdict = crate::verdict::classify(found.as_ref(), &told.execution);
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
    let mut witnesses = pleg_core::Witnesses::none(pleg_core::Counted::Executions);
    for w in told.execution.reached() {
        witnesses[w] = 1;
    }
    Ok(Run {
        found: told.ends_in.map(Found::Kind),
        explored: 1,
        witnesses,
        last_execution: told.execution,
        schedule: Some(Path(path.0).to_string()),
        counterexample_bound: None,
    })
}

/// For each relist of a path, how many pods it visits: the `N` of "event i of N", which a
/// relist that decides as it goes only knows once it is done.
fn visits_per_relist(pods: &Pods, moves: &[Move]) -> Vec<u32> {
    let mut st = pods.initial();
    let mut counts = vec![0; pods.scenario.relists as usize + 1];
    for &mv in moves {
        if let (Move::Visit { .. }, RelistAt::Visiting(r)) = (mv, st.relist) {
            counts[r as usize] += 1;
        }
        match pods.step(&st, mv) {
            Some(next) => st = next,
            None => break,
        }
    }
    counts
}

/// Walks `moves` on the unreduced machine, recording each step in kubelet's words as the
/// kubelet model records them, then tells how the path ends: a stall, a livelock, or the
/// end-of-run checks.
pub(crate) fn tell(scenario: &Scenario, moves: &[Move]) -> Result<Told, String> {
    let pods = Pods::new(scenario);
    let recorder = Recorder::new();
    recorder.begin(scenario.channel_capacity(), scenario.threshold);
    let visits = visits_per_relist(&pods, moves);
    let mut teller = Teller {
        pods: &pods,
        visits: &visits,
        visited: 0,
        events: VecDeque::new(),
        held: None,
        skipped: None,
    };
    let mut st = pods.initial();
    for (n, &mv) in moves.iter().enumerate() {
        let next = pods.step(&st, mv).ok_or_else(|| {
            format!(
                "the path does not fit this scenario (it was recorded for another): move {} \
                 ({mv}) is not possible there",
                n + 1
            )
        })?;
        if let Some((action, change)) = teller.step(&st, mv, &next) {
            recorder.record(mv.actor(), action, change);
        }
        st = next;
    }
    let ending_from = recorder.last_execution().steps.len();
    let ends_in = ending(&pods, &st, &recorder, teller.skipped)?;
    Ok(Told {
        execution: recorder.last_execution(),
        ends_in,
        ending_from,
    })
}

/// What a story needs to remember between moves: the events in the channel (which relist
/// sent each), the one relist holds, how far the relist in progress got, and which refusal of
/// the gate it last told (kubelet logs every retry; a story tells each reason once).
struct Teller<'a> {
    pods: &'a Pods,
    visits: &'a [u32],
    visited: u32,
    events: VecDeque<EventId>,
    held: Option<(EventId, u32, u32)>,
    skipped: Option<std::mem::Discriminant<Unhealthy>>,
}

impl Teller<'_> {
    /// The story step a move from `st` to `next` makes (a retry for the reason already told
    /// makes none).
    fn step(&mut self, st: &pods::State, mv: Move, next: &pods::State) -> Option<(Action, Change)> {
        match mv {
            Move::Start => self.visited = 0,
            Move::Pass => self.skipped = None,
            Move::Visit { .. } => self.visited += 1,
            _ => {}
        }
        let received = (mv == Move::Receive)
            .then(|| self.events.pop_front())
            .flatten();
        let told = story_step(self.pods, st, mv, next, received, self.counts(st))?;
        match told.0 {
            Action::Sent { event, .. } if mv != Move::Send => self.events.push_back(event),
            Action::Sent { event, .. } => {
                self.held = None;
                self.events.push_back(event);
            }
            Action::BlockedInSend { event, index, of } => self.held = Some((event, index, of)),
            Action::SkippedUnhealthy { why } => {
                let again = self.skipped == Some(std::mem::discriminant(&why));
                self.skipped = Some(std::mem::discriminant(&why));
                if again {
                    return None;
                }
            }
            _ => {}
        }
        Some(told)
    }

    /// For a visit: its index in the relist in progress, and how many pods that relist visits
    /// (for a relist's start: how many it will visit).
    fn counts(&self, st: &pods::State) -> Option<(u32, u32)> {
        if let Some((_, index, of)) = self.held {
            return Some((index, of));
        }
        if let RelistAt::Start(relist) = st.relist {
            return Some((0, self.visits[relist as usize]));
        }
        let relist = st.relist.in_relist()?;
        let of = self.visits[relist as usize].max(self.visited);
        Some((self.visited, of))
    }
}

/// The event a visit of `pod` in the relist in progress hands over (or drops).
fn event_of(pods: &Pods, st: &pods::State, mv: Move) -> Option<EventId> {
    let (Move::Visit { pod, landed }, Some(relist)) = (mv, st.relist.in_relist()) else {
        return None;
    };
    let version = u32::from(st.cache[pod as usize]) + landed;
    debug_assert!(version <= pods.last_version());
    Some(EventId {
        relist,
        pod,
        version,
    })
}

/// The story step a move from `st` to `next` makes, in pleg-core's vocabulary; `received`: the
/// event a receive takes; `counts`: a visit's index and the number of pods its relist visits.
pub fn story_step(
    pods: &Pods,
    st: &pods::State,
    mv: Move,
    next: &pods::State,
    received: Option<EventId>,
    counts: Option<(u32, u32)>,
) -> Option<(Action, Change)> {
    let len = Change::len(next.channel.len());
    Some(match mv {
        Move::Start | Move::Visit { .. } | Move::Send => {
            return relist_step(pods, st, mv, next, counts)
        }
        Move::EndRelist => {
            let relist = st.relist.in_relist()?;
            (Action::RelistDone { relist }, Change::default())
        }
        Move::Finish => (Action::RelistsFinished, Change::default()),
        Move::Tick => {
            let change = Change {
                now: Some(next.now),
                ..Change::default()
            };
            (Action::Ticked, change)
        }
        Move::Pass => (
            Action::PassedGate {
                checked: pods.scenario.design.gated(),
            },
            Change::default(),
        ),
        Move::Retry => {
            let why = pods.health(st).err()?;
            (Action::SkippedUnhealthy { why }, Change::default())
        }
        Move::Receive => (Action::Received { event: received? }, len),
        Move::Exit => (Action::Exited, Change::default()),
    })
}

/// The step of a relist's start, or of one changed pod's event handed over (sent, blocked on
/// a full channel, or discarded).
fn relist_step(
    pods: &Pods,
    st: &pods::State,
    mv: Move,
    next: &pods::State,
    counts: Option<(u32, u32)>,
) -> Option<(Action, Change)> {
    let len = Change::len(next.channel.len());
    Some(match mv {
        Move::Start => {
            let RelistAt::Start(relist) = st.relist else {
                unreachable!("a start steps from Start")
            };
            let change = Change {
                relist_time: next.relist_time,
                ..Change::default()
            };
            let changed = counts.map_or(0, |(_, of)| of);
            (Action::RelistStarted { relist, changed }, change)
        }
        Move::Visit { .. } => {
            let event = event_of(pods, st, mv)?;
            let (index, of) = counts?;
            let action = if next.relist != st.relist {
                Action::BlockedInSend { event, index, of }
            } else if pods.full(st) {
                Action::Discarded { event, index, of }
            } else {
                Action::Sent { event, index, of }
            };
            (action, len)
        }
        Move::Send => {
            let (index, of) = counts?;
            let pod = u32::from(*next.channel.last()?);
            let event = EventId {
                relist: st.relist.in_relist()?,
                pod,
                version: u32::from(st.cache[pod as usize]),
            };
            (Action::Sent { event, index, of }, len)
        }
        _ => unreachable!("{mv} is not relist's start or hand-over"),
    })
}

/// How a replayed path ends, with the steps that show it: the failure it ends in, if any.
fn ending(
    pods: &Pods,
    st: &pods::State,
    recorder: &Recorder,
    skipped: Option<std::mem::Discriminant<Unhealthy>>,
) -> Result<Option<VerdictKind>, String> {
    let mut enabled = Vec::new();
    pods.enabled(st, &mut enabled);
    if pods.is_clean_end(st) {
        end_of_run(pods, st, recorder);
        return Ok(pods.end(st).failure());
    }
    let only_retries = !enabled.is_empty() && enabled.iter().all(|&m| m == Move::Retry);
    if !enabled.is_empty() && !only_retries {
        return Err("the path does not end in a failure: some actor can still move".into());
    }
    if let Err(why) = pods.health(st) {
        let told = skipped == Some(std::mem::discriminant(&why));
        if st.sync == SyncLoopAt::Gate && !told {
            let action = Action::SkippedUnhealthy { why };
            recorder.record(Actor::SyncLoop, action, Change::default());
        }
    }
    Ok(Some(if only_retries && pods.scenario.gate == Gate::Retry {
        pods.stuck(st)
    } else {
        pods.shape(st, false)
    }))
}

/// The end-of-run story of a state where every actor finished: the quiet relist, the resync,
/// the convergence check — the steps the kubelet model's bounded run records there.
pub fn end_of_run_story(scenario: &Scenario, st: &pods::State) -> Execution {
    let pods = Pods::new(scenario);
    let recorder = Recorder::new();
    recorder.begin(scenario.channel_capacity(), scenario.threshold);
    end_of_run(&pods, st, &recorder);
    recorder.last_execution()
}

/// After a clean end: the quiet next relist, the resync, and the convergence check — told as
/// the kubelet model's bounded run tells them, from the machine's own [`Pods::ending`].
fn end_of_run(pods: &Pods, st: &pods::State, recorder: &Recorder) {
    let s = &pods.scenario;
    let record = |actor, action| recorder.record(actor, action, Change::default());
    record(
        Actor::Relist,
        Action::QuietRelist {
            relist: s.relists + 1,
        },
    );
    let mut lost = None;
    for pod in 0..s.pods {
        let p = pod as usize;
        match pods.ending(st, p) {
            Ending::Regenerated { version } => {
                let version = u32::from(version);
                record(Actor::Relist, Action::Regenerated { pod, version });
            }
            Ending::NoChange { record: r, synced } => {
                let action = Action::NoChange {
                    pod,
                    record: u32::from(r),
                };
                record(Actor::Relist, action);
                if s.resync {
                    let version = u32::from(st.cache[p]);
                    record(Actor::SyncLoop, Action::Resynced { pod, version });
                } else if lost.is_none() {
                    lost = Some((pod, synced, st.cache[p]));
                }
            }
            Ending::InSync => {}
        }
    }
    if let Some((pod, synced, latest)) = lost {
        let action = Action::LostUpdate {
            pod,
            synced: u32::from(synced),
            latest: u32::from(latest),
        };
        record(Actor::SyncLoop, action);
    }
}

/// The path a recorded trace (of any checker) takes through the explicit machine: each step's
/// move, with the gate passes the trace does not record put back. A pass goes in at the first
/// moment the gate is open once syncLoop's next recorded step needs it (a receive or the
/// return): the real pass happened at some open moment no earlier, and moving a pass earlier
/// changes only syncLoop's own position. `None` if some step is not a move the machine allows.
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
    let mut blocked: Option<EventId> = None;
    pass_if_due(&mut at, 0, &mut take);
    for (i, step) in steps.iter().enumerate() {
        let visit = |event: EventId| -> Option<Move> {
            let cache = u32::from(graph.states[at].cache[event.pod as usize]);
            Some(Move::Visit {
                pod: event.pod,
                landed: event.version.checked_sub(cache)?,
            })
        };
        let mv: Option<Move> = match step.action {
            Action::RelistStarted { .. } => Some(Move::Start),
            Action::Sent { event, .. } if blocked == Some(event) => {
                blocked = None;
                Some(Move::Send)
            }
            Action::Sent { event, .. } | Action::Discarded { event, .. } => Some(visit(event)?),
            Action::BlockedInSend { event, .. } => {
                blocked = Some(event);
                Some(visit(event)?)
            }
            Action::RelistDone { .. } => Some(Move::EndRelist),
            Action::RelistsFinished => Some(Move::Finish),
            Action::Ticked => Some(Move::Tick),
            Action::SkippedUnhealthy { .. } if graph.model.scenario.gate == Gate::Retry => {
                Some(Move::Retry)
            }
            Action::PassedGate { .. } => Some(Move::Pass),
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
