"""Goals: loading goal files, checking them, quantifiers, bottlenecks, and agreement with travel_times.

Most tests use the tiny network (tests/data/tiny, times in its README) and the goal file
tests/data/goals/tiny-circle.toml; the last ones check the bundled goals on the bundled network.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from transit.errors import GoalError, TransitError
from transit.goals import check_goal, list_goals, load_goal
from transit.scenarios import load_scenario
from transit.travel import travel_times

GOALS = Path(__file__).parent / "data" / "goals"
TINY_GOAL = GOALS / "tiny-circle.toml"


def write(tmp_path: Path, text: str, name: str = "goal.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


GOAL_HEAD = """[goal]
name = "test"
origin = "alpha"

[source]
document = "test"
"""


def target(report, tier_id, target_id):
    tier = next(t for t in report.tiers if t.id == tier_id)
    return next(t for t in tier.targets if t.target == target_id)


@pytest.fixture(scope="module")
def report_2021(tiny):
    return check_goal(load_goal(TINY_GOAL), tiny.as_of(2021), method="static")


# --------------------------------------------------------------------------- met, missed, quantifiers


def test_met_target_has_time_margin_and_route(report_2021):
    t = target(report_2021, "30min", "beta")
    assert t.met and t.minutes == pytest.approx(20.0)
    assert t.margin_minutes == pytest.approx(10.0)
    assert t.route["stations"] == ["alpha_east", "beta"]
    assert t.route["lines"] == ["l1"]
    assert t.bottleneck is None


@pytest.mark.parametrize("year, gamma_minutes", [(2016, 56.0), (2021, 50.0)])
def test_gamma_time_follows_the_published_time(tiny, year, gamma_minutes):
    report = check_goal(TINY_GOAL, tiny.as_of(year), method="static")
    assert target(report, "1h", "gamma").minutes == pytest.approx(gamma_minutes)
    assert target(report, "45min", "core").minutes == pytest.approx(gamma_minutes)


def test_quantifiers_all_any_share(report_2021):
    tier = next(t for t in report_2021.tiers if t.id == "45min")
    by_id = {t.target: t for t in tier.targets}
    assert not by_id["core"].met and by_id["core"].minutes == pytest.approx(50.0)  # all: slowest pair
    assert by_id["core_any"].met and by_id["core_any"].minutes == pytest.approx(20.0)  # any: fastest
    assert by_id["core_half"].met and by_id["core_half"].minutes == pytest.approx(20.0)  # share 0.5 of 2
    assert by_id["core"].pairs_met == 1 and len(by_id["core"].pairs) == 2  # alpha itself is skipped
    assert not tier.met and not report_2021.met


@pytest.mark.parametrize("share, minutes, met", [(0.5, 20.0, True), (0.51, 50.0, False), (1.0, 50.0, False)])
def test_share_takes_the_ceil_share_fastest_pair(tiny, tmp_path, share, minutes, met):
    path = write(
        tmp_path,
        GOAL_HEAD
        + f"""
[[tier]]
within_minutes = 45
[[tier.target]]
group = "core"
quantifier = "share"
share = {share}
""",
    )
    t = check_goal(path, tiny.as_of(2021), method="static").tiers[0].targets[0]
    assert t.minutes == pytest.approx(minutes) and t.met is met


def test_unreachable_target_is_a_miss_with_no_margin(report_2021):
    t = target(report_2021, "45min", "epsilon")
    assert not t.met and math.isinf(t.minutes)
    assert t.route is None
    d = t.to_dict()
    assert d["minutes"] is None and d["margin_minutes"] is None
    assert "no route" in t.bottleneck["summary"]


def test_all_pairs_goal_checks_every_ordered_pair(tiny, tmp_path):
    path = write(
        tmp_path,
        """[goal]
name = "all pairs"
origin = "core"
[source]
document = "test"
[[tier]]
within_minutes = 60
[[tier.target]]
group = "core"
quantifier = "all"
""",
    )
    t = check_goal(path, tiny.as_of(2021), method="static").tiers[0].targets[0]
    assert len(t.pairs) == 6  # 3 members, ordered pairs, no self-pairs
    tt = travel_times(tiny.as_of(2021), method="static")
    worst = max(tt.get(p.origin, p.destination) for p in t.pairs)
    assert t.minutes == pytest.approx(worst)


# --------------------------------------------------------------------------- agreement with travel_times


def test_report_agrees_with_travel_times_and_routes(tiny, report_2021):
    net = tiny.as_of(2021)
    tt = travel_times(net, method="static")
    for tier in report_2021.tiers:
        for t in tier.targets:
            for p in t.pairs:
                assert p.minutes == pytest.approx(tt.get(p.origin, p.destination))
                assert p.typical_minutes is None  # the static method has no departures
            if t.route:
                route = tt.route(t.origin, t.destination)
                assert [leg["from"] for leg in t.route["legs"]] == [leg.from_id for leg in route.legs]
                assert t.route["minutes"] == pytest.approx(route.minutes)
                assert t.route["transfers"] == route.transfers


def test_goal_stations_override_the_stations_of_a_city(tiny, tmp_path):
    # [goal.stations] narrows Alpha to Alpha Central, on the slow line l2; the metro to Alpha East (20)
    # then l1 (20) still beats l2 (45).
    path = write(
        tmp_path,
        GOAL_HEAD
        + """
