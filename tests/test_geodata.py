"""Network layers and isochrone bands as GeoDataFrames, and the table writers (transit.geodata, transit.export)."""

from __future__ import annotations

import json
import math
import os
from contextlib import contextmanager

import numpy as np
import pandas as pd
import pytest

gpd = pytest.importorskip("geopandas")

from transit import geodata  # noqa: E402
from transit.errors import ExportError, MapError  # noqa: E402
from transit.export import SUFFIXES, write_table  # noqa: E402
from transit.maps.surface import grid_lonlat  # noqa: E402


# ------------------------------------------------------------------------------------ layers
def test_layers_have_the_columns_and_crs(tiny):
    layers = geodata.network_layers(tiny)
    assert sorted(layers) == ["cities", "sections", "stations"]
    for frame in layers.values():
        assert frame.crs.to_epsg() == 4326
    cities = layers["cities"].set_index("city_id")
    assert {"name", "name_zh", "population", "province"} <= set(cities.columns)
    assert cities.loc["alpha", "name_zh"] == "阿尔法" and cities.loc["alpha", "population"] == 5_000_000
    assert (cities.loc["alpha", "geometry"].x, cities.loc["alpha", "geometry"].y) == (120.0, 30.0)
    stations = layers["stations"].set_index("station_id")
    assert stations.loc["alpha_airport", "kind"] == "airport" and stations.loc["alpha_airport", "iata"] == "AAA"
    assert stations.loc["alpha_east", "city_id"] == "alpha" and set(stations["kind"]) == {"rail", "airport"}
    assert set(layers["sections"].geom_type) == {"LineString"}


def test_sections_run_through_their_stations_in_order(yrd):
    sections = geodata.sections_frame(yrd)
    stations = yrd.tables["stations"].set_index("station_id")
    ls = yrd.tables["line_stations"].sort_values(["line_id", "seq"])
    long = sections[sections["n_stations"] > 3].iloc[0]
    order = list(ls.loc[ls["line_id"] == long["line_id"], "station_id"])
    a, b = order.index(long["from_station_id"]), order.index(long["to_station_id"])
    ids = order[a : b + 1] if a <= b else order[b : a + 1][::-1]
    expected = [(stations.loc[s, "lon"], stations.loc[s, "lat"]) for s in ids]
    np.testing.assert_allclose(np.array(long["geometry"].coords), np.array(expected, dtype=float))
    assert len(sections) == len(yrd.sections)
    assert {"status", "design_kmh", "opened", "line_name"} <= set(sections.columns)
    assert sections["length_km"].gt(0).all()


def test_sections_follow_the_date(tiny):
    later = geodata.sections_frame(tiny.as_of(2031)).set_index("line_id")
    assert later.loc["l3", "status"] == "construction" and later.loc["l3", "expected_year"] == 2030
    assert pd.isna(later.loc["l3", "opened"])
    assert "l3" not in set(geodata.sections_frame(tiny)["line_id"])
    assert geodata.sections_frame(tiny).set_index("to_station_id").loc["gamma", "opened"] == "2015-06-01"


def test_travel_times_with_geometry(tiny):
    frame = geodata.travel_time_frame(tiny, "alpha", modes=("rail",), measure="station").set_index("city_id")
    assert frame.loc["beta", "minutes"] == 20.0 and frame.loc["alpha", "minutes"] == 0.0
    assert math.isinf(frame.loc["delta", "minutes"])  # an island: no rail
    assert frame.crs.to_epsg() == 4326 and (frame["origin_id"] == "alpha").all()
    stations = geodata.travel_time_frame(tiny, "阿尔法东站", level="station").set_index("station_id")
    assert stations.loc["beta", "minutes"] == 20.0 and stations.loc["alpha_east", "minutes"] == 0.0


# ------------------------------------------------------------------------------------ bands
def _cone():
    lon, lat = grid_lonlat((119.0, 122.0, 29.0, 31.0), 5.0)
    minutes = np.hypot(lon - 120.5, lat - 30.0) * 100.0  # a cone: minutes grow with the distance
    minutes[:, :4] = np.inf  # a strip nothing reaches
    return lon, lat, minutes


def test_bands_are_disjoint_and_add_up_to_nested_areas():
    lon, lat, minutes = _cone()
    bands = geodata.bands_from_surface(lon, lat, minutes, (60, 120, 180))
    nested = geodata.bands_from_surface(lon, lat, minutes, (60, 120, 180), cumulative=True)
    assert list(bands["minutes_from"]) == [0, 60, 120] and list(bands["minutes_to"]) == [60, 120, 180]
    assert list(nested["minutes_from"]) == [0, 0, 0]
    assert bands.crs.to_epsg() == 4326 and set(bands.geom_type) <= {"Polygon", "MultiPolygon"}
    areas = list(nested["area_km2"])
    assert areas == sorted(areas) and areas[0] > 0
    for k in range(1, 3):
        assert nested.geometry[k].buffer(1e-9).contains(nested.geometry[k - 1])
        assert bands.geometry[k].intersection(bands.geometry[k - 1]).area < 1e-9
        assert bands.geometry[: k + 1].union_all().symmetric_difference(nested.geometry[k]).area < 1e-9
    # the first band is about the disc of radius 0.6 degrees around the centre
    assert nested.geometry[0].area == pytest.approx(math.pi * 0.6**2, rel=0.05)
    # nothing in the unreachable strip
    assert nested.geometry[2].bounds[0] > lon[0, 3]


