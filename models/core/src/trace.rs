//! What happened in an execution, recorded outside the model's own synchronisation.
//!
//! The checkers see only the runtime's primitives, so the recorder uses plain std types: a
//! std mutex that is never contended inside loom or shuttle (their threads take turns on one OS
//! thread) and never held across a model step. Recording therefore adds no interleavings — the
//! execution counts of a check are the same with or without it — and it survives the panic a
//! checker raises on deadlock, so the last execution's story can be read after the unwind.
//!
//! Steps are recorded while the actor still holds the lock that made them true, so the order
//! of steps in a trace is the order in which they happened.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

/// A logical clock reading: the model's unit of time (kubelet's relistThreshold is 3 min).
pub type Tick = u32;

crate::named! {
    /// The threads of the model, in kubelet's vocabulary.
    pub enum Actor: "actor" {
        /// `GenericPLEG.relist`, run by `wait.Until` every plegRelistPeriod.
        Relist = "relist",
        /// `Kubelet.syncLoop`, the only reader of the PLEG eventChannel.
        SyncLoop = "syncLoop",
        /// The passage of time.
        Clock = "clock",
    }
}

/// One pod lifecycle event: relist number `relist` (from 1) saw pod `pod` (from 0) change to
/// `version`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct EventId {
    pub relist: u32,
    pub pod: u32,
    pub version: u32,
}

/// Why PLEG reported unhealthy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unhealthy {
    /// No relist has started yet ("pleg has yet to be successful").
    NeverRelisted,
    /// The last relist started `ago` ticks ago, more than relistThreshold.
    Stale { ago: Tick },
    /// Evented PLEG's rule: the event channel is full.
    ChannelFull,
}

/// What an actor did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// relist listed the pods and ran `updateRelistTime(timestamp)`.
    RelistStarted { relist: u32 },
    /// `eventChannel <- event` succeeded; the event is the `index`-th (from 1) of `of` this
    /// relist sends (the pod cache and podRecords were updated just before).
    Sent { event: EventId, index: u32, of: u32 },
    /// The channel was full and the blocking send started to wait.
    BlockedInSend { event: EventId, index: u32, of: u32 },
    /// The channel was full and the select/default send dropped the event.
    Discarded { event: EventId, index: u32, of: u32 },
    /// relist has run all its relists (a bounded-run convention: kubelet never stops).
    RelistsFinished,
    /// The clock advanced by one tick.
    Ticked,
    /// syncLoop found PLEG unhealthy and skipped its iteration (kubelet sleeps and retries).
    SkippedUnhealthy { why: Unhealthy },
    /// syncLoopIteration took an event off the channel and synced its pod from the cache.
    Received { event: EventId },
    /// syncLoop found the channel closed and drained, and returned.
    Exited,
    /// After the run, in a quiet system: the next relist.
    QuietRelist { relist: u32 },
    /// The quiet relist found the pod changed since its record, and re-sent its event.
    Regenerated { pod: u32, version: u32 },
    /// The quiet relist found no change for an out-of-sync pod: its record already says
    /// `record`, so no event is generated.
    NoChange { pod: u32, record: u32 },
    /// The periodic resync synced a pod from the pod cache.
    Resynced { pod: u32, version: u32 },
    /// At the end a pod's synced version is not the runtime's latest.
    LostUpdate { pod: u32, synced: u32, latest: u32 },
}

/// One recorded step, with the state it left behind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step {
    pub actor: Actor,
    pub action: Action,
    /// Events in the eventChannel right after the step.
    pub channel_len: usize,
    /// The clock right after the step.
    pub now: Tick,
    /// When the last relist started (`None` before the first one).
    pub relist_time: Option<Tick>,
}

/// The interesting states a check must reach to be non-vacuous, counted in executions (loom,
/// shuttle) or in states (the explicit checker). Which of them a "holds" needs is decided in
/// one place, the models crate's non-vacuity rule.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Witnesses {
    /// The eventChannel was full at some point.
    pub channel_full: u64,
    /// relist waited in a blocking send on the full channel (not merely filled it).
    pub relist_blocked: u64,
    /// relist discarded at least one event.
    pub discards: u64,
    /// syncLoop found the PLEG health gate closed.
    pub gate_closed: u64,
    /// syncLoop received an event while a relist was still sending its batch: the gate was
    /// open mid-relist. (Unreachable if `Healthy()` compared with `>=`: at threshold 0 PLEG
    /// would be unhealthy the instant a relist started.)
    pub drained_mid_relist: u64,
}

