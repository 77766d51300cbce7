# Sourced by the ci scripts that need the SMT solvers: installs Debian's z3 and cvc5 if they are
# missing, and fails loudly if they still cannot be had (the proofs' tests would otherwise say
# "NOT RUN" and pass).
for solver in z3 cvc5; do
    if ! command -v "$solver" >/dev/null 2>&1; then
        echo "== installing Debian's $solver"
        if command -v apt-get >/dev/null 2>&1; then
            apt-get update -qq
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$solver" >/dev/null
        fi
    fi
    if ! command -v "$solver" >/dev/null 2>&1; then
        echo "$0: $solver is not installed and could not be installed" >&2
        exit 1
    fi
done
