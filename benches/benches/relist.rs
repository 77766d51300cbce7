//! `relist/burst/…`: the kubelet question — how long does one burst hold relist, and what does
//! the fix throw away? One relist of N events (100, 1000, 1001, 5000) into kubelet's channel
//! (capacity 1000), with a syncLoop that drains at full speed or does a fixed amount of work
//! per event. Time is until relist has sent (or dropped) its last event.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use pleg_core::kubelet::PLEG_CHANNEL_CAPACITY;
use pleg_kubelet::channel::Channel;
use pleg_kubelet::runtime::Std;
use std::hint::black_box;
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::{Duration, Instant};

use pleg_benches::{BURSTS, POLICIES, SYNC_LOOPS};
/// Busy work per event for the slow syncLoop: a stand-in for syncing a pod.
const WORK_PER_EVENT: u64 = 2_000;

#[derive(Clone, Copy, PartialEq)]
enum Policy {
    Blocking,
    DropWhenFull,
}

/// One relist of `burst` events; returns how long relist took and how many it discarded.
fn relist(burst: u64, policy: Policy, work: u64) -> (Duration, u64) {
    let ch = Arc::new(Channel::<Std, u64>::new(PLEG_CHANNEL_CAPACITY).expect("capacity > 0"));
    let ready = Arc::new(Barrier::new(2));
    let sync_loop = {
        let (ch, ready) = (Arc::clone(&ch), Arc::clone(&ready));
        thread::spawn(move || {
            ready.wait();
            while let Some(e) = ch.recv() {
                let mut acc = e;
                for i in 0..work {
                    acc = black_box(acc.wrapping_mul(31).wrapping_add(i));
                }
                black_box(acc);
            }
        })
    };
    ready.wait();
    let start = Instant::now();
    let mut discarded = 0;
    for e in 0..burst {
        match policy {
            Policy::Blocking => ch.send(e).expect("open"),
            Policy::DropWhenFull => discarded += u64::from(ch.try_send(e).is_err()),
        }
    }
    let elapsed = start.elapsed();
    ch.close();
    sync_loop.join().expect("syncLoop");
    (elapsed, discarded)
}

fn bursts(c: &mut Criterion) {
    for (consumer, work) in SYNC_LOOPS.into_iter().zip([0, WORK_PER_EVENT]) {
        for (policy, name) in [Policy::Blocking, Policy::DropWhenFull]
            .into_iter()
            .zip(POLICIES)
        {
            let mut group = c.benchmark_group(format!("relist/burst/{consumer}/{name}"));
            for burst in BURSTS {
                group.throughput(Throughput::Elements(burst));
                group.bench_with_input(BenchmarkId::from_parameter(burst), &burst, |b, &n| {
                    b.iter_custom(|iters| (0..iters).map(|_| relist(n, policy, work).0).sum())
                });
            }
            group.finish();
            for burst in BURSTS {
                let (_, discarded) = relist(burst, policy, work);
                eprintln!("relist/burst/{consumer}/{name}/{burst}: discarded {discarded}");
            }
        }
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(1));
    targets = bursts
}
criterion_main!(benches);
