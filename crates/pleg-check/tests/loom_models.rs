//! The model under loom: every interleaving within the preemption bound, for every map order.
//!
//! Bounds: the default preemption bound, named in the tests (never read from the
//! environment), and bound 3 where a count measured there is pinned; scenarios are the smallest stalling one (capacity 1, 2 events, 1 relist,
//! threshold 0) and the small one (capacity 2, 3 events, 2 relists). Each test finishes in a
//! few seconds in release.

mod common;

use common::*;
use pleg_core::{Design, MapOrder, Recorder, Scenario, Timing};
use pleg_kubelet::runtime::Loom;
use pleg_kubelet::{Choices, Given};
use std::sync::Arc;

/// The bug: relist fills the one-slot channel, blocks on its second event, the clock passes
/// relistThreshold, syncLoop finds PLEG unhealthy and stops reading. loom reports a deadlock;
/// the test asserts it is exactly that circular wait.
#[test]
fn blocking_send_deadlocks_under_loom() {
    let report = loom(&Scenario::smallest(Design::Blocking));
    let cw = assert_circular_wait(&report);
    assert_eq!((cw.channel_len, cw.capacity), (1, 1));
    assert_eq!((cw.blocked_event, cw.index, cw.of), (event(1, 1), 2, 2));
    assert_eq!(report.counterexample_bound, Some(0));
}

/// The stall does not need one oversized relist: events left over from a relist that syncLoop
/// has not drained yet fill the channel just as well.
#[test]
fn blocking_send_deadlocks_across_relists_under_loom() {
    let scenario = Scenario {
        pods: 1,
        relists: 2,
        ..Scenario::smallest(Design::Blocking)
    };
    let cw = assert_circular_wait(&loom(&scenario));
    assert_eq!(cw.blocked_event, event(2, 0));
}

/// The fix: with select/default every interleaving of every map order within the bound ends
/// cleanly, and the exploration did reach full channels, discards, a closed gate and syncLoop
/// draining mid-relist.
#[test]
fn drop_when_full_never_deadlocks_under_loom() {
    assert_holds_non_vacuously(&loom(&Scenario::small(Design::DropWhenFull)));
}

/// Mutation guard: the very harness that says "holds" for the fix says "circular wait" when
/// handed the blocking design at the same bounds. The check can fail.
#[test]
fn fix_harness_reports_the_stall_when_given_the_blocking_design() {
    assert_circular_wait(&loom(&Scenario::small(Design::Blocking)));
}

/// Pinned execution counts: a change to the model (or to how it is recorded) that shrinks or
/// grows the search is noticed. The bound is named, not read from the environment, so the
/// test never skips. Pod order and lockstep changes give the counts measured before Go's map
/// order and the runtime's timing were modelled; Go's order explores every order of relist 2
/// (six for three pods), so six times more; the runtime's timing one exploration per way the
/// pods' changes can land, up to renaming the pods.
#[test]
fn loom_execution_counts_are_pinned() {
    let lockstep = |s: Scenario| Scenario {
        timing: Timing::Lockstep,
        ..s
    };
    let fixed = |s: Scenario| Scenario {
        map_order: MapOrder::Fixed,
        ..lockstep(s)
    };
    let smallest = loom_at(&fixed(Scenario::smallest(Design::DropWhenFull)), 3);
    let small = loom_at(&fixed(Scenario::small(Design::DropWhenFull)), 3);
    assert_eq!((smallest.explored, small.explored), (3273, 21643));
    let go = loom_at(&lockstep(Scenario::small(Design::DropWhenFull)), 2);
    assert_eq!(go.explored, 6 * 1214);
    let anytime = loom_at(&Scenario::smallest(Design::DropWhenFull), 2);
    assert_eq!(anytime.explored, 1145);
}

/// Recording adds no interleavings: loom explores exactly as many executions with a recorder
/// that records every step as with one that records nothing.
#[test]
fn recording_does_not_change_what_loom_explores() {
    let explored = |recorder: Recorder| {
        let recorder = Arc::new(recorder);
        let mut builder = loom::model::Builder::new();
        builder.preemption_bound = Some(3);
        let scenario = Scenario {
            map_order: MapOrder::Fixed,
            timing: Timing::Lockstep,
            ..Scenario::small(Design::DropWhenFull)
        };
        let model_recorder = Arc::clone(&recorder);
        builder.check(move || {
            let choices = Choices::Given(Given::default());
            pleg_kubelet::run_with::<Loom>(&scenario, &model_recorder, choices);
        });
        recorder.executions()
    };
    let recorded = explored(Recorder::new());
    assert_eq!(recorded, explored(Recorder::counting_only()));
    assert_eq!(recorded, 21643);
}

/// loom explores schedules, not data: a run that asked loom for a map order would silently
/// fix it, so asking is refused loudly — the driver must enumerate orders itself.
#[test]
#[should_panic(expected = "loom explores schedules, not data")]
fn loom_refuses_to_choose_a_map_order() {
    let scenario = Scenario {
        map_order: MapOrder::Go,
        ..Scenario::smallest(Design::DropWhenFull)
    };
    loom::model(move || {
        pleg_kubelet::run_with::<Loom>(&scenario, &Arc::new(Recorder::new()), Choices::Runtime);
    });
}
