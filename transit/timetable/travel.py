"""The timetable method of :func:`transit.travel_times`: times from trains that run.

For a network (dated, with any scenario applied) the service model writes the day's trains
(:func:`~transit.timetable.service.synthesise_timetable`), flights join as trips when air is among
the modes (:func:`~transit.timetable.flights.flight_trips`), and the connection-scan engine profiles
every origin over a departure window (:func:`~transit.timetable.engine.profile`). A real timetable
(a GTFS feed read with :func:`~transit.timetable.gtfs.read_gtfs`, the 2016 workbook) can be given
instead with ``timetable=``; its stop ids must then be the network's station ids.

The statistic (``statistic=``):

``fastest`` (default)
    The fastest journey leaving in the window: arrival minus the time one leaves the origin
    station, waits at changes included, the wait for the first train not. This is how plans and
    news quote times ("the fastest train takes 1 h 45"), and what goals are judged on by default.
``median`` or ``p<k>``
    Over every minute of the window, the earliest arrival minus that minute: the wait for the first
    train included, as R5 counts it (``departure_time_window``, ``percentiles``): a typical
    departure.

The door measure adds centre-to-station access and station-to-centre egress (the static graph's
access edges: road minutes plus station or airport processing, every parameter in
``network.toml``) as transfers from and to a stop per city centre, so that waits at changes are the
timetable's own and not ``rail_change_minutes``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd

from transit._files import atomic_open
from transit.data.network import Network
from transit.modes import DEFAULT_MEASURE, DEFAULT_MODES, Measure, Method, Mode, normalise_measure, normalise_modes
from transit.routing.graph import EDGE_KINDS, compile_graph
from transit.routing.route import Leg, Route
from transit.timetable.engine import CompiledTimetable, Journey, Profile, compile_timetable, fastest_journey, profile
from transit.timetable.flights import flight_trips
from transit.timetable.model import Timetable
from transit.timetable.service import synthesise_timetable

__all__ = ["timetable_travel_times", "TimetableTravelTimes", "network_timetable", "DEFAULT_WINDOW"]

#: The default departure window, 06:00 to 22:00 (start, length in minutes): the hours trains run, so
#: that a typical departure (the median) is not one that waits all night for the first train.
DEFAULT_WINDOW: tuple[float, int] = (360.0, 960)


def network_timetable(
    network: Network, modes: str | Iterable[str] = DEFAULT_MODES, measure: str = DEFAULT_MEASURE
) -> Timetable:
    """The day's trips for a network: the service model's trains, flights when air is among the modes,
    and for the door measure the access and egress of every city centre (cached on the network).

    Examples
    --------
    >>> import transit
    >>> tt = network_timetable(transit.load_network().as_of(2016))
    >>> tt.n_trips > 500
    True
    """
    modes_n = normalise_modes(modes)
    measure_n = normalise_measure(measure)
    return network.cached(("timetable", modes_n, measure_n), lambda: _build(network, modes_n, measure_n))


def _build(network: Network, modes: tuple[Mode, ...], measure: Measure) -> Timetable:
    tt = network.cached(("timetable", "rail-service"), lambda: synthesise_timetable(network))
    if Mode.RAIL not in modes:  # air only: keep the stops, drop the trains
        tt = Timetable(
            tt.stops,
            tt.trips.iloc[:0],
            tt.stop_times.iloc[:0],
            tt.transfers,
            tt.default_change_minutes,
            tt.service_date,
            tt.label,
            dict(tt.meta),
        )
    if Mode.AIR in modes:
        tt = _with_flights(tt, network)
    if measure == Measure.DOOR:
        tt = _with_centres(tt, network, modes)
    return tt


def _with_flights(tt: Timetable, network: Network) -> Timetable:
    flights = flight_trips(network)
    stops = pd.concat([tt.stops, flights.stops[~flights.stops["stop_id"].isin(tt.stops["stop_id"])]], ignore_index=True)
    transfers = pd.concat([tt.transfers, flights.transfers], ignore_index=True).drop_duplicates(
        ["from_stop_id", "to_stop_id"], keep="first"
    )
    both = Timetable(
        stops,
        tt.trips,
        tt.stop_times,
        transfers,
        tt.default_change_minutes,
        tt.service_date,
        f"{tt.label} + flights",
        dict(tt.meta),
    )
    return both.with_trips(flights.trips, flights.stop_times)


def _with_centres(tt: Timetable, network: Network, modes: tuple[Mode, ...]) -> Timetable:
    """Add a stop per city centre, with the door graph's access and egress edges as transfers."""
    graph = compile_graph(network, modes, "door")
    kinds = np.asarray(EDGE_KINDS)[graph.edge_kind]
    src = np.repeat(np.arange(graph.n_nodes), np.diff(graph.indptr))
    keep = np.isin(kinds, ("access", "egress"))
    # the door graph adds rail_change_minutes to rail legs and takes it off the access leg; the
    # timetable has real waits, so access carries the whole processing time
    change = float(network.parameters["rail_change_minutes"])
    rail_stop = set(
        tt.stops.loc[tt.stops["stop_id"].isin(network.stations.query("kind == 'rail'")["station_id"]), "stop_id"]
    )
    frm = graph.node_ids[src[keep]].astype(str)
    to = graph.node_ids[graph.indices[keep]].astype(str)
    minutes = graph.minutes[keep] + np.where((kinds[keep] == "access") & np.isin(to, list(rail_stop)), change, 0.0)
    known = set(tt.stops["stop_id"])
    ok = np.array(
        [(a in known or a.startswith("centre:")) and (b in known or b.startswith("centre:")) for a, b in zip(frm, to)],
        dtype=bool,
    )
    extra = pd.DataFrame({"from_stop_id": frm[ok], "to_stop_id": to[ok], "min_transfer_minutes": minutes[ok]})
    cities = network.cities
    centres = pd.DataFrame(
        {
            "stop_id": "centre:" + cities["city_id"],
            "stop_name": cities["name"] + " centre",
            "lat": cities["lat"].to_numpy(float),
            "lon": cities["lon"].to_numpy(float),
            "city_id": cities["city_id"],
            "min_change_minutes": np.nan,
        }
    )
    return Timetable(
        pd.concat([tt.stops, centres], ignore_index=True),
        tt.trips,
        tt.stop_times,
        pd.concat([tt.transfers, extra], ignore_index=True),
        tt.default_change_minutes,
        tt.service_date,
        f"{tt.label} + door access",
        dict(tt.meta),
    )


