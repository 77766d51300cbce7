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
//! lock after checking, under that lock, that the number has not moved; a notifier bumps the
//! number and, if it sees a sleeper, takes the internal lock before it signals — so a sleeper is
//! either already waiting on the internal condvar or will see the new number. No wake-up is
//! lost. Like any condvar it may wake a waiter spuriously (a notify ends every spin): callers
//! wait in loops.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Condvar, Mutex};

/// How many times a waiter checks for a notify, pausing the core briefly between checks,
/// before it yields its time slice.
const SPINS: u32 = 16;
/// How many times it then yields before it sleeps: a partner on a busy machine gets a chance to
/// run on this core.
const YIELDS: u32 = 256;
/// The longest a notified waiter lingers while notifies keep coming, in pauses.
const LINGER: u32 = 64;

/// A condition variable that spins, then sleeps.
#[derive(Debug, Default)]
pub struct SpinCondvar {
    /// Bumped by every notify: a waiter that sees it move was notified.
    sequence: AtomicU32,
    /// Waiters asleep (or about to be) on `wake`; a notify takes `sleep` only when some are.
    sleepers: AtomicU32,
    sleep: Mutex<()>,
    wake: Condvar,
}

impl SpinCondvar {
    pub fn new() -> Self {
        Self::default()
    }

    /// Releases `guard`, waits until notified (or spuriously), and relocks with `relock`.
    /// The sequence number is read while `guard` still holds the caller's lock.
    pub fn wait<G>(&self, guard: G, relock: impl FnOnce() -> G) -> G {
        let seen = self.sequence.load(Ordering::SeqCst);
        drop(guard);
        if !self.spin(seen) {
            let mut asleep = self.sleep.lock().unwrap_or_else(|p| p.into_inner());
            self.sleepers.fetch_add(1, Ordering::SeqCst);
            while self.sequence.load(Ordering::SeqCst) == seen {
                asleep = self.wake.wait(asleep).unwrap_or_else(|p| p.into_inner());
            }
            self.sleepers.fetch_sub(1, Ordering::SeqCst);
        }
        relock()
    }

    /// Watches the sequence number for a while; `true` if it moved.
    fn spin(&self, seen: u32) -> bool {
        for round in 0..SPINS + YIELDS {
            if self.sequence.load(Ordering::Acquire) != seen {
                self.linger(seen);
                return true;
            }
            if round < SPINS {
                std::hint::spin_loop();
            } else {
                std::thread::yield_now();
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
        for _ in 0..LINGER {
            std::hint::spin_loop();
            let now = self.sequence.load(Ordering::Acquire);
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
        self.notify(Condvar::notify_one);
    }

    pub fn notify_all(&self) {
        self.notify(Condvar::notify_all);
    }

    fn notify(&self, signal: fn(&Condvar)) {
        self.sequence.fetch_add(1, Ordering::SeqCst);
        if self.sleepers.load(Ordering::SeqCst) > 0 {
            // A sleeper checks the number and goes to sleep under this lock: taking it means
            // every sleeper that missed the bump is now waiting on `wake`.
            drop(self.sleep.lock().unwrap_or_else(|p| p.into_inner()));
            signal(&self.wake);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    /// A wait ends once notified, whether the notify comes while the waiter spins or after it
    /// has gone to sleep (the notifier waits, by a channel, until the waiter is a sleeper).
    #[test]
    fn a_sleeping_waiter_is_woken() {
        let lock = Arc::new(Mutex::new(false));
        let cv = Arc::new(SpinCondvar::new());
        let (l, c) = (Arc::clone(&lock), Arc::clone(&cv));
        let waiter = std::thread::spawn(move || {
            let mut ready = l.lock().unwrap();
            while !*ready {
                ready = c.wait(ready, || l.lock().unwrap());
            }
        });
        // Notify only once the waiter has given up spinning and sleeps.
        while cv.sleepers.load(Ordering::SeqCst) == 0 && !waiter.is_finished() {
            std::thread::yield_now();
        }
        *lock.lock().unwrap() = true;
        cv.notify_one();
        waiter.join().unwrap();
    }
}
