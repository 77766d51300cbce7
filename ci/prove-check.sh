#!/usr/bin/env bash
# The proofs for every size: every theorem proved by z3 and cvc5 through `pleg-spec prove`,
# then every obligation written as a standalone SMT-LIB file and answered by each solver alone
# — so the proof does not rest on the program's own reading of the solvers' answers.
set -euo pipefail
cd "$(dirname "$0")/.."
source ci/solvers.sh

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
echo "== pleg-spec prove (z3 and cvc5)"
source ci/pleg-spec.sh
"$bin" prove --smt2 "$out"
files=("$out"/*.smt2)
echo "== each of ${#files[@]} obligations answered alone by z3 and by cvc5"
for f in "${files[@]}"; do
    for solver in "z3" "cvc5 --lang=smt2"; do
        answer=$($solver "$f" | head -1)
        if [ "$answer" != "unsat" ]; then
            echo "$0: $solver answered '$answer' for $f" >&2
            exit 1
        fi
    done
done
echo "every obligation unsat under both solvers"
