//! A bounded channel with Go's semantics: kubelet's `eventChannel`.
//!
//! `send` blocks while the channel is full (Go's `ch <- e`); `try_send` never blocks and hands
//! the value back when the channel is full (Go's `select { case ch <- e: default: }`); `recv`
//! blocks while the channel is empty and returns `None` once it is closed and drained. Unlike
//! Go, sending on a closed channel is an error rather than a panic, and capacity 0 (Go's
//! unbuffered rendezvous) is refused: kubelet's channel is buffered.
//!
//! Invariant: `0 <= len <= capacity`; every waiter re-checks its predicate in a loop, and a
//! side is only woken when somebody is waiting on it. Two condition variables, one per
//! predicate: a single shared condvar with `notify_one` is the classic bounded-buffer deadlock.
//!
//! Each operation also has a `_noted` form that reports what happened to which value (and the length it left)
//! *while still holding the lock*, so a recorded trace orders channel steps exactly as they
//! happened. The note is a plain closure: it adds no synchronisation the checkers could see.

use crate::runtime::{Condvar, Hint, Mutex, Runtime};
use std::collections::VecDeque;
use std::fmt;

/// What a channel operation did, reported to a `_noted` operation's callback with the value
/// and the length of the buffer right after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChannelOp {
    /// The value is in the buffer.
    Sent,
    /// The buffer was full; a blocking sender is about to wait (reported once per send).
    SendBlocked,
    /// The buffer was full; a non-blocking sender gave up and handed the value back.
    SendRefused,
    /// A value was taken out of the buffer.
    Received,
}

/// A bounded multi-producer multi-consumer channel over runtime `R`.
pub struct Channel<R: Runtime, T: Send> {
    state: Mutex<R, State<T>>,
    /// Signalled when a slot frees up or the channel closes.
    not_full: Condvar<R>,
    /// Signalled when a value arrives or the channel closes.
    not_empty: Condvar<R>,
    capacity: usize,
    /// The buffer's length as the last critical section left it, or [`CLOSED`]: read without
    /// the lock by [`try_send`](Self::try_send) (on runtimes that keep the hint).
    occupancy: R::Hint,
}

/// The occupancy of a closed channel: never mistaken for a full one.
const CLOSED: usize = usize::MAX;

struct State<T> {
    /// Allocated once at full capacity: sending never allocates.
    buffer: VecDeque<T>,
    closed: bool,
    /// Senders asleep on `not_full`; nobody is notified when this is zero.
    waiting_senders: usize,
    /// Receivers asleep on `not_empty`.
    waiting_receivers: usize,
    /// How long the waiting senders have left freed slots unused.
    stalled: Stalled,
}

/// Hand-offs of freed slots to waiting senders with nothing sent between them: the senders
/// have not run since. Only the real threads' hand-off acts on it ([`Condvar::hand_off`]); the
/// checkers' ignores it, so what they explore does not change.
///
/// [`Condvar::hand_off`]: crate::runtime::Condvar::hand_off
#[derive(Debug)]
struct Stalled {
    /// Hand-offs since the last send.
    unanswered: u32,
    /// More unanswered hand-offs than this make the senders overdue. It doubles each time they
    /// are — a sender with much to send, once let run, then fills the channel in batches
    /// rather than a message per context switch — and starts again at 1 when the channel
    /// empties.
    patience: u32,
}

impl Stalled {
    const FRESH: Stalled = Stalled {
        unanswered: 0,
        patience: 1,
    };

    fn sent(&mut self) {
        self.unanswered = 0;
    }

    /// A slot freed for waiting senders; `emptied` if it was the last value. `true` if the
    /// room freed before this one still stands unused after more than `patience` hand-offs.
    fn hand_off(&mut self, emptied: bool) -> bool {
        self.unanswered += 1;
        let overdue = self.unanswered > self.patience;
        if overdue {
            self.unanswered = 0;
            self.patience = self.patience.saturating_mul(2);
        }
        if emptied {
            self.patience = Self::FRESH.patience;
        }
        overdue
    }
}

/// The channel was closed: the value could not be sent and is handed back.
#[derive(Debug, PartialEq, Eq)]
pub struct SendError<T>(pub T);

