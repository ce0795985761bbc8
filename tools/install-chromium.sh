#!/usr/bin/env bash
# Debian's Chromium for the browser tests (never Playwright's own download: there is no network for it).
#
# Waits for the package manager when another install holds its lock (apt's own DPkg::Lock::Timeout, and a retry
# of `apt-get update`, whose lists lock that option does not cover), so a concurrent install makes the tests wait,
# not skip. When Chromium cannot be had, the reason is written to $REASON_FILE: the browser tests skip with it.
set -u
REASON_FILE=${REASON_FILE:-var/chromium-missing}
WAIT_S=${APT_LOCK_WAIT_S:-600}
mkdir -p "$(dirname "$REASON_FILE")"

if [ -z "${FORCE_INSTALL:-}" ] && command -v chromium >/dev/null 2>&1; then
  rm -f "$REASON_FILE"; exit 0
fi
missing() { echo "$1" > "$REASON_FILE"; echo "SKIPPED browser tests: $1"; exit 0; }
[ "$(id -u)" = 0 ] || missing "chromium is not installed and this user cannot install it (as root: apt-get install chromium)"
command -v apt-get >/dev/null 2>&1 || missing "chromium is not installed and there is no apt-get to install it with"

log=$(mktemp)
trap 'rm -f "$log"' EXIT
if [ -z "${SKIP_UPDATE:-}" ]; then
  waited=0
  until apt-get -o DPkg::Lock::Timeout="$WAIT_S" update -qq >"$log" 2>&1; do
    if grep -qi "lock" "$log" && [ "$waited" -lt "$WAIT_S" ]; then
      echo "waiting for another package install to finish (apt lists lock)…"; sleep 5; waited=$((waited + 5))
    else
      missing "apt-get update failed: $(grep -v '^\s*$' "$log" | tail -1)"
    fi
  done
fi
if ! DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout="$WAIT_S" install -y -qq chromium >"$log" 2>&1; then
  missing "apt-get install chromium failed: $(grep -v '^\s*$' "$log" | tail -1)"
fi
command -v chromium >/dev/null 2>&1 || missing "apt-get installed chromium but there is no chromium command"
rm -f "$REASON_FILE"
