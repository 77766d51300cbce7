//! `pleg-spec prove`: every theorem proved for every size by SMT solvers, one row each — or the
//! obligation that failed, with the counterexample to induction in the model's words.

use crate::render;
use pleg_check::cti::Finding;
use pleg_check::prove::{prove, Answer, Outcome, Proof, Solver};
use pleg_core::{Design, Named};
use pleg_symbolic::model::STATE;
use pleg_symbolic::theorems::{all_theorems, Theorem};
use std::fmt::Write;
use std::path::Path;

/// The solvers on the PATH, among `wanted`; `Err` names the first missing one.
pub fn solvers(wanted: &[Solver]) -> Result<Vec<(Solver, String)>, String> {
    wanted
        .iter()
        .map(|&s| match s.version() {
            Some(v) => Ok((s, v)),
            None => Err(format!("{s} is not on the PATH: {}", s.how_to_get())),
        })
        .collect()
}

/// Proves every theorem with `solvers`.
pub fn run(solvers: &[(Solver, String)]) -> Result<Vec<Proof>, String> {
    let which: Vec<Solver> = solvers.iter().map(|&(s, _)| s).collect();
    prove(&all_theorems(), &which).map_err(|e| e.to_string())
}

/// One row per theorem, then the first failure of each theorem not proved.
pub fn table(proofs: &[Proof], solvers: &[(Solver, String)]) -> String {
    let mut t = render::new_table(&["theorem", "designs", "obligations", "seconds", "result"]);
    for p in proofs {
        t.add_row(vec![
            p.statement.to_owned(),
            designs(&p.designs),
            p.obligations.len().to_string(),
            format!("{:.2}", p.seconds),
            p.outcome.name().to_owned(),
        ]);
    }
    render::align_right(&mut t, &[2, 3]);
    let mut out = render::lines(&t);
    let versions: Vec<&str> = solvers.iter().map(|(_, v)| v.as_str()).collect();
    let _ = writeln!(
        out,
        "\nFor every capacity C ≥ 1, pods P ≥ 1, changes K ≥ 1, any number of relists and any \
         relistThreshold; an obligation counts as proved only if {} answer unsat.",
        versions.join(" and ")
    );
    for p in proofs.iter().filter(|p| p.outcome != Outcome::Proved) {
        out.push_str(&failure(p));
        out.push_str(&small(p));
    }
    out
}

/// The designs a theorem is about, named, or all of them in two words (the column stays narrow).
fn designs(names: &[String]) -> String {
    if names.len() == Design::ALL.len() {
        "every design".to_owned()
    } else {
        names.join(", ")
    }
}

/// What the explicit checker says of the first refutation, asked again at small sizes.
fn small(proof: &Proof) -> String {
    let Some(small) = &proof.small_counterexample else {
        return String::new();
    };
    let boundary = small.step == "boundary";
    let said = match (&small.finding, boundary) {
        (Finding::Reachable { scenario }, false) => format!(
            "the explicit checker reaches such a state at {scenario}: the claim is false there"
        ),
        (Finding::Reachable { scenario }, true) => format!(
            "the explicit checker does not reach the law's failure at {scenario}: the law \
             claims too much"
        ),
        (Finding::Unreachable { scenario }, false) => format!(
            "the explicit checker reaches no such state at {scenario}: the invariant is too \
             weak there; the claim may still hold"
        ),
        (Finding::Unreachable { scenario }, true) => format!(
            "the explicit checker reaches the law's failure at {scenario}: the witness needs \
             more than the failure does"
        ),
        (Finding::NoSmallOne, _) => {
            "no counterexample at capacity ≤ 4, pods ≤ 3, changes ≤ 3 to ask the explicit \
             checker about"
                .to_owned()
        }
    };
    let values: Vec<String> = small
        .values
        .iter()
        .map(|(n, v)| format!("{n}={v}"))
        .collect();
    format!(
        "  at small sizes ({}): {said}\n",
        if values.is_empty() {
            "none".to_owned()
        } else {
            values.join(" ")
        }
    )
}

/// The first obligation of `proof` not proved, explained.
fn failure(proof: &Proof) -> String {
    let Some(c) = proof.first_failure() else {
        return String::new();
    };
    let mut out = format!(
        "\n{}: not proved — {}, {}:\n",
        proof.statement, c.design, c.step
    );
    for (solver, answer) in &c.answers {
        match answer {
            Answer::Proved => {}
            Answer::Unknown { why } => {
                let _ = writeln!(out, "  {solver}: unknown ({why})");
            }
            Answer::Refuted { values } => {
                let what = if c.step == "boundary" {
                    "the law says the failure is reachable at these sizes, but its witness \
                     needs more"
                } else {
                    "a counterexample to induction: a state satisfying the invariant, and the \
                     move that leaves it"
                };
                let _ = writeln!(out, "  {solver}: refuted — {what}:");
                for (name, v) in values {
                    let meaning = STATE
                        .iter()
                        .find(|(n, _)| *n == name.trim_end_matches("_next"))
                        .map_or("", |(_, m)| *m);
                    let line = format!("    {name} = {v}  {meaning}");
                    let _ = writeln!(out, "{}", line.trim_end());
                }
            }
        }
    }
    out
}

/// Writes every obligation of every theorem as a standalone SMT-LIB file in `dir`; returns
/// the files written.
pub fn write_smt2(dir: &Path, theorems: &[Theorem]) -> Result<Vec<String>, String> {
    let mut files = Vec::new();
    for (i, t) in theorems.iter().enumerate() {
        for ob in t.obligations() {
            let step: String = ob
                .step
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
                .collect();
            let name = format!("t{}-{}-{step}.smt2", i + 1, ob.design);
            let path = dir.join(&name);
            std::fs::write(&path, ob.smt2(t.statement))
                .map_err(|e| format!("--smt2: cannot write {}: {e}", path.display()))?;
            files.push(path.display().to_string());
        }
    }
    Ok(files)
}
