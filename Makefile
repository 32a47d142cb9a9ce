# The README's commands. `make help` lists every target.
.DEFAULT_GOAL := help
SHELL := /bin/bash

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# Touched once the locked requirements are installed; rebuilt when the lock changes.
INSTALLED := $(VENV)/.installed
# The installer: uv when it is on the PATH or in .venv, else uv bootstrapped into .venv by pip from the lock
# (hash-checked), else pip for everything. USE_UV=no makes it pip throughout. uv compiles the packages to
# bytecode as pip does by default: without it every fresh interpreter (the build, its kernels' fork server)
# compiles pandas and matplotlib from source, 3.6 s of CPU against 1.1 s here (measured 2026-12-03).
USE_UV ?= yes
UV_SYSTEM := $(shell command -v uv 2>/dev/null)
# The resolution every machine gets: Python 3.11 and up, Linux, macOS and Windows.
LOCK_OPTIONS := --universal --python-version 3.11 --generate-hashes --custom-compile-command "make lock"

.PHONY: help setup lock reports test lint format lab bench check-links clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-11s %s\n", $$1, $$2}'

$(INSTALLED): requirements.txt requirements.in pyproject.toml
	@$(PYTHON) tools/lock.py check
	@set -euo pipefail; \
	uv="$(UV_SYSTEM)"; [ -x $(VENV)/bin/uv ] && uv=$(VENV)/bin/uv; [ "$(USE_UV)" = no ] && uv=; \
	if [ -z "$$uv" ] && [ "$(USE_UV)" != no ]; then \
	  test -x $(PY) || $(PYTHON) -m venv $(VENV); \
	  echo "bootstrapping uv into $(VENV) with pip (hash-checked, from the lock)"; \
	  $(PYTHON) tools/lock.py entry uv > $(VENV)/uv-requirement.txt && \
	  $(PY) -m pip install --quiet --require-hashes --no-deps -r $(VENV)/uv-requirement.txt && uv=$(VENV)/bin/uv \
	    || echo "could not install uv from the lock: installing with pip"; \
	  rm -f $(VENV)/uv-requirement.txt; \
	fi; \
	if [ -n "$$uv" ]; then \
	  index="$$($(PYTHON) tools/lock.py uv-args)"; \
	  test -x $(PY) || $$uv venv --quiet --python $(PYTHON) $(VENV); \
	  $$uv pip sync --quiet --compile-bytecode --python $(PY) --require-hashes $$index requirements.txt; \
	  $$uv pip install --quiet --python $(PY) --no-deps $$index -e .; \
	else \
	  test -x $(PY) || $(PYTHON) -m venv $(VENV); \
	  $(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.txt; \
	  $(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .; \
	fi
	touch $@

lock: ## Recompile requirements.txt (every package, pinned, with hashes) from requirements.in (ARGS="--upgrade")
	@# Every package of the tree is locked, so plain `pip install -r requirements.txt` installs it (hash-checked).
	@# rfc3987-syntax too (jupyter-events asks for jsonschema[format-nongpl]): its import cost is avoided by
	@# the build itself (nato_russia/publishing/lazy_iri.py), not by leaving it out.
	$(or $(wildcard $(VENV)/bin/uv),$(UV_SYSTEM),uv) pip compile $(LOCK_OPTIONS) $(ARGS) requirements.in -o requirements.txt

setup: $(INSTALLED) ## Create .venv and install the locked requirements, hash-checked (the other targets do this themselves)

reports: $(INSTALLED) ## Build every report variant into reports/ as HTML and PDF (ARGS="--force", "--only brief", ...)
	$(PY) -m nato_russia.publishing $(ARGS)

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

bench: $(INSTALLED) ## Benchmark the build against the naive papermill/nbconvert/weasyprint route (WeasyPrint outside the lock)
	$(PY) benchmarks/bench_build.py $(ARGS)

check-links: $(INSTALLED) ## Report dead or moved source URLs (needs a network; not part of make test)
	$(PY) -m nato_russia.links

clean: ## Delete everything generated (figures, reports, caches); the data and notebooks stay
	find figures reports -mindepth 1 ! -name .gitkeep -exec rm -rf {} +
	rm -rf .cache
