//! The explicit checker: exhaustive, no preemption bound, every map order — and held against
//! the unreduced search, loom and shuttle on the small grid.
//!
//! The grid: every design, capacity 1–3, pods 1–3, relists 1–3, pods changing on every relist,
//! once or twice, with and without the resync, thresholds 0–2, both gates. "Agree" means the
//! same failures are reachable (explicit, reduced or not), or that the failure another checker
//! reports is one the explicit search reaches, and it holds exactly where that search reaches
//! none.

mod common;

use common::*;
use pleg_check::explicit::{reachable, search};
use pleg_check::suite::Claim;
use pleg_check::{check, CheckError, Checker, Report, Schedule, Verdict, VerdictKind};
use pleg_core::{Design, Gate, MapOrder, Scenario, Timing};
use std::collections::BTreeSet;

fn explicit(scenario: &Scenario) -> Report {
    check(scenario, &Checker::Explicit { reduced: true }).expect("explicit explores it")
}

fn unreduced(scenario: &Scenario) -> Report {
    check(scenario, &Checker::Explicit { reduced: false }).expect("small enough")
}

/// The small grid for one timing: every design, capacity 1–3, pods up to `pods`, relists 1–3,
/// pods changing once per relist, once or twice, with and without the resync, at `thresholds`
/// under `gates`.
fn grid(timing: Timing, pods: u32, thresholds: &[u32], gates: &[Gate]) -> Vec<Scenario> {
    pleg_check::confirm::Grid {
        capacities: vec![1, 2, 3],
        pods: (1..=pods).collect(),
        relists: vec![1, 2, 3],
        changes: vec![None, Some(1), Some(2)],
        thresholds: thresholds.to_vec(),
        gates: gates.to_vec(),
        timings: vec![timing],
    }
    .scenarios()
    .collect()
}

/// The cells the reduced and unreduced searches are compared on: lockstep up to three pods at
/// thresholds 0–2 under the wait gate and 0 under the retry gate; pods changing at any time —
/// a larger search — the same with up to two pods, and three at threshold 0 over up to two
/// relists.
fn compared_cells() -> Vec<Scenario> {
    let mut cells = Vec::new();
    for (timing, pods) in [(Timing::Lockstep, 3), (Timing::Anytime, 2)] {
        cells.extend(grid(timing, pods, &[0, 1, 2], &[Gate::Wait]));
        cells.extend(grid(timing, pods, &[0], &[Gate::Retry]));
    }
    cells.extend(
        grid(Timing::Anytime, 3, &[0], &[Gate::Wait])
            .into_iter()
            .filter(|s| s.pods == 3 && s.relists <= 2),
    );
    cells
}

/// Whether a checker's verdict agrees with the failures the exhaustive search reaches.
fn agrees(verdict: VerdictKind, reached: &BTreeSet<VerdictKind>) -> bool {
    match verdict {
        VerdictKind::Holds => reached.is_empty(),
        kind => reached.contains(&kind),
    }
}

/// The reductions change no verdict: on every compared cell the reduced search reaches exactly
/// the failures the unreduced one does. The state counts are pinned, so a change to either
/// machine that grows or shrinks a search is noticed.
#[test]
fn the_reduced_and_unreduced_searches_agree_on_the_small_grid() {
    let (mut reduced_states, mut unreduced_states, mut cells) = (0, 0, 0);
    for scenario in compared_cells() {
        let (r, u) = (
            search(&scenario, true).unwrap(),
            search(&scenario, false).unwrap(),
        );
        assert_eq!(r.failures, u.failures, "{scenario}");
        reduced_states += r.states;
        unreduced_states += u.states;
        cells += 1;
    }
    assert_eq!(cells, 6696);
    assert_eq!((reduced_states, unreduced_states), (1_800_486, 18_557_694));
}

