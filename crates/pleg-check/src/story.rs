//! A counterexample told as numbered steps in kubelet's own words.
//!
//! The words are the kubelet's where it has them, so an engineer who has read a kubelet log or
//! a goroutine dump recognises each step: its log lines (`skipping pod synchronization -
//! [PLEG is not healthy: …]`, `event channel is full, discard this relist() cycle event`) and
//! its statements (`updateRelistTime`, `g.eventChannel <- events[i]`).

use crate::Verdict;
use pleg_core::{Action, Actor, EventId, Execution, Named, Step, Unhealthy, VerdictKind};
use std::fmt::Write;

/// One narrated step: who did it and what it was, in kubelet's words — the full sentence for the
/// text story and a lane-sized label for the picture, written side by side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub actor: Actor,
    pub text: String,
    pub label: String,
}

/// A row of a told story: a step (by its index), or a run of alike steps left out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Row {
    Step(usize),
    Elided(usize),
}

/// How many steps of a long run of alike steps (a thousand sends) are kept at each end.
const KEEP: usize = 2;

/// The rows a story is told in: every step, except that a run of more than `2 × KEEP + 1`
/// alike steps (same actor, same kind of action; syncLoop's passes and receives count as one
/// kind, as they alternate while it drains) keeps only its ends.
pub fn rows(steps: &[Step]) -> Vec<Row> {
    let kind = |s: &Step| match s.action {
        Action::PassedGate { .. } => (s.actor, std::mem::discriminant(&Action::Exited)),
        Action::Received { .. } => (s.actor, std::mem::discriminant(&Action::Exited)),
        action => (s.actor, std::mem::discriminant(&action)),
    };
    let mut rows = Vec::new();
    let mut i = 0;
    while i < steps.len() {
        let run = steps[i..]
            .iter()
            .take_while(|s| kind(s) == kind(&steps[i]))
            .count();
        if run > 2 * KEEP + 1 {
            rows.extend((i..i + KEEP).map(Row::Step));
            rows.push(Row::Elided(run - 2 * KEEP));
            rows.extend((i + run - KEEP..i + run).map(Row::Step));
        } else {
            rows.extend((i..i + run).map(Row::Step));
        }
        i += run;
    }
    rows
}

/// The sentence that names the cycle a circular wait is stuck in.
pub const CYCLE: &str = "Circular wait: relist waits for syncLoop to drain the eventChannel; \
syncLoop waits for PLEG to be healthy; PLEG is healthy again only when relist starts its next \
relist, which it cannot do while it waits. Nobody will ever consume the channel.";

/// One edge of a wait-for cycle: `from` waits for `to`, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct WaitsFor {
    pub from: &'static str,
    pub to: &'static str,
    pub why: &'static str,
}

/// The wait-for cycle a stall of this kind closes, edge by edge, as the pictures draw it (the
/// play page and `check --svg`): each party waits for the next, and the last for the first.
/// `None` for a verdict that is not a cycle.
pub fn wait_for(kind: VerdictKind) -> Option<&'static [WaitsFor]> {
    const fn edge(from: &'static str, to: &'static str, why: &'static str) -> WaitsFor {
        WaitsFor { from, to, why }
    }
    const DRAINS: WaitsFor = edge("eventChannel", "syncLoop", "only syncLoop drains it");
    const GATE: WaitsFor = edge(
        "syncLoop",
        "PLEG health",
        "it reads the channel only while PLEG is healthy",
    );
    const CIRCULAR: &[WaitsFor] = &[
        edge("relist", "eventChannel", "its send waits for a free slot"),
        DRAINS,
        GATE,
        edge(
            "PLEG health",
            "relist",
            "healthy again only when the next relist starts",
        ),
    ];
    const GATED: &[WaitsFor] = &[
        DRAINS,
        GATE,
        edge(
            "PLEG health",
            "eventChannel",
            "EventedPLEG is unhealthy while the channel is full",
        ),
    ];
    match kind {
        VerdictKind::Deadlock | VerdictKind::Livelock => Some(CIRCULAR),
        VerdictKind::GatedStall => Some(GATED),
        _ => None,
    }
}

