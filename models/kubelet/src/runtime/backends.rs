//! The backends. loom and shuttle expose std's API shape (`LockResult`s, `thread::Builder`), so
//! one template adapts both: the only differences are the paths. The real-thread backends, std
//! and parking_lot, share a second template: their own mutex, and a condition variable that
//! spins before it sleeps ([`SpinCondvar`]) — what makes hand-offs fast on real threads lives
//! here, where the checkers never see it.

use super::spin::{Naps, Parts, SpinCondvar};
use super::Runtime;
use std::ops::{Deref, DerefMut};

macro_rules! backend {
    ($(#[$doc:meta])* $name:ident, $label:literal, $krate:ident, $arbitrary:path, $hint:ty) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy)]
        pub enum $name {}

        impl Runtime for $name {
            const NAME: &'static str = $label;

            type RawMutex<T: Send> = $krate::sync::Mutex<T>;
            type RawGuard<'a, T: Send + 'a> = $krate::sync::MutexGuard<'a, T>;
            type RawCondvar = $krate::sync::Condvar;
            type RawJoinHandle<T: Send + 'static> = $krate::thread::JoinHandle<T>;
            type Hint = $hint;

            fn new_mutex<T: Send>(value: T) -> Self::RawMutex<T> {
                $krate::sync::Mutex::new(value)
            }

            #[track_caller]
            fn lock<T: Send>(mutex: &Self::RawMutex<T>) -> Self::RawGuard<'_, T> {
                // Poisoning is ignored: a model thread that panicked has already failed the run.
                mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
            }

            fn new_condvar() -> Self::RawCondvar {
                $krate::sync::Condvar::new()
            }

            #[track_caller]
            fn wait<'a, T: Send>(
                cv: &Self::RawCondvar,
                guard: Self::RawGuard<'a, T>,
            ) -> Self::RawGuard<'a, T> {
                cv.wait(guard).unwrap_or_else(|poisoned| poisoned.into_inner())
            }

            fn notify_one(cv: &Self::RawCondvar) {
                cv.notify_one()
            }

            fn notify_all(cv: &Self::RawCondvar) {
                cv.notify_all()
            }

            #[track_caller]
            fn spawn<F, T>(name: &str, body: F) -> Self::RawJoinHandle<T>
            where
                F: FnOnce() -> T + Send + 'static,
                T: Send + 'static,
            {
                $krate::thread::Builder::new()
                    .name(name.to_owned())
                    .spawn(body)
                    .expect("the runtime refused to spawn a thread")
            }

            #[track_caller]
            fn join<T: Send + 'static>(handle: Self::RawJoinHandle<T>) -> T {
                handle.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            }

            fn yield_now() {
                $krate::thread::yield_now()
            }

            fn arbitrary(n: usize) -> usize {
                $arbitrary(n)
            }
        }
    };
}

/// Real threads: a random index, like Go's map iteration (std's per-hasher random keys are
/// the only randomness std offers; statistical quality does not matter here).
fn random_below(n: usize) -> usize {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_usize(n);
    (hasher.finish() % n as u64) as usize
}

/// shuttle: a random choice shuttle draws from its seeded source and records in the schedule.
fn shuttle_choice(n: usize) -> usize {
    use shuttle::rand::RngCore;
    (shuttle::rand::thread_rng().next_u64() % n as u64) as usize
}

/// loom has no data choices to explore; asking would silently fix the order, so it is a bug.
fn no_choice_under_loom(_n: usize) -> usize {
    panic!("loom explores schedules, not data: the loom driver must pass Orders::Given")
}

backend!(
    /// loom's primitives: every interleaving within a preemption bound. Inside `loom::model` only.
    Loom, "loom", loom, no_choice_under_loom, super::NoHint
);
backend!(
    /// shuttle's primitives: randomly or PCT-scheduled executions. Inside a shuttle runner only.
    Shuttle, "shuttle", shuttle, shuttle_choice, super::NoHint
);

