# The two commands a newcomer needs: `make run` and `make test`.
# Everything else (virtualenv, dependencies, migrations, demo data) happens on the way.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint format bench load clean

$(BIN)/.installed: requirements-dev.lock
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 12) and "Crossover needs Python 3.12 or newer" or 0)'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements-dev.lock
	touch $@

# The site's public address (links in mail, canonical and share tags, the sitemap, the
# feed) is where runserver listens, unless SITE_URL is set already.
run: export SITE_URL ?= http://$(HOST):$(PORT)
run: $(BIN)/.installed
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py demo_data
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: $(BIN)/.installed
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# wrk against a production-like gunicorn for 30 s (scripts/load_test.py); not part of CI.
load: $(BIN)/.installed
	$(BIN)/python scripts/load_test.py $(LOAD_ARGS)

# Load-test the site at scale with wrk under gunicorn: cached, fresh and cold pages, 100k
# collabs, the mixed load (see README: "Benchmark"). Needs wrk; about 15 minutes.
bench: $(BIN)/.installed
	$(BIN)/python bench/run.py

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(BIN)/.installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache htmlcov .coverage

.PHONY: serve
# The production stack on this machine: nginx in front of gunicorn and the task worker,
# DJANGO_DEBUG=0, on http://127.0.0.1:8080 (scripts/serve.py; README "Running in production").
serve: $(BIN)/.installed
	$(BIN)/python scripts/serve.py
