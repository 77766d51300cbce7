//! The design space: every design checked for the circular wait, other stalls, lost updates
//! and convergence, each cell backed by an exploration.
//!
//! Each design is explored at one table scenario ([`Scenario::table`]: capacity 1, three pods
//! that each change once, two relists, threshold 0) twice — without and with the periodic
//! resync — exhaustively by the explicit checker, and cross-checked by loom at the given
//! preemption bound and by shuttle PCT: both must reach the same verdicts, or the row says so.
//! Then bursts of 1, 2, 3, 4 events into capacity 1 find the smallest that stalls.

use crate::{check, CheckError, Checker, Report, Verdict, DEFAULT_PCT_DEPTH, DEFAULT_SHUTTLE_SEED};
use pleg_core::{Design, Named, Scenario, Witness};

/// The largest burst tried when looking for the smallest one that stalls.
pub const MAX_BURST: u32 = 4;

/// One row of the design-space table.
#[derive(Debug, Clone)]
pub struct Row {
    pub design: Design,
    /// The explicit checker's report without the resync, and with it.
    pub without_resync: Report,
    pub with_resync: Report,
    /// Whether loom reached the same verdicts (without, with).
    pub loom_agrees: (bool, bool),
    /// Whether shuttle PCT reached the same verdicts (without, with).
    pub shuttle_agrees: (bool, bool),
    /// The smallest burst into capacity 1 that stalls, within [`MAX_BURST`].
    pub smallest_stalling_burst: Option<u32>,
}

impl Row {
    /// Some exploration found the circular wait (or its livelock form).
    pub fn circular_wait(&self) -> bool {
        self.reports()
            .any(|r| matches!(r.verdict, Verdict::Deadlock(_) | Verdict::Livelock(_)))
    }

    /// Some exploration found a stall of another shape.
    pub fn other_stall(&self) -> Option<&'static str> {
        self.reports().find_map(|r| match r.verdict {
            Verdict::GatedStall(_) | Verdict::OtherDeadlock(_) => Some(r.verdict.kind().name()),
            _ => None,
        })
    }

    /// Without the resync, a pod ended out of date. `None`: a stall came first.
    pub fn lost_update(&self) -> Option<bool> {
        match self.without_resync.verdict {
            Verdict::LostUpdate(_) => Some(true),
            Verdict::Holds => Some(false),
            _ => None,
        }
    }

    pub fn discards_possible(&self) -> bool {
        self.reports().any(|r| r.witnesses[Witness::Discard] > 0)
    }

    /// Every execution ended with every pod converged (`None`: a stall came first).
    pub fn converges(&self, resync: bool) -> Option<bool> {
        let report = if resync {
            &self.with_resync
        } else {
            &self.without_resync
        };
        match report.verdict {
            Verdict::Holds => Some(true),
            Verdict::LostUpdate(_) => Some(false),
            _ => None,
        }
    }

    fn reports(&self) -> impl Iterator<Item = &Report> {
        [&self.without_resync, &self.with_resync].into_iter()
    }
}

/// Explores every design. `loom_bound` is loom's preemption bound; `pct_iterations` the shuttle
/// cross-check's budget.
pub fn explore(loom_bound: Option<usize>, pct_iterations: usize) -> Result<Vec<Row>, CheckError> {
    let explicit = Checker::Explicit { reduced: true };
    let loom = Checker::Loom {
        preemption_bound: loom_bound,
    };
    let pct = Checker::ShuttlePct {
        iterations: pct_iterations,
        depth: DEFAULT_PCT_DEPTH,
        seed: DEFAULT_SHUTTLE_SEED,
    };
    Design::ALL
        .iter()
        .map(|&design| {
            let explore = |resync| -> Result<(Report, bool, bool), CheckError> {
                let scenario = Scenario::table(design, resync);
                let exhaustive = check(&scenario, &explicit)?;
                let kind = exhaustive.verdict.kind();
                let by_loom = check(&scenario, &loom)?.verdict.kind() == kind;
                let by_pct = check(&scenario, &pct)?.verdict.kind() == kind;
                Ok((exhaustive, by_loom, by_pct))
            };
            let (without_resync, loom_without, pct_without) = explore(false)?;
            let (with_resync, loom_with, pct_with) = explore(true)?;
            Ok(Row {
                design,
                without_resync,
                with_resync,
                loom_agrees: (loom_without, loom_with),
                shuttle_agrees: (pct_without, pct_with),
                smallest_stalling_burst: smallest_stalling_burst(design, &explicit)?,
            })
        })
        .collect()
}

fn smallest_stalling_burst(design: Design, checker: &Checker) -> Result<Option<u32>, CheckError> {
    for burst in 1..=MAX_BURST {
        let scenario = Scenario {
            pods: burst,
            relists: 1,
            ..Scenario::table(design, true)
        };
        if check(&scenario, checker)?.verdict.is_stall() {
            return Ok(Some(burst));
        }
    }
    Ok(None)
}
