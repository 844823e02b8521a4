# A Python 3.11 or 3.12 (durable-rules 2.0.28 does not build on 3.13).
PY ?= $(shell for p in python3.12 python3.11 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(not (3, 11) <= sys.version_info[:2] < (3, 13))' 2>/dev/null \
	&& echo $$p && break; done)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test lint bench clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	@test -n "$(PY)" || { echo "需要 Python 3.11 或 3.12 / Python 3.11 or 3.12 is required"; exit 1; }
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $@

run: install
	$(BIN)/hnte serve --host $(HOST) --port $(PORT)

lint: install
	$(BIN)/ruff check .

# scripts/test-env.sh installs what the tests need beyond Python (Chromium, a CJK font, PostgreSQL) when it
# can, and says in one line what it could not; the tests start their own throwaway PostgreSQL cluster.
test: install lint
	scripts/test-env.sh $(BIN)/pytest -q

bench: install
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache .hypothesis
