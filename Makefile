# The whole set-up on a fresh machine: `make run`, then `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
DEMO   := examples/demo/widget.toml
# Two stamps: serving needs only the package (`pip install -e .`); the test, lint,
# bench and screenshot targets add the `test` extras (playwright, mypy, …: about 300 MB
# more in .venv, measured with du on a fresh install).
STAMP      := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

.PHONY: run test install sync check lint bench screenshots clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Python 3.11 or newer is needed (found $$($(PYTHON) --version))"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

# Remade after $(STAMP), so a change to pyproject.toml reinstalls both.
$(TEST_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

install: $(STAMP)

run: $(STAMP)
	WIDGET_BASE_URL=http://$(HOST):$(PORT) $(BIN)/solidarity-widget --config $(DEMO) sync
	WIDGET_BASE_URL=http://$(HOST):$(PORT) $(BIN)/solidarity-widget --config $(DEMO) serve --host $(HOST) --port $(PORT)

sync check: $(STAMP)
	$(BIN)/solidarity-widget --config $(DEMO) $@

# axe-core, injected by the accessibility tests; skipped (failed in CI) without npm.
AXE := node_modules/axe-core/axe.min.js
$(AXE): package.json package-lock.json
	-command -v npm >/dev/null && npm ci --no-audit --no-fund --silent && touch $@

test: $(TEST_STAMP) $(AXE)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(TEST_STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

bench: $(TEST_STAMP)
	$(BIN)/python -m bench

screenshots: $(TEST_STAMP)
	$(BIN)/python docs/screenshots.py

clean:
	rm -rf $(VENV) examples/demo/var bench/out
