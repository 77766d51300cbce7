//! The explicit-state models of the PLEG hand-over: state machines a search can enumerate.
//!
//! They share no code with the kubelet model (`pleg-kubelet`) — no channel, no threads, no
//! runtime — only the scenario and the words of `pleg-core`. So where a search of these
//! machines agrees with loom and shuttle running the kubelet model, the agreement is not an
//! artefact of either implementation.
//!
//! - [`moves`]: each actor's atomic steps, and a path of them as one pasteable token;
//! - [`pods`]: the unreduced machine — every pod by name, every clock tick;
//! - [`reduced`]: the same machine with the exact reductions that take it to kubelet's size.
//!
//! Both implement [`StateMachine`], the interface the checkers' search drives.

pub mod moves;
pub mod pods;
pub mod reduced;

use pleg_core::{Actor, VerdictKind, Witnesses};
use std::hash::Hash;

/// What a state machine offers a search.
pub trait StateMachine {
    type State: Clone + Eq + Hash;
    type Move: Copy + Eq + std::fmt::Debug;

    fn initial(&self) -> Self::State;
    /// Every move enabled in `state`, with the state it leads to.
    fn successors(&self, state: &Self::State, out: &mut Vec<(Self::Move, Self::State)>);
    /// A measure no move decreases.
    fn progress(&self, state: &Self::State) -> u64;
    fn actor(&self, mv: Self::Move) -> Actor;
    /// What a state with no move left is.
    fn end(&self, state: &Self::State) -> End;
    /// What a state on a fair cycle that makes no progress is stuck in.
    fn stuck(&self, state: &Self::State) -> VerdictKind;
    /// The witnesses a state and a move out of it reach (each counted once).
    fn observe(&self, state: &Self::State, witnesses: &mut Witnesses);
    fn observe_move(&self, from: &Self::State, mv: Self::Move, witnesses: &mut Witnesses);
}

/// A state with no move left.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    /// Every actor finished; `converged`: every pod ends at the runtime's latest version.
    Clean { converged: bool },
    /// Some actor can never move again, in the shape this kind names.
    Stall(VerdictKind),
}

impl End {
    /// The failure a state with no move left shows, if any.
    pub fn failure(self) -> Option<VerdictKind> {
        match self {
            End::Clean { converged: true } => None,
            End::Clean { converged: false } => Some(VerdictKind::LostUpdate),
            End::Stall(kind) => Some(kind),
        }
    }
}

/// Where relist is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Pc {
    /// About to start relist `r` (from 1).
    Start(u32),
    /// In relist `r`, visiting the pods that changed.
    Visiting(u32),
    /// Every relist ran; about to mark relisting done and close the channel.
    Finish,
    Done,
}

impl Pc {
    /// What follows relist `r` of `relists`.
    pub fn after(r: u32, relists: u32) -> Pc {
        if r < relists {
            Pc::Start(r + 1)
        } else {
            Pc::Finish
        }
    }

    /// Its place in relist's progress (below 2^31 for every scenario the checker accepts).
    pub fn rank(self) -> u64 {
        match self {
            Pc::Start(r) => 2 * u64::from(r),
            Pc::Visiting(r) => 2 * u64::from(r) + 1,
            Pc::Finish => 1 << 30,
            Pc::Done => (1 << 30) + 1,
        }
    }
}

/// Where syncLoop is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SyncPc {
    /// At the health gate in front of an iteration.
    Gate,
    /// Past the gate: about to take one event.
    Receive,
    /// The channel was closed and drained.
    Exited,
}
