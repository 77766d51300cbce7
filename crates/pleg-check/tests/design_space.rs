//! What the fix costs, and the rest of the design space, each claim checked by exploration.
//!
//! Scenario unless stated: capacity 1, three pods that each change once, two relists,
//! threshold 0 ([`Scenario::table`]) — small enough for loom at the default bound in about a
//! second, big enough that every design both fills the channel and (where it can) discards.

mod common;

use common::*;
use pleg_check::suite::Claim;
use pleg_check::{designs, story, Checker, Verdict, VerdictKind};
use pleg_core::{Action, Design, Gate, Scenario};

/// The fix's price: with select/default and no periodic resync, a discarded event is never
/// re-sent — podRecords.update ran before the send, so the next relist sees no change — and the
/// pod stays out of date. The story shows the discard and the quiet relist finding no change.
#[test]
fn drop_when_full_without_resync_loses_an_update_under_loom() {
    let report = loom(&Scenario::table(Design::DropWhenFull, false));
    let lost = assert_lost_update(&report);
    assert_eq!((lost.synced, lost.latest), (0, 1));
    assert_eq!(lost.discarded.map(|e| e.relist), Some(1));
    let execution = report.counterexample.as_ref().unwrap();
    let no_change = Action::NoChange {
        pod: lost.pod,
        record: 1,
    };
    assert!(execution.steps.iter().any(|s| s.action == no_change));
    let text = story::render(execution, &report.verdict);
    assert!(
        text.contains("no change — podRecords already holds version 1"),
        "{text}"
    );
    assert!(
        text.contains("in a quiet system: relist #3 compares podRecords"),
        "the quiet relist is the one after the run's two: {text}"
    );
    assert!(text.contains("Lost update:"), "{text}");
}

#[test]
fn drop_when_full_without_resync_loses_an_update_under_shuttle() {
    assert_lost_update(&shuttle_random(
        &Scenario::table(Design::DropWhenFull, false),
        500,
    ));
}

/// With kubelet's periodic resync the same design converges in every interleaving — at bounds
/// where discards were actually reached. (Its mutation guard is the test above: the same
/// harness without the resync.)
#[test]
fn drop_when_full_with_resync_converges_under_loom() {
    assert_holds_non_vacuously(&loom(&Scenario::table(Design::DropWhenFull, true)));
}

/// With pods changing twice, PLEG going stale only after two ticks and no resync, the fix loses
/// an update only because relists visit the pods in different orders (Go's map order); with
/// the resync it holds. Both claims are what the laws say.
#[test]
fn the_fix_at_threshold_1_with_two_changes_per_pod_under_loom() {
    let twice = |resync| Scenario {
        capacity: 2,
        pods: 2,
        relists: 2,
        threshold: 1,
        resync,
        ..Scenario::smallest(Design::DropWhenFull)
    };
    let without = loom(&twice(false));
    assert_lost_update(&without);
    let with = loom(&twice(true));
    assert_holds_non_vacuously(&with);
    for report in [&without, &with] {
        let claim = Claim::by_law(report.scenario, report.checker.clone());
        assert_eq!(claim.judge(report), Ok(()));
    }
}

/// Advancing podRecords only after delivery (kubernetes PR #136408, closed unmerged) makes the
/// next relist regenerate a dropped event: it converges without any resync, discards included.
#[test]
fn record_after_send_converges_without_resync_under_loom() {
    assert_holds_non_vacuously(&loom(&Scenario::table(Design::RecordAfterSend, false)));
}

/// The "first reaction": a channel twice as large only raises the burst needed. Two events
/// into a doubled capacity-1 channel are fine; three stall exactly as before.
#[test]
fn a_bigger_channel_only_raises_the_burst_needed() {
    let burst = |pods| Scenario {
        pods,
        ..Scenario::smallest(Design::BlockingBigCapacity)
    };
    assert_eq!(loom(&burst(2)).verdict, Verdict::Holds);
    let cw = assert_circular_wait(&loom(&burst(3)));
    assert_eq!((cw.channel_len, cw.capacity), (2, 2));
}

/// Fixing the consumer side alone: syncLoop drains PLEG events even while unhealthy, so the
/// blocking send always gets through. relist did block on a full channel (witnessed).
#[test]
fn ungated_drain_never_stalls_under_loom() {
    let report = loom(&Scenario::table(Design::UngatedDrain, true));
    assert_holds_non_vacuously(&report);
    assert!(report.witnesses[pleg_core::Witness::RelistBlocked] > 0);
}

/// Evented PLEG's health rule (unhealthy while `len == cap`) on its own re-creates a stall:
/// the full channel closes the gate that is its only drain. No thread is blocked in a send.
#[test]
fn evented_health_stalls_with_no_blocked_sender_under_loom() {
    let report = loom(&Scenario::table(Design::EventedHealth, true));
    let Verdict::GatedStall(stall) = report.verdict else {
        panic!("expected the gated stall, found {:?}", report.verdict);
    };
    assert_eq!(stall.channel_len, stall.capacity);
    assert!(
        !stall.relist_blocked,
        "relist never blocks under select/default"
    );
}

