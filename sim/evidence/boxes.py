"""Parameter boxes: the one type that says over which values a parameter is searched or sampled.

Calibration (its priors, ``sim.evidence.calibrate``) and sensitivity analysis (its design boxes,
``sim.evidence.sensitivity``) both read a parameter's plausible range declared in ``sim/config.py`` and need the
same few facts about it: the bounds, whether it is sampled on a log scale, whether it is an integer, and (for the
calibration) which other keys move in proportion with it. One frozen dataclass carries them for both, so that a
box read from a calibration's provenance and one from a sensitivity design's ``design.json`` are the same thing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from sim.config import ConfigError, declared_default, declared_range, plausible_range

LOG_SPAN = 4.0  # a plausible range spanning this factor or more is sampled on a log scale (unless told otherwise)


@dataclass(frozen=True)
class ParameterBox:
    """A parameter's search box: bounds, log scale or not, integer or not, keys tied to it, and why it is there."""

    key: str
    low: float
    high: float
    log: bool = False
    integer: bool = False
    tied: tuple[str, ...] = field(default=())  # other keys moved in proportion (e.g. engines with boats)
    why: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "tied", tuple(self.tied))  # a box read back from JSON has a list here

    @property
    def scale(self) -> str:
        return "log" if self.log else "linear"

    def check(self, what: str = "box") -> None:
        """Non-empty, inside the declared (validity) range, positive if on a log scale; tied keys declared."""
        declared_low, declared_high = declared_range(self.key)
        if not self.low < self.high:
            raise ConfigError(f"{self.key}: {what} bounds [{self.low}, {self.high}] are empty")
        if (declared_low is not None and self.low < declared_low) or (
            declared_high is not None and self.high > declared_high
        ):
            raise ConfigError(
                f"{self.key}: {what} [{self.low}, {self.high}] is outside the declared range "
                f"[{declared_low}, {declared_high}]"
            )
        if self.log and self.low <= 0:
            raise ConfigError(f"{self.key}: a log-uniform {what} needs positive bounds")
        for tied in self.tied:
            declared_range(tied)

    def from_unit(self, u: np.ndarray) -> np.ndarray:
        """The values at positions ``u`` in [0, 1] of the box (on its scale), rounded if an integer."""
        u = np.asarray(u, dtype=float)
        if self.log:
            v = np.exp(math.log(self.low) + u * (math.log(self.high) - math.log(self.low)))
        else:
            v = self.low + u * (self.high - self.low)
        return np.round(v) if self.integer else v

    def override(self, value: float) -> str:
        """The Hydra override setting the parameter to ``value`` (not its tied keys)."""
        return f"{self.key}={round(value)}" if self.integer else f"{self.key}={float(value):.6g}"


def plausible_box(
    key: str,
    *,
    log: bool | None = None,
    integer: bool | None = None,
    tied: tuple[str, ...] = (),
    why: str = "",
) -> ParameterBox:
    """The box of a declared parameter: its plausible range from sim/config.py. Unless given, ``log`` is chosen
    when the range is positive and spans a factor of LOG_SPAN or more, and ``integer`` when the default is one."""
    low, high = plausible_range(key)
    default = declared_default(key)
    if log is None:
        log = low > 0 and high / low >= LOG_SPAN
    if integer is None:
        integer = isinstance(default, int) and not isinstance(default, bool)
    return ParameterBox(key, float(low), float(high), bool(log), bool(integer), tuple(tied), why)


def prior(key: str, log: bool, why: str, integer: bool = False, tied: tuple[str, ...] = ()) -> ParameterBox:
    """A calibrated parameter whose prior is uniform (log-uniform if ``log``) on its declared plausible range."""
    return plausible_box(key, log=log, integer=integer, tied=tied, why=why)
