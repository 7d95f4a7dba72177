"""Road access by OSMnx: road graphs, station-area isochrones, city-centre-to-station road times.

The default door measure estimates access from straight-line distance (``network.parameters``). With a
road graph this module computes the shortest free-flow road time instead and returns it in the schema
of ``access.csv`` so that :func:`with_road_access` can put it into a network.

Offline by default: a graph comes from a local OSM XML file (:func:`load_road_graph` with ``osm_xml=``)
or from a GraphML cache; ``place=`` queries the Overpass API only with ``download=True`` (never in
tests), and the result is cached as GraphML.

Speeds: OSMnx's ``add_edge_speeds`` takes ``maxspeed`` where tagged and imputes the rest per highway
type from :data:`DEFAULT_HWY_SPEEDS_KMH` (free-flow, no congestion: a lower bound on real taxi times).
The point of a city centre or station is joined to its nearest graph node by a straight connector at
``connector_speed_kmh``. Graphs are built unsimplified (``simplify=False``) so that every OSM node
can be a snapping point (simplification would drop street corners and lengthen the connectors).
"""

from __future__ import annotations

import math
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
from scipy.sparse import csr_matrix, hstack, vstack
from scipy.sparse.csgraph import dijkstra
from scipy.spatial import cKDTree

from transit._files import atomic_path
from transit.errors import MissingExtraError, RoadDataError

try:
    import geopandas as gpd
    import osmnx as ox
    from shapely.geometry import LineString, MultiPoint, Point
    from shapely.ops import unary_union
except ImportError as exc:  # pragma: no cover - exercised only without the extra
    raise MissingExtraError("road", "road access", exc.name or "osmnx") from exc

__all__ = [
    "DEFAULT_HWY_SPEEDS_KMH",
    "DEFAULT_CONNECTOR_SPEED_KMH",
    "RoadDataError",
    "load_road_graph",
    "save_road_graph",
    "add_speeds",
    "nearest_node",
    "road_minutes",
    "road_access_minutes",
    "min_road_minutes",
    "isochrone_polygons",
    "station_isochrones",
    "with_road_access",
]

#: Free-flow speeds (km/h) imputed for edges without a ``maxspeed`` tag, by OSM highway type.
#: Estimate: the lower end of the design speeds of the Chinese standards for urban roads (CJJ 37-2012:
#: expressway 60-100, arterial 40-60, sub-arterial 30-50, branch 20-40 km/h) and for highways
#: (JTG B01-2014: expressway 80-120 km/h), rounded; no congestion.
DEFAULT_HWY_SPEEDS_KMH: dict[str, float] = {
    "motorway": 100.0,
    "motorway_link": 60.0,
    "trunk": 80.0,
    "trunk_link": 50.0,
    "primary": 50.0,
    "primary_link": 40.0,
    "secondary": 40.0,
    "secondary_link": 30.0,
    "tertiary": 30.0,
    "tertiary_link": 30.0,
    "unclassified": 30.0,
    "residential": 20.0,
    "living_street": 10.0,
    "service": 15.0,
}

#: Speed on the straight connector from a point (city centre, station) to its nearest road node.
#: Estimate: a slow urban street with pick-up/drop-off, 15 km/h.
DEFAULT_CONNECTOR_SPEED_KMH = 15.0

_EARTH_RADIUS_M = 6_371_008.8


# ------------------------------------------------------------------------------------ graphs
def add_speeds(graph, *, hwy_speeds: dict[str, float] | None = None, fallback_kmh: float = 30.0):
    """Add ``speed_kph`` and ``travel_time`` (seconds) to every edge (OSMnx), in place; returns it.

    Parameters
    ----------
    graph : networkx.MultiDiGraph
        An OSMnx graph with edge ``length`` (metres).
    hwy_speeds : dict, optional
        km/h by highway type for edges without ``maxspeed``; default :data:`DEFAULT_HWY_SPEEDS_KMH`.
    fallback_kmh : float
        For highway types in neither the tags nor ``hwy_speeds``.
    """
    speeds = dict(DEFAULT_HWY_SPEEDS_KMH if hwy_speeds is None else hwy_speeds)
    graph = ox.add_edge_speeds(graph, hwy_speeds=speeds, fallback=float(fallback_kmh))
    return ox.add_edge_travel_times(graph)


