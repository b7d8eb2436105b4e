#!/usr/bin/env bash
# Debian's vpcd (vsmartcard 3.3) sends each message's 2-byte length and its body in two separate
# writes. With Nagle on vpcd's socket and delayed ACK on the card's, every APDU exchange waits
# about 40 ms for an ACK. Quick ACKs on the loopback route remove the wait (0.3 ms per APDU).
# Real readers are unaffected; only the TCP link between pcscd's vpcd driver and a virtual card.
#
# usage: vpcd-quickack.sh on|off|status      (on/off need root)
set -euo pipefail

route=(local 127.0.0.1 dev lo proto kernel scope host src 127.0.0.1 table local)

case "${1:-status}" in
  on)  ip route change "${route[@]}" quickack 1 ;;
  off) ip route change "${route[@]}" quickack 0 ;;
  status) ;;
  *) echo "usage: $0 on|off|status" >&2; exit 2 ;;
esac

if ip route show table local 127.0.0.1 | grep -q 'quickack 1'; then
  echo "vpcd quickack: on"
else
  echo "vpcd quickack: off"
fi
