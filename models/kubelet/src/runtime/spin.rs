//! A condition variable for real threads that spins briefly before it sleeps, and makes no
//! system call to notify when nobody sleeps.
//!
//! Why: relist and syncLoop hand events over many times a second. std's `Condvar` sleeps in
//! the kernel on every wait and makes a system call on every notify, so each hand-off costs a
//! wake-up — tens of microseconds when the channel holds one event. Here a waiter first watches
//! a sequence number that every notify bumps (the partner usually acts within a microsecond),
//! and only then sleeps; a notify bumps the number and wakes sleepers only if there are any.
//!
//! Only the real-thread backends ([`super::Std`], [`super::ParkingLot`]) use it: loom and
//! shuttle keep their own primitives, so what they explore does not change.
//!
//! The sleeping is an eventcount built from std's own mutex and condvar: a waiter reads the
//! sequence number while it still holds the caller's lock, and sleeps only under the internal
//! lock after counting itself a sleeper and checking, under that lock, that the number has not
//! moved; a notifier bumps the number and, if it sees a sleeper, takes the internal lock before
//! it signals — so a sleeper is either already waiting on the internal condvar or will see the
//! new number. The sleeper count and the number are each written then the other read, with a
//! sequentially consistent fence between (the store-load pattern no weaker order makes safe):
//! of the two fences, the later one's side sees the other's write. No wake-up is lost — loom
//! checks it in every interleaving, and that taking away the lock hand-shake or the fences loses
//! one (the tests below). Like any condvar it may wake a waiter spuriously (a notify ends every
//! spin): callers wait in loops.

use std::sync::atomic::Ordering;

/// What the eventcount is built from: real threads' primitives ([`super::Std`]'s), or loom's so
/// that every interleaving of it can be checked ([`super::Loom`]'s, in the tests below). The
/// counts of spins, yields and lingering pauses are the parts' too: they tune speed, and the
/// argument that no wake-up is lost holds for any of them.
pub trait Parts: 'static {
    type Counter: Send + Sync;
    type Lock: Send + Sync;
    type Guard<'a>;
    type Wake: Send + Sync;
    /// Checks for a notify, pausing the core briefly between checks, before yielding.
    const SPINS: u32;
    /// Yields before sleeping: a partner on a busy machine gets a chance to run on this core.
    const YIELDS: u32;
    /// The longest a notified waiter lingers while notifies keep coming, in pauses.
    const LINGER: u32;

    fn counter() -> Self::Counter;
    fn load(counter: &Self::Counter, order: Ordering) -> u32;
    fn add(counter: &Self::Counter, delta: i32, order: Ordering);
    /// A sequentially consistent fence.
    fn fence();
    fn lock_parts() -> (Self::Lock, Self::Wake);
    fn lock(lock: &Self::Lock) -> Self::Guard<'_>;
    /// Takes `lock` and lets it go at once: a notifier's way of waiting until every sleeper
    /// that missed its bump is asleep.
    fn handshake(lock: &Self::Lock) {
        drop(Self::lock(lock));
    }
    fn wait<'a>(wake: &Self::Wake, guard: Self::Guard<'a>) -> Self::Guard<'a>;
    fn notify_one(wake: &Self::Wake);
    fn notify_all(wake: &Self::Wake);
    fn pause();
    fn yield_now();
}

/// A condition variable that spins, then sleeps.
pub struct SpinCondvar<P: Parts = super::Std> {
    /// Bumped by every notify: a waiter that sees it move was notified.
    sequence: P::Counter,
    /// Waiters asleep (or about to be) on `wake`; a notify takes `sleep` only when some are.
    sleepers: P::Counter,
    sleep: P::Lock,
    wake: P::Wake,
}

impl<P: Parts> Default for SpinCondvar<P> {
    fn default() -> Self {
        let (sleep, wake) = P::lock_parts();
        SpinCondvar {
            sequence: P::counter(),
            sleepers: P::counter(),
            sleep,
            wake,
        }
    }
}