def save_road_graph(graph, path: str | Path, *, overwrite: bool = False) -> Path:
    """Save a graph as GraphML atomically (temp file + rename); refuses to overwrite unless told."""
    path = Path(path)
    cached = {k: graph.graph.pop(k) for k in ("_transit_node_arrays", "_transit_csr") if k in graph.graph}
    try:
        with atomic_path(path, overwrite=overwrite, mkdir=True) as tmp:
            ox.save_graphml(graph, tmp)
    finally:
        graph.graph.update(cached)  # derived arrays, not graph data: kept out of the file
    return path


def load_road_graph(
    osm_xml: str | Path | None = None,
    *,
    place: str | None = None,
    download: bool = False,
    cache: str | Path | None = None,
    network_type: str = "drive",
    hwy_speeds: dict[str, float] | None = None,
    fallback_kmh: float = 30.0,
):
    """Load a drivable road graph with speeds and travel times.

    Order: an existing GraphML ``cache`` is read; else ``osm_xml`` (a local OSM XML file) is parsed with
    ``osmnx.graph_from_xml``; else ``place`` is queried with ``osmnx.graph_from_place`` (needs
    ``download=True``: it calls the Overpass API). A freshly built graph is written to ``cache`` when
    one is given.

    Parameters
    ----------
    osm_xml : path, optional
        OSM XML file (``.osm``); every way with a ``highway`` tag becomes edges.
    place : str, optional
        A place name for Nominatim/Overpass (e.g. ``"Lucheng District, Wenzhou, China"``).
    download : bool
        Allow the network query for ``place``. Default False.
    cache : path, optional
        GraphML file to read if present, else to write.
    network_type : str
        OSMnx network type for ``place`` queries.
    hwy_speeds, fallback_kmh :
        See :func:`add_speeds`.

    Returns
    -------
    networkx.MultiDiGraph
        Unprojected (WGS-84 ``x``/``y``), edges with ``length`` (m), ``speed_kph``, ``travel_time`` (s).

    Examples
    --------
    >>> g = load_road_graph("tests/data/road/synthetic_town.osm")  # doctest: +SKIP
    >>> sorted(next(iter(g.edges(data=True)))[2])[:3]  # doctest: +SKIP
    ['highway', 'length', 'name']
    """
    damaged = False
    if cache is not None and Path(cache).exists():
        try:
            graph = ox.load_graphml(cache)
        except Exception as exc:  # noqa: BLE001 - a truncated or foreign file: rebuild it where we can
            if osm_xml is None and place is None:
                raise RoadDataError(
                    f"cannot read the road graph cache {cache}: {type(exc).__name__}: {exc}; delete it, or give "
                    "osm_xml= (or place= with download=True) to build it again"
                ) from exc
            sys.stderr.write(
                f"transit: road graph cache {cache} was unreadable ({type(exc).__name__}); building it again\n"
            )
            damaged = True
        else:
            if all("travel_time" in d for _, _, d in graph.edges(data=True)):
                return graph
            return add_speeds(graph, hwy_speeds=hwy_speeds, fallback_kmh=fallback_kmh)
    if osm_xml is not None:
        path = Path(osm_xml)
        if not path.is_file():
            raise RoadDataError(f"OSM XML file {path} not found; give the path of a local .osm file")
        try:
            graph = ox.graph_from_xml(path, simplify=False, retain_all=True)
        except Exception as exc:  # osmnx raises several kinds on a bad file
            raise RoadDataError(f"cannot read road graph from {path}: {exc}") from exc
    elif place is not None:
        if not download:
            raise RoadDataError(
                f"loading the road graph of {place!r} needs a download from OpenStreetMap; "
                "pass download=True (and cache= a .graphml path to keep it), or give osm_xml= a local file"
            )
        graph = ox.graph_from_place(place, network_type=network_type, simplify=False)
    else:
        raise RoadDataError("give osm_xml= (a local OSM file), cache= (a GraphML file) or place= with download=True")
    if graph.number_of_edges() == 0:
        raise RoadDataError(f"the road graph from {osm_xml or place} has no edges (no ways with a highway tag?)")
    graph = add_speeds(graph, hwy_speeds=hwy_speeds, fallback_kmh=fallback_kmh)
    if cache is not None:
        save_road_graph(graph, cache, overwrite=damaged)  # a damaged cache is replaced, a good one never
    return graph


