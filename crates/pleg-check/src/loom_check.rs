//! The scenario under loom: every interleaving within a preemption bound, for every map order.
//!
//! loom explores schedules, not data, so Go's map order ([`MapOrder::Go`]) is enumerated here,
//! outside loom: one loom model per assignment of visiting orders to relists. Relist 1's order
//! is fixed to pod order — every pod is in the same state before the first relist, so by
//! symmetry any first order reaches the same verdicts — and so is the order of every relist in
//! which at most one pod can change. The counts reported are summed over the orders.
//!
//! loom reports a stall as a panic (`deadlock; threads = [...]`) from inside the failing
//! execution; the recorder still holds that execution's trace after the unwind. The recorder and
//! the scenario's shared state live in std `Arc`s: a `loom::sync::Arc` dropped during the
//! deadlock unwind panics again and aborts the whole process.

use crate::quiet::catch_quietly;
use crate::verdict::Stop;
use crate::{CheckError, Progress, Run};
use pleg_core::{Gate, MapOrder, Recorder, Scenario, Witnesses};
use pleg_kubelet::runtime::Loom;
use pleg_kubelet::Orders;
use std::sync::Arc;

/// The preemption bound used when neither the caller nor `LOOM_MAX_PREEMPTIONS` names one.
///
/// Cost on the 2-core reference machine, release build: with Go's map order loom runs one
/// exploration per order, so drop-when-full at capacity 2, 3 events, 2 relists explores 6 ×
/// 1,214 executions at bound 2 in about half a second — and 6 × 21,643 at bound 3 in about ten
/// seconds. Each extra preemption multiplies the executions by roughly 5–20. Every failure the
/// laws predict on the small grid is found at bound 1 or less; the explicit checker, with no
/// bound at all, carries the exhaustive claims.
pub const DEFAULT_LOOM_PREEMPTION_BOUND: usize = 2;

/// The most map-order assignments one loom check enumerates; beyond it the check is refused.
const MAX_ORDERS: usize = 720;

/// The bound to use: `LOOM_MAX_PREEMPTIONS` if set (`none` for unbounded), else the default.
/// `Err` names the bad value — of this or of any other numeric LOOM_* variable, which loom
/// itself would otherwise reject with a panic.
pub fn loom_preemption_bound() -> Result<Option<usize>, String> {
    for name in [
        "LOOM_MAX_BRANCHES",
        "LOOM_MAX_DURATION",
        "LOOM_MAX_PERMUTATIONS",
        "LOOM_CHECKPOINT_INTERVAL",
    ] {
        if let Ok(v) = std::env::var(name) {
            v.parse::<u64>()
                .map_err(|_| format!("{name}={v:?} is not a whole number"))?;
        }
    }
    match std::env::var("LOOM_MAX_PREEMPTIONS") {
        Err(_) => Ok(Some(DEFAULT_LOOM_PREEMPTION_BOUND)),
        Ok(v) if v == "none" => Ok(None),
        Ok(v) => v
            .parse()
            .map(Some)
            .map_err(|_| format!("LOOM_MAX_PREEMPTIONS={v:?} is not a whole number or 'none'")),
    }
}

/// Explores `scenario` within `preemption_bound` for every map order. A failure is then
/// searched for again at bounds 0, 1, 2, … (every order at each bound) so the counterexample
/// reported is one with the fewest preemptions; the counts reported stay those of the
/// requested bound.
pub(crate) fn run(
    scenario: &Scenario,
    preemption_bound: Option<usize>,
    progress: &Progress,
) -> Result<Run, CheckError> {
    if scenario.gate == Gate::Retry {
        return Err(CheckError::Unsupported(
            "--gate retry spins for ever when stalled and loom needs executions that end: use \
             --checker explicit (exhaustive) or shuttle-random / shuttle-pct"
                .to_owned(),
        ));
    }
    let orders = map_orders(scenario)?;
    let mut total = Run {
        stop: None,
        explored: 0,
        witnesses: Witnesses::default(),
        last_execution: Default::default(),
        schedule: None,
        counterexample_bound: None,
    };
    for order in &orders {
        let run = run_at(scenario, order, preemption_bound, progress)?;
        total.explored += run.explored;
        add(&mut total.witnesses, &run.witnesses);
        total.last_execution = run.last_execution;
        if run.stop.is_some() {
            total.stop = run.stop;
            break;
        }
    }
    if total.stop.is_some() {
        total.counterexample_bound = preemption_bound;
        let smaller = (0..).take_while(|b| preemption_bound.is_none_or(|max| *b < max));
        'bounds: for bound in smaller {
            for order in &orders {
                let attempt = run_at(scenario, order, Some(bound), progress)?;
                if attempt.stop.is_some() {
                    total.stop = attempt.stop;
                    total.last_execution = attempt.last_execution;
                    total.counterexample_bound = Some(bound);
                    break 'bounds;
                }
            }
        }
    }
    Ok(total)
}

