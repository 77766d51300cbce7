//! `try_send`'s lock-free look at a full channel, checked under loom in every interleaving:
//! a refusal without the lock is one a locked check could have made, a freed slot is seen, a
//! closed channel is never reported full — and the same checks fail when the occupancy is not
//! kept in step (a pop that does not lower it, a close that does not mark it).

use loom::sync::atomic::{AtomicUsize, Ordering};
use pleg_kubelet::channel::{Channel, TrySendError};
use pleg_kubelet::runtime::{spawn, Hint, LoomHinted, Runtime};
use std::sync::atomic::AtomicU64;
use std::sync::Arc;

/// A channel of capacity 1 holding one value; a receiver takes it while a sender tries to
/// send. Whatever the interleaving, the sender's answer agrees with a receive (no value lost
/// or invented), and afterwards a `try_send` agrees with the buffer's length.
fn a_freed_slot_is_seen<R: Runtime>() -> u64 {
    let executions = Arc::new(AtomicU64::new(0));
    let counted = Arc::clone(&executions);
    loom::model(move || {
        counted.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let ch = Arc::new(Channel::<R, u32>::new(1).unwrap());
        ch.send(1).unwrap();
        let theirs = Arc::clone(&ch);
        let receiver = spawn::<R, _, _>("syncLoop", move || theirs.recv());
        let sent = ch.try_send(2);
        assert_eq!(receiver.join(), Some(1));
        let left = ch.len();
        match sent {
            Ok(()) => assert_eq!(left, 1, "a sent value is in the buffer"),
            Err(TrySendError::Full(2)) => assert_eq!(left, 0),
            other => panic!("try_send answered {other:?}"),
        }
        assert_eq!(
            ch.try_send(3).is_ok(),
            left == 0,
            "try_send disagrees with a buffer of length {left}"
        );
    });
    executions.load(std::sync::atomic::Ordering::Relaxed)
}

/// A full channel closed while a sender tries to send: afterwards `try_send` says closed,
/// never full.
fn a_closed_channel_is_never_full<R: Runtime>() {
    loom::model(|| {
        let ch = Arc::new(Channel::<R, u32>::new(1).unwrap());
        ch.send(1).unwrap();
        let theirs = Arc::clone(&ch);
        let closer = spawn::<R, _, _>("closer", move || theirs.close());
        let _either = ch.try_send(2);
        closer.join();
        assert_eq!(ch.try_send(3), Err(TrySendError::Closed(3)));
    });
}

#[test]
fn a_lock_free_refusal_agrees_with_the_buffer_in_every_interleaving() {
    let executions = a_freed_slot_is_seen::<LoomHinted>();
    assert!(executions > 2, "{executions} interleavings");
    a_closed_channel_is_never_full::<LoomHinted>();
}

/// A broken occupancy: one that a pop does not lower, or that a close does not mark.
struct Broken<const FLAW: u8>(AtomicUsize);
const KEEPS_HIGHS: u8 = 0;
const FORGETS_CLOSE: u8 = 1;

impl<const FLAW: u8> Hint for Broken<FLAW> {
    fn new(value: usize) -> Self {
        Broken(AtomicUsize::new(value))
    }
    fn set(&self, value: usize) {
        let old = self.0.load(Ordering::Relaxed);
        let skip = match FLAW {
            KEEPS_HIGHS => value < old,
            _ => value == usize::MAX,
        };
        if !skip {
            self.0.store(value, Ordering::Relaxed);
        }
    }
    fn get(&self) -> Option<usize> {
        Some(self.0.load(Ordering::Relaxed))
    }
}

#[test]
fn an_occupancy_a_pop_does_not_lower_is_caught() {
    let why = pleg_core::panics::of(|| {
        a_freed_slot_is_seen::<LoomHinted<Broken<KEEPS_HIGHS>>>();
    });
    assert!(why.contains("try_send disagrees"), "{why}");
}

#[test]
fn an_occupancy_a_close_does_not_mark_is_caught() {
    let why =
        pleg_core::panics::of(a_closed_channel_is_never_full::<LoomHinted<Broken<FORGETS_CLOSE>>>);
    assert!(why.contains("Full(3)"), "{why}");
}
