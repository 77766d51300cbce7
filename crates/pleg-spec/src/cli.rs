//! The command line's definition: every command, option, default and possible value, in one
//! place — read by `main` to run, by `--help` to describe, and by the fuzzer to generate
//! argument vectors (`tests/fuzz.rs`), so none of the three can disagree with the others.

use crate::args::{by_name, by_name_except, parse_bound, Bound, ScenarioArgs};
use clap::{Parser, Subcommand};
use pleg_check::confirm::Grid;
use pleg_check::prove::Solver;
use pleg_check::{
    CheckerKind, VerdictKind, DEFAULT_LOOM_PREEMPTION_BOUND, DEFAULT_PCT_DEPTH,
    DEFAULT_SHUTTLE_SEED,
};
use pleg_core::scenario::LABEL_HEADER;
use pleg_core::{Named, Timing, Witness};
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(
    name = "pleg-spec",
    version,
    about = "Model-checks the kubelet PLEG relist/syncLoop circular wait (kubernetes#72482)."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Check the default suite, or one configuration with --design and --checker.
    #[command(after_help = format!("The table's columns:\n{}", legend()))]
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
pub struct ProveArgs {
    /// Use only this solver (default: both z3 and cvc5, each obligation proved by each).
    #[arg(long, value_parser = by_name::<Solver>())]
    pub solver: Option<Solver>,
    /// Print JSON on stdout instead of the table.
    #[arg(long)]
    pub json: bool,
    /// Also write every obligation to this directory as a standalone SMT-LIB file, which
    /// `z3 FILE` answers by itself (unsat: proved).
    #[arg(long, value_name = "DIR")]
    pub smt2: Option<PathBuf>,
}

#[derive(clap::Args, Debug)]
pub struct PlayArgs {
    /// Where to write the page.
    #[arg(long, value_name = "FILE", default_value = "play.html")]
    pub out: PathBuf,
    /// Also serve the page on 127.0.0.1 (and print the address) until stopped.
    #[arg(long)]
    pub serve: bool,
    /// The port to serve on (0: any free port).
    #[arg(long, default_value_t = 0)]
    pub port: u16,
}

#[derive(clap::Args, Debug)]
pub struct LawsArgs {
    /// Capacities of the grid.
    #[arg(long, value_delimiter = ',', default_values_t = Grid::default().capacities, value_parser = crate::args::parse_capacity)]
    pub capacities: Vec<usize>,
    /// Pod counts of the grid.
    #[arg(long, value_delimiter = ',', default_values_t = Grid::default().pods, value_parser = clap::value_parser!(u32).range(1..=64))]
    pub pods: Vec<u32>,
    /// Relist counts of the grid.
    #[arg(long, value_delimiter = ',', default_values_t = Grid::default().relists, value_parser = clap::value_parser!(u32).range(1..=6))]
    pub relists: Vec<u32>,
    /// Changes per pod: numbers from 1 to 6, or `every` (once per relist).
    #[arg(long, value_delimiter = ',', default_values_t = Grid::default().changes.into_iter().map(Changes), value_parser = parse_changes)]
    pub changes: Vec<Changes>,
    /// relistThresholds of the grid.
    #[arg(long, value_delimiter = ',', default_values_t = Grid::default().thresholds, value_parser = clap::value_parser!(u32).range(0..=8))]
    pub thresholds: Vec<u32>,
    /// When pods change, in the grid's cells.
    #[arg(long, value_delimiter = ',', default_values_t = Grid::default().timings, value_parser = by_name::<Timing>())]
    pub timings: Vec<Timing>,
    /// Print JSON on stdout instead of the tables.
    #[arg(long)]
    pub json: bool,
}

/// A grid's changes per pod, as the command line spells them.
#[derive(Debug, Clone, Copy)]
pub struct Changes(pub Option<u32>);

impl std::fmt::Display for Changes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            None => f.write_str("every"),
            Some(k) => write!(f, "{k}"),
        }
    }
}