# ----------------------------------------------------------------------------- shortest times
def _haversine_m(lat1, lon1, lat2, lon2):
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dphi = p2 - p1
    dl = np.radians(np.asarray(lon2) - np.asarray(lon1))
    a = np.sin(dphi / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * _EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def _node_arrays(graph):
    cached = graph.graph.get("_transit_node_arrays")
    if cached is None or cached[0].shape[0] != graph.number_of_nodes():
        ids = np.array(list(graph.nodes), dtype=object)
        ys = np.array([graph.nodes[n]["y"] for n in ids], dtype=np.float64)
        xs = np.array([graph.nodes[n]["x"] for n in ids], dtype=np.float64)
        cached = (ids, ys, xs)
        graph.graph["_transit_node_arrays"] = cached
    return cached


def nearest_node(graph, lat: float, lon: float) -> tuple[object, float]:
    """The graph node nearest a point (great-circle), and its distance in metres.

    A vectorised haversine over all nodes (O(n) per point; 0.01 s for 100 000 nodes); OSMnx's own
    ``nearest_nodes`` needs scikit-learn for unprojected graphs, which this package does not require.
    """
    ids, ys, xs = _node_arrays(graph)
    if ids.size == 0:
        raise RoadDataError("the road graph has no nodes")
    d = _haversine_m(lat, lon, ys, xs)
    k = int(np.argmin(d))
    return ids[k], float(d[k])


def _times_from(graph, source, cutoff_s=None) -> dict:
    return nx.single_source_dijkstra_path_length(graph, source, cutoff=cutoff_s, weight="travel_time")


def road_minutes(
    graph,
    origin: tuple[float, float],
    targets: Sequence[tuple[float, float]],
    *,
    connector_speed_kmh: float = DEFAULT_CONNECTOR_SPEED_KMH,
    max_connector_m: float = 2000.0,
) -> np.ndarray:
    """Shortest road minutes from one point to several points, on edge ``travel_time``.

    Each end is joined to its nearest node by a straight connector at ``connector_speed_kmh``; a target
    whose node cannot be reached from the origin's node gets ``inf``, unless the straight line at the
    connector speed is quicker for points at most ``max_connector_m`` apart, which is then taken. A
    point farther than ``max_connector_m`` from every node is outside the graph: ``inf``.

    Parameters
    ----------
    graph : networkx.MultiDiGraph
        With edge ``travel_time`` in seconds (see :func:`add_speeds`).
    origin : (lat, lon)
    targets : sequence of (lat, lon)
    connector_speed_kmh : float
        Speed on the straight connectors.
    max_connector_m : float
        Longest connector accepted (metres).

    Returns
    -------
    numpy.ndarray of float64, minutes, one per target.
    """
    if not connector_speed_kmh > 0:
        raise RoadDataError(f"connector_speed_kmh must be > 0, got {connector_speed_kmh!r}")
    m_per_min = connector_speed_kmh * 1000.0 / 60.0
    src, d0 = nearest_node(graph, *origin)
    seconds = _times_from(graph, src) if d0 <= max_connector_m else {}
    out = np.empty(len(targets), dtype=np.float64)
    for k, (lat, lon) in enumerate(targets):
        node, d1 = nearest_node(graph, lat, lon)
        s = seconds.get(node) if d1 <= max_connector_m else None
        via_road = math.inf if s is None else s / 60.0 + (d0 + d1) / m_per_min
        straight_m = float(_haversine_m(origin[0], origin[1], lat, lon))
        direct = straight_m / m_per_min if straight_m <= max_connector_m else math.inf
        out[k] = min(via_road, direct)
    return out


def road_access_minutes(
    graph,
    network,
    city: str,
    *,
    stations: Iterable[str] | None = None,
    connector_speed_kmh: float = DEFAULT_CONNECTOR_SPEED_KMH,
    max_connector_m: float = 2000.0,
    mode: str = "road",
    graph_name: str | None = None,
) -> pd.DataFrame:
    """Road minutes from a city's centre to its stations and airports, in the schema of ``access.csv``.

    Parameters
    ----------
    graph : networkx.MultiDiGraph
        A road graph covering the city centre and the stations (see :func:`load_road_graph`).
    network : transit.Network
    city : str
        City id or name.
    stations : iterable of str, optional
        Station ids; default every station and airport of the city in service (``city_stations``).
    connector_speed_kmh, max_connector_m : float
        See :func:`road_minutes`.
    mode : str
        Written to the ``mode`` column.
    graph_name : str, optional
        Named in ``source`` (e.g. the OSM file); default ``graph.graph["name"]`` or "road graph".

    Returns
    -------
    pandas.DataFrame
        Columns ``city_id, station_id, minutes, mode, source``. Stations the graph does not reach are
        left out (the network's default estimate then stays for them); ``RoadDataError`` when none is
        reached.
    """
    c = network.city(city)
    city_id = c.name
    ids = list(network.city_stations(city_id)) if stations is None else list(stations)
    st = network.stations
    st = st.set_index("station_id") if "station_id" in st.columns else st
    unknown = [s for s in ids if s not in st.index]
    if unknown:
        raise RoadDataError(f"unknown station id(s) {unknown} for city {city_id!r}")
    pts = [(float(st.at[s, "lat"]), float(st.at[s, "lon"])) for s in ids]
    minutes = road_minutes(
        graph,
        (float(c["lat"]), float(c["lon"])),
        pts,
        connector_speed_kmh=connector_speed_kmh,
        max_connector_m=max_connector_m,
    )
    name = graph_name or graph.graph.get("name") or "road graph"
    source = (
        f"estimate: OSMnx shortest free-flow road time on {name} (maxspeed or highway-type default "
        f"speeds, transit.road.DEFAULT_HWY_SPEEDS_KMH) plus straight connectors at {connector_speed_kmh:g} km/h"
    )
    df = pd.DataFrame(
        {"city_id": city_id, "station_id": ids, "minutes": np.round(minutes, 1), "mode": mode, "source": source}
    )
    bad = df[~np.isfinite(df["minutes"])]
    if len(bad) == len(df) and len(df):
        raise RoadDataError(
            f"no station of {city_id!r} is reachable by road from its centre on {name}: "
            f"{list(bad['station_id'])}; is the graph large enough and connected?"
        )
    return df[np.isfinite(df["minutes"])].reset_index(drop=True)


# --------------------------------------------------------------------------- many points
def _unit_xyz(lat, lon) -> np.ndarray:
    la, lo = np.radians(np.asarray(lat, dtype=np.float64)), np.radians(np.asarray(lon, dtype=np.float64))
    return np.stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)], axis=-1)


