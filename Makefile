# PeerCert: `make run` to try it, `make test` to test it. Needs only Python 3.11+ and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: run test check bench worker clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "PeerCert needs Python 3.11 or newer; set PYTHON=python3.x")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@ $(VENV)/.installed

$(VENV)/.installed-bench: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev,bench]"
	touch $@ $(VENV)/.installed-dev $(VENV)/.installed

## Install, migrate, load the demo and serve on http://127.0.0.1:$(PORT)
run: $(VENV)/.installed
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py signing_dev_key
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

## Install and run the whole test suite
test: $(VENV)/.installed-dev
	$(BIN)/python -m pytest

## Measure speed beside baselines (not part of test; PostgreSQL when DATABASE_URL is set,
## a real worker on Redis at PEERCERT_TEST_REDIS_URL): a table, and benchmarks/results.json
bench: $(VENV)/.installed-bench
	$(BIN)/python -m pytest benchmarks -p no:cacheprovider -q -W ignore::DeprecationWarning

## Lint and Django's own checks (CI runs these beside the tests)
check: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DJANGO_SETTINGS_MODULE=cms.settings.dev $(BIN)/python manage.py check --fail-level WARNING
	DJANGO_SETTINGS_MODULE=cms.settings.dev $(BIN)/python manage.py makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=cms.settings.production \
	DJANGO_SECRET_KEY="$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
	ALLOWED_HOSTS=peercert.example.org REDIS_URL=redis://127.0.0.1:6379/1 \
	$(BIN)/python manage.py check --deploy --fail-level WARNING

## A Celery worker and beat for this checkout (needs CELERY_BROKER_URL, e.g. redis://127.0.0.1:6379/0)
worker: $(VENV)/.installed
	DJANGO_SETTINGS_MODULE=cms.settings.dev $(BIN)/celery -A cms worker --beat --loglevel=INFO

clean:
	rm -rf $(VENV) db.sqlite3 var .pytest_cache .ruff_cache
