//! The same scenario on real threads (std's and parking_lot's locks): a smoke test that the
//! model is ordinary Rust.
//!
//! Real threads cannot be made to stall on demand without sleeps, and a stalled test would
//! hang, so the std runs use configurations that must terminate: the fix (relist never waits
//! forever) and the blocking design with room for every event. Neither asserts on timing.

use pleg_model::runtime::{ParkingLot, Runtime, Std};
use pleg_model::{run, Design, Recorder, Scenario};
use std::sync::Arc;

/// Twenty runs of the fix with 5,000 events through a capacity-16 channel: every event is
/// received or counted as discarded, and every run ends.
fn drop_when_full_runs_to_completion<R: Runtime>() {
    let scenario = Scenario {
        capacity: 16,
        events_per_relist: 1_000,
        relists: 5,
        threshold: 3,
        ..Scenario::smallest(Design::DropWhenFull)
    };
    let recorder = Arc::new(Recorder::new());
    for _ in 0..20 {
        let outcome = run::<R>(&scenario, &recorder);
        assert_eq!(outcome.received + outcome.discarded, 5_000);
    }
    assert_eq!(recorder.executions(), 20);
}

#[test]
fn drop_when_full_runs_to_completion_on_threads() {
    drop_when_full_runs_to_completion::<Std>();
}

/// The same scenario on parking_lot's lock: the fourth backend runs the same code.
#[test]
fn drop_when_full_runs_to_completion_on_parking_lot_threads() {
    drop_when_full_runs_to_completion::<ParkingLot>();
}

#[test]
fn blocking_with_room_for_every_event_runs_to_completion_on_threads() {
    let scenario = Scenario {
        capacity: 100,
        events_per_relist: 50,
        relists: 2,
        ..Scenario::smallest(Design::Blocking)
    };
    let recorder = Arc::new(Recorder::new());
    let outcome = run::<Std>(&scenario, &recorder);
    assert_eq!((outcome.received, outcome.discarded), (100, 0));
}
