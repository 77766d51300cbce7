//! Verdicts, and how a checker's result becomes one, with its detail read from the trace.
//!
//! loom and shuttle only say that they stopped — every thread blocked, the step bound run out,
//! a panic ([`Stop`], read from the checker's report once, in its driver); which stall or which
//! lost pod it was is read from the failing execution's trace. The explicit search knows the
//! kind it found ([`Found::Kind`]); the trace of its path supplies the detail, and must show
//! that very kind. Either way the kind is one of [`VerdictKind`], and no verdict is read from
//! message text.

use pleg_core::{Action, Actor, EventId, Execution, Tick, Unhealthy, VerdictKind};

/// Why a checker stopped an execution, read from its report by the checker's driver.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Stop {
    /// Every thread was blocked (the checker's deadlock report, kept for other shapes).
    Deadlock(String),
    /// syncLoop retried until shuttle's step bound ran out (kubelet's retry gate).
    NoProgress,
    /// A thread of the model panicked: the convergence check (its trace ends in
    /// [`Action::LostUpdate`]) or a model assertion (the message).
    Panic(String),
}

/// What a checker run found, before its detail is read from the trace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Found {
    /// loom or shuttle stopped an execution.
    Stopped(Stop),
    /// The explicit search (or a replayed path) ended in this failure.
    Kind(VerdictKind),
}

/// What a check concluded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Every explored execution ended cleanly, every pod converged.
    Holds,
    /// The circular wait of kubernetes#72482: channel full, relist blocked in send, syncLoop
    /// gated by the PLEG health check, the clock past the threshold — nobody consumes.
    Deadlock(CircularWait),
    /// The same cycle with kubelet's own retry loop: syncLoop retries for ever while relist
    /// stays blocked — busy, and nothing consumed.
    Livelock(CircularWait),
    /// Evented PLEG's rule: the channel is full, so PLEG is unhealthy, so syncLoop — the only
    /// reader — does not read. No thread is blocked in a send; relist keeps dropping.
    GatedStall(GatedStall),
    /// The checker found a deadlock of some other shape (its report is kept).
    OtherDeadlock(String),
    /// A pod's synced state missed the runtime's latest at the end of the run.
    LostUpdate(LostUpdate),
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
    pub fn kind(&self) -> VerdictKind {
        match self {
            Verdict::Holds => VerdictKind::Holds,
            Verdict::Deadlock(_) => VerdictKind::Deadlock,
            Verdict::Livelock(_) => VerdictKind::Livelock,
            Verdict::GatedStall(_) => VerdictKind::GatedStall,
            Verdict::OtherDeadlock(_) => VerdictKind::OtherDeadlock,
            Verdict::LostUpdate(_) => VerdictKind::LostUpdate,
            Verdict::Failed(_) => VerdictKind::Failed,
        }
    }

    /// A stall of any shape: the system stops consuming events for good.
    pub fn is_stall(&self) -> bool {
        self.kind().is_stall()
    }
}

impl std::fmt::Display for Verdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(pleg_core::Named::name(self.kind()))
    }
}

/// The verdict of a checker run that found `found` (or nothing) on `execution`.
///
/// # Panics
/// If the explicit search's kind is not what its own path's trace shows: the two models of one
/// failure disagree, a bug.
pub(crate) fn classify(found: Option<&Found>, execution: &Execution) -> Verdict {
    match found {
        None => Verdict::Holds,
        Some(Found::Stopped(stop)) => from_stop(stop, execution),
        Some(Found::Kind(kind)) => {
            let verdict = detail(*kind, execution);
            assert_eq!(
                verdict.kind(),
                *kind,
                "the explicit path's trace does not show the failure the search found"
            );
            verdict
        }
    }
}

/// A loom or shuttle stop, classified by the trace.
fn from_stop(stop: &Stop, execution: &Execution) -> Verdict {
    match stop {
        Stop::Deadlock(report) => circular_wait(execution)
            .map(Verdict::Deadlock)
            .or_else(|| gated_stall(execution).map(Verdict::GatedStall))
            .unwrap_or_else(|| Verdict::OtherDeadlock(report.clone())),
        Stop::NoProgress => circular_wait(execution)
            .map(Verdict::Livelock)
            .or_else(|| gated_stall(execution).map(Verdict::GatedStall))
            .unwrap_or_else(|| Verdict::Failed("the step bound ran out".to_owned())),
        Stop::Panic(message) => lost_update(execution)
            .map(Verdict::LostUpdate)
            .unwrap_or_else(|| Verdict::Failed(message.clone())),
    }
}

