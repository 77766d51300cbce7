//! Helpers shared by the model tests: the checkers at their test bounds, and the assertions
//! every check makes.

#![allow(dead_code)] // each test file uses its own subset

use pleg_check::{
    check, Checker, CircularWait, LostUpdate, Report, Verdict, DEFAULT_LOOM_PREEMPTION_BOUND,
    DEFAULT_PCT_DEPTH, DEFAULT_SHUTTLE_SEED,
};
use pleg_core::{EventId, Scenario};

/// loom at the default preemption bound — named here, not read from `LOOM_MAX_PREEMPTIONS`, so
/// a pinned count can never be measured at another bound.
pub fn loom(scenario: &Scenario) -> Report {
    loom_at(scenario, DEFAULT_LOOM_PREEMPTION_BOUND)
}

pub fn loom_at(scenario: &Scenario, bound: usize) -> Report {
    let checker = Checker::Loom {
        preemption_bound: Some(bound),
    };
    check(scenario, &checker).expect("loom can explore this scenario")
}

pub fn shuttle_random(scenario: &Scenario, iterations: usize) -> Report {
    let checker = Checker::ShuttleRandom {
        iterations,
        seed: DEFAULT_SHUTTLE_SEED,
    };
    check(scenario, &checker).expect("shuttle runs every scenario")
}

pub fn shuttle_pct(scenario: &Scenario, iterations: usize) -> Report {
    let checker = Checker::ShuttlePct {
        iterations,
        depth: DEFAULT_PCT_DEPTH,
        seed: DEFAULT_SHUTTLE_SEED,
    };
    check(scenario, &checker).expect("shuttle runs every scenario")
}

/// Asserts the report is the circular wait of kubernetes#72482, and returns its shape.
#[track_caller]
pub fn assert_circular_wait(report: &Report) -> CircularWait {
    let Verdict::Deadlock(cw) = report.verdict.clone() else {
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

/// Asserts the report is a lost update whose pod's last event was discarded.
#[track_caller]
pub fn assert_lost_update(report: &Report) -> LostUpdate {
    let Verdict::LostUpdate(lost) = report.verdict.clone() else {
        panic!(
            "expected a lost update, found {:?} after {} explored",
            report.verdict, report.explored
        );
    };
    assert_ne!(lost.synced, lost.latest);
    let discarded = lost.discarded.expect("the lost pod's event was discarded");
    assert_eq!(discarded.pod, lost.pod);
    lost
}

/// Asserts the report holds and is not vacuous, by the one non-vacuity rule
/// ([`Report::vacuity`]): the exploration reached every interesting state its design can.
#[track_caller]
pub fn assert_holds_non_vacuously(report: &Report) {
    assert_eq!(
        report.verdict,
        Verdict::Holds,
        "after {} explored",
        report.explored
    );
    assert_eq!(report.vacuity(), None, "{:?}", report.witnesses);
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