def timetable_travel_times(
    network: Network,
    *,
    modes: str | Iterable[str] = DEFAULT_MODES,
    measure: str = DEFAULT_MEASURE,
    origins: Iterable[str] | None = None,
    destinations: Iterable[str] | None = None,
    statistic: str = "fastest",
    window: tuple[float, float] = DEFAULT_WINDOW,
    percentiles: Sequence[float] = (),
    timetable: Timetable | None = None,
) -> TimetableTravelTimes:
    """Travel times from trains (``method="timetable"`` of :func:`transit.travel_times`).

    Parameters
    ----------
    network : Network
    modes, measure, origins, destinations
        As :func:`transit.travel_times`.
    statistic : {"fastest", "median", "p<k>"}
        Which figure ``get`` and ``matrix`` give (see the module docstring); every one is in
        :meth:`TimetableTravelTimes.profile_frame`.
    window : (start_minutes, length_minutes)
        The departure window, minutes after midnight and its length (default 06:00 for 16 h).
    percentiles : sequence of float
        More percentiles to compute besides the median (``statistic="p80"`` adds 80 itself).
    timetable : Timetable, optional
        Route on this timetable instead of the service model's (stop ids = station ids).

    Returns
    -------
    TimetableTravelTimes
    """
    modes_n = normalise_modes(modes)
    measure_n = normalise_measure(measure)
    stat = str(statistic).strip().lower()
    pct = [float(p) for p in percentiles]
    if stat.startswith("p") and stat[1:].replace(".", "", 1).isdigit():
        pct.append(float(stat[1:]))
    elif stat not in ("fastest", "median"):
        raise ValueError(f"statistic must be 'fastest', 'median' or 'p<k>' (e.g. 'p80'), got {statistic!r}")
    start, length = float(window[0]), float(window[1])
    if not (0 <= start and 1 <= length and math.isfinite(start + length)):
        raise ValueError(f"window must be (start_minutes >= 0, length_minutes >= 1), got {window!r}")
    tt = timetable if timetable is not None else network_timetable(network, modes_n, measure_n)
    ct = compile_timetable(tt)
    index = {str(s): k for k, s in enumerate(ct.stop_ids)}
    if origins is None:
        rows = [str(s) for s in ct.stop_ids]
    else:
        rows = sorted({s for key in origins for s in _stops_of(network, index, measure_n, key)})
    prof = profile(ct, rows, window_start_minutes=start, window_minutes=int(round(length)), percentiles=pct)
    dest = None
    if destinations is not None:
        network.places(destinations)  # every unknown name reported at once
        dest = list(destinations)
    return TimetableTravelTimes(network, tt, ct, prof, modes_n, measure_n, stat, (start, length), dest)


