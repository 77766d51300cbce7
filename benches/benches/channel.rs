//! `channel/spsc/…`: one producer, one consumer, on real threads — the project's eventChannel
//! (on std's lock and on parking_lot's: the same code over two runtimes) against
//! `std::sync::mpsc::sync_channel` and `crossbeam_channel::bounded`, at capacities 1, 16 and 1000, with a blocking `send` and with `try_send` that drops when full (the fix's
//! policy: throughput counts attempted sends; drops are the price).
//!
//! Threads are spawned outside the timed region (`iter_custom`): the clock starts when the
//! consumer is ready and stops when it has drained the closed channel. `channel/mpsc/…` adds
//! a second producer (generic and Evented PLEG share kubelet's one channel).

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use pleg_kubelet::channel::Channel;
use pleg_kubelet::runtime::{ParkingLot, Runtime, Std};
use std::hint::black_box;
use std::marker::PhantomData;
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::{Duration, Instant};

use pleg_benches::{CAPACITIES, MESSAGES, RUST_CHANNELS};

#[derive(Clone, Copy)]
enum Mode {
    Send,
    TrySendDrop,
}

/// The three channels behind one shape: a sender half, a receiver half, close-by-drop.
trait Spsc {
    fn name() -> String;
    type Tx: Send + 'static;
    type Rx: Send + 'static;
    fn pair(capacity: usize) -> (Self::Tx, Self::Rx);
    fn send(tx: &Self::Tx, v: u64);
    /// `false` if the value was dropped because the channel was full.
    fn try_send(tx: &Self::Tx, v: u64) -> bool;
    fn close(tx: Self::Tx);
    fn recv(rx: &Self::Rx) -> Option<u64>;
}

struct Pleg<R>(PhantomData<R>);
impl<R: Runtime> Spsc for Pleg<R> {
    fn name() -> String {
        format!("pleg-{}", R::NAME)
    }
    type Tx = Arc<Channel<R, u64>>;
    type Rx = Arc<Channel<R, u64>>;
    fn pair(capacity: usize) -> (Self::Tx, Self::Rx) {
        let ch = Arc::new(Channel::new(capacity).expect("capacity > 0"));
        (Arc::clone(&ch), ch)
    }
    fn send(tx: &Self::Tx, v: u64) {
        tx.send(v).expect("open");
    }
    fn try_send(tx: &Self::Tx, v: u64) -> bool {
        tx.try_send(v).is_ok()
    }
    fn close(tx: Self::Tx) {
        tx.close();
    }
    fn recv(rx: &Self::Rx) -> Option<u64> {
        rx.recv()
    }
}

struct StdSync;
impl Spsc for StdSync {
    fn name() -> String {
        "std-sync_channel".to_owned()
    }
    type Tx = std::sync::mpsc::SyncSender<u64>;
    type Rx = std::sync::mpsc::Receiver<u64>;
    fn pair(capacity: usize) -> (Self::Tx, Self::Rx) {
        std::sync::mpsc::sync_channel(capacity)
    }
    fn send(tx: &Self::Tx, v: u64) {
        tx.send(v).expect("open");
    }
    fn try_send(tx: &Self::Tx, v: u64) -> bool {
        tx.try_send(v).is_ok()
    }
    fn close(tx: Self::Tx) {
        drop(tx);
    }
    fn recv(rx: &Self::Rx) -> Option<u64> {
        rx.recv().ok()
    }
}

struct Crossbeam;
impl Spsc for Crossbeam {
    fn name() -> String {
        "crossbeam-bounded".to_owned()
    }
    type Tx = crossbeam_channel::Sender<u64>;
    type Rx = crossbeam_channel::Receiver<u64>;
    fn pair(capacity: usize) -> (Self::Tx, Self::Rx) {
        crossbeam_channel::bounded(capacity)
    }
    fn send(tx: &Self::Tx, v: u64) {
        tx.send(v).expect("open");
    }
    fn try_send(tx: &Self::Tx, v: u64) -> bool {
        tx.try_send(v).is_ok()
    }
    fn close(tx: Self::Tx) {
        drop(tx);
    }
    fn recv(rx: &Self::Rx) -> Option<u64> {
        rx.recv().ok()
    }
}

/// The consumer: receives until the channel is closed and drained.
fn drain<C: Spsc>(rx: &C::Rx) -> u64 {
    let mut sum = 0u64;
    while let Some(v) = C::recv(rx) {
        sum = sum.wrapping_add(v);
    }
    black_box(sum)
}

