//! `EventedPLEG.Healthy()` (pkg/kubelet/pleg/evented.go, KEP-3386), the one part of Evented
//! PLEG the model keeps: "EventedPLEG: pleg event channel capacity is full with N events".
//!
//! With the EventedPLEG feature gate on — from 1.26, where it arrived as alpha and off by
//! default, up to kubernetes PR #139262 (merged mid-2026), which took Evented PLEG out of the
//! shared event channel and out of the health checks — kubelet registers this check as the
//! "EventedPLEG" runtime health check next to "PLEG", and Evented and Generic PLEG share one
//! eventChannel. So a full channel closes syncLoop's gate, the channel's only drain. The model
//! leaves out the CRI event stream and the fallback to relisting: neither drains the channel.

use crate::channel::Channel;
use crate::runtime::Runtime;
use pleg_core::trace::{EventId, Unhealthy};

/// Unhealthy while the shared eventChannel is full (`len == cap`).
pub(crate) fn healthy<R: Runtime>(event_channel: &Channel<R, EventId>) -> Result<(), Unhealthy> {
    if event_channel.len() == event_channel.capacity() {
        Err(Unhealthy::ChannelFull)
    } else {
        Ok(())
    }
}
