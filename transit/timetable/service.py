"""The service model: write one day's trains for a network on any date, or with a scenario applied.

The static graph joins every pair of stations of a line as if a train ran non-stop between them and
lets changes cost nothing. The service model writes the trains instead, so that stops, through
running, waits at changes and slow hubs come out of the timetable the engine routes on. Its rules,
all with parameters in the ``[service]`` table of the network's ``network.toml`` (see
``docs/service_model.md``; fitted on the 2016 timetable by ``scripts/calibrate_service.py``):

1. **Track graph.** Consecutive listed stations of every unbroken run of in-service sections of a
   line are joined; a station on several lines is where trains can run from one line to the next,
   unless ``network.no_through`` bars it there (:func:`track_search`).
   The operating top speed of each stretch is that of ``network.operating_speeds`` for its section on
   the network's date where that table exists, else the ``[running_time]`` rule
   (:func:`transit.routing.runtime.operating_kmh`).
2. **Service routes.** Every in-service run of a line gets an end-to-end route. Between every pair of
   *terminals* (ends of runs, hubs, main stations of cities of at least ``terminal_min_population``)
   of different cities
   a route runs along the fastest track path, across lines where it leads there, with a gravity
   frequency ``trains_per_day = scale * (P_a P_b / 1e12) ** population_exponent * (km / 100) **
   -km_exponent * exp(per_corridor_change * corridor_changes)`` each way (P: city populations;
   ``corridor_changes``: the fewest changes of corridor needed between them by track, :func:`corridor_changes`;
   a corridor is a group of lines of ``corridors.csv`` that trains run through as one, or a line of its own),
   rounded with a fixed dither per pair
   (``floor(x + u)``, ``u`` a uniform draw from a hash of the pair: ``x`` trains on average, and a
   pair keeps its trains when a new line adds or moves other pairs), dropped below ``min_trains_per_day``,
   capped at ``max_trains_per_day``; a line's own route runs at least ``line_min_trains_per_day``.
   Where a pair has a *second route* (:func:`alternative_paths`: through another terminal, off the
   fastest path, at most ``alternative_max_ratio`` times its track time), a share ``s`` of its
   trains runs there, ``logit s = alternative_intercept + alternative_per_log_ratio * ln(ratio)``
   (:func:`alternative_share`; fitted on the 2016 trains: 21 % of the trains of such pairs ran the
   second route, Shanghai Hongqiao - Wenzhou South by Ningbo as well as by Jinhua).
3. **Stopping patterns.** Each station has a *call share* ``p``, the share of passing trains that
   call there, a logistic function of measured attributes: ``logit p = intercept +
   per_log10_population * log10(population / 1e6) + main_station * [main station of its city] +
   per_extra_line * (lines - 1) + terminus * [end of a line] + hub * [hub]``. The ``n`` trains of a
   route each way get levels ``q = (k + 1/2) / n`` (interleaved over the day), and train ``k`` calls
   at station ``s`` where ``p_s > u_ks`` (and at its two ends), ``u`` uniform draws of a Gaussian
   copula with correlation ``pattern_correlation`` between the train's level and the station's own
   draw (:func:`_call_draws`): 1 gives nested patterns (an express skips every station quieter than
   its level), 0 independent skip-stop patterns; every station keeps its call share either way. A
   line's own trains call at each of its stations at least once. A share of a route's trains (a
   through route's, or a line's own end to end), the top levels, run *express*: they call only
   where the call share is at least ``express_min_call_share`` (the hubs and the busiest main
   stations); the share grows with the size of the pair, ``logit e = express_intercept +
   express_per_log_population * ln(P_a P_b / 1e12)`` (:func:`express_share`), fitted on the real
   trains of 2016 (2.8 % of them ran so, 24 % of those between the largest cities). A station in
   its *opening period* (:func:`opening_stations`: a new line's few first trains, until the next
   national timetable change) gets ``opening_call_logit`` on its logit.
4. **Running times.** Between two consecutive calls a train runs start to stop: cruising at
   ``speed_factor_<category> * operating speed`` plus the loss of braking and accelerating
   (``stop_loss_minutes_per_100kmh`` of ``[running_time]``), plus ``leg_margin_minutes``, plus
   ``hub_extra_minutes`` for each end of the leg at a hub (slow approach and throat). It stands
   ``dwell_minutes`` at a call (``hub_dwell_minutes`` at a hub).
5. **Departures** of a route's trains are spread evenly between ``first_departure_minutes`` and
   ``last_departure_minutes`` with a deterministic offset per route, and the levels are interleaved
   over the day (golden-ratio order), so expresses and stopping trains alternate.
6. **Changes.** Stops carry ``min_change_minutes`` (``hub_change_minutes`` at hubs,
   ``change_minutes`` elsewhere); ``transfers`` come from the network's transfers table.

Everything is deterministic: the same network and parameters give identical frames. The hashed
draws (stopping patterns, rounding, departure offsets) are draw number ``[service] draw`` (0 by
default); another number gives another, equally likely timetable by the same rules.
"""

from __future__ import annotations

import math
import zlib
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra
from scipy.special import ndtr, ndtri

from transit.routing import runtime
from transit.routing.graph import line_runs
from transit.timetable._kernels import path_sums, second_routes, trip_times
from transit.timetable.model import STOP_COLUMNS, STOP_TIME_COLUMNS, TRANSFER_COLUMNS, TRIP_COLUMNS, Timetable

__all__ = [
    "synthesise_timetable",
    "ServiceParams",
    "station_attributes",
    "opening_stations",
    "call_shares",
    "track_graph",
    "TrackGraph",
    "TrackSearch",
    "track_search",
    "express_share",
    "SERVICE_KEYS",
]

#: Every key the service model reads, by sub-table of ``[service]`` ("" = the table itself).
SERVICE_KEYS = {
    "": (
        "first_departure_minutes",
        "last_departure_minutes",
        "change_minutes",
        "hub_change_minutes",
        "hub_stations",
        "terminal_min_population",
        "alternative_max_ratio",
        "alternative_max_overlap",
        "opening_period_max_days",
        "draw",
    ),
    "frequency": (
        "scale_trains_per_day",
        "population_exponent",
        "km_exponent",
        "per_corridor_change",
        "alternative_intercept",
        "alternative_per_log_ratio",
        "min_trains_per_day",
        "max_trains_per_day",
        "line_min_trains_per_day",
    ),
    "calls": (
        "intercept",
        "per_log10_population",
        "main_station",
        "per_extra_line",
        "terminus",
        "hub",
        "pattern_correlation",
        "express_intercept",
        "express_per_log_population",
        "express_min_call_share",
        "opening_call_logit",
    ),
    "running": (
        "speed_factor_hsr",
        "speed_factor_intercity",
        "speed_factor_conventional",
        "leg_margin_minutes",
        "dwell_minutes",
        "hub_dwell_minutes",
        "hub_extra_minutes",
    ),
}

