#!/usr/bin/env bash
# Renders a counterexample SVG in headless Chromium and checks that the picture is really there.
# Installs Debian's chromium if it is missing; fails loudly if it still cannot be had.
# Cost: ~1–2 min for the first install, a few seconds after.
set -euo pipefail
cd "$(dirname "$0")/.."

source ci/browser.sh

out=target/svg-check
mkdir -p "$out"
echo "== pleg-spec check --svg (smallest blocking counterexample)"
source ci/pleg-spec.sh
"$bin" check --design blocking --checker loom \
    --capacity 1 --events 2 --relists 1 --svg "$out/counterexample.svg" >/dev/null

# The whole drawing: its own height (the story's rows, the cycle's box and its ring).
height=$(grep -o -m1 'height="[0-9]*"' "$out/counterexample.svg" | grep -o '[0-9]*')
echo "== chromium --headless --screenshot"
rm -f "$out/counterexample.png"
"$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$(mktemp -d)" --hide-scrollbars --window-size=1120,"$height" \
    --screenshot="$out/counterexample.png" "file://$PWD/$out/counterexample.svg" 2>/dev/null

"$PYTHON" ci/png_check.py "$out/counterexample.png"
