//! Turning a checker's failure into a verdict, by the shape of the failing execution.
//!
//! A checker only says "deadlock", "exceeded max_steps" or an assertion's message. Which stall
//! (or which lost pod) it was is read from the failing execution's trace: the last thing each
//! actor was seen doing, and the channel's length at the end.

use pleg_model::{Action, Actor, EventId, Execution, Tick, Unhealthy};
use std::fmt;

/// What a check concluded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Every explored execution ended cleanly, every pod converged.
    Holds,
    /// The circular wait of kubernetes#72482: channel full, relist blocked in send, syncLoop
    /// gated by the PLEG health check, the clock past the threshold — nobody consumes.
    CircularWait(CircularWait),
    /// The same cycle with kubelet's own retry loop: syncLoop spins through the step bound
    /// while relist stays blocked — busy, and nothing consumed.
    Livelock(CircularWait),
    /// Evented PLEG's rule: the channel is full, so PLEG is unhealthy, so syncLoop — the only
    /// reader — does not read. No thread is blocked in a send; relist keeps dropping.
    GatedStall(GatedStall),
    /// A pod's synced state missed the runtime's latest at the end of the run.
    LostUpdate(LostUpdate),
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
    /// The event relist is stuck sending: the `index`-th of the `of` its relist sends.
    pub blocked_event: EventId,
    pub index: u32,
    pub of: u32,
    /// How long ago the frozen relist started, when the clock stopped.
    pub last_seen_ago: Tick,
    pub threshold: Tick,
}

/// The state the Evented full-channel stall froze in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GatedStall {
    pub channel_len: usize,
    pub capacity: usize,
    /// Whether relist itself was still able to run (it never blocks under this design).
    pub relist_blocked: bool,
}

/// Which pod ended out of date, and the event whose loss made it so.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LostUpdate {
    pub pod: u32,
    pub synced: u32,
    pub latest: u32,
    /// The last event of this pod that relist discarded, if any.
    pub discarded: Option<EventId>,
}

impl Verdict {
    /// The verdict's name in tables and JSON.
    pub fn name(&self) -> &'static str {
        match self {
            Verdict::Holds => "holds",
            Verdict::CircularWait(_) => "deadlock",
            Verdict::Livelock(_) => "livelock",
            Verdict::GatedStall(_) => "gated-stall",
            Verdict::LostUpdate(_) => "lost-update",
            Verdict::OtherDeadlock(_) => "other-deadlock",
            Verdict::Failed(_) => "failed",
        }
    }

    /// A stall of any shape: the system stops consuming events for good.
    pub fn is_stall(&self) -> bool {
        matches!(
            self,
            Verdict::CircularWait(_) | Verdict::Livelock(_) | Verdict::GatedStall(_)
        )
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
    if message.starts_with("deadlock") {
        if let Some(cw) = circular_wait(execution) {
            return Verdict::CircularWait(cw);
        }
        if let Some(stall) = gated_stall(execution) {
            return Verdict::GatedStall(stall);
        }
        return Verdict::OtherDeadlock(message.to_owned());
    }
    if message.starts_with("lost update") {
        if let Some(lost) = lost_update(execution) {
            return Verdict::LostUpdate(lost);
        }
    }
    if message.contains("exceeded max_steps") {
        if let Some(cw) = circular_wait(execution) {
            return Verdict::Livelock(cw);
        }
    }
    Verdict::Failed(message.to_owned())
}

fn circular_wait(execution: &Execution) -> Option<CircularWait> {
    let last = execution.steps.last()?;
    let Some(Action::BlockedInSend { event, index, of }) = execution.last_action_of(Actor::Relist)
    else {
        return None;
    };
    let Some(Action::SkippedUnhealthy {
        why: Unhealthy::Stale { .. },
    }) = execution.last_action_of(Actor::SyncLoop)
    else {
        return None;
    };
    let full = last.channel_len == execution.capacity;
    let relist_time = last.relist_time?;
    let stale = last.now - relist_time > execution.threshold;
    (full && stale).then_some(CircularWait {
        channel_len: last.channel_len,
        capacity: execution.capacity,
        blocked_event: event,
        index,
        of,
        last_seen_ago: last.now - relist_time,
        threshold: execution.threshold,
    })
}

fn gated_stall(execution: &Execution) -> Option<GatedStall> {
    let last = execution.steps.last()?;
    let gated = execution.last_action_of(Actor::SyncLoop)
        == Some(Action::SkippedUnhealthy {
            why: Unhealthy::ChannelFull,
        });
    let relist_blocked = matches!(
        execution.last_action_of(Actor::Relist),
        Some(Action::BlockedInSend { .. })
    );
    (gated && last.channel_len == execution.capacity).then_some(GatedStall {
        channel_len: last.channel_len,
        capacity: execution.capacity,
        relist_blocked,
    })
}

fn lost_update(execution: &Execution) -> Option<LostUpdate> {
    let Some(Action::LostUpdate {
        pod,
        synced,
        latest,
    }) = execution.steps.last().map(|s| s.action)
    else {
        return None;
    };
    let discarded = execution.steps.iter().rev().find_map(|s| match s.action {
        Action::Discarded { event, .. } if event.pod == pod => Some(event),
        _ => None,
    });
    Some(LostUpdate {
        pod,
        synced,
        latest,
        discarded,
    })
}
