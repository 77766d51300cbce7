//! The unreduced machine: every pod by name, every clock tick, the channel as the pods whose
//! events are in it. No reduction at all — the reference the reduced and symbolic models are
//! checked against, the simulator every path is replayed on, and the machine a learner steps
//! through.
//!
//! Each move is one atomic step of one actor, at the granularity of kubelet's statements
//! ([`Move`]). A move is enabled exactly when [`Pods::step`] takes it somewhere: the guards are
//! written once, in `step`.

use crate::moves::{Kind, Move};
use crate::{End, RelistAt, Shape, StateMachine, SyncLoopAt};
use pleg_core::{Actor, MapOrder, Scenario, Tick, Timing, VerdictKind, Witnesses};
use smallvec::SmallVec;

/// One state of every actor and every pod.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct State {
    pub relist: RelistAt,
    /// The pods visited in the current relist (or, under a fixed order, passed over).
    pub visited: SmallVec<[u64; 1]>,
    /// `podRecords`: the version each pod was last compared at.
    pub records: SmallVec<[u8; 8]>,
    /// The pod cache: the version relist last listed (and inspected) for each pod — the
    /// runtime's latest state as far as anyone has seen.
    pub cache: SmallVec<[u8; 8]>,
    /// The version syncLoop last synced each pod at.
    pub synced: SmallVec<[u8; 8]>,
    /// The pods whose events are in the eventChannel, oldest first.
    pub channel: SmallVec<[u16; 8]>,
    /// The pod whose event relist holds while [`RelistAt::Sending`] (blocked on a full channel).
    pub held: Option<u16>,
    pub now: Tick,
    pub relist_time: Option<Tick>,
    pub sync: SyncLoopAt,
}

/// The unreduced machine of one scenario.
#[derive(Debug, Clone, Copy)]
pub struct Pods {
    pub scenario: Scenario,
}

/// How the end of a clean run goes for one pod, in a quiet system: the next relist re-sends
/// what podRecords says changed, then (if the scenario has it) the resync syncs every pod from
/// the pod cache. Told by the story, judged by the machine: written once, here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// The record lags the cache: the next relist finds the change and delivers it.
    Regenerated { version: u8 },
    /// The record holds the cache's version and the pod is out of date: no event comes.
    NoChange { record: u8, synced: u8 },
    /// Nothing to do: synced at its latest version.
    InSync,
}

impl Pods {
    pub fn new(scenario: &Scenario) -> Self {
        Pods {
            scenario: *scenario,
        }
    }

    pub fn initial(&self) -> State {
        let pods = self.scenario.pods as usize;
        State {
            relist: RelistAt::Start(1),
            visited: SmallVec::from_elem(0, pods.div_ceil(64)),
            records: SmallVec::from_elem(0, pods),
            cache: SmallVec::from_elem(0, pods),
            synced: SmallVec::from_elem(0, pods),
            channel: SmallVec::new(),
            held: None,
            now: 0,
            relist_time: None,
            sync: SyncLoopAt::Gate,
        }
    }

    /// The last version a pod can reach: lockstep's last relisted version, or the limit.
    pub fn last_version(&self) -> u32 {
        match self.scenario.timing {
            Timing::Lockstep => self.scenario.changes_seen(),
            Timing::Anytime => self.scenario.change_limit(),
        }
    }

    pub fn visited(st: &State, pod: u32) -> bool {
        st.visited[pod as usize / 64] & (1 << (pod % 64)) != 0
    }

    fn set_visited(st: &mut State, pod: u32) {
        st.visited[pod as usize / 64] |= 1 << (pod % 64);
    }

    /// Whether `pod` must be visited before relist `r` may end: it changed for sure — its
    /// record lags what has been seen of it, or (lockstep) relist `r` lists a new version.
    pub fn must_visit(&self, st: &State, r: u32, pod: u32) -> bool {
        let p = pod as usize;
        if Self::visited(st, pod) {
            return false;
        }
        match self.scenario.timing {
            Timing::Lockstep => u32::from(st.records[p]) != self.scenario.lockstep_version(r),
            Timing::Anytime => st.records[p] < st.cache[p],
        }
    }

