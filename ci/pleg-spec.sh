# Sourced by the ci scripts that run pleg-spec: builds it exactly as the README's test command
# does (`cargo test --workspace --release`, here with `--no-run`), so that the binary the scripts
# run is the one the tests ran and nothing is compiled a second time. `cargo build`, `-p` or
# `cargo run` resolve features without the tests' dev-dependencies, or for pleg-spec alone, and
# rebuilt a dozen crates: about a minute in CI.
# Sets `bin` to the binary's absolute path.
cargo test --release --quiet --workspace --no-run
bin="$PWD/target/release/pleg-spec"