/// loom, running the real Rust model (channel, condvars, threads, pod cache) once per
/// assignment of Go's map order and of when pods change, agrees with the explicit search: in
/// lockstep on every cell at threshold 0 and on the cells up to capacity 2 and two pods at
/// threshold 1; with pods changing at any time on every cell with up to two pods and relists
/// at threshold 0. loom runs at preemption bound 1 — all it affords over so many cells in
/// seconds — and where the explicit search reaches a failure loom at bound 1 did not, the same
/// cell is explored again at bound 2, which must find it.
#[test]
fn loom_agrees_with_the_explicit_search_on_the_small_grid() {
    let small = |s: &Scenario| s.capacity <= 2 && s.pods <= 2;
    let loom_cells = grid(Timing::Lockstep, 3, &[0], &[Gate::Wait])
        .into_iter()
        .chain(
            grid(Timing::Lockstep, 2, &[1], &[Gate::Wait])
                .into_iter()
                .filter(small),
        )
        .chain(
            grid(Timing::Anytime, 2, &[0], &[Gate::Wait])
                .into_iter()
                .filter(|s| s.relists <= 2),
        );
    let (mut cells, mut raised) = (0, Vec::new());
    for scenario in loom_cells {
        let reached = reachable(&scenario, true).unwrap();
        let mut report = loom_at(&scenario, 1);
        if !agrees(report.verdict.kind(), &reached) {
            raised.push(scenario);
            report = loom_at(&scenario, 2);
        }
        assert!(
            agrees(report.verdict.kind(), &reached),
            "{scenario}: loom says {}, the explicit search reaches {reached:?}",
            report.verdict
        );
        cells += 1;
    }
    assert_eq!(cells, 972 + 432 + 432);
    assert_eq!(raised.len(), 1, "{raised:?}");
}

/// Data choices in every checker: on every lost-update cell of the small grid (the two designs
/// that drop events, pods changing once or twice, with and without the resync) loom (bound 1,
/// raised to 2 where needed), shuttle (random, 500 iterations, pinned seed) and the explicit
/// search agree — in lockstep up to three pods, at any time up to two.
#[test]
fn loom_shuttle_and_explicit_agree_on_every_lost_update_cell() {
    let mut lost = 0;
    let cells = grid(Timing::Lockstep, 3, &[0], &[Gate::Wait])
        .into_iter()
        .chain(grid(Timing::Anytime, 2, &[0], &[Gate::Wait]));
    for scenario in cells {
        let dropping = matches!(
            scenario.design,
            Design::DropWhenFull | Design::RecordAfterSend
        );
        if !dropping || scenario.changes.is_none() {
            continue;
        }
        let reached = reachable(&scenario, true).unwrap();
        let by_shuttle = shuttle_random(&scenario, 500);
        assert!(agrees(by_shuttle.verdict.kind(), &reached), "{scenario}");
        let mut by_loom = loom_at(&scenario, 1);
        if !agrees(by_loom.verdict.kind(), &reached) {
            by_loom = loom_at(&scenario, 2);
        }
        assert!(agrees(by_loom.verdict.kind(), &reached), "{scenario}");
        lost += u64::from(reached.contains(&VerdictKind::LostUpdate));
    }
    assert_eq!(lost, 30);
}

/// kubelet's own retry gate, exhaustively: the blocking design's stall is a fair cycle in
/// which syncLoop retries and nothing else can move — a livelock — and the fix has no fair
/// cycle: every cycle it has leaves relist enabled and never moving (weak fairness rules it
/// out).
#[test]
fn the_retry_gate_livelocks_blocking_and_not_the_fix() {
    let retry = |design| Scenario {
        gate: Gate::Retry,
        ..Scenario::small(design)
    };
    let blocking = explicit(&retry(Design::Blocking));
    let Verdict::Livelock(cw) = blocking.verdict else {
        panic!("expected a livelock, found {:?}", blocking.verdict);
    };
    assert_eq!(cw.channel_len, cw.capacity);
    let steps = &blocking.counterexample.as_ref().unwrap().steps;
    assert!(matches!(
        steps.last().unwrap().action,
        pleg_core::Action::SkippedUnhealthy { .. }
    ));
    assert_holds_non_vacuously(&explicit(&retry(Design::DropWhenFull)));
}