/// One loom model: every interleaving of the scenario with relists visiting pods in `orders`.
fn run_at(
    scenario: &Scenario,
    orders: &Orders,
    preemption_bound: Option<usize>,
    progress: &Progress,
) -> Result<Run, CheckError> {
    let recorder = Arc::new(Recorder::with_progress(progress.clone()));
    // `Builder::new` also reads loom's other LOOM_* variables; the bound is always ours.
    let mut builder = loom::model::Builder::new();
    builder.preemption_bound = preemption_bound;
    let (model_recorder, model_scenario, model_orders) =
        (Arc::clone(&recorder), *scenario, orders.clone());
    let failure = catch_quietly(move || {
        builder.check(move || {
            pleg_kubelet::run_in_order::<Loom>(
                &model_scenario,
                &model_recorder,
                model_orders.clone(),
            );
        })
    })
    .err();
    let stop = match failure {
        None => None,
        Some(m) if m.starts_with("deadlock") => Some(Stop::Deadlock(m)),
        Some(m) if m.starts_with("Model exceeded maximum number of branches") => {
            return Err(CheckError::TooLarge(format!(
                "loom cannot explore capacity {} with {} events per relist: an execution needs \
                 more than loom's {} branches (LOOM_MAX_BRANCHES); use --checker explicit \
                 (exhaustive at this size) or shuttle-pct",
                scenario.capacity,
                scenario.events_per_relist,
                loom::model::Builder::new().max_branches
            )))
        }
        Some(m) => Some(Stop::Panic(m)),
    };
    Ok(Run {
        stop,
        explored: recorder.executions(),
        witnesses: recorder.witnesses(),
        last_execution: recorder.last_execution(),
        schedule: None,
        counterexample_bound: None,
    })
}

/// Every assignment of visiting orders that can reach a different verdict (see the module doc).
fn map_orders(scenario: &Scenario) -> Result<Vec<Orders>, CheckError> {
    let pods = scenario.pods() as usize;
    let identity: Vec<u32> = (0..pods as u32).collect();
    // Relists in which two or more pods can change: a design that records after delivery
    // revisits its discarded pods in every later relist.
    let varying = if scenario.map_order == MapOrder::Fixed || pods < 2 {
        0
    } else if scenario.design.records_after_delivery() {
        scenario.relists - 1
    } else {
        scenario.changes().saturating_sub(1)
    };
    let permutations = permutations(pods.min(8));
    let count = (permutations.len() as u128).pow(varying);
    if pods > 8 || count > MAX_ORDERS as u128 {
        return Err(CheckError::TooLarge(format!(
            "loom would need one exploration per map order ({pods}! orders for each of \
             {varying} relists, more than {MAX_ORDERS}); use --checker explicit, which branches \
             on the order itself, or --map-order fixed"
        )));
    }
    let mut assignments = vec![vec![identity.clone()]];
    for _ in 0..varying {
        assignments = assignments
            .into_iter()
            .flat_map(|prefix| {
                permutations.iter().map(move |p| {
                    let mut next = prefix.clone();
                    next.push(p.clone());
                    next
                })
            })
            .collect();
    }
    Ok(assignments.into_iter().map(Orders::Given).collect())
}

/// Every ordering of `0..n`, as ranks, identity first.
fn permutations(n: usize) -> Vec<Vec<u32>> {
    let mut out = vec![Vec::new()];
    for k in 0..n as u32 {
        out = out
            .into_iter()
            .flat_map(|p| {
                (0..=p.len()).map(move |at| {
                    let mut q = p.clone();
                    q.insert(at, k);
                    q
                })
            })
            .collect();
    }
    out.sort();
    out
}

fn add(total: &mut Witnesses, more: &Witnesses) {
    total.channel_full += more.channel_full;
    total.relist_blocked += more.relist_blocked;
    total.discards += more.discards;
    total.gate_closed += more.gate_closed;
    total.drained_mid_relist += more.drained_mid_relist;
}

#[cfg(test)]
mod tests {
    use super::*;
    use pleg_core::Design;

    #[test]
    fn permutations_are_every_order_once_identity_first() {
        let p = permutations(3);
        assert_eq!(p.len(), 6);
        assert_eq!(p[0], vec![0, 1, 2]);
        let mut unique = p.clone();
        unique.dedup();
        assert_eq!(unique.len(), 6);
    }

    #[test]
    fn only_relists_where_two_pods_can_change_get_orders() {
        let one_change = Scenario {
            changes: Some(1),
            ..Scenario::small(Design::DropWhenFull)
        };
        assert_eq!(map_orders(&one_change).unwrap().len(), 1);
        let every_relist = Scenario::small(Design::DropWhenFull);
        assert_eq!(map_orders(&every_relist).unwrap().len(), 6);
        let after_send = Scenario {
            changes: Some(1),
            ..Scenario::small(Design::RecordAfterSend)
        };
        assert_eq!(map_orders(&after_send).unwrap().len(), 6);
        let fixed = Scenario {
            map_order: MapOrder::Fixed,
            ..every_relist
        };
        assert_eq!(
            map_orders(&fixed).unwrap(),
            vec![Orders::Given(vec![vec![0, 1, 2]])]
        );
    }
}
