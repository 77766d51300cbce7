//! One report from several runs of the Rust and the Go benchmarks: every figure the median of
//! the runs with its spread (min–max), every ratio pleg/peer taken run by run (run K of Rust
//! against run K of Go) and shown the same way, the targets with the worst ratio beside the
//! best, each channel's cost in cache-line hand-offs, the relist bursts, the wake-up of an
//! asleep sender.
//!
//! It reads what `ci/bench-compare.sh` leaves in its directory: criterion's results of each run
//! (`criterion-K/**/new/{benchmark,estimates}.json`), what each Rust run printed (`rust-K.txt`:
//! the select/default runs' delivered and dropped counts) and `go test -bench -count N`'s output
//! (`go.txt`, and `go-one-thread.txt` for the same benchmarks under `GOMAXPROCS=1`).

use crate::RUST_CHANNELS;
use crate::{Workload, BURSTS, CAPACITIES, CROSSBEAM, GO, GO_ONE_THREAD, MESSAGES, PLEG, POLICIES};
use crate::{SYNC_LOOPS, WAKERS};
use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::Path;

/// One run of both sides.
#[derive(Debug, Default)]
pub struct Run {
    /// Criterion's benchmarks by id: elements per second, or seconds per iteration for a
    /// benchmark without elements.
    pub rust: HashMap<String, f64>,
    /// Go's benchmarks by name (without the GOMAXPROCS suffix): their metrics by unit.
    pub go: HashMap<String, HashMap<String, f64>>,
    /// The same, with Go's runtime on one OS thread ([`GO_ONE_THREAD`]).
    pub go_one_thread: HashMap<String, HashMap<String, f64>>,
}

/// One figure of one run, if the run has it.
pub type Figure<'a> = Box<dyn Fn(&Run) -> Option<f64> + 'a>;

/// The runs, and what each figure is across them.
pub struct Runs(pub Vec<Run>);

impl Runs {
    /// Reads `runs` runs from `dir`.
    pub fn read(dir: &Path, runs: usize) -> Result<Self, String> {
        let go = |name: &str| -> Result<_, String> {
            let path = dir.join(name);
            let text =
                std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            Ok(read_go(&text, runs))
        };
        (1..=runs)
            .zip(go("go.txt")?.into_iter().zip(go("go-one-thread.txt")?))
            .map(|(k, (go, go_one_thread))| {
                Ok(Run {
                    rust: read_criterion(&dir.join(format!("criterion-{k}")))?,
                    go,
                    go_one_thread,
                })
            })
            .collect::<Result<_, String>>()
            .map(Runs)
    }

    /// The figure in every run that has it.
    pub fn each(&self, figure: &dyn Fn(&Run) -> Option<f64>) -> Vec<f64> {
        self.0.iter().filter_map(figure).collect()
    }

    /// `a / b` in every run that has both (and `b` not 0).
    pub fn ratios(
        &self,
        a: &dyn Fn(&Run) -> Option<f64>,
        b: &dyn Fn(&Run) -> Option<f64>,
    ) -> Vec<f64> {
        self.each(&|r| Some(a(r)? / b(r).filter(|&v| v != 0.0)?))
    }
}

/// Criterion's results under `root`: `{id: elements/s or s/iteration}`.
fn read_criterion(root: &Path) -> Result<HashMap<String, f64>, String> {
    let mut figures = HashMap::new();
    let mut dirs = vec![root.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))? {
            let path = entry.map_err(|e| e.to_string())?.path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.ends_with("new/benchmark.json") {
                let (id, figure) = read_benchmark(path.parent().expect("new/"))?;
                figures.insert(id, figure);
            }
        }
    }
    Ok(figures)
}

