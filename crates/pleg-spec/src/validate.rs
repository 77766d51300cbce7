//! The one validation layer between the parsed command line and the checkers: options that do
//! not apply to the chosen command or checker are refused by name, and what runs is planned
//! here — so the fuzzer (`tests/fuzz.rs`) can drive every refusal without running a check.

use crate::args::Bound;
use crate::cli::{CheckArgs, DEFAULT_ITERATIONS};
use pleg_check::suite::Claim;
use pleg_check::{
    loom_preemption_bound, CheckError, Checker, CheckerKind, VerdictKind, DEFAULT_PCT_DEPTH,
    DEFAULT_SHUTTLE_SEED,
};
use pleg_core::laws;

/// What `check` runs: one configuration's claim (with what the laws expect of it), or `None`
/// for the suite.
pub fn plan_check(
    args: &CheckArgs,
    loom_bound: Option<usize>,
) -> Result<Option<(Option<VerdictKind>, Claim)>, String> {
    match (args.scenario.design, args.checker) {
        (None, None) => refuse_in_suite(args).map(|()| None),
        (Some(_), Some(kind)) => single_claim(args, kind, loom_bound).map(Some),
        _ => Err("--design and --checker go together (or give neither for the suite)".into()),
    }
}

/// loom's preemption bound: the option's, else `LOOM_MAX_PREEMPTIONS`'s, else the default.
pub fn loom_bound(given: Option<Bound>) -> Result<Option<usize>, String> {
    match given {
        Some(Bound(b)) => Ok(b),
        None => loom_preemption_bound(),
    }
}

/// The options that belong to one checker each, refused by name with any other.
pub fn refuse_foreign_options(args: &CheckArgs, kind: CheckerKind) -> Result<(), String> {
    let shuttle = matches!(kind, CheckerKind::ShuttleRandom | CheckerKind::ShuttlePct);
    let given = [
        (
            "--unreduced",
            args.unreduced,
            kind == CheckerKind::Explicit,
            "explicit",
        ),
        (
            "--threads",
            args.threads.is_some(),
            kind == CheckerKind::Explicit,
            "explicit",
        ),
        (
            "--preemption-bound",
            args.preemption_bound.is_some(),
            kind == CheckerKind::Loom,
            "loom",
        ),
        (
            "--iterations",
            args.iterations.is_some(),
            shuttle,
            "shuttle-random and shuttle-pct",
        ),
        (
            "--seed",
            args.seed.is_some(),
            shuttle,
            "shuttle-random and shuttle-pct",
        ),
        (
            "--depth",
            args.depth.is_some(),
            kind == CheckerKind::ShuttlePct,
            "shuttle-pct",
        ),
    ];
    match given
        .iter()
        .find(|(_, given, applies, _)| *given && !applies)
    {
        Some((flag, _, _, owner)) => Err(format!(
            "{flag} does not apply to --checker {kind}: it goes with {owner}"
        )),
        None => Ok(()),
    }
}

/// The suite runs its own claims: options that describe one configuration are refused.
pub fn refuse_in_suite(args: &CheckArgs) -> Result<(), String> {
    let one_configuration = [
        ("--expect", args.expect.is_some()),
        ("--unreduced", args.unreduced),
        ("--iterations", args.iterations.is_some()),
        ("--seed", args.seed.is_some()),
        ("--depth", args.depth.is_some()),
    ];
    match one_configuration.iter().find(|(_, given)| *given) {
        Some((flag, _)) => Err(format!(
            "{flag} applies to one configuration (--design and --checker); the suite judges \
             each of its claims by the laws"
        )),
        None => Ok(()),
    }
}

/// One configuration's claim, with what the laws expect of it (`None`: no law speaks of it).
pub fn single_claim(
    args: &CheckArgs,
    kind: CheckerKind,
    loom_bound: Option<usize>,
) -> Result<(Option<VerdictKind>, Claim), String> {
    let scenario = args.scenario.scenario("check")?;
    refuse_foreign_options(args, kind)?;
    let iterations = usize::try_from(args.iterations.unwrap_or(DEFAULT_ITERATIONS))
        .map_err(|_| "too many iterations")?;
    let seed = args.seed.unwrap_or(DEFAULT_SHUTTLE_SEED);
    let checker = match kind {
        CheckerKind::Loom => Checker::Loom {
            preemption_bound: loom_bound,
        },
        CheckerKind::ShuttleRandom => Checker::ShuttleRandom { iterations, seed },
        CheckerKind::ShuttlePct => Checker::ShuttlePct {
            iterations,
            depth: usize::try_from(args.depth.unwrap_or(DEFAULT_PCT_DEPTH as u64))
                .map_err(|_| "depth too large")?,
            seed,
        },
        CheckerKind::Explicit => Checker::Explicit {
            reduced: !args.unreduced,
        },
        CheckerKind::Replay => {
            return Err(CheckError::Unsupported(
                "a counterexample is replayed with `pleg-spec replay --schedule …` or \
                 `--path …`"
                    .to_owned(),
            )
            .to_string())
        }
    };
    let by_law = laws::expected(&scenario);
    let expect = args.expect.or(by_law);
    let claim = Claim {
        scenario,
        checker,
        // Unjudged without --expect; a scenario no law speaks of is shown as such.
        expect: expect.unwrap_or(VerdictKind::Holds),
    };
    Ok((expect, claim))
}
