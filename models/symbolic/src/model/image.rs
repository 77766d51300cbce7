//! The map from the explicit machine to the counter model: a state's image for a choice of
//! marked pod, the counter action an explicit move is, and a scenario's parameters — what the
//! tests check every explicit edge under, and the CTI search reads back.

use super::{next, rl, sl, Action, Param, STATE};
use crate::term::Env;
use pleg_core::Scenario;
use pleg_explicit::moves::Move;
use pleg_explicit::pods::{Pods, State};
use pleg_explicit::{RelistAt, SyncLoopAt};

/// The abstract state of `st` with `marked` the marked pod, in [`STATE`]'s order: the map the
/// tests check every explicit edge under.
pub fn abstraction(scenario: &Scenario, st: &State, marked: usize) -> [i64; STATE.len()] {
    let others = |v: &[u8]| -> i64 {
        let all: i64 = v.iter().map(|&x| i64::from(x)).sum();
        all - i64::from(v[marked])
    };
    // The marked pod's latest event, if one is queued: how many events are ahead of it.
    let latest = st.channel.iter().rposition(|&p| p as usize == marked);
    let visited = |pod: usize| i64::from(Pods::visited(st, pod as u32));
    let visited_others: i64 = (0..st.cache.len())
        .filter(|&p| p != marked)
        .map(visited)
        .sum();
    let held_marked = st.held.map(|p| p as usize == marked);
    let rl = match st.relist {
        RelistAt::Start(_) => rl::START,
        RelistAt::Visiting(_) => rl::VISITING,
        RelistAt::Sending(_) => rl::SENDING,
        RelistAt::Finish => rl::FINISH,
        RelistAt::Done => rl::DONE,
    };
    let n = match st.relist {
        RelistAt::Start(r) | RelistAt::Visiting(r) | RelistAt::Sending(r) => r,
        RelistAt::Finish | RelistAt::Done => scenario.relists,
    };
    let sl = match st.sync {
        SyncLoopAt::Gate => sl::GATE,
        SyncLoopAt::Receive => sl::RECEIVE,
        SyncLoopAt::Exited => sl::EXITED,
    };
    [
        rl,
        sl,
        i64::from(st.cache[marked]),
        i64::from(st.records[marked]),
        i64::from(st.synced[marked] == st.cache[marked] && latest.is_none()),
        i64::from(latest.is_some()),
        i64::from(held_marked == Some(true)),
        others(&st.cache),
        others(&st.records),
        st.channel.len() as i64 - i64::from(latest.is_some()),
        latest.map_or(0, |ahead| ahead as i64),
        i64::from(held_marked == Some(false)),
        visited(marked),
        visited_others,
        i64::from(n),
        i64::from(st.now),
        st.relist_time.map_or(-1, i64::from),
    ]
}

/// The action explicit move `mv` from `st` is, with `marked` the marked pod: the map the tests
/// check every explicit edge under, with [`abstraction`] for its ends.
pub fn action(st: &State, mv: Move, marked: usize) -> Action {
    let marked = marked as u32;
    match mv {
        Move::Start => Action::Start,
        Move::Visit { pod, landed } if pod == marked => Action::VisitMarked {
            changed: landed == 1,
        },
        Move::Visit { landed, .. } => Action::VisitOther {
            changed: landed == 1,
        },
        Move::Send => Action::Send,
        Move::EndRelist => Action::EndRelist,
        Move::Finish => Action::Finish,
        Move::Pass => Action::Pass,
        Move::Receive if st.channel.iter().rposition(|&p| u32::from(p) == marked) == Some(0) => {
            Action::ReceiveMarked
        }
        Move::Receive => Action::ReceiveOther,
        Move::Exit => Action::Exit,
        Move::Tick => Action::Tick,
        Move::Retry => Action::Retry,
    }
}

/// An abstract state as a valuation, its variables named as before a move (`next`: after).
pub fn valuation(values: &[i64; STATE.len()], after: bool) -> Env {
    STATE
        .iter()
        .zip(values)
        .map(|(&(name, _), &v)| {
            let name = if after {
                next(name).to_string()
            } else {
                name.to_owned()
            };
            (name, v)
        })
        .collect()
}

/// The parameters of a concrete scenario.
pub fn parameters(scenario: &Scenario) -> Env {
    let (p, k) = (i64::from(scenario.pods), i64::from(scenario.changes_seen()));
    [
        (Param::C, scenario.channel_capacity() as i64),
        (Param::P, p),
        (Param::K, k),
        (Param::PK, p * k),
        (Param::R, i64::from(scenario.relists)),
        (Param::T, i64::from(scenario.threshold)),
    ]
    .into_iter()
    .map(|(param, v)| (param.name().to_owned(), v))
    .collect()
}
