#!/usr/bin/env bash
# The progress display: shown when stderr is a terminal and a check runs longer than a second,
# absent when stderr is piped. A pseudo-terminal comes from script(1) (util-linux); without it
# this check fails loudly rather than passing. Cost: two shuttle runs and an explicit search at
# kubelet's size, a few seconds each.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v script >/dev/null 2>&1; then
    echo "ci/progress-check.sh: script(1) from util-linux is needed for a pseudo-terminal" >&2
    exit 1
fi

source ci/pleg-spec.sh
# A run of a few seconds, longer than the second the display waits before it draws: shuttle's
# iterations set its length (a loom run long enough cost half a minute, twice).
long="check --design ungated-drain --checker shuttle-random --capacity 2 --events 3 --relists 2 --iterations 250000"

echo "== progress on a terminal"
on_tty=$(script -qec "$bin $long >/dev/null" /dev/null)
if ! grep -q "ungated-drain under shuttle-random: [0-9]* explored" <<<"$on_tty"; then
    echo "ci/progress-check.sh: no progress line on a terminal; got: $on_tty" >&2
    exit 1
fi

echo "== progress of a long explicit search on a terminal"
explicit="check --design drop-when-full --checker explicit --capacity 1000 --events 1001 --relists 1"
on_tty=$(script -qec "$bin $explicit >/dev/null" /dev/null)
if ! grep -q "drop-when-full under explicit: [0-9]* explored" <<<"$on_tty"; then
    echo "ci/progress-check.sh: no progress line for the explicit checker; got: $on_tty" >&2
    exit 1
fi

echo "== no progress when piped"
piped=$($bin $long 2>&1 >/dev/null)
if [ -n "$piped" ]; then
    echo "ci/progress-check.sh: stderr was not empty when piped: $piped" >&2
    exit 1
fi
echo "progress shown on a terminal, silent when piped"
