//! The theorems: each a property of kubelet's hand-over, proved for every capacity, pod count,
//! number of changes and relists, and relistThreshold, by an inductive invariant of the
//! counter model ([`crate::model`]).
//!
//! Each theorem is checked as obligations a solver answers (valid iff the negation is
//! unsatisfiable), one per design and step: `init` (the initial state satisfies the
//! invariant), one per [`Action`] (the invariant survives it), `safe` (the invariant implies
//! the property), for a law `boundary` (where the law says the failure is reachable, its
//! witness exists) and, for a ranking function, one per move (a move it ranks lowers it, one
//! that ends what it ranks may do anything, every other move leaves it no higher). A law's
//! bound is read from `pleg_core::laws`, so moving a boundary by one fails an obligation: the
//! induction if the law claims too little, the boundary if too much.
//!
//! relistThreshold `T` and the relists `R` are parameters like the sizes, so what is proved holds
//! at every threshold and for any number of relists. The obligations take each move as every
//! gate, pod order and timing allows it ([`Variant::any`]), so they cover both gates, Go's map
//! order and the fixed one, and pods changing at any time or in lockstep.

use crate::model::{self, next, now, params_valid, queued, rl, sl, Action, Param, Variant};
use crate::term::{all, implies, not, Int, Prop};
use crate::witness::Witness;
use pleg_core::laws::{Bound, Law, LAWS};
use pleg_core::{Design, Named, VerdictKind};

/// One conjunct of an invariant: what it says, why it is inductive, and the formula.
#[derive(Debug, Clone)]
pub struct Conjunct {
    pub name: &'static str,
    pub why: &'static str,
    pub prop: Prop,
}

/// One theorem.
#[derive(Debug, Clone)]
pub struct Theorem {
    /// The statement, in kubelet's words.
    pub statement: &'static str,
    /// The designs it is proved for (each has its own move relation).
    pub designs: Vec<Design>,
    /// The law whose boundary it proves, with its bound (read from `pleg_core::laws`).
    pub law: Option<(Law, Bound)>,
    /// The conjuncts of its own; every theorem's invariant also has [`common`]'s.
    pub key: Vec<Conjunct>,
    /// The property.
    pub safe: Prop,
    /// A count `safe` keeps at zero or above that every move it ranks lowers: those moves
    /// cannot go on for ever.
    pub ranking: Option<Ranking>,
}

/// A ranking function of some moves.
#[derive(Debug, Clone)]
pub struct Ranking {
    pub rank: Int,
    /// The moves it ranks: each lowers it.
    pub moves: Vec<Action>,
    /// The moves that end what it ranks, and may raise it; every other move keeps it as high
    /// or lower, so no other actor can undo the ranked moves' progress.
    pub ends: Vec<Action>,
}

/// One thing a solver must show valid: the hypotheses imply the goal.
#[derive(Debug, Clone)]
pub struct Obligation {
    pub design: Design,
    /// `init`, `safe`, `boundary`, or the action's name.
    pub step: String,
    pub hypotheses: Vec<Prop>,
    pub goal: Prop,
}

impl Obligation {
    /// Every variable it names, sorted.
    pub fn vars(&self) -> Vec<String> {
        let mut all = all(self.hypotheses.iter().cloned().chain([self.goal.clone()])).vars();
        all.dedup();
        all
    }

    /// A standalone SMT-LIB script: `unsat` means the obligation is proved.
    pub fn smt2(&self, title: &str) -> String {
        let mut out = format!("; {title}\n; {} — {}\n", self.design, self.step);
        out.push_str("; unsat: proved; sat: the model printed is a counterexample\n");
        out.push_str("(set-logic QF_LIA)\n(set-option :produce-models true)\n");
        for v in self.vars() {
            out.push_str(&format!("(declare-const {v} Int)\n"));
        }
        for h in &self.hypotheses {
            out.push_str(&format!("(assert {h})\n"));
        }
        out.push_str(&format!("(assert (not {}))\n(check-sat)\n", self.goal));
        out
    }
}

