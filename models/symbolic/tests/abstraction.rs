//! The proof is about the machine the explicit checkers search: on a grid of small sizes, every
//! edge of the unreduced machine's reachable graph maps, for every choice of the marked pod, to
//! a move the counter model allows — so the counter model allows at least what the machine
//! does, and an invariant of it is one of the machine — and every theorem's invariant holds on
//! every reachable state where the theorem's hypothesis does. The converse is measured too: what
//! the counter model allows beyond the machine is exactly what `Action::not_kept` names.

use pleg_core::{Actor, Design, Gate, MapOrder, Named, Scenario, Timing};
use pleg_explicit::pods::Pods;
use pleg_explicit::{RelistAt, StateMachine};
use pleg_symbolic::model::Param;
use pleg_symbolic::model::{
    abstraction, action, next, parameters, rl, sl, valuation, Action, STATE,
};
use pleg_symbolic::term::{any, var, Env, Prop};
use pleg_symbolic::theorems::{all_theorems, Conjunct, Theorem};
use std::collections::{HashMap, HashSet};

type Image = [i64; STATE.len()];

/// Every design, gate, map order and timing at `C ≤ 4, P ≤ 3, K ≤ 3, R ≤ 3` with relistThreshold
/// 0 (5,184 cells), and at `C ≤ 3, P ≤ 2, K ≤ 2, R ≤ 2` with thresholds 1 and 2 (2,304 more),
/// where the clock runs on while relist works. The resync is off throughout: it changes how a
/// clean end is judged, not a single move, so the graphs with it on are these same graphs.
fn grid() -> impl Iterator<Item = Scenario> {
    grid_up_to(4, 3, 3, 3, 0..=0).chain(grid_up_to(3, 2, 2, 2, 1..=2))
}

/// The grid of every design, gate, map order and timing up to the sizes given.
fn grid_up_to(
    capacity: usize,
    pods: u32,
    changes: u32,
    relists: u32,
    thresholds: std::ops::RangeInclusive<u32>,
) -> impl Iterator<Item = Scenario> {
    itertools::iproduct!(
        Design::ALL,
        [Gate::Wait, Gate::Retry],
        [MapOrder::Go, MapOrder::Fixed],
        [Timing::Anytime, Timing::Lockstep],
        1..=capacity,
        1..=pods,
        1..=changes,
        1..=relists,
        thresholds
    )
    .map(
        |(&design, gate, map_order, timing, capacity, pods, changes, relists, threshold)| {
            Scenario {
                design,
                capacity,
                pods,
                relists,
                changes: Some(changes),
                threshold,
                resync: false,
                gate,
                map_order,
                timing,
            }
        },
    )
}

/// What the unreduced machine does, seen through the abstraction for every choice of the
/// marked pod: its abstract edges, each with the counter action its move maps to (an index in
/// [`Action::ALL`]); its abstract states, each with the actions enabled at some state of it (a
/// bit per action); and how many explicit edges there were. And, for the ranking function's
/// other half, relist's reachable states in a relist — visiting, and sending (holding an event
/// for a full channel) — with how many of each allow relist no move.
struct Images {
    edges: HashSet<(Image, usize, Image)>,
    states: HashMap<Image, u32>,
    explicit: usize,
    /// Visiting states: reached, and without a move of relist.
    visiting: [usize; 2],
    /// Sending states: reached, and without a move of relist.
    sending: [usize; 2],
}

