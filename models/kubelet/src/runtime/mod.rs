//! The one place that names std, loom, shuttle and parking_lot primitives.
//!
//! The channel and the kubelet components are written once against [`Runtime`] and run
//! unchanged on real threads ([`Std`], or [`ParkingLot`] for its lock), inside
//! `loom::model` ([`Loom`]) and inside shuttle's checkers ([`Shuttle`]). On real threads a
//! condition variable spins briefly before it sleeps ([`SpinCondvar`]): that speed lives in
//! the real-thread backends, where loom and shuttle never see it. The runtime is a *type parameter*, not a `cfg(loom)` switch or a
//! Cargo feature: one `cargo test` binary holds all three backends, no dependency is rebuilt
//! with `--cfg loom`, and features cannot unify across the workspace behind anyone's back.
//!
//! Call sites never see the backend: they use [`Mutex`], [`Condvar`] and [`spawn`] from this
//! module, which look like their std namesakes minus poisoning (a model that panics is already
//! a failed check; there is nothing left to recover).

mod backends;
mod spin;

pub use backends::{Loom, LoomHinted, ParkingLot, Shuttle, Std, ThreadGuard, ThreadLock};
pub use spin::SpinCondvar;

use std::ops::{Deref, DerefMut};

/// The primitives a backend must provide: a mutex, a condition variable and named threads.
///
/// Implementations adapt their backend to this shape (std's poisoning is ignored, loom's and
/// shuttle's `LockResult`s are unwrapped), never the other way round.
pub trait Runtime: 'static {
    /// Short name used in reports (`std`, `loom`, `shuttle`).
    const NAME: &'static str;

    type RawMutex<T: Send>: Send + Sync;
    type RawGuard<'a, T: Send + 'a>: DerefMut<Target = T>;
    type RawCondvar: Send + Sync;
    type RawJoinHandle<T: Send + 'static>;
    /// A count other threads may read without a lock ([`Hint`]): kept on real threads, so that
    /// a non-blocking send sees a full channel without taking its lock, as Go's does; not kept
    /// by loom's and shuttle's models of kubelet, so what they explore does not change.
    type Hint: Hint;

    fn new_mutex<T: Send>(value: T) -> Self::RawMutex<T>;
    fn lock<T: Send>(mutex: &Self::RawMutex<T>) -> Self::RawGuard<'_, T>;
    fn new_condvar() -> Self::RawCondvar;
    fn wait<'a, T: Send>(
        cv: &Self::RawCondvar,
        guard: Self::RawGuard<'a, T>,
    ) -> Self::RawGuard<'a, T>;
    fn notify_one(cv: &Self::RawCondvar);
    fn notify_all(cv: &Self::RawCondvar);
    /// Notifies one waiter that must act before this thread can use what it freed, and lets it
    /// run if it is not running: if it was asleep, or if `unused_room` — room freed for it
    /// earlier still stands unused, the caller's sign that the waiter has not run since. Under
    /// the checkers it is `notify_one`: they choose who runs next anyway.
    fn hand_off(cv: &Self::RawCondvar, unused_room: bool) {
        let _ = unused_room;
        Self::notify_one(cv)
    }
    fn spawn<F, T>(name: &str, body: F) -> Self::RawJoinHandle<T>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static;
    /// Joins a thread; a panic in the thread is propagated, as `std::thread::scope` would.
    fn join<T: Send + 'static>(handle: Self::RawJoinHandle<T>) -> T;
    /// Lets another thread run: the model's stand-in for a sleep (time is an explicit step).
    fn yield_now();
    /// An arbitrary index below `n` (`n > 0`), from the runtime's own source of nondeterminism:
    /// random on real threads (as Go randomises map iteration), a choice shuttle explores and
    /// records in its schedule. loom explores schedules, not data, so its driver enumerates the
    /// choices itself and never asks (see `Orders::Given`).
    fn arbitrary(n: usize) -> usize;
}