/// What every design's invariant says.
pub fn common(design: Design) -> Vec<Conjunct> {
    let held = now("hm").plus(now("ho"));
    let mut c = vec![
        Conjunct {
            name: "the variables stay in their ranges",
            why: "each move sets a program point, a flag or a count to a value in range",
            prop: all([
                now("rl").ge(rl::START),
                now("rl").le(rl::DONE),
                now("sl").ge(sl::GATE),
                now("sl").le(sl::EXITED),
                now("sy").ge(0),
                now("sy").le(1),
                now("hm").ge(0),
                now("ho").ge(0),
                now("m").ge(0),
                now("m").le(1),
                now("o").ge(0),
            ]),
        },
        Conjunct {
            name: "the marked pod's latest event has at most the other events ahead of it",
            why: "it enters behind every event queued, and each receive before it takes one of \
                  those",
            prop: all([
                now("a").ge(0),
                now("a").le(now("o")),
                implies(now("m").eq(0), now("a").eq(0)),
            ]),
        },
        Conjunct {
            name: "the clock, relist's start and the relist count stay in their ranges",
            why: "a tick stops at T + 1; a relist starts at the clock's reading; a relist \
                  ends into the next only below R",
            prop: all([
                now("clk").ge(0),
                now("clk").le(Param::T.term().plus(1)),
                now("rt").ge(-1),
                now("rt").le(now("clk")),
                now("n").ge(1),
                now("n").le(Param::R.term()),
            ]),
        },
        Conjunct {
            name: "a pod changes at most K times",
            why: "a visit of a changed pod is allowed only below the limit",
            prop: all([
                now("u").le(Param::K.term()),
                now("uo").le(Param::PK.term().minus(Param::K.term())),
            ]),
        },
        Conjunct {
            name: "podRecords is never ahead of the pod cache",
            why: "a record only ever takes the version relist just listed",
            prop: all([now("rec").le(now("u")), now("ro").le(now("uo"))]),
        },
        Conjunct {
            name: "each event outstanding raised a record",
            why: "a hand-over raises the pod's record by one at least; a receive only removes",
            prop: queued(now)
                .plus(now("hm"))
                .plus(now("ho"))
                .le(now("rec").plus(now("ro"))),
        },
        Conjunct {
            name: "the events behind the marked pod's latest are other pods'",
            why: "an event of the marked pod enters behind all others, so its earlier ones are \
                  ahead of it; each other pod's event queued or held raised that pod's record",
            prop: now("o").minus(now("a")).plus(now("ho")).le(now("ro")),
        },
        Conjunct {
            name: "the channel holds at most C events",
            why: "an event enters only a channel with room",
            prop: queued(now).le(Param::C.term()),
        },
        Conjunct {
            name: "relist holds an event exactly while it is sending",
            why: "only a blocked send holds one, and its delivery resumes the visits",
            prop: all([
                held.clone().le(1),
                implies(now("rl").eq(rl::SENDING), held.clone().eq(1)),
                implies(now("rl").ne(rl::SENDING), held.eq(0)),
            ]),
        },
        Conjunct {
            name: "syncLoop returns only after relist finished and the channel drained",
            why: "its return requires both, and neither undoes itself",
            prop: implies(
                now("sl").eq(sl::EXITED),
                all([now("rl").eq(rl::DONE), queued(now).eq(0)]),
            ),
        },
    ];
    if !design.records_after_delivery() {
        c.push(Conjunct {
            name: "podRecords keeps up with the pod cache",
            why: "the design records a pod's version as it lists it, delivered or not",
            prop: all([now("rec").eq(now("u")), now("ro").eq(now("uo"))]),
        });
    }
    if design.can_discard() {
        c.push(Conjunct {
            name: "relist never waits to send",
            why: "a full channel discards the event: no move enters `sending`",
            prop: now("rl").ne(rl::SENDING),
        });
    }
    c
}

/// The conjunct the lost-update theorems add.
fn marked_pod_has_its_event() -> Conjunct {
    Conjunct {
        name: "an up-to-record pod syncLoop has not synced at it has an event queued",
        why: "a change of the pod either queues its event, or is discarded while one of its \
              events is queued (C exceeds what the others can queue), or leaves its record \
              behind (record-after-send); a receive syncs the pod",
        prop: implies(
            all([now("rec").eq(now("u")), now("sy").eq(0)]),
            now("m").ge(1),
        ),
    }
}

