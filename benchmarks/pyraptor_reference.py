"""pyraptor (PyPI ``pyraptor`` 1.3.10, MIT, L. van der Meulen and T. Hopmans) as a benchmark reference.

pyraptor is a published pure-Python RAPTOR. It pins pandas<2 and loguru<0.7, which this project's
pandas does not meet; its RAPTOR core (``pyraptor.model.raptor``, ``pyraptor.model.structures``,
``pyraptor.dao.timetable``, ``pyraptor.util``) needs only numpy, attrs, loguru and joblib, so it is
installed without its pins: ``pip install --no-deps pyraptor==1.3.10 && pip install loguru attrs
joblib``. Importing this module raises ImportError without it.

How a :class:`~transit.timetable.engine.CompiledTimetable` becomes pyraptor's ``Timetable``
--------------------------------------------------------------------------------------------
- One pyraptor ``Station`` with one ``Stop`` per stop of ours, so pyraptor has no footpaths
  (``Transfers`` is empty). Times are whole seconds (our minutes x 60).
- Our engine stays on a trip for free and needs the stop's change minutes between two trips at one
  stop; pyraptor boards any trip that departs at or after the label of the stop, and charges
  transfer time only on footpaths between the stops of one station. So every arrival of the copy is
  the arrival plus the stop's change minutes (departures as they are): pyraptor's label at a stop
  reached by a trip is then our arrival plus the change minutes, at the origin the departure time.
  Nothing in pyraptor needs a call's arrival at or before its departure but ``Trip.add_stop_time``,
  which asserts it, so the stop times are put on the trips directly.
- One pyraptor ``Route`` per trip, not one per stop sequence as pyraptor's GTFS loader
  (``Routes.add``) makes them. At every stop with a label, pyraptor's route scan takes the
  earliest trip of the route that departs at or after the label and compares the label with that
  trip's departure, not with the departure of the trip it is on (RAPTOR's "catch an earlier
  trip?" test), so it gets off its trip for a later one whenever the label is after its trip's
  departure. On its own data that cannot happen (a trip's arrival is at or before its departure,
  so the label it leaves is too, and the trip found is that trip or an earlier one), but with the change minutes on the arrivals every stop a trip improves gets such a label: on a
  route of several trips the scan goes on with the route's next trip and later stops get later
  arrivals (with pyraptor's routes, each of 6 origins sampled at 08:00 had 2 to 104 stations later
  than the engine's and csa_plain's). With one trip per route there is no other trip to take, and
  the answers are the engine's (the benchmark compares them on every sample). On the 2016
  timetable 2,530 of the 2,767 stop sequences have one trip, so the copy has 3,700 routes where the
  loader would make 2,767; pyraptor took 6 % longer with them at 64 rounds and as long at 8.

The timetable must have no footpaths, no board or alight minutes and no trip that calls at a stop
twice (the benchmark's has none of these); :func:`build_timetable` raises ValueError otherwise.
Trips past midnight need nothing: pyraptor's times are plain seconds, above 86,400 as well.
"""

from __future__ import annotations

import bisect
import math

import numpy as np
import pyraptor
from loguru import logger
from pyraptor.model.raptor import RaptorAlgorithm
from pyraptor.model.structures import (
    Route,
    Routes,
    Station,
    Stations,
    Stop,
    Stops,
    Timetable,
    Transfers,
    Trip,
    Trips,
    TripStopTime,
    TripStopTimes,
)
from pyraptor.util import LARGE_NUMBER

VERSION = pyraptor.__version__


def silence_logging() -> None:
    """Remove every loguru handler: pyraptor logs each round, which would dominate its time."""
    logger.remove()


