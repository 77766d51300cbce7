//! pleg-spec's command line, as a library so that its tests can read the definition the binary
//! runs: [`cli`] (commands and options), [`args`] (the words for a scenario, both ways) and
//! [`validate`] (what is refused, and what runs).

pub mod args;
pub mod cli;
pub mod validate;
