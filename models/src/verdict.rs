//! Turning a checker's failure into a verdict, by the shape of the failing execution.
//!
//! A checker only says "deadlock" (or "exceeded max_steps", or an assertion's message). Which
//! stall it was is read from the failing execution's trace: the last thing each actor was seen
//! doing, and the channel's length at the end.

use pleg_model::{Action, Actor, EventId, Execution, Tick};
use std::fmt;

/// What a check concluded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Every explored execution ended cleanly.
    Holds,
    /// The circular wait of kubernetes#72482: channel full, relist blocked in send, syncLoop
    /// gated by the PLEG health check, the clock past the threshold — nobody consumes.
    CircularWait(CircularWait),
    /// The checker found a deadlock of some other shape (the checker's report is kept).
    OtherDeadlock(String),
    /// An execution failed for another reason (a model assertion, a step bound).
    Failed(String),
}

/// The state the circular wait froze in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CircularWait {
    pub channel_len: usize,
    pub capacity: usize,
    /// The event relist is stuck sending, and how many its relist had.
    pub blocked_event: EventId,
    pub of: u32,
    /// How long ago the frozen relist started, when the clock stopped.
    pub last_seen_ago: Tick,
    pub threshold: Tick,
}

impl Verdict {
    /// The verdict's name in tables and JSON.
    pub fn name(&self) -> &'static str {
        match self {
            Verdict::Holds => "holds",
            Verdict::CircularWait(_) => "deadlock",
            Verdict::OtherDeadlock(_) => "other-deadlock",
            Verdict::Failed(_) => "failed",
        }
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

pub(crate) fn classify(failure: Option<&str>, execution: &Execution) -> Verdict {
    let Some(message) = failure else {
        return Verdict::Holds;
    };
    if !message.starts_with("deadlock") {
        return Verdict::Failed(message.to_owned());
    }
    match circular_wait(execution) {
        Some(cw) => Verdict::CircularWait(cw),
        None => Verdict::OtherDeadlock(message.to_owned()),
    }
}

fn circular_wait(execution: &Execution) -> Option<CircularWait> {
    let last = execution.steps.last()?;
    let Some(Action::BlockedInSend { event, of }) = execution.last_action_of(Actor::Relist) else {
        return None;
    };
    let gated = execution.last_action_of(Actor::SyncLoop) == Some(Action::SkippedUnhealthy);
    let full = last.channel_len == execution.capacity;
    let relist_time = last.relist_time?;
    let stale = last.now - relist_time > execution.threshold;
    (gated && full && stale).then_some(CircularWait {
        channel_len: last.channel_len,
        capacity: execution.capacity,
        blocked_event: event,
        of,
        last_seen_ago: last.now - relist_time,
        threshold: execution.threshold,
    })
}
