//! The failing side of every law, shown by its witness: wherever a law says its failure is
//! reachable, the witness path exists and its replay on the explicit machine ends in that
//! failure; wherever the law says it is not, the witness has no path.

use pleg_check::explicit::replay_path;
use pleg_core::laws::law_for;
use pleg_core::{Design, Gate, MapOrder, Named, Scenario, Timing};
use pleg_symbolic::witness::Witness;

#[test]
fn every_law_fails_exactly_where_its_witness_replays_to_its_failure() {
    let (mut replayed, mut absent) = (0, 0);
    let grid = itertools::iproduct!(
        Design::ALL,
        [Gate::Wait, Gate::Retry],
        [true, false],
        [MapOrder::Go, MapOrder::Fixed],
        1..=6usize,
        1..=4u32,
        1..=3u32,
        1..=3u32,
        0..=2u32
    );
    for (&design, gate, resync, map_order, capacity, pods, changes, relists, threshold) in grid {
        let scenario = Scenario {
            design,
            capacity,
            pods,
            relists,
            changes: Some(changes),
            threshold,
            resync,
            gate,
            map_order,
            timing: Timing::Anytime,
        };
        let Some(law) = law_for(&scenario) else {
            continue;
        };
        let witness = Witness::of(law.kind).expect("a witness for every law");
        match (law.fails(&scenario), witness.path(&scenario)) {
            (true, Some(path)) => {
                let replay = replay_path(&scenario, &path.0)
                    .unwrap_or_else(|e| panic!("{}: {path}: {e}", scenario.label()));
                assert_eq!(
                    replay.verdict.kind(),
                    law.kind,
                    "{} {path}",
                    scenario.label()
                );
                replayed += 1;
            }
            (false, None) => absent += 1,
            (fails, path) => panic!("{}: law fails {fails}, witness {path:?}", scenario.label()),
        }
    }
    assert!(
        replayed > 1000 && absent > 1000,
        "{replayed} replayed, {absent} absent"
    );
    eprintln!("{replayed} witnesses replayed to their law's failure, {absent} cells without one");
}
