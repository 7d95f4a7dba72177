"""Compile a network into a labelled CSR graph of minutes.

Nodes are rail stations, airports and, for the ``door`` measure, city centres. Edges:

``rail``
    Between every pair of stations of a line that an unbroken stretch of in-service sections joins,
    weighted by the running-time model (:func:`transit.runtime.line_minutes`). A pair on several
    lines keeps the fastest. A published fastest time (``published_times``) replaces that edge's
    minutes, only where such an edge exists (never over a closed or unbuilt stretch).
``flight``
    Between airports: airport processing before departure + block minutes + processing after arrival.
``transfer``
    Between stations and airports of one city (``transfers.csv``), both ways.
``access`` / ``egress`` (door measure only)
    Between a city centre and its stations and airports by road (``access.csv`` or an estimate from
    distance), with station processing.

In the door measure each rail leg also carries ``rail_change_minutes`` (the wait for a connecting
train), and the access to a rail station carries ``rail_departure_minutes - rail_change_minutes``, so
that a journey pays processing once and each change of train once. All parameters come from the
network's ``[parameters]`` table; none is hidden in code.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from scipy.sparse import csr_matrix

from transit.data.network import Network
from transit.geo import haversine_km
from transit.modes import normalise_measure, normalise_modes
from transit.routing import runtime

__all__ = [
    "Graph",
    "compile_graph",
    "EDGE_KINDS",
    "EdgeSink",
    "access_minutes_estimate",
    "rail_edges",
    "LineRun",
    "line_runs",
]

EDGE_KINDS = ("rail", "flight", "transfer", "access", "egress")

PARAMETERS_STATION = ("airport_departure_minutes", "airport_arrival_minutes")
PARAMETERS_DOOR = PARAMETERS_STATION + (
    "rail_departure_minutes",
    "rail_arrival_minutes",
    "rail_change_minutes",
    "access_base_minutes",
    "access_detour_factor",
    "access_speed_kmh",
    "access_fallback_stations",
    "access_fallback_max_km",
)

#: What receives the edges of a network as they are found: ``add(from_id, to_id, minutes, kind, via)``,
#: ``kind`` one of :data:`EDGE_KINDS` and ``via`` the line id, flight, transfer mode or ``road``.
EdgeSink = Callable[[str, str, float, str, str], None]


@dataclass(frozen=True, eq=False)
class Graph:
    """A network compiled for one set of modes and one measure.

    Attributes
    ----------
    node_ids : ndarray of str
        Station and airport ids, then ``centre:<city_id>`` for city centres (door measure).
    node_kind : ndarray of str
        ``rail``, ``airport`` or ``centre``.
    node_city : ndarray of str
        The city each node belongs to.
    indptr, indices, minutes : ndarray
        The CSR triple (int64, int32, float64): edges leaving node ``i`` are
        ``indices[indptr[i]:indptr[i+1]]`` with weights ``minutes[...]``.
    edge_kind : ndarray of int8
        Index into :data:`EDGE_KINDS` for every edge.
    edge_via : ndarray of str
        The line id, flight (``WNZ-PEK``), transfer mode or ``road`` of every edge.
    modes, measure : the compile options.
    """

    node_ids: NDArray[np.object_]
    node_kind: NDArray[np.object_]
    node_city: NDArray[np.object_]
    indptr: NDArray[np.int64]
    indices: NDArray[np.int32]
    minutes: NDArray[np.float64]
    edge_kind: NDArray[np.int8]
    edge_via: NDArray[np.object_]
    modes: tuple[str, ...]
    measure: str

    @property
    def n_nodes(self) -> int:
        return len(self.node_ids)

    @property
    def n_edges(self) -> int:
        return len(self.indices)

    def node_index(self) -> dict[str, int]:
        """Map node id to position."""
        return {nid: i for i, nid in enumerate(self.node_ids)}

    def edge(self, u: int, v: int) -> int:
        """Position of the edge u -> v in the CSR arrays (KeyError if none)."""
        lo, hi = self.indptr[u], self.indptr[u + 1]
        hits = np.nonzero(self.indices[lo:hi] == v)[0]
        if len(hits) == 0:
            raise KeyError((u, v))
        return int(lo + hits[0])

    def to_scipy(self) -> csr_matrix:
        """The graph as a ``scipy.sparse.csr_matrix`` of minutes (zero-minute edges kept as explicit zeros)."""
        return csr_matrix((self.minutes, self.indices, self.indptr), shape=(self.n_nodes, self.n_nodes))


def _param(params: Mapping[str, Any], name: str) -> float:
    if name not in params:
        raise KeyError(f"network.toml [parameters] has no '{name}'; add it (see networks/README.md)")
    return float(params[name])


def access_minutes_estimate(crow_km: ArrayLike, params: Mapping[str, Any]) -> NDArray[np.float64]:
    """Road minutes from a city centre to a station, estimated from straight-line distance.

    ``access_base_minutes + crow_km * access_detour_factor / access_speed_kmh * 60``.
    """
    km = np.asarray(crow_km, dtype=np.float64)
    return (
        _param(params, "access_base_minutes")
        + km * _param(params, "access_detour_factor") / _param(params, "access_speed_kmh") * 60.0
    )


def rail_edges(net: Network, add: EdgeSink) -> None:
    """Hand ``add`` an edge between every pair of stations joined by open sections of one line.

    The rail edges of :func:`compile_graph` before published times and the door measure's change
    allowance: both directions of every pair, weighted by the running-time model, one call per pair
    and line (a pair on several lines is given once for each; the sink keeps the fastest).

    Parameters
    ----------
    net : Network
        The network on its date.
    add : EdgeSink
        Called as ``add(from_id, to_id, minutes, "rail", line_id)``.
    """
    params = net.running_time
    for run in line_runs(net):
        m = runtime.line_minutes(run.chainage_km, run.design_kmh, params, category=run.category)
        n = len(run.station_ids)
        for i in range(n):
            for j in range(n):
                if i != j:
                    add(str(run.station_ids[i]), str(run.station_ids[j]), float(m[i, j]), "rail", run.line_id)


@dataclass(frozen=True, eq=False)
class LineRun:
    """An unbroken in-service run of a line: consecutive listed stations whose stretches are all open.

    Attributes
    ----------
    line_id, category : str
    station_ids : numpy.ndarray of str
        The stations in line order.
    seq : numpy.ndarray of int64
        Their ``seq`` in ``line_stations.csv`` (stretch ``k`` runs from seq ``k`` to ``k + 1``).
    chainage_km : numpy.ndarray of float64
    design_kmh : numpy.ndarray of float64
        Per stretch between consecutive stations of the run (one fewer than the stations): the lowest
        design speed of the sections it crosses.
    """

    line_id: str
    category: str
    station_ids: NDArray[np.object_]
    seq: NDArray[np.int64]
    chainage_km: NDArray[np.float64]
    design_kmh: NDArray[np.float64]


def line_runs(net: Network) -> list[LineRun]:
    """Every unbroken in-service run of two or more stations of every line on ``net``'s date.

    The one place where a line is cut into what trains can run on: the static graph, the service
    model's track and the calibration all read their lines from here. Computed once per network
    (``Network.cached``); the arrays are read only.
    """
    return net.cached(("graph", "line_runs"), lambda: _line_runs(net))


def _line_runs(net: Network) -> list[LineRun]:
    ls = net.line_stations
    sections = net.sections
    category = net.lines.set_index("line_id")["category"].to_dict()
    all_ls = net.tables["line_stations"]
    seq_all = {  # (line, station) -> seq, over every listed station (in service or not)
        (str(lid), str(sid)): int(q) for lid, sid, q in zip(all_ls["line_id"], all_ls["station_id"], all_ls["seq"])
    }
    speed_at_line: dict[str, dict[int, float]] = {}  # the design speed of each stretch, from its section
    for lid, a, b, kmh in zip(
        sections["line_id"], sections["from_station_id"], sections["to_station_id"], sections["design_kmh"]
    ):
        at = speed_at_line.setdefault(str(lid), {})
        for k in range(seq_all[(str(lid), str(a))], seq_all[(str(lid), str(b))]):
            at[k] = float(kmh)
    out: list[LineRun] = []
    for line_id, stops in ls.groupby("line_id", sort=True):
        stops = stops.sort_values("seq")
        seq = stops["seq"].to_numpy(dtype=np.int64)
        chain = stops["chainage_km"].to_numpy(dtype=np.float64)
        sids = stops["station_id"].to_numpy(dtype=object)
        speed_at = speed_at_line.get(str(line_id), {})
        start = 0
        for i in range(1, len(seq) + 1):
            if i < len(seq) and all(k in speed_at for k in range(seq[i - 1], seq[i])):
                continue
            lo, hi, start = start, i, i
            if hi - lo < 2:
                continue
            kmh = np.array([min(speed_at[k] for k in range(seq[m], seq[m + 1])) for m in range(lo, hi - 1)])
            arrays = (sids[lo:hi].copy(), seq[lo:hi].copy(), chain[lo:hi].copy(), kmh)
            for a in arrays:  # kept on the network and shared by every caller: read only
                a.flags.writeable = False
            out.append(LineRun(str(line_id), str(category.get(line_id, "hsr")), *arrays))
    return out


def compile_graph(net: Network, modes: str | Iterable[str] = ("rail",), measure: str = "station") -> Graph:
    """Compile ``net`` (on its date) for ``modes`` and ``measure`` into a :class:`Graph`.

    Parameters
    ----------
    net : Network
    modes : sequence of {"rail", "air"}
    measure : {"station", "door"}

    Notes
    -----
    Parallel edges between one pair of nodes are merged, keeping the fastest, so a route's legs are
    determined by its node sequence. Complexity: O(sum over lines of stations^2) edges.
    """
    modes = normalise_modes(modes)
    measure = normalise_measure(measure)
    params = net.parameters
    for name in PARAMETERS_DOOR if measure == "door" else PARAMETERS_STATION:
        _param(params, name)

    st = net.stations
    keep_kinds = {"rail"} if modes == ("rail",) else ({"airport"} if modes == ("air",) else {"rail", "airport"})
    st = st[st["kind"].isin(keep_kinds)].sort_values(["city_id", "station_id"])
    ids = list(st["station_id"])
    kinds = list(st["kind"])
    cities = list(st["city_id"])
    if measure == "door":
        cs = net.cities.sort_values("city_id")
        ids += [f"centre:{c}" for c in cs["city_id"]]
        kinds += ["centre"] * len(cs)
        cities += list(cs["city_id"])
    index = {nid: i for i, nid in enumerate(ids)}

    edges: dict[tuple[int, int], tuple[float, int, str]] = {}

    def add(a: str, b: str, minutes: float, kind: str, via: str) -> None:
        if a not in index or b not in index:
            return
        key = (index[a], index[b])
        if key not in edges or minutes < edges[key][0]:
            edges[key] = (minutes, EDGE_KINDS.index(kind), via)

    if "rail" in modes:
        rail_edges(net, add)
        # a published fastest time replaces the model only where in-service sections of one line
        # join the two stations (a rail edge exists): never over a closed or unbuilt stretch
        for r in net.published_times.itertuples():
            for a, b in ((r.from_station_id, r.to_station_id), (r.to_station_id, r.from_station_id)):
                key = (index.get(a), index.get(b))
                if key in edges and EDGE_KINDS[edges[key][1]] == "rail":
                    edges[key] = (float(r.minutes), edges[key][1], edges[key][2])
    if "air" in modes:
        dep = _param(params, "airport_departure_minutes")
        arr = _param(params, "airport_arrival_minutes")
        iata = st.set_index("station_id")["iata"].to_dict()
        for r in net.flights.itertuples():
            for a, b in ((r.from_station_id, r.to_station_id), (r.to_station_id, r.from_station_id)):
                add(a, b, dep + r.block_minutes + arr, "flight", f"{iata.get(a)}-{iata.get(b)}")
    for r in net.transfers.itertuples():
        add(r.from_station_id, r.to_station_id, r.minutes, "transfer", r.mode)
        add(r.to_station_id, r.from_station_id, r.minutes, "transfer", r.mode)

    if measure == "door":
        change = _param(params, "rail_change_minutes")
        for key, (w, code, via) in list(edges.items()):
            if EDGE_KINDS[code] == "rail":
                edges[key] = (w + change, code, via)
        _access_edges(net, st, params, add)

    n = len(ids)
    if edges:
        keys = np.array(sorted(edges), dtype=np.int64)
        vals = [edges[tuple(k)] for k in keys]
        u, v = keys[:, 0], keys[:, 1]
    else:
        u = v = np.zeros(0, dtype=np.int64)
        vals = []
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.add.at(indptr, u + 1, 1)
    indptr = np.cumsum(indptr)
    return Graph(
        node_ids=np.array(ids, dtype=object),
        node_kind=np.array(kinds, dtype=object),
        node_city=np.array(cities, dtype=object),
        indptr=indptr,
        indices=v.astype(np.int32),
        minutes=np.array([x[0] for x in vals], dtype=np.float64),
        edge_kind=np.array([x[1] for x in vals], dtype=np.int8),
        edge_via=np.array([x[2] for x in vals], dtype=object),
        modes=modes,
        measure=measure,
    )


def _access_edges(net: Network, st: pd.DataFrame, params: Mapping[str, Any], add: EdgeSink) -> None:
    """Centre <-> station edges for the door measure."""
    dep_rail = _param(params, "rail_departure_minutes") - _param(params, "rail_change_minutes")
    if dep_rail < 0:
        raise ValueError("network.toml [parameters]: rail_departure_minutes must be at least rail_change_minutes")
    arr_rail = _param(params, "rail_arrival_minutes")
    fallback_n = int(_param(params, "access_fallback_stations"))
    fallback_km = _param(params, "access_fallback_max_km")
    cities = net.cities.set_index("city_id")
    overrides = {(r.city_id, r.station_id): r.minutes for r in net.access.itertuples()}
    s_lat = st["lat"].to_numpy()
    s_lon = st["lon"].to_numpy()
    s_ids = st["station_id"].to_numpy()
    s_kind = st["kind"].to_numpy()
    s_city = st["city_id"].to_numpy()
    for cid, c in cities.iterrows():
        crow = haversine_km(c["lat"], c["lon"], s_lat, s_lon)
        own = np.nonzero(s_city == cid)[0]
        if len(own) == 0:
            near = np.argsort(crow, kind="stable")[:fallback_n]
            own = near[crow[near] <= fallback_km]
        chosen = set(own.tolist()) | {i for i, sid in enumerate(s_ids) if (cid, sid) in overrides}
        road = access_minutes_estimate(crow, params)
        for i in sorted(chosen):
            minutes = overrides.get((cid, s_ids[i]), road[i])
            is_rail = s_kind[i] == "rail"
            add(f"centre:{cid}", s_ids[i], minutes + (dep_rail if is_rail else 0.0), "access", "road")
            add(s_ids[i], f"centre:{cid}", minutes + (arr_rail if is_rail else 0.0), "egress", "road")
