//! The counter model: one marked pod, the other pods as sums, the channel as three counts, and
//! the parameters left symbolic — so one state of it stands for a state of every size.
//!
//! Pods are interchangeable, so whatever one pod can suffer, the *marked* pod can: the model
//! keeps the marked pod's versions exactly, whether its latest event is queued and how many
//! events are ahead of it, and sums the others'. It keeps the clock, when the last relist
//! started and which relist is running, so the gate, a tick and the end of a relist are exact;
//! of the visited set it keeps how many pods it holds.
//!
//! Under Go's map order (kubelet's), with pods changing whenever their containers do (kubelet's)
//! or in lockstep, and at every design that records a pod's version before handing its event
//! over, that is exact: every explicit move maps to a counter move of its kind, and every counter
//! move out of an abstract state the machine reaches is the image of a move the machine makes
//! (the tests check both on a grid). Under a fixed order or record-after-send it allows more,
//! exactly the guards and values [`Action::not_kept`] names, as the tests measure.
//! Allowing more is what a proof that something *never* happens may do; that a failure *does*
//! happen is shown by the witnesses instead ([`crate::witness`]).
//!
//! Here: the parameters, the state's variables and the gate; in `moves`, each move's relation;
//! in `image`, the map from a state of the explicit machine to one of this model.

use crate::term::{all, any, var, Int, Prop};
use pleg_core::{Design, Gate, MapOrder, Scenario, Timing};

mod image;
mod moves;

pub use image::{abstraction, action, parameters, valuation};
pub use moves::{frame, Action};

/// The parameters, symbolic in a proof and concrete in a test.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Param {
    /// The eventChannel's real capacity.
    C,
    /// Pods on the node.
    P,
    /// The changes of each pod the relists can tell apart, `min(changes, relists)`.
    K,
    /// The product `P·K`, a variable of its own so that obligations stay linear; the facts
    /// about it that hold for every `P, K ≥ 1` are [`params_valid`]'s. An obligation proved for
    /// every value of it is proved for `P·K` in particular.
    PK,
    /// The relists the run makes.
    R,
    /// relistThreshold, in ticks: PLEG is unhealthy once the running relist started more than
    /// `T` ticks ago.
    T,
}

impl Param {
    pub const ALL: [Param; 6] = [Param::C, Param::P, Param::K, Param::PK, Param::R, Param::T];

    pub fn name(self) -> &'static str {
        match self {
            Param::C => "C",
            Param::P => "P",
            Param::K => "K",
            Param::PK => "PK",
            Param::R => "R",
            Param::T => "T",
        }
    }

    pub fn term(self) -> Int {
        var(self.name())
    }
}

/// The variables of one abstract state, with what each counts.
pub const STATE: [(&str, &str); 17] = [
    (
        "rl",
        "where relist is: 0 start, 1 visiting, 2 sending (holds an event), 3 finish, 4 done",
    ),
    (
        "sl",
        "where syncLoop is: 0 at the gate, 1 receiving, 2 returned",
    ),
    (
        "u",
        "the marked pod's version in the pod cache (its changes relist has listed)",
    ),
    ("rec", "the marked pod's version in podRecords"),
    (
        "sy",
        "1 if syncLoop last synced the marked pod at its cached version, none of its events queued",
    ),
    (
        "m",
        "1 if an event of the marked pod is in the eventChannel",
    ),
    (
        "hm",
        "1 if relist holds the marked pod's event for a full channel",
    ),
    ("uo", "the other pods' versions in the pod cache, summed"),
    ("ro", "the other pods' versions in podRecords, summed"),
    (
        "o",
        "the other events in the eventChannel: other pods', and the marked pod's but its latest",
    ),
    (
        "a",
        "the events ahead of the marked pod's latest event in the eventChannel (0: none queued)",
    ),
    (
        "ho",
        "1 if relist holds another pod's event for a full channel",
    ),
    (
        "vm",
        "1 if this relist has visited the marked pod (or, in a fixed order, passed it over)",
    ),
    (
        "vo",
        "the other pods this relist has visited (or, in a fixed order, passed over)",
    ),
    (
        "n",
        "the relist running or next to start, from 1 (R once the relists are over)",
    ),
    ("clk", "the clock, in ticks: it runs to T + 1 and stops"),
    ("rt", "when the last relist started (-1: none has)"),
];

