#!/usr/bin/env bash
# Formatting, lints and every test (loom and shuttle models included), as CI runs them.
# The SMT solvers are installed first, so that the proofs' tests run rather than say NOT RUN.
# Budget on 2 cores: cold build ~2 min, tests ~5 min.
set -euo pipefail
cd "$(dirname "$0")/.."
source ci/solvers.sh

echo "== cargo fmt --check"
cargo fmt --all -- --check

echo "== cargo clippy --workspace --all-targets -- -D warnings"
cargo clippy --workspace --all-targets -- -D warnings

echo "== cargo test --workspace --release"
cargo test --workspace --release
