# Neural Playground: `make run` starts the app, `make test` runs every test, `make bench` the benchmarks.
# Both set up .venv first; requirements are installed again only when their file changes.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PORT   ?= 8501
HOST   ?= localhost

.PHONY: run test lint unit bench loadtest serve-class setup setup-test system-deps fetch-mnist clean

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

# A class server: checks classroom.toml (and that a class with passwords, OIDC or an instructor has its
# server secret: token_secret in .streamlit/secrets.toml or COOKIE_SECRET), binds to CLASS_HOST:CLASS_PORT,
# no file watcher, viewer toolbar, no error details for learners, XSRF on, small uploads.
# Health: http://HOST:PORT/_stcore/health. Several processes behind nginx: the same COOKIE_SECRET for each,
# and CLASS_HOST=127.0.0.1 so that only nginx reaches them (see deploy/README.md).
CLASS_HOST ?= 0.0.0.0
CLASS_PORT ?= 8501
COOKIE_SECRET ?=
serve-class: setup
	$(if $(COOKIE_SECRET),STREAMLIT_SERVER_COOKIE_SECRET=$(COOKIE_SECRET)) $(BIN)/python -m playground.classroom check
	$(BIN)/python -m playground.tfplayground.warmup  # every engine kernel compiled before the class arrives
	$(BIN)/python -m playground.cards  # the home cards drawn once, kept in .cache/
	NP_TORCH_THREADS=1 $(if $(COOKIE_SECRET),STREAMLIT_SERVER_COOKIE_SECRET=$(COOKIE_SECRET)) \
	  $(BIN)/python -m streamlit run app.py --server.address $(CLASS_HOST) \
	  --server.port $(CLASS_PORT) --server.headless true --server.fileWatcherType none \
	  --client.toolbarMode viewer --client.showErrorDetails none --server.enableXsrfProtection true \
	  --server.maxUploadSize 2 --browser.gatherUsageStats false

# Many learners at once against servers started for the purpose (not part of make test): each case RUNS
# times, on one process and on two behind nginx (which must be installed), median and worst beside targets.
LEARNERS ?= 30 60
PROCESSES ?= 1 2
RUNS ?= 3
LOADTEST_SECONDS ?= 40
loadtest: setup-test
	NP_TORCH_THREADS=1 $(BIN)/python -m loadtest $(LEARNERS) --processes $(PROCESSES) --runs $(RUNS) \
	  --seconds $(LOADTEST_SECONDS)

fetch-mnist: setup
	$(BIN)/python -m playground.digits fetch mnist

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache tests/screenshots
