//! An independent model of the same system: explicit states, breadth-first, no preemption
//! bound. It shares no code with pleg-model — no channel, no threads, no runtime — so a verdict
//! both agree on is not an artefact of either implementation.
//!
//! Each transition is one atomic step of one actor, at the granularity of kubelet's own
//! statements: relist starts (updateRelistTime); relist handles one changed pod (cache, record,
//! send); the clock ticks; syncLoop passes the gate; syncLoop receives one event and syncs that
//! pod from the cache. A state with no enabled transition that is not the clean end is a stall;
//! at a clean end the quiet next relist and the resync run, and every pod must have converged.

use pleg_model::{Scenario, Tick};
use std::collections::{HashSet, VecDeque};

/// What the explicit search found reachable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Exploration {
    /// Distinct states reached.
    pub states: usize,
    /// The circular wait: relist blocked on a full channel, syncLoop gated by a stale PLEG.
    pub circular_wait: bool,
    /// Evented PLEG's stall: syncLoop gated because the channel is full.
    pub gated_stall: bool,
    /// A stall of any other shape.
    pub other_stall: bool,
    /// A clean end at which some pod did not converge.
    pub lost_update: bool,
    /// Non-vacuity: states with a full channel, after a discard, with the gate closed.
    pub channel_full: bool,
    pub discard: bool,
    pub gate_closed: bool,
}

