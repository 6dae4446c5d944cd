"""Start-up of ``python -m sim``: a plain run composes its config once (not at all when the same command line composed
before: sim/composition_cache.py), writes the run folder Hydra's own command line writes, types its config without
merging it into the schema again, and imports nothing it does not use."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from omegaconf import OmegaConf

from sim import cli, composition_cache
from sim.config import ConfigError
from sim.outputs import VERSIONED, package_versions
from sim.sweeps.sweep import _yaml_dumper, config_yaml, task_config

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


def probe(*args: str, cache: str | Path = "0") -> dict:
    """``python -m sim ARGS`` in a probe process; ``cache``: CHANNEL_ABM_COMPOSITION_CACHE (off unless given)."""
    p = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(HEAVY), json.dumps(list(args))],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, composition_cache.ENV_SWITCH: str(cache)},
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


def test_package_versions_from_imported_modules_are_the_installed_distributions():
    from importlib import metadata

    versions = package_versions()
    for dist in VERSIONED:
        try:
            assert versions[dist] == metadata.version(dist), dist
        except metadata.PackageNotFoundError:
            assert versions[dist] == "not installed"


def test_config_yaml_is_written_by_libyaml_here():
    # Where this fails, config.yaml falls back to OmegaConf.to_yaml (same text, slower): OmegaConf moved its dumper.
    assert _yaml_dumper() is not None


def test_a_command_line_run_again_loads_its_composition_and_writes_the_same_folder(tmp_path):
    cache = tmp_path / "cache"
    out = tmp_path / "run"
    first = probe(*TINY, f"hydra.run.dir={out}", cache=cache)
    assert first["compositions"] == 1
    assert len(list(cache.glob("*.pickle"))) == 1
    out.rename(tmp_path / "composed")
    again = probe(*TINY, f"hydra.run.dir={out}", cache=cache)
    assert again["compositions"] == 0  # loaded from the cache
    assert again["heavy"] == []
    ours, composed = folder_files(out), folder_files(tmp_path / "composed")
    meta, meta_composed = (json.loads(files.pop("metadata.json")) for files in (ours, composed))
    assert ours == composed  # .hydra/ (its run folder and time stamps as a fresh composition gives them) included
    meta.pop("wall_seconds"), meta_composed.pop("wall_seconds")
    assert meta == meta_composed
    # A damaged entry is a miss: composed again, the run goes on, and the entry is written anew.
    (entry,) = cache.glob("*.pickle")
    entry.write_bytes(entry.read_bytes()[:-100])
    damaged = probe(*TINY, f"hydra.run.dir={tmp_path / 'again'}", "seed=5", cache=cache)
    assert damaged["compositions"] == 1
    assert probe(*TINY, f"hydra.run.dir={out}", cache=cache)["compositions"] == 1
    assert probe(*TINY, f"hydra.run.dir={out}", cache=cache)["compositions"] == 0


def test_the_key_of_a_composition_changes_with_what_it_depends_on(tmp_path, monkeypatch):
    for folder in ("configs", "sim", "hydra_plugins"):
        (tmp_path / folder).mkdir()
    (tmp_path / "configs" / "config.yaml").write_text("seed: 0\n")
    (tmp_path / "sim" / "config.py").write_text("SEED = 0\n")
    monkeypatch.setattr(composition_cache, "ROOT", tmp_path)
    monkeypatch.chdir(tmp_path)
    base = composition_cache.key(["seed=1"], "config")
    assert composition_cache.key(["seed=1"], "config") == base
    keys = {
        "override": composition_cache.key(["seed=2"], "config"),
        "config name": composition_cache.key(["seed=1"], "other"),
    }
    (tmp_path / "configs" / "config.yaml").write_text("seed: 1\n")
    keys["config file"] = composition_cache.key(["seed=1"], "config")
    (tmp_path / "configs" / "extra.yaml").write_text("")
    keys["new config file"] = composition_cache.key(["seed=1"], "config")
    (tmp_path / "sim" / "config.py").write_text("SEED = 1\n")
    keys["schema code"] = composition_cache.key(["seed=1"], "config")
    (tmp_path / "sim" / "notes.txt").write_text("not code")  # not something a composition reads
    unchanged = composition_cache.key(["seed=1"], "config")
    assert unchanged == keys["schema code"]
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")  # hydra.runtime.cwd
    keys["working folder"] = composition_cache.key(["seed=1"], "config")
    assert len({base, *keys.values()}) == len(keys) + 1, keys


def test_the_cache_can_be_turned_off_or_moved(tmp_path, monkeypatch):
    monkeypatch.setenv(composition_cache.ENV_SWITCH, "off")
    assert composition_cache.folder() is None
    composition_cache.store("x", OmegaConf.create({"hydra": {}}))
    assert composition_cache.load("x") is None
    monkeypatch.setenv(composition_cache.ENV_SWITCH, str(tmp_path))
    composition_cache.store("x", OmegaConf.create({"hydra": {"a": 1}}))
    assert composition_cache.load("x") == OmegaConf.create({"hydra": {"a": 1}})
    (tmp_path / "y.pickle").write_bytes(b"not a cache entry")
    assert composition_cache.load("y") is None
