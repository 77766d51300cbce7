//! The three backends. std, loom and shuttle expose the same std-shaped API (`LockResult`s,
//! `thread::Builder`), so one template adapts all three: the only differences are the paths.

use super::Runtime;

macro_rules! backend {
    ($(#[$doc:meta])* $name:ident, $label:literal, $krate:ident, $arbitrary:path) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy)]
        pub enum $name {}

        impl Runtime for $name {
            const NAME: &'static str = $label;

            type RawMutex<T: Send> = $krate::sync::Mutex<T>;
            type RawGuard<'a, T: Send + 'a> = $krate::sync::MutexGuard<'a, T>;
            type RawCondvar = $krate::sync::Condvar;
            type RawJoinHandle<T: Send + 'static> = $krate::thread::JoinHandle<T>;

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
    /// Real OS threads with std's `Mutex` and `Condvar`.
    Std, "std", std, random_below
);
backend!(
    /// loom's primitives: every interleaving within a preemption bound. Inside `loom::model` only.
    Loom, "loom", loom, no_choice_under_loom
);
backend!(
    /// shuttle's primitives: randomly or PCT-scheduled executions. Inside a shuttle runner only.
    Shuttle, "shuttle", shuttle, shuttle_choice
);

/// Real OS threads with parking_lot's `Mutex` and `Condvar`: the same channel code, a lock that
/// lets the thread that just released it take it again (eventual fairness) instead of handing
/// it over. Under producer/consumer contention that keeps each side working in batches; see
/// docs/benchmarks.md for what it is worth.
#[derive(Debug, Clone, Copy)]
pub enum ParkingLot {}

impl Runtime for ParkingLot {
    const NAME: &'static str = "parking_lot";

    type RawMutex<T: Send> = parking_lot::Mutex<T>;
    type RawGuard<'a, T: Send + 'a> = parking_lot::MutexGuard<'a, T>;
    type RawCondvar = parking_lot::Condvar;
    type RawJoinHandle<T: Send + 'static> = std::thread::JoinHandle<T>;

    fn new_mutex<T: Send>(value: T) -> Self::RawMutex<T> {
        parking_lot::Mutex::new(value)
    }

    fn lock<T: Send>(mutex: &Self::RawMutex<T>) -> Self::RawGuard<'_, T> {
        mutex.lock()
    }

    fn new_condvar() -> Self::RawCondvar {
        parking_lot::Condvar::new()
    }

    fn wait<'a, T: Send>(
        cv: &Self::RawCondvar,
        mut guard: Self::RawGuard<'a, T>,
    ) -> Self::RawGuard<'a, T> {
        cv.wait(&mut guard);
        guard
    }

    fn notify_one(cv: &Self::RawCondvar) {
        cv.notify_one();
    }

    fn notify_all(cv: &Self::RawCondvar) {
        cv.notify_all();
    }

    fn spawn<F, T>(name: &str, body: F) -> Self::RawJoinHandle<T>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        Std::spawn(name, body)
    }

    fn join<T: Send + 'static>(handle: Self::RawJoinHandle<T>) -> T {
        Std::join(handle)
    }

    fn yield_now() {
        Std::yield_now()
    }

    fn arbitrary(n: usize) -> usize {
        Std::arbitrary(n)
    }
}
