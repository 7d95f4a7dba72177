"""Station-to-station times on a timetable, as the ``transit times FROM TO --gtfs FEED`` command prints.

:func:`gtfs_times` returns the JSON payload of ``transit times FROM TO --gtfs FEED --depart HH:MM
[--window MIN] --format json``; the command line only parses arguments and prints it.
"""

from __future__ import annotations

import difflib
from pathlib import Path

import numpy as np

from transit.errors import UnknownPlaceError
from transit.timetable.engine import compile_timetable, earliest_arrival, fastest_journey, journey
from transit.timetable.gtfs import read_gtfs
from transit.timetable.model import Timetable

__all__ = ["gtfs_times", "resolve_stops", "parse_clock"]


def parse_clock(text) -> float:
    """``"08:00"`` (or ``"25:10"``, or minutes as a number) -> minutes after midnight."""
    if isinstance(text, (int, float)):
        return float(text)
    parts = str(text).strip().split(":")
    try:
        if len(parts) not in (2, 3) or len(parts[1]) != 2:
            raise ValueError
        h, m = int(parts[0]), int(parts[1])
        s = int(parts[2]) if len(parts) == 3 else 0
        if h < 0 or not 0 <= m < 60 or not 0 <= s < 60:
            raise ValueError
    except ValueError:
        raise ValueError(f"time {text!r} is not HH:MM (e.g. 08:00, or 25:10 after midnight)") from None
    return h * 60.0 + m + s / 60.0


def _clock(m: float) -> str:
    m = int(round(m))
    return f"{m // 60:02d}:{m % 60:02d}"


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
    close = difflib.get_close_matches(key, pool, n=3, cutoff=0.6)
    if not close:
        close = [p for p in pool if key.casefold() in p.casefold()][:3]
    hint = (
        f"; did you mean {', '.join(repr(c) for c in close)}?" if close else "; use a stop_name or stop_id of stops.txt"
    )
    raise UnknownPlaceError(f"unknown stop {key!r} in {tt.label}{hint}")


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
        included), ``transfers``, ``legs`` (dicts: kind, from_stop, to_stop, depart, arrive, minutes,
        wait_minutes, and train, trip_id, route_id for trains). Unreachable: ``minutes``,
        ``arrive`` and ``transfers`` None, ``legs`` empty. With a window: ``window_minutes``,
        ``fastest_minutes`` (shortest journey leaving in the window, no initial wait),
        ``median_minutes`` (over the window's minutes, waits included) and ``departures`` (useful
        departures in the window: minutes after which the earliest arrival gets later); None where
        TO cannot be reached.

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
        "depart": _clock(t0),
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
            arrive=_clock(jn.arrive_minutes),
            arrive_minutes=jn.arrive_minutes,
            minutes=jn.arrive_minutes - t0,
            transfers=jn.transfers,
            legs=jn.to_dicts(),
        )
    if window_minutes is not None:
        w = int(round(float(window_minutes)))
        if w < 1:
            raise ValueError(f"window_minutes must be >= 1, got {window_minutes!r}")
        minutes = t0 + np.arange(w + 1, dtype=np.float64)
        rep = np.repeat(origins, w + 1)
        grid = earliest_arrival(ct, list(rep), np.tile(minutes, len(origins)))
        per_minute = grid.arrival_minutes[:, cols].min(axis=1).reshape(len(origins), w + 1).min(axis=0)
        span = per_minute[:w] - minutes[:w]
        fastest = [fastest_journey(ct, o, d, t0, w) for o in origins for d in targets]
        fastest = [f.minutes for f in fastest if f is not None]
        jumps = int(np.sum(np.isfinite(per_minute[:w]) & (per_minute[:w] < per_minute[1:])))
        out.update(
            window_minutes=w,
            fastest_minutes=float(min(fastest)) if fastest else None,
            median_minutes=float(np.median(span)) if np.isfinite(np.median(span)) else None,
            departures=jumps,
        )
    return out
