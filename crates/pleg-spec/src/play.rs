//! `pleg-spec play`: one self-contained HTML page in which a learner is the scheduler.
//!
//! Each level (`play/levels.toml`) is a scenario of the model. Its whole state graph is explored
//! here by the explicit checker (unreduced: every pod named) and embedded in the page as data:
//! every state, each actor's moves out of it with the story line each move adds, what every
//! state is (a hang, a lost update, a clean end) and how many moves it is from the level's goal.
//! The page only navigates that graph — it holds no copy of the model's rules — so what it lets
//! a learner do is exactly what the model allows, and its hints come from the search.

use crate::args::scenario_args;
use pleg_model::{Action, Actor, Design, Execution, Gate, MapOrder, Named, Scenario, Step};
use pleg_models::explicit::graph::Graph;
use pleg_models::explicit::path::{Move, Path};
use pleg_models::explicit::pods::{Pods, State};
use pleg_models::explicit::{self, Pc, SyncPc};
use pleg_models::{story, VerdictKind};
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;

/// The levels, as written in `play/levels.toml`.
const LEVELS: &str = include_str!("../play/levels.toml");
const PAGE: &str = include_str!("../play/page.html");
/// The most states a level may embed (the page stays small and instant).
const MAX_STATES: usize = 5_000;

#[derive(Deserialize)]
struct LevelFile {
    level: Vec<LevelSpec>,
}

/// One level as written: a scenario, a goal and the words around it.
#[derive(Deserialize, Clone)]
#[serde(deny_unknown_fields)]
struct LevelSpec {
    title: String,
    design: String,
    capacity: usize,
    pods: u32,
    relists: u32,
    changes: Option<u32>,
    #[serde(default)]
    threshold: u32,
    #[serde(default = "yes")]
    resync: bool,
    #[serde(default = "wait")]
    gate: String,
    #[serde(default = "go")]
    map_order: String,
    goal: Vec<String>,
    /// `converged`: the level is won by a clean end (the goal is shown unreachable).
    won_by: Option<String>,
    intro: String,
    lesson: String,
}

fn yes() -> bool {
    true
}
fn wait() -> String {
    Gate::Wait.name().to_owned()
}
fn go() -> String {
    MapOrder::Go.name().to_owned()
}

/// A level ready to embed: its scenario, goal and words.
#[derive(Clone)]
pub struct Level {
    title: String,
    scenario: Scenario,
    goal: Vec<VerdictKind>,
    won_by_clean_end: bool,
    intro: String,
    lesson: String,
}

/// The levels of `play/levels.toml`, parsed with the model's own names.
pub fn levels() -> Result<Vec<Level>, String> {
    let file: LevelFile =
        toml::from_str(LEVELS).map_err(|e| format!("play/levels.toml: {}", e.message()))?;
    file.level.into_iter().map(Level::from_spec).collect()
}

impl Level {
    fn from_spec(spec: LevelSpec) -> Result<Self, String> {
        let named = |e: pleg_model::UnknownName| format!("play/levels.toml: {e}");
        let scenario = Scenario {
            design: spec.design.parse::<Design>().map_err(named)?,
            capacity: spec.capacity,
            events_per_relist: spec.pods,
            relists: spec.relists,
            changes: spec.changes,
            threshold: spec.threshold,
            resync: spec.resync,
            gate: spec.gate.parse::<Gate>().map_err(named)?,
            map_order: spec.map_order.parse::<MapOrder>().map_err(named)?,
        };
        let goal = spec
            .goal
            .iter()
            .map(|g| g.parse::<VerdictKind>().map_err(named))
            .collect::<Result<_, _>>()?;
        Ok(Level {
            title: spec.title,
            scenario,
            goal,
            won_by_clean_end: spec.won_by.as_deref() == Some("converged"),
            intro: spec.intro,
            lesson: spec.lesson,
        })
    }

    /// A level made of a checker's counterexample: its scenario, the failure it found as the
    /// goal.
    pub fn from_counterexample(scenario: Scenario, verdict: VerdictKind) -> Self {
        Level {
            title: format!("{} — the counterexample", scenario.design),
            scenario,
            goal: vec![verdict],
            won_by_clean_end: false,
            intro: format!(
                "The counterexample `pleg-spec check` found ({}), loaded as the trace below. Step \
                 through it, undo it, or find your own way to the same {verdict}.",
                scenario_args(&scenario).join(" ")
            ),
            lesson: "That is the failure the checker reported.".to_owned(),
        }
    }
}

