#!/usr/bin/env bash
# Renders a counterexample SVG in headless Chromium and checks that the picture is really there.
# Installs Debian's chromium if it is missing; fails loudly if it still cannot be had.
# Cost: ~1–2 min for the first install, a few seconds after.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v chromium >/dev/null 2>&1; then
    echo "== installing Debian's chromium (needed to render the SVG headless)"
    if command -v apt-get >/dev/null 2>&1; then
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    fi
fi
if ! command -v chromium >/dev/null 2>&1; then
    echo "ci/render-svg.sh: chromium is not installed and could not be installed" >&2
    exit 1
fi

out=target/svg-check
mkdir -p "$out"
echo "== pleg-spec check --svg (smallest blocking counterexample)"
cargo run --release --quiet -- check --design blocking --checker loom \
    --capacity 1 --events 2 --relists 1 --svg "$out/counterexample.svg" >/dev/null

echo "== chromium --headless --screenshot"
rm -f "$out/counterexample.png"
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$(mktemp -d)" --hide-scrollbars --window-size=1120,420 \
    --screenshot="$out/counterexample.png" "file://$PWD/$out/counterexample.svg" 2>/dev/null

python3 ci/png_check.py "$out/counterexample.png"
