//! A refuted obligation, answered by the explicit checker: is the solver's counterexample a
//! state the machine really reaches (the law or theorem is false), or only one the invariant
//! fails to exclude (the invariant is too weak there)?
//!
//! The solver's model may have any size, so the obligation is asked again with the sizes held
//! small (capacity ≤ 4, pods ≤ 3, changes and relists ≤ 3, threshold ≤ 1, and `PK` exactly
//! `P·K`); the unreduced machine is then searched at those sizes for a reachable state (or edge)
//! that refutes the obligation under the same abstraction the proof is about.

use crate::explicit::reachable;
use pleg_core::{Design, Gate, MapOrder, Scenario, Timing, VerdictKind};
use pleg_explicit::pods::Pods;
use pleg_explicit::pods::State;
use pleg_explicit::StateMachine;
use pleg_symbolic::model::{abstraction, valuation, Param};
use pleg_symbolic::term::{all, any, not, Env, Prop};
use pleg_symbolic::theorems::Obligation;
use serde::Serialize;
use std::collections::HashSet;

/// What the explicit checker says of a counterexample.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "finding")]
pub enum Finding {
    /// The machine reaches the counterexample's state (or, for a boundary, does not reach the
    /// failure the law claims): the claim is false at these sizes.
    Reachable { scenario: Scenario },
    /// The machine never reaches it at these sizes: the invariant is too weak there.
    Unreachable { scenario: Scenario },
    /// No counterexample exists at small sizes (capacity ≤ 4, pods ≤ 3, changes and relists
    /// ≤ 3, threshold ≤ 1).
    NoSmallOne,
}

/// The sizes the explicit checker can answer at once.
pub fn small_sizes(design: Design) -> Prop {
    let (c, p, k, pk) = (
        Param::C.term(),
        Param::P.term(),
        Param::K.term(),
        Param::PK.term(),
    );
    let factor = design.capacity_factor() as i64;
    let capacity = any((1..=4).map(|cap| c.clone().eq(cap * factor)));
    let product = any(
        itertools::iproduct!(1..=3i64, 1..=3i64).map(|(pods, changes)| {
            all([
                p.clone().eq(pods),
                k.clone().eq(changes),
                pk.clone().eq(pods * changes),
            ])
        }),
    );
    let (r, t) = (Param::R.term(), Param::T.term());
    all([capacity, product, r.le(3), t.le(1)])
}

/// The scenario a small counterexample's parameters describe (the resync changes no move of the
/// machine; it is left out where the claim is about lost updates, so the label says so).
pub fn scenario_of(design: Design, values: &Env, resync: bool) -> Scenario {
    let factor = design.capacity_factor() as i64;
    Scenario {
        design,
        capacity: (values["C"] / factor) as usize,
        pods: values["P"] as u32,
        relists: values["R"] as u32,
        changes: Some(values["K"] as u32),
        threshold: values["T"] as u32,
        resync,
        gate: Gate::Wait,
        map_order: MapOrder::Go,
        timing: Timing::Anytime,
    }
}

/// Answers a small counterexample (`values`) of `ob`; `kind`: the failure of the law whose
/// boundary `ob` is, if it is one.
pub fn answer(ob: &Obligation, values: &Env, kind: Option<VerdictKind>) -> Finding {
    let lost_update = kind == Some(VerdictKind::LostUpdate) || ob.design == Design::RecordAfterSend;
    let scenario = scenario_of(ob.design, values, !lost_update);
    if ob.step == "boundary" {
        let reaches = kind.is_some_and(|k| {
            reachable(&scenario, false).is_ok_and(|failures| failures.contains(&k))
        });
        return if reaches {
            Finding::Unreachable { scenario }
        } else {
            Finding::Reachable { scenario }
        };
    }
    if reaches_counterexample(&scenario, ob, values) {
        Finding::Reachable { scenario }
    } else {
        Finding::Unreachable { scenario }
    }
}

/// Whether the unreduced machine of `scenario` has a reachable state (or, for a move's
/// obligation, a reachable edge) whose image, for some marked pod, refutes `ob` at the
/// parameters in `values`.
fn reaches_counterexample(scenario: &Scenario, ob: &Obligation, values: &Env) -> bool {
    let refutes = all(ob.hypotheses.iter().cloned().chain([not(ob.goal.clone())]));
    let params: Env = Param::ALL
        .iter()
        .map(|p| (p.name().to_owned(), values[p.name()]))
        .collect();
    let pods = Pods::new(scenario);
    let marked = 0..scenario.pods as usize;
    let refuted_at = |from: &State, to: Option<&State>| {
        marked.clone().any(|m| {
            let mut env = valuation(&abstraction(scenario, from, m), false);
            if let Some(to) = to {
                env.extend(valuation(&abstraction(scenario, to, m), true));
            }
            env.extend(params.clone());
            refutes.holds(&env)
        })
    };
    let moves = !matches!(ob.step.as_str(), "init" | "safe");
    let mut seen = HashSet::from([pods.initial()]);
    let (mut todo, mut out) = (vec![pods.initial()], Vec::new());
    while let Some(st) = todo.pop() {
        if !moves && refuted_at(&st, None) {
            return true;
        }
        pods.successors(&st, &mut out);
        for (_, next) in out.drain(..) {
            if moves && refuted_at(&st, Some(&next)) {
                return true;
            }
            if seen.insert(next.clone()) {
                todo.push(next);
            }
        }
    }
    false
}
