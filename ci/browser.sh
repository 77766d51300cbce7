# Sourced by the ci scripts that drive a browser: Debian's chromium, its chromedriver, Selenium's
# Python client and Pillow, installed if missing (a check whose tool is missing fails loudly,
# never passes). Sets CHROMIUM and PYTHON (Debian's python3, which the packages install into).
PYTHON=/usr/bin/python3
if ! { command -v chromium && command -v chromedriver && "$PYTHON" -c "import selenium, PIL"; } >/dev/null 2>&1; then
    echo "== installing Debian's chromium, chromium-driver, python3-selenium and python3-pil" >&2
    if command -v apt-get >/dev/null 2>&1; then
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
            chromium chromium-driver python3-selenium python3-pil >/dev/null
    fi
fi
if ! { command -v chromium && command -v chromedriver && "$PYTHON" -c "import selenium, PIL"; } >/dev/null 2>&1; then
    echo "$0: chromium, chromium-driver, python3-selenium and python3-pil are needed and could not be installed" >&2
    exit 1
fi
CHROMIUM=$(command -v chromium)
