# Neural Playground: `make run` starts the app, `make test` runs every test, `make bench` the benchmarks.
# Both set up .venv first; requirements are installed again only when their file changes.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PORT   ?= 8501
HOST   ?= localhost

.PHONY: run test lint unit bench setup setup-test system-deps fetch-mnist clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# The stamp files are newer than the requirements they installed; an edited requirements file re-runs pip.
$(VENV)/.runtime-installed: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install -r requirements.txt
	touch $@

$(VENV)/.test-installed: requirements-test.txt $(VENV)/.runtime-installed
	$(BIN)/python -m pip install -r requirements-test.txt
	touch $@

setup: $(VENV)/.runtime-installed

setup-test: $(VENV)/.test-installed

run: setup
	$(BIN)/python -m streamlit run app.py --server.port $(PORT) --server.address $(HOST)

# Debian packages the tests need (Chromium, Fashion-MNIST); installs them when run as root, else says how.
system-deps:
	@.ci/system-deps

lint: setup-test
	$(BIN)/ruff check .

test: setup-test system-deps lint
	$(BIN)/python -m pytest

unit: setup-test
	$(BIN)/python -m pytest -m "not browser"

bench: setup-test system-deps
	$(BIN)/python -m bench

fetch-mnist: setup
	$(BIN)/python -m playground.data fetch mnist

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache tests/screenshots