pub fn parse_changes(s: &str) -> Result<Changes, String> {
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
pub struct DesignsArgs {
    #[arg(long, value_parser = parse_bound, help = preemption_help())]
    pub preemption_bound: Option<Bound>,
    /// Iterations of the shuttle PCT cross-check per cell.
    #[arg(long, default_value_t = 500, value_parser = clap::value_parser!(u64).range(1..))]
    pub iterations: u64,
    /// Print JSON on stdout instead of the table.
    #[arg(long)]
    pub json: bool,
}

#[derive(clap::Args, Debug)]
pub struct ScaleArgs {
    /// Capacities to try.
    #[arg(long, value_delimiter = ',', default_value = "1,2", value_parser = crate::args::parse_capacity)]
    pub capacities: Vec<usize>,
    /// Events per relist to try.
    #[arg(long, value_delimiter = ',', default_value = "2,3")]
    pub events: Vec<u32>,
    /// Relist counts to try.
    #[arg(long, value_delimiter = ',', default_value = "1,2", value_parser = clap::value_parser!(u32).range(1..))]
    pub relists: Vec<u32>,
    /// Preemption bounds to try.
    #[arg(long, value_delimiter = ',', default_value = "1,2,3")]
    pub bounds: Vec<usize>,
    /// relistThreshold in ticks.
    #[arg(long, default_value_t = 0)]
    pub threshold: u32,
    /// Print JSON on stdout instead of the table.
    #[arg(long)]
    pub json: bool,
}

#[derive(clap::Args, Debug)]
pub struct OutputArgs {
    /// Print JSON on stdout instead of the table and story.
    #[arg(long)]
    pub json: bool,
    /// Write the first counterexample as an SVG sequence diagram to this file.
    #[arg(long, value_name = "FILE")]
    pub svg: Option<PathBuf>,
    /// Write a play page that opens at the first counterexample, step by step.
    #[arg(long, value_name = "FILE")]
    pub play: Option<PathBuf>,
}

impl OutputArgs {
    /// Opens every output file before the work starts, so that an unwritable path is refused
    /// before a long check rather than after it.
    pub fn open_files(&self) -> Result<(), String> {
        if let Some(path) = &self.svg {
            writable(path, "--svg")?;
        }
        if let Some(path) = &self.play {
            writable(path, "--play")?;
        }
        Ok(())
    }
}

/// Whether `path` can be written, found by opening it for writing without truncating it; a
/// file this made is removed again, so that a refusal or a run with nothing to write leaves
/// nothing behind (the file is written in full later, if at all).
pub fn writable(path: &std::path::Path, flag: &str) -> Result<(), String> {
    let existed = path.exists();
    std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
        .map_err(|e| format!("{flag}: cannot write {}: {e}", path.display()))?;
    if !existed {
        let _ = std::fs::remove_file(path);
    }
    Ok(())
}

#[derive(clap::Args, Debug)]
pub struct CheckArgs {
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    /// The checker: explicit (exhaustive, no bound, kubelet's size), loom (exhaustive within
    /// a preemption bound), shuttle-random or shuttle-pct (sampling).
    #[arg(long, value_parser = by_name_except::<CheckerKind>(&[CheckerKind::Replay]))]
    pub checker: Option<CheckerKind>,
    /// explicit: search the unreduced model (every pod named, every tick; small sizes only).
    #[arg(long)]
    pub unreduced: bool,
    /// explicit (and the suite's explicit rows): threads that expand states [default: one per
    /// core]. Every count is the same at any number; only the time changes.
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..=256))]
    pub threads: Option<u16>,
    #[arg(long, value_parser = parse_bound, help = preemption_help())]
    pub preemption_bound: Option<Bound>,
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..),
          help = format!("shuttle-random, shuttle-pct: iterations [default: {DEFAULT_ITERATIONS}]"))]
    pub iterations: Option<u64>,
    #[arg(long, help = format!("shuttle-random, shuttle-pct: seed [default: {DEFAULT_SHUTTLE_SEED}]"))]
    pub seed: Option<u64>,
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..),
          help = format!("shuttle-pct: PCT depth [default: {DEFAULT_PCT_DEPTH}]"))]
    pub depth: Option<u64>,
    /// Exit 1 unless the verdict is this (holds also requires the witnesses a non-vacuous
    /// "holds" needs). Without it, one configuration's verdict is reported, not judged.
    #[arg(long, value_parser = by_name::<VerdictKind>())]
    pub expect: Option<VerdictKind>,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(clap::Args, Debug)]
pub struct ReplayArgs {
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    /// The schedule string `check` printed for a shuttle counterexample.
    #[arg(long, conflicts_with = "path")]
    pub schedule: Option<String>,
    /// The path `check --checker explicit` printed for its counterexample.
    #[arg(long)]
    pub path: Option<String>,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// The first line of clap's message, with what it lists when it ends in a colon ("the following
/// required arguments were not provided:" names them on the next lines).
pub fn first_line(text: &str) -> String {
    let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
    let first = lines.next().unwrap_or("invalid arguments").to_owned();
    match first.strip_suffix(':') {
        Some(head) => {
            let listed: Vec<&str> = lines.take_while(|l| !l.starts_with("Usage:")).collect();
            format!("{head}: {}", listed.join(", "))
        }
        None => first,
    }
}

/// The default of `--preemption-bound`, from the code.
pub fn preemption_help() -> String {
    format!(
        "loom: preemption bound, or `none` [default: LOOM_MAX_PREEMPTIONS, else \
         {DEFAULT_LOOM_PREEMPTION_BOUND}]"
    )
}

/// shuttle's iterations when `--iterations` is not given.
pub const DEFAULT_ITERATIONS: u64 = 1_000;

/// What the columns of the verdict table mean: printed under every table, and in `--help`.
pub fn legend() -> String {
    let witnesses: Vec<String> = Witness::ALL
        .iter()
        .map(|w| format!("{} ({})", w.name(), w.phrase()))
        .collect();
    format!(
        "{LABEL_HEADER}: capacity / pods / relists / relistThreshold in ticks, then what differs \
         from kubelet's defaults.\nexplored: executions (loom), iterations (shuttle), states \
         (explicit).\n{}: how many executions (loom, shuttle) reached each; for the explicit \
         checker, how many states showed it (moves, for discard and mid). A \"holds\" must \
         reach the ones its design can.\n",
        witnesses.join(", ")
    )
}
