# Sourced by the ci scripts that need a browser: installs Debian's chromium if it is missing,
# and fails loudly if it still cannot be had. Sets CHROMIUM.
if ! command -v chromium >/dev/null 2>&1; then
    echo "== installing Debian's chromium"
    if command -v apt-get >/dev/null 2>&1; then
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    fi
fi
if ! command -v chromium >/dev/null 2>&1; then
    echo "$0: chromium is not installed and could not be installed" >&2
    exit 1
fi
CHROMIUM=$(command -v chromium)
