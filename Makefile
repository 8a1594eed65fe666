# Vital 5 Check — every target sets up what it needs, on a fresh machine.
#   make run    start the kiosk at http://127.0.0.1:8000 (SQLite + simulated cuff)
#   make test   lint, type-check and run the whole test suite

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test setup assets i18n i18n-extract i18n-update lint typecheck pytest test-deps bench clean

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

# NHS.UK styles compiled without the licensed web font (see the .scss).
STYLES := kiosk_app/web/static/build/nhsuk.css
$(STYLES): node_modules/.installed kiosk_app/web/styles/nhsuk.scss
	mkdir -p $(dir $@)
	npx --no-install sass --no-source-map --style=compressed --load-path=node_modules \
		--quiet-deps kiosk_app/web/styles/nhsuk.scss $@

assets: node_modules/.installed $(STYLES)

# Compile every translation catalog (i18n/<lang>/LC_MESSAGES/messages.po).
i18n: $(BIN)/.installed
	@if compgen -G "i18n/*/LC_MESSAGES/messages.po" > /dev/null; then \
		$(BIN)/pybabel compile --statistics -D messages -d i18n; fi

# Rebuild the catalog template from code, templates and form data.
i18n-extract: $(BIN)/.installed
	$(BIN)/pybabel extract -F i18n/babel.toml -k N_ --add-comments=Translators: \
		--sort-by-file --project="Vital 5 Check" --msgid-bugs-address=- -o i18n/messages.pot .

# Bring every catalog up to date with messages.pot (after i18n-extract): new
# strings arrive untranslated, removed ones are dropped. No fuzzy matching: a
# guessed translation of a changed health message is worse than none, and
# the tests (tests/i18n) list what each language is missing.
i18n-update: $(BIN)/.installed
	$(BIN)/pybabel update --no-fuzzy-matching --ignore-obsolete -D messages \
		-i i18n/messages.pot -d i18n

setup: $(BIN)/.installed assets i18n

run: setup
	$(BIN)/vital5 migrate
	$(BIN)/vital5 serve --host $(HOST) --port $(PORT)

# Debian packages the tests need: Chromium for the browser tests (driven by
# Playwright, no browser download), dbus-daemon for the BLE tests, PostgreSQL
# for the upstream's tests. Installed only when missing.
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)
test-deps:
	@missing=""; \
	command -v chromium > /dev/null || missing="$$missing chromium"; \
	command -v dbus-daemon > /dev/null || missing="$$missing dbus"; \
	command -v pg_ctl > /dev/null || [ -x /usr/lib/postgresql/15/bin/pg_ctl ] || missing="$$missing postgresql"; \
	if [ -n "$$missing" ]; then \
		echo "installing Debian packages:$$missing"; \
		$(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq $$missing > /dev/null; fi

lint: $(BIN)/.installed
	$(BIN)/ruff check .

typecheck: $(BIN)/.installed
	$(BIN)/mypy

pytest: setup test-deps
	$(BIN)/pytest

test: setup test-deps lint typecheck pytest

bench: setup
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) node_modules var .mypy_cache .ruff_cache .pytest_cache
