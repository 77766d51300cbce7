//! The same scenario on real threads (std's and parking_lot's locks): a smoke test that the
//! model is ordinary Rust.
//!
//! Real threads cannot be made to stall on demand without sleeps, so these runs use
//! configurations that must terminate: the fix (relist never waits for ever) and the blocking
//! design with room for every event. A lost wake-up in the channel or the gate would still hang
//! them, so each runs under a time limit and fails with a message instead of hanging CI. No test
//! asserts on timing: the limit is a watchdog, minutes above what a run takes.

use pleg_core::{Action, Design, MapOrder, Recorder, Scenario, Timing};
use pleg_kubelet::runtime::{ParkingLot, Runtime, Std};
use pleg_kubelet::watchdog::{self, within};
use pleg_kubelet::{run, run_with, Choices, Given};
use std::sync::mpsc;
use std::sync::Arc;
use std::time::Duration;

const WATCHDOG: Duration = watchdog::LIMIT;

/// Twenty runs of the fix with 5,000 events through a capacity-16 channel: every event is
/// received or counted as discarded, and every run ends.
fn drop_when_full_runs_to_completion<R: Runtime>() {
    within(WATCHDOG, "drop-when-full on real threads", || {
        let scenario = Scenario {
            capacity: 16,
            pods: 1_000,
            relists: 5,
            threshold: 3,
            // Every pod changes before every relist: 5,000 events to hand over.
            timing: Timing::Lockstep,
            ..Scenario::smallest(Design::DropWhenFull)
        };
        let recorder = Arc::new(Recorder::new());
        for _ in 0..20 {
            let outcome = run::<R>(&scenario, &recorder);
            assert_eq!(outcome.received + outcome.discarded, 5_000);
        }
        assert_eq!(recorder.executions(), 20);
    });
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
    let outcome = within(WATCHDOG, "blocking with room on real threads", || {
        let scenario = Scenario {
            capacity: 100,
            pods: 50,
            relists: 2,
            timing: Timing::Lockstep,
            ..Scenario::smallest(Design::Blocking)
        };
        run::<Std>(&scenario, &Arc::new(Recorder::new()))
    });
    assert_eq!((outcome.received, outcome.discarded), (100, 0));
}

/// The watchdog fires: a body that never finishes is reported, not waited for. (The body
/// waits on a channel nobody sends on — no sleep.)
#[test]
fn the_watchdog_reports_a_hang() {
    let hang = std::panic::catch_unwind(|| {
        let (_keep, never) = mpsc::channel::<()>();
        within(Duration::from_millis(10), "a hang", move || never.recv())
    });
    let message = *hang.unwrap_err().downcast::<String>().unwrap();
    assert!(message.starts_with("a hang: did not finish"), "{message}");
}

/// Two producers and two consumers through capacities 1 and 16, with blocking sends and drops:
/// every value sent is received exactly once, every wait ends (a lost wake-up in the spinning
/// condition variable would hang, and the watchdog would say so).
fn many_hand_over_every_value<R: Runtime>() {
    use pleg_kubelet::channel::Channel;
    use pleg_kubelet::runtime::spawn;
    within(WATCHDOG, "2 producers, 2 consumers", || {
        for capacity in [1, 16] {
            let ch = Arc::new(Channel::<R, u64>::new(capacity).unwrap());
            let producers: Vec<_> = (0..2u64)
                .map(|p| {
                    let ch = Arc::clone(&ch);
                    spawn::<R, _, _>("producer", move || {
                        let mut sent = 0;
                        for i in 0..50_000u64 {
                            let v = p * 1_000_000 + i;
                            if i % 3 == 0 {
                                sent += u64::from(ch.try_send(v).is_ok()) * v;
                            } else {
                                ch.send(v).unwrap();
                                sent += v;
                            }
                        }
                        sent
                    })
                })
                .collect();
            let consumers: Vec<_> = (0..2)
                .map(|_| {
                    let ch = Arc::clone(&ch);
                    spawn::<R, _, _>("consumer", move || {
                        std::iter::from_fn(|| ch.recv()).sum::<u64>()
                    })
                })
                .collect();
            let sent: u64 = producers.into_iter().map(|p| p.join()).sum();
            ch.close();
            let received: u64 = consumers.into_iter().map(|c| c.join()).sum();
            assert_eq!(sent, received, "capacity {capacity}");
        }
    });
}

#[test]
fn many_producers_and_consumers_hand_over_every_value_on_threads() {
    many_hand_over_every_value::<Std>();
}

#[test]
fn many_producers_and_consumers_hand_over_every_value_on_parking_lot_threads() {
    many_hand_over_every_value::<ParkingLot>();
}

