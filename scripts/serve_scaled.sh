#!/usr/bin/env bash
# The scaled set-up on one machine: two Rasa servers and the action server behind nginx on
# one port, all on PostgreSQL (tracker store) + Redis (lock store). docs/scaling.md explains.
#
#   scripts/serve_scaled.sh     start everything, keep it running (Ctrl-C / SIGTERM stops)
#
# A component that exits is started again within a second (like `restart: unless-stopped`
# in deploy/docker-compose.yml), unless $RUN_DIR/hold-<name> exists: bench/faults.py uses
# that to keep the action server down for a while. Pid files: $RUN_DIR/<name>.pid with
# names actions, rasa-1, rasa-2, nginx; $RUN_DIR/ready appears when all answer.
#
# Env (defaults): LB_PORT (5005), LB_LISTEN (127.0.0.1:$LB_PORT), RASA_PORT_1 (5006),
# RASA_PORT_2 (5007), ACTION_PORT (5055), MODEL (models/assistant.tar.gz),
# SANIC_WORKERS (1 per Rasa server, see docs/scaling.md), TICKET_LOCK_LIFETIME (20 s),
# DB_HOST/DB_PORT/DB_NAME/DB_USER/DB_PASSWORD (127.0.0.1/5432/assistant/postgres/""),
# REDIS_HOST/REDIS_PORT/REDIS_DB (127.0.0.1/6379/1), HANDOVER_DB_URL (PostgreSQL database
# ${DB_NAME}_handover), RUN_DIR (var/run/scaled), LOG_DIR (var/log/scaled).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

LB_PORT=${LB_PORT:-5005}
LB_LISTEN=${LB_LISTEN:-127.0.0.1:$LB_PORT}
RASA_PORT_1=${RASA_PORT_1:-5006}
RASA_PORT_2=${RASA_PORT_2:-5007}
ACTION_PORT=${ACTION_PORT:-5055}
MODEL=${MODEL:-models/assistant.tar.gz}
RUN_DIR=${RUN_DIR:-var/run/scaled}
LOG_DIR=${LOG_DIR:-var/log/scaled}
export SANIC_WORKERS=${SANIC_WORKERS:-1}
export TICKET_LOCK_LIFETIME=${TICKET_LOCK_LIFETIME:-20}
export DB_HOST=${DB_HOST:-127.0.0.1} DB_PORT=${DB_PORT:-5432} DB_NAME=${DB_NAME:-assistant}
export DB_USER=${DB_USER:-postgres} DB_PASSWORD=${DB_PASSWORD:-}
export REDIS_HOST=${REDIS_HOST:-127.0.0.1} REDIS_PORT=${REDIS_PORT:-6379} REDIS_DB=${REDIS_DB:-1}
export ACTION_SERVER_URL=${ACTION_SERVER_URL:-http://127.0.0.1:$ACTION_PORT/webhook}
export HANDOVER_DB_URL=${HANDOVER_DB_URL:-postgresql://$DB_USER${DB_PASSWORD:+:$DB_PASSWORD}@$DB_HOST:$DB_PORT/${DB_NAME}_handover}
ENDPOINTS=rasa_project/endpoints.postgres.yml

mkdir -p "$RUN_DIR" "$LOG_DIR"
RUN_DIR=$(cd "$RUN_DIR" && pwd)
LOG_DIR=$(cd "$LOG_DIR" && pwd)
rm -f "$RUN_DIR"/ready "$RUN_DIR"/hold-*
# The pseudonym key: an already exported PSEUDONYM_KEY wins, else .env, else var/secrets.env.
preset_key=${PSEUDONYM_KEY:-}
set -a; [ -f var/secrets.env ] && . var/secrets.env; [ -f .env ] && . ./.env; set +a
[ -n "$preset_key" ] && export PSEUDONYM_KEY=$preset_key
[ -n "${PSEUDONYM_KEY:-}" ] || { echo "PSEUDONYM_KEY is not set: run \`make setup\`." >&2; exit 1; }
export PYTHONPATH=. TF_CPP_MIN_LOG_LEVEL=3 RASA_TELEMETRY_ENABLED=false SQLALCHEMY_SILENCE_UBER_WARNING=1

[ -f "$MODEL" ] || { echo "No model at $MODEL: run \`make train\` first." >&2; exit 1; }

# --- services and nginx --------------------------------------------------------------------
if [ "$DB_HOST" = 127.0.0.1 ] && [ "$REDIS_HOST" = 127.0.0.1 ]; then
  scripts/services.sh
fi
if ! command -v nginx >/dev/null 2>&1; then
  echo "==> Installing nginx (Debian package nginx-light)"
  if [ "$(id -u)" -ne 0 ]; then
    echo "nginx is missing; install it with: sudo apt-get install -y nginx-light" >&2; exit 1
  fi
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light; } \
    > "$LOG_DIR/apt-nginx.log" 2>&1 || { tail -20 "$LOG_DIR/apt-nginx.log"; exit 1; }
fi

# --- databases, tables and the Redis connection, once, before the servers start ------------
# (two Rasa servers creating the same tables at the same moment can collide)
echo "==> Preparing PostgreSQL ($DB_NAME, ${HANDOVER_DB_URL##*/}) and checking Redis"
.venv/bin/python - "$ENDPOINTS" <<'PY' > "$LOG_DIR/prepare.log" 2>&1 || { cat "$LOG_DIR/prepare.log"; exit 1; }
"""Create the databases and tables if missing; fail loudly when PostgreSQL/Redis are down."""
import os
import sys

import sqlalchemy as sa
from sqlalchemy.engine.url import make_url

from rasa.core.lock_store import LockStore
from rasa.core.tracker_store import TrackerStore
from rasa.utils.endpoints import read_endpoint_config

admin = sa.create_engine(
    sa.engine.URL.create(
        "postgresql", username=os.environ["DB_USER"], password=os.environ["DB_PASSWORD"] or None,
        host=os.environ["DB_HOST"], port=int(os.environ["DB_PORT"]), database="postgres",
    ),
    isolation_level="AUTOCOMMIT",
)
wanted = [os.environ["DB_NAME"]]
handover = make_url(os.environ["HANDOVER_DB_URL"])
if handover.get_backend_name() == "postgresql" and handover.database:
    wanted.append(handover.database)
with admin.connect() as conn:
    for name in wanted:
        if not conn.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), n=name).first():
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
            print("created database", name)
