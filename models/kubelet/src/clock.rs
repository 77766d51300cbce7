//! The passage of time: a thread that advances `now` by one tick at a time.
//!
//! It ticks `threshold + 1` times in all, each at any point between the other threads' steps:
//! just enough to make PLEG stale once while relist is stuck, and no more. Time can only make
//! PLEG less healthy (only a relist start makes it healthy again), so a stall found with a
//! stopped clock is a stall with a running one; docs/model.md argues why the threshold's value
//! changes no verdict.

use crate::generic_pleg::GenericPleg;
use crate::runtime::Runtime;
use pleg_core::trace::{Action, Actor, Change};

/// Runs the clock to its last tick.
pub(crate) fn run<R: Runtime>(pleg: &GenericPleg<R>) {
    for _ in 0..pleg.scenario.clock_ticks() {
        let mut health = pleg.lock_health();
        health.now += 1;
        let change = Change {
            now: Some(health.now),
            ..Change::default()
        };
        pleg.record(Actor::Clock, Action::Ticked, change);
    }
}
