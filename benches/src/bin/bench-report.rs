//! `bench-report`: the benchmarks' report, and the docs it updates.
//!
//!     bench-report compare DIR RUNS PLOT.svg HEADER   # prints the report, writes the plot
//!     bench-report splice DOC NAME REPORT             # REPORT into DOC between NAME's markers
//!
//! `compare` reads the runs `ci/bench-compare.sh` leaves in DIR (see `pleg_benches::report`);
//! `splice` replaces what stands between `<!-- NAME: begin -->` and `<!-- NAME: end -->`.
//! Bad arguments or unreadable files: one line on stderr, exit 2.

use pleg_benches::report::{read_drops, report, Runs};
use std::path::Path;
use std::process::ExitCode;

const USAGE: &str = "usage: bench-report compare DIR RUNS PLOT.svg HEADER | splice DOC NAME REPORT";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let done = match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        ["compare", dir, runs, plot, header] => {
            compare(Path::new(dir), runs, Path::new(plot), header)
        }
        ["splice", doc, name, report] => splice(Path::new(doc), name, Path::new(report)),
        _ => Err(USAGE.to_owned()),
    };
    match done {
        Ok(()) => ExitCode::SUCCESS,
        Err(why) => {
            eprintln!("bench-report: {why}");
            ExitCode::from(2)
        }
    }
}

fn compare(dir: &Path, runs: &str, plot: &Path, header: &str) -> Result<(), String> {
    let n: usize = runs
        .parse()
        .ok()
        .filter(|&n| n >= 1)
        .ok_or(format!("RUNS is a whole number ≥ 1, not '{runs}'"))?;
    let runs = Runs::read(dir, n)?;
    let printed = std::fs::read_to_string(dir.join("rust-1.txt"))
        .map_err(|e| format!("{}: {e}", dir.join("rust-1.txt").display()))?;
    std::fs::write(plot, pleg_benches::plot::plot(&runs))
        .map_err(|e| format!("{}: {e}", plot.display()))?;
    print!("{}", report(&runs, &read_drops(&printed), header));
    Ok(())
}

fn splice(doc: &Path, name: &str, report: &Path) -> Result<(), String> {
    let read = |p: &Path| std::fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display()));
    let (text, report) = (read(doc)?, read(report)?);
    let (begin, end) = (
        format!("<!-- {name}: begin -->"),
        format!("<!-- {name}: end -->"),
    );
    let missing = || format!("{} has no '{begin}' … '{end}' markers", doc.display());
    let (head, rest) = text.split_once(&begin).ok_or_else(missing)?;
    let (_, tail) = rest.split_once(&end).ok_or_else(missing)?;
    std::fs::write(doc, format!("{head}{begin}\n{report}{end}{tail}"))
        .map_err(|e| format!("{}: {e}", doc.display()))
}