admin.dispose()
TrackerStore.create(read_endpoint_config(sys.argv[1], "tracker_store"))
lock_store = LockStore.create(read_endpoint_config(sys.argv[1], "lock_store"))
assert type(lock_store).__name__ == "RedisLockStore", type(lock_store).__name__
lock_store.red.ping()
from handover.store import get_store  # noqa: E402

get_store()
print("ok")
PY

# --- components ----------------------------------------------------------------------------
python_bin=$ROOT/.venv/bin
render_nginx() {
  LB_LISTEN=$LB_LISTEN RASA_1=127.0.0.1:$RASA_PORT_1 RASA_2=127.0.0.1:$RASA_PORT_2 \
    "$python_bin/python" - "$ROOT/deploy/nginx/rasa.conf.template" <<'PY' > "$RUN_DIR/rasa.conf"
import os
import re
import sys

text = open(sys.argv[1], encoding="utf-8").read()
names = ("LB_LISTEN", "LB_PORT", "RASA_1", "RASA_2")
print(re.sub(r"\$\{(\w+)\}", lambda m: os.environ[m[1]] if m[1] in names else m[0], text))
PY
  cat > "$RUN_DIR/nginx.conf" <<EOF
# Generated by scripts/serve_scaled.sh from deploy/nginx/rasa.conf.template
worker_processes 1;
pid $RUN_DIR/nginx.pid.master;
error_log $LOG_DIR/nginx-error.log warn;
events { worker_connections 1024; }
http {
    client_body_temp_path $RUN_DIR/nginx-body;
    proxy_temp_path $RUN_DIR/nginx-proxy;
    fastcgi_temp_path $RUN_DIR/nginx-fastcgi;
    uwsgi_temp_path $RUN_DIR/nginx-uwsgi;
    scgi_temp_path $RUN_DIR/nginx-scgi;
    include $RUN_DIR/rasa.conf;
}
EOF
  nginx -t -q -p "$RUN_DIR" -c "$RUN_DIR/nginx.conf"
}