/// The counterexample has the fewest moves of any: the smallest stall is relist starting,
/// filling the one slot, blocking on the next pod's send, the clock ticking — and then nobody
/// can move.
#[test]
fn the_counterexample_is_the_shortest_and_replays() {
    let report = explicit(&Scenario::smallest(Design::Blocking));
    assert_circular_wait(&report);
    assert_eq!(
        report.schedule,
        Some(Schedule::Path("s.v0.v1.t".to_owned()))
    );
    let Some(Schedule::Path(path)) = report.schedule.clone() else {
        unreachable!()
    };
    let replayed = check(
        &report.scenario,
        &Checker::Replay {
            schedule: Schedule::Path(path),
        },
    )
    .unwrap();
    assert_eq!(replayed.verdict, report.verdict);
    assert_eq!(
        replayed.counterexample.map(|e| e.steps),
        report.counterexample.map(|e| e.steps)
    );
}

/// Each reduced counterexample is concretised into a path of the unreduced model, which
/// replays to the same verdict: for every failing cell of the grid at threshold 2.
#[test]
fn every_reduced_counterexample_replays_on_the_unreduced_model() {
    let mut replayed = 0;
    let cells = grid(Timing::Lockstep, 3, &[2], &[Gate::Wait, Gate::Retry])
        .into_iter()
        .chain(grid(Timing::Anytime, 3, &[2], &[Gate::Wait, Gate::Retry]));
    for scenario in cells {
        let report = explicit(&scenario);
        let Some(schedule) = report.schedule.clone() else {
            continue;
        };
        let again = check(&scenario, &Checker::Replay { schedule }).unwrap();
        assert_eq!(again.verdict.kind(), report.verdict.kind(), "{scenario:?}");
        replayed += 1;
    }
    assert_eq!(replayed, 1160);
}

/// What a fixed pod order hides, and when: with every pod changing in lockstep (twice, room
/// for two, no resync) the fix loses an update only if relist 2 visits the pods in another
/// order than relist 1; when pods change at any time, a fixed order loses it too.
#[test]
fn a_fixed_pod_order_hides_a_lost_update_only_in_lockstep() {
    let lockstep = Scenario {
        timing: Timing::Lockstep,
        ..Scenario::reordered(Design::DropWhenFull)
    };
    assert_lost_update(&explicit(&lockstep));
    let fixed = |s: Scenario| Scenario {
        map_order: MapOrder::Fixed,
        ..s
    };
    assert_eq!(unreduced(&fixed(lockstep)).verdict, Verdict::Holds);
    let anytime = fixed(Scenario::reordered(Design::DropWhenFull));
    assert_lost_update(&unreduced(&anytime));
    let refused = check(&anytime, &Checker::Explicit { reduced: true }).unwrap_err();
    assert!(matches!(refused, CheckError::Unsupported(_)), "{refused:?}");
}

/// The explicit "holds" for the fix has its guard in the same harness (the blocking design
/// stalls), is not vacuous, and a vacuous run is refuted.
#[test]
fn explicit_holds_is_guarded_and_non_vacuous() {
    let burst = |design| Scenario {
        capacity: 100,
        pods: 101,
        ..Scenario::smallest(design)
    };
    assert_holds_non_vacuously(&explicit(&burst(Design::DropWhenFull)));
    assert_circular_wait(&explicit(&burst(Design::Blocking)));
    let roomy = Scenario {
        capacity: 10,
        ..Scenario::smallest(Design::DropWhenFull)
    };
    let report = explicit(&roomy);
    let claim = Claim::by_law(roomy, report.checker.clone());
    assert_eq!(
        claim.judge(&report),
        Err("holds, but vacuously: never reached channel full, discard".to_owned())
    );
}

