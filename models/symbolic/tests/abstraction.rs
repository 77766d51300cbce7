//! The proof is about the machine the explicit checkers search: on a grid of small sizes, every
//! edge of the unreduced machine's reachable graph maps, for every choice of the marked pod, to
//! a move the counter model allows — so the counter model allows at least what the machine
//! does, and an invariant of it is one of the machine — and every theorem's invariant holds on
//! every reachable state where the theorem's hypothesis does. (`converse.rs` measures the other
//! way.)

mod common;

use common::{grid_up_to, images, over_cells, slot, Image, Images, Row};
use pleg_core::Named;
use pleg_core::{Design, Scenario};
use pleg_symbolic::model::{parameters, valuation, Action, Param, Variant};
use pleg_symbolic::theorems::{all_theorems, Conjunct, Theorem};

/// Every design, gate, map order and timing at `C ≤ 4, P ≤ 3, K ≤ 3, R ≤ 3` with relistThreshold
/// 0 (5,184 cells), and at `C ≤ 3, P ≤ 2, K ≤ 2, R ≤ 2` with thresholds 1 and 2 (2,304 more),
/// where the clock runs on while relist works. The resync is off throughout: it changes how a
/// clean end is judged, not a single move, so the graphs with it on are these same graphs.
fn grid() -> impl Iterator<Item = Scenario> {
    grid_up_to(4, 3, 3, 3, 0..=0).chain(grid_up_to(3, 2, 2, 2, 1..=2))
}

/// What one cell checked: explicit edges, distinct abstract edges, abstract state × theorem,
/// visiting states, of them without a move of relist, sending states, of them without one.
type Counts = [u64; 7];

/// Checks one cell: every abstract edge is a move of its own counter action, every invariant
/// holds.
fn check(scenario: &Scenario, theorems: &[Theorem]) -> Counts {
    check_with(scenario, theorems, &Action::ALL)
}

/// [`check`], with the counter model's moves limited to `actions`.
fn check_with(scenario: &Scenario, theorems: &[Theorem], actions: &[Action]) -> Counts {
    let params = parameters(scenario);
    let moves: Vec<Option<_>> = Action::ALL
        .iter()
        .map(|a| {
            actions
                .contains(a)
                .then(|| a.relation(Variant::of(scenario)).map_vars(&slot))
        })
        .collect();
    let invariants: Vec<_> = theorems
        .iter()
        .filter(|t| t.designs.contains(&scenario.design))
        .filter(|t| t.hypothesis().is_none_or(|h| h.holds(&params)))
        .map(|t| {
            let each = t.invariant(scenario.design).into_iter();
            let invariant: Vec<_> = each.map(|c| (c.name, c.prop.map_vars(&slot))).collect();
            (invariant, t.safe.map_vars(&slot))
        })
        .collect();
    let Images {
        edges,
        states,
        explicit,
        visiting,
        sending,
    } = images(scenario);
    let [v, vs, s, ss] = [visiting[0], visiting[1], sending[0], sending[1]].map(|n| n as u64);
    let mut counts = [explicit as u64, 0, 0, v, vs, s, ss];
    let at = |from: &Image, to: &Image| {
        let mut env = valuation(from, false);
        env.extend(valuation(to, true));
        env.extend(params.clone());
        format!("{} {} at {env:?}", scenario.design.name(), scenario.label())
    };
    let mut row = Row::new(scenario);
    for (from, taken, to) in edges {
        let row = row.set(&from, &to);
        let image = moves[taken]
            .as_ref()
            .is_some_and(|m| m.is_true(&|s| row.value(s)));
        let name = Action::ALL[taken].name();
        assert!(image, "no counter move '{name}': {}", at(&from, &to));
        counts[1] += 1;
    }
    for st in states.into_keys() {
        let row = row.set(&st, &st);
        let value = |s: &usize| row.value(s);
        for (invariant, safe) in &invariants {
            for (name, prop) in invariant {
                assert!(prop.is_true(&value), "'{name}' fails: {}", at(&st, &st));
            }
            assert!(safe.is_true(&value), "unsafe: {}", at(&st, &st));
            counts[2] += 1;
        }
    }
    counts
}

#[test]
fn every_explicit_edge_is_a_counter_move_and_every_invariant_holds() {
    let theorems = all_theorems();
    let cells: Vec<Scenario> = grid().collect();
    let totals = over_cells(&cells, [0; 7], &|c| check(c, &theorems), &add);
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
    // The ranking function bounds relist's moves in a relist; that one is always enabled there
    // unless relist holds an event for a full channel is the machine's, checked here. The
    // count of stuck sending states shows the same tally finds a relist with no move.
    let [visiting, stuck_visiting, sending, stuck_sending] = [3, 4, 5, 6].map(|i| totals[i]);
    eprintln!(
        "relist in a relist: {visiting} visiting states, {stuck_visiting} without a move of \
         relist; {sending} sending, {stuck_sending} without one"
    );
    assert_eq!(stuck_visiting, 0, "a visiting relist with no move");
    assert!(visiting > 10_000 && stuck_sending > 1_000, "{totals:?}");
}

fn add(a: Counts, b: Counts) -> Counts {
    std::array::from_fn(|i| a[i] + b[i])
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
    let missing = pleg_core::panics::of(|| {
        check_with(&smallest, &theorems, &no_send);
    });
    assert!(missing.contains("no counter move"), "{missing}");
    let mut wrong = all_theorems();
    wrong[1].key.push(Conjunct {
        name: "the channel never fills",
        why: "(false: the smallest blocking scenario fills its one slot)",
        prop: pleg_symbolic::model::queued(pleg_symbolic::model::now).lt(Param::C.term()),
    });
    let false_invariant = pleg_core::panics::of(|| {
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