/// Why [`Channel::try_send`] handed the value back.
#[derive(Debug, PartialEq, Eq)]
pub enum TrySendError<T> {
    /// "sending on a full channel": the default case of Go's select.
    Full(T),
    /// "sending on a closed channel".
    Closed(T),
}

/// Why [`Channel::try_recv`] returned nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TryRecvError {
    /// "receiving on an empty channel".
    Empty,
    /// "receiving on an empty and closed channel".
    Closed,
}

/// A channel of capacity 0 was requested.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ZeroCapacity;

impl fmt::Display for ZeroCapacity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("channel capacity must be at least 1 (an unbuffered channel is not modelled)")
    }
}

impl std::error::Error for ZeroCapacity {}

impl<R: Runtime, T: Send> Channel<R, T> {
    /// A channel holding at most `capacity` values; `capacity` must be at least 1.
    pub fn new(capacity: usize) -> Result<Self, ZeroCapacity> {
        if capacity == 0 {
            return Err(ZeroCapacity);
        }
        Ok(Self {
            state: Mutex::new(State {
                buffer: VecDeque::with_capacity(capacity),
                closed: false,
                waiting_senders: 0,
                waiting_receivers: 0,
                stalled: Stalled::FRESH,
            }),
            not_full: Condvar::new(),
            not_empty: Condvar::new(),
            capacity,
            occupancy: R::Hint::new(0),
        })
    }

    pub fn capacity(&self) -> usize {
        self.capacity
    }