def build_timetable(ct) -> Timetable:
    """pyraptor's ``Timetable`` for a compiled timetable, change minutes on the arrivals (module notes).

    Parameters
    ----------
    ct : CompiledTimetable
        Without footpaths or board and alight minutes.

    Returns
    -------
    pyraptor.model.structures.Timetable
        Stops in the order of ``ct.stop_ids`` (``timetable.stops.get(ct.stop_ids[i])``), one route
        per trip, every trip's arrivals ``ct.stop_minutes[:, 0]`` later than ours.

    Raises
    ------
    ValueError
        When ``ct`` has footpaths or board or alight minutes, or a trip that calls at a stop twice
        (pyraptor finds a trip's call and a route's position by the stop).
    """
    if len(ct.fp_indices) or np.any(ct.stop_minutes[:, 1:] != 0):
        raise ValueError("the pyraptor reference takes no footpaths and no board or alight minutes")
    stations, stops = Stations(), Stops()
    stop_of = []
    for sid in ct.stop_ids:
        station = stations.add(Station(str(sid), str(sid)))
        stop = stops.add(Stop(str(sid), str(sid), station, "?"))
        station.add_stop(stop)
        stop_of.append(stop)
    change_s = np.rint(ct.stop_minutes[:, 0] * 60).astype(np.int64).tolist()
    sec = np.rint(ct.conn_time * 60).astype(np.int64).tolist()
    calls: list[list[tuple[int, int, int]]] = [[] for _ in ct.trip_ids]  # (stop, arrival s, departure s)
    for (u, v, k), (d, a) in zip(ct.conn_int.tolist(), sec):
        trip = calls[k]
        if not trip:
            trip.append((u, d, d))  # no arrival at the first call: its departure, as in GTFS
        elif trip[-1][0] != u:
            raise ValueError(f"trip {ct.trip_ids[k]}: its connections in departure order do not chain")
        else:
            trip[-1] = (u, trip[-1][1], d)
        trip.append((v, a, a))  # no departure from the last call: its arrival, as in GTFS
    trips, trip_stop_times, routes = Trips(), TripStopTimes(), Routes()
    for k, trip_calls in enumerate(calls):
        if len({s for s, _, _ in trip_calls}) < len(trip_calls):
            raise ValueError(
                f"trip {ct.trip_ids[k]} calls at a stop twice, which pyraptor's trips and routes cannot hold"
            )
        trip = Trip(hint=str(ct.trip_ids[k]))
        for i, (s, a, d) in enumerate(trip_calls):
            trip.stop_times.append(TripStopTime(trip, i, stop_of[s], a + change_s[s], d))
            trip.stop_times_index[stop_of[s]] = i
        trips.add(trip)  # numbers the trip, which its stop times hash by
        for tst in trip.stop_times:
            trip_stop_times.add(tst)
        route = Route(id=routes.last_id)
        for tst in trip.stop_times:
            route.add_stop(tst.stop)
            routes.stop_to_routes[tst.stop].append(route)
        route.add_trip(trip)
        routes.set_idx[route.id] = route
        routes.last_id += 1
    return Timetable(stations, stops, trips, trip_stop_times, routes, Transfers())


def earliest_arrival(timetable: Timetable, ct, origin: int, t: float, rounds: int) -> list[float]:
    """pyraptor's RAPTOR from one origin: the earliest arrival minutes per stop position of ``ct``.

    ``RaptorAlgorithm.run`` as ``pyraptor/query_raptor.py`` runs it; the labels are read from its
    best labels over all rounds (``bag_star``), since ``run`` stops as soon as no stop is marked and
    leaves the later rounds' labels empty.

    Parameters
    ----------
    timetable : pyraptor.model.structures.Timetable
        From :func:`build_timetable` of ``ct``.
    ct : CompiledTimetable
        The timetable ``timetable`` was built from (stop order, change minutes).
    origin : int
        Stop position of the origin.
    t : float
        Departure minutes (whole seconds).
    rounds : int
        Most trips per journey. ``run`` stops after the first round that improves nothing, but every
        round deep-copies the labels of all ``rounds + 1`` rounds, so a bound above the trips needed
        still costs time (64 rounds took 2.1-2.3 times as long as 8 on the quick samples).

    Returns
    -------
    list of float
        Per stop position: ``t`` at the origin, else the earliest arrival (pyraptor's label less the
        change minutes), ``inf`` where unreached; the form of ``csa_plain``'s answer.
    """
    raptor = RaptorAlgorithm(timetable)
    origin_stop = timetable.stops.get(str(ct.stop_ids[origin]))
    raptor.run([origin_stop], round(t * 60), rounds)
    change = ct.stop_minutes[:, 0].tolist()
    out = []
    for i, sid in enumerate(ct.stop_ids):
        label = raptor.bag_star[timetable.stops.get(str(sid))].earliest_arrival_time
        if i == origin:
            out.append(label / 60)
        elif label >= LARGE_NUMBER:
            out.append(math.inf)
        else:
            out.append(label / 60 - change[i])
    return out


