"""Measured effects of the enforcement levers at full scale, with paired seeds (common random numbers).

For each lever setting and seed, one full-scale 2024 run; the effect is the mean over seeds of the paired
difference from the baseline with the same seed (for a setting that switches a mechanism off, a baseline with it
off too: BASELINE_OF), with its standard error over seeds (chance only: parameters
at their defaults, no posterior draws). Effect per GBP m divides by the paired difference in ``policy_cost_gbp``.
Also the caseload curve (investigations 0 to 4 times the 2024 caseload: diminishing returns?) and the baseline's
disruptions on the UK's scale, to compare with the observed UK counts through the stated Channel share. (The 2023
back-cast it also ran is retired; 2023 is now a year of the history run, scenario history_2021_2025.)

    python benchmarks/enforcement_effects.py [--seeds 6] [--out benchmarks/output/enforcement_effects.json]

Results are recorded, nothing is asserted. Takes 84 full-scale runs at 6 seeds (about 7 CPU minutes; 25 minutes of
wall time on 2 busy cores).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sim.cli import load_config  # noqa: E402
from sim.config import plausible_range  # noqa: E402
from sim.model import run  # noqa: E402

OUTCOMES = (
    "people_arrived",
    "boats_launched",
    "deaths_at_sea",
    "expected_deaths_at_sea",
    "disruptions",
    "disruptions_uk_equivalent",
    "smugglers_arrested",
    "mean_price_gbp",
    "policy_cost_gbp",
)
LEVERS = {
    "gang_disruption": ["policy=[gang_disruption]"],
    "gang_disruption_no_focus": ["policy=[gang_disruption]", "policy.gang_disruption.upper_level_focus=1"],
    "international_posts": ["policy=[international_posts]"],
    "international_posts_europol_only": [
        "policy=[international_posts]",
        "policy.international_posts.officers={bulgaria: 0, austria: 0, romania: 0, libya: 0, southeast_asia: 0}",
    ],
    "search_and_rescue": ["policy=[search_and_rescue]"],
    "search_and_rescue_no_moral_hazard": ["policy=[search_and_rescue]", "enforcement.border_force.moral_hazard=false"],
}
# A setting that switches a mechanism off is compared with a baseline that has it off too, so that the paired
# difference is the lever's alone (the moral hazard moves launch decisions a little at the 2024 fleet as well).
BASELINE_OF = {"search_and_rescue_no_moral_hazard": ["enforcement.border_force.moral_hazard=false"]}
CASELOAD = (0, 40, 80, 160, 240, 320)  # live investigations; 80 = 2024


def outcomes(overrides: list[str]) -> dict[str, float]:
    r = run(load_config(overrides))
    s = r.summary
    out = {k: float(s[k]) for k in OUTCOMES}
    out["networks_end"] = float(r.daily["networks"].iloc[-1])
    out["networks_operating_mean"] = float(r.daily["networks_operating"].mean())
    for role, n in s["arrests_by_role"].items():
        out[f"arrests_{role}"] = float(n)
    return out


def paired(base: list[dict], alt: list[dict]) -> dict[str, dict[str, float]]:
    out = {}
    for k in base[0]:
        d = np.array([a[k] - b[k] for a, b in zip(alt, base, strict=True)])
        out[k] = {
            "mean": float(np.mean([a[k] for a in alt])),
            "diff": float(d.mean()),
            "se": float(d.std(ddof=1) / np.sqrt(d.size)) if d.size > 1 else float("nan"),
        }
    cost_m = out["policy_cost_gbp"]["diff"] / 1e6
    if abs(cost_m) > 1e-9:
        out["per_gbp_m"] = {
            "arrivals_averted": -out["people_arrived"]["diff"] / cost_m,
            "expected_deaths_averted": -out["expected_deaths_at_sea"]["diff"] / cost_m,
            "disruptions": out["disruptions"]["diff"] / cost_m,
        }
    return out


SHARE_KEY = "enforcement.nca.channel_share_of_uk_disruptions"


def uk_scale(disruptions: float) -> dict[str, float]:
    """Channel disruptions a year at the UK scale, across the plausible range of the stated Channel share (the
    observed UK counts cover every organised-immigration-crime network; compare, never tune)."""
    low, high = plausible_range(SHARE_KEY)
    return {"share_range": [low, high], "low": disruptions / high, "high": disruptions / low}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=6)
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "output" / "enforcement_effects.json")
    ap.add_argument("--only", help="recompute one lever of LEVERS into an existing --out file")
    args = ap.parse_args(argv)
    seeds = list(range(args.seeds))
    t0 = time.process_time()
    if args.only:
        report = json.loads(args.out.read_text())
        assert report["seeds"] == seeds, "--seeds must match the file's"
        base = [outcomes([f"seed={s}", *BASELINE_OF.get(args.only, [])]) for s in seeds]
        alt = [outcomes([f"seed={s}", *BASELINE_OF.get(args.only, []), *LEVERS[args.only]]) for s in seeds]
        report["levers"][args.only] = paired(base, alt)
        if args.only in BASELINE_OF:
            report["levers"][args.only]["baseline_overrides"] = BASELINE_OF[args.only]
        args.out.write_text(json.dumps(report, indent=2) + "\n")
        print(args.only, json.dumps(report["levers"][args.only].get("per_gbp_m", {})))
        return 0
    base = [outcomes([f"seed={s}"]) for s in seeds]
    report: dict = {"seeds": seeds, "scale": 1.0, "interval": "standard error over paired seeds (chance only)"}
    report["baseline"] = {k: float(np.mean([b[k] for b in base])) for k in base[0]}
    report["levers"] = {}
    for name, ov in LEVERS.items():
        own = BASELINE_OF.get(name, [])
        ref = [outcomes([f"seed={s}", *own]) for s in seeds] if own else base
        report["levers"][name] = paired(ref, [outcomes([f"seed={s}", *own, *ov]) for s in seeds])
        if own:
            report["levers"][name]["baseline_overrides"] = own
        print(name, json.dumps(report["levers"][name].get("per_gbp_m", {})), flush=True)
    curve = {}
    for n in CASELOAD:
        alt = base if n == 80 else [outcomes([f"seed={s}", f"enforcement.investigations={n}"]) for s in seeds]
        curve[str(n)] = paired(base, alt)
        print("investigations", n, round(curve[str(n)]["people_arrived"]["diff"]), flush=True)
    report["caseload_curve"] = curve
    report["baseline"]["disruptions_uk_scale"] = uk_scale(report["baseline"]["disruptions"])
    report["cpu_seconds"] = round(time.process_time() - t0, 1)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"written {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