/// One criterion benchmark: its id, and its median as a rate (or seconds when no rate).
fn read_benchmark(new: &Path) -> Result<(String, f64), String> {
    let read = |name: &str| -> Result<serde_json::Value, String> {
        let text = std::fs::read_to_string(new.join(name)).map_err(|e| e.to_string())?;
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", new.join(name).display()))
    };
    let (bench, estimates) = (read("benchmark.json")?, read("estimates.json")?);
    let seconds = estimates["median"]["point_estimate"]
        .as_f64()
        .ok_or("estimates.json without a median")?
        * 1e-9;
    let id = bench["full_id"]
        .as_str()
        .ok_or("benchmark.json without full_id")?;
    let figure = bench["throughput"]["Elements"]
        .as_f64()
        .map_or(seconds, |elements| elements / seconds);
    Ok((id.to_owned(), figure))
}

/// `go test -bench -count N` output, one map per run: the K-th line of a benchmark is run K.
pub fn read_go(text: &str, runs: usize) -> Vec<HashMap<String, HashMap<String, f64>>> {
    let mut out = vec![HashMap::new(); runs];
    let mut seen: HashMap<String, usize> = HashMap::new();
    for line in text.lines() {
        let mut words = line.split_whitespace();
        let Some(name) = words.next().and_then(|w| w.strip_prefix("Benchmark")) else {
            continue;
        };
        if words.next().and_then(|n| n.parse::<u64>().ok()).is_none() {
            continue; // not a result line
        }
        let name = without_gomaxprocs(name).to_owned();
        let metrics: Vec<&str> = words.collect();
        let units = metrics
            .chunks(2)
            .filter_map(|pair| Some((pair.get(1)?.to_string(), pair[0].parse().ok()?)))
            .collect();
        let k = seen.entry(name.clone()).or_default();
        if *k < runs {
            out[*k].insert(name, units);
        }
        *k += 1;
    }
    out
}

/// `SPSC/send/go/16-2` → `SPSC/send/go/16`: go test appends `-GOMAXPROCS` when it is above 1.
fn without_gomaxprocs(name: &str) -> &str {
    match name.rsplit_once('-') {
        Some((head, procs)) if !procs.is_empty() && procs.bytes().all(|b| b.is_ascii_digit()) => {
            head
        }
        _ => name,
    }
}

/// What each Rust run printed of select/default: `{(channel, capacity): (delivered, dropped)}`.
pub fn read_drops(text: &str) -> HashMap<(String, usize), (u64, u64)> {
    let prefix = format!("{}/", Workload::TrySendDrop.group());
    text.lines()
        .filter_map(|line| {
            let (id, rest) = line.strip_prefix(&prefix)?.split_once(": delivered ")?;
            let (channel, capacity) = id.rsplit_once('/')?;
            let mut words = rest.split_whitespace();
            let delivered = words.next()?.parse().ok()?;
            let dropped = words.nth(1)?.parse().ok()?;
            Some((
                (channel.to_owned(), capacity.parse().ok()?),
                (delivered, dropped),
            ))
        })
        .collect()
}

// --- one run's figures -------------------------------------------------------------------

/// Messages per second of `channel` (a Rust channel or Go) in `workload` at `capacity`.
pub fn rate(workload: Workload, channel: &str, capacity: usize) -> Figure<'_> {
    Box::new(move |run: &Run| {
        let go = match channel {
            GO => &run.go,
            GO_ONE_THREAD => &run.go_one_thread,
            _ => {
                return run
                    .rust
                    .get(&format!("{}/{channel}/{capacity}", workload.group()))
                    .copied()
            }
        };
        go.get(&workload.go_name(capacity))?.get("msgs/s").copied()
    })
}

/// Events per second of one relist burst.
fn burst(
    sync_loop: &'static str,
    policy: &'static str,
    n: u64,
    channel: &'static str,
) -> Figure<'static> {
    Box::new(move |run: &Run| {
        if channel == GO {
            run.go
                .get(&format!("RelistBurst/{sync_loop}/{policy}/{n}"))?
                .get("events/s")
                .copied()
        } else {
            run.rust
                .get(&format!("relist/burst/{sync_loop}/{policy}/{n}"))
                .copied()
        }
    })
}

