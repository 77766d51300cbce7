#!/usr/bin/env bash
# The command-line fuzzer, longer than the test suite's run: 10,000 in-process vectors and
# 10,000 through the real binary (the suite runs 3,000 and 600). Any failure prints the
# shrunk argument vector; add it to the_edges_once_found_are_refused_in_one_line in
# crates/pleg-spec/tests/cli.rs as a named regression test.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== command-line fuzzer, 10000 cases"
PROPTEST_CASES=10000 cargo test --release --workspace --test fuzz
