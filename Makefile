# Square — the two commands a newcomer needs are `make run` and `make test`.
SHELL := /bin/sh
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.requirements-installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint format messages clean-venv

# The venv is (re)built only when requirements.txt changes or its Python is broken.
$(STAMP): requirements.txt scripts/find-python
	@if [ ! -x $(PY) ] || ! $(PY) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null; then \
		rm -rf $(VENV); \
		python=$$(scripts/find-python) || exit 1; \
		echo "Creating $(VENV) with $$python"; \
		"$$python" -m venv $(VENV) || exit 1; \
	fi
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	@touch $(STAMP)

venv: $(STAMP)

# The demo asks drand's public relays for a draw's beacon, then the recorded copy in
# campaigns/demo/relay/ (so a draw works offline; every beacon is verified either way).
DEMO_RELAYS := https://api.drand.sh,https://drand.cloudflare.com,file://$(CURDIR)/campaigns/demo/relay

run: $(STAMP)
	@echo "  Draw beacons come from drand's relays, then campaigns/demo/relay/ (SQUARE_DRAND_RELAYS)."
	DEBUG=$${DEBUG:-1} $(PY) manage.py migrate --noinput
	DEBUG=$${DEBUG:-1} $(PY) manage.py seed_demo
	@echo
	@echo "  Square is at http://$(HOST):$(PORT)/   (admin: http://$(HOST):$(PORT)/admin/)"
	@echo
	SQUARE_DRAND_RELAYS=$${SQUARE_DRAND_RELAYS:-$(DEMO_RELAYS)} DEBUG=$${DEBUG:-1} $(PY) manage.py runserver $(HOST):$(PORT)

test: $(STAMP)
	$(PY) -m pytest $(PYTEST_ARGS)

# Production mode on this machine: DEBUG off, collectstatic + migrate, then granian
# (WSGI) on $(HOST):$(PORT). Reads the same environment and .env as everything else;
# WEB_CONCURRENCY / WEB_THREADS size it. docs/deploy.md has the multi-node picture.
.PHONY: serve worker
serve: $(STAMP)
	HOST=$(HOST) PORT=$(PORT) $(PY) scripts/serve.py web

# The background-task worker (TASKS_BACKEND=database): `manage.py db_worker`.
worker: $(STAMP)
	$(PY) scripts/serve.py worker

# Benchmarks: generate the data once (default: the 1m preset on PostgreSQL), load the
# pages with wrk against `make serve`, time the work without pages, and put the report
# on top of docs/benchmarks.md. E.g. BENCH_ARGS="--scale 100k"; `python -m bench --help`.
.PHONY: bench
bench: $(STAMP)
	$(PY) -m bench $(BENCH_ARGS)

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: $(STAMP)
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

# Needs GNU gettext (developers only); the compiled .mo files are committed so that
# users and CI need no system packages.
messages: $(STAMP)
	DEBUG=1 $(PY) manage.py makemessages -l zh_Hans -l en --no-obsolete --ignore=.venv --ignore=square/tests --ignore=campaigns/tests
	DEBUG=1 $(PY) manage.py compilemessages --ignore=.venv

clean-venv:
	rm -rf $(VENV)
