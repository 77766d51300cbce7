//! The claims `pleg-spec check` confirms by default: the blocking design stalls, under every
//! checker and at kubelet's real sizes; the fix does not, and its checks reached the states
//! that make "does not" mean something.

use crate::{Checker, Report, Verdict, DEFAULT_PCT_DEPTH, DEFAULT_SHUTTLE_SEED};
use pleg_model::kubelet::PLEG_CHANNEL_CAPACITY;
use pleg_model::{Design, Gate, Scenario};

/// What a check is expected to conclude.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// The circular wait is found.
    CircularWait,
    /// The circular wait with kubelet's retry loop: syncLoop spins through the step bound.
    Livelock,
    /// Evented PLEG's full-channel stall.
    GatedStall,
    /// A pod ends out of date.
    LostUpdate,
    /// No failure, and the witnesses show the exploration reached a full channel, a closed
    /// gate and (for a design that can discard) a discard.
    Holds,
}

impl Expect {
    pub fn name(self) -> &'static str {
        match self {
            Expect::CircularWait => "deadlock",
            Expect::Livelock => "livelock",
            Expect::GatedStall => "gated-stall",
            Expect::LostUpdate => "lost-update",
            Expect::Holds => "holds",
        }
    }

    /// Whether `report` confirms this expectation, and if not, why.
    pub fn judge(self, report: &Report) -> Result<(), String> {
        match (self, &report.verdict) {
            (Expect::CircularWait, Verdict::CircularWait(_))
            | (Expect::Livelock, Verdict::Livelock(_))
            | (Expect::GatedStall, Verdict::GatedStall(_))
            | (Expect::LostUpdate, Verdict::LostUpdate(_)) => Ok(()),
            (Expect::Holds, Verdict::Holds) => non_vacuous(report),
            (_, verdict) => Err(format!("expected {}, found {verdict}", self.name())),
        }
    }
}

fn non_vacuous(report: &Report) -> Result<(), String> {
    let w = report.witnesses;
    let mut missing = Vec::new();
    if w.channel_full == 0 {
        missing.push("channel full");
    }
    if report.scenario.design.gated() && w.gate_closed == 0 {
        missing.push("gate closed");
    }
    if report.scenario.design.can_discard() && w.discards == 0 {
        missing.push("discard");
    }
    if missing.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "holds, but vacuously: never reached {}",
            missing.join(", ")
        ))
    }
}

/// One claim of the suite.
#[derive(Debug, Clone, Copy)]
pub struct Claim {
    pub scenario: Scenario,
    pub checker: Checker,
    pub expect: Expect,
}

/// What a scenario is expected to show — the claim a check confirms or refutes. (An
/// expectation, written from the analysis in docs/model.md; verdicts come from explorations.)
///
/// More events can be outstanding than the channel holds exactly when the pods' changes
/// outnumber its capacity: syncLoop may not have read anything yet.
pub fn expected(scenario: &Scenario) -> Expect {
    let outstanding = scenario.total_events();
    let capacity = scenario.channel_capacity() as u64;
    let stall = match scenario.gate {
        Gate::Wait => Expect::CircularWait,
        Gate::Retry => Expect::Livelock,
    };
    match scenario.design {
        Design::Blocking | Design::BlockingBigCapacity if outstanding > capacity => stall,
        Design::EventedHealth if outstanding >= capacity => Expect::GatedStall,
        Design::DropWhenFull if !scenario.resync && outstanding > capacity => Expect::LostUpdate,
        _ => Expect::Holds,
    }
}

/// Room for two, three events per relist, two relists: small enough for loom at the default
/// bound in under a second, big enough that the fix both fills the channel and discards.
pub fn small(design: Design) -> Scenario {
    Scenario {
        capacity: 2,
        events_per_relist: 3,
        relists: 2,
        ..Scenario::smallest(design)
    }
}

/// kubelet's real channel: capacity 1000, one relist of 1001 events.
pub fn kubelet(design: Design) -> Scenario {
    Scenario {
        capacity: PLEG_CHANNEL_CAPACITY,
        events_per_relist: PLEG_CHANNEL_CAPACITY as u32 + 1,
        relists: 1,
        ..Scenario::smallest(design)
    }
}

/// The default suite: blocking and the fix under every checker at small bounds and under PCT at
/// kubelet's real size; then what the fix costs (the lost update without the resync), every
/// other design of the design space, and kubelet's own retry gate.
pub fn default_claims(loom_bound: Option<usize>) -> Vec<Claim> {
    let seed = DEFAULT_SHUTTLE_SEED;
    let loom = Checker::Loom {
        preemption_bound: loom_bound,
    };
    let random = Checker::ShuttleRandom {
        iterations: 2_000,
        seed,
    };
    let pct = |iterations| Checker::ShuttlePct {
        iterations,
        depth: DEFAULT_PCT_DEPTH,
        seed,
    };
    let mut claims = Vec::new();
    for design in [Design::Blocking, Design::DropWhenFull] {
        for checker in [loom, random, pct(2_000)] {
            let scenario = small(design);
            claims.push(Claim {
                scenario,
                checker,
                expect: expected(&scenario),
            });
        }
        let scenario = kubelet(design);
        claims.push(Claim {
            scenario,
            checker: pct(200),
            expect: expected(&scenario),
        });
    }
    let design_space = [
        (Design::DropWhenFull, false),
        (Design::BlockingBigCapacity, true),
        (Design::RecordAfterSend, false),
        (Design::UngatedDrain, true),
        (Design::EventedHealth, true),
    ];
    for (design, resync) in design_space {
        let scenario = crate::designs::table_scenario(design, resync);
        claims.push(Claim {
            scenario,
            checker: loom,
            expect: expected(&scenario),
        });
    }
    for design in [Design::Blocking, Design::DropWhenFull] {
        let scenario = Scenario {
            gate: Gate::Retry,
            ..small(design)
        };
        claims.push(Claim {
            scenario,
            checker: random,
            expect: expected(&scenario),
        });
    }
    claims
}