/// A count written under a lock and read without it, where reading it is only an optimisation:
/// a reader that gets `None` (the runtime keeps no hint) or a value it cannot act on takes the
/// lock and decides there.
pub trait Hint: Send + Sync {
    fn new(value: usize) -> Self;
    /// Sets the count; called with the lock held, in the critical section whose state it
    /// describes, so the count's order of writes is the lock's order of critical sections.
    fn set(&self, value: usize);
    fn get(&self) -> Option<usize>;
}

/// The hint of a runtime that keeps none.
#[derive(Debug)]
pub struct NoHint;

impl Hint for NoHint {
    fn new(_: usize) -> Self {
        NoHint
    }
    fn set(&self, _: usize) {}
    fn get(&self) -> Option<usize> {
        None
    }
}

/// A hint in an atomic: `Relaxed` suffices, because nothing is published through it — a reader
/// that acts on it touches no data, and coherence alone keeps it from reading a value older
/// than one whose write happens-before the read.
macro_rules! atomic_hint {
    ($atomic:ty) => {
        impl Hint for $atomic {
            fn new(value: usize) -> Self {
                <$atomic>::new(value)
            }
            fn set(&self, value: usize) {
                self.store(value, std::sync::atomic::Ordering::Relaxed)
            }
            fn get(&self) -> Option<usize> {
                Some(self.load(std::sync::atomic::Ordering::Relaxed))
            }
        }
    };
}
atomic_hint!(std::sync::atomic::AtomicUsize);
atomic_hint!(loom::sync::atomic::AtomicUsize);

/// A mutex on runtime `R`, without poisoning.
pub struct Mutex<R: Runtime, T: Send>(R::RawMutex<T>);

/// The guard of a [`Mutex`]; hand it to [`Condvar::wait`] to sleep.
pub struct MutexGuard<'a, R: Runtime, T: Send + 'a>(R::RawGuard<'a, T>);

/// A condition variable on runtime `R`. Name each one after the predicate it signals and wait
/// on it in a loop that re-checks that predicate.
pub struct Condvar<R: Runtime>(R::RawCondvar);

/// A thread spawned with [`spawn`].
pub struct JoinHandle<R: Runtime, T: Send + 'static>(R::RawJoinHandle<T>);

impl<R: Runtime, T: Send> Mutex<R, T> {
    pub fn new(value: T) -> Self {
        Self(R::new_mutex(value))
    }

    #[track_caller]
    pub fn lock(&self) -> MutexGuard<'_, R, T> {
        MutexGuard(R::lock(&self.0))
    }
}

impl<R: Runtime, T: Send> Deref for MutexGuard<'_, R, T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<R: Runtime, T: Send> DerefMut for MutexGuard<'_, R, T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.0
    }
}

impl<R: Runtime> Condvar<R> {
    pub fn new() -> Self {
        Self(R::new_condvar())
    }

    /// Releases the lock, sleeps until notified, re-takes the lock. Never times out: time in
    /// the model is an explicit step, not a timer (loom and shuttle have no real clock).
    #[track_caller]
    pub fn wait<'a, T: Send>(&self, guard: MutexGuard<'a, R, T>) -> MutexGuard<'a, R, T> {
        MutexGuard(R::wait(&self.0, guard.0))
    }

    pub fn notify_one(&self) {
        R::notify_one(&self.0)
    }

    pub fn notify_all(&self) {
        R::notify_all(&self.0)
    }

    /// [`notify_one`](Self::notify_one) a waiter that this thread has just made room for, and
    /// let it run if it is not running ([`Runtime::hand_off`]): `unused_room` says that room
    /// freed for it before this is still unused.
    pub fn hand_off(&self, unused_room: bool) {
        R::hand_off(&self.0, unused_room)
    }
}

impl<R: Runtime> Default for Condvar<R> {
    fn default() -> Self {
        Self::new()
    }
}

impl<R: Runtime, T: Send + 'static> JoinHandle<R, T> {
    #[track_caller]
    pub fn join(self) -> T {
        R::join(self.0)
    }
}

/// Spawns a named thread on runtime `R`. Names matter: checkers print them in deadlock reports.
#[track_caller]
pub fn spawn<R, F, T>(name: &str, body: F) -> JoinHandle<R, T>
where
    R: Runtime,
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    JoinHandle(R::spawn(name, body))
}
