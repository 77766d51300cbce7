//! What every scenario shows, in closed form: the boundary of each verdict.
//!
//! With `P` pods, each changing `K = min(changes, relists)` times, and a channel of real
//! capacity `C` (twice the scenario's for blocking-big-capacity):
//!
//! - a design that **blocks** while full and **gates** syncLoop stalls iff `P·K > C`: the clock
//!   can make PLEG stale only while the relist that started before its ticks is still running,
//!   so syncLoop may read nothing at all; then every one of the `P·K` events is outstanding at
//!   once, and the channel holds `C`. With kubelet's retry gate the same stall is a livelock.
//! - **evented-health** stalls iff `P·K ≥ C`: merely *filling* the channel closes the gate in
//!   front of its only reader, and a full channel stays full.
//! - **drop-when-full without the resync** loses an update iff `C ≤ L(P−1, K)` under Go's map
//!   order ([`lost_update_bound`]): a pod is lost when its last change is discarded while none
//!   of its events is pending. Its last *delivered* event leaves in some relist `j`; each later
//!   change meets a full channel — at its visit in relist `j+1` the channel holds at most what
//!   was sent so far, `(j+1)·n + j` with `n = P−1`, and at its last visit it must be full of the
//!   other pods' events sent after that delivered one, at most `n·(K−j+1)`. syncLoop can drain
//!   the older events `n` per relist while the others refill, so both bounds are reached. Under
//!   a fixed pod order the schedules that need other orders do not exist, and some cells hold.
//! - everything else holds: ungated-drain always drains; record-after-send regenerates a
//!   dropped event at the next relist; the resync syncs every pod from the pod cache, which
//!   relist always leaves at the latest version; and evented-health can only discard on a full
//!   channel, which already stalls it.
//!
//! No law depends on the threshold: however many ticks PLEG needs to go stale, the ticks that do
//! not yet make it stale change nothing else (docs/guide.md has the argument). `pleg-spec laws`
//! confirms every law on every cell of a grid, by exhaustive search; the suite and `check` take
//! what they expect from [`expected`].

use crate::{Design, Gate, MapOrder, Scenario, VerdictKind};

/// A closed form for one verdict's boundary: the largest channel capacity at which the
/// failure is reachable, as a function of the design, the pods and their changes.
#[derive(Debug, Clone, Copy)]
pub struct Law {
    /// What the law is about.
    pub name: &'static str,
    /// The closed form, as printed.
    pub statement: &'static str,
    /// Whether the law speaks of this scenario.
    pub applies: fn(&Scenario) -> bool,
    /// The largest (scenario) capacity at which the failure is reachable; 0: at none.
    pub boundary: fn(&Scenario) -> u64,
    /// The failure it predicts.
    pub verdict: fn(&Scenario) -> VerdictKind,
}

impl Law {
    /// Whether the failure is reachable, by the closed form.
    pub fn fails(&self, scenario: &Scenario) -> bool {
        scenario.capacity as u64 <= (self.boundary)(scenario)
    }
}

/// `P·K`: every event the relists generate when nothing is dropped.
fn events(s: &Scenario) -> u64 {
    s.total_events()
}

fn stall(s: &Scenario) -> VerdictKind {
    match s.gate {
        Gate::Wait => VerdictKind::Deadlock,
        Gate::Retry => VerdictKind::Livelock,
    }
}

/// Every law, in the order they are tried.
pub const LAWS: [Law; 3] = [
    Law {
        name: "a blocking send with a gated reader stalls",
        statement: "blocking, blocking-big-capacity: stall iff P·K > C (real capacity)",
        applies: |s| s.design.blocking_send() && s.design.gated(),
        // P·K > f·C  ⟺  C <= (P·K − 1) / f, with f the design's capacity factor.
        boundary: |s| events(s).saturating_sub(1) / s.design.channel_capacity(1) as u64,
        verdict: stall,
    },
    Law {
        name: "Evented PLEG's full-channel rule stalls",
        statement: "evented-health: gated-stall iff P·K >= C",
        applies: |s| s.design == Design::EventedHealth,
        boundary: events,
        verdict: |_| VerdictKind::GatedStall,
    },
    Law {
        name: "the fix without the resync loses an update",
        statement: "drop-when-full, no resync, Go map order: lost-update iff C <= L(P-1, K)",
        applies: |s| s.design == Design::DropWhenFull && !s.resync && s.map_order == MapOrder::Go,
        boundary: |s| lost_update_bound(u64::from(s.pods().saturating_sub(1)), s.changes()),
        verdict: |_| VerdictKind::LostUpdate,
    },
];

/// `L(n, K)`: the largest capacity at which drop-when-full without the resync can lose the
/// update of one pod among `n + 1` that each change `K` times:
///
/// ```text
/// L(n, 1) = n
/// L(n, K) = max(2n, max over 1 <= j <= K-2 of min(n·(K−j+1), n·(j+1) + j))     (K >= 2)
/// ```
///
/// `j` is the relist that delivers the lost pod's last event; `j = K−1` gives `2n`.
pub fn lost_update_bound(n: u64, changes: u32) -> u64 {
    let k = u64::from(changes);
    match k {
        0 => 0,
        1 => n,
        _ => (1..=k.saturating_sub(2))
            .map(|j| (n * (k - j + 1)).min(n * (j + 1) + j))
            .fold(2 * n, u64::max),
    }
}

/// The law that speaks of `scenario`, if any (every other scenario holds).
pub fn law_for(scenario: &Scenario) -> Option<&'static Law> {
    LAWS.iter().find(|law| (law.applies)(scenario))
}

/// What `scenario` shows, by the laws. For drop-when-full without the resync under a fixed
/// pod order there is no closed form: `None` (the explorations answer it).
pub fn expected(scenario: &Scenario) -> Option<VerdictKind> {
    let fixed_order_loss = scenario.design == Design::DropWhenFull
        && !scenario.resync
        && scenario.map_order == MapOrder::Fixed;
    if fixed_order_loss {
        return None;
    }
    Some(match law_for(scenario) {
        Some(law) if law.fails(scenario) => (law.verdict)(scenario),
        _ => VerdictKind::Holds,
    })
}
