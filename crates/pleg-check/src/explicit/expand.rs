//! Expanding a run of states — each state's witnesses, moves and successors — on every core.
//!
//! Expansion is a pure function of the state, so the states a layer has not yet expanded are
//! cut into chunks that every thread of the pool claims in turn, reading them where they are.
//! The calling thread also hands the chunks, *in order*, to the search's de-duplication (one
//! hash set per layer, on this thread alone), expanding a chunk itself only when the next one
//! in order is not ready. The expanding threads may also look successors up among the states
//! found before the wave (read, never written, while it runs), to spare that thread the work.
//!
//! Because the chunks are taken in order, the states, their indices, the edges and every count
//! are exactly those of a search on one core; the cores only change how long it takes.

use super::engine::{bit, Actors};
use indexmap::map::{RawEntryApiV1, Slice};
use indexmap::IndexMap;
use pleg_core::{Actor, Counted, VerdictKind, Witnesses};
use pleg_explicit::StateMachine as Model;
use rustc_hash::FxBuildHasher;
use std::collections::BTreeMap;
use std::hash::BuildHasher;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Mutex, PoisonError};

/// Fewer states than this are expanded on this thread alone: the hand-off would cost more.
const PARALLEL_FROM: usize = 256;
/// Chunks per thread: small enough that the de-duplication starts early and threads with
/// easy states take on more, large enough that claiming a chunk costs nothing.
const CHUNKS_PER_THREAD: usize = 8;

/// What expanding a chunk of states found, in the order of its states.
pub(crate) struct Expanded<S> {
    /// The index of its first state in the layer.
    pub(crate) first: usize,
    pub(crate) witnesses: Witnesses,
    pub(crate) transitions: u64,
    /// Each state's enabled actors.
    pub(crate) enabled: Vec<Actors>,
    /// The failures of the states with no move left.
    pub(crate) endings: Vec<VerdictKind>,
    /// Each move: its source's index in the layer, its actor, and where it leads (with that
    /// state's progress and hash, computed here to spare the de-duplication the work). The
    /// index is 32 bits so that a move of the reduced machine fits in 128 bytes, which the
    /// compiler copies inline rather than by a call to `memcpy` (a tenth of the search's time).
    pub(crate) moves: Vec<(u32, Actor, u64, u64, S)>,
    /// Moves to states the layer already held when its wave began, looked up here rather than
    /// by the de-duplication: source, target and actor, by index.
    pub(crate) known: Vec<(usize, usize, Actor)>,
    /// Room for the search to set aside the moves that stay in the layer (without progress).
    pub(crate) within: Vec<(usize, Actor, u64, S)>,
}

impl<S> Expanded<S> {
    fn empty() -> Self {
        Expanded {
            first: 0,
            witnesses: Witnesses::none(Counted::Explored),
            transitions: 0,
            enabled: Vec::new(),
            endings: Vec::new(),
            moves: Vec::new(),
            known: Vec::new(),
            within: Vec::new(),
        }
    }
}

/// Emptied [`Expanded`] buffers, kept for the next chunk: a wave's moves run to megabytes, and
/// a fresh buffer grown move by move was a quarter of a search's time (copying on each
/// reallocation, and the kernel paging in the new memory).
pub(crate) struct Buffers<S>(Mutex<Vec<Expanded<S>>>);

impl<S> Default for Buffers<S> {
    fn default() -> Self {
        Buffers(Mutex::new(Vec::new()))
    }
}

impl<S> Buffers<S> {
    /// An empty buffer.
    fn take(&self) -> Expanded<S> {
        let spare = self.0.lock().unwrap_or_else(PoisonError::into_inner).pop();
        spare.unwrap_or_else(Expanded::empty)
    }

    /// Gives back a buffer the search has taken everything from.
    pub(crate) fn give_back(&self, mut used: Expanded<S>) {
        used.witnesses = Witnesses::none(Counted::Explored);
        used.transitions = 0;
        used.enabled.clear();
        used.endings.clear();
        used.moves.clear();
        used.known.clear();
        used.within.clear();
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(used);
    }
}

