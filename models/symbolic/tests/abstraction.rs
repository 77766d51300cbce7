//! The proof is about the machine the explicit checkers search: on a grid of small sizes, every
//! edge of the unreduced machine's reachable graph maps, for every choice of the marked pod, to
//! a move the counter model allows — so the counter model allows at least what the machine
//! does, and an invariant of it is one of the machine — and every theorem's invariant holds on
//! every reachable state where the theorem's hypothesis does.

use pleg_core::{Design, Gate, MapOrder, Named, Scenario, Timing};
use pleg_explicit::pods::Pods;
use pleg_explicit::StateMachine;
use pleg_symbolic::model::Param;
use pleg_symbolic::model::{abstraction, parameters, valuation, Action, STATE};
use pleg_symbolic::theorems::{all_theorems, Conjunct, Theorem};
use std::collections::HashSet;

type Image = [i64; STATE.len()];

/// Every design, gate, map order and timing at `C ≤ 4, P ≤ 3, K ≤ 3, R ≤ 3`: 5,184 cells. The
/// resync is off throughout: it changes how a clean end is judged, not a single move, so the
/// graphs with it on are these same graphs. The threshold is 0: the counter model keeps no
/// clock, and a tick is a stutter at every threshold.
fn grid() -> impl Iterator<Item = Scenario> {
    itertools::iproduct!(
        Design::ALL,
        [Gate::Wait, Gate::Retry],
        [MapOrder::Go, MapOrder::Fixed],
        [Timing::Anytime, Timing::Lockstep],
        1..=4usize,
        1..=3u32,
        1..=3u32,
        1..=3u32
    )
    .map(
        |(&design, gate, map_order, timing, capacity, pods, changes, relists)| Scenario {
            design,
            capacity,
            pods,
            relists,
            changes: Some(changes),
            threshold: 0,
            resync: false,
            gate,
            map_order,
            timing,
        },
    )
}

/// The distinct images of one scenario's reachable edges and states, over every choice of
/// the marked pod, and how many explicit edges there were.
fn images(scenario: &Scenario) -> (HashSet<(Image, Image)>, HashSet<Image>, usize) {
    let pods = Pods::new(scenario);
    let marked = 0..scenario.pods as usize;
    let (mut edges, mut states, mut explicit) = (HashSet::new(), HashSet::new(), 0);
    let mut seen = HashSet::from([pods.initial()]);
    let (mut todo, mut out) = (vec![pods.initial()], Vec::new());
    while let Some(st) = todo.pop() {
        states.extend(marked.clone().map(|m| abstraction(&st, m)));
        pods.successors(&st, &mut out);
        for (_, next) in out.drain(..) {
            explicit += 1;
            edges.extend(
                marked
                    .clone()
                    .map(|m| (abstraction(&st, m), abstraction(&next, m))),
            );
            if seen.insert(next.clone()) {
                todo.push(next);
            }
        }
    }
    (edges, states, explicit)
}

/// What one cell checked: explicit edges, distinct abstract edges, abstract state × theorem.
type Counts = [u64; 3];

/// Checks one cell: every abstract edge is a counter move, every invariant holds.
fn check(scenario: &Scenario, theorems: &[Theorem]) -> Counts {
    check_with(scenario, theorems, &Action::ALL)
}

/// [`check`], with the counter model's moves limited to `actions`.
fn check_with(scenario: &Scenario, theorems: &[Theorem], actions: &[Action]) -> Counts {
    let params = parameters(scenario);
    let moves: Vec<_> = actions
        .iter()
        .map(|a| a.relation(scenario.design))
        .collect();
    let invariants: Vec<_> = theorems
        .iter()
        .filter(|t| t.designs.contains(&scenario.design))
        .filter(|t| t.hypothesis().is_none_or(|h| h.holds(&params)))
        .map(|t| (t.invariant(scenario.design), t.safe.clone()))
        .collect();
    let (edges, states, explicit) = images(scenario);
    let mut counts = [explicit as u64, 0, 0];
    for (from, to) in edges {
        let mut env = valuation(&from, false);
        env.extend(valuation(&to, true));
        env.extend(params.clone());
        let image = moves.iter().any(|m| m.holds(&env));
        assert!(image, "{}: no counter move for {env:?}", scenario.label());
        counts[1] += 1;
    }
    for st in states {
        let mut env = valuation(&st, false);
        env.extend(params.clone());
        for (invariant, safe) in &invariants {
            for c in invariant {
                let at = || format!("{} {}", scenario.design.name(), scenario.label());
                assert!(
                    c.prop.holds(&env),
                    "{}: '{}' fails at {env:?}",
                    at(),
                    c.name
                );
            }
            assert!(safe.holds(&env));
            counts[2] += 1;
        }
    }
    counts
}

#[test]
fn every_explicit_edge_is_a_counter_move_and_every_invariant_holds() {
    let theorems = all_theorems();
    let cells: Vec<Scenario> = grid().collect();
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let totals = std::thread::scope(|s| {
        let workers: Vec<_> = (0..threads)
            .map(|i| {
                let (cells, theorems) = (&cells, &theorems);
                s.spawn(move || {
                    cells
                        .iter()
                        .skip(i)
                        .step_by(threads)
                        .fold([0; 3], |acc, c| {
                            let n = check(c, theorems);
                            [acc[0] + n[0], acc[1] + n[1], acc[2] + n[2]]
                        })
                })
            })
            .collect();
        workers.into_iter().fold([0u64; 3], |acc, w| {
            let n = w.join().expect("a cell failed (its message is above)");
            [acc[0] + n[0], acc[1] + n[1], acc[2] + n[2]]
        })
    });
    assert!(cells.len() >= 1000, "{} cells", cells.len());
    assert!(totals[1] > 10_000 && totals[2] > 10_000, "{totals:?}");
    eprintln!(
        "{} cells: {} explicit edges, {} distinct abstract edges, {} abstract state × theorem \
         checks",
        cells.len(),
        totals[0],
        totals[1],
        totals[2]
    );
}

/// The panic message of `f`, which must panic.
fn failure(f: impl FnOnce() + std::panic::UnwindSafe) -> String {
    let payload = std::panic::catch_unwind(f).expect_err("the check must fail");
    payload
        .downcast_ref::<String>()
        .cloned()
        .unwrap_or_default()
}

/// The same check fails on a counter model that lacks a move the machine makes, and on an
/// invariant that a reachable state breaks.
#[test]
fn the_check_fails_on_a_missing_move_and_on_a_false_invariant() {
    let smallest = Scenario::smallest(Design::Blocking);
    let theorems = all_theorems();
    let no_send: Vec<Action> = Action::ALL
        .into_iter()
        .filter(|&a| a != Action::Send)
        .collect();
    let missing = failure(|| {
        check_with(&smallest, &theorems, &no_send);
    });
    assert!(missing.contains("no counter move"), "{missing}");
    let mut wrong = all_theorems();
    wrong[1].key.push(Conjunct {
        name: "the channel never fills",
        why: "(false: the smallest blocking scenario fills its one slot)",
        prop: pleg_symbolic::model::queued(pleg_symbolic::model::now).lt(Param::C.term()),
    });
    let false_invariant = failure(|| {
        check(
            &Scenario {
                capacity: 2,
                ..smallest
            },
            &wrong,
        );
    });
    assert!(
        false_invariant.contains("'the channel never fills' fails"),
        "{false_invariant}"
    );
}