/// `C > bound`: the side of a law where it says the failure cannot be reached.
pub fn holds_side(bound: Bound) -> Option<Prop> {
    match bound {
        Bound::Linear {
            per_pod_change,
            per_change,
            constant,
        } => {
            let b = Param::PK
                .term()
                .times(per_pod_change)
                .plus(Param::K.term().times(per_change))
                .plus(constant);
            Some(Param::C.term().gt(b))
        }
        Bound::LockstepLoss => None,
    }
}

/// The law of `kind` whose statement names `design`.
fn law(kind: VerdictKind, design: Design) -> (Law, Bound) {
    let law = *LAWS
        .iter()
        .find(|l| l.kind == kind && l.statement.contains(design.name()))
        .expect("a law of that kind for that design");
    (law, law.bound)
}

/// Every theorem, with the laws' bounds as `pleg_core::laws` states them.
pub fn all_theorems() -> Vec<Theorem> {
    theorems(law)
}

/// Every theorem, with each law's bound given by `bound` (the tests move one by one).
pub fn theorems(bound: impl Fn(VerdictKind, Design) -> (Law, Bound)) -> Vec<Theorem> {
    use Design::*;
    let stall = not(all([
        now("rl").eq(rl::SENDING),
        queued(now).ge(Param::C.term()),
    ]));
    let lost = not(all([
        now("rec").eq(now("u")),
        now("sy").eq(0),
        now("m").eq(0),
    ]));
    vec![
        Theorem {
            statement: "the fix (kubelet 1.14+) never blocks relist: no circular wait, at any size",
            designs: vec![DropWhenFull, RecordAfterSend, EventedHealth],
            law: None,
            key: vec![],
            safe: now("rl").ne(rl::SENDING),
            ranking: None,
        },
        Theorem {
            statement: "with the wait gate, a blocking send deadlocks only if P·K > C",
            designs: vec![Blocking, BlockingBigCapacity],
            law: Some(bound(VerdictKind::Deadlock, Blocking)),
            key: vec![],
            safe: stall.clone(),
            ranking: None,
        },
        Theorem {
            statement: "with kubelet's retry gate, a blocking send livelocks only if P·K > C",
            designs: vec![Blocking, BlockingBigCapacity],
            law: Some(bound(VerdictKind::Livelock, Blocking)),
            key: vec![],
            safe: stall,
            ranking: None,
        },
        Theorem {
            statement: "Evented PLEG's full-channel rule closes the gate only if P·K ≥ C",
            designs: vec![EventedHealth],
            law: Some(bound(VerdictKind::GatedStall, EventedHealth)),
            key: vec![],
            safe: queued(now).lt(Param::C.term()),
            ranking: None,
        },
        Theorem {
            statement: "an ungated syncLoop never returns while relist waits to send",
            designs: vec![UngatedDrain],
            law: None,
            key: vec![],
            safe: implies(now("rl").eq(rl::SENDING), now("sl").ne(sl::EXITED)),
            ranking: None,
        },
        Theorem {
            statement: "the fix without the resync loses an update only if C ≤ (P−1)·K",
            designs: vec![DropWhenFull],
            law: Some(bound(VerdictKind::LostUpdate, DropWhenFull)),
            key: vec![marked_pod_has_its_event()],
            safe: lost.clone(),
            ranking: None,
        },
        Theorem {
            statement: "record-after-send never loses an update, with or without the resync",
            designs: vec![RecordAfterSend],
            law: None,
            key: vec![marked_pod_has_its_event()],
            safe: lost,
            ranking: None,
        },
        a_relist_ends(),
    ]
}

