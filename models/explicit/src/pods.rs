//! The unreduced model: every pod by name, every clock tick, the channel as the pods whose
//! events are in it. No reduction at all — the reference the reduced search is checked against,
//! the simulator every path is replayed on, and the model a learner steps through.
//!
//! It shares no code with pleg-kubelet — no channel, no threads, no runtime — so a verdict both
//! agree on is not an artefact of either implementation. Each move is one atomic step of one
//! actor, at the granularity of kubelet's statements (see [`Move`]); relist may visit any pod
//! still to visit in its relist (Go's map order), or only the lowest (a fixed order).

use crate::moves::Move;
use crate::{End, Pc, StateMachine, SyncPc};
use pleg_core::{Actor, Gate, MapOrder, Scenario, Tick, Unhealthy, VerdictKind, Witnesses};
use smallvec::SmallVec;

/// One state of every actor and every pod.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct State {
    pub relist: Pc,
    /// The pods still to visit in the current relist (changed at its start, not yet visited).
    pub to_visit: SmallVec<[u64; 1]>,
    /// `podRecords`: the version each pod was last compared at.
    pub records: SmallVec<[u8; 8]>,
    /// The pod cache: the version relist last inspected.
    pub cache: SmallVec<[u8; 8]>,
    /// The version syncLoop last synced each pod at.
    pub synced: SmallVec<[u8; 8]>,
    /// The pods whose events are in the eventChannel, oldest first.
    pub channel: SmallVec<[u16; 8]>,
    pub now: Tick,
    pub relist_time: Option<Tick>,
    pub sync: SyncPc,
}

/// The unreduced model of one scenario.
#[derive(Debug, Clone, Copy)]
pub struct Pods {
    pub scenario: Scenario,
}

impl Pods {
    pub fn new(scenario: &Scenario) -> Self {
        Pods {
            scenario: *scenario,
        }
    }

    pub fn initial(&self) -> State {
        let pods = self.scenario.pods() as usize;
        State {
            relist: Pc::Start(1),
            to_visit: SmallVec::from_elem(0, pods.div_ceil(64)),
            records: SmallVec::from_elem(0, pods),
            cache: SmallVec::from_elem(0, pods),
            synced: SmallVec::from_elem(0, pods),
            channel: SmallVec::new(),
            now: 0,
            relist_time: None,
            sync: SyncPc::Gate,
        }
    }

    fn capacity(&self) -> usize {
        self.scenario.channel_capacity()
    }

    fn latest(&self) -> u8 {
        self.scenario.changes() as u8
    }

    pub fn full(&self, st: &State) -> bool {
        st.channel.len() >= self.capacity()
    }

    pub fn to_visit(st: &State, pod: u32) -> bool {
        st.to_visit[pod as usize / 64] & (1 << (pod % 64)) != 0
    }

    fn set_to_visit(st: &mut State, pod: u32, on: bool) {
        let (word, bit) = (pod as usize / 64, 1u64 << (pod % 64));
        if on {
            st.to_visit[word] |= bit;
        } else {
            st.to_visit[word] &= !bit;
        }
    }

