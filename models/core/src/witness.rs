//! The interesting states an exploration must reach for its "holds" to mean something — one
//! declared set, every count kept in one array indexed by it.
//!
//! A check that "holds" without ever filling the channel proves nothing about a full channel.
//! Each [`Witness`] says what it is, how tables and JSON name it, and which designs can reach
//! it (so which a non-vacuous "holds" needs); [`Witnesses`] counts how often an exploration
//! reached each, and says what it counted. Adding a witness is one variant here and one arm in
//! each method below; every recorder, observer, table, legend and JSON field reads this list.

use crate::names::Named;
use crate::scenario::Design;
use serde::ser::{Serialize, SerializeMap, Serializer};
use std::ops::{AddAssign, Index, IndexMut};

crate::named! {
    /// An interesting state; its name is its column in the verdict tables.
    pub enum Witness: "witness" {
        /// The eventChannel was full.
        ChannelFull = "full",
        /// relist waited in a blocking send on the full channel (not merely filled it).
        RelistBlocked = "blocked",
        /// relist discarded at least one event.
        Discard = "discard",
        /// syncLoop found the PLEG health gate closed.
        GateClosed = "gated",
        /// syncLoop received an event while a relist was still sending its batch: the gate was
        /// open mid-relist. (Unreachable if `Healthy()` compared with `>=`: at threshold 0 PLEG
        /// would be unhealthy the instant a relist started.)
        DrainedMidRelist = "mid",
    }
}

/// How many witnesses there are.
pub const WITNESSES: usize = Witness::ALL.len();

impl Witness {
    /// Its key in the JSON output.
    pub fn key(self) -> &'static str {
        match self {
            Witness::ChannelFull => "channel_full",
            Witness::RelistBlocked => "relist_blocked",
            Witness::Discard => "discards",
            Witness::GateClosed => "gate_closed",
            Witness::DrainedMidRelist => "drained_mid_relist",
        }
    }

    /// What it is, in a few words (legends, and a vacuous "holds" that never reached it).
    pub fn phrase(self) -> &'static str {
        match self {
            Witness::ChannelFull => "channel full",
            Witness::RelistBlocked => "relist blocked in send",
            Witness::Discard => "discard",
            Witness::GateClosed => "gate closed",
            Witness::DrainedMidRelist => "drained mid-relist",
        }
    }

    /// Whether `design` can reach it, so a non-vacuous "holds" of `design` must: a full
    /// channel and a mid-relist drain always; a blocked relist where sends block, a discard
    /// where they drop; a closed gate where syncLoop is gated.
    pub fn needed_by(self, design: Design) -> bool {
        match self {
            Witness::ChannelFull | Witness::DrainedMidRelist => true,
            Witness::RelistBlocked => design.blocking_send(),
            Witness::Discard => design.can_discard(),
            Witness::GateClosed => design.gated(),
        }
    }

    /// What the explicit checker counts for it: states that show it, or moves that do it.
    pub fn seen_in(self) -> Seen {
        match self {
            Witness::Discard | Witness::DrainedMidRelist => Seen::Moves,
            _ => Seen::States,
        }
    }
}

/// What a witness count of the explicit checker counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seen {
    States,
    Moves,
}

crate::named! {
    /// What a set of witness counts counts.
    pub enum Counted: "count" {
        /// Executions (loom) or iterations (shuttle) that reached the witness at least once.
        Executions = "executions",
        /// States (or moves, by [`Witness::seen_in`]) of the explicit search that show it.
        Explored = "states or moves",
    }
}

/// How often an exploration reached each witness, and what it counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Witnesses {
    pub counted: Counted,
    counts: [u64; WITNESSES],
}

impl Witnesses {
    /// No witness reached yet, counting `counted`.
    pub fn none(counted: Counted) -> Self {
        Witnesses {
            counted,
            counts: [0; WITNESSES],
        }
    }

    /// The witnesses a non-vacuous "holds" of `design` needs and this exploration never
    /// reached.
    pub fn missing(&self, design: Design) -> Vec<Witness> {
        Witness::ALL
            .iter()
            .copied()
            .filter(|&w| w.needed_by(design) && self[w] == 0)
            .collect()
    }

    /// Each witness with its count, in the declared order.
    pub fn iter(&self) -> impl Iterator<Item = (Witness, u64)> + '_ {
        Witness::ALL.iter().map(|&w| (w, self[w]))
    }
}

impl Index<Witness> for Witnesses {
    type Output = u64;
    fn index(&self, w: Witness) -> &u64 {
        &self.counts[w.index()]
    }
}

impl IndexMut<Witness> for Witnesses {
    fn index_mut(&mut self, w: Witness) -> &mut u64 {
        &mut self.counts[w.index()]
    }
}

impl AddAssign<&Witnesses> for Witnesses {
    fn add_assign(&mut self, more: &Witnesses) {
        debug_assert_eq!(self.counted, more.counted, "counts of one kind only");
        for (total, n) in self.counts.iter_mut().zip(more.counts) {
            *total += n;
        }
    }
}

impl Serialize for Witnesses {
    /// `{"counted": …, "channel_full": n, …}`: what was counted, then each witness by its key.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(WITNESSES + 1))?;
        map.serialize_entry("counted", &self.counted)?;
        for (w, n) in self.iter() {
            map.serialize_entry(w.key(), &n)?;
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fix reaches discards, never a blocked relist; the blocking design the other way round.
    #[test]
    fn what_a_design_must_reach() {
        let mut w = Witnesses::none(Counted::Executions);
        w[Witness::ChannelFull] = 3;
        w[Witness::Discard] = 1;
        assert_eq!(
            w.missing(Design::DropWhenFull),
            [Witness::GateClosed, Witness::DrainedMidRelist]
        );
        assert_eq!(
            w.missing(Design::Blocking),
            [
                Witness::RelistBlocked,
                Witness::GateClosed,
                Witness::DrainedMidRelist
            ]
        );
        assert_eq!(
            w.missing(Design::UngatedDrain),
            [Witness::RelistBlocked, Witness::DrainedMidRelist]
        );
        let mut total = Witnesses::none(Counted::Executions);
        total += &w;
        total += &w;
        assert_eq!(
            (total[Witness::ChannelFull], total[Witness::Discard]),
            (6, 2)
        );
    }
}
