//! What every scenario shows, in closed form: the boundary of each verdict — the one home of
//! these formulas. `pleg-spec laws` confirms them on a grid by exhaustive search, `pleg-spec
//! prove` proves them for every size from the [`Bound`]s here, and the suite and `check` take
//! what they expect from [`expected`]: change a boundary and all three notice.
//!
//! With `P` pods, each changing up to `K = min(changes, relists)` times that the relists can
//! tell apart, and `C` the eventChannel's real capacity (twice the scenario's for
//! blocking-big-capacity):
//!
//! - a design that **blocks** while full and **gates** syncLoop stalls iff `P·K > C`: the clock
//!   can make PLEG stale only while the relist that started before its ticks is still running,
//!   so syncLoop may read nothing at all; then every one of the `P·K` events can be outstanding
//!   at once, and the channel holds `C`. With the wait gate the stall is a deadlock; with
//!   kubelet's retry gate the same stall is a livelock.
//! - **evented-health** stalls iff `P·K ≥ C`: merely *filling* the channel closes the gate in
//!   front of its only reader, and a full channel stays full.
//! - **drop-when-full without the resync** loses an update iff `C ≤ (P−1)·K` when pods change
//!   at any time (kubelet): a pod is lost when its last change meets a channel full of the
//!   other pods' events and none of its own — and the others have at most `(P−1)·K`. When every
//!   pod changes in lockstep instead, fewer schedules exist, and the boundary is the smaller
//!   `L(P−1, K)` of [`lockstep_loss_bound`] under Go's map order (none is claimed for a fixed
//!   order): what a lockstep model hides.
//! - everything else holds: ungated-drain always drains; record-after-send regenerates a
//!   dropped event at the next relist; the resync syncs every pod from the pod cache, which
//!   relist always leaves at the version it listed; and evented-health can only discard on a
//!   full channel, which already stalls it.
//!
//! No law depends on the threshold.

use crate::{Design, Gate, MapOrder, Scenario, Timing, VerdictKind};

/// A closed form for one verdict's boundary: the failure is reachable iff the channel's real
/// capacity is at most the bound.
#[derive(Debug, Clone, Copy)]
pub struct Law {
    /// The failure it predicts.
    pub kind: VerdictKind,
    /// What the law is about, in kubelet's words.
    pub name: &'static str,
    /// The closed form, as printed.
    pub statement: &'static str,
    /// Whether the law speaks of this scenario.
    pub applies: fn(&Scenario) -> bool,
    pub bound: Bound,
}

/// The largest real capacity at which a law's failure is reachable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bound {
    /// `per_pod_change·P·K + per_change·K + constant`: linear in `P` for each `K`, which is
    /// how `pleg-spec prove` proves it.
    Linear {
        per_pod_change: i64,
        per_change: i64,
        constant: i64,
    },
    /// [`lockstep_loss_bound`]`(P − 1, K)`.
    LockstepLoss,
}

impl Bound {
    /// The bound for `pods` pods changing `changes` times.
    pub fn at(self, pods: u32, changes: u32) -> i64 {
        let (p, k) = (i64::from(pods), i64::from(changes));
        match self {
            Bound::Linear {
                per_pod_change,
                per_change,
                constant,
            } => per_pod_change * p * k + per_change * k + constant,
            Bound::LockstepLoss => lockstep_loss_bound(u64::from(pods - 1), changes) as i64,
        }
    }
}

impl Law {
    /// Whether the failure is reachable, by the closed form.
    pub fn fails(&self, scenario: &Scenario) -> bool {
        let bound = self.bound.at(scenario.pods, scenario.changes_seen());
        scenario.channel_capacity() as i64 <= bound
    }
}

/// A design whose send blocks while its reader is gated by PLEG's health.
fn blocks_behind_the_gate(s: &Scenario) -> bool {
    s.design.blocking_send() && s.design.gated()
}

/// The fix without kubelet's periodic resync: the only design that can lose an update.
pub fn fix_without_resync(s: &Scenario) -> bool {
    s.design == Design::DropWhenFull && !s.resync
}

