//! Helpers shared by the model tests: the scenarios and the assertions every check makes.

#![allow(dead_code)] // each test file uses its own subset

use pleg_model::EventId;
use pleg_models::{CircularWait, Report, Verdict};

#[allow(unused_imports)] // each test file uses its own subset
pub use pleg_models::suite::{kubelet, small};

/// Asserts the report is the circular wait of kubernetes#72482, and returns its shape.
#[track_caller]
pub fn assert_circular_wait(report: &Report) -> CircularWait {
    let Verdict::CircularWait(cw) = report.verdict.clone() else {
        panic!(
            "expected the circular wait, found {:?} after {} explored",
            report.verdict, report.explored
        );
    };
    assert_eq!(cw.channel_len, cw.capacity, "the channel must be full");
    assert_eq!(cw.capacity, report.scenario.channel_capacity());
    assert!(cw.last_seen_ago > cw.threshold, "PLEG must be stale");
    assert!(
        cw.index <= cw.of && cw.blocked_event.relist <= report.scenario.relists,
        "relist must be blocked on one of its own events: {cw:?}"
    );
    let trace = report.counterexample.as_ref().expect("a stall has a trace");
    assert!(!trace.steps.is_empty());
    cw
}

/// Asserts the report holds and is not vacuous: the exploration reached a full channel, a
/// closed gate (for a design with a gate) and a discard (for a design that can discard).
#[track_caller]
pub fn assert_holds_non_vacuously(report: &Report) {
    assert_eq!(
        report.verdict,
        Verdict::Holds,
        "after {} explored",
        report.explored
    );
    let w = report.witnesses;
    assert!(w.channel_full > 0, "never reached a full channel: {w:?}");
    if report.scenario.design.gated() {
        assert!(w.gate_closed > 0, "never reached a closed gate: {w:?}");
    }
    if report.scenario.design.can_discard() {
        assert!(w.discards > 0, "never discarded: {w:?}");
    }
    assert!(report.counterexample.is_none());
}

/// Pod `pod`'s event of relist `relist`, when every pod changes on every relist.
pub fn event(relist: u32, pod: u32) -> EventId {
    EventId {
        relist,
        pod,
        version: relist,
    }
}
