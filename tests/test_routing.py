"""travel_times on the tiny network: every expected time of tests/data/tiny/README.md, and routes."""

from __future__ import annotations

import math

import numpy as np
import pytest

import transit
from transit.routing.graph import compile_graph
from transit.travel import travel_times


@pytest.mark.parametrize(
    "year, a, b, minutes",
    [
        (2012, "alpha", "beta", 20.0),
        (2012, "alpha", "gamma", math.inf),
        (2016, "alpha", "gamma", 56.0),
        (2021, "alpha", "gamma", 50.0),
        (2031, "alpha", "gamma_north", 55.0),
        (2016, "alpha", "epsilon", math.inf),
        (2016, "beta", "alpha", 20.0),
    ],
)
def test_station_measure(tiny, year, a, b, minutes):
    tt = travel_times(tiny.as_of(year), measure="station", method="static")
    assert tt.get(a, b) == pytest.approx(minutes)


def test_air_needs_the_air_mode(tiny):
    net = tiny.as_of(2016)
    assert travel_times(net, modes=("rail",), method="static").get("alpha", "delta") == math.inf
    assert travel_times(net, modes=("rail", "air"), method="static").get("alpha", "delta") == pytest.approx(115.0)


def test_door_measure(tiny):
    net = tiny.as_of(2016)
    assert travel_times(net, measure="door", method="static").get("alpha", "beta") == pytest.approx(68.0)
    assert travel_times(net, modes=("rail", "air"), measure="door", method="static").get(
        "Alpha", "德尔塔"
    ) == pytest.approx(160.0)


def test_route_legs_add_up_and_name_lines(tiny):
    tt = travel_times(tiny.as_of(2031), measure="station", method="static")
    route = tt.route("alpha", "gamma_north")
    assert [(leg.from_id, leg.to_id, leg.kind, leg.via) for leg in route.legs] == [
        ("alpha_east", "gamma", "rail", "l1"),
        ("gamma", "gamma_north", "rail", "l3"),
    ]
    assert route.minutes == pytest.approx(tt.get("alpha", "gamma_north"))
    assert route.transfers == 1
    door = travel_times(tiny.as_of(2016), modes=("rail", "air"), measure="door", method="static").route(
        "alpha", "delta"
    )
    assert [leg.kind for leg in door.legs] == ["access", "flight", "egress"]
    assert door.legs[1].via == "AAA-DDD"
    assert door.minutes == pytest.approx(160.0)


def test_no_route_is_empty(tiny):
    route = travel_times(tiny, measure="station", method="static").route("alpha", "epsilon")
    assert route.legs == () and route.minutes == math.inf and "no route" in str(route)


def test_matrix_and_frames(tiny, tmp_path):
    tt = travel_times(tiny.as_of(2016), measure="station", method="static")
    m = tt.matrix()
    assert m.loc["alpha", "gamma"] == pytest.approx(56.0)
    assert m.loc["gamma", "gamma"] == 0.0
    assert np.isinf(m.loc["alpha", "epsilon"])
    long = tt.to_frame()
    assert set(long.columns) == {"origin_id", "destination_id", "minutes"}
    # delta (airport only) and epsilon (no station) are not origins by rail; every city is a destination
    assert len(long) == 3 * 5 - 3
    path = tt.to_csv(tmp_path / "tt.csv")
    assert path.read_text().startswith("origin_id,destination_id,minutes\n")
    with pytest.raises(FileExistsError):
        tt.to_csv(path)
    assert tt.matrix("station").loc["alpha_east", "gamma"] == pytest.approx(56.0)


def test_origins_limit_the_work(tiny):
    tt = travel_times(tiny.as_of(2016), origins=["alpha"], destinations=["gamma", "beta"], method="static")
    assert tt.get("alpha", "gamma") == pytest.approx(56.0)
    assert list(tt.matrix().index) == ["alpha"]
    assert list(tt.matrix().columns) == ["beta", "gamma"]
    with pytest.raises(ValueError, match="origins"):
        tt.get("beta", "alpha")


def test_from_origin_for_isochrones(tiny):
    s = travel_times(tiny.as_of(2016), measure="door", method="static").from_origin("alpha")
    assert s["beta"] == pytest.approx(15 + 10 + 30)  # arriving at beta, before leaving the station
    assert "centre:alpha" not in s.index


def test_unknown_place_suggests(tiny):
    tt = travel_times(tiny, measure="station", method="static")
    with pytest.raises(transit.UnknownPlaceError, match="did you mean"):
        tt.get("alpah", "beta")


def test_bad_options(tiny):
    with pytest.raises(ValueError, match="modes"):
        travel_times(tiny, modes=("boat",), method="static")
    with pytest.raises(ValueError, match="measure"):
        travel_times(tiny, measure="crow", method="static")


def test_graph_is_csr_and_matches_scipy(tiny):
    from scipy.sparse.csgraph import shortest_path

    g = compile_graph(tiny.as_of(2031), ("rail", "air"), "door")
    assert g.indptr[-1] == g.n_edges and g.indices.dtype == np.int32
    expected = shortest_path(g.to_scipy(), method="D")
    tt = travel_times(tiny.as_of(2031), modes=("rail", "air"), measure="door", method="static")
    np.testing.assert_allclose(tt._dist, expected)


def test_station_prefix_picks_the_station_over_the_city(tiny):
    tt = travel_times(tiny.as_of(2016), measure="station", method="static")
    # the city 'beta' and its station 'beta' coincide here; the prefix says which is meant
    assert tt.get("station:alpha_central", "station:beta") == pytest.approx(40.0)  # 20 metro + 20 on l1
    assert tt.get("alpha", "station:beta") == pytest.approx(20.0)


def test_published_time_needs_the_line_in_service(tiny):
    # postpone l1 beta-gamma: the published alpha_east-gamma time must not bridge the gap
    sections = tiny.tables["sections"]
    mask = (sections["line_id"] == "l1") & (sections["from_station_id"] == "beta")
    sections.loc[mask, ["status", "opened", "expected_year"]] = ["construction", None, 2035]
    postponed = tiny.with_tables(sections=sections, label="postponed").as_of(2030)
    assert travel_times(postponed, method="static").get("alpha", "gamma") == math.inf
    assert travel_times(tiny.as_of(2030), method="static").get("alpha", "gamma") == pytest.approx(50.0)
