"""An offline interactive isochrone map: one self-contained HTML file (SVG + vanilla JavaScript).

The file holds everything it shows: travel-time bands (the surfaces of :mod:`transit.maps.surface`
contoured to polygons and clipped to land), rail lines coloured by design speed, stations and
airports, cities, and the province and prefecture outlines of the shipped boundary file. A small
script in the file gives pan (drag) and zoom (wheel, buttons), a switch between layers (one per
year or scenario, and one per origin), toggles for each kind of feature, a legend, and tooltips
(hover) or a pinned details box (click) with the name in English and Chinese, the minutes from the
origin and the route (lines used) where there is one.

No tiles and no library: Leaflet and MapLibre are not shipped by any package of the ``[maps]``
extra, and a tile layer would need a server. The file names no URL to fetch (no ``http(s)://`` at
all): opened from disk it makes no request. The projection is equirectangular with the aspect of
the map's mid-latitude, as in the matplotlib figures.

Entry points
------------
:func:`map_layer`
    One layer: the bands, lines, stations and cities of a network from one origin.
:func:`write_html_map` / :func:`render_html_map`
    The file (or its text) from layers.
:func:`write_isochrone_html`
    The convenience: a network, origins, and years and/or scenarios; one layer per combination.
"""

from __future__ import annotations

import base64
import html
import io
import json
import math
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from transit._files import atomic_path
from transit.errors import MapError, MissingExtraError
from transit.maps.boundaries import (
    EAST_CHINA_PROVINCES,
    PREFECTURE_PROVINCES,
    prefecture_boundaries,
    province_boundaries,
)
from transit.maps.draw import (
    SPEED_CLASSES,
    _band_colours,
    _band_labels,
    _band_levels,
    _measure_text,
    _modes_text,
    _section_records,
    _speed_class,
    boundaries_note,
    place_label,
)
from transit.maps.fonts import cjk_font_path
from transit.maps.surface import DEFAULT_EGRESS, RoadEgress, _check_extent, default_extent, isochrone_surface
from transit.scenarios import apply_scenarios, load_scenario
from transit.travel import travel_times as compute_travel_times

try:
    import contourpy
    import shapely
    from fontTools import subset
    from fontTools.ttLib import TTFont
    from matplotlib.colors import to_hex
    from shapely.geometry import Polygon, box
except ImportError as exc:  # pragma: no cover - exercised only without the extra
    raise MissingExtraError("maps", "HTML maps", exc.name or "contourpy") from exc

__all__ = ["MapLayer", "map_layer", "render_html_map", "write_html_map", "write_isochrone_html"]

#: Width of the map in SVG user units; the height follows from the extent's aspect.
_WIDTH_UNITS = 1000.0

#: Context drawn around the extent (degrees): outlines, stations and cities that panning reveals.
_CONTEXT_PAD_DEG = 3.0

#: Simplification of band polygons and boundaries for the HTML file (degrees, about 1 km).
_HTML_TOLERANCE_DEG = 0.01


@dataclass
class MapLayer:
    """One switchable layer of the HTML map: what a network shows from one origin.

    Attributes
    ----------
    label : str
        Shown in the layer switcher (a date, or a scenario's name).
    origin : str
        The origin's city id.
    origin_label : str
        The origin's name, English and Chinese (``"Wenzhou 温州"``).
    origin_lonlat : (float, float)
    date : str
        The network's date (ISO).
    description : str
        One line under the title (measure, modes, scenario).
    bands : list of dict
        ``label``, ``upper_minutes``, ``colour``, ``geometry`` (shapely, lon/lat), in band order.
    lines : list of dict
        ``line_id``, ``name``, ``name_zh``, ``design_kmh``, ``opened``, ``lonlat`` (n x 2), ``new``.
    stations : list of dict
        ``station_id``, ``name``, ``name_zh``, ``kind`` (rail/airport), ``lon``, ``lat``, ``minutes``,
        ``route`` (text, may be empty).
    cities : list of dict
        ``city_id``, ``name``, ``name_zh``, ``lon``, ``lat``, ``population``, ``minutes``, ``route``.
    """

    label: str
    origin: str
    origin_label: str
    origin_lonlat: tuple[float, float]
    date: str
    description: str
    bands: list[dict] = field(default_factory=list)
    lines: list[dict] = field(default_factory=list)
    stations: list[dict] = field(default_factory=list)
    cities: list[dict] = field(default_factory=list)


# --------------------------------------------------------------------------------- geometry
def _band_labels_zh(bands_hours) -> list[str]:
    out, prev = [], None
    for h in bands_hours:
        out.append(f"{h:g}小时以内" if prev is None else f"{prev:g}-{h:g}小时")
        prev = h
    return out


def band_polygons(lon, lat, minutes, bands_hours=(1, 2, 3, 5), *, land=None, tolerance_deg=_HTML_TOLERANCE_DEG):
    """Contour a travel-time surface into one (multi)polygon per band, clipped to ``land``.

    Parameters
    ----------
    lon, lat, minutes : 2-D arrays
        A surface from :func:`~transit.maps.surface.isochrone_surface` (``inf`` where unreachable).
    bands_hours : sequence of float
        Upper limits of the bands, increasing.
    land : shapely geometry, optional
        Keep only this area (the union of the province outlines).
    tolerance_deg : float
        Douglas-Peucker simplification of the result (0 keeps the contour's points).

    Returns
    -------
    list of shapely geometries
        Band k covers ``levels[k] <= minutes < levels[k + 1]`` (minutes 0 to the first limit for
        band 0); bands do not overlap. An empty geometry for a band nobody reaches.
    """
    levels = _band_levels(bands_hours)
    # values beyond the last band stay (contouring stops at the limit itself, not half a cell short)
    z = np.ma.masked_invalid(np.where(np.isfinite(minutes), minutes, np.nan))
    gen = contourpy.contour_generator(
        np.asarray(lon[0], dtype=float),
        np.asarray(lat[:, 0], dtype=float),
        z,
        fill_type=contourpy.FillType.OuterOffset,
    )
    out = []
    for lo, hi in zip(levels[:-1], levels[1:]):
        points, offsets = gen.filled(float(lo) if lo > 0 else -1.0, float(hi))
        polys = []
        for pts, offs in zip(points, offsets):
            rings = [pts[offs[i] : offs[i + 1]] for i in range(len(offs) - 1)]
            if rings and len(rings[0]) >= 4:
                polys.append(Polygon(rings[0], [r for r in rings[1:] if len(r) >= 4]))
        geom = shapely.make_valid(shapely.union_all(polys)) if polys else shapely.Polygon()
        if land is not None and not geom.is_empty:
            geom = shapely.intersection(geom, land)
        if tolerance_deg > 0 and not geom.is_empty:
            geom = shapely.simplify(geom, tolerance_deg, preserve_topology=True)
        out.append(geom)
    return out


