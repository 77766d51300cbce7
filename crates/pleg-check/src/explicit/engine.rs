//! The search: breadth-first, exhaustive, one progress layer at a time.
//!
//! A [`Model`] names a *progress measure*: a number that no move ever decreases (for PLEG, how
//! far relist has got). Every state then belongs to exactly one layer — the states with the same
//! progress — and once a layer is explored no later move can lead back into it, so it is dropped
//! (the sweep-line method). Memory holds the layer being explored and the states already found
//! for later layers, not the whole state space. (How many that is depends on the measure: at
//! 1000/1001 with kubelet's timing, drop-when-full, the widest layer is 6,009 states, while up
//! to 3.0 M wait in 1,002 later layers.)
//!
//! Any cycle stays inside one layer; after a layer is explored, Tarjan's algorithm over its
//! internal moves finds the cycles, and a cycle counts as a livelock only if it is *fair*: every
//! actor that is enabled all along it moves in it (weak fairness).
//!
//! The sweep answers *which* failures are reachable; `path` then finds the shortest
//! counterexample of each.

use super::expand::{self, expand, expand_in_parallel, in_parallel, Buffers, Expanded};
use crate::Progress;
use indexmap::map::raw_entry_v1::RawEntryMut;
use indexmap::map::RawEntryApiV1;
use indexmap::IndexMap;
use pleg_core::{Actor, Counted, Named, VerdictKind, Witnesses};
use pleg_explicit::StateMachine as Model;
use rustc_hash::{FxBuildHasher, FxHashSet};
use std::collections::BTreeMap;
use std::hash::{BuildHasher, Hash};
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
    /// The states expanded on more than one thread at once.
    pub(crate) states_in_parallel: u64,
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
    // On a thread of the pool, so that the search and the threads it hands states to are the
    // pool's threads and no more: a caller outside the pool would be one thread too many.
    rayon::scope(|_| sweep(model, progress, max_layer))
}

fn sweep<M: Model>(
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
        states_in_parallel: 0,
    };
    let initial = model.initial();
    let mut pending = Pending::default();
    let hash = FxBuildHasher.hash_one(&initial);
    pending.add(model.progress(&initial), hash, initial);
    let mut layer = Layer::default();
    let buffers = Buffers::default();
    // The chunks of a wave expanded on every core, kept until the wave ends: their moves
    // within the layer are taken only then.
    let mut within = Vec::new();
    while let Some((level, entries)) = pending.layers.pop_first() {
        pending.keep(layer.start(entries));
        // States from `expanded` on were found but not yet expanded.
        let mut expanded = 0;
        while expanded < layer.states.len() {
            let fresh = layer.states.len() - expanded;
            if let Some(counter) = progress {
                counter.fetch_add(fresh as u64, Ordering::Relaxed);
            }
            found.states += fresh as u64;
            let parallel = in_parallel(fresh);
            if parallel {
                found.states_in_parallel += fresh as u64;
            }
            let mut leave = |mut chunk| {
                let enabled = &mut layer.enabled;
                take_leaving(&mut found, enabled, &mut pending, level, &mut chunk);
                within.push(chunk);
            };
            let states = &layer.states.as_slice()[expanded..];
            if parallel {
                // The threads look up the moves within the layer themselves: one that leads
                // to a state it held before the wave then costs this thread only its edge.
                let known = expand::Known {
                    level,
                    states: &layer.states,
                };
                expand_in_parallel(model, states, expanded, Some(&known), &buffers, leave);
            } else {
                leave(expand::<_, ()>(
                    model,
                    states.keys(),
                    expanded,
                    None,
                    &buffers,
                ));
            }
            for chunk in within.drain(..) {
                layer.take_within(chunk, &buffers);
            }
            expanded += fresh;
            if layer.states.len() > max_layer {
                return Err(TooWide {
                    states_so_far: found.states,
                });
            }
        }
        found.widest_layer = found.widest_layer.max(layer.states.len());
        for state in fair_cycles::<M>(&layer) {
            let failure = model.stuck(&state);
            note(&mut found.failures, failure, level, Some(state));
        }
    }
    Ok(found)
}

