//! The reduced machine: the unreduced one with everything that cannot change a verdict taken
//! out. Each reduction is exact for the verdicts (docs/model.md argues why, and the checkers'
//! tests show the reduced search, the unreduced one and loom agreeing on a grid):
//!
//! 1. **Pods are interchangeable.** Pods in the same situation — the same record, cache,
//!    "visited this relist" and "synced at what the cache holds" — are counted, not named (a
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
//!    resync; with it, synced status is not tracked and every entry is anonymous. A pod that
//!    can never change again and has no live entry is dropped, and if it was out of date the
//!    state remembers that *some* pod is lost.

use crate::moves::{Kind, Move};
use crate::pods::{self, Pods};
use crate::{End, RelistAt, Shape, StateMachine, SyncLoopAt};
use pleg_core::{Actor, MapOrder, Scenario, Tick, Timing, VerdictKind, Witnesses};
use smallvec::SmallVec;

/// What makes two pods interchangeable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Class {
    record: u8,
    cache: u8,
    visited: bool,
    /// Synced at the version its cache holds (always `false` where the resync makes it moot).
    synced_current: bool,
}

/// One entry of the eventChannel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Entry {
    /// An event that can no longer change anything when received.
    Dead,
    /// The last event of a pod in this class.
    Live(Class),
}

#[derive(Debug, PartialEq, Eq)]
pub struct State {
    relist: RelistAt,
    sync: SyncLoopAt,
    /// The clock: 0 before its (one) tick, 1 after.
    now: u8,
    relist_time: Option<u8>,
    /// Some pod will never be synced at its latest version.
    lost: bool,
    /// The pods with no live entry, by class (sorted, counts above zero).
    pool: SmallVec<[(Class, u32); 4]>,
    /// The eventChannel, oldest first, in runs of equal entries.
    channel: SmallVec<[(Entry, u32); 4]>,
    /// The event relist holds for a full channel while [`RelistAt::Sending`].
    held: Option<Entry>,
}

/// Copied a slice at a time: the derived clone pushes run by run, and the search clones a
/// state for every move it takes.
impl Clone for State {
    #[inline]
    fn clone(&self) -> Self {
        State {
            pool: SmallVec::from_slice(&self.pool),
            channel: SmallVec::from_slice(&self.channel),
            ..*self
        }
    }
}

impl Class {
    /// The class as one number, for hashing (distinct classes, distinct numbers).
    fn bits(self) -> u64 {
        u64::from(self.record)
            | u64::from(self.cache) << 8
            | u64::from(self.visited) << 16
            | u64::from(self.synced_current) << 17
    }
}

impl Entry {
    /// The entry as one number, for hashing: a class's, or one no class has.
    fn bits(self) -> u64 {
        match self {
            Entry::Dead => 1 << 18,
            Entry::Live(class) => class.bits(),
        }
    }
}

/// Hashed a word at a time, not a field at a time: hashing is a good part of the search's
/// cost. Equal states write equal words.
impl std::hash::Hash for State {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        let (relist, r) = match self.relist {
            RelistAt::Start(r) => (0, r),
            RelistAt::Visiting(r) => (1, r),
            RelistAt::Sending(r) => (2, r),
            RelistAt::Finish => (3, 0),
            RelistAt::Done => (4, 0),
        };
        let sync = self.sync as u64;
        let time = self.relist_time.map_or(0, |t| u64::from(t) + 1);
        let held = self.held.map_or(0, |e| e.bits() + 1);
        h.write_u64(u64::from(r) | relist << 32 | sync << 35 | u64::from(self.now) << 37);
        h.write_u64(time | u64::from(self.lost) << 9 | held << 10);
        h.write_usize(self.pool.len());
        for &(class, n) in &self.pool {
            h.write_u64(class.bits() | u64::from(n) << 32);
        }
        for &(entry, n) in &self.channel {
            h.write_u64(entry.bits() | u64::from(n) << 32);
        }
    }
}

