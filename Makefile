# channel-abm: `make run` runs the default scenario, `make test` runs the tests. Both create .venv if missing.
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-dev
ARGS   ?=

.PHONY: run test test-slow lint format bench clean venv

venv: $(STAMP)

$(STAMP): pyproject.toml
	@if [ ! -x $(PY) ]; then \
		py=$$(scripts/find-python) || exit 1; \
		echo "creating $(VENV) with $$py"; \
		"$$py" -m venv $(VENV) || exit 1; \
	fi
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

## Run the default scenario (2024, full scale); extra Hydra overrides via ARGS="seed=3 policy=..."
run: $(STAMP)
	$(PY) -m sim $(ARGS)

## Lint and the test suite (what CI runs); slow checks are excluded
test: $(STAMP)
	$(PY) -m ruff check sim tests benchmarks
	$(PY) -m pytest -m "not slow" -q

## Slow checks: 10-seed calibration targets at full scale and other long tests
test-slow: $(STAMP)
	$(PY) -m pytest -m slow -q

lint: $(STAMP)
	$(PY) -m ruff check sim tests benchmarks
	$(PY) -m ruff format --check sim tests benchmarks

format: $(STAMP)
	$(PY) -m ruff format sim tests benchmarks
	$(PY) -m ruff check --fix sim tests benchmarks

## Speed and memory benchmark: migrant-days per second at 1x and 10x population
bench: $(STAMP)
	$(PY) benchmarks/run_benchmark.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