/// loom's primitives, with a lock-free hint as the real threads keep one (a loom atomic by
/// default): for the channel's tests of its lock-free path, which may also hand it a broken
/// hint to show that those tests can fail. The kubelet model runs on [`Loom`], which keeps none.
pub struct LoomHinted<H = loom::sync::atomic::AtomicUsize>(std::marker::PhantomData<H>);

impl<H: super::Hint + 'static> Runtime for LoomHinted<H> {
    const NAME: &'static str = "loom";

    type RawMutex<T: Send> = <Loom as Runtime>::RawMutex<T>;
    type RawGuard<'a, T: Send + 'a> = <Loom as Runtime>::RawGuard<'a, T>;
    type RawCondvar = <Loom as Runtime>::RawCondvar;
    type RawJoinHandle<T: Send + 'static> = <Loom as Runtime>::RawJoinHandle<T>;
    type Hint = H;

    fn new_mutex<T: Send>(value: T) -> Self::RawMutex<T> {
        <Loom as Runtime>::new_mutex(value)
    }
    #[track_caller]
    fn lock<T: Send>(mutex: &Self::RawMutex<T>) -> Self::RawGuard<'_, T> {
        <Loom as Runtime>::lock(mutex)
    }
    fn new_condvar() -> Self::RawCondvar {
        <Loom as Runtime>::new_condvar()
    }
    #[track_caller]
    fn wait<'a, T: Send>(
        cv: &Self::RawCondvar,
        guard: Self::RawGuard<'a, T>,
    ) -> Self::RawGuard<'a, T> {
        <Loom as Runtime>::wait(cv, guard)
    }
    fn notify_one(cv: &Self::RawCondvar) {
        <Loom as Runtime>::notify_one(cv)
    }
    fn notify_all(cv: &Self::RawCondvar) {
        <Loom as Runtime>::notify_all(cv)
    }
    #[track_caller]
    fn spawn<F, T>(name: &str, body: F) -> Self::RawJoinHandle<T>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        <Loom as Runtime>::spawn(name, body)
    }
    #[track_caller]
    fn join<T: Send + 'static>(handle: Self::RawJoinHandle<T>) -> T {
        <Loom as Runtime>::join(handle)
    }
    fn yield_now() {
        <Loom as Runtime>::yield_now()
    }
    fn arbitrary(n: usize) -> usize {
        <Loom as Runtime>::arbitrary(n)
    }
}

/// A lock of a real-thread backend: std's or parking_lot's mutex, adapted to one shape.
pub trait ThreadLock<T: Send>: Send + Sync {
    type Guard<'a>: DerefMut<Target = T>
    where
        Self: 'a;
    fn new(value: T) -> Self;
    fn acquire(&self) -> Self::Guard<'_>;
}

impl<T: Send> ThreadLock<T> for std::sync::Mutex<T> {
    type Guard<'a>
        = std::sync::MutexGuard<'a, T>
    where
        T: 'a;
    fn new(value: T) -> Self {
        std::sync::Mutex::new(value)
    }
    fn acquire(&self) -> Self::Guard<'_> {
        // Poisoning is ignored: a model thread that panicked has already failed the run.
        let ignore_poison = |p: std::sync::PoisonError<_>| p.into_inner();
        // `try_lock` first: std's `lock` marks a lock it had to wait for as contended, and
        // every later unlock of a contended lock is a system call. A partner holds this lock
        // for a few hundred nanoseconds at most.
        for round in 0..SPINS + YIELDS {
            match self.try_lock() {
                Ok(guard) => return guard,
                Err(std::sync::TryLockError::Poisoned(p)) => return ignore_poison(p),
                Err(std::sync::TryLockError::WouldBlock) if round < SPINS => {
                    // Back off exponentially: every try steals the lock's cache line.
                    for _ in 0..1u32 << round.min(6) {
                        std::hint::spin_loop();
                    }
                }
                Err(std::sync::TryLockError::WouldBlock) => std::thread::yield_now(),
            }
        }
        self.lock().unwrap_or_else(ignore_poison)
    }
}