/// Records one execution at a time and counts witnesses over all of them.
#[derive(Debug, Default)]
pub struct Recorder {
    current: Mutex<Execution>,
    executions: AtomicU64,
    channel_full: AtomicU64,
    relist_blocked: AtomicU64,
    discards: AtomicU64,
    gate_closed: AtomicU64,
    drained_mid_relist: AtomicU64,
    /// Also bumped once per execution, for a progress display outside the check.
    progress: Option<Arc<AtomicU64>>,
    /// Count executions but record no steps (to show recording changes nothing loom explores).
    silent: bool,
}

/// The record of the execution in progress (or the last one, after a checker's panic).
#[derive(Debug, Clone, Default)]
pub struct Execution {
    pub steps: Vec<Step>,
    pub capacity: usize,
    pub threshold: Tick,
    channel_len: usize,
    now: Tick,
    relist_time: Option<Tick>,
    /// A relist has started and not yet handed over its last event.
    mid_relist: bool,
    saw_full: bool,
    saw_blocked: bool,
    saw_discard: bool,
    saw_gate_closed: bool,
    saw_drained_mid_relist: bool,
}

impl Recorder {
    pub fn new() -> Self {
        Self::default()
    }

    /// A recorder that counts executions and records nothing else.
    pub fn counting_only() -> Self {
        Self {
            silent: true,
            ..Self::default()
        }
    }

    /// A recorder that also counts executions into `progress`, which someone else may read
    /// while the check runs.
    pub fn with_progress(progress: Option<Arc<AtomicU64>>) -> Self {
        Self {
            progress,
            ..Self::default()
        }
    }

    /// Starts recording a fresh execution; called at the top of every model run.
    pub fn begin(&self, capacity: usize, threshold: Tick) {
        self.executions.fetch_add(1, Ordering::Relaxed);
        if let Some(progress) = &self.progress {
            progress.fetch_add(1, Ordering::Relaxed);
        }
        let mut current = self.lock();
        let mut steps = std::mem::take(&mut current.steps);
        steps.clear();
        *current = Execution {
            steps,
            capacity,
            threshold,
            ..Execution::default()
        };
    }

    /// Records a step. `channel_len`, `now` and `relist_time` are updated by the actors that
    /// change them (`Some`), and carried over from the previous step otherwise.
    pub fn record(&self, actor: Actor, action: Action, change: Change) {
        if self.silent {
            return;
        }
        let mut current = self.lock();
        let e = &mut *current;
        if let Some(len) = change.channel_len {
            e.channel_len = len;
        }
        if let Some(now) = change.now {
            e.now = now;
        }
        if let Some(t) = change.relist_time {
            e.relist_time = Some(t);
        }
        let full = e.channel_len == e.capacity
            && matches!(action, Action::Sent { .. } | Action::BlockedInSend { .. });
        let blocked = matches!(action, Action::BlockedInSend { .. });
        let discard = matches!(action, Action::Discarded { .. });
        let gate = matches!(action, Action::SkippedUnhealthy { .. });
        let drained_mid_relist = e.mid_relist && matches!(action, Action::Received { .. });
        match action {
            Action::RelistStarted { .. } => e.mid_relist = true,
            Action::Sent { index, of, .. } | Action::Discarded { index, of, .. } if index == of => {
                e.mid_relist = false;
            }
            _ => {}
        }
        first_time(&mut e.saw_full, full, &self.channel_full);
        first_time(&mut e.saw_blocked, blocked, &self.relist_blocked);
        first_time(&mut e.saw_discard, discard, &self.discards);
        first_time(&mut e.saw_gate_closed, gate, &self.gate_closed);
        first_time(
            &mut e.saw_drained_mid_relist,
            drained_mid_relist,
            &self.drained_mid_relist,
        );
        let step = Step {
            actor,
            action,
            channel_len: e.channel_len,
            now: e.now,
            relist_time: e.relist_time,
        };
        e.steps.push(step);
    }

    /// How many executions have begun.
    pub fn executions(&self) -> u64 {
        self.executions.load(Ordering::Relaxed)
    }