/// What a story adds where relist's bounded run ends while PLEG is unhealthy.
const RUN_OVER: &str = " — PLEG counts as healthy again: the run is over, not stuck (a kubelet \
                        relist never stops; the bounded run's convention)";

/// Every step of the execution, in order.
pub fn narrate(execution: &Execution) -> Vec<Line> {
    let mut unhealthy = false;
    let mut relisting_done = false;
    execution
        .steps
        .iter()
        .map(|step| {
            // A relist loop that has finished counts as healthy (the bounded run's convention).
            relisting_done |= step.action == Action::RelistsFinished;
            let stale = !relisting_done && is_stale(execution, step);
            let became_unhealthy = stale && !unhealthy;
            let recovered_at_the_end = unhealthy && step.action == Action::RelistsFinished;
            unhealthy = stale;
            let mut line = describe_step(execution, step, stale, became_unhealthy);
            if recovered_at_the_end {
                // Say why the gate opens next, so no later receive goes unexplained.
                line.text.push_str(RUN_OVER);
            }
            line
        })
        .collect()
}

/// One step in kubelet's words, outside a whole story: `context` gives the channel's capacity
/// and the threshold; `stale` says whether PLEG is stale after the step, `became_unhealthy`
/// whether this step made it so.
pub fn describe_step(
    context: &Execution,
    step: &Step,
    stale: bool,
    became_unhealthy: bool,
) -> Line {
    let (text, label) = describe(context, step, stale, became_unhealthy);
    Line {
        actor: step.actor,
        text,
        label,
    }
}

/// The closing sentence for a verdict, if it has one.
pub fn conclusion(verdict: &Verdict) -> Option<String> {
    match verdict {
        Verdict::Holds => None,
        Verdict::Deadlock(_) => Some(CYCLE.to_owned()),
        Verdict::Livelock(_) => Some(format!(
            "Livelock: {CYCLE} syncLoop is not blocked — it retries — but no retry can succeed."
        )),
        Verdict::GatedStall(stall) => Some(format!(
            "Stall with no blocked sender: the eventChannel is full, so EventedPLEG reports \
             unhealthy, so syncLoop skips the iteration that is the channel's only reader; the \
             channel stays full and PLEG stays unhealthy. {}",
            if stall.relist_blocked {
                "relist is blocked in its send as well."
            } else {
                "relist is not blocked: it keeps running and discards every event."
            }
        )),
        Verdict::LostUpdate(lost) => Some(format!(
            "Lost update: {} podRecords.update had already recorded the new version before the \
             send, so no later relist found a change to re-send, and nothing else syncs the pod \
             (no periodic resync). Pod {} stays at version {} while the runtime is at {}.",
            match lost.discarded {
                Some(e) => format!(
                    "pod {}'s event of relist #{} was discarded on a full channel;",
                    e.pod, e.relist
                ),
                None => format!("pod {}'s last change never reached syncLoop;", lost.pod),
            },
            lost.pod,
            lost.synced,
            lost.latest
        )),
        Verdict::OtherDeadlock(m) => Some(format!("Stalled in another shape: {m}")),
        Verdict::Failed(m) => Some(format!("The execution failed: {m}")),
    }
}

/// The story as numbered text lines, long runs of alike steps shortened, ending with the
/// conclusion.
pub fn render(execution: &Execution, verdict: &Verdict) -> String {
    let lines = narrate(execution);
    let mut out = String::new();
    for row in rows(&execution.steps) {
        match row {
            Row::Step(n) => {
                let line = &lines[n];
                let _ = writeln!(out, "{:>6}. {:<9} {}", n + 1, line.actor.name(), line.text);
            }
            Row::Elided(n) => {
                let _ = writeln!(out, "      … {n} more steps like these …");
            }
        }
    }
    if let Some(end) = conclusion(verdict) {
        let _ = writeln!(out, "      {end}");
    }
    out
}

