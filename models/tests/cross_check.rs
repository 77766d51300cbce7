//! Verdicts over a small grid agree with an independent explicit-state model.
//!
//! loom runs the real Rust model (channel, condvars, threads) within the default preemption
//! bound; `explicit` is a separate breadth-first search over abstract states with no bound.
//! Grid: capacity 1–2, events per relist 1–3, relists 1–2, threshold 0–1, both designs.

use pleg_model::{Design, Scenario};
use pleg_models::explicit::explore;
use pleg_models::{check, Checker, Verdict, DEFAULT_LOOM_PREEMPTION_BOUND};

#[test]
fn loom_and_the_explicit_model_agree_on_a_grid() {
    let mut compared = 0;
    for design in Design::ALL {
        for capacity in 1..=2 {
            for events_per_relist in 1..=3 {
                for relists in 1..=2 {
                    for threshold in 0..=1 {
                        let scenario = Scenario {
                            design,
                            capacity,
                            events_per_relist,
                            relists,
                            threshold,
                        };
                        let explicit = explore(&scenario);
                        assert!(!explicit.other_stall, "{scenario:?}");
                        let loom = check(
                            &scenario,
                            &Checker::Loom {
                                preemption_bound: Some(DEFAULT_LOOM_PREEMPTION_BOUND),
                            },
                        );
                        let loom_stalls = matches!(loom.verdict, Verdict::CircularWait(_));
                        assert!(
                            !matches!(loom.verdict, Verdict::OtherDeadlock(_) | Verdict::Failed(_)),
                            "{scenario:?}: {:?}",
                            loom.verdict
                        );
                        assert_eq!(loom_stalls, explicit.circular_wait, "{scenario:?}");
                        // The stall is reachable exactly when more events can be outstanding
                        // than the channel holds.
                        let overflow =
                            u64::from(events_per_relist) * u64::from(relists) > capacity as u64;
                        assert_eq!(
                            explicit.circular_wait,
                            design == Design::Blocking && overflow
                        );
                        compared += 1;
                    }
                }
            }
        }
    }
    assert_eq!(compared, 48);
}