/// How often a real-thread lock is tried, backing off between tries (exponentially: every try
/// takes the lock's cache line from its holder), and then with a yield between tries, before it
/// waits in the kernel. Chosen on the 2-core reference machine (docs/benchmarks.md).
const SPINS: u32 = 16;
const YIELDS: u32 = 8;

impl<T: Send> ThreadLock<T> for parking_lot::Mutex<T> {
    type Guard<'a>
        = parking_lot::MutexGuard<'a, T>
    where
        T: 'a;
    fn new(value: T) -> Self {
        parking_lot::Mutex::new(value)
    }
    fn acquire(&self) -> Self::Guard<'_> {
        self.lock()
    }
}

/// The guard of a real-thread lock, with the lock it came from, so that a condition variable
/// can release it and take it again.
pub struct ThreadGuard<'a, T: Send, L: ThreadLock<T> + 'a> {
    guard: L::Guard<'a>,
    lock: &'a L,
}

impl<T: Send, L: ThreadLock<T>> Deref for ThreadGuard<'_, T, L> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.guard
    }
}

impl<T: Send, L: ThreadLock<T>> DerefMut for ThreadGuard<'_, T, L> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.guard
    }
}

macro_rules! thread_backend {
    ($(#[$doc:meta])* $name:ident, $label:literal, $lock:path) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy)]
        pub enum $name {}

        impl Runtime for $name {
            const NAME: &'static str = $label;

            type RawMutex<T: Send> = $lock;
            type RawGuard<'a, T: Send + 'a> = ThreadGuard<'a, T, $lock>;
            type RawCondvar = SpinCondvar;
            type RawJoinHandle<T: Send + 'static> = std::thread::JoinHandle<T>;
            type Hint = std::sync::atomic::AtomicUsize;

            fn new_mutex<T: Send>(value: T) -> Self::RawMutex<T> {
                ThreadLock::new(value)
            }

            fn lock<T: Send>(mutex: &Self::RawMutex<T>) -> Self::RawGuard<'_, T> {
                ThreadGuard {
                    guard: mutex.acquire(),
                    lock: mutex,
                }
            }

            fn new_condvar() -> Self::RawCondvar {
                SpinCondvar::new()
            }

            fn wait<'a, T: Send>(
                cv: &Self::RawCondvar,
                guard: Self::RawGuard<'a, T>,
            ) -> Self::RawGuard<'a, T> {
                let lock = guard.lock;
                cv.wait(guard, || <Self as Runtime>::lock(lock))
            }

            fn notify_one(cv: &Self::RawCondvar) {
                cv.notify_one();
            }

            fn notify_all(cv: &Self::RawCondvar) {
                cv.notify_all();
            }

            fn hand_off(cv: &Self::RawCondvar, unused_room: bool) {
                cv.hand_off(unused_room)
            }

            fn spawn<F, T>(name: &str, body: F) -> Self::RawJoinHandle<T>
            where
                F: FnOnce() -> T + Send + 'static,
                T: Send + 'static,
            {
                std::thread::Builder::new()
                    .name(name.to_owned())
                    .spawn(body)
                    .expect("the operating system refused to spawn a thread")
            }

            fn join<T: Send + 'static>(handle: Self::RawJoinHandle<T>) -> T {
                handle
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            }

            fn yield_now() {
                std::thread::yield_now()
            }

            fn arbitrary(n: usize) -> usize {
                random_below(n)
            }
        }
    };
}

thread_backend!(
    /// Real OS threads with std's `Mutex`, and a condition variable that spins before it sleeps.
    Std, "std", std::sync::Mutex<T>
);
thread_backend!(
    /// Real OS threads with parking_lot's `Mutex`: the same channel code, a lock that lets the
    /// thread that just released it take it again (eventual fairness) instead of handing it
    /// over; see docs/benchmarks.md for what it is worth.
    ParkingLot, "parking_lot", parking_lot::Mutex<T>
);