fn is_stale(execution: &Execution, step: &Step) -> bool {
    step.relist_time
        .is_some_and(|t| step.now - t > execution.threshold)
}

/// The sentence and the lane label of one step. `stale`: PLEG is stale after it;
/// `became_unhealthy`: this step made it so.
fn describe(
    execution: &Execution,
    step: &Step,
    stale: bool,
    became_unhealthy: bool,
) -> (String, String) {
    match step.action {
        Action::RelistStarted { .. }
        | Action::Sent { .. }
        | Action::BlockedInSend { .. }
        | Action::Discarded { .. }
        | Action::RelistDone { .. }
        | Action::RelistsFinished => describe_relist(execution, step),
        Action::Ticked => describe_tick(execution, step, stale, became_unhealthy),
        Action::SkippedUnhealthy { .. }
        | Action::PassedGate { .. }
        | Action::Received { .. }
        | Action::Exited => describe_sync_loop(execution, step),
        _ => describe_end_of_run(step),
    }
}

/// "N pods", "1 pod".
fn pods(n: u32) -> String {
    format!("{n} pod{}", if n == 1 { "" } else { "s" })
}

/// What relist did: a start, a send (through, blocked or discarded), the end of a relist.
fn describe_relist(execution: &Execution, step: &Step) -> (String, String) {
    let (cap, len) = (execution.capacity, step.channel_len);
    match step.action {
        Action::RelistStarted { relist, changed } => describe_start(step, relist, changed),
        Action::Sent { event, index, of } => (
            format!(
                "{}; g.eventChannel <- event {} (pod {}, relist #{}): eventChannel {len}/{cap}",
                updated(&event),
                nth(index, of),
                event.pod,
                event.relist
            ),
            format!("send {} (pod {})", nth(index, of), event.pod),
        ),
        Action::BlockedInSend { event, index, of } => (
            format!(
                "{}; g.eventChannel <- event {} (pod {}, relist #{}) blocks: eventChannel is \
                 full ({len}/{cap})",
                updated(&event),
                nth(index, of),
                event.pod,
                event.relist
            ),
            format!("BLOCKED: ch <- event {}", nth(index, of)),
        ),
        Action::Discarded { event, index, of } => (
            format!(
                "{}; event channel is full, discard this relist() cycle event ({}); \
                 kubelet_pleg_discard_events +1",
                updated(&event),
                nth(index, of)
            ),
            format!("discard {} (pod {})", nth(index, of), event.pod),
        ),
        Action::RelistDone { relist } => (
            format!("relist #{relist} done: every changed pod visited; cache.UpdateTime"),
            format!("relist #{relist} done"),
        ),
        _ => (
            "relist has run all its relists (end of the bounded run); eventChannel closed"
                .to_owned(),
            "all relists done; close".to_owned(),
        ),
    }
}

/// A relist's start: the timestamp the health check reads.
fn describe_start(step: &Step, relist: u32, changed: u32) -> (String, String) {
    // A count of 0 is one the teller does not know yet (the play page, which tells a move
    // before the relist has decided how many pods it visits): it is left out, not guessed.
    let changed = match changed {
        0 => String::new(),
        n => format!("; {} changed since podRecords last saw them", pods(n)),
    };
    (
        format!(
            "relist #{relist} starts: updateRelistTime({}) — PLEG last seen active now{changed}",
            step.now
        ),
        format!("relist #{relist}: relistTime = {}", step.now),
    )
}

/// What relist does before it hands over a pod's event.
fn updated(event: &EventId) -> String {
    format!(
        "pod cache and podRecords updated for pod {} (version {})",
        event.pod, event.version
    )
}

/// A tick of the clock, and whether it made PLEG unhealthy.
fn describe_tick(
    execution: &Execution,
    step: &Step,
    stale: bool,
    became_unhealthy: bool,
) -> (String, String) {
    let mut text = format!("now = {}", step.now);
    if became_unhealthy {
        let ago = step.now - step.relist_time.unwrap_or(0);
        let _ = write!(
            text,
            ": relist last started {} ago > relistThreshold {} — PLEG is now unhealthy",
            ticks(ago),
            ticks(execution.threshold)
        );
    }
    let label = if stale {
        format!("now = {} (PLEG stale)", step.now)
    } else {
        format!("now = {}", step.now)
    };
    (text, label)
}