#: The coefficients of the call-share logistic, in the column order of :func:`call_features`.
CALL_COEFFICIENTS = SERVICE_KEYS["calls"][:6]

_GOLDEN = (math.sqrt(5.0) - 1.0) / 2.0
_UNJOINED = 1_000_000


@dataclass(frozen=True)
class ServiceParams:
    """The ``[service]`` table of ``network.toml``, checked.

    Attributes
    ----------
    values : dict
        ``{"": {...}, "frequency": {...}, "calls": {...}, "running": {...}}``, floats except
        ``hub_stations`` (a tuple of station ids).
    """

    values: dict

    @classmethod
    def from_mapping(cls, table: Mapping | None, overrides: Mapping | None = None) -> ServiceParams:
        """Read and check a ``[service]`` table; ``overrides`` (same shape) replace some values.

        Raises
        ------
        KeyError
            Naming every missing key, and network.toml, where the table lacks one.
        ValueError
            Naming every key whose value is not a number (or ``hub_stations`` not a list).
        """
        table = dict(table or {})
        overrides = dict(overrides or {})
        missing, bad, out = [], [], {}
        for sub, keys in SERVICE_KEYS.items():
            src = table if sub == "" else dict(table.get(sub, {}) or {})
            ov = overrides if sub == "" else dict(overrides.get(sub, {}) or {})
            vals = {}
            for k in keys:
                where = f"[service{'.' + sub if sub else ''}] {k}"
                if k in ov:
                    v = ov[k]
                elif k in src:
                    v = src[k]
                else:
                    missing.append(where)
                    continue
                if k == "hub_stations":
                    if isinstance(v, str) or not isinstance(v, Sequence):
                        bad.append(f"{where} = {v!r} is not a list of station ids")
                        continue
                    vals[k] = tuple(str(s) for s in v)
                    continue
                try:
                    x = float(v)
                except (TypeError, ValueError):
                    bad.append(f"{where} = {v!r} is not a number")
                    continue
                if not np.isfinite(x):
                    bad.append(f"{where} = {v!r} is not finite")
                    continue
                vals[k] = x
            out[sub] = vals
        if missing:
            raise KeyError(
                "network.toml lacks service-model parameters: "
                + ", ".join(missing)
                + "; add them to the [service] table (see docs/service_model.md, or run "
                "scripts/calibrate_service.py --write)"
            )
        if bad:
            raise ValueError("invalid service-model parameters in network.toml: " + "; ".join(bad))
        r, f = out["running"], out["frequency"]
        for k in ("speed_factor_hsr", "speed_factor_intercity", "speed_factor_conventional"):
            if not 0.0 < r[k] <= 1.5:
                bad.append(f"[service.running] {k} = {r[k]} must be in (0, 1.5]")
        for k in ("pattern_correlation", "express_min_call_share"):
            if not 0.0 <= out["calls"][k] <= 1.0:
                bad.append(f"[service.calls] {k} = {out['calls'][k]} must be from 0 to 1")
        if out[""]["draw"] < 0 or out[""]["draw"] != int(out[""]["draw"]):
            bad.append(f"[service] draw = {out['']['draw']:g} must be a whole number from 0 (0: the bundled draw)")
        if out[""]["last_departure_minutes"] < out[""]["first_departure_minutes"]:
            bad.append("[service] last_departure_minutes is before first_departure_minutes")
        if f["max_trains_per_day"] < 1 or f["min_trains_per_day"] <= 0:
            bad.append("[service.frequency] max_trains_per_day must be >= 1 and min_trains_per_day > 0")
        if bad:
            raise ValueError("invalid service-model parameters in network.toml: " + "; ".join(bad))
        return cls(out)

    def __getitem__(self, key: str):
        sub, _, name = key.rpartition(".")
        return self.values[sub][name]

    def to_dict(self) -> dict:
        """As a nested dict shaped like the TOML table."""
        d = dict(self.values[""])
        d["hub_stations"] = list(d["hub_stations"])
        for sub in ("frequency", "calls", "running"):
            d[sub] = dict(self.values[sub])
        return d


# ----------------------------------------------------------------------------------------- track
@dataclass(frozen=True, eq=False)
class TrackGraph:
    """Consecutive stations of in-service line runs, as arrays.

    Attributes
    ----------
    station_ids : numpy.ndarray of str
        Rail stations in service, sorted.
    runs : list of tuple
        ``(line_id, category, station positions, chainage_km, operating_kmh per stretch)`` per
        unbroken in-service run of a line.
    edge_u, edge_v : numpy.ndarray of int
        Station positions joined by one stretch (both directions listed).
    edge_km, edge_op_kmh : numpy.ndarray of float
        Its length and operating top speed.
    edge_category : numpy.ndarray of str
        The line category of the stretch.
    edge_line : numpy.ndarray of str
    corridors : mapping
        ``line_id -> corridor ids`` (``Network.corridors``); lines in none are left out.
    no_through : frozenset of tuple
        ``(station position, line_id, other_line_id)`` (the two ids sorted): two lines that meet at a
        station where trains cannot run from one onto the other (``Network.no_through``).
    """

    station_ids: np.ndarray
    runs: list
    edge_u: np.ndarray
    edge_v: np.ndarray
    edge_km: np.ndarray
    edge_op_kmh: np.ndarray
    edge_category: np.ndarray
    edge_line: np.ndarray
    corridors: Mapping[str, tuple[str, ...]]
    no_through: frozenset = frozenset()

    def index(self) -> dict[str, int]:
        """Station id to position."""
        return {s: i for i, s in enumerate(self.station_ids)}


def _operating_speed_rows(network) -> dict:
    """``(line_id, seq) -> operating km/h`` from ``network.operating_speeds`` (the rows that hold on
    the network's date, already cut so that they do not overlap)."""
    ops = network.operating_speeds
    if len(ops) == 0:
        return {}
    seq_all = network.tables["line_stations"].set_index(["line_id", "station_id"])["seq"]
    out = {}
    for r in ops.itertuples():
        try:
            a = int(seq_all.loc[(r.line_id, r.from_station_id)])
            b = int(seq_all.loc[(r.line_id, r.to_station_id)])
        except KeyError:
            continue
        for k in range(min(a, b), max(a, b)):
            out[(r.line_id, k)] = float(r.operating_kmh)
    return out


