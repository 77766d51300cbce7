//! `pleg-spec`: checks every PLEG channel design and prints the verdicts.
//!
//! With no arguments (`cargo run --release`) it runs the default suite. Exit status: 0 when
//! every claim is confirmed (or, for one configuration, when `--expect` agrees), 1 when a claim
//! is refuted, 2 on bad input or a size the chosen checker cannot explore — always with one
//! line on stderr, never a panic.

mod designs_view;
mod hush;
mod laws_view;
mod play;
mod progress;
mod prove_view;
mod render;
mod svg;
mod wait_for;

use clap::Parser;
use pleg_check::confirm::Grid;
use pleg_check::prove::{Outcome, Solver};
use pleg_check::suite::{self, Claim};
use pleg_check::{check, check_with_progress, Checker, Schedule};
use pleg_core::{laws, Design, Named, Scenario};
use pleg_spec::args;
use pleg_spec::cli::{
    first_line, writable, CheckArgs, Cli, Command, DesignsArgs, LawsArgs, OutputArgs, PlayArgs,
    ProveArgs, ReplayArgs, ScaleArgs,
};
use pleg_spec::validate;
use render::Judged;
use std::io::IsTerminal;
use std::process::ExitCode;
use std::sync::atomic::AtomicU64;
use std::sync::Arc;

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
        Err(e) => return usage_error(&first_line(&e.render().to_string())),
    };
    // A panic that escapes a command is a bug of pleg-spec, not a verdict: one line, exit 70.
    let outcome = std::panic::catch_unwind(|| dispatch(cli));
    match outcome {
        Ok(Ok(code)) => code,
        Ok(Err(message)) => usage_error(&message),
        Err(panic) => {
            let what = pleg_core::panics::message(panic.as_ref()).unwrap_or("a panic");
            let what = what.lines().next().unwrap_or_default();
            eprintln!("pleg-spec: internal error (a bug; please report it): {what}");
            ExitCode::from(70)
        }
    }
}

fn dispatch(cli: Cli) -> Result<ExitCode, String> {
    match cli.command {
        Some(Command::Check(args)) => run_check(&args),
        Some(Command::Replay(args)) => run_replay(&args),
        Some(Command::Scale(args)) => run_scale(&args),
        Some(Command::Designs(args)) => run_designs(&args),
        Some(Command::Laws(args)) => run_laws(&args),
        Some(Command::Prove(args)) => run_prove(&args),
        Some(Command::Play(args)) => run_play(&args),
        None => Err("no command given (try `check` or `--help`)".to_owned()),
    }
}

fn usage_error(message: &str) -> ExitCode {
    let message = message.strip_prefix("error: ").unwrap_or(message);
    eprintln!("pleg-spec: {message}");
    ExitCode::from(2)
}

fn run_check(args: &CheckArgs) -> Result<ExitCode, String> {
    args.output.open_files()?;
    if let Some(threads) = args.threads {
        rayon::ThreadPoolBuilder::new()
            .num_threads(usize::from(threads))
            .build_global()
            .map_err(|e| format!("--threads: {e}"))?;
    }
    let loom_bound = validate::loom_bound(args.preemption_bound)?;
    let single = validate::plan_check(args, loom_bound)?;
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
    args.output.open_files()?;
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
    writable(&args.out, "--out")?;
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
    let loom_bound = validate::loom_bound(args.preemption_bound)?;
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
