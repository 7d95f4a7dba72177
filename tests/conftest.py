"""Shared fixtures: the tiny hand-computable network, and the bundled one."""

from __future__ import annotations

import os
import shutil
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import settings

import transit

DATA = Path(__file__).parent / "data"
TINY = DATA / "tiny"
SHARED = Path(os.environ.get("TRANSIT_SHARED_DATA", Path(__file__).resolve().parents[1] / ".." / "shared" / "data"))
TIMETABLE_2016 = SHARED / "metromancn_Parse12306" / "hsr_timetable_20160310.xlsx"

# A fixed budget for the property suites of tests/test_properties.py (they apply it with
# ``@settings(settings.get_profile("fixed"))``): the same examples on every run and machine, no deadline
# (a cold numba compile would trip one), few enough examples that the file runs in well under 30 s.
settings.register_profile("fixed", derandomize=True, deadline=None, max_examples=40, database=None)

_CATALOGUE: Counter[str] = Counter()


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "catalogue(cls): a case of the bad-input catalogue (tests/test_bad_input.py), by class of mistake"
    )
    config.addinivalue_line("markers", "slow: starts subprocesses (each a cold import and numba load); runs in CI")


def pytest_collection_modifyitems(config, items):
    _CATALOGUE.clear()
    _CATALOGUE.update(m.args[0] for item in items if (m := item.get_closest_marker("catalogue")))


def pytest_terminal_summary(terminalreporter):
    """The number of bad-input catalogue cases collected, by class of mistake (docs/reliability.md)."""
    if _CATALOGUE:
        terminalreporter.write_sep("-", f"bad-input catalogue: {sum(_CATALOGUE.values())} cases")
        terminalreporter.write_line(", ".join(f"{cls} {n}" for cls, n in sorted(_CATALOGUE.items())))


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