impl<P: Parts> std::fmt::Debug for SpinCondvar<P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SpinCondvar")
            .field("sequence", &P::load(&self.sequence, Ordering::Relaxed))
            .field("sleepers", &P::load(&self.sleepers, Ordering::Relaxed))
            .finish()
    }
}

impl<P: Parts> SpinCondvar<P> {
    pub fn new() -> Self {
        Self::default()
    }

    /// Releases `guard`, waits until notified (or spuriously), and relocks with `relock`.
    /// The sequence number is read while `guard` still holds the caller's lock.
    pub fn wait<G>(&self, guard: G, relock: impl FnOnce() -> G) -> G {
        let seen = P::load(&self.sequence, Ordering::Acquire);
        drop(guard);
        if !self.spin(seen) {
            let mut asleep = P::lock(&self.sleep);
            P::add(&self.sleepers, 1, Ordering::Relaxed);
            // Pairs with the notifier's fence: of the two fences, the later one's side sees the
            // other's write — this waiter the bump, or the notifier this sleeper.
            P::fence();
            while P::load(&self.sequence, Ordering::Acquire) == seen {
                asleep = P::wait(&self.wake, asleep);
            }
            P::add(&self.sleepers, -1, Ordering::Relaxed);
            drop(asleep);
        }
        relock()
    }

    /// Watches the sequence number for a while; `true` if it moved.
    fn spin(&self, seen: u32) -> bool {
        for round in 0..P::SPINS + P::YIELDS {
            if P::load(&self.sequence, Ordering::Acquire) != seen {
                self.linger(seen);
                return true;
            }
            if round < P::SPINS {
                P::pause();
            } else {
                P::yield_now();
            }
        }
        false
    }

    /// Notified: while the partner keeps notifying (a producer streaming into a roomy channel)
    /// wait a little longer, so that it fills several slots before this side takes the lock —
    /// batching the wake-ups. A partner that notified once (a one-slot hand-off) is not kept
    /// waiting: the number holds still, and the waiter goes at once.
    fn linger(&self, mut last: u32) {
        let mut still = 0;
        for _ in 0..P::LINGER {
            P::pause();
            let now = P::load(&self.sequence, Ordering::Acquire);
            if now == last {
                still += 1;
                if still == 2 {
                    return;
                }
            } else {
                (last, still) = (now, 0);
            }
        }
    }

    pub fn notify_one(&self) {
        self.notify(P::notify_one);
    }

    pub fn notify_all(&self) {
        self.notify(P::notify_all);
    }