    pub fn len(&self) -> usize {
        self.state.lock().buffer.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Go's `ch <- value`: waits while the channel is full.
    pub fn send(&self, value: T) -> Result<(), SendError<T>> {
        self.send_noted(value, |_, _, _| {})
    }

    /// [`send`](Self::send), reporting [`ChannelOp::SendBlocked`] before it first waits and
    /// [`ChannelOp::Sent`] once the value is in.
    #[track_caller]
    pub fn send_noted(
        &self,
        value: T,
        mut note: impl FnMut(ChannelOp, &T, usize),
    ) -> Result<(), SendError<T>> {
        let mut state = self.state.lock();
        let mut reported_block = false;
        while state.buffer.len() == self.capacity && !state.closed {
            if !reported_block {
                note(ChannelOp::SendBlocked, &value, state.buffer.len());
                reported_block = true;
            }
            state.waiting_senders += 1;
            state = self.not_full.wait(state);
            state.waiting_senders -= 1;
        }
        if state.closed {
            return Err(SendError(value));
        }
        self.push(state, value, note);
        Ok(())
    }

    /// Go's `select { case ch <- value: default: }`: never waits.
    ///
    /// Like Go's, it first looks for a full channel without the lock: the occupancy is written
    /// in every critical section that changes the buffer, so a `capacity` read here was the
    /// buffer's length at a moment this call can be placed at, and refusing is what a locked
    /// check at that moment would have done. Any other reading takes the lock and decides
    /// there. (The `_noted` form always locks: its note must be ordered with the others.)
    pub fn try_send(&self, value: T) -> Result<(), TrySendError<T>> {
        if self.occupancy.get() == Some(self.capacity) {
            return Err(TrySendError::Full(value));
        }
        self.try_send_noted(value, |_, _, _| {})
    }

    /// [`try_send`](Self::try_send), reporting [`ChannelOp::Sent`] or [`ChannelOp::SendRefused`].
    #[track_caller]
    pub fn try_send_noted(
        &self,
        value: T,
        mut note: impl FnMut(ChannelOp, &T, usize),
    ) -> Result<(), TrySendError<T>> {
        let state = self.state.lock();
        if state.closed {
            return Err(TrySendError::Closed(value));
        }
        if state.buffer.len() == self.capacity {
            note(ChannelOp::SendRefused, &value, state.buffer.len());
            return Err(TrySendError::Full(value));
        }
        self.push(state, value, note);
        Ok(())
    }

    /// Go's `v, ok := <-ch`: waits while the channel is empty and open; `None` once it is
    /// closed and drained.
    pub fn recv(&self) -> Option<T> {
        self.recv_noted(|_, _, _| {})
    }

    /// [`recv`](Self::recv), reporting [`ChannelOp::Received`] with the length left behind.
    #[track_caller]
    pub fn recv_noted(&self, note: impl FnMut(ChannelOp, &T, usize)) -> Option<T> {
        let mut state = self.state.lock();
        while state.buffer.is_empty() && !state.closed {
            state.waiting_receivers += 1;
            state = self.not_empty.wait(state);
            state.waiting_receivers -= 1;
        }
        self.pop(state, note)
    }

    /// Go's `select { case v, ok := <-ch: default: }`.
    #[track_caller]
    pub fn try_recv(&self) -> Result<T, TryRecvError> {
        let state = self.state.lock();
        let closed = state.closed;
        self.pop(state, |_, _, _| {}).ok_or(if closed {
            TryRecvError::Closed
        } else {
            TryRecvError::Empty
        })
    }

    /// Go's `close(ch)`: wakes every waiter; later sends fail, receives drain what is left.
    /// Closing twice is harmless (Go panics; the model has no use for that).
    pub fn close(&self) {
        let mut state = self.state.lock();
        state.closed = true;
        self.occupancy.set(CLOSED);
        let (senders, receivers) = (state.waiting_senders, state.waiting_receivers);
        drop(state);
        if senders > 0 {
            self.not_full.notify_all();
        }
        if receivers > 0 {
            self.not_empty.notify_all();
        }
    }

    fn push(
        &self,
        mut state: crate::runtime::MutexGuard<'_, R, State<T>>,
        value: T,
        mut note: impl FnMut(ChannelOp, &T, usize),
    ) {
        debug_assert!(state.buffer.len() < self.capacity);
        note(ChannelOp::Sent, &value, state.buffer.len() + 1);
        state.buffer.push_back(value);
        state.stalled.sent();
        self.occupancy.set(state.buffer.len());
        let wake = state.waiting_receivers > 0;
        // Wake after unlocking, so the woken receiver does not immediately block on our lock.
        drop(state);
        if wake {
            self.not_empty.notify_one();
        }
    }

    fn pop(
        &self,
        mut state: crate::runtime::MutexGuard<'_, R, State<T>>,
        mut note: impl FnMut(ChannelOp, &T, usize),
    ) -> Option<T> {
        let value = state.buffer.pop_front()?;
        self.occupancy.set(if state.closed {
            CLOSED
        } else {
            state.buffer.len()
        });
        note(ChannelOp::Received, &value, state.buffer.len());
        let wake = state.waiting_senders > 0;
        let emptied = state.buffer.is_empty();
        let overdue = wake && state.stalled.hand_off(emptied);
        drop(state);
        if wake {
            // A sender is blocked on the slot just freed: hand it over (Go readies the sender
            // the same way; a sender that wakes a receiver simply carries on, as Go's does).
            self.not_full.hand_off(overdue);
        }
        Some(value)
    }
}

impl<R: Runtime, T: Send> fmt::Debug for Channel<R, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Channel")
            .field("runtime", &R::NAME)
            .field("capacity", &self.capacity)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::{spawn, Std};
    use std::sync::Arc;

    type StdChannel = Channel<Std, u32>;

    #[test]
    fn capacity_zero_is_refused_with_a_clear_error() {
        let err = StdChannel::new(0).unwrap_err();
        assert_eq!(
            err.to_string(),
            "channel capacity must be at least 1 (an unbuffered channel is not modelled)"
        );
    }

    /// Debug names the backend and the capacity (what a reader needs to tell channels apart)
    /// and not the buffer, which may be a thousand events long.
    #[test]
    fn debug_shows_the_backend_and_the_capacity() {
        let ch = StdChannel::new(3).unwrap();
        ch.send(7).unwrap();
        assert_eq!(
            format!("{ch:?}"),
            format!("Channel {{ runtime: {:?}, capacity: 3, .. }}", Std::NAME)
        );
    }

    #[test]
    fn try_send_refuses_when_full_and_hands_the_value_back() {
        let ch = StdChannel::new(1).unwrap();
        assert_eq!(ch.try_send(1), Ok(()));
        assert_eq!(ch.try_send(2), Err(TrySendError::Full(2)));
        assert_eq!((ch.len(), ch.capacity()), (1, 1));
    }

