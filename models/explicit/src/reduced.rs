//! The reduced model: the unreduced one with everything that cannot change a verdict taken
//! out. Each reduction is exact for the verdicts (docs/model.md argues why, and
//! `models/tests/explicit.rs` shows the reduced search, the unreduced one and loom agreeing on
//! a grid):
//!
//! 1. **Pods are interchangeable.** Pods in the same situation — the same record, cache,
//!    "still to visit" and "synced at the latest version" — are counted, not named (a
//!    [`Class`] and its count). Go's map order then branches on *which kind* of pod relist
//!    visits next, not on which pod.
//! 2. **The channel is a run of classes.** One producer and a FIFO: an entry is the pod it
//!    stands for. Only a pod's *last* entry can still matter — an earlier one syncs the pod from
//!    the cache, and the last one will sync it again later, from a cache at least as new — so
//!    earlier entries are [`Entry::Dead`], and a live entry carries its pod's class. Runs of
//!    equal entries are stored once, with a count.
//! 3. **The clock is one tick.** PLEG goes stale only if all `threshold + 1` ticks fall after
//!    the relist that is still running started; the ticks before the last change nothing else.
//!    So every threshold explores like threshold 0: `now` is 0 or 1.
//! 4. **Only what the end can see.** Whether a pod ends synced matters only without the
//!    resync; with it, synced status is not tracked and every entry is anonymous. A pod whose
//!    record is at the latest version with no live entry never changes again: it is dropped,
//!    and if it was out of date the state remembers that *some* pod is lost.

use crate::moves::Move;
use crate::pods::{self, Pods};
use crate::{End, Pc, StateMachine, SyncPc};
use pleg_core::{Actor, Gate, MapOrder, Scenario, VerdictKind, Witnesses};
use smallvec::SmallVec;

/// What makes two pods interchangeable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Class {
    record: u8,
    cache: u8,
    to_visit: bool,
    /// Synced at the latest version (always `false` where the resync makes it moot).
    ok: bool,
}

/// One entry of the eventChannel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Entry {
    /// An event that can no longer change anything when received.
    Dead,
    /// The last event of a pod in this class.
    Live(Class),
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct State {
    relist: Pc,
    sync: SyncPc,
    /// The clock: 0 before its (one) tick, 1 after.
    now: u8,
    relist_time: Option<u8>,
    /// Some pod will never be synced at the latest version.
    lost: bool,
    /// The pods with no live entry, by class (sorted, counts above zero).
    pool: SmallVec<[(Class, u32); 4]>,
    /// The eventChannel, oldest first, in runs of equal entries.
    channel: SmallVec<[(Entry, u32); 4]>,
}

/// A move of the reduced model: relist's visits name a class or a channel position.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RMove {
    /// Visit a pod of this class with no live entry.
    VisitPool(Class),
    /// Visit the pod whose live entry is at this position of the channel.
    VisitEntry(u32),
    /// Any other move, as in the unreduced model.
    Other(Move),
}

/// The reduced model of one scenario.
#[derive(Debug, Clone, Copy)]
pub struct Reduced {
    scenario: Scenario,
}

impl Reduced {
    /// `None` when the scenario's pod order cannot be reduced: a fixed order tells pods apart.
    pub fn new(scenario: &Scenario) -> Option<Self> {
        (scenario.map_order == MapOrder::Go).then_some(Reduced {
            scenario: *scenario,
        })
    }

    fn latest(&self) -> u8 {
        self.scenario.changes() as u8
    }

    fn capacity(&self) -> u64 {
        self.scenario.channel_capacity() as u64
    }

    fn len(st: &State) -> u64 {
        st.channel.iter().map(|&(_, n)| u64::from(n)).sum()
    }

    fn full(&self, st: &State) -> bool {
        Self::len(st) >= self.capacity()
    }

    fn to_visit(st: &State) -> u64 {
        let pool = st.pool.iter().filter(|(c, _)| c.to_visit).map(|&(_, n)| n);
        let live = st
            .channel
            .iter()
            .filter(|(e, _)| matches!(e, Entry::Live(c) if c.to_visit))
            .map(|&(_, n)| n);
        pool.chain(live).map(u64::from).sum()
    }

