# make run  - the bot: on Telegram when TELEGRAM_BOT_TOKEN is set, else a terminal chat
# make test - install what is needed, lint, and run the whole test suite
# PYTHON=python3.12 make ...  picks the interpreter for .venv (3.11 or newer)
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint format bench validate test-flows clean

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || { \
		echo "error: PYTHON=$(PYTHON) is missing or older than 3.11; run e.g. PYTHON=python3.12 make $(MAKECMDGOALS)" >&2; \
		exit 1; }
	$(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); exit 1; }

# A failed install removes .venv, so the next run (perhaps with another PYTHON) starts clean.
$(STAMP): pyproject.toml | $(PY)
	@$(PY) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { \
		echo "error: $(VENV) has an old Python; removing it, run make again (PYTHON=...)" >&2; \
		rm -rf $(VENV); exit 1; }
	$(PY) -m pip install --quiet --upgrade pip || { rm -rf $(VENV); exit 1; }
	$(PY) -m pip install --quiet -e ".[dev]" || { rm -rf $(VENV); exit 1; }
	touch $(STAMP)

# The settings code decides whether a token is set (.env comments, export lines and all).
run: $(STAMP)
	@exec $(PY) -m bot start

test: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) -m bot validate
	$(PY) -m bot test-flows
	$(PY) -m pytest

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

validate: $(STAMP)
	$(PY) -m bot validate

test-flows: $(STAMP)
	$(PY) -m bot test-flows

bench: $(STAMP)
	$(PY) bench/bench_updates.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