/// The eventcount on real threads: std's atomics, lock and condvar; the counts tuned on the
/// 2-core reference machine (docs/benchmarks.md).
impl Parts for Std {
    type Counter = std::sync::atomic::AtomicU32;
    type Lock = std::sync::Mutex<Naps>;
    type Guard<'a> = std::sync::MutexGuard<'a, Naps>;
    type Wake = std::sync::Condvar;
    const SPINS: u32 = 16;
    const YIELDS: u32 = 256;
    const LINGER: u32 = 64;

    fn counter() -> Self::Counter {
        std::sync::atomic::AtomicU32::new(0)
    }
    fn load(counter: &Self::Counter, order: std::sync::atomic::Ordering) -> u32 {
        counter.load(order)
    }
    fn add(counter: &Self::Counter, delta: i32, order: std::sync::atomic::Ordering) {
        counter.fetch_add(delta as u32, order);
    }
    fn swap(counter: &Self::Counter, value: u32, order: std::sync::atomic::Ordering) -> u32 {
        counter.swap(value, order)
    }
    fn fence() {
        std::sync::atomic::fence(std::sync::atomic::Ordering::SeqCst)
    }
    fn lock_parts() -> (Self::Lock, Self::Wake) {
        (std::sync::Mutex::default(), std::sync::Condvar::new())
    }
    fn lock(lock: &Self::Lock) -> Self::Guard<'_> {
        lock.lock().unwrap_or_else(|p| p.into_inner())
    }
    fn wait<'a>(wake: &Self::Wake, guard: Self::Guard<'a>) -> Self::Guard<'a> {
        wake.wait(guard).unwrap_or_else(|p| p.into_inner())
    }
    fn notify_all(wake: &Self::Wake) {
        wake.notify_all()
    }
    fn pause() {
        std::hint::spin_loop()
    }
    fn yield_now() {
        std::thread::yield_now()
    }
    fn cpu() -> u32 {
        #[cfg(target_os = "linux")]
        return rustix::thread::sched_getcpu() as u32;
        #[cfg(not(target_os = "linux"))]
        return 0;
    }
}

/// The eventcount under loom, to check it: loom's atomics, lock and condvar, and no spinning.
/// loom reads a spin or a yield as a promise to let the partner run first, so a spinning waiter
/// would always see the notify and never sleep; without spins every wait takes the sleeping
/// path — the one where a wake-up can be lost — in every interleaving.
impl Parts for Loom {
    type Counter = loom::sync::atomic::AtomicU32;
    type Lock = loom::sync::Mutex<Naps>;
    type Guard<'a> = loom::sync::MutexGuard<'a, Naps>;
    type Wake = loom::sync::Condvar;
    const SPINS: u32 = 0;
    const YIELDS: u32 = 0;
    const LINGER: u32 = 0;

    fn counter() -> Self::Counter {
        loom::sync::atomic::AtomicU32::new(0)
    }
    fn load(counter: &Self::Counter, order: std::sync::atomic::Ordering) -> u32 {
        counter.load(order)
    }
    fn add(counter: &Self::Counter, delta: i32, order: std::sync::atomic::Ordering) {
        counter.fetch_add(delta as u32, order);
    }
    fn swap(counter: &Self::Counter, value: u32, order: std::sync::atomic::Ordering) -> u32 {
        counter.swap(value, order)
    }
    fn fence() {
        loom::sync::atomic::fence(std::sync::atomic::Ordering::SeqCst)
    }
    fn lock_parts() -> (Self::Lock, Self::Wake) {
        (
            loom::sync::Mutex::new(Naps::default()),
            loom::sync::Condvar::new(),
        )
    }
    fn lock(lock: &Self::Lock) -> Self::Guard<'_> {
        lock.lock().unwrap_or_else(|p| p.into_inner())
    }
    fn wait<'a>(wake: &Self::Wake, guard: Self::Guard<'a>) -> Self::Guard<'a> {
        wake.wait(guard).unwrap_or_else(|p| p.into_inner())
    }
    fn notify_all(wake: &Self::Wake) {
        wake.notify_all()
    }
    fn pause() {
        loom::hint::spin_loop()
    }
    fn yield_now() {
        loom::thread::yield_now()
    }
    fn cpu() -> u32 {
        0
    }
}
