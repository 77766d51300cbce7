//! A counterexample told as numbered steps in kubelet's own words.
//!
//! The words are the kubelet's where it has them, so an engineer who has read a kubelet log or
//! a goroutine dump recognises each step: its log lines (`skipping pod synchronization -
//! [PLEG is not healthy: …]`, `event channel is full, discard this relist() cycle event`) and
//! its statements (`updateRelistTime`, `g.eventChannel <- events[i]`).

use crate::Verdict;
use pleg_model::{Action, Actor, Execution, Step};

/// One narrated step: who did it and what it was, in kubelet's words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub actor: Actor,
    pub text: String,
}

/// The sentence that names the cycle a circular wait is stuck in.
pub const CYCLE: &str = "Circular wait: relist waits for syncLoop to drain the eventChannel; \
syncLoop waits for PLEG to be healthy; PLEG is healthy again only when relist starts its next \
relist, which it cannot do while it waits. Nobody will ever consume the channel.";

/// Every step of the execution, in order.
pub fn narrate(execution: &Execution) -> Vec<Line> {
    let mut unhealthy = false;
    execution
        .steps
        .iter()
        .map(|step| {
            let stale = is_stale(execution, step);
            let became_unhealthy = stale && !unhealthy;
            unhealthy = stale;
            Line {
                actor: step.actor,
                text: describe(execution, step, became_unhealthy),
            }
        })
        .collect()
}

/// The closing sentence for a verdict, if it has one.
pub fn conclusion(verdict: &Verdict) -> Option<String> {
    match verdict {
        Verdict::Holds => None,
        Verdict::CircularWait(_) => Some(CYCLE.to_owned()),
        Verdict::OtherDeadlock(m) => Some(format!("Stalled in another shape: {m}")),
        Verdict::Failed(m) => Some(format!("The execution failed: {m}")),
    }
}

/// The story as numbered text lines, ending with the conclusion.
pub fn render(execution: &Execution, verdict: &Verdict) -> String {
    let mut out = String::new();
    for (i, line) in narrate(execution).iter().enumerate() {
        out.push_str(&format!(
            "{:>4}. {:<9} {}\n",
            i + 1,
            line.actor.name(),
            line.text
        ));
    }
    if let Some(end) = conclusion(verdict) {
        out.push_str(&format!("      {end}\n"));
    }
    out
}

fn is_stale(execution: &Execution, step: &Step) -> bool {
    step.relist_time
        .is_some_and(|t| step.now - t > execution.threshold)
}

fn describe(execution: &Execution, step: &Step, became_unhealthy: bool) -> String {
    let cap = execution.capacity;
    let len = step.channel_len;
    match step.action {
        Action::RelistStarted { relist } => format!(
            "relist #{relist} starts: updateRelistTime({}) — PLEG last seen active now",
            step.now
        ),
        Action::Sent { event, of } => format!(
            "g.eventChannel <- event {} of {of} (relist #{}): eventChannel {len}/{cap}",
            event.index, event.relist
        ),
        Action::BlockedInSend { event, of } => format!(
            "g.eventChannel <- event {} of {of} (relist #{}) blocks: eventChannel is full \
             ({len}/{cap})",
            event.index, event.relist
        ),
        Action::Discarded { event, of } => format!(
            "event channel is full, discard this relist() cycle event ({} of {of}, relist #{}); \
             kubelet_pleg_discard_events +1",
            event.index, event.relist
        ),
        Action::RelistsFinished => {
            "relist has run all its relists (end of the bounded run); eventChannel closed"
                .to_owned()
        }
        Action::Ticked => {
            let mut text = format!("now = {}", step.now);
            if became_unhealthy {
                let ago = step.now - step.relist_time.unwrap_or(0);
                text.push_str(&format!(
                    ": relist last started {ago} ticks ago > relistThreshold {} — PLEG is now \
                     unhealthy",
                    execution.threshold
                ));
            }
            text
        }
        Action::SkippedUnhealthy => match step.relist_time {
            Some(t) => format!(
                "skipping pod synchronization - [PLEG is not healthy: pleg was last seen active \
                 {} ticks ago; threshold is {} ticks]",
                step.now - t,
                execution.threshold
            ),
            None => "skipping pod synchronization - [PLEG is not healthy: pleg has yet to be \
                     successful]"
                .to_owned(),
        },
        Action::Received { event } => format!(
            "syncLoopIteration receives event {} (relist #{}) from plegCh: eventChannel \
             {len}/{cap}",
            event.index, event.relist
        ),
        Action::Exited => "eventChannel closed and drained; syncLoop returns".to_owned(),
    }
}
