#!/usr/bin/env bash
# The declared rust-version is the true minimum: every workspace member inherits it, and no
# dependency in Cargo.lock (built on Linux) declares a newer one. Cost: a second.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== rust-version: inherited by every member, not below any dependency's"
if ! command -v jq >/dev/null 2>&1; then
    echo "== installing Debian's jq"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq jq >/dev/null
fi
cargo metadata --format-version 1 --locked --filter-platform x86_64-unknown-linux-gnu \
    | jq -r -f ci/msrv.jq
