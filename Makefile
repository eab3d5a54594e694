# groupviz: `make run` starts the dashboard, `make test` runs every test (browser tests included).
# Both set up what they need first (venv, pip requirements, npm assets; chromium for tests)
# and are quick when everything is already there.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 5000
SIO_JS := node_modules/socket.io-client/dist/socket.io.min.js

.PHONY: run classroom run-workers run-kafka test test-fast setup setup-dev chromium redis bench bench-full clean

run: setup
	$(BIN)/python app.py --host $(HOST) --port $(PORT) $(ARGS)

# The classroom: bind to this machine's LAN address so phones can join; prints the presenter URL,
# the viewer URL and its QR code (app.py --lan; README "In the classroom").
classroom: setup
	$(BIN)/python app.py --lan --port $(PORT) $(ARGS)

# A lecture hall: WORKERS socket processes and one engine process over Redis (docs/scaling.md).
WORKERS ?= 4
run-workers: setup redis
	$(BIN)/python app.py --host $(HOST) --port $(PORT) --workers $(WORKERS) $(ARGS)


run-kafka: setup
	$(BIN)/python app.py --host $(HOST) --port $(PORT) --kafka mock $(ARGS)

# Two pytest workers (pytest-xdist), a test file per worker at a time: the browser, Kafka mock-cluster and
# socket tests mostly wait on wall time, so two files side by side take ~60% of the serial run on 2 cores.
# TEST_JOBS=0 runs everything in one process.
TEST_JOBS ?= 2
test: setup-dev chromium redis
	$(BIN)/python -m pytest $(if $(filter 0,$(TEST_JOBS)),,-n $(TEST_JOBS) --dist loadfile) $(PYTEST_ARGS)

test-fast: setup-dev
	$(BIN)/python -m pytest -m "not browser and not slow" $(PYTEST_ARGS)

bench: setup-dev
	$(BIN)/python bench/run_all.py --quick

bench-full: setup-dev
	$(BIN)/python bench/run_all.py

setup: $(VENV)/.runtime-installed $(SIO_JS)

setup-dev: setup $(VENV)/.dev-installed

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.runtime-installed: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --disable-pip-version-check -q -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/python -m pip install --disable-pip-version-check -q -r requirements-dev.txt
	touch $@

$(SIO_JS): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

chromium:
	@bash scripts/ensure-chromium.sh

redis: | $(BIN)/python
	@bash scripts/ensure-redis.sh $(BIN)/python

clean:
	rm -rf $(VENV) node_modules artifacts .pytest_cache .hypothesis
