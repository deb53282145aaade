# Newsroom: `make run` to use it, `make test` to check it. Both set everything up.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: help run test lint format screenshots bench faults db-start db-stop chromium postgresql install clean-db

help:
	@echo "make run       set up everything and serve Newsroom on http://$(HOST):$(PORT)/"
	@echo "               (another address: make run HOST=0.0.0.0 PORT=8080)"
	@echo "make test      set up everything and run the whole test suite"
	@echo "make bench     print ingest, reader, re-anchoring, search and first-run figures"
	@echo "make faults    kill web workers, workers and PostgreSQL under load; print what survived"
	@echo "make lint      ruff check + format check + mypy;  make format  to fix formatting"
	@echo "make screenshots  save the main pages, desktop and phone, light and dark, to var/screenshots/"
	@echo "make db-stop   stop the project's own PostgreSQL cluster (whichever server runs it)"

# The virtualenv is rebuilt only when the pinned dependencies change.
$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else "Newsroom needs Python 3.12 or newer; this is " + sys.version.split()[0] + ". Set PYTHON=python3.13.")'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade "pip>=25.1"
	$(PY) -m pip install --quiet -e . --group dev
	@touch $@

install: $(STAMP)

# Static files are collected again only when they (or the installed packages) changed.
COLLECTED := var/static/.collected
$(COLLECTED): $(STAMP) $(shell find static -type f 2>/dev/null)
	$(PY) manage.py collectstatic --noinput --verbosity 0
	@touch $@

# The worker rides out database outages itself; should it stop any other way than being
# asked to (exit status 0), the loop in the recipe starts it again, as systemd would.
run: $(STAMP)
	$(PY) manage.py prepare --url http://$(HOST):$(PORT)
	@$(MAKE) --no-print-directory $(COLLECTED)
	@echo "Serving Newsroom at http://$(HOST):$(PORT)/ with one background worker  (Ctrl-C stops both)"
	@( trap 'kill $$w 2>/dev/null; wait $$w 2>/dev/null; exit 0' TERM; \
	   while :; do \
	     $(PY) manage.py worker --verbosity 0 & w=$$!; wait $$w && break; \
	     echo "Newsroom: the background worker stopped (exit status $$?); starting it again" >&2; \
	     sleep 2 & wait $$!; \
	   done ) & supervisor=$$!; \
	  trap 'kill $$supervisor 2>/dev/null; wait $$supervisor 2>/dev/null' EXIT INT TERM; \
	  $(PY) manage.py runserver $(HOST):$(PORT)

# Browser tests drive Debian's Chromium; install it when it is missing.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Chromium for the browser tests (apt-get)..."; \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium; \
	  else sudo apt-get update -qq && sudo apt-get install -y -qq chromium; fi; }

# The suite runs a cluster on the system's PostgreSQL as well as on the embedded one (in
# the virtualenv); install the system's when it is missing, as for Chromium.
postgresql: $(STAMP)
	@$(PY) -c 'from articles import pgservers; raise SystemExit(not pgservers.available("system"))' || { \
	  echo "Installing PostgreSQL for the tests (apt-get)..."; \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq postgresql; \
	  else sudo apt-get update -qq && sudo apt-get install -y -qq postgresql; fi; }

# pytest starts the project's PostgreSQL cluster itself (and stops it if it started it).
test: $(STAMP) chromium postgresql lint
	$(PY) -m pytest

screenshots: $(STAMP) chromium
	$(PY) -m pytest -q -m screenshots tests/browser/test_screenshots.py
	@echo "Saved to var/screenshots/"

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy

format: $(STAMP)
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

bench: $(STAMP)
	$(PY) manage.py migrate --noinput --verbosity 0
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) bench/run.py
	$(PY) bench/extraction.py
	$(PY) bench/reanchor.py
	$(PY) bench/entities.py
	$(PY) bench/fetch.py
	$(PY) bench/search.py
	$(PY) bench/api_write.py
	$(PY) bench/highlight_write.py
	$(PY) bench/claims.py
	$(PY) bench/watchlists.py
	$(PY) bench/firstrun.py

# Not part of `make test`: about two and a half minutes, on a throwaway cluster of its own.
faults: $(STAMP)
	$(MAKE) --no-print-directory $(COLLECTED)
	$(PY) bench/faults.py

db-start: $(STAMP)
	$(PY) -m articles.pgcluster start

db-stop:
	@if [ -x $(PY) ]; then $(PY) -m articles.pgcluster stop; else $(PYTHON) -m articles.pgcluster stop; fi
