# Vital 5 Check — every target sets up what it needs, on a fresh machine.
#   make run    start the kiosk at http://127.0.0.1:8000 (SQLite + simulated cuff)
#   make test   lint, type-check and run the whole test suite

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test setup assets i18n i18n-extract lint typecheck pytest browser-deps bench clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

# Front-end assets come from the npm lockfile and are served by the kiosk
# itself: a kiosk must work with no internet.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

assets: node_modules/.installed

# Compile every translation catalog (i18n/<lang>/LC_MESSAGES/messages.po).
i18n: $(BIN)/.installed
	@if compgen -G "i18n/*/LC_MESSAGES/messages.po" > /dev/null; then \
		$(BIN)/pybabel compile --statistics -D messages -d i18n; fi

# Rebuild the catalog template from code, templates and form data.
i18n-extract: $(BIN)/.installed
	$(BIN)/pybabel extract -F i18n/babel.toml -k N_ --add-comments=Translators: \
		--sort-by-file --project="Vital 5 Check" --msgid-bugs-address=- -o i18n/messages.pot .

setup: $(BIN)/.installed assets i18n

run: setup
	$(BIN)/vital5 migrate
	$(BIN)/vital5 serve --host $(HOST) --port $(PORT)

# Browser tests drive Debian's Chromium through Playwright (no browser download).
browser-deps:
	@command -v chromium > /dev/null || { \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium > /dev/null; \
		else sudo apt-get update -qq && sudo apt-get install -y -qq chromium > /dev/null; fi; }

lint: $(BIN)/.installed
	$(BIN)/ruff check .

typecheck: $(BIN)/.installed
	$(BIN)/mypy

pytest: setup browser-deps
	$(BIN)/pytest

test: setup browser-deps lint typecheck pytest

bench: setup
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) node_modules var .mypy_cache .ruff_cache .pytest_cache
