"""The network and its travel times as GeoDataFrames (EPSG:4326), for GIS: layers, times, isochrone bands.

* :func:`cities_frame`, :func:`stations_frame`, :func:`sections_frame` and :func:`network_layers`:
  the network on its date as point and line layers;
* :func:`travel_time_frame`: a destination layer (cities or stations) with the minutes from an origin;
* :func:`isochrone_bands`: a travel-time surface (:func:`transit.maps.isochrone_surface`, a numpy grid)
  as polygon bands, one row per band, contoured with ``contourpy`` (matplotlib's contour generator).

Write any of them with :func:`transit.export.write_table` (GeoJSON, GeoPackage, CSV with WKT, Excel).
Needs the ``[geo]`` extra (geopandas) and ``[maps]`` (matplotlib's contourpy): ``pip install 'yrd-transit[maps,geo]'``.

Examples
--------
>>> import transit
>>> from transit import geodata
>>> layers = geodata.network_layers(transit.load_network())  # doctest: +SKIP
>>> layers["sections"].crs.to_epsg()  # doctest: +SKIP
4326
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from transit.errors import MapError, MissingExtraError
from transit.maps.surface import DEFAULT_EGRESS, RoadEgress, isochrone_surface
from transit.travel import travel_times as compute_travel_times

try:
    import contourpy  # matplotlib's contour generator: the [maps] extra
except ImportError as exc:  # pragma: no cover - exercised only without the extra
    raise MissingExtraError("maps", "isochrone bands", exc.name or "contourpy") from exc
try:
    import geopandas as gpd
    import shapely
    from shapely.geometry import LineString, MultiPolygon, Polygon
except ImportError as exc:  # pragma: no cover - exercised only without the extra
    raise MissingExtraError("geo", "geodata layers", exc.name or "geopandas") from exc

__all__ = [
    "CRS",
    "cities_frame",
    "stations_frame",
    "sections_frame",
    "network_layers",
    "travel_time_frame",
    "bands_from_surface",
    "isochrone_bands",
]

#: Every layer is in longitude/latitude on WGS-84.
CRS = "EPSG:4326"

_CITY_COLUMNS = ("city_id", "name", "name_zh", "province", "population", "population_year", "lat", "lon")
_STATION_COLUMNS = ("station_id", "name", "name_zh", "city_id", "kind", "iata", "opened", "lat", "lon")


def _text(value: object) -> object:
    """Dates and other objects as ISO text (every writer takes text); missing values as None."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, tuple):
        return ";".join(str(v) for v in value)
    return value


def _points(frame: pd.DataFrame, columns: Sequence[str]) -> gpd.GeoDataFrame:
    keep = [c for c in columns if c in frame.columns]
    out = frame[keep].reset_index(drop=True).copy()
    for col in out.columns:
        if out[col].dtype == object:
            out[col] = out[col].map(_text)
    geometry = gpd.points_from_xy(out["lon"].astype(float), out["lat"].astype(float), crs=CRS)
    return gpd.GeoDataFrame(out, geometry=geometry, crs=CRS)


def cities_frame(network) -> gpd.GeoDataFrame:
    """The cities as points at their centres.

    Parameters
    ----------
    network : transit.Network

    Returns
    -------
    geopandas.GeoDataFrame
        ``city_id, name, name_zh, province, population, population_year, lat, lon, main_stations``
        (``;``-separated ids), point geometry, CRS EPSG:4326; sorted by ``city_id``.
    """
    cities = network.cities.sort_values("city_id", kind="stable")
    return _points(cities, (*_CITY_COLUMNS, "main_stations"))


def stations_frame(network) -> gpd.GeoDataFrame:
    """The rail stations and airports in service on the network's date, as points.

    Returns
    -------
    geopandas.GeoDataFrame
        ``station_id, name, name_zh, city_id, kind`` (``rail`` or ``airport``), ``iata`` (airports),
        ``opened`` (ISO date or None), ``lat, lon``, ``former_names_zh`` where the network has it;
        point geometry, CRS EPSG:4326; sorted by ``station_id``.
    """
    stations = network.stations.sort_values("station_id", kind="stable")
    return _points(stations, (*_STATION_COLUMNS, "former_names_zh"))


