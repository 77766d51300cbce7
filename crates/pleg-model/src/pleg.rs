//! The model: kubelet's relist producer, its syncLoop consumer, the PLEG health gate between
//! them and a logical clock — written once, generic over the [`Runtime`].
//!
//! ```text
//!   relist ──eventChannel (capacity C)──▶ syncLoop ──▶ pod synced from the pod cache
//!     │ updateRelistTime                    ▲ gate: PLEG healthy?
//!     └──────────▶ relistTime ──Healthy()───┘        clock: now += 1
//! ```
//!
//! With the blocking send (kubelet 1.12) a full channel freezes relist, the frozen relistTime
//! makes PLEG unhealthy once the clock passes relistThreshold, and the closed gate stops the
//! only reader of the channel: a circular wait. With select/default (1.14, PR #72709) relist
//! drops the event instead and always returns — and because `podRecords.update` already ran,
//! the next relist does not regenerate it: only the periodic resync repairs the pod.
//!
//! # Bounds and abstractions
//! - `P` pods; each pod's state changes once per relist for the first `changes` relists, so
//!   a relist sends one event per pod (Go map order is arbitrary; the model uses pod order,
//!   which changes only which pod is named in a story). Container states are abstracted to a
//!   version number: the circular wait depends only on how many events are outstanding, and a
//!   lost update only on whether the latest version reaches the synced state.
//! - Time is a clock thread that ticks `threshold + 1` times, at any point of any other
//!   thread: just enough to make PLEG stale once while relist is mid-batch. Time only ever
//!   makes PLEG less healthy, so a stall found with a stopped clock is a stall with a running
//!   one.
//! - syncLoop's "sleep with back-off and retry while runtimeErrors is non-empty" is, by
//!   default ([`Gate::Wait`]), a wait on the `pleg_healthy` condition variable: a retry between
//!   two state changes sees the same answer, and a relist start is the only change that can
//!   open the gate. [`Gate::Retry`] runs kubelet's own retry loop, for shuttle with a step
//!   bound, to validate that abstraction.
//! - syncLoopIteration's select is reduced to its PLEG case: when healthy, one iteration takes
//!   one event, waiting if the channel is empty, and syncs that pod from the pod cache. The
//!   other cases never touch the channel; the periodic resync is modelled at the end of the run.
//! - A bounded run must end: once relist has run all its relists it marks itself finished,
//!   which counts as healthy, and closes the channel, so syncLoop drains it and returns. Then,
//!   in a quiet system, one more relist runs (does "the next relist" regenerate what was
//!   dropped?) and, if the scenario has it, the periodic resync; finally every pod's synced
//!   version must equal the runtime's latest.

use crate::channel::{Channel, ChannelOp, TrySendError};
use crate::runtime::{spawn, Condvar, Mutex, Runtime};
use crate::scenario::{Gate, Scenario};
use crate::trace::{Action, Actor, Change, EventId, Recorder, Tick, Unhealthy};
use std::sync::Arc;

/// What a run that ended cleanly delivered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outcome {
    /// Events syncLoop received.
    pub received: u64,
    /// Events relist discarded (`kubelet_pleg_discard_events`).
    pub discarded: u64,
}

/// Runs one execution of the scenario on runtime `R`: spawns relist, syncLoop and the clock,
/// joins them, then runs the quiet next relist and the resync. Under a checker this is the body
/// of every execution; a stall shows up as the checker's deadlock report.
///
/// # Panics
/// With `lost update: …` if a pod's synced state misses the runtime's latest at the end, and
/// if an event is neither received nor counted as discarded.
pub fn run<R: Runtime>(scenario: &Scenario, recorder: &Arc<Recorder>) -> Outcome {
    scenario
        .validate()
        .expect("scenario validated by the caller");
    recorder.begin(scenario.channel_capacity(), scenario.threshold);
    let pleg = Arc::new(GenericPleg::<R>::new(scenario, Arc::clone(recorder)));

    let relist = spawn::<R, _, _>("relist", {
        let pleg = Arc::clone(&pleg);
        move || pleg.run_relists()
    });
    let clock = spawn::<R, _, _>("clock", {
        let pleg = Arc::clone(&pleg);
        move || pleg.run_clock()
    });
    let sync_loop = spawn::<R, _, _>("syncLoop", {
        let pleg = Arc::clone(&pleg);
        move || pleg.sync_loop()
    });

    let mut relisted = relist.join();
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
    pleg.quiet_relist(&mut relisted.pod_records, &mut synced.versions);
    if scenario.resync {
        pleg.resync(&mut synced.versions);
    }
    pleg.check_converged(&synced.versions);
    outcome
}

/// kubelet's GenericPLEG, reduced to what the circular wait and the lost update need.
struct GenericPleg<R: Runtime> {
    scenario: Scenario,
    event_channel: Channel<R, EventId>,
    health: Mutex<R, Health>,
    /// Signalled when PLEG may have become healthy: a relist started, or relisting finished.
    pleg_healthy: Condvar<R>,
    /// The pod cache: the latest version relist inspected for each pod. syncLoop syncs a pod
    /// from here, not from the event.
    pod_cache: Mutex<R, Vec<u32>>,
    recorder: Arc<Recorder>,
}

