# Two commands from a fresh clone: `make demo` (set up, run the main job) and `make test` (set up, run the tests).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test fuzz bench lock clean

# Installs the versions pinned in requirements.lock (pyproject.toml gives only compatible ranges), so CI is reproducible.
$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c requirements.lock -e '.[test,bench]'
	touch $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/csto tour

# Lint and types first, the tests last (their summary line closes the output).
test: $(STAMP)
	$(VENV)/bin/ruff check src/
	$(VENV)/bin/mypy src/
	$(PY) -m pytest -q

# Property tests at full budget: 10,000 generated inputs per surface, seeded (README, "Development");
# CSTO_FUZZ_LOG=FILE writes one line per input (surface, exit code) to watch a run.
fuzz: $(STAMP)
	CSTO_FUZZ_EXAMPLES=10000 $(PY) -m pytest -q tests/test_fuzz.py --hypothesis-seed=0 --hypothesis-show-statistics

bench: $(STAMP)
	$(PY) benchmarks/run.py

# Regenerate requirements.lock from pyproject.toml's ranges (newest versions PyPI has); then run `make test`.
# pip-tools runs in a venv of its own (build/lock-venv), so that it never enters the project's environment.
lock:
	$(PYTHON) -m venv build/lock-venv
	build/lock-venv/bin/pip install --quiet pip-tools
	build/lock-venv/bin/pip-compile --quiet --strip-extras --no-emit-index-url --no-emit-find-links --extra test --extra bench \
		--upgrade --output-file requirements.lock pyproject.toml

clean:
	rm -rf $(VENV) build dist .pytest_cache
