//! A model of the kubelet PLEG relist/syncLoop circular wait (kubernetes#72482), written once
//! in plain Rust and run on real threads, exhaustively under loom and randomly under shuttle.
//!
//! - [`runtime`]: the only module that names std, loom or shuttle primitives.
//! - [`channel`]: kubelet's eventChannel, a bounded channel with Go's semantics.
//! - [`scenario`]: the design space and the bounds one check explores.
//! - [`pleg`]: relist, the health gate, syncLoop, the pod cache and the clock; [`pleg::run`]
//!   is one execution.
//! - [`trace`]: what an execution did, recorded without adding interleavings.
//! - [`kubelet`]: the real constants, with the facts the model relies on checked at compile time.

pub mod channel;
pub mod kubelet;
pub mod pleg;
pub mod runtime;
pub mod scenario;
pub mod trace;

pub use pleg::{run, Outcome};
pub use scenario::{Design, Gate, Scenario, ScenarioError, BIG_CAPACITY_FACTOR};
pub use trace::{Action, Actor, EventId, Execution, Recorder, Step, Tick, Unhealthy, Witnesses};
