//! The search: breadth-first, exhaustive, one progress layer in memory at a time.
//!
//! A [`Model`] names a *progress measure*: a number that no move ever decreases (for PLEG, how
//! far relist has got). Every state then belongs to exactly one layer — the states with the same
//! progress — and once a layer is explored no later move can lead back into it, so it is dropped
//! (the sweep-line method). Memory is the width of one layer, not the whole state space.
//!
//! Any cycle stays inside one layer; after a layer is explored, Tarjan's algorithm over its
//! internal moves finds the cycles, and a cycle counts as a livelock only if it is *fair*: every
//! actor that is enabled all along it moves in it (weak fairness).
//!
//! The sweep answers *which* failures are reachable. The counterexample is found afterwards by
//! [`shortest_path`]: a breadth-first search from the initial state that keeps parents and stops
//! at the first state showing the failure — so it has the fewest moves of any counterexample
//! of that kind — and never looks past the furthest layer the sweep saw the failure in.

use crate::Progress;
use indexmap::{IndexMap, IndexSet};
use pleg_core::{Actor, Counted, VerdictKind, Witnesses};
use pleg_explicit::StateMachine as Model;
use rustc_hash::{FxBuildHasher, FxHashSet};
use std::collections::BTreeMap;
use std::hash::Hash;
use std::sync::atomic::Ordering;

/// Where the sweep saw one failure.
#[derive(Debug, Clone)]
pub(crate) struct Found<S> {
    /// The furthest layer it was seen in.
    pub(crate) progress: u64,
    /// For failures that are cycles: the states on them, each a target for the path search.
    pub(crate) on_cycles: FxHashSet<S>,
}

/// What the search found.
#[derive(Debug, Clone)]
pub(crate) struct Exploration<S> {
    pub(crate) states: u64,
    pub(crate) transitions: u64,
    pub(crate) witnesses: Witnesses,
    /// Every reachable failure, most severe first.
    pub(crate) failures: BTreeMap<VerdictKind, Found<S>>,
    /// The most states one layer held.
    pub(crate) widest_layer: usize,
}

/// The search stopped: a layer grew past `max_layer` states.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TooWide {
    pub(crate) states_so_far: u64,
}

/// Explores every state reachable from the model's initial state.
pub(crate) fn explore<M: Model>(
    model: &M,
    progress: &Progress,
    max_layer: usize,
) -> Result<Exploration<M::State>, TooWide> {
    let mut found = Exploration {
        states: 0,
        transitions: 0,
        witnesses: Witnesses::none(Counted::Explored),
        failures: BTreeMap::new(),
        widest_layer: 0,
    };
    let initial = model.initial();
    let mut pending: BTreeMap<u64, FxHashSet<M::State>> = BTreeMap::new();
    pending
        .entry(model.progress(&initial))
        .or_default()
        .insert(initial);
    let mut successors = Vec::new();
    let mut layer = Layer::default();
    while let Some((level, entries)) = pending.pop_first() {
        layer.start(entries);
        let mut index = 0;
        while index < layer.states.len() {
            let state = layer.states[index].clone();
            found.states += 1;
            if let Some(counter) = progress {
                counter.fetch_add(1, Ordering::Relaxed);
            }
            model.observe(&state, &mut found.witnesses);
            successors.clear();
            model.successors(&state, &mut successors);
            found.transitions += successors.len() as u64;
            if successors.is_empty() {
                if let Some(failure) = ending(model, &state) {
                    note(&mut found.failures, failure, level, None);
                }
            }
            for (mv, next) in successors.drain(..) {
                model.observe_move(&state, mv, &mut found.witnesses);
                let next_level = model.progress(&next);
                debug_assert!(next_level >= level, "a move decreased progress");
                if next_level == level {
                    let (to, _) = layer.states.insert_full(next);
                    layer.edges.push((index, to, model.actor(mv)));
                    // A cycle enters its earliest-found state from a state found no earlier.
                    layer.back_edges |= to <= index;
                } else {
                    pending.entry(next_level).or_default().insert(next);
                }
            }
            if layer.states.len() > max_layer {
                return Err(TooWide {
                    states_so_far: found.states,
                });
            }
            index += 1;
        }
        found.widest_layer = found.widest_layer.max(layer.states.len());
        for state in fair_cycles(model, &layer) {
            let failure = model.stuck(&state);
            note(&mut found.failures, failure, level, Some(state));
        }
    }
    Ok(found)
}

/// The failure a state with no move left shows, if any.
fn ending<M: Model>(model: &M, state: &M::State) -> Option<VerdictKind> {
    model.end(state).failure()
}

fn note<S: Eq + Hash>(
    failures: &mut BTreeMap<VerdictKind, Found<S>>,
    failure: VerdictKind,
    progress: u64,
    on_cycle: Option<S>,
) {
    let found = failures.entry(failure).or_insert_with(|| Found {
        progress,
        on_cycles: FxHashSet::default(),
    });
    found.progress = found.progress.max(progress);
    found.on_cycles.extend(on_cycle);
}

/// One progress layer: its states by index and the moves between them. One is kept for the
/// whole search and cleared between layers, keeping its allocations.
struct Layer<S> {
    states: IndexSet<S, FxBuildHasher>,
    edges: Vec<(usize, usize, Actor)>,
    /// Some move inside the layer leads to a state found no later than its source: without
    /// one, the layer has no cycle.
    back_edges: bool,
}

impl<S> Default for Layer<S> {
    fn default() -> Self {
        Layer {
            states: IndexSet::default(),
            edges: Vec::new(),
            back_edges: false,
        }
    }
}

