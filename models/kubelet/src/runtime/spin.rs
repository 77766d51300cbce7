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
//! checks it in every interleaving, and that taking away the lock hand-shake, the fences or the
//! nap count loses one (the tests below). Like any condvar it may wake a waiter spuriously (a
//! notify ends every spin): callers wait in loops.
//!
//! Two habits of the kernel's scheduler shape the rest; both were measured on the 2-core
//! reference machine (docs/benchmarks.md, "The cliff"). A woken sleeper takes tens of
//! microseconds to run, and a notifier that signalled on every bump until then made a system
//! call per message: so the internal lock also counts naps, and a notifier signals only when
//! someone has gone to sleep since the last signal (that signal wakes them all). And the kernel
//! often runs the two partners on one core while the other idles: a waiter that yields there
//! hands its partner a whole time slice per check, and a partner that never blocks (syncLoop
//! working through a full channel) kept relist waiting 1.6 ms for a slot freed in
//! microseconds. So a receiver that frees a slot *hands it off* ([`SpinCondvar::hand_off`]):
//! if the sender it woke was asleep, or is yielding on the receiver's own CPU and has left the
//! room freed for it unused for a while (the channel counts how long), it yields once and lets
//! the sender run.

use std::sync::atomic::Ordering;

/// What the eventcount is built from: real threads' primitives ([`super::Std`]'s), or loom's so
/// that every interleaving of it can be checked ([`super::Loom`]'s, in the tests below). The
/// counts of spins, yields and lingering pauses are the parts' too: they tune speed, and the
/// argument that no wake-up is lost holds for any of them.
pub trait Parts: 'static {
    type Counter: Send + Sync;
    type Lock: Send + Sync;
    type Guard<'a>: std::ops::DerefMut<Target = Naps>;
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
    fn swap(counter: &Self::Counter, value: u32, order: Ordering) -> u32;
    /// A sequentially consistent fence.
    fn fence();
    fn lock_parts() -> (Self::Lock, Self::Wake);
    fn lock(lock: &Self::Lock) -> Self::Guard<'_>;
    /// A waiter about to sleep counts its nap.
    fn nap(naps: &mut Naps) {
        naps.taken = naps.taken.wrapping_add(1);
    }
    /// The notifier's hand-shake: taking `lock` waits until every sleeper that missed the bump
    /// is asleep; under it, whether any has gone to sleep since the last signal (and if so, that
    /// this notifier signals).
    fn signal_due(lock: &Self::Lock) -> bool {
        let mut naps = Self::lock(lock);
        let due = naps.taken != naps.signalled;
        naps.signalled = naps.taken;
        due
    }
    fn wait<'a>(wake: &Self::Wake, guard: Self::Guard<'a>) -> Self::Guard<'a>;
    fn notify_all(wake: &Self::Wake);
    fn pause();
    fn yield_now();
    /// The CPU this thread runs on, or 0 where that is unknown (or under loom, which has none):
    /// a hand-off yields only to a waiter that yielded on the notifier's own CPU.
    fn cpu() -> u32;
}

/// The naps taken on the internal lock, and how many of them a signal has already ended.
/// Both wrap: only their difference is read.
#[derive(Debug, Default)]
pub struct Naps {
    taken: u32,
    signalled: u32,
}

/// A condition variable that spins, then sleeps.
pub struct SpinCondvar<P: Parts = super::Std> {
    /// Bumped by every notify: a waiter that sees it move was notified.
    sequence: P::Counter,
    /// Waiters asleep (or about to be) on `wake`; a notify takes `sleep` only when some are.
    sleepers: P::Counter,
    /// Who has been waiting long, for [`hand_off`](Self::hand_off).
    slow: SlowWaiters<P>,
    sleep: P::Lock,
    wake: P::Wake,
}

