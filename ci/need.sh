# Sourced by the ci scripts: `need TOOL...` installs each missing tool from Debian's package of
# the same name, and fails loudly if it still cannot be had (a check whose tool is missing must
# not pass silently).
need() {
    for tool in "$@"; do
        if ! command -v "$tool" >/dev/null 2>&1; then
            echo "== installing Debian's $tool" >&2
            if command -v apt-get >/dev/null 2>&1; then
                apt-get update -qq
                DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$tool" >/dev/null
            fi
        fi
        if ! command -v "$tool" >/dev/null 2>&1; then
            echo "$0: $tool is not installed and could not be installed" >&2
            exit 1
        fi
    done
}
