#!/usr/bin/env bash
# One run of the Rust benches and of Go's own channel under the same workloads (benches/go),
# printed as one table with the ratios pleg/Go, pleg/crossbeam and pleg/std, each channel's
# cost per message as a multiple of one cache-line hand-off, the machine, the versions and the
# commit; and a plot, docs/benchmarks-plot.svg. Not part of CI (it times things); CI compiles
# and runs every bench once (ci/bench-smoke.sh). Cost: about 4 minutes on 2 cores.
#
# Go comes from Debian's golang-go, installed here if missing; without Go this script says so
# and exits non-zero.
set -euo pipefail
cd "$(dirname "$0")/.."

source ci/go.sh

mkdir -p target
echo "== Rust: cargo bench (channel, handoff, relist)" >&2
cargo bench -p pleg-benches --bench channel --bench handoff --bench relist >target/bench-rust.txt 2>&1
echo "== Go: go test -bench (benches/go)" >&2
(cd benches/go && go test -run '^$' -bench . -benchtime 300x -count 1) >target/bench-go.txt

machine="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) CPUs, $(free -g | awk '/Mem:/ {print $2}') GiB"
python3 ci/bench_report.py target/criterion target/bench-go.txt docs/benchmarks-plot.svg \
    "$machine" "$(rustc --version)" "$(go version)" "$(git rev-parse --short HEAD)$(git diff --quiet || echo '+dirty')"
