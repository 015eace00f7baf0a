# coopnet — two commands: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
HOST   ?= 127.0.0.1
PORT   ?= 5000
FLASK  := $(BIN)/flask --app coopnet
PO     := $(wildcard coopnet/translations/*/LC_MESSAGES/messages.po)
MO     := $(PO:.po=.mo)
# the embedded default database and a per-installation secret key live in instance/
SECRET := instance/secret_key

export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run test setup lint translations clean-db bench

run: setup $(SECRET) ## set up, migrate, load the demo on an empty database, serve and deliver mail
	@COOPNET_ENV=development COOPNET_SECRET_KEY=$$(cat $(SECRET)) $(FLASK) db upgrade
	@COOPNET_ENV=development COOPNET_SECRET_KEY=$$(cat $(SECRET)) $(FLASK) demo load --if-empty
	@echo ""
	@echo "  coopnet is served on http://$(HOST):$(PORT)/  (Ctrl+C stops it)"
	@echo "  e-mails are delivered at once to instance/mail/ and shown on http://$(HOST):$(PORT)/dev/mailbox"
	@echo ""
	@# the mail sender runs beside the server and stops with it (Ctrl+C, or the server ending)
	@export COOPNET_ENV=development COOPNET_SECRET_KEY=$$(cat $(SECRET)) \
		COOPNET_BASE_URL=http://$(HOST):$(PORT); \
	$(FLASK) mail send --loop --interval 2 & sender=$$!; \
	trap 'kill $$sender 2>/dev/null; wait $$sender' EXIT; trap 'exit 130' INT TERM; \
	$(FLASK) run --host $(HOST) --port $(PORT) --no-reload

test: setup ## the whole test suite, then ruff, the layer contract and the type check
	@# ical.js (Thunderbird's calendar parser) checks our .ics files when node is available
	@if command -v npm >/dev/null 2>&1 && [ ! -d tests/js/node_modules ]; then \
		npm ci --prefix tests/js --no-audit --no-fund --silent || true; fi
	$(BIN)/python -m pytest -n auto -q -p no:cacheprovider
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/mypy

bench: setup ## speed of the busiest requests against a minimal Flask app (not part of make test)
	$(BIN)/python -m benchmarks.bench

setup: $(STAMP) $(MO)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# reinstall only when the project's dependencies change
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

%.mo: %.po | $(STAMP)
	$(BIN)/pybabel compile --use-fuzzy -i $< -o $@ >/dev/null

$(SECRET):
	@mkdir -p instance
	@$(BIN)/python -c 'import secrets; print(secrets.token_hex(32))' > $@
	@chmod 600 $@

translations: $(STAMP) ## extract strings, update catalogues (then translate, then `make setup`)
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --ignore-dirs='.* node_modules' \
		--sort-output --no-location --omit-header -o coopnet/translations/messages.pot . >/dev/null
	$(BIN)/pybabel update -i coopnet/translations/messages.pot -d coopnet/translations \
		--width 100 --ignore-obsolete
	@echo "Now translate the empty msgstr entries in coopnet/translations/{nl,fr}/LC_MESSAGES/messages.po (remove fuzzy flags)"

lint: setup
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/mypy

clean-db: ## remove the embedded SQLite database (the next `make run` starts over with the demo)
	rm -f instance/coopnet.sqlite instance/coopnet.sqlite-wal instance/coopnet.sqlite-shm