def track_graph(network) -> TrackGraph:
    """The in-service track of ``network`` on its date (see the module docstring, rule 1).

    Examples
    --------
    >>> import transit
    >>> tg = track_graph(transit.load_network().as_of("2016-03-10"))
    >>> bool(len(tg.edge_u) > 0)
    True
    """
    return network.cached(("service", "track"), lambda: _build_track_graph(network))


def _build_track_graph(network) -> TrackGraph:
    st = network.stations
    ids = np.array(sorted(st.loc[st["kind"] == "rail", "station_id"]), dtype=object)
    index = {s: i for i, s in enumerate(ids)}
    op_rows = _operating_speed_rows(network)
    rt = network.running_time
    runs, eu, ev, ekm, eop, ecat, eline = [], [], [], [], [], [], []
    for run in line_runs(network):
        line_id, cat, seq = run.line_id, run.category, run.seq
        if any(s not in index for s in run.station_ids):
            continue
        modelled = runtime.operating_kmh(run.design_kmh, rt)
        op = []
        for m in range(len(seq) - 1):
            given = [op_rows[(line_id, k)] for k in range(seq[m], seq[m + 1]) if (line_id, k) in op_rows]
            op.append(min(given) if given else float(modelled[m]))
        pos = np.array([index[s] for s in run.station_ids], dtype=np.int64)
        op = np.array(op, dtype=np.float64)
        runs.append((line_id, cat, pos, run.chainage_km.copy(), op))
        km = np.diff(run.chainage_km)
        for m in range(len(pos) - 1):
            for u, v in ((pos[m], pos[m + 1]), (pos[m + 1], pos[m])):
                eu.append(u)
                ev.append(v)
                ekm.append(km[m])
                eop.append(op[m])
                ecat.append(cat)
                eline.append(line_id)
    return TrackGraph(
        ids,
        runs,
        np.array(eu, dtype=np.int64),
        np.array(ev, dtype=np.int64),
        np.array(ekm, dtype=np.float64),
        np.array(eop, dtype=np.float64),
        np.array(ecat, dtype=object),
        np.array(eline, dtype=object),
        _line_corridors(network),
        frozenset(
            (index[str(st_)], *sorted((str(a), str(b))))
            for st_, a, b in zip(
                network.no_through["station_id"], network.no_through["line_id"], network.no_through["other_line_id"]
            )
            if str(st_) in index
        ),
    )


def _line_corridors(network) -> dict[str, tuple[str, ...]]:
    """``line_id -> corridor ids`` from ``network.corridors`` (empty where the network has none)."""
    co = network.corridors
    out: dict[str, list[str]] = {}
    for lid, cid in sorted(zip(co["line_id"], co["corridor_id"])):
        out.setdefault(str(lid), []).append(str(cid))
    return {k: tuple(v) for k, v in out.items()}


# ---------------------------------------------------------------------------- station attributes
def station_attributes(network, hub_stations: Sequence[str] = (), opening_period_max_days: float = 0.0) -> pd.DataFrame:
    """The measured attributes the call share depends on, for every rail station in service.

    Parameters
    ----------
    network : Network
    hub_stations : sequence of str
    opening_period_max_days : float
        The longest opening period (days); 0 marks no station as opening (see :func:`opening_stations`).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``station_id``: ``city_id``, ``population`` (of its city, persons), ``main``
        (a main station of its city: ``Network.city_stations(central=True)``), ``n_lines`` (lines
        in service through it), ``terminus`` (the end of an in-service run of a line), ``hub``
        (listed in ``hub_stations``), ``opening`` (in its opening period on the network's date).
    """
    tg = track_graph(network)
    st = network.stations.set_index("station_id")
    cities = network.cities.set_index("city_id")
    ids = list(tg.station_ids)
    lines: dict[int, set] = {}
    term: set = set()
    for line_id, _, pos, _, _ in tg.runs:
        for p in pos:
            lines.setdefault(int(p), set()).add(line_id)
        term.update((int(pos[0]), int(pos[-1])))
    main: set = set()  # Network.city_stations(city, "rail", central=True) of every city, at once
    in_service = network.stations
    for cid, mine in in_service.groupby("city_id", sort=True):
        central = network.central_mask(str(cid), mine) & (mine["kind"] == "rail")
        main.update(mine.loc[central, "station_id"])
    hubs = set(hub_stations)
    opening = opening_stations(network, opening_period_max_days)
    return pd.DataFrame(
        {
            "city_id": st.loc[ids, "city_id"].to_numpy(),
            "population": cities.loc[st.loc[ids, "city_id"], "population"].to_numpy(dtype=np.float64),
            "main": [s in main for s in ids],
            "n_lines": [len(lines.get(i, ())) for i in range(len(ids))],
            "terminus": [i in term for i in range(len(ids))],
            "hub": [s in hubs for s in ids],
            "opening": [s in opening for s in ids],
        },
        index=pd.Index(ids, name="station_id"),
    )


def opening_stations(network, max_days: float) -> set[str]:
    """The rail stations in their *opening period* on the network's date.

    A station's service begins on the latest of its own ``opened`` date and the earliest ``opened``
    date of the in-service sections through it. Its opening period runs from that day until the
    next national timetable change of ``timetable_changes.csv`` (the first full timetable), and at
    most ``max_days`` days. A new line opens with a transition service: Hefei-Anqing ran 5 train
    pairs a day from 2020-12-22 and 13 from the change of 2021-01-20 (ahwang.cn 2020-12-22;
    Guangzhou Daily 2020-12-22). Stations of planned sections in a future view (no opening date)
    are never opening.

    Parameters
    ----------
    network : Network
        Dated.
    max_days : float
        The longest opening period (days), where no timetable change comes sooner.

    Returns
    -------
    set of str
    """
    if max_days <= 0:
        return set()
    day = pd.Timestamp(network.date)
    ls = network.line_stations
    on_line: dict[str, list[tuple[int, str]]] = {}
    for line, station, q in zip(ls["line_id"], ls["station_id"], ls["seq"]):
        on_line.setdefault(str(line), []).append((int(q), str(station)))
    seq = {(line, st): q for line, rows in on_line.items() for q, st in rows}
    start: dict[str, pd.Timestamp] = {}
    sec = network.sections
    for line, a, b, opened in zip(sec["line_id"], sec["from_station_id"], sec["to_station_id"], sec["opened"]):
        when = pd.Timestamp(opened) if opened is not None and not pd.isna(opened) else pd.Timestamp.max
        if (line, a) not in seq or (line, b) not in seq:
            continue
        lo, hi = sorted((seq[(line, a)], seq[(line, b)]))
        for q, st in on_line[line]:
            if lo <= q <= hi:
                start[st] = min(start.get(st, pd.Timestamp.max), when)
    own = network.stations.set_index("station_id")["opened"]
    changes = sorted(pd.Timestamp(x) for x in network.timetable_changes["date"])
    out = set()
    for st, began in start.items():
        mine = own.get(st)
        if mine is not None and not pd.isna(mine):
            began = max(began, pd.Timestamp(mine))
        if began == pd.Timestamp.max or not 0 <= (day - began).days < max_days:
            continue
        if not any(began < c <= day for c in changes):  # no full timetable yet
            out.add(st)
    return out


