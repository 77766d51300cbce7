//! One bounded execution of the model: the harness around kubelet's components.
//!
//! ```text
//!   relist ──eventChannel (capacity C)──▶ syncLoop ──▶ pod synced from the pod cache
//!     │ updateRelistTime                    ▲ gate: runtimeErrors() empty?
//!     └──────────▶ relistTime ──Healthy()───┘        clock: now += 1
//! ```
//!
//! kubelet never stops; a checked execution must. So relist runs `relists` relists and then
//! counts as healthy and closes the channel; syncLoop drains it and returns. Then, in a quiet
//! system, two things that in kubelet happen at some later time: the next relist (does it
//! regenerate what was dropped?) and, if the scenario has it, the periodic resync. Finally every
//! pod's synced version must equal the runtime's latest, or the run ends in a lost update —
//! recorded as [`Action::LostUpdate`] and raised as a panic carrying that very action (the
//! typed failure a checker stops on; verdicts are read from the trace, never from a message).

use crate::generic_pleg::{Choices, GenericPleg, Relisted};
use crate::runtime::{spawn, Runtime};
use crate::{clock, sync_loop};
use pleg_core::scenario::Scenario;
use pleg_core::trace::{Action, Actor, Change, Recorder};
use std::sync::Arc;

/// What a run that ended cleanly delivered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outcome {
    /// Events syncLoop received.
    pub received: u64,
    /// Events relist discarded (`kubelet_pleg_discard_events`).
    pub discarded: u64,
}

/// Runs one execution of the scenario on runtime `R`, with every choice that is data — Go's
/// map order, when pods change — left to the runtime's own nondeterminism. Under a checker this
/// is the body of every execution; a stall shows up as the checker's deadlock report.
///
/// # Panics
/// With an [`Action::LostUpdate`] payload if a pod's synced state misses the runtime's latest at the end; with a
/// message if an event is neither received nor counted as discarded (a model bug).
pub fn run<R: Runtime>(scenario: &Scenario, recorder: &Arc<Recorder>) -> Outcome {
    run_with::<R>(scenario, recorder, Choices::Runtime)
}

/// [`run`], with the choices that are data taken from `choices`.
pub fn run_with<R: Runtime>(
    scenario: &Scenario,
    recorder: &Arc<Recorder>,
    choices: Choices,
) -> Outcome {
    scenario
        .validate()
        .expect("scenario validated by the caller");
    recorder.begin(scenario.channel_capacity(), scenario.threshold);
    let pleg = Arc::new(GenericPleg::<R>::new(
        scenario,
        Arc::clone(recorder),
        choices,
    ));

    let relist = spawn::<R, _, _>("relist", {
        let pleg = Arc::clone(&pleg);
        move || pleg.run_relists()
    });
    let clock = spawn::<R, _, _>("clock", {
        let pleg = Arc::clone(&pleg);
        move || clock::run(&pleg)
    });
    let sync_loop = spawn::<R, _, _>("syncLoop", {
        let pleg = Arc::clone(&pleg);
        move || sync_loop::run(&pleg)
    });

    let relisted = relist.join();
    clock.join();
    let mut synced = sync_loop.join();
    assert_eq!(
        synced.received + relisted.discarded,
        relisted.attempted,
        "an event was lost without being counted as discarded"
    );
    let outcome = Outcome {
        received: synced.received,
        discarded: relisted.discarded,
    };
    quiet_relist(&pleg, &relisted, &mut synced.versions);
    if scenario.resync {
        sync_loop::resync(&pleg, &mut synced.versions);
    }
    check_converged(&pleg, &relisted.runtime, &synced.versions);
    outcome
}

/// After the run, in a quiet system (channel drained, syncLoop idle): the next relist. It
/// re-sends only what podRecords says changed — a pod whose record lags the runtime's latest
/// state — and in a quiet system every send arrives: the pod is inspected again and synced.
/// (Changes landing after the last relist are caught the same way, so the model lets none.)
fn quiet_relist<R: Runtime>(pleg: &GenericPleg<R>, relisted: &Relisted, synced: &mut [u32]) {
    let relist = pleg.scenario.relists + 1;
    let action = Action::QuietRelist { relist };
    pleg.record(Actor::Relist, action, Change::default());
    let mut cache = pleg.pod_cache.lock();
    for pod in 0..pleg.scenario.pods {
        let p = pod as usize;
        let (record, latest) = (relisted.pod_records[p], relisted.runtime[p]);
        let action = if record != latest {
            cache[p] = latest;
            synced[p] = latest;
            Action::Regenerated {
                pod,
                version: latest,
            }
        } else if synced[p] != latest {
            Action::NoChange { pod, record }
        } else {
            continue;
        };
        pleg.record(Actor::Relist, action, Change::default());
    }
}

/// Eventual consistency: every pod's synced version is the runtime's latest.
fn check_converged<R: Runtime>(pleg: &GenericPleg<R>, latest: &[u32], synced: &[u32]) {
    let lost = (0..)
        .zip(latest.iter().zip(synced))
        .find(|(_, (l, s))| l != s);
    if let Some((pod, (&latest, &synced))) = lost {
        let action = Action::LostUpdate {
            pod,
            synced,
            latest,
        };
        pleg.record(Actor::SyncLoop, action, Change::default());
        std::panic::panic_any(action);
    }
}
