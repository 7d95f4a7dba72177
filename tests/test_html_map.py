"""The offline HTML map: its content (no browser), and the file opened in headless Chromium.

The map is made on the tiny network (tests/data/tiny) with a coarse grid. The browser tests run
Chromium with networking off (a dead proxy, every host name unresolvable, background services
disabled) and a net log, then read the DOM after the page's script ran and take a screenshot. They
skip on a machine without Chromium (CI installs it: ``apt-get install chromium``, see .ci/run) and
fail there when CI is set.
"""

from __future__ import annotations

import base64
import io
import json
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest

import transit
from transit.maps import html as hmap

TINY = Path(__file__).parent / "data" / "tiny"
SCENARIO = Path(__file__).parent / "data" / "goals" / "tiny-everything.toml"
EXTENT = (117.5, 123.5, 27.5, 31.5)


@pytest.fixture(scope="module")
def tiny():
    return transit.load_network(TINY)


@pytest.fixture(scope="module")
def page(tiny, tmp_path_factory):
    """A map from alpha and beta: the base network (2026-11-01), 2031 (l3 opens) and a scenario."""
    path = tmp_path_factory.mktemp("html") / "tiny.html"
    hmap.write_isochrone_html(
        path, tiny, ["alpha", "Beta"], years=[2031], scenarios=[SCENARIO], grid_km=15, extent=EXTENT
    )
    return path


# ---------------------------------------------------------------------------- without a browser
def test_band_polygons_of_a_cone():
    """Minutes growing with the distance from a point: bands are rings of the right radii, not overlapping."""
    lon, lat = np.meshgrid(np.linspace(0, 10, 201), np.linspace(0, 10, 201))
    minutes = 60 * np.hypot(lon - 5, lat - 5)  # one degree = one hour
    bands = hmap.band_polygons(lon, lat, minutes, (1, 2, 3), tolerance_deg=0)
    assert len(bands) == 3
    for k, (g, r_in, r_out) in enumerate(zip(bands, (0, 1, 2), (1, 2, 3))):
        assert g.area == pytest.approx(np.pi * (r_out**2 - r_in**2), rel=0.02), k
    for i in range(3):
        for j in range(i + 1, 3):
            assert bands[i].intersection(bands[j]).area < 1e-6
    # beyond the last band and unreachable points are left out; land clips
    minutes[:, :100] = np.inf
    import shapely

    half = hmap.band_polygons(lon, lat, minutes, (1, 2, 3), land=shapely.box(0, 0, 10, 5), tolerance_deg=0)
    assert half[0].area == pytest.approx(np.pi / 4, rel=0.05)  # a quarter disc


def test_layer_content(tiny):
    layer = hmap.map_layer(tiny.as_of(2031), "alpha", grid_km=15, extent=EXTENT, compare_to=tiny, routes="all")
    assert layer.label == "2031-12-31" and layer.origin == "alpha" and layer.origin_label == "Alpha 阿尔法"
    assert [b["label"] for b in layer.bands] == [
        "up to 1 h · 1小时以内",
        "1-2 h · 1-2小时",
        "2-3 h · 2-3小时",
        "3-5 h · 3-5小时",
    ]
    assert all(not b["geometry"].is_empty for b in layer.bands)
    assert {ln["line_id"] for ln in layer.lines if ln["new"]} == {"l3"}  # opens 2030
    st = {s["station_id"]: s for s in layer.stations}
    assert st["alpha_central"]["name_zh"] == "阿尔法" and st["alpha_central"]["minutes"] is not None
    assert st["gamma_north"]["route"] == "Alpha-Gamma HSR 阿伽高铁 → Gamma North Link 伽马北联络线"
    assert st["delta_airport"]["route"].startswith("flight · 航班 ")
    cities = {c["city_id"]: c for c in layer.cities}
    assert cities["alpha"]["minutes"] == 0.0 and cities["beta"]["minutes"] > 0


def test_page_is_self_contained(page):
    text = page.read_text(encoding="utf-8")
    assert not re.search(r"https?://", text), "the page must name no URL to fetch"
    assert not re.search(r"""\b(src|href)\s*=\s*["'](?!#|data:)""", text)  # nothing to load
    assert not re.search(r"url\((?!data:|#)", text)
    assert "<svg" in text and "@font-face" in text and "data:font/woff;base64," in text
    assert page.stat().st_size < 1_500_000


