//! `wakeup/…`: how long a sender that sleeps on a full channel takes to run again once a slot
//! frees — the latency behind relist's wait in a burst one past the capacity. Each round the
//! channel (capacity 1) is full and the sender blocked in `send`; the receiver lets it sleep for
//! a millisecond (long past any spinning: it is asleep in the kernel), notes the time and
//! receives; the sender notes the time its `send` returned. The figure is the difference.
//!
//! Beside pleg's channel: std's `Condvar` waking a thread asleep on it — one futex wake-up, the
//! floor for any channel whose sleeper sleeps in the kernel — and crossbeam's bounded channel.
//! Go's twin is `BenchmarkWakeup` in benches/go.

use criterion::{criterion_group, criterion_main, Criterion};
use pleg_benches::WAKERS;
use pleg_kubelet::channel::Channel;
use pleg_kubelet::runtime::Std;
use std::sync::{mpsc, Arc, Condvar, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// How long the sender is left blocked before the slot frees.
const ASLEEP: Duration = Duration::from_millis(1);

/// `rounds` wake-ups; the sum of their latencies. `free` frees the slot the sender waits for;
/// `blocked_send` is the sender's blocking call.
fn wakeups(rounds: u64, blocked_send: impl Fn() + Send + 'static, free: impl Fn()) -> Duration {
    let (returned, when) = mpsc::channel::<Instant>();
    let sender = thread::spawn(move || {
        for _ in 0..rounds {
            blocked_send();
            if returned.send(Instant::now()).is_err() {
                return;
            }
        }
    });
    let total = (0..rounds)
        .map(|_| {
            thread::sleep(ASLEEP);
            let freed = Instant::now();
            free();
            when.recv().expect("sender") - freed
        })
        .sum();
    sender.join().expect("sender");
    total
}

fn pleg(rounds: u64) -> Duration {
    let ch = Arc::new(Channel::<Std, u64>::new(1).expect("capacity 1"));
    ch.send(0).expect("open");
    let tx = Arc::clone(&ch);
    wakeups(
        rounds,
        move || tx.send(1).expect("open"),
        || {
            ch.recv().expect("open");
        },
    )
}

fn crossbeam(rounds: u64) -> Duration {
    let (tx, rx) = crossbeam_channel::bounded(1);
    tx.send(0u64).expect("open");
    wakeups(
        rounds,
        move || tx.send(1).expect("open"),
        move || {
            rx.recv().expect("open");
        },
    )
}

/// std's condvar: the sender waits for a free slot, the receiver frees it and notifies.
fn futex(rounds: u64) -> Duration {
    let slot = Arc::new((Mutex::new(true), Condvar::new()));
    let theirs = Arc::clone(&slot);
    let blocked_send = move || {
        let (full, freed) = &*theirs;
        let mut full = freed
            .wait_while(full.lock().expect("lock"), |full| *full)
            .expect("lock");
        *full = true;
    };
    wakeups(rounds, blocked_send, move || {
        *slot.0.lock().expect("lock") = false;
        slot.1.notify_one();
    })
}

fn wakeup(c: &mut Criterion) {
    let mut group = c.benchmark_group("wakeup/asleep-sender");
    let waker: [fn(u64) -> Duration; 3] = [pleg, futex, crossbeam];
    for (name, wakeups) in WAKERS.into_iter().zip(waker) {
        group.bench_function(name, |b| b.iter_custom(wakeups));
    }
    group.finish();
}

criterion_group! {
    name = benches;
    // Each round sleeps a millisecond: few, short samples.
    config = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(100))
        .measurement_time(Duration::from_secs(1));
    targets = wakeup
}
criterion_main!(benches);
