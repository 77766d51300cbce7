//! What the page shows of one state: the node (channel, clock, gate, pods), each actor's next
//! statement in kubelet's words and the Go line it stands for, its moves with the story line
//! each adds, and how the run ends there. Every sentence comes from the story module or the
//! explicit model's own replay: the page prints, it does not compute.

use super::code::Listing;
use pleg_check::explicit::graph::Graph;
use pleg_check::explicit::moves::{Move, Path};
use pleg_check::explicit::pods::{Ending, Pods, State};
use pleg_check::explicit::{self, RelistAt, SyncLoopAt};
use pleg_check::{story, VerdictKind};
use pleg_core::{Action, Actor, Execution, Gate, Named, Step};
use pleg_explicit::Shape;
use serde::Serialize;

#[derive(Serialize)]
pub(super) struct StateData {
    /// Moves from the level's start on a shortest path (the column of the state map).
    pub(super) depth: usize,
    relist: String,
    now: u32,
    relist_time: Option<u32>,
    ticks_left: u32,
    health: String,
    healthy: bool,
    /// podRecords, the pod cache (the latest version seen of each pod), synced.
    records: Vec<u8>,
    cache: Vec<u8>,
    synced: Vec<u8>,
    channel: Vec<u16>,
    sync: &'static str,
    actors: Vec<ActorData>,
    /// What the state is: a failure, a clean end, or nothing yet.
    verdict: Option<&'static str>,
    clean: bool,
    /// Moves to the level's goal (`None`: no longer reachable).
    distance: Option<u32>,
    /// Whether the state wins the level: the sentence that says so.
    won: Option<String>,
    /// At a clean end, each pod's synced version once the ending the story tells has played
    /// out: the next relist re-sends what podRecords says changed, the resync (if on) syncs the
    /// rest from the pod cache.
    settled: Option<Vec<Settled>>,
    /// How the run ends here: the closing steps and the sentence that names the failure.
    ending: Option<Vec<LineData>>,
    conclusion: Option<String>,
}

#[derive(Serialize)]
struct ActorData {
    name: &'static str,
    /// The actor's next statement in kubelet's words, or why it cannot move.
    next: String,
    /// The line of its listing (the level's `code`) it is at: the statement a Step runs next.
    line: usize,
    moves: Vec<MoveData>,
}

#[derive(Serialize)]
struct MoveData {
    label: String,
    token: String,
    /// The key that takes it (the move table's), if any.
    key: Option<String>,
    to: usize,
    /// The story line the move adds (`None`: a gate pass, which the story does not tell).
    story: Option<String>,
}

#[derive(Serialize, Clone)]
pub(super) struct LineData {
    pub(super) actor: &'static str,
    pub(super) text: String,
}

pub(super) fn state_data(
    graph: &Graph,
    code: &[Listing],
    i: usize,
    context: &Execution,
    (distance, won): (Option<u32>, Option<String>),
    ending: Option<(Vec<LineData>, Option<String>)>,
) -> StateData {
    let pods = &graph.model;
    let s = &pods.scenario;
    let st = &graph.states[i];
    let health = pods.health(st);
    let (ending, conclusion) = ending.unzip();
    StateData {
        depth: 0,
        relist: match st.relist {
            RelistAt::Start(r) => format!("about to start relist #{r}"),
            RelistAt::Visiting(r) => format!("in relist #{r}: visiting the pods that changed"),
            RelistAt::Sending(r) => format!("in relist #{r}: blocked in a send"),
            RelistAt::Finish => "every relist ran".to_owned(),
            RelistAt::Done => "finished (end of the bounded run)".to_owned(),
        },
        now: st.now,
        relist_time: st.relist_time,
        ticks_left: s.clock_ticks() - st.now,
        health: match health {
            Ok(()) => "healthy".to_owned(),
            Err(why) => why_text(why, st, context),
        },
        healthy: health.is_ok(),
        records: st.records.to_vec(),
        cache: st.cache.to_vec(),
        synced: st.synced.to_vec(),
        channel: st.channel.to_vec(),
        sync: match st.sync {
            SyncLoopAt::Gate => "at the health gate",
            SyncLoopAt::Receive => "in syncLoopIteration",
            SyncLoopAt::Exited => "returned",
        },
        actors: [Actor::Relist, Actor::SyncLoop, Actor::Clock]
            .into_iter()
            .map(|actor| actor_data(graph, code, i, actor, context))
            .collect(),
        verdict: graph.failure[i].map(VerdictKind::name),
        clean: graph.clean[i],
        distance,
        won,
        settled: graph.clean[i].then(|| settled(pods, st)),
        ending,
        conclusion: conclusion.flatten(),
    }
}

/// A pod's synced version after the ending, and what brought it there.
#[derive(Serialize)]
struct Settled {
    version: u8,
    by: Option<&'static str>,
}

fn settled(pods: &Pods, st: &State) -> Vec<Settled> {
    let at = |version, by| Settled { version, by };
    (0..st.cache.len())
        .map(|p| match pods.ending(st, p) {
            Ending::Regenerated { version } => at(version, Some("next relist")),
            Ending::NoChange { .. } if pods.scenario.resync => at(st.cache[p], Some("resync")),
            Ending::NoChange { synced, .. } => at(synced, None),
            Ending::InSync => at(st.synced[p], None),
        })
        .collect()
}