def _land(extent):
    prov = province_boundaries(EAST_CHINA_PROVINCES)
    land = shapely.union_all(list(prov.geometry))
    return shapely.intersection(land, box(extent[0], extent[2], extent[1], extent[3]))


# ------------------------------------------------------------------------------------ layers
def _route_text(tt, origin: str, dest: str, line_names: dict[str, str]) -> str:
    try:
        route = tt.route(origin, dest)
    except (KeyError, ValueError):
        return ""
    names = []
    for via in route.lines:
        via = str(via)
        name = line_names.get(via)
        if name is None and "-" in via:  # a flight: "WNZ-PEK" or "<airport id>-<airport id>"
            a, _, b = via.partition("-")
            name = f"flight · 航班 {line_names.get(a, a)} → {line_names.get(b, b)}"
        if not names or names[-1] != name:
            names.append(name or via)
    return " → ".join(names)


def _finite_or_none(x) -> float | None:
    x = float(x)
    return round(x, 1) if math.isfinite(x) else None


def map_layer(
    network,
    origin: str,
    *,
    label: str | None = None,
    bands_hours: Sequence[float] = (1, 2, 3, 5),
    modes: Sequence[str] = ("rail", "air"),
    measure: str = "door",
    grid_km: float = 3.0,
    extent: Sequence[float] | None = None,
    egress: RoadEgress = DEFAULT_EGRESS,
    travel_times=None,
    label_language: str = "both",
    compare_to=None,
    method: str | None = None,
    routes: str = "auto",
    label_min_population: float = 3_000_000,
) -> MapLayer:
    """One layer of the HTML map: bands, lines, stations and cities of ``network`` from ``origin``.

    Parameters
    ----------
    network : transit.Network
        At the date (and with the scenarios) to show.
    origin : str
        City id or name.
    label : str, optional
        Name in the layer switcher; default the network's date.
    bands_hours, modes, measure, grid_km, extent, egress, travel_times :
        As for :func:`~transit.maps.surface.isochrone_surface` (``grid_km`` defaults to 3 here).
    label_language : {"both", "en", "zh"}
        How the origin is named in titles.
    compare_to : transit.Network, optional
        Mark the sections in service here but not in ``compare_to`` as new.
    method : str, optional
        The engine of :func:`transit.travel_times` (``"static"``, ``"timetable"``); default its own
        default. Ignored when ``travel_times`` is given.
    routes : {"auto", "all", "cities", "none"}
        Which tooltips carry the route (lines used): every station and city, the cities, or none.
        ``"auto"``: all with the static engine (a route costs microseconds), otherwise only the
        cities of at least ``label_min_population`` (a timetable journey costs about 0.2 s each).
    label_min_population : float
        See ``routes``.

    Returns
    -------
    MapLayer
    """
    if routes not in ("auto", "all", "cities", "none"):
        raise MapError(f"routes must be 'auto', 'all', 'cities' or 'none', got {routes!r}")
    city = network.city(origin)
    ext = default_extent(network, city.name) if extent is None else _check_extent(extent)
    tt = travel_times
    if tt is None:
        opts = {"method": method} if method is not None else {}
        tt = compute_travel_times(network, modes=tuple(modes), measure=measure, origins=[city.name], **opts)
    if routes == "auto":
        routes = "all" if str(getattr(tt, "method", "")) == "static" else "big-cities"
    lon, lat, minutes = isochrone_surface(
        network, city.name, modes=modes, measure=measure, grid_km=grid_km, extent=ext, egress=egress, travel_times=tt
    )
    geoms = band_polygons(lon, lat, minutes, bands_hours, land=_land(ext))
    colours = [to_hex(c) for c in _band_colours(len(geoms))]
    bands = [
        {"label": f"{en} · {zh}", "upper_minutes": float(h) * 60.0, "colour": c, "geometry": g}
        for en, zh, h, c, g in zip(_band_labels(bands_hours), _band_labels_zh(bands_hours), bands_hours, colours, geoms)
    ]

    lines_tab = network.lines.set_index("line_id") if "line_id" in network.lines.columns else network.lines
    line_names = {lid: place_label(r["name"], r.get("name_zh"), "both") for lid, r in lines_tab.iterrows()}
    for s in network.stations.itertuples():  # airports by id and IATA code, for flight legs
        if s.kind == "airport":
            airport = place_label(s.name, getattr(s, "name_zh", None))
            line_names.setdefault(str(s.station_id), airport)
            if isinstance(getattr(s, "iata", None), str) and s.iata:
                line_names.setdefault(s.iata, airport)
    key = ["line_id", "from_station_id", "to_station_id"]
    old = set(map(tuple, compare_to.sections[key].itertuples(index=False))) if compare_to is not None else None
    lines = []
    for r, lons, lats in _section_records(network):
        row = lines_tab.loc[r.line_id] if r.line_id in lines_tab.index else None
        lines.append(
            {
                "line_id": str(r.line_id),
                "name": "" if row is None else str(row["name"]),
                "name_zh": "" if row is None else str(row.get("name_zh") or ""),
                "design_kmh": float(r.design_kmh),
                "opened": str(getattr(r, "opened", "") or ""),
                "lonlat": np.column_stack([lons, lats]),
                "new": old is not None and (r.line_id, r.from_station_id, r.to_station_id) not in old,
            }
        )

    times = tt.from_origin(city.name)
    stations = []
    for s in network.stations.itertuples():
        t = times.get(s.station_id, np.inf)
        stations.append(
            {
                "station_id": str(s.station_id),
                "name": str(s.name),
                "name_zh": str(getattr(s, "name_zh", "") or ""),
                "kind": str(s.kind),
                "lon": float(s.lon),
                "lat": float(s.lat),
                "minutes": _finite_or_none(t),
                "route": _route_text(tt, city.name, s.station_id, line_names)
                if routes == "all" and np.isfinite(t)
                else "",
            }
        )
    cities = []
    for c in network.cities.itertuples():
        try:
            t = tt.get(city.name, c.city_id)
        except (KeyError, ValueError):
            t = np.inf
        cities.append(
            {
                "city_id": str(c.city_id),
                "name": str(c.name),
                "name_zh": str(getattr(c, "name_zh", "") or ""),
                "lon": float(c.lon),
                "lat": float(c.lat),
                "population": float(c.population or 0),
                "minutes": 0.0 if c.city_id == city.name else _finite_or_none(t),
                "route": _route_text(tt, city.name, c.city_id, line_names)
                if c.city_id != city.name
                and np.isfinite(t)
                and (
                    routes in ("all", "cities")
                    or (routes == "big-cities" and float(c.population or 0) >= label_min_population)
                )
                else "",
            }
        )
    scen = ", ".join(getattr(network, "scenarios", ()) or ())
    return MapLayer(
        label=label if label is not None else str(network.date),
        origin=str(city.name),
        origin_label=place_label(city["name"], city.get("name_zh"), label_language),
        origin_lonlat=(float(city["lon"]), float(city["lat"])),
        date=str(network.date),
        description=f"{_measure_text(measure)}, {_modes_text(modes)}; network as of {network.date}"
        + (f"; scenario {scen}" if scen else ""),
        bands=bands,
        lines=lines,
        stations=stations,
        cities=cities,
    )


