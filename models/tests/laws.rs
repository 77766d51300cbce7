//! The laws: every closed form confirmed on every cell of a grid by exhaustive search, and the
//! same harness shown to refute a law that is wrong.

use pleg_model::{Design, MapOrder, Scenario};
use pleg_models::explicit::reachable;
use pleg_models::laws::{self, Grid, LAWS};
use pleg_models::VerdictKind;

/// The default grid of `pleg-spec laws`: 10,368 cells, each searched exhaustively, every law
/// holds, no threshold changes a verdict, and the boundaries found are the closed forms'.
#[test]
fn every_law_holds_on_every_cell_of_the_grid() {
    let confirmation = laws::confirm(&Grid::default(), &None).expect("the grid is explorable");
    assert!(
        confirmation.disagreements.is_empty(),
        "{:?}",
        confirmation.disagreements
    );
    let cells: u64 = confirmation.tallies.iter().map(|t| t.cells).sum();
    assert_eq!(cells, 10_368);
    assert_eq!(
        (confirmation.threshold_cells, confirmation.threshold_agree),
        (3456, 3456)
    );
    for tally in &confirmation.tallies {
        for b in &tally.boundaries {
            assert_eq!(b.found, b.predicted, "{}: {b:?}", tally.name);
        }
    }
    assert_eq!(
        (
            confirmation.fixed_order_compared,
            confirmation.fixed_order_hides.len()
        ),
        (144, 13)
    );
    assert!(confirmation.all_confirmed());
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
    assert_eq!(laws::expected(&s(Design::Blocking, 1, 2)), Some(VerdictKind::Deadlock));
    assert_eq!(laws::expected(&s(Design::Blocking, 2, 2)), Some(VerdictKind::Holds));
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
