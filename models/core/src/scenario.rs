//! What one check explores: a design (how relist hands events over, how syncLoop is gated) and
//! the bounds it is explored at.

use crate::kubelet::PLEG_CHANNEL_CAPACITY;
use crate::trace::Tick;
use std::fmt;

crate::named! {
    /// A design of the relist → syncLoop hand-over. Each is named for where it comes from.
    pub enum Design: "design" {
        /// kubelet 1.12: `g.eventChannel <- events[i]` waits while the channel is full.
        Blocking = "blocking",
        /// The "first reaction": the 1.12 send with a channel [`BIG_CAPACITY_FACTOR`] times larger.
        BlockingBigCapacity = "blocking-big-capacity",
        /// kubelet 1.14+, PR #72709: `select { case ch <- e: default: discard }`, counting the
        /// discards like `kubelet_pleg_discard_events`.
        DropWhenFull = "drop-when-full",
        /// Select/default, but `podRecords.update` runs only after the event was delivered (the
        /// proposal of kubernetes PR #136408, closed unmerged), so the next relist regenerates a
        /// dropped event.
        RecordAfterSend = "record-after-send",
        /// The 1.12 blocking send, but syncLoop keeps draining PLEG events while PLEG is unhealthy.
        UngatedDrain = "ungated-drain",
        /// Select/default plus Evented PLEG's health rule (KEP-3386, 1.26 up to PR #139262):
        /// unhealthy while the channel is full (`len == cap`), on top of the relistThreshold rule.
        EventedHealth = "evented-health",
    }
}

/// How much larger [`Design::BlockingBigCapacity`]'s channel is.
pub const BIG_CAPACITY_FACTOR: usize = 2;

impl Design {
    /// Whether relist waits for room (Go's `ch <- e`) rather than dropping the event.
    pub fn blocking_send(self) -> bool {
        matches!(
            self,
            Design::Blocking | Design::BlockingBigCapacity | Design::UngatedDrain
        )
    }

    /// Whether relist can discard events.
    pub fn can_discard(self) -> bool {
        !self.blocking_send()
    }

    /// The eventChannel's real capacity for a scenario capacity.
    pub fn channel_capacity(self, capacity: usize) -> usize {
        match self {
            Design::BlockingBigCapacity => capacity.saturating_mul(BIG_CAPACITY_FACTOR),
            _ => capacity,
        }
    }

    /// Whether `podRecords.update` waits for the event to be delivered.
    pub fn records_after_delivery(self) -> bool {
        self == Design::RecordAfterSend
    }

    /// Whether syncLoop reads PLEG events only while PLEG is healthy.
    pub fn gated(self) -> bool {
        self != Design::UngatedDrain
    }

    /// Whether a full channel makes PLEG unhealthy.
    pub fn full_channel_is_unhealthy(self) -> bool {
        self == Design::EventedHealth
    }
}

crate::named! {
    /// How syncLoop's "sleep and retry while runtimeErrors is non-empty" is represented.
    pub enum Gate: "gate" {
        /// Wait on a condition variable until PLEG may be healthy: the abstraction every checker
        /// can run, loom included (executions end).
        Wait = "wait",
        /// kubelet's own loop: check, back off (a yield: the model's time is the clock thread),
        /// retry. A stalled syncLoop retries forever: shuttle sees it as its step bound, the
        /// explicit checker as a cycle; loom cannot run it (its executions must end).
        Retry = "retry",
    }
}

crate::named! {
    /// The order in which one relist visits the pods that changed.
    pub enum MapOrder: "map order" {
        /// Go's `for pid, events := range eventsByPodID`: the runtime starts every range over a
        /// map at a random point, so each relist may visit the changed pods in any order, and
        /// two relists in different orders. Every checker explores it (see docs/model.md).
        Go = "go",
        /// Pod order (0, 1, 2, …) on every relist: what the model did before it modelled Go's
        /// map order. Kept to show what a fixed order hides (lost updates that need two relists
        /// to visit the pods in different orders).
        Fixed = "fixed",
    }
}

/// One configuration of the model: the design and its bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Scenario {
    pub design: Design,
    /// The eventChannel's capacity (kubelet: 1000); see [`Design::channel_capacity`].
    pub capacity: usize,
    /// Pods on the node. Each relist sends one event per pod whose state changed, so while
    /// pods change this is the number of events per relist.
    pub events_per_relist: u32,
    /// How many relists the relist thread runs.
    pub relists: u32,
    /// How many times each pod's state changes: once per relist for the first `changes`
    /// relists. `None`: on every relist.
    pub changes: Option<u32>,
    /// relistThreshold in ticks: PLEG is unhealthy once `now - relistTime > threshold`.
    pub threshold: Tick,
    /// Whether every pod is periodically re-synced from the pod cache (kubelet's syncCh and
    /// SyncFrequency; on in every real kubelet).
    pub resync: bool,
    pub gate: Gate,
    pub map_order: MapOrder,
}

