//! kubelet's constants, as the 1.12 sources set them, with the facts the model relies on
//! checked at compile time.
//!
//! The model measures time in abstract ticks; these are the real values behind the defaults
//! and the kubelet-size scenario (see docs/model.md for how they map).

use static_assertions::const_assert;

/// `plegChannelCapacity` (kubelet.go): the eventChannel's buffer.
pub const PLEG_CHANNEL_CAPACITY: usize = 1000;
/// `plegRelistPeriod` (kubelet.go): `wait.Until(g.relist, period)` starts the next relist this
/// long after the previous one *returned*.
pub const PLEG_RELIST_PERIOD_SECS: u64 = 1;
/// `relistThreshold` (generic.go, `Healthy`): PLEG is unhealthy once the last relist started
/// longer ago than this.
pub const RELIST_THRESHOLD_SECS: u64 = 3 * 60;
/// syncLoop's back-off while runtimeErrors is non-empty: base, factor 2, cap.
pub const SYNC_LOOP_BACKOFF_BASE_MILLIS: u64 = 100;
pub const SYNC_LOOP_BACKOFF_MAX_MILLIS: u64 = 5_000;
/// `SyncFrequency`: how often every pod is re-synced from the pod cache.
pub const SYNC_FREQUENCY_SECS: u64 = 60;

// A healthy relist loop never trips the health check on its own...
const_assert!(RELIST_THRESHOLD_SECS > PLEG_RELIST_PERIOD_SECS);
// ...syncLoop's back-off grows before it saturates...
const_assert!(SYNC_LOOP_BACKOFF_BASE_MILLIS < SYNC_LOOP_BACKOFF_MAX_MILLIS);
// ...the channel is buffered (a capacity-0 channel is a rendezvous, not modelled)...
const_assert!(PLEG_CHANNEL_CAPACITY > 0);
// ...and syncLoop keeps retrying while gated: its back-off never exceeds the threshold, so it
// is certainly looking when PLEG turns healthy again (and certainly never drains while not).
const_assert!(SYNC_LOOP_BACKOFF_MAX_MILLIS < RELIST_THRESHOLD_SECS * 1000);
