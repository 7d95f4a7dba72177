"""Station-to-station times on a timetable, as the ``transit times FROM TO --gtfs FEED`` command prints.

:func:`gtfs_times` returns the JSON payload of ``transit times FROM TO --gtfs FEED --depart HH:MM
[--window MIN] --format json``; the command line only parses arguments and prints it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from transit._files import did_you_mean
from transit.clock import format_clock, parse_clock
from transit.errors import UnknownPlaceError
from transit.timetable.engine import _leave_times, compile_timetable, earliest_arrival, fastest_journey, journey
from transit.timetable.gtfs import read_gtfs
from transit.timetable.model import Timetable

__all__ = ["gtfs_times", "resolve_stops", "parse_clock"]


def resolve_stops(tt: Timetable, name: str) -> list[str]:
    """Stop ids a name stands for: a stop id, or every stop of that name (any case), a parent station's
    children included.

    Raises
    ------
    UnknownPlaceError
        No stop has that id or name; the message suggests close names.
    """
    stops = tt.stops
    ids = stops["stop_id"].astype(str)
    names = stops["stop_name"].astype(str)
    key = str(name).strip()
    hit = (ids == key) | (names.str.casefold() == key.casefold())
    if "parent_station" in stops:
        parents = set(ids[hit])
        hit |= stops["parent_station"].fillna("").astype(str).isin(parents)
    found = ids[hit].tolist()
    if found:
        return found
    pool = sorted(set(names) | set(ids))
    hint = did_you_mean(key, pool, n=3)
    if not hint:
        inside = [p for p in pool if key.casefold() in p.casefold()][:3]
        hint = "did you mean " + ", ".join(repr(c) for c in inside) + "?" if inside else ""
    raise UnknownPlaceError(
        f"unknown stop {key!r} in {tt.label}; " + (hint or "use a stop_name or stop_id of stops.txt")
    )


def _group_arrival(ct, origins: list[str], cols: list[int], times: np.ndarray) -> np.ndarray:
    """Earliest arrival at any of the stops ``cols`` from any of ``origins``, leaving at each time."""
    rep = [o for o in origins for _ in range(times.size)]
    ea = earliest_arrival(ct, rep, np.tile(times, len(origins)))
    return ea.arrival_minutes[:, cols].min(axis=1).reshape(len(origins), times.size).min(axis=0)


def _legs(jn, names: dict) -> list[dict]:
    legs = jn.to_dicts()
    for leg in legs:
        leg["from_name"] = names.get(leg["from_stop"], leg["from_stop"])
        leg["to_name"] = names.get(leg["to_stop"], leg["to_stop"])
    return legs


def _journey_dict(jn, names: dict) -> dict:
    return {
        "from_stop": jn.from_stop,
        "to_stop": jn.to_stop,
        "depart": format_clock(jn.depart_minutes),
        "arrive": format_clock(jn.arrive_minutes),
        "depart_minutes": jn.depart_minutes,
        "arrive_minutes": jn.arrive_minutes,
        "minutes": jn.minutes,
        "transfers": jn.transfers,
        "legs": _legs(jn, names),
    }


def gtfs_times(
    feed_or_timetable, from_name: str, to_name: str, depart="08:00", window_minutes: float | None = None, *, date=None
) -> dict:
    """Earliest arrival and route from one stop (or station) to another, leaving at ``depart``.

    Parameters
    ----------
    feed_or_timetable : str, Path or Timetable
        A GTFS feed (zip or folder, read with :func:`read_gtfs`) or a timetable.
    from_name, to_name : str
        Stop names or ids; a name several stops share, or a parent station, stands for all of them.
    depart : str or float
        ``"HH:MM"`` (or minutes after midnight): when one is ready at FROM.
    window_minutes : float, optional
        Also the statistics of leaving at every minute of ``[depart, depart + window)``.
    date : date or str, optional
        Passed to :func:`read_gtfs` when a feed is given.

    Returns
    -------
    dict
        ``from``, ``to`` (as asked), ``from_stops``, ``to_stops`` (ids), ``method``
        (``"timetable"``), ``timetable`` (its label), ``service_date``, ``depart`` and ``arrive``
        (``HH:MM``), ``minutes`` (earliest arrival at TO minus the departure time, the first wait
        included, as R5 counts it), ``transfers``, ``legs`` (dicts: kind, from_stop, to_stop,
        from_name, to_name, depart, arrive, minutes, wait_minutes, and train, trip_id, route_id for
        trains). Unreachable: ``minutes``, ``arrive`` and ``transfers`` None, ``legs`` empty. With
        a window: ``window_minutes``, ``fastest_minutes`` and ``fastest`` (the shortest journey
        leaving in ``[depart, depart + window)``, no initial wait, as a dict with its legs),
        ``median_minutes`` (over the window's minutes, waits included) and ``departures`` (useful
        departures in the window: leave times after which the earliest arrival gets later, the
        profile's count); None where TO cannot be reached (``departures`` 0).

    Raises
    ------
    UnknownPlaceError
        FROM or TO names no stop (with did-you-mean suggestions).

    Examples
    --------
    >>> gtfs_times("feed.zip", "Wenzhou South", "Hangzhou East", depart="08:00")   # doctest: +SKIP
    {'from': 'Wenzhou South', ..., 'minutes': 104.0, 'method': 'timetable', ...}
    """
    tt = (
        feed_or_timetable if isinstance(feed_or_timetable, Timetable) else read_gtfs(Path(feed_or_timetable), date=date)
    )
    t0 = parse_clock(depart)
    origins, targets = resolve_stops(tt, from_name), resolve_stops(tt, to_name)
    ct = compile_timetable(tt)
    cols = [ct.stop_index[s] for s in targets]
    names = dict(zip(tt.stops["stop_id"].astype(str), tt.stops["stop_name"].astype(str)))
    ea = earliest_arrival(ct, origins, t0)
    sub = ea.arrival_minutes[:, cols]
    out = {
        "from": from_name,
        "to": to_name,
        "from_stops": origins,
        "to_stops": targets,
        "method": "timetable",
        "timetable": tt.label,
        "service_date": tt.service_date.isoformat() if tt.service_date else None,
        "depart": format_clock(t0),
        "depart_minutes": t0,
        "arrive": None,
        "minutes": None,
        "transfers": None,
        "legs": [],
    }
    best = float(sub.min()) if sub.size else np.inf
    if np.isfinite(best):
        cands = []
        for i, j in zip(*np.nonzero(sub == best)):
            jn = journey(ct, origins[i], targets[j], t0)
            cands.append((jn.arrive_minutes, jn.transfers, i, j, jn))
        _, _, _, _, jn = min(cands, key=lambda c: c[:4])
        out.update(
            arrive=format_clock(jn.arrive_minutes),
            arrive_minutes=jn.arrive_minutes,
            minutes=jn.arrive_minutes - t0,
            transfers=jn.transfers,
            legs=_legs(jn, names),
        )
    if window_minutes is not None:
        w = int(round(float(window_minutes)))
        if w < 1 or w != float(window_minutes):
            raise ValueError(f"window_minutes must be a whole number >= 1, got {window_minutes!r}")
        end = t0 + w
        # the median over the window's minutes t0, t0 + 1, ..., t0 + w - 1 (waits included)
        minutes = t0 + np.arange(w, dtype=np.float64)
        span = _group_arrival(ct, origins, cols, minutes) - minutes
        median = float(np.median(span))
        # useful departures: leave times L in the window after which the earliest arrival gets later
        # (arrival is constant on (previous leave time, L], so compare with the next leave time)
        leave = np.unique(np.concatenate([_leave_times(ct, ct.stop_index[o], t0, np.inf) for o in origins]))
        inside = leave[leave < end]
        probe = leave[: inside.size + 1]
        at = _group_arrival(ct, origins, cols, probe) if probe.size else probe
        after = np.append(at[1:], np.inf) if probe.size == inside.size else at[1:]
        walk = min((ct.walk(ct.stop_index[o], c) for o in origins for c in cols), default=np.inf)
        head = at[: inside.size]
        useful = np.isfinite(head) & (head < after) & (head < inside + walk)  # by train, not on foot
        fastest = [f for f in (fastest_journey(ct, o, d, t0, w) for o in origins for d in targets) if f is not None]
        top = min(fastest, key=lambda f: (f.minutes, f.transfers, f.depart_minutes)) if fastest else None
        out.update(
            window_minutes=w,
            fastest_minutes=top.minutes if top else None,
            fastest=_journey_dict(top, names) if top else None,
            median_minutes=median if np.isfinite(median) else None,
            departures=int(useful.sum()),
        )
    return out
