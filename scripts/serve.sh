#!/usr/bin/env bash
# Start the action server and the Rasa server (REST channel) on the embedded default.
#   scripts/serve.sh          run both until Ctrl-C
#   scripts/serve.sh --chat   also open a terminal chat; stop both when the chat ends
# Env: RASA_PORT (5005), ACTION_PORT (5055), ENDPOINTS (rasa_project/endpoints.yml).
set -euo pipefail
cd "$(dirname "$0")/.."
RASA_PORT=${RASA_PORT:-5005}
ACTION_PORT=${ACTION_PORT:-5055}
ENDPOINTS=${ENDPOINTS:-rasa_project/endpoints.yml}
mkdir -p var/log
if [ "$ACTION_PORT" != 5055 ] && grep -q '127.0.0.1:5055/' "$ENDPOINTS"; then
  # the endpoints file names the default action port: use a copy with the chosen one
  sed "s#127.0.0.1:5055/#127.0.0.1:$ACTION_PORT/#" "$ENDPOINTS" > "var/endpoints.$ACTION_PORT.yml"
  ENDPOINTS=var/endpoints.$ACTION_PORT.yml
fi
set -a; . var/secrets.env; [ -f .env ] && . ./.env; set +a
export PYTHONPATH=. TF_CPP_MIN_LOG_LEVEL=3 RASA_TELEMETRY_ENABLED=false SQLALCHEMY_SILENCE_UBER_WARNING=1

pids=()
cleanup() { for p in "${pids[@]:-}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

echo "==> Starting the action server on port $ACTION_PORT (log: var/log/actions.log)"
.venv/bin/rasa run actions --actions actions --port "$ACTION_PORT" > var/log/actions.log 2>&1 &
pids+=($!)
echo "==> Starting Rasa on port $RASA_PORT (log: var/log/rasa.log)"
.venv/bin/rasa run --model models/assistant.tar.gz --endpoints "$ENDPOINTS" \
  --credentials rasa_project/credentials.yml --port "$RASA_PORT" --cors "" \
  > var/log/rasa.log 2>&1 &
pids+=($!)
.venv/bin/python scripts/wait_ready.py "http://127.0.0.1:$RASA_PORT" "http://127.0.0.1:$ACTION_PORT" \
  || { tail -20 var/log/rasa.log; exit 1; }
if [ "${1:-}" = "--chat" ]; then
  .venv/bin/python scripts/chat.py --url "http://127.0.0.1:$RASA_PORT"
else
  echo "==> Ready: POST http://127.0.0.1:$RASA_PORT/webhooks/rest/webhook  (Ctrl-C stops)"
  wait -n "${pids[@]}"
fi