fn images(scenario: &Scenario) -> Images {
    let pods = Pods::new(scenario);
    let marked = 0..scenario.pods as usize;
    let mut images = Images {
        edges: HashSet::new(),
        states: HashMap::new(),
        explicit: 0,
        visiting: [0; 2],
        sending: [0; 2],
    };
    let mut seen = HashSet::from([pods.initial()]);
    let (mut todo, mut out) = (vec![pods.initial()], Vec::new());
    while let Some(st) = todo.pop() {
        pods.successors(&st, &mut out);
        let stuck = !out.iter().any(|(mv, _)| mv.actor() == Actor::Relist);
        let tally = match st.relist {
            RelistAt::Visiting(_) => Some(&mut images.visiting),
            RelistAt::Sending(_) => Some(&mut images.sending),
            _ => None,
        };
        if let Some(tally) = tally {
            tally[0] += 1;
            tally[1] += usize::from(stuck);
        }
        for m in marked.clone() {
            let enabled = out.iter().map(|&(mv, _)| action(&st, mv, m).index());
            *images
                .states
                .entry(abstraction(scenario, &st, m))
                .or_default() |= enabled.fold(0, |bits, i| bits | 1 << i);
        }
        for (mv, next) in out.drain(..) {
            images.explicit += 1;
            images.edges.extend(marked.clone().map(|m| {
                let taken = action(&st, mv, m).index();
                (
                    abstraction(scenario, &st, m),
                    taken,
                    abstraction(scenario, &next, m),
                )
            }));
            if seen.insert(next.clone()) {
                todo.push(next);
            }
        }
    }
    images
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
            actions.contains(a).then(|| {
                a.relation(scenario.design, Some(scenario.gate))
                    .map_vars(&slot)
            })
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
                        .fold([0; 7], |acc, c| add(acc, check(c, theorems)))
                })
            })
            .collect();
        workers.into_iter().fold([0u64; 7], |acc, w| {
            add(acc, w.join().expect("a cell failed (its message is above)"))
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

/// How the counter model's moves out of the machine's abstract states fare, per action (in
/// [`Action::ALL`]'s order): taken by an explicit move of that action; not taken because no
/// explicit state of that image allows such a move (a guard the counter model does not keep);
/// not taken although one does (a value it does not keep). See [`Action::not_kept`].
type Converse = [[u64; 3]; Action::ALL.len()];

/// The counter model's moves out of every abstract state of `scenario`'s machine, classified;
/// `relation` gives each action's move relation.
fn converse(scenario: &Scenario, relation: &dyn Fn(Action) -> Prop) -> Converse {
    let params = parameters(scenario);
    let Images { edges, states, .. } = images(scenario);
    let mut counts = [[0; 3]; Action::ALL.len()];
    let mut row = Row::new(scenario);
    for (i, &action) in Action::ALL.iter().enumerate() {
        let relation = relation(action).map_vars(&slot);
        let writes: Vec<usize> = action
            .writes()
            .iter()
            .map(|w| STATE.iter().position(|(n, _)| n == w).unwrap())
            .collect();
        for (a, &enabled) in &states {
            let allowed = enabled & 1 << i != 0;
            each_successor(a, &writes, &params, &mut |b| {
                let row = row.set(a, b);
                if relation.is_true(&|s| row.value(s)) {
                    let class = match (edges.contains(&(*a, i, *b)), allowed) {
                        (true, _) => 0,
                        (false, false) => 1,
                        (false, true) => 2,
                    };
                    counts[i][class] += 1;
                }
            });
        }
    }
    counts
}

/// The values of a move's variables in one slice — the state before, the state after, the
/// parameters — so that evaluating a relation at millions of moves indexes it instead of looking
/// names up (see [`slot`]).
struct Row([i64; 2 * STATE.len() + Param::ALL.len()]);

impl Row {
    /// A row with `scenario`'s parameters, the states still to [`Row::set`].
    fn new(scenario: &Scenario) -> Row {
        let params = parameters(scenario);
        let mut row = [0; 2 * STATE.len() + Param::ALL.len()];
        for (r, p) in row[2 * STATE.len()..].iter_mut().zip(Param::ALL) {
            *r = params[p.name()];
        }
        Row(row)
    }

    fn set(&mut self, from: &Image, to: &Image) -> &Row {
        self.0[..STATE.len()].copy_from_slice(from);
        self.0[STATE.len()..2 * STATE.len()].copy_from_slice(to);
        self
    }

    fn value(&self, slot: &usize) -> i64 {
        self.0[*slot]
    }
}

/// Where variable `name`'s value sits in a [`Row`].
fn slot(name: &String) -> usize {
    let before = || STATE.iter().position(|&(s, _)| s == name);
    let after = || {
        STATE
            .iter()
            .position(|&(s, _)| next(s) == var(name.as_str()))
    };
    let param = || Param::ALL.iter().position(|p| p.name() == name);
    (before())
        .or_else(|| after().map(|i| STATE.len() + i))
        .or_else(|| param().map(|i| 2 * STATE.len() + i))
        .unwrap_or_else(|| panic!("no slot for variable {name}"))
}

/// The values variable `name` takes in the reachable states of the counter model at `params`
/// (the ranges its invariants prove).
fn range(name: &str, params: &Env) -> std::ops::RangeInclusive<i64> {
    match name {
        "rl" => 0..=rl::DONE,
        "sl" => 0..=sl::EXITED,
        "u" | "rec" => 0..=params["K"],
        "m" | "o" => 0..=params["C"],
        "uo" | "ro" => 0..=params["PK"] - params["K"],
        "vo" => 0..=params["P"] - 1,
        "n" => 1..=params["R"],
        "clk" => 0..=params["T"] + 1,
        "rt" => -1..=params["T"] + 1,
        _ => 0..=1,
    }
}

/// Calls `f` on every state that differs from `a` at most in the variables `writes`.
fn each_successor(a: &Image, writes: &[usize], params: &Env, f: &mut impl FnMut(&Image)) {
    match writes.split_first() {
        None => f(a),
        Some((&i, rest)) => {
            for v in range(STATE[i].0, params) {
                let mut b = *a;
                b[i] = v;
                each_successor(&b, rest, params, f);
            }
        }
    }
}

/// [`converse`] summed over `cells`.
fn converse_on(
    cells: &[Scenario],
    relation: &(dyn Fn(&Scenario, Action) -> Prop + Sync),
) -> Converse {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let sum = |mut total: Converse, n: Converse| {
        for (t, n) in total.iter_mut().zip(n) {
            (0..3).for_each(|c| t[c] += n[c]);
        }
        total
    };
    std::thread::scope(|s| {
        let workers: Vec<_> = (0..threads)
            .map(|i| {
                s.spawn(move || {
                    let each = cells.iter().skip(i).step_by(threads);
                    each.map(|c| converse(c, &|a| relation(c, a)))
                        .fold([[0; 3]; Action::ALL.len()], sum)
                })
            })
            .collect();
        let totals = workers.into_iter().map(|w| w.join().unwrap());
        totals.fold([[0; 3]; Action::ALL.len()], sum)
    })
}

/// Where the measured converse and [`Action::not_kept`] disagree, either way: a counter move
/// the machine does not take for a reason the table does not name, a reason named that no
/// move shows, a counter move the machine never takes.
fn disagreements(totals: &Converse) -> Vec<String> {
    let mut said = Vec::new();
    for (&action, counts) in Action::ALL.iter().zip(totals) {
        let name = action.name();
        if counts[0] == 0 {
            said.push(format!("the machine never takes '{name}'"));
        }
        let named = action.not_kept();
        for (what, (&n, reason)) in ["guard", "value"].iter().zip(counts[1..].iter().zip(named)) {
            match (n, reason) {
                (0, Some(r)) => said.push(format!("'{name}': no move shows the {what} '{r}'")),
                (n, None) if n > 0 => said.push(format!(
                    "'{name}': {n} moves lack a {what} the model says it keeps"
                )),
                _ => {}
            }
        }
    }
    said
}

/// The converse of the check above, measured on every design, gate, map order and timing at
/// `C ≤ 3, P ≤ 2, K ≤ 2, R ≤ 2` and thresholds 0 and 1 (2,304 cells): the counter model is a
/// simulation of the machine, not a bisimulation, and this says exactly where. Seven of its
/// fourteen moves are exact; the others allow more than the machine only for the reasons
/// [`Action::not_kept`] names — and each of those reasons shows on the grid.
#[test]
fn the_counter_model_adds_only_what_it_says_it_does_not_keep() {
    let cells: Vec<Scenario> = grid_up_to(3, 2, 2, 2, 0..=1).collect();
    assert!(cells.len() >= 1000, "{} cells", cells.len());
    let totals = converse_on(&cells, &|c, a| a.relation(c.design, Some(c.gate)));
    eprintln!("per counter move: taken by the machine, a guard not kept, a value not kept");
    for (action, [taken, guard, value]) in Action::ALL.iter().zip(totals) {
        eprintln!("{:45} {taken:>8} {guard:>8} {value:>8}", action.name());
    }
    assert_eq!(disagreements(&totals), Vec::<String>::new());
}

/// The same measure fails on a counter model that also lets syncLoop return from the gate
/// (Exit given Pass's move as well), and on one whose gate forgets PLEG's health (Pass as the
/// ungated design takes it): moves the machine never makes, where the table says Exit and
/// Pass are exact.
#[test]
fn the_converse_fails_on_a_move_the_machine_never_makes() {
    let cells: Vec<Scenario> = grid_up_to(1, 1, 1, 1, 0..=0).collect();
    let exact = |c: &Scenario, a: Action| a.relation(c.design, Some(c.gate));
    let broken = converse_on(&cells, &|c, a| match a {
        Action::Exit => any([exact(c, a), exact(c, Action::Pass)]),
        _ => exact(c, a),
    });
    let said = disagreements(&broken);
    let exit = said.iter().find(|s| s.starts_with("'syncLoop returns'"));
    assert!(exit.is_some_and(|s| s.contains("lack a guard")), "{said:?}");
    let healthless = converse_on(&cells, &|c, a| match a {
        Action::Pass => a.relation(Design::UngatedDrain, Some(c.gate)),
        _ => exact(c, a),
    });
    let said = disagreements(&healthless);
    let pass = said
        .iter()
        .find(|s| s.starts_with("'syncLoop passes the gate'"));
    assert!(pass.is_some_and(|s| s.contains("lack a guard")), "{said:?}");
}
