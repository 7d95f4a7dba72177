"""Reruns give the same bytes: the main job and the command line, twice, and across numba thread counts.

- In process (quick): ``transit goal|times|scenario`` with ``--format json``, and ``transit
  matrix|access|compare|map`` writing CSV, JSON and GeoJSON (and ``--out`` where the
  command has it) on the tiny network, run twice, write identical bytes.
- In subprocesses (``@pytest.mark.slow``; it runs in CI too): one process with ``NUMBA_NUM_THREADS=1``
  and one with ``=2`` each run the main job (``scripts/wenzhou_521.py --out DIR`` on the bundled YRD
  network: ``wenzhou-521.md`` and ``wenzhou-521.png``) once and the three commands on the tiny network
  twice; every file must be byte-identical within each process and across the two (so the main job,
  run twice, gives the same bytes with one thread and with two).
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import textwrap
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from transit.cli import main

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).parent / "data"
TINY = str(DATA / "tiny")
GOAL = str(DATA / "goals" / "tiny-circle.toml")
SCENARIO = str(DATA / "goals" / "tiny-everything.toml")


def run(argv: list[str]) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(argv)
    assert "Traceback" not in err.getvalue()
    return code, out.getvalue()


def test_goal_json_out_twice_is_byte_identical(tmp_path):
    paths = [tmp_path / "a.json", tmp_path / "b.json"]
    for path in paths:
        argv = ["goal", GOAL, "--network", TINY, "--year", "2031", "--scenario", SCENARIO, "--format", "json"]
        assert run([*argv, "--out", str(path)]) == (1, "")
    first, second = (p.read_bytes() for p in paths)
    assert first == second and b'"goal": "tiny-circle"' in first


@pytest.mark.parametrize(
    "argv",
    [
        ["times", "alpha", "gamma", "--network", TINY, "--year", "2021", "--format", "json"],
        ["times", "alpha", "delta", "--network", TINY, "--modes", "rail,air", "--measure", "door", "--format", "json"],
        ["scenario", SCENARIO, "--network", TINY, "--year", "2031"],
    ],
    ids=["times-station", "times-door-air", "scenario"],
)
def test_times_and_scenario_twice_print_identical_bytes(argv):
    (code1, out1), (code2, out2) = run(argv), run(argv)
    assert code1 == code2 == 0 and out1 == out2 and out1.strip()


@pytest.mark.parametrize(
    "argv, suffix",
    [
        (["matrix", "--network", TINY, "--modes", "rail,air"], ".csv"),
        (["access", "--network", TINY], ".csv"),
        (["compare", "2016", "2031", "--network", TINY], ".json"),
        (["map", "alpha", "--network", TINY, "--measure", "station"], ".geojson"),
    ],
    ids=["matrix-csv", "access-csv", "compare-json", "map-geojson"],
)
def test_table_and_layer_commands_write_identical_bytes_twice(tmp_path, argv, suffix):
    if suffix == ".geojson":
        pytest.importorskip("geopandas")
    paths = [tmp_path / f"a{suffix}", tmp_path / f"b{suffix}"]
    for path in paths:
        assert run([*argv, "--out", str(path)])[0] == 0
    first, second = (p.read_bytes() for p in paths)
    assert first == second and first.strip()


DRIVER = """
    import contextlib, importlib.util, io, sys
    from pathlib import Path
    from transit.cli import main

    out, tiny, goal, scenario = Path(sys.argv[1]), *sys.argv[2:]
    spec = importlib.util.spec_from_file_location("wenzhou_521", "scripts/wenzhou_521.py")
    script = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = script
    spec.loader.exec_module(script)
    assert script.main(["--out", str(out / "521")]) == 0  # the main job, on the bundled YRD network
    for k in (1, 2):
        json_out = ["--format", "json", "--out", str(out / f"goal-{k}.json")]
        assert main(["goal", goal, "--network", tiny, "--year", "2031", "--scenario", scenario, *json_out]) == 1
        for name, argv in [
            ("times", ["times", "alpha", "gamma", "--network", tiny, "--format", "json"]),
            ("times-door", ["times", "alpha", "delta", "--network", tiny, "--modes", "rail,air", "--measure", "door",
                            "--format", "json"]),
            ("scenario", ["scenario", scenario, "--network", tiny, "--year", "2031"]),
        ]:
            buf = io.StringIO()
            with contextlib.redirect_stdout(buf):
                assert main(argv) == 0, argv
            (out / f"{name}-{k}.txt").write_text(buf.getvalue(), encoding="utf-8")
"""


def start_job(out: Path, threads: int) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k != "NUMBA_NUM_THREADS"}
    env["NUMBA_NUM_THREADS"] = str(threads)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env["MPLBACKEND"] = "Agg"
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(DRIVER), str(out), TINY, GOAL, SCENARIO],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def files_of(proc: subprocess.Popen, out: Path) -> dict[str, bytes]:
    _stdout, stderr = proc.communicate(timeout=600)
    assert proc.returncode == 0, stderr[-3000:]
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


@pytest.mark.slow
def test_main_job_and_commands_are_byte_identical_across_runs_and_thread_counts(tmp_path):
    # the two processes run side by side: each is mostly one thread of Python
    jobs = {threads: start_job(tmp_path / f"threads-{threads}", threads) for threads in (1, 2)}
    one, two = (files_of(proc, tmp_path / f"threads-{threads}") for threads, proc in jobs.items())
    assert sorted(one) == [
        "521/wenzhou-521.md",
        "521/wenzhou-521.png",
        "goal-1.json",
        "goal-2.json",
        "scenario-1.txt",
        "scenario-2.txt",
        "times-1.txt",
        "times-2.txt",
        "times-door-1.txt",
        "times-door-2.txt",
    ]
    assert one["521/wenzhou-521.png"][:8] == b"\x89PNG\r\n\x1a\n" and b"Wenzhou" in one["521/wenzhou-521.md"]
    for files in (one, two):  # twice in one process
        for name in ("goal", "times", "times-door", "scenario"):
            ext = "json" if name == "goal" else "txt"
            assert files[f"{name}-1.{ext}"] == files[f"{name}-2.{ext}"], name
            assert files[f"{name}-1.{ext}"].strip()
    for name in one:  # and across the two processes, one and two numba threads
        assert one[name] == two[name], f"{name} differs between NUMBA_NUM_THREADS=1 and 2"
