//! What one check explores: a design (how relist hands events over, how syncLoop is gated) and
//! the bounds it is explored at.

use crate::kubelet::PLEG_CHANNEL_CAPACITY;
use crate::trace::Tick;
use serde::Serialize;
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

    /// How many times larger than the scenario's capacity the design's channel is.
    pub fn capacity_factor(self) -> usize {
        match self {
            Design::BlockingBigCapacity => BIG_CAPACITY_FACTOR,
            _ => 1,
        }
    }

    /// The eventChannel's real capacity for a scenario capacity.
    pub fn channel_capacity(self, capacity: usize) -> usize {
        capacity.saturating_mul(self.capacity_factor())
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

crate::named! {
    /// When each pod's state changes, relative to the relists.
    pub enum Timing: "timing" {
        /// Whenever its containers change: each pod independently of the others and of the
        /// relist timer — several times between two relists (the next relist then sees one
        /// change), or not at all for a while — up to `changes` times in all. What kubelet sees.
        Anytime = "anytime",
        /// Every pod changes once just before each of the first `changes` relists, all in
        /// lockstep: what the model did before it let the runtime choose. Kept to show what a
        /// fixed timing hides.
        Lockstep = "lockstep",
    }
}

/// One configuration of the model: the design and its bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Scenario {
    pub design: Design,
    /// The eventChannel's capacity (kubelet: 1000); see [`Design::channel_capacity`].
    pub capacity: usize,
    /// Pods on the node; each relist sends one event per pod whose state changed.
    pub pods: u32,
    /// How many relists the relist thread runs.
    pub relists: u32,
    /// How many times each pod's state may change (see [`Scenario::change_limit`]); `None`:
    /// once per relist.
    pub changes: Option<u32>,
    /// relistThreshold in ticks: PLEG is unhealthy once `now - relistTime > threshold`.
    pub threshold: Tick,
    /// Whether every pod is periodically re-synced from the pod cache (kubelet's syncCh and
    /// SyncFrequency; on in every real kubelet).
    pub resync: bool,
    pub gate: Gate,
    pub map_order: MapOrder,
    pub timing: Timing,
}