fn why_text(why: pleg_core::Unhealthy, st: &State, context: &Execution) -> String {
    let step = Step {
        actor: Actor::SyncLoop,
        action: Action::SkippedUnhealthy { why },
        channel_len: st.channel.len(),
        now: st.now,
        relist_time: st.relist_time,
    };
    let text = story::describe_step(context, &step, false, false).text;
    text.trim_start_matches("skipping pod synchronization - [")
        .trim_end_matches(']')
        .to_owned()
}

fn actor_data(
    graph: &Graph,
    code: &[Listing],
    i: usize,
    actor: Actor,
    context: &Execution,
) -> ActorData {
    let pods = &graph.model;
    let st = &graph.states[i];
    let moves: Vec<MoveData> = graph.moves[i]
        .iter()
        .filter(|(mv, _)| mv.actor() == actor)
        .map(|&(mv, to)| MoveData {
            label: label(mv),
            token: Path(vec![mv]).to_string(),
            key: mv.key(),
            to,
            story: story_line(pods, st, mv, &graph.states[to], context),
        })
        .collect();
    ActorData {
        name: actor.name(),
        next: statement(pods, st, actor, context),
        line: super::code::line(code, pods, st, actor),
        moves,
    }
}

fn label(mv: Move) -> String {
    mv.label()
}

/// The story line a move adds, in the story's own words.
fn story_line(
    pods: &Pods,
    st: &State,
    mv: Move,
    next: &State,
    context: &Execution,
) -> Option<String> {
    // The event a receive takes is the channel's head. The state keeps which pod, not which
    // relist sent it, so the relist is left unknown (0) and the story leaves it out.
    let head = st.channel.first().map(|&pod| pleg_core::EventId {
        relist: 0,
        pod: u32::from(pod),
        version: 0,
    });
    let visited = (0..s_pods(pods))
        .filter(|&p| pleg_explicit::pods::Pods::visited(st, p))
        .count() as u32;
    // How many pods this relist visits is decided as it goes: the page does not claim a total.
    let counts = Some((visited + 1, 0));
    let (action, change) = explicit::story_step(pods, st, mv, next, head, counts)?;
    let step = Step {
        actor: mv.actor(),
        action,
        channel_len: change.channel_len.unwrap_or(next.channel.len()),
        now: next.now,
        relist_time: next.relist_time,
    };
    let stale = |s: &State| matches!(pods.health(s), Err(pleg_core::Unhealthy::Stale { .. }));
    let became = mv == Move::Tick && stale(next) && !stale(st);
    let line = story::describe_step(context, &step, stale(next), became);
    Some(line.text)
}

/// An actor's next statement in kubelet's words (its Go is the marked line of its listing).
fn statement(pods: &Pods, st: &State, actor: Actor, context: &Execution) -> String {
    let s = &pods.scenario;
    match actor {
        Actor::Relist => match st.relist {
            RelistAt::Start(r) => format!("relist #{r}: list the pods, then updateRelistTime(now)"),
            RelistAt::Sending(_) | RelistAt::Visiting(_) if pods.relist_blocked(st) => format!(
                "blocked: the send waits, the channel is full ({}/{})",
                st.channel.len(),
                s.channel_capacity()
            ),
            RelistAt::Sending(_) | RelistAt::Visiting(_) => {
                "for each changed pod (Go map order): update the \
                 pod cache, podRecords.update(pid), send its event"
                    .to_owned()
            }
            RelistAt::Finish => {
                "every relist ran (end of the bounded run): relisting done, channel closed"
                    .to_owned()
            }
            RelistAt::Done => "done".to_owned(),
        },
        Actor::Clock if st.now < s.clock_ticks() => format!(
            "time passes: now = {} (relistThreshold is {} ticks)",
            st.now + 1,
            s.threshold
        ),
        Actor::Clock => "no more ticks: the clock ticks threshold + 1 times".to_owned(),
        Actor::SyncLoop => match (st.sync, pods.health(st)) {
            (SyncLoopAt::Gate, Err(why)) if s.design.gated() => {
                let skipping = format!(
                    "skipping pod synchronization - [{}]",
                    why_text(why, st, context)
                );
                match s.gate {
                    Gate::Retry => format!("{skipping}; sleep, retry"),
                    Gate::Wait => format!("{skipping} — waits for PLEG to turn healthy"),
                }
            }
            (SyncLoopAt::Gate, _) => {
                "runtimeErrors() is empty: run one syncLoopIteration".to_owned()
            }
            (SyncLoopAt::Receive, _) if !st.channel.is_empty() => format!(
                "syncLoopIteration: take pod {}'s event, sync it from the pod cache",
                st.channel[0]
            ),
            (SyncLoopAt::Receive, _) if st.relist == RelistAt::Done => {
                "the channel is closed and drained: return".to_owned()
            }
            (SyncLoopAt::Receive, _) => "waiting for an event: the channel is empty".to_owned(),
            (SyncLoopAt::Exited, _) => "returned".to_owned(),
        },
    }
}

fn s_pods(pods: &Pods) -> u32 {
    pods.scenario.pods
}