/// Why a [`Scenario`] cannot run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScenarioError {
    ZeroCapacity,
    ZeroRelists,
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ScenarioError::ZeroCapacity => {
                f.write_str("capacity must be at least 1 (an unbuffered channel is not modelled)")
            }
            ScenarioError::ZeroRelists => f.write_str("relists must be at least 1"),
        }
    }
}

impl std::error::Error for ScenarioError {}

/// The named scenarios: every place that checks "the smallest", "the small", "kubelet's" or
/// "the design table's" scenario takes it from here.
impl Scenario {
    /// The smallest configuration in which the blocking design can stall: two pods change,
    /// the channel has room for one.
    pub fn smallest(design: Design) -> Self {
        Scenario {
            design,
            capacity: 1,
            events_per_relist: 2,
            relists: 1,
            changes: None,
            threshold: 0,
            resync: true,
            gate: Gate::Wait,
            map_order: MapOrder::Go,
        }
    }

    /// Room for two, three events per relist, two relists: big enough that the fix both fills
    /// the channel and discards, small enough for loom at the default bound in seconds.
    pub fn small(design: Design) -> Self {
        Scenario {
            capacity: 2,
            events_per_relist: 3,
            relists: 2,
            ..Scenario::smallest(design)
        }
    }

    /// kubelet's real channel: capacity 1000, one relist of 1001 events.
    pub fn kubelet(design: Design) -> Self {
        Scenario {
            capacity: PLEG_CHANNEL_CAPACITY,
            events_per_relist: PLEG_CHANNEL_CAPACITY as u32 + 1,
            relists: 1,
            ..Scenario::smallest(design)
        }
    }

    /// The smallest scenario in which the fix loses an update only if two relists visit the
    /// pods in different orders (Go's map order): two pods changing twice, room for two, no
    /// resync.
    pub fn reordered(design: Design) -> Self {
        Scenario {
            capacity: 2,
            relists: 2,
            resync: false,
            ..Scenario::smallest(design)
        }
    }

    /// Where the design-space table explores: capacity 1, three pods that each change once,
    /// two relists, threshold 0 — with or without the periodic resync.
    pub fn table(design: Design, resync: bool) -> Self {
        Scenario {
            capacity: 1,
            events_per_relist: 3,
            relists: 2,
            changes: Some(1),
            resync,
            ..Scenario::smallest(design)
        }
    }
}

impl Scenario {
    pub fn validate(&self) -> Result<(), ScenarioError> {
        if self.capacity == 0 {
            return Err(ScenarioError::ZeroCapacity);
        }
        if self.relists == 0 {
            return Err(ScenarioError::ZeroRelists);
        }
        Ok(())
    }

    /// Pods on the node.
    pub fn pods(&self) -> u32 {
        self.events_per_relist
    }

    /// How many times each pod changes (its latest version).
    pub fn changes(&self) -> u32 {
        self.changes.unwrap_or(self.relists).min(self.relists)
    }

    /// The version of every pod's state that relist number `relist` (from 1) lists.
    pub fn version_at(&self, relist: u32) -> u32 {
        relist.min(self.changes())
    }

    /// How often the clock ticks: once past the threshold, and no more.
    pub fn clock_ticks(&self) -> Tick {
        self.threshold.saturating_add(1)
    }

    /// The eventChannel's real capacity under this design.
    pub fn channel_capacity(&self) -> usize {
        self.design.channel_capacity(self.capacity)
    }

    /// Events the scheduled relists generate when nothing is dropped.
    pub fn total_events(&self) -> u64 {
        u64::from(self.events_per_relist) * u64::from(self.changes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A scenario the model cannot run is refused with a reason a reader can act on (the CLI
    /// prints these very words).
    #[test]
    fn validate_names_what_cannot_run() {
        let fine = Scenario::smallest(Design::Blocking);
        assert_eq!(fine.validate(), Ok(()));
        let refused = |scenario: Scenario| scenario.validate().unwrap_err().to_string();
        assert_eq!(
            refused(Scenario {
                capacity: 0,
                ..fine
            }),
            "capacity must be at least 1 (an unbuffered channel is not modelled)"
        );
        assert_eq!(
            refused(Scenario { relists: 0, ..fine }),
            "relists must be at least 1"
        );
    }
}
