//! The model under shuttle: random and PCT schedules, seeds pinned so CI is reproducible.
//!
//! shuttle samples; it proves nothing about the schedules it did not run. What it adds to loom
//! is scale: PCT finds the stall at kubelet's real size (capacity 1000, one relist of 1001
//! events), where exhaustive search is out of reach.

mod common;

use common::*;
use pleg_model::Design;
use pleg_models::{check, replay, Checker, DEFAULT_PCT_DEPTH, DEFAULT_SHUTTLE_SEED};

const SEED: u64 = DEFAULT_SHUTTLE_SEED;

fn random(iterations: usize) -> Checker {
    Checker::ShuttleRandom {
        iterations,
        seed: SEED,
    }
}

fn pct(iterations: usize) -> Checker {
    Checker::ShuttlePct {
        iterations,
        depth: DEFAULT_PCT_DEPTH,
        seed: SEED,
    }
}

#[test]
fn blocking_send_deadlocks_under_shuttle_random() {
    assert_circular_wait(&check(&small(Design::Blocking), &random(1_000)));
}

#[test]
fn blocking_send_deadlocks_under_shuttle_pct() {
    assert_circular_wait(&check(&small(Design::Blocking), &pct(1_000)));
}

/// kubelet's sizes: 1001 events into a channel of 1000. PCT finds it within a few iterations.
#[test]
fn blocking_send_deadlocks_at_kubelet_size_under_shuttle_pct() {
    let report = check(&kubelet(Design::Blocking), &pct(100));
    let cw = assert_circular_wait(&report);
    assert_eq!((cw.channel_len, cw.index), (1000, 1001));
    assert_eq!(cw.blocked_event, event(1, 1000));
}

#[test]
fn drop_when_full_never_deadlocks_under_shuttle_random() {
    assert_holds_non_vacuously(&check(&small(Design::DropWhenFull), &random(2_000)));
}

#[test]
fn drop_when_full_never_deadlocks_under_shuttle_pct() {
    assert_holds_non_vacuously(&check(&small(Design::DropWhenFull), &pct(2_000)));
}

#[test]
fn drop_when_full_never_deadlocks_at_kubelet_size_under_shuttle_pct() {
    assert_holds_non_vacuously(&check(&kubelet(Design::DropWhenFull), &pct(100)));
}

/// Mutation guard for the shuttle harness: same checker, same seed, blocking design → stall.
#[test]
fn shuttle_fix_harness_reports_the_stall_when_given_the_blocking_design() {
    assert_circular_wait(&check(&kubelet(Design::Blocking), &pct(100)));
}

/// A failing schedule replays to the same stall, deterministically.
#[test]
fn failing_schedule_replays_to_the_same_circular_wait() {
    let found = check(&small(Design::Blocking), &random(1_000));
    let schedule = found
        .schedule
        .clone()
        .expect("a shuttle failure records its schedule");
    let replayed = replay(&small(Design::Blocking), &schedule).expect("the schedule fits");
    assert_eq!(replayed.explored, 1);
    assert_eq!(
        assert_circular_wait(&replayed),
        assert_circular_wait(&found)
    );
    assert_eq!(
        replayed.counterexample.map(|e| e.steps),
        found.counterexample.map(|e| e.steps)
    );
}

#[test]
fn garbage_schedule_is_an_error_not_a_panic() {
    let err = replay(&small(Design::Blocking), "not a schedule").unwrap_err();
    assert!(err.starts_with("malformed schedule"), "{err}");
}

/// A kept counterexample: the schedule shuttle-random (seed 72482) found for capacity 2, three
/// pods, two relists, threshold 1. syncLoop is gated before the first relist, the clock makes
/// PLEG stale while relist is mid-batch, relist fills the channel and blocks on pod 2. Replayed
/// against today's model it must tell the same story; if the model changes so that this
/// schedule no longer fits, this test says so rather than silently finding a different bug.
#[test]
fn kept_schedule_still_replays_to_the_circular_wait() {
    const KEPT: &str = "91022293dd9af3f89a86ef85010040d9a22552924559b4254912";
    let scenario = pleg_model::Scenario {
        threshold: 1,
        ..small(Design::Blocking)
    };
    let replayed = replay(&scenario, KEPT).expect("the kept schedule fits the model");
    let cw = assert_circular_wait(&replayed);
    assert_eq!((cw.channel_len, cw.index, cw.of), (2, 3, 3));
    assert_eq!((cw.last_seen_ago, cw.threshold), (2, 1));
    assert_eq!(cw.blocked_event, event(1, 2));
    assert_eq!(replayed.counterexample.map(|e| e.steps.len()), Some(8));
}