/// Why a [`Scenario`] cannot run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScenarioError {
    ZeroCapacity,
    ZeroPods,
    ZeroRelists,
    ZeroChanges,
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ScenarioError::ZeroCapacity => {
                "capacity must be at least 1 (an unbuffered channel is not modelled)"
            }
            ScenarioError::ZeroPods => {
                "pods must be at least 1 (a node with no pods never relists an event)"
            }
            ScenarioError::ZeroRelists => "relists must be at least 1",
            ScenarioError::ZeroChanges => {
                "changes must be at least 1 (pods that never change send no event)"
            }
        })
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
            pods: 2,
            relists: 1,
            changes: None,
            threshold: 0,
            resync: true,
            gate: Gate::Wait,
            map_order: MapOrder::Go,
            timing: Timing::Anytime,
        }
    }

    /// Room for two, three pods, two relists: big enough that the fix both fills the channel
    /// and discards, small enough for loom at the default bound in seconds.
    pub fn small(design: Design) -> Self {
        Scenario {
            capacity: 2,
            pods: 3,
            relists: 2,
            ..Scenario::smallest(design)
        }
    }

    /// kubelet's real channel and the burst of kubernetes#72482: capacity 1000, and a relist
    /// that finds 1001 pods changed at once — a kubelet restart on a node with more than 1000
    /// containers, where every pod is new to the first relist (so every pod changes in
    /// lockstep: random sampling would almost never draw all 1001 changing by chance).
    pub fn kubelet(design: Design) -> Self {
        Scenario {
            capacity: PLEG_CHANNEL_CAPACITY,
            pods: PLEG_CHANNEL_CAPACITY as u32 + 1,
            relists: 1,
            timing: Timing::Lockstep,
            ..Scenario::smallest(design)
        }
    }

    /// Two pods, room for two, two relists, no resync: with the pods changing in lockstep the
    /// smallest scenario in which the fix loses an update only if the two relists visit the pods
    /// in different orders (Go's map order); with pods changing at any time, in any order.
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
            pods: 3,
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
        if self.pods == 0 {
            return Err(ScenarioError::ZeroPods);
        }
        if self.relists == 0 {
            return Err(ScenarioError::ZeroRelists);
        }
        if self.changes == Some(0) {
            return Err(ScenarioError::ZeroChanges);
        }
        Ok(())
    }

    /// The most versions a pod's state goes through: `changes`, or one per relist.
    #[inline]
    pub fn change_limit(&self) -> u32 {
        self.changes.unwrap_or(self.relists)
    }

    /// The most changes of one pod the relists can tell apart, `K = min(changes, relists)`:
    /// each relist lists a pod once, however often it changed since the last.
    pub fn changes_seen(&self) -> u32 {
        self.change_limit().min(self.relists)
    }

    /// Under [`Timing::Lockstep`]: the version of every pod that relist number `relist` (from
    /// 1) lists.
    #[inline]
    pub fn lockstep_version(&self, relist: u32) -> u32 {
        relist.min(self.change_limit())
    }

    /// How often the clock ticks: once past the threshold, and no more.
    pub fn clock_ticks(&self) -> Tick {
        self.threshold.saturating_add(1)
    }

    /// The eventChannel's real capacity under this design.
    pub fn channel_capacity(&self) -> usize {
        self.design.channel_capacity(self.capacity)
    }

    /// The most events the relists can generate, `P·K`, when nothing is dropped.
    pub fn most_events(&self) -> u64 {
        u64::from(self.pods) * u64::from(self.changes_seen())
    }

    /// The scenario's bounds in the one format every table and picture uses: `C/P/R/T`
    /// (capacity, pods, relists, relistThreshold in ticks), then whatever differs from
    /// kubelet's defaults.
    pub fn label(&self) -> String {
        let mut label = format!(
            "{}/{}/{}/{}",
            self.capacity, self.pods, self.relists, self.threshold
        );
        if let Some(k) = self.changes {
            label.push_str(&format!(" changes={k}"));
        }
        if !self.resync {
            label.push_str(" no-resync");
        }
        if self.gate == Gate::Retry {
            label.push_str(" retry-gate");
        }
        if self.map_order == MapOrder::Fixed {
            label.push_str(" fixed-order");
        }
        if self.timing == Timing::Lockstep {
            label.push_str(" lockstep");
        }
        label
    }
}

/// The header of the column that holds [`Scenario::label`].
pub const LABEL_HEADER: &str = "C/P/R/T";

impl fmt::Display for Scenario {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.design, self.label())
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
        assert!(refused(Scenario { pods: 0, ..fine }).starts_with("pods must be at least 1"));
        assert!(refused(Scenario {
            changes: Some(0),
            ..fine
        })
        .starts_with("changes must be at least 1"));
    }

    /// `K` is the fewer of the changes and the relists; the label names every non-default.
    #[test]
    fn changes_seen_and_the_label() {
        let s = Scenario {
            changes: Some(5),
            relists: 3,
            ..Scenario::small(Design::DropWhenFull)
        };
        assert_eq!(
            (s.change_limit(), s.changes_seen(), s.most_events()),
            (5, 3, 9)
        );
        assert_eq!(s.lockstep_version(2), 2);
        assert_eq!(s.label(), "2/3/3/0 changes=5");
        let odd = Scenario {
            resync: false,
            gate: Gate::Retry,
            map_order: MapOrder::Fixed,
            timing: Timing::Lockstep,
            ..s
        };
        assert_eq!(
            odd.to_string(),
            "drop-when-full 2/3/3/0 changes=5 no-resync retry-gate fixed-order lockstep"
        );
    }
}
