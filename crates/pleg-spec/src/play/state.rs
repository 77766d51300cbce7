//! What the page shows of one state: the node (channel, clock, gate, pods), each actor's next
//! statement in kubelet's words and the Go line it stands for, its moves with the story line
//! each adds, and how the run ends there. Every sentence comes from the story module or the
//! explicit model's own replay: the page prints, it does not compute.

use pleg_check::explicit::graph::Graph;
use pleg_check::explicit::moves::{Move, Path};
use pleg_check::explicit::pods::{Pods, State};
use pleg_check::explicit::{self, RelistAt as Pc, SyncLoopAt as SyncPc};
use pleg_check::{story, VerdictKind};
use pleg_core::{Action, Actor, Execution, Gate, Named, Step};
use pleg_explicit::Shape;
use serde::Serialize;

#[derive(Serialize)]
pub(super) struct StateData {
    relist: String,
    relist_number: u32,
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
    /// How the run ends here: the closing steps and the sentence that names the failure.
    ending: Option<Vec<LineData>>,
    conclusion: Option<String>,
}

#[derive(Serialize)]
struct ActorData {
    name: &'static str,
    /// The actor's next statement in kubelet's words, or why it cannot move.
    next: String,
    /// The Go line it stands for.
    go: &'static str,
    moves: Vec<MoveData>,
}

#[derive(Serialize)]
struct MoveData {
    label: String,
    token: String,
    to: usize,
    /// The story line the move adds (`None`: a gate pass, which the story does not tell).
    /// `{relist}` stands for the relist number of the event received, which the page tracks.
    story: Option<String>,
}

#[derive(Serialize, Clone)]
pub(super) struct LineData {
    pub(super) actor: &'static str,
    pub(super) text: String,
}

pub(super) fn state_data(
    graph: &Graph,
    i: usize,
    context: &Execution,
    distance: Option<u32>,
    ending: Option<(Vec<LineData>, Option<String>)>,
) -> StateData {
    let pods = &graph.model;
    let s = &pods.scenario;
    let st = &graph.states[i];
    let relist_number = match st.relist {
        Pc::Start(r) => r - 1,
        Pc::Visiting(r) | Pc::Sending(r) => r,
        Pc::Finish | Pc::Done => s.relists,
    };
    let health = pods.health(st);
    let (ending, conclusion) = ending.unzip();
    StateData {
        relist: match st.relist {
            Pc::Start(r) => format!("about to start relist #{r}"),
            Pc::Visiting(r) => format!("in relist #{r}: visiting the pods that changed"),
            Pc::Sending(r) => format!("in relist #{r}: blocked in a send"),
            Pc::Finish => "every relist ran".to_owned(),
            Pc::Done => "finished (end of the bounded run)".to_owned(),
        },
        relist_number,
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
            SyncPc::Gate => "at the health gate",
            SyncPc::Receive => "in syncLoopIteration",
            SyncPc::Exited => "returned",
        },
        actors: [Actor::Relist, Actor::SyncLoop, Actor::Clock]
            .into_iter()
            .map(|actor| actor_data(graph, i, actor, context))
            .collect(),
        verdict: graph.failure[i].map(VerdictKind::name),
        clean: graph.clean[i],
        distance,
        ending,
        conclusion: conclusion.flatten(),
    }
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

fn actor_data(graph: &Graph, i: usize, actor: Actor, context: &Execution) -> ActorData {
    let pods = &graph.model;
    let st = &graph.states[i];
    let moves: Vec<MoveData> = graph.moves[i]
        .iter()
        .filter(|(mv, _)| mv.actor() == actor)
        .map(|&(mv, to)| MoveData {
            label: label(mv),
            token: Path(vec![mv]).to_string(),
            to,
            story: story_line(pods, st, mv, &graph.states[to], context),
        })
        .collect();
    let (next, go) = statement(pods, st, actor, context);
    ActorData {
        name: actor.name(),
        next,
        go,
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
    // The event a receive takes is the channel's head; its relist number is the page's to
    // fill in (the state keeps which pod, not which relist): "relist #0" never occurs.
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
    Some(line.text.replace("(relist #0)", "(relist #{relist})"))
}

/// An actor's next statement in kubelet's words, and the Go line it stands for.
fn statement(pods: &Pods, st: &State, actor: Actor, context: &Execution) -> (String, &'static str) {
    let s = &pods.scenario;
    match actor {
        Actor::Relist => match st.relist {
            Pc::Start(r) => (
                format!("relist #{r}: list the pods, then updateRelistTime(now)"),
                "g.updateRelistTime(timestamp)",
            ),
            Pc::Sending(_) | Pc::Visiting(_) if pods.relist_blocked(st) => (
                format!(
                    "blocked: g.eventChannel <- the next event waits, the channel is full ({}/{})",
                    st.channel.len(),
                    s.channel_capacity()
                ),
                "g.eventChannel <- events[i]",
            ),
            Pc::Sending(_) | Pc::Visiting(_) => (
                "for each changed pod (Go map order): update the pod cache, podRecords.update(pid), \
                 send its event"
                    .to_owned(),
                if s.design.blocking_send() {
                    "g.eventChannel <- events[i]"
                } else {
                    "select { case g.eventChannel <- events[i]: default: discard++ }"
                },
            ),
            Pc::Finish => (
                "every relist ran (end of the bounded run): relisting done, channel closed"
                    .to_owned(),
                "// kubelet keeps relisting every second",
            ),
            Pc::Done => ("done".to_owned(), "// kubelet keeps relisting every second"),
        },
        Actor::Clock if st.now < s.clock_ticks() => (
            format!(
                "time passes: now = {} (relistThreshold is {} ticks)",
                st.now + 1,
                s.threshold
            ),
            "// one tick stands for relistThreshold's minutes",
        ),
        Actor::Clock => (
            "no more ticks: the clock ticks threshold + 1 times".to_owned(),
            "// one tick stands for relistThreshold's minutes",
        ),
        Actor::SyncLoop => match (st.sync, pods.health(st)) {
            (SyncPc::Gate, Err(why)) if s.design.gated() => {
                let skipping = format!(
                    "skipping pod synchronization - [{}]",
                    why_text(why, st, context)
                );
                if s.gate == Gate::Retry {
                    (
                        format!("{skipping}; sleep, retry"),
                        "klog.Infof(\"skipping pod synchronization - %v\", rs); time.Sleep(duration)",
                    )
                } else {
                    (
                        format!("{skipping} — waits for PLEG to turn healthy"),
                        "if rs := kl.runtimeState.runtimeErrors(); len(rs) != 0 { … continue }",
                    )
                }
            }
            (SyncPc::Gate, _) => (
                "runtimeErrors() is empty: run one syncLoopIteration".to_owned(),
                "if rs := kl.runtimeState.runtimeErrors(); len(rs) != 0 { … }",
            ),
            (SyncPc::Receive, _) if !st.channel.is_empty() => (
                format!(
                    "syncLoopIteration: take pod {}'s event, sync it from the pod cache",
                    st.channel[0]
                ),
                "case e := <-plegCh: … handler.HandlePodSyncs(…)",
            ),
            (SyncPc::Receive, _) if st.relist == Pc::Done => (
                "the channel is closed and drained: return".to_owned(),
                "case e, ok := <-plegCh: if !ok { return }",
            ),
            (SyncPc::Receive, _) => (
                "waiting for an event: the channel is empty".to_owned(),
                "case e := <-plegCh:",
            ),
            (SyncPc::Exited, _) => ("returned".to_owned(), "return"),
        },
    }
}

fn s_pods(pods: &Pods) -> u32 {
    pods.scenario.pods
}