/// A move of the reduced machine: relist's visits name a class or a channel position.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReducedMove {
    /// Visit a pod of this class with no live entry, `landed` changes of it landed.
    VisitPool { class: Class, landed: u32 },
    /// Visit the pod whose live entry is at this position of the channel.
    VisitEntry { position: u32, landed: u32 },
    /// Any other move, as in the unreduced machine.
    Other(Move),
}

/// The reduced machine of one scenario.
#[derive(Debug, Clone, Copy)]
pub struct Reduced {
    scenario: Scenario,
    /// The same scenario, unreduced: the pod-level rules the reduction does not change.
    pods: Pods,
}

impl Reduced {
    /// `None` when the scenario's pod order cannot be reduced: a fixed order tells pods apart.
    pub fn new(scenario: &Scenario) -> Option<Self> {
        (scenario.map_order == MapOrder::Go).then_some(Reduced {
            scenario: *scenario,
            pods: Pods::new(scenario),
        })
    }

    fn capacity(&self) -> u64 {
        self.scenario.channel_capacity() as u64
    }

    fn len(st: &State) -> u64 {
        st.channel.iter().map(|&(_, n)| u64::from(n)).sum()
    }

    pub fn initial(&self) -> State {
        let class = Class {
            record: 0,
            cache: 0,
            visited: false,
            synced_current: true,
        };
        let mut st = State {
            relist: RelistAt::Start(1),
            sync: SyncLoopAt::Gate,
            now: 0,
            relist_time: None,
            lost: false,
            pool: SmallVec::new(),
            channel: SmallVec::new(),
            held: None,
        };
        self.add_to_pool(&mut st, class, self.scenario.pods);
        st
    }

    /// Whether a pod of `class` must be visited before relist `r` may end (as
    /// [`Pods::must_visit`] says of one pod).
    fn must_visit(&self, class: Class, r: u32) -> bool {
        !class.visited
            && match self.scenario.timing {
                Timing::Lockstep => u32::from(class.record) != self.scenario.lockstep_version(r),
                Timing::Anytime => class.record < class.cache,
            }
    }

    /// The version relist `r` lists a pod of `class` at, `landed` changes later, if it can.
    fn listed(&self, class: Class, r: u32, landed: u32) -> Option<u8> {
        if class.visited {
            return None;
        }
        let version = u32::from(class.cache) + landed;
        let possible = match self.scenario.timing {
            Timing::Lockstep => {
                self.must_visit(class, r) && version == self.scenario.lockstep_version(r)
            }
            Timing::Anytime => {
                landed <= 1
                    && version <= self.pods.last_version()
                    && (landed == 1 || self.must_visit(class, r))
            }
        };
        possible.then_some(version as u8)
    }

    /// Puts `count` pods of `class` into the pool, normalised: synced status kept only where
    /// it can matter, pods that can never change again folded away.
    fn add_to_pool(&self, st: &mut State, mut class: Class, count: u32) {
        if count == 0 {
            return;
        }
        class.synced_current &= !self.scenario.resync;
        let last = self.pods.last_version();
        let inert = u32::from(class.cache) == last && class.record == class.cache;
        if inert {
            st.lost |= !self.scenario.resync && !class.synced_current;
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

    /// The entry at `position`.
    fn entry_at(st: &State, position: u64) -> Option<Entry> {
        let mut start = 0;
        for &(entry, n) in &st.channel {
            if position < start + u64::from(n) {
                return Some(entry);
            }
            start += u64::from(n);
        }
        None
    }

    /// Replaces the entry at `position`, splitting its run and re-merging.
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
            Self::push_entry_runs(st, e, n);
        }
    }

    fn push_entry_runs(st: &mut State, entry: Entry, n: u32) {
        match st.channel.last_mut() {
            Some((last, m)) if *last == entry => *m += n,
            _ => st.channel.push((entry, n)),
        }
    }

