#!/usr/bin/env bash
# The play page, tested as a learner would use it, in a real browser (Debian's chromium, driven
# headless by ci/play_check.py through Selenium's WebDriver client and chromedriver: clicks,
# keys, links, hints, a walk over every state, contrast, screenshots read with Pillow).
# Also: a counterexample from `check --play` opens at its trace, and `play --serve` serves the
# page at the address it prints. Cost: about a minute after the packages are installed.
set -euo pipefail
cd "$(dirname "$0")/.."
source ci/browser.sh

source ci/pleg-spec.sh
out=target/play-check
mkdir -p "$out"

echo "== pleg-spec play, played in chromium"
$bin play --out "$out/play.html" >/dev/null
"$PYTHON" ci/play_check.py "$out/play.html" "$out"

echo "== a counterexample opens at its trace (check --play)"
$bin check --design evented-health --checker explicit --capacity 2 --events 2 --relists 1 \
    --play "$out/counterexample.html" >/dev/null
"$PYTHON" ci/play_check.py "$out/counterexample.html" "$out" --counterexample gated-stall

echo "== play --serve serves the page at the address it prints"
fifo=$(mktemp -u); mkfifo "$fifo"
$bin play --out "$out/served.html" --serve >"$fifo" &
server=$!
trap 'kill $server 2>/dev/null || true; rm -f "$fifo"' EXIT
address=$(grep -m1 -o 'http://127.0.0.1:[0-9]*/' <"$fifo")
page=$(curl -fsS "$address")
grep -q "<title>pleg-spec" <<<"$page" || { echo "ci/play-check.sh: $address did not serve the page" >&2; exit 1; }
echo "served at $address"
