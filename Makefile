# channel-abm: `make run` runs the default scenario, `make test` runs the tests. Both create .venv if missing.
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-dev
DASH   := $(VENV)/.installed-dashboard
CLUSTER := $(VENV)/.installed-cluster
ARGS   ?=

.PHONY: run test test-slow test-cluster lint format bench bench-sweep bench-dashboard bench-frontier clean venv \
	calibrate validate score-2024 sensitivity dashboard report mutation

venv: $(STAMP)

$(STAMP): pyproject.toml
	@if [ ! -x $(PY) ]; then \
		py=$$(scripts/find-python) || exit 1; \
		echo "creating $(VENV) with $$py"; \
		"$$py" -m venv $(VENV) || exit 1; \
	fi
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	$(PY) -m compileall -q sim hydra_plugins
	@touch $(STAMP)

# The dashboard's packages (Solara, Playwright): for `make dashboard` and for the browser test in `make test`.
$(DASH): $(STAMP) pyproject.toml
	$(PY) -m pip install --quiet -e ".[dev,dashboard]"
	@touch $(DASH)

# The cluster launchers (submitit, Ray): for sweeps on a cluster and for their tests in `make test`.
$(CLUSTER): $(STAMP) pyproject.toml
	$(PY) -m pip install --quiet -e ".[dev,cluster]"
	@touch $(CLUSTER)

## Run the default scenario (2024, full scale); extra Hydra overrides via ARGS="seed=3 policy=..."
# (The project's bytecode is compiled first, as pip compiles an installed package's: an editable install is not,
# and where PYTHONDONTWRITEBYTECODE is set every run would compile every module again, about 0.05 s.)
run: $(STAMP)
	@$(PY) -m compileall -q sim hydra_plugins
	$(PY) -m sim $(ARGS)

## Lint and the test suite (what CI runs); slow checks are excluded
test: $(STAMP) $(DASH) $(CLUSTER)
	scripts/install-browser
	$(PY) -m ruff check sim tests benchmarks hydra_plugins
	$(PY) -m pytest -m "not slow and not cluster" -q

## Slow checks: long tests kept out of make test
test-slow: $(STAMP)
	$(PY) -m pytest -m slow -q

## Sweeps through a real Slurm (munge, slurmctld, slurmd installed via apt, as root) and a two-node Ray cluster, both
## started on this machine for the test and stopped after; timings -> benchmarks/output/cluster_sweeps.json.
## The pre-release check (docs/sweeps.md, "Tested on a real scheduler").
test-cluster: $(STAMP) $(CLUSTER)
	scripts/cluster/install-slurm
	CHANNEL_ABM_CLUSTER_TIMINGS=benchmarks/output/cluster_sweeps.json $(PY) -m pytest -m cluster -q tests/test_cluster.py

lint: $(STAMP)
	$(PY) -m ruff check sim tests benchmarks hydra_plugins
	$(PY) -m ruff format --check sim tests benchmarks hydra_plugins

format: $(STAMP)
	$(PY) -m ruff format sim tests benchmarks hydra_plugins
	$(PY) -m ruff check --fix sim tests benchmarks hydra_plugins

## Calibration on the 2021-2023 window (ABC-SMC; docs/calibration.md) and the validation scorecard (docs/validation.md)
calibrate: $(STAMP)
	$(PY) -m sim.calibrate $(ARGS)

validate: $(STAMP)
	$(PY) -m sim.validate --write-doc $(ARGS)

## The default 2024 run's out-of-sample score (10 seeds, full scale) -> benchmarks/output/scorecard_2024.json
score-2024: $(STAMP)
	$(PY) -m sim.evidence.scorecard $(ARGS)

## Sensitivity analysis as sweeps (resumable): Morris screening, a second independent screening to measure how
## stable its ranking is, then Sobol' indices of the top 8 (~27 min on 2 cores); tables and plots ->
## docs/sensitivity/. Overrides for every sweep: ARGS="hydra/launcher=slurm"
sensitivity: $(STAMP)
	$(PY) -m sim -m +experiment=sensitivity $(ARGS)
	$(PY) -m sim -m +experiment=sensitivity hydra.sweeper.sample_seed=1 \
		hydra.sweep.dir=results/experiments/sensitivity_seed1 $(ARGS)
	$(PY) -m sim.sensitivity results/experiments/sensitivity --doc docs/sensitivity/morris.md \
		--replicate results/experiments/sensitivity_seed1
	$(PY) -m sim -m +experiment=sensitivity_sobol $(ARGS)
	$(PY) -m sim.sensitivity results/experiments/sensitivity_sobol --doc docs/sensitivity/sobol.md

## Classroom dashboard (Solara page, Mesa model) on localhost; prints its address. Overrides for every run:
## ARGS="scale=0.5"; options: ARGS="--port 9000 --band-seeds 20"
dashboard: $(DASH)
	$(PY) -m sim.dashboard $(ARGS)

## Scenario report of a sweep folder (HTML and PDF): make report SWEEP=results/experiments/policy_mix
report: $(STAMP)
	@test -n "$(SWEEP)" || { echo "usage: make report SWEEP=SWEEP_DIR [ARGS='--baseline NAME --out DIR']"; exit 2; }
	$(PY) -m sim.report $(SWEEP) $(ARGS)

## Speed and memory benchmark: migrant-days per second at 1x and 10x population, the five-year history, and the
## whole python -m sim process beside python -c "import mesa" (benchmarks/output/startup.json)
bench: $(STAMP)
	$(PY) benchmarks/run_benchmark.py
	$(PY) benchmarks/history.py
	$(PY) benchmarks/startup.py

## Policy frontier time: a small budget end to end, extrapolated to 200 candidates -> benchmarks/output/frontier.json
bench-frontier: $(STAMP)
	$(PY) benchmarks/frontier.py $(ARGS)

## Dashboard speed in Chromium (STEP, PLAY, RESET from click to picture) -> benchmarks/output/dashboard.json and
## screenshots in results/dashboard/
bench-dashboard: $(DASH)
	scripts/install-browser
	$(PY) benchmarks/dashboard.py $(ARGS)

## Sweep throughput: full-scale runs per minute with 1 and 2 workers -> benchmarks/output/sweep_throughput.json
bench-sweep: $(STAMP)
	$(PY) benchmarks/sweep_throughput.py $(ARGS)

## Mutation testing (mutmut) of the model's core files against the fast model tests ([tool.mutmut] in
## pyproject.toml); hours on 2 cores, not part of make test. Survivors: .venv/bin/mutmut results; a summary ->
## benchmarks/output/mutation.json
MUTATION := $(VENV)/.installed-mutation
$(MUTATION): $(STAMP) pyproject.toml
	$(PY) -m pip install --quiet -e ".[dev,mutation]"
	@touch $(MUTATION)

mutation: $(MUTATION)
	rm -rf mutants
	nice -n 10 $(VENV)/bin/mutmut run --max-children $(or $(JOBS),2) || true
	$(PY) scripts/mutation-summary benchmarks/output/mutation.json

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis mutants