/// relist's program points, as `rl` numbers them.
pub mod rl {
    pub const START: i64 = 0;
    pub const VISITING: i64 = 1;
    pub const SENDING: i64 = 2;
    pub const FINISH: i64 = 3;
    pub const DONE: i64 = 4;
}

/// syncLoop's program points, as `sl` numbers them.
pub mod sl {
    pub const GATE: i64 = 0;
    pub const RECEIVE: i64 = 1;
    pub const EXITED: i64 = 2;
}

/// A state variable before a move.
pub fn now(name: &str) -> Int {
    var(name)
}

/// A state variable after a move.
pub fn next(name: &str) -> Int {
    var(format!("{name}_next"))
}

/// What a move relation is for: a design, with the gate, the pod order and the timing of the
/// pods' changes when one is meant. `None` allows what either allows; the proofs take all three
/// as `None`, so what they prove holds of each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Variant {
    pub design: Design,
    pub gate: Option<Gate>,
    pub order: Option<MapOrder>,
    pub timing: Option<Timing>,
}

impl Variant {
    /// Every gate, pod order and timing of `design`: what the proofs are about.
    pub fn any(design: Design) -> Variant {
        Variant {
            design,
            gate: None,
            order: None,
            timing: None,
        }
    }

    /// The variant of one scenario.
    pub fn of(scenario: &Scenario) -> Variant {
        Variant {
            design: scenario.design,
            gate: Some(scenario.gate),
            order: Some(scenario.map_order),
            timing: Some(scenario.timing),
        }
    }
}

/// The eventChannel's occupancy.
pub fn queued(at: fn(&str) -> Int) -> Int {
    at("m").plus(at("o"))
}

/// What holds of the parameters for every `C, P, K, R ≥ 1` with `PK = P·K`, `K ≤ R` (a
/// relist lists a pod once, so the relists tell apart at most `R` changes) and `T ≥ 0`.
pub fn params_valid() -> Prop {
    let (c, p, k, pk) = (
        Param::C.term(),
        Param::P.term(),
        Param::K.term(),
        Param::PK.term(),
    );
    all([
        c.ge(1),
        p.clone().ge(1),
        k.clone().ge(1),
        // P·K ≥ P + K − 1, since (P − 1)(K − 1) ≥ 0; it gives P·K ≥ P and P·K ≥ K.
        pk.ge(p.plus(k.clone()).minus(1)),
        Param::R.term().ge(k),
        Param::T.term().ge(0),
    ])
}

/// The initial state: nothing listed, nothing sent, syncLoop at the gate, the first relist
/// yet to start at tick 0.
pub fn initial() -> Prop {
    all(STATE.iter().map(|&(name, _)| {
        let value = match name {
            "sy" | "n" => 1,
            "rt" => -1,
            _ => 0,
        };
        now(name).eq(value)
    }))
}

/// The gate's answer: syncLoop may pass. kubelet's `Healthy()` holds while the running relist
/// started at most `T` ticks ago (never before the first starts); the bounded run counts
/// finished relists as healthy, since kubelet would go on relisting; evented-health adds that
/// a full channel is unhealthy; ungated-drain has no gate.
pub fn gate_open(design: Design) -> Prop {
    if !design.gated() {
        return Prop::True;
    }
    let fresh = any([
        now("rl").eq(rl::DONE),
        all([
            now("rt").ge(0),
            now("clk").minus(now("rt")).le(Param::T.term()),
        ]),
    ]);
    if design.full_channel_is_unhealthy() {
        all([queued(now).lt(Param::C.term()), fresh])
    } else {
        fresh
    }
}