impl Exploration {
    /// No failure of any kind is reachable.
    pub fn holds(&self) -> bool {
        !(self.circular_wait || self.gated_stall || self.other_stall || self.lost_update)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum RelistPc {
    /// About to start relist `r` (1-based).
    Start(u32),
    /// In relist `r`, about to handle pod `p` (if it changed).
    Pod(u32, u32),
    /// All relists ran; the channel is closed.
    Done,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum SyncLoopPc {
    Gate,
    Receive,
    Exited,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct State {
    relist: RelistPc,
    sync_loop: SyncLoopPc,
    /// The pods whose events are in the channel, oldest first.
    channel: Vec<u32>,
    now: Tick,
    relist_time: Option<Tick>,
    records: Vec<u32>,
    cache: Vec<u32>,
    synced: Vec<u32>,
    discarded: bool,
}

/// Explores every reachable state of `scenario`.
pub fn explore(scenario: &Scenario) -> Exploration {
    let s = *scenario;
    let pods = s.pods() as usize;
    let start = State {
        relist: RelistPc::Start(1),
        sync_loop: SyncLoopPc::Gate,
        channel: Vec::new(),
        now: 0,
        relist_time: None,
        records: vec![0; pods],
        cache: vec![0; pods],
        synced: vec![0; pods],
        discarded: false,
    };
    let mut seen = HashSet::from([start.clone()]);
    let mut frontier = VecDeque::from([start]);
    let mut found = Exploration::default();
    while let Some(state) = frontier.pop_front() {
        let capacity = s.channel_capacity();
        found.channel_full |= state.channel.len() == capacity;
        found.discard |= state.discarded;
        found.gate_closed |= state.sync_loop == SyncLoopPc::Gate && !healthy(&s, &state);
        let next = successors(&s, &state);
        if next.is_empty() {
            if is_clean_end(&s, &state) {
                found.lost_update |= !converges(&s, &state);
            } else if is_circular_wait(&s, &state) {
                found.circular_wait = true;
            } else if is_gated_stall(&s, &state) {
                found.gated_stall = true;
            } else {
                found.other_stall = true;
            }
        }
        for n in next {
            if seen.insert(n.clone()) {
                frontier.push_back(n);
            }
        }
    }
    found.states = seen.len();
    found
}

fn full(s: &Scenario, st: &State) -> bool {
    st.channel.len() == s.channel_capacity()
}

fn healthy(s: &Scenario, st: &State) -> bool {
    if s.design.full_channel_is_unhealthy() && full(s, st) {
        return false;
    }
    st.relist == RelistPc::Done || st.relist_time.is_some_and(|t| st.now - t <= s.threshold)
}

fn is_clean_end(s: &Scenario, st: &State) -> bool {
    st.relist == RelistPc::Done && st.sync_loop == SyncLoopPc::Exited && st.now == s.clock_ticks()
}

fn is_circular_wait(s: &Scenario, st: &State) -> bool {
    matches!(st.relist, RelistPc::Pod(..))
        && full(s, st)
        && st.sync_loop == SyncLoopPc::Gate
        && st.relist_time.is_some_and(|t| st.now - t > s.threshold)
}

fn is_gated_stall(s: &Scenario, st: &State) -> bool {
    s.design.full_channel_is_unhealthy() && full(s, st) && st.sync_loop == SyncLoopPc::Gate
}

/// The quiet next relist, then the resync if the scenario has one: has every pod converged?
fn converges(s: &Scenario, st: &State) -> bool {
    let latest = s.changes();
    (0..s.pods() as usize).all(|p| {
        let mut synced = st.synced[p];
        if st.records[p] != latest {
            synced = st.cache[p];
        }
        if s.resync {
            synced = st.cache[p];
        }
        synced == latest
    })
}

/// The first pod at or after `from` in relist `r` that changed, or the end of the relist.
fn next_pod(s: &Scenario, st: &State, r: u32, from: u32) -> RelistPc {
    let version = s.version_at(r);
    match (from..s.pods()).find(|&p| st.records[p as usize] != version) {
        Some(p) => RelistPc::Pod(r, p),
        None if r < s.relists => RelistPc::Start(r + 1),
        None => RelistPc::Done,
    }
}

fn successors(s: &Scenario, st: &State) -> Vec<State> {
    let mut out = Vec::with_capacity(3);
    match st.relist {
        RelistPc::Start(r) => {
            let mut n = st.clone();
            n.relist_time = Some(st.now);
            n.relist = next_pod(s, &n, r, 0);
            out.push(n);
        }
        RelistPc::Pod(r, p) => {
            let version = s.version_at(r);
            let pi = p as usize;
            let room = !full(s, st);
            if room || !s.design.blocking_send() {
                let mut n = st.clone();
                n.cache[pi] = version;
                if room {
                    n.channel.push(p);
                } else {
                    n.discarded = true;
                }
                if room || !s.design.records_after_delivery() {
                    n.records[pi] = version;
                }
                n.relist = next_pod(s, &n, r, p + 1);
                out.push(n);
            } // Blocking and full: relist waits.
        }
        RelistPc::Done => {}
    }
    if st.now < s.clock_ticks() {
        let mut n = st.clone();
        n.now += 1;
        out.push(n);
    }
    match st.sync_loop {
        SyncLoopPc::Gate if !s.design.gated() || healthy(s, st) => {
            let mut n = st.clone();
            n.sync_loop = SyncLoopPc::Receive;
            out.push(n);
        }
        SyncLoopPc::Receive if !st.channel.is_empty() => {
            let mut n = st.clone();
            let p = n.channel.remove(0) as usize;
            n.synced[p] = n.cache[p];
            n.sync_loop = SyncLoopPc::Gate;
            out.push(n);
        }
        SyncLoopPc::Receive if st.relist == RelistPc::Done => {
            let mut n = st.clone();
            n.sync_loop = SyncLoopPc::Exited;
            out.push(n);
        }
        _ => {}
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use pleg_model::Design;

    #[test]
    fn smallest_blocking_scenario_stalls_and_the_fix_does_not() {
        let blocking = explore(&Scenario::smallest(Design::Blocking));
        assert!(blocking.circular_wait && !blocking.other_stall && !blocking.lost_update);
        let fix = explore(&Scenario::smallest(Design::DropWhenFull));
        assert!(fix.holds());
        assert!(fix.channel_full && fix.discard && fix.gate_closed);
    }

    #[test]
    fn the_fix_without_resync_loses_an_update_and_record_after_send_does_not() {
        let no_resync = |design| Scenario {
            resync: false,
            ..Scenario::smallest(design)
        };
        assert!(explore(&no_resync(Design::DropWhenFull)).lost_update);
        let record_after_send = explore(&no_resync(Design::RecordAfterSend));
        assert!(record_after_send.holds() && record_after_send.discard);
    }

    #[test]
    fn blocking_never_stalls_when_everything_fits() {
        let s = Scenario {
            capacity: 4,
            events_per_relist: 2,
            relists: 2,
            ..Scenario::smallest(Design::Blocking)
        };
        assert!(explore(&s).holds());
    }
}