/// Sizes the search cannot hold are refused before it starts, in one line.
#[test]
fn absurd_sizes_are_refused_before_any_search() {
    let absurd = Scenario {
        capacity: 1_000_000_000,
        pods: 60_000,
        relists: 100,
        ..Scenario::smallest(Design::DropWhenFull)
    };
    let err = check(&absurd, &Checker::Explicit { reduced: true }).unwrap_err();
    assert!(matches!(err, CheckError::TooLarge(_)), "{err:?}");
    assert!(err.to_string().contains("states"), "{err}");
    let named = Scenario {
        pods: 70_000,
        ..Scenario::smallest(Design::Blocking)
    };
    let err = check(&named, &Checker::Explicit { reduced: true }).unwrap_err();
    assert!(err.to_string().contains("at most 65535 pods"), "{err}");
    let too_many_pods = Scenario {
        pods: 11,
        ..Scenario::smallest(Design::Blocking)
    };
    let err = check(&too_many_pods, &Checker::Explicit { reduced: false }).unwrap_err();
    assert!(err.to_string().contains("--unreduced"), "{err}");
}

/// Every loom and shuttle counterexample of the grid (threshold 0, capacity and pods up to 2)
/// is a walk through the explicit model: its steps map to moves the model allows, ending in a
/// state that shows the same failure. (This is how a counterexample opens in the play page.)
#[test]
fn every_loom_and_shuttle_trace_walks_the_explicit_model() {
    use pleg_check::explicit::graph::Graph;
    use pleg_check::explicit::path_of_trace;
    let mut walked = 0;
    let small = grid(Timing::Lockstep, 2, &[0], &[Gate::Wait, Gate::Retry])
        .into_iter()
        .chain(grid(Timing::Anytime, 2, &[0], &[Gate::Wait, Gate::Retry]))
        .filter(|s| s.capacity <= 2 && s.relists <= 2);
    for scenario in small {
        let graph = Graph::explore(&scenario, 100_000).unwrap();
        let reports = [
            (scenario.gate == Gate::Wait).then(|| loom_at(&scenario, 1)),
            Some(shuttle_random(&scenario, 200)),
        ];
        for report in reports.into_iter().flatten() {
            let Some(execution) = &report.counterexample else {
                continue;
            };
            let path = path_of_trace(&graph, execution)
                .unwrap_or_else(|| panic!("{scenario:?}: {} trace does not walk", report.checker));
            let end = graph.follow(&path.0).expect("the path follows the graph");
            assert_eq!(
                graph.failure[end],
                Some(report.verdict.kind()),
                "{scenario:?} {}: {path}",
                report.checker
            );
            walked += 1;
        }
    }
    assert_eq!(walked, 408);
}

/// The search on two threads is the search on one: the same states, moves, witnesses, widest
/// layer, verdict and counterexample — and the two-thread runs did share most of their states
/// (the property is about the parallel path, not the short runs kept on one thread).
#[test]
fn every_count_is_the_same_on_one_thread_and_on_two() {
    let on = |threads: usize, scenario: &Scenario| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("a thread pool");
        pool.install(|| explicit(scenario))
    };
    let mut shared = 0;
    let cases = [
        (Design::Blocking, Gate::Wait),
        (Design::Blocking, Gate::Retry), // a livelock: found on the layer's edges
        (Design::DropWhenFull, Gate::Wait),
        (Design::EventedHealth, Gate::Wait),
    ];
    for (design, gate) in cases {
        let scenario = Scenario {
            capacity: 100,
            pods: 101,
            relists: 1,
            gate,
            resync: design != Design::DropWhenFull,
            ..Scenario::smallest(design)
        };
        let (one, two) = (on(1, &scenario), on(2, &scenario));
        let (a, b) = (one.search.unwrap(), two.search.unwrap());
        assert_eq!((a.threads, b.threads), (1, 2));
        assert_eq!(a.states_in_parallel, 0, "one thread shares nothing");
        assert_eq!(
            (a.states, a.transitions, a.widest_layer),
            (b.states, b.transitions, b.widest_layer),
            "{design}"
        );
        assert_eq!(one.witnesses, two.witnesses, "{design}");
        assert_eq!(one.verdict, two.verdict, "{design}");
        assert_eq!(one.schedule, two.schedule, "{design}");
        shared += b.states_in_parallel * 2 / b.states;
    }
    assert!(shared >= 3, "the parallel path barely ran");
}

