# Sourced by the ci scripts that need SPIN: Debian's spin, gcc and jq.
source ci/need.sh
need spin gcc jq
