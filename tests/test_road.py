"""Road access with OSMnx on the synthetic town of tests/data/road (see its README); nothing downloads."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from transit import road

OSM = Path(__file__).parent / "data" / "road" / "synthetic_town.osm"
R_M = 6_371_009.0  # OSMnx's Earth radius for edge lengths


def _km(lat1, lon1, lat2, lon2):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * R_M * math.asin(math.sqrt(a)) / 1000.0


BLOCK_KM = _km(30.0, 120.0, 30.0, 120.0104)  # one block east-west on row 0


@pytest.fixture(scope="module")
def graph():
    return road.load_road_graph(OSM)


def test_graph_has_speeds_and_times(graph):
    assert graph.number_of_nodes() == 48
    speeds = {(d["highway"], d["speed_kph"]) for _, _, d in graph.edges(data=True)}
    assert ("primary", 60.0) in speeds and ("residential", 20.0) in speeds and ("motorway", 100.0) in speeds
    for _, _, d in graph.edges(data=True):
        assert d["travel_time"] == pytest.approx(d["length"] / (d["speed_kph"] / 3.6))


def test_avenue_time_hand_computed(graph):
    # along Avenue 2 (row 2, 60 km/h) from column 0 to column 6: six blocks at 1 km/min
    lat = 30.018
    expected = 6 * _km(lat, 120.0, lat, 120.0104)
    got = road.road_minutes(graph, (lat, 120.0), [(lat, 120.0624)])
    assert got[0] == pytest.approx(expected, abs=0.01)


def test_oneway_street_is_respected(graph):
    north = road.road_minutes(graph, (30.0, 120.0624), [(30.045, 120.0624)])[0]
    south = road.road_minutes(graph, (30.045, 120.0624), [(30.0, 120.0624)])[0]
    assert north == pytest.approx(5 * _km(30.0, 0, 30.009, 0) / 30 * 60, abs=0.05)  # 5 blocks at 30 km/h
    assert south > north + 5  # must detour on the residential grid


def test_unreachable_and_outside_points(graph):
    got = road.road_minutes(graph, (30.0, 120.0), [(30.08, 119.96), (31.0, 121.0)])
    assert np.isinf(got).all()  # isolated lane; far outside the graph


def test_road_access_minutes_on_tiny(graph, tiny):
    df = road.road_access_minutes(graph, tiny, "Alpha", graph_name="synthetic_town.osm")
    assert list(df.columns) == ["city_id", "station_id", "minutes", "mode", "source"]
    got = df.set_index("station_id")["minutes"]
    # alpha centre = node (0,0); alpha_central is 38 m from node (0,1): one residential block + connector
    connector_km = _km(30.0, 120.01, 30.0, 120.0104)
    assert got["alpha_central"] == pytest.approx(BLOCK_KM / 20 * 60 + connector_km / 15 * 60, abs=0.1)
    # alpha_east is 193 m from node (0,5): five residential blocks
    connector_km = _km(30.0, 120.05, 30.0, 120.052)
    assert got["alpha_east"] == pytest.approx(5 * BLOCK_KM / 20 * 60 + connector_km / 15 * 60, abs=0.1)
    # the airport is 3 km from the nearest road node of this small graph: left out, not guessed
    assert "alpha_airport" not in got.index
    assert (df["city_id"] == "alpha").all() and df["source"].str.startswith("estimate:").all()


def test_with_road_access_replaces_rows(graph, tiny):
    df = road.road_access_minutes(graph, tiny, "alpha")
    net2 = road.with_road_access(tiny, df)
    acc = net2.tables["access"].set_index(["city_id", "station_id"])
    assert acc.loc[("alpha", "alpha_east"), "mode"] == "road"
    assert acc.loc[("alpha", "alpha_east"), "minutes"] == pytest.approx(
        df.set_index("station_id").at["alpha_east", "minutes"]
    )
    assert acc.loc[("alpha", "alpha_airport"), "minutes"] == 25  # untouched
    assert tiny.tables["access"].set_index(["city_id", "station_id"]).loc[("alpha", "alpha_east"), "minutes"] == 15
    assert len(acc) == len(tiny.tables["access"])


def test_with_road_access_rejects_bad_frames(tiny):
    with pytest.raises(road.RoadDataError, match="lacks column"):
        road.with_road_access(tiny, pd.DataFrame({"city_id": ["alpha"]}))
    bad = pd.DataFrame(
        {"city_id": ["alpha"], "station_id": ["alpha_east"], "minutes": [np.inf], "mode": ["road"], "source": ["x"]}
    )
    with pytest.raises(road.RoadDataError, match="non-finite"):
        road.with_road_access(tiny, bad)


def test_station_isochrones_nested(graph, tiny):
    iso = road.station_isochrones(graph, tiny, "alpha_east", (15, 30, 45))
    assert list(iso["minutes"]) == [45.0, 30.0, 15.0]
    assert (iso["station_id"] == "alpha_east").all()
    g45, g30, g15 = iso.geometry
    assert g15.area < g30.area <= g45.area
    assert g15.difference(g30).area < 1e-6 * g15.area  # nested, up to rounding
    from shapely.geometry import Point

    # the expressway end is about 11 minutes away (2 blocks north, 1 on the Avenue, 5.3 km motorway)
    assert g15.contains(Point(120.145, 30.0225))
    assert not g45.contains(Point(119.965, 30.08))  # the isolated lane


def test_graphml_cache_roundtrip(graph, tmp_path):
    path = road.save_road_graph(graph, tmp_path / "town.graphml")
    with pytest.raises(FileExistsError):
        road.save_road_graph(graph, path)
    again = road.load_road_graph(cache=path)
    a = road.road_minutes(graph, (30.0, 120.0), [(30.0225, 120.145)])
    b = road.road_minutes(again, (30.0, 120.0), [(30.0225, 120.145)])
    np.testing.assert_allclose(a, b)
    # a cache that exists is read even when an OSM file is named
    assert road.load_road_graph(OSM, cache=path).number_of_nodes() == 48


def test_place_needs_explicit_download():
    with pytest.raises(road.RoadDataError, match="download=True"):
        road.load_road_graph(place="Lucheng District, Wenzhou, China")


def test_missing_or_empty_osm_file(tmp_path):
    with pytest.raises(road.RoadDataError, match="not found"):
        road.load_road_graph(tmp_path / "nope.osm")
    empty = tmp_path / "empty.osm"
    empty.write_text('<?xml version="1.0"?><osm version="0.6"><node id="1" lat="30" lon="120"/></osm>')
    with pytest.raises(road.RoadDataError):
        road.load_road_graph(empty)


def test_road_access_feeds_the_door_measure(graph, tiny):
    """Door alpha-beta in 2016 is 68 min with 15 min access to alpha_east (tests/data/tiny/README.md);
    with the road time to alpha_east instead, it moves by exactly the difference."""
    from transit import travel as routing

    acc = road.road_access_minutes(graph, tiny, "alpha")
    net = road.with_road_access(tiny, acc).as_of("2016-06-01")
    base = routing.travel_times(tiny.as_of("2016-06-01"), modes=("rail",), measure="door").get("alpha", "beta")
    assert base == pytest.approx(68.0)
    east = float(acc.set_index("station_id").at["alpha_east", "minutes"])
    got = routing.travel_times(net, modes=("rail",), measure="door").get("alpha", "beta")
    assert got == pytest.approx(68.0 - 15.0 + east)


def test_min_road_minutes_matches_single_source(graph):
    pts = [(30.0225, 120.145), (30.045, 120.0624), (30.0, 120.0104), (30.08, 119.96)]
    lat, lon = [p[0] for p in pts], [p[1] for p in pts]
    one = road.road_minutes(graph, (30.0, 120.0), pts)
    many, on = road.min_road_minutes(graph, [30.0], [120.0], [0.0], lat, lon)
    np.testing.assert_allclose(many[:3], one[:3], atol=1e-3)
    assert np.isinf(many[3]) and on.tolist() == [True]
    # a second source leaving 5 min later at the expressway end wins there and nearby
    two, on = road.min_road_minutes(graph, [30.0, 30.0225, 35.0], [120.0, 120.145, 120.0], [0.0, 5.0, 0.0], lat, lon)
    assert on.tolist() == [True, True, False]  # the third is 500 km away: off the graph
    assert two[0] == pytest.approx(5.0, abs=1e-3)
    assert (two[:3] <= many[:3] + 1e-9).all()


def test_isochrone_surface_with_road_graph(graph, tiny):
    from transit import maps

    net = tiny.as_of("2016-06-01")
    extent = (119.99, 120.16, 29.99, 30.075)
    lon, lat, est = maps.isochrone_surface(net, "alpha", grid_km=1.0, extent=extent)
    _, _, withroad = maps.isochrone_surface(net, "alpha", grid_km=1.0, extent=extent, road_graph=graph)
    # the north-east corner is 4+ km from any road node: the straight-line estimate stays
    assert withroad[-1, -1] == est[-1, -1]
    # on the town's streets the road times differ from the estimate (20 km/h streets vs 60 km/h x 1.3)
    changed = np.abs(withroad - est) > 0.5
    assert 0.3 < changed.mean() < 1.0
    # and a point on the avenue equals the road time from the best source, computed independently
    k = np.unravel_index(np.argmin((lat - 30.018) ** 2 + (lon - 120.0312) ** 2), lat.shape)
    from transit.travel import travel_times

    times = travel_times(net, modes=("rail", "air"), measure="door")
    src = times.from_origin("alpha")
    st = net.tables["stations"].set_index("station_id").loc[src.index]
    by_road, _ = road.min_road_minutes(
        graph, list(st["lat"]) + [30.0], list(st["lon"]) + [120.0], list(src) + [0.0], [lat[k]], [lon[k]]
    )
    # (the airport, 3 km from the nearest node, is off the graph and far slower there)
    assert withroad[k] == pytest.approx(by_road[0], abs=1e-6)
