#!/usr/bin/env bash
# Builds every criterion bench and runs each benchmark once in criterion's --test mode, so the
# benches never rot. Nothing is timed here: figures come from `cargo bench` (docs/benchmarks.md).
# Cost: ~1 min on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== cargo bench -p pleg-benches -- --test"
cargo bench -p pleg-benches -- --test