impl<S: Eq + Hash> Layer<S> {
    /// Empties the layer and enters it at `entries`.
    fn start(&mut self, entries: FxHashSet<S>) {
        self.states.clear();
        self.edges.clear();
        self.back_edges = false;
        self.states.extend(entries);
    }
}

/// The states on the fair cycles of a layer (see [`fair_cycle_states`]).
fn fair_cycles<M: Model>(model: &M, layer: &Layer<M::State>) -> Vec<M::State> {
    if !layer.back_edges {
        return Vec::new();
    }
    let mut successors = Vec::new();
    let enabled = |s: usize| -> FxHashSet<Actor> {
        successors.clear();
        model.successors(&layer.states[s], &mut successors);
        successors.iter().map(|(m, _)| model.actor(*m)).collect()
    };
    fair_cycle_states(layer.states.len(), &layer.edges, enabled)
        .into_iter()
        .map(|s| layer.states[s].clone())
        .collect()
}

/// The states of a graph (`n` states, `edges` between them, each by the actor that moves) that
/// lie on fair cycles: Tarjan's strongly connected components, keeping those with a cycle in
/// which every actor enabled all along it (by `enabled`) also moves in it — weak fairness.
pub(crate) fn fair_cycle_states(
    n: usize,
    edges: &[(usize, usize, Actor)],
    mut enabled: impl FnMut(usize) -> FxHashSet<Actor>,
) -> Vec<usize> {
    let mut out_edges: Vec<Vec<(usize, Actor)>> = vec![Vec::new(); n];
    for &(from, to, actor) in edges {
        out_edges[from].push((to, actor));
    }
    let mut result = Vec::new();
    for component in strongly_connected(&out_edges) {
        let inside: FxHashSet<usize> = component.iter().copied().collect();
        let internal: Vec<(usize, Actor)> = component
            .iter()
            .flat_map(|&s| out_edges[s].iter().filter(|(t, _)| inside.contains(t)))
            .copied()
            .collect();
        if internal.is_empty() {
            continue; // a single state with no move to itself: no cycle
        }
        let moving: FxHashSet<Actor> = internal.iter().map(|&(_, a)| a).collect();
        let always_enabled = component
            .iter()
            .map(|&s| enabled(s))
            .reduce(|all, these| all.intersection(&these).copied().collect())
            .unwrap_or_default();
        if always_enabled.iter().all(|actor| moving.contains(actor)) {
            result.extend(component);
        }
    }
    result
}

/// Tarjan's strongly connected components, iteratively (layers can be deep).
fn strongly_connected(edges: &[Vec<(usize, Actor)>]) -> Vec<Vec<usize>> {
    const UNSEEN: usize = usize::MAX;
    let n = edges.len();
    let (mut index, mut low) = (vec![UNSEEN; n], vec![0; n]);
    let mut on_stack = vec![false; n];
    let (mut stack, mut components, mut next_index) = (Vec::new(), Vec::new(), 0);
    for root in 0..n {
        if index[root] != UNSEEN {
            continue;
        }
        let mut call: Vec<(usize, usize)> = vec![(root, 0)];
        index[root] = next_index;
        low[root] = next_index;
        next_index += 1;
        stack.push(root);
        on_stack[root] = true;
        while let Some(&mut (v, ref mut edge)) = call.last_mut() {
            if let Some(&(w, _)) = edges[v].get(*edge) {
                *edge += 1;
                if index[w] == UNSEEN {
                    index[w] = next_index;
                    low[w] = next_index;
                    next_index += 1;
                    stack.push(w);
                    on_stack[w] = true;
                    call.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            call.pop();
            if let Some(&(parent, _)) = call.last() {
                low[parent] = low[parent].min(low[v]);
            }
            if low[v] == index[v] {
                let mut component = Vec::new();
                loop {
                    let w = stack.pop().expect("v is on the stack");
                    on_stack[w] = false;
                    component.push(w);
                    if w == v {
                        break;
                    }
                }
                components.push(component);
            }
        }
    }
    components
}

/// The moves of a shortest path from the initial state to a state showing `failure` — a state
/// with no move left that ends that way, or one of the `found` states on its cycles — looking no
/// further than layer `found.progress`. `None` if there is none (a bug in the caller).
pub(crate) fn shortest_path<M: Model>(
    model: &M,
    failure: VerdictKind,
    found: &Found<M::State>,
) -> Option<Vec<M::Move>> {
    // Each state once, in the order reached, with the index of its parent and the move.
    let mut seen: IndexMap<M::State, (usize, Option<M::Move>), FxBuildHasher> = IndexMap::default();
    seen.insert(model.initial(), (usize::MAX, None));
    let mut frontier = 0;
    let mut successors = Vec::new();
    while let Some((state, _)) = seen.get_index(frontier) {
        successors.clear();
        model.successors(state, &mut successors);
        let target = if found.on_cycles.is_empty() {
            successors.is_empty() && ending(model, state) == Some(failure)
        } else {
            found.on_cycles.contains(state)
        };
        if target {
            let mut moves = Vec::new();
            let mut at = frontier;
            while let Some((_, &(parent, Some(mv)))) = seen.get_index(at) {
                moves.push(mv);
                at = parent;
            }
            moves.reverse();
            return Some(moves);
        }
        for (mv, next) in successors.drain(..) {
            if model.progress(&next) <= found.progress {
                seen.entry(next).or_insert((frontier, Some(mv)));
            }
        }
        frontier += 1;
    }
    None
}
