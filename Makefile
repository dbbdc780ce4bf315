# Two commands from a fresh clone: `make demo` (set up, run the main job) and `make test` (set up, run the tests).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test fuzz bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/csto tour

test: $(STAMP)
	$(PY) -m pytest -q
	$(VENV)/bin/ruff check src/

# Property tests at full budget: 10,000 generated inputs per surface (README, "Development").
fuzz: $(STAMP)
	CSTO_FUZZ_EXAMPLES=10000 $(PY) -m pytest -q tests/test_fuzz.py

bench: $(STAMP)
	$(PY) benchmarks/run.py

clean:
	rm -rf $(VENV) build dist .pytest_cache
