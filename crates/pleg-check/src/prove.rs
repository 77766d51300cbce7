//! Proofs for every size: each theorem's obligations ([`pleg_symbolic::theorems`]) sent to SMT
//! solvers as separate processes (z3's and cvc5's command lines, driven through `easy-smt`).
//!
//! An obligation is proved when a solver answers `unsat` for its negation. `sat` refutes it,
//! and the solver's model — values of the parameters and of the state before and after the
//! move — is the counterexample to induction, reported as such. `unknown`, a crash or a missing
//! solver is never "proved": the theorem is then reported unknown. With two solvers, a theorem
//! is proved only if both prove every obligation.

use crate::cti::{answer, small_sizes, Finding};
use easy_smt::{Context, ContextBuilder, Response, SExpr};
use pleg_core::Named;
use pleg_symbolic::term::{Env, Int, Prop};
use pleg_symbolic::theorems::{Obligation, Theorem};
use serde::Serialize;
use std::process::Command;
use std::time::Instant;

pleg_core::named! {
    /// An SMT solver the proofs can use.
    pub enum Solver: "solver" {
        Z3 = "z3",
        Cvc5 = "cvc5",
    }
}

impl Solver {
    fn context(self) -> std::io::Result<Context> {
        let mut builder = ContextBuilder::new();
        match self {
            Solver::Z3 => builder.with_z3_defaults(),
            Solver::Cvc5 => builder.with_cvc5_defaults(),
        };
        builder.build()
    }

    /// `z3 4.8.12`, or `None` if the solver is not on the PATH.
    pub fn version(self) -> Option<String> {
        let out = Command::new(self.name()).arg("--version").output().ok()?;
        let text = String::from_utf8_lossy(&out.stdout);
        let version = text
            .split_whitespace()
            .find(|w| w.chars().next().is_some_and(|c| c.is_ascii_digit()))?;
        Some(format!("{} {version}", self.name()))
    }

    /// The line that says how to install it.
    pub fn how_to_get(self) -> &'static str {
        match self {
            Solver::Z3 => {
                "install z3 (Debian/Ubuntu: apt-get install z3; or pip install z3-solver)"
            }
            Solver::Cvc5 => "install cvc5 (Debian/Ubuntu: apt-get install cvc5)",
        }
    }
}

/// A solver's answer to one obligation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "answer")]
pub enum Answer {
    Proved,
    /// The obligation is false: the values that show it.
    Refuted {
        values: Vec<(String, i64)>,
    },
    Unknown {
        why: String,
    },
}

/// One obligation's answers, solver by solver.
#[derive(Debug, Clone, Serialize)]
pub struct Checked {
    pub design: String,
    pub step: String,
    pub answers: Vec<(Solver, Answer)>,
}

impl Checked {
    /// Proved iff every solver proved it.
    pub fn proved(&self) -> bool {
        self.answers.iter().all(|(_, a)| *a == Answer::Proved)
    }

    /// A refutation, if any solver found one.
    pub fn refutation(&self) -> Option<&Vec<(String, i64)>> {
        self.answers.iter().find_map(|(_, a)| match a {
            Answer::Refuted { values } => Some(values),
            _ => None,
        })
    }
}

pleg_core::named! {
    /// What the proof of one theorem came to.
    pub enum Outcome: "outcome" {
        Proved = "proved",
        Refuted = "refuted",
        Unknown = "unknown",
    }
}

/// One theorem's proof.
#[derive(Debug, Clone, Serialize)]
pub struct Proof {
    pub statement: &'static str,
    pub designs: Vec<String>,
    pub law: Option<&'static str>,
    pub obligations: Vec<Checked>,
    pub seconds: f64,
    pub outcome: Outcome,
    /// For a refuted theorem: its first refuted obligation asked again at small sizes, and
    /// what the explicit checker says of that counterexample.
    pub small_counterexample: Option<Small>,
}

/// A refuted obligation's counterexample at sizes the explicit checker answers.
#[derive(Debug, Clone, Serialize)]
pub struct Small {
    pub step: String,
    pub values: Vec<(String, i64)>,
    pub finding: Finding,
}

impl Proof {
    /// The first obligation not proved, if any.
    pub fn first_failure(&self) -> Option<&Checked> {
        self.obligations.iter().find(|c| !c.proved())
    }
}

/// Why the proofs could not start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoSolver(pub Solver);

impl std::fmt::Display for NoSolver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} is not on the PATH: {}", self.0, self.0.how_to_get())
    }
}

/// Proves every theorem with every solver in `solvers`.
pub fn prove(theorems: &[Theorem], solvers: &[Solver]) -> Result<Vec<Proof>, NoSolver> {
    let mut contexts = Vec::new();
    for &solver in solvers {
        solver.version().ok_or(NoSolver(solver))?;
        contexts.push((solver, solver.context().map_err(|_| NoSolver(solver))?));
    }
    Ok(theorems
        .iter()
        .map(|t| prove_one(t, &mut contexts))
        .collect())
}

