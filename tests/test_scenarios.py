"""Scenarios: reading scenario files, applying each modification type, reporting every problem.

Uses the tiny network (tests/data/tiny; times in its README, where a rail leg takes 60 * km / design_kmh
minutes) and the scenario files in tests/data/goals/.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from transit.errors import ScenarioError, TransitError
from transit.scenarios import list_scenarios, load_scenario
from transit.travel import travel_times

GOALS = Path(__file__).parent / "data" / "goals"


def scenario_file(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "s.toml"
    path.write_text('[scenario]\nname = "test"\n' + body, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def everything(tiny):
    """tiny in 2021 with tests/data/goals/tiny-everything.toml applied."""
    return load_scenario(GOALS / "tiny-everything.toml").apply(tiny.as_of(2021))


def test_every_modification_of_the_example_takes_effect(everything):
    rail = travel_times(everything, method="static")
    assert rail.get("alpha", "epsilon") == pytest.approx(60.0)  # add_station + add_line: 200 km at 200
    assert rail.get("alpha_central", "beta") == pytest.approx(30.0)  # set_design_speed: 120 km at 240
    assert rail.get("alpha", "gamma_north") == pytest.approx(55.0)  # set_opening 2020: 50 + 5
    air = travel_times(everything, modes=("rail", "air"), method="static")
    assert air.get("alpha", "delta") == pytest.approx(30.0 + 50.0 + 15.0)  # add_flight + set_parameter
    assert everything.parameters["airport_departure_minutes"] == 30.0


def test_the_baseline_never_changes(tiny, everything):
    base = tiny.as_of(2021)
    assert math.isinf(travel_times(base, method="static").get("alpha", "epsilon"))
    assert base.parameters["airport_departure_minutes"] == 40.0
    assert "l4" not in set(base.tables["lines"]["line_id"])
    assert everything.date == base.date


def test_on_network_date_opens_a_line_on_any_date(tiny, tmp_path):
    path = scenario_file(
        tmp_path,
        """
[[modification]]
type = "set_opening"
line = "l3"
on_network_date = true
hypothesis = "test"
""",
    )
    for year in (2016, 2026):
        net = load_scenario(path).apply(tiny.as_of(year))
        assert travel_times(net, method="static").get("beta", "gamma_north") == pytest.approx(36.0 + 5.0)
    assert "gamma_north" not in set(tiny.as_of(2016).stations["station_id"])


def test_a_future_opening_sets_the_expected_year(tiny, tmp_path):
    path = scenario_file(
        tmp_path,
        """
[[modification]]
type = "set_opening"
line = "l1"
from = "beta"
to = "gamma"
year = 2035
hypothesis = "test: postponed"
""",
    )
    net = load_scenario(path).apply(tiny)
    row = net.tables["sections"].set_index(["line_id", "from_station_id"]).loc[("l1", "beta")]
    assert (row["status"], int(row["expected_year"])) == ("construction", 2035)
    in_2030 = net.as_of(2030).sections
    assert list(in_2030.loc[in_2030["line_id"] == "l1", "to_station_id"]) == ["beta"]
    assert len(net.as_of(2035).sections.query("line_id == 'l1'")) == 2


def test_open_all_opens_every_construction_and_planned_section(tiny, tmp_path):
    path = scenario_file(
        tmp_path,
        """
[[modification]]
type = "open_all"
year = 2027
hypothesis = "test"
""",
    )
    net = load_scenario(path).apply(tiny)
    assert "gamma_north" not in set(tiny.as_of(2027).stations["station_id"])  # l3 is due 2030
    assert travel_times(net.as_of(2027), method="static").get("beta", "gamma_north") == pytest.approx(36.0 + 5.0)


def test_set_design_speed_splits_a_section_at_an_inner_station(tiny, tmp_path):
    path = scenario_file(
        tmp_path,
        """
[[modification]]
type = "add_line"
line = "l5"
name = "Three stops"
name_zh = "三站线"
category = "hsr"
stations = ["alpha_east", "beta", "gamma"]
chainage_km = [0, 100, 250]
design_kmh = 300
date = 2021-01-01
hypothesis = "test"

[[modification]]
type = "set_design_speed"
line = "l5"
from = "beta"
to = "gamma"
design_kmh = 150
hypothesis = "test: slow second half"
""",
    )
    net = load_scenario(path).apply(tiny.as_of(2021))
    sec = net.sections[net.sections["line_id"] == "l5"]
    assert sorted(zip(sec["from_station_id"], sec["to_station_id"], sec["design_kmh"])) == [
        ("alpha_east", "beta", 300.0),
        ("beta", "gamma", 150.0),
    ]


def test_close_remove_extend_cut_and_published(tiny, tmp_path):
    path = scenario_file(
        tmp_path,
        """
[[modification]]
type = "close_section"
line = "l2"
hypothesis = "test"

[[modification]]
type = "remove_line"
line = "l3"
hypothesis = "test"

[[modification]]
type = "add_station"
station = "epsilon"
name = "Epsilon"
name_zh = "艾普西隆"
city = "epsilon"
lat = 31.0
lon = 118.0
hypothesis = "test"

