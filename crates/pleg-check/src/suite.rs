//! The claims `pleg-spec check` confirms by default: the blocking design stalls, under every
//! checker and at kubelet's real sizes; the fix does not, and its checks reached the states
//! that make "does not" mean something; then what the fix costs, the rest of the design space,
//! and kubelet's own retry gate. Every claim expects what the [`laws`](crate::laws) say.

use crate::{Checker, Report, VerdictKind, DEFAULT_PCT_DEPTH, DEFAULT_SHUTTLE_SEED};
use pleg_core::laws;
use pleg_core::{Design, Gate, Scenario, Timing};

/// One claim: a scenario, a checker, and the verdict the laws expect.
#[derive(Debug, Clone)]
pub struct Claim {
    pub scenario: Scenario,
    pub checker: Checker,
    pub expect: VerdictKind,
}

impl Claim {
    /// A claim expecting what the laws say of `scenario`.
    ///
    /// # Panics
    /// If no law speaks of the scenario (drop-when-full without the resync under a fixed pod
    /// order): the suite only claims what the laws predict.
    pub fn by_law(scenario: Scenario, checker: Checker) -> Self {
        let expect = laws::expected(&scenario).expect("the suite claims only what a law predicts");
        Claim {
            scenario,
            checker,
            expect,
        }
    }

    /// Whether `report` confirms this claim, and if not, why: the verdict must be the expected
    /// one, and a "holds" must not be vacuous.
    pub fn judge(&self, report: &Report) -> Result<(), String> {
        let found = report.verdict.kind();
        if found != self.expect {
            return Err(format!("expected {}, found {found}", self.expect));
        }
        match report.vacuity() {
            Some(vacuous) if found == VerdictKind::Holds => Err(vacuous),
            _ => Ok(()),
        }
    }
}

/// The default suite: blocking and the fix under every checker at small bounds, and at
/// kubelet's real size exhaustively (explicit) and sampled (PCT); the fix at a threshold above
/// 0 with pods changing twice, with and without the resync; every other design of the design
/// space; and kubelet's own retry gate.
///
/// loom runs one exploration per way the pods' changes can fall between the relists, so its
/// claims have every pod change in lockstep — seconds instead of a minute — except at the
/// table's scenario of the fix, where it explores every timing too.
pub fn default_claims(loom_bound: Option<usize>) -> Vec<Claim> {
    let with = Checkers::new(loom_bound);
    [
        small_claims(&with),
        kubelet_size_claims(&with),
        stale_later_claims(&with),
        design_space_claims(&with),
        retry_gate_claims(&with),
    ]
    .concat()
}

/// The checkers the suite runs, as configured for it.
struct Checkers {
    explicit: Checker,
    loom: Checker,
    random: Checker,
}

impl Checkers {
    fn new(loom_bound: Option<usize>) -> Self {
        Checkers {
            explicit: Checker::Explicit { reduced: true },
            loom: Checker::Loom {
                preemption_bound: loom_bound,
            },
            random: Checker::ShuttleRandom {
                iterations: 2_000,
                seed: DEFAULT_SHUTTLE_SEED,
            },
        }
    }

    fn pct(&self, iterations: usize) -> Checker {
        Checker::ShuttlePct {
            iterations,
            depth: DEFAULT_PCT_DEPTH,
            seed: DEFAULT_SHUTTLE_SEED,
        }
    }
}

/// Every pod changing in step with the relists: what loom explores in seconds.
fn lockstep(s: Scenario) -> Scenario {
    Scenario {
        timing: Timing::Lockstep,
        ..s
    }
}

/// Blocking and the fix at small bounds under every checker.
fn small_claims(with: &Checkers) -> Vec<Claim> {
    let mut claims = Vec::new();
    for design in [Design::Blocking, Design::DropWhenFull] {
        let small = Scenario::small(design);
        claims.push(Claim::by_law(small, with.explicit.clone()));
        claims.push(Claim::by_law(lockstep(small), with.loom.clone()));
        for checker in [with.random.clone(), with.pct(2_000)] {
            claims.push(Claim::by_law(small, checker));
        }
    }
    claims
}

/// Blocking and the fix at kubelet's real size: exhaustively and sampled.
fn kubelet_size_claims(with: &Checkers) -> Vec<Claim> {
    itertools::iproduct!(
        [Design::Blocking, Design::DropWhenFull],
        [with.explicit.clone(), with.pct(200)]
    )
    .map(|(design, checker)| Claim::by_law(Scenario::kubelet(design), checker))
    .collect()
}

/// The fix with PLEG going stale only after two ticks and pods changing twice, with and
/// without the resync.
fn stale_later_claims(with: &Checkers) -> Vec<Claim> {
    itertools::iproduct!([false, true], [&with.explicit, &with.random])
        .map(|(resync, checker)| {
            let twice = Scenario {
                threshold: 1,
                resync,
                ..Scenario::small(Design::DropWhenFull)
            };
            Claim::by_law(twice, checker.clone())
        })
        .collect()
}

/// Every other design of the design space, explicit and loom (loom in lockstep except for the
/// fix, whose table scenario it explores at every timing, with and without the resync).
fn design_space_claims(with: &Checkers) -> Vec<Claim> {
    let design_space = [
        (Design::DropWhenFull, false),
        (Design::BlockingBigCapacity, true),
        (Design::RecordAfterSend, false),
        (Design::UngatedDrain, true),
        (Design::EventedHealth, true),
    ];
    let mut claims = Vec::new();
    for (design, resync) in design_space {
        let table = Scenario::table(design, resync);
        claims.push(Claim::by_law(table, with.explicit.clone()));
        let timing = match design {
            Design::DropWhenFull => table,
            _ => lockstep(table),
        };
        claims.push(Claim::by_law(timing, with.loom.clone()));
    }
    claims.push(Claim::by_law(
        Scenario::table(Design::DropWhenFull, true),
        with.loom.clone(),
    ));
    claims
}

/// kubelet's own gate: syncLoop retries instead of waiting.
fn retry_gate_claims(with: &Checkers) -> Vec<Claim> {
    itertools::iproduct!(
        [Design::Blocking, Design::DropWhenFull],
        [&with.explicit, &with.random]
    )
    .map(|(design, checker)| {
        let retry = Scenario {
            gate: Gate::Retry,
            ..Scenario::small(design)
        };
        Claim::by_law(retry, checker.clone())
    })
    .collect()
}