    /// The pods relist may still visit, as [`Self::visitable`] lists them but a run at a
    /// time — its class and how many pods — without the walk of every position. Inline, as
    /// `progress` below is: the search calls that once per move, from another crate.
    #[inline]
    fn unvisited(st: &State) -> impl Iterator<Item = (Class, u32)> + '_ {
        let pool = st.pool.iter().filter(|(c, _)| !c.visited).copied();
        let live = st.channel.iter().filter_map(|&(entry, n)| match entry {
            Entry::Live(c) if !c.visited => Some((c, n)),
            _ => None,
        });
        pool.chain(live)
    }

    /// Every class relist may still visit, with where the pod is: in the pool, or at a live
    /// entry's position.
    fn visitable<'a>(&'a self, st: &'a State) -> impl Iterator<Item = (Class, Option<u32>)> + 'a {
        let pool = st.pool.iter().map(|&(c, _)| (c, None));
        let mut position = 0u32;
        let live = st.channel.iter().flat_map(move |&(entry, n)| {
            let start = position;
            position += n;
            let class = match entry {
                Entry::Live(c) => Some(c),
                Entry::Dead => None,
            };
            class
                .into_iter()
                .flat_map(move |c| (start..start + n).map(move |p| (c, Some(p))))
        });
        pool.chain(live).filter(|(c, _)| !c.visited)
    }

    /// The moves that could be enabled in `st`, in the order [`Move::RELIST`], visits,
    /// [`Move::OTHERS`] — only those the program points allow, so that `step` is not asked
    /// about the rest (this is the search's innermost loop).
    fn candidates(&self, st: &State, mut each: impl FnMut(ReducedMove)) {
        if let Some(mv) = st.relist.own_move() {
            each(ReducedMove::Other(mv));
        }
        if let RelistAt::Visiting(_) = st.relist {
            for (class, at) in self.visitable(st) {
                for landed in [1, 0] {
                    each(match at {
                        None => ReducedMove::VisitPool { class, landed },
                        Some(position) => ReducedMove::VisitEntry { position, landed },
                    });
                }
            }
        }
        // The reduced clock has one tick.
        if st.now == 0 {
            each(ReducedMove::Other(Move::Tick));
        }
        for &mv in st.sync.moves() {
            each(ReducedMove::Other(mv));
        }
    }

    fn step(&self, st: &State, mv: ReducedMove) -> Option<State> {
        let s = &self.scenario;
        // Most candidates are not enabled: the state is copied only once a move applies.
        let next = || st.clone();
        let next = match (mv, st.relist) {
            (ReducedMove::Other(Move::Start), RelistAt::Start(r)) => {
                let mut next = next();
                next.relist_time = Some(st.now);
                next.relist = RelistAt::Visiting(r);
                next
            }
            (ReducedMove::VisitPool { class, landed }, RelistAt::Visiting(r)) => {
                let version = self.listed(class, r, landed)?;
                let mut next = next();
                if !Self::take_from_pool(&mut next, class) {
                    return None;
                }
                self.visit(&mut next, r, class, None, version);
                next
            }
            (ReducedMove::VisitEntry { position, landed }, RelistAt::Visiting(r)) => {
                let Some(Entry::Live(class)) = Self::entry_at(st, u64::from(position)) else {
                    return None;
                };
                let version = self.listed(class, r, landed)?;
                let mut next = next();
                self.visit(&mut next, r, class, Some(u64::from(position)), version);
                next
            }
            (ReducedMove::Other(Move::Send), RelistAt::Sending(r)) if !self.full(st) => {
                let mut next = next();
                let held = next.held.take()?;
                Self::push_entry(&mut next, held);
                next.relist = RelistAt::Visiting(r);
                next
            }
            (ReducedMove::Other(Move::EndRelist), RelistAt::Visiting(r)) => {
                if Self::unvisited(st).any(|(c, _)| self.must_visit(c, r)) {
                    return None;
                }
                let mut next = next();
                self.end_relist(&mut next);
                next.relist = RelistAt::after(r, s.relists);
                next
            }
            (ReducedMove::Other(Move::Finish), RelistAt::Finish) => State {
                relist: RelistAt::Done,
                ..next()
            },
            (ReducedMove::Other(Move::Tick), _) if st.now == 0 => State { now: 1, ..next() },
            (ReducedMove::Other(Move::Pass), _) if self.sync_enabled(st, Kind::Pass) => State {
                sync: SyncLoopAt::Receive,
                ..next()
            },
            (ReducedMove::Other(Move::Retry), _) if self.sync_enabled(st, Kind::Retry) => next(),
            (ReducedMove::Other(Move::Receive), _) if self.sync_enabled(st, Kind::Receive) => {
                let mut next = next();
                self.receive(&mut next);
                next
            }
            (ReducedMove::Other(Move::Exit), _) if self.sync_enabled(st, Kind::Exit) => State {
                sync: SyncLoopAt::Exited,
                ..next()
            },
            _ => return None,
        };
        Some(next)
    }

    /// relist visits a pod of `class` — from the pool, or with its live entry at `position` —
    /// listing it at `version`.
    fn visit(&self, next: &mut State, r: u32, class: Class, position: Option<u64>, version: u8) {
        let design = self.scenario.design;
        let visited = Class {
            record: if design.records_after_delivery() {
                class.record
            } else {
                version
            },
            cache: version,
            visited: true,
            synced_current: class.synced_current && version == class.cache,
        };
        let sent = Class {
            record: version,
            ..visited
        };
        if Self::len(next) < self.capacity() {
            if let Some(position) = position {
                Self::set_entry(next, position, Entry::Dead);
            }
            let entry = self.hand_over(next, sent);
            Self::push_entry(next, entry);
        } else if design.blocking_send() {
            if let Some(position) = position {
                Self::set_entry(next, position, Entry::Dead);
            }
            next.held = Some(self.hand_over(next, sent));
            next.relist = RelistAt::Sending(r);
        } else if let Some(position) = position {
            Self::set_entry(next, position, Entry::Live(visited));
        } else {
            self.add_to_pool(next, visited, 1);
        }
    }

    /// The entry a pod of `class` gets when its event goes into the channel: with the resync
    /// an anonymous one (the pod stays in the pool), without it its live entry.
    fn hand_over(&self, next: &mut State, class: Class) -> Entry {
        if self.scenario.resync {
            self.add_to_pool(next, class, 1);
            Entry::Dead
        } else {
            Entry::Live(class)
        }
    }

    /// No more changed pods this relist: every pod is unvisited again.
    fn end_relist(&self, next: &mut State) {
        let fresh = |c: Class| Class {
            visited: false,
            ..c
        };
        let pool = std::mem::take(&mut next.pool);
        for (class, count) in pool {
            self.add_to_pool(next, fresh(class), count);
        }
        let channel = std::mem::take(&mut next.channel);
        for (entry, n) in channel {
            let entry = match entry {
                Entry::Live(c) => Entry::Live(fresh(c)),
                Entry::Dead => Entry::Dead,
            };
            Self::push_entry_runs(next, entry, n);
        }
    }

    /// syncLoopIteration takes the oldest event; a live one syncs its pod from the cache.
    fn receive(&self, next: &mut State) {
        let (entry, count) = &mut next.channel[0];
        let entry = *entry;
        *count -= 1;
        if *count == 0 {
            next.channel.remove(0);
        }
        if let Entry::Live(class) = entry {
            let synced = Class {
                synced_current: true,
                ..class
            };
            self.add_to_pool(next, synced, 1);
        }
        next.sync = SyncLoopAt::Gate;
    }

    /// Turns a reduced path into one of the unreduced machine: each visit names the lowest pod
    /// of its class (or the pod of its channel entry), the one tick becomes `threshold + 1`.
    pub fn concretise(&self, path: &[ReducedMove]) -> Option<Vec<Move>> {
        let pods = &self.pods;
        let mut concrete = pods.initial();
        let mut moves = Vec::new();
        for &mv in path {
            let steps: Vec<Move> = match mv {
                ReducedMove::Other(Move::Tick) => {
                    vec![Move::Tick; self.scenario.clock_ticks() as usize]
                }
                ReducedMove::Other(other) => vec![other],
                ReducedMove::VisitEntry { position, landed } => {
                    let pod = u32::from(*concrete.channel.get(position as usize)?);
                    vec![Move::Visit { pod, landed }]
                }
                ReducedMove::VisitPool { class, landed } => {
                    let pod = (0..self.scenario.pods)
                        .find(|&p| self.pool_class(&concrete, p) == Some(class))?;
                    vec![Move::Visit { pod, landed }]
                }
            };
            for step in steps {
                concrete = pods.step(&concrete, step)?;
                moves.push(step);
            }
        }
        Some(moves)
    }

    /// The class a concrete pod counts under in the pool, if it is in the pool (no live entry
    /// and no event held; with the resync every pod is).
    fn pool_class(&self, st: &pods::State, pod: u32) -> Option<Class> {
        let p = pod as usize;
        let has_entry = st.channel.contains(&(pod as u16)) || st.held == Some(pod as u16);
        if !self.scenario.resync && has_entry {
            return None;
        }
        Some(Class {
            record: st.records[p],
            cache: st.cache[p],
            visited: Pods::visited(st, pod),
            synced_current: !self.scenario.resync && st.synced[p] == st.cache[p],
        })
    }
}

