#!/usr/bin/env bash
# Train the model when config, domain or data changed (Rasa skips an unchanged model).
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p var/log models
log=var/log/train.log
echo "==> Training the Rasa model (first time: 2-4 minutes; log: $log)"
start=$(date +%s)
if ! PYTHONPATH=. TF_CPP_MIN_LOG_LEVEL=3 RASA_TELEMETRY_ENABLED=false \
  .venv/bin/rasa train --config config.yml --domain rasa_project/domain \
  --data rasa_project/data --out models --fixed-model-name assistant > "$log" 2>&1; then
  tail -30 "$log"; echo "Training failed; full log: $log" >&2; exit 1
fi
echo "==> Model ready: models/assistant.tar.gz ($(( $(date +%s) - start )) s)"