    /// The version relist `r` lists `pod` at if it changed (`landed` 1) or not (`landed` 0,
    /// for a pod whose record still lags) since its cache last saw it, if relist can list it so
    /// now. (Several changes between two listings look like one to relist, which compares old
    /// and new state; counting them as one leaves more changes for later and hides nothing.)
    fn listed(&self, st: &State, r: u32, pod: u32, landed: u32) -> Option<u8> {
        let p = pod as usize;
        if pod >= self.scenario.pods || Self::visited(st, pod) {
            return None;
        }
        let version = u32::from(st.cache[p]) + landed;
        let possible = match self.scenario.timing {
            Timing::Lockstep => {
                self.must_visit(st, r, pod) && version == self.scenario.lockstep_version(r)
            }
            // A pod whose record lags has changed whatever lands; otherwise one change must.
            Timing::Anytime => {
                landed <= 1
                    && version <= self.last_version()
                    && (landed == 1 || self.must_visit(st, r, pod))
            }
        };
        possible.then_some(version as u8)
    }

    /// Under a fixed pod order, relist may visit `pod` next only if no lower pod it has yet to
    /// visit changed for sure.
    fn order_allows(&self, st: &State, r: u32, pod: u32) -> bool {
        self.scenario.map_order == MapOrder::Go || (0..pod).all(|q| !self.must_visit(st, r, q))
    }

    /// The moves that could be enabled in `st`: the move of the table relist's and syncLoop's
    /// program points allow, the tick, and every visit of a pod not yet visited, changed or not
    /// — relist's first, so that of two shortest paths a search meets the one that reads like
    /// kubelet's relist loop first.
    fn candidates<'a>(&'a self, st: &'a State) -> impl Iterator<Item = Move> + 'a {
        let visits = (0..self.scenario.pods)
            .filter(move |&pod| !Self::visited(st, pod))
            .flat_map(move |pod| [1, 0].map(|landed| Move::Visit { pod, landed }));
        let others = std::iter::once(Move::Tick).chain(st.sync.moves().iter().copied());
        st.relist.own_move().into_iter().chain(visits).chain(others)
    }

    /// The moves enabled in `st`: those [`Pods::step`] takes somewhere.
    pub fn enabled(&self, st: &State, out: &mut Vec<Move>) {
        out.extend(
            self.candidates(st)
                .filter(|&mv| self.step(st, mv).is_some()),
        );
    }

    /// The state `mv` leads to, or `None` if it is not enabled. (Each arm checks its guard
    /// before it copies the state: most candidates are not enabled.)
    pub fn step(&self, st: &State, mv: Move) -> Option<State> {
        let with = |change: &dyn Fn(&mut State)| {
            let mut next = st.clone();
            change(&mut next);
            Some(next)
        };
        match (mv, st.relist) {
            (Move::Start, RelistAt::Start(r)) => with(&|next| {
                next.relist_time = Some(st.now);
                next.relist = RelistAt::Visiting(r);
            }),
            (Move::Visit { pod, landed }, RelistAt::Visiting(r)) => {
                let version = self.listed(st, r, pod, landed)?;
                if !self.order_allows(st, r, pod) {
                    return None;
                }
                with(&|next| self.visit(next, r, pod, version))
            }
            (Move::Send, RelistAt::Sending(r)) if !self.full(st) => with(&|next| {
                next.channel.extend(next.held.take());
                next.relist = RelistAt::Visiting(r);
            }),
            (Move::EndRelist, RelistAt::Visiting(r)) => {
                if (0..self.scenario.pods).any(|pod| self.must_visit(st, r, pod)) {
                    return None;
                }
                with(&|next| {
                    next.visited.iter_mut().for_each(|w| *w = 0);
                    next.relist = RelistAt::after(r, self.scenario.relists);
                })
            }
            (Move::Finish, RelistAt::Finish) => with(&|next| next.relist = RelistAt::Done),
            (Move::Tick, _) if st.now < self.scenario.clock_ticks() => with(&|next| next.now += 1),
            (Move::Pass, _) if self.sync_enabled(st, Kind::Pass) => {
                with(&|next| next.sync = SyncLoopAt::Receive)
            }
            (Move::Retry, _) if self.sync_enabled(st, Kind::Retry) => with(&|_| {}),
            (Move::Receive, _) if self.sync_enabled(st, Kind::Receive) => with(&|next| {
                let pod = next.channel.remove(0) as usize;
                next.synced[pod] = next.cache[pod];
                next.sync = SyncLoopAt::Gate;
            }),
            (Move::Exit, _) if self.sync_enabled(st, Kind::Exit) => {
                with(&|next| next.sync = SyncLoopAt::Exited)
            }
            _ => None,
        }
    }