def test_bad_bands_are_refused():
    lon, lat, minutes = _cone()
    with pytest.raises(MapError, match="increasing"):
        geodata.bands_from_surface(lon, lat, minutes, (120, 60))
    with pytest.raises(MapError, match="2-D"):
        geodata.bands_from_surface(lon[0], lat[0], minutes[0])


def test_isochrone_bands_of_a_network(tiny):
    bands = geodata.isochrone_bands(tiny, "Alpha", bands_minutes=(60, 120), grid_km=10.0)
    assert list(bands["minutes_to"]) == [60, 120] and (bands["origin_id"] == "alpha").all()
    assert bands.crs.to_epsg() == 4326 and bands.attrs["origin"] == "alpha"
    # Beta's centre (20 min by rail plus access and egress) is inside the 2-hour band
    from shapely.geometry import Point

    assert bands.geometry.union_all().contains(Point(121.0, 30.0))


# ------------------------------------------------------------------------------------ writers
def _table():
    return pd.DataFrame(
        {"city_id": ["alpha", "beta", "gamma"], "minutes": [0.0, 20.5, math.inf], "name_zh": ["阿尔法", "贝塔", "伽马"]}
    )


def _layer():
    frame = _table()
    return gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy([120, 121, 122.5], [30, 30, 30]), crs="EPSG:4326")


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".json"])
def test_plain_tables_round_trip_with_unreachable_empty(tmp_path, suffix):
    path = write_table(_table(), tmp_path / f"times{suffix}")
    if suffix == ".csv":
        text = path.read_text(encoding="utf-8")
        assert "inf" not in text and text.splitlines()[3] == "gamma,,伽马"
        back = pd.read_csv(path)
    elif suffix == ".xlsx":
        back = pd.read_excel(path)
    else:
        records = json.loads(path.read_text(encoding="utf-8"))
        assert records[2] == {"city_id": "gamma", "minutes": None, "name_zh": "伽马"}
        back = pd.DataFrame(records)
    assert list(back["city_id"]) == ["alpha", "beta", "gamma"] and list(back["name_zh"]) == ["阿尔法", "贝塔", "伽马"]
    assert back["minutes"].iloc[1] == 20.5 and pd.isna(back["minutes"].iloc[2])


@pytest.mark.parametrize("suffix", [".geojson", ".gpkg", ".csv", ".json"])
def test_layers_round_trip_with_unreachable_null(tmp_path, suffix):
    path = write_table(_layer(), tmp_path / f"times{suffix}")
    if suffix in (".geojson", ".gpkg"):
        back = gpd.read_file(path)
        assert back.crs.to_epsg() == 4326
        assert [(g.x, g.y) for g in back.geometry] == [(120, 30), (121, 30), (122.5, 30)]
    elif suffix == ".csv":
        back = pd.read_csv(path)
        assert back["geometry"].iloc[0] == "POINT (120 30)"
    else:
        back = pd.DataFrame(json.loads(path.read_text(encoding="utf-8")))
        assert back["geometry"].iloc[0] == {"type": "Point", "coordinates": [120.0, 30.0]}
    assert list(back["city_id"]) == ["alpha", "beta", "gamma"] and pd.isna(back["minutes"].iloc[2])
    if suffix == ".geojson":
        feature = json.loads(path.read_text(encoding="utf-8"))["features"][2]
        assert feature["properties"]["minutes"] is None


def test_network_layers_write_to_a_geopackage(tiny, tmp_path):
    sections = geodata.sections_frame(tiny)
    path = write_table(sections, tmp_path / "sections.gpkg")
    back = gpd.read_file(path, layer="sections")
    assert list(back["line_id"]) == list(sections["line_id"])
    assert [list(g.coords) for g in back.geometry] == [list(g.coords) for g in sections.geometry]


def test_no_overwrite_without_permission_and_nothing_left_behind(tmp_path):
    path = tmp_path / "times.csv"
    write_table(_table(), path)
    with pytest.raises(FileExistsError, match="overwrite=True"):
        write_table(_table().head(1), path)
    assert len(pd.read_csv(path)) == 3
    write_table(_table().head(1), path, overwrite=True)
    assert len(pd.read_csv(path)) == 1
    write_table(_layer(), tmp_path / "layer.gpkg")
    write_table(_layer(), tmp_path / "layer.gpkg", overwrite=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["layer.gpkg", "times.csv"]


@contextmanager
def _umask(mask):
    old = os.umask(mask)
    try:
        yield
    finally:
        os.umask(old)


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_permissions_follow_the_umask(tmp_path, suffix):
    with _umask(0o027):
        path = write_table(_layer(), tmp_path / f"times{suffix}")
    assert path.stat().st_mode & 0o777 == 0o640


def test_unknown_suffix_lists_the_supported_ones(tmp_path):
    with pytest.raises(ExportError, match=r"\.csv, \.xlsx, \.json, \.geojson, \.gpkg"):
        write_table(_table(), tmp_path / "times.parquet")
    with pytest.raises(ExportError, match="needs a layer with geometry"):
        write_table(_table(), tmp_path / "times.geojson")
    assert list(tmp_path.iterdir()) == []
