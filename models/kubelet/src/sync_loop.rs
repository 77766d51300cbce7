//! `Kubelet.syncLoop` (pkg/kubelet/kubelet.go): the health gate in front of every iteration,
//! `syncLoopIteration`'s PLEG case, and the periodic resync.
//!
//! ```go
//! for {
//!     if err := kl.runtimeState.runtimeErrors(); err != nil {
//!         klog.Infof("skipping pod synchronization - %v", err)
//!         time.Sleep(duration); duration = min(2*duration, maxBackoff)   // 100 ms … 5 s
//!         continue
//!     }
//!     if !kl.syncLoopIteration(updates, handler, syncTicker.C, housekeepingTicker.C, plegCh) { break }
//! }
//! ```
//!
//! The gate reads every registered health check: "PLEG" (GenericPLEG's `Healthy()`) and, for
//! the evented-health design, "EventedPLEG". syncLoopIteration is reduced to its PLEG case — the
//! only reader of the eventChannel; the other cases never touch it. The resync (syncCh) runs at
//! the end of a bounded run, see [`crate::bounded_run`].

use crate::evented_pleg;
use crate::generic_pleg::{GenericPleg, Health};
use crate::runtime::Runtime;
use pleg_core::scenario::Gate;
use pleg_core::trace::{Action, Actor, Change, Unhealthy};
use std::mem::Discriminant;

/// What syncLoop leaves behind.
pub(crate) struct Synced {
    pub(crate) received: u64,
    /// The version each pod was last synced at.
    pub(crate) versions: Vec<u32>,
}

/// syncLoop until the eventChannel is closed and drained.
pub(crate) fn run<R: Runtime>(pleg: &GenericPleg<R>) -> Synced {
    let mut synced = Synced {
        received: 0,
        versions: vec![0; pleg.scenario.pods as usize],
    };
    loop {
        let checked = pleg.scenario.design.gated();
        if checked {
            match pleg.scenario.gate {
                Gate::Wait => wait_until_healthy(pleg),
                Gate::Retry => retry_until_healthy(pleg),
            }
        } else {
            let action = Action::PassedGate { checked };
            pleg.record(Actor::SyncLoop, action, Change::default());
        }
        if !sync_loop_iteration(pleg, &mut synced) {
            pleg.record(Actor::SyncLoop, Action::Exited, Change::default());
            return synced;
        }
    }
}

/// `runtimeErrors()`: every registered health check, EventedPLEG's first where it is
/// registered (so a full channel is the reason reported).
fn runtime_errors<R: Runtime>(pleg: &GenericPleg<R>, health: &Health) -> Result<(), Unhealthy> {
    if pleg.scenario.design.full_channel_is_unhealthy() {
        evented_pleg::healthy(&pleg.event_channel)?;
    }
    pleg.healthy(health)
}

/// The gate with its sleep-and-retry represented as a wait for the next change that can open
/// it: a relist start, or the end of relisting (docs/model.md argues the equivalence; the
/// explicit checker and shuttle check it against [`retry_until_healthy`]).
fn wait_until_healthy<R: Runtime>(pleg: &GenericPleg<R>) {
    let mut health = pleg.lock_health();
    let mut reported = None;
    while let Err(why) = runtime_errors(pleg, &health) {
        report_skip(pleg, why, &mut reported);
        health = pleg.pleg_healthy.wait(health);
    }
    passed(pleg);
}

/// Records the pass while the health lock is still held, so it is ordered with the tick or
/// relist start that could close the gate again.
fn passed<R: Runtime>(pleg: &GenericPleg<R>) {
    let action = Action::PassedGate { checked: true };
    pleg.record(Actor::SyncLoop, action, Change::default());
}

/// The gate as kubelet writes it: check, back off, retry. The back-off only shapes the
/// wall-clock in kubelet; here time is the clock thread, so a retry is a yield.
fn retry_until_healthy<R: Runtime>(pleg: &GenericPleg<R>) {
    let mut reported = None;
    loop {
        let health = pleg.lock_health();
        let Err(why) = runtime_errors(pleg, &health) else {
            passed(pleg);
            return;
        };
        report_skip(pleg, why, &mut reported);
        drop(health);
        R::yield_now();
    }
}

/// kubelet logs "skipping pod synchronization" on every retry; the story records it once per
/// reason (not yet relisted, stale, channel full) within one closed-gate episode.
fn report_skip<R: Runtime>(
    pleg: &GenericPleg<R>,
    why: Unhealthy,
    reported: &mut Option<Discriminant<Unhealthy>>,
) {
    let kind = Some(std::mem::discriminant(&why));
    if *reported != kind {
        *reported = kind;
        let action = Action::SkippedUnhealthy { why };
        pleg.record(Actor::SyncLoop, action, Change::default());
    }
}

/// One iteration's PLEG case: take one event (waiting while the channel is empty) and sync
/// its pod — from the pod cache, not from the event. `false` once the channel is closed and
/// drained.
fn sync_loop_iteration<R: Runtime>(pleg: &GenericPleg<R>, synced: &mut Synced) -> bool {
    let received = pleg.event_channel.recv_noted(|_, event, len| {
        let action = Action::Received { event: *event };
        pleg.record(Actor::SyncLoop, action, Change::len(len));
    });
    let Some(event) = received else {
        return false;
    };
    synced.received += 1;
    let version = pleg.pod_cache.lock()[event.pod as usize];
    synced.versions[event.pod as usize] = version;
    true
}

/// The periodic resync (syncCh, SyncFrequency): every pod is synced from the pod cache.
pub(crate) fn resync<R: Runtime>(pleg: &GenericPleg<R>, synced: &mut [u32]) {
    let cache = pleg.pod_cache.lock();
    for (pod, version) in (0..).zip(synced.iter_mut()) {
        if *version != cache[pod as usize] {
            *version = cache[pod as usize];
            let action = Action::Resynced {
                pod,
                version: *version,
            };
            pleg.record(Actor::SyncLoop, action, Change::default());
        }
    }
}