/// Whether `n` states are worth expanding on more than one thread.
pub(crate) fn in_parallel(n: usize) -> bool {
    rayon::current_num_threads() > 1 && n >= PARALLEL_FROM
}

/// Expands `states` (the layer's states from index `first` on) on the current rayon pool, as
/// [`expand`] does (with `known` to look successors up in), calling `take` with each chunk's
/// result in order, on this thread. The states are read in place, so the set they live in
/// cannot grow until this returns: `take` keeps what it would add to it for later, and gives
/// each buffer back to `buffers` when done with it.
pub(crate) fn expand_in_parallel<M: Model, V: Sync>(
    model: &M,
    states: &Slice<M::State, V>,
    first: usize,
    known: Option<&Known<'_, M::State, V>>,
    buffers: &Buffers<M::State>,
    mut take: impl FnMut(Expanded<M::State>),
) {
    let threads = rayon::current_num_threads();
    let size = states.len().div_ceil(threads * CHUNKS_PER_THREAD);
    let chunks = states.len().div_ceil(size);
    let next = AtomicUsize::new(0);
    // Claims the next chunk, if any is left, and expands it.
    let claim = || {
        let i = next.fetch_add(1, Ordering::Relaxed);
        let start = i.checked_mul(size).filter(|&start| start < states.len())?;
        let chunk = &states[start..(start + size).min(states.len())];
        Some((
            i,
            expand(model, chunk.keys(), first + start, known, buffers),
        ))
    };
    let (done, ready) = mpsc::channel();
    rayon::in_place_scope(|scope| {
        for _ in 1..threads {
            let done = done.clone();
            scope.spawn(|_| {
                let done = done;
                while let Some(result) = claim() {
                    if done.send(result).is_err() {
                        break;
                    }
                }
            });
        }
        drop(done);
        let mut waiting = BTreeMap::new();
        for i in 0..chunks {
            let result = loop {
                if let Some(result) = waiting.remove(&i) {
                    break result;
                }
                // Rather than wait, expand a chunk here; wait only when none is left.
                let (j, result) = match ready.try_recv().ok().or_else(&claim) {
                    Some(found) => found,
                    None => ready.recv().expect("every chunk is claimed and sent"),
                };
                waiting.insert(j, result);
            };
            take(result);
        }
    });
}

/// A progress layer's states as they stood when a wave began, in which expansion looks up
/// the successors it finds in that layer (set aside in [`Expanded::known`]).
pub(crate) struct Known<'a, S, V> {
    pub(crate) level: u64,
    pub(crate) states: &'a IndexMap<S, V, FxBuildHasher>,
}

/// Expands a run of states, the first of which has index `first` in the layer, into a buffer
/// from `buffers` (give it back when done); a successor among the `known` states becomes a
/// known move.
pub(crate) fn expand<'a, M: Model, V>(
    model: &M,
    states: impl ExactSizeIterator<Item = &'a M::State>,
    first: usize,
    known: Option<&Known<'_, M::State, V>>,
    buffers: &Buffers<M::State>,
) -> Expanded<M::State>
where
    M::State: 'a,
{
    let mut out = buffers.take();
    out.first = first;
    out.enabled.reserve(states.len());
    for (index, state) in (first..).zip(states) {
        let from = u32::try_from(index).expect("a search holds fewer than 2^32 states");
        model.observe(state, &mut out.witnesses);
        let (mut enabled, mut moves) = (0, 0);
        model.each_successor(state, |mv, next| {
            model.observe_move(state, mv, &mut out.witnesses);
            let actor = model.actor(mv);
            enabled |= bit(actor);
            moves += 1;
            let (progress, hash) = (model.progress(&next), FxBuildHasher.hash_one(&next));
            let to = known
                .filter(|known| known.level == progress)
                .and_then(|known| {
                    (known.states.raw_entry_v1()).index_from_hash(hash, |s| *s == next)
                });
            match to {
                Some(to) => out.known.push((from as usize, to, actor)),
                None => out.moves.push((from, actor, progress, hash, next)),
            }
        });
        out.transitions += moves;
        if moves == 0 {
            out.endings.extend(model.end(state).failure());
        }
        out.enabled.push(enabled);
    }
    out
}
