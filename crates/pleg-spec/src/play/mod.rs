//! `pleg-spec play`: one self-contained HTML page in which a learner is the scheduler.
//!
//! Each level (`play/levels.toml`) is a scenario of the model. Its whole state graph is explored
//! here by the explicit checker (unreduced: every pod named) and embedded in the page as data:
//! every state, each actor's moves out of it with the story line each move adds, what every
//! state is (a hang, a lost update, a clean end) and how many moves it is from the level's goal.
//! The page only navigates that graph — it holds no copy of the model's rules — so what it lets
//! a learner do is exactly what the model allows, and its hints come from the search.

mod code;
mod state;

use crate::args::scenario_args;
use pleg_check::explicit;
use pleg_check::explicit::graph::Graph;
use pleg_check::explicit::moves::{self, Kind, Move, Path};
use pleg_check::{story, VerdictKind};
use pleg_core::{Design, Execution, Gate, MapOrder, Named, Scenario};
use serde::{Deserialize, Serialize};
use state::{state_data, LineData, StateData};

/// The levels, as written in `play/levels.toml`.
const LEVELS: &str = include_str!("../../play/levels.toml");
const PAGE: &str = include_str!("../../play/page.html");
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
    /// The verdicts that win the level, or `["repaired"]`: a clean end in which the periodic
    /// resync repaired a pod whose event was discarded.
    goal: Vec<String>,
    trigger: String,
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
    goal: Goal,
    /// What sets the level off in a real kubelet (`None`: a checker's counterexample).
    trigger: Option<String>,
    intro: String,
    lesson: String,
}

/// What wins a level.
#[derive(Clone, PartialEq)]
enum Goal {
    /// A failure of one of these kinds.
    Failure(Vec<VerdictKind>),
    /// A clean end in which a pod was out of date until the periodic resync synced it: relist
    /// discarded its event (the `kubelet_pleg_discard_events` line), and nothing stalled.
    Repaired,
}

impl Goal {
    const REPAIRED: &'static str = "repaired";

    /// The goal in the page's words.
    fn words(&self) -> String {
        match self {
            Goal::Failure(kinds) => {
                let names: Vec<&str> = kinds.iter().map(|k| k.name()).collect();
                names.join(" or ")
            }
            Goal::Repaired => "a discarded event, repaired by the resync".to_owned(),
        }
    }

    /// Whether state `i` of `graph` wins, and the sentence that says so.
    fn won(&self, graph: &Graph, i: usize) -> Option<String> {
        match self {
            Goal::Failure(kinds) => {
                let kind = graph.failure[i].filter(|k| kinds.contains(k))?;
                Some(format!("You reached it: {kind}."))
            }
            Goal::Repaired => {
                let st = &graph.states[i];
                let repaired = (0..st.cache.len()).any(|p| {
                    matches!(
                        graph.model.ending(st, p),
                        explicit::pods::Ending::NoChange { .. }
                    )
                });
                (graph.clean[i] && repaired).then(|| {
                    "Found: relist discarded an event (kubelet_pleg_discard_events went up), \
                     podRecords already held the change, and the periodic resync brought the pod \
                     back in sync — with no stall anywhere."
                        .to_owned()
                })
            }
        }
    }
}

/// The levels of `play/levels.toml`, parsed with the model's own names.
pub fn levels() -> Result<Vec<Level>, String> {
    let file: LevelFile =
        toml::from_str(LEVELS).map_err(|e| format!("play/levels.toml: {}", e.message()))?;
    file.level.into_iter().map(Level::from_spec).collect()
}