def sections_frame(network) -> gpd.GeoDataFrame:
    """The line sections in service on the network's date, each a LineString through its stations in order.

    A section runs from ``from_station_id`` to ``to_station_id`` of its line; its line passes through
    every station of the line between them (``line_stations.csv``, by ``seq``), in that order.

    Returns
    -------
    geopandas.GeoDataFrame
        ``line_id, line_name, line_name_zh, category, from_station_id, to_station_id, n_stations,
        design_kmh, status, opened`` (ISO date or None), ``expected_year``, ``length_km`` (along the
        stations, great circle); LineString geometry, CRS EPSG:4326.
    """
    tables = network.tables
    stations = tables["stations"].set_index("station_id")
    line_stations = tables["line_stations"].sort_values(["line_id", "seq"], kind="stable")
    by_line = {lid: list(g["station_id"]) for lid, g in line_stations.groupby("line_id", sort=False)}
    lines = tables["lines"].set_index("line_id")
    rows, geoms = [], []
    for r in network.sections.itertuples(index=False):
        order = by_line.get(r.line_id, [])
        if r.from_station_id not in order or r.to_station_id not in order:
            continue
        a, b = order.index(r.from_station_id), order.index(r.to_station_id)
        ids = order[a : b + 1] if a <= b else order[b : a + 1][::-1]
        ids = [s for s in ids if s in stations.index]
        if len(ids) < 2:
            continue
        lon = stations.loc[ids, "lon"].to_numpy(dtype=float)
        lat = stations.loc[ids, "lat"].to_numpy(dtype=float)
        line = lines.loc[r.line_id] if r.line_id in lines.index else None
        rows.append(
            {
                "line_id": r.line_id,
                "line_name": None if line is None else line["name"],
                "line_name_zh": None if line is None else _text(line.get("name_zh")),
                "category": None if line is None else _text(line.get("category")),
                "from_station_id": r.from_station_id,
                "to_station_id": r.to_station_id,
                "n_stations": len(ids),
                "design_kmh": float(r.design_kmh),
                "status": r.status,
                "opened": _text(r.opened),
                "expected_year": None if pd.isna(r.expected_year) else int(r.expected_year),
                "length_km": round(float(_path_km(lon, lat)), 2),
            }
        )
        geoms.append(LineString(np.column_stack([lon, lat])))
    columns = [
        "line_id",
        "line_name",
        "line_name_zh",
        "category",
        "from_station_id",
        "to_station_id",
        "n_stations",
        "design_kmh",
        "status",
        "opened",
        "expected_year",
        "length_km",
    ]
    frame = pd.DataFrame(rows, columns=columns)
    frame["expected_year"] = frame["expected_year"].astype("Int64")
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(geoms, crs=CRS), crs=CRS)


def _path_km(lon: np.ndarray, lat: np.ndarray) -> float:
    la, lo = np.radians(lat), np.radians(lon)
    h = np.sin(np.diff(la) / 2) ** 2 + np.cos(la[:-1]) * np.cos(la[1:]) * np.sin(np.diff(lo) / 2) ** 2
    return float((2 * 6371.0088 * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))).sum())


def network_layers(network) -> dict[str, gpd.GeoDataFrame]:
    """The three layers of a network on its date: ``{"cities", "stations", "sections"}``.

    Examples
    --------
    >>> layers = network_layers(transit.load_network().as_of(2030))  # doctest: +SKIP
    >>> sorted(layers)  # doctest: +SKIP
    ['cities', 'sections', 'stations']
    """
    return {"cities": cities_frame(network), "stations": stations_frame(network), "sections": sections_frame(network)}


