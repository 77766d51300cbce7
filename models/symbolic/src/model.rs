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

use crate::term::{all, any, lit, not, var, Env, Int, Prop};
use pleg_core::{Design, Gate, MapOrder, Scenario, Timing};
use pleg_explicit::moves::Move;
use pleg_explicit::pods::{Pods, State};
use pleg_explicit::{RelistAt, SyncLoopAt};

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
    /// Every gate and pod order of `design`: what the proofs are about.
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

/// One kind of abstract move, each the image of explicit moves of one kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Start,
    /// relist visits the marked pod (`changed`: it changed again; else its record lagged).
    VisitMarked {
        changed: bool,
    },
    VisitOther {
        changed: bool,
    },
    Send,
    EndRelist,
    Finish,
    Pass,
    ReceiveMarked,
    ReceiveOther,
    Exit,
    /// The clock ticks.
    Tick,
    /// syncLoop, turned away by the retry gate, tries again: nothing the model keeps changes.
    Retry,
}

impl Action {
    pub const ALL: [Action; 14] = [
        Action::Start,
        Action::VisitMarked { changed: true },
        Action::VisitMarked { changed: false },
        Action::VisitOther { changed: true },
        Action::VisitOther { changed: false },
        Action::Send,
        Action::EndRelist,
        Action::Finish,
        Action::Pass,
        Action::ReceiveMarked,
        Action::ReceiveOther,
        Action::Exit,
        Action::Tick,
        Action::Retry,
    ];

    /// Its place in [`Action::ALL`].
    pub fn index(self) -> usize {
        Action::ALL
            .iter()
            .position(|&a| a == self)
            .expect("every action is in ALL")
    }

