//! The laws: every closed form confirmed on every cell of a grid by exhaustive search, and the
//! same harness shown to refute a law that is wrong.

use pleg_check::confirm::{self, Grid};
use pleg_check::explicit::reachable;
use pleg_check::VerdictKind;
use pleg_core::laws::{self, Bound, Law, LAWS};
use pleg_core::{Design, MapOrder, Scenario, Timing};

/// The grid of `pleg-spec laws` with pods up to 3 (the CLI's goes to 4: a minute): every cell
/// searched exhaustively, every law holds, no threshold changes a verdict, and the boundaries
/// found are the closed forms'.
#[test]
fn every_law_holds_on_every_cell_of_the_grid() {
    let grid = test_grid();
    let confirmation = confirm::confirm(&grid, &None).expect("the grid is explorable");
    assert!(
        confirmation.disagreements.is_empty(),
        "{:?}",
        confirmation.disagreements
    );
    let cells: u64 = confirmation.tallies.iter().map(|t| t.cells).sum();
    assert_eq!(cells, grid.len() as u64);
    let thresholds = confirmation.thresholds.expect("two thresholds compared");
    assert_eq!(thresholds.cells, thresholds.agree);
    for tally in &confirmation.tallies {
        assert_eq!(tally.agree, tally.cells, "{}", tally.name());
        for b in &tally.boundaries {
            assert_eq!(b.found, b.predicted, "{}: {b:?}", tally.name());
        }
    }
    assert!(confirmation.all_confirmed());
    // When pods change at any time, a fixed order hides nothing; lockstep hides lost updates.
    let (fixed, lockstep) = (
        &confirmation.fixed_order_hides,
        &confirmation.lockstep_hides,
    );
    assert!(fixed.compared > 0 && fixed.cells.is_empty(), "{fixed:?}");
    assert!(!lockstep.cells.is_empty(), "{lockstep:?}");
    // The same summary says "no" when one cell disagrees or one threshold changes a verdict.
    let mut one_disagreement = confirmation.clone();
    one_disagreement.disagreements.push(confirm::Disagreement {
        scenario: Scenario::smallest(Design::Blocking),
        expected: VerdictKind::Deadlock,
        reached: vec![],
    });
    assert!(!one_disagreement.all_confirmed());
    let mut threshold_matters = confirmation;
    threshold_matters.thresholds = Some(confirm::ThresholdAgreement {
        cells: thresholds.cells,
        agree: thresholds.agree - 1,
    });
    assert!(!threshold_matters.all_confirmed());
}

fn test_grid() -> Grid {
    Grid {
        pods: (1..=3).collect(),
        ..Grid::default()
    }
}

/// The lockstep grid of the laws: the lockstep lost-update bound `L(P−1, K)` holds there, and
/// a fixed pod order hides lost updates only in lockstep.
#[test]
fn the_lockstep_laws_hold_on_their_grid() {
    let grid = Grid {
        thresholds: vec![0],
        timings: vec![Timing::Lockstep],
        ..test_grid()
    };
    let confirmation = confirm::confirm(&grid, &None).unwrap();
    assert!(
        confirmation.all_confirmed(),
        "{:?}",
        confirmation.disagreements
    );
    assert_eq!(confirmation.thresholds, None, "one threshold: untested");
    let fixed = &confirmation.fixed_order_hides;
    assert_eq!((fixed.compared, fixed.cells.len()), (162, 11));
    assert_eq!(
        fixed.cells.first(),
        Some(&Scenario {
            timing: Timing::Lockstep,
            ..Scenario::reordered(Design::DropWhenFull)
        })
    );
}

/// The harness can refute a law: each law with its boundary moved by one disagrees with the
/// search on some cell of a small grid.
#[test]
fn the_same_harness_refutes_a_law_moved_by_one() {
    let grid = Grid {
        capacities: (1..=5).collect(),
        pods: (1..=3).collect(),
        relists: (1..=2).collect(),
        changes: vec![None],
        thresholds: vec![0],
        ..Grid::default()
    };
    let cells = confirm::explore(&grid, &None).unwrap();
    for (i, law) in LAWS
        .iter()
        .enumerate()
        .filter(|(_, l)| l.bound != Bound::LockstepLoss)
    {
        let Bound::Linear {
            per_pod_change,
            per_change,
            constant,
        } = law.bound
        else {
            unreachable!()
        };
        for shift in [-1, 1] {
            let moved = Law {
                bound: Bound::Linear {
                    per_pod_change,
                    per_change,
                    constant: constant + shift,
                },
                ..*law
            };
            let refuted = cells
                .iter()
                .filter(|c| (moved.applies)(&c.scenario))
                .any(|c| moved.fails(&c.scenario) != c.reached.contains(&law.kind));
            assert!(refuted, "law {i} moved by {shift} went unnoticed");
        }
    }
}

/// What `check` and the suite expect comes from the laws; lockstep changes under a fixed pod
/// order without the resync have no closed form, and say so rather than guessing.
#[test]
fn the_laws_give_the_expectation_or_say_there_is_none() {
    let s = |design, capacity, pods| Scenario {
        capacity,
        pods,
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
    assert_eq!(laws::expected(&fixed), Some(VerdictKind::LostUpdate));
    let lockstep_fixed = Scenario {
        timing: Timing::Lockstep,
        ..fixed
    };
    assert_eq!(laws::expected(&lockstep_fixed), None);
}

/// The lost-update boundaries against those measured by exhaustive search (raising the
/// capacity until the verdict turns to holds) for pods 2–5 changing 1–6 times — beyond the
/// default grid: `(P−1)·K` when pods change at any time (checked at a few cells), the smaller
/// `L(P−1, K)` in lockstep (measured before, pinned).
#[test]
fn the_lost_update_bounds_are_the_measured_boundaries() {
    let lockstep_measured: [[u64; 6]; 4] = [
        [1, 2, 3, 3, 4, 5],
        [2, 4, 5, 6, 8, 8],
        [3, 6, 7, 9, 11, 12],
        [4, 8, 9, 12, 14, 16],
    ];
    for (n, row) in (1u64..).zip(lockstep_measured) {
        for (k, bound) in (1u32..).zip(row) {
            assert_eq!(laws::lockstep_loss_bound(n, k), bound, "n = {n}, K = {k}");
        }
    }
    assert_eq!(
        laws::lockstep_loss_bound(0, 5),
        0,
        "a single pod is never lost"
    );
    let search = |pods, changes, capacity, timing| {
        let s = Scenario {
            capacity,
            pods,
            relists: changes,
            resync: false,
            timing,
            ..Scenario::smallest(Design::DropWhenFull)
        };
        reachable(&s, true)
            .unwrap()
            .contains(&VerdictKind::LostUpdate)
    };
    for (pods, changes) in [(3, 3), (2, 5), (4, 3)] {
        let anytime = (pods as usize - 1) * changes as usize;
        assert!(search(pods, changes, anytime, Timing::Anytime));
        assert!(!search(pods, changes, anytime + 1, Timing::Anytime));
        let lockstep = laws::lockstep_loss_bound(u64::from(pods) - 1, changes) as usize;
        assert!(search(pods, changes, lockstep, Timing::Lockstep));
        assert!(!search(pods, changes, lockstep + 1, Timing::Lockstep));
    }
}