# ------------------------------------------------------------------------------------ font
#: The CSS family of the embedded CJK subset, used through ``unicode-range`` for CJK characters only.
CJK_CSS_FAMILY = "TransitSC"


def _is_cjk(ch: str) -> bool:
    o = ord(ch)
    return 0x2E80 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF or 0xFF00 <= o <= 0xFFEF


def cjk_font_face(text: str) -> str:
    """A CSS ``@font-face`` embedding the glyphs of ``text``'s CJK characters (Noto Sans SC subset, WOFF).

    The subset keeps the font's name table (copyright and the SIL OFL 1.1 notice travel with it).
    The font is a ``data:`` URL, so the page fetches nothing; empty when ``text`` has no CJK.
    """
    chars = "".join(sorted({ch for ch in text if _is_cjk(ch)}))
    if not chars:
        return ""
    opts = subset.Options()
    opts.flavor = "woff"
    opts.name_IDs = ["*"]
    opts.name_languages = ["*"]
    opts.notdef_outline = True
    opts.hinting = False
    font = TTFont(str(cjk_font_path()))
    try:
        sub = subset.Subsetter(opts)
        sub.populate(text=chars)
        sub.subset(font)
        buf = io.BytesIO()
        font.flavor = "woff"
        font.save(buf)
    finally:
        font.close()
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return (
        f'@font-face{{font-family:"{CJK_CSS_FAMILY}";src:url(data:font/woff;base64,{data}) format("woff");'
        "unicode-range:U+2E80-9FFF,U+F900-FAFF,U+FF00-FFEF;font-display:block}"
    )


# ------------------------------------------------------------------------------------- SVG
class _Projection:
    """Equirectangular lon/lat -> SVG user units, with the aspect of the extent's mid-latitude."""

    def __init__(self, extent):
        self.lon_min, self.lon_max, self.lat_min, self.lat_max = extent
        self.kx = _WIDTH_UNITS / (self.lon_max - self.lon_min)
        self.ky = self.kx / math.cos(math.radians((self.lat_min + self.lat_max) / 2))
        self.width = _WIDTH_UNITS
        self.height = (self.lat_max - self.lat_min) * self.ky

    def inside(self, lon: float, lat: float, pad_deg: float = _CONTEXT_PAD_DEG) -> bool:
        """Whether a point is within the extent padded by ``pad_deg`` (the context drawn around it)."""
        return (
            self.lon_min - pad_deg <= lon <= self.lon_max + pad_deg
            and self.lat_min - pad_deg <= lat <= self.lat_max + pad_deg
        )

    def xy(self, lon, lat):
        return (np.asarray(lon, dtype=float) - self.lon_min) * self.kx, (
            self.lat_max - np.asarray(lat, dtype=float)
        ) * self.ky

    def path(self, coords, closed: bool) -> str:
        c = np.asarray(coords, dtype=float)
        if len(c) < 2:
            return ""
        x, y = self.xy(c[:, 0], c[:, 1])
        pts = " ".join(f"{a:.1f} {b:.1f}" for a, b in zip(x, y))
        return "M" + pts + ("Z" if closed else "")

    def geometry_path(self, geom) -> str:
        parts = []
        for poly in shapely.get_parts(geom):
            if poly.geom_type != "Polygon" or poly.is_empty:
                continue
            parts.append(self.path(poly.exterior.coords, True))
            parts.extend(self.path(r.coords, True) for r in poly.interiors)
        return "".join(p for p in parts if p)

    def outline_path(self, geom) -> str:
        rings = shapely.get_parts(shapely.boundary(geom))
        return "".join(self.path(shapely.get_coordinates(r), False) for r in rings)