/// Takes what one expanded chunk found outside the layer: its counts, its states' enabled
/// actors, and each move into a later layer, added to that pending layer. The moves within
/// the layer are set aside in the chunk, for [`Layer::take_within`].
fn take_leaving<S: Eq + Hash>(
    found: &mut Exploration<S>,
    enabled: &mut Vec<Actors>,
    pending: &mut Pending<S>,
    level: u64,
    chunk: &mut Expanded<S>,
) {
    found.witnesses += &chunk.witnesses;
    found.transitions += chunk.transitions;
    enabled.extend_from_slice(&chunk.enabled);
    for &failure in &chunk.endings {
        note(&mut found.failures, failure, level, None);
    }
    for (from, actor, next_level, hash, next) in chunk.moves.drain(..) {
        debug_assert!(next_level >= level, "a move decreased progress");
        if next_level == level {
            chunk.within.push((from as usize, actor, hash, next));
        } else {
            pending.add(next_level, hash, next);
        }
    }
}

/// States by the index they were found at, each with its hash: a set of states.
type States<S> = IndexMap<S, (), FxBuildHasher>;

/// The index of `state` in `states`, inserting it with `value` if new (a state already there
/// keeps its own); `hash` is its hash, computed by the thread that expanded it
/// ([`FxBuildHasher`], as the set would).
pub(crate) fn intern<S: Eq + Hash, V>(
    states: &mut IndexMap<S, V, FxBuildHasher>,
    hash: u64,
    state: S,
    value: V,
) -> usize {
    match states.raw_entry_mut_v1().from_hash(hash, |s| *s == state) {
        RawEntryMut::Occupied(found) => found.index(),
        RawEntryMut::Vacant(vacant) => {
            let index = vacant.index();
            vacant.insert_hashed_nocheck(hash, state, value);
            index
        }
    }
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

/// The states found for each later layer, kept in the set that layer will grow.
struct Pending<S> {
    layers: BTreeMap<u64, States<S>>,
    /// Emptied sets of layers already explored, reused: a fresh set for each layer would be
    /// paged in anew every time.
    spare: Vec<States<S>>,
}

impl<S> Default for Pending<S> {
    fn default() -> Self {
        Pending {
            layers: BTreeMap::new(),
            spare: Vec::new(),
        }
    }
}

impl<S: Eq + Hash> Pending<S> {
    /// A few spare sets are enough for the layers pending at any one time; more would only
    /// hold memory.
    const SPARE: usize = 4;

    fn keep(&mut self, emptied: States<S>) {
        if self.spare.len() < Self::SPARE {
            self.spare.push(emptied);
        }
    }

    fn add(&mut self, level: u64, hash: u64, state: S) {
        let spare = &mut self.spare;
        let states = self
            .layers
            .entry(level)
            .or_insert_with(|| spare.pop().unwrap_or_default());
        intern(states, hash, state, ());
    }
}

/// One progress layer: its states by index and the moves between them. One is kept for the
/// whole search and cleared between layers, keeping its allocations.
struct Layer<S> {
    states: States<S>,
    edges: Vec<(usize, usize, Actor)>,
    /// The actors that can move in each state, by index (kept for the fairness check).
    enabled: Vec<Actors>,
    /// Some move inside the layer leads to a state found no later than its source: without
    /// one, the layer has no cycle.
    back_edges: bool,
}

impl<S> Default for Layer<S> {
    fn default() -> Self {
        Layer {
            states: States::default(),
            edges: Vec::new(),
            enabled: Vec::new(),
            back_edges: false,
        }
    }
}

impl<S: Eq + Hash> Layer<S> {
    /// Takes the moves of `chunk` that stay in the layer: those to states it held already,
    /// found by expansion, as edges; and those set aside by [`take_leaving`], each successor
    /// into the layer's states, with its edge. The chunk's buffer then goes back.
    fn take_within(&mut self, mut chunk: Expanded<S>, buffers: &Buffers<S>) {
        let new = chunk.within.drain(..).map(|(from, actor, hash, next)| {
            let to = intern(&mut self.states, hash, next, ());
            (from, to, actor)
        });
        for (from, to, actor) in chunk.known.drain(..).chain(new) {
            self.edges.push((from, to, actor));
            // A cycle enters its earliest-found state from a state found no earlier.
            self.back_edges |= to <= from;
        }
        buffers.give_back(chunk);
    }

    /// Empties the layer and enters it at `entries`; returns the emptied set of states.
    fn start(&mut self, entries: States<S>) -> States<S> {
        let mut old = std::mem::replace(&mut self.states, entries);
        old.clear();
        self.edges.clear();
        self.enabled.clear();
        self.back_edges = false;
        old
    }
}

/// A set of actors, one bit each.
pub(crate) type Actors = u8;

pub(crate) fn bit(actor: Actor) -> Actors {
    1 << actor.index()
}

/// The states on the fair cycles of a layer (see [`fair_cycle_states`]).
fn fair_cycles<M: Model>(layer: &Layer<M::State>) -> Vec<M::State> {
    if !layer.back_edges {
        return Vec::new();
    }
    fair_cycle_states(layer.states.len(), &layer.edges, |s| layer.enabled[s])
        .into_iter()
        .map(|s| {
            layer
                .states
                .get_index(s)
                .expect("a state of the layer")
                .0
                .clone()
        })
        .collect()
}

/// The states of a graph (`n` states, `edges` between them, each by the actor that moves) that
/// lie on fair cycles: Tarjan's strongly connected components, keeping those with a cycle in
/// which every actor enabled all along it (by `enabled`) also moves in it — weak fairness.
pub(crate) fn fair_cycle_states(
    n: usize,
    edges: &[(usize, usize, Actor)],
    enabled: impl Fn(usize) -> Actors,
) -> Vec<usize> {
    let graph = Adjacency::new(n, edges);
    let components = strongly_connected(&graph);
    let mut component_of = vec![usize::MAX; n];
    for (id, component) in components.iter().enumerate() {
        for &s in component {
            component_of[s] = id;
        }
    }
    let mut result = Vec::new();
    for (id, component) in components.iter().enumerate() {
        // The actors of the moves that stay inside the component; none: no cycle.
        let (mut moving, mut internal) = (0, false);
        for &s in component {
            for &(t, actor) in graph.out(s) {
                if component_of[t] == id {
                    moving |= bit(actor);
                    internal = true;
                }
            }
        }
        let always_enabled = component.iter().fold(!0, |all, &s| all & enabled(s));
        if internal && always_enabled & !moving == 0 {
            result.extend(component);
        }
    }
    result
}

/// Each state's outgoing moves, as one array sorted by source (compressed sparse rows): one
/// allocation per layer rather than one per state.
struct Adjacency {
    starts: Vec<usize>,
    moves: Vec<(usize, Actor)>,
}

impl Adjacency {
    fn new(n: usize, edges: &[(usize, usize, Actor)]) -> Self {
        let mut starts = vec![0; n + 1];
        for &(from, _, _) in edges {
            starts[from + 1] += 1;
        }
        for s in 0..n {
            starts[s + 1] += starts[s];
        }
        let mut next = starts.clone();
        let mut moves = vec![(0, Actor::ALL[0]); edges.len()];
        for &(from, to, actor) in edges {
            moves[next[from]] = (to, actor);
            next[from] += 1;
        }
        Adjacency { starts, moves }
    }

    fn len(&self) -> usize {
        self.starts.len() - 1
    }

    fn out(&self, s: usize) -> &[(usize, Actor)] {
        &self.moves[self.starts[s]..self.starts[s + 1]]
    }
}

/// Tarjan's strongly connected components, iteratively: a layer can hold millions of states in
/// one long chain, deeper than a thread's stack, and petgraph's `tarjan_scc` recurses once per
/// state of a path (its iterative `kosaraju_scc` walks the graph twice and needs it reversed).
/// This one reads the layer's adjacency array in place.
fn strongly_connected(graph: &Adjacency) -> Vec<Vec<usize>> {
    const UNSEEN: usize = usize::MAX;
    let n = graph.len();
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
            if let Some(&(w, _)) = graph.out(v).get(*edge) {
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
