//! The claims `pleg-spec check` confirms by default: the blocking design stalls, under every
//! checker and at kubelet's real sizes; the fix does not, and its checks reached the states
//! that make "does not" mean something.

use crate::{Checker, Report, Verdict, DEFAULT_PCT_DEPTH, DEFAULT_SHUTTLE_SEED};
use pleg_model::kubelet::PLEG_CHANNEL_CAPACITY;
use pleg_model::{Design, Scenario};

/// What a check is expected to conclude.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// The circular wait is found.
    CircularWait,
    /// No failure, and the witnesses show the exploration reached a full channel, a closed
    /// gate and (for a design that can discard) a discard.
    Holds,
}

impl Expect {
    pub fn name(self) -> &'static str {
        match self {
            Expect::CircularWait => "deadlock",
            Expect::Holds => "holds",
        }
    }

    /// Whether `report` confirms this expectation, and if not, why.
    pub fn judge(self, report: &Report) -> Result<(), String> {
        match (self, &report.verdict) {
            (Expect::CircularWait, Verdict::CircularWait(_)) => Ok(()),
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
    if w.gate_closed == 0 {
        missing.push("gate closed");
    }
    if report.scenario.design == Design::DropWhenFull && w.discards == 0 {
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

/// The expected verdict of a design: blocking stalls, the fix holds.
pub fn expected_for(design: Design) -> Expect {
    match design {
        Design::Blocking => Expect::CircularWait,
        Design::DropWhenFull => Expect::Holds,
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

/// Small bounds for loom and shuttle, then kubelet's real channel under PCT.
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
    for design in Design::ALL {
        let expect = expected_for(design);
        for checker in [loom, random, pct(2_000)] {
            claims.push(Claim {
                scenario: small(design),
                checker,
                expect,
            });
        }
        claims.push(Claim {
            scenario: kubelet(design),
            checker: pct(200),
            expect,
        });
    }
    claims
}
