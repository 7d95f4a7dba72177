"""Scenario sweeps (transit.sweep): a hand-computed tiny case, schedulers, incremental against full checks.

The sweep network is tests/data/tiny plus a planned line l4 between two new stations of epsilon
(a city no goal here reaches), built in tmp_path. Running times are linear (60 * km / design_kmh).
Alpha to gamma is 50 min (the published alpha_east - gamma time). Candidate projects, in bit order:

0. ``line:l3`` (data: gamma - gamma_north, 2030): gamma_north joins gamma's stations; saves nothing.
1. ``line:l4`` (data: epsilon, 2029): touches nothing the goal uses; saves nothing.
2. ``fast-l2``: l2 at 400 km/h, alpha_central - beta 120 km in 18 min (2028).
3. ``fast-l1``: l1 beta - gamma at 350 km/h, 150 km in 25.714 min (2027).
4. ``direct``: a new line alpha_central - gamma, 200 km at 400 km/h, 30 min (2035).

Alpha - gamma: 50 with none of 2-4; 50 with fast-l2; 20 + 25.714 = 45.714 with fast-l1;
18 + 25.714 = 43.714 with both; 30 with direct. Alpha - beta: 20, or 18 with fast-l2.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import transit
from transit.cli import main
from transit.errors import SchedulerUnreachableError, SweepError, TransitError
from transit.sweep import candidate_projects, sweep
from transit.sweep import evaluate as ev
from transit.sweep.run import combinations

TINY = Path(__file__).parent / "data" / "tiny"

GOAL = """
[goal]
name = "Tiny sweep"
origin = "alpha"
modes = ["rail"]
measure = "station"

[source]
document = "made up for tests"

[[tier]]
id = "gamma45"
within_minutes = 45

[[tier.target]]
place = "gamma"

[[tier]]
id = "beta19"
within_minutes = 19

[[tier.target]]
place = "beta"