start() {  # start component $1 in its own process group; write its pid file
  local name=$1 port log=$LOG_DIR/$1.log
  case $name in
    actions)
      setsid "$python_bin/rasa" run actions --actions actions --port "$ACTION_PORT" \
        >> "$log" 2>&1 < /dev/null & ;;
    rasa-1|rasa-2)
      port=$RASA_PORT_1; [ "$name" = rasa-2 ] && port=$RASA_PORT_2
      setsid "$python_bin/rasa" run --model "$MODEL" --endpoints "$ENDPOINTS" \
        --credentials rasa_project/credentials.yml --port "$port" --interface 127.0.0.1 \
        --cors "" >> "$log" 2>&1 < /dev/null & ;;
    nginx)
      setsid nginx -p "$RUN_DIR" -c "$RUN_DIR/nginx.conf" -g 'daemon off;' \
        >> "$log" 2>&1 < /dev/null & ;;
  esac
  echo $! > "$RUN_DIR/$name.pid"
  echo "$(date +%T) started $name (pid $!)" >> "$LOG_DIR/supervisor.log"
}

alive() { local pid; pid=$(cat "$RUN_DIR/$1.pid" 2>/dev/null) && kill -0 "$pid" 2>/dev/null; }

COMPONENTS=(actions rasa-1 rasa-2 nginx)
stopping=0
cleanup() {
  stopping=1
  for name in "${COMPONENTS[@]}"; do
    pid=$(cat "$RUN_DIR/$name.pid" 2>/dev/null) || continue
    kill -TERM -- "-$pid" 2>/dev/null || true
  done
  for _ in $(seq 30); do
    any=0; for name in "${COMPONENTS[@]}"; do alive "$name" && any=1; done
    [ $any = 0 ] && break; sleep 0.5
  done
  for name in "${COMPONENTS[@]}"; do
    pid=$(cat "$RUN_DIR/$name.pid" 2>/dev/null) || continue
    kill -KILL -- "-$pid" 2>/dev/null || true
    rm -f "$RUN_DIR/$name.pid"
  done
  rm -f "$RUN_DIR/ready"
}
trap cleanup EXIT
trap 'exit 0' INT TERM

render_nginx
echo "==> Starting the action server (:$ACTION_PORT), rasa-1 (:$RASA_PORT_1), rasa-2" \
  "(:$RASA_PORT_2), SANIC_WORKERS=$SANIC_WORKERS each, nginx on $LB_LISTEN (logs: $LOG_DIR)"
for name in "${COMPONENTS[@]}"; do start "$name"; done

wait_up() {  # wait_up SECONDS URL...: until every URL answers 200, or fail
  "$python_bin/python" - "$@" <<'PY'
import sys
import time
import urllib.request

deadline = time.time() + float(sys.argv[1])
pending = list(sys.argv[2:])
while pending and time.time() < deadline:
    try:
        with urllib.request.urlopen(pending[0], timeout=2):
            pending.pop(0)
    except OSError:
        time.sleep(1)
sys.exit(f"not answering: {pending}" if pending else 0)
PY
}
started=$(date +%s)
lb=${LB_LISTEN/0.0.0.0/127.0.0.1}
wait_up 420 "http://127.0.0.1:$ACTION_PORT/health" "http://127.0.0.1:$RASA_PORT_1/webhooks/rest/" \
  "http://127.0.0.1:$RASA_PORT_2/webhooks/rest/" "http://$lb/lb-health" "http://$lb/webhooks/rest/" \
  || { tail -20 "$LOG_DIR"/rasa-1.log "$LOG_DIR"/nginx-error.log; exit 1; }
echo "==> All up after $(( $(date +%s) - started )) s"
touch "$RUN_DIR/ready"
echo "==> Ready: POST http://$LB_LISTEN/webhooks/rest/webhook  (Ctrl-C stops)"

# --- supervise: start again whatever exited (unless held) -----------------------------------
while [ $stopping = 0 ]; do
  for name in "${COMPONENTS[@]}"; do
    if ! alive "$name" && [ ! -e "$RUN_DIR/hold-$name" ]; then
      echo "==> $name is not running: starting it again"
      start "$name"
    fi
  done
  sleep 1
done
