//! Criterion benchmarks of the eventChannel and of the checks; see `benches/benches/`.
