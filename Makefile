# One command to use, one to test. Every target sets up what is missing first.
SHELL := /bin/bash
PY := .venv/bin/python
export PYTHONPATH := .
export TF_CPP_MIN_LOG_LEVEL := 3
export RASA_TELEMETRY_ENABLED := false
export SQLALCHEMY_SILENCE_UBER_WARNING := 1

.PHONY: setup train run serve test lint validate test-stories pytest bench purge services clean \
	telegram whatsapp web browser review serve-scaled load load-faults bench-safety

setup:            ## .venv, Dutch spaCy pipeline, pseudonym key
	@scripts/setup.sh

train: setup      ## train the model if config, domain or data changed
	@scripts/train.sh

run: train        ## action server + Rasa (REST on :5005, SQLite) + a terminal chat
	@scripts/serve.sh --chat

serve: train      ## the same without the terminal chat
	@scripts/serve.sh

test: train services browser  ## everything: lint, pip check, validate, pytest, test stories
	@$(PY) -m pip check
	@$(MAKE) --no-print-directory lint validate pytest test-stories

lint:
	@echo "==> ruff"; .venv/bin/ruff check --no-cache .

validate:
	@echo "==> rasa data validate"
	@.venv/bin/rasa data validate --config config.yml --domain rasa_project/domain \
	  --data rasa_project/data > var/log/validate.log 2>&1 || { cat var/log/validate.log; exit 1; }

pytest:
	@echo "==> pytest"; set -a; . var/secrets.env; set +a; $(PY) -m pytest -q -p no:cacheprovider

test-stories:
	@echo "==> Rasa test stories"; scripts/test_stories.sh

services:         ## PostgreSQL and Redis on localhost (started when not running)
	@scripts/services.sh

bench: train      ## NLU cross-validation F1, train time, REST latency; side by side with Rasa's default
	@$(PY) bench/run_bench.py
	@$(PY) bench/side_by_side.py

bench-safety: setup  ## safety layer on the labelled corpus: per round (untuned learning curve), per kind, p95 ms
	@$(PY) bench/safety_bench.py $(ARGS)

purge: setup      ## delete conversations older than RETENTION_DAYS (default 30)
	@$(PY) scripts/purge.py --endpoints $${ENDPOINTS:-rasa_project/endpoints.yml}

clean:
	rm -rf models var/log .cache/spacy

telegram: setup   ## Telegram bridge (long polling; TELEGRAM_MODE=webhook for production; docs/channels.md)
	@$(PY) -m bot_bridge.telegram $(ARGS)

whatsapp: setup   ## WhatsApp Cloud API webhook bridge on :8082 (docs/channels.md)
	@$(PY) -m bot_bridge.whatsapp $(ARGS)

web: setup        ## web chat page + embeddable widget on :8080 for the Rasa of `make serve` (docs/webchat.md)
	@$(PY) -m webchat $(ARGS)

browser:          ## headless Chromium + ChromeDriver for the browser tests (apt-get when missing)
	@scripts/setup_browser.sh

review: setup     ## review web app for professionals on :8090 (HANDOVER_DB_URL; docs/handover.md)
	@$(PY) -m handover.review --port $${REVIEW_PORT:-8090} $(ARGS)

serve-scaled: train services  ## two Rasa servers + action server behind nginx on :5005, PostgreSQL + Redis (docs/scaling.md)
	@scripts/serve_scaled.sh

load: train services  ## load test: 1/10/50 conversations, single server (SQLite) and scaled set-up
	@$(PY) bench/loadgen.py $(ARGS)

load-faults: train services  ## kill/restart a Rasa server and the action server under load; PASS/FAIL
	@$(PY) bench/faults.py $(ARGS)