    pub fn name(self) -> &'static str {
        match self {
            Action::Start => "start a relist",
            Action::VisitMarked { changed: true } => "visit the marked pod, changed",
            Action::VisitMarked { changed: false } => "visit the marked pod, its record lagging",
            Action::VisitOther { changed: true } => "visit another pod, changed",
            Action::VisitOther { changed: false } => "visit another pod, its record lagging",
            Action::Send => "the blocked send goes through",
            Action::EndRelist => "end the relist",
            Action::Finish => "finish",
            Action::Pass => "syncLoop passes the gate",
            Action::ReceiveMarked => "syncLoop takes the marked pod's event",
            Action::ReceiveOther => "syncLoop takes another pod's event",
            Action::Exit => "syncLoop returns",
            Action::Tick => "the clock ticks",
            Action::Retry => "syncLoop retries the gate",
        }
    }

    /// What the counter model does not keep of the explicit moves this action stands for: a
    /// guard (the counter move is enabled at abstract states where no explicit state allows
    /// the move) and a value (the move is allowed there but the counter model lets it land
    /// where no explicit move does). `None`: kept exactly. Every gap is a fixed pod order's,
    /// whose visits depend on which pods are lower, or record-after-send's, whose lagging
    /// records belong to pods the sums do not tell apart. The tests measure both on a grid and
    /// hold this table to what they find, both ways; under Go's map order, at the other
    /// designs, they find no gap at all.
    pub fn not_kept(self) -> [Option<&'static str>; 2] {
        match self {
            Action::VisitMarked { .. } => [Some(LOWER_FIRST), Some(PASSED_OVER)],
            Action::VisitOther { changed: true } => [
                Some(
                    "under a fixed order, whether a lower pod must be visited first; \
                     (record-after-send) whether a pod not visited yet can still change",
                ),
                Some(
                    "which other pods a fixed order passes over; (record-after-send) how far \
                     the visited pod's record rises",
                ),
            ],
            Action::VisitOther { changed: false } => [
                Some("(record-after-send) whether a pod whose record lags is one not visited yet"),
                Some(
                    "(record-after-send) how far the visited pod's record rises, and which \
                     other pods a fixed order passes over",
                ),
            ],
            Action::EndRelist => [
                Some("(record-after-send) another pod whose record lags, not visited yet"),
                None,
            ],
            Action::Start
            | Action::Send
            | Action::Finish
            | Action::Pass
            | Action::ReceiveMarked
            | Action::ReceiveOther
            | Action::Exit
            | Action::Tick
            | Action::Retry => [None, None],
        }
    }

    /// The move relation of `variant`: the state before (`now`) and after (`next`).
    pub fn relation(self, variant: Variant) -> Prop {
        frame(self.writes(), self.effect(variant))
    }

    /// The variables the action may change; every other one keeps its value.
    pub fn writes(self) -> &'static [&'static str] {
        match self {
            Action::Start => &["rl", "rt"],
            Action::Finish => &["rl"],
            Action::EndRelist => &["rl", "vm", "vo", "n"],
            Action::VisitMarked { .. } => {
                &["rl", "u", "rec", "sy", "m", "o", "a", "hm", "vo", "vm"]
            }
            Action::VisitOther { .. } => &["rl", "uo", "ro", "o", "ho", "vm", "vo"],
            Action::Send => &["rl", "m", "o", "a", "sy", "hm", "ho"],
            Action::Pass | Action::Exit => &["sl"],
            Action::ReceiveMarked => &["sl", "m", "sy"],
            Action::ReceiveOther => &["sl", "o", "a"],
            Action::Tick => &["clk"],
            Action::Retry => &[],
        }
    }

    fn effect(self, variant: Variant) -> Prop {
        let design = variant.design;
        let at = |pc: i64| now("rl").eq(pc);
        let to = |pc: i64| next("rl").eq(pc);
        let sync = |from: i64, to: i64| all([now("sl").eq(from), next("sl").eq(to)]);
        match self {
            Action::Start => all([at(rl::START), to(rl::VISITING), next("rt").eq(now("clk"))]),
            Action::VisitMarked { changed } => visit_marked(variant, changed),
            Action::VisitOther { changed } => visit_other(variant, changed),
            Action::Send => all([
                at(rl::SENDING),
                queued(now).lt(Param::C.term()),
                any([
                    all([now("hm").eq(1), enqueue(true)]),
                    all([now("ho").eq(1), enqueue(false), next("sy").eq(now("sy"))]),
                ]),
                next("hm").eq(0),
                next("ho").eq(0),
                to(rl::VISITING),
            ]),
            Action::EndRelist => all([
                at(rl::VISITING),
                // A relist lists every pod whose record lags: the marked pod's, unless visited.
                any([now("vm").eq(1), now("rec").eq(now("u"))]),
                lockstep_lists_all(variant),
                any([
                    all([
                        now("n").lt(Param::R.term()),
                        to(rl::START),
                        next("n").eq(now("n").plus(1)),
                    ]),
                    all([
                        now("n").eq(Param::R.term()),
                        to(rl::FINISH),
                        next("n").eq(now("n")),
                    ]),
                ]),
                next("vm").eq(0),
                next("vo").eq(0),
            ]),
            Action::Finish => all([at(rl::FINISH), to(rl::DONE)]),
            Action::Pass => all([sync(sl::GATE, sl::RECEIVE), gate_open(design)]),
            // The marked pod's latest event is taken when nothing is ahead of it; an earlier
            // one of it, like another pod's, is one of the others.
            Action::ReceiveMarked => all([
                sync(sl::RECEIVE, sl::GATE),
                now("m").eq(1),
                now("a").eq(0),
                next("m").eq(0),
                next("sy").eq(1),
            ]),
            Action::ReceiveOther => all([
                sync(sl::RECEIVE, sl::GATE),
                now("o").ge(1),
                any([now("m").eq(0), now("a").ge(1)]),
                next("o").eq(now("o").minus(1)),
                next("a").eq(now("a").minus(now("m"))),
            ]),
            Action::Exit => all([
                sync(sl::RECEIVE, sl::EXITED),
                queued(now).eq(0),
                at(rl::DONE),
            ]),
            Action::Tick => all([
                now("clk").le(Param::T.term()),
                next("clk").eq(now("clk").plus(1)),
            ]),
            Action::Retry => all([
                now("sl").eq(sl::GATE),
                not(gate_open(design)),
                if variant.gate == Some(Gate::Wait) {
                    Prop::False
                } else {
                    Prop::True
                },
            ]),
        }
    }
}

/// Under lockstep's schedule each of the first `K` relists lists every pod at its own version,
/// none of which any record holds yet: it ends only once it has visited them all.
fn lockstep_lists_all(variant: Variant) -> Prop {
    if variant.timing != Some(Timing::Lockstep) {
        return Prop::True;
    }
    let everyone = all([now("vm").eq(1), now("vo").eq(Param::P.term().minus(1))]);
    any([now("n").gt(Param::K.term()), everyone])
}

/// Under lockstep's schedule a relist lists a pod whose record lags without a change only once
/// the changes are over: before, each relist lists every pod at a version new to it.
fn lockstep_lags_late(variant: Variant, changed: bool) -> Prop {
    if changed || variant.timing != Some(Timing::Lockstep) {
        return Prop::True;
    }
    now("n").gt(Param::K.term())
}

/// What a visit of the marked pod does not keep: a fixed order visits first a lower pod that
/// must be visited (one lockstep lists anew, or whose record lags).
const LOWER_FIRST: &str = "under a fixed order, whether a lower pod must be visited first";

/// What a visit does not keep of where it lands under a fixed order.
const PASSED_OVER: &str = "which other pods a fixed order passes over";

