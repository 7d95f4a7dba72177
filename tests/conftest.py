"""Shared fixtures: the tiny hand-computable network, and the bundled one."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

import transit

DATA = Path(__file__).parent / "data"
TINY = DATA / "tiny"
SHARED = Path(os.environ.get("TRANSIT_SHARED_DATA", Path(__file__).resolve().parents[1] / ".." / "shared" / "data"))
TIMETABLE_2016 = SHARED / "metromancn_Parse12306" / "hsr_timetable_20160310.xlsx"


@pytest.fixture(scope="session")
def tiny():
    """The tiny network of tests/data/tiny (see its README for the expected times)."""
    return transit.load_network(TINY)


@pytest.fixture
def tiny_copy(tmp_path):
    """A writable copy of the tiny network folder, for tests that break one file."""
    dest = tmp_path / "tiny"
    shutil.copytree(TINY, dest)
    return dest


@pytest.fixture(scope="session")
def yrd():
    """The bundled YRD network as of its data date."""
    return transit.load_network()


@pytest.fixture(scope="session")
def timetable_2016_path():
    """The real 2016 timetable in ../shared (skips when it is absent)."""
    if not TIMETABLE_2016.exists():
        pytest.skip(f"the 2016 timetable is not at {TIMETABLE_2016} (set TRANSIT_SHARED_DATA)")
    return TIMETABLE_2016
