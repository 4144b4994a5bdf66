# Two commands for a newcomer: `make run` and `make test`. Everything else is for the team.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PYTEST_ARGS ?=
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run serve test install lint format check-migrations check-deploy messages compilemessages bench clean \
	backup restore drill-restore upgrade-check

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --no-audit --no-fund --silent && touch $@; \
	else \
		echo "npm not found: install Node.js (Debian: apt-get install -y nodejs npm) for the KERN UX styles"; \
	fi

install: $(VENV)/.installed node_modules/.installed
	@bin/system-deps.sh run

## Start web + Celery worker + beat with demo data, on SQLite and the file broker unless
## DATABASE_URL / REDIS_URL are set.
run: install compilemessages
	$(BIN)/python manage.py migrate --noinput
	SITE_URL=$${SITE_URL:-http://$(HOST):$(PORT)} $(BIN)/python manage.py demo_data
	@HOST=$(HOST) PORT=$(PORT) BIN=$(BIN) bin/run-dev

## Only start web + worker + beat (no install, migrate or demo data): a quick restart after `make run`.
serve:
	@HOST=$(HOST) PORT=$(PORT) BIN=$(BIN) bin/run-dev

## Install everything and run the whole suite; `make test PYTEST_ARGS='-k jury'` passes arguments on.
test: install compilemessages
	@bin/system-deps.sh test
	$(BIN)/python -m pytest $(PYTEST_ARGS)

compilemessages: $(VENV)/.installed
	@if [ -d locale ]; then $(BIN)/python manage.py compilemessages --ignore=.venv --ignore=node_modules -v 0; fi

messages: $(VENV)/.installed
	$(BIN)/python manage.py makemessages -l de -l en -l tr -l ar --ignore=.venv --ignore=node_modules --ignore=var --no-obsolete --no-location
	@# no creation date: two branches that refresh the catalogues must not conflict on a timestamp
	sed -i '/^"POT-Creation-Date: /d' locale/*/LC_MESSAGES/django.po

## ruff, and the import contracts of docs/architecture.md (layers one way, no cycles).
lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

format: $(VENV)/.installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check-migrations: $(VENV)/.installed
	$(BIN)/python manage.py makemigrations --check --dry-run

## Django's deployment checklist against the production settings (PRODUCTION=1, a random key).
check-deploy: $(VENV)/.installed
	env -u DEBUG PRODUCTION=1 ALLOWED_HOSTS=aktionsfonds.example.berlin \
		SECRET_KEY=$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))') \
		$(BIN)/python manage.py check --deploy --fail-level WARNING
	@# deploy/: systemd-analyze verify, nginx -t, nginx's body limit = REQUEST_MAX_BYTES
	$(BIN)/python deploy/check.py

## Operations (docs/betrieb.md). A backup: database dump + media files + manifest of SHA-256 hashes.
BACKUP_DIR ?= var/backups
backup: $(VENV)/.installed
	$(BIN)/python -m aktionsfonds.backup create --into $(BACKUP_DIR)

## make restore BACKUP=var/backups/aktionsfonds-…  (REPLACE=1: empty a database that is not empty)
restore: $(VENV)/.installed
	@test -n "$(BACKUP)" || { echo "usage: make restore BACKUP=$(BACKUP_DIR)/aktionsfonds-<time> [REPLACE=1]"; exit 2; }
	$(BIN)/python -m aktionsfonds.backup restore $(BACKUP) $(if $(REPLACE),--replace)
	$(BIN)/python manage.py migrate --noinput

## Seed, back up, drop everything, restore, compare (needs PostgreSQL: DATABASE_URL names the server).
drill-restore: $(VENV)/.installed
	$(BIN)/python bin/drill-restore

## The previous release's database (deploy/previous-release) with data, migrated to this code.
upgrade-check: $(VENV)/.installed
	$(BIN)/python bin/upgrade-check

## Benchmarks (each prints its ratio to a floor). load.py and drill.py need PostgreSQL and
## redis-server: they create their own database (BENCH_DB) and start a private Redis. scale.py
## (PostgreSQL) prints rows read per page and job at N = 100, 1,000 and 10,000 Anträge. The .mo
## files are not in git: compiled first, else every e-mail and page would be measured in German.
BENCH_DB ?= aktionsfonds_bench
bench: install compilemessages
	$(BIN)/pip install --quiet -e '.[test,bench]'
	@# settings fail closed without SECRET_KEY: the benchmarks get a throwaway one
	export SECRET_KEY=$${SECRET_KEY:-bench-$$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')}; \
	$(BIN)/python bench/letters.py && \
	$(BIN)/python bench/meeting.py && \
	$(BIN)/python bench/oeffentlich.py && \
	$(BIN)/python bench/scale.py --db $(BENCH_DB)_scale && \
	$(BIN)/python bench/load.py --db $(BENCH_DB) $(BENCH_ARGS) && \
	$(BIN)/python bench/drill.py --db $(BENCH_DB)_drill $(BENCH_ARGS)

clean:
	rm -rf $(VENV) node_modules var