impl<P: Parts> Default for SpinCondvar<P> {
    fn default() -> Self {
        let (sleep, wake) = P::lock_parts();
        SpinCondvar {
            sequence: P::counter(),
            sleepers: P::counter(),
            slow: SlowWaiters::default(),
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
                // Counted under the lock, so the next notifier to take it signals this nap.
                P::nap(&mut asleep);
                asleep = P::wait(&self.wake, asleep);
            }
            P::add(&self.sleepers, -1, Ordering::Relaxed);
            drop(asleep);
        }
        relock()
    }

    /// Watches the sequence number for a while; `true` if it moved. A waiter that has to
    /// yield is counted in `slow` meanwhile.
    fn spin(&self, seen: u32) -> bool {
        let moved = self.watch(seen, P::SPINS, P::pause) || {
            P::add(&self.slow.yielding, 1, Ordering::Relaxed);
            let moved = self.watch(seen, P::YIELDS, || {
                P::swap(&self.slow.cpu, P::cpu(), Ordering::Relaxed);
                P::yield_now()
            });
            P::add(&self.slow.yielding, -1, Ordering::Relaxed);
            moved
        };
        if moved {
            self.linger(seen);
        }
        moved
    }

    /// Checks the number `rounds` times, `between` each check; `true` if it moved.
    fn watch(&self, seen: u32, rounds: u32, between: impl Fn()) -> bool {
        for _ in 0..rounds {
            if P::load(&self.sequence, Ordering::Acquire) != seen {
                return true;
            }
            between();
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

    /// Wakes the waiters. A notify wakes every sleeper (there is one waiter per condvar in the
    /// channel's use, and spurious wake-ups are allowed), so `notify_one` and `notify_all` are
    /// the same call; both names stay so that callers say what they need.
    /// `true` if it signalled a sleeper (one that may not have run yet).
    pub fn notify_one(&self) -> bool {
        self.notify()
    }

    pub fn notify_all(&self) -> bool {
        self.notify()
    }

    /// Notifies a waiter this thread has made room for, and makes sure it gets to run. A
    /// waiter on another core notices a bump at once. One that was asleep is not running; nor
    /// is one that has left room freed for it unused (`unused_room`, which the caller counts)
    /// while it yields on this thread's own CPU — it is queued behind this thread (the kernel
    /// often puts the two partners on one core while the other idles), where it would wait out
    /// this thread's whole time slice. Then this thread yields. A waiter yielding on the other
    /// CPU is left alone: it is queued behind someone else, and yielding here would only cost
    /// this thread its core (with two producers, it once cost them 95% of their speed).
    pub fn hand_off(&self, unused_room: bool) {
        if self.notify() || unused_room && self.slow.yielding_here() {
            P::yield_now();
        }
    }

    fn notify(&self) -> bool {
        P::add(&self.sequence, 1, Ordering::Release);
        P::fence();
        let signal = P::load(&self.sleepers, Ordering::Relaxed) > 0 && P::signal_due(&self.sleep);
        if signal {
            P::notify_all(&self.wake);
        }
        signal
    }
}

/// Waiters that spun without being notified and now yield between checks — on a busy core
/// that means one time slice of the partner's per check. Kept on their own cache lines: only
/// slow waits write them, and hand-offs only read them, so the fast path never touches them.
/// Hints only: nothing depends on them for safety.
#[repr(align(128))]
struct SlowWaiters<P: Parts> {
    /// Waiters yielding now.
    yielding: P::Counter,
    /// The CPU a waiter last yielded on.
    cpu: P::Counter,
}

impl<P: Parts> Default for SlowWaiters<P> {
    fn default() -> Self {
        SlowWaiters {
            yielding: P::counter(),
            cpu: P::counter(),
        }
    }
}

impl<P: Parts> SlowWaiters<P> {
    /// Whether a waiter is yielding, and last yielded on this thread's CPU: queued behind it.
    fn yielding_here(&self) -> bool {
        P::load(&self.yielding, Ordering::Relaxed) > 0
            && P::load(&self.cpu, Ordering::Relaxed) == P::cpu()
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
    /// sleep and the notifier's handshake in every order, for `rounds` hand-overs (the second
    /// one is where a notifier may wrongly believe a sleeper already signalled). A lost
    /// wake-up leaves the waiter asleep for ever, which loom reports as a deadlock.
    fn hand_over<P: Parts>(rounds: u32) {
        loom::model(move || {
            let shared = Arc::new((loom::sync::Mutex::new(0), SpinCondvar::<P>::new()));
            let theirs = Arc::clone(&shared);
            let waiter = loom::thread::spawn(move || {
                let (lock, cv) = &*theirs;
                for round in 1..=rounds {
                    let mut done = lock.lock().unwrap();
                    while *done < round {
                        done = cv.wait(done, || lock.lock().unwrap());
                    }
                }
            });
            let (lock, cv) = &*shared;
            for round in 1..=rounds {
                *lock.lock().unwrap() = round;
                // The channel's two ways to notify: plain, and handing a freed slot over.
                if round % 2 == 1 {
                    cv.notify_one();
                } else {
                    cv.hand_off(round == 2);
                }
            }
            waiter.join().unwrap();
        });
    }

    #[test]
    fn no_wake_up_is_lost_in_any_interleaving() {
        hand_over::<Loom>(1);
    }

    #[test]
    fn no_wake_up_is_lost_over_two_hand_overs() {
        hand_over::<Loom>(2);
    }

    /// loom's parts with one ingredient of the argument taken away.
    enum Broken<const FLAW: u8> {}

    const SKIPS_THE_HANDSHAKE: u8 = 0;
    const RELAXED: u8 = 1;
    const FORGETS_A_NAP: u8 = 2;

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
        fn swap(counter: &Self::Counter, value: u32, order: Ordering) -> u32 {
            Loom::swap(counter, value, order)
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
        fn nap(naps: &mut Naps) {
            // Counts only a waiter's first nap: a notifier then believes the second one signalled.
            if FLAW != FORGETS_A_NAP || naps.taken == 0 {
                Loom::nap(naps)
            }
        }
        fn signal_due(lock: &Self::Lock) -> bool {
            FLAW == SKIPS_THE_HANDSHAKE || Loom::signal_due(lock)
        }
        fn wait<'a>(wake: &Self::Wake, guard: Self::Guard<'a>) -> Self::Guard<'a> {
            Loom::wait(wake, guard)
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
        fn cpu() -> u32 {
            Loom::cpu()
        }
    }

    /// The same check fails when the notifier skips the handshake with the sleep lock: a
    /// sleeper that checked the number before the bump falls asleep after the signal.
    #[test]
    fn a_notify_that_skips_the_handshake_loses_a_wake_up() {
        let why = pleg_core::panics::of(|| hand_over::<Broken<SKIPS_THE_HANDSHAKE>>(1));
        assert!(why.contains("deadlock"), "{why}");
    }

    /// And when the orders are weakened to Relaxed and the fences left out: the notifier may
    /// not see the new sleeper, and the sleeper may not see the bump.
    #[test]
    fn relaxed_orders_lose_a_wake_up() {
        let why = pleg_core::panics::of(|| hand_over::<Broken<RELAXED>>(1));
        assert!(why.contains("deadlock"), "{why}");
    }

    /// And when a waiter's second nap goes uncounted: the notifier believes the earlier signal
    /// covered it and lets the waiter sleep.
    #[test]
    fn an_uncounted_nap_loses_a_wake_up() {
        let why = pleg_core::panics::of(|| hand_over::<Broken<FORGETS_A_NAP>>(2));
        assert!(why.contains("deadlock"), "{why}");
    }
}
