# Two commands for a fresh machine with python3 (3.9+) and a C compiler:
#   make serve   - the main job (for now: the router benchmark; serving lands with issue 5)
#   make test    - the test suite, on both router implementations
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: serve test bench wheel sdist-check clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

# The package is installed editable, so the compiled router is built in place;
# the stamp re-runs the install whenever the build inputs change.
$(VENV)/.installed-%: $(BIN)/python pyproject.toml setup.py src/_router.pyx
	$(BIN)/python -m pip install -q -e '.[$*]'
	@touch $@

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest tests

serve bench: $(VENV)/.installed-bench
	$(BIN)/python bench/bench_router.py

# A manylinux wheel built, repaired, installed with --no-index into a fresh
# venv and tested; the sdist installed without a compiler (pure Python).
wheel:
	bash scripts/build_wheels.sh

sdist-check:
	bash scripts/check_sdist.sh

clean:
	rm -rf $(VENV) build dist wheelhouse *.egg-info fastdispatch/*.so src/_router.c