def _attr(value) -> str:
    return html.escape(str(value), quote=True)


def _minutes_text(m) -> str:
    if m is None:
        return "not reached"
    h, mm = divmod(int(round(m)), 60)
    return f"{m:.0f} min" + (f" ({h} h {mm:02d})" if h else "")


def _tip(*lines: str) -> str:
    return _attr("\n".join(x for x in lines if x))


def _layer_svg(k: int, o: int, s: int, layer: MapLayer, proj: _Projection, label_min_population: float) -> str:
    out = [f'<g class="layer" data-key="{k}" data-o="{o}" data-s="{s}">']
    out.append('<g class="bands">')
    for b in layer.bands:
        d = proj.geometry_path(b["geometry"])
        if d:
            tip = _tip(f"{layer.origin_label} → {b['label']}", layer.label)
            out.append(f'<path class="band" fill="{b["colour"]}" data-tip="{tip}" d="{d}"/>')
    out.append("</g>")
    out.append('<g class="lines">')
    for ln in sorted(layer.lines, key=lambda r: r["design_kmh"]):
        d = proj.path(ln["lonlat"], False)
        if not d:
            continue
        cls = _speed_class(ln["design_kmh"])
        name = place_label(ln["name"], ln["name_zh"]) or ln["line_id"]
        tip = _tip(
            name,
            f"design speed {ln['design_kmh']:g} km/h · 设计时速{ln['design_kmh']:g}公里",
            f"opened {ln['opened']}" if ln["opened"] and ln["opened"] != "nan" else "",
            "new in this layer · 新线" if ln["new"] else "",
        )
        if ln["new"]:
            out.append(f'<path class="newline" d="{d}"/>')
        out.append(f'<path class="line c{cls}" stroke="{SPEED_CLASSES[cls][2]}" data-tip="{tip}" d="{d}"/>')
    out.append("</g>")
    out.append('<g class="stations">')
    for st in layer.stations:
        if not proj.inside(st["lon"], st["lat"]):
            continue
        x, y = proj.xy(st["lon"], st["lat"])
        kind = "airport" if st["kind"] == "airport" else "station"
        tip = _tip(
            place_label(st["name"], st["name_zh"]),
            ("airport · 机场" if kind == "airport" else "rail station · 火车站"),
            f"from {layer.origin_label}: {_minutes_text(st['minutes'])}",
            f"route: {st['route']}" if st["route"] else "",
        )
        if kind == "airport":
            out.append(
                f'<path class="airport" data-tip="{tip}" d="M{x:.1f} {y - 5:.1f}l4.5 8h-9z" '
                f'data-x="{x:.1f}" data-y="{y:.1f}"/>'
            )
        else:
            out.append(f'<circle class="station" data-tip="{tip}" cx="{x:.1f}" cy="{y:.1f}"/>')
    out.append("</g>")
    out.append(_cities_svg(layer, proj, label_min_population))
    ox, oy = proj.xy(*layer.origin_lonlat)
    star = _star_path(float(ox), float(oy), 9.0)
    out.append(f'<path class="origin" data-tip="{_tip(layer.origin_label, "origin · 出发地")}" d="{star}"/>')
    out.append("</g>")
    return "\n".join(out)


def _star_path(x: float, y: float, r: float) -> str:
    pts = []
    for i in range(10):
        a = math.pi / 2 + i * math.pi / 5
        rr = r if i % 2 == 0 else r * 0.42
        pts.append(f"{x + rr * math.cos(a):.1f} {y - rr * math.sin(a):.1f}")
    return "M" + " ".join(pts) + "Z"


def _cities_svg(layer: MapLayer, proj: _Projection, label_min_population: float) -> str:
    """City dots with tooltips; labels for the largest cities, the overlapping ones shown only zoomed in."""
    out = ['<g class="cities">']
    inside = [c for c in layer.cities if proj.inside(c["lon"], c["lat"])]
    inside.sort(key=lambda c: (c["city_id"] != layer.origin, -c["population"], c["city_id"]))
    placed: list[tuple[float, float, float, float]] = []
    for c in inside:
        x, y = (float(v) for v in proj.xy(c["lon"], c["lat"]))
        text = place_label(c["name"], c["name_zh"])
        tip = _tip(
            text,
            f"{c['population'] / 1e6:.1f} million people · {c['population'] / 1e4:.0f}万人" if c["population"] else "",
            f"from {layer.origin_label}: {_minutes_text(c['minutes'])}" if c["city_id"] != layer.origin else "origin",
            f"route: {c['route']}" if c["route"] else "",
        )
        labelled = c["city_id"] == layer.origin or c["population"] >= label_min_population
        out.append(f'<g class="city" data-tip="{tip}"><rect x="{x - 2.5:.1f}" y="{y - 2.5:.1f}" width="5" height="5"/>')
        if labelled:
            # label box at the initial zoom (about 1 unit per pixel): Latin ~0.6 em, Han 1 em, 11 px
            w = 11 * sum(1.0 if ord(ch) > 0x2E80 else 0.6 for ch in text) + 4
            bb = (x + 4, y - 13, x + 4 + w, y + 1)
            free = all(bb[2] < p[0] or bb[0] > p[2] or bb[3] < p[1] or bb[1] > p[3] for p in placed)
            cls = "lab" + ("" if free else " minor") + (" olab" if c["city_id"] == layer.origin else "")
            if free:
                placed.append(bb)
            out.append(f'<text class="{cls}" x="{x + 4:.1f}" y="{y - 3:.1f}">{html.escape(text)}</text>')
        out.append("</g>")
    out.append("</g>")
    return "\n".join(out)


