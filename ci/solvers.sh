# Sourced by the ci scripts that need the SMT solvers: installs Debian's z3 and cvc5 if they are
# missing, and fails loudly if they still cannot be had (the proofs' tests would otherwise say
# "NOT RUN" and pass).
source ci/need.sh
need z3 cvc5