def _stops_of(network: Network, index: dict[str, int], measure: Measure, key: str) -> list[str]:
    """The stops a place stands for: a city's centre (door) or central stations; a station itself."""
    kind, pid = network.resolve(key)
    if kind == "station":
        if pid not in index:
            raise ValueError(
                f"station {pid!r} has no stop in the timetable (an airport needs mode 'air'; "
                "a station needs a train calling there on the date)"
            )
        return [pid]
    if measure == Measure.DOOR:
        return [f"centre:{pid}"] if f"centre:{pid}" in index else []
    return [s for s in network.city_stations(pid, central=True) if s in index]


class TimetableTravelTimes:
    """Minutes between the places of a network from a timetable, with the journeys behind them.

    Not built directly: use :func:`transit.travel_times` with ``method="timetable"``. Offers what the
    static :class:`~transit.routing.TravelTimes` offers (``get``, ``route``, ``matrix``,
    ``to_frame``, ``to_csv``, ``from_origin``), says how it was made (``method``, ``statistic``,
    ``window``), and gives every statistic of the profile (:meth:`profile_frame`).
    """

    def __init__(
        self,
        network: Network,
        timetable: Timetable,
        compiled: CompiledTimetable,
        prof: Profile,
        modes: tuple[Mode, ...],
        measure: Measure,
        statistic: str,
        window: tuple[float, float],
        destinations: list[str] | None,
    ):
        self.network = network
        self.timetable = timetable
        self.modes = modes
        self.measure = measure
        self.method = Method.TIMETABLE
        self.statistic = statistic
        self.window = window
        self._ct = compiled
        self._profile = prof
        self._row_of = {s: k for k, s in enumerate(prof.origins)}
        self._col_of = {s: k for k, s in enumerate(prof.stops)}
        if statistic == "fastest":
            self._minutes = prof.fastest_minutes
        elif statistic == "median":
            self._minutes = prof.median_minutes
        else:
            self._minutes = prof.percentile_minutes[float(statistic[1:])]
        self._destinations = destinations

    def with_statistic(self, statistic: str) -> TimetableTravelTimes:
        """The same journeys read with another statistic (``fastest``, ``median`` or a ``p<k>`` computed).

        Shares the profile: nothing is routed again.
        """
        stat = str(statistic).strip().lower()
        if stat not in ("fastest", "median") and not (
            stat.startswith("p") and float(stat[1:] or "nan") in self._profile.percentile_minutes
        ):
            have = ", ".join(f"p{p:g}" for p in self._profile.percentile_minutes)
            raise ValueError(f"statistic {statistic!r} was not computed; have fastest, median, {have}")
        return TimetableTravelTimes(
            self.network,
            self.timetable,
            self._ct,
            self._profile,
            self.modes,
            self.measure,
            stat,
            self.window,
            self._destinations,
        )

    def __repr__(self) -> str:
        h, m = divmod(int(self.window[0]), 60)
        return (
            f"<TravelTimes timetable method ({self.statistic}, window {h:02d}:{m:02d} + {self.window[1]:g} min), "
            f"{self.measure} measure, modes {'+'.join(self.modes)}, network {self.network.label!r} on "
            f"{self.network.date.isoformat()}, {len(self._row_of)} origin stops, {self.timetable.n_trips} trips>"
        )

    # -------------------------------------------------------------- single values
    def _stops(self, key: str) -> list[str]:
        return _stops_of(self.network, self._col_of, self.measure, key)

    def _best(self, a: str, b: str) -> tuple[float, str | None, str | None]:
        src, dst = self._stops(a), self._stops(b)
        if any(s not in self._row_of for s in src):
            raise ValueError(f"{a!r} was not among the origins given to travel_times(); add it to origins=")
        if not src or not dst:
            return math.inf, None, None
        block = self._minutes[np.ix_([self._row_of[s] for s in src], [self._col_of[d] for d in dst])]
        k = int(np.argmin(block))
        i, j = divmod(k, len(dst))
        return float(block[i, j]), src[i], dst[j]

    def get(self, a: str, b: str) -> float:
        """Minutes from ``a`` to ``b`` (cities or stations by id, English or Chinese name); inf if unreachable."""
        return self._best(a, b)[0]

    def journey(self, a: str, b: str) -> Journey | None:
        """The fastest journey between the best stops of ``a`` and ``b`` in the window, with its trains."""
        minutes, s, t = self._best(a, b)
        if s is None or t is None or not math.isfinite(minutes):
            return None
        return fastest_journey(self._ct, s, t, self.window[0], self.window[1])

    @cached_property
    def _trip_modes(self) -> dict[str, str]:
        """Trip id -> mode (``rail``, ``air``), built once for every route asked of this result."""
        return dict(zip(self.timetable.trips["trip_id"].astype(str), self.timetable.trips["mode"]))

    @cached_property
    def _station_names(self) -> dict[str, str]:
        """Station id -> English name, for the labels of through trains."""
        return dict(zip(self.network.stations["station_id"], self.network.stations["name"]))

    def _service_label(self, route_id: str) -> str:
        """What a leg runs on, for reports: a line's own trains give the line id; a through train of
        the service model ``through train <first>-<last>`` (``(second route)`` added for the trains of
        a pair on its second route); anything else (a real timetable's route,
        a flight) unchanged."""
        if route_id.startswith("line:"):
            return route_id.split(":")[1]
        pair, second = route_id.removesuffix("~second"), route_id.endswith("~second")
        ends = pair.split("--")
        names = self._station_names
        if len(ends) == 2 and all(e in names for e in ends):
            return f"through train {names[ends[0]]}-{names[ends[1]]}" + (" (second route)" if second else "")
        return route_id

    def route(self, a: str, b: str) -> Route:
        """The legs of the fastest journey from ``a`` to ``b``: each train with its departure, arrival and wait."""
        j = self.journey(a, b)
        legs: list[Leg] = []
        if j is not None:
            for leg in j.legs:
                if leg.kind == "train":
                    mode = self._trip_modes.get(str(leg.trip_id), "rail")
                    legs.append(
                        Leg(
                            leg.from_stop,
                            leg.to_stop,
                            "flight" if mode == "air" else "rail",
                            self._service_label(str(leg.route_id or leg.train)),
                            leg.wait_minutes + leg.minutes,
                            train=leg.train,
                            departure_minutes=leg.depart_minutes,
                            arrival_minutes=leg.arrive_minutes,
                            wait_minutes=leg.wait_minutes,
                        )
                    )
                else:
                    kind = (
                        "access"
                        if leg.from_stop.startswith("centre:")
                        else "egress"
                        if leg.to_stop.startswith("centre:")
                        else "transfer"
                    )
                    legs.append(
                        Leg(
                            leg.from_stop,
                            leg.to_stop,
                            kind,
                            "road" if kind != "transfer" else "walk",
                            leg.wait_minutes + leg.minutes,
                            departure_minutes=leg.depart_minutes,
                            arrival_minutes=leg.arrive_minutes,
                            wait_minutes=leg.wait_minutes,
                        )
                    )
        return Route(a, b, str(self.measure), tuple(legs))

    def from_origin(self, a: str) -> pd.Series:
        """Minutes from ``a`` to every stop, indexed by station id (centre stops left out)."""
        src = self._stops(a)
        block = self._minutes[[self._row_of[s] for s in src]].min(axis=0)
        keep = np.array([not s.startswith("centre:") for s in self._profile.stops])
        return pd.Series(
            block[keep], index=pd.Index(np.asarray(self._profile.stops)[keep], name="station_id"), name="minutes"
        )

    # -------------------------------------------------------------- tables
    def matrix(self, level: str = "city") -> pd.DataFrame:
        """Origins x destinations minutes: ``level="city"`` (every city) or ``"station"`` (every stop)."""
        if level == "station":
            rows = [s for s in self._profile.origins if not s.startswith("centre:")]
            cols = [s for s in self._profile.stops if not s.startswith("centre:")]
            frame = pd.DataFrame(
                self._minutes[np.ix_([self._row_of[s] for s in rows], [self._col_of[s] for s in cols])],
                index=pd.Index(rows, name="origin_id"),
                columns=pd.Index(cols, name="destination_id"),
            )
        elif level == "city":
            cities = list(self.network.cities.sort_values("city_id")["city_id"])
            stops = {c: self._stops(c) for c in cities}
            origin_cities = [c for c in cities if stops[c] and all(s in self._row_of for s in stops[c])]
            out = np.full((len(origin_cities), len(cities)), np.inf)
            for i, c in enumerate(origin_cities):
                rowmin = self._minutes[[self._row_of[s] for s in stops[c]]].min(axis=0)
                for j, c2 in enumerate(cities):
                    if stops[c2]:
                        out[i, j] = rowmin[[self._col_of[s] for s in stops[c2]]].min()
                out[i, cities.index(c)] = 0.0
            frame = pd.DataFrame(
                out, index=pd.Index(origin_cities, name="origin_id"), columns=pd.Index(cities, name="destination_id")
            )
        else:
            raise ValueError(f"level must be 'city' or 'station', got {level!r}")
        if self._destinations is not None:
            keep = {pid for _kind, pid in self.network.places(self._destinations)}
            frame = frame[[c for c in frame.columns if c in keep]]
        return frame

    def to_frame(self, level: str = "city") -> pd.DataFrame:
        """Long table: origin_id, destination_id, minutes (unreachable pairs kept, as inf)."""
        m = self.matrix(level)
        long = m.stack(future_stack=True).rename("minutes").reset_index()
        return long[long["origin_id"] != long["destination_id"]].reset_index(drop=True)

    def profile_frame(self) -> pd.DataFrame:
        """Every statistic of the profile, one row per origin stop and stop: fastest, median and
        percentiles, departures in the window and per day, first and last useful departures."""
        return self._profile.to_frame()

    def to_csv(self, path: str | Path, level: str = "city", *, overwrite: bool = False) -> Path:
        """Write :meth:`to_frame` to ``path`` atomically; refuses to replace a file unless ``overwrite``."""
        frame = self.to_frame(level)
        with atomic_open(path, overwrite=overwrite) as f:
            frame.to_csv(f, index=False, float_format="%.2f", lineterminator="\n")
        return Path(path)