    fn notify(&self, signal: fn(&P::Wake)) {
        P::add(&self.sequence, 1, Ordering::Release);
        P::fence();
        if P::load(&self.sleepers, Ordering::Relaxed) > 0 {
            // A sleeper checks the number and goes to sleep under this lock: taking it means
            // every sleeper that missed the bump is now waiting on `wake`.
            P::handshake(&self.sleep);
            signal(&self.wake);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::Loom;
    use super::*;
    use std::sync::Arc;

    /// A wait ends once notified, whether the notify comes while the waiter spins or after it
    /// has gone to sleep (the notifier waits until the waiter is a sleeper).
    #[test]
    fn a_sleeping_waiter_is_woken() {
        let limit = crate::watchdog::LIMIT;
        crate::watchdog::within(
            limit,
            "a sleeping waiter",
            a_sleeping_waiter_is_woken_on_threads,
        );
    }

    fn a_sleeping_waiter_is_woken_on_threads() {
        let lock = Arc::new(std::sync::Mutex::new(false));
        let cv = Arc::new(SpinCondvar::<super::super::Std>::new());
        let (l, c) = (Arc::clone(&lock), Arc::clone(&cv));
        let waiter = std::thread::spawn(move || {
            let mut ready = l.lock().unwrap();
            while !*ready {
                ready = c.wait(ready, || l.lock().unwrap());
            }
        });
        while cv.sleepers.load(Ordering::SeqCst) == 0 && !waiter.is_finished() {
            std::thread::yield_now();
        }
        *lock.lock().unwrap() = true;
        cv.notify_one();
        waiter.join().unwrap();
    }

    /// One waiter, one notifier, under loom: every interleaving, with the waiter's spin, its
    /// sleep and the notifier's handshake in every order. A lost wake-up leaves the waiter
    /// asleep for ever, which loom reports as a deadlock.
    fn hand_over<P: Parts>() {
        loom::model(|| {
            let shared = Arc::new((loom::sync::Mutex::new(false), SpinCondvar::<P>::new()));
            let theirs = Arc::clone(&shared);
            let waiter = loom::thread::spawn(move || {
                let (lock, cv) = &*theirs;
                let mut ready = lock.lock().unwrap();
                while !*ready {
                    ready = cv.wait(ready, || lock.lock().unwrap());
                }
            });
            let (lock, cv) = &*shared;
            *lock.lock().unwrap() = true;
            cv.notify_one();
            waiter.join().unwrap();
        });
    }

    #[test]
    fn no_wake_up_is_lost_in_any_interleaving() {
        hand_over::<Loom>();
    }

    /// loom's parts with one ingredient of the argument taken away.
    enum Broken<const FLAW: u8> {}

    const SKIPS_THE_HANDSHAKE: u8 = 0;
    const RELAXED: u8 = 1;

    impl<const FLAW: u8> Parts for Broken<FLAW> {
        type Counter = <Loom as Parts>::Counter;
        type Lock = <Loom as Parts>::Lock;
        type Guard<'a> = <Loom as Parts>::Guard<'a>;
        type Wake = <Loom as Parts>::Wake;
        const SPINS: u32 = <Loom as Parts>::SPINS;
        const YIELDS: u32 = <Loom as Parts>::YIELDS;
        const LINGER: u32 = <Loom as Parts>::LINGER;

        fn counter() -> Self::Counter {
            Loom::counter()
        }
        fn load(counter: &Self::Counter, order: Ordering) -> u32 {
            Loom::load(
                counter,
                if FLAW == RELAXED {
                    Ordering::Relaxed
                } else {
                    order
                },
            )
        }
        fn add(counter: &Self::Counter, delta: i32, order: Ordering) {
            Loom::add(
                counter,
                delta,
                if FLAW == RELAXED {
                    Ordering::Relaxed
                } else {
                    order
                },
            )
        }
        fn fence() {
            if FLAW != RELAXED {
                Loom::fence()
            }
        }
        fn lock_parts() -> (Self::Lock, Self::Wake) {
            Loom::lock_parts()
        }
        fn lock(lock: &Self::Lock) -> Self::Guard<'_> {
            Loom::lock(lock)
        }
        fn handshake(lock: &Self::Lock) {
            if FLAW != SKIPS_THE_HANDSHAKE {
                Loom::handshake(lock)
            }
        }
        fn wait<'a>(wake: &Self::Wake, guard: Self::Guard<'a>) -> Self::Guard<'a> {
            Loom::wait(wake, guard)
        }
        fn notify_one(wake: &Self::Wake) {
            Loom::notify_one(wake)
        }
        fn notify_all(wake: &Self::Wake) {
            Loom::notify_all(wake)
        }
        fn pause() {
            Loom::pause()
        }
        fn yield_now() {
            <Loom as Parts>::yield_now()
        }
    }

    /// The message of the panic `f` ends in.
    fn failure(f: impl FnOnce() + std::panic::UnwindSafe) -> String {
        let panic = std::panic::catch_unwind(f).expect_err("the check must fail");
        panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
            .unwrap_or_default()
    }

    /// The same check fails when the notifier skips the handshake with the sleep lock: a
    /// sleeper that checked the number before the bump falls asleep after the signal.
    #[test]
    fn a_notify_that_skips_the_handshake_loses_a_wake_up() {
        let why = failure(hand_over::<Broken<SKIPS_THE_HANDSHAKE>>);
        assert!(why.contains("deadlock"), "{why}");
    }

    /// And when the orders are weakened to Relaxed and the fences left out: the notifier may
    /// not see the new sleeper, and the sleeper may not see the bump.
    #[test]
    fn relaxed_orders_lose_a_wake_up() {
        let why = failure(hand_over::<Broken<RELAXED>>);
        assert!(why.contains("deadlock"), "{why}");
    }
}