[goal.stations]
alpha = ["alpha_central"]

[[tier]]
within_minutes = 30
[[tier.target]]
place = "beta"
""",
    )
    t = check_goal(path, tiny.as_of(2021), method="static").tiers[0].targets[0]
    assert t.minutes == pytest.approx(20.0 + 20.0)
    assert t.route["stations"][:2] == ["alpha_central", "alpha_east"]
    assert not t.met and t.bottleneck["minutes_to_cut"] == pytest.approx(10.0)


def test_unknown_station_in_goal_stations(tiny, tmp_path):
    path = write(
        tmp_path,
        GOAL_HEAD
        + """
[goal.stations]
alpha = ["alpha_centrl"]

[[tier]]
within_minutes = 30
[[tier.target]]
place = "beta"
""",
    )
    with pytest.raises(GoalError, match="line 9.*did you mean 'alpha_central'"):
        check_goal(path, tiny, method="static")


# --------------------------------------------------------------------------- bottleneck and multimodal


def test_bottleneck_of_a_miss(report_2021):
    b = target(report_2021, "45min", "core").bottleneck
    assert (b["from"], b["to"], b["via"]) == ("alpha_east", "gamma", "l1")
    assert b["minutes_to_cut"] == pytest.approx(5.0)
    assert b["slowest_section"]["design_kmh"] == pytest.approx(250.0)
    # 50 minutes for the straight-line km: benchmark at 300 km/h, and the speed needed to save 5 minutes
    assert b["benchmark_minutes"] == pytest.approx(b["straight_km"] / 300 * 60, abs=0.1)
    assert b["speed_needed_kmh"] == pytest.approx(b["straight_km"] / 45 * 60, abs=1)


def test_multimodal_shows_where_flying_wins(tiny, tmp_path):
    path = write(
        tmp_path,
        GOAL_HEAD
        + """
[[tier]]
within_minutes = 120
[[tier.target]]
place = "delta"
""",
    )
    t = check_goal(path, tiny.as_of(2021), method="static").tiers[0].targets[0]
    assert math.isinf(t.minutes) and not t.met  # no rail to Delta
    assert t.multimodal["minutes"] == pytest.approx(160.0)  # README: 25 + 115 + 20
    assert t.multimodal["uses_air"] and t.multimodal["air_wins"]
    assert "flight" in [leg["kind"] for leg in t.multimodal["route"]["legs"]]


def test_scenario_changes_the_answer_and_not_the_network(tiny):
    net = tiny.as_of(2021)
    before = check_goal(TINY_GOAL, net, method="static")
    after = check_goal(TINY_GOAL, load_scenario(GOALS / "tiny-everything.toml").apply(net), method="static")
    assert math.isinf(target(before, "45min", "epsilon").minutes)
    assert target(after, "45min", "epsilon").minutes == pytest.approx(60.0)  # new line l4
    assert after.scenarios == ("tiny-everything",)
    assert "epsilon" not in set(net.stations["station_id"])


# --------------------------------------------------------------------------- renderings


def test_to_dict_shape(report_2021):
    d = report_2021.to_dict()
    assert {"goal", "as_of", "tiers"} <= set(d)
    assert d["goal"] == "tiny-circle" and d["as_of"] == "2021-12-31"
    for tier in d["tiers"]:
        assert {"within_minutes", "met", "targets"} <= set(tier)
        for t in tier["targets"]:
            assert {"target", "name", "name_zh", "minutes", "met", "route"} <= set(t)


def test_frame_and_markdown(report_2021):
    frame = report_2021.to_frame()
    assert len(frame) == sum(len(t.targets) for t in report_2021.tiers)
    assert set(frame["met"]) == {True, False}
    md = report_2021.to_markdown()
    assert "| target | time | typical | met |" in md and "misses by 5 min" in md
    assert "Times: static method" in md


# --------------------------------------------------------------------------- bad input


def test_unknown_place_and_group_are_reported_together_with_lines(tiny, tmp_path):
    path = write(
        tmp_path,
        GOAL_HEAD
        + """
