# Groundwork: `make run` to try it, `make test` to check it. See README.md.
.DEFAULT_GOAL := help
PORT ?= 8000
# Use uv from PATH when present; otherwise install it into a private venv (works on
# Debian's "externally managed" Python too).
UV := $(shell command -v uv 2>/dev/null || echo .uv/bin/uv)
MANAGE := $(UV) run --frozen python manage.py

.PHONY: help run test test-fast test-python lint fmt bench soak sync sync-test migrate seed clean

help:
	@echo "make run    set up everything and start the portal with demo data (SQLite)"
	@echo "make test   install test dependencies and run linters and the whole suite"
	@echo "make lint   ruff checks and mypy;  make fmt  reformat the code"
	@echo "make bench  time handout rendering and every page of a 10,000-client studio"
	@echo "make soak   two app servers, a worker and HAProxy under load, with faults (worker killed, Redis stopped, PostgreSQL restarted)"

.uv/bin/uv:
	python3 -m venv .uv
	.uv/bin/python -m pip install --quiet --disable-pip-version-check uv

sync: $(UV)
	$(UV) sync --frozen --inexact

sync-test: $(UV)
	$(UV) sync --frozen --group test

migrate: sync
	$(MANAGE) migrate --noinput

seed: migrate
	$(MANAGE) seed_demo

# Task workers run beside the server (exports, batch prints, key rotation) and stop with it;
# each `worker` restarts its db_worker if it exits and recovers the jobs of a worker that died.
# On PostgreSQL several take tasks side by side (each claims its own with SKIP LOCKED), so a
# second export does not wait for the first; SQLite locks the whole file for every write, so
# there one worker runs. TASK_WORKERS=n chooses.
TASK_WORKERS ?= $(if $(findstring postgres,$(DATABASE_URL)),3,1)
run: seed
	@echo "Groundwork is starting on http://127.0.0.1:$(PORT)/  (Ctrl+C stops it)"
	@workers=""; for _ in $$(seq $(TASK_WORKERS)); do \
		$(MANAGE) worker --verbosity 0 & workers="$$workers $$!"; \
	done; \
	trap 'kill $$workers 2>/dev/null; wait $$workers 2>/dev/null' EXIT INT TERM; \
	$(MANAGE) runserver 127.0.0.1:$(PORT)

lint: sync-test
	$(UV) run --frozen ruff check .
	$(UV) run --frozen ruff format --check .
	$(UV) run --frozen mypy

fmt: sync-test
	$(UV) run --frozen ruff check --fix .
	$(UV) run --frozen ruff format .

# The suite runs in one process per core (pytest-xdist; each has its own test database).
# TEST_PROCESSES=0 runs it in this process. The browser tests and the server tests run after
# it, in one process: they time what a person or a balancer waits for (an htmx answer landing,
# the gaps between a gunicorn's answers), and a second process beside them made those races
# flaky.
TEST_PROCESSES ?= auto
test: lint
	$(MANAGE) makemigrations --check --dry-run
	$(UV) run --frozen pytest -n $(TEST_PROCESSES) -m "not server and not browser"
	$(UV) run --frozen pytest -m "browser or server"

# bench_pages last: it fails when a page is over its budget.
bench: sync
	$(MANAGE) bench_body
	$(MANAGE) bench_handouts
	$(MANAGE) bench_wording
	$(MANAGE) pose_figures
	$(MANAGE) bench_pages

SOAK_SECONDS ?= 120
soak: sync-test
	$(UV) run --frozen python -m tests.load.soak --seconds $(SOAK_SECONDS)

test-fast: sync-test
	$(UV) run --frozen pytest -n $(TEST_PROCESSES) -m "not browser" -x -q

# Another Python (PYTHON=3.12 or a path to its interpreter), in an environment of its own: the
# unit tests of the parts most likely to differ between versions (dates, text, encryption,
# PDFs, figures, settings, imports), a few minutes rather than the whole suite's half hour.
PYTHON ?= 3.12
PYTHON_TESTS ?= tests/test_import_direction.py tests/test_settings.py tests/test_encryption.py \
	tests/test_body.py tests/test_pdf_process.py tests/test_calendar_feed.py tests/test_bidi.py \
	tests/test_gentle_words.py
PYTHON_ENV ?= .venv-python$(PYTHON)
test-python: $(UV)
	UV_PROJECT_ENVIRONMENT=$(PYTHON_ENV) $(UV) run --frozen --group test \
		--python $(PYTHON) pytest -m "not browser and not server" -x -q $(PYTHON_TESTS)

clean:
	rm -rf .venv .venv-python* .uv staticfiles var db.sqlite3