/// The page graph's two searches are what they say: `path_to` leads to its state and no edge
/// offers a shorter way (so every path is a shortest one), and `distances_to` is 0 exactly at
/// the goal (here: every final state) and otherwise one more than the nearest successor's (`None` when no successor has
/// one) — the equations that define the distance, checked at every state of four scenarios.
#[test]
fn the_page_graphs_paths_are_shortest_and_its_distances_exact() {
    use pleg_check::explicit::graph::Graph;
    let mut checked = 0;
    for (design, gate) in [
        (Design::Blocking, Gate::Wait),
        (Design::Blocking, Gate::Retry),
        (Design::DropWhenFull, Gate::Wait),
        (Design::EventedHealth, Gate::Wait),
    ] {
        let scenario = Scenario {
            capacity: 1,
            pods: 2,
            relists: 2,
            gate,
            ..Scenario::smallest(design)
        };
        let graph = Graph::explore(&scenario, 100_000).unwrap();
        let goal = |s: usize| graph.failure[s].is_some() || graph.clean[s];
        let distance = graph.distances_to(goal);
        assert!(graph.path_to(0).is_empty());
        for (s, out) in graph.moves.iter().enumerate() {
            let path = graph.path_to(s);
            assert_eq!(graph.follow(&path), Some(s), "{design}: path to {s}");
            for &(_, to) in out {
                assert!(
                    graph.path_to(to).len() <= path.len() + 1,
                    "{design}: {s}→{to}"
                );
            }
            let nearest = out.iter().filter_map(|&(_, to)| distance[to]).min();
            let expected = if goal(s) {
                Some(0)
            } else {
                nearest.map(|d| d + 1)
            };
            assert_eq!(distance[s], expected, "{design}: distance at {s}");
        }
        assert!(
            distance.iter().any(|d| d.is_some_and(|d| d >= 2)),
            "{design}: a far goal"
        );
        checked += graph.states.len();
    }
    assert!(checked > 100, "{checked} states");
}

/// A page graph is refused exactly when its scenario has more states than the limit.
#[test]
fn a_page_graph_is_refused_exactly_beyond_its_limit() {
    use pleg_check::explicit::graph::Graph;
    let scenario = Scenario {
        capacity: 1,
        pods: 2,
        ..Scenario::smallest(Design::Blocking)
    };
    let n = Graph::explore(&scenario, usize::MAX).unwrap().states.len();
    assert!(Graph::explore(&scenario, n).is_ok());
    for limit in 1..n {
        let refused = Graph::explore(&scenario, limit).unwrap_err().to_string();
        assert!(
            refused.contains(&format!("more than {limit} states")),
            "{refused}"
        );
    }
}

/// The page graph judges a cycle as the engine does: the fix with kubelet's retry gate has
/// cycles — syncLoop retrying while PLEG is stale — but relist can always move in them (often
/// by one of several visits), so none is a livelock, and no state of its graph fails.
#[test]
fn a_page_graph_has_no_livelock_where_relist_could_move() {
    use pleg_check::explicit::graph::Graph;
    use pleg_check::explicit::moves::Move;
    let scenario = Scenario {
        capacity: 1,
        pods: 2,
        relists: 2,
        gate: Gate::Retry,
        ..Scenario::smallest(Design::DropWhenFull)
    };
    let graph = Graph::explore(&scenario, 100_000).unwrap();
    let retry_loops_beside_visits = (0..graph.states.len()).filter(|&s| {
        let out = &graph.moves[s];
        let visits = out.iter().filter(|(m, _)| matches!(m, Move::Visit { .. }));
        out.contains(&(Move::Retry, s)) && visits.count() >= 2
    });
    assert!(
        retry_loops_beside_visits.count() > 0,
        "no retry loop beside two visits"
    );
    let failing = graph.failure.iter().filter(|f| f.is_some()).count();
    assert_eq!(failing, 0, "the fix's retry loops judged as failures");
}
