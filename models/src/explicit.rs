//! An independent model of the same system: explicit states, breadth-first, no preemption
//! bound. It shares no code with pleg-model — no channel, no threads, no runtime — so a verdict
//! both agree on is not an artefact of either implementation.
//!
//! Each transition is one atomic step of one actor, at the granularity of kubelet's own
//! statements: relist starts (updateRelistTime), relist sends one event, the clock ticks,
//! syncLoop passes the gate, syncLoop receives one event. A state with no enabled transition
//! that is not the clean end is a stall.

use pleg_model::{Design, Scenario, Tick};
use std::collections::{HashSet, VecDeque};

/// What the explicit search found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Exploration {
    /// Distinct states reached.
    pub states: usize,
    /// A stall of the circular-wait shape is reachable.
    pub circular_wait: bool,
    /// A stall of any other shape is reachable.
    pub other_stall: bool,
    /// Non-vacuity: reachable states with a full channel, after a discard, with the gate closed.
    pub channel_full: bool,
    pub discard: bool,
    pub gate_closed: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum RelistPc {
    /// About to start relist `r` (1-based).
    Start(u32),
    /// In relist `r`, about to send event `k` (1-based).
    Send(u32, u32),
    /// All relists ran; the channel is closed.
    Done,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum SyncLoopPc {
    Gate,
    Receive,
    Exited,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct State {
    relist: RelistPc,
    sync_loop: SyncLoopPc,
    len: usize,
    now: Tick,
    relist_time: Option<Tick>,
    discarded: bool,
}

/// Explores every reachable state of `scenario`.
pub fn explore(scenario: &Scenario) -> Exploration {
    let s = *scenario;
    let start = State {
        relist: RelistPc::Start(1),
        sync_loop: SyncLoopPc::Gate,
        len: 0,
        now: 0,
        relist_time: None,
        discarded: false,
    };
    let mut seen = HashSet::from([start]);
    let mut frontier = VecDeque::from([start]);
    let mut found = Exploration {
        states: 0,
        circular_wait: false,
        other_stall: false,
        channel_full: false,
        discard: false,
        gate_closed: false,
    };
    while let Some(state) = frontier.pop_front() {
        found.channel_full |= state.len == s.capacity;
        found.discard |= state.discarded;
        found.gate_closed |= state.sync_loop == SyncLoopPc::Gate && !healthy(&s, &state);
        let next = successors(&s, &state);
        if next.is_empty() && !is_clean_end(&s, &state) {
            if is_circular_wait(&s, &state) {
                found.circular_wait = true;
            } else {
                found.other_stall = true;
            }
        }
        for n in next {
            if seen.insert(n) {
                frontier.push_back(n);
            }
        }
    }
    found.states = seen.len();
    found
}

fn healthy(s: &Scenario, st: &State) -> bool {
    st.relist == RelistPc::Done || st.relist_time.is_some_and(|t| st.now - t <= s.threshold)
}

fn is_clean_end(s: &Scenario, st: &State) -> bool {
    st.relist == RelistPc::Done && st.sync_loop == SyncLoopPc::Exited && st.now == s.clock_ticks()
}

fn is_circular_wait(s: &Scenario, st: &State) -> bool {
    matches!(st.relist, RelistPc::Send(..))
        && st.len == s.capacity
        && st.sync_loop == SyncLoopPc::Gate
        && !healthy(s, st)
}

/// The relist position after the current event or relist.
fn after_event(s: &Scenario, r: u32, k: u32) -> RelistPc {
    if k < s.events_per_relist {
        RelistPc::Send(r, k + 1)
    } else {
        after_relist(s, r)
    }
}

fn after_relist(s: &Scenario, r: u32) -> RelistPc {
    if r < s.relists {
        RelistPc::Start(r + 1)
    } else {
        RelistPc::Done
    }
}

fn successors(s: &Scenario, st: &State) -> Vec<State> {
    let mut out = Vec::with_capacity(3);
    // relist
    match st.relist {
        RelistPc::Start(r) => {
            let relist = if s.events_per_relist > 0 {
                RelistPc::Send(r, 1)
            } else {
                after_relist(s, r)
            };
            out.push(State {
                relist,
                relist_time: Some(st.now),
                ..*st
            });
        }
        RelistPc::Send(r, k) => {
            if st.len < s.capacity {
                out.push(State {
                    relist: after_event(s, r, k),
                    len: st.len + 1,
                    ..*st
                });
            } else if s.design == Design::DropWhenFull {
                out.push(State {
                    relist: after_event(s, r, k),
                    discarded: true,
                    ..*st
                });
            } // Blocking and full: relist waits.
        }
        RelistPc::Done => {}
    }
    // clock
    if st.now < s.clock_ticks() {
        out.push(State {
            now: st.now + 1,
            ..*st
        });
    }
    // syncLoop
    match st.sync_loop {
        SyncLoopPc::Gate if healthy(s, st) => out.push(State {
            sync_loop: SyncLoopPc::Receive,
            ..*st
        }),
        SyncLoopPc::Receive if st.len > 0 => out.push(State {
            sync_loop: SyncLoopPc::Gate,
            len: st.len - 1,
            ..*st
        }),
        SyncLoopPc::Receive if st.relist == RelistPc::Done => out.push(State {
            sync_loop: SyncLoopPc::Exited,
            ..*st
        }),
        _ => {}
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smallest_blocking_scenario_stalls_and_the_fix_does_not() {
        let blocking = explore(&Scenario::smallest(Design::Blocking));
        assert!(blocking.circular_wait && !blocking.other_stall);
        let fix = explore(&Scenario::smallest(Design::DropWhenFull));
        assert!(!fix.circular_wait && !fix.other_stall);
        assert!(fix.channel_full && fix.discard && fix.gate_closed);
    }

    #[test]
    fn blocking_never_stalls_when_everything_fits() {
        let s = Scenario {
            capacity: 4,
            events_per_relist: 2,
            relists: 2,
            ..Scenario::smallest(Design::Blocking)
        };
        assert!(!explore(&s).circular_wait);
    }
}