def window_departures(timetable: Timetable, ct, origin: int, start: float, window: int) -> list[int]:
    """The departures (seconds) a range query over the window runs RAPTOR at, latest first.

    ``pyraptor/query_range_raptor.py`` runs RAPTOR once per distinct departure time of a trip from
    the origin in the window (``TripStopTimes.get_trip_stop_times_in_range``). Leaving at minute
    ``m`` arrives as leaving at the first departure at or after ``m`` (there are no footpaths), so
    the runs wanted are at the departures that some minute of the window catches first: those in
    the window and the first after it.

    Parameters
    ----------
    timetable : pyraptor.model.structures.Timetable
        From :func:`build_timetable` of ``ct``.
    ct : CompiledTimetable
        The timetable ``timetable`` was built from.
    origin : int
        Stop position of the origin.
    start : float
        First minute of the window.
    window : int
        Departure minutes in the window (``start``, ``start + 1``, ...).

    Returns
    -------
    list of int
        Departure seconds, latest first.
    """
    deps = _departures(timetable, ct, origin, start)
    caught = {bisect.bisect_left(deps, round((start + j) * 60)) for j in range(window)}
    return sorted((deps[i] for i in caught if i < len(deps)), reverse=True)


def window_spans(timetable: Timetable, ct, origin: int, start: float, window: int, rounds: int) -> np.ndarray:
    """Minutes from leaving ``origin`` at each minute of the window to the earliest arrival, per stop.

    A range query: :func:`earliest_arrival` at each of :func:`window_departures`.

    Parameters
    ----------
    timetable : pyraptor.model.structures.Timetable
        From :func:`build_timetable` of ``ct``.
    ct : CompiledTimetable
        The timetable ``timetable`` was built from.
    origin : int
        Stop position of the origin.
    start : float
        First minute of the window.
    window : int
        Departure minutes in the window (``start``, ``start + 1``, ...).
    rounds : int
        Most trips per journey.

    Returns
    -------
    ndarray of float, shape (window, n_stops)
        Arrival less departure minute; 0 at the origin, ``inf`` where nothing arrives.
    """
    runs = {
        d: np.array(earliest_arrival(timetable, ct, origin, d / 60, rounds))
        for d in window_departures(timetable, ct, origin, start, window)
    }
    deps = sorted(runs)
    spans = np.full((window, ct.n_stops), math.inf)
    for j in range(window):
        m = start + j
        i = bisect.bisect_left(deps, round(m * 60))
        if i < len(deps):
            spans[j] = runs[deps[i]] - m
        spans[j, origin] = 0.0
    return spans


def _departures(timetable: Timetable, ct, origin: int, start: float) -> list[int]:
    """Distinct departure seconds of trips from ``origin`` at or after ``start``, in order."""
    origin_stop = timetable.stops.get(str(ct.stop_ids[origin]))
    in_range = timetable.trip_stop_times.get_trip_stop_times_in_range([origin_stop], round(start * 60), LARGE_NUMBER)
    return sorted({tst.dts_dep for tst in in_range if tst.stopidx < len(tst.trip) - 1})
