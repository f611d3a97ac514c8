# The project's commands. `make run` and `make test` set everything up from a fresh clone.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
# Test processes (pytest-xdist): one per core by default, each given whole test files, the heavy
# ones (marked `scale`, and the real processes) together on one (--dist loadgroup, conftest.py).
# TEST_MARKS picks the tests (the Nu HTML check runs in make lint); e.g. TEST_MARKS="not html
# and not browser" leaves out the browser tests too, "not scale" the heavy ones. PYTEST_ARGS adds
# options. The run ends with the 25 slowest tests.
TEST_WORKERS ?= auto
TEST_MARKS ?= not html
PYTEST_ARGS ?=

.PHONY: run test serve worker setup lint check messages clean-db bench help

help:
	@echo "make run    set up, migrate, load the 2017 demo and serve http://$(HOST):$(PORT)"
	@echo "make test   set up and run the whole suite (browser tests skip without Chromium)"
	@echo "make serve  the production configuration locally: DEBUG off, gunicorn, static files collected"
	@echo "make worker the background worker (large reports)"
	@echo "make lint   ruff (lint and format), Django checks, migrations, the Vietnamese catalogue"
	@echo "make bench  the pages at 1,000 and 10,000 communes, the exports, the open-loop capacity"

# The virtual environment on Python 3.12 (pyenv reads .python-version), rebuilt when
# requirements.txt changes.
$(VENV)/.installed: requirements.txt
	@command -v python3.12 >/dev/null || { echo "Python 3.12 is required (see .python-version)"; exit 1; }
	@test -x $(PY) || python3.12 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	@touch $@

# A local .env with a fresh secret key and demo password, made once.
.env:
	@sed -e "s|^SECRET_KEY=.*|SECRET_KEY=$$(openssl rand -hex 32)|" \
	     -e "s|^DEMO_PASSWORD=.*|DEMO_PASSWORD=demo-$$(openssl rand -hex 4)|" .env.example > .env
	@echo "Wrote .env (DEBUG on, a new SECRET_KEY and DEMO_PASSWORD)."

locale/vi/LC_MESSAGES/django.mo: locale/vi/LC_MESSAGES/django.po $(VENV)/.installed
	$(MANAGE) compilemessages -l vi --ignore=.venv >/dev/null

setup: $(VENV)/.installed .env locale/vi/LC_MESSAGES/django.mo

run: setup
	$(MANAGE) migrate --noinput
	$(MANAGE) createcachetable
	$(MANAGE) load_demo
	@echo "Demo accounts: dost, manager, consultant, district-832|834|838, commune-<GSO code> (2017), xa2025-<GSO code> (the units of 1/7/2025);"
	@echo "password: $$(grep -E '^DEMO_PASSWORD=' .env | cut -d= -f2-) (DEMO_PASSWORD in .env)."
	@echo "Today's picture: http://$(HOST):$(PORT)/  the 2017 wave: http://$(HOST):$(PORT)/?as_of=15/12/2017"
	$(MANAGE) runserver $(HOST):$(PORT)

test: setup
	@if [ -x /usr/bin/chromium ] || command -v chromium >/dev/null; then :; else \
	  echo "Chromium is missing: the browser tests (e2e/) will be skipped. Install it with 'apt-get install chromium'."; fi
	$(MANAGE) createcachetable
	$(VENV)/bin/pytest -n $(TEST_WORKERS) --dist loadgroup -m "$(TEST_MARKS)" \
	  --durations=25 $(PYTEST_ARGS)

# The production configuration on this machine: DEBUG off whatever .env says, the SECRET_KEY of
# .env, static files collected and served by WhiteNoise, gunicorn with WEB_CONCURRENCY workers
# (default 2). Cookies stay plain HTTP unless SECURE_COOKIES is on (behind TLS it must be).
serve: setup
	DEBUG=off $(MANAGE) migrate --noinput
	DEBUG=off $(MANAGE) createcachetable
	DEBUG=off $(MANAGE) collectstatic --noinput -v0
	DEBUG=off $(VENV)/bin/gunicorn qms_rollout.wsgi --bind $(HOST):$(PORT) \
	  --workers $${WEB_CONCURRENCY:-2} --timeout $${GUNICORN_TIMEOUT:-60} --access-logfile - --log-file -

# The background worker of `make serve` (the large reports): runs until stopped.
worker: setup
	DEBUG=off $(MANAGE) db_worker --interval 1

# The Nu HTML checker (vnu-jar, from the npm registry; needs Java).
node_modules/vnu-jar/build/dist/vnu.jar: package.json
	npm install --no-audit --no-fund --silent
	@touch $@

lint: setup node_modules/vnu-jar/build/dist/vnu.jar
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(MANAGE) check
	$(MANAGE) makemigrations --check --dry-run
	$(PY) .ci/check_catalogue.py locale/vi/LC_MESSAGES/django.po
	$(VENV)/bin/pytest -m html -p no:xdist qms_rollout/tests/test_html_valid.py

# Refresh the Vietnamese catalogue after adding strings: new entries are filled from the PO
# files in locale/fragments/ when they hold them; translate what is still empty.
PO := locale/vi/LC_MESSAGES/django.po
messages: $(VENV)/.installed
	$(MANAGE) makemessages -l vi --no-obsolete --no-location --ignore=.venv --ignore=var
	@# makemessages guesses "fuzzy" translations from similar strings: drop the guesses.
	$(PY) .ci/check_catalogue.py --drop-fuzzy $(PO)
	@if ls locale/fragments/*.po >/dev/null 2>&1; then \
	  msgmerge -q --no-fuzzy-matching --no-wrap \
	    $$(for f in locale/fragments/*.po; do [ -f $$f ] && echo --compendium=$$f; done) \
	    -o $(PO) $(PO) $(PO); fi
	$(PY) .ci/check_catalogue.py $(PO) || true

# The load generator (Locust) in an environment of its own, beside the project's.
BENCH_VENV := .venv-bench
$(BENCH_VENV)/.installed: bench/requirements.txt
	@test -x $(BENCH_VENV)/bin/python || python3.12 -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/python -m pip install --quiet -r bench/requirements.txt
	@touch $@

# The pages at 1,000 and 10,000 communes against the admin changelist, the exports, the open-loop
# capacity (bench/run_bench.py): on the PostgreSQL database of DATABASE_URL when it points to one
# (empty or a previous run's), else SQLite. BENCH_SIZES=1000 runs the small size only. It prints
# figures; the other bench/bench_*.py each say how to run them.
bench: setup $(BENCH_VENV)/.installed
	$(PY) bench/run_bench.py

clean-db:
	rm -f db.sqlite3 db.sqlite3-wal db.sqlite3-shm
