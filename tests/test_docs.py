"""Documentation that must stay true to the code."""

import dataclasses

from sim import odd
from sim.cli import posterior_medians, posterior_path
from sim.config import SimConfig
from tests.conftest import cfg_with


def test_odd_generated_blocks_are_fresh():
    current = odd.ODD.read_text()
    assert odd.render(current) == current, "docs/ODD.md is stale: run `python -m sim.odd`"


def _scalars(node, prefix=""):
    out = {}
    for f in dataclasses.fields(node):
        v = getattr(node, f.name)
        if dataclasses.is_dataclass(v):
            out.update(_scalars(v, prefix + f.name + "."))
        elif "unit" in f.metadata:
            out[prefix + f.name] = v
    return out


def test_default_scenario_uses_the_documented_defaults():
    """The ODD's parameter tables show dataclass defaults; the YAML of the default scenario must not differ, except
    in the keys of posterior_file, whose medians the default run takes (docs/calibration.md)."""
    composed = _scalars(cfg_with(small=False))
    declared = _scalars(SimConfig())
    calibrated = set(posterior_medians(posterior_path(SimConfig())))
    differ = {k: (composed[k], declared[k]) for k in declared if composed[k] != declared[k] and k not in calibrated}
    assert not differ
    without = _scalars(cfg_with("posterior_file=null", small=False))  # no posterior: the declared defaults
    assert without.pop("posterior_file") is None
    assert without == {k: v for k, v in declared.items() if k != "posterior_file"}