def _csr_seconds(graph):
    """(node ids, CSR matrix of edge seconds, KD-tree of nodes) cached on the graph object."""
    cached = graph.graph.get("_transit_csr")
    if cached is not None and cached[0].shape[0] == graph.number_of_nodes():
        return cached

    ids, ys, xs = _node_arrays(graph)
    pos = {n: k for k, n in enumerate(ids)}
    u, v, w = [], [], []
    for a, b, d in graph.edges(data=True):
        u.append(pos[a])
        v.append(pos[b])
        w.append(float(d["travel_time"]))
    frame = pd.DataFrame({"u": u, "v": v, "w": w}).groupby(["u", "v"], as_index=False)["w"].min()
    # csgraph drops explicit zeros as non-edges: a zero-length edge gets a millisecond
    n = len(ids)
    mat = csr_matrix((np.maximum(frame["w"].to_numpy(), 1e-3), (frame["u"], frame["v"])), shape=(n, n))
    cached = (ids, mat, cKDTree(_unit_xyz(ys, xs)))
    graph.graph["_transit_csr"] = cached
    return cached


def min_road_minutes(
    graph,
    source_lat,
    source_lon,
    source_minutes,
    point_lat,
    point_lon,
    *,
    connector_speed_kmh: float = DEFAULT_CONNECTOR_SPEED_KMH,
    max_connector_m: float = 2000.0,
) -> tuple[np.ndarray, np.ndarray]:
    """``min_s source_minutes[s] + road(s, p)`` for many points p at once, by one Dijkstra.

    All sources (stations, with the minutes at which one can leave them) feed a virtual node joined to
    each source's nearest graph node with weight ``source_minutes + connector``; one Dijkstra
    (``scipy.sparse.csgraph``) from it gives every node's time, and each point adds its own connector.
    O(E log V) for any number of sources and points (nearest nodes by a KD-tree).

    Returns
    -------
    minutes : array, shape of the points
        ``inf`` for a point farther than ``max_connector_m`` from every node or not reached.
    source_on_graph : bool array (n_sources,)
        Which sources were joined to the graph (the others are farther than ``max_connector_m``).
    """

    ids, mat, tree = _csr_seconds(graph)
    n = len(ids)
    m_per_s = connector_speed_kmh / 3.6
    r = _EARTH_RADIUS_M
    s_min = np.asarray(source_minutes, dtype=np.float64)
    s_d, s_k = tree.query(_unit_xyz(source_lat, source_lon))
    s_m = 2 * r * np.arcsin(np.clip(s_d / 2, 0, 1))
    on = (s_m <= max_connector_m) & np.isfinite(s_min)
    plat = np.asarray(point_lat, dtype=np.float64)
    shape = plat.shape
    out = np.full(plat.size, np.inf)
    if on.any():
        w = s_min[on] * 60.0 + s_m[on] / m_per_s + 1e-3
        # keep the best source per node (the CSR constructor would add duplicates up)
        best = pd.DataFrame({"k": s_k[on], "w": w}).groupby("k")["w"].min()
        extra_row = csr_matrix(
            (best.to_numpy(), (np.zeros(len(best), dtype=int), best.index.to_numpy())), shape=(1, n + 1)
        )
        big = vstack([hstack([mat, csr_matrix((n, 1))]), extra_row]).tocsr()
        seconds = dijkstra(big, directed=True, indices=n)[:n]
        p_d, p_k = tree.query(_unit_xyz(plat.ravel(), np.asarray(point_lon, dtype=np.float64).ravel()))
        p_m = 2 * r * np.arcsin(np.clip(p_d / 2, 0, 1))
        ok = p_m <= max_connector_m
        out[ok] = (seconds[p_k[ok]] + p_m[ok] / m_per_s) / 60.0
    return out.reshape(shape), on


