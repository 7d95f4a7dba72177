"""Door-to-door travel-time surfaces: minutes from an origin city to every point of a grid.

For an origin city, :func:`transit.travel_times` (measure ``door``) gives the minutes from the city
centre to every station and airport, arriving ready to leave it by road (``tt.from_origin``). A grid
point p then takes::

    minutes(p) = min( min_s [ T(s) + d(s, p) * detour_factor / road_speed_kmh * 60 ],
                      d(origin centre, p) * detour_factor / road_speed_kmh * 60 )

the best station plus a road egress estimated from the straight-line distance d (km), or the direct
road from the origin centre. ``detour_factor`` and ``road_speed_kmh`` are explicit (defaults 1.3 and
60 km/h, see ``docs/maps.md``). The minimum over all stations is exact (no nearest-k shortcut, which
would miss a distant station with a much shorter time): :func:`min_plus_distance_minutes` evaluates it
by numpy broadcasting in chunks of grid points, with distances as 3-D chords (a matrix product),
O(n_grid x n_stations), about 1 s for a 2 km grid of the YRD (170 000 points) and 700 stations.

numpy only: the drawing (matplotlib, the ``[maps]`` extra) is :mod:`transit.maps.draw`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from transit.errors import MapError
from transit.travel import travel_times as compute_travel_times

_EARTH_RADIUS_KM = 6371.0088


_KM_PER_DEG_LAT = 110.574


_KM_PER_DEG_LON_EQ = 111.320


YRD_PROVINCES = ("Shanghai", "Jiangsu", "Zhejiang", "Anhui")


@dataclass(frozen=True)
class RoadEgress:
    """Road egress from a station (or the origin centre) to a grid point, from straight-line distance.

    Attributes
    ----------
    road_speed_kmh : float
        Average road speed over the road distance. Default 60 km/h: an estimate between urban roads
        (30-50 km/h) and expressways (100-120 km/h) for trips of 10-100 km.
    detour_factor : float
        Road distance / straight-line distance. Default 1.3, the middle of the circuity factors
        1.2-1.4 reported for road networks (Ballou, Rahardja & Sakai 2002).
    """

    road_speed_kmh: float = 60.0
    detour_factor: float = 1.3

    @property
    def minutes_per_km(self) -> float:
        """Minutes per straight-line km."""
        return self.detour_factor / self.road_speed_kmh * 60.0

    def describe(self) -> str:
        """One line for map notes."""
        return f"road egress estimated as straight line x {self.detour_factor:g} at {self.road_speed_kmh:g} km/h"


DEFAULT_EGRESS = RoadEgress()


# ----------------------------------------------------------------------------- pure numerics
def grid_lonlat(extent: Sequence[float], grid_km: float) -> tuple[np.ndarray, np.ndarray]:
    """Regular lon/lat grid with cells of about ``grid_km`` (at the extent's mid-latitude).

    Parameters
    ----------
    extent : (lon_min, lon_max, lat_min, lat_max)
    grid_km : float

    Returns
    -------
    lon, lat : 2-D arrays (n_lat, n_lon), cell centres.

    Examples
    --------
    >>> lon, lat = grid_lonlat((120, 121, 30, 31), 10)
    >>> lon.shape
    (11, 10)
    """
    lon_min, lon_max, lat_min, lat_max = _check_extent(extent)
    if not grid_km > 0:
        raise MapError(f"grid_km must be > 0, got {grid_km!r}")
    mid = math.radians((lat_min + lat_max) / 2)
    dlon = grid_km / (_KM_PER_DEG_LON_EQ * math.cos(mid))
    dlat = grid_km / _KM_PER_DEG_LAT
    n_lon = max(2, int(round((lon_max - lon_min) / dlon)))
    n_lat = max(2, int(round((lat_max - lat_min) / dlat)))
    if n_lon * n_lat > 5_000_000:
        raise MapError(f"a {grid_km} km grid over {extent} has {n_lon * n_lat} points; use a coarser grid_km")
    lons = lon_min + (np.arange(n_lon) + 0.5) * (lon_max - lon_min) / n_lon
    lats = lat_min + (np.arange(n_lat) + 0.5) * (lat_max - lat_min) / n_lat
    return np.meshgrid(lons, lats)


def _check_extent(extent):
    try:
        lon_min, lon_max, lat_min, lat_max = (float(v) for v in extent)
    except (TypeError, ValueError) as exc:
        raise MapError(f"extent must be (lon_min, lon_max, lat_min, lat_max), got {extent!r}") from exc
    if not (-180 <= lon_min < lon_max <= 180 and -90 <= lat_min < lat_max <= 90):
        raise MapError(f"extent must be (lon_min, lon_max, lat_min, lat_max) with min < max, got {extent!r}")
    return lon_min, lon_max, lat_min, lat_max


def _xyz_km(lat, lon) -> np.ndarray:
    la, lo = np.radians(np.asarray(lat, dtype=np.float64)), np.radians(np.asarray(lon, dtype=np.float64))
    c = np.cos(la)
    return np.stack([c * np.cos(lo), c * np.sin(lo), np.sin(la)], axis=-1) * _EARTH_RADIUS_KM


def min_plus_distance_minutes(
    point_lat,
    point_lon,
    source_lat,
    source_lon,
    source_minutes,
    minutes_per_km: float,
    *,
    chunk: int = 8192,
) -> tuple[np.ndarray, np.ndarray]:
    """For each point, ``min_s source_minutes[s] + km(s, point) * minutes_per_km`` and the best s.

    Distances are straight-line chords through the Earth (within 0.1 % of the great circle up to
    700 km). Sources with non-finite minutes are skipped.

    Parameters
    ----------
    point_lat, point_lon : arrays of the same shape
    source_lat, source_lon, source_minutes : 1-D arrays (n_sources,)
    minutes_per_km : float
    chunk : int
        Points per block (memory ~ chunk x n_sources x 8 bytes).

    Returns
    -------
    minutes : array, shape of the points (``inf`` when no source is finite)
    best : int array, index of the best source (-1 when none)

    Examples
    --------
    >>> m, b = min_plus_distance_minutes([30.0], [120.0], [30.0, 30.0], [120.0, 121.0], [50.0, 0.0], 1.0)
    >>> round(float(m[0]), 1), int(b[0])
    (50.0, 0)
    """
    plat = np.asarray(point_lat, dtype=np.float64)
    shape = plat.shape
    p = _xyz_km(plat.ravel(), np.asarray(point_lon, dtype=np.float64).ravel())
    t = np.asarray(source_minutes, dtype=np.float64)
    keep = np.nonzero(np.isfinite(t))[0]
    out = np.full(p.shape[0], np.inf)
    best = np.full(p.shape[0], -1, dtype=np.int64)
    if keep.size == 0 or p.shape[0] == 0:
        return out.reshape(shape), best.reshape(shape)
    s = _xyz_km(np.asarray(source_lat, dtype=np.float64)[keep], np.asarray(source_lon, dtype=np.float64)[keep])
    tk = t[keep]
    two_r2 = 2.0 * _EARTH_RADIUS_KM**2
    for a in range(0, p.shape[0], chunk):
        blk = p[a : a + chunk]
        d2 = two_r2 - 2.0 * (blk @ s.T)  # |p - s|^2 for points on the sphere
        np.maximum(d2, 0.0, out=d2)
        np.sqrt(d2, out=d2)
        d2 *= minutes_per_km
        d2 += tk[None, :]
        k = np.argmin(d2, axis=1)
        out[a : a + chunk] = d2[np.arange(blk.shape[0]), k]
        best[a : a + chunk] = keep[k]
    return out.reshape(shape), best.reshape(shape)


# --------------------------------------------------------------------------- network helpers
def _frame(df: pd.DataFrame, key: str) -> pd.DataFrame:
    return df.set_index(key) if key in df.columns else df


def _all_stations(network) -> pd.DataFrame:
    """Every station row (full table) indexed by id, for coordinates of stations not yet open."""
    tables = getattr(network, "tables", None) or {}
    st = tables.get("stations")
    return _frame(st if st is not None else network.stations, "station_id")


def default_extent(
    network, origin: str | None = None, *, pad_deg: float = 0.6, include_cities: Sequence[str] = ()
) -> tuple[float, float, float, float]:
    """The extent of the network's cities in Shanghai, Jiangsu, Zhejiang and Anhui, padded.

    Falls back to all cities when fewer than two are in those provinces; the origin city and the
    ``include_cities`` that the network has (ids or names; others are ignored) are always inside with
    at least ``pad_deg`` around them.
    """
    cities = network.cities
    sel = cities[cities["province"].isin(YRD_PROVINCES)] if "province" in cities.columns else cities
    if len(sel) < 2:
        sel = cities
    lon = list(sel["lon"].astype(float))
    lat = list(sel["lat"].astype(float))
    extra = [origin] if origin is not None else []
    for name in extra + list(include_cities):
        try:
            c = network.city(name)
        except KeyError:
            if name == origin:
                raise
            continue
        lon.append(float(c["lon"]))
        lat.append(float(c["lat"]))
    return (min(lon) - pad_deg, max(lon) + pad_deg, min(lat) - pad_deg, max(lat) + pad_deg)


def _travel_times(network, modes, measure, travel_times):
    if travel_times is not None:
        return travel_times
    return compute_travel_times(network, modes=tuple(modes), measure=measure)


def isochrone_surface(
    network,
    origin: str,
    *,
    modes: Sequence[str] = ("rail", "air"),
    measure: str = "door",
    grid_km: float = 2.0,
    extent: Sequence[float] | None = None,
    egress: RoadEgress = DEFAULT_EGRESS,
    direct_road: bool = True,
    travel_times=None,
    road_graph=None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Door-to-door minutes from a city centre to every point of a regular grid.

    Parameters
    ----------
    network : transit.Network
        At the date wanted (``net.as_of(...)``).
    origin : str
        City id or name (``"wenzhou"``, ``"Wenzhou"``, ``"温州"``).
    modes : sequence of {"rail", "air"}
    measure : str
        ``"door"`` (default: access, processing, in-vehicle, transfers). ``"station"`` gives times
        from the best origin station, without access.
    grid_km : float
        Grid cell size.
    extent : (lon_min, lon_max, lat_min, lat_max), optional
        Default :func:`default_extent`.
    egress : RoadEgress
        Road egress estimate (speed and detour factor).
    direct_road : bool
        Also allow driving straight from the origin centre (default True).
    travel_times : transit.TravelTimes, optional
        Precomputed with the same modes and measure.
    road_graph : networkx.MultiDiGraph, optional
        A road graph from :func:`transit.road.load_road_graph`. Grid points it covers (within 2 km of
        a node it reaches) take road times from the stations joined to it
        (:func:`transit.road.min_road_minutes`, one Dijkstra for all stations), or the straight-line
        estimate from stations off the graph where that is quicker; other points keep the estimate.

    Returns
    -------
    lon, lat, minutes : 2-D arrays (n_lat, n_lon); minutes float64, ``inf`` where unreachable.

    Examples
    --------
    >>> lon, lat, minutes = isochrone_surface(transit.load_network(), "Wenzhou")  # doctest: +SKIP
    >>> (minutes <= 120).mean()  # doctest: +SKIP
    """
    city = network.city(origin)
    tt = _travel_times(network, modes, measure, travel_times)
    times = tt.from_origin(city.name)
    st = _all_stations(network)
    ids = [s for s in times.index if s in st.index]
    ext = default_extent(network, city.name) if extent is None else _check_extent(extent)
    lon, lat = grid_lonlat(ext, grid_km)
    s_lat = st.loc[ids, "lat"].to_numpy(dtype=np.float64)
    s_lon = st.loc[ids, "lon"].to_numpy(dtype=np.float64)
    s_min = times.loc[ids].to_numpy(dtype=np.float64)
    if direct_road:
        s_lat = np.append(s_lat, float(city["lat"]))
        s_lon = np.append(s_lon, float(city["lon"]))
        s_min = np.append(s_min, 0.0)
    minutes, _ = min_plus_distance_minutes(lat, lon, s_lat, s_lon, s_min, egress.minutes_per_km)
    if road_graph is not None:
        # the [road] extra, needed only with a road graph
        from transit.road import min_road_minutes  # noqa: PLC0415

        by_road, on_graph = min_road_minutes(road_graph, s_lat, s_lon, s_min, lat, lon)
        off = ~on_graph
        from_off, _ = min_plus_distance_minutes(lat, lon, s_lat[off], s_lon[off], s_min[off], egress.minutes_per_km)
        minutes = np.where(np.isfinite(by_road), np.minimum(by_road, from_off), minutes)
    return lon, lat, minutes