    #[test]
    fn closed_channel_drains_then_ends_recv() {
        let ch = StdChannel::new(2).unwrap();
        ch.send(1).unwrap();
        ch.close();
        assert_eq!(ch.send(2), Err(SendError(2)));
        assert_eq!(ch.try_send(3), Err(TrySendError::Closed(3)));
        assert_eq!(ch.recv(), Some(1));
        assert_eq!(ch.recv(), None);
        assert_eq!(ch.try_recv(), Err(TryRecvError::Closed));
    }

    #[test]
    fn try_recv_on_open_empty_channel_is_empty() {
        let ch = StdChannel::new(1).unwrap();
        assert_eq!(ch.try_recv(), Err(TryRecvError::Empty));
        assert!(ch.is_empty());
        ch.send(1).unwrap();
        assert!(!ch.is_empty());
    }

    /// A sender blocked on a full channel is released by `close`, with its value handed back.
    /// (It tells the test it is blocked through its note, so nothing sleeps; if `close` failed
    /// to wake it, the time limit turns the hang into a failure.)
    #[test]
    fn close_releases_a_blocked_sender() {
        let ch = Arc::new(StdChannel::new(1).unwrap());
        ch.send(1).unwrap();
        let (blocked, is_blocked) = std::sync::mpsc::channel();
        let (done, result) = std::sync::mpsc::channel();
        {
            let ch = Arc::clone(&ch);
            spawn::<Std, _, _>("sender", move || {
                let sent = ch.send_noted(2, |op, _, _| {
                    if op == ChannelOp::SendBlocked {
                        blocked.send(()).unwrap();
                    }
                });
                done.send(sent).unwrap();
            });
        }
        is_blocked.recv().unwrap();
        ch.close();
        let sent = result.recv_timeout(std::time::Duration::from_secs(60));
        assert_eq!(
            sent,
            Ok(Err(SendError(2))),
            "close did not release the blocked sender"
        );
    }

    /// Std's primitives, counting the notifies: a side is woken only when somebody waits.
    enum Counting {}
    static NOTIFIES: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