def call_features(attrs: pd.DataFrame) -> np.ndarray:
    """The design matrix of the call-share logistic, columns in :data:`CALL_COEFFICIENTS` order."""
    return np.column_stack(
        [
            np.ones(len(attrs)),
            np.log10(np.maximum(attrs["population"].to_numpy(dtype=np.float64), 1e4) / 1e6),
            attrs["main"].to_numpy(dtype=np.float64),
            np.maximum(attrs["n_lines"].to_numpy(dtype=np.float64) - 1.0, 0.0),
            attrs["terminus"].to_numpy(dtype=np.float64),
            attrs["hub"].to_numpy(dtype=np.float64),
        ]
    )


def call_shares(attrs: pd.DataFrame, params: ServiceParams) -> pd.Series:
    """The share of passing trains that call at each station (rule 3), between 0 and 1."""
    beta = np.array([params.values["calls"][k] for k in CALL_COEFFICIENTS])
    z = call_features(attrs) @ beta
    if "opening" in attrs:  # the opening service: few trains, calling at more stations
        z = z + params.values["calls"]["opening_call_logit"] * attrs["opening"].to_numpy(dtype=np.float64)
    return pd.Series(1.0 / (1.0 + np.exp(-z)), index=attrs.index, name="call_share")


# -------------------------------------------------------------------------------------- routes
@dataclass(frozen=True, eq=False)
class _Route:
    route_id: str
    stations: np.ndarray  # positions along the path
    x_km: np.ndarray  # cumulative km
    cruise_min: np.ndarray  # cumulative minutes at cruising speed
    trains: int  # trains a day each way
    fixed_calls: np.ndarray | None = None  # override: the positions (into stations) it calls at
    both_directions: bool = True
    first_minutes: float | None = None
    last_minutes: float | None = None


def _edge_table(tg: TrackGraph, sp: ServiceParams, line: str | None = None):
    """Fastest stretch per ordered station pair: cruise minutes, km, line (restricted to one line if given)."""
    sf = np.array(
        [
            sp.values["running"][f"speed_factor_{c}"]
            if f"speed_factor_{c}" in sp.values["running"]
            else sp.values["running"]["speed_factor_hsr"]
            for c in tg.edge_category
        ]
    )
    minutes = 60.0 * tg.edge_km / (sf * tg.edge_op_kmh)
    keep = np.ones(len(minutes), dtype=bool) if line is None else (tg.edge_line == line)
    best: dict[tuple[int, int], tuple[float, float, str]] = {}
    for u, v, m, km, ln in zip(tg.edge_u[keep], tg.edge_v[keep], minutes[keep], tg.edge_km[keep], tg.edge_line[keep]):
        key = (int(u), int(v))
        if key not in best or m < best[key][0]:
            best[key] = (float(m), float(km), str(ln))
    return best


@dataclass(frozen=True, eq=False)
class TrackSearch:
    """Fastest paths over the track, where at some stations trains cannot run from one line onto another.

    Built by :func:`track_search`; paths come back as stations.

    Attributes
    ----------
    graph, km : scipy.sparse.csr_matrix
        Minutes (at least 1e-9) and km of every hop between search nodes.
    node_station : numpy.ndarray of int
        The station (track graph position) of each search node.
    source, target : numpy.ndarray of int
        The node a path from (to) each station starts (ends) at.
    """

    graph: csr_matrix
    km: csr_matrix
    node_station: np.ndarray
    source: np.ndarray
    target: np.ndarray

    def fastest(self, origins) -> tuple[np.ndarray, np.ndarray]:
        """``dist, pred`` of the search from each station of ``origins``; columns are search nodes (read a
        station's minutes at :attr:`target`)."""
        idx = self.source[np.asarray(origins, dtype=np.int64)]
        return dijkstra(self.graph, directed=True, indices=idx, return_predecessors=True)

    def path_km(self, dist: np.ndarray, pred: np.ndarray) -> np.ndarray:
        """Track km along each fastest path of :meth:`fastest`'s ``dist, pred``, per station (read at
        :attr:`target`; ``nan`` where unreached)."""
        return path_sums(np.asarray(pred, dtype=np.int64), dist, *_csr_arrays(self.km))[:, self.target]

    def path(self, pred_row: np.ndarray, a: int, b: int) -> list[int]:
        """Stations along the fastest path from ``a`` to ``b`` (``pred_row``: the search from ``a``); [] if none."""
        out: list[int] = []
        for v in _path(pred_row, int(self.source[a]), int(self.target[b])):
            st = int(self.node_station[v])
            if not out or out[-1] != st:
                out.append(st)
        return out


def track_search(tg: TrackGraph, best: dict) -> TrackSearch:
    """The :class:`TrackSearch` over the hops of ``best`` (``(u, v) -> (minutes, km, line, ...)``).

    Without bars on running through (:attr:`TrackGraph.no_through`) a search node is a station. With
    them, a node is a hop a train has just run (``u -> v``), so that a move from one hop onto the next
    can be barred: at a barred station from the one line onto the other, and everywhere straight
    back the way it came (a train does not reverse at a through station to get round a bar), plus a
    start and an end node per station.
    """
    n = len(tg.station_ids)
    ids = np.arange(n, dtype=np.int64)
    hops = sorted(best.items())
    if not tg.no_through:
        r = np.array([u for (u, _), _ in hops], dtype=np.int64)
        c = np.array([v for (_, v), _ in hops], dtype=np.int64)
        m = np.maximum(np.array([e[0] for _, e in hops], dtype=np.float64), 1e-9)
        km = np.array([e[1] for _, e in hops], dtype=np.float64)
        return TrackSearch(
            csr_matrix((m, (r, c)), shape=(n, n)), csr_matrix((km, (r, c)), shape=(n, n)), ids, ids, ids.copy()
        )
    barred = {(int(x), a, b) for x, a, b in tg.no_through}
    # nodes: 0..n-1 the end node of each station, n..2n-1 its start node, then one per hop
    hop_node = {key: 2 * n + k for k, (key, _) in enumerate(hops)}
    node_station = np.concatenate([ids, ids, np.array([v for (_, v), _ in hops], dtype=np.int64)])
    out_of: dict[int, list] = {}
    for (u, v), e in hops:
        out_of.setdefault(u, []).append((v, e))
    rows, cols, minutes, kms = [], [], [], []
    for (u, v), e in hops:
        h = hop_node[(u, v)]
        rows += [n + u, h]  # start at u onto the hop; the hop ends at v
        cols += [h, v]
        minutes += [max(float(e[0]), 1e-9), 1e-9]
        kms += [float(e[1]), 0.0]
        for w, f in out_of.get(v, ()):
            if w == u or (v, *sorted((str(e[2]), str(f[2])))) in barred:
                continue
            rows.append(h)
            cols.append(hop_node[(v, w)])
            minutes.append(max(float(f[0]), 1e-9))
            kms.append(float(f[1]))
    size = len(node_station)
    return TrackSearch(
        csr_matrix((minutes, (rows, cols)), shape=(size, size)),
        csr_matrix((kms, (rows, cols)), shape=(size, size)),
        node_station,
        ids + n,
        ids.copy(),
    )