    /// The gate's answer, as the unreduced model gives it at threshold 0.
    fn gate_open(&self, st: &State) -> bool {
        let s = &self.scenario;
        if !s.design.gated() {
            return true;
        }
        if s.design.full_channel_is_unhealthy() && self.full(st) {
            return false;
        }
        st.relist == Pc::Done || st.relist_time == Some(st.now)
    }

    fn stale(st: &State) -> bool {
        st.relist != Pc::Done && st.relist_time.is_some_and(|t| st.now > t)
    }

    fn relist_blocked(&self, st: &State) -> bool {
        matches!(st.relist, Pc::Visiting(_))
            && self.scenario.design.blocking_send()
            && self.full(st)
    }

    pub fn initial(&self) -> State {
        let class = Class {
            record: 0,
            cache: 0,
            to_visit: false,
            ok: false,
        };
        let mut st = State {
            relist: Pc::Start(1),
            sync: SyncPc::Gate,
            now: 0,
            relist_time: None,
            lost: false,
            pool: SmallVec::new(),
            channel: SmallVec::new(),
        };
        self.add_to_pool(&mut st, class, self.scenario.pods(), 0);
        st
    }

    /// Puts `count` pods of `class` into the pool, synced at version `synced` — normalised:
    /// synced status kept only where it can matter, pods that never change again folded away.
    fn add_to_pool(&self, st: &mut State, mut class: Class, count: u32, synced: u8) {
        if count == 0 {
            return;
        }
        class.ok = !self.scenario.resync && synced == self.latest();
        let inert = class.record == self.latest() && !class.to_visit;
        if inert {
            st.lost |= !self.scenario.resync && !class.ok;
            return;
        }
        match st.pool.binary_search_by(|(c, _)| c.cmp(&class)) {
            Ok(i) => st.pool[i].1 += count,
            Err(i) => st.pool.insert(i, (class, count)),
        }
    }

    fn take_from_pool(st: &mut State, class: Class) -> bool {
        let Ok(i) = st.pool.binary_search_by(|(c, _)| c.cmp(&class)) else {
            return false;
        };
        st.pool[i].1 -= 1;
        if st.pool[i].1 == 0 {
            st.pool.remove(i);
        }
        true
    }

    fn push_entry(st: &mut State, entry: Entry) {
        match st.channel.last_mut() {
            Some((last, n)) if *last == entry => *n += 1,
            _ => st.channel.push((entry, 1)),
        }
    }

    /// The entry at `position`, and the run it is in.
    fn entry_at(st: &State, position: u64) -> Option<(usize, Entry)> {
        let mut start = 0;
        for (run, &(entry, n)) in st.channel.iter().enumerate() {
            if position < start + u64::from(n) {
                return Some((run, entry));
            }
            start += u64::from(n);
        }
        None
    }

    /// Replaces the entry at `position` (in run `run`), splitting the run and re-merging.
    fn set_entry(st: &mut State, position: u64, entry: Entry) {
        let mut entries: SmallVec<[(Entry, u32); 8]> = SmallVec::new();
        let mut start = 0;
        for &(e, n) in &st.channel {
            let end = start + u64::from(n);
            if (start..end).contains(&position) {
                let before = (position - start) as u32;
                let after = (end - position - 1) as u32;
                entries.extend([(e, before), (entry, 1), (e, after)]);
            } else {
                entries.push((e, n));
            }
            start = end;
        }
        st.channel.clear();
        for (e, n) in entries.into_iter().filter(|&(_, n)| n > 0) {
            match st.channel.last_mut() {
                Some((last, m)) if *last == e => *m += n,
                _ => st.channel.push((e, n)),
            }
        }
    }

