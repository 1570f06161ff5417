# Two commands for a fresh machine with Python 3.11 and make: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_ENV := APP_ENV=development

.PHONY: install run test test-sqlite test-postgres lint format bench clean

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

## make run: migrate, seed the small demo (once) and serve on http://127.0.0.1:5000
run: install
	$(DEV_ENV) $(BIN)/flask db upgrade
	$(DEV_ENV) $(BIN)/flask demo seed --size small
	@echo "Open http://127.0.0.1:5000 and sign in with one of the demo logins above."
	$(DEV_ENV) $(BIN)/flask run --host 127.0.0.1 --port 5000

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
