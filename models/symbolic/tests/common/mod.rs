//! What the tests of the abstraction share: the grid of scenarios, the unreduced machine's
//! graph seen through the abstraction, and a move relation evaluated at concrete states. (Each
//! test binary uses a part of it, so the rest is dead code there.)
#![allow(dead_code)]

use pleg_core::{Actor, Design, Gate, MapOrder, Named, Scenario, Timing};
use pleg_explicit::moves::Move;
use pleg_explicit::pods::{Pods, State};
use pleg_explicit::{RelistAt, StateMachine};
use pleg_symbolic::model::{abstraction, action, next, parameters, rl, sl, Action, Param, STATE};
use pleg_symbolic::term::{var, Env, Prop};
use std::collections::{HashMap, HashSet};

pub type Image = [i64; STATE.len()];

/// The grid of every design, gate, map order and timing up to the sizes given.
pub fn grid_up_to(
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
pub struct Images {
    pub edges: HashSet<(Image, usize, Image)>,
    pub states: HashMap<Image, u32>,
    pub explicit: usize,
    /// Visiting states: reached, and without a move of relist.
    pub visiting: [usize; 2],
    /// Sending states: reached, and without a move of relist.
    pub sending: [usize; 2],
}

pub fn images(scenario: &Scenario) -> Images {
    let marked = 0..scenario.pods as usize;
    let mut images = Images {
        edges: HashSet::new(),
        states: HashMap::new(),
        explicit: 0,
        visiting: [0; 2],
        sending: [0; 2],
    };
    each_reachable(scenario, |st, out| {
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
            let enabled = out.iter().map(|&(mv, _)| action(st, mv, m).index());
            *images
                .states
                .entry(abstraction(scenario, st, m))
                .or_default() |= enabled.fold(0, |bits, i| bits | 1 << i);
        }
        for (mv, next) in out {
            images.explicit += 1;
            images.edges.extend(marked.clone().map(|m| {
                let taken = action(st, *mv, m).index();
                (
                    abstraction(scenario, st, m),
                    taken,
                    abstraction(scenario, next, m),
                )
            }));
        }
    });
    images
}

/// Calls `f` on every reachable state of `scenario`'s unreduced machine, with its moves.
pub fn each_reachable(scenario: &Scenario, mut f: impl FnMut(&State, &[(Move, State)])) {
    let pods = Pods::new(scenario);
    let mut seen = HashSet::from([pods.initial()]);
    let (mut todo, mut out) = (vec![pods.initial()], Vec::new());
    while let Some(st) = todo.pop() {
        pods.successors(&st, &mut out);
        f(&st, &out);
        for (_, next) in out.drain(..) {
            if seen.insert(next.clone()) {
                todo.push(next);
            }
        }
    }
}

/// `f` of every cell, summed by `sum` from `zero`, the cells shared out over the cores.
pub fn over_cells<T: Copy + Send + Sync>(
    cells: &[Scenario],
    zero: T,
    f: &(dyn Fn(&Scenario) -> T + Sync),
    sum: &(dyn Fn(T, T) -> T + Sync),
) -> T {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    std::thread::scope(|s| {
        let workers: Vec<_> = (0..threads)
            .map(|i| {
                let each = cells.iter().skip(i).step_by(threads);
                s.spawn(move || each.fold(zero, |acc, c| sum(acc, f(c))))
            })
            .collect();
        workers.into_iter().fold(zero, |acc, w| {
            sum(acc, w.join().expect("a cell failed (its message is above)"))
        })
    })
}

/// The values of a move's variables in one slice — the state before, the state after, the
/// parameters — so that evaluating a relation at millions of moves indexes it instead of looking
/// names up (see [`slot`]).
pub struct Row(pub [i64; 2 * STATE.len() + Param::ALL.len()]);

impl Row {
    /// A row with `scenario`'s parameters, the states still to [`Row::set`].
    pub fn new(scenario: &Scenario) -> Row {
        let params = parameters(scenario);
        let mut row = [0; 2 * STATE.len() + Param::ALL.len()];
        for (r, p) in row[2 * STATE.len()..].iter_mut().zip(Param::ALL) {
            *r = params[p.name()];
        }
        Row(row)
    }

    pub fn set(&mut self, from: &Image, to: &Image) -> &Row {
        self.0[..STATE.len()].copy_from_slice(from);
        self.0[STATE.len()..2 * STATE.len()].copy_from_slice(to);
        self
    }

    pub fn value(&self, slot: &usize) -> i64 {
        self.0[*slot]
    }
}

/// Where variable `name`'s value sits in a [`Row`].
pub fn slot(name: &String) -> usize {
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
pub fn range(name: &str, params: &Env) -> std::ops::RangeInclusive<i64> {
    match name {
        "rl" => 0..=rl::DONE,
        "sl" => 0..=sl::EXITED,
        "u" | "rec" => 0..=params["K"],
        "o" | "a" => 0..=params["C"],
        "uo" | "ro" => 0..=params["PK"] - params["K"],
        "vo" => 0..=params["P"] - 1,
        "n" => 1..=params["R"],
        "clk" => 0..=params["T"] + 1,
        "rt" => -1..=params["T"] + 1,
        _ => 0..=1,
    }
}

/// Calls `f` on every state that differs from `a` at most in the variables `writes` and that
/// `relation` allows from `a`. It fixes one written variable at a time and goes no further
/// where those fixed already falsify the relation (at every design, a visit writes ten).
pub fn each_successor(
    relation: &Prop<usize>,
    action: Action,
    row: &mut Row,
    a: &Image,
    params: &Env,
    f: &mut impl FnMut(&Image),
) {
    let writes: Vec<usize> = action
        .writes()
        .iter()
        .map(|w| {
            STATE
                .iter()
                .position(|(n, _)| n == w)
                .expect("a state variable")
        })
        .collect();
    let mut open = [false; STATE.len()];
    writes.iter().for_each(|&w| open[w] = true);
    row.set(a, a);
    fill(relation, row, &mut open, &writes, params, f);
}

/// [`each_successor`]'s search: the variables `open` are not fixed yet, `writes` are those
/// still to fix.
fn fill(
    relation: &Prop<usize>,
    row: &mut Row,
    open: &mut [bool; STATE.len()],
    writes: &[usize],
    params: &Env,
    f: &mut impl FnMut(&Image),
) {
    let Some((&i, rest)) = writes.split_first() else {
        if relation.is_true(&|s| row.value(s)) {
            let after = &row.0[STATE.len()..2 * STATE.len()];
            f(&after.try_into().expect("a state's worth of values"));
        }
        return;
    };
    open[i] = false;
    for v in range(STATE[i].0, params) {
        row.0[STATE.len() + i] = v;
        let possible = {
            let known = |s: &usize| {
                let unfixed = s
                    .checked_sub(STATE.len())
                    .is_some_and(|j| j < STATE.len() && open[j]);
                (!unfixed).then(|| row.0[*s])
            };
            relation.partial(&known) != Some(false)
        };
        if possible {
            fill(relation, row, open, rest, params, f);
        }
    }
    open[i] = true;
}
