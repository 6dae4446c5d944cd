"""Result files are written atomically (a failed write leaves the old file whole) and readable by whoever shares
the results folder (ordinary permissions, not mkstemp's owner-only ones)."""

from __future__ import annotations

import os
import stat

import pandas as pd
import pytest

from sim.outputs import FILE_MODE, atomic_write_frame, atomic_write_text


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_files_get_ordinary_permissions(tmp_path):
    mask = os.umask(0o022)
    os.umask(mask)
    assert FILE_MODE == 0o666 & ~mask
    atomic_write_text(tmp_path / "a.json", "{}\n")
    atomic_write_frame(tmp_path / "t.parquet", pd.DataFrame({"x": [1, 2]}))
    atomic_write_frame(tmp_path / "t.csv", pd.DataFrame({"x": [1, 2]}))
    for name in ("a.json", "t.parquet", "t.csv"):
        assert _mode(tmp_path / name) == FILE_MODE, name
        assert _mode(tmp_path / name) & stat.S_IRGRP or mask & stat.S_IRGRP  # group may read unless umask says no


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "t.csv"
    atomic_write_frame(target, pd.DataFrame({"x": [1]}))

    class Broken(pd.DataFrame):
        def to_csv(self, *args, **kwargs):
            raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        atomic_write_frame(target, Broken({"x": [2]}))
    assert pd.read_csv(target)["x"].tolist() == [1]
    assert [p.name for p in tmp_path.iterdir()] == ["t.csv"]
