#!/usr/bin/env bash
# The README walkthrough, step by step, against a running server.
#   scripts/walkthrough.sh LOGINS_FILE [API_URL]
# LOGINS_FILE: the output of `amparo seed` (the demo logins it printed once).
set -euo pipefail
LOGINS=$1
API=${2:-http://127.0.0.1:${AMPARO_PORT:-8000}}/api/v1
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PY=${PYTHON:-$ROOT/.venv/bin/python}

json() { "$PY" -c "import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1], {}, {'d': d}))" "$1"; }
otp() { "$PY" -c "import pyotp,sys; print(pyotp.TOTP(sys.argv[1]).now())" "$1"; }
cred() { grep -E "[[:space:]]$1[[:space:]]" "$LOGINS" | sed -E "s/.*$2=([^ ]+).*/\1/"; }
login() {
  curl -sf -X POST "$API/auth/token" -d "username=$1" -d "password=$(cred "$1" password)" \
       -d "otp=$(otp "$(cred "$1" totp_secret)")" | json "d['access_token']"
}
post() { curl -sf -X POST "$API$1" -H "Authorization: Bearer $2" -H 'Content-Type: application/json' -d "$3"; }
public_status() { curl -sf -X POST "$API/status" -H 'Content-Type: application/json' \
                       -d "{\"receipt\": \"$RECEIPT\"}" | json "d['status']"; }
wait_status() {
  for _ in $(seq 1 120); do
    s=$(public_status); case " $* " in *" $s "*) echo "status: $s"; return 0;; esac; sleep 1
  done
  echo "timed out waiting for $* (last: $s)" >&2; return 1
}

OUT=$(curl -sf -X POST "$API/applications" -H 'Content-Type: application/json' \
           -d @"$ROOT/docs/examples/grant.json")
ID=$(echo "$OUT" | json "d['id']"); RECEIPT=$(echo "$OUT" | json "d['receipt']")
echo "1. applied: status $(echo "$OUT" | json "d['status']")"
wait_status in_review
for n in 1 2 3; do
  T=$(login "reviewer$n@demo.amparo.invalid")
  post "/applications/$ID/votes" "$T" '{"decision": "approve", "amount": 2500}' >/dev/null
done
echo "3. three approvals"
wait_status approved disbursing
F=$(login finance1@demo.amparo.invalid)
DISB=$(curl -sf "$API/disbursements?status=draft" -H "Authorization: Bearer $F" |
       json "[x for x in (d['items'] if isinstance(d, dict) else d) if x['application_id']=='$ID'][0]['id']")
post "/disbursements/$DISB/approve" "$F" '{"rail": "mobile_money", "destination": "+254700000001"}' >/dev/null
post "/disbursements/$DISB/send" "$F" '{"reference": "MM-REF-0001"}' >/dev/null
post "/disbursements/$DISB/confirm" "$F" '{"reference": "MM-REF-0001"}' >/dev/null
echo "4. money approved, sent and confirmed"
wait_status follow_up
echo "walkthrough ok"
