//! A model of the kubelet PLEG relist/syncLoop circular wait (kubernetes#72482), written once
//! in plain Rust and run on real threads, exhaustively under loom and randomly under shuttle.
//!
//! - [`runtime`]: the only module that names std, loom or shuttle primitives.
//! - [`channel`]: kubelet's eventChannel, a bounded channel with Go's semantics.
//! - [`pleg`]: relist, the health gate, syncLoop and the clock; [`pleg::run`] is one execution.
//! - [`trace`]: what an execution did, recorded without adding interleavings.
//! - [`kubelet`]: the real constants, with the facts the model relies on checked at compile time.

pub mod channel;
pub mod kubelet;
pub mod pleg;
pub mod runtime;
pub mod trace;

pub use pleg::{run, Design, Outcome, Scenario, ScenarioError};
pub use trace::{Action, Actor, EventId, Execution, Recorder, Step, Tick, Witnesses};
