# Entry points. `make run` and `make test` set up everything on a fresh machine.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
FLASK := $(PY) -m flask --app wsgi
PORT ?= 5000
# Empty: gunicorn.conf.py decides (2 x cores + 1).
WORKERS ?=
INSTALLED := $(VENV)/.installed

# Debian packages: Pango for WeasyPrint, Noto fonts so Arabic and Chinese never miss a glyph,
# poppler-utils for reading PDFs back in tests and for looking at them, the PostgreSQL client
# tools for backups of a PostgreSQL database.
# chromium runs the browser tests (Playwright drives it, never a browser of its own).
SYSTEM_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 fontconfig fonts-noto-core fonts-noto-cjk \
	poppler-utils postgresql-client chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test test-browser test-faults audit test-postgres bench lint format check-data i18n \
	translations system-packages venv axe clean

run: venv system-packages translations  ## migrate, seed the demo and serve http://127.0.0.1:$(PORT)
	$(FLASK) db upgrade
	$(FLASK) demo seed
	@echo "Serving http://127.0.0.1:$(PORT)  (Ctrl-C to stop)"
	# Plain HTTP on loopback: the session cookie cannot be marked Secure here.
	SESSION_COOKIE_SECURE=0 REMEMBER_COOKIE_SECURE=0 WEB_CONCURRENCY=$(WORKERS) $(VENV)/bin/gunicorn \
		--config gunicorn.conf.py --bind 127.0.0.1:$(PORT) wsgi:app

# The whole suite on SQLite. The browser tests run beside the others, in a pytest of their own
# (its own temporary folder and log, printed at the end); the fault tests (gunicorn workers
# killed for a minute on SQLite and PostgreSQL, a full disk) follow the main suite. The suite
# fails when any part fails.
test: venv system-packages translations lint check-data audit axe  ## the whole suite
	@log=$$(mktemp); base=$$(mktemp -d); \
	$(PY) -m pytest tests/browser -p no:cacheprovider --basetemp="$$base" >"$$log" 2>&1 & \
	browser=$$!; \
	$(PY) -m pytest; others=$$?; \
	$(MAKE) --no-print-directory test-faults; faults=$$?; \
	wait $$browser; browsers=$$?; \
	echo "--- browser tests (tests/browser) ---"; cat "$$log"; rm -rf "$$log" "$$base"; \
	[ $$others -eq 0 ] && [ $$faults -eq 0 ] && [ $$browsers -eq 0 ]

# Faults: kill -9 of workers under autosave load, a full disk (mounts a small tmpfs: root).
test-faults: venv system-packages translations
	$(PY) -m pytest -p no:cacheprovider tests/faults

# bandit on our code, pip-audit on the dependencies (see .ci/audit).
audit: venv
	VENV=$(VENV) bash .ci/audit

# The same suite on a throw-away PostgreSQL database (PG_URL names the server).
PG_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/postgres
# The browser tests serve the app on a SQLite database of their own and run in `make test` only.
test-postgres: venv system-packages translations
	$(PY) -m tests.throwaway_postgres "$(PG_URL)" -- $(PY) -m pytest --ignore=tests/browser

# Benchmarks (bench/README.md): the app under gunicorn against bare baselines, on SQLite and,
# when PG_URL answers, PostgreSQL; one table, and bench/results/latest.json.
# SCALE=full for 10,000 assessments and 2 million answers; BENCH_SECONDS per measurement.
SCALE ?= small
BENCH_SECONDS ?= 8
bench: venv system-packages translations
	SCALE=$(SCALE) BENCH_SECONDS=$(BENCH_SECONDS) PG_URL="$(PG_URL)" $(PY) -m bench.run

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: venv
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

check-data: venv
	$(FLASK) questionnaires check

# Translations: extract both templates, merge them into every language, compile.
i18n: venv
	$(FLASK) i18n extract
	$(FLASK) i18n update
	$(FLASK) i18n compile
	$(FLASK) i18n status

# Compiled catalogs (.mo) are build output, made from the committed .po files.
translations: venv
	$(FLASK) i18n compile

venv: $(INSTALLED)

$(INSTALLED): pyproject.toml
	[ -x $(PY) ] || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

system-packages:
	@missing=$$(for p in $(SYSTEM_PACKAGES); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || echo $$p; \
	done); \
	if [ -n "$$missing" ]; then \
		echo "Installing system packages: $$missing"; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing && \
		fc-cache -f >/dev/null; \
	fi

# axe-core for the accessibility checks, pinned by tests/browser/package-lock.json.
AXE := tests/browser/node_modules/axe-core/axe.min.js
axe: $(AXE)
$(AXE): tests/browser/package.json tests/browser/package-lock.json | system-packages
	# npm from Debian only when the machine has no npm at all.
	command -v npm >/dev/null || { $(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends npm; }
	cd tests/browser && npm ci --no-audit --no-fund --loglevel=error
	touch $@

test-browser: venv system-packages translations axe  ## only the browser tests
	$(PY) -m pytest tests/browser -p no:cacheprovider

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache instance