    /// The pods still to visit, lowest first.
    pub fn visiting(&self, st: &State) -> impl Iterator<Item = u32> + '_ {
        let pods = self.scenario.pods();
        let words = st.to_visit.clone();
        (0..pods).filter(move |&p| words[p as usize / 64] & (1 << (p % 64)) != 0)
    }

    /// `Healthy()` and, for evented-health, EventedPLEG's rule — the gate's answer.
    pub fn health(&self, st: &State) -> Result<(), Unhealthy> {
        if self.scenario.design.full_channel_is_unhealthy() && self.full(st) {
            return Err(Unhealthy::ChannelFull);
        }
        if st.relist == Pc::Done {
            return Ok(());
        }
        match st.relist_time {
            None => Err(Unhealthy::NeverRelisted),
            Some(t) if st.now - t > self.scenario.threshold => {
                Err(Unhealthy::Stale { ago: st.now - t })
            }
            Some(_) => Ok(()),
        }
    }

    fn gate_open(&self, st: &State) -> bool {
        !self.scenario.design.gated() || self.health(st).is_ok()
    }

    /// relist is blocked: its next send waits on a full channel.
    pub fn relist_blocked(&self, st: &State) -> bool {
        matches!(st.relist, Pc::Visiting(_))
            && self.scenario.design.blocking_send()
            && self.full(st)
    }

    /// The moves enabled in `st`.
    pub fn enabled(&self, st: &State, out: &mut Vec<Move>) {
        match st.relist {
            Pc::Start(_) => out.push(Move::Start),
            Pc::Visiting(_) if !self.relist_blocked(st) => match self.scenario.map_order {
                MapOrder::Go => out.extend(self.visiting(st).map(Move::Visit)),
                MapOrder::Fixed => out.extend(self.visiting(st).next().map(Move::Visit)),
            },
            Pc::Visiting(_) => {}
            Pc::Finish => out.push(Move::Finish),
            Pc::Done => {}
        }
        if st.now < self.scenario.clock_ticks() {
            out.push(Move::Tick);
        }
        match st.sync {
            SyncPc::Gate if self.gate_open(st) => out.push(Move::Pass),
            SyncPc::Gate if self.scenario.gate == Gate::Retry => out.push(Move::Retry),
            SyncPc::Receive if !st.channel.is_empty() => out.push(Move::Receive),
            SyncPc::Receive if st.relist == Pc::Done => out.push(Move::Exit),
            _ => {}
        }
    }

    /// The state `mv` leads to, or `None` if it is not enabled.
    pub fn step(&self, st: &State, mv: Move) -> Option<State> {
        let s = &self.scenario;
        let mut n = st.clone();
        match (mv, st.relist, st.sync) {
            (Move::Start, Pc::Start(r), _) => {
                n.relist_time = Some(st.now);
                let version = s.version_at(r) as u8;
                for pod in 0..s.pods() {
                    let changed = n.records[pod as usize] != version;
                    Self::set_to_visit(&mut n, pod, changed);
                }
                n.relist = if n.to_visit.iter().all(|&w| w == 0) {
                    Pc::after(r, s.relists)
                } else {
                    Pc::Visiting(r)
                };
            }
            (Move::Visit(pod), Pc::Visiting(r), _) => {
                let fixed_next = self.visiting(st).next();
                let order_allows = s.map_order == MapOrder::Go || fixed_next == Some(pod);
                if pod >= s.pods() || !Self::to_visit(st, pod) || !order_allows {
                    return None;
                }
                if self.relist_blocked(st) {
                    return None;
                }
                let (p, version) = (pod as usize, s.version_at(r) as u8);
                n.cache[p] = version;
                if !s.design.records_after_delivery() {
                    n.records[p] = version;
                }
                if !self.full(st) {
                    n.channel.push(pod as u16);
                    n.records[p] = version;
                } // else: discarded (a blocking design cannot get here)
                Self::set_to_visit(&mut n, pod, false);
                if n.to_visit.iter().all(|&w| w == 0) {
                    n.relist = Pc::after(r, s.relists);
                }
            }
            (Move::Finish, Pc::Finish, _) => n.relist = Pc::Done,
            (Move::Tick, _, _) if st.now < s.clock_ticks() => n.now += 1,
            (Move::Pass, _, SyncPc::Gate) if self.gate_open(st) => n.sync = SyncPc::Receive,
            (Move::Retry, _, SyncPc::Gate) if !self.gate_open(st) && s.gate == Gate::Retry => {}
            (Move::Receive, _, SyncPc::Receive) if !st.channel.is_empty() => {
                let pod = n.channel.remove(0) as usize;
                n.synced[pod] = n.cache[pod];
                n.sync = SyncPc::Gate;
            }
            (Move::Exit, Pc::Done, SyncPc::Receive) if st.channel.is_empty() => {
                n.sync = SyncPc::Exited;
            }
            _ => return None,
        }
        Some(n)
    }

    /// Whether the move out of `st` discards an event.
    pub fn discards(&self, st: &State, mv: Move) -> bool {
        matches!(mv, Move::Visit(_)) && self.full(st) && !self.scenario.design.blocking_send()
    }

    /// Every actor finished and the clock ran out.
    pub fn is_clean_end(&self, st: &State) -> bool {
        st.relist == Pc::Done && st.sync == SyncPc::Exited && st.now == self.scenario.clock_ticks()
    }

    /// After a clean end: the quiet next relist regenerates a pod whose record lags, the resync
    /// (if any) syncs every pod from the cache — the version each pod ends synced at.
    pub fn final_synced(&self, st: &State, pod: usize) -> u8 {
        if self.scenario.resync || st.records[pod] != self.latest() {
            st.cache[pod]
        } else {
            st.synced[pod]
        }
    }

    fn shape(&self, st: &State, cycle: bool) -> VerdictKind {
        let stale = matches!(self.health(st), Err(Unhealthy::Stale { .. }));
        let gated = st.sync == SyncPc::Gate && self.scenario.design.gated();
        if self.relist_blocked(st) && gated && stale {
            if cycle {
                VerdictKind::Livelock
            } else {
                VerdictKind::Deadlock
            }
        } else if gated && self.health(st) == Err(Unhealthy::ChannelFull) {
            VerdictKind::GatedStall
        } else {
            VerdictKind::OtherDeadlock
        }
    }
}

impl StateMachine for Pods {
    type State = State;
    type Move = Move;

    fn initial(&self) -> State {
        Pods::initial(self)
    }

    fn successors(&self, st: &State, out: &mut Vec<(Move, State)>) {
        let mut moves = Vec::new();
        self.enabled(st, &mut moves);
        out.extend(
            moves
                .into_iter()
                .map(|mv| (mv, self.step(st, mv).expect("an enabled move steps"))),
        );
    }

    fn progress(&self, st: &State) -> u64 {
        let visited = self.scenario.pods() as u64 - self.visiting(st).count() as u64;
        (st.relist.rank() << 32) | visited
    }

    fn actor(&self, mv: Move) -> Actor {
        mv.actor()
    }

    fn end(&self, st: &State) -> End {
        if self.is_clean_end(st) {
            let latest = self.latest();
            let converged = (0..st.cache.len()).all(|p| self.final_synced(st, p) == latest);
            End::Clean { converged }
        } else {
            End::Stall(self.shape(st, false))
        }
    }

    fn stuck(&self, st: &State) -> VerdictKind {
        self.shape(st, true)
    }

    fn observe(&self, st: &State, w: &mut Witnesses) {
        w.channel_full += u64::from(self.full(st));
        w.relist_blocked += u64::from(self.relist_blocked(st));
        let closed = st.sync == SyncPc::Gate && !self.gate_open(st);
        w.gate_closed += u64::from(closed);
    }

    fn observe_move(&self, st: &State, mv: Move, w: &mut Witnesses) {
        w.discards += u64::from(self.discards(st, mv));
        let mid_relist = matches!(st.relist, Pc::Visiting(_));
        w.drained_mid_relist += u64::from(mv == Move::Receive && mid_relist);
    }
}
