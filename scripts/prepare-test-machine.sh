#!/usr/bin/env bash
# The first step of `npm test`: makes this machine able to run the whole suite, or stops at once
# with the exact command that would. The integration tests need pcscd with the vpcd virtual
# readers (and vpcd's quick ACKs, or every APDU stalls ~40 ms); the end-to-end tests need Debian's
# Chromium at /usr/bin/chromium; the service's PostgreSQL store needs postgresql. As root it
# installs and starts what is missing (non-interactively: CI runs it with no stdin); otherwise it
# prints the sudo command. Safe to run again: it only acts on what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

source scripts/machine.sh

require_node
ensure_packages 'the tests need' pcscd libpcsclite-dev vsmartcard-vpcd opensc yubico-piv-tool iproute2 procps openssl chromium postgresql

[ -x /usr/bin/chromium ] || stop 'the end-to-end tests run Debian'"'"'s Chromium at /usr/bin/chromium, which is missing:' 'sudo apt-get install -y --no-install-recommends chromium'
[ -e /etc/reader.conf.d/vpcd ] || stop 'pcscd has no vpcd readers configured (/etc/reader.conf.d/vpcd):' 'sudo apt-get install --reinstall -y vsmartcard-vpcd'

pcscd_running() { pgrep -x pcscd >/dev/null; }
if ! pcscd_running; then
  if is_root; then
    say 'starting pcscd'
    pcscd
  elif [ -S /run/pcscd/pcscd.comm ]; then
    # systemd's pcscd.socket: any PC/SC client starts the daemon, and with it the vpcd readers.
    opensc-tool --list-readers >/dev/null 2>&1 || true
  fi
  for _ in $(seq 50); do pcscd_running && break; sleep 0.1; done
  pcscd_running || stop 'pcscd is not running. Start it with:' 'sudo systemctl start pcscd.socket pcscd    (or, without systemd: sudo pcscd)'
fi

if ! bash native/linux/vpcd-quickack.sh status | grep -q ': on'; then
  is_root || stop 'quick ACKs are off on the loopback route, so every APDU through vpcd stalls ~40 ms. Turn them on with:' 'sudo bash native/linux/vpcd-quickack.sh on'
  bash native/linux/vpcd-quickack.sh on >/dev/null
fi
say 'ready: packages installed, pcscd running with the vpcd readers, quickack on, /usr/bin/chromium present'
