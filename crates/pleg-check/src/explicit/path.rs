//! The shortest counterexample of a failure the sweep found.
//!
//! A breadth-first search from the initial state, one level of moves at a time, that keeps
//! each state's parent and stops at the first state showing the failure — so the path has the
//! fewest moves of any counterexample of that kind. It never looks past the furthest layer the
//! sweep saw the failure in. Each level is expanded on every core as the sweep's waves are,
//! and taken in order, so the path is the one a search on one core finds.

use super::engine::{intern, Found};
use super::expand::{expand, expand_in_parallel, in_parallel, Buffers, Expanded};
use indexmap::IndexMap;
use pleg_core::VerdictKind;
use pleg_explicit::StateMachine as Model;
use rustc_hash::FxBuildHasher;

/// The moves of a shortest path from the initial state to a state showing `failure` — a state
/// with no move left that ends that way, or one of the `found` states on its cycles — looking no
/// further than layer `found.progress`. `None` if there is none (a bug in the caller).
pub(crate) fn shortest_path<M: Model>(
    model: &M,
    failure: VerdictKind,
    found: &Found<M::State>,
) -> Option<Vec<M::Move>> {
    let search = search(model, failure, found);
    search.target.map(|at| search.moves_to(at))
}

/// The search, run to its end.
fn search<'a, M: Model>(
    model: &'a M,
    failure: VerdictKind,
    found: &'a Found<M::State>,
) -> Search<'a, M> {
    let mut search = Search {
        model,
        failure,
        found,
        seen: IndexMap::default(),
        target: None,
        in_parallel: 0,
    };
    search.seen.insert(model.initial(), usize::MAX);
    // On a thread of the pool, as the sweep is.
    rayon::scope(|_| search.run());
    search
}

struct Search<'a, M: Model> {
    model: &'a M,
    failure: VerdictKind,
    found: &'a Found<M::State>,
    /// Each state once, in the order reached, with the index of its parent.
    seen: IndexMap<M::State, usize, FxBuildHasher>,
    /// The first state reached that shows the failure.
    target: Option<usize>,
    /// The states expanded on more than one thread at once.
    in_parallel: usize,
}

impl<M: Model> Search<'_, M> {
    /// Expands level after level until a target is found or nothing new is reached.
    fn run(&mut self) {
        let (mut level, mut expanded) = (0, Vec::new());
        let buffers = Buffers::default();
        while level < self.seen.len() && self.target.is_none() {
            let end = self.seen.len();
            if in_parallel(end - level) {
                self.in_parallel += end - level;
            }
            // The level is read in place: its successors are kept once it is all expanded.
            let mut target = None;
            let mut look = |chunk: Expanded<M::State>| {
                target = target.or_else(|| self.target_in(&chunk));
                expanded.push(chunk);
            };
            let states = &self.seen.as_slice()[level..end];
            if in_parallel(end - level) {
                expand_in_parallel(self.model, states, level, None, &buffers, look);
            } else {
                look(expand::<_, usize>(
                    self.model,
                    states.keys(),
                    level,
                    None,
                    &buffers,
                ));
            }
            self.target = target;
            for chunk in expanded.drain(..) {
                self.keep(chunk, &buffers);
            }
            level = end;
        }
    }

    /// The first state of an expanded chunk that shows the failure, if any.
    fn target_in(&self, chunk: &Expanded<M::State>) -> Option<usize> {
        let mut states = chunk.enabled.iter().enumerate();
        states
            .find(|&(offset, &enabled)| self.is_target(chunk.first + offset, enabled == 0))
            .map(|(offset, _)| chunk.first + offset)
    }

    /// Keeps each successor of an expanded chunk that is within reach, with its parent —
    /// unless a target was found, which ends the search. Gives the buffer back.
    fn keep(&mut self, mut chunk: Expanded<M::State>, buffers: &Buffers<M::State>) {
        if self.target.is_none() {
            for (from, _, progress, hash, next) in chunk.moves.drain(..) {
                if progress <= self.found.progress {
                    intern(&mut self.seen, hash, next, from as usize);
                }
            }
        }
        buffers.give_back(chunk);
    }

    fn is_target(&self, at: usize, stopped: bool) -> bool {
        let (state, _) = self.seen.get_index(at).expect("an expanded state was seen");
        if self.found.on_cycles.is_empty() {
            stopped && self.model.end(state).failure() == Some(self.failure)
        } else {
            self.found.on_cycles.contains(state)
        }
    }

    /// The moves from the initial state to state `at`: each the first of its parent's moves,
    /// in the model's order, that leads to the child — the move the search took.
    fn moves_to(&self, mut at: usize) -> Vec<M::Move> {
        let mut moves = Vec::new();
        let mut successors = Vec::new();
        while let Some((child, &parent)) = self.seen.get_index(at).filter(|_| at != 0) {
            let (state, _) = self.seen.get_index(parent).expect("a parent was seen");
            successors.clear();
            self.model.successors(state, &mut successors);
            let (mv, _) = successors
                .iter()
                .find(|(_, next)| next == child)
                .expect("a parent has a move to its child");
            moves.push(*mv);
            at = parent;
        }
        moves.reverse();
        moves
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pleg_core::{Design, Scenario};
    use pleg_explicit::reduced::Reduced;

    /// On two threads the search finds the path it finds on one — and it did expand levels on
    /// both (the property is about the parallel branch, not the short levels kept on one).
    #[test]
    fn the_path_on_two_threads_is_the_path_on_one() {
        let scenario = Scenario {
            capacity: 300,
            pods: 301,
            ..Scenario::smallest(Design::Blocking)
        };
        let model = Reduced::new(&scenario).expect("Go's map order reduces");
        // The deadlock, anywhere: the sweep would say how far to look; no limit is as good.
        let found = Found {
            progress: u64::MAX,
            on_cycles: Default::default(),
        };
        let on = |threads: usize| {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .expect("a thread pool");
            pool.install(|| {
                let search = search(&model, VerdictKind::Deadlock, &found);
                let path = search.target.map(|at| search.moves_to(at));
                (path.expect("a deadlock is reached"), search.in_parallel)
            })
        };
        let ((one, shared_one), (two, shared_two)) = (on(1), on(2));
        assert_eq!(shared_one, 0, "one thread shares nothing");
        assert!(
            shared_two > 100_000,
            "the parallel branch barely ran: {shared_two}"
        );
        let first_difference = one.iter().zip(&two).position(|(a, b)| a != b);
        assert!(
            one == two,
            "{} moves on one thread, {} on two, first different at {first_difference:?}",
            one.len(),
            two.len()
        );
    }
}