    /// relist visits `pod` in relist `r`, listing it at `version`: pod cache, podRecords
    /// (before the send, unless the design records only what was delivered), then the send —
    /// into the channel, discarded, or held for a full channel.
    fn visit(&self, next: &mut State, r: u32, pod: u32, version: u8) {
        let p = pod as usize;
        let design = self.scenario.design;
        next.cache[p] = version;
        if !design.records_after_delivery() {
            next.records[p] = version;
        }
        Self::set_visited(next, pod);
        if self.scenario.map_order == MapOrder::Fixed {
            (0..pod).for_each(|q| Self::set_visited(next, q));
        }
        if !self.full(next) {
            next.channel.push(pod as u16);
            next.records[p] = version;
        } else if design.blocking_send() {
            next.relist = RelistAt::Sending(r);
            next.held = Some(pod as u16);
        } // else: discarded
    }

    /// How each pod's run ends after a clean end (see [`Ending`]).
    pub fn ending(&self, st: &State, pod: usize) -> Ending {
        let (record, cache, synced) = (st.records[pod], st.cache[pod], st.synced[pod]);
        if record != cache {
            Ending::Regenerated { version: cache }
        } else if synced != cache {
            Ending::NoChange { record, synced }
        } else {
            Ending::InSync
        }
    }

    /// Every actor finished and the clock ran out.
    pub fn is_clean_end(&self, st: &State) -> bool {
        st.relist == RelistAt::Done
            && st.sync == SyncLoopAt::Exited
            && st.now == self.scenario.clock_ticks()
    }

    /// Whether every pod converges after a clean end: the next relist delivers what lags, the
    /// resync (if any) syncs the rest.
    pub fn converges(&self, st: &State) -> bool {
        self.scenario.resync
            || (0..st.cache.len()).all(|p| !matches!(self.ending(st, p), Ending::NoChange { .. }))
    }
}

impl Shape for Pods {
    type State = State;
    type Move = Move;

    fn scenario(&self) -> &Scenario {
        &self.scenario
    }
    fn relist_at(&self, st: &State) -> RelistAt {
        st.relist
    }
    fn sync_at(&self, st: &State) -> SyncLoopAt {
        st.sync
    }
    fn channel_len(&self, st: &State) -> usize {
        st.channel.len()
    }
    fn stale_for(&self, st: &State) -> Option<Tick> {
        let ago = st.now - st.relist_time?;
        (ago > self.scenario.threshold).then_some(ago)
    }
    fn relisted(&self, st: &State) -> bool {
        st.relist_time.is_some()
    }
    fn kind(&self, mv: Move) -> Kind {
        mv.kind()
    }
}

impl StateMachine for Pods {
    type State = State;
    type Move = Move;

    fn initial(&self) -> State {
        Pods::initial(self)
    }

    fn each_successor(&self, st: &State, mut each: impl FnMut(Move, State)) {
        for mv in self.candidates(st) {
            if let Some(next) = self.step(st, mv) {
                each(mv, next);
            }
        }
    }

    fn progress(&self, st: &State) -> u64 {
        let visited: u32 = st.visited.iter().map(|w| w.count_ones()).sum();
        (st.relist.rank() << 32) | u64::from(visited)
    }

    fn actor(&self, mv: Move) -> Actor {
        mv.actor()
    }

    fn end(&self, st: &State) -> End {
        if self.is_clean_end(st) {
            End::Clean {
                converged: self.converges(st),
            }
        } else {
            End::Stall(self.shape(st, false))
        }
    }

    fn stuck(&self, st: &State) -> VerdictKind {
        self.shape(st, true)
    }

    fn observe(&self, st: &State, w: &mut Witnesses) {
        self.witnesses_at(st, w);
    }

    fn observe_move(&self, st: &State, mv: Move, w: &mut Witnesses) {
        self.witnesses_of(st, mv, w);
    }
}