[[tier.target]]
group = "core"
quantifier = "any"
id = "core_any"
"""

FAST_L2 = {
    "label": "fast-l2",
    "id": "user:fast-l2",
    "expected_year": 2028,
    "modifications": [{"type": "set_design_speed", "line": "l2", "design_kmh": 400}],
}
FAST_L1 = {
    "label": "fast-l1",
    "id": "user:fast-l1",
    "expected_year": 2027,
    "modifications": [{"type": "set_design_speed", "line": "l1", "from": "beta", "to": "gamma", "design_kmh": 350}],
}
DIRECT = {
    "label": "direct",
    "id": "user:direct",
    "expected_year": 2035,
    "modifications": [
        {
            "type": "add_line",
            "line": "l5",
            "name": "Alpha-Gamma Direct",
            "name_zh": "直达",
            "category": "hsr",
            "stations": ["alpha_central", "gamma"],
            "chainage_km": [0, 200],
            "design_kmh": 400,
            "on_network_date": True,
        }
    ],
}
PROJECTS = ["all-planned", FAST_L2, FAST_L1, DIRECT]
L1 = 20 + 150 * 60 / 350


@pytest.fixture(scope="module")
def sweep_net(tmp_path_factory):
    """tiny + epsilon stations eps_a, eps_b and a planned line l4 between them (2029)."""
    folder = tmp_path_factory.mktemp("sweepnet") / "tiny"
    shutil.copytree(TINY, folder)

    def append(name, text):
        with open(folder / name, "a", encoding="utf-8") as f:
            f.write(text)

    append(
        "stations.csv",
        "eps_a,Eps A,艾普A,epsilon,rail,31.0,118.0,,,made up\neps_b,Eps B,艾普B,epsilon,rail,31.0,118.5,,,made up\n",
    )
    append("lines.csv", "l4,Epsilon Line,艾普线,hsr,made up\n")
    append("line_stations.csv", "l4,1,eps_a,0,made up\nl4,2,eps_b,48,made up\n")
    append("sections.csv", "l4,eps_a,eps_b,300,planned,,2029,made up\n")
    return transit.load_network(folder)


@pytest.fixture(scope="module")
def goal_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("goal") / "tiny-sweep.toml"
    path.write_text(GOAL, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def result(sweep_net, goal_path):
    return sweep(goal_path, sweep_net, PROJECTS, scheduler="synchronous")


def test_projects_in_order(result):
    assert [p.id for p in result.projects] == ["line:l3", "line:l4", "user:fast-l2", "user:fast-l1", "user:direct"]
    assert [p.expected_year for p in result.projects] == [2030, 2029, 2028, 2027, 2035]
    assert result.evaluation == "incremental" and result.method == "static"


def test_hand_computed_minutes(result):
    f = result.frame
    assert len(f) == 32 * 3 and list(f.columns) == [
        "combination",
        "projects",
        "n_projects",
        "year",
        "tier",
        "target",
        "within_minutes",
        "minutes",
        "met",
    ]
    gamma = f[f["target"] == "gamma"].set_index("combination")["minutes"]
    for c in range(32):
        fast2, fast1, direct = (c >> 2) & 1, (c >> 3) & 1, (c >> 4) & 1
        want = 30.0 if direct else (18 + 150 * 60 / 350 if fast1 and fast2 else L1 if fast1 else 50.0)
        assert gamma[c] == pytest.approx(want, abs=1e-9), c
    beta = f[f["target"] == "beta"].set_index("combination")["minutes"]
    assert beta[0] == pytest.approx(20.0) and beta[4] == pytest.approx(18.0)


def test_smallest_sets_and_earliest_year(result):
    s = result.smallest_sets().set_index(["level", "target"])
    assert s.loc[("target", "gamma"), "n_projects"] == 1
    assert s.loc[("target", "gamma"), "sets"] == [("user:direct",)]
    assert s.loc[("target", "beta"), "sets"] == [("user:fast-l2",)]
    assert s.loc[("target", "core_any"), "n_projects"] == 1
    e = result.earliest_year().set_index(["level", "target"])
    # fast-l1 (2027) + fast-l2 (2028) meet 45 min in 2028, before the direct line (2035)
    assert e.loc[("target", "gamma"), "year"] == 2028
    assert e.loc[("target", "gamma"), "projects"] == ("user:fast-l2", "user:fast-l1")
    assert e.loc[("tier", "(every target)")].shape[0] == 2


def test_marginal_minutes(result):
    m = result.marginal_minutes()
    assert m.attrs["pairs"] is True
    # a project that touches nothing the goal uses saves 0 minutes; l3 only adds a slower gamma station
    assert (m.loc["line:l4"] == 0).all() and (m.loc["line:l3"] == 0).all()
    assert m.at["user:direct", "gamma45/gamma"] == pytest.approx(np.mean([20, 20, L1 - 30, L1 - 2 - 30]))
    assert m.at["user:fast-l2", "beta19/beta"] == pytest.approx(2.0)
    matter, idle = result.matters()
    assert set(idle) == {"line:l3", "line:l4"} and set(matter) == {"user:fast-l2", "user:fast-l1", "user:direct"}


def test_base_reproduces_check_goal(result, sweep_net, goal_path):
    report = transit.check_goal(transit.load_goal(goal_path), sweep_net, method="static")
    base = result.frame[result.frame["combination"] == 0]["minutes"].tolist()
    assert base == [t.minutes for tier in report.tiers for t in tier.targets]


def test_incremental_equals_full_check_on_sampled_combinations(result, sweep_net, goal_path):
    naive = ev.NaiveModel(transit.load_goal(goal_path), sweep_net, tuple(result.projects), result.plan)
    pick = np.sort(np.random.default_rng(5).choice(32, 10, replace=False))
    assert np.array_equal(ev.naive_minutes(naive, result.combos[pick]), result.minutes[pick])


def test_incremental_equals_full_check_on_yrd_sample(yrd):
    goal = transit.load_goal("wenzhou-521")
    projects = ["all-planned", "scenario:ningbo-taizhou-wenzhou-hsr"]
    res = sweep(goal, yrd, projects, sample=40, seed=3, scheduler="threads")
    assert res.sample == {"n": 40, "seed": 3, "of": 1 << 16}
    pick = np.random.default_rng(0).choice(np.arange(1, len(res.combos)), 2, replace=False)
    naive = ev.NaiveModel(goal, yrd, tuple(res.projects), res.plan)
    assert np.array_equal(ev.naive_minutes(naive, res.combos[pick]), res.minutes[pick])
    assert res.minutes[0].tolist() == list(res.plan.base_minutes)


def test_local_cluster_gives_identical_frame(result, sweep_net, goal_path):
    distributed = pytest.importorskip("distributed")
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=False, protocol="tcp", host="127.0.0.1", dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        other = sweep(goal_path, sweep_net, PROJECTS, client=client, chunk_size=5)
    pd.testing.assert_frame_equal(other.frame, result.frame)
    threads = sweep(goal_path, sweep_net, PROJECTS, scheduler="threads", chunk_size=3)
    pd.testing.assert_frame_equal(threads.frame, result.frame)


def test_sample_is_seeded_and_stated(sweep_net, goal_path):
    a = combinations(20, sample=50, seed=7)
    assert np.array_equal(a, combinations(20, sample=50, seed=7)) and len(a) == 50
    assert a[0] == 0 and a[-1] == (1 << 20) - 1 and np.all(np.diff(a) > 0)
    res = sweep(goal_path, sweep_net, PROJECTS, sample=12, seed=1, scheduler="synchronous")
    assert res.sample == {"n": 12, "seed": 1, "of": 32}
    assert "seeded sample of 12" in res.summary_markdown()


def test_markdown_and_json(result):
    md = result.summary_markdown()
    assert "# What it takes: Tiny sweep" in md and "`user:direct`" in md and "2028" in md
    assert "Projects that change no target's time: `line:l3`, `line:l4`." in md
    data = json.loads(result.to_json())
    assert data["method"] == "static" and data["n_combinations"] == 32
    assert data["combinations"]["minutes"][0][0] == 50.0
    assert data["marginal_minutes"]["line:l4"]["gamma45/gamma"] == 0.0


def test_door_measure_falls_back_to_naive(sweep_net, tmp_path):
    path = tmp_path / "door.toml"
    path.write_text(GOAL.replace('measure = "station"', 'measure = "door"'), encoding="utf-8")
    res = sweep(path, sweep_net, [FAST_L2], scheduler="synchronous")
    assert res.evaluation == "naive" and "door" in res.evaluation_note
    assert res.minutes.shape == (2, 3)


# ------------------------------------------------------------------ bad input


def test_unknown_project(sweep_net, goal_path):
    with pytest.raises(SweepError, match=r"unknown project 'l33'.*did you mean 'l3'") as info:
        sweep(goal_path, sweep_net, ["l33"])
    assert isinstance(info.value, ValueError) and isinstance(info.value, TransitError)


def test_modification_naming_a_missing_line(sweep_net):
    with pytest.raises(SweepError, match=r"line', value 'l9'.*unknown line"):
        candidate_projects(sweep_net, [{"type": "set_design_speed", "line": "l9", "design_kmh": 300}])
    with pytest.raises(SweepError, match="unknown modification type"):
        candidate_projects(sweep_net, [{"type": "set_speed", "line": "l2"}])


def test_methods(sweep_net, goal_path):
    with pytest.raises(
        ValueError,
        match=r"^method 'timetable' is not supported by sweeps: they rank combinations with the static method.*"
        r"use method='static', then check the combinations you keep with check_goal",
    ):
        sweep(goal_path, sweep_net, PROJECTS, method="timetable")
    with pytest.raises(ValueError, match="method must be one of"):
        sweep(goal_path, sweep_net, PROJECTS, method="fastest")


def test_unreachable_scheduler(sweep_net, goal_path, monkeypatch):
    monkeypatch.setattr("transit.sweep.run.CONNECT_TIMEOUT", "1s")
    with pytest.raises(SchedulerUnreachableError, match="cannot reach a Dask scheduler at 'tcp://127.0.0.1:9'"):
        sweep(goal_path, sweep_net, PROJECTS, scheduler="tcp://127.0.0.1:9")


def test_cli(sweep_net, goal_path, tmp_path, capsys):
    out = tmp_path / "sweep.md"
    args = ["--network", str(sweep_net.folder), "--scheduler", "synchronous", "--no-progress"]
    assert main(["sweep", str(goal_path), "--projects", "l3,l4", *args, "--out", str(out)]) == 0
    assert out.read_text(encoding="utf-8").startswith("# What it takes")
    assert main(["sweep", str(goal_path), "--projects", "l3", *args, "--out", str(out)]) == 2
    assert "exists" in capsys.readouterr().err
    bad = tmp_path / "bad.json"
    rc = main(["sweep", str(goal_path), "--projects", "nope", *args, "--format", "json", "--out", str(bad)])
    err = capsys.readouterr().err
    assert rc == 2 and err.startswith("transit sweep: error: ") and "unknown project 'nope'" in err
    assert not bad.exists() and not list(tmp_path.glob(".bad.json*"))
    rc = main(["sweep", str(goal_path), "--projects", "", "--modification", "{oops", *args])
    assert rc == 2 and "is not JSON" in capsys.readouterr().err
