"""One sweep at a time in a sweep folder: a lock taken before anything in the folder changes.

Two sweeps into one folder would each reuse, move and overwrite the other's runs. The launching process of a sweep
therefore holds ``SWEEP_DIR/.sweep/lock`` (the maintained ``filelock`` package: an ``flock`` lock, which the
operating system releases when the holder exits in any way, SIGKILL included) for the whole sweep, and records who
holds it in ``SWEEP_DIR/.sweep/lock_holder.json`` (host, PID, process start, time, command line).

- A second sweep into a held folder is refused in one line naming the holder's host and PID.
- A holder that was killed leaves its record behind; the next sweep takes the lock over and says whose it was.
  Where ``flock`` is not available the lock falls back to a lock file that outlives its holder: it is taken over
  only when the recorded holder is on this host and no longer running.
- A holder on another host (a cluster's shared file system) cannot be checked from here: the message says so and
  leaves the decision to the user.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import socket
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from filelock import FileLock, Timeout

LOCK_NAME = "lock"
HOLDER_NAME = "lock_holder.json"
BOOKKEEPING = ".sweep"  # same as sim.sweeps.sweep.BOOKKEEPING (kept here so that this module stands alone)


class SweepLockError(RuntimeError):
    """The sweep folder is held by another sweep; one line naming its host and PID."""


@dataclass(frozen=True)
class Holder:
    host: str
    pid: int
    process_start: str  # from /proc (distinguishes a reused PID); "" where unknown
    started: str
    command: str


def _process_start(pid: int) -> str:
    """When a process started, in clock ticks since boot (Linux /proc), or "" if unknown."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return ""
    return stat.rsplit(")", 1)[-1].split()[19]  # field 22 of stat, counted after the command name


def this_process() -> Holder:
    pid = os.getpid()
    return Holder(
        host=socket.gethostname(),
        pid=pid,
        process_start=_process_start(pid),
        started=dt.datetime.now().isoformat(timespec="seconds"),
        command=" ".join(sys.argv)[:500],
    )


def is_running(holder: Holder) -> bool:
    """Whether the holder's process still runs (only meaningful on the holder's own host)."""
    try:
        os.kill(holder.pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # another user's process: alive
    start = _process_start(holder.pid)
    return not (start and holder.process_start and start != holder.process_start)  # else the PID was reused


def read_holder(sweep_dir: Path) -> Holder | None:
    try:
        data = json.loads((Path(sweep_dir) / BOOKKEEPING / HOLDER_NAME).read_text())
        return Holder(**{k: data[k] for k in Holder.__dataclass_fields__})
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _describe(holder: Holder) -> str:
    return f"host {holder.host}, PID {holder.pid}, since {holder.started}"


class SweepLock:
    """The lock of one sweep folder, held by the launching process from before the first change to the end."""

    def __init__(self, sweep_dir: Path) -> None:
        self.sweep_dir = Path(sweep_dir)
        self.book = self.sweep_dir / BOOKKEEPING
        self.lock = FileLock(str(self.book / LOCK_NAME), timeout=0)
        self.holder: Holder | None = None

    def acquire(self) -> str | None:
        """Take the lock or raise SweepLockError (one line). Returns a note when a dead holder's lock was taken
        over, else None."""
        self.book.mkdir(parents=True, exist_ok=True)
        me = this_process()
        if not self._try():
            self._take_over_or_refuse(me)
        previous = read_holder(self.sweep_dir)
        self._write(me)
        self.holder = me
        if previous is None or (previous.host, previous.pid, previous.process_start) == (
            me.host,
            me.pid,
            me.process_start,
        ):
            return None
        where = "not running" if previous.host == me.host else "on another host; its lock was free"
        return f"took over the lock of a sweep that did not finish ({_describe(previous)}; {where})"

    def _try(self) -> bool:
        try:
            self.lock.acquire(timeout=0)
        except Timeout:
            return False
        return True

    def _take_over_or_refuse(self, me: Holder) -> None:
        holder = read_holder(self.sweep_dir)
        if holder is None or (holder.host == me.host and not is_running(holder)):
            time.sleep(0.5)  # a new holder may be between taking the lock and recording itself
            if self._try():
                return
            holder = read_holder(self.sweep_dir)
        if holder is not None and holder.host == me.host and not is_running(holder):
            # Held, yet its recorded holder is gone: a lock file left behind (no flock here). Break it once.
            with contextlib.suppress(OSError):
                (self.book / LOCK_NAME).unlink()
            if self._try():
                return
        where = self.sweep_dir
        if holder is None:
            raise SweepLockError(f"{where}: another sweep holds this folder (it has not recorded its host and PID)")
        if holder.host != me.host:
            raise SweepLockError(
                f"{where}: another sweep holds this folder ({_describe(holder)}); that host cannot be checked from "
                f"here: if that sweep is no longer running, delete {self.book / LOCK_NAME} and run again"
            )
        raise SweepLockError(
            f"{where}: another sweep is running in this folder ({_describe(holder)}); wait for it to finish, "
            "or give this sweep its own hydra.sweep.dir"
        )

    def _write(self, me: Holder) -> None:
        from sim.outputs import atomic_write_text

        atomic_write_text(self.book / HOLDER_NAME, json.dumps(asdict(me), indent=2) + "\n")

    def release(self) -> None:
        """Remove the holder record, then release the lock (idempotent)."""
        if self.holder is None:
            return
        self.holder = None
        with contextlib.suppress(OSError):
            (self.book / HOLDER_NAME).unlink()
        self.lock.release(force=True)