/// The page's data: every level's explored graph, and where to start.
#[derive(Serialize)]
struct PageData {
    levels: Vec<LevelData>,
    /// The level and path the page opens at when its address names none.
    start: Start,
}

#[derive(Serialize)]
struct Start {
    level: usize,
    path: String,
}

#[derive(Serialize)]
struct LevelData {
    title: String,
    intro: String,
    lesson: String,
    goal: Vec<&'static str>,
    won_by_clean_end: bool,
    /// The CLI command that checks this level's scenario.
    command: String,
    capacity: usize,
    threshold: u32,
    pods: u32,
    states: Vec<StateData>,
    /// For a lost-update level: how each clean end reads with the periodic resync instead.
    resync_endings: Option<Vec<Option<Vec<LineData>>>>,
}

#[derive(Serialize)]
struct StateData {
    relist: String,
    relist_number: u32,
    now: u32,
    relist_time: Option<u32>,
    ticks_left: u32,
    health: String,
    healthy: bool,
    /// The version the runtime lists for every pod, podRecords, the pod cache, synced.
    runtime: u32,
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
struct LineData {
    actor: &'static str,
    text: String,
}

/// Builds the page for `levels`, opening at `start` (a level index and a path) if given.
pub fn page(levels: &[Level], start: Option<(usize, Path)>) -> Result<String, String> {
    let levels_data = levels
        .iter()
        .map(level_data)
        .collect::<Result<Vec<_>, _>>()?;
    let (level, path) = start.unwrap_or((0, Path::default()));
    // The page's own links carry one token per move (no folding), which it splits on dots.
    let tokens: Vec<String> = path
        .0
        .iter()
        .map(|&mv| Path(vec![mv]).to_string())
        .collect();
    let data = PageData {
        levels: levels_data,
        start: Start {
            level,
            path: tokens.join("."),
        },
    };
    let json = serde_json::to_string(&data).map_err(|e| e.to_string())?;
    // Inside a <script> element only "</" could end it early.
    Ok(PAGE.replace("/*PLEG_DATA*/null", &json.replace("</", "<\\/")))
}

fn level_data(level: &Level) -> Result<LevelData, String> {
    let s = level.scenario;
    let graph = Graph::explore(&s, MAX_STATES).map_err(|e| e.to_string())?;
    let to_failure = |i: usize| graph.failure[i].is_some_and(|v| level.goal.contains(&v));
    let distance = graph.distances_to(to_failure);
    let paths = shortest_paths(&graph);
    let context = Execution::empty(s.channel_capacity(), s.threshold);
    let states = (0..graph.states.len())
        .map(|i| {
            let ending = ending(&s, &paths[i], graph.failure[i].is_some() || graph.clean[i])?;
            Ok(state_data(&graph, i, &context, distance[i], ending))
        })
        .collect::<Result<Vec<_>, String>>()?;
    let resync_endings = (level.goal == [VerdictKind::LostUpdate]).then(|| {
        let with_resync = Scenario { resync: true, ..s };
        (0..graph.states.len())
            .map(|i| {
                let lost = graph.failure[i] == Some(VerdictKind::LostUpdate);
                lost.then(|| ending(&with_resync, &paths[i], true).ok().flatten())
                    .flatten()
                    .map(|(lines, _)| lines)
            })
            .collect()
    });
    Ok(LevelData {
        title: level.title.clone(),
        intro: level.intro.clone(),
        lesson: level.lesson.clone(),
        goal: level.goal.iter().map(|g| g.name()).collect(),
        won_by_clean_end: level.won_by_clean_end,
        command: format!(
            "pleg-spec check --checker explicit {}",
            scenario_args(&s).join(" ")
        ),
        capacity: s.channel_capacity(),
        threshold: s.threshold,
        pods: s.pods(),
        states,
        resync_endings,
    })
}

/// A shortest path from the initial state to every state (breadth-first parents).
fn shortest_paths(graph: &Graph) -> Vec<Vec<Move>> {
    let mut parent: Vec<Option<(usize, Move)>> = vec![None; graph.states.len()];
    let mut seen = vec![false; graph.states.len()];
    seen[0] = true;
    let mut queue = VecDeque::from([0]);
    while let Some(at) = queue.pop_front() {
        for &(mv, to) in &graph.moves[at] {
            if !seen[to] {
                seen[to] = true;
                parent[to] = Some((at, mv));
                queue.push_back(to);
            }
        }
    }
    (0..graph.states.len())
        .map(|mut at| {
            let mut path = Vec::new();
            while let Some((from, mv)) = parent[at] {
                path.push(mv);
                at = from;
            }
            path.reverse();
            path
        })
        .collect()
}

/// How a run that reached a final state ends, told by the same replay `pleg-spec replay
/// --path` uses: the closing steps and the conclusion.
#[allow(clippy::type_complexity)]
fn ending(
    s: &Scenario,
    path: &[Move],
    is_end: bool,
) -> Result<Option<(Vec<LineData>, Option<String>)>, String> {
    if !is_end {
        return Ok(None);
    }
    let replayed = explicit::replay_path(s, path)?;
    let lines = story::narrate(&replayed.execution)
        .into_iter()
        .skip(replayed.ending_from)
        .map(|line| LineData {
            actor: line.actor.name(),
            text: line.text,
        })
        .collect();
    Ok(Some((lines, story::conclusion(&replayed.verdict))))
}

fn state_data(
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
        Pc::Visiting(r) => r,
        Pc::Finish | Pc::Done => s.relists,
    };
    let health = pods.health(st);
    let (ending, conclusion) = ending.unzip();
    StateData {
        relist: match st.relist {
            Pc::Start(r) => format!("about to start relist #{r}"),
            Pc::Visiting(r) => format!(
                "in relist #{r}: {} changed pod(s) still to visit",
                pods.visiting(st).count()
            ),
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
        runtime: s.version_at(relist_number.max(1)) * u32::from(relist_number > 0),
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

fn why_text(why: pleg_model::Unhealthy, st: &State, context: &Execution) -> String {
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
    match mv {
        Move::Start => "start the relist".to_owned(),
        Move::Visit(pod) => format!("visit pod {pod}"),
        Move::Finish => "finish".to_owned(),
        Move::Tick => "tick".to_owned(),
        Move::Pass => "pass the gate".to_owned(),
        Move::Retry => "skip, sleep, retry".to_owned(),
        Move::Receive => "take one event".to_owned(),
        Move::Exit => "return".to_owned(),
    }
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
    let head = st.channel.first().map(|&pod| pleg_model::EventId {
        relist: 0,
        pod: u32::from(pod),
        version: 0,
    });
    let (action, change) = explicit::story_step(pods, st, mv, next, head)?;
    let step = Step {
        actor: mv.actor(),
        action,
        channel_len: change.channel_len.unwrap_or(next.channel.len()),
        now: next.now,
        relist_time: next.relist_time,
    };
    let stale = |s: &State| matches!(pods.health(s), Err(pleg_model::Unhealthy::Stale { .. }));
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
            Pc::Visiting(_) if pods.relist_blocked(st) => (
                format!(
                    "blocked: g.eventChannel <- the next event waits, the channel is full ({}/{})",
                    st.channel.len(),
                    s.channel_capacity()
                ),
                "g.eventChannel <- events[i]",
            ),
            Pc::Visiting(_) => (
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

/// Where a counterexample's path starts the page: its explicit path, or the path a loom or
/// shuttle trace takes through the explicit model.
pub fn path_of(report: &pleg_models::Report) -> Result<Path, String> {
    if let Some(pleg_models::Schedule::Path(token)) = &report.schedule {
        return token.parse();
    }
    let execution = report
        .counterexample
        .as_ref()
        .ok_or("--play: no counterexample to load (every check held)")?;
    let graph = Graph::explore(&report.scenario, MAX_STATES).map_err(|e| e.to_string())?;
    explicit::path_of_trace(&graph, execution)
        .ok_or_else(|| "--play: the counterexample's trace does not walk the explicit model".into())
}

/// Serves `html` on 127.0.0.1:`port` (0: any free port) until the process is stopped; `ready`
/// gets the address once the socket listens.
pub fn serve(html: &str, port: u16, ready: impl FnOnce(&str)) -> Result<(), String> {
    use std::io::{BufRead, BufReader, Write};
    let listener = std::net::TcpListener::bind(("127.0.0.1", port))
        .map_err(|e| format!("--serve: cannot listen on 127.0.0.1:{port}: {e}"))?;
    let address = listener.local_addr().map_err(|e| e.to_string())?;
    ready(&format!("http://{address}/"));
    for stream in listener.incoming() {
        let Ok(mut stream) = stream else { continue };
        let mut request = String::new();
        if BufReader::new(&stream).read_line(&mut request).is_err() {
            continue;
        }
        let path = request.split_whitespace().nth(1).unwrap_or("/");
        let response = if path == "/" || path.starts_with("/?") || path == "/play.html" {
            format!(
                "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: \
                 {}\r\nConnection: close\r\n\r\n{html}",
                html.len()
            )
        } else {
            "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_owned()
        };
        let _ = stream.write_all(response.as_bytes());
    }
    Ok(())
}