    pub fn witnesses(&self) -> Witnesses {
        Witnesses {
            channel_full: self.channel_full.load(Ordering::Relaxed),
            relist_blocked: self.relist_blocked.load(Ordering::Relaxed),
            discards: self.discards.load(Ordering::Relaxed),
            gate_closed: self.gate_closed.load(Ordering::Relaxed),
            drained_mid_relist: self.drained_mid_relist.load(Ordering::Relaxed),
        }
    }

    /// A copy of the current (or, after a checker's panic, the failing) execution.
    pub fn last_execution(&self) -> Execution {
        self.lock().clone()
    }

    fn lock(&self) -> MutexGuard<'_, Execution> {
        // A checker's panic can unwind through a recording thread; the record is still whole
        // (it is only ever changed by complete assignments), so poisoning is ignored.
        self.current.lock().unwrap_or_else(|p| p.into_inner())
    }
}

fn first_time(seen: &mut bool, now: bool, total: &AtomicU64) {
    if now && !*seen {
        *seen = true;
        total.fetch_add(1, Ordering::Relaxed);
    }
}

/// The state a step changed; everything left `None` is carried over.
#[derive(Debug, Clone, Copy, Default)]
pub struct Change {
    pub channel_len: Option<usize>,
    pub now: Option<Tick>,
    pub relist_time: Option<Tick>,
}

impl Change {
    /// Only the eventChannel's length changed.
    pub fn len(channel_len: usize) -> Self {
        Change {
            channel_len: Some(channel_len),
            ..Change::default()
        }
    }
}

impl Execution {
    /// An execution with no steps yet on a channel of `capacity` with `threshold`: the context
    /// a single step is told in.
    pub fn empty(capacity: usize, threshold: Tick) -> Self {
        Execution {
            capacity,
            threshold,
            ..Execution::default()
        }
    }

    /// The last step each actor took, if any.
    pub fn last_action_of(&self, actor: Actor) -> Option<Action> {
        self.steps
            .iter()
            .rev()
            .find(|s| s.actor == actor)
            .map(|s| s.action)
    }
}

impl fmt::Display for EventId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "pod {}'s event of relist #{}", self.pod, self.relist)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Stories name an event by its pod and the relist that sent it.
    #[test]
    fn an_event_is_named_by_pod_and_relist() {
        let event = EventId {
            relist: 2,
            pod: 7,
            version: 2,
        };
        assert_eq!(event.to_string(), "pod 7's event of relist #2");
    }

    const EVENT: EventId = EventId {
        relist: 1,
        pod: 0,
        version: 1,
    };

    fn sent(index: u32, of: u32) -> Action {
        Action::Sent {
            event: EVENT,
            index,
            of,
        }
    }

    /// The witness that syncLoop drained mid-relist counts a receive only while a relist is
    /// still handing over its batch: after its last event, a receive is an ordinary one.
    #[test]
    fn a_relist_ends_at_its_last_event() {
        let recorder = Recorder::new();
        let received = Action::Received { event: EVENT };
        for (of, mid) in [(1, 0), (2, 1)] {
            recorder.begin(3, 0);
            recorder.record(
                Actor::Relist,
                Action::RelistStarted { relist: 1 },
                Change::default(),
            );
            recorder.record(Actor::Relist, sent(1, of), Change::len(1));
            recorder.record(Actor::SyncLoop, received, Change::len(0));
            assert_eq!(recorder.witnesses().drained_mid_relist, mid, "{of} events");
        }
    }

    /// A counting recorder counts executions and records no step and no witness (it shows that
    /// recording changes nothing loom explores); a progress counter sees every execution.
    #[test]
    fn a_recorder_counts_what_it_is_asked_to() {
        let counting = Recorder::counting_only();
        counting.begin(1, 0);
        counting.record(Actor::Relist, sent(1, 1), Change::len(1));
        assert_eq!(counting.executions(), 1);
        assert!(counting.last_execution().steps.is_empty());
        assert_eq!(counting.witnesses(), Witnesses::default());

        let progress = Arc::new(AtomicU64::new(0));
        let recorder = Recorder::with_progress(Some(Arc::clone(&progress)));
        recorder.begin(1, 0);
        recorder.begin(1, 0);
        assert_eq!(progress.load(Ordering::Relaxed), 2);
    }

    /// A single step is told against the channel and threshold it happened with.
    #[test]
    fn an_empty_execution_keeps_its_context() {
        let e = Execution::empty(3, 2);
        assert_eq!((e.capacity, e.threshold, e.steps.len()), (3, 2, 0));
    }
}
