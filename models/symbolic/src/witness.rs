//! The failing side of each law: a schedule, built from the parameters, that ends in the law's
//! failure whenever the law says it fails — so "fails iff" is shown in both directions, the
//! "only if" by induction ([`crate::theorems`]) and the "if" by a path anyone can replay.
//!
//! Each witness has a precondition in the parameters, a [`Prop`] the prover checks is implied
//! by the law's failing side (`C ≤ bound`), and a builder that writes the path for any concrete
//! size satisfying it. The tests replay the path on the explicit machine at every cell of a grid
//! and check it ends in the law's failure; beyond the grid, that the path stays valid is argued
//! (it is the same loops at every size), not machine-checked.

use crate::model::Param;
use crate::term::Prop;
use pleg_core::{Scenario, VerdictKind};
use pleg_explicit::moves::{Move, Path};

/// How a law's failure is reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Witness {
    /// relist sends `C + 1` events while syncLoop reads none, blocks on the last, and the
    /// clock passes relistThreshold: PLEG is unhealthy and the gate stays shut.
    FillThenBlock,
    /// relist sends `C` events while syncLoop reads none, then finishes: the full channel
    /// makes Evented PLEG unhealthy and the gate in front of its only reader stays shut.
    FillTheChannel,
    /// The other pods fill the channel; the marked pod (the last) then changes, its event is
    /// discarded, and podRecords already holds its version: no relist sends it again.
    OthersFillThenDrop,
}

impl Witness {
    /// The witness of a law's failure of `kind`.
    pub fn of(kind: VerdictKind) -> Option<Witness> {
        match kind {
            VerdictKind::Deadlock | VerdictKind::Livelock => Some(Witness::FillThenBlock),
            VerdictKind::GatedStall => Some(Witness::FillTheChannel),
            VerdictKind::LostUpdate => Some(Witness::OthersFillThenDrop),
            _ => None,
        }
    }

    /// The sizes at which the path exists.
    pub fn precondition(self) -> Prop {
        let (c, k, pk) = (Param::C.term(), Param::K.term(), Param::PK.term());
        match self {
            Witness::FillThenBlock => pk.ge(c.plus(1)),
            Witness::FillTheChannel => pk.ge(c),
            Witness::OthersFillThenDrop => pk.minus(k).ge(c),
        }
    }

    /// The path at `scenario`'s size, if the precondition holds there.
    pub fn path(self, scenario: &Scenario) -> Option<Path> {
        let env = crate::model::parameters(scenario);
        if !self.precondition().holds(&env) {
            return None;
        }
        let (c, pods, k) = (
            scenario.channel_capacity(),
            scenario.pods,
            scenario.changes_seen(),
        );
        let mut w = Writer {
            moves: Vec::new(),
            relists: 0,
        };
        match self {
            Witness::FillThenBlock => {
                w.visit_in_turn(k, pods, c + 1, None);
                w.ticks(scenario);
            }
            Witness::FillTheChannel => {
                w.visit_in_turn(k, pods, c, None);
                w.finish(scenario);
                w.ticks(scenario);
            }
            Witness::OthersFillThenDrop => {
                w.visit_in_turn(k, pods - 1, usize::MAX, Some(pods - 1));
                w.finish(scenario);
                w.drain(c);
                w.ticks(scenario);
            }
        }
        Some(Path(w.moves))
    }
}

struct Writer {
    moves: Vec<Move>,
    relists: u32,
}

impl Writer {
    /// `relists` relists, each visiting pods `0..pods` in turn, until `events` visits were
    /// made (the last relist is left open); the last relist then visits `last` if given.
    fn visit_in_turn(&mut self, relists: u32, pods: u32, events: usize, last: Option<u32>) {
        let mut made = 0;
        for r in 1..=relists {
            self.moves.push(Move::Start);
            self.relists += 1;
            for pod in 0..pods {
                self.moves.push(Move::visit(pod));
                made += 1;
                if made == events {
                    return;
                }
            }
            if r == relists {
                self.moves.extend(last.map(Move::visit));
            }
            self.moves.push(Move::EndRelist);
        }
    }

    /// Ends the relist left open (if any), runs the remaining relists empty, and finishes.
    fn finish(&mut self, scenario: &Scenario) {
        if self.moves.last() != Some(&Move::EndRelist) {
            self.moves.push(Move::EndRelist);
        }
        for _ in self.relists..scenario.relists {
            self.moves.extend([Move::Start, Move::EndRelist]);
        }
        self.moves.push(Move::Finish);
    }

    /// syncLoop takes the `events` queued, then returns.
    fn drain(&mut self, events: usize) {
        for _ in 0..events {
            self.moves.extend([Move::Pass, Move::Receive]);
        }
        self.moves.extend([Move::Pass, Move::Exit]);
    }

    /// The clock runs out.
    fn ticks(&mut self, scenario: &Scenario) {
        self.moves.extend(std::iter::repeat_n(
            Move::Tick,
            scenario.clock_ticks() as usize,
        ));
    }
}