def _csr_arrays(m: csr_matrix) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``indptr, indices, data`` of a CSR matrix, typed for the kernels."""
    return m.indptr.astype(np.int64), m.indices.astype(np.int64), m.data.astype(np.float64)


def _path(pred_row: np.ndarray, s: int, t: int) -> list[int]:
    nodes = [t]
    while nodes[-1] != s:
        p = int(pred_row[nodes[-1]])
        if p < 0:
            return []
        nodes.append(p)
    return nodes[::-1]


def corridor_changes(tg: TrackGraph) -> np.ndarray:
    """The fewest changes of corridor needed to go by track from each station to each other one.

    A *corridor* is a group of lines that trains run through as one (the national corridors of
    ``corridors.csv``: the coastal corridor joins Hangzhou-Ningbo, Ningbo-Taizhou-Wenzhou,
    Wenzhou-Fuzhou and Fuzhou-Xiamen); a line in no corridor is a corridor of its own, and a line may
    belong to several (Shangqiu-Hefei-Hangzhou: Beijing-Shanghai and Beijing-Hong Kong). A station on
    lines of several corridors is where one can go from one corridor onto another, unless trains
    cannot run from the one line onto the other there (:attr:`TrackGraph.no_through`); two stations
    of one corridor need none. A connecting line (联络线) in no corridor counts as one of its own: going
    through it is two changes. Adding a line can only lower a pair's count, so the gravity rule's
    trains for a pair never fall because a line opens (a count along the fastest path would: the new
    fastest path may cross more lines). Unjoined pairs get ``_UNJOINED`` (a million).

    Returns
    -------
    numpy.ndarray of int, shape (S, S)
        Rows and columns in ``tg.station_ids`` order.
    """
    n = len(tg.station_ids)
    groups_of = {ln: tuple(tg.corridors.get(ln, ())) or (f"line:{ln}",) for ln in sorted({r[0] for r in tg.runs})}
    group_ids = sorted({g for gs in groups_of.values() for g in gs})
    at = {g: k for k, g in enumerate(group_ids)}
    on = [set() for _ in range(n)]
    lines_on: list[set[str]] = [set() for _ in range(n)]
    for line_id, _, pos, _, _ in tg.runs:
        for p in pos:
            on[int(p)].update(at[g] for g in groups_of[line_id])
            lines_on[int(p)].add(line_id)
    barred = {(int(x), a, b) for x, a, b in tg.no_through}
    n_groups = len(group_ids)
    far = _UNJOINED
    adj = np.zeros((n_groups, n_groups), dtype=bool)
    for st_, lines in enumerate(lines_on):  # trains go from one corridor onto another where two lines meet
        for a in lines:
            for b in lines:
                if (st_, *sorted((a, b))) in barred:  # ... and may run through there
                    continue
                for x in groups_of[a]:
                    for y in groups_of[b]:
                        adj[at[x], at[y]] = True
    dist = np.full((n_groups, n_groups), far, dtype=np.int64)
    for src in range(n_groups):  # breadth first over the corridors
        dist[src, src] = 0
        queue = deque([src])
        while queue:
            x = queue.popleft()
            for y in np.flatnonzero(adj[x]):
                if dist[src, y] == far:
                    dist[src, y] = dist[src, x] + 1
                    queue.append(int(y))
    by_station = np.full((n, n_groups), far, dtype=np.int64)
    for s_, ls in enumerate(on):
        if ls:
            by_station[s_] = dist[sorted(ls)].min(axis=0)
    out = np.full((n, n), far, dtype=np.int64)
    for s_, ls in enumerate(on):
        if ls:
            out[:, s_] = by_station[:, sorted(ls)].min(axis=1)
    np.fill_diagonal(out, 0)
    return out


def alternative_paths(
    terms: np.ndarray,
    dist: np.ndarray,
    pred: np.ndarray,
    pairs: Sequence[tuple[int, int]],
    max_ratio: float,
    max_overlap: float,
    search: TrackSearch | None = None,
) -> dict[tuple[int, int], tuple[list[int], float]]:
    """The best second route between terminal pairs: through another terminal, off the fastest path.

    For a pair ``(a, b)`` the candidates are the paths ``a -> h -> b`` through a terminal ``h`` that
    is not on the fastest path, taken in order of track time; the first that visits no station
    twice, shares at most ``max_overlap`` of the fastest path's stations (its two ends included) and takes at most
    ``max_ratio`` times its track time is the pair's second route (Shanghai Hongqiao - Wenzhou South
    in 2016: fastest by Jinhua, second by Hangzhou East and Ningbo, 1.22 times the track time).

    Parameters
    ----------
    terms : numpy.ndarray of int
        Terminal positions; ``dist`` and ``pred`` are the fastest-path search from each (rows in
        ``terms`` order, columns over every search node: :meth:`TrackSearch.fastest`).
    pairs : sequence of (int, int)
        Station positions of the terminal pairs to look at.
    search : TrackSearch, optional
        The search ``dist`` and ``pred`` come from; without it a node is a station.

    Returns
    -------
    dict
        ``(a, b) -> (station positions along the second route, its track time / the fastest's)``,
        for the pairs that have one.
    """
    search = search or _plain_search(dist.shape[1])
    row = {int(t): i for i, t in enumerate(terms)}
    out = {}
    for (a, b), (h, ratio) in _second_route_via(terms, dist, pred, pairs, max_ratio, max_overlap, search).items():
        out[(a, b)] = (search.path(pred[row[a]], a, h) + search.path(pred[row[h]], h, b)[1:], ratio)
    return out


def _plain_search(n: int) -> TrackSearch:
    """A :class:`TrackSearch` whose nodes are the stations (for searches made without one)."""
    ids = np.arange(n, dtype=np.int64)
    empty = csr_matrix((n, n))
    return TrackSearch(empty, empty, ids, ids, ids)


def _second_route_via(
    terms, dist, pred, pairs, max_ratio, max_overlap, search: TrackSearch
) -> dict[tuple[int, int], tuple[int, float]]:
    """``(a, b) -> (the terminal h its second route runs through, ratio)`` (see :func:`alternative_paths`)."""
    row = {int(t): i for i, t in enumerate(terms)}
    pair_a = np.array([row[a] for a, _ in pairs], dtype=np.int64)
    pair_b = np.array([row[b] for _, b in pairs], dtype=np.int64)
    terms_ = np.asarray(terms, dtype=np.int64)
    via, ratio = second_routes(
        search.source[terms_],
        search.target[terms_],
        search.node_station,
        np.asarray(dist, dtype=np.float64),
        np.asarray(pred, dtype=np.int64),
        pair_a,
        pair_b,
        float(max_ratio),
        float(max_overlap),
    )
    return {
        (int(terms_[pair_a[k]]), int(terms_[pair_b[k]])): (int(terms_[via[k]]), float(ratio[k]))
        for k in np.flatnonzero(via >= 0)
    }


def alternative_share(ratio: float, intercept: float, per_log_ratio: float) -> float:
    """The share of a pair's trains that runs on its second route: ``logit s = intercept +
    per_log_ratio * ln(ratio)``, ``ratio`` its track time over the fastest's."""
    return 1.0 / (1.0 + math.exp(-(intercept + per_log_ratio * math.log(ratio))))


def _route_arrays(nodes: Sequence[int], best: dict) -> tuple[np.ndarray, np.ndarray]:
    km = [best[(a, b)][1] for a, b in zip(nodes, nodes[1:])]
    mi = [best[(a, b)][0] for a, b in zip(nodes, nodes[1:])]
    x_km, cruise_min = np.zeros(len(nodes)), np.zeros(len(nodes))
    np.cumsum(km, out=x_km[1:])
    np.cumsum(mi, out=cruise_min[1:])
    return x_km, cruise_min


def _generated_routes(network, tg: TrackGraph, sp: ServiceParams, attrs: pd.DataFrame) -> list[_Route]:
    best = _edge_table(tg, sp)
    draw = int(sp["draw"])
    fq = sp.values["frequency"]
    pop = attrs["population"].to_numpy(dtype=np.float64)
    is_term = (
        attrs["terminus"].to_numpy()
        | attrs["hub"].to_numpy()
        | (attrs["main"].to_numpy() & (pop >= sp["terminal_min_population"]))
    )
    terms = np.flatnonzero(is_term)
    routes: dict[tuple, list] = {}

    def add(nodes, trains, rid):
        key = tuple(nodes) if nodes[0] < nodes[-1] else tuple(nodes[::-1])
        if key in routes:
            routes[key][0] = max(routes[key][0], trains) if rid.startswith("line:") else routes[key][0] + trains
            if rid.startswith("line:"):
                routes[key][1] = rid
        else:
            routes[key] = [trains, rid]

    def gravity(a, b, km, changes):
        return (
            fq["scale_trains_per_day"]
            * (pop[a] * pop[b] / 1e12) ** fq["population_exponent"]
            * (max(km, 1.0) / 100.0) ** (-fq["km_exponent"])
            * math.exp(fq["per_corridor_change"] * changes)
        )

    # terminal pairs along fastest track paths
    wanted = []
    city = attrs["city_id"].to_numpy()
    changes = corridor_changes(tg)
    if len(terms):
        search = track_search(tg, best)
        dist, pred = search.fastest(terms)
        path_km = search.path_km(dist, pred)  # km along each fastest path
        at = dist[:, search.target]
        row = {int(t): i for i, t in enumerate(terms)}
        for ia, a in enumerate(terms):
            for b in terms:
                if b <= a or not np.isfinite(at[ia, b]) or city[a] == city[b]:  # not within one city
                    continue
                x = gravity(a, b, path_km[ia, b], changes[a, b])
                wanted.append((x, f"{tg.station_ids[a]}--{tg.station_ids[b]}", (int(a), int(b))))
        # a share of a pair's trains runs on its second route, where it has one
        second = _second_route_via(
            terms,
            dist,
            pred,
            [w[2] for w in wanted],
            sp["alternative_max_ratio"],
            sp["alternative_max_overlap"],
            search,
        )
        split = []
        for x, rid, ends in wanted:
            alt = second.get(ends)
            if alt is None:
                split.append((x, rid, ends))
                continue
            s_alt = alternative_share(alt[1], fq["alternative_intercept"], fq["alternative_per_log_ratio"])
            split.append((x * (1.0 - s_alt), rid, ends))
            split.append((x * s_alt, rid + "~second", (ends[0], alt[0], ends[1])))
        wanted = split
    # dithered rounding: floor(x + u) with u a fixed uniform draw of the pair (a hash of its route
    # id), so a pair runs x trains a day on average and keeps its trains whatever other pairs a new
    # line adds or moves (rounding in a running sum would reshuffle every pair below it)
    wanted.sort(key=lambda w: (-w[0], w[1]))
    for x, rid, ends in wanted:  # ends: (a, b) of a fastest path, (a, h, b) of a second route by h
        trains = min(int(math.floor(x + _offset(_drawn(rid, draw), "round"))), int(fq["max_trains_per_day"]))
        if trains >= fq["min_trains_per_day"] and trains >= 1:
            nodes = search.path(pred[row[ends[0]]], ends[0], ends[1])
            if len(ends) == 3:
                nodes += search.path(pred[row[ends[1]]], ends[1], ends[2])[1:]
            add(nodes, trains, rid)
    # every run of a line end to end
    for line_id, _, pos, _, _ in tg.runs:
        nodes = [int(p) for p in pos]
        km_run = sum(best[(u, v)][1] for u, v in zip(nodes, nodes[1:]))
        trains = int(math.floor(gravity(nodes[0], nodes[-1], km_run, 0) + 0.5))
        trains = min(max(trains, int(fq["line_min_trains_per_day"])), int(fq["max_trains_per_day"]))
        add(nodes, trains, f"line:{line_id}:{tg.station_ids[nodes[0]]}--{tg.station_ids[nodes[-1]]}")
    out = []
    for key in sorted(routes, key=lambda k: routes[k][1]):
        trains, rid = routes[key]
        x, cr = _route_arrays(key, best)
        out.append(_Route(rid, np.array(key, dtype=np.int64), x, cr, int(trains)))
    return out


def _override_routes(services: Sequence[Mapping], tg: TrackGraph, sp: ServiceParams) -> list[_Route]:
    """Routes from a scenario's own ``services`` (see :func:`synthesise_timetable`)."""
    index = tg.index()
    problems, out = [], []
    for k, svc in enumerate(services):
        where = f"services[{k}]"
        stops = list(svc.get("stops", ()))
        if len(stops) < 2:
            problems.append(f"{where}: give 'stops', a list of at least two station ids")
            continue
        unknown = [s for s in stops if s not in index]
        if unknown:
            problems.append(f"{where}: stations {unknown} are not rail stations in service on the network's date")
            continue
        try:
            trains = int(svc["trains_per_day"])
        except (KeyError, TypeError, ValueError):
            problems.append(f"{where}: give 'trains_per_day', an integer (trains each way)")
            continue
        if trains < 1:
            problems.append(f"{where}: trains_per_day must be at least 1")
            continue
        line = svc.get("line")
        best = _edge_table(tg, sp, line)
        search = track_search(tg, best)
        nodes: list[int] = []
        calls: list[int] = [0]
        ok = True
        for a, b in zip(stops, stops[1:]):
            _, pred = search.fastest([index[a]])
            seg = search.path(pred[0], index[a], index[b])
            if len(seg) < 2:
                problems.append(f"{where}: no in-service track from {a} to {b}" + (f" on line {line}" if line else ""))
                ok = False
                break
            nodes += seg if not nodes else seg[1:]
            calls.append(len(nodes) - 1)
        if not ok:
            continue
        x, cr = _route_arrays(nodes, best)
        rid = str(svc.get("route_id") or f"service:{k}:{stops[0]}--{stops[-1]}")
        out.append(
            _Route(
                rid,
                np.array(nodes, dtype=np.int64),
                x,
                cr,
                trains,
                fixed_calls=np.array(calls, dtype=np.int64),
                both_directions=bool(svc.get("both_directions", True)),
                first_minutes=svc.get("first_departure_minutes"),
                last_minutes=svc.get("last_departure_minutes"),
            )
        )
    if problems:
        raise ValueError("invalid services override: " + "; ".join(problems))
    return out


# ------------------------------------------------------------------------------------- trips
def express_share(population_product: float, params: ServiceParams) -> float:
    """The share of a through route's trains that run express (rule 3): ``logit e =
    express_intercept + express_per_log_population * ln(P_a P_b / 1e12)``, ``P_a P_b`` the
    populations of the cities of its two terminals (persons squared). Fitted on the 2016 trains:
    about 17 % between Shanghai and Beijing, 2 % between Shanghai and Wenzhou."""
    c = params.values["calls"]
    z = c["express_intercept"] + c["express_per_log_population"] * math.log(max(population_product, 1.0) / 1e12)
    return 1.0 / (1.0 + math.exp(-min(max(z, -50.0), 50.0)))


def _levels(n: int) -> np.ndarray:
    """Stopping levels of a route's n trains in departure order: 0, 1/n, ... interleaved (golden ratio)."""
    order = np.argsort(np.mod((np.arange(n) + 1) * _GOLDEN, 1.0), kind="stable")
    q = np.empty(n)
    q[order] = np.arange(n) / n
    return q


def _call_draws(level: float, rho: float, route_id: str, direction: int, k: int, stations) -> np.ndarray:
    """Uniform draws ``u`` per station for one train; it calls where ``share > u``.

    A Gaussian copula: ``u = Phi(sqrt(rho) Phi^-1(level') + sqrt(1 - rho) e_s)``, with ``level'`` the
    train's level moved to the middle of its slot and ``e_s`` a standard normal drawn from a hash of
    (route, direction, train, station). ``rho = 1`` gives nested patterns (an express skips every
    station quieter than its level), ``rho = 0`` independent skip-stop patterns; each station keeps
    its call share whatever ``rho``.
    """
    head = zlib.crc32(f"{route_id}|{direction}|{k}|".encode())  # crc32 of the key, its common head once
    e = (np.array([zlib.crc32(s.encode(), head) for s in stations], dtype=np.float64) + 0.5) / 4294967296.0
    z = math.sqrt(rho) * float(ndtri(min(max(level, 1e-6), 1 - 1e-6))) + math.sqrt(1.0 - rho) * ndtri(e)
    return ndtr(z)


def _offset(route_id: str, salt: str) -> float:
    return (zlib.crc32(f"{route_id}|{salt}".encode()) % 10007) / 10007.0


def _drawn(route_id: str, draw: int) -> str:
    """The key of a route's hashed draws (rounding, departure offset, stopping patterns) in draw
    number ``draw``; draw 0 is the route id itself."""
    return route_id if draw == 0 else f"{route_id}#draw{draw}"


def synthesise_timetable(
    network,
    *,
    params: Mapping | None = None,
    services: Sequence[Mapping] | None = None,
    generate: bool = True,
    label: str | None = None,
) -> Timetable:
    """Write the day's trains of a network on its date (or with a scenario applied).

    Parameters
    ----------
    network : Network
        Any :class:`~transit.data.network.Network` (``load_network().as_of(...)``, or a scenario's
        result). Its ``[service]`` table holds every parameter.
    params : mapping, optional
        Values that replace some of ``[service]`` (same nesting: ``{"calls": {"hub": 3.0}}``), e.g.
        parameters fitted on part of a timetable for out-of-sample validation.
    services : list of dict, optional
        More services, added to the generated ones and to those of the network's scenarios
        (``add_service`` modifications, kept in ``network.meta["scenario_services"]``). Each dict: ``stops`` (station ids in
        order; the trains call at exactly these), ``trains_per_day`` (each way), optional ``line``
        (run on this line only), ``route_id``, ``both_directions`` (default True),
        ``first_departure_minutes`` and ``last_departure_minutes``.
    generate : bool
        Write the generated services (default); False gives only the ``services`` given.
    label : str, optional

    Returns
    -------
    Timetable
        Stops = the network's rail stations in service (``city_id``, ``min_change_minutes``), trips
        (``route_id``, ``train`` ``S<n>``, mode ``rail``, plus ``level`` and ``pattern``), stop times
        in minutes after midnight, transfers of the network's transfers table (both directions).

    Raises
    ------
    KeyError
        Where ``[service]`` of network.toml lacks a parameter (every missing key named).
    ValueError
        On a bad parameter value or a bad ``services`` entry (every problem named).

    Examples
    --------
    >>> import transit
    >>> tt = synthesise_timetable(transit.load_network().as_of("2016-03-10"))
    >>> bool(tt.n_trips > 100)
    True
    """
    sp = ServiceParams.from_mapping(network.meta.get("service"), params)
    tg = track_graph(network)
    attrs = station_attributes(network, sp["hub_stations"], sp["opening_period_max_days"])
    run = sp.values["running"]
    rho = float(sp["calls.pattern_correlation"])
    draw = int(sp["draw"])
    express_min = float(sp["calls.express_min_call_share"])
    pop = attrs["population"].to_numpy(dtype=np.float64)
    hub = attrs["hub"].to_numpy()
    c = runtime.ModelParams.from_mapping(network.running_time).stop_loss_minutes_per_100kmh / 100.0
    dwell = np.where(hub, run["hub_dwell_minutes"], run["dwell_minutes"])
    hub_extra = np.where(hub, run["hub_extra_minutes"], 0.0)

    routes = _generated_routes(network, tg, sp, attrs) if generate else []
    services = [*network.meta.get("scenario_services", ()), *(services or ())]
    if services:
        routes += _override_routes(services, tg, sp)
    share = call_shares(attrs, sp).to_numpy(dtype=np.float64, copy=True)
    share[~np.isfinite(share)] = 0.0

    first0, last0 = sp["first_departure_minutes"], sp["last_departure_minutes"]
    trip_rows, st_trip, st_seq, st_pos, st_x, st_cr, st_dep0 = [], [], [], [], [], [], []
    n_trip = 0
    for r in routes:
        first = float(r.first_minutes) if r.first_minutes is not None else first0
        last = float(r.last_minutes) if r.last_minutes is not None else last0
        n = r.trains
        headway = (last - first) / n if n > 0 else 0.0
        levels = _levels(n) + 0.5 / max(n, 1)
        m = len(r.stations)
        for direction in (0, 1) if r.both_directions else (0,):
            if direction == 0:
                pos, x, cr = r.stations, r.x_km, r.cruise_min
                fixed = r.fixed_calls
            else:
                pos, x, cr = r.stations[::-1], _x_rev(r.x_km), _x_rev(r.cruise_min)
                fixed = None if r.fixed_calls is None else np.sort(m - 1 - r.fixed_calls)
            key = _drawn(r.route_id, draw)
            off = _offset(key, str(direction)) * headway
            p = share[pos]
            if fixed is None and n > 0:
                u = np.vstack([_call_draws(levels[k], rho, key, direction, k, tg.station_ids[pos]) for k in range(n)])
                calls = p[None, :] > u
                # the top levels run express, only where nearly every train calls, as many as the size
                # of the pair asks; a line's own end-to-end trains too, for a line run is often the
                # route of its two ends (Beijing South - Shanghai Hongqiao), which had none
                e = express_share(pop[r.stations[0]] * pop[r.stations[-1]], sp)
                n_express = int(math.floor(e * n + 0.5))
                if n_express:
                    top = np.argsort(-levels, kind="stable")[:n_express]
                    calls[top] = p[None, :] >= express_min
                calls[:, 0] = calls[:, -1] = True
                if r.route_id.startswith("line:"):  # a line's own trains serve each of its stations
                    unserved = np.flatnonzero(~calls.any(axis=0))
                    calls[np.argmin(u[:, unserved], axis=0), unserved] = True
            for k in range(n):
                if fixed is not None:
                    idx = fixed
                    pattern = "fixed"
                else:
                    idx = np.flatnonzero(calls[k])
                    pattern = "all" if len(idx) == m else ("express" if levels[k] >= 0.5 else "semi")
                    if n_express and k in top:
                        pattern = "express"
                dep0 = first + off + k * headway
                tid = f"{r.route_id}:{'ab'[direction]}{k:03d}"
                trip_rows.append((tid, r.route_id, f"S{n_trip + 1}", "rail", float(levels[k]), pattern))
                n_trip += 1
                st_trip.append(np.full(len(idx), tid, dtype=object))
                st_seq.append(np.arange(1, len(idx) + 1))
                st_pos.append(pos[idx])
                st_x.append(x[idx])
                st_cr.append(cr[idx])
                st_dep0.append(dep0)
    trips = pd.DataFrame(trip_rows, columns=list(TRIP_COLUMNS) + ["level", "pattern"])
    if trip_rows:
        calls_at = np.concatenate(st_pos)
        arr, depm = trip_times(
            np.concatenate(st_x),
            np.concatenate(st_cr),
            calls_at,
            np.r_[0, np.cumsum([len(p) for p in st_pos])].astype(np.int64),
            np.array(st_dep0, dtype=np.float64),
            float(c),
            float(run["leg_margin_minutes"]),
            hub_extra.astype(np.float64),
            dwell.astype(np.float64),
        )
        stop_times = pd.DataFrame(
            {
                "trip_id": np.concatenate(st_trip),
                "stop_sequence": np.concatenate(st_seq).astype(np.int64),
                "stop_id": tg.station_ids[calls_at],
                "arrival_minutes": np.round(arr, 4),
                "departure_minutes": np.round(depm, 4),
            }
        )
    else:
        stop_times = pd.DataFrame({c_: [] for c_ in STOP_TIME_COLUMNS})
    st = network.stations.set_index("station_id").loc[list(tg.station_ids)]
    change = np.where(hub, sp["hub_change_minutes"], sp["change_minutes"])
    stops = pd.DataFrame(
        {
            "stop_id": tg.station_ids,
            "stop_name": st["name"].to_numpy(),
            "lat": st["lat"].to_numpy(),
            "lon": st["lon"].to_numpy(),
            "city_id": st["city_id"].to_numpy(),
            "min_change_minutes": change,
        }
    )
    tr = network.transfers
    rail = set(tg.station_ids)
    tr = tr[tr["from_station_id"].isin(rail) & tr["to_station_id"].isin(rail)]
    transfers = pd.DataFrame(
        {
            "from_stop_id": np.r_[tr["from_station_id"].to_numpy(), tr["to_station_id"].to_numpy()],
            "to_stop_id": np.r_[tr["to_station_id"].to_numpy(), tr["from_station_id"].to_numpy()],
            "min_transfer_minutes": np.r_[tr["minutes"].to_numpy(float), tr["minutes"].to_numpy(float)],
        },
        columns=list(TRANSFER_COLUMNS),
    )
    return Timetable(
        stops[list(STOP_COLUMNS)],
        trips,
        stop_times,
        transfers,
        default_change_minutes=float(sp["change_minutes"]),
        service_date=network.date,
        label=label or f"service model: {network.label} on {network.date.isoformat()}",
        meta={"service": sp.to_dict(), "n_routes": len(routes)},
    )


def _x_rev(cum: np.ndarray) -> np.ndarray:
    """Cumulative values of a path read backwards (the other direction), starting at 0."""
    return cum[-1] - cum[::-1]
