# Sourced by the ci scripts that run pleg-spec: builds it with every workspace member selected,
# as the README's test command does, so that the dependencies are built with the same features
# and nothing compiled for the tests is compiled again (`-p pleg-spec` or `cargo run` resolve
# features for pleg-spec alone, and rebuilt a dozen crates: over a minute per script in CI).
# Sets `bin` to the binary's absolute path.
cargo build --release --quiet --workspace --bins
bin="$PWD/target/release/pleg-spec"