/// Seconds from a slot freeing to the asleep sender's send returning.
fn wakeup(channel: &'static str) -> Figure<'static> {
    Box::new(move |run: &Run| {
        if channel == GO {
            Some(run.go.get("Wakeup")?.get("ns/wakeup")? * 1e-9)
        } else {
            run.rust
                .get(&format!("wakeup/asleep-sender/{channel}"))
                .copied()
        }
    })
}

// --- across runs -------------------------------------------------------------------------

/// The median of `values` (the mean of the middle two for an even count).
pub fn median(values: &[f64]) -> Option<f64> {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    let n = v.len();
    match n {
        0 => None,
        _ if !n.is_multiple_of(2) => Some(v[n / 2]),
        _ => Some((v[n / 2 - 1] + v[n / 2]) / 2.0),
    }
}

/// "median (min–max)" of `values / unit`, or "—" when no run has the figure.
pub fn spread(values: &[f64], unit: f64) -> String {
    let Some(med) = median(values) else {
        return "—".to_owned();
    };
    if values.len() == 1 {
        return format!("{:.2}", med / unit);
    }
    let (lo, hi) = values
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &v| {
            (lo.min(v), hi.max(v))
        });
    format!("{:.2} ({:.2}–{:.2})", med / unit, lo / unit, hi / unit)
}

/// `12,345`.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(d);
    }
    out
}

// --- the report --------------------------------------------------------------------------

/// The implementations of the throughput tables: every Rust channel, then Go on both cores and
/// on one OS thread.
fn all_channels() -> impl Iterator<Item = &'static str> {
    cross_core_channels().chain([GO_ONE_THREAD])
}

/// The implementations whose cost is counted in hand-offs between the cores.
fn cross_core_channels() -> impl Iterator<Item = &'static str> {
    RUST_CHANNELS.into_iter().chain([GO])
}

/// The whole report, in Markdown. `header`: the machine, versions and commit, one line.
pub fn report(runs: &Runs, drops: &HashMap<(String, usize), (u64, u64)>, header: &str) -> String {
    let mut out = format!(
        "{header}. {} runs of each benchmark (criterion for Rust, `go test -bench -count` for Go); \
         every figure is the median of the runs with the slowest and fastest run beside it.\n\n",
        runs.0.len()
    );
    for part in [
        targets(runs),
        throughput_tables(runs, drops),
        cost_table(runs),
        burst_table(runs),
        wakeup_table(runs),
    ] {
        out.push_str(&part);
    }
    out
}

fn row(cells: impl IntoIterator<Item = String>) -> String {
    let cells: Vec<String> = cells.into_iter().collect();
    format!("| {} |\n", cells.join(" | "))
}

fn throughput_tables(runs: &Runs, drops: &HashMap<(String, usize), (u64, u64)>) -> String {
    let mut out = String::new();
    for workload in Workload::ALL {
        let drop_columns = workload == Workload::TrySendDrop;
        let _ = write!(
            out,
            "**{}** — million messages per second ({} per run), median (min–max):\n\n",
            workload.title(),
            thousands(MESSAGES)
        );
        let mut head: Vec<String> = ["capacity"]
            .into_iter()
            .chain(all_channels())
            .map(str::to_owned)
            .collect();
        head.extend(["pleg-std / Go".into(), "pleg-std / crossbeam".into()]);
        if drop_columns {
            head.extend([
                "pleg-std delivered / dropped".into(),
                "Go delivered / dropped".into(),
            ]);
        }
        out.push_str(&row(head.clone()));
        out.push_str(&format!("|{}\n", "---:|".repeat(head.len())));
        for c in CAPACITIES {
            let mut cells = vec![c.to_string()];
            cells.extend(all_channels().map(|ch| spread(&runs.each(&rate(workload, ch, c)), 1e6)));
            let pleg = rate(workload, PLEG, c);
            cells.push(spread(&runs.ratios(&pleg, &rate(workload, GO, c)), 1.0));
            cells.push(spread(
                &runs.ratios(&pleg, &rate(workload, CROSSBEAM, c)),
                1.0,
            ));
            if drop_columns {
                cells.push(
                    drops
                        .get(&(PLEG.to_owned(), c))
                        .map_or("—".into(), |&(d, x)| {
                            format!("{} / {}", thousands(d), thousands(x))
                        }),
                );
                cells.push(go_drops(runs, c));
            }
            out.push_str(&row(cells));
        }
        out.push('\n');
    }
    out
}