def travel_time_frame(
    network,
    origin: str,
    *,
    level: str = "city",
    modes: Sequence[str] = ("rail",),
    measure: str = "station",
    travel_times=None,
) -> gpd.GeoDataFrame:
    """A destination layer with the minutes from one origin (``inf`` where unreachable).

    Parameters
    ----------
    network : transit.Network
    origin : str
        City or station (any name :meth:`transit.Network.resolve` takes).
    level : {"city", "station"}
        The destinations: every city (:func:`cities_frame`) or every station and airport of the
        graph (:func:`stations_frame`).
    modes, measure :
        Passed to :func:`transit.travel_times` (ignored when ``travel_times`` is given).
    travel_times : TravelTimes, optional
        Precomputed, with ``origin`` among its origins.

    Returns
    -------
    geopandas.GeoDataFrame
        The layer with ``origin_id`` and ``minutes`` columns added; attrs ``origin``, ``date``,
        ``modes``, ``measure``.
    """
    if level not in ("city", "station"):
        raise MapError(f"level must be 'city' or 'station', got {level!r}")
    _kind, origin_id = network.resolve(origin)
    tt = travel_times
    if tt is None:
        tt = compute_travel_times(network, modes=tuple(modes), measure=measure, origins=[origin_id])
    if level == "city":
        frame = cities_frame(network)
        minutes = [tt.get(origin_id, c) for c in frame["city_id"]]
    else:
        times = tt.from_origin(origin_id)
        frame = stations_frame(network)
        frame = frame[frame["station_id"].isin(times.index)].reset_index(drop=True)
        minutes = times.reindex(frame["station_id"]).to_numpy(dtype=float)
    frame.insert(0, "origin_id", origin_id)
    frame["minutes"] = np.asarray(minutes, dtype=float)
    frame.attrs.update(
        origin=origin_id,
        date=network.date.isoformat(),
        modes=tuple(str(m) for m in tt.modes),
        measure=str(tt.measure),
    )
    return frame


# ------------------------------------------------------------------------------------ bands
def _band_edges(bands_minutes: Sequence[float]) -> list[float]:
    try:
        edges = [float(b) for b in bands_minutes]
    except (TypeError, ValueError) as exc:
        raise MapError(f"bands must be numbers of minutes, got {bands_minutes!r}") from exc
    if not edges or any(not (b > 0 and math.isfinite(b)) for b in edges) or sorted(set(edges)) != edges:
        raise MapError(f"bands must be increasing positive minutes, e.g. (60, 120, 180, 300); got {bands_minutes!r}")
    return [0.0, *edges]


def _polygons(points: Sequence[np.ndarray], offsets: Sequence[np.ndarray]) -> list[Polygon]:
    """contourpy's OuterOffset output (each polygon: outer ring then holes) as shapely polygons."""
    out = []
    for pts, off in zip(points, offsets):
        rings = [pts[off[k] : off[k + 1]] for k in range(len(off) - 1)]
        rings = [r for r in rings if len(r) >= 4]
        if not rings:
            continue
        poly = Polygon(rings[0], rings[1:])
        if not poly.is_valid:
            poly = shapely.make_valid(poly)
        out.extend(_as_polygons(poly))
    return out


def _as_polygons(geom) -> list[Polygon]:
    if isinstance(geom, Polygon):
        return [] if geom.is_empty else [geom]
    if hasattr(geom, "geoms"):
        return [p for g in geom.geoms for p in _as_polygons(g)]
    return []


def _multi(polys: list[Polygon]):
    if not polys:
        return MultiPolygon()
    merged = shapely.union_all(polys)
    parts = _as_polygons(merged)
    return parts[0] if len(parts) == 1 else MultiPolygon(parts)


