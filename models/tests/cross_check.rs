//! Verdicts over small grids agree with an independent explicit-state model.
//!
//! loom runs the real Rust model (channel, condvars, threads, pod cache) within preemption
//! bound [`GRID_BOUND`]; `explicit` is a separate breadth-first search over abstract states with no
//! bound. loom stops at the first failure it meets, so the rule is: loom holds exactly when the
//! explicit model reaches no failure, and a failure loom reports is one the explicit model
//! reaches.

use pleg_model::{Design, MapOrder, Named, Scenario};
use pleg_models::explicit::{explore, Exploration};
use pleg_models::{check, Checker, Verdict};

/// Every failure in these grids needs at most one preemption (most need none), so bound 2
/// leaves a margin while keeping the 120 loom runs to seconds (bound 3 takes about a minute).
const GRID_BOUND: usize = 2;

fn agree(scenario: &Scenario) -> Exploration {
    let explicit = explore(scenario);
    let loom = check(
        scenario,
        &Checker::Loom {
            preemption_bound: Some(GRID_BOUND),
        },
    )
    .expect("loom explores the grid");
    let reachable = match &loom.verdict {
        Verdict::Holds => explicit.holds(),
        Verdict::CircularWait(_) => explicit.circular_wait,
        Verdict::GatedStall(_) => explicit.gated_stall,
        Verdict::LostUpdate(_) => explicit.lost_update,
        other => panic!("{scenario:?}: loom reported {other:?}"),
    };
    assert!(
        reachable,
        "{scenario:?}: loom says {}, explicit reaches {explicit:?}",
        loom.verdict
    );
    assert!(!explicit.other_stall, "{scenario:?}: {explicit:?}");
    explicit
}

/// Blocking and the fix (with kubelet's resync) over capacity 1–2, events 1–3, relists 1–2,
/// threshold 0–1: the stall is reachable exactly when more events can be outstanding than the
/// channel holds.
#[test]
fn loom_and_the_explicit_model_agree_on_blocking_and_the_fix() {
    let mut compared = 0;
    for design in [Design::Blocking, Design::DropWhenFull] {
        for capacity in 1..=2 {
            for events_per_relist in 1..=3 {
                for relists in 1..=2 {
                    for threshold in 0..=1 {
                        let scenario = Scenario {
                            capacity,
                            events_per_relist,
                            relists,
                            threshold,
                            map_order: MapOrder::Fixed,
                            ..Scenario::smallest(design)
                        };
                        let explicit = agree(&scenario);
                        let overflow = scenario.total_events() > capacity as u64;
                        assert_eq!(
                            explicit.circular_wait,
                            design == Design::Blocking && overflow
                        );
                        assert!(!explicit.lost_update && !explicit.gated_stall);
                        compared += 1;
                    }
                }
            }
        }
    }
    assert_eq!(compared, 48);
}

/// Every design, without the resync, over capacity 1–2, pods 1–3, relists 1–2 (each pod
/// changing once), threshold 0.
#[test]
fn loom_and_the_explicit_model_agree_on_every_design_without_resync() {
    let mut compared = 0;
    for &design in Design::ALL {
        for capacity in 1..=2 {
            for events_per_relist in 1..=3 {
                for relists in 1..=2 {
                    let scenario = Scenario {
                        capacity,
                        events_per_relist,
                        relists,
                        changes: Some(1),
                        resync: false,
                        map_order: MapOrder::Fixed,
                        ..Scenario::smallest(design)
                    };
                    agree(&scenario);
                    compared += 1;
                }
            }
        }
    }
    assert_eq!(compared, 72);
}