/// The verdict of kind `kind` with its detail read from `execution` (a different kind if the
/// trace does not show that one).
fn detail(kind: VerdictKind, execution: &Execution) -> Verdict {
    let other = || Verdict::OtherDeadlock("every actor is stuck".to_owned());
    match kind {
        VerdictKind::Holds => Verdict::Holds,
        VerdictKind::Deadlock => circular_wait(execution).map_or_else(other, Verdict::Deadlock),
        VerdictKind::Livelock => circular_wait(execution).map_or_else(other, Verdict::Livelock),
        VerdictKind::GatedStall => gated_stall(execution).map_or_else(other, Verdict::GatedStall),
        VerdictKind::OtherDeadlock => other(),
        VerdictKind::LostUpdate => lost_update(execution).map_or_else(
            || Verdict::Failed("no pod was lost".into()),
            Verdict::LostUpdate,
        ),
        VerdictKind::Failed => Verdict::Failed("the execution failed".to_owned()),
    }
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

#[cfg(test)]
mod tests {
    //! The classifier on hand-made traces: each shape is recognised, and a trace that misses
    //! one condition of a shape is not given that shape's name.

    use super::*;
    use pleg_core::{Change, Recorder};

    /// A trace on a channel of `capacity` with relistThreshold `threshold`: relist starts at
    /// tick 0, sends until the channel holds `len`, blocks on the next event (if `blocks`),
    /// the clock reaches `now`, and syncLoop is turned away for `why`.
    fn trace(
        capacity: usize,
        threshold: Tick,
        len: usize,
        blocks: bool,
        now: Tick,
        why: Unhealthy,
    ) -> Execution {
        let recorder = Recorder::new();
        recorder.begin(capacity, threshold);
        let relist_started = Change {
            relist_time: Some(0),
            ..Change::default()
        };
        recorder.record(
            Actor::Relist,
            Action::RelistStarted {
                relist: 1,
                changed: len as u32 + 1,
            },
            relist_started,
        );
        let of = len as u32 + 1;
        let event = |pod| EventId {
            relist: 1,
            pod,
            version: 1,
        };
        for pod in 0..len as u32 {
            let sent = Action::Sent {
                event: event(pod),
                index: pod + 1,
                of,
            };
            recorder.record(Actor::Relist, sent, Change::len(pod as usize + 1));
        }
        if blocks {
            let blocked = Action::BlockedInSend {
                event: event(len as u32),
                index: of,
                of,
            };
            recorder.record(Actor::Relist, blocked, Change::default());
        }
        let ticked = Change {
            now: Some(now),
            ..Change::default()
        };
        recorder.record(Actor::Clock, Action::Ticked, ticked);
        recorder.record(
            Actor::SyncLoop,
            Action::SkippedUnhealthy { why },
            Change::default(),
        );
        recorder.last_execution()
    }

    fn deadlock(execution: &Execution) -> Verdict {
        let stop = Found::Stopped(Stop::Deadlock("every thread blocked".into()));
        classify(Some(&stop), execution)
    }

    #[test]
    fn the_circular_wait_needs_a_full_channel_a_blocked_relist_and_a_stale_pleg() {
        let stale = Unhealthy::Stale { ago: 3 };
        let Verdict::Deadlock(cw) = deadlock(&trace(2, 2, 2, true, 3, stale)) else {
            panic!("a full channel, a blocked relist and a stale PLEG are the circular wait");
        };
        assert_eq!((cw.channel_len, cw.capacity, cw.index, cw.of), (2, 2, 3, 3));
        assert_eq!((cw.last_seen_ago, cw.threshold), (3, 2));
        // The same stop in another shape keeps the checker's report.
        let other = Verdict::OtherDeadlock("every thread blocked".into());
        assert_eq!(
            deadlock(&trace(3, 2, 2, true, 3, stale)),
            other,
            "room left"
        );
        assert_eq!(
            deadlock(&trace(2, 2, 2, true, 2, stale)),
            other,
            "not stale yet"
        );
        assert_eq!(
            deadlock(&trace(2, 2, 2, false, 3, stale)),
            other,
            "relist not blocked"
        );
        // With the retry gate the same trace is the livelock.
        let no_progress = Found::Stopped(Stop::NoProgress);
        let livelock = classify(Some(&no_progress), &trace(2, 2, 2, true, 3, stale));
        assert_eq!(livelock, Verdict::Livelock(cw));
    }

    /// Staleness is measured from when the frozen relist started, not from tick 0.
    #[test]
    fn staleness_counts_from_the_relist_start() {
        let started_at = |relist_time| {
            let mut execution = trace(2, 1, 2, true, 3, Unhealthy::Stale { ago: 2 });
            for step in &mut execution.steps {
                step.relist_time = Some(relist_time);
            }
            execution
        };
        let Verdict::Deadlock(cw) = deadlock(&started_at(1)) else {
            panic!("started 2 ticks ago, threshold 1: stale");
        };
        assert_eq!((cw.last_seen_ago, cw.threshold), (2, 1));
        assert_eq!(
            deadlock(&started_at(2)),
            Verdict::OtherDeadlock("every thread blocked".into()),
            "started 1 tick ago, threshold 1: not stale"
        );
    }

    #[test]
    fn the_gated_stall_needs_a_full_channel() {
        let full = trace(2, 0, 2, false, 1, Unhealthy::ChannelFull);
        let stall = GatedStall {
            channel_len: 2,
            capacity: 2,
            relist_blocked: false,
        };
        assert_eq!(deadlock(&full), Verdict::GatedStall(stall));
        let room = trace(3, 0, 2, false, 1, Unhealthy::ChannelFull);
        assert_eq!(
            deadlock(&room),
            Verdict::OtherDeadlock("every thread blocked".into())
        );
    }

    #[test]
    fn a_panic_without_a_lost_update_is_a_failure_with_its_message() {
        let execution = trace(2, 2, 2, true, 3, Unhealthy::Stale { ago: 3 });
        let panic = Found::Stopped(Stop::Panic("assertion failed".into()));
        assert_eq!(
            classify(Some(&panic), &execution),
            Verdict::Failed("assertion failed".into())
        );
        assert_eq!(classify(None, &execution), Verdict::Holds);
        assert_eq!(Verdict::Holds.to_string(), "holds");
    }
}
