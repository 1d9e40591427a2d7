# make run  - the bot: on Telegram when TELEGRAM_BOT_TOKEN is set, else a terminal chat
# make test - install what is needed, lint, and run the whole test suite
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint format bench validate test-flows clean

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

run: $(STAMP)
	@if [ -n "$$TELEGRAM_BOT_TOKEN" ] || grep -qsE '^TELEGRAM_BOT_TOKEN=.+' .env; then \
		exec $(PY) -m bot run; \
	else \
		echo "No TELEGRAM_BOT_TOKEN set: chatting here in the terminal. To connect Telegram, put a BotFather token into .env (see README)."; \
		exec $(PY) -m bot chat; \
	fi

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
