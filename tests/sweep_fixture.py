"""Fabricated sweep folders for the tools that read runs: real run folders (``write_run_folder``, with checksums)
and the sweep table written by the sweep's own code, but outcomes chosen by the test, so that no model run is
needed and the statistics are known exactly."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from sim.outputs import Results, write_run_folder
from sim.sweeps import sweep as S

DAYS = 366
START = "2024-01-01"


def daily_frame(people: float, boats: float, deaths: float, days: int = DAYS, start: str = START) -> pd.DataFrame:
    """A daily table whose columns sum to the given totals, with crossings in the summer as observed."""
    dates = pd.date_range(start, periods=days, freq="D")
    weight = np.where(dates.month.isin([6, 7, 8, 9, 10]), 3.0, 1.0) * (np.arange(days) % 3 == 0)
    weight = weight / weight.sum()
    return pd.DataFrame(
        {
            "date": dates,
            "day": np.arange(days),
            "people_arrived": people * weight,
            "boats_arrived": boats * weight,
            "deaths_at_sea": deaths * weight,
            "mean_price_gbp": np.full(days, 1900.0),
            "boats_in_stock": np.full(days, 40.0),
            "asylum_backlog": np.full(days, 9000.0),
        }
    )


def summary_of(values: dict) -> dict:
    people, boats = float(values.get("people_arrived", 1000.0)), float(values.get("boats_arrived", 20.0))
    deaths = float(values.get("deaths_at_sea", 5.0))
    s = {
        "people_arrived": people,
        "boats_arrived": boats,
        "boats_launched": boats + 5,
        "people_per_boat": people / boats if boats else 0.0,
        "crossing_days": 100,
        "people_prevented": 0.5 * people,
        "prevention_share": 1 / 3,
        "taxi_boat_share": 0.4,
        "deaths_at_sea": deaths,
        "deaths_per_1000_arrivals": 1000 * deaths / people if people else 0.0,
        "mean_price_gbp": 1900.0,
        "hotel_cost_gbp": 1e8,
        "policy_cost_gbp": 5e7,
        "coast_arrivals_by_route": {"balkan": people * 0.6, "central_med": people * 0.4},
        "launch_attempts_by_area": {"calais": boats, "dunkirk_gravelines": boats},
        "by_year": {"2024": {"people_arrived": people}},
    }
    s.update({k: v for k, v in values.items() if not isinstance(v, dict)})
    s.setdefault("public_cost_gbp", s["hotel_cost_gbp"] + s["policy_cost_gbp"])
    return s


def config_of(scenario: str, seed: int, draw: int | None, scale: float, extra: dict | None = None) -> dict:
    cfg = {"scenario": scenario, "seed": seed, "scale": scale, "days": DAYS, "world": {"start_date": START}}
    if draw is not None:
        cfg["posterior_draw"] = draw
    for key, value in (extra or {}).items():
        node = cfg
        *head, last = key.split(".")
        for part in head:
            node = node.setdefault(part, {})
        node[last] = value
    return cfg


def fabricate_sweep(path: Path, runs: list[dict], scale: float = 1.0) -> Path:
    """A sweep folder: each run a dict with scenario, seed, optional draw, overrides (extra tokens), status,
    outcome values and config settings (``settings``: dotted key -> value)."""
    path.mkdir(parents=True, exist_ok=True)
    (path / "multirun.yaml").write_text("hydra: {}\n")
    for job, r in enumerate(runs):
        draw = r.get("draw")
        tokens = [f"scenario={r['scenario']}", f"seed={r['seed']}", *r.get("overrides", [])]
        if draw is not None:
            tokens.append(f"posterior_draw={draw}")
        extra = {"job_num": job, "overrides": " ".join(tokens), "scenario": r["scenario"], "config_key": f"k{job}"}
        if draw is not None:
            extra["posterior_draw"] = draw
        run_dir = path / str(job)
        if r.get("status", "finished") == "failed":
            run_dir.mkdir(parents=True)
            meta = {"seed": r["seed"], "status": "failed", "error": r.get("error", "RuntimeError: boom"), **extra}
            (run_dir / "metadata.json").write_text(json.dumps(meta))
            continue
        summary = summary_of(r.get("values", {}))
        daily = daily_frame(summary["people_arrived"], summary["boats_arrived"], summary["deaths_at_sea"])
        config = config_of(r["scenario"], r["seed"], draw, scale, r.get("settings"))
        results = Results(summary=summary, daily=daily, wall_seconds=0.5)
        write_run_folder(run_dir, results, yaml.safe_dump(config), r["seed"], extra={**extra, "error": ""})
    S.rebuild_table(path)
    return path
