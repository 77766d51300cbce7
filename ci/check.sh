#!/usr/bin/env bash
# Formatting, lints and every test (loom and shuttle models included), as CI runs them.
# Budget on 2 cores: cold build ~1 min, tests ~15 s; well inside the 15-minute target.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== cargo fmt --check"
cargo fmt --all -- --check

echo "== cargo clippy --workspace --all-targets -- -D warnings"
cargo clippy --workspace --all-targets -- -D warnings

echo "== cargo test --workspace --release"
cargo test --workspace --release
