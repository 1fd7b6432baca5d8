# kexie: short, obvious targets. `make run` and `make test` are all a newcomer needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
HOST ?= 127.0.0.1

# Development and test targets run with debug on; production leaves DJANGO_DEBUG unset or 0.
run test check messages compile bench: export DJANGO_DEBUG ?= 1

.PHONY: run test install install-dev lint format check bench messages compile clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python requirements/base.txt
	$(BIN)/pip install --quiet -r requirements/base.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements/dev.txt
	$(BIN)/pip install --quiet -r requirements/dev.txt
	touch $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py ensure_admin --url http://$(HOST):$(PORT)/admin/
	@echo "Serving http://$(HOST):$(PORT)/  (admin: http://$(HOST):$(PORT)/admin/)"
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: install-dev
	@test -x /usr/bin/chromium || echo "NOTE: Chromium is not installed, so the browser suite (tests/e2e) will be skipped. Install it with: apt-get install chromium fonts-noto-cjk"
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check: install-dev
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run

bench: install-dev
	$(BIN)/python -m bench.run $(BENCH_ARGS)

# After changing strings: collect them, fill from locale/fragments/*.json, compile (needs gettext).
messages: install-dev
	$(BIN)/python manage.py update_catalog

# Fill and compile only (no gettext needed).
compile: install-dev
	$(BIN)/python manage.py update_catalog --no-extract

# house: small deliberate breakages (mutations/*.toml), each applied alone to a scratch
# copy of the tree; fails if any survives its tests. MUTATE_ARGS="-k guard" for a subset.
.PHONY: mutate
mutate: install-dev
	$(BIN)/python mutations/run.py $(MUTATE_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache staticfiles

# --- Production rehearsal (deploy/stack.py): nginx + 2 gunicorn + PostgreSQL + Redis + S3 ---
# PROD_PORT (default 8443); PROD_DATABASE_URL / PROD_REDIS_URL point it at other servers.
.PHONY: prod-up prod-down prod-test

prod-up: install-dev
	$(BIN)/python -m deploy.stack up

prod-down:
	$(BIN)/python -m deploy.stack down

# Against a running stack (make prod-up): reads .local/prod.env.
prod-test: install-dev
	$(BIN)/python -m pytest tests/prod -m prod -p no:cacheprovider $(PYTEST_ARGS)
