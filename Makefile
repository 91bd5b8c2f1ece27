# The course's commands. Each target sets up what it needs on a fresh machine that has only
# Python 3.11+ (with venv) and make: a local .venv, the pins from requirements*.txt, and bnlib
# installed editable. Works as an ordinary user and as root.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
PIP := $(PY) -m pip --disable-pip-version-check --quiet
PYTEST := $(PY) -m pytest -p no:cacheprovider
NBVAL := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg
LINTED := bnlib tests benchmarks notebooks conftest.py tools

.PHONY: lab lab-settings test lint unit property doctest notebooks browser html bench clean

# Learner environment: what the notebooks need.
$(VENV)/.lab-installed: requirements.txt pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -r requirements.txt
	$(PIP) install --no-deps -e .
	@touch $@

# Developer/CI environment: the above plus linters, hypothesis, browser-test tools.
$(VENV)/.dev-installed: $(VENV)/.lab-installed requirements-dev.txt
	$(PIP) install -r requirements-dev.txt
	@touch $@

# JupyterLab refuses root unless told; containers and CI machines often run as root.
LAB_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root)

# JupyterLab's settings defaults, the same file Binder's postBuild installs (binder/overrides.json:
# no news or update-check pop-ups, widget state saved): JupyterLab reads
# <prefix>/share/jupyter/lab/settings/overrides.json at start-up.
LAB_SETTINGS := $(VENV)/share/jupyter/lab/settings/overrides.json

lab-settings: $(LAB_SETTINGS)

$(LAB_SETTINGS): binder/overrides.json
	@mkdir -p $(dir $@)
	cp binder/overrides.json $@

lab: $(VENV)/.lab-installed $(LAB_SETTINGS)
	$(BIN)/jupyter lab $(LAB_ROOT) notebooks/01_normalization.ipynb

test: $(VENV)/.dev-installed
	@$(MAKE) --no-print-directory lint unit property doctest notebooks browser

lint: $(VENV)/.dev-installed
	@echo "== lint (ruff check + ruff format --check)"
	$(BIN)/ruff check $(LINTED)
	$(BIN)/ruff format --check $(LINTED)

unit: $(VENV)/.dev-installed
	@echo "== unit tests"
	$(PYTEST) tests -m "not property and not browser"

property: $(VENV)/.dev-installed
	@echo "== property tests (hypothesis)"
	$(PYTEST) tests -m property

doctest: $(VENV)/.dev-installed
	@echo "== doctests"
	$(PYTEST) --doctest-modules bnlib

notebooks: $(VENV)/.dev-installed
	@echo "== notebooks (strict nbval: stored outputs must be reproduced)"
	$(PYTEST) $(NBVAL) notebooks

browser: $(VENV)/.dev-installed
	@echo "== browser tests (headless Chromium: every notebook in JupyterLab, every slider moved; the web edition's sliders and axe-core)"
	$(PYTEST) tests/browser -m browser

# The web edition: every executed notebook as a page in site/, figures described, slider panels
# live from frames exported by executing the notebooks (cached in build/frames), an index.
html: $(VENV)/.dev-installed
	$(PY) tools/build_site.py --out site

bench: $(VENV)/.dev-installed
	@echo "== benchmarks (budgets printed; a MISS is reported, not fatal)"
	$(PY) tools/build_site.py --out site
	MPLBACKEND=Agg $(PY) -m benchmarks.run

clean:
	rm -rf $(VENV) site .pytest_cache .hypothesis
