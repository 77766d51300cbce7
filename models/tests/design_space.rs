//! What the fix costs, and the rest of the design space, each claim checked by exploration.
//!
//! Scenario unless stated: capacity 1, three pods that each change once, two relists,
//! threshold 0 (`designs::table_scenario`) — small enough for loom at the default bound in
//! about a second, big enough that every design both fills the channel and (where it can)
//! discards.

mod common;

use common::*;
use pleg_model::{Action, Design, Gate, Scenario};
use pleg_models::designs::{self, table_scenario};
use pleg_models::{check, loom_preemption_bound, story, Checker, Report, Verdict};

fn loom(scenario: &Scenario) -> Report {
    let preemption_bound = loom_preemption_bound().expect("valid LOOM_MAX_PREEMPTIONS");
    check(scenario, &Checker::Loom { preemption_bound })
}

fn shuttle_random(scenario: &Scenario) -> Report {
    let checker = Checker::ShuttleRandom {
        iterations: 500,
        seed: pleg_models::DEFAULT_SHUTTLE_SEED,
    };
    check(scenario, &checker)
}

/// The fix's price: with select/default and no periodic resync, a discarded event is never
/// re-sent — podRecords.update ran before the send, so the next relist sees no change — and the
/// pod stays out of date. The story shows the discard and the quiet relist finding no change.
#[test]
fn drop_when_full_without_resync_loses_an_update_under_loom() {
    let report = loom(&table_scenario(Design::DropWhenFull, false));
    let Verdict::LostUpdate(lost) = report.verdict else {
        panic!("expected a lost update, found {:?}", report.verdict);
    };
    assert_eq!((lost.synced, lost.latest), (0, 1));
    let discarded = lost.discarded.expect("the lost pod's event was discarded");
    assert_eq!((discarded.pod, discarded.relist), (lost.pod, 1));
    let steps = &report.counterexample.as_ref().unwrap().steps;
    assert!(steps.iter().any(|s| s.action
        == Action::NoChange {
            pod: lost.pod,
            record: 1
        }));
    let text = story::render(report.counterexample.as_ref().unwrap(), &report.verdict);
    assert!(
        text.contains("no change — podRecords already holds version 1"),
        "{text}"
    );
    assert!(text.contains("Lost update:"), "{text}");
}

#[test]
fn drop_when_full_without_resync_loses_an_update_under_shuttle() {
    let report = shuttle_random(&table_scenario(Design::DropWhenFull, false));
    assert!(
        matches!(report.verdict, Verdict::LostUpdate(_)),
        "{:?}",
        report.verdict
    );
}

/// With kubelet's periodic resync the same design converges in every interleaving — at bounds
/// where discards were actually reached. (Mutation guard: the test above is the same harness
/// without the resync.)
#[test]
fn drop_when_full_with_resync_converges_under_loom() {
    let report = loom(&table_scenario(Design::DropWhenFull, true));
    assert_holds_non_vacuously(&report);
}

/// Advancing podRecords only after delivery (kubernetes#136408) makes the next relist
/// regenerate a dropped event: it converges without any resync, discards included.
#[test]
fn record_after_send_converges_without_resync_under_loom() {
    let report = loom(&table_scenario(Design::RecordAfterSend, false));
    assert_holds_non_vacuously(&report);
}

/// The "first reaction": a channel twice as large only raises the burst needed. Two events
/// into a doubled capacity-1 channel are fine; three stall exactly as before.
#[test]
fn a_bigger_channel_only_raises_the_burst_needed() {
    let burst = |events_per_relist| Scenario {
        events_per_relist,
        ..Scenario::smallest(Design::BlockingBigCapacity)
    };
    assert_eq!(loom(&burst(2)).verdict, Verdict::Holds);
    let cw = assert_circular_wait(&loom(&burst(3)));
    assert_eq!((cw.channel_len, cw.capacity), (2, 2));
}

/// Fixing the consumer side alone: syncLoop drains PLEG events even while unhealthy, so the
/// blocking send always gets through. Relist did block on a full channel (witnessed).
#[test]
fn ungated_drain_never_stalls_under_loom() {
    let report = loom(&table_scenario(Design::UngatedDrain, true));
    assert_holds_non_vacuously(&report);
}

/// Evented PLEG's health rule (unhealthy while `len == cap`) on its own re-creates a stall:
/// the full channel closes the gate that is its only drain. No thread is blocked in a send.
#[test]
fn evented_health_stalls_with_no_blocked_sender_under_loom() {
    let report = loom(&table_scenario(Design::EventedHealth, true));
    let Verdict::GatedStall(stall) = report.verdict else {
        panic!("expected the gated stall, found {:?}", report.verdict);
    };
    assert_eq!(stall.channel_len, stall.capacity);
    assert!(
        !stall.relist_blocked,
        "relist never blocks under select/default"
    );
}

/// The gate as kubelet writes it — check, back off, retry — under shuttle with a step bound:
/// the blocking design exhausts the bound with syncLoop busy and nothing consumed (a
/// livelock), the fix finishes. This validates the wait-based gate the loom checks use.
#[test]
fn retry_gate_livelocks_the_blocking_design_and_not_the_fix_under_shuttle() {
    let retry = |design| Scenario {
        gate: Gate::Retry,
        ..small(design)
    };
    let blocking = shuttle_random(&retry(Design::Blocking));
    let Verdict::Livelock(cw) = blocking.verdict else {
        panic!("expected a livelock, found {:?}", blocking.verdict);
    };
    assert_eq!(cw.channel_len, cw.capacity);
    let pct = Checker::ShuttlePct {
        iterations: 500,
        depth: pleg_models::DEFAULT_PCT_DEPTH,
        seed: pleg_models::DEFAULT_SHUTTLE_SEED,
    };
    assert!(matches!(
        check(&retry(Design::Blocking), &pct).verdict,
        Verdict::Livelock(_)
    ));
    assert_holds_non_vacuously(&shuttle_random(&retry(Design::DropWhenFull)));
    assert_holds_non_vacuously(&check(&retry(Design::DropWhenFull), &pct));
}

/// The design-space table, cell by cell (loom at bound 2 to keep the test to seconds; the CLI
/// uses the default bound).
#[test]
fn the_design_table_says_what_each_design_does() {
    let rows = designs::explore(Some(2), 200);
    let row = |d: Design| rows.iter().find(|r| r.design == d).unwrap();
    for r in &rows {
        assert_eq!(r.shuttle_agrees, (true, true), "{}", r.design);
    }
    let b = row(Design::Blocking);
    assert!(b.circular_wait() && !b.discards_possible());
    assert_eq!(b.smallest_stalling_burst, Some(2));
    assert_eq!(
        row(Design::BlockingBigCapacity).smallest_stalling_burst,
        Some(3)
    );
    let d = row(Design::DropWhenFull);
    assert!(!d.circular_wait() && d.discards_possible());
    assert_eq!(
        (d.lost_update(), d.converges(true)),
        (Some(true), Some(true))
    );
    let r = row(Design::RecordAfterSend);
    assert_eq!(
        (r.lost_update(), r.converges(false)),
        (Some(false), Some(true))
    );
    let u = row(Design::UngatedDrain);
    assert!(!u.circular_wait() && u.converges(false) == Some(true));
    let e = row(Design::EventedHealth);
    assert_eq!(e.other_stall(), Some("gated-stall"));
    assert_eq!(e.smallest_stalling_burst, Some(1));
}
