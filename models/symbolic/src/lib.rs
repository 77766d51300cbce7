//! The symbolic model of the PLEG hand-over: every size at once.
//!
//! The explicit checkers search one size at a time. This crate states the same machine with
//! its sizes — capacity `C`, pods `P`, changes `K`, relists and relistThreshold — left
//! symbolic, so that an inductive invariant checked by an SMT solver proves a property for
//! every size together:
//!
//! - [`term`]: linear integer terms that both evaluate on concrete values and print as
//!   SMT-LIB — one formula, two readers, so what the solver proves is what the tests evaluate;
//! - [`model`]: the counter model (one marked pod, the others summed) and the map from a state
//!   of the explicit machine to it — under Go's map order, the exact abstraction of that
//!   machine (the tests measure it both ways);
//! - [`theorems`]: each theorem's statement, invariant (one conjunct per line, each with why
//!   it is inductive) and obligations;
//! - [`witness`]: for each law's failing side, the path that reaches the failure at any size.
//!
//! The solver itself is driven by `pleg-check` (`pleg-spec prove`).

pub mod model;
pub mod term;
pub mod theorems;
pub mod witness;