/// Given map orders are followed relist by relist — the first relist in the first order, the
/// second in the second: loom's driver enumerates the orders through them, so a shifted or
/// ignored order would silently shrink what loom explores.
#[test]
fn given_map_orders_are_visited_relist_by_relist() {
    let visited = within(WATCHDOG, "given map orders on real threads", || {
        let scenario = Scenario {
            capacity: 10,
            pods: 3,
            relists: 2,
            map_order: MapOrder::Go,
            ..Scenario::smallest(Design::DropWhenFull)
        };
        let recorder = Arc::new(Recorder::new());
        // Ranks by pod: relist 1 visits pods 1, 2, 0; relist 2 visits 2, 0, 1.
        let given = Given {
            orders: vec![vec![2, 0, 1], vec![1, 2, 0]],
            changed: vec![vec![true; 3], vec![true; 3]],
        };
        run_with::<Std>(&scenario, &recorder, Choices::Given(given));
        sent_events(&recorder)
    });
    assert_eq!(visited, [(1, 1), (1, 2), (1, 0), (2, 2), (2, 0), (2, 1)]);
}

/// Given changes are followed: pods 0 and 2 change before relist 1, pods 1 and 2 before relist
/// 2, and pod 2 is said to change before relist 3 too — but it changes at most twice. Each
/// relist sends one event per pod that changed since it last listed it.
#[test]
fn given_changes_decide_which_pods_each_relist_sees_changed() {
    let (sent, outcome) = within(WATCHDOG, "given changes on real threads", || {
        let scenario = Scenario {
            capacity: 10,
            pods: 3,
            relists: 3,
            changes: Some(2),
            ..Scenario::smallest(Design::DropWhenFull)
        };
        let recorder = Arc::new(Recorder::new());
        let given = Given {
            orders: Vec::new(),
            changed: vec![
                vec![true, false, true],
                vec![false, true, true],
                vec![false, false, true],
            ],
        };
        let outcome = run_with::<Std>(&scenario, &recorder, Choices::Given(given));
        (sent_events(&recorder), outcome)
    });
    assert_eq!(sent, [(1, 0), (1, 2), (2, 1), (2, 2)]);
    assert_eq!((outcome.received, outcome.discarded), (4, 0));
}

/// On real threads Go's map order is random on every relist, as in Go: over 200 runs of one
/// relist of three pods (all changing: lockstep) every one of the six orders appears (a fixed
/// order would hide lost updates; the chance that a fair shuffle misses one order is below
/// 10^-15).
#[test]
fn real_threads_visit_the_pods_in_every_order() {
    let orders = within(WATCHDOG, "random map orders on real threads", || {
        let scenario = Scenario {
            capacity: 10,
            pods: 3,
            map_order: MapOrder::Go,
            timing: Timing::Lockstep,
            ..Scenario::smallest(Design::DropWhenFull)
        };
        let recorder = Arc::new(Recorder::new());
        let mut seen = std::collections::BTreeSet::new();
        for _ in 0..200 {
            run::<Std>(&scenario, &recorder);
            seen.insert(
                sent_events(&recorder)
                    .into_iter()
                    .map(|(_, pod)| pod)
                    .collect::<Vec<_>>(),
            );
        }
        seen
    });
    assert_eq!(orders.len(), 6, "{orders:?}");
}

/// The events relist sent in the last run, as (relist, pod), in the order it sent them.
fn sent_events(recorder: &Recorder) -> Vec<(u32, u32)> {
    recorder
        .last_execution()
        .steps
        .iter()
        .filter_map(|step| match step.action {
            Action::Sent { event, .. } => Some((event.relist, event.pod)),
            _ => None,
        })
        .collect()
}

/// On real threads when pods change is random, as when containers change: over 200 runs of one
/// relist of three pods that may each change once, every one of the eight sets of changed pods
/// is seen (the chance that fair coins miss one set is below 10^-11).
#[test]
fn real_threads_see_pods_change_at_any_time() {
    let changed = within(WATCHDOG, "random landings on real threads", || {
        let scenario = Scenario {
            capacity: 10,
            pods: 3,
            changes: Some(1),
            ..Scenario::smallest(Design::DropWhenFull)
        };
        let recorder = Arc::new(Recorder::new());
        let mut seen = std::collections::BTreeSet::new();
        for _ in 0..200 {
            run::<Std>(&scenario, &recorder);
            let mut pods: Vec<u32> = sent_events(&recorder).into_iter().map(|(_, p)| p).collect();
            pods.sort();
            seen.insert(pods);
        }
        seen
    });
    assert_eq!(changed.len(), 8, "{changed:?}");
}
