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
//! - **drop-when-full without the resync** loses an update iff `(P−1)·K ≥ C` under Go's map
//!   order: a pod is lost when its last change is discarded while none of its events is
//!   pending. The worst case visits that pod first in relist 1 (syncLoop takes its event at
//!   once) and last in relist `K`, after the other `P−1` pods have sent `K` events each.
//!   Under a fixed pod order that schedule does not exist, and some cells hold instead.
//! - everything else holds: ungated-drain always drains; record-after-send regenerates a
//!   dropped event at the next relist; the resync syncs every pod from the pod cache, which
//!   relist always leaves at the latest version; and evented-health can only discard on a full
//!   channel, which already stalls it.
//!
//! No law depends on the threshold: however many ticks PLEG needs to go stale, the ticks that do
//! not yet make it stale change nothing else (docs/guide.md has the argument). `pleg-spec laws`
//! confirms every law on every cell of a grid, by exhaustive search; the suite and `check` take
//! what they expect from [`expected`].

use crate::VerdictKind;
use pleg_model::{Design, Gate, MapOrder, Scenario};

/// A closed form for one verdict's boundary.
#[derive(Debug, Clone, Copy)]
pub struct Law {
    /// What the law is about.
    pub name: &'static str,
    /// The closed form, as printed.
    pub statement: &'static str,
    /// Whether the law speaks of this scenario.
    pub applies: fn(&Scenario) -> bool,
    /// Whether the failure is reachable, by the closed form.
    pub fails: fn(&Scenario) -> bool,
    /// The failure it predicts.
    pub verdict: fn(&Scenario) -> VerdictKind,
}

/// `P·K`: every event the relists generate when nothing is dropped.
fn events(s: &Scenario) -> u64 {
    s.total_events()
}

fn capacity(s: &Scenario) -> u64 {
    s.channel_capacity() as u64
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
        statement: "blocking, blocking-big-capacity: stall iff P·K > C",
        applies: |s| s.design.blocking_send() && s.design.gated(),
        fails: |s| events(s) > capacity(s),
        verdict: stall,
    },
    Law {
        name: "Evented PLEG's full-channel rule stalls",
        statement: "evented-health: gated-stall iff P·K >= C",
        applies: |s| s.design == Design::EventedHealth,
        fails: |s| events(s) >= capacity(s),
        verdict: |_| VerdictKind::GatedStall,
    },
    Law {
        name: "the fix without the resync loses an update",
        statement: "drop-when-full, no resync, Go map order: lost-update iff (P-1)·K >= C",
        applies: |s| s.design == Design::DropWhenFull && !s.resync && s.map_order == MapOrder::Go,
        fails: |s| u64::from(s.pods().saturating_sub(1)) * u64::from(s.changes()) >= capacity(s),
        verdict: |_| VerdictKind::LostUpdate,
    },
];

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
        Some(law) if (law.fails)(scenario) => (law.verdict)(scenario),
        _ => VerdictKind::Holds,
    })
}
