# Shared by the machine-preparation scripts (sourced, not run): messages, the Node.js version
# check, and Debian packages installed when root or named in the exact command to run.

MACHINE_SCRIPT=${MACHINE_SCRIPT:-$(basename "$0" .sh)}
say() { echo "$MACHINE_SCRIPT: $*" >&2; }
# stop "what is wrong" "command to run"...: prints them and exits 1.
stop() {
  say "$1"
  shift
  printf '\n    %s\n\n' "$@" >&2
  say 'then run this again.'
  exit 1
}
is_root() { [ "$(id -u)" = 0 ]; }

require_node() {
  node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)' ||
    stop "Node.js $(node -v) is too old: the project needs 20.19 or newer." "https://nodejs.org/en/download (or your distribution's nodejs 20.19+)"
}

# ensure_packages "why" package...: installs the missing ones as root (non-interactively),
# otherwise stops with the sudo command.
ensure_packages() {
  local why=$1
  shift
  if ! command -v dpkg-query >/dev/null || ! command -v apt-get >/dev/null; then
    stop "This script knows Debian and Ubuntu. Elsewhere, install the equivalents of these Debian packages ($why):" "$*"
  fi
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  is_root || stop "$why these packages: ${missing[*]}. Install them with:" "sudo apt-get install -y --no-install-recommends ${missing[*]}"
  say "installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq </dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null >/dev/null
}
