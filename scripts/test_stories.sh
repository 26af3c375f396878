#!/usr/bin/env bash
# Run the Rasa test stories against the trained model with the real action server.
set -euo pipefail
cd "$(dirname "$0")/.."
set -a; . var/secrets.env; set +a
export PYTHONPATH=. TF_CPP_MIN_LOG_LEVEL=3 RASA_TELEMETRY_ENABLED=false PRELOAD_REDACTOR=0
port=${TEST_ACTION_PORT:-5155}
out=var/test-stories
mkdir -p "$out" var/log
tmp_endpoints=$(mktemp --suffix=.yml)
printf 'action_endpoint:\n  url: "http://127.0.0.1:%s/webhook"\n' "$port" > "$tmp_endpoints"
.venv/bin/rasa run actions --actions actions --port "$port" > var/log/test-actions.log 2>&1 &
apid=$!
trap 'kill $apid 2>/dev/null; rm -f "$tmp_endpoints"' EXIT
for _ in $(seq 60); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 1; done
.venv/bin/rasa test core --model models/assistant.tar.gz --stories rasa_project/tests \
  --endpoints "$tmp_endpoints" --out "$out" --fail-on-prediction-errors \
  > var/log/test-stories.log 2>&1 || { tail -40 var/log/test-stories.log; cat "$out"/failed_test_stories.yml 2>/dev/null | head -60; exit 1; }
grep -E "Correct:|Accuracy" var/log/test-stories.log | head -4 || true
n=$(grep -c -- "- story:" rasa_project/tests/*.yml)
echo "$n passed, 0 failed (Rasa test stories)"