/// The design a "holds" is guarded by: the same harness, handed the design with the one thing
/// that makes it hold taken away, must report the failure that thing prevents.
fn mutation_guard(design: Design, resync: bool) -> Option<(Design, bool, VerdictKind)> {
    match (design, resync) {
        // The fix without select/default: kubelet 1.12.
        (Design::DropWhenFull, true) => Some((Design::Blocking, true, VerdictKind::Deadlock)),
        // Records advanced before delivery again: the fix without its regeneration.
        (Design::RecordAfterSend, _) => {
            Some((Design::DropWhenFull, false, VerdictKind::LostUpdate))
        }
        // The drain gated again.
        (Design::UngatedDrain, _) => Some((Design::Blocking, resync, VerdictKind::Deadlock)),
        _ => None,
    }
}

/// Every design that holds in the design table has a guard, and the guard fires in the same
/// harness (loom at the default bound, the table's scenario): each "holds" is a check that can
/// fail.
#[test]
fn every_holding_design_has_a_mutation_guard_that_fires() {
    let mut guarded = 0;
    for &design in <Design as pleg_core::Named>::ALL {
        for resync in [false, true] {
            let scenario = Scenario::table(design, resync);
            let report = loom(&scenario);
            if report.verdict != Verdict::Holds {
                continue;
            }
            assert_holds_non_vacuously(&report);
            let (mutant, mutant_resync, fails_with) = mutation_guard(design, resync)
                .unwrap_or_else(|| panic!("{design} (resync {resync}) holds with no guard"));
            let guard = loom(&Scenario::table(mutant, mutant_resync));
            assert_eq!(guard.verdict.kind(), fails_with, "guard of {design}");
            guarded += 1;
        }
    }
    assert_eq!(
        guarded, 5,
        "drop-when-full (resync), record-after-send x2, ungated-drain x2"
    );
}

/// A "holds" that never reached the interesting states proves nothing, and is refuted: a
/// channel with room for every event never fills, so the fix "holds" vacuously.
#[test]
fn a_vacuous_holds_is_refuted() {
    let roomy = Scenario {
        capacity: 10,
        ..Scenario::smallest(Design::DropWhenFull)
    };
    let report = loom(&roomy);
    assert_eq!(report.verdict, Verdict::Holds);
    let claim = Claim::by_law(roomy, report.checker.clone());
    let refuted = claim.judge(&report).unwrap_err();
    assert_eq!(
        refuted,
        "holds, but vacuously: never reached channel full, discard"
    );
}

/// Witnesses are asked of a "holds" only: a counterexample is its own witness. The deadlock
/// loom finds in its first execution never drained mid-relist, and is still confirmed.
#[test]
fn a_failure_needs_no_witnesses() {
    let report = loom(&Scenario::smallest(Design::Blocking));
    assert_eq!(report.explored, 1);
    assert!(report.vacuity().is_some(), "{:?}", report.witnesses);
    let claim = Claim::by_law(report.scenario, report.checker.clone());
    assert_eq!(claim.judge(&report), Ok(()));
}

/// The gate as kubelet writes it — check, back off, retry — under shuttle with a step bound:
/// the blocking design exhausts the bound with syncLoop busy and nothing consumed (a
/// livelock), the fix finishes. This validates the wait-based gate the loom checks use.
#[test]
fn retry_gate_livelocks_the_blocking_design_and_not_the_fix_under_shuttle() {
    let retry = |design| Scenario {
        gate: Gate::Retry,
        ..Scenario::small(design)
    };
    let blocking = shuttle_random(&retry(Design::Blocking), 500);
    let Verdict::Livelock(cw) = blocking.verdict else {
        panic!("expected a livelock, found {:?}", blocking.verdict);
    };
    assert_eq!(cw.channel_len, cw.capacity);
    assert_eq!(
        shuttle_pct(&retry(Design::Blocking), 500).verdict.kind(),
        VerdictKind::Livelock
    );
    assert_holds_non_vacuously(&shuttle_random(&retry(Design::DropWhenFull), 500));
    assert_holds_non_vacuously(&shuttle_pct(&retry(Design::DropWhenFull), 500));
}

/// loom cannot run the retry gate (a stalled execution never ends): refused, not failed.
#[test]
fn loom_refuses_the_retry_gate() {
    let retry = Scenario {
        gate: Gate::Retry,
        ..Scenario::small(Design::Blocking)
    };
    let checker = Checker::Loom {
        preemption_bound: Some(1),
    };
    let err = pleg_check::check(&retry, &checker).unwrap_err();
    assert!(
        matches!(err, pleg_check::CheckError::Unsupported(_)),
        "{err:?}"
    );
}

/// The design-space table, cell by cell (loom at bound 2 to keep the test to seconds; the CLI
/// uses the default bound).
#[test]
fn the_design_table_says_what_each_design_does() {
    let rows = designs::explore(Some(2), 200).expect("every table cell is explorable");
    let row = |d: Design| rows.iter().find(|r| r.design == d).unwrap();
    for r in &rows {
        assert_eq!(r.loom_agrees, (true, true), "{}", r.design);
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
