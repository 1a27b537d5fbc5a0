# Two commands for a fresh machine with python3 (3.9+) and a C compiler:
#   make serve   - the main job: the example API (examples/api.py) on granian
#   make test    - the test suite, on both router implementations
# Also: make bench (router and WSGI benchmarks), make wheel, make sdist-check,
# make test-pythons (the suite on every CPython 3.9-3.14 found here), make docs
# (the Sphinx site, docs/_build/html).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: serve test test-pythons bench report soak wheel sdist-check docs clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

# The package is installed editable, so the compiled router is built in place;
# the stamp re-runs the install whenever the build inputs change.
$(VENV)/.installed-%: $(BIN)/python pyproject.toml setup.py src/_router.pyx src/_shortpath.pyx
	$(BIN)/python -m pip install -q -e '.[$*]'
	@touch $@

# meinheld (built --no-deps: its greenlet<0.5 pin), gunicorn, granian, bjoern
$(VENV)/.servers: $(BIN)/python scripts/install_servers.sh
	bash scripts/install_servers.sh $(BIN)/python
	@touch $@

test: $(VENV)/.installed-test $(VENV)/.servers
	$(BIN)/python -m pytest tests

# The suite on each CPython 3.9-3.14 found (pyenv's, or python3.X on PATH),
# each in a fresh .venv-pythons/3.X with the compiled modules and the servers
# built for it; one line per version; SKIP_PYTHONS="3.11" leaves one out.
test-pythons:
	SKIP_PYTHONS="$(SKIP_PYTHONS)" bash scripts/test_pythons.sh $(PYTEST_ARGS)

HOST ?= 127.0.0.1
PORT ?= 8000
serve: $(VENV)/.installed-test $(VENV)/.servers
	$(BIN)/python -m fastdispatch serve examples.api:app --host $(HOST) --port $(PORT) $(SERVE_ARGS)

bench: $(VENV)/.installed-bench
	$(BIN)/python bench/bench_router.py
	$(BIN)/python bench/bench_app.py

# Router, in-process, HTTP (wrk) and soak benchmarks in one run: writes
# bench/results.md and bench/results.png.
report: $(VENV)/.installed-bench $(VENV)/.installed-test $(VENV)/.servers
	@command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null \
		&& apt-get install -y -q wrk >/dev/null; } || echo "wrk is missing (apt-get install wrk): HTTP figures skipped"
	$(BIN)/python bench/report.py $(REPORT_ARGS)

# 10 minutes by default; SOAK_SECONDS=60 for one
SOAK_SECONDS ?= 600
soak: $(VENV)/.installed-test $(VENV)/.servers
	$(BIN)/python bench/soak.py --seconds $(SOAK_SECONDS) $(SOAK_ARGS)

# The Sphinx site (docs/, MyST Markdown) into docs/_build/html. Warnings are
# errors and every cross-reference must resolve (-n), so a docstring that does
# not render or a link to a name that does not exist fails the build (and CI).
docs: $(VENV)/.installed-docs
	$(BIN)/python -m sphinx -b html -W --keep-going -n -q docs docs/_build/html

# A manylinux wheel built, repaired, installed with --no-index into a fresh
# venv and tested; the sdist installed without a compiler (pure Python).
wheel:
	bash scripts/build_wheels.sh

sdist-check:
	bash scripts/check_sdist.sh

clean:
	rm -rf $(VENV) .venv-pythons docs/_build build dist wheelhouse *.egg-info fastdispatch/*.so fastdispatch/routing/*.so src/_router.c src/_shortpath.c
