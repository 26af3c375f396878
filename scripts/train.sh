#!/usr/bin/env bash
# Train the model when config, domain or data changed (Rasa skips an unchanged model).
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p var/log models
log=var/log/train.log
echo "==> Safety model (learned crisis detector; trained once per corpus change, ~1-2 min)"
start=$(date +%s)
PYTHONPATH=. .venv/bin/python -c "
import logging, sys
from actions.logic.safety_model import get_model
model = get_model()
if model is None:
    sys.exit('the safety model could not be built: see the log above')
t = model.thresholds
print(f'    thresholds: check {t.check}, line {t.line}, soften {t.soften}, veto {t.veto}')
" 2>&1 | grep -v -i warning
echo "    ready ($(( $(date +%s) - start )) s)"
echo "==> Training the Rasa model (first time: 2-4 minutes; log: $log)"
start=$(date +%s)
if ! PYTHONPATH=. TF_CPP_MIN_LOG_LEVEL=3 RASA_TELEMETRY_ENABLED=false \
  .venv/bin/rasa train --config config.yml --domain rasa_project/domain \
  --data rasa_project/data --out models --fixed-model-name assistant > "$log" 2>&1; then
  tail -30 "$log"; echo "Training failed; full log: $log" >&2; exit 1
fi
echo "==> Model ready: models/assistant.tar.gz ($(( $(date +%s) - start )) s)"