/// What `Healthy()` reads, and the clock it reads it against.
struct Health {
    now: Tick,
    /// When the last relist started; `None` before the first (unhealthy, as in kubelet).
    relist_time: Option<Tick>,
    /// All relists ran: the bounded run's stand-in for "relist keeps running forever".
    relisting_done: bool,
}

/// What the relist thread leaves behind.
struct Relisted {
    attempted: u64,
    discarded: u64,
    /// `podRecords`: the version each pod was last compared at.
    pod_records: Vec<u32>,
}

/// What syncLoop leaves behind.
struct Synced {
    received: u64,
    /// The version each pod was last synced at.
    versions: Vec<u32>,
}

impl<R: Runtime> GenericPleg<R> {
    fn new(scenario: &Scenario, recorder: Arc<Recorder>) -> Self {
        let pods = scenario.pods() as usize;
        Self {
            scenario: *scenario,
            event_channel: Channel::new(scenario.channel_capacity()).expect("capacity validated"),
            health: Mutex::new(Health {
                now: 0,
                relist_time: None,
                relisting_done: false,
            }),
            pleg_healthy: Condvar::new(),
            pod_cache: Mutex::new(vec![0; pods]),
            recorder,
        }
    }

    /// `wait.Until(g.relist, plegRelistPeriod)`, bounded to `relists` relists.
    fn run_relists(&self) -> Relisted {
        let mut relisted = Relisted {
            attempted: 0,
            discarded: 0,
            pod_records: vec![0; self.scenario.pods() as usize],
        };
        for relist in 1..=self.scenario.relists {
            self.relist(relist, &mut relisted);
        }
        let mut health = self.health.lock();
        health.relisting_done = true;
        self.record(Actor::Relist, Action::RelistsFinished, Change::default());
        drop(health);
        self.pleg_healthy.notify_all();
        self.event_channel.close();
        relisted
    }

    /// One `relist()`, in kubelet's order: take the timestamp and `updateRelistTime`; compare
    /// podRecords with what the runtime lists; then, pod by pod, update the pod cache, advance
    /// the record (`podRecords.update`) and send the pod's event.
    fn relist(&self, relist: u32, relisted: &mut Relisted) {
        let mut health = self.health.lock();
        health.relist_time = Some(health.now);
        let change = Change {
            relist_time: health.relist_time,
            ..Change::default()
        };
        self.record(Actor::Relist, Action::RelistStarted { relist }, change);
        drop(health);
        self.pleg_healthy.notify_all();

        let version = self.scenario.version_at(relist);
        let changed: Vec<u32> = (0..self.scenario.pods())
            .filter(|&pod| relisted.pod_records[pod as usize] != version)
            .collect();
        let of = changed.len() as u32;
        for (index, &pod) in (1..).zip(&changed) {
            self.pod_cache.lock()[pod as usize] = version;
            let early_record = !self.scenario.design.records_after_delivery();
            if early_record {
                relisted.pod_records[pod as usize] = version;
            }
            let event = EventId {
                relist,
                pod,
                version,
            };
            relisted.attempted += 1;
            if self.send(event, index, of) {
                relisted.pod_records[pod as usize] = version;
            } else {
                relisted.discarded += 1;
            }
        }
    }

    /// Sends one event with the design's policy; `false` if it was discarded.
    fn send(&self, event: EventId, index: u32, of: u32) -> bool {
        let note = |op: ChannelOp, event: &EventId, len: usize| {
            let event = *event;
            let action = match op {
                ChannelOp::Sent => Action::Sent { event, index, of },
                ChannelOp::SendBlocked => Action::BlockedInSend { event, index, of },
                ChannelOp::SendRefused => Action::Discarded { event, index, of },
                ChannelOp::Received => unreachable!("relist never receives"),
            };
            self.record(Actor::Relist, action, Change::len(len));
        };
        if self.scenario.design.blocking_send() {
            let sent = self.event_channel.send_noted(event, note);
            sent.expect("relist closes the channel only after its last send");
            return true;
        }
        match self.event_channel.try_send_noted(event, note) {
            Ok(()) => true,
            Err(TrySendError::Full(_)) => false,
            Err(TrySendError::Closed(_)) => {
                unreachable!("relist closes the channel only after its last send")
            }
        }
    }

    /// The clock: `threshold + 1` ticks, each at any point of the other threads.
    fn run_clock(&self) {
        for _ in 0..self.scenario.clock_ticks() {
            let mut health = self.health.lock();
            health.now += 1;
            let change = Change {
                now: Some(health.now),
                ..Change::default()
            };
            self.record(Actor::Clock, Action::Ticked, change);
        }
    }