def _boundaries_svg(proj: _Projection) -> str:
    # outlines beyond the computed extent too, so that panning shows the surroundings
    pad = _CONTEXT_PAD_DEG
    frame = box(proj.lon_min - pad, proj.lat_min - pad, proj.lon_max + pad, proj.lat_max + pad)
    prov = province_boundaries(EAST_CHINA_PROVINCES, tolerance_deg=_HTML_TOLERANCE_DEG)
    pref = prefecture_boundaries(PREFECTURE_PROVINCES, tolerance_deg=_HTML_TOLERANCE_DEG)
    out = ['<g class="boundaries">']
    for cls, df in (("land", prov), ("pref", pref), ("prov", prov)):
        for r in df.itertuples():
            g = shapely.intersection(r.geometry, frame)
            if g.is_empty:
                continue
            name = place_label(r.name, r.name_zh)
            if cls == "land":
                out.append(f'<path class="land" d="{proj.geometry_path(g)}"/>')
            else:
                out.append(f'<path class="{cls}" data-name="{_attr(name)}" d="{proj.outline_path(g)}"/>')
    out.append("</g>")
    return "\n".join(out)


def _legend_html(layers: list[MapLayer]) -> str:
    rows = ['<div id="legend"><h2>Travel time · 出行时间</h2>']
    for b in layers[0].bands:
        rows.append(f'<div class="lg band-key"><i style="background:{b["colour"]}"></i>{html.escape(b["label"])}</div>')
    rows.append("<h2>Rail by design speed · 铁路设计时速</h2>")
    for label, _, colour, _ in SPEED_CLASSES:
        rows.append(
            f'<div class="lg line-key"><i class="ln" style="background:{colour}"></i>{html.escape(label)}</div>'
        )
    if any(ln["new"] for layer in layers for ln in layer.lines):
        rows.append('<div class="lg"><i class="ln newkey"></i>new since comparison · 新线</div>')
    rows.append('<div class="lg"><i class="dot"></i>rail station · 火车站</div>')
    rows.append('<div class="lg"><i class="tri"></i>airport · 机场</div>')
    rows.append('<div class="lg"><i class="sq"></i>city · 城市</div>')
    rows.append('<div class="lg"><i class="star">★</i>origin · 出发地</div>')
    rows.append("</div>")
    return "\n".join(rows)


def _switcher_html(origins: list[str], labels: list[str]) -> str:
    out = ['<div id="switcher">']
    if len(origins) > 1:
        out.append("<h2>Origin · 出发地</h2>")
        for i, o in enumerate(origins):
            checked = " checked" if i == 0 else ""
            out.append(f'<label><input type="radio" name="origin" value="{i}"{checked}> {html.escape(o)}</label>')
    out.append("<h2>Layer · 图层</h2>")
    for i, lab in enumerate(labels):
        checked = " checked" if i == 0 else ""
        out.append(f'<label><input type="radio" name="scen" value="{i}"{checked}> {html.escape(lab)}</label>')
    out.append("<h2>Show · 显示</h2>")
    for key, text in (
        ("bands", "bands · 等时圈"),
        ("boundaries", "boundaries · 边界"),
        ("lines", "rail lines · 铁路"),
        ("stations", "stations · 车站"),
        ("airports", "airports · 机场"),
        ("cities", "cities · 城市"),
    ):
        out.append(f'<label><input type="checkbox" class="toggle" value="{key}" checked> {text}</label>')
    out.append("</div>")
    return "\n".join(out)


def render_html_map(
    layers: Sequence[MapLayer],
    *,
    title: str | None = None,
    extent: Sequence[float] | None = None,
    label_min_population: float = 3_000_000,
    note: str = "",
) -> str:
    """The text of the self-contained HTML map of ``layers`` (see :func:`write_html_map`)."""
    layers = list(layers)
    if not layers:
        raise MapError("an HTML map needs at least one layer (see transit.maps.html.map_layer)")
    if extent is None:
        pts = np.array([[c["lon"], c["lat"]] for layer in layers for c in layer.cities if c["minutes"] is not None])
        if pts.size == 0:
            raise MapError("no city is reached in any layer; give extent=")
        extent = (pts[:, 0].min() - 0.6, pts[:, 0].max() + 0.6, pts[:, 1].min() - 0.6, pts[:, 1].max() + 0.6)
    ext = _check_extent(extent)
    proj = _Projection(ext)
    origins = list(dict.fromkeys(layer.origin_label for layer in layers))
    labels = list(dict.fromkeys(layer.label for layer in layers))
    body = []
    for k, layer in enumerate(layers):
        body.append(
            _layer_svg(
                k, origins.index(layer.origin_label), labels.index(layer.label), layer, proj, label_min_population
            )
        )
    title = title or (
        f"{layers[0].origin_label}: travel time · 出行时间" if len(origins) == 1 else "Travel time · 出行时间"
    )
    descriptions = {f"{origins.index(la.origin_label)}-{labels.index(la.label)}": la.description for la in layers}
    note_text = " ".join(x for x in (note, boundaries_note()) if x)
    svg = (
        f'<svg id="map" viewBox="0 0 {proj.width:.1f} {proj.height:.1f}" preserveAspectRatio="xMidYMid meet" '
        f'role="img" aria-label="{_attr(title)}" data-extent="{_attr(json.dumps(list(ext)))}">'
        '<rect class="sea" x="-5000" y="-5000" width="11000" height="11000"/>'
        + _boundaries_svg(proj)
        + f'<rect class="extent" x="0" y="0" width="{proj.width:.1f}" height="{proj.height:.1f}"/>'
        + "\n".join(body)
        + "</svg>"
    )
    page = (
        _TEMPLATE.replace("%TITLE%", html.escape(title))
        .replace("%STYLE%", _CSS)
        .replace("%SWITCHER%", _switcher_html(origins, labels))
        .replace("%LEGEND%", _legend_html(layers))
        .replace("%SVG%", svg)
        .replace("%NOTE%", html.escape(note_text))
        .replace("%DESCRIPTIONS%", html.escape(json.dumps(descriptions, ensure_ascii=False), quote=True))
        .replace("%SCRIPT%", _JS)
    )
    return page.replace("%FONTFACE%", cjk_font_face(page), 1)