/// Go's select/default: delivered / dropped, from its dropped-per-run metric.
fn go_drops(runs: &Runs, capacity: usize) -> String {
    let name = Workload::TrySendDrop.go_name(capacity);
    let dropped = median(&runs.each(&|r: &Run| r.go.get(&name)?.get("dropped/run").copied()));
    dropped.map_or("—".into(), |d| {
        let d = d.round_ties_even() as u64;
        format!("{} / {}", thousands(MESSAGES - d), thousands(d))
    })
}

/// Blocking send's cost per message, in cache-line hand-offs between the cores.
fn cost_table(runs: &Runs) -> String {
    let Some(hop) = median(&runs.each(&|r: &Run| r.rust.get("handoff/ping-pong").copied())) else {
        return String::new();
    };
    let mut out = format!(
        "One cache-line hand-off between the two cores (handoff/ping-pong): **{:.1} ns** (median). \
         Blocking send's cost per message, in such hand-offs (medians):\n\n",
        1e9 / hop
    );
    out.push_str(&row(["capacity".to_owned()]
        .into_iter()
        .chain(cross_core_channels().map(str::to_owned))));
    out.push_str(&format!(
        "|---:|{}\n",
        "---:|".repeat(RUST_CHANNELS.len() + 1)
    ));
    for c in CAPACITIES {
        let cells = cross_core_channels().map(|ch| {
            median(&runs.each(&rate(Workload::Send, ch, c)))
                .map_or("—".into(), |r| format!("{:.2}", hop / r))
        });
        out.push_str(&row([c.to_string()].into_iter().chain(cells)));
    }
    out + "\n"
}

fn burst_table(runs: &Runs) -> String {
    let mut out = "**relist bursts into capacity 1000** — million events per second until relist has \
                   sent or dropped its last one, median (min–max):\n\n\
                   | syncLoop | policy | burst | pleg-std | go | pleg-std / Go |\n|---|---|---:|---:|---:|---:|\n"
        .to_owned();
    for sync_loop in SYNC_LOOPS {
        for policy in POLICIES {
            for n in BURSTS {
                let (p, q) = (
                    burst(sync_loop, policy, n, PLEG),
                    burst(sync_loop, policy, n, GO),
                );
                out.push_str(&row([
                    sync_loop.to_owned(),
                    policy.to_owned(),
                    n.to_string(),
                    spread(&runs.each(&p), 1e6),
                    spread(&runs.each(&q), 1e6),
                    spread(&runs.ratios(&p, &q), 1.0),
                ]));
            }
        }
    }
    out + "\n"
}

fn wakeup_table(runs: &Runs) -> String {
    let wakers: Vec<&str> = WAKERS.into_iter().chain([GO]).collect();
    let mut out = "**Wake-up of a sender asleep on a full channel** — microseconds from the slot freeing \
                   to its send returning, median (min–max); `std-condvar` is one futex wake-up, the floor:\n\n"
        .to_owned();
    out.push_str(&row(wakers.iter().map(|w| w.to_string())));
    out.push_str(&format!("|{}\n", "---:|".repeat(wakers.len())));
    out.push_str(&row(wakers
        .iter()
        .map(|&w| spread(&runs.each(&wakeup(w)), 1e-6))));
    out + "\n"
}

