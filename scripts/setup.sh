#!/usr/bin/env bash
# Set up whatever is missing: .venv with pinned requirements, the Dutch spaCy pipeline,
# the pseudonym key for the embedded default, Rasa telemetry off. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
step() { printf '\n==> %s\n' "$*"; }

PY=.venv/bin/python
stamp=.venv/.requirements.sha
want=$(sha256sum requirements.txt | cut -d' ' -f1)
if [ ! -x "$PY" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  base=$(scripts/find_python.sh)
  step "Creating .venv with $($base --version) (first time: about 2 minutes)"
  [ -x "$PY" ] || "$base" -m venv .venv
  .venv/bin/pip install --quiet --progress-bar off -r requirements.txt
  .venv/bin/pip check
  echo "$want" > "$stamp"
else
  echo "==> .venv is up to date"
fi

step "Dutch spaCy pipeline"
TF_CPP_MIN_LOG_LEVEL=3 "$PY" scripts/dutch_pipeline.py 2>/dev/null

step "deduce (Dutch de-identification for handovers)"
"$PY" scripts/setup_deduce.py

mkdir -p var
if [ ! -s var/secrets.env ]; then
  step "Creating a pseudonym key for the embedded default (var/secrets.env, never committed)"
  umask 077
  printf 'PSEUDONYM_KEY=%s\n' "$("$PY" -c 'import secrets; print(secrets.token_hex(32))')" > var/secrets.env
fi
RASA_TELEMETRY_ENABLED=false .venv/bin/rasa telemetry disable >/dev/null 2>&1 || true
echo "==> setup done"
