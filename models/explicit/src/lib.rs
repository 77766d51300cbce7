//! The explicit-state models of the PLEG hand-over: state machines a search can enumerate.
//!
//! They share no code with the kubelet model (`pleg-kubelet`) — no channel, no threads, no
//! runtime — only the scenario and the words of `pleg-core`. So where a search of these
//! machines agrees with loom and shuttle running the kubelet model, the agreement is not an
//! artefact of either implementation.
//!
//! - [`moves`]: each actor's atomic steps (the move table), and a path of them as one token;
//! - [`pods`]: the unreduced machine — every pod by name, every clock tick;
//! - [`reduced`]: the same machine with the exact reductions that take it to kubelet's size.
//!
//! Both implement [`StateMachine`], the interface the checkers' search drives, and [`Shape`],
//! from which what they share is derived once: PLEG's health, the gate, whether relist is
//! blocked, the witnesses a state and a move reach, and the kind of a stall.
//!
//! **When pods change.** A pod's change is seen by relist only when relist lists the pods, and
//! the listing is read only as relist visits each changed pod. So both machines let relist
//! decide, as it visits, which pods changed since they were last seen and by how many changes
//! (a *visit* names them), and when no other pod changed (*end the relist*): exactly the
//! listings that changes falling anywhere between the relists produce.

pub mod moves;
pub mod pods;
pub mod reduced;

use moves::{Kind, Move};
use pleg_core::{Actor, Design, Scenario, Tick, Unhealthy, VerdictKind, Witness, Witnesses};
use std::hash::Hash;

/// What a state machine offers a search.
/// `Sync` and `Send` because a search expands the states of one layer on every core.
pub trait StateMachine: Sync {
    type State: Clone + Eq + Hash + Send + Sync;
    type Move: Copy + Eq + std::fmt::Debug;

    fn initial(&self) -> Self::State;
    /// Hands `each` every move enabled in `state`, with the state it leads to, in a fixed order.
    /// (A callback rather than a list: the search's innermost loop then moves each new state
    /// once, straight to where it is kept.)
    fn each_successor(&self, state: &Self::State, each: impl FnMut(Self::Move, Self::State));
    /// Every move enabled in `state`, with the state it leads to, appended to `out`.
    fn successors(&self, state: &Self::State, out: &mut Vec<(Self::Move, Self::State)>) {
        self.each_successor(state, |mv, next| out.push((mv, next)));
    }
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
pub enum RelistAt {
    /// About to start relist `r` (from 1).
    Start(u32),
    /// In relist `r`, visiting the pods that changed.
    Visiting(u32),
    /// In relist `r`, holding the event of a visited pod for a full channel (blocking sends).
    Sending(u32),
    /// Every relist ran; about to mark relisting done and close the channel.
    Finish,
    Done,
}

impl RelistAt {
    /// What follows relist `r` of `relists`.
    pub fn after(r: u32, relists: u32) -> RelistAt {
        if r < relists {
            RelistAt::Start(r + 1)
        } else {
            RelistAt::Finish
        }
    }

    /// Its place in relist's progress (below 2^31 for every scenario the checker accepts).
    pub fn rank(self) -> u64 {
        match self {
            RelistAt::Start(r) => 2 * u64::from(r),
            RelistAt::Visiting(r) | RelistAt::Sending(r) => 2 * u64::from(r) + 1,
            RelistAt::Finish => 1 << 30,
            RelistAt::Done => (1 << 30) + 1,
        }
    }

    /// The relist in progress, if one is.
    pub fn in_relist(self) -> Option<u32> {
        match self {
            RelistAt::Visiting(r) | RelistAt::Sending(r) => Some(r),
            _ => None,
        }
    }

    /// The one move of [`Move::RELIST`] this program point can take (if its guard allows).
    pub fn own_move(self) -> Option<Move> {
        match self {
            RelistAt::Start(_) => Some(Move::Start),
            RelistAt::Visiting(_) => Some(Move::EndRelist),
            RelistAt::Sending(_) => Some(Move::Send),
            RelistAt::Finish => Some(Move::Finish),
            RelistAt::Done => None,
        }
    }
}

/// Where syncLoop is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SyncLoopAt {
    /// At the health gate in front of an iteration.
    Gate,
    /// Past the gate: about to take one event.
    Receive,
    /// The channel was closed and drained.
    Exited,
}

impl SyncLoopAt {
    /// The moves of [`Move::OTHERS`] syncLoop can take from here (each if its guard allows), in
    /// the table's order.
    pub fn moves(self) -> &'static [Move] {
        match self {
            SyncLoopAt::Gate => &[Move::Pass, Move::Retry],
            SyncLoopAt::Receive => &[Move::Receive, Move::Exit],
            SyncLoopAt::Exited => &[],
        }
    }
}

