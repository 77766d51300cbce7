//! The model under loom: every interleaving within the preemption bound.
//!
//! Bounds: [`DEFAULT_LOOM_PREEMPTION_BOUND`] unless `LOOM_MAX_PREEMPTIONS` says otherwise;
//! scenarios are the smallest stalling one (capacity 1, 2 events, 1 relist, threshold 0) and
//! `small` (capacity 2, 3 events, 2 relists). Each test finishes in about a second in release.

mod common;

use common::*;
use pleg_model::runtime::Loom;
use pleg_model::{Design, Recorder, Scenario};
use pleg_models::{check, loom_preemption_bound, Checker, Report, DEFAULT_LOOM_PREEMPTION_BOUND};
use std::sync::Arc;

fn loom(scenario: &Scenario) -> Report {
    let preemption_bound = loom_preemption_bound().expect("valid LOOM_MAX_PREEMPTIONS");
    check(scenario, &Checker::Loom { preemption_bound })
}

/// The bug: relist fills the one-slot channel, blocks on its second event, the clock passes
/// relistThreshold, syncLoop finds PLEG unhealthy and stops reading. loom reports a deadlock;
/// the test asserts it is exactly that circular wait.
#[test]
fn blocking_send_deadlocks_under_loom() {
    let report = loom(&Scenario::smallest(Design::Blocking));
    let cw = assert_circular_wait(&report);
    assert_eq!((cw.channel_len, cw.capacity), (1, 1));
    assert_eq!((cw.blocked_event, cw.index, cw.of), (event(1, 1), 2, 2));
}

/// The stall does not need one oversized relist: events left over from a relist that syncLoop
/// has not drained yet fill the channel just as well.
#[test]
fn blocking_send_deadlocks_across_relists_under_loom() {
    let scenario = Scenario {
        events_per_relist: 1,
        relists: 2,
        ..Scenario::smallest(Design::Blocking)
    };
    let cw = assert_circular_wait(&loom(&scenario));
    assert_eq!(cw.blocked_event, event(2, 0));
}

/// The fix: with select/default every interleaving within the bound ends cleanly, and the
/// exploration did reach full channels, discards and a closed gate.
#[test]
fn drop_when_full_never_deadlocks_under_loom() {
    let report = loom(&small(Design::DropWhenFull));
    assert_holds_non_vacuously(&report);
}

/// Mutation guard: the very harness that says "holds" for the fix says "circular wait" when
/// handed the blocking design at the same bounds. The check can fail.
#[test]
fn fix_harness_reports_the_stall_when_given_the_blocking_design() {
    let report = loom(&small(Design::Blocking));
    assert_circular_wait(&report);
}

/// Pinned execution counts: a change to the model (or to how it is recorded) that shrinks or
/// grows the search is noticed. Only meaningful at the default bound.
#[test]
fn loom_execution_counts_are_pinned_at_the_default_bound() {
    if loom_preemption_bound() != Ok(Some(DEFAULT_LOOM_PREEMPTION_BOUND)) {
        return; // LOOM_MAX_PREEMPTIONS overrides the bound these counts were measured at.
    }
    let smallest = loom(&Scenario::smallest(Design::DropWhenFull));
    let small = loom(&small(Design::DropWhenFull));
    assert_eq!((smallest.explored, small.explored), (3273, 21643));
}

/// Recording adds no interleavings: loom explores exactly as many executions with a recorder
/// that records every step as with one that records nothing.
#[test]
fn recording_does_not_change_what_loom_explores() {
    let explored = |recorder: Recorder| {
        let recorder = Arc::new(recorder);
        let mut builder = loom::model::Builder::new();
        builder.preemption_bound = Some(DEFAULT_LOOM_PREEMPTION_BOUND);
        let (model_recorder, scenario) = (Arc::clone(&recorder), small(Design::DropWhenFull));
        builder.check(move || {
            pleg_model::run::<Loom>(&scenario, &model_recorder);
        });
        recorder.executions()
    };
    let recorded = explored(Recorder::new());
    assert_eq!(recorded, explored(Recorder::counting_only()));
    assert_eq!(recorded, 21643);
}
