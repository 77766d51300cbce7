//! The model: kubelet's relist producer, its syncLoop consumer, the PLEG health gate between
//! them and a logical clock — written once, generic over the [`Runtime`].
//!
//! ```text
//!   relist ──eventChannel (capacity C)──▶ syncLoop
//!     │ updateRelistTime                    ▲ gate: PLEG healthy?
//!     └──────────▶ relistTime ──Healthy()───┘        clock: now += 1
//! ```
//!
//! With the blocking send (kubelet 1.12) a full channel freezes relist, the frozen relistTime
//! makes PLEG unhealthy once the clock passes relistThreshold, and the closed gate stops the
//! only reader of the channel: a circular wait. With select/default (1.14, PR #72709) relist
//! drops the event instead and always returns.
//!
//! # Bounds and abstractions
//! - One relist thread runs `relists` relists back to back (`wait.Until` starts the next one
//!   only after the previous returned); each relist produces `events_per_relist` events. Pods
//!   and container states are abstracted to a count of events: the circular wait depends only
//!   on how many events one relist must push, not on what they say.
//! - Time is a clock thread that ticks `threshold + 1` times, at any point of any other thread:
//!   just enough to make PLEG stale once while relist is mid-batch. Time only ever makes PLEG
//!   less healthy, so a run whose clock has stopped in the stale state stays stale forever:
//!   a stall found with a stopped clock is a stall with a running one.
//! - syncLoop's "sleep with back-off and retry while runtimeErrors is non-empty" is a wait on
//!   the `pleg_healthy` condition variable: a retry between two state changes sees the same
//!   answer, so only the retries right after a change matter, and a relist start is the only
//!   change that can open the gate. Gated and waiting is the same state as gated and retrying;
//!   the difference is that a checker can see it (and loom needs executions to end).
//! - syncLoopIteration's select is reduced to its PLEG case: when healthy, one iteration takes
//!   one event, waiting if the channel is empty. The other cases (syncCh, housekeeping) never
//!   touch the channel; they only let syncLoop re-check the gate sooner, and the model already
//!   re-checks it after every event.
//! - A bounded run must end: once relist has run all its relists it marks itself finished,
//!   which counts as healthy, and closes the channel, so syncLoop drains it and returns.

use crate::channel::{Channel, ChannelOp, TrySendError};
use crate::runtime::{spawn, Condvar, Mutex, Runtime};
use crate::trace::{Action, Actor, Change, EventId, Recorder, Tick};
use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

/// How relist hands an event to the eventChannel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Design {
    /// kubelet 1.12: `g.eventChannel <- events[i]` waits while the channel is full.
    Blocking,
    /// kubelet 1.14+, PR #72709: `select { case ch <- e: default: discard }`, counting the
    /// discards like `kubelet_pleg_discard_events`.
    DropWhenFull,
}

impl Design {
    pub const ALL: [Design; 2] = [Design::Blocking, Design::DropWhenFull];

    pub fn name(self) -> &'static str {
        match self {
            Design::Blocking => "blocking",
            Design::DropWhenFull => "drop-when-full",
        }
    }
}

impl fmt::Display for Design {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Design {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Design::ALL
            .into_iter()
            .find(|d| d.name() == s)
            .ok_or_else(|| format!("unknown design '{s}' (expected blocking or drop-when-full)"))
    }
}

/// One configuration of the model: the design and its bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Scenario {
    pub design: Design,
    /// The eventChannel's capacity (kubelet: 1000).
    pub capacity: usize,
    /// Events one relist produces (kubelet: one per container state change).
    pub events_per_relist: u32,
    /// How many relists the relist thread runs.
    pub relists: u32,
    /// relistThreshold in ticks: PLEG is unhealthy once `now - relistTime > threshold`.
    pub threshold: Tick,
}

/// Why a [`Scenario`] cannot run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScenarioError {
    ZeroCapacity,
    ZeroRelists,
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ScenarioError::ZeroCapacity => {
                f.write_str("capacity must be at least 1 (an unbuffered channel is not modelled)")
            }
            ScenarioError::ZeroRelists => f.write_str("relists must be at least 1"),
        }
    }
}

impl std::error::Error for ScenarioError {}

impl Scenario {
    /// The smallest configuration in which the blocking design can stall: two events, room for
    /// one.
    pub fn smallest(design: Design) -> Self {
        Scenario {
            design,
            capacity: 1,
            events_per_relist: 2,
            relists: 1,
            threshold: 0,
        }
    }

    pub fn validate(&self) -> Result<(), ScenarioError> {
        if self.capacity == 0 {
            return Err(ScenarioError::ZeroCapacity);
        }
        if self.relists == 0 {
            return Err(ScenarioError::ZeroRelists);
        }
        Ok(())
    }

    /// How often the clock ticks: once past the threshold, and no more.
    pub fn clock_ticks(&self) -> Tick {
        self.threshold.saturating_add(1)
    }

    pub fn total_events(&self) -> u64 {
        u64::from(self.events_per_relist) * u64::from(self.relists)
    }
}

/// What a run that ended cleanly delivered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outcome {
    /// Events syncLoop received.
    pub received: u64,
    /// Events relist discarded (`kubelet_pleg_discard_events`).
    pub discarded: u64,
}

