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

use crate::names::Named;
use crate::witness::{Counted, Witness, Witnesses, WITNESSES};
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
/// `version`. `relist` is 0 where the teller does not know which relist sent the event (the play
/// page: a state of the model holds the channel's pods, not the relists that sent them); the
/// story then leaves the relist out.
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
    /// relist listed the pods and ran `updateRelistTime(timestamp)`; `changed` of them
    /// changed since podRecords last saw them.
    RelistStarted { relist: u32, changed: u32 },
    /// `eventChannel <- event` succeeded; the event is the `index`-th (from 1) of `of` this
    /// relist sends (the pod cache and podRecords were updated just before).
    Sent { event: EventId, index: u32, of: u32 },
    /// The channel was full and the blocking send started to wait.
    BlockedInSend { event: EventId, index: u32, of: u32 },
    /// The channel was full and the select/default send dropped the event.
    Discarded { event: EventId, index: u32, of: u32 },
    /// relist visited every pod that changed and ran `cache.UpdateTime(timestamp)`.
    RelistDone { relist: u32 },
    /// relist has run all its relists (a bounded-run convention: kubelet never stops).
    RelistsFinished,
    /// The clock advanced by one tick.
    Ticked,
    /// syncLoop found PLEG unhealthy and skipped its iteration (kubelet sleeps and retries).
    SkippedUnhealthy { why: Unhealthy },
    /// syncLoop went on to a syncLoopIteration: runtimeErrors() was empty (`checked`), or the
    /// design does not gate PLEG events on PLEG's health.
    PassedGate { checked: bool },
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

/// Records one execution at a time and counts witnesses over all of them.
#[derive(Debug, Default)]
pub struct Recorder {
    current: Mutex<Execution>,
    executions: AtomicU64,
    /// Executions that reached each witness, by [`Witness::index`].
    witnessed: [AtomicU64; WITNESSES],
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
    /// The witnesses this execution reached, by [`Witness::index`].
    seen: [bool; WITNESSES],
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
        for &w in Witness::ALL {
            if !e.seen[w.index()] && shows(w, e, &action) {
                e.seen[w.index()] = true;
                self.witnessed[w.index()].fetch_add(1, Ordering::Relaxed);
            }
        }
        match action {
            Action::RelistStarted { .. } => e.mid_relist = true,
            Action::RelistDone { .. } => e.mid_relist = false,
            _ => {}
        }
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

    /// How many executions reached each witness.
    pub fn witnesses(&self) -> Witnesses {
        let mut w = Witnesses::none(Counted::Executions);
        for &witness in Witness::ALL {
            w[witness] = self.witnessed[witness.index()].load(Ordering::Relaxed);
        }
        w
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

/// Whether the step `action`, taken in execution `e` (its length already updated), shows `w`.
fn shows(w: Witness, e: &Execution, action: &Action) -> bool {
    match w {
        Witness::ChannelFull => {
            e.channel_len == e.capacity
                && matches!(action, Action::Sent { .. } | Action::BlockedInSend { .. })
        }
        Witness::RelistBlocked => matches!(action, Action::BlockedInSend { .. }),
        Witness::Discard => matches!(action, Action::Discarded { .. }),
        Witness::GateClosed => matches!(action, Action::SkippedUnhealthy { .. }),
        Witness::DrainedMidRelist => e.mid_relist && matches!(action, Action::Received { .. }),
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

    /// The witnesses this execution reached, in the declared order.
    pub fn reached(&self) -> Vec<Witness> {
        Witness::ALL
            .iter()
            .copied()
            .filter(|w| self.seen[w.index()])
            .collect()
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
    /// still visiting its changed pods: once it is done, a receive is an ordinary one.
    #[test]
    fn a_relist_ends_when_it_is_done() {
        let recorder = Recorder::new();
        let received = Action::Received { event: EVENT };
        for (done_first, mid) in [(true, 0), (false, 1)] {
            recorder.begin(3, 0);
            let started = Action::RelistStarted {
                relist: 1,
                changed: 1,
            };
            recorder.record(Actor::Relist, started, Change::default());
            recorder.record(Actor::Relist, sent(1, 1), Change::len(1));
            let done = Action::RelistDone { relist: 1 };
            if done_first {
                recorder.record(Actor::Relist, done, Change::default());
            }
            recorder.record(Actor::SyncLoop, received, Change::len(0));
            let w = recorder.witnesses();
            assert_eq!(
                w[Witness::DrainedMidRelist],
                mid,
                "done first: {done_first}"
            );
            assert_eq!(w[Witness::ChannelFull], 0, "1 of 3 is not full");
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
        assert_eq!(counting.witnesses(), Witnesses::none(Counted::Executions));

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