def write_html_map(
    path: str | os.PathLike,
    layers: Sequence[MapLayer],
    *,
    title: str | None = None,
    extent: Sequence[float] | None = None,
    label_min_population: float = 3_000_000,
    note: str = "",
    overwrite: bool = False,
) -> Path:
    """Write the self-contained HTML map of ``layers`` (atomically; refuses to overwrite unless told).

    Parameters
    ----------
    path : str or PathLike
        The ``.html`` (or ``.htm``) file to write.
    layers : sequence of MapLayer
        From :func:`map_layer`; the first is shown when the file opens. Layers with the same
        ``origin_label`` share an origin button, those with the same ``label`` a layer button.
    title : str, optional
        Page title; default names the origin.
    extent : (lon_min, lon_max, lat_min, lat_max), optional
        Default: the cities reached, padded by 0.6 degrees.
    label_min_population : float
        Cities at least this populous get a label (the origin always); all get a dot and a tooltip.
    note : str
        Extra text for the source note at the bottom.
    overwrite : bool
        Replace an existing file.

    Returns
    -------
    pathlib.Path

    Raises
    ------
    MapError
        For a suffix other than .html/.htm, or no layers.
    FileExistsError
        When ``path`` exists and ``overwrite`` is False.
    """
    path = Path(path)
    if path.suffix.lower() not in (".html", ".htm"):
        raise MapError(f"cannot write an HTML map to {path}: use a .html file name")
    text = render_html_map(layers, title=title, extent=extent, label_min_population=label_min_population, note=note)
    with atomic_path(path, overwrite=overwrite, mkdir=True, hint="pass overwrite=True (command line: --force)") as tmp:
        tmp.write_text(text, encoding="utf-8")
    return path


def write_isochrone_html(
    path: str | os.PathLike,
    network,
    origins: str | Sequence[str],
    *,
    years: Sequence[int | str] = (),
    scenarios: Sequence[object] = (),
    include_base: bool = True,
    bands_hours: Sequence[float] = (1, 2, 3, 5),
    modes: Sequence[str] = ("rail", "air"),
    measure: str = "door",
    grid_km: float = 3.0,
    extent: Sequence[float] | None = None,
    egress: RoadEgress = DEFAULT_EGRESS,
    method: str | None = None,
    routes: str = "auto",
    title: str | None = None,
    label_min_population: float = 3_000_000,
    overwrite: bool = False,
) -> Path:
    """Isochrone HTML map of a network from one or more origins, one layer per year and scenario.

    Parameters
    ----------
    path : str or PathLike
        The ``.html`` file.
    network : transit.Network
        The base network (at its own date, e.g. ``transit.load_network()``).
    origins : str or sequence of str
        City ids or names.
    years : sequence of int or str
        A layer for each: ``network.as_of(year)`` (a year means 31 December).
    scenarios : sequence of str, Path or Scenario
        A layer for each: the scenario (name, file or object) applied to the base network.
    include_base : bool
        A layer for the base network itself (default True; at least one layer is needed).
    bands_hours, modes, measure, grid_km, egress, method, routes :
        As for :func:`map_layer`.
    extent : optional
        Default: :func:`~transit.maps.surface.default_extent` around all origins.
    title, label_min_population, overwrite :
        As for :func:`write_html_map`.

    Returns
    -------
    pathlib.Path

    Examples
    --------
    >>> net = transit.load_network()  # doctest: +SKIP
    >>> write_isochrone_html("wenzhou.html", net, "wenzhou", years=[2030],
    ...                      scenarios=["wenzhou-fuzhou-hsr"])  # doctest: +SKIP
    """
    origins = [origins] if isinstance(origins, str) else list(origins)
    if not origins:
        raise MapError("write_isochrone_html needs at least one origin")
    path = Path(path)
    if path.suffix.lower() not in (".html", ".htm"):
        raise MapError(f"cannot write an HTML map to {path}: use a .html file name")
    if path.exists() and not overwrite:
        raise FileExistsError(f"{path} exists; pass overwrite=True (command line: --force) to replace it")
    nets: list[tuple[str, object]] = []
    if include_base:
        nets.append((str(network.date), network))
    for y in years:
        n = network.as_of(y)
        nets.append((str(n.date), n))
    for s in scenarios:
        sc = load_scenario(s) if isinstance(s, (str, os.PathLike)) else s
        n, _ = apply_scenarios(network, sc)
        name = place_label(getattr(sc, "name", "") or str(s), getattr(sc, "name_zh", "") or None)
        nets.append((f"{name} ({network.date})", n))
    if not nets:
        raise MapError("no layer: give years=, scenarios= or include_base=True")
    cids = [network.city(o).name for o in origins]
    ext = default_extent(network, cids[0], include_cities=cids[1:]) if extent is None else _check_extent(extent)
    base = nets[0][1]
    layers = []
    for cid in cids:
        for lab, n in nets:
            layers.append(
                map_layer(
                    n,
                    cid,
                    label=lab,
                    bands_hours=bands_hours,
                    modes=modes,
                    measure=measure,
                    grid_km=grid_km,
                    extent=ext,
                    egress=egress,
                    compare_to=base if n is not base else None,
                    method=method,
                    routes=routes,
                    label_min_population=label_min_population,
                )
            )
    return write_html_map(
        path,
        layers,
        title=title,
        extent=ext,
        label_min_population=label_min_population,
        note=egress.describe() + " (estimate).",
        overwrite=overwrite,
    )


