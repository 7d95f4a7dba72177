"""The timetable engine: earliest arrivals, departure-window profiles and journeys on a Timetable.

The Python layer over :mod:`transit.timetable._kernels` (Connection Scan). It compiles a
:class:`~transit.timetable.model.Timetable` into arrays (:func:`compile_timetable`), validates
and maps stop ids to positions, calls a kernel and puts the stop ids back on the result.

Semantics
---------
- Times are minutes after midnight of the service day (float64; above 1440 past midnight);
  unreachable = ``inf``.
- Staying on one trip needs no time. Changing trips at a stop needs its least change minutes
  (:meth:`Timetable.change_minutes`; a ``transfers`` row from the stop to itself overrides it, as
  GTFS ``transfers.txt`` type 2). A change between two stops (of one city) uses the ``transfers``
  row's ``min_transfer_minutes`` (the whole time from arrival to the next departure, no change
  minutes added). Such footpaths are walked once between two trips, and also from the origin and to
  the destination; they are never chained.
- Optional stop columns ``board_minutes`` and ``alight_minutes`` (0 where absent or NaN) are
  processing times applied at every boarding and alighting at the stop, the origin and destination
  included: at an airport one must be there 60 minutes before the departure and is out 20 minutes
  after the arrival. A change between two flights at one airport thus takes ``alight + change +
  board`` minutes.
- Arrival at a stop is the time one is out there (alight minutes included).
- A timetable is one service day: trips of the day before that are still running after midnight
  are not in it.
- Ties: :func:`journey` returns an earliest-arrival journey with the fewest changes (exact: the
  kernel keeps the Pareto set of arrival and number of trips); among those, the one whose last train
  departs first (scan order). :func:`fastest_journey` returns the shortest journey leaving in the
  window; among equally short ones the fewest changes, then the earliest departure.
- Leaving "in the window" means the journey's leave time (its first train's departure less the
  board and walk minutes before it) is in ``[start, start + length)`` and the first train is
  boarded without waiting: :func:`fastest_journey` and the profile's ``fastest_minutes`` never
  count a journey that waits at the origin for a train leaving after the window (the kernels'
  ``first_exact`` mode). :func:`journey` and the percentiles count from the asked minute, the
  wait for the first train included, as R5 does.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from transit.clock import format_clock
from transit.errors import Problem, TimetableDataError, UnknownPlaceError
from transit.routing._kernels import thread_limit
from transit.timetable import _kernels as kernels
from transit.timetable.model import Timetable

__all__ = [
    "CompiledTimetable",
    "compile_timetable",
    "earliest_arrival",
    "profile",
    "journey",
    "fastest_journey",
    "Journey",
    "Leg",
    "ArrivalTimes",
    "Profile",
]

_MAX_ROUNDS = 64


@dataclass(frozen=True, eq=False)
class CompiledTimetable:
    """A timetable as the kernels see it. Build with :func:`compile_timetable`; keep and reuse it.

    Attributes
    ----------
    stop_ids : ndarray of str, shape (S,)
        Stop id at each position (the order of ``Timetable.stops``).
    stop_index : dict
        Stop id -> position.
    trip_ids, trains, route_ids : ndarray of str, shape (T,)
        Per trip position.
    conn_int : ndarray of int32, shape (C, 3)
        Departure stop, arrival stop, trip of every connection, sorted by departure.
    conn_time : ndarray of float64, shape (C, 2)
        Departure and arrival minutes.
    stop_minutes : ndarray of float64, shape (S, 3)
        Change, board and alight minutes per stop.
    fp_indptr, fp_indices, fp_minutes : ndarray
        Footpaths between different stops as CSR (row = from stop).
    rfp_indptr, rfp_indices, rfp_minutes : ndarray
        The same reversed (row = to stop).
    label : str
        The timetable's label.
    """

    stop_ids: np.ndarray
    stop_index: dict
    trip_ids: np.ndarray
    trains: np.ndarray
    route_ids: np.ndarray
    conn_int: np.ndarray
    conn_time: np.ndarray
    stop_minutes: np.ndarray
    fp_indptr: np.ndarray
    fp_indices: np.ndarray
    fp_minutes: np.ndarray
    rfp_indptr: np.ndarray
    rfp_indices: np.ndarray
    rfp_minutes: np.ndarray
    label: str = "timetable"
    stop_names: np.ndarray = field(default=None)

    @property
    def n_stops(self) -> int:
        """Number of stops."""
        return len(self.stop_ids)

    @property
    def n_connections(self) -> int:
        """Number of connections (hops between consecutive calls of a trip)."""
        return self.conn_time.shape[0]

    def __repr__(self) -> str:
        return (
            f"<CompiledTimetable {self.label!r}: {self.n_stops} stops, {len(self.trip_ids)} trips, "
            f"{self.n_connections} connections, {len(self.fp_indices)} footpaths>"
        )

    def position(self, stop_id) -> int:
        """Position of a stop id; :class:`UnknownPlaceError` with close matches if unknown."""
        key = str(stop_id)
        if key in self.stop_index:
            return self.stop_index[key]
        same_case = [s for s in self.stop_index if s.casefold() == key.casefold()]
        close = (
            same_case + [c for c in difflib.get_close_matches(key, list(self.stop_index), n=3) if c not in same_case]
        )[:3]
        hint = (
            f"; did you mean {', '.join(repr(c) for c in close)}?"
            if close
            else "; pass a stop_id of the timetable's stops table"
        )
        raise UnknownPlaceError(f"unknown stop id {key!r} in {self.label}{hint}")

    def walk(self, a: int, b: int) -> float:
        """Footpath minutes from stop position ``a`` to ``b`` (``inf`` when none; 0 when a == b)."""
        if a == b:
            return 0.0
        lo, hi = self.fp_indptr[a], self.fp_indptr[a + 1]
        hit = np.flatnonzero(self.fp_indices[lo:hi] == b)
        return float(self.fp_minutes[lo + hit[0]]) if hit.size else np.inf


def _optional(stops: pd.DataFrame, col: str) -> np.ndarray:
    if col not in stops.columns:
        return np.zeros(len(stops))
    v = pd.to_numeric(stops[col], errors="coerce").to_numpy(dtype=np.float64)
    return np.where(np.isnan(v), 0.0, v)


def _csr(frm, to, minutes, n):
    order = np.lexsort((to, frm))
    frm, to, minutes = frm[order], to[order], minutes[order]
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(frm, minlength=n), out=indptr[1:])
    return indptr, np.ascontiguousarray(to, dtype=np.int64), np.ascontiguousarray(minutes, dtype=np.float64)


def compile_timetable(tt: Timetable) -> CompiledTimetable:
    """Compile a timetable into the arrays of the kernels.

    Parameters
    ----------
    tt : Timetable

    Returns
    -------
    CompiledTimetable
        Not cached anywhere: keep it and pass it instead of ``tt`` to the query functions.

    Raises
    ------
    TimetableDataError
        Every problem at once: duplicate stop or trip ids, stop times naming unknown stops or trips,
        missing or decreasing times along a trip, negative minutes, transfers naming unknown stops.

    Notes
    -----
    O(C log C) for C connections.

    Examples
    --------
    >>> from transit.timetable.engine import compile_timetable
    >>> ct = compile_timetable(tt)                         # doctest: +SKIP
    """
    if isinstance(tt, CompiledTimetable):
        return tt
    problems: list[Problem] = []
    stops, trips, st, tr = tt.stops, tt.trips, tt.stop_times, tt.transfers
    stop_ids = stops["stop_id"].astype(str).to_numpy()
    trip_ids = trips["trip_id"].astype(str).to_numpy()
    for name, ids in (("stops", stop_ids), ("trips", trip_ids)):
        dup = pd.Series(ids).duplicated(keep=False).to_numpy()
        for i in np.flatnonzero(dup)[:20]:
            col = "stop_id" if name == "stops" else "trip_id"
            problems.append(
                Problem(f"Timetable.{name}", int(i), col, ids[i], f"duplicate {col}; give every row its own id")
            )
    stop_index = {s: i for i, s in enumerate(stop_ids)}
    trip_index = {t: i for i, t in enumerate(trip_ids)}
    n = len(stop_ids)
    change = tt.change_minutes()
    board = _optional(stops, "board_minutes")
    alight = _optional(stops, "alight_minutes")
    # transfers
    tf = tr["from_stop_id"].astype(str).map(stop_index)
    tt_ = tr["to_stop_id"].astype(str).map(stop_index)
    tmin = pd.to_numeric(tr["min_transfer_minutes"], errors="coerce").to_numpy(dtype=np.float64)
    for i in range(len(tr)):
        for col, m in (("from_stop_id", tf), ("to_stop_id", tt_)):
            if pd.isna(m.iloc[i]):
                problems.append(
                    Problem(
                        "Timetable.transfers",
                        i,
                        col,
                        str(tr[col].iloc[i]),
                        "unknown stop id; add the stop or drop the transfer",
                    )
                )
        if not tmin[i] >= 0:
            problems.append(
                Problem(
                    "Timetable.transfers",
                    i,
                    "min_transfer_minutes",
                    str(tr["min_transfer_minutes"].iloc[i]),
                    "minutes must be a number >= 0",
                )
            )
    for name, arr in (("min_change_minutes", change), ("board_minutes", board), ("alight_minutes", alight)):
        for i in np.flatnonzero(~(arr >= 0))[:20]:
            problems.append(Problem("Timetable.stops", int(i), name, str(arr[i]), "minutes must be >= 0"))
    # stop times
    s_idx = st["stop_id"].astype(str).map(stop_index)
    t_idx = st["trip_id"].astype(str).map(trip_index)
    for col, m in (("stop_id", s_idx), ("trip_id", t_idx)):
        for i in np.flatnonzero(m.isna().to_numpy())[:50]:
            problems.append(
                Problem(
                    "Timetable.stop_times",
                    int(i),
                    col,
                    str(st[col].iloc[i]),
                    f"unknown {col}; add it to Timetable.{'stops' if col == 'stop_id' else 'trips'}",
                )
            )
    arr_m = pd.to_numeric(st["arrival_minutes"], errors="coerce").to_numpy(dtype=np.float64)
    dep_m = pd.to_numeric(st["departure_minutes"], errors="coerce").to_numpy(dtype=np.float64)
    arr_m = np.where(np.isnan(arr_m), dep_m, arr_m)
    dep_m = np.where(np.isnan(dep_m), arr_m, dep_m)
    for i in np.flatnonzero(np.isnan(arr_m))[:50]:
        problems.append(
            Problem(
                "Timetable.stop_times",
                int(i),
                "departure_minutes",
                "NaN",
                "a call needs an arrival or a departure time",
            )
        )
    if problems:
        raise TimetableDataError(problems, source=tt.label)
    seq = pd.to_numeric(st["stop_sequence"], errors="coerce").to_numpy(dtype=np.float64)
    ti = t_idx.to_numpy(dtype=np.int64)
    si = s_idx.to_numpy(dtype=np.int64)
    order = np.lexsort((seq, ti))
    ti, si, arr_m, dep_m, rows = ti[order], si[order], arr_m[order], dep_m[order], order
    same = ti[1:] == ti[:-1]
    back = np.flatnonzero(dep_m < arr_m)
    for i in back[:50]:
        problems.append(
            Problem(
                "Timetable.stop_times",
                int(rows[i]),
                "departure_minutes",
                str(dep_m[i]),
                f"departs before it arrives ({arr_m[i]}); fix the times",
            )
        )
    hop_back = np.flatnonzero(same & (arr_m[1:] < dep_m[:-1]))
    for i in hop_back[:50]:
        problems.append(
            Problem(
                "Timetable.stop_times",
                int(rows[i + 1]),
                "arrival_minutes",
                str(arr_m[i + 1]),
                f"before the departure from the previous stop "
                f"({dep_m[i]}) of trip {trip_ids[ti[i]]!r}; times must not decrease",
            )
        )
    if problems:
        raise TimetableDataError(problems, source=tt.label)
    h = np.flatnonzero(same)
    c_from, c_to, c_trip = si[h], si[h + 1], ti[h]
    c_dep, c_arr = dep_m[h], arr_m[h + 1]
    corder = np.lexsort((h, c_trip, c_arr, c_dep))
    conn_int = np.ascontiguousarray(np.stack([c_from, c_to, c_trip], axis=1)[corder], dtype=np.int32)
    conn_time = np.ascontiguousarray(np.stack([c_dep, c_arr], axis=1)[corder], dtype=np.float64)
    # transfers: from == to overrides the change time; others are footpaths (the least per pair)
    fi = tf.to_numpy(dtype=np.int64) if len(tr) else np.zeros(0, np.int64)
    ti2 = tt_.to_numpy(dtype=np.int64) if len(tr) else np.zeros(0, np.int64)
    self_rows = fi == ti2
    if self_rows.any():
        over = pd.Series(tmin[self_rows]).groupby(fi[self_rows]).min()
        change = change.copy()
        change[over.index.to_numpy()] = over.to_numpy()
    walk = pd.DataFrame({"f": fi[~self_rows], "t": ti2[~self_rows], "m": tmin[~self_rows]})
    walk = walk.groupby(["f", "t"], as_index=False)["m"].min()
    f_arr, t_arr, m_arr = walk["f"].to_numpy(np.int64), walk["t"].to_numpy(np.int64), walk["m"].to_numpy(np.float64)
    fp = _csr(f_arr, t_arr, m_arr, n)
    rfp = _csr(t_arr, f_arr, m_arr, n)
    names = stops["stop_name"].astype(str).to_numpy() if "stop_name" in stops else stop_ids
    return CompiledTimetable(
        stop_ids=stop_ids,
        stop_index=stop_index,
        trip_ids=trip_ids,
        trains=trips["train"].astype(str).to_numpy(),
        route_ids=trips["route_id"].astype(str).to_numpy(),
        conn_int=conn_int,
        conn_time=conn_time,
        stop_minutes=np.ascontiguousarray(np.stack([change, board, alight], axis=1), dtype=np.float64),
        fp_indptr=fp[0],
        fp_indices=fp[1],
        fp_minutes=fp[2],
        rfp_indptr=rfp[0],
        rfp_indices=rfp[1],
        rfp_minutes=rfp[2],
        label=tt.label,
        stop_names=names,
    )


def _origins(ct: CompiledTimetable, origins) -> np.ndarray:
    if origins is None:
        return np.arange(ct.n_stops, dtype=np.int64)
    if isinstance(origins, str):
        origins = [origins]
    return np.array([ct.position(o) for o in origins], dtype=np.int64)


def _kernel_args(ct: CompiledTimetable):
    return (ct.conn_int, ct.conn_time, ct.stop_minutes, ct.fp_indptr, ct.fp_indices, ct.fp_minutes)


@dataclass(frozen=True, eq=False)
class ArrivalTimes:
    """Earliest arrivals from some origins to every stop, leaving at given times.

    Attributes
    ----------
    arrival_minutes : ndarray of float64, shape (n_origins, n_stops)
        Minutes after midnight of the earliest arrival; ``inf`` where unreachable.
    depart_minutes : ndarray of float64, shape (n_origins,)
        When each origin is left.
    origins, stops : list of str
        Row and column labels (stop ids).
    """

    arrival_minutes: np.ndarray
    depart_minutes: np.ndarray
    origins: list
    stops: list

    def _rc(self, a, b):
        try:
            return self.origins.index(str(a)), self.stops.index(str(b))
        except ValueError:
            raise UnknownPlaceError(f"{a!r} is not an origin or {b!r} not a stop of this result") from None

    def get(self, a, b) -> float:
        """Earliest arrival (minutes after midnight) at stop ``b`` from origin ``a``."""
        i, j = self._rc(a, b)
        return float(self.arrival_minutes[i, j])

    def minutes(self) -> np.ndarray:
        """Travel minutes (arrival minus departure, the first wait included), same shape."""
        return self.arrival_minutes - self.depart_minutes[:, None]

    def to_frame(self) -> pd.DataFrame:
        """Arrival minutes as a DataFrame: origins as the index, stops as the columns."""
        return pd.DataFrame(
            self.arrival_minutes, index=pd.Index(self.origins, name="origin"), columns=pd.Index(self.stops, name="stop")
        )


def earliest_arrival(tt, origins=None, depart_minutes=480.0, *, n_threads: int | None = None) -> ArrivalTimes:
    """Earliest arrival at every stop from each origin, by Connection Scan.

    Parameters
    ----------
    tt : Timetable or CompiledTimetable
    origins : str or sequence of str, optional
        Stop ids; default every stop in order.
    depart_minutes : float or array_like
        When each origin is left (minutes after midnight; one value or one per origin). Default 08:00.
    n_threads : int, optional
        Worker threads (numba's setting is restored afterwards).

    Returns
    -------
    ArrivalTimes

    Notes
    -----
    One scan over the connections departing after the start per group of 64 origins (their
    "boarded" flags the bits of one word; a connection no origin can board costs one comparison),
    groups in parallel: O(n_origins / 64 * C) scans, O(n_origins * C) in the worst case.

    Examples
    --------
    >>> ea = earliest_arrival(tt, ["A"], depart_minutes=8 * 60)    # doctest: +SKIP
    >>> ea.get("A", "C")                                           # doctest: +SKIP
    560.0
    """
    ct = compile_timetable(tt)
    orig = _origins(ct, origins)
    dep = np.broadcast_to(np.asarray(depart_minutes, dtype=np.float64), orig.shape).copy()
    if not np.all(np.isfinite(dep)):
        raise ValueError("depart_minutes must be finite minutes after midnight")
    out = np.empty((orig.shape[0], ct.n_stops), dtype=np.float64)
    if orig.size:
        with thread_limit(n_threads):
            kernels.earliest_lanes(*_kernel_args(ct), orig, dep, out)
    return ArrivalTimes(out, dep, [str(ct.stop_ids[o]) for o in orig], [str(s) for s in ct.stop_ids])


@dataclass(frozen=True, eq=False)
class Profile:
    """Departure-window statistics from origins to every stop (see :func:`profile`).

    Attributes
    ----------
    fastest_minutes : ndarray (n_origins, n_stops)
        The fastest journey leaving in the window (no initial wait); ``inf`` if none.
    percentile_minutes : dict of float -> ndarray (n_origins, n_stops)
        Percentiles over the window's minutes of the earliest arrival minus the minute (wait
        included); 50 is always there.
    departures : ndarray of int64 (n_origins, n_stops)
        Useful departures (Pareto-optimal) leaving in the window, of at most ``within_minutes``.
    departures_per_day : ndarray of int64 (n_origins, n_stops)
        The same over the whole service day.
    first_departure_minutes, last_departure_minutes : ndarray (n_origins, n_stops)
        The first and last useful leave times of the day (NaN if none).
    origins, stops : list of str
    window_start_minutes, window_minutes : float, int
    within_minutes : float or None
    """

    fastest_minutes: np.ndarray
    percentile_minutes: dict
    departures: np.ndarray
    departures_per_day: np.ndarray
    first_departure_minutes: np.ndarray
    last_departure_minutes: np.ndarray
    origins: list
    stops: list
    window_start_minutes: float
    window_minutes: int
    within_minutes: float | None

    @property
    def median_minutes(self) -> np.ndarray:
        """The 50th percentile over the window."""
        return self.percentile_minutes[50.0]

    def get(self, a, b) -> dict:
        """Every statistic from origin ``a`` to stop ``b`` as a dict."""
        try:
            i, j = self.origins.index(str(a)), self.stops.index(str(b))
        except ValueError:
            raise UnknownPlaceError(f"{a!r} is not an origin or {b!r} not a stop of this result") from None
        return {
            k: (v.item() if hasattr(v, "item") else v)
            for k, v in self.to_frame(rows=[i], cols=[j]).iloc[0].items()
            if k not in ("origin", "stop")
        }

    def to_frame(self, *, rows=None, cols=None) -> pd.DataFrame:
        """One row per origin and stop: ``origin``, ``stop``, ``fastest_minutes``,
        ``median_minutes``, ``p<k>_minutes``, ``departures``, ``departures_per_day``,
        ``first_departure_minutes``, ``last_departure_minutes``."""
        ri = np.arange(len(self.origins)) if rows is None else np.asarray(rows)
        ci = np.arange(len(self.stops)) if cols is None else np.asarray(cols)
        o = np.repeat(ri, len(ci))
        s = np.tile(ci, len(ri))
        df = {
            "origin": np.asarray(self.origins, dtype=object)[o],
            "stop": np.asarray(self.stops, dtype=object)[s],
            "fastest_minutes": self.fastest_minutes[o, s],
            "median_minutes": self.median_minutes[o, s],
        }
        for p, m in self.percentile_minutes.items():
            if p != 50.0:
                df[f"p{p:g}_minutes"] = m[o, s]
        df.update(
            departures=self.departures[o, s],
            departures_per_day=self.departures_per_day[o, s],
            first_departure_minutes=self.first_departure_minutes[o, s],
            last_departure_minutes=self.last_departure_minutes[o, s],
        )
        return pd.DataFrame(df)


def profile(
    tt,
    origins=None,
    window_start_minutes: float = 420.0,
    window_minutes: int = 120,
    percentiles=(50,),
    within_minutes: float | None = None,
    *,
    n_threads: int | None = None,
) -> Profile:
    """Travel-time statistics over a departure window from each origin to every stop.

    Parameters
    ----------
    tt : Timetable or CompiledTimetable
    origins : str or sequence of str, optional
        Stop ids; default every stop.
    window_start_minutes : float
        Start of the departure window (minutes after midnight; default 07:00).
    window_minutes : int
        Length of the window; the percentiles sample the minutes ``start, start + 1, ...,
        start + window_minutes - 1`` (as R5's departure-time window does).
    percentiles : sequence of float
        Percentiles (0..100) to report besides the median.
    within_minutes : float, optional
        Count only departures whose journey takes at most this long; default all.
    n_threads : int, optional

    Returns
    -------
    Profile
        ``fastest_minutes`` (min over departures in the window of arrival minus the time one leaves
        the origin, waits at changes included, the initial wait not); ``median_minutes`` and
        ``percentile_minutes[p]`` over every minute t of the window of (earliest arrival leaving at
        t) - t, the wait for the first train included (``inf`` when more than that share of the
        minutes cannot reach the stop); ``departures`` in the window and ``departures_per_day``: the
        useful (Pareto-optimal: no later departure arrives as early) leave times, of at most
        ``within_minutes``; ``first_departure_minutes`` / ``last_departure_minutes`` of the day.
        From a stop to itself every minute figure is 0 and there are no departures.

    Notes
    -----
    One backward profile Connection Scan per target stop (parallel over targets): O(S * C log C)
    for the whole-day profiles of every origin at once, plus O(n_origins * S * window log window)
    for the statistics.

    Examples
    --------
    >>> p = profile(tt, ["A"], window_start_minutes=7 * 60)   # doctest: +SKIP
    >>> p.get("A", "C")["median_minutes"]                      # doctest: +SKIP
    """
    ct = compile_timetable(tt)
    orig = _origins(ct, origins)
    w = int(window_minutes)
    if w != window_minutes or w < 1:
        raise ValueError(f"window_minutes must be a whole number >= 1, got {window_minutes!r}")
    pct = [50.0] + [float(p) for p in percentiles if float(p) != 50.0]
    if any(not 0 <= p <= 100 for p in pct):
        raise ValueError(f"percentiles must be within 0..100, got {list(percentiles)}")
    within = np.inf if within_minutes is None else float(within_minutes)
    n_o, n_s = orig.shape[0], ct.n_stops
    fast = np.full((n_o, n_s), np.inf)
    out_pct = np.full((len(pct), n_o, n_s), np.inf)
    counts = np.zeros((2, n_o, n_s), dtype=np.int64)
    fl = np.full((2, n_o, n_s), np.nan)
    if n_o:
        with thread_limit(n_threads):
            kernels.profile_many(
                *_kernel_args(ct),
                ct.rfp_indptr,
                ct.rfp_indices,
                ct.rfp_minutes,
                np.array([float(window_start_minutes), float(w)]),
                within,
                np.array(pct, dtype=np.float64),
                orig,
                fast,
                out_pct,
                counts,
                fl,
            )
    return Profile(
        fast,
        {p: out_pct[k] for k, p in enumerate(pct)},
        counts[0],
        counts[1],
        fl[0],
        fl[1],
        [str(ct.stop_ids[o]) for o in orig],
        [str(s) for s in ct.stop_ids],
        float(window_start_minutes),
        w,
        within_minutes,
    )


@dataclass(frozen=True)
class Leg:
    """One leg of a journey: a train (or flight) or a transfer between two stops.

    Attributes
    ----------
    kind : str
        ``"train"`` (any trip, a flight too) or ``"transfer"``.
    from_stop, to_stop : str
        Stop ids.
    depart_minutes, arrive_minutes : float
        When the leg starts and ends (for a train: its departure and arrival).
    wait_minutes : float
        Time between the end of the previous leg (or the start of the journey) and this one:
        change, board and alight minutes and the wait for the train.
    trip_id, train, route_id : str or None
        For a train leg.
    """

    kind: str
    from_stop: str
    to_stop: str
    depart_minutes: float
    arrive_minutes: float
    wait_minutes: float
    trip_id: str | None = None
    train: str | None = None
    route_id: str | None = None

    @property
    def minutes(self) -> float:
        """Minutes on the leg itself (in the vehicle, or walking)."""
        return self.arrive_minutes - self.depart_minutes


@dataclass(frozen=True)
class Journey:
    """A journey between two stops.

    Attributes
    ----------
    from_stop, to_stop : str
    depart_minutes : float
        When the journey starts at ``from_stop`` (the asked time for :func:`journey`; the latest
        time to leave for the first train for :func:`fastest_journey`).
    arrive_minutes : float
        When one is out at ``to_stop`` (alight minutes included).
    legs : tuple of Leg
    """

    from_stop: str
    to_stop: str
    depart_minutes: float
    arrive_minutes: float
    legs: tuple

    @property
    def minutes(self) -> float:
        """``arrive_minutes - depart_minutes``."""
        return self.arrive_minutes - self.depart_minutes

    @property
    def transfers(self) -> int:
        """Changes between trains (train legs minus one; 0 without trains)."""
        return max(sum(leg.kind == "train" for leg in self.legs) - 1, 0)

    def __str__(self) -> str:
        head = (
            f"{self.from_stop} {format_clock(self.depart_minutes)} -> {self.to_stop} "
            f"{format_clock(self.arrive_minutes)}: {self.minutes:g} min, {self.transfers} change(s)"
        )
        lines = [head]
        for leg in self.legs:
            wait = f" (wait {leg.wait_minutes:g})" if leg.wait_minutes else ""
            if leg.kind == "train":
                lines.append(
                    f"  {leg.train} {leg.from_stop} {format_clock(leg.depart_minutes)} -> "
                    f"{leg.to_stop} {format_clock(leg.arrive_minutes)}{wait}"
                )
            else:
                lines.append(f"  transfer {leg.from_stop} -> {leg.to_stop} {leg.minutes:g} min{wait}")
        return "\n".join(lines)

    def to_frame(self) -> pd.DataFrame:
        """One row per leg, with the columns of :class:`Leg` and ``minutes``."""
        cols = [
            "kind",
            "from_stop",
            "to_stop",
            "depart_minutes",
            "arrive_minutes",
            "wait_minutes",
            "minutes",
            "trip_id",
            "train",
            "route_id",
        ]
        return pd.DataFrame([{c: getattr(leg, c) for c in cols} for leg in self.legs], columns=cols)

    def to_dicts(self) -> list[dict]:
        """The legs as plain dicts (for JSON)."""
        out = []
        for leg in self.legs:
            d = {
                "kind": leg.kind,
                "from_stop": leg.from_stop,
                "to_stop": leg.to_stop,
                "depart": format_clock(leg.depart_minutes),
                "arrive": format_clock(leg.arrive_minutes),
                "depart_minutes": leg.depart_minutes,
                "arrive_minutes": leg.arrive_minutes,
                "wait_minutes": leg.wait_minutes,
                "minutes": leg.minutes,
            }
            if leg.kind == "train":
                d.update(trip_id=leg.trip_id, train=leg.train, route_id=leg.route_id)
            out.append(d)
        return out


def _rounds(ct: CompiledTimetable, o: int, t: float, rounds: int, first_exact: bool):
    shape = (rounds, ct.n_stops)
    out_at = np.empty(shape)
    al, bd, rf = (np.empty(shape, dtype=np.int64) for _ in range(3))
    kernels.earliest_rounds(*_kernel_args(ct), o, float(t), first_exact, out_at, al, bd, rf)
    return out_at, al, bd, rf


def _best_journey(ct: CompiledTimetable, o: int, g: int, t: float, first_exact: bool = False):
    """(arrival, trips, legs) of the earliest, fewest-trip journey o -> g leaving at t, or None.

    With ``first_exact`` the first train must leave exactly when one is ready for it after leaving
    ``o`` at ``t`` (no initial wait: the journey of a leave time of :func:`fastest_journey`).
    """
    target = np.empty((1, ct.n_stops))
    kernels.earliest_many(*_kernel_args(ct), np.array([o]), np.array([float(t)]), first_exact, target)
    best_arr = target[0, g]
    if not np.isfinite(best_arr):
        return None
    walk = ct.walk(o, g)
    if t + walk <= best_arr:  # no train needed
        legs = () if o == g else (Leg("transfer", str(ct.stop_ids[o]), str(ct.stop_ids[g]), t, t + walk, 0.0),)
        return t + walk, 0, legs
    rounds = 8
    while True:
        out_at, al, bd, rf = _rounds(ct, o, t, rounds, first_exact)
        # candidates at the destination: alight there, or alight at w and walk w -> g
        feeders = [(g, 0.0)] + [
            (int(ct.rfp_indices[e]), float(ct.rfp_minutes[e])) for e in range(ct.rfp_indptr[g], ct.rfp_indptr[g + 1])
        ]
        found = None
        for r in range(rounds):
            for s, f in feeders:
                a = out_at[r, s] + f
                if a <= best_arr and (found is None or a < found[0]):
                    found = (a, r, s, f)
            if found is not None:
                break
        if found is not None or rounds >= _MAX_ROUNDS:
            break
        rounds *= 2
    if found is None:  # pragma: no cover - more than _MAX_ROUNDS trips
        raise RuntimeError(f"no journey with at most {_MAX_ROUNDS} trips reaches the earliest arrival")
    a, r, s, f = found
    rev = []
    if s != g:
        rev.append(("walk", s, g, f))
    while True:
        c_al, c_bd = int(al[r, s]), int(bd[r, s])
        u = int(ct.conn_int[c_bd, 0])
        rev.append(("train", c_bd, c_al))
        if r == 0:
            if u != o:
                rev.append(("walk", o, u, ct.walk(o, u)))
            break
        w = int(rf[r, u])
        if w != u:
            rev.append(("walk", w, u, ct.walk(w, u)))
        s, r = w, r - 1
    legs = []
    cursor = float(t)
    ids = ct.stop_ids
    for step in reversed(rev):
        if step[0] == "train":
            _, c_bd, c_al = step
            k = int(ct.conn_int[c_bd, 2])
            dep, arr = float(ct.conn_time[c_bd, 0]), float(ct.conn_time[c_al, 1])
            legs.append(
                Leg(
                    "train",
                    str(ids[ct.conn_int[c_bd, 0]]),
                    str(ids[ct.conn_int[c_al, 1]]),
                    dep,
                    arr,
                    dep - cursor,
                    str(ct.trip_ids[k]),
                    str(ct.trains[k]),
                    str(ct.route_ids[k]),
                )
            )
            cursor = arr
        else:
            _, a_, b_, f_ = step
            start = cursor + (ct.stop_minutes[a_, 2] if legs else 0.0)
            legs.append(Leg("transfer", str(ids[a_]), str(ids[b_]), start, start + f_, start - cursor))
            cursor = start + f_
    return a, sum(leg.kind == "train" for leg in legs), tuple(legs)


def journey(tt, from_stop, to_stop, depart_minutes: float) -> Journey | None:
    """The earliest-arrival journey leaving ``from_stop`` at ``depart_minutes``.

    Parameters
    ----------
    tt : Timetable or CompiledTimetable
    from_stop, to_stop : str
        Stop ids.
    depart_minutes : float
        When one is ready to leave ``from_stop`` (minutes after midnight).

    Returns
    -------
    Journey or None
        ``None`` when ``to_stop`` cannot be reached that day. Among journeys of equal arrival, the
        one with the fewest changes (then the one whose last train departs first).
        ``Journey.minutes`` counts from ``depart_minutes`` (the first wait included).

    Raises
    ------
    UnknownPlaceError
        An unknown stop id (with close matches).

    Examples
    --------
    >>> j = journey(tt, "A", "C", 8 * 60)                    # doctest: +SKIP
    >>> print(j)                                              # doctest: +SKIP
    """
    ct = compile_timetable(tt)
    o, g = ct.position(from_stop), ct.position(to_stop)
    found = _best_journey(ct, o, g, float(depart_minutes))
    if found is None:
        return None
    a, _, legs = found
    return Journey(str(ct.stop_ids[o]), str(ct.stop_ids[g]), float(depart_minutes), float(a), legs)


def _leave_times(ct: CompiledTimetable, o: int, start: float, end: float) -> np.ndarray:
    """Distinct latest times to leave ``o`` for each boarding reachable from it, in [start, end)."""
    dep_stop = ct.conn_int[:, 0]
    cands = [ct.conn_time[dep_stop == o, 0] - ct.stop_minutes[o, 1]]
    for e in range(ct.fp_indptr[o], ct.fp_indptr[o + 1]):
        w = int(ct.fp_indices[e])
        cands.append(ct.conn_time[dep_stop == w, 0] - ct.fp_minutes[e] - ct.stop_minutes[w, 1])
    leave = np.unique(np.concatenate(cands))
    return leave[(leave >= start) & (leave < end)]


def fastest_journey(
    tt, from_stop, to_stop, window_start_minutes: float = 420.0, window_minutes: float = 120.0
) -> Journey | None:
    """The fastest journey leaving ``from_stop`` within a departure window.

    Parameters
    ----------
    tt : Timetable or CompiledTimetable
    from_stop, to_stop : str
        Stop ids.
    window_start_minutes, window_minutes : float
        Leave times considered: ``[start, start + window_minutes)``.

    Returns
    -------
    Journey or None
        Its ``depart_minutes`` is the latest time to leave for its first train (its board and walk
        minutes before it included), so ``minutes`` has no initial wait. Ties: fewest changes, then
        earliest departure. ``None`` when no journey leaves in the window (a stop reached on foot
        alone gives a walk at ``window_start_minutes``).

    Examples
    --------
    >>> j = fastest_journey(tt, "A", "C", 7 * 60, 120)        # doctest: +SKIP
    >>> j.minutes, j.transfers                                 # doctest: +SKIP
    """
    ct = compile_timetable(tt)
    o, g = ct.position(from_stop), ct.position(to_stop)
    start, end = float(window_start_minutes), float(window_start_minutes) + float(window_minutes)
    walk = ct.walk(o, g)
    if np.isfinite(walk):
        legs = () if o == g else (Leg("transfer", str(ct.stop_ids[o]), str(ct.stop_ids[g]), start, start + walk, 0.0),)
        best = (walk, 0, start, Journey(str(ct.stop_ids[o]), str(ct.stop_ids[g]), start, start + walk, legs))
    else:
        best = None
    leave = _leave_times(ct, o, start, end)
    if leave.size:
        arr = np.empty((leave.size, ct.n_stops))
        # first_exact: each leave time's journeys board their first train without waiting, so a
        # journey that would wait for a train leaving after the window is not counted in it
        kernels.earliest_many(*_kernel_args(ct), np.full(leave.size, o, dtype=np.int64), leave, True, arr)
        dur = arr[:, g] - leave
        if np.isfinite(dur).any():
            top = np.min(dur)
            if best is None or top <= best[0]:
                for i in np.flatnonzero(dur == top):  # ties: fewest trips, then earliest departure
                    a, n_trips, legs = _best_journey(ct, o, g, float(leave[i]), True)
                    key = (a - leave[i], max(n_trips - 1, 0), float(leave[i]))
                    if best is None or key < best[:3]:
                        best = (
                            *key,
                            Journey(str(ct.stop_ids[o]), str(ct.stop_ids[g]), float(leave[i]), float(a), legs),
                        )
    return None if best is None else best[3]