# --------------------------------------------------------------------------------- isochrones
def isochrone_polygons(
    graph,
    lat: float,
    lon: float,
    minutes: Sequence[float] = (15, 30, 45),
    *,
    edge_buffer_m: float = 250.0,
    connector_speed_kmh: float = DEFAULT_CONNECTOR_SPEED_KMH,
):
    """Areas reachable by road from a point within each time budget, as polygons.

    A node is reached within t when connector + road time <= t; the area is the union of the reached
    edges (both ends reached) and nodes, buffered by ``edge_buffer_m`` (the "network buffer" way of
    the OSMnx isochrone example: no convex hull, so it follows the roads).

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``minutes`` and ``geometry`` (WGS-84), largest budget first, so that drawing in order
        leaves the smaller areas on top. An empty geometry where nothing is reached.
    """
    budgets = sorted((float(t) for t in minutes), reverse=True)
    if not budgets or budgets[-1] <= 0:
        raise RoadDataError(f"minutes must be positive budgets, got {list(minutes)}")
    src, d0 = nearest_node(graph, lat, lon)
    connector_min = d0 / (connector_speed_kmh * 1000.0 / 60.0)
    seconds = _times_from(graph, src, cutoff_s=max(0.0, (budgets[0] - connector_min) * 60.0))
    reach_min = {n: connector_min + s / 60.0 for n, s in seconds.items()}
    # a local metric CRS for buffering in metres
    utm = gpd.GeoSeries([Point(lon, lat)], crs="EPSG:4326").estimate_utm_crs()
    geoms = []
    for t in budgets:
        pts = [(graph.nodes[n]["x"], graph.nodes[n]["y"]) for n, m in reach_min.items() if m <= t]
        lines = []
        for u, v, data in graph.edges(data=True):
            if reach_min.get(u, math.inf) <= t and reach_min.get(v, math.inf) <= t:
                lines.append(
                    data.get("geometry")
                    or LineString(
                        [(graph.nodes[u]["x"], graph.nodes[u]["y"]), (graph.nodes[v]["x"], graph.nodes[v]["y"])]
                    )
                )
        parts = lines + ([MultiPoint(pts)] if pts else [])
        if not parts:
            geoms.append(gpd.GeoSeries([], crs="EPSG:4326").union_all())
            continue
        g = gpd.GeoSeries(parts, crs="EPSG:4326").to_crs(utm).buffer(edge_buffer_m)
        geoms.append(gpd.GeoSeries([unary_union(list(g))], crs=utm).to_crs("EPSG:4326").iloc[0])
    return gpd.GeoDataFrame({"minutes": budgets}, geometry=geoms, crs="EPSG:4326")