impl Level {
    fn from_spec(spec: LevelSpec) -> Result<Self, String> {
        let named = |e: pleg_core::UnknownName| format!("play/levels.toml: {e}");
        let scenario = Scenario {
            design: spec.design.parse::<Design>().map_err(named)?,
            capacity: spec.capacity,
            pods: spec.pods,
            relists: spec.relists,
            changes: spec.changes,
            threshold: spec.threshold,
            resync: spec.resync,
            gate: spec.gate.parse::<Gate>().map_err(named)?,
            map_order: spec.map_order.parse::<MapOrder>().map_err(named)?,
            timing: pleg_core::Timing::Lockstep,
        };
        let goal = if spec.goal == [Goal::REPAIRED] {
            Goal::Repaired
        } else {
            let kinds = spec
                .goal
                .iter()
                .map(|g| g.parse::<VerdictKind>().map_err(named));
            Goal::Failure(kinds.collect::<Result<_, _>>()?)
        };
        Ok(Level {
            title: spec.title,
            scenario,
            goal,
            trigger: Some(spec.trigger),
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
            goal: Goal::Failure(vec![verdict]),
            trigger: None,
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
    /// The keys that take moves, as the move table gives them, each with what it takes.
    keys: Vec<KeyData>,
    /// The level and path the page opens at when its address names none.
    start: Start,
}

/// A key of the page's key map and what it takes.
#[derive(Serialize)]
struct KeyData {
    key: &'static str,
    what: String,
}

/// The move table's keys in its order, each once: an actor's own key takes that actor's first
/// move; a key of its own takes one kind of move.
fn keys() -> Vec<KeyData> {
    let mut keys: Vec<KeyData> = Vec::new();
    for kind in Kind::ALL {
        let key = kind.key();
        if keys.iter().any(|k| k.key == key) {
            continue;
        }
        let actor = kind.actor();
        let what = if key == moves::actor_key(actor) {
            actor.name().to_owned()
        } else {
            format!(
                "{}: {}",
                actor.name(),
                kind.label().replace("pod {pod}", "that pod")
            )
        };
        keys.push(KeyData { key, what });
    }
    keys
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
    /// What sets the level off in a real kubelet.
    trigger: Option<String>,
    lesson: String,
    /// The goal in words.
    goal: String,
    /// How many of the level's states are stalls (of any kind).
    stalls: usize,
    /// The CLI command that checks this level's scenario.
    command: String,
    capacity: usize,
    threshold: u32,
    pods: u32,
    /// Each goroutine's Go, abridged; each state marks the line each one is at.
    code: Vec<code::Listing>,
    /// The wait-for cycle of each stall this level can reach, drawn (verdict → `<svg>`).
    cycles: std::collections::BTreeMap<&'static str, String>,
    states: Vec<StateData>,
    /// For a lost-update level: how each clean end reads with the periodic resync instead.
    resync_endings: Option<Vec<Option<Vec<LineData>>>>,
    /// The second stage of a hint: why the next move leads to the goal.
    why: &'static str,
}

/// Why the way to a goal goes where it goes: the second stage of the page's hints.
fn why(goal: &Goal) -> &'static str {
    let goal = match goal {
        Goal::Repaired => {
            return "let relist visit a pod while the channel is full: select/default discards \
                    its event (kubelet_pleg_discard_events counts it) after podRecords took the \
                    change — then run to the end, where only the resync syncs that pod.";
        }
        Goal::Failure(kinds) => kinds[0],
    };
    match goal {
        VerdictKind::Deadlock => {
            "fill the channel until relist blocks in its send, then let relistThreshold pass \
             while relist is stuck: PLEG turns unhealthy and syncLoop stops reading."
        }
        VerdictKind::Livelock => {
            "keep syncLoop away while relist lists change after change, relist after relist, \
             until a send blocks; then let relistThreshold pass: syncLoop can only retry."
        }
        VerdictKind::GatedStall => {
            "fill the channel: a full channel alone makes Evented PLEG unhealthy, and syncLoop \
             is its only reader."
        }
        VerdictKind::LostUpdate => {
            "let a pod's change be discarded while none of its events is queued: podRecords \
             already holds the new version, so no later relist re-sends it."
        }
        _ => "follow the shortest path the exhaustive search found.",
    }
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
        keys: keys(),
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
    let distance = graph.distances_to(|i| level.goal.won(&graph, i).is_some());
    let paths: Vec<Vec<Move>> = (0..graph.states.len()).map(|i| graph.path_to(i)).collect();
    let context = Execution::empty(s.channel_capacity(), s.threshold);
    let code = code::listings(&s);
    let states = (0..graph.states.len())
        .map(|i| {
            let ending = ending(&s, &paths[i], graph.failure[i].is_some() || graph.clean[i])?;
            let won = level.goal.won(&graph, i);
            let mut data = state_data(&graph, &code, i, &context, (distance[i], won), ending);
            data.depth = paths[i].len();
            Ok(data)
        })
        .collect::<Result<Vec<_>, String>>()?;
    let resync_endings = (level.goal == Goal::Failure(vec![VerdictKind::LostUpdate])).then(|| {
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
        trigger: level.trigger.clone(),
        lesson: level.lesson.clone(),
        goal: level.goal.words(),
        stalls: (0..graph.states.len())
            .filter(|&i| graph.failure[i].is_some_and(VerdictKind::is_stall))
            .count(),
        command: format!(
            "pleg-spec check --checker explicit {}",
            scenario_args(&s).join(" ")
        ),
        capacity: s.channel_capacity(),
        threshold: s.threshold,
        pods: s.pods,
        code,
        cycles: graph
            .failure
            .iter()
            .flatten()
            .filter_map(|&kind| Some((kind.name(), crate::wait_for::drawing(kind)?)))
            .collect(),
        states,
        resync_endings,
        why: why(&level.goal),
    })
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

/// Where a counterexample's path starts the page: its explicit path, or the path a loom or
/// shuttle trace takes through the explicit model.
pub fn path_of(report: &pleg_check::Report) -> Result<Path, String> {
    if let Some(pleg_check::Schedule::Path(token)) = &report.schedule {
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
    let server = tiny_http::Server::http(("127.0.0.1", port))
        .map_err(|e| format!("--serve: cannot listen on 127.0.0.1:{port}: {e}"))?;
    let address = server
        .server_addr()
        .to_ip()
        .ok_or("--serve: the server has no IP address")?;
    ready(&format!("http://{address}/"));
    let page = tiny_http::Header::from_bytes("Content-Type", "text/html; charset=utf-8")
        .expect("a well-formed header");
    for request in server.incoming_requests() {
        let path = request.url();
        let response = if path == "/" || path.starts_with("/?") || path == "/play.html" {
            // One body of known length, as a browser or curl expects of a file (not chunked).
            tiny_http::Response::from_data(html.as_bytes().to_vec())
                .with_header(page.clone())
                .with_chunked_threshold(usize::MAX)
        } else {
            tiny_http::Response::from_data(Vec::new()).with_status_code(404)
        };
        // A client that went away is its own business; the page stays served.
        let _ = request.respond(response);
    }
    Ok(())
}