    fn enabled(&self, st: &State, out: &mut SmallVec<[RMove; 8]>) {
        match st.relist {
            Pc::Start(_) => out.push(RMove::Other(Move::Start)),
            Pc::Visiting(_) if !self.relist_blocked(st) => {
                out.extend(
                    st.pool
                        .iter()
                        .filter(|(c, _)| c.to_visit)
                        .map(|&(c, _)| RMove::VisitPool(c)),
                );
                let mut position = 0u64;
                for &(entry, n) in &st.channel {
                    if matches!(entry, Entry::Live(c) if c.to_visit) {
                        out.extend(
                            (position..position + u64::from(n))
                                .map(|p| RMove::VisitEntry(p as u32)),
                        );
                    }
                    position += u64::from(n);
                }
            }
            Pc::Visiting(_) | Pc::Done => {}
            Pc::Finish => out.push(RMove::Other(Move::Finish)),
        }
        if st.now == 0 {
            out.push(RMove::Other(Move::Tick));
        }
        match st.sync {
            SyncPc::Gate if self.gate_open(st) => out.push(RMove::Other(Move::Pass)),
            SyncPc::Gate if self.scenario.gate == Gate::Retry => {
                out.push(RMove::Other(Move::Retry))
            }
            SyncPc::Receive if !st.channel.is_empty() => out.push(RMove::Other(Move::Receive)),
            SyncPc::Receive if st.relist == Pc::Done => out.push(RMove::Other(Move::Exit)),
            _ => {}
        }
    }

    fn step(&self, st: &State, mv: RMove) -> State {
        let s = &self.scenario;
        let mut n = st.clone();
        match mv {
            RMove::Other(Move::Start) => {
                let Pc::Start(r) = st.relist else {
                    unreachable!("enabled only at a relist start")
                };
                n.relist_time = Some(st.now);
                let version = s.version_at(r) as u8;
                let changed = |c: Class| Class {
                    to_visit: c.record != version,
                    ..c
                };
                let pool = std::mem::take(&mut n.pool);
                for (class, count) in pool {
                    let synced = if class.ok { self.latest() } else { 0 };
                    self.add_to_pool(&mut n, changed(class), count, synced);
                }
                for (entry, _) in n.channel.iter_mut() {
                    if let Entry::Live(c) = entry {
                        *c = changed(*c);
                    }
                }
                n.relist = if Self::to_visit(&n) == 0 {
                    Pc::after(r, s.relists)
                } else {
                    Pc::Visiting(r)
                };
            }
            RMove::VisitPool(class) => {
                Self::take_from_pool(&mut n, class);
                let synced = if class.ok { self.latest() } else { 0 };
                self.visit(&mut n, class, None, synced);
            }
            RMove::VisitEntry(position) => {
                let Some((_, Entry::Live(class))) = Self::entry_at(st, u64::from(position)) else {
                    unreachable!("enabled only at a live entry")
                };
                self.visit(&mut n, class, Some(u64::from(position)), 0);
            }
            RMove::Other(Move::Finish) => n.relist = Pc::Done,
            RMove::Other(Move::Tick) => n.now = 1,
            RMove::Other(Move::Pass) => n.sync = SyncPc::Receive,
            RMove::Other(Move::Retry) => {}
            RMove::Other(Move::Receive) => {
                let (entry, count) = &mut n.channel[0];
                let entry = *entry;
                *count -= 1;
                if *count == 0 {
                    n.channel.remove(0);
                }
                if let Entry::Live(class) = entry {
                    self.add_to_pool(&mut n, class, 1, class.cache);
                }
                n.sync = SyncPc::Gate;
            }
            RMove::Other(Move::Exit) => n.sync = SyncPc::Exited,
            RMove::Other(Move::Visit(_)) => unreachable!("the reduced model visits by class"),
        }
        n
    }

    /// relist visits a pod of `class` — from the pool, or with its live entry at `position` —
    /// that was synced at version `synced`.
    fn visit(&self, n: &mut State, class: Class, position: Option<u64>, synced: u8) {
        let s = &self.scenario;
        let Pc::Visiting(r) = n.relist else {
            unreachable!("enabled only while visiting")
        };
        let version = s.version_at(r) as u8;
        let early = !s.design.records_after_delivery();
        let visited = Class {
            record: if early { version } else { class.record },
            cache: version,
            to_visit: false,
            ok: false,
        };
        let full = Self::len(n) >= self.capacity();
        if !full {
            let sent = Class {
                record: version,
                ..visited
            };
            if let Some(position) = position {
                Self::set_entry(n, position, Entry::Dead);
            }
            if s.resync {
                // Synced status is moot: the entry is anonymous, the pod stays in the pool.
                Self::push_entry(n, Entry::Dead);
                self.add_to_pool(n, sent, 1, 0);
            } else {
                Self::push_entry(n, Entry::Live(sent));
            }
        } else if let Some(position) = position {
            Self::set_entry(n, position, Entry::Live(visited));
        } else {
            self.add_to_pool(n, visited, 1, synced);
        }
        if Self::to_visit(n) == 0 {
            n.relist = Pc::after(r, s.relists);
        }
    }

