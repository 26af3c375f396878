#!/usr/bin/env bash
# Make sure headless Chromium and ChromeDriver (same version, from Debian) are installed,
# for the browser tests in tests/browser. Installs them with apt-get when missing (needs
# root, as on CI and the dev machines); safe to run again. Never downloads a browser build.
#   CHROMIUM_BIN / CHROMEDRIVER_BIN  use other binaries (then nothing is installed)
set -euo pipefail
chromium=${CHROMIUM_BIN:-/usr/bin/chromium}
driver=${CHROMEDRIVER_BIN:-/usr/bin/chromedriver}

if [ ! -x "$chromium" ] || [ ! -x "$driver" ]; then
  echo "==> Installing Chromium and ChromeDriver (apt-get, about a minute)"
  if [ "$(id -u)" -ne 0 ]; then
    echo "Need root to install chromium and chromium-driver: run" >&2
    echo "  sudo apt-get install -y chromium chromium-driver" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends chromium chromium-driver fonts-dejavu-core \
    > /dev/null
fi

[ -x "$chromium" ] || { echo "Chromium is still missing at $chromium" >&2; exit 1; }
[ -x "$driver" ] || { echo "ChromeDriver is still missing at $driver" >&2; exit 1; }
browser_version=$("$chromium" --version 2>/dev/null | grep -oE '[0-9]+(\.[0-9]+)+' | head -1)
driver_version=$("$driver" --version 2>/dev/null | grep -oE '[0-9]+(\.[0-9]+)+' | head -1)
if [ "${browser_version%%.*}" != "${driver_version%%.*}" ]; then
  echo "Chromium $browser_version and ChromeDriver $driver_version do not match;" \
    "run: apt-get install -y chromium chromium-driver" >&2
  exit 1
fi
echo "==> Chromium $browser_version and ChromeDriver $driver_version are ready"