def test_page_font_covers_every_chinese_character(page):
    """The embedded subset of Noto Sans SC has a glyph for each CJK character of the page (no tofu)."""
    from fontTools.ttLib import TTFont

    text = page.read_text(encoding="utf-8")
    data = re.search(r"data:font/woff;base64,([A-Za-z0-9+/=]+)", text).group(1)
    font = TTFont(io.BytesIO(base64.b64decode(data)))
    cmap = font.getBestCmap()
    han = {ch for ch in text if hmap._is_cjk(ch)}
    assert {"温", "阿", "尔", "法", "时"} <= han | {"温"}
    assert not [ch for ch in han if ord(ch) not in cmap]
    names = " ".join(r.toUnicode() for r in font["name"].names)
    assert "Open Font License" in names or "OFL" in names  # the licence travels with the subset


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.items: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.items.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag


def _parse(text: str) -> list[tuple[str, dict]]:
    p = _Elements()
    p.feed(text)
    return p.items


def _layers(items):
    """Per layer key: counts of band, line, station, airport, city elements and its style."""
    out, cur = {}, None
    for tag, a in items:
        cls = a.get("class", "")
        if tag == "g" and cls.split()[:1] == ["layer"]:
            cur = a["data-key"]
            out[cur] = {"style": a.get("style", ""), "o": a["data-o"], "s": a["data-s"], "class": cls}
            out[cur].update(band=0, line=0, station=0, airport=0, city=0, lab=0, newline=0)
            continue
        if cur is None:
            continue
        for k in ("band", "line", "station", "airport", "city", "newline"):
            if k in cls.split():
                out[cur][k] += 1
        if tag == "text" and "lab" in cls.split():
            out[cur]["lab"] += 1
    return out


def test_page_structure(page):
    items = _parse(page.read_text(encoding="utf-8"))
    layers = _layers(items)
    assert len(layers) == 6  # 2 origins x (base, 2031, scenario)
    radios = [(a["name"], a["value"]) for t, a in items if t == "input" and a.get("type") == "radio"]
    assert radios == [("origin", "0"), ("origin", "1"), ("scen", "0"), ("scen", "1"), ("scen", "2")]
    toggles = [a["value"] for t, a in items if t == "input" and a.get("type") == "checkbox"]
    assert toggles == ["bands", "boundaries", "lines", "stations", "airports", "cities"]
    for lay in layers.values():
        assert lay["band"] == 4 and lay["station"] >= 4 and lay["airport"] == 2 and lay["city"] == 5
    by = {(v["o"], v["s"]): v for v in layers.values()}
    assert by[("0", "0")]["line"] == 3 and by[("0", "1")]["line"] == 4  # l3 opens by 2031
    assert by[("0", "1")]["newline"] == 1 and by[("0", "2")]["newline"] >= 1  # new against the base
    assert by[("0", "0")]["newline"] == 0
    assert sum(1 for t, a in items if t == "path" and a.get("class") == "prov") >= 3
    assert any(a.get("id") == "legend" for _, a in items)


def test_write_refuses_overwrite_and_bad_suffix(tiny, tmp_path):
    layer = hmap.map_layer(tiny, "alpha", grid_km=25, extent=EXTENT)
    p = hmap.write_html_map(tmp_path / "m.html", [layer])
    with pytest.raises(FileExistsError):
        hmap.write_html_map(p, [layer])
    with pytest.raises(FileExistsError):
        hmap.write_isochrone_html(p, tiny, "alpha")
    hmap.write_html_map(p, [layer], overwrite=True, title="Alpha 阿尔法")
    assert "<title>Alpha 阿尔法</title>" in p.read_text(encoding="utf-8")
    with pytest.raises(transit.maps.MapError, match=".html"):
        hmap.write_html_map(tmp_path / "m.png", [layer])
    with pytest.raises(transit.maps.MapError, match="at least one layer"):
        hmap.write_html_map(tmp_path / "n.html", [])
    assert sorted(x.name for x in tmp_path.iterdir()) == ["m.html"]  # no temp files left


# ------------------------------------------------------------------------------- in Chromium
def _chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        exe = shutil.which(name)
        if exe:
            return exe
    if os.environ.get("CI"):
        pytest.fail("headless Chromium is missing on CI: .ci/run installs it (apt-get install chromium)")
    pytest.skip("headless Chromium is not installed (apt-get install chromium); CI installs it")


def _run_chromium(tmp_path, url: str, *extra: str) -> subprocess.CompletedProcess:
    profile = tmp_path / "profile"
    args = [
        _chromium(),
        "--headless",
        "--disable-gpu",
        "--no-sandbox",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--proxy-server=127.0.0.1:9",  # networking off: every request would go to a closed port
        "--host-resolver-rules=MAP * ~NOTFOUND",
        f"--user-data-dir={profile}",
        f"--log-net-log={tmp_path / 'netlog.json'}",
        "--window-size=1400,900",
        "--hide-scrollbars",
        "--virtual-time-budget=4000",
        *extra,
        url,
    ]
    out = subprocess.run(args, capture_output=True, text=True, timeout=120, env={**os.environ, "HOME": str(tmp_path)})
    assert out.returncode == 0, out.stderr[-2000:]
    return out


