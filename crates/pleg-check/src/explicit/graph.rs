//! The whole state graph of a small scenario, kept: every state of the unreduced model, every
//! actor's moves out of it, and what each state is — so a page can let a learner walk it, and
//! say at every step how far the goal is, without a second copy of the model's rules.

use super::engine::{bit, fair_cycle_states};
use super::moves::Move;
use super::pods::{self, Pods};
use crate::{CheckError, VerdictKind};
use indexmap::IndexSet;
use petgraph::graph::{DiGraph, NodeIndex};
use pleg_core::{Actor, Scenario};
use pleg_explicit::{End, StateMachine as Model};
use rustc_hash::FxBuildHasher;

/// Every reachable state of one scenario, with its moves.
#[derive(Debug, Clone)]
pub struct Graph {
    pub model: Pods,
    /// The states, the initial one first, in breadth-first order.
    pub states: Vec<pods::State>,
    /// For each state, its enabled moves and the state each leads to.
    pub moves: Vec<Vec<(Move, usize)>>,
    /// For each state but the initial one, the state and move that first reached it. The
    /// exploration is breadth-first, so these form a tree of shortest paths from the start.
    pub parent: Vec<Option<(usize, Move)>>,
    /// For each state, the failure it shows: a stall or lost update at a state with no move
    /// left, or a livelock on a fair cycle. `None`: none (yet).
    pub failure: Vec<Option<VerdictKind>>,
    /// For each state: every actor finished and every pod converged.
    pub clean: Vec<bool>,
}

impl Graph {
    /// Explores `scenario` (unreduced) completely; `Err` if it has more than `limit` states.
    pub fn explore(scenario: &Scenario, limit: usize) -> Result<Self, CheckError> {
        if let Some(limits) = super::beyond_unreduced_limits(scenario) {
            return Err(CheckError::TooLarge(format!(
                "a play page embeds every state of its scenario, for small ones only ({limits})"
            )));
        }
        super::refuse(scenario, false)?;
        let model = Pods::new(scenario);
        let mut states: IndexSet<pods::State, FxBuildHasher> = IndexSet::default();
        states.insert(model.initial());
        let mut moves = Vec::new();
        let mut parent = vec![None];
        let mut enabled = Vec::new();
        let mut at = 0;
        while at < states.len() {
            let state = states[at].clone();
            enabled.clear();
            model.enabled(&state, &mut enabled);
            let out: Vec<(Move, usize)> = enabled
                .iter()
                .map(|&mv| {
                    let next = model.step(&state, mv).expect("an enabled move steps");
                    let (to, new) = states.insert_full(next);
                    if new {
                        parent.push(Some((at, mv)));
                    }
                    (mv, to)
                })
                .collect();
            moves.push(out);
            if states.len() > limit {
                return Err(CheckError::TooLarge(format!(
                    "the scenario has more than {limit} states, too many to embed in a page: \
                     fewer pods, relists or a smaller capacity"
                )));
            }
            at += 1;
        }
        let states: Vec<pods::State> = states.into_iter().collect();
        let (failure, clean) = judge(&model, &states, &moves);
        Ok(Graph {
            model,
            states,
            moves,
            parent,
            failure,
            clean,
        })
    }

    /// For each state, the fewest moves to a state where `goal` holds (`None`: unreachable):
    /// Dijkstra over the moves reversed, from one extra node with an edge to every goal state.
    pub fn distances_to(&self, goal: impl Fn(usize) -> bool) -> Vec<Option<u32>> {
        let n = self.states.len();
        let goals = NodeIndex::new(n);
        let mut reversed = DiGraph::<(), ()>::with_capacity(n + 1, n);
        for _ in 0..=n {
            reversed.add_node(());
        }
        reversed.extend_with_edges(
            self.moves
                .iter()
                .enumerate()
                .flat_map(|(from, out)| out.iter().map(move |&(_, to)| (to, from)))
                .chain((0..n).filter(|&s| goal(s)).map(|s| (n, s)))
                .map(|(a, b)| (a as u32, b as u32)),
        );
        let from_goals = petgraph::algo::dijkstra(&reversed, goals, None, |_| 1u32);
        (0..n)
            .map(|s| from_goals.get(&NodeIndex::new(s)).map(|d| d - 1))
            .collect()
    }

    /// The moves of a shortest path from the initial state to `state`.
    pub fn path_to(&self, mut state: usize) -> Vec<Move> {
        let mut path = Vec::new();
        while let Some((from, mv)) = self.parent[state] {
            path.push(mv);
            state = from;
        }
        path.reverse();
        path
    }

    /// The state a path of moves leads to from the initial state, if every move is enabled.
    pub fn follow(&self, path: &[Move]) -> Option<usize> {
        path.iter().try_fold(0, |at, mv| {
            self.moves[at]
                .iter()
                .find(|(m, _)| m == mv)
                .map(|&(_, to)| to)
        })
    }
}

/// What each state is: a stall, a lost update or a clean end where no move is left, and a
/// livelock on a fair cycle (the engine's own search for them).
fn judge(
    model: &Pods,
    states: &[pods::State],
    moves: &[Vec<(Move, usize)>],
) -> (Vec<Option<VerdictKind>>, Vec<bool>) {
    let mut failure: Vec<Option<VerdictKind>> = vec![None; states.len()];
    let mut clean = vec![false; states.len()];
    for (i, state) in states.iter().enumerate() {
        if moves[i].is_empty() {
            match Model::end(model, state) {
                End::Clean { converged: true } => clean[i] = true,
                End::Clean { converged: false } => failure[i] = Some(VerdictKind::LostUpdate),
                End::Stall(f) => failure[i] = Some(f),
            }
        }
    }
    let edges: Vec<(usize, usize, Actor)> = moves
        .iter()
        .enumerate()
        .flat_map(|(from, out)| out.iter().map(move |&(mv, to)| (from, to, mv.actor())))
        .collect();
    let enabled_at = |s: usize| moves[s].iter().fold(0, |set, (m, _)| set | bit(m.actor()));
    for s in fair_cycle_states(states.len(), &edges, enabled_at) {
        failure[s] = Some(Model::stuck(model, &states[s]));
    }
    (failure, clean)
}
