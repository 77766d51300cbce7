#!/usr/bin/env bash
# The declared rust-version is the true minimum: every workspace member inherits it, and no
# dependency in Cargo.lock (built on Linux) declares a newer one. Cost: a second.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== rust-version: inherited by every member, not below any dependency's"
cargo metadata --format-version 1 --locked --filter-platform x86_64-unknown-linux-gnu | python3 -c '
import json, sys
meta = json.load(sys.stdin)
members = set(meta["workspace_members"])
ours = {p["name"]: p["rust_version"] for p in meta["packages"] if p["id"] in members}
declared = set(ours.values())
if len(declared) != 1 or None in declared:
    sys.exit(f"ci/msrv-check.sh: members declare {ours}; every one must inherit the workspace rust-version")
minimum = declared.pop()
used = {n["id"] for n in meta["resolve"]["nodes"]}
def version(v): return tuple(int(x) for x in v.split("."))
above = [(p["name"], p["version"], p["rust_version"]) for p in meta["packages"]
         if p["id"] in used and p.get("rust_version") and version(p["rust_version"]) > version(minimum)]
if above:
    sys.exit(f"ci/msrv-check.sh: rust-version {minimum} is below what these need: {above}")
print(f"rust-version {minimum}: inherited by {len(ours)} members, no dependency needs more")
'
