//! `check/…`: what the checks themselves cost — time to a verdict for every design under loom
//! at the default bound, shuttle iterations at small and kubelet sizes, and the explicit
//! checker's exhaustive search at small and kubelet sizes. Throughput is in executions (loom),
//! iterations (shuttle) or states (explicit), so criterion reports them per second.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use pleg_check::{check, Checker, DEFAULT_LOOM_PREEMPTION_BOUND, DEFAULT_PCT_DEPTH};
use pleg_core::{Design, Named, Scenario};
use std::time::Duration;

fn checks(c: &mut Criterion) {
    let loom = Checker::Loom {
        preemption_bound: Some(DEFAULT_LOOM_PREEMPTION_BOUND),
    };
    let mut group = c.benchmark_group("check/loom");
    for &design in Design::ALL {
        for (size, scenario) in [
            ("smallest", Scenario::smallest(design)),
            ("small", Scenario::small(design)),
        ] {
            if !smoke_test() {
                let explored = check(&scenario, &loom).expect("loom explores it").explored;
                group.throughput(Throughput::Elements(explored));
            }
            group.bench_function(BenchmarkId::new(design.name(), size), |b| {
                b.iter(|| check(&scenario, &loom))
            });
        }
    }
    group.finish();

    // Shuttle on the fix, which runs every iteration (the blocking design stops at the first).
    let mut group = c.benchmark_group("check/shuttle");
    for (size, scenario, iterations) in [
        ("small", Scenario::small(Design::DropWhenFull), 500),
        ("kubelet", Scenario::kubelet(Design::DropWhenFull), 20),
    ] {
        let seed = 1;
        for checker in [
            Checker::ShuttleRandom { iterations, seed },
            Checker::ShuttlePct {
                iterations,
                depth: DEFAULT_PCT_DEPTH,
                seed,
            },
        ] {
            group.throughput(Throughput::Elements(iterations as u64));
            group.bench_function(BenchmarkId::new(checker.name(), size), |b| {
                b.iter(|| check(&scenario, &checker))
            });
        }
    }
    group.finish();

    // The explicit checker, exhaustive: throughput in states.
    let mut group = c.benchmark_group("check/explicit");
    let explicit = Checker::Explicit { reduced: true };
    for design in [Design::Blocking, Design::DropWhenFull] {
        for (size, scenario) in [
            ("small", Scenario::small(design)),
            ("kubelet", Scenario::kubelet(design)),
        ] {
            if !smoke_test() {
                let states = check(&scenario, &explicit)
                    .expect("explicit explores it")
                    .explored;
                group.throughput(Throughput::Elements(states));
            }
            group.bench_function(BenchmarkId::new(design.name(), size), |b| {
                b.iter(|| check(&scenario, &explicit))
            });
        }
    }
    group.finish();
}

/// Whether criterion runs each bench once to see that it works (`--test`, as CI does): then no
/// throughput is reported, so the run that counts what a check explores — as long as the bench
/// itself — is skipped.
fn smoke_test() -> bool {
    std::env::args().any(|a| a == "--test")
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(2));
    targets = checks
}
criterion_main!(benches);