def _page_requests(netlog: Path) -> list[str]:
    """URLs that a page asked for over the network, from Chromium's net log.

    Requests of the browser itself (time, update and account services, all sent to the dead proxy)
    have the initiator ``not an origin``; a page's own (an image, a script, a tile, a fetch) carry
    the page's origin (``null`` for a file). file: and data: URLs never reach the network stack.
    """
    text = netlog.read_text(encoding="utf-8", errors="replace").rstrip().rstrip(",")
    if not text.endswith("}"):
        text += "]}"  # a log cut short at exit lacks its closing brackets
    log = json.loads(text)
    start_job = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    urls = []
    for e in log.get("events", []):
        p = e.get("params")
        if e.get("type") == start_job and isinstance(p, dict) and "url" in p and p.get("initiator") != "not an origin":
            urls.append(p["url"])
    return urls


def test_request_detector_sees_a_page_request(tmp_path):
    """The net-log check is not vacuous: a page that loads an image is caught (the request dies at the proxy)."""
    probe = tmp_path / "probe.html"
    probe.write_text('<!DOCTYPE html><img src="http://tiles.example.invalid/0/0/0.png">', encoding="utf-8")
    _run_chromium(tmp_path, probe.as_uri(), "--dump-dom")
    assert any("tiles.example.invalid" in u for u in _page_requests(tmp_path / "netlog.json"))


def test_in_chromium_dom(page, tmp_path):
    out = _run_chromium(tmp_path, page.as_uri(), "--dump-dom")
    dom = out.stdout
    items = _parse(dom)
    body = next(a for t, a in items if t == "body")
    assert body.get("data-ready") == "1", "the page's script did not finish"
    assert body.get("data-active-layers") == "1"
    assert body.get("data-cjk-font") == "1", "the embedded CJK font did not load"
    layers = _layers(items)
    shown = [v for v in layers.values() if "display: none" not in v["style"]]
    assert len(shown) == 1 and (shown[0]["o"], shown[0]["s"]) == ("0", "0") and "active" in shown[0]["class"]
    assert shown[0]["band"] == 4 and shown[0]["line"] == 3 and shown[0]["city"] == 5
    assert 'id="legend"' in dom and 'id="switcher"' in dom
    desc = re.search(r'<p id="desc">([^<]*)</p>', dom).group(1)
    assert "2026-11-01" in desc
    assert _page_requests(tmp_path / "netlog.json") == []


def test_in_chromium_layer_from_link(page, tmp_path):
    """``#o=1&s=1`` opens with the second origin's 2031 layer: the switcher drives what is shown."""
    out = _run_chromium(tmp_path, page.as_uri() + "#o=1&s=1", "--dump-dom")
    items = _parse(out.stdout)
    layers = _layers(items)
    shown = [v for v in layers.values() if "display: none" not in v["style"]]
    assert [(v["o"], v["s"]) for v in shown] == [("1", "1")]
    assert shown[0]["line"] == 4
    body = next(a for t, a in items if t == "body")
    assert (body.get("data-origin"), body.get("data-layer")) == ("1", "1")  # the buttons the script checked
    desc = re.search(r'<p id="desc">([^<]*)</p>', out.stdout).group(1)
    assert "2031-12-31" in desc


def test_in_chromium_screenshot_not_blank(page, tmp_path):
    import matplotlib.image as mpimg

    shot = tmp_path / "shot.png"
    _run_chromium(tmp_path, page.as_uri(), f"--screenshot={shot}")
    img = mpimg.imread(shot)[..., :3]
    assert img.shape[:2] == (900, 1400)
    colours = np.unique((img * 255).astype(np.uint8).reshape(-1, 3), axis=0)
    assert len(colours) > 200  # bands, lines, text: not a blank page
    # the map area (left of the side panel) is mostly not the page background
    area = img[80:800, 40:1000]
    assert (np.abs(area - area.mean(axis=(0, 1))).sum(axis=2) > 0.1).mean() > 0.2
    band_blue = np.array([0.45, 0.72, 0.84])  # the 1-2 h band over land, roughly
    assert (np.abs(area - band_blue).sum(axis=2) < 0.25).mean() > 0.005
    assert _page_requests(tmp_path / "netlog.json") == []
