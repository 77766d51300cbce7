//! The laws: every closed form confirmed on every cell of a grid by exhaustive search, and the
//! same harness shown to refute a law that is wrong.

use pleg_check::confirm::{self, Grid};
use pleg_check::explicit::reachable;
use pleg_check::VerdictKind;
use pleg_core::laws::{self, LAWS};
use pleg_core::{Design, MapOrder, Scenario};

/// The default grid of `pleg-spec laws`: 16,128 cells, each searched exhaustively, every law
/// holds, no threshold changes a verdict, and the boundaries found are the closed forms'.
#[test]
fn every_law_holds_on_every_cell_of_the_grid() {
    let confirmation = confirm::confirm(&Grid::default(), &None).expect("the grid is explorable");
    assert!(
        confirmation.disagreements.is_empty(),
        "{:?}",
        confirmation.disagreements
    );
    let cells: u64 = confirmation.tallies.iter().map(|t| t.cells).sum();
    assert_eq!(cells, 16_128);
    assert_eq!(
        (confirmation.threshold_cells, confirmation.threshold_agree),
        (8064, 8064)
    );
    for tally in &confirmation.tallies {
        assert_eq!(tally.agree, tally.cells, "{}", tally.name);
        for b in &tally.boundaries {
            assert_eq!(b.found, b.predicted, "{}: {b:?}", tally.name);
        }
    }
    assert_eq!(
        (
            confirmation.fixed_order_compared,
            confirmation.fixed_order_hides.len()
        ),
        (336, 28)
    );
    // The smallest cell a fixed order hides is the suite's `reordered` scenario.
    assert_eq!(
        confirmation.fixed_order_hides.first(),
        Some(&Scenario::reordered(Design::DropWhenFull))
    );
    assert!(confirmation.all_confirmed());
    // The same summary says "no" when one cell disagrees or one threshold changes a verdict.
    let mut one_disagreement = confirmation.clone();
    one_disagreement.disagreements.push(confirm::Disagreement {
        scenario: Scenario::smallest(Design::Blocking),
        expected: VerdictKind::Deadlock,
        reached: vec![],
    });
    assert!(!one_disagreement.all_confirmed());
    let mut threshold_matters = confirmation;
    threshold_matters.threshold_agree -= 1;
    assert!(!threshold_matters.all_confirmed());
}

/// The harness can refute a law: the lost-update law, applied where it does not speak (a
/// fixed pod order), disagrees with the search on exactly the cells a fixed order hides.
#[test]
fn the_same_harness_refutes_a_law_that_is_wrong() {
    let law = &LAWS[2];
    let mut refuted = 0;
    for capacity in 1..=3 {
        for pods in 1..=3 {
            for changes in [1, 2] {
                let fixed = Scenario {
                    capacity,
                    events_per_relist: pods,
                    relists: 2,
                    changes: Some(changes),
                    resync: false,
                    map_order: MapOrder::Fixed,
                    ..Scenario::smallest(Design::DropWhenFull)
                };
                let reached = reachable(&fixed, false).unwrap();
                let predicted = law.fails(&fixed);
                if predicted != reached.contains(&VerdictKind::LostUpdate) {
                    refuted += 1;
                }
            }
        }
    }
    assert_eq!(refuted, 2);
}

/// What `check` and the suite expect comes from the laws; a fixed pod order without the resync
/// has no closed form, and says so rather than guessing.
#[test]
fn the_laws_give_the_expectation_or_say_there_is_none() {
    let s = |design, capacity, events_per_relist| Scenario {
        capacity,
        events_per_relist,
        ..Scenario::smallest(design)
    };
    assert_eq!(
        laws::expected(&s(Design::Blocking, 1, 2)),
        Some(VerdictKind::Deadlock)
    );
    assert_eq!(
        laws::expected(&s(Design::Blocking, 2, 2)),
        Some(VerdictKind::Holds)
    );
    assert_eq!(
        laws::expected(&s(Design::EventedHealth, 2, 2)),
        Some(VerdictKind::GatedStall)
    );
    assert_eq!(
        laws::expected(&s(Design::BlockingBigCapacity, 1, 2)),
        Some(VerdictKind::Holds)
    );
    let fixed = Scenario {
        resync: false,
        map_order: MapOrder::Fixed,
        ..s(Design::DropWhenFull, 1, 2)
    };
    assert_eq!(laws::expected(&fixed), None);
}

/// The lost-update boundary `L(P−1, K)` against the boundaries measured by exhaustive search
/// (`pleg-spec check --checker explicit --design drop-when-full --no-resync`, raising the
/// capacity until the verdict turns to holds) for pods 2–5 changing 1–6 times — beyond the
/// default grid — and the search itself on both sides of a few of them.
#[test]
fn the_lost_update_bound_is_the_measured_boundary() {
    let measured: [[u64; 6]; 4] = [
        [1, 2, 3, 3, 4, 5],
        [2, 4, 5, 6, 8, 8],
        [3, 6, 7, 9, 11, 12],
        [4, 8, 9, 12, 14, 16],
    ];
    for (n, row) in (1u64..).zip(measured) {
        for (k, bound) in (1u32..).zip(row) {
            assert_eq!(laws::lost_update_bound(n, k), bound, "n = {n}, K = {k}");
        }
    }
    assert_eq!(
        laws::lost_update_bound(0, 5),
        0,
        "a single pod is never lost"
    );
    assert_eq!(
        laws::lost_update_bound(3, 0),
        0,
        "pods that never change are never lost"
    );
    let unchanging = Scenario {
        events_per_relist: 4,
        relists: 2,
        changes: Some(0),
        resync: false,
        ..Scenario::smallest(Design::DropWhenFull)
    };
    assert!(reachable(&unchanging, true).unwrap().is_empty());
    for (pods, changes) in [(3, 3), (2, 5), (3, 4)] {
        let bound = laws::lost_update_bound(u64::from(pods) - 1, changes) as usize;
        for (capacity, lost) in [(bound, true), (bound + 1, false)] {
            let s = Scenario {
                capacity,
                events_per_relist: pods,
                relists: changes,
                resync: false,
                ..Scenario::smallest(Design::DropWhenFull)
            };
            let reached = reachable(&s, true).unwrap();
            assert_eq!(reached.contains(&VerdictKind::LostUpdate), lost, "{s:?}");
        }
    }
}
