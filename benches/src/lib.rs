//! What the benchmarks and their report share: the capacities, bursts and workloads measured,
//! and the names of the implementations compared — written once here, read by the criterion
//! benches in `benches/benches/` (the Go twin in `benches/go/` uses the same names) and by the
//! report (`bench-report`, which `ci/bench-compare.sh` runs over several runs of both).

pub mod plot;
pub mod report;

/// The eventChannel capacities the channel benches compare: a rendezvous-like 1, a small
/// buffer, and kubelet's own 1000 (`plegChannelCapacity`, pkg/kubelet/kubelet.go, 1.12+).
pub const CAPACITIES: [usize; 3] = [1, 16, 1000];

/// Messages per timed run of a channel bench.
pub const MESSAGES: u64 = 10_000;

/// One relist's events in the relist benches, into kubelet's capacity of 1000: below it, at
/// it, one past it (the bug's own scenario), and far past it.
pub const BURSTS: [u64; 4] = [100, 1000, 1001, 5000];

/// The syncLoops the relist benches pair with a burst: one that drains at full speed, one that
/// does a fixed amount of work per event.
pub const SYNC_LOOPS: [&str; 2] = ["fast-syncLoop", "slow-syncLoop"];

/// The send policies: kubelet 1.12's blocking send, and 1.14's select/default.
pub const POLICIES: [&str; 2] = ["blocking", "drop-when-full"];

/// The Rust channels the channel benches compare: the project's eventChannel on std's and on
/// parking_lot's runtime, std's `sync_channel`, crossbeam's `bounded`.
pub const RUST_CHANNELS: [&str; 4] = [
    "pleg-std",
    "pleg-parking_lot",
    "std-sync_channel",
    "crossbeam-bounded",
];

/// The peer every figure is compared with: Go's own channel (benches/go).
pub const GO: &str = "go";

/// Go's channel again, its runtime held to one OS thread (`GOMAXPROCS=1`): where this matches
/// [`GO`], Go's figure is goroutines switching on one thread, not a hand-off between cores.
pub const GO_ONE_THREAD: &str = "go-one-thread";

/// The project's channel on std's runtime: the one compared in the report's ratios.
pub const PLEG: &str = "pleg-std";

/// The crossbeam channel, the fastest Rust peer.
pub const CROSSBEAM: &str = "crossbeam-bounded";

/// The wake-up benches: the project's channel, one bare futex wake-up (the floor), crossbeam.
pub const WAKERS: [&str; 3] = ["pleg-std", "std-condvar", "crossbeam-bounded"];

/// A channel workload: how criterion's group and Go's benchmark name it, and its title.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Workload {
    /// One producer, one consumer, blocking send (`ch <- v`).
    Send,
    /// One producer, `try_send` dropping when full (`select`/`default`).
    TrySendDrop,
    /// Two producers into one channel, blocking send.
    TwoProducers,
}

impl Workload {
    pub const ALL: [Workload; 3] = [
        Workload::Send,
        Workload::TrySendDrop,
        Workload::TwoProducers,
    ];

    /// Criterion's group for it.
    pub fn group(self) -> &'static str {
        match self {
            Workload::Send => "channel/spsc/send",
            Workload::TrySendDrop => "channel/spsc/try_send-drop",
            Workload::TwoProducers => "channel/mpsc/two-producers",
        }
    }

    /// The Go benchmark's name at `capacity`.
    pub fn go_name(self, capacity: usize) -> String {
        match self {
            Workload::Send => format!("SPSC/send/go/{capacity}"),
            Workload::TrySendDrop => format!("SPSC/try_send-drop/go/{capacity}"),
            Workload::TwoProducers => format!("TwoProducers/go/{capacity}"),
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Workload::Send => "Blocking send (`ch <- v`), one producer, one consumer",
            Workload::TrySendDrop => "Select/default (`try_send`, drop when full), one producer",
            Workload::TwoProducers => "Two producers into one channel, blocking send",
        }
    }
}