def station_isochrones(graph, network, station: str, minutes: Sequence[float] = (15, 30, 45), **kwargs):
    """:func:`isochrone_polygons` around a station of the network (id or name); adds ``station_id``."""
    st = network.station(station)
    gdf = isochrone_polygons(graph, float(st["lat"]), float(st["lon"]), minutes, **kwargs)
    gdf.insert(0, "station_id", st.name)
    return gdf


# ------------------------------------------------------------------------------- networks
def with_road_access(network, access_df: pd.DataFrame):
    """A new network whose ``access`` table takes these road times.

    Rows of ``access_df`` replace existing rows with the same ``(city_id, station_id)``; others are
    appended. The network is rebuilt (and validated) with ``network.with_tables(access=...)``; the
    original is unchanged.
    """
    need = ["city_id", "station_id", "minutes", "mode", "source"]
    missing = [c for c in need if c not in access_df.columns]
    if missing:
        raise RoadDataError(f"access_df lacks column(s) {missing}; it needs {need} (as from road_access_minutes)")
    bad = access_df[~np.isfinite(pd.to_numeric(access_df["minutes"], errors="coerce"))]
    if len(bad):
        raise RoadDataError(
            "access_df has non-finite minutes in rows "
            + ", ".join(f"{r.city_id}/{r.station_id}={r.minutes!r}" for r in bad.itertuples())
        )
    old = network.tables.get("access")
    new = access_df[need].copy()
    if old is not None and len(old):
        keys = set(zip(new["city_id"], new["station_id"]))
        keep = old[[(a, b) not in keys for a, b in zip(old["city_id"], old["station_id"])]]
        new = pd.concat([keep[[c for c in old.columns]], new], ignore_index=True)
        new = new[[c for c in old.columns if c in new.columns]]
    return network.with_tables(access=new.reset_index(drop=True))
