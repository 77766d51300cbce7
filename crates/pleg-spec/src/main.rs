//! `pleg-spec`: checks every PLEG channel design and prints the verdicts.
//!
//! With no arguments (`cargo run --release`) it runs the default suite. Exit status: 0 when
//! every claim is confirmed (or, for one configuration, when `--expect` agrees), 1 when a claim
//! is refuted, 2 on bad input or a size the chosen checker cannot explore — always with one
//! line on stderr, never a panic.

mod args;
mod designs_view;
mod hush;
mod laws_view;
mod play;
mod progress;
mod prove_view;
mod render;
mod svg;

use args::{by_name, parse_bound, Bound, ScenarioArgs};
use clap::{Parser, Subcommand};
use pleg_check::confirm::Grid;
use pleg_check::prove::{Outcome, Solver};
use pleg_check::suite::{self, Claim};
use pleg_check::{
    check, check_with_progress, loom_preemption_bound, CheckError, Checker, CheckerKind, Schedule,
    VerdictKind, DEFAULT_PCT_DEPTH, DEFAULT_SHUTTLE_SEED,
};
use pleg_core::{laws, Design, Named, Scenario, Timing};
use render::Judged;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::AtomicU64;
use std::sync::Arc;

#[derive(Parser, Debug)]
#[command(
    name = "pleg-spec",
    version,
    about = "Model-checks the kubelet PLEG relist/syncLoop circular wait (kubernetes#72482)."
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Check the default suite, or one configuration with --design and --checker.
    Check(CheckArgs),
    /// Replay a shuttle schedule printed by `check` and tell its story again.
    Replay(ReplayArgs),
    /// How loom's state space grows: executions and seconds for the fix over a grid of bounds.
    Scale(ScaleArgs),
    /// The design space: every design x {circular wait, other stall, lost update, discards,
    /// converges}, each cell from an exploration.
    Designs(DesignsArgs),
    /// The closed forms of every verdict's boundary, confirmed on every cell of a grid by
    /// exhaustive search (exit 1 if any cell disagrees).
    Laws(LawsArgs),
    /// Prove every theorem for every size with SMT solvers (z3 and cvc5 on the PATH): an
    /// inductive invariant per theorem, checked for every capacity, pod count, number of
    /// changes and relists, and threshold (exit 1 unless every obligation is proved).
    Prove(ProveArgs),
    /// Write the learner's page — be the scheduler, hang kubelet — as one self-contained HTML
    /// file (opens from disk, no network), and serve it if asked.
    Play(PlayArgs),
}

#[derive(clap::Args, Debug)]
struct ProveArgs {
    /// Use only this solver (default: both z3 and cvc5, each obligation proved by each).
    #[arg(long, value_parser = by_name::<Solver>())]
    solver: Option<Solver>,
    /// Print JSON on stdout instead of the table.
    #[arg(long)]
    json: bool,
    /// Also write every obligation to this directory as a standalone SMT-LIB file, which
    /// `z3 FILE` answers by itself (unsat: proved).
    #[arg(long, value_name = "DIR")]
    smt2: Option<PathBuf>,
}

#[derive(clap::Args, Debug)]
struct PlayArgs {
    /// Where to write the page.
    #[arg(long, value_name = "FILE", default_value = "play.html")]
    out: PathBuf,
    /// Also serve the page on 127.0.0.1 (and print the address) until stopped.
    #[arg(long)]
    serve: bool,
    /// The port to serve on (0: any free port).
    #[arg(long, default_value_t = 0)]
    port: u16,
}

#[derive(clap::Args, Debug)]
struct LawsArgs {
    /// Capacities of the grid.
    #[arg(long, value_delimiter = ',', default_values_t = Grid::default().capacities, value_parser = args::parse_capacity)]
    capacities: Vec<usize>,
    /// Pod counts of the grid.
    #[arg(long, value_delimiter = ',', default_values_t = Grid::default().pods, value_parser = clap::value_parser!(u32).range(1..=64))]
    pods: Vec<u32>,
    /// Relist counts of the grid.
    #[arg(long, value_delimiter = ',', default_values_t = Grid::default().relists, value_parser = clap::value_parser!(u32).range(1..=6))]
    relists: Vec<u32>,
    /// Changes per pod: numbers from 1 to 6, or `every` (once per relist).
    #[arg(long, value_delimiter = ',', default_values_t = Grid::default().changes.into_iter().map(Changes), value_parser = parse_changes)]
    changes: Vec<Changes>,
    /// relistThresholds of the grid.
    #[arg(long, value_delimiter = ',', default_values_t = Grid::default().thresholds, value_parser = clap::value_parser!(u32).range(0..=8))]
    thresholds: Vec<u32>,
    /// When pods change, in the grid's cells.
    #[arg(long, value_delimiter = ',', default_values_t = Grid::default().timings, value_parser = by_name::<Timing>())]
    timings: Vec<Timing>,
    /// Print JSON on stdout instead of the tables.
    #[arg(long)]
    json: bool,
}