def bands_from_surface(
    lon: np.ndarray,
    lat: np.ndarray,
    minutes: np.ndarray,
    bands_minutes: Sequence[float] = (60, 120, 180, 300),
    *,
    cumulative: bool = False,
) -> gpd.GeoDataFrame:
    """Polygon bands of a travel-time surface: where the minutes lie in each band.

    Parameters
    ----------
    lon, lat, minutes : 2-D arrays (n_lat, n_lon)
        A regular grid as :func:`transit.maps.isochrone_surface` returns it; ``inf`` (or NaN) where
        unreachable.
    bands_minutes : sequence of float
        Upper limits of the bands, increasing: (60, 120) gives 0-60 and 60-120 minutes.
    cumulative : bool
        False (default): disjoint bands, ``minutes_from < t <= minutes_to`` (the first from 0).
        True: nested areas, everything within ``minutes_to`` (``minutes_from`` is 0 on each row), so
        that each polygon contains the one before.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per band: ``minutes_from, minutes_to, hours_to, area_km2`` and a (Multi)Polygon (empty
        where no point of the grid lies in the band), CRS EPSG:4326. The polygons follow the contour
        lines of the grid of cell centres (linear interpolation between them).
    """
    x = np.asarray(lon, dtype=float)
    y = np.asarray(lat, dtype=float)
    z = np.asarray(minutes, dtype=float)
    if z.ndim != 2 or x.shape != z.shape or y.shape != z.shape or min(z.shape) < 2:
        raise MapError(f"lon, lat and minutes must be 2-D grids of one shape (at least 2 x 2), got {z.shape}")
    edges = _band_edges(bands_minutes)
    finite = np.isfinite(z)
    # unreachable points stand far above the last band, so contours close around the reachable area
    top = edges[-1] * 4.0 + 1.0
    filled = np.where(finite, np.minimum(z, top), top)
    gen = contourpy.contour_generator(x, y, filled, fill_type=contourpy.FillType.OuterOffset)
    low = min(-1.0, float(np.min(filled)) - 1.0)
    rows, geoms = [], []
    for k in range(1, len(edges)):
        lo = low if (cumulative or k == 1) else edges[k - 1]
        points, offsets = gen.filled(lo, edges[k])
        geom = _multi(_polygons(points, offsets))
        rows.append(
            {
                "minutes_from": 0.0 if cumulative else edges[k - 1],
                "minutes_to": edges[k],
                "hours_to": edges[k] / 60.0,
            }
        )
        geoms.append(geom)
    frame = gpd.GeoDataFrame(pd.DataFrame(rows), geometry=gpd.GeoSeries(geoms, crs=CRS), crs=CRS)
    frame["area_km2"] = _area_km2(frame)
    frame.attrs.update(cumulative=cumulative)
    return frame[["minutes_from", "minutes_to", "hours_to", "area_km2", "geometry"]]


def _area_km2(frame: gpd.GeoDataFrame) -> np.ndarray:
    """Areas on an equal-area projection centred on the layer (Lambert azimuthal)."""
    if frame.geometry.is_empty.all():
        return np.zeros(len(frame))
    minx, miny, maxx, maxy = frame.total_bounds
    laea = f"+proj=laea +lat_0={(miny + maxy) / 2:.4f} +lon_0={(minx + maxx) / 2:.4f} +datum=WGS84 +units=m"
    return np.round(frame.to_crs(laea).area.to_numpy() / 1e6, 1)


def isochrone_bands(
    network,
    origin: str,
    *,
    bands_minutes: Sequence[float] = (60, 120, 180, 300),
    cumulative: bool = False,
    modes: Sequence[str] = ("rail", "air"),
    measure: str = "door",
    grid_km: float = 2.0,
    extent: Sequence[float] | None = None,
    egress: RoadEgress = DEFAULT_EGRESS,
    travel_times=None,
) -> gpd.GeoDataFrame:
    """Isochrone bands from a city: :func:`transit.maps.isochrone_surface` contoured into polygons.

    Parameters
    ----------
    network : transit.Network
        At the date wanted.
    origin : str
        City id or name.
    bands_minutes, cumulative :
        See :func:`bands_from_surface`.
    modes, measure, grid_km, extent, egress, travel_times :
        See :func:`transit.maps.isochrone_surface`.

    Returns
    -------
    geopandas.GeoDataFrame
        As :func:`bands_from_surface`, with an ``origin_id`` column and attrs ``origin``, ``date``,
        ``modes``, ``measure``, ``grid_km``.
    """
    city = network.city(origin)
    lon, lat, minutes = isochrone_surface(
        network,
        city.name,
        modes=modes,
        measure=measure,
        grid_km=grid_km,
        extent=extent,
        egress=egress,
        travel_times=travel_times,
    )
    frame = bands_from_surface(lon, lat, minutes, bands_minutes, cumulative=cumulative)
    frame.insert(0, "origin_id", str(city.name))
    frame.attrs.update(
        origin=str(city.name),
        date=network.date.isoformat(),
        modes=tuple(str(m) for m in modes),
        measure=str(measure),
        grid_km=float(grid_km),
    )
    return frame
