//! What one check explores: a design (how relist hands events over, how syncLoop is gated) and
//! the bounds it is explored at.

use crate::trace::Tick;
use std::fmt;
use std::str::FromStr;

/// A design of the relist → syncLoop hand-over. Each is named for where it comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Design {
    /// kubelet 1.12: `g.eventChannel <- events[i]` waits while the channel is full.
    Blocking,
    /// The "first reaction": the 1.12 send with a channel [`BIG_CAPACITY_FACTOR`] times larger.
    BlockingBigCapacity,
    /// kubelet 1.14+, PR #72709: `select { case ch <- e: default: discard }`, counting the
    /// discards like `kubelet_pleg_discard_events`.
    DropWhenFull,
    /// Select/default, but `podRecords.update` runs only after the event was delivered (the
    /// kubernetes#136408 proposal), so the next relist regenerates a dropped event.
    RecordAfterSend,
    /// The 1.12 blocking send, but syncLoop keeps draining PLEG events while PLEG is unhealthy.
    UngatedDrain,
    /// Select/default plus Evented PLEG's health rule (KEP-3386): unhealthy while the channel is
    /// full (`len == cap`), on top of the relistThreshold rule.
    EventedHealth,
}

/// How much larger [`Design::BlockingBigCapacity`]'s channel is.
pub const BIG_CAPACITY_FACTOR: usize = 2;

impl Design {
    pub const ALL: [Design; 6] = [
        Design::Blocking,
        Design::BlockingBigCapacity,
        Design::DropWhenFull,
        Design::RecordAfterSend,
        Design::UngatedDrain,
        Design::EventedHealth,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Design::Blocking => "blocking",
            Design::BlockingBigCapacity => "blocking-big-capacity",
            Design::DropWhenFull => "drop-when-full",
            Design::RecordAfterSend => "record-after-send",
            Design::UngatedDrain => "ungated-drain",
            Design::EventedHealth => "evented-health",
        }
    }

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

impl fmt::Display for Design {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Design {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Design::ALL
            .into_iter()
            .find(|d| d.name() == s)
            .ok_or_else(|| {
                let names: Vec<_> = Design::ALL.iter().map(|d| d.name()).collect();
                format!(
                    "unknown design '{s}' (expected one of {})",
                    names.join(", ")
                )
            })
    }
}

/// How syncLoop's "sleep and retry while runtimeErrors is non-empty" is represented.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Gate {
    /// Wait on a condition variable until PLEG may be healthy: the abstraction every checker
    /// can run, loom included (executions end).
    Wait,
    /// kubelet's own loop: check, back off (a yield: the model's time is the clock thread),
    /// retry. Only for shuttle with a step bound: a stalled run spins forever.
    Retry,
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
        }
    }

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