/// `P·K > C  ⟺  C ≤ P·K − 1`.
const MORE_EVENTS_THAN_ROOM: Bound = Bound::Linear {
    per_pod_change: 1,
    per_change: 0,
    constant: -1,
};

/// Every law, in the order they are tried.
pub const LAWS: [Law; 5] = [
    Law {
        kind: VerdictKind::Deadlock,
        name: "a blocking send with a gated reader deadlocks",
        statement:
            "blocking, blocking-big-capacity, wait gate: deadlock iff P·K > C (real capacity)",
        applies: |s| blocks_behind_the_gate(s) && s.gate == Gate::Wait,
        bound: MORE_EVENTS_THAN_ROOM,
    },
    Law {
        kind: VerdictKind::Livelock,
        name: "with kubelet's retry gate the same stall is a livelock",
        statement:
            "blocking, blocking-big-capacity, retry gate: livelock iff P·K > C (real capacity)",
        applies: |s| blocks_behind_the_gate(s) && s.gate == Gate::Retry,
        bound: MORE_EVENTS_THAN_ROOM,
    },
    Law {
        kind: VerdictKind::GatedStall,
        name: "Evented PLEG's full-channel rule stalls",
        statement: "evented-health: gated-stall iff P·K >= C",
        applies: |s| s.design == Design::EventedHealth,
        bound: Bound::Linear {
            per_pod_change: 1,
            per_change: 0,
            constant: 0,
        },
    },
    Law {
        kind: VerdictKind::LostUpdate,
        name: "the fix without the resync loses an update",
        statement: "drop-when-full, no resync: lost-update iff C <= (P-1)·K",
        applies: |s| fix_without_resync(s) && s.timing == Timing::Anytime,
        bound: Bound::Linear {
            per_pod_change: 1,
            per_change: -1,
            constant: 0,
        },
    },
    Law {
        kind: VerdictKind::LostUpdate,
        name: "with pods changing in lockstep, the fix loses less",
        statement:
            "drop-when-full, no resync, lockstep, Go map order: lost-update iff C <= L(P-1, K)",
        applies: |s| {
            fix_without_resync(s) && s.timing == Timing::Lockstep && s.map_order == MapOrder::Go
        },
        bound: Bound::LockstepLoss,
    },
];

/// `L(n, K)`: with every pod changing in lockstep, the largest capacity at which drop-when-full
/// without the resync can lose the update of one pod among `n + 1` that each change `K` times:
///
/// ```text
/// L(n, 1) = n
/// L(n, K) = max(2n, max over 1 <= j <= K-2 of min(n·(K−j+1), n·(j+1) + j))     (K >= 2)
/// ```
///
/// `j` is the relist that delivers the lost pod's last event; `j = K−1` gives `2n`. It is
/// `n·K` — the boundary when pods change at any time — for `K ≤ 2` only.
pub fn lockstep_loss_bound(n: u64, changes: u32) -> u64 {
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

/// What `scenario` shows, by the laws. For drop-when-full without the resync, with pods
/// changing in lockstep under a fixed pod order, there is no closed form: `None` (the
/// explorations answer it).
pub fn expected(scenario: &Scenario) -> Option<VerdictKind> {
    let unclaimed = fix_without_resync(scenario)
        && scenario.timing == Timing::Lockstep
        && scenario.map_order == MapOrder::Fixed;
    if unclaimed {
        return None;
    }
    Some(match law_for(scenario) {
        Some(law) if law.fails(scenario) => law.kind,
        _ => VerdictKind::Holds,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The bounds as written: `P·K − 1`, `P·K`, `(P−1)·K`, and the lockstep one below `n·K`
    /// from `K = 3` on.
    #[test]
    fn each_bound_is_its_closed_form() {
        let at = |i: usize, p, k| LAWS[i].bound.at(p, k);
        assert_eq!(
            (at(0, 4, 3), at(1, 4, 3), at(2, 4, 3), at(3, 4, 3)),
            (11, 11, 12, 9)
        );
        assert_eq!(at(4, 4, 2), 6);
        assert_eq!(at(4, 4, 3), 7, "L(3, 3) = max(6, min(9, 7)) = 7 < 9");
    }
}