/// relist's visits and sends within one relist, ranked: a visit marks a pod visited (and may
/// hold its event), a send gives the held event up, so `2·(pods not visited) + events held`
/// falls with each, and no move of syncLoop touches it. The visited set empties only when the
/// relist ends. That relist always has a move while it visits is the machine's, checked on a
/// grid (`models/symbolic/tests/abstraction.rs`), not proved here.
fn a_relist_ends() -> Theorem {
    let visited = now("vm").plus(now("vo"));
    let rank = Param::P
        .term()
        .minus(visited)
        .times(2)
        .plus(now("hm"))
        .plus(now("ho"));
    Theorem {
        statement: "a relist not blocked on a full channel ends: at most P visits, P sends",
        designs: Design::ALL.to_vec(),
        law: None,
        key: vec![Conjunct {
            name: "a relist visits each pod at most once",
            why: "a visit needs a pod the relist has not visited; only the end of a relist \
                  empties the visited set",
            prop: all([
                now("vm").ge(0),
                now("vm").le(1),
                now("vo").ge(0),
                now("vo").le(Param::P.term().minus(1)),
            ]),
        }],
        safe: rank.clone().ge(0),
        ranking: Some(Ranking {
            rank,
            moves: Action::ALL
                .into_iter()
                .filter(|a| {
                    matches!(
                        a,
                        Action::VisitMarked { .. } | Action::VisitOther { .. } | Action::Send
                    )
                })
                .collect(),
            ends: vec![Action::EndRelist],
        }),
    }
}

impl Theorem {
    /// The invariant of `design`: [`common`]'s conjuncts, then the theorem's own.
    pub fn invariant(&self, design: Design) -> Vec<Conjunct> {
        let mut inv = common(design);
        inv.extend(self.key.iter().cloned());
        inv
    }

    /// The side of its law it proves by induction (none: it holds at every size).
    pub fn hypothesis(&self) -> Option<Prop> {
        self.law.and_then(|(_, bound)| holds_side(bound))
    }

    /// Its obligations, design by design.
    pub fn obligations(&self) -> Vec<Obligation> {
        let mut out = Vec::new();
        let mut given = vec![params_valid()];
        given.extend(self.hypothesis());
        for &design in &self.designs {
            let inv = all(self.invariant(design).into_iter().map(|c| c.prop));
            let ob = |step: &str, extra: Vec<Prop>, goal: Prop| Obligation {
                design,
                step: step.to_owned(),
                hypotheses: given.iter().cloned().chain(extra).collect(),
                goal,
            };
            out.push(ob("init", vec![model::initial()], inv.clone()));
            for action in Action::ALL {
                let relation = action.relation(Variant::any(design));
                out.push(ob(action.name(), vec![inv.clone(), relation], primed(&inv)));
            }
            out.push(ob("safe", vec![inv.clone()], self.safe.clone()));
            if let Some(ranking) = &self.ranking {
                let (now, after) = (ranking.rank.clone(), primed_int(&ranking.rank));
                for action in Action::ALL {
                    let (step, goal) = if ranking.moves.contains(&action) {
                        (ranked(action), after.clone().lt(now.clone()))
                    } else if ranking.ends.contains(&action) {
                        continue;
                    } else {
                        (unraised(action), after.clone().le(now.clone()))
                    };
                    let relation = action.relation(Variant::any(design));
                    out.push(ob(&step, vec![inv.clone(), relation], goal));
                }
            }
            if let Some((law, bound)) = self.law {
                let witness = Witness::of(law.kind).expect("every law has a witness");
                let fails = holds_side(bound).map(not).expect("a linear bound");
                out.push(Obligation {
                    design,
                    step: "boundary".to_owned(),
                    hypotheses: vec![params_valid(), fails],
                    goal: witness.precondition(),
                });
            }
        }
        out
    }
}

/// The step of the obligation that `action` lowers a ranking function.
pub fn ranked(action: Action) -> String {
    format!("lowers the rank: {}", action.name())
}

/// The step of the obligation that `action` does not raise a ranking function.
pub fn unraised(action: Action) -> String {
    format!("keeps the rank: {}", action.name())
}

/// `p` about the state after a move.
pub fn primed(p: &Prop) -> Prop {
    p.map_vars(&after_the_move)
}

/// `t` of the state after a move.
pub fn primed_int(t: &Int) -> Int {
    t.map_vars(&after_the_move)
}

/// A variable's name after a move: a state variable's primed, a parameter's its own.
fn after_the_move(v: &String) -> String {
    if model::STATE.iter().any(|&(n, _)| n == v) {
        next(v).to_string()
    } else {
        v.to_owned()
    }
}
