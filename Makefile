# Two commands on a fresh machine (see README.md):
#   make run    set up .venv and start the app
#   make test   set up .venv (+ Chromium, PostgreSQL for tests) and run lint and every test
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: run test lint samples bench clean

$(VENV)/.runtime: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

run: $(VENV)/.runtime
	ARROW_DEFAULT_MEMORY_POOL=system $(VENV)/bin/streamlit run app.py

test: $(VENV)/.dev
	bash scripts/run_tests.sh

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .

samples: $(VENV)/.runtime
	$(PY) sample_data/make_samples.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