    impl crate::runtime::Runtime for Counting {
        const NAME: &'static str = "counting";
        type RawMutex<T: Send> = <Std as crate::runtime::Runtime>::RawMutex<T>;
        type RawGuard<'a, T: Send + 'a> = <Std as crate::runtime::Runtime>::RawGuard<'a, T>;
        type RawCondvar = <Std as crate::runtime::Runtime>::RawCondvar;
        type RawJoinHandle<T: Send + 'static> = <Std as crate::runtime::Runtime>::RawJoinHandle<T>;
        type Hint = <Std as crate::runtime::Runtime>::Hint;
        fn new_mutex<T: Send>(value: T) -> Self::RawMutex<T> {
            Std::new_mutex(value)
        }
        fn lock<T: Send>(mutex: &Self::RawMutex<T>) -> Self::RawGuard<'_, T> {
            Std::lock(mutex)
        }
        fn new_condvar() -> Self::RawCondvar {
            Std::new_condvar()
        }
        fn wait<'a, T: Send>(
            cv: &Self::RawCondvar,
            guard: Self::RawGuard<'a, T>,
        ) -> Self::RawGuard<'a, T> {
            Std::wait(cv, guard)
        }
        fn notify_one(cv: &Self::RawCondvar) {
            NOTIFIES.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            Std::notify_one(cv)
        }
        fn notify_all(cv: &Self::RawCondvar) {
            NOTIFIES.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            Std::notify_all(cv)
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

    /// Exactly one notify in all: the one that releases the blocked sender. Sends, receives and
    /// a close with nobody waiting wake nobody — in particular once a waiter has come and gone.
    #[test]
    fn only_a_waiting_side_is_notified() {
        crate::watchdog::within(crate::watchdog::LIMIT, "one notify", one_notify);
    }

    fn one_notify() {
        use crate::runtime::Runtime;
        let notifies = || NOTIFIES.load(std::sync::atomic::Ordering::SeqCst);
        let ch = Arc::new(Channel::<Counting, u32>::new(1).unwrap());
        ch.send(1).unwrap();
        let (blocked, is_blocked) = std::sync::mpsc::channel();
        let sender = {
            let ch = Arc::clone(&ch);
            Counting::spawn("sender", move || {
                ch.send_noted(2, |op, _, _| {
                    if op == ChannelOp::SendBlocked {
                        blocked.send(()).unwrap();
                    }
                })
            })
        };
        is_blocked.recv().unwrap();
        assert_eq!(notifies(), 0, "nobody waited yet");
        assert_eq!(ch.recv(), Some(1));
        Counting::join(sender).unwrap();
        assert_eq!(notifies(), 1, "the blocked sender was woken once");
        assert_eq!(ch.recv(), Some(2));
        assert_eq!(ch.try_send(3), Ok(()));
        assert_eq!(ch.try_recv(), Ok(3));
        ch.close();
        assert_eq!(notifies(), 1, "with nobody waiting, nothing more was woken");
    }

    #[test]
    fn noted_operations_report_length_under_the_lock() {
        let ch = StdChannel::new(1).unwrap();
        let mut seen = Vec::new();
        ch.send_noted(7, |op, _, len| seen.push((op, len))).unwrap();
        let _ = ch.try_send_noted(8, |op, _, len| seen.push((op, len)));
        ch.recv_noted(|op, _, len| seen.push((op, len)));
        assert_eq!(
            seen,
            [
                (ChannelOp::Sent, 1),
                (ChannelOp::SendRefused, 1),
                (ChannelOp::Received, 0)
            ]
        );
    }

    /// A blocked sender is released by a receive; values arrive in FIFO order. The producer
    /// blocks (capacity 1, 100 values) far more often than not: this exercises both condvars.
    fn hands_over_every_value_in_order<R: crate::runtime::Runtime>() {
        let ch = Arc::new(Channel::<R, u32>::new(1).unwrap());
        let producer = {
            let ch = Arc::clone(&ch);
            spawn::<R, _, _>("producer", move || {
                for i in 0..100 {
                    ch.send(i).unwrap();
                }
                ch.close();
            })
        };
        let received: Vec<u32> = std::iter::from_fn(|| ch.recv()).collect();
        producer.join();
        assert_eq!(received, (0..100).collect::<Vec<_>>());
    }

    #[test]
    fn blocking_send_and_recv_hand_over_every_value_in_order() {
        use crate::watchdog::{within, LIMIT};
        within(
            LIMIT,
            "std's hand-over",
            hands_over_every_value_in_order::<Std>,
        );
    }

    #[test]
    fn parking_lot_backend_hands_over_every_value_in_order() {
        use crate::watchdog::{within, LIMIT};
        let hand_over = hands_over_every_value_in_order::<crate::runtime::ParkingLot>;
        within(LIMIT, "parking_lot's hand-over", hand_over);
    }

    /// Senders that leave freed room unused are overdue after more than `patience` hand-offs
    /// in a row; the patience doubles each time and starts again when the channel empties; a
    /// send starts the count again.
    #[test]
    fn senders_are_overdue_after_the_patience_which_doubles_until_the_channel_empties() {
        let mut stalled = Stalled::FRESH;
        let overdue: Vec<bool> = (0..7).map(|_| stalled.hand_off(false)).collect();
        // Patience 1: the second is overdue; then 2: the third after; then 4.
        assert_eq!(overdue, [false, true, false, false, true, false, false]);
        assert_eq!(stalled.patience, 4);
        stalled.sent();
        assert!(!stalled.hand_off(false), "a send starts the count again");
        assert!(!stalled.hand_off(true));
        assert_eq!(
            stalled.patience, 1,
            "an emptied channel starts the patience again"
        );
        assert!(stalled.hand_off(false));
    }

    static_assertions::assert_impl_all!(Channel<Std, u32>: Send, Sync);
    static_assertions::assert_impl_all!(Channel<crate::runtime::ParkingLot, u32>: Send, Sync);
    static_assertions::assert_impl_all!(Channel<crate::runtime::Loom, u32>: Send, Sync);
    static_assertions::assert_impl_all!(Channel<crate::runtime::Shuttle, u32>: Send, Sync);
}
