# The course's commands. Each target sets up what it needs on a fresh machine that has only
# Python 3.11+ (with venv) and make: a local .venv, the locked packages of requirements*.txt,
# and bnlib installed editable. Works as an ordinary user and as root.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
PIP := $(PY) -m pip --disable-pip-version-check --quiet
PYTEST := $(PY) -m pytest -p no:cacheprovider
NBVAL := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg
LINTED := bnlib bncourse tests benchmarks notebooks conftest.py tools

.PHONY: lab lab-settings test lint unit property doctest slow notebooks browser html bench \
	lock clean student

# Installs come from the locks (requirements.txt, requirements-dev.txt: every package, its exact
# version and the sha256 hashes of its files, generated from the *.in files by `make lock`) with
# --require-hashes, so a file on the package index that differs from the one locked is refused;
# with --no-deps so that nothing outside the lock comes in; then `pip check` proves the lock
# complete. `make test NEWEST=1` (the weekly workflow) installs the newest releases of the
# top-level packages of the *.in files instead: no lock, so no hashes to check.
ifdef NEWEST
export BNLIB_NEWEST := 1
TOP_LEVEL = $$(sed -e 's/\#.*//' -e 's/[=<>!~;[:space:]].*//' -e '/^-/d' $(1))
INSTALL = $(PIP) install --upgrade $(call TOP_LEVEL,$(1))
else
INSTALL = $(PIP) install --require-hashes --no-deps -r $(2) \
	&& $(PY) -m pip check --disable-pip-version-check
endif

# This repository itself (bnlib and bncourse), editable. A local directory has no hash, and pip
# refuses anything unhashed in hash-checking mode, so this is a pip call of its own, after the
# hashed install. --no-build-isolation: build with the locked setuptools instead of fetching one.
INSTALL_SELF = $(PIP) install --no-deps --no-build-isolation -e .

# Learner environment: what the notebooks need.
$(VENV)/.lab-installed: requirements.txt pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(call INSTALL,requirements.in,requirements.txt)
	$(INSTALL_SELF)
	@touch $@

# Developer/CI environment: the above plus test tools, linters, browser-test tools, the lock tool.
$(VENV)/.dev-installed: $(VENV)/.lab-installed requirements-dev.txt
	$(call INSTALL,requirements.in requirements-dev.in,requirements-dev.txt)
	@touch $@

# Regenerate the locks from the *.in files (after editing a pin there; CONTRIBUTING.md, The
# lock). One universal lock for every Python from 3.11 and every platform, with the sha256 of
# every file of every locked release; versions already in a lock are kept unless an .in pin
# moves them. Binder gets a copy of the learner's lock (repo2docker reads only binder/ once it
# exists; the hashes put its pip in hash-checking mode).
UV_LOCK := $(BIN)/uv pip compile --quiet --universal --python-version 3.11 --generate-hashes \
	--custom-compile-command "make lock"
lock: $(VENV)/.dev-installed
	$(UV_LOCK) requirements.in -o requirements.txt
	$(UV_LOCK) requirements-dev.in -o requirements-dev.txt
	{ echo "# Binder (repo2docker): a copy of ../requirements.txt, the learner's lock (make lock)."; \
	  cat requirements.txt; } > binder/requirements.txt

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

# Kernels talk to the server over local sockets (ipc), not TCP: no "Kernel is running over TCP
# without encryption" warning at each kernel start (Linux and macOS; Binder never shows it).
lab: $(VENV)/.lab-installed $(LAB_SETTINGS)
	$(BIN)/jupyter lab $(LAB_ROOT) --KernelManager.transport=ipc notebooks/01_normalization.ipynb

test: $(VENV)/.dev-installed
	@$(MAKE) --no-print-directory lint unit property doctest slow notebooks browser

lint: $(VENV)/.dev-installed
	@echo "== lint (ruff check + ruff format --check)"
	$(BIN)/ruff check $(LINTED)
	$(BIN)/ruff format --check $(LINTED)

unit: $(VENV)/.dev-installed
	@echo "== unit tests (library tests and exercise-checker cases; not slow, property, browser)"
	$(PYTEST) tests -m "not property and not browser and not slow"

property: $(VENV)/.dev-installed
	@echo "== property tests (hypothesis)"
	$(PYTEST) tests -m property

doctest: $(VENV)/.dev-installed
	@echo "== doctests"
	$(PYTEST) --doctest-modules bnlib bncourse

slow: $(VENV)/.dev-installed
	@echo "== slow tests (packaging: the wheel in a fresh venv, Binder's config in a fresh venv)"
	$(PYTEST) tests -m "slow and not browser"

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

# For instructors: the notebooks without their solution cells, in build/student/ (git-ignored).
student: $(VENV)/.lab-installed
	$(PY) tools/make_student.py --out build/student

bench: $(VENV)/.dev-installed
	@echo "== benchmarks (budgets printed; a MISS is reported, not fatal)"
	$(PY) tools/build_site.py --out site
	MPLBACKEND=Agg $(PY) -m benchmarks.run

clean:
	rm -rf $(VENV) site .pytest_cache .hypothesis
