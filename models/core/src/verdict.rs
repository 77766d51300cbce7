//! The kinds of verdict: the one vocabulary of failures, from the models' end states to the
//! reports. Which *detail* a verdict carries (the event relist is stuck on, the pod that was
//! lost) is read from a trace by the checkers; the kind is decided here, once.

crate::named! {
    /// The kind of a verdict: the one name used by `--expect`, the tables, the laws and JSON.
    /// Failures are listed most severe first: a stall hides any lost update a longer run
    /// might have shown.
    pub enum VerdictKind: "verdict" {
        /// No failure was reachable (within the checker's bounds).
        Holds = "holds",
        /// The circular wait of kubernetes#72482, with the wait gate.
        Deadlock = "deadlock",
        /// The circular wait with kubelet's own retry gate: syncLoop retries for ever.
        Livelock = "livelock",
        /// Evented PLEG's full-channel stall: nothing blocked, nothing drained.
        GatedStall = "gated-stall",
        /// Every thread stopped in some other shape.
        OtherDeadlock = "other-deadlock",
        /// A pod ends out of date.
        LostUpdate = "lost-update",
        /// An execution failed for another reason (a model assertion).
        Failed = "failed",
    }
}

impl VerdictKind {
    /// A stall of any shape: the system stops consuming events for good.
    pub fn is_stall(self) -> bool {
        matches!(
            self,
            VerdictKind::Deadlock
                | VerdictKind::Livelock
                | VerdictKind::GatedStall
                | VerdictKind::OtherDeadlock
        )
    }
}