[[modification]]
type = "extend_line"
line = "l1"
stations = ["epsilon"]
chainage_km = [400]
design_kmh = 300
date = 2020-01-01
hypothesis = "test: 150 km on from Gamma at 300 km/h"

[[modification]]
type = "cut_flight"
from = "delta_airport"
to = "alpha_airport"
hypothesis = "test"

[[modification]]
type = "add_published_time"
from = "alpha_east"
to = "beta"
minutes = 15
valid_from = 2021-01-01
hypothesis = "test"
""",
    )
    net = load_scenario(path).apply(tiny.as_of(2021))
    assert "l2" not in set(net.sections["line_id"]) and "l3" not in set(net.tables["lines"]["line_id"])
    rail = travel_times(net, method="static")
    assert rail.get("gamma", "epsilon") == pytest.approx(30.0)
    assert rail.get("alpha", "beta") == pytest.approx(15.0)
    assert len(net.flights) == 0


# --------------------------------------------------------------------------- problems


def test_a_scenario_that_does_not_apply_reports_every_problem_with_its_line(tiny):
    with pytest.raises(ScenarioError) as info:
        load_scenario(GOALS / "tiny-bad.toml").apply(tiny)
    text = str(info.value)
    assert "line 7, key 'line', value 'l9'" in text and "unknown line" in text
    assert "line 13, key 'line', value 'l1'" in text and "clashes with an existing line" in text
    assert "line 17, key 'stations', value 'gama'" in text and "did you mean 'gamma'" in text
    assert "line 26, key 'stations', value 'beta'" in text and "clash" in text
    assert "line 35, key 'to', value 'gamma_airport'" in text
    assert len(info.value.problems) == 5
    assert isinstance(info.value, ValueError) and isinstance(info.value, TransitError)


def test_bad_scenario_file_reports_every_problem_with_its_line(tmp_path):
    path = scenario_file(
        tmp_path,
        """
[[modification]]
type = "set_openning"
line = "l1"
hypothesis = "x"

[[modification]]
type = "set_opening"
line = "l1"
year = 2030
date = 2030-01-01

[[modification]]
type = "add_flight"
from = "alpha_airport"
block_minutes = 5
daily_frequency = 1
source = "x"
""",
    )
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    text = str(info.value)
    assert "line 5, key 'type', value 'set_openning'" in text and "did you mean 'set_opening'" in text
    assert "line 9" in text and "needs source" in text and "exactly one of year" in text
    assert "line 15, key 'to'" in text and "add_flight needs to" in text
    assert "line 18, key 'block_minutes'" in text


def test_missing_file_and_unknown_name():
    with pytest.raises(ScenarioError, match="not found"):
        load_scenario("no/such/file.toml")
    with pytest.raises(ScenarioError, match="did you mean 'wenzhou-fuzhou-hsr'"):
        load_scenario("wenzhou-fuzhou")


# --------------------------------------------------------------------------- bundled scenarios


def test_bundled_scenarios_load():
    ids = {sid for sid, _n, _p in list_scenarios()}
    assert {"wenzhou-fuzhou-hsr", "ningbo-taizhou-wenzhou-hsr", "all-planned"} <= ids
    for sid in ids:
        for mod in load_scenario(sid).modifications:
            assert mod.values.get("source") or mod.values.get("hypothesis")


@pytest.mark.parametrize("name", ["wenzhou-fuzhou-hsr", "ningbo-taizhou-wenzhou-hsr", "all-planned"])
def test_bundled_scenarios_apply_and_add_service(yrd, name):
    net = load_scenario(name).apply(yrd)
    assert len(net.sections) > len(yrd.sections)


def test_wenzhou_fuzhou_hsr_speeds_up_wenzhou_fuzhou(yrd):
    net = load_scenario("wenzhou-fuzhou-hsr").apply(yrd)
    before = travel_times(yrd, origins=["wenzhou"], method="static").get("wenzhou", "fuzhou")
    after = travel_times(net, origins=["wenzhou"], method="static").get("wenzhou", "fuzhou")
    assert after < before


def test_a_new_line_can_join_a_corridor(tiny, tmp_path):
    """add_line ... corridors = [...]: through trains run from the corridor's lines onto it."""
    body = """
[[modification]]
type = "add_line"
line = "l5"
name = "Gamma-Zeta"
name_zh = "伽泽线"
category = "hsr"
stations = ["gamma", "gamma_north"]
chainage_km = [0, 30]
design_kmh = 300
date = 2021-01-01
hypothesis = "test"
"""
    plain = load_scenario(scenario_file(tmp_path, body)).apply(tiny.as_of(2021))
    joined = load_scenario(scenario_file(tmp_path, body + 'corridors = ["north"]\n')).apply(tiny.as_of(2021))
    assert plain.corridors.empty
    assert list(zip(joined.corridors["corridor_id"], joined.corridors["line_id"])) == [("north", "l5")]
    bad = scenario_file(tmp_path, body + 'corridors = "north"\n')
    with pytest.raises(ScenarioError, match="not a list of corridor ids"):
        load_scenario(bad).apply(tiny.as_of(2021))
