#!/usr/bin/env bash
# Make sure the system pieces the test suite needs are present: Debian's Chromium (driven by
# Playwright; browsers are never downloaded through `playwright install`) and PostgreSQL 15.
# Idempotent: does nothing when both are there. Installs with apt only when run as root.
set -euo pipefail

CHROMIUM="${AMPARO_CHROMIUM:-/usr/bin/chromium}"
PG_BIN="${AMPARO_PG_BIN:-/usr/lib/postgresql/15/bin}"
missing=()

[ -x "$CHROMIUM" ] || missing+=(chromium)
[ -x "$PG_BIN/initdb" ] || missing+=(postgresql-15)
# Arabic labels in the PDF forms need a font with Arabic glyphs.
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)

if [ "${#missing[@]}" -eq 0 ]; then
  echo "ensure-test-deps: chromium and PostgreSQL 15 present"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "ensure-test-deps: missing ${missing[*]} and not root." >&2
  echo "  Install them: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi

echo "ensure-test-deps: installing ${missing[*]} with apt-get"
export DEBIAN_FRONTEND=noninteractive
# Another apt process (the machine's own updates, a second checkout) may hold the lock: wait
# for it (up to 10 minutes) instead of failing on a race.
APT=(apt-get -o DPkg::Lock::Timeout=600)
apt_update() {  # the lists lock may not honour the timeout on every apt: retry as well
  for _ in 1 2 3 4 5 6; do "${APT[@]}" update -qq && return 0; sleep 20; done
  return 1
}
if ! apt_update || ! "${APT[@]}" install -y -qq --no-install-recommends "${missing[@]}"; then
  echo "ensure-test-deps: apt-get could not install ${missing[*]}" >&2
  exit 1
fi

# The postgresql package starts a cluster of its own; the tests use throwaway servers.
if [[ " ${missing[*]} " == *" postgresql-15 "* ]] && command -v pg_ctlcluster >/dev/null; then
  pg_ctlcluster 15 main stop 2>/dev/null || true
fi

status=0
[ -x "$CHROMIUM" ] || { echo "ensure-test-deps: $CHROMIUM still missing" >&2; status=1; }
[ -x "$PG_BIN/initdb" ] || { echo "ensure-test-deps: $PG_BIN/initdb still missing" >&2; status=1; }
[ "$status" -eq 0 ] && echo "ensure-test-deps: ready"
exit "$status"
