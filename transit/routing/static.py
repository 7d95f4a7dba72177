"""The static method: travel times on the per-line graph, with the route behind every time.

:func:`static_travel_times` compiles the network (cached on it per modes and measure), runs the all-pairs
kernel once, and returns a :class:`TravelTimes`: a labelled matrix over every node with
predecessors, from which city-level times (the best station of A to the best station of B, or centre
to centre) and routes are read.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from transit._files import atomic_open
from transit.data.network import Network
from transit.modes import (
    DEFAULT_MEASURE,
    DEFAULT_MODES,
    Method,
    normalise_measure,
    normalise_modes,
)
from transit.routing.graph import EDGE_KINDS, Graph, compile_graph
from transit.routing.paths import path_from_predecessors, shortest_minutes
from transit.routing.route import Leg, Route

__all__ = ["static_travel_times", "TravelTimes"]


def static_travel_times(
    network: Network,
    *,
    modes: str | Iterable[str] = DEFAULT_MODES,
    measure: str = DEFAULT_MEASURE,
    origins: Iterable[str] | None = None,
    destinations: Iterable[str] | None = None,
) -> TravelTimes:
    """Fastest travel times on the static per-line graph (``method="static"`` of :func:`transit.travel_times`).

    Parameters
    ----------
    network, modes, measure, origins, destinations
        As :func:`transit.travel_times`, which documents them once.

    Returns
    -------
    TravelTimes

    Examples
    --------
    >>> import transit
    >>> tt = static_travel_times(transit.load_network(), measure="station")
    >>> tt.get("Shanghai", "Hangzhou") < 90
    True
    """
    graph = _cached_graph(network, modes, measure)
    index = graph.node_index()
    if origins is None:
        rows = np.arange(graph.n_nodes, dtype=np.int64)
    else:
        rows = np.array(sorted({i for key in origins for i in _nodes_of(network, graph, index, key)}), dtype=np.int64)
    dist, pred = shortest_minutes(graph.indptr, graph.indices, graph.minutes, rows, predecessors=True)
    dest = None
    if destinations is not None:
        network.places(destinations)  # every unknown name reported at once
        dest = list(destinations)
    return TravelTimes(network, graph, rows, dist, pred, dest)


def _cached_graph(network: Network, modes: str | Iterable[str], measure: str) -> Graph:
    key = ("graph", normalise_modes(modes), normalise_measure(measure))
    return network.cached(key, lambda: compile_graph(network, modes, measure))


def _nodes_of(network: Network, graph: Graph, index: dict[str, int], key: str) -> list[int]:
    """The nodes a place stands for: a city's centre (door) or stations; a station itself."""
    kind, pid = network.resolve(key)
    if kind == "station":
        if pid not in index:
            raise ValueError(
                f"station {pid!r} is not in the {graph.measure} graph for modes {graph.modes} "
                "(an airport needs mode 'air'; a rail station mode 'rail')"
            )
        return [index[pid]]
    if graph.measure == "door":
        return [index[f"centre:{pid}"]]
    return [index[s] for s in network.city_stations(pid, central=True) if s in index]