/// Runs one execution of the scenario on runtime `R`: spawns relist, syncLoop and the clock,
/// and joins them. Under a checker this is the body of every execution; a stall shows up as
/// the checker's deadlock report.
///
/// # Panics
/// If the scenario is invalid, or if an event is neither received nor counted as discarded.
pub fn run<R: Runtime>(scenario: &Scenario, recorder: &Arc<Recorder>) -> Outcome {
    scenario
        .validate()
        .expect("scenario validated by the caller");
    recorder.begin(scenario.capacity, scenario.threshold);
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

    let discarded = relist.join();
    clock.join();
    let received = sync_loop.join();
    assert_eq!(
        received + discarded,
        scenario.total_events(),
        "an event was lost without being counted as discarded"
    );
    Outcome {
        received,
        discarded,
    }
}

/// kubelet's GenericPLEG, reduced to what the circular wait needs.
struct GenericPleg<R: Runtime> {
    scenario: Scenario,
    event_channel: Channel<R, EventId>,
    health: Mutex<R, Health>,
    /// Signalled when PLEG may have become healthy: a relist started, or relisting finished.
    pleg_healthy: Condvar<R>,
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

impl Health {
    /// generic.go `Healthy()`: unhealthy iff `now - relistTime > relistThreshold`.
    fn is_healthy(&self, threshold: Tick) -> bool {
        self.relisting_done
            || self
                .relist_time
                .is_some_and(|started| self.now - started <= threshold)
    }
}

impl<R: Runtime> GenericPleg<R> {
    fn new(scenario: &Scenario, recorder: Arc<Recorder>) -> Self {
        Self {
            scenario: *scenario,
            event_channel: Channel::new(scenario.capacity).expect("capacity validated"),
            health: Mutex::new(Health {
                now: 0,
                relist_time: None,
                relisting_done: false,
            }),
            pleg_healthy: Condvar::new(),
            recorder,
        }
    }

    /// `wait.Until(g.relist, plegRelistPeriod)`, bounded to `relists` relists. Returns the
    /// number of discarded events.
    fn run_relists(&self) -> u64 {
        let mut discarded = 0;
        for relist in 1..=self.scenario.relists {
            discarded += self.relist(relist);
        }
        let mut health = self.health.lock();
        health.relisting_done = true;
        self.record(Actor::Relist, Action::RelistsFinished, Change::default());
        drop(health);
        self.pleg_healthy.notify_all();
        self.event_channel.close();
        discarded
    }

    /// One `relist()`: take the timestamp, `updateRelistTime`, then send every event. Listing
    /// pods and comparing records happen before the sends and cannot block; they are folded
    /// into the event count.
    fn relist(&self, relist: u32) -> u64 {
        let mut health = self.health.lock();
        health.relist_time = Some(health.now);
        let change = Change {
            relist_time: health.relist_time,
            ..Change::default()
        };
        self.record(Actor::Relist, Action::RelistStarted { relist }, change);
        drop(health);
        self.pleg_healthy.notify_all();

        let of = self.scenario.events_per_relist;
        let mut discarded = 0;
        for index in 1..=of {
            let event = EventId { relist, index };
            if !self.send(event, of) {
                discarded += 1;
            }
        }
        discarded
    }

    /// Sends one event with the design's policy; `false` if it was discarded.
    fn send(&self, event: EventId, of: u32) -> bool {
        let note = |op: ChannelOp, event: &EventId, len: usize| {
            let event = *event;
            let action = match op {
                ChannelOp::Sent => Action::Sent { event, of },
                ChannelOp::SendBlocked => Action::BlockedInSend { event, of },
                ChannelOp::SendRefused => Action::Discarded { event, of },
                ChannelOp::Received => unreachable!("relist never receives"),
            };
            self.record(Actor::Relist, action, Change::len(len));
        };
        match self.scenario.design {
            Design::Blocking => {
                let sent = self.event_channel.send_noted(event, note);
                sent.expect("relist closes the channel only after its last send");
                true
            }
            Design::DropWhenFull => match self.event_channel.try_send_noted(event, note) {
                Ok(()) => true,
                Err(TrySendError::Full(_)) => false,
                Err(TrySendError::Closed(_)) => {
                    unreachable!("relist closes the channel only after its last send")
                }
            },
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

    /// `Kubelet.syncLoop`: gate first, then one syncLoopIteration taking one event. Returns
    /// how many events it received.
    fn sync_loop(&self) -> u64 {
        let mut received = 0;
        loop {
            self.wait_until_healthy();
            let event = self.event_channel.recv_noted(|_, event, len| {
                let action = Action::Received { event: *event };
                self.record(Actor::SyncLoop, action, Change::len(len));
            });
            match event {
                Some(_) => received += 1,
                None => {
                    self.record(Actor::SyncLoop, Action::Exited, Change::default());
                    return received;
                }
            }
        }
    }

    /// syncLoop's gate: `if rs := kl.runtimeState.runtimeErrors(); len(rs) != 0 { sleep;
    /// continue }`, with the sleep-and-retry represented as a wait for the next relist start.
    fn wait_until_healthy(&self) {
        let mut health = self.health.lock();
        let mut skipped = false;
        while !health.is_healthy(self.scenario.threshold) {
            if !skipped {
                // kubelet logs this on every retry; once per closed-gate episode tells the story.
                self.record(Actor::SyncLoop, Action::SkippedUnhealthy, Change::default());
                skipped = true;
            }
            health = self.pleg_healthy.wait(health);
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
