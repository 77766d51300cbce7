//! `handoff/ping-pong`: the physical limit of a hand-off between two threads — one cache line
//! bounced between two cores. Two threads take turns on one atomic counter (each waits,
//! spinning, for the other's increment); a hand-off is half a round trip. Every channel's cost
//! per message is reported in ci/bench-compare.sh as a multiple of this.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::hint::spin_loop;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::{Duration, Instant};

const HANDOFFS: u64 = 100_000;

/// `handoffs` turns between two threads; the elapsed time of all of them.
fn ping_pong(handoffs: u64) -> Duration {
    let turn = Arc::new(AtomicU64::new(0));
    let ready = Arc::new(Barrier::new(2));
    let other = {
        let (turn, ready) = (Arc::clone(&turn), Arc::clone(&ready));
        thread::spawn(move || {
            ready.wait();
            for n in (1..handoffs).step_by(2) {
                while turn.load(Ordering::Acquire) != n {
                    spin_loop();
                }
                turn.store(n + 1, Ordering::Release);
            }
        })
    };
    ready.wait();
    let start = Instant::now();
    for n in (0..handoffs).step_by(2) {
        while turn.load(Ordering::Acquire) != n {
            spin_loop();
        }
        turn.store(n + 1, Ordering::Release);
    }
    while turn.load(Ordering::Acquire) != handoffs {
        spin_loop();
    }
    let elapsed = start.elapsed();
    other.join().expect("the other thread");
    elapsed
}

fn handoff(c: &mut Criterion) {
    let mut group = c.benchmark_group("handoff");
    group.throughput(Throughput::Elements(HANDOFFS));
    group.bench_function("ping-pong", |b| {
        b.iter_custom(|iters| (0..iters).map(|_| ping_pong(HANDOFFS)).sum())
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(2));
    targets = handoff
}
criterion_main!(benches);
