//! What the default suite claims: every design, every checker, both gates, kubelet's size, a
//! threshold above 0, the resync on and off, and every verdict kind among the expectations
//! (each claim's expectation is the laws' by construction; the README's `cargo run --release`
//! runs it, and the CLI tests hold its output).

use pleg_check::suite::default_claims;
use pleg_check::{CheckerKind, VerdictKind};
use pleg_core::{Design, Gate, Named, Scenario};
use std::collections::BTreeSet;

#[test]
fn the_default_suite_covers_the_design_space() {
    let claims = default_claims(Some(2));
    assert_eq!(claims.len(), 31);
    let all = |f: &dyn Fn(&Scenario) -> bool| claims.iter().any(|c| f(&c.scenario));
    let designs: BTreeSet<_> = claims.iter().map(|c| c.scenario.design.name()).collect();
    assert_eq!(designs.len(), Design::ALL.len(), "{designs:?}");
    let checkers: BTreeSet<_> = claims.iter().map(|c| c.checker.kind()).collect();
    let expected: BTreeSet<_> = CheckerKind::ALL
        .iter()
        .copied()
        .filter(|&k| k != CheckerKind::Replay)
        .collect();
    assert_eq!(checkers, expected);
    assert!(all(&|s| s.capacity == 1000 && s.pods == 1001));
    assert!(
        all(&|s| s.timing == pleg_core::Timing::Anytime)
            && all(&|s| s.timing == pleg_core::Timing::Lockstep)
    );
    assert!(all(&|s| s.threshold > 0 && s.resync) && all(&|s| s.threshold > 0 && !s.resync));
    assert!(all(&|s| s.gate == Gate::Retry));
    assert!(all(&|s| !s.resync) && all(&|s| s.resync));
    let verdicts: BTreeSet<_> = claims.iter().map(|c| c.expect).collect();
    for kind in [
        VerdictKind::Holds,
        VerdictKind::Deadlock,
        VerdictKind::Livelock,
        VerdictKind::GatedStall,
        VerdictKind::LostUpdate,
    ] {
        assert!(verdicts.contains(&kind), "no claim expects {kind}");
    }
}
