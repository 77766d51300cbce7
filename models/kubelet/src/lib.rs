//! kubelet's PLEG relist producer, its syncLoop consumer and the health gate between them,
//! written once in plain Rust and run on real threads, exhaustively under loom and randomly
//! under shuttle (kubernetes#72482).
//!
//! - [`runtime`]: the only module that names std, loom, shuttle or parking_lot primitives.
//! - [`channel`]: kubelet's eventChannel, a bounded channel with Go's semantics.
//! - kubelet's components, one file each: [`generic_pleg`] (relist, `Healthy()`, podRecords,
//!   the pod cache), `evented_pleg` (its full-channel health rule), `sync_loop` (the gate,
//!   syncLoopIteration, the resync), `clock` (time).
//! - [`bounded_run`]: one execution — the threads, the quiet next relist, the convergence check.
//! - [`watchdog`]: a time limit that turns a hang on real threads into a failure.
//!
//! The scenario it runs, the trace it records and the names of everything come from
//! `pleg-core`, which the other models share; no rule of the system is written anywhere else.

pub mod bounded_run;
pub mod channel;
mod clock;
mod evented_pleg;
pub mod generic_pleg;
pub mod runtime;
mod sync_loop;
pub mod watchdog;

pub use bounded_run::{run, run_with, Outcome};
pub use generic_pleg::{Choices, Given};