/// Sends `messages` values and waits for the consumer to drain them; returns the elapsed time
/// and how many were dropped.
fn transfer<C: Spsc>(capacity: usize, messages: u64, mode: Mode) -> (Duration, u64) {
    let (tx, rx) = C::pair(capacity);
    let ready = Arc::new(Barrier::new(2));
    let consumer = {
        let ready = Arc::clone(&ready);
        thread::spawn(move || {
            ready.wait();
            drain::<C>(&rx)
        })
    };
    ready.wait();
    let start = Instant::now();
    let mut dropped = 0;
    for v in 0..messages {
        match mode {
            Mode::Send => C::send(&tx, v),
            Mode::TrySendDrop => dropped += u64::from(!C::try_send(&tx, v)),
        }
    }
    C::close(tx);
    consumer.join().expect("consumer");
    (start.elapsed(), dropped)
}

fn bench_impl<C: Spsc>(c: &mut Criterion) {
    // The report finds the figures by these names.
    assert!(
        RUST_CHANNELS.contains(&C::name().as_str()),
        "{} is not in RUST_CHANNELS",
        C::name()
    );
    for (mode, mode_name) in [(Mode::Send, "send"), (Mode::TrySendDrop, "try_send-drop")] {
        let mut group = c.benchmark_group(format!("channel/spsc/{mode_name}"));
        group.throughput(Throughput::Elements(MESSAGES));
        for capacity in CAPACITIES {
            group.bench_with_input(
                BenchmarkId::new(C::name(), capacity),
                &capacity,
                |b, &capacity| {
                    b.iter_custom(|iters| {
                        (0..iters)
                            .map(|_| transfer::<C>(capacity, MESSAGES, mode).0)
                            .sum()
                    })
                },
            );
        }
        group.finish();
    }
}

/// Two producers, one consumer: generic and Evented PLEG share kubelet's one channel. Each
/// producer sends half the messages with a blocking send; the clock stops when the consumer has
/// drained the closed channel.
fn two_producers<C: Spsc>(capacity: usize, messages: u64) -> Duration
where
    C::Tx: Clone,
{
    let (tx, rx) = C::pair(capacity);
    let start = Arc::new(Barrier::new(3));
    let producers: Vec<_> = (0..2)
        .map(|_| {
            let (tx, start) = (tx.clone(), Arc::clone(&start));
            thread::spawn(move || {
                start.wait();
                for v in 0..messages / 2 {
                    C::send(&tx, v);
                }
            })
        })
        .collect();
    let consumer = thread::spawn(move || drain::<C>(&rx));
    start.wait();
    let began = Instant::now();
    for p in producers {
        p.join().expect("producer");
    }
    C::close(tx);
    consumer.join().expect("consumer");
    began.elapsed()
}

fn bench_two_producers<C: Spsc>(c: &mut Criterion)
where
    C::Tx: Clone,
{
    let mut group = c.benchmark_group("channel/mpsc/two-producers");
    group.throughput(Throughput::Elements(MESSAGES));
    for capacity in CAPACITIES {
        group.bench_with_input(
            BenchmarkId::new(C::name(), capacity),
            &capacity,
            |b, &capacity| {
                b.iter_custom(|iters| {
                    (0..iters)
                        .map(|_| two_producers::<C>(capacity, MESSAGES))
                        .sum()
                })
            },
        );
    }
    group.finish();
}

fn channels(c: &mut Criterion) {
    bench_impl::<Pleg<Std>>(c);
    bench_impl::<Pleg<ParkingLot>>(c);
    bench_impl::<StdSync>(c);
    bench_impl::<Crossbeam>(c);
    bench_two_producers::<Pleg<Std>>(c);
    bench_two_producers::<Pleg<ParkingLot>>(c);
    bench_two_producers::<StdSync>(c);
    bench_two_producers::<Crossbeam>(c);
    // What the drop policy throws away, once per capacity (not timed).
    report_drops::<Pleg<Std>>();
    report_drops::<Pleg<ParkingLot>>();
    report_drops::<StdSync>();
    report_drops::<Crossbeam>();
}

/// One untimed select/default run per capacity: how many messages arrived and how many were
/// dropped — the price beside each throughput (ci/bench-compare.sh reads these lines).
fn report_drops<C: Spsc>() {
    for capacity in CAPACITIES {
        let (_, dropped) = transfer::<C>(capacity, MESSAGES, Mode::TrySendDrop);
        eprintln!(
            "channel/spsc/try_send-drop/{}/{capacity}: delivered {} dropped {dropped} of {MESSAGES}",
            C::name(),
            MESSAGES - dropped
        );
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    targets = channels
}
criterion_main!(benches);
