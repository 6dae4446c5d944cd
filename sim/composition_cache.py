"""A cache of Hydra's compositions for plain runs of ``python -m sim``.

Composing ``configs/`` takes Hydra about 0.2 s (reading the YAML files, merging them into the schema, its deep
copies), a fifth of what a default year costs beyond ``import mesa``. The same command line in the same checkout
gives the same composition, so a plain run keeps it, pickled, under ``.cache/compositions/`` and the next run with
the same command line loads it in milliseconds instead. Everything a composition depends on is in its key:

- the command line's overrides and the config's name;
- every file under ``configs/`` (names and contents), and every Python source of ``sim/`` (the schema) and of
  ``hydra_plugins/`` (the sweeper), by contents;
- the Hydra plugins Python can find (``hydra_plugins`` packages on the path: a launcher's search path or config
  store), the working folder (``hydra.runtime.cwd``), the versions of Python, Hydra and OmegaConf.

Anything Hydra resolved while composing (``${now:...}``) is cleared on loading, so a run's folder name and every
file it writes are what a fresh composition gives (tests/test_startup.py compares them byte for byte). What comes
from outside ``configs/`` at run time, the posterior draws and the timeline, is read by every run, hit or miss.

A damaged or unreadable entry is a miss (composed again and rewritten); writes are atomic; the oldest entries
beyond ``MAX_ENTRIES`` are removed. ``CHANNEL_ABM_COMPOSITION_CACHE=0`` turns the cache off and
``CHANNEL_ABM_COMPOSITION_CACHE=DIR`` keeps it in DIR (the tests keep theirs apart); removing the folder is always
safe. Only what this checkout wrote is loaded (pickle runs code: the folder is the checkout's own).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import platform
import sys
from collections.abc import Sequence
from pathlib import Path

from omegaconf import DictConfig, OmegaConf

from sim.outputs import temp_beside

ROOT = Path(__file__).resolve().parent.parent
CACHE_DIR = ROOT / ".cache" / "compositions"
ENV_SWITCH = "CHANNEL_ABM_COMPOSITION_CACHE"
MAX_ENTRIES = 64
FORMAT = b"channel-abm composition cache 1\n"


def folder() -> Path | None:
    """Where entries are kept: ``.cache/compositions/`` of the checkout, the folder ``CHANNEL_ABM_COMPOSITION_CACHE``
    names, or None (no cache) if it is ``0``, ``off``, ``false`` or ``no``."""
    setting = os.environ.get(ENV_SWITCH, "").strip()
    if not setting:
        return CACHE_DIR
    if setting.lower() in ("0", "off", "false", "no"):
        return None
    return Path(setting)


def enabled() -> bool:
    """Whether plain runs use the cache."""
    return folder() is not None


def _sources() -> list[str]:
    """Paths, relative to the checkout, of every file a composition may read or whose code defines the schema."""
    found = []
    for folder, suffix in (("configs", ""), ("sim", ".py"), ("hydra_plugins", ".py")):
        for dirpath, dirnames, filenames in os.walk(ROOT / folder):
            dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
            rel = os.path.relpath(dirpath, ROOT)
            found += [os.path.join(rel, f) for f in sorted(filenames) if f.endswith(suffix)]
    return found


def _plugins() -> list[str]:
    """The ``hydra_plugins`` packages Python finds: installing or removing one can change a composition."""
    try:
        import hydra_plugins
    except ImportError:
        return []
    found = []
    for entry in hydra_plugins.__path__:
        with contextlib.suppress(OSError):
            found += [f"{entry}/{name}" for name in sorted(os.listdir(entry)) if not name.startswith((".", "__"))]
    return found


def key(overrides: Sequence[str], config_name: str) -> str:
    """The entry's name: a SHA-256 of everything the composition of ``overrides`` depends on."""
    import hydra
    import omegaconf

    digest = hashlib.sha256(FORMAT)
    for part in (
        config_name,
        *overrides,
        os.getcwd(),
        sys.version,
        platform.machine(),
        hydra.__version__,
        omegaconf.__version__,
        *_plugins(),
    ):
        digest.update(part.encode() + b"\0")
    for rel in _sources():
        with open(ROOT / rel, "rb") as fh:
            digest.update(rel.encode() + b"\0" + hashlib.sha256(fh.read()).digest())
    return digest.hexdigest()


def load(name: str) -> DictConfig | None:
    """The composition stored under ``name``, its resolver cache cleared; None if there is none or it is damaged."""
    where = folder()
    if where is None:
        return None
    path = where / f"{name}.pickle"
    try:
        blob = path.read_bytes()
    except OSError:
        return None
    head, checksum, payload = blob[: len(FORMAT)], blob[len(FORMAT) : len(FORMAT) + 32], blob[len(FORMAT) + 32 :]
    if head != FORMAT or hashlib.sha256(payload).digest() != checksum:
        return None
    try:
        cfg = pickle.loads(payload)
    except Exception:
        return None
    if not isinstance(cfg, DictConfig) or "hydra" not in cfg:
        return None
    OmegaConf.clear_cache(cfg)  # ${now:...} as resolved when it was stored
    with contextlib.suppress(OSError):
        os.utime(path)  # recently used: kept when older entries are removed
    return cfg


def store(name: str, cfg: DictConfig) -> None:
    """Keep ``cfg`` under ``name`` (atomically; a cache that cannot be written is skipped, never an error)."""
    where = folder()
    if where is None:
        return
    try:
        payload = pickle.dumps(cfg, protocol=pickle.HIGHEST_PROTOCOL)
        fd, tmp = temp_beside(where / f"{name}.pickle")  # no fsync: a torn entry fails its checksum and is a miss
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(FORMAT + hashlib.sha256(payload).digest() + payload)
            os.replace(tmp, where / f"{name}.pickle")
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        _prune(where)
    except (OSError, pickle.PicklingError, TypeError, AttributeError):
        return


def _prune(where: Path) -> None:
    """Keep the ``MAX_ENTRIES`` most recently used entries."""
    entries = []
    for path in where.glob("*.pickle"):
        with contextlib.suppress(OSError):
            entries.append((path.stat().st_mtime_ns, path))
    for _, old in sorted(entries, reverse=True)[MAX_ENTRIES:]:
        old.unlink(missing_ok=True)
