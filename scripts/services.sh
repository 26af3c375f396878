#!/usr/bin/env bash
# Make sure PostgreSQL (127.0.0.1:5432) and Redis (127.0.0.1:6379) run; start them if not.
# Tests that need them fail loudly (they never skip), so this runs before `make test`.
set -uo pipefail
up() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
if ! up 5432; then
  echo "==> Starting PostgreSQL"
  if ! command -v pg_ctlcluster >/dev/null 2>&1; then
    apt-get update -qq && apt-get install -y -qq postgresql >/dev/null
  fi
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
  for _ in $(seq 30); do up 5432 && break; sleep 1; done
fi
if ! up 6379; then
  echo "==> Starting Redis"
  command -v redis-server >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq redis-server >/dev/null; }
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no
  for _ in $(seq 30); do up 6379 && break; sleep 1; done
fi
up 5432 && echo "==> PostgreSQL is up" || { echo "PostgreSQL is not reachable on 5432" >&2; exit 1; }
up 6379 && echo "==> Redis is up" || { echo "Redis is not reachable on 6379" >&2; exit 1; }
