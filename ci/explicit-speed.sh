#!/usr/bin/env bash
# The explicit checker's speed at kubelet's size, on one thread and on every core: for each
# cell, N runs (default 5) with --threads 1 and with --threads 2, printing the median seconds
# (min–max), states per second, peak memory and the speed-up of the second core (the median of
# the run-by-run ratios, with the worst and best). The states counted are the same at any
# number of threads (a test holds them equal); only the time changes.
#
#   bash ci/explicit-speed.sh [--runs N] [--quick] [--update-docs]
#
# Writes target/explicit-speed/report.md; --update-docs also puts it in docs/benchmarks.md
# between the explicit-speed markers. --quick: one small cell, one run (CI: the script works).
set -euo pipefail
cd "$(dirname "$0")/.."
source ci/need.sh
need jq

runs=5 quick=0 update=0
while [ $# -gt 0 ]; do
    case "$1" in
        --runs) runs="$2"; shift 2 ;;
        --quick) quick=1; runs=1; shift ;;
        --update-docs) update=1; shift ;;
        *) echo "$0: unknown option $1" >&2; exit 2 ;;
    esac
done

source ci/pleg-spec.sh
out=target/explicit-speed
mkdir -p "$out"

if [ "$quick" = 1 ]; then
    cells=("blocking|--capacity 100 --pods 101")
else
    cells=(
        "blocking|--capacity 1000 --pods 1001"
        "drop-when-full|--capacity 1000 --pods 1001"
        "blocking|--capacity 1000 --pods 1001 --timing lockstep"
        "drop-when-full|--capacity 1000 --pods 5000 --relists 3 --timing lockstep"
    )
fi

# median, min and max of the numbers on stdin
stats() { sort -g | awk '{v[NR]=$1} END {m=(NR%2)?v[(NR+1)/2]:(v[NR/2]+v[NR/2+1])/2; printf "%s %s %s\n", m, v[1], v[NR]}'; }

{
    echo "Machine: $(nproc) CPUs; $(rustc --version); commit $(git rev-parse --short HEAD)$(git diff --quiet || echo +dirty)."
    echo "$runs runs of each cell at each thread count; medians with (min–max). Command: \`pleg-spec check --checker explicit --design D ARGS --threads T --json\`."
    echo
    echo "| design | args | states | 1 thread: s | 2 threads: s | M states/s (2 threads) | speed-up (worst–best) | peak memory, 1 / 2 threads |"
    echo "|---|---|---:|---|---|---:|---|---|"
} > "$out/report.md"

for cell in "${cells[@]}"; do
    design="${cell%%|*}" args="${cell#*|}"
    : > "$out/runs.txt"
    for run in $(seq "$runs"); do
        for threads in 1 2; do
            # shellcheck disable=SC2086 # args is a list of options
            "$bin" check --checker explicit --design "$design" $args --threads "$threads" --json |
                jq -r --arg t "$threads" '.results[0] | "\($t) \(.seconds) \(.search.states) \(.search.peak_memory_bytes // 0)"' >> "$out/runs.txt"
        done
    done
    states=$(awk 'NR==1 {print $3}' "$out/runs.txt")
    read -r s1 s1lo s1hi < <(awk '$1==1 {print $2}' "$out/runs.txt" | stats)
    read -r s2 s2lo s2hi < <(awk '$1==2 {print $2}' "$out/runs.txt" | stats)
    read -r up uplo uphi < <(paste <(awk '$1==1 {print $2}' "$out/runs.txt") <(awk '$1==2 {print $2}' "$out/runs.txt") | awk '{print $1/$2}' | stats)
    read -r m1 _ _ < <(awk '$1==1 {print $4}' "$out/runs.txt" | stats)
    read -r m2 _ _ < <(awk '$1==2 {print $4}' "$out/runs.txt" | stats)
    printf '| %s | `%s` | %s | %.2f (%.2f–%.2f) | %.2f (%.2f–%.2f) | %.1f | %.2f× (%.2f–%.2f) | %.0f / %.0f MB |\n' \
        "$design" "$args" "$states" "$s1" "$s1lo" "$s1hi" "$s2" "$s2lo" "$s2hi" \
        "$(awk -v n="$states" -v s="$s2" 'BEGIN {print n/s/1e6}')" "$up" "$uplo" "$uphi" \
        "$(awk -v b="$m1" 'BEGIN {print b/1e6}')" "$(awk -v b="$m2" 'BEGIN {print b/1e6}')" >> "$out/report.md"
done
cat "$out/report.md"

if [ "$update" = 1 ]; then
    cargo run -q --release -p pleg-benches --bin bench-report -- splice docs/benchmarks.md explicit-speed "$out/report.md"
    echo "== docs/benchmarks.md updated"
fi
