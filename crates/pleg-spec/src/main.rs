//! `pleg-spec`: checks every PLEG channel design and prints the verdicts.
//!
//! With no arguments (`cargo run --release`) it runs the default suite: both designs under
//! loom, shuttle random and shuttle PCT, and PCT at kubelet's real channel size. Exit status: 0
//! when every claim is confirmed (or, for one configuration, when `--expect` agrees), 1 when a
//! claim is refuted, 2 on bad input — always with one line on stderr, never a panic.

mod designs_view;
mod hush;
mod progress;
mod render;
mod svg;

use clap::{Parser, Subcommand, ValueEnum};
use pleg_model::{Design, Gate, Scenario};
use pleg_models::suite::{self, Claim, Expect};
use pleg_models::{
    check, check_with_progress, loom_preemption_bound, replay, Checker, Report, DEFAULT_PCT_DEPTH,
    DEFAULT_SHUTTLE_SEED,
};
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
    #[arg(long, value_delimiter = ',', default_value = "1,2", value_parser = parse_capacity)]
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

/// The model's bounds, shared by `check` and `replay`.
#[derive(clap::Args, Debug)]
struct ScenarioArgs {
    /// The design: blocking (kubelet 1.12), drop-when-full (1.14, PR #72709),
    /// blocking-big-capacity, record-after-send, ungated-drain or evented-health.
    #[arg(long, value_parser = parse_design)]
    design: Option<Design>,
    /// The eventChannel's capacity (kubelet: 1000).
    #[arg(long, default_value_t = 1, value_parser = parse_capacity)]
    capacity: usize,
    /// Pods; each changes once per relist, so this is the number of events per relist.
    #[arg(long, visible_alias = "pods", default_value_t = 2)]
    events: u32,
    /// Number of relists.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..))]
    relists: u32,
    /// State changes per pod (once per relist for the first N relists) [default: every relist].
    #[arg(long)]
    changes: Option<u32>,
    /// relistThreshold in clock ticks; the clock ticks threshold+1 times.
    #[arg(long, default_value_t = 0)]
    threshold: u32,
    /// Leave out kubelet's periodic resync of every pod from the pod cache.
    #[arg(long)]
    no_resync: bool,
    /// syncLoop's gate: `wait` (the abstraction every checker runs) or `retry` (kubelet's own
    /// sleep-and-retry loop; shuttle only, with a step bound).
    #[arg(long, value_enum, default_value_t = GateName::Wait)]
    gate: GateName,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
enum GateName {
    Wait,
    Retry,
}

#[derive(clap::Args, Debug)]
struct OutputArgs {
    /// Print JSON on stdout instead of the table and story.
    #[arg(long)]
    json: bool,
    /// Write the first counterexample as an SVG sequence diagram to this file.
    #[arg(long, value_name = "FILE")]
    svg: Option<PathBuf>,
}

#[derive(clap::Args, Debug)]
struct CheckArgs {
    #[command(flatten)]
    scenario: ScenarioArgs,
    /// The checker: loom (exhaustive within bounds), shuttle-random or shuttle-pct (sampling).
    #[arg(long, value_enum)]
    checker: Option<CheckerName>,
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
    /// Exit 1 unless the verdict is this (holds also requires non-zero witnesses).
    #[arg(long, value_enum)]
    expect: Option<ExpectName>,
    #[command(flatten)]
    output: OutputArgs,
}

#[derive(clap::Args, Debug)]
struct ReplayArgs {
    #[command(flatten)]
    scenario: ScenarioArgs,
    /// The schedule string `check` printed for a shuttle counterexample.
    #[arg(long)]
    schedule: String,
    #[command(flatten)]
    output: OutputArgs,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
enum CheckerName {
    Loom,
    ShuttleRandom,
    ShuttlePct,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
enum ExpectName {
    Deadlock,
    Livelock,
    GatedStall,
    LostUpdate,
    Holds,
}

#[derive(Clone, Copy, Debug)]
struct Bound(Option<usize>);

fn parse_design(s: &str) -> Result<Design, String> {
    s.parse()
}

fn parse_capacity(s: &str) -> Result<usize, String> {
    match s.parse::<usize>() {
        Ok(0) => Err("capacity must be at least 1 (an unbuffered channel is not modelled)".into()),
        Ok(c) => Ok(c),
        Err(e) => Err(e.to_string()),
    }
}

fn parse_bound(s: &str) -> Result<Bound, String> {
    if s == "none" {
        return Ok(Bound(None));
    }
    s.parse()
        .map(|b| Bound(Some(b)))
        .map_err(|_| "expected a whole number or 'none'".into())
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

fn run_check(args: &CheckArgs) -> Result<ExitCode, String> {
    let loom_bound = match args.preemption_bound {
        Some(Bound(b)) => b,
        None => loom_preemption_bound()?,
    };
    let claims = match (args.scenario.design, args.checker) {
        (None, None) => suite::default_claims(loom_bound),
        (Some(design), Some(checker)) => vec![single_claim(args, design, checker, loom_bound)?],
        _ => {
            return Err("--design and --checker go together (or give neither for the suite)".into())
        }
    };
    let show_progress = !args.output.json && std::io::stderr().is_terminal();
    let reports: Vec<Report> = claims
        .iter()
        .map(|claim| {
            let hush = hush::Hush::stderr();
            let counter = Arc::new(AtomicU64::new(0));
            let what = format!("{} under {}", claim.scenario.design, claim.checker);
            let terminal = show_progress.then(|| hush.real_stderr()).flatten();
            let _display = progress::Display::start(what, Arc::clone(&counter), terminal);
            check_with_progress(&claim.scenario, &claim.checker, &Some(counter))
        })
        .collect();
    let judged: Vec<_> = claims
        .iter()
        .zip(&reports)
        .map(|(claim, report)| (claim, report, claim.expect.judge(report)))
        .collect();
    emit(&judged, &args.output)?;
    // A single configuration without --expect reports a verdict; it does not judge it.
    let judging = args.scenario.design.is_none() || args.expect.is_some();
    let all_confirmed = judged.iter().all(|(_, _, judgement)| judgement.is_ok());
    Ok(if judging && !all_confirmed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn run_replay(args: &ReplayArgs) -> Result<ExitCode, String> {
    let design = args.scenario.design.ok_or("replay needs --design")?;
    let scenario = scenario(&args.scenario, design)?;
    let report = {
        let _hush = hush::Hush::stderr();
        replay(&scenario, &args.schedule)?
    };
    let claim = Claim {
        scenario,
        checker: Checker::ShuttleReplay,
        expect: suite::expected(&scenario),
    };
    let judgement = claim.expect.judge(&report);
    emit(&[(&claim, &report, judgement)], &args.output)?;
    Ok(ExitCode::SUCCESS)
}

fn run_scale(args: &ScaleArgs) -> Result<ExitCode, String> {
    let mut rows = Vec::new();
    for &capacity in &args.capacities {
        for &events_per_relist in &args.events {
            for &relists in &args.relists {
                for &bound in &args.bounds {
                    let scenario = Scenario {
                        capacity,
                        events_per_relist,
                        relists,
                        threshold: args.threshold,
                        ..Scenario::smallest(Design::DropWhenFull)
                    };
                    let checker = Checker::Loom {
                        preemption_bound: Some(bound),
                    };
                    rows.push((bound, check(&scenario, &checker)));
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
fn emit(judged: &[render::Judged<'_>], output: &OutputArgs) -> Result<(), String> {
    if output.json {
        println!("{}", render::json(judged));
    } else {
        print!("{}", render::table(judged));
    }
    if let Some(path) = &output.svg {
        let report = judged
            .iter()
            .map(|(_, report, _)| *report)
            .find(|r| r.counterexample.is_some())
            .ok_or("--svg: no counterexample to draw (every check held)")?;
        std::fs::write(path, svg::render(report))
            .map_err(|e| format!("--svg: cannot write {}: {e}", path.display()))?;
    }
    Ok(())
}

fn run_designs(args: &DesignsArgs) -> Result<ExitCode, String> {
    let loom_bound = match args.preemption_bound {
        Some(Bound(b)) => b,
        None => loom_preemption_bound()?,
    };
    let iterations = usize::try_from(args.iterations).map_err(|_| "too many iterations")?;
    let rows = {
        let _hush = hush::Hush::stderr();
        pleg_models::designs::explore(loom_bound, iterations)
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

fn scenario(args: &ScenarioArgs, design: Design) -> Result<Scenario, String> {
    let scenario = Scenario {
        design,
        capacity: args.capacity,
        events_per_relist: args.events,
        relists: args.relists,
        changes: args.changes,
        threshold: args.threshold,
        resync: !args.no_resync,
        gate: match args.gate {
            GateName::Wait => Gate::Wait,
            GateName::Retry => Gate::Retry,
        },
    };
    scenario.validate().map_err(|e| e.to_string())?;
    Ok(scenario)
}

fn single_claim(
    args: &CheckArgs,
    design: Design,
    checker: CheckerName,
    loom_bound: Option<usize>,
) -> Result<Claim, String> {
    let scenario = scenario(&args.scenario, design)?;
    let iterations = usize::try_from(args.iterations).map_err(|_| "too many iterations")?;
    if scenario.gate == Gate::Retry && matches!(checker, CheckerName::Loom) {
        return Err(
            "--gate retry spins forever when stalled and loom needs executions that \
                    end: use --checker shuttle-random or shuttle-pct"
                .into(),
        );
    }
    let checker = match checker {
        CheckerName::Loom => Checker::Loom {
            preemption_bound: loom_bound,
        },
        CheckerName::ShuttleRandom => Checker::ShuttleRandom {
            iterations,
            seed: args.seed,
        },
        CheckerName::ShuttlePct => Checker::ShuttlePct {
            iterations,
            depth: usize::try_from(args.depth).map_err(|_| "depth too large")?,
            seed: args.seed,
        },
    };
    let expect = match args.expect {
        Some(ExpectName::Deadlock) => Expect::CircularWait,
        Some(ExpectName::Livelock) => Expect::Livelock,
        Some(ExpectName::GatedStall) => Expect::GatedStall,
        Some(ExpectName::LostUpdate) => Expect::LostUpdate,
        Some(ExpectName::Holds) => Expect::Holds,
        None => suite::expected(&scenario),
    };
    Ok(Claim {
        scenario,
        checker,
        expect,
    })
}