impl Shape for Reduced {
    type State = State;
    type Move = ReducedMove;

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
        Self::len(st) as usize
    }
    /// The one tick fell after the relist still running started.
    fn stale_for(&self, st: &State) -> Option<Tick> {
        (st.now > st.relist_time?).then_some(1)
    }
    fn relisted(&self, st: &State) -> bool {
        st.relist_time.is_some()
    }
    fn kind(&self, mv: ReducedMove) -> Kind {
        match mv {
            ReducedMove::VisitPool { .. } | ReducedMove::VisitEntry { .. } => Kind::Visit,
            ReducedMove::Other(mv) => mv.kind(),
        }
    }
}

impl StateMachine for Reduced {
    type State = State;
    type Move = ReducedMove;

    fn initial(&self) -> State {
        Reduced::initial(self)
    }

    fn each_successor(&self, st: &State, mut each: impl FnMut(ReducedMove, State)) {
        self.candidates(st, |mv| {
            if let Some(next) = self.step(st, mv) {
                each(mv, next);
            }
        });
    }

    // Inline here and in `observe`, `observe_move`, `actor` and `State::clone`: the search,
    // in another crate, calls them once per move, and inlined they cost 0.92x the time.
    #[inline]
    fn progress(&self, st: &State) -> u64 {
        let unvisited: u64 = Self::unvisited(st).map(|(_, n)| u64::from(n)).sum();
        let visited = u64::from(self.scenario.pods).saturating_sub(unvisited);
        (st.relist.rank() << 32) | visited
    }

    #[inline]
    fn actor(&self, mv: ReducedMove) -> Actor {
        self.kind(mv).actor()
    }

    fn end(&self, st: &State) -> End {
        let clean = st.relist == RelistAt::Done && st.sync == SyncLoopAt::Exited && st.now == 1;
        if clean {
            // The quiet relist regenerates every pod whose record lags; the others must be
            // synced at what their cache holds.
            let pool_ok = st
                .pool
                .iter()
                .all(|(c, _)| self.scenario.resync || c.record != c.cache || c.synced_current);
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

    #[inline]
    fn observe(&self, st: &State, w: &mut Witnesses) {
        self.witnesses_at(st, w);
    }

    #[inline]
    fn observe_move(&self, st: &State, mv: ReducedMove, w: &mut Witnesses) {
        self.witnesses_of(st, mv, w);
    }
}