    /// `Kubelet.syncLoop`: gate first, then one syncLoopIteration taking one event and syncing
    /// that pod from the pod cache.
    fn sync_loop(&self) -> Synced {
        let mut synced = Synced {
            received: 0,
            versions: vec![0; self.scenario.pods() as usize],
        };
        loop {
            if self.scenario.design.gated() {
                match self.scenario.gate {
                    Gate::Wait => self.wait_until_healthy(),
                    Gate::Retry => self.retry_until_healthy(),
                }
            }
            let received = self.event_channel.recv_noted(|_, event, len| {
                self.record(
                    Actor::SyncLoop,
                    Action::Received { event: *event },
                    Change::len(len),
                );
            });
            let Some(event) = received else {
                self.record(Actor::SyncLoop, Action::Exited, Change::default());
                return synced;
            };
            synced.received += 1;
            // The sync reads the pod's status from the cache, not from the event.
            let version = self.pod_cache.lock()[event.pod as usize];
            synced.versions[event.pod as usize] = version;
        }
    }

    /// generic.go `Healthy()` (plus Evented PLEG's full-channel rule where the design has it).
    fn check_health(&self, health: &Health) -> Result<(), Unhealthy> {
        if self.scenario.design.full_channel_is_unhealthy()
            && self.event_channel.len() == self.event_channel.capacity()
        {
            return Err(Unhealthy::ChannelFull);
        }
        if health.relisting_done {
            return Ok(());
        }
        match health.relist_time {
            None => Err(Unhealthy::NeverRelisted),
            Some(t) if health.now - t > self.scenario.threshold => Err(Unhealthy::Stale {
                ago: health.now - t,
            }),
            Some(_) => Ok(()),
        }
    }

    /// syncLoop's gate: `if rs := kl.runtimeState.runtimeErrors(); len(rs) != 0 { sleep;
    /// continue }`, with the sleep-and-retry represented as a wait for the next relist start.
    fn wait_until_healthy(&self) {
        let mut health = self.health.lock();
        let mut reported = None;
        while let Err(why) = self.check_health(&health) {
            self.report_skip(why, &mut reported);
            health = self.pleg_healthy.wait(health);
        }
    }

    /// kubelet logs "skipping pod synchronization" on every retry; the story records it once
    /// per reason (not yet relisted, stale, channel full) within one closed-gate episode.
    fn report_skip(
        &self,
        why: Unhealthy,
        reported: &mut Option<std::mem::Discriminant<Unhealthy>>,
    ) {
        let kind = Some(std::mem::discriminant(&why));
        if *reported != kind {
            *reported = kind;
            self.record(
                Actor::SyncLoop,
                Action::SkippedUnhealthy { why },
                Change::default(),
            );
        }
    }

    /// The same gate as kubelet writes it: check, back off, retry. The back-off only shapes
    /// the wall-clock in kubelet; here time is the clock thread, so a retry is a yield.
    fn retry_until_healthy(&self) {
        let mut reported = None;
        loop {
            let health = self.health.lock();
            let Err(why) = self.check_health(&health) else {
                return;
            };
            self.report_skip(why, &mut reported);
            drop(health);
            R::yield_now();
        }
    }

    /// After the run, in a quiet system (channel drained, syncLoop idle): the next relist. It
    /// re-sends only what podRecords says changed, and in a quiet system every send arrives.
    fn quiet_relist(&self, pod_records: &mut [u32], synced: &mut [u32]) {
        let relist = self.scenario.relists + 1;
        self.record(
            Actor::Relist,
            Action::QuietRelist { relist },
            Change::default(),
        );
        let latest = self.scenario.changes();
        let cache = self.pod_cache.lock();
        for pod in 0..self.scenario.pods() {
            let p = pod as usize;
            if pod_records[p] != latest {
                pod_records[p] = latest;
                synced[p] = cache[p];
                let action = Action::Regenerated {
                    pod,
                    version: latest,
                };
                self.record(Actor::Relist, action, Change::default());
            } else if synced[p] != latest {
                let action = Action::NoChange {
                    pod,
                    record: pod_records[p],
                };
                self.record(Actor::Relist, action, Change::default());
            }
        }
    }

    /// The periodic resync (syncCh, SyncFrequency): every pod is synced from the pod cache.
    fn resync(&self, synced: &mut [u32]) {
        let cache = self.pod_cache.lock();
        for (pod, version) in (0..).zip(synced.iter_mut()) {
            if *version != cache[pod as usize] {
                *version = cache[pod as usize];
                let action = Action::Resynced {
                    pod,
                    version: *version,
                };
                self.record(Actor::SyncLoop, action, Change::default());
            }
        }
    }

    /// Eventual consistency: every pod's synced version is the runtime's latest.
    fn check_converged(&self, synced: &[u32]) {
        let latest = self.scenario.changes();
        if let Some((pod, &version)) = (0..).zip(synced).find(|(_, &v)| v != latest) {
            let action = Action::LostUpdate {
                pod,
                synced: version,
                latest,
            };
            self.record(Actor::SyncLoop, action, Change::default());
            panic!("lost update: pod {pod} is synced at version {version}, the runtime is at version {latest}");
        }
    }

    fn record(&self, actor: Actor, action: Action, change: Change) {
        self.recorder.record(actor, action, change);
    }
}

impl Change {
    fn len(channel_len: usize) -> Self {
        Change {
            channel_len: Some(channel_len),
            ..Change::default()
        }
    }
}
