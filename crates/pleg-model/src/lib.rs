//! A model of the kubelet PLEG relist/syncLoop circular wait (kubernetes#72482), written once
//! in plain Rust and run on real threads, exhaustively under loom and randomly under shuttle.
//!
//! - [`runtime`]: the only module that names std, loom, shuttle or parking_lot primitives.
//! - [`channel`]: kubelet's eventChannel, a bounded channel with Go's semantics.
//! - [`scenario`]: the design space, the bounds one check explores, the named scenarios.
//! - kubelet's components, one file each: [`generic_pleg`] (relist, `Healthy()`, podRecords,
//!   the pod cache), [`evented_pleg`] (its full-channel health rule), [`sync_loop`] (the gate,
//!   syncLoopIteration, the resync), [`clock`] (time).
//! - [`bounded_run`]: one execution — the threads, the quiet next relist, the convergence check.
//! - [`trace`]: what an execution did, recorded without adding interleavings.
//! - [`kubelet`]: the real constants, with the facts the model relies on checked at compile time.
//! - [`names`]: one spelling for every named choice, shared by the CLI, tables and JSON.

pub mod names;

pub mod bounded_run;
pub mod channel;
mod clock;
mod evented_pleg;
pub mod generic_pleg;
pub mod kubelet;
pub mod runtime;
pub mod scenario;
mod sync_loop;
pub mod trace;

pub use bounded_run::{run, run_in_order, Outcome};
pub use generic_pleg::Orders;
pub use names::{Named, UnknownName};
pub use scenario::{Design, Gate, MapOrder, Scenario, ScenarioError, BIG_CAPACITY_FACTOR};
pub use trace::{
    Action, Actor, Change, EventId, Execution, Recorder, Step, Tick, Unhealthy, Witnesses,
};
