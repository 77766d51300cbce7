#!/usr/bin/env bash
# Builds every criterion bench and runs each benchmark once in criterion's --test mode, and
# compiles and runs once the Go benches, so neither rots. Nothing is timed here: figures come
# from ci/bench-compare.sh (docs/benchmarks.md). Cost: ~2 min on 2 cores, nearly all of it the
# check bench's checks, each run once (in --test mode it skips the run that counts throughput).
set -euo pipefail
cd "$(dirname "$0")/.."

# Every member selected (`--workspace`) so the dependencies' features are the test build's and
# are not compiled again; `--bench '*'` picks the bench targets only (every one pleg-benches has).
echo "== cargo bench --workspace --bench '*' -- --test"
cargo bench --workspace --bench '*' -- --test

# Go's side of the comparison (ci/bench-compare.sh): compiled, and every benchmark run once.
source ci/go.sh
echo "== go vet && go test -bench . -benchtime 1x (benches/go)"
(cd benches/go && go vet ./... && go test -run '^$' -bench . -benchtime 1x ./... >/dev/null)
