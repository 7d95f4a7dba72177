"""Flights of a network as timetable trips: daily frequencies spread evenly over an operating day.

A network's ``flights`` table gives, per airport pair (both directions on one row), the block minutes
and the departures a day each way, not a schedule. :func:`flight_trips` turns it into one trip per
departure, deterministic: ``n`` departures a day leave at ``first + i * (last - first) / (n - 1)``
(one flight leaves at the middle of the day), rounded to the minute, the same in both directions.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from transit.clock import parse_clock
from transit.timetable.model import Timetable

__all__ = ["flight_trips"]


def flight_trips(
    network,
    *,
    first_departure="07:00",
    last_departure="22:00",
    board_minutes: float | None = None,
    alight_minutes: float | None = None,
    change_minutes: float = 0.0,
    service_date=None,
) -> Timetable:
    """The network's flights as a timetable of one day.

    Parameters
    ----------
    network : transit.Network
        Its ``flights`` (``from_station_id``, ``to_station_id``, ``block_minutes``,
        ``daily_frequency``) and ``stations`` (the airports).
    first_departure, last_departure : str or float
        The operating day: first and last departure (``"HH:MM"`` or minutes after midnight).
    board_minutes, alight_minutes : float, optional
        Airport processing before a departure and after an arrival; default the network's
        ``parameters['airport_departure_minutes']`` and ``['airport_arrival_minutes']``.
    change_minutes : float
        ``min_change_minutes`` of the airports, on top of alight + board between two flights.
    service_date : date, optional
        Recorded on the timetable.

    Returns
    -------
    Timetable
        Stops: the airports served (``board_minutes`` and ``alight_minutes`` set); trips: ``mode``
        ``air``, ``trip_id`` ``"<from>-<to>-<k>"``, ``route_id`` ``"<from>-<to>"``, ``train``
        ``"<IATA from><IATA to><k>"``; a daily frequency is rounded to whole flights (below 0.5:
        none). No transfers. Merge with a rail timetable with :meth:`Timetable.with_trips`.

    Examples
    --------
    >>> fl = flight_trips(transit.load_network())          # doctest: +SKIP
    >>> fl.trips["mode"].unique().tolist()                 # doctest: +SKIP
    ['air']
    """
    params = network.parameters
    board = float(params["airport_departure_minutes"] if board_minutes is None else board_minutes)
    alight = float(params["airport_arrival_minutes"] if alight_minutes is None else alight_minutes)
    first, last = parse_clock(first_departure), parse_clock(last_departure)
    if not 0 <= first <= last:
        raise ValueError(f"first_departure {first_departure!r} must be at or before last_departure {last_departure!r}")
    fl = network.flights
    stations = network.stations.set_index("station_id")
    trips, calls = [], []
    numbered: dict[tuple[str, str], int] = {}  # flights so far per direction: two rows may serve one pair
    for row in fl.sort_values(["from_station_id", "to_station_id"], kind="stable").itertuples(index=False):
        n = int(np.floor(float(row.daily_frequency) + 0.5))
        if n <= 0:
            continue
        block = float(row.block_minutes)
        times = (
            [round((first + last) / 2.0)] if n == 1 else [round(first + i * (last - first) / (n - 1)) for i in range(n)]
        )
        for a, b in ((row.from_station_id, row.to_station_id), (row.to_station_id, row.from_station_id)):
            code = "".join(
                str(stations.at[s, "iata"])
                if "iata" in stations and pd.notna(stations.at[s, "iata"])
                else s[:3].upper()
                for s in (a, b)
            )
            for k, dep in enumerate(times, numbered.get((a, b), 0) + 1):
                numbered[(a, b)] = k
                tid = f"{a}-{b}-{k}"
                trips.append((tid, f"{a}-{b}", f"{code}{k}", "air"))
                calls.append((tid, 1, a, float(dep), float(dep)))
                calls.append((tid, 2, b, float(dep) + block, float(dep) + block))
    served = sorted({c[2] for c in calls})
    st = stations.loc[served] if served else stations.iloc[:0]
    stops = pd.DataFrame(
        {
            "stop_id": served,
            "stop_name": st["name"].to_numpy() if "name" in st else served,
            "lat": st["lat"].to_numpy(float),
            "lon": st["lon"].to_numpy(float),
            "city_id": st["city_id"].to_numpy() if "city_id" in st else "",
            "min_change_minutes": float(change_minutes),
            "board_minutes": board,
            "alight_minutes": alight,
        }
    )
    return Timetable(
        stops,
        pd.DataFrame(trips, columns=["trip_id", "route_id", "train", "mode"]),
        pd.DataFrame(calls, columns=["trip_id", "stop_sequence", "stop_id", "arrival_minutes", "departure_minutes"]),
        pd.DataFrame(columns=["from_stop_id", "to_stop_id", "min_transfer_minutes"]),
        float(change_minutes),
        service_date,
        "flights of the network",
        {
            "first_departure_minutes": first,
            "last_departure_minutes": last,
            "board_minutes": board,
            "alight_minutes": alight,
        },
    )
