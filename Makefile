# Two commands for a fresh machine with Python 3.11 and make: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SETTINGS := instance/settings.env
PORT ?= 5000

.PHONY: install setup run shell test test-sqlite test-postgres lint format bench clean

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

# The development settings, written once and never overwritten (delete the file to get a new key), readable by
# you only. app.py reads them; they are ignored whenever APP_ENV says anything but development.
$(SETTINGS):
	mkdir -p $(@D)
	umask 077; key="$$($(PYTHON) -c 'import secrets; print(secrets.token_hex(32))')" && \
	printf '%s\n' '# Written once by make setup, for this computer only: never use this key for a deployment.' \
	  'APP_ENV=development' "SECRET_KEY=$$key" > $@.tmp && chmod 600 $@.tmp && mv $@.tmp $@

## make setup: everything `make run` does before serving (venv, settings, database, demo data, demo logins)
setup: install $(SETTINGS)
	$(BIN)/flask db upgrade
	$(BIN)/flask demo seed --size small

## make run: set up, then serve on http://127.0.0.1:5000 (PORT=5100 make run for another port)
run: setup
	@echo "Open http://127.0.0.1:$(PORT) and sign in with one of the demo logins above."
	$(BIN)/flask run --host 127.0.0.1 --port $(PORT)

## make shell: a shell with the virtual environment active, so that `flask …` is this project's command line
shell: install $(SETTINGS)
	@echo "Virtual environment active: 'flask --help' lists the commands; 'exit' leaves."
	@. $(BIN)/activate && exec "$${SHELL:-/bin/sh}" -i

## make test: the whole suite on SQLite, then on PostgreSQL when TEST_DATABASE_URL is set
test: install
	$(MAKE) --no-print-directory test-sqlite
	@if [ -n "$$TEST_DATABASE_URL" ]; then $(MAKE) --no-print-directory test-postgres; \
	else echo "TEST_DATABASE_URL is not set: the PostgreSQL run is skipped."; fi

test-sqlite: install
	@command -v chromium >/dev/null || command -v chromium-browser >/dev/null || [ -n "$$CHROMIUM_PATH" ] || \
	  echo "NOTE: Chromium is not installed, so the browser tests (tests/e2e) will be skipped. apt-get install chromium"
	env -u TEST_DATABASE_URL $(BIN)/pytest

test-postgres: install
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: install
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