    fn discards(&self, st: &State, mv: RMove) -> bool {
        matches!(mv, RMove::VisitPool(_) | RMove::VisitEntry(_))
            && self.full(st)
            && !self.scenario.design.blocking_send()
    }

    fn shape(&self, st: &State, cycle: bool) -> VerdictKind {
        let gated = st.sync == SyncPc::Gate && self.scenario.design.gated();
        let evented_full = self.scenario.design.full_channel_is_unhealthy() && self.full(st);
        if self.relist_blocked(st) && gated && !evented_full && Self::stale(st) {
            if cycle {
                VerdictKind::Livelock
            } else {
                VerdictKind::Deadlock
            }
        } else if gated && evented_full {
            VerdictKind::GatedStall
        } else {
            VerdictKind::OtherDeadlock
        }
    }

    /// Turns a reduced path into one of the unreduced model: each visit names the lowest pod of
    /// its class (or the pod of its channel entry), the one tick becomes `threshold + 1`.
    pub fn concretise(&self, path: &[RMove]) -> Option<Vec<Move>> {
        let pods = Pods::new(&self.scenario);
        let mut concrete = pods.initial();
        let mut moves = Vec::new();
        for &mv in path {
            let steps: Vec<Move> = match mv {
                RMove::Other(Move::Tick) => vec![Move::Tick; self.scenario.clock_ticks() as usize],
                RMove::Other(other) => vec![other],
                RMove::VisitEntry(position) => {
                    vec![Move::Visit(u32::from(
                        *concrete.channel.get(position as usize)?,
                    ))]
                }
                RMove::VisitPool(class) => {
                    let pod = pods
                        .visiting(&concrete)
                        .find(|&p| self.pool_class(&concrete, p) == Some(class))?;
                    vec![Move::Visit(pod)]
                }
            };
            for step in steps {
                concrete = pods.step(&concrete, step)?;
                moves.push(step);
            }
        }
        Some(moves)
    }

    /// The class a concrete pod counts under in the pool, if it is in the pool (no live entry;
    /// with the resync every pod is).
    fn pool_class(&self, st: &pods::State, pod: u32) -> Option<Class> {
        let p = pod as usize;
        if !self.scenario.resync && st.channel.contains(&(pod as u16)) {
            return None;
        }
        Some(Class {
            record: st.records[p],
            cache: st.cache[p],
            to_visit: Pods::to_visit(st, pod),
            ok: !self.scenario.resync && st.synced[p] == self.latest(),
        })
    }
}

impl StateMachine for Reduced {
    type State = State;
    type Move = RMove;

    fn initial(&self) -> State {
        Reduced::initial(self)
    }

    fn successors(&self, st: &State, out: &mut Vec<(RMove, State)>) {
        let mut moves = SmallVec::new();
        self.enabled(st, &mut moves);
        out.extend(moves.into_iter().map(|mv| (mv, self.step(st, mv))));
    }

    fn progress(&self, st: &State) -> u64 {
        let visited = u64::from(self.scenario.pods()) - Self::to_visit(st);
        (st.relist.rank() << 32) | visited
    }

    fn actor(&self, mv: RMove) -> Actor {
        match mv {
            RMove::VisitPool(_) | RMove::VisitEntry(_) => Actor::Relist,
            RMove::Other(mv) => mv.actor(),
        }
    }

    fn end(&self, st: &State) -> End {
        let clean = st.relist == Pc::Done && st.sync == SyncPc::Exited && st.now == 1;
        if clean {
            // The quiet relist regenerates every pod whose record lags; the others must be ok.
            let latest = self.latest();
            let pool_ok = st
                .pool
                .iter()
                .all(|(c, _)| self.scenario.resync || c.record != latest || c.ok);
            End::Clean {
                converged: !st.lost && pool_ok,
            }
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

    fn observe_move(&self, st: &State, mv: RMove, w: &mut Witnesses) {
        w.discards += u64::from(self.discards(st, mv));
        let mid_relist = matches!(st.relist, Pc::Visiting(_));
        w.drained_mid_relist += u64::from(mv == RMove::Other(Move::Receive) && mid_relist);
    }
}
