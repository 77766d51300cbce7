# Sourced by the ci scripts that need Go: installs Debian's golang-go if it is missing, and
# fails loudly if it still cannot be had.
if ! command -v go >/dev/null 2>&1; then
    echo "== installing Debian's golang-go"
    if command -v apt-get >/dev/null 2>&1; then
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq golang-go >/dev/null
    fi
fi
if ! command -v go >/dev/null 2>&1; then
    echo "$0: Go is not installed and could not be installed" >&2
    exit 1
fi
