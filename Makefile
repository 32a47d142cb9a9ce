# The README's commands. `make help` lists every target.
.DEFAULT_GOAL := help
SHELL := /bin/bash

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# Touched once the pinned requirements are installed; rebuilt when they change.
INSTALLED := $(VENV)/.installed

.PHONY: help setup reports test lint format lab bench check-links clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-9s %s\n", $$1, $$2}'

$(INSTALLED): requirements.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@# jsonschema imports rfc3987-syntax when present, which compiles 38 grammars on every import: about
	@# 3 s in each kernel and each papermill process (python-jsonschema/jsonschema#1428). Only an optional
	@# format check of jupyter-events uses it, so the build goes without it.
	$(PY) -m pip uninstall --quiet -y rfc3987-syntax
	touch $@

setup: $(INSTALLED) ## Create .venv and install the pinned requirements (the other targets do this themselves)

reports: $(INSTALLED) ## Build every report variant into reports/ as HTML and PDF (ARGS="--force", "--only brief", ...)
	$(PY) -m nato_russia.build $(ARGS)

test: $(INSTALLED) ## Run the whole test suite: lint, data checks, notebooks, rendered reports
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m pytest -n 2 $(ARGS)

lint: $(INSTALLED) ## Lint only (ruff)
	$(PY) -m ruff check .

format: $(INSTALLED) ## Format the code (ruff)
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

lab: $(INSTALLED) ## Open JupyterLab on the notebooks
	$(VENV)/bin/jupyter lab --notebook-dir=notebooks

bench: $(INSTALLED) ## Benchmark the build against the naive papermill/nbconvert/weasyprint route
	$(PY) benchmarks/bench_build.py $(ARGS)

check-links: $(INSTALLED) ## Report dead or moved source URLs (needs a network; not part of make test)
	$(PY) -m nato_russia.links

clean: ## Delete everything generated (figures, reports, caches); the data and notebooks stay
	find figures reports -mindepth 1 ! -name .gitkeep -exec rm -rf {} +
	rm -rf .cache