/// A grid's changes per pod, as the command line spells them.
#[derive(Debug, Clone, Copy)]
struct Changes(Option<u32>);

impl std::fmt::Display for Changes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            None => f.write_str("every"),
            Some(k) => write!(f, "{k}"),
        }
    }
}

fn parse_changes(s: &str) -> Result<Changes, String> {
    match s {
        "every" => Ok(Changes(None)),
        n => n
            .parse::<u32>()
            .ok()
            .filter(|&k| (1..=6).contains(&k))
            .map(|k| Changes(Some(k)))
            .ok_or_else(|| {
                format!("expected 'every' or a number of changes from 1 to 6, not '{n}'")
            }),
    }
}

#[derive(clap::Args, Debug)]
struct DesignsArgs {
    /// loom's preemption bound, or `none` [default: LOOM_MAX_PREEMPTIONS, else 3].
    #[arg(long, value_parser = parse_bound)]
    preemption_bound: Option<Bound>,
    /// Iterations of the shuttle PCT cross-check per cell.
    #[arg(long, default_value_t = 500, value_parser = clap::value_parser!(u64).range(1..))]
    iterations: u64,
    /// Print JSON on stdout instead of the table.
    #[arg(long)]
    json: bool,
}

#[derive(clap::Args, Debug)]
struct ScaleArgs {
    /// Capacities to try.
    #[arg(long, value_delimiter = ',', default_value = "1,2", value_parser = args::parse_capacity)]
    capacities: Vec<usize>,
    /// Events per relist to try.
    #[arg(long, value_delimiter = ',', default_value = "2,3")]
    events: Vec<u32>,
    /// Relist counts to try.
    #[arg(long, value_delimiter = ',', default_value = "1,2", value_parser = clap::value_parser!(u32).range(1..))]
    relists: Vec<u32>,
    /// Preemption bounds to try.
    #[arg(long, value_delimiter = ',', default_value = "1,2,3")]
    bounds: Vec<usize>,
    /// relistThreshold in ticks.
    #[arg(long, default_value_t = 0)]
    threshold: u32,
    /// Print JSON on stdout instead of the table.
    #[arg(long)]
    json: bool,
}

#[derive(clap::Args, Debug)]
struct OutputArgs {
    /// Print JSON on stdout instead of the table and story.
    #[arg(long)]
    json: bool,
    /// Write the first counterexample as an SVG sequence diagram to this file.
    #[arg(long, value_name = "FILE")]
    svg: Option<PathBuf>,
    /// Write a play page that opens at the first counterexample, step by step.
    #[arg(long, value_name = "FILE")]
    play: Option<PathBuf>,
}

#[derive(clap::Args, Debug)]
struct CheckArgs {
    #[command(flatten)]
    scenario: ScenarioArgs,
    /// The checker: explicit (exhaustive, no bound, kubelet's size), loom (exhaustive within
    /// a preemption bound), shuttle-random or shuttle-pct (sampling).
    #[arg(long, value_parser = by_name::<CheckerKind>())]
    checker: Option<CheckerKind>,
    /// explicit: search the unreduced model (every pod named, every tick; small sizes only).
    #[arg(long)]
    unreduced: bool,
    /// loom's preemption bound, or `none` [default: LOOM_MAX_PREEMPTIONS, else 3].
    #[arg(long, value_parser = parse_bound)]
    preemption_bound: Option<Bound>,
    /// shuttle iterations.
    #[arg(long, default_value_t = 1_000, value_parser = clap::value_parser!(u64).range(1..))]
    iterations: u64,
    /// shuttle seed.
    #[arg(long, default_value_t = DEFAULT_SHUTTLE_SEED)]
    seed: u64,
    /// PCT depth.
    #[arg(long, default_value_t = DEFAULT_PCT_DEPTH as u64, value_parser = clap::value_parser!(u64).range(1..))]
    depth: u64,
    /// Exit 1 unless the verdict is this (holds also requires the witnesses a non-vacuous
    /// "holds" needs). Without it, one configuration's verdict is reported, not judged.
    #[arg(long, value_parser = by_name::<VerdictKind>())]
    expect: Option<VerdictKind>,
    #[command(flatten)]
    output: OutputArgs,
}

