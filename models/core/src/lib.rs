//! What every model of the PLEG hand-over shares — the trust base of pleg-spec.
//!
//! Three models check the same system: the kubelet model (`pleg-kubelet`, real Rust code run
//! on threads, under loom and under shuttle), the explicit state machines (`pleg-explicit`) and
//! the symbolic counter model. They share no rule of the system, only the words in this crate:
//!
//! - [`scenario`]: the design space and the bounds one check explores, and the named scenarios;
//! - [`trace`]: the actors and what each did, as a checker records it;
//! - [`witness`]: the interesting states an exploration must reach for a "holds" to count;
//! - [`verdict`]: the kinds of verdict, from "holds" to a lost update;
//! - [`laws`]: each verdict's boundary in closed form;
//! - [`kubelet`]: kubelet's real constants, with the facts the models rely on checked at
//!   compile time;
//! - [`names`]: one spelling for every named choice, shared by the CLI, tables and JSON;
//! - [`panics`]: the message a panic carries, read by the checkers, the CLI and the tests.

pub mod names;
pub mod panics;

pub mod kubelet;
pub mod laws;
pub mod scenario;
pub mod trace;
pub mod verdict;
pub mod witness;

pub use names::{Named, UnknownName};
pub use scenario::{Design, Gate, MapOrder, Scenario, ScenarioError, Timing, BIG_CAPACITY_FACTOR};
pub use trace::{Action, Actor, Change, EventId, Execution, Recorder, Step, Tick, Unhealthy};
pub use verdict::VerdictKind;
pub use witness::{Counted, Witness, Witnesses};
