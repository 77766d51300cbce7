//! The proofs for every size: every theorem proved by both solvers; a law's boundary moved by
//! one, or an invariant weakened, refuted with a counterexample.

use pleg_check::cti::Finding;
use pleg_check::prove::{prove, Outcome, Solver};
use pleg_core::laws::{Bound, LAWS};
use pleg_core::{Named, VerdictKind};
use pleg_symbolic::model::{now, queued, Param};
use pleg_symbolic::theorems::{all_theorems, ranked, theorems, Theorem};

/// Whether z3 and cvc5 are on the PATH; if not, says what was not run (CI installs both and
/// runs `ci/prove-check.sh`, which fails without them).
fn solvers_present(what: &str) -> bool {
    let missing: Vec<Solver> = Solver::ALL
        .iter()
        .copied()
        .filter(|s| s.version().is_none())
        .collect();
    for s in &missing {
        eprintln!(
            "NOT RUN: {what} — {s} is not on the PATH: {}",
            s.how_to_get()
        );
    }
    missing.is_empty()
}

#[test]
fn every_theorem_is_proved_by_both_solvers() {
    let obligations: usize = all_theorems().iter().map(|t| t.obligations().len()).sum();
    if !solvers_present(&format!("{obligations} obligations")) {
        return;
    }
    let proofs = prove(&all_theorems(), &[Solver::Z3, Solver::Cvc5]).expect("z3 and cvc5");
    for p in &proofs {
        if let Some(f) = p.first_failure() {
            panic!("{}: {} {} {:?}", p.statement, f.design, f.step, f.answers);
        }
        assert_eq!(p.outcome, Outcome::Proved);
    }
}

/// The theorems with one law's bound changed by `f`.
fn with_bound(kind: VerdictKind, f: impl Fn(Bound) -> Bound) -> Vec<Theorem> {
    theorems(|k, design| {
        let law = *LAWS
            .iter()
            .find(|l| l.kind == k && l.statement.contains(design.name()))
            .unwrap();
        let bound = if k == kind { f(law.bound) } else { law.bound };
        (law, bound)
    })
}

fn shift(bound: Bound, by: i64) -> Bound {
    match bound {
        Bound::Linear {
            per_pod_change,
            per_change,
            constant,
        } => Bound::Linear {
            per_pod_change,
            per_change,
            constant: constant + by,
        },
        other => other,
    }
}

/// The first refuted obligation of the theorem about `kind`'s law: its step, and what the
/// explicit checker says of its counterexample at small sizes.
fn refuted(theorems: &[Theorem], kind: VerdictKind) -> (String, Finding) {
    refuted_where(theorems, |t| t.law.is_some_and(|(l, _)| l.kind == kind))
}

/// [`refuted`], of the theorem `pick` chooses.
fn refuted_where(theorems: &[Theorem], pick: impl Fn(&Theorem) -> bool) -> (String, Finding) {
    let proofs = prove(theorems, &[Solver::Z3]).expect("z3");
    let proof = proofs
        .iter()
        .zip(theorems)
        .find(|(_, t)| pick(t))
        .unwrap()
        .0;
    assert_eq!(proof.outcome, Outcome::Refuted, "{}", proof.statement);
    let failure = proof.first_failure().unwrap();
    assert!(failure.refutation().is_some());
    let small = proof
        .small_counterexample
        .clone()
        .expect("asked at small sizes");
    assert_eq!(small.step, failure.step);
    (failure.step.clone(), small.finding)
}

/// Claiming the failure one capacity too high (`P·K ≥ C` for blocking) breaks the boundary:
/// no witness exists there. Claiming it one too low breaks the induction.
#[test]
fn a_law_moved_by_one_is_refuted_on_the_side_it_moved_to() {
    if !solvers_present("the moved laws") {
        return;
    }
    for kind in [
        VerdictKind::Deadlock,
        VerdictKind::Livelock,
        VerdictKind::GatedStall,
        VerdictKind::LostUpdate,
    ] {
        // Claiming the failure where the machine does not reach it: the boundary is refuted,
        // and the explicit checker confirms the failure is not reachable there.
        let (up, finding) = refuted(&with_bound(kind, |b| shift(b, 1)), kind);
        assert_eq!(up, "boundary", "{kind:?} moved up");
        assert!(
            matches!(finding, Finding::Reachable { .. }),
            "{kind:?} up: {finding:?}"
        );
        // Claiming it holds where it fails: the induction is refuted by a state the machine
        // really reaches.
        let (down, finding) = refuted(&with_bound(kind, |b| shift(b, -1)), kind);
        assert_ne!(down, "boundary", "{kind:?} moved down");
        assert!(
            matches!(finding, Finding::Reachable { .. }),
            "{kind:?} down: {finding:?}"
        );
    }
}

/// Dropping the lost-update theorem's own conjunct leaves an invariant too weak to be
/// inductive: refuted, with the counterexample's values.
#[test]
fn a_weakened_invariant_is_refuted_with_a_counterexample_to_induction() {
    if !solvers_present("the weakened invariant") {
        return;
    }
    let mut theorems = all_theorems();
    let lost = theorems
        .iter_mut()
        .find(|t| {
            t.law
                .is_some_and(|(l, _)| l.kind == VerdictKind::LostUpdate)
        })
        .unwrap();
    lost.key.clear();
    let (step, finding) = refuted(&theorems, VerdictKind::LostUpdate);
    assert!(step == "safe" || step.starts_with("visit"), "{step}");
    assert!(
        matches!(finding, Finding::Unreachable { .. }),
        "{step}: {finding:?}"
    );
}

/// The ranking function's obligations can fail, every way. A rank that forgets the event relist
/// holds does not fall when the blocked send goes through — a move the machine really makes; one
/// that counts the channel's free slots rises when syncLoop takes an event — a move of another
/// actor undoing relist's progress; without the conjunct that a relist visits each pod at most
/// once, the rank is not bounded below — by states the machine never reaches.
#[test]
fn a_rank_a_move_does_not_lower_or_an_unbounded_one_is_refuted() {
    if !solvers_present("the broken ranking functions") {
        return;
    }
    let is_ranking = |t: &Theorem| t.ranking.is_some();
    let mut theorems = all_theorems();
    let ranking = theorems.iter_mut().find(|t| is_ranking(t)).unwrap();
    let rank = Param::P.term().minus(now("vm").plus(now("vo")));
    ranking.ranking.as_mut().unwrap().rank = rank;
    let (step, finding) = refuted_where(&theorems, is_ranking);
    assert_eq!(step, ranked(pleg_symbolic::model::Action::Send));
    assert!(matches!(finding, Finding::Reachable { .. }), "{finding:?}");

    let mut theorems = all_theorems();
    let ranking = theorems.iter_mut().find(|t| is_ranking(t)).unwrap();
    let ranking = ranking.ranking.as_mut().unwrap();
    let free = Param::C.term().minus(queued(now));
    ranking.rank = ranking.rank.clone().plus(free);
    let (step, finding) = refuted_where(&theorems, is_ranking);
    assert!(step.starts_with("keeps the rank: syncLoop takes"), "{step}");
    assert!(matches!(finding, Finding::Reachable { .. }), "{finding:?}");

    let mut theorems = all_theorems();
    theorems
        .iter_mut()
        .find(|t| is_ranking(t))
        .unwrap()
        .key
        .clear();
    let (step, finding) = refuted_where(&theorems, is_ranking);
    assert_eq!(step, "safe");
    assert!(
        matches!(finding, Finding::Unreachable { .. }),
        "{finding:?}"
    );
}