/// The targets, each with the run-by-run ratios it rests on; the worst beside the best.
fn targets(runs: &Runs) -> String {
    let against = |peer: &'static str| {
        let mut ratios: Vec<(f64, String)> = Workload::ALL
            .into_iter()
            .flat_map(|w| CAPACITIES.map(|c| (w, c)))
            .filter_map(|(w, c)| {
                let r = median(&runs.ratios(&rate(w, PLEG, c), &rate(w, peer, c)))?;
                Some((
                    r,
                    format!(
                        "{}, capacity {c}",
                        w.group().rsplit('/').next().unwrap_or_default()
                    ),
                ))
            })
            .collect();
        ratios.sort_by(|a, b| a.0.total_cmp(&b.0));
        ratios
    };
    let mut out = "**The targets** (medians of the run-by-run ratios):\n\n".to_owned();
    for (peer, name) in [(GO, "Go's channel"), (CROSSBEAM, "crossbeam")] {
        let ratios = against(peer);
        if let (Some(worst), Some(best)) = (ratios.first(), ratios.last()) {
            let _ = writeln!(
                out,
                "- pleg-std against {name}: best {:.2}× ({}), worst {:.2}× ({}).",
                best.0, best.1, worst.0, worst.1
            );
        }
    }
    out.push_str(&one_thread(runs));
    let slow = |n, channel| burst("slow-syncLoop", "blocking", n, channel);
    let cliff = runs.ratios(&slow(1000, PLEG), &slow(1001, PLEG));
    let cliff_go = runs.ratios(&slow(1001, PLEG), &slow(1001, GO));
    if !cliff.is_empty() {
        let _ = writeln!(
            out,
            "- The cliff (slow syncLoop, blocking): a burst of 1001 takes {}× the time per event of a \
             burst of 1000 (target ≤ 2), at {}× Go's rate (target ≥ 0.5).",
            spread(&cliff, 1.0),
            spread(&cliff_go, 1.0)
        );
    }
    out + "\n"
}

