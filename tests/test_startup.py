"""Start-up of ``python -m sim``: a plain run composes its config once, writes the run folder Hydra's own command line
writes, types its config without merging it into the schema again, and imports nothing it does not use."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from omegaconf import OmegaConf

from sim import cli
from sim.config import ConfigError
from sim.outputs import package_versions
from sim.sweeps.sweep import config_yaml, task_config

ROOT = Path(__file__).resolve().parent.parent
TINY = ["days=20", "scale=0.02", "world.burn_in_days=10", "seed=4"]
# Packages and modules only figures, reports, dashboards and calibrations use: a run must not pay for importing them.
HEAVY = ("matplotlib", "seaborn", "SALib", "sklearn", "statsmodels", "sim.report", "sim.dashboard", "sim.calibrate")

# ``python -m sim ARGS`` in a process that counts Hydra's compositions (every one, through the compose API or
# @hydra.main, goes through its config loader; observed, not changed) and lists the heavy modules imported.
PROBE = """
import json, runpy, sys
from hydra._internal.config_loader_impl import ConfigLoaderImpl
calls = []
original = ConfigLoaderImpl.load_configuration
def counting(self, *args, **kwargs):
    calls.append(1)
    return original(self, *args, **kwargs)
ConfigLoaderImpl.load_configuration = counting
heavy = json.loads(sys.argv[1])
sys.argv = ["sim", *json.loads(sys.argv[2])]
try:
    runpy.run_module("sim", run_name="__main__", alter_sys=True)
finally:
    print("PROBE " + json.dumps({"compositions": len(calls), "heavy": [m for m in heavy if m in sys.modules]}))
"""


def probe(*args: str) -> dict:
    p = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(HEAVY), json.dumps(list(args))],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout.rsplit("PROBE ", 1)[1])


def folder_files(folder: Path) -> dict[str, bytes]:
    return {str(f.relative_to(folder)): f.read_bytes() for f in sorted(folder.rglob("*")) if f.is_file()}


def test_a_plain_run_composes_once_and_writes_the_folder_hydras_command_line_writes(tmp_path):
    out = tmp_path / "run"
    via_hydra = probe("--run", *TINY, f"hydra.run.dir={out}")  # a flag: Hydra's own command line runs it
    out.rename(tmp_path / "via_hydra")
    plain = probe(*TINY, f"hydra.run.dir={out}")
    assert plain["compositions"] == 1
    assert via_hydra["compositions"] > 1  # the preflight's, then Hydra's (to read hydra.mode, to run)
    assert plain["heavy"] == []
    ours, hydras = folder_files(out), folder_files(tmp_path / "via_hydra")
    assert sorted(ours) == sorted(hydras)
    assert {".hydra/config.yaml", ".hydra/hydra.yaml", ".hydra/overrides.yaml", "__main__.log"} <= set(ours)
    meta, meta_hydra = (json.loads(files.pop("metadata.json")) for files in (ours, hydras))
    assert ours == hydras  # every file byte for byte, Hydra's .hydra/ included
    assert sorted(meta) == sorted(meta_hydra)
    assert {k: v for k, v in meta.items() if k != "wall_seconds"} == {
        k: v for k, v in meta_hydra.items() if k != "wall_seconds"
    }


@pytest.mark.parametrize(
    "overrides",
    [
        [],
        ["observed=none", "policy=[deterrence,returns]"],
        ["scenario=history_2021_2025", "posterior_draw=3"],
        ["posterior_file=null", "enforcement.beach_officers=1200"],
        ["++timeline.set.rwanda_safety_act=0.3"],
    ],
)
def test_a_composed_config_is_typed_as_merging_it_into_the_schema_types_it(overrides):
    cfg = cli.compose_raw(overrides)
    plain = OmegaConf.to_container(cfg, resolve=True)
    assert cli.to_simconfig(cfg) == cli._typed_config(cli._frozen(plain))
    assert config_yaml(cfg) == OmegaConf.to_yaml(task_config(cfg))  # config.yaml's text, written off the config


def test_a_key_the_schema_does_not_declare_is_refused_on_the_composed_config_too():
    cfg = cli.compose_raw(["+world.routes.balkan.legs.0.speed=1"])
    with pytest.raises(ConfigError, match="unknown config key"):
        cli.to_simconfig(cfg)


def test_package_versions_are_read_once_and_handed_out_as_copies():
    versions = package_versions()
    versions["mesa"] = "edited"
    assert package_versions()["mesa"] != "edited"
    assert package_versions() == package_versions()