class TravelTimes:
    """Fastest minutes between the places of a network, with routes.

    Not built directly: use :func:`travel_times`.
    """

    def __init__(
        self,
        network: Network,
        graph: Graph,
        rows: NDArray[np.int64],
        dist: NDArray[np.float64],
        pred: NDArray[np.int32],
        destinations: list[str] | None,
    ) -> None:
        self.network = network
        self.graph = graph
        self.measure = graph.measure
        self.modes = graph.modes
        #: The engine that made these times, the statistic over departures, and the window (none).
        self.method = Method.STATIC
        self.statistic = "fastest"
        self.window = None
        self._rows = rows
        self._row_of = {int(r): k for k, r in enumerate(rows)}
        self._dist = dist
        self._pred = pred
        self._index = graph.node_index()
        self._destinations = destinations

    def __repr__(self) -> str:
        return (
            f"<TravelTimes {self.method} method, {self.measure} measure, modes {'+'.join(self.modes)}, network "
            f"{self.network.label!r} on {self.network.date.isoformat()}, {len(self._rows)} origin nodes>"
        )

    # -------------------------------------------------------------- single values
    def _nodes(self, key: str) -> list[int]:
        return _nodes_of(self.network, self.graph, self._index, key)

    def _best(self, a: str, b: str) -> tuple[float, int, int]:
        src, dst = self._nodes(a), self._nodes(b)
        missing = [s for s in src if s not in self._row_of]
        if missing:
            raise ValueError(f"{a!r} was not among the origins given to travel_times(); add it to origins=")
        if not src or not dst:
            return float("inf"), -1, -1
        block = self._dist[np.ix_([self._row_of[s] for s in src], dst)]
        k = int(np.argmin(block))
        i, j = divmod(k, len(dst))
        return float(block[i, j]), src[i], dst[j]

    def get(self, a: str, b: str) -> float:
        """Minutes from ``a`` to ``b`` (cities or stations by id, English or Chinese name); inf if unreachable.

        A city means its best central station (station measure: see ``Network.city_stations(central=True)``)
        or its centre (door measure).
        """
        return self._best(a, b)[0]

    def route(self, a: str, b: str) -> Route:
        """The legs of the fastest journey from ``a`` to ``b``."""
        minutes, s, t = self._best(a, b)
        legs: list[Leg] = []
        if np.isfinite(minutes) and s != t:
            nodes = path_from_predecessors(self._pred[self._row_of[s]], s, t)
            g = self.graph
            for u, v in zip(nodes, nodes[1:]):
                e = g.edge(u, v)
                legs.append(
                    Leg(
                        str(g.node_ids[u]),
                        str(g.node_ids[v]),
                        EDGE_KINDS[g.edge_kind[e]],
                        str(g.edge_via[e]),
                        float(g.minutes[e]),
                    )
                )
        return Route(a, b, self.measure, tuple(legs))

    def from_origin(self, a: str) -> pd.Series:
        """Minutes from ``a`` to every station and airport of the graph, indexed by station id."""
        src = self._nodes(a)
        block = self._dist[[self._row_of[s] for s in src]].min(axis=0)
        keep = self.graph.node_kind != "centre"
        return pd.Series(
            block[keep], index=pd.Index(self.graph.node_ids[keep].astype(str), name="station_id"), name="minutes"
        )

    # -------------------------------------------------------------- tables
    def matrix(self, level: str = "city") -> pd.DataFrame:
        """Origins x destinations minutes: ``level="city"`` (every city) or ``"station"`` (stations and airports)."""
        g = self.graph
        if level == "station":
            cols = np.nonzero(g.node_kind != "centre")[0]
            rows = np.array([k for k, r in enumerate(self._rows) if g.node_kind[r] != "centre"], dtype=np.intp)
            frame = pd.DataFrame(
                self._dist[np.ix_(rows, cols)],
                index=pd.Index(g.node_ids[self._rows[rows]].astype(str), name="origin_id"),
                columns=pd.Index(g.node_ids[cols].astype(str), name="destination_id"),
            )
        elif level == "city":
            cities = list(self.network.cities.sort_values("city_id")["city_id"])
            nodes_of = {c: self._nodes(c) for c in cities}  # resolved once per city
            origin_cities = [c for c in cities if nodes_of[c] and all(n in self._row_of for n in nodes_of[c])]
            column = {c: j for j, c in enumerate(cities)}
            out = np.full((len(origin_cities), len(cities)), np.inf)
            for i, c in enumerate(origin_cities):
                rowmin = self._dist[[self._row_of[n] for n in nodes_of[c]]].min(axis=0)
                for j, c2 in enumerate(cities):
                    if nodes_of[c2]:
                        out[i, j] = rowmin[nodes_of[c2]].min()
                out[i, column[c]] = 0.0
            frame = pd.DataFrame(
                out, index=pd.Index(origin_cities, name="origin_id"), columns=pd.Index(cities, name="destination_id")
            )
        else:
            raise ValueError(f"level must be 'city' or 'station', got {level!r}")
        if self._destinations is not None:
            keep = [pid for kind, pid in self.network.places(self._destinations)]
            frame = frame[[c for c in frame.columns if c in keep]]
        return frame

    def to_frame(self, level: str = "city") -> pd.DataFrame:
        """Long table: origin_id, destination_id, minutes (unreachable pairs kept, as inf)."""
        m = self.matrix(level)
        stacked = m.stack(future_stack=True)
        assert isinstance(stacked, pd.Series)  # the matrix has one level of columns, so stack gives a Series
        long = stacked.rename("minutes").reset_index()
        return long[long["origin_id"] != long["destination_id"]].reset_index(drop=True)

    def to_csv(self, path: str | Path, level: str = "city", *, overwrite: bool = False) -> Path:
        """Write :meth:`to_frame` to ``path`` atomically; refuses to replace a file unless ``overwrite``."""
        frame = self.to_frame(level)
        with atomic_open(path, overwrite=overwrite) as f:
            frame.to_csv(f, index=False, float_format="%.2f", lineterminator="\n")
        return Path(path)