/// What both machines show of a state, and what is derived from it once for both: PLEG's
/// health and the gate, a blocked relist, syncLoop's moves, the witnesses, a stall's kind.
pub trait Shape {
    type State;
    type Move: Copy;

    fn scenario(&self) -> &Scenario;
    fn relist_at(&self, st: &Self::State) -> RelistAt;
    fn sync_at(&self, st: &Self::State) -> SyncLoopAt;
    fn channel_len(&self, st: &Self::State) -> usize;
    /// How many ticks ago the relist still running started, if PLEG is stale by that.
    fn stale_for(&self, st: &Self::State) -> Option<Tick>;
    /// Whether any relist has started yet.
    fn relisted(&self, st: &Self::State) -> bool;
    fn kind(&self, mv: Self::Move) -> Kind;

    fn design(&self) -> Design {
        self.scenario().design
    }

    fn full(&self, st: &Self::State) -> bool {
        self.channel_len(st) >= self.scenario().channel_capacity()
    }

    /// `Healthy()` and, for evented-health, EventedPLEG's rule — the gate's answer. A finished
    /// relist loop counts as healthy (the bounded run's convention: kubelet keeps relisting).
    fn health(&self, st: &Self::State) -> Result<(), Unhealthy> {
        if self.design().full_channel_is_unhealthy() && self.full(st) {
            return Err(Unhealthy::ChannelFull);
        }
        if self.relist_at(st) == RelistAt::Done {
            return Ok(());
        }
        if !self.relisted(st) {
            return Err(Unhealthy::NeverRelisted);
        }
        match self.stale_for(st) {
            Some(ago) => Err(Unhealthy::Stale { ago }),
            None => Ok(()),
        }
    }

    fn gate_open(&self, st: &Self::State) -> bool {
        !self.design().gated() || self.health(st).is_ok()
    }

    /// relist is blocked: it holds an event for a full channel.
    fn relist_blocked(&self, st: &Self::State) -> bool {
        matches!(self.relist_at(st), RelistAt::Sending(_)) && self.full(st)
    }

    /// Whether syncLoop's move of kind `kind` is enabled (its effect on pods is the machine's).
    fn sync_enabled(&self, st: &Self::State, kind: Kind) -> bool {
        let open = self.gate_open(st);
        match (self.sync_at(st), kind) {
            (SyncLoopAt::Gate, Kind::Pass) => open,
            (SyncLoopAt::Gate, Kind::Retry) => {
                !open && self.scenario().gate == pleg_core::Gate::Retry
            }
            (SyncLoopAt::Receive, Kind::Receive) => self.channel_len(st) > 0,
            (SyncLoopAt::Receive, Kind::Exit) => {
                self.channel_len(st) == 0 && self.relist_at(st) == RelistAt::Done
            }
            _ => false,
        }
    }

    /// The kind of a stall at `st`: on a fair cycle (`cycle`) or at a state with no move left.
    fn shape(&self, st: &Self::State, cycle: bool) -> VerdictKind {
        let gated = self.sync_at(st) == SyncLoopAt::Gate && self.design().gated();
        let health = self.health(st);
        if self.relist_blocked(st) && gated && matches!(health, Err(Unhealthy::Stale { .. })) {
            if cycle {
                VerdictKind::Livelock
            } else {
                VerdictKind::Deadlock
            }
        } else if gated && health == Err(Unhealthy::ChannelFull) {
            VerdictKind::GatedStall
        } else {
            VerdictKind::OtherDeadlock
        }
    }

    /// The witnesses a state shows.
    fn witnesses_at(&self, st: &Self::State, w: &mut Witnesses) {
        w[Witness::ChannelFull] += u64::from(self.full(st));
        w[Witness::RelistBlocked] += u64::from(self.relist_blocked(st));
        let closed = self.sync_at(st) == SyncLoopAt::Gate && !self.gate_open(st);
        w[Witness::GateClosed] += u64::from(closed);
    }

    /// The witnesses a move out of `st` does.
    fn witnesses_of(&self, st: &Self::State, mv: Self::Move, w: &mut Witnesses) {
        let kind = self.kind(mv);
        let discard = kind == Kind::Visit && self.full(st) && self.design().can_discard();
        w[Witness::Discard] += u64::from(discard);
        let mid_relist = self.relist_at(st).in_relist().is_some();
        w[Witness::DrainedMidRelist] += u64::from(kind == Kind::Receive && mid_relist);
    }
}
