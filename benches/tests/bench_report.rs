//! `bench-report` as `ci/bench-compare.sh` runs it: over a directory of runs laid out as the
//! script lays them out, it prints the report and writes the plot; `splice` puts a report
//! between a doc's markers; bad arguments get one line and exit 2.

use std::path::Path;
use std::process::{Command, Output};

fn bench_report(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_bench-report"))
        .args(args)
        .output()
        .expect("bench-report runs")
}

/// One criterion result as criterion writes it: `DIR/<group>/<id>/new/{benchmark,estimates}.json`.
fn criterion_result(run: &Path, id: &str, elements: u64, median_ns: f64) {
    let new = run.join(id.replace('/', "_")).join("new");
    std::fs::create_dir_all(&new).unwrap();
    let bench = serde_json::json!({"full_id": id, "throughput": {"Elements": elements}});
    let estimates = serde_json::json!({"median": {"point_estimate": median_ns}});
    std::fs::write(new.join("benchmark.json"), bench.to_string()).unwrap();
    std::fs::write(new.join("estimates.json"), estimates.to_string()).unwrap();
}

#[test]
fn the_report_of_two_runs_has_medians_spreads_ratios_and_a_plot() {
    let dir = tempfile::tempdir().unwrap();
    for (k, ns) in [(1, 1e6), (2, 4e6)] {
        let run = dir.path().join(format!("criterion-{k}"));
        // 10,000 messages in 1 ms and in 4 ms: 10 and 2.5 M/s.
        criterion_result(&run, "channel/spsc/send/pleg-std/16", 10_000, ns);
        criterion_result(&run, "channel/spsc/send/crossbeam-bounded/16", 10_000, 1e6);
    }
    std::fs::write(
        dir.path().join("rust-1.txt"),
        "channel/spsc/try_send-drop/pleg-std/16: delivered 40 dropped 9960 of 10000\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("go.txt"),
        "BenchmarkSPSC/send/go/16-2 300 1 ns/op 5e+06 msgs/s\n\
         BenchmarkSPSC/send/go/16-2 300 1 ns/op 5e+06 msgs/s\n",
    )
    .unwrap();
    // GOMAXPROCS=1: go test adds no suffix.
    std::fs::write(
        dir.path().join("go-one-thread.txt"),
        "BenchmarkSPSC/send/go/16 300 1 ns/op 6e+06 msgs/s\n\
         BenchmarkSPSC/send/go/16 300 1 ns/op 7e+06 msgs/s\n",
    )
    .unwrap();
    let plot = dir.path().join("plot.svg");
    let dir_arg = dir.path().to_str().unwrap();
    let out = bench_report(&[
        "compare",
        dir_arg,
        "2",
        plot.to_str().unwrap(),
        "Machine: test",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report = String::from_utf8(out.stdout).unwrap();
    assert!(
        report.starts_with("Machine: test. 2 runs of each benchmark"),
        "{report}"
    );
    // pleg-std: 10 and 2.5 M/s; Go 5 and 5; ratios run by run 2.0 and 0.5.
    assert!(report.contains("| 16 | 6.25 (2.50–10.00) | — | — | 10.00 (10.00–10.00) | 5.00 (5.00–5.00) | 6.50 (6.00–7.00) | 1.25 (0.50–2.00) |"), "{report}");
    assert!(
        report.contains("on one OS thread (`GOMAXPROCS=1`) against Go on both cores: send, capacity 16: 1.30 (1.20–1.40)×."),
        "{report}"
    );
    assert!(
        report.contains("best 1.25× (send, capacity 16), worst 1.25× (send, capacity 16)"),
        "{report}"
    );
    assert!(report.contains("40 / 9,960"), "{report}");
    let svg = std::fs::read_to_string(&plot).unwrap();
    assert!(
        svg.starts_with("<svg") && svg.contains(">pleg-std</text>"),
        "{svg}"
    );
}

#[test]
fn splice_replaces_what_stands_between_the_markers() {
    let dir = tempfile::tempdir().unwrap();
    let (doc, report) = (dir.path().join("doc.md"), dir.path().join("report.md"));
    std::fs::write(
        &doc,
        "head\n<!-- x: begin -->\nold\n<!-- x: end -->\ntail\n",
    )
    .unwrap();
    std::fs::write(&report, "new\n").unwrap();
    let (d, r) = (doc.to_str().unwrap(), report.to_str().unwrap());
    assert!(bench_report(&["splice", d, "x", r]).status.success());
    let text = std::fs::read_to_string(&doc).unwrap();
    assert_eq!(
        text,
        "head\n<!-- x: begin -->\nnew\n<!-- x: end -->\ntail\n"
    );
    let out = bench_report(&["splice", d, "y", r]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        std::fs::read_to_string(&doc).unwrap(),
        text,
        "a refused splice leaves the doc"
    );
}

#[test]
fn bad_arguments_are_one_line_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no-runs-here");
    let plot = dir.path().join("plot.svg");
    let (missing, plot) = (missing.to_str().unwrap(), plot.to_str().unwrap());
    for args in [
        &[][..],
        &["compare"],
        &["compare", missing, "2", plot, "h"],
        &["compare", ".", "zero", plot, "h"],
    ] {
        let out = bench_report(args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
        assert!(stderr.starts_with("bench-report: "), "{stderr}");
    }
    assert!(
        !Path::new(plot).exists(),
        "a refused compare writes no plot"
    );
}