# ------------------------------------------------------------------------------- the page
_TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="transit (yrd-transit) maps.html">
<title>%TITLE%</title>
<style>%STYLE%</style>
</head>
<body>
<header><h1>%TITLE%</h1><p id="desc"></p></header>
<main>
<div id="wrap">%SVG%
<div id="zoom"><button type="button" id="zin" title="zoom in">+</button><button type="button" id="zout" title="zoom out">−</button><button type="button" id="zreset" title="whole map">⌂</button></div>
<div id="tip" hidden></div>
</div>
<aside>%SWITCHER%
%LEGEND%
<div id="details"><h2>Details · 详情</h2><p id="detail-text">Hover or click a band, line, station or city.</p></div>
</aside>
</main>
<footer id="note">%NOTE%</footer>
<div id="descriptions" hidden data-json="%DESCRIPTIONS%"></div>
<script>%SCRIPT%</script>
</body>
</html>
"""

_CSS = """%FONTFACE%
*{box-sizing:border-box}
body{margin:0;font:13px/1.35 "TransitSC","DejaVu Sans","Segoe UI",Arial,sans-serif;color:#222;background:#fafafa;display:flex;flex-direction:column;height:100vh}
header{padding:6px 12px 2px}h1{font-size:17px;margin:0}#desc{margin:2px 0;color:#555}
main{flex:1;display:flex;min-height:0}
#wrap{position:relative;flex:1;min-width:0;border-top:1px solid #ddd}
#map{width:100%;height:100%;display:block;cursor:grab;touch-action:none;--u:1}
#map.dragging{cursor:grabbing}
aside{width:250px;overflow:auto;padding:6px 10px;border-left:1px solid #ddd;background:#fff}
aside h2{font-size:12px;margin:10px 0 4px;text-transform:none;color:#333}
aside label{display:block;cursor:pointer}
.lg{display:flex;align-items:center;gap:6px;margin:2px 0}
.lg i{display:inline-block;width:18px;height:11px;flex:none}.band-key i{opacity:.62}
.lg i.ln{height:3px}.lg i.newkey{height:7px;background:#00c3ff;opacity:.75}
.lg i.dot{width:8px;height:8px;border-radius:50%;border:1px solid #222;background:#fff;margin:0 5px}
.lg i.tri{width:0;height:0;border-left:5px solid transparent;border-right:5px solid transparent;border-bottom:9px solid #1f4e79;margin:0 4px}
.lg i.sq{width:7px;height:7px;background:#111;margin:0 5px}
.lg i.star{color:#ffd700;-webkit-text-stroke:1px #000;font-style:normal;font-size:15px;line-height:11px;text-align:center}
footer{font-size:10.5px;color:#555;padding:3px 12px;border-top:1px solid #ddd}
#zoom{position:absolute;left:8px;top:8px;display:flex;flex-direction:column;gap:2px}
#zoom button{width:28px;height:28px;font-size:16px;border:1px solid #999;background:#fff;border-radius:3px;cursor:pointer}
#tip{position:absolute;pointer-events:none;background:rgba(255,255,255,.96);border:1px solid #888;border-radius:3px;padding:4px 6px;white-space:pre-line;font-size:12px;max-width:340px;box-shadow:0 1px 4px rgba(0,0,0,.25)}
#detail-text{white-space:pre-line;margin:0}
.sea{fill:#eef3f7}
.extent{fill:none;stroke:#7a8a99;stroke-width:1px;stroke-dasharray:4 3;vector-effect:non-scaling-stroke}
.land{fill:#fbfbf8;stroke:none}
.pref{fill:none;stroke:#9a9a9a;stroke-width:.5px;vector-effect:non-scaling-stroke}
.prov{fill:none;stroke:#3c3c3c;stroke-width:1.2px;vector-effect:non-scaling-stroke}
.band{fill-opacity:.62;fill-rule:evenodd;stroke:#fff;stroke-width:.5px;vector-effect:non-scaling-stroke}
.band:hover{fill-opacity:.8}
.line{fill:none;stroke-width:2px;stroke-linecap:round;stroke-linejoin:round;vector-effect:non-scaling-stroke;paint-order:stroke}
.line.c0{stroke-width:2.6px}.line.c1{stroke-width:2.2px}.line.c3{stroke-width:1.4px}
.line:hover{stroke-width:5px}
.newline{fill:none;stroke:#00c3ff;stroke-opacity:.75;stroke-width:8px;stroke-linecap:round;vector-effect:non-scaling-stroke}
.station{r:calc(var(--u) * 2.6px);fill:#fff;stroke:#222;stroke-width:.8px;vector-effect:non-scaling-stroke}
.station:hover{fill:#ffd700}
.airport{fill:#1f4e79;stroke:#fff;stroke-width:.6px;vector-effect:non-scaling-stroke}
.city rect{fill:#111}
.lab{font-size:calc(var(--u) * 11px);fill:#111;stroke:#fff;stroke-width:calc(var(--u) * 3px);paint-order:stroke;stroke-linejoin:round;pointer-events:none}
.olab{font-size:calc(var(--u) * 14px)}
.lab.minor{display:none}#map.z2 .lab.minor{display:inline}
.origin{fill:#ffd700;stroke:#000;stroke-width:1px;vector-effect:non-scaling-stroke}
#map.hide-bands .bands,#map.hide-boundaries .pref,#map.hide-boundaries .prov,#map.hide-lines .lines,
#map.hide-stations .station,#map.hide-airports .airport,#map.hide-cities .cities{display:none}
"""

_JS = r"""
(function () {
  "use strict";
  var svg = document.getElementById("map");
  var tip = document.getElementById("tip");
  var detail = document.getElementById("detail-text");
  var desc = document.getElementById("desc");
  var descriptions = JSON.parse(document.getElementById("descriptions").getAttribute("data-json"));
  var vb = svg.viewBox.baseVal;
  var base = {x: vb.x, y: vb.y, w: vb.width, h: vb.height};
  var view = {x: base.x, y: base.y, w: base.w, h: base.h};
  var layers = Array.prototype.slice.call(svg.querySelectorAll("g.layer"));

  function unitsPerPixel() {
    var r = svg.getBoundingClientRect();
    if (!r.width || !r.height) { return 1; }
    return Math.max(view.w / r.width, view.h / r.height);
  }
  function apply() {
    svg.setAttribute("viewBox", view.x + " " + view.y + " " + view.w + " " + view.h);
    svg.style.setProperty("--u", unitsPerPixel());
    svg.classList.toggle("z2", base.w / view.w >= 1.9);
    document.body.setAttribute("data-zoom", (base.w / view.w).toFixed(2));
  }
  function zoomAt(f, cx, cy) {
    var w = Math.min(base.w * 2, Math.max(base.w / 40, view.w / f));
    var k = w / view.w;
    view = {x: cx - (cx - view.x) * k, y: cy - (cy - view.y) * k, w: w, h: view.h * k};
    apply();
  }
  function toUser(e) {
    var p = svg.createSVGPoint();
    p.x = e.clientX; p.y = e.clientY;
    return p.matrixTransform(svg.getScreenCTM().inverse());
  }
  function centre() { return {x: view.x + view.w / 2, y: view.y + view.h / 2}; }
  svg.addEventListener("wheel", function (e) {
    e.preventDefault();
    var p = toUser(e);
    zoomAt(e.deltaY < 0 ? 1.25 : 0.8, p.x, p.y);
  }, {passive: false});
  document.getElementById("zin").addEventListener("click", function () { var c = centre(); zoomAt(1.5, c.x, c.y); });
  document.getElementById("zout").addEventListener("click", function () { var c = centre(); zoomAt(1 / 1.5, c.x, c.y); });
  document.getElementById("zreset").addEventListener("click", function () {
    view = {x: base.x, y: base.y, w: base.w, h: base.h}; apply();
  });

  var drag = null, dragged = false;
  svg.addEventListener("pointerdown", function (e) {
    drag = {x: e.clientX, y: e.clientY, vx: view.x, vy: view.y, u: unitsPerPixel(), id: e.pointerId};
    dragged = false;
  });
  window.addEventListener("pointermove", function (e) {
    if (!drag) { return; }
    var dx = e.clientX - drag.x, dy = e.clientY - drag.y;
    if (!dragged && Math.abs(dx) + Math.abs(dy) > 4) {
      dragged = true; svg.classList.add("dragging"); tip.hidden = true;
    }
    if (dragged) { view.x = drag.vx - dx * drag.u; view.y = drag.vy - dy * drag.u; apply(); }
  });
  window.addEventListener("pointerup", function () { drag = null; svg.classList.remove("dragging"); });

  function target(el) {
    while (el && el !== svg) {
      if (el.getAttribute && el.getAttribute("data-tip")) { return el; }
      el = el.parentNode;
    }
    return null;
  }
  var pinned = null;
  function showTip(el, e) {
    if (!el) { tip.hidden = true; return; }
    tip.textContent = el.getAttribute("data-tip");
    tip.hidden = false;
    var box = svg.parentNode.getBoundingClientRect();
    var x = e.clientX - box.left + 14, y = e.clientY - box.top + 14;
    if (x + tip.offsetWidth > box.width) { x = e.clientX - box.left - tip.offsetWidth - 10; }
    if (y + tip.offsetHeight > box.height) { y = e.clientY - box.top - tip.offsetHeight - 10; }
    tip.style.left = Math.max(0, x) + "px"; tip.style.top = Math.max(0, y) + "px";
  }
  svg.addEventListener("mousemove", function (e) {
    if (dragged || pinned) { return; }
    var el = target(e.target);
    showTip(el, e);
    if (el) { detail.textContent = el.getAttribute("data-tip"); }
  });
  svg.addEventListener("mouseleave", function () { if (!pinned) { tip.hidden = true; } });
  svg.addEventListener("click", function (e) {
    if (dragged) { return; }
    var el = target(e.target);
    pinned = (el && el !== pinned) ? el : null;
    showTip(pinned, e);
    detail.textContent = el ? el.getAttribute("data-tip") : "Hover or click a band, line, station or city.";
  });

  function checkedValue(name) {
    var el = document.querySelector("input[name=" + name + "]:checked");
    return el ? el.value : "0";
  }
  function choose() {
    var o = checkedValue("origin"), s = checkedValue("scen"), shown = 0;
    layers.forEach(function (g) {
      var on = g.getAttribute("data-o") === o && g.getAttribute("data-s") === s;
      g.style.display = on ? "" : "none";
      g.classList.toggle("active", on);
      if (on) { shown += 1; }
    });
    desc.textContent = descriptions[o + "-" + s] || "(no layer for this origin and choice)";
    document.body.setAttribute("data-active-layers", String(shown));
    document.body.setAttribute("data-origin", o);
    document.body.setAttribute("data-layer", s);
    pinned = null; tip.hidden = true;
  }
  Array.prototype.forEach.call(document.querySelectorAll("input[name=origin], input[name=scen]"), function (el) {
    el.addEventListener("change", choose);
  });
  Array.prototype.forEach.call(document.querySelectorAll("input.toggle"), function (el) {
    el.addEventListener("change", function () { svg.classList.toggle("hide-" + el.value, !el.checked); });
  });
  window.addEventListener("resize", apply);
  // a link can name the layer shown first: file.html#o=1&s=2 (origin and layer buttons, from 0)
  location.hash.replace(/^#/, "").split("&").forEach(function (kv) {
    var p = kv.split("="), name = {o: "origin", s: "scen"}[p[0]];
    var el = name && document.querySelector("input[name=" + name + "][value='" + p[1] + "']");
    if (el) { el.checked = true; }
  });
  choose();
  apply();
  document.body.setAttribute("data-ready", "1");
  if (document.fonts && document.fonts.ready) {
    document.fonts.load("12px TransitSC", "温州").then(function () {
      document.body.setAttribute("data-cjk-font", document.fonts.check("12px TransitSC", "温州") ? "1" : "0");
    });
  }
})();
"""