fn prove_one(theorem: &Theorem, contexts: &mut [(Solver, Context)]) -> Proof {
    let start = Instant::now();
    let obligations: Vec<Checked> = theorem
        .obligations()
        .iter()
        .map(|ob| Checked {
            design: ob.design.to_string(),
            step: ob.step.clone(),
            answers: contexts
                .iter_mut()
                .map(|(solver, ctx)| (*solver, ask(ctx, ob)))
                .collect(),
        })
        .collect();
    let small = obligations
        .iter()
        .position(|c| c.refutation().is_some())
        .and_then(|i| small_counterexample(theorem, &theorem.obligations()[i], contexts));
    let outcome = if obligations.iter().all(Checked::proved) {
        Outcome::Proved
    } else if obligations.iter().any(|c| c.refutation().is_some()) {
        Outcome::Refuted
    } else {
        Outcome::Unknown
    };
    Proof {
        statement: theorem.statement,
        designs: theorem.designs.iter().map(|d| d.to_string()).collect(),
        law: theorem.law.map(|(law, _)| law.statement),
        obligations,
        seconds: start.elapsed().as_secs_f64(),
        outcome,
        small_counterexample: small,
    }
}

/// `ob` asked again at small sizes, and the explicit checker's answer to what comes back.
fn small_counterexample(
    theorem: &Theorem,
    ob: &Obligation,
    contexts: &mut [(Solver, Context)],
) -> Option<Small> {
    let (_, ctx) = contexts.first_mut()?;
    let mut small = ob.clone();
    small.hypotheses.push(small_sizes(ob.design));
    let kind = theorem.law.map(|(law, _)| law.kind);
    let finding = match ask(ctx, &small) {
        Answer::Refuted { values } => {
            let env: Env = values.iter().cloned().collect();
            let finding = answer(ob, &env, kind);
            return Some(Small {
                step: ob.step.clone(),
                values,
                finding,
            });
        }
        _ => Finding::NoSmallOne,
    };
    Some(Small {
        step: ob.step.clone(),
        values: Vec::new(),
        finding,
    })
}

/// One obligation, in a scope of its own.
fn ask(ctx: &mut Context, ob: &Obligation) -> Answer {
    match try_ask(ctx, ob) {
        Ok(answer) => answer,
        Err(e) => Answer::Unknown {
            why: format!("the solver failed: {e}"),
        },
    }
}

fn try_ask(ctx: &mut Context, ob: &Obligation) -> std::io::Result<Answer> {
    ctx.push()?;
    let vars = ob.vars();
    let mut consts = Vec::new();
    for v in &vars {
        let int = ctx.int_sort();
        consts.push(ctx.declare_const(v.as_str(), int)?);
    }
    for h in &ob.hypotheses {
        let e = sexpr(ctx, h);
        ctx.assert(e)?;
    }
    let goal = sexpr(ctx, &ob.goal);
    let negated = ctx.not(goal);
    ctx.assert(negated)?;
    let answer = match ctx.check()? {
        Response::Unsat => Answer::Proved,
        Response::Unknown => Answer::Unknown {
            why: "the solver answered unknown".into(),
        },
        Response::Sat => {
            let values = ctx.get_value(consts)?;
            let values = vars
                .iter()
                .zip(values)
                .map(|(name, (_, v))| (name.clone(), integer(ctx, v)))
                .collect();
            Answer::Refuted { values }
        }
    };
    ctx.pop()?;
    Ok(answer)
}

/// An integer the solver printed: `5` or `(- 5)`.
fn integer(ctx: &Context, v: SExpr) -> i64 {
    if let Some(n) = ctx.get_i64(v) {
        return n;
    }
    match ctx.get_list(v) {
        Some([minus, n]) if ctx.get_atom(*minus) == Some("-") => -ctx.get_i64(*n).unwrap_or(0),
        _ => 0,
    }
}

fn sexpr(ctx: &Context, p: &Prop) -> SExpr {
    let list = |op: &str, items: Vec<SExpr>| {
        let mut all = vec![ctx.atom(op)];
        all.extend(items);
        ctx.list(all)
    };
    match p {
        Prop::True => ctx.true_(),
        Prop::False => ctx.false_(),
        Prop::Le(a, b) => list("<=", vec![int(ctx, a), int(ctx, b)]),
        Prop::Eq(a, b) => list("=", vec![int(ctx, a), int(ctx, b)]),
        Prop::And(ps) => list(
            "and",
            ps.iter()
                .map(|q| sexpr(ctx, q))
                .chain([ctx.true_()])
                .collect(),
        ),
        Prop::Or(ps) => list(
            "or",
            ps.iter()
                .map(|q| sexpr(ctx, q))
                .chain([ctx.false_()])
                .collect(),
        ),
        Prop::Not(q) => list("not", vec![sexpr(ctx, q)]),
    }
}

fn int(ctx: &Context, t: &Int) -> SExpr {
    let list = |op: &str, items: Vec<SExpr>| {
        let mut all = vec![ctx.atom(op)];
        all.extend(items);
        ctx.list(all)
    };
    let lit = |v: i64| {
        let n = ctx.numeral(v.unsigned_abs());
        if v < 0 {
            list("-", vec![n])
        } else {
            n
        }
    };
    match t {
        Int::Lit(v) => lit(*v),
        Int::Var(name) => ctx.atom(name.as_str()),
        Int::Sum(ts) => list(
            "+",
            ts.iter().map(|x| int(ctx, x)).chain([lit(0)]).collect(),
        ),
        Int::Scale(k, x) => list("*", vec![lit(*k), int(ctx, x)]),
        Int::Ite(c, a, b) => ctx.ite(sexpr(ctx, c), int(ctx, a), int(ctx, b)),
    }
}
