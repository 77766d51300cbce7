#!/usr/bin/env bash
# The Rust benches and Go's own channel under the same workloads (benches/go), run several times
# and printed as one report: every figure the median of the runs with its spread, the ratios
# pleg/Go and pleg/crossbeam taken run by run, the targets with the worst ratio beside the best,
# each channel's cost per message in cache-line hand-offs, the relist bursts, the wake-up of an
# asleep sender; and a plot. Go's channel benchmarks also run with Go's runtime on one OS thread. Not part of CI (it times things); CI compiles and runs every bench
# once (ci/bench-smoke.sh).
#
#   bash ci/bench-compare.sh [--runs N] [--update-docs]
#
# Everything is written under target/bench-compare/ (report.md, plot.svg, each run's raw
# output); benches/src/bin/bench-report.rs writes the report and the plot. --update-docs also
# puts the report into docs/benchmarks.md (between its bench-compare markers) and the plot into
# docs/benchmarks-plot.svg. N defaults to 5; each run
# costs about 3 minutes on 2 cores.
#
# Go comes from Debian's golang-go, installed here if missing; without Go this script says so
# and exits non-zero.
set -euo pipefail
cd "$(dirname "$0")/.."

usage() { echo "usage: bash ci/bench-compare.sh [--runs N] [--update-docs]" >&2; exit 2; }
runs=5
update_docs=false
while [ $# -gt 0 ]; do
    case "$1" in
        --runs) [ $# -ge 2 ] || usage; runs="$2"; shift 2 ;;
        --update-docs) update_docs=true; shift ;;
        *) usage ;;
    esac
done
[[ "$runs" =~ ^[1-9][0-9]*$ ]] || { echo "bench-compare: --runs takes a whole number ≥ 1, not '$runs'" >&2; exit 2; }

source ci/go.sh

out=target/bench-compare
rm -rf "$out"
mkdir -p "$out"
for k in $(seq 1 "$runs"); do
    echo "== Rust, run $k of $runs: cargo bench (channel, handoff, relist, wakeup)" >&2
    rm -rf target/criterion
    cargo bench -p pleg-benches --bench channel --bench handoff --bench relist --bench wakeup \
        >"$out/rust-$k.txt" 2>&1
    cp -r target/criterion "$out/criterion-$k"
done
echo "== Go: go test -bench (benches/go), $runs runs" >&2
(cd benches/go && go test -run '^$' -bench . -benchtime 300x -count "$runs") >"$out/go.txt"
# Go's runtime on one OS thread: the channel benchmarks again, to tell a goroutine switch on one
# thread from a hand-off between the cores.
echo "== Go on one OS thread: GOMAXPROCS=1 go test -bench 'SPSC|TwoProducers', $runs runs" >&2
(cd benches/go && GOMAXPROCS=1 go test -run '^$' -bench 'SPSC|TwoProducers' -benchtime 300x -count "$runs") \
    >"$out/go-one-thread.txt"

machine="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) CPUs, $(free -g | awk '/Mem:/ {print $2}') GiB"
commit="$(git rev-parse --short HEAD)$(git diff --quiet || echo '+dirty')"
report=(cargo run -q --release -p pleg-benches --bin bench-report --)
"${report[@]}" compare "$out" "$runs" "$out/plot.svg" \
    "Machine: $machine. $(rustc --version); $(go version); commit $commit" >"$out/report.md"
cat "$out/report.md"

if $update_docs; then
    "${report[@]}" splice docs/benchmarks.md bench-compare "$out/report.md"
    cp "$out/plot.svg" docs/benchmarks-plot.svg
    echo "== docs/benchmarks.md and docs/benchmarks-plot.svg updated" >&2
fi