#[derive(clap::Args, Debug)]
struct ReplayArgs {
    #[command(flatten)]
    scenario: ScenarioArgs,
    /// The schedule string `check` printed for a shuttle counterexample.
    #[arg(long, conflicts_with = "path", required_unless_present = "path")]
    schedule: Option<String>,
    /// The path `check --checker explicit` printed for its counterexample.
    #[arg(long)]
    path: Option<String>,
    #[command(flatten)]
    output: OutputArgs,
}

fn main() -> ExitCode {
    // No subcommand means `check` with every default: the README's `cargo run --release`.
    let mut argv: Vec<String> = std::env::args().collect();
    if argv.len() == 1 {
        argv.push("check".to_owned());
    }
    let cli = match Cli::try_parse_from(argv) {
        Ok(cli) => cli,
        Err(e) if !e.use_stderr() => {
            // --help and --version are not errors.
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
        Err(e) => return usage_error(first_line(&e.render().to_string())),
    };
    let result = match cli.command {
        Some(Command::Check(args)) => run_check(&args),
        Some(Command::Replay(args)) => run_replay(&args),
        Some(Command::Scale(args)) => run_scale(&args),
        Some(Command::Designs(args)) => run_designs(&args),
        Some(Command::Laws(args)) => run_laws(&args),
        Some(Command::Prove(args)) => run_prove(&args),
        Some(Command::Play(args)) => run_play(&args),
        None => Err("no command given (try `check` or `--help`)".to_owned()),
    };
    match result {
        Ok(code) => code,
        Err(message) => usage_error(&message),
    }
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or("invalid arguments")
}

fn usage_error(message: &str) -> ExitCode {
    let message = message.strip_prefix("error: ").unwrap_or(message);
    eprintln!("pleg-spec: {message}");
    ExitCode::from(2)
}

fn loom_bound(given: Option<Bound>) -> Result<Option<usize>, String> {
    match given {
        Some(Bound(b)) => Ok(b),
        None => loom_preemption_bound(),
    }
}

fn run_check(args: &CheckArgs) -> Result<ExitCode, String> {
    let loom_bound = loom_bound(args.preemption_bound)?;
    let single = match (args.scenario.design, args.checker) {
        (None, None) => None,
        (Some(_), Some(kind)) => Some(single_claim(args, kind, loom_bound)?),
        _ => {
            return Err("--design and --checker go together (or give neither for the suite)".into())
        }
    };
    // The suite judges every claim; one configuration is judged only against --expect.
    let suite = single.is_none();
    let judging = suite || args.expect.is_some();
    let claims = match single {
        Some(claim) => vec![claim],
        None => suite::default_claims(loom_bound)
            .into_iter()
            .map(|claim| (Some(claim.expect), claim))
            .collect(),
    };
    let show_progress = !args.output.json && std::io::stderr().is_terminal();
    let mut reports = Vec::new();
    for (_, claim) in &claims {
        let hush = hush::Hush::stderr();
        let counter = Arc::new(AtomicU64::new(0));
        let what = format!("{} under {}", claim.scenario.design, claim.checker);
        let terminal = show_progress.then(|| hush.real_stderr()).flatten();
        let _display = progress::Display::start(what, Arc::clone(&counter), terminal);
        let report = check_with_progress(&claim.scenario, &claim.checker, &Some(counter));
        reports.push(report.map_err(|e| e.to_string())?);
    }
    let judged: Vec<Judged<'_>> = claims
        .iter()
        .zip(&reports)
        .map(|((expect, claim), report)| Judged {
            report,
            expect: *expect,
            judgement: claim.judge(report),
            judging,
        })
        .collect();
    emit(&judged, &args.output)?;
    let mut refuted = judged.iter().any(|j| j.judging && j.judgement.is_err());
    if suite && !args.output.json {
        refuted |= !suite_proofs()?;
    }
    Ok(if refuted {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// The main job's proofs for every size: with every solver on the PATH (z3 at least), or one
/// line saying how to get z3. Whether every theorem was proved (or could not be tried).
fn suite_proofs() -> Result<bool, String> {
    let present: Vec<Solver> = Solver::ALL
        .iter()
        .copied()
        .filter(|s| s.version().is_some())
        .collect();
    if !present.contains(&Solver::Z3) {
        println!(
            "\nProofs for every size: not run — {}; then `pleg-spec prove`.",
            Solver::Z3.how_to_get()
        );
        return Ok(true);
    }
    let solvers = prove_view::solvers(&present)?;
    let proofs = prove_view::run(&solvers)?;
    println!("\nProved for every size (`pleg-spec prove`):\n");
    print!("{}", prove_view::table(&proofs, &solvers));
    Ok(proofs.iter().all(|p| p.outcome == Outcome::Proved))
}

fn run_prove(args: &ProveArgs) -> Result<ExitCode, String> {
    let wanted = match args.solver {
        Some(one) => vec![one],
        None => Solver::ALL.to_vec(),
    };
    if let Some(dir) = &args.smt2 {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("--smt2: cannot create {}: {e}", dir.display()))?;
    }
    let solvers = prove_view::solvers(&wanted)?;
    let proofs = prove_view::run(&solvers)?;
    if args.json {
        let json = serde_json::json!({
            "solvers": solvers.iter().map(|(_, v)| v).collect::<Vec<_>>(),
            "theorems": proofs,
        });
        println!(
            "{}",
            serde_json::to_string_pretty(&json).map_err(|e| e.to_string())?
        );
    } else {
        print!("{}", prove_view::table(&proofs, &solvers));
    }
    if let Some(dir) = &args.smt2 {
        let files = prove_view::write_smt2(dir, &pleg_symbolic::theorems::all_theorems())?;
        if !args.json {
            println!(
                "\nWrote {} obligations to {}; each is answered alone, e.g.: z3 {}",
                files.len(),
                dir.display(),
                files.first().map_or("", String::as_str)
            );
        }
    }
    let proved = proofs.iter().all(|p| p.outcome == Outcome::Proved);
    Ok(if proved {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn run_replay(args: &ReplayArgs) -> Result<ExitCode, String> {
    let scenario = args.scenario.scenario("replay")?;
    let schedule = match (&args.schedule, &args.path) {
        (Some(schedule), _) => Schedule::Shuttle(schedule.clone()),
        (None, Some(path)) => Schedule::Path(path.clone()),
        (None, None) => return Err("replay needs --schedule or --path".into()),
    };
    let checker = Checker::Replay { schedule };
    let report = {
        let _hush = hush::Hush::stderr();
        check(&scenario, &checker).map_err(|e| e.to_string())?
    };
    let expect = laws::expected(&scenario);
    let claim = Claim {
        scenario,
        checker,
        expect: expect.unwrap_or(report.verdict.kind()),
    };
    let judged = Judged {
        report: &report,
        expect,
        judgement: claim.judge(&report),
        judging: false,
    };
    emit(&[judged], &args.output)?;
    Ok(ExitCode::SUCCESS)
}

fn run_scale(args: &ScaleArgs) -> Result<ExitCode, String> {
    let mut rows = Vec::new();
    for &capacity in &args.capacities {
        for &pods in &args.events {
            for &relists in &args.relists {
                for &bound in &args.bounds {
                    let scenario = Scenario {
                        capacity,
                        pods,
                        relists,
                        threshold: args.threshold,
                        ..Scenario::smallest(Design::DropWhenFull)
                    };
                    let checker = Checker::Loom {
                        preemption_bound: Some(bound),
                    };
                    let report = {
                        let _hush = hush::Hush::stderr();
                        check(&scenario, &checker).map_err(|e| e.to_string())?
                    };
                    rows.push((bound, report));
                }
            }
        }
    }
    if args.json {
        println!("{}", render::scale_json(&rows));
    } else {
        print!("{}", render::scale_table(&rows));
    }
    Ok(ExitCode::SUCCESS)
}

/// Prints the results (table and story, or JSON) and writes the SVG if asked.
fn emit(judged: &[Judged<'_>], output: &OutputArgs) -> Result<(), String> {
    if output.json {
        println!("{}", render::json(judged));
    } else {
        print!("{}", render::table(judged));
    }
    if let Some(path) = &output.svg {
        let report = judged
            .iter()
            .map(|j| j.report)
            .find(|r| r.counterexample.is_some())
            .ok_or("--svg: no counterexample to draw (every check held)")?;
        std::fs::write(path, svg::render(report))
            .map_err(|e| format!("--svg: cannot write {}: {e}", path.display()))?;
    }
    if let Some(path) = &output.play {
        let report = judged
            .iter()
            .map(|j| j.report)
            .find(|r| r.counterexample.is_some())
            .ok_or("--play: no counterexample to load (every check held)")?;
        let start = play::path_of(report)?;
        let mut levels = vec![play::Level::from_counterexample(
            report.scenario,
            report.verdict.kind(),
        )];
        levels.extend(play::levels()?);
        let html = play::page(&levels, Some((0, start)))?;
        std::fs::write(path, html)
            .map_err(|e| format!("--play: cannot write {}: {e}", path.display()))?;
    }
    Ok(())
}

fn run_play(args: &PlayArgs) -> Result<ExitCode, String> {
    let html = play::page(&play::levels()?, None)?;
    std::fs::write(&args.out, &html)
        .map_err(|e| format!("cannot write {}: {e}", args.out.display()))?;
    println!("Wrote {} — open it in a browser.", args.out.display());
    if args.serve {
        play::serve(&html, args.port, |address| {
            println!("Serving it at {address} (stop with Ctrl-C).");
        })?;
    }
    Ok(ExitCode::SUCCESS)
}

fn run_designs(args: &DesignsArgs) -> Result<ExitCode, String> {
    let loom_bound = loom_bound(args.preemption_bound)?;
    let iterations = usize::try_from(args.iterations).map_err(|_| "too many iterations")?;
    let rows = {
        let _hush = hush::Hush::stderr();
        pleg_check::designs::explore(loom_bound, iterations).map_err(|e| e.to_string())?
    };
    if args.json {
        println!(
            "{}",
            designs_view::designs_json(&rows, loom_bound, iterations)
        );
    } else {
        print!(
            "{}",
            designs_view::designs_table(&rows, loom_bound, iterations)
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn run_laws(args: &LawsArgs) -> Result<ExitCode, String> {
    let grid = Grid {
        capacities: args.capacities.clone(),
        pods: args.pods.clone(),
        relists: args.relists.clone(),
        changes: args.changes.iter().map(|c| c.0).collect(),
        thresholds: args.thresholds.clone(),
        timings: args.timings.clone(),
        ..Grid::default()
    };
    let cells = grid.len();
    let confirmation = {
        let hush = hush::Hush::stderr();
        let counter = Arc::new(AtomicU64::new(0));
        let terminal = (!args.json && std::io::stderr().is_terminal())
            .then(|| hush.real_stderr())
            .flatten();
        let what = format!("laws over {cells} cells");
        let _display = progress::Display::start(what, Arc::clone(&counter), terminal);
        pleg_check::confirm::confirm(&grid, &Some(counter)).map_err(|e| e.to_string())?
    };
    if args.json {
        println!("{}", laws_view::json(&confirmation));
    } else {
        print!("{}", laws_view::table(&confirmation, &grid));
    }
    Ok(if confirmation.all_confirmed() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// One configuration's claim, with what the laws expect of it (`None`: no law speaks of it).
fn single_claim(
    args: &CheckArgs,
    kind: CheckerKind,
    loom_bound: Option<usize>,
) -> Result<(Option<VerdictKind>, Claim), String> {
    let scenario = args.scenario.scenario("check")?;
    let iterations = usize::try_from(args.iterations).map_err(|_| "too many iterations")?;
    if args.unreduced && kind != CheckerKind::Explicit {
        return Err("--unreduced goes with --checker explicit".into());
    }
    let checker = match kind {
        CheckerKind::Loom => Checker::Loom {
            preemption_bound: loom_bound,
        },
        CheckerKind::ShuttleRandom => Checker::ShuttleRandom {
            iterations,
            seed: args.seed,
        },
        CheckerKind::ShuttlePct => Checker::ShuttlePct {
            iterations,
            depth: usize::try_from(args.depth).map_err(|_| "depth too large")?,
            seed: args.seed,
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