/// `effect`, with every variable outside `writes` unchanged.
fn frame(writes: &[&str], effect: Prop) -> Prop {
    let kept = STATE
        .iter()
        .filter(|(name, _)| !writes.contains(name))
        .map(|&(name, _)| next(name).eq(now(name)));
    all(std::iter::once(effect).chain(kept))
}

/// An event enters the eventChannel, behind every event queued: the marked pod's (now its
/// latest, so any earlier one of it joins the others, and everything queued is ahead of it; a
/// pod with an event queued is not synced for good) or another pod's.
fn enqueue(marked: bool) -> Prop {
    if marked {
        all([
            next("m").eq(1),
            next("o").eq(queued(now)),
            next("a").eq(queued(now)),
            next("sy").eq(0),
        ])
    } else {
        all([
            next("m").eq(now("m")),
            next("o").eq(now("o").plus(1)),
            next("a").eq(now("a")),
        ])
    }
}

/// No event enters the eventChannel.
fn unqueued() -> Prop {
    all(["m", "o", "a"].map(|v| next(v).eq(now(v))))
}

/// How a visit's event leaves relist: into the channel, held for a full one, or discarded.
/// `delivered` and `kept`: podRecords when the event is handed over and when it is discarded;
/// `unsent`: what else holds when it does not enter the channel.
fn hand_over(design: Design, marked: bool, delivered: Prop, kept: Prop, unsent: Prop) -> Prop {
    let held = if marked { "hm" } else { "ho" };
    let full = queued(now).ge(Param::C.term());
    let into_channel = all([
        queued(now).lt(Param::C.term()),
        enqueue(marked),
        next(held).eq(0),
        next("rl").eq(rl::VISITING),
        delivered.clone(),
    ]);
    let otherwise = if design.blocking_send() {
        all([
            full,
            unqueued(),
            next(held).eq(1),
            next("rl").eq(rl::SENDING),
            delivered,
        ])
    } else {
        let record = if design.records_after_delivery() {
            kept
        } else {
            delivered
        };
        all([
            full,
            unqueued(),
            next(held).eq(now(held)),
            next("rl").eq(rl::VISITING),
            record,
        ])
    };
    any([into_channel, all([otherwise, unsent])])
}

/// relist visits the marked pod: the pod cache takes the version listed, podRecords takes it
/// when the design records before (or upon) the hand-over.
fn visit_marked(variant: Variant, changed: bool) -> Prop {
    let (u, rec) = (now("u"), now("rec"));
    let listed = if changed {
        u.clone().plus(1)
    } else {
        u.clone()
    };
    let guard = if changed {
        u.lt(Param::K.term())
    } else {
        rec.clone().lt(u)
    };
    // A change leaves the pod unsynced; a record that lags changes nothing syncLoop saw.
    let unsent = if changed {
        next("sy").eq(0)
    } else {
        next("sy").eq(now("sy"))
    };
    all([
        now("rl").eq(rl::VISITING),
        guard,
        lockstep_lags_late(variant, changed),
        now("vm").eq(0),
        next("vm").eq(1),
        passes_over(variant, "vo", now("vo"), Param::P.term().minus(1)),
        next("u").eq(listed.clone()),
        hand_over(
            variant.design,
            true,
            next("rec").eq(listed),
            next("rec").eq(rec),
            unsent,
        ),
    ])
}

/// relist visits another pod. Its record rises to its listed version: by one at least, by how
/// much the sums do not say — so the model allows any rise up to the others' cache.
fn visit_other(variant: Variant, changed: bool) -> Prop {
    let (uo, ro) = (now("uo"), now("ro"));
    let others_changes = Param::PK.term().minus(Param::K.term());
    let (listed, guard) = if changed {
        (uo.clone().plus(1), uo.lt(others_changes))
    } else {
        (uo.clone(), ro.clone().lt(uo))
    };
    let rises = all([
        next("ro").ge(ro.clone().plus(1)),
        next("ro").le(listed.clone()),
    ]);
    all([
        now("rl").eq(rl::VISITING),
        guard,
        lockstep_lags_late(variant, changed),
        now("vo").lt(Param::P.term().minus(1)),
        passes_over(variant, "vo", now("vo").plus(1), Param::P.term().minus(1)),
        passes_over(variant, "vm", now("vm"), lit(1)),
        next("uo").eq(listed),
        hand_over(variant.design, false, rises, next("ro").eq(ro), Prop::True),
    ])
}

/// A visit marks the pod it visits, and in a fixed order every pod before it: `name` goes to
/// `least`, the pods the visit marks for sure, and in a fixed order to at most `most`, the
/// pods there are to mark.
fn passes_over(variant: Variant, name: &str, least: Int, most: Int) -> Prop {
    if variant.order == Some(MapOrder::Go) {
        next(name).eq(least)
    } else {
        all([next(name).ge(least), next(name).le(most)])
    }
}

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