/// "N ticks", "1 tick".
pub fn ticks(n: u32) -> String {
    format!("{n} tick{}", if n == 1 { "" } else { "s" })
}

/// What syncLoop did: skipped the iteration, received an event, returned.
fn describe_sync_loop(execution: &Execution, step: &Step) -> (String, String) {
    let (cap, len) = (execution.capacity, step.channel_len);
    match step.action {
        Action::SkippedUnhealthy { why } => (
            format!(
                "skipping pod synchronization - [{}]",
                unhealthy(execution, step, why)
            ),
            "skipping: PLEG is not healthy".to_owned(),
        ),
        Action::PassedGate { checked: true } => (
            "runtimeErrors() is empty: PLEG is healthy, syncLoop runs a syncLoopIteration"
                .to_owned(),
            "pass the health gate".to_owned(),
        ),
        Action::PassedGate { checked: false } => (
            "syncLoop runs a syncLoopIteration (PLEG events are read whatever PLEG's health)"
                .to_owned(),
            "iterate (ungated)".to_owned(),
        ),
        Action::Received { event } => {
            let from = match event.relist {
                0 => String::new(),
                r => format!(" (relist #{r})"),
            };
            (
                format!(
                    "syncLoopIteration receives pod {}'s event{from} and syncs pod {} from the \
                     pod cache: eventChannel {len}/{cap}",
                    event.pod, event.pod
                ),
                format!("receive pod {}{from}", event.pod),
            )
        }
        _ => (
            "eventChannel closed and drained; syncLoop returns".to_owned(),
            "channel drained; return".to_owned(),
        ),
    }
}

/// Why PLEG is not healthy, as kubelet's runtime errors say it.
pub fn unhealthy(execution: &Execution, step: &Step, why: Unhealthy) -> String {
    match why {
        Unhealthy::Stale { ago } => format!(
            "PLEG is not healthy: pleg was last seen active {} ago; threshold is {}",
            ticks(ago),
            ticks(execution.threshold)
        ),
        Unhealthy::NeverRelisted => "PLEG is not healthy: pleg has yet to be successful".to_owned(),
        Unhealthy::ChannelFull => format!(
            "EventedPLEG is not healthy: EventedPLEG: pleg event channel capacity is full with \
             {} events",
            step.channel_len
        ),
    }
}

/// The end of a bounded run: the quiet relist, the resync, the convergence check.
fn describe_end_of_run(step: &Step) -> (String, String) {
    match step.action {
        Action::QuietRelist { relist } => (
            format!(
                "after the run, in a quiet system: relist #{relist} compares podRecords with \
                 the runtime"
            ),
            format!("quiet relist #{relist}"),
        ),
        Action::Regenerated { pod, version } => (
            format!(
                "pod {pod} changed since its record: its event is generated again and \
                 delivered (version {version})"
            ),
            format!("pod {pod}: event regenerated"),
        ),
        Action::NoChange { pod, record } => (
            format!(
                "pod {pod}: no change — podRecords already holds version {record}, so no event \
                 is generated"
            ),
            format!("pod {pod}: no change, no event"),
        ),
        Action::Resynced { pod, version } => (
            format!("periodic resync: pod {pod} synced from the pod cache (version {version})"),
            format!("resync pod {pod}"),
        ),
        Action::LostUpdate {
            pod,
            synced,
            latest,
        } => (
            format!(
                "end of run: pod {pod} is synced at version {synced}, the runtime is at version \
                 {latest}"
            ),
            format!("LOST UPDATE: pod {pod}"),
        ),
        _ => unreachable!("every other action is told by its actor"),
    }
}

/// "3 of 5", or "3" when the total is not known yet (0).
fn nth(index: u32, of: u32) -> String {
    match of {
        0 => index.to_string(),
        of => format!("{index} of {of}"),
    }
}