/// Go on one OS thread against Go on both cores, blocking send at the small capacities: the
/// peer's own figure, taken apart.
fn one_thread(runs: &Runs) -> String {
    let cells: Vec<String> = [Workload::Send, Workload::TwoProducers]
        .into_iter()
        .flat_map(|w| CAPACITIES[..2].iter().map(move |&c| (w, c)))
        .filter_map(|(w, c)| {
            let r = runs.ratios(&rate(w, GO_ONE_THREAD, c), &rate(w, GO, c));
            let name = w.group().rsplit('/').next().unwrap_or_default();
            (!r.is_empty()).then(|| format!("{name}, capacity {c}: {}×", spread(&r, 1.0)))
        })
        .collect();
    if cells.is_empty() {
        return String::new();
    }
    format!(
        "- Go's channel on one OS thread (`GOMAXPROCS=1`) against Go on both cores: {}.\n",
        cells.join("; ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const GO_OUTPUT: &str = "goos: linux\n\
        BenchmarkSPSC/send/go/16-2   300  81234 ns/op  1.2e+07 msgs/s\n\
        BenchmarkSPSC/send/go/16-2   300  90000 ns/op  1.1e+07 msgs/s\n\
        BenchmarkSPSC/try_send-drop/go/1-2  300  5000 ns/op  2.0e+08 msgs/s  9990 dropped/run\n\
        BenchmarkRelistBurst/slow-syncLoop/drop-when-full/1001  300  7 ns/op  3.0e+07 events/s\n\
        BenchmarkWakeup-2  300  18000 ns/op  18000 ns/wakeup\n\
        PASS\n";

    #[test]
    fn go_output_is_read_run_by_run_without_the_gomaxprocs_suffix() {
        let runs = read_go(GO_OUTPUT, 2);
        assert_eq!(runs[0]["SPSC/send/go/16"]["msgs/s"], 1.2e7);
        assert_eq!(runs[1]["SPSC/send/go/16"]["msgs/s"], 1.1e7);
        assert_eq!(runs[0]["SPSC/try_send-drop/go/1"]["dropped/run"], 9990.0);
        assert_eq!(
            runs[0]["RelistBurst/slow-syncLoop/drop-when-full/1001"]["events/s"],
            3e7
        );
        assert_eq!(runs[0]["Wakeup"]["ns/wakeup"], 18000.0);
        assert!(!runs[1].contains_key("Wakeup"), "one line is one run");
        assert_eq!(
            read_go(GO_OUTPUT, 1).len(),
            1,
            "a run beyond the count is left out"
        );
        for name in [
            "RelistBurst/fast-syncLoop/blocking/1000",
            "Burst/slow-syncLoop",
            "A-",
        ] {
            assert_eq!(without_gomaxprocs(name), name);
        }
    }

    #[test]
    fn a_figure_is_the_median_of_the_runs_with_their_spread_and_ratios_pair_run_by_run() {
        let run = |rate: f64, go: f64| Run {
            rust: HashMap::from([("channel/spsc/send/pleg-std/16".to_owned(), rate)]),
            go: HashMap::from([(
                "SPSC/send/go/16".to_owned(),
                HashMap::from([("msgs/s".to_owned(), go)]),
            )]),
            go_one_thread: HashMap::new(),
        };
        let runs = Runs(vec![run(4e6, 8e6), run(1e6, 1e6), run(3e6, 2e6)]);
        let pleg = rate(Workload::Send, PLEG, 16);
        assert_eq!(spread(&runs.each(&pleg), 1e6), "3.00 (1.00–4.00)");
        // 0.5, 1.0, 1.5: not the ratio of the medians (3/2).
        assert_eq!(
            spread(&runs.ratios(&pleg, &rate(Workload::Send, GO, 16)), 1.0),
            "1.00 (0.50–1.50)"
        );
        assert_eq!(spread(&runs.each(&rate(Workload::Send, PLEG, 1)), 1e6), "—");
        assert_eq!(median(&[1.0, 2.0, 4.0, 8.0]), Some(3.0));
        assert_eq!(median(&[5.0, 1.0, 4.0, 2.0, 3.0]), Some(3.0));
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(thousands(999), "999");
    }

    /// One run with every figure the report reads: pleg at `pleg` messages per second, Go at
    /// twice that (three times on one OS thread), crossbeam at four times; bursts of `n` events
    /// at `1e9 / n` events per second.
    fn full_run(pleg: f64) -> Run {
        let mut rust = HashMap::from([("handoff/ping-pong".to_owned(), 2e7)]);
        let mut go: HashMap<String, HashMap<String, f64>> = HashMap::new();
        let mut go_one_thread = HashMap::new();
        let unit = |name: &str, v: f64| HashMap::from([(name.to_owned(), v)]);
        for w in Workload::ALL {
            for c in CAPACITIES {
                for (ch, k) in [(PLEG, 1.0), (CROSSBEAM, 4.0)] {
                    rust.insert(format!("{}/{ch}/{c}", w.group()), pleg * k * c as f64);
                }
                let mut metrics = unit("msgs/s", 2.0 * pleg * c as f64);
                if w == Workload::TrySendDrop {
                    metrics.insert("dropped/run".into(), 9990.0);
                }
                go.insert(w.go_name(c), metrics);
                go_one_thread.insert(w.go_name(c), unit("msgs/s", 3.0 * pleg * c as f64));
            }
        }
        for (sync_loop, policy, n) in every_burst() {
            let rate = 1e9 / n as f64;
            rust.insert(format!("relist/burst/{sync_loop}/{policy}/{n}"), rate);
            let go_name = format!("RelistBurst/{sync_loop}/{policy}/{n}");
            go.insert(go_name, unit("events/s", 2.0 * rate));
        }
        for (i, w) in WAKERS.into_iter().enumerate() {
            rust.insert(format!("wakeup/asleep-sender/{w}"), (i + 1) as f64 * 1e-6);
        }
        go.insert("Wakeup".into(), unit("ns/wakeup", 4600.0));
        Run {
            rust,
            go,
            go_one_thread,
        }
    }

    fn every_burst() -> Vec<(&'static str, &'static str, u64)> {
        let mut all = Vec::new();
        for s in SYNC_LOOPS {
            for p in POLICIES {
                BURSTS.iter().for_each(|&n| all.push((s, p, n)));
            }
        }
        all
    }

    /// Every table of the report, from runs whose figures are known: each cell what they make.
    #[test]
    fn every_table_of_the_report_holds_what_the_runs_make() {
        let runs = Runs(vec![full_run(1e6), full_run(3e6)]);
        let drops = HashMap::from([((PLEG.to_owned(), 16), (1_234, 8_766))]);
        let report = report(&runs, &drops, "machine");
        let has = |line: &str| assert!(report.contains(line), "no {line:?} in\n{report}");
        // The targets: every ratio to Go is 0.5, to crossbeam 0.25 — best and worst alike.
        has("- pleg-std against Go's channel: best 0.50× (two-producers, capacity 1000), worst 0.50×");
        has("- pleg-std against crossbeam: best 0.25×");
        has("a burst of 1001 takes 1.00 (1.00–1.00)× the time per event of a burst of 1000");
        has("at 0.50 (0.50–0.50)× Go's rate");
        // Throughput: capacity 16 at 16 and 48 M/s, the drops of pleg and of Go.
        has("- Go's channel on one OS thread (`GOMAXPROCS=1`) against Go on both cores: send, capacity 1: 1.50 (1.50–1.50)×; send, capacity 16: 1.50 (1.50–1.50)×; two-producers, capacity 1: 1.50");
        has("| 16 | 32.00 (16.00–48.00) | — | — | 128.00 (64.00–192.00) | 64.00 (32.00–96.00) | 96.00 (48.00–144.00) | 0.50 (0.50–0.50) | 0.25 (0.25–0.25) | 1,234 / 8,766 | 10 / 9,990 |");
        has("| 1 | 2.00 (1.00–3.00) | — | — | 8.00 (4.00–12.00) | 4.00 (2.00–6.00) | 6.00 (3.00–9.00) | 0.50 (0.50–0.50) | 0.25 (0.25–0.25) | — | 10 / 9,990 |");
        // The cost: a hand-off of 50 ns; pleg at 2 M/s median is 10 hand-offs a message.
        has("(handoff/ping-pong): **50.0 ns**");
        has("| 1 | 10.00 | — | — | 2.50 | 5.00 |");
        // Bursts: 1e9 / n events per second (1,000 M/s over n), Go twice that.
        has("| slow-syncLoop | blocking | 1001 | 1.00 (1.00–1.00) | 2.00 (2.00–2.00) | 0.50 (0.50–0.50) |");
        has("| fast-syncLoop | drop-when-full | 100 | 10.00 (10.00–10.00) | 20.00");
        // Wake-up: pleg 1 µs, the futex 2, crossbeam 3, Go 4.6.
        has("| 1.00 (1.00–1.00) | 2.00 (2.00–2.00) | 3.00 (3.00–3.00) | 4.60 (4.60–4.60) |");
        assert!(report.starts_with("machine. 2 runs of each benchmark"));
        // Delivered and dropped stand in the select/default table only.
        for w in Workload::ALL {
            let table = report.split("**").skip_while(|s| *s != w.title()).nth(1);
            let drops = table
                .expect("every workload has its table")
                .contains("dropped");
            assert_eq!(drops, w == Workload::TrySendDrop, "{}", w.title());
        }
    }

    #[test]
    fn drops_are_read_from_what_a_rust_run_printed() {
        let printed =
            "channel/spsc/try_send-drop/pleg-std/16: delivered 123 dropped 9877 of 10000\nother\n";
        let drops = read_drops(printed);
        assert_eq!(drops[&("pleg-std".to_owned(), 16)], (123, 9877));
        assert_eq!(drops.len(), 1);
    }
}