[[tier]]
within_minutes = 60

[[tier.target]]
place = "gama"

[[tier.target]]
group = "cor"
quantifier = "all"
""",
    )
    with pytest.raises(GoalError) as info:
        check_goal(path, tiny, method="static")
    text = str(info.value)
    assert "line 12" in text and "'gamma'" in text  # place = "gama" is on line 12
    assert "line 15" in text and "did you mean 'core'" in text
    assert len(info.value.problems) == 2


def test_bad_goal_file_reports_every_problem_with_its_line(tmp_path):
    path = write(
        tmp_path,
        """[goal]
name = "bad"
origin = "alpha"
mode = ["rail"]
measure = "walk"

[source]
document = "x"

[[tier]]
within_minutes = -5

[[tier.target]]
group = "core"
quantifier = "most"

[[tier.target]]
group = "core"
""",
    )
    with pytest.raises(GoalError) as info:
        load_goal(path)
    text = str(info.value)
    for expected in (
        "line 4, key 'mode'",
        "did you mean 'modes'",
        "line 5, key 'measure'",
        "line 11, key 'within_minutes'",
        "line 15, key 'quantifier'",
        "line 17, key 'quantifier'",
    ):
        assert expected in text
    assert isinstance(info.value, ValueError) and isinstance(info.value, TransitError)


def test_invalid_toml_names_the_line(tmp_path):
    path = write(tmp_path, '[goal]\nname = "x"\norigin = \n')
    with pytest.raises(GoalError, match="line 3"):
        load_goal(path)


def test_unknown_bundled_goal_suggests_a_name():
    with pytest.raises(GoalError, match="did you mean 'wenzhou-521'"):
        load_goal("wenzou-521")


# --------------------------------------------------------------------------- bundled goals


def test_bundled_goals_load():
    ids = {gid for gid, _name, _path in list_goals()}
    assert {"wenzhou-521", "national-123-yrd", "yrd-central-cities", "ningbo-123"} <= ids
    goal = load_goal("wenzhou-521")
    assert [t.within_minutes for t in goal.tiers] == [60.0, 120.0, 300.0]
    assert goal.source["document"] and all(t.interpretation for t in goal.tiers)


@pytest.mark.parametrize("name", ["wenzhou-521", "national-123-yrd", "yrd-central-cities", "ningbo-123"])
def test_bundled_goals_resolve_on_the_bundled_network(yrd, name):
    report = check_goal(name, yrd)
    assert report.method == "timetable"
    assert report.tiers and all(t.targets for t in report.tiers)


def test_wenzhou_521_on_the_bundled_network(yrd):
    report = check_goal("wenzhou-521", yrd)
    tt = travel_times(yrd, origins=["wenzhou"])
    central = set(yrd.city_stations("wenzhou", central=True))
    assert "cangnan" not in central
    for tier in report.tiers:
        for t in tier.targets:
            for p in t.pairs:
                assert p.minutes == pytest.approx(tt.get(p.origin, p.destination))
                assert p.typical_minutes >= p.minutes  # a typical departure waits, the fastest does not
            if t.route:
                # a route starts at a central station of Wenzhou, never a county station (Cangnan, Rui'an)
                assert t.route["stations"][0] in central
    beijing = next(t for t in report.tiers[2].targets if t.target == "jjj_core")
    assert not beijing.met  # no 5-hour train Wenzhou-Beijing
    assert beijing.multimodal["uses_air"]


def test_timetable_report_shows_fastest_and_typical(tiny):
    report = check_goal(TINY_GOAL, tiny.as_of(2021))
    assert report.method == "timetable" and report.statistic == "fastest"
    assert report.window_minutes == (360.0, 960)
    gamma = target(report, "1h", "gamma")
    assert gamma.minutes == pytest.approx(56.0)  # alpha_east - beta - gamma on the hourly l1 trains
    assert gamma.minutes < gamma.typical_minutes < gamma.minutes + 60  # an hourly train: a wait under an hour
    typical = check_goal(TINY_GOAL, tiny.as_of(2021), statistic="median")
    assert target(typical, "1h", "gamma").minutes == pytest.approx(gamma.typical_minutes)
    md = report.to_markdown()
    assert "judged on the fastest train of the day" in md and "'typical' is the median" in md
    data = report.to_dict()
    assert data["method"] == "timetable" and data["tiers"][0]["targets"][0]["typical_minutes"] is not None
    with pytest.raises(ValueError, match="need method='timetable'"):
        check_goal(TINY_GOAL, tiny.as_of(2021), method="static", statistic="median")
