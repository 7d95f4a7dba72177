"""A timetable: one service day of trips with their stop times, GTFS in spirit.

Every source of trains ends here: a GTFS feed (:mod:`transit.timetable.gtfs`), the shared 2016
workbook (:mod:`transit.timetable.workbook`), flights from a network's ``flights.csv`` and the service
model that writes a day's trains for any network and scenario (:mod:`transit.timetable.service`). The
engine (:mod:`transit.timetable.engine`) routes on any of them alike.

Conventions (the same as the rest of transit):

- times are minutes after midnight of the service day, float64; a trip that runs past midnight has
  times above 1440 (GTFS writes them as ``25:10:00``);
- ``arrival_minutes <= departure_minutes`` at a stop, and both never decrease along a trip;
- ids are strings; a network's timetable uses its station ids as stop ids.

Optional stop columns (absent or NaN = 0), processing times applied by the engine at every boarding
and alighting at the stop, the origin and destination of a journey included (see
:data:`OPTIONAL_STOP_COLUMNS`):

- ``board_minutes``: one must be at the stop this long before a departure (an airport: 60);
- ``alight_minutes``: one is out of the stop this long after an arrival (an airport: 20).

A change between two trips at one stop then takes ``alight + min_change + board`` minutes, and one
between two stops ``alight`` at the first + ``min_transfer_minutes`` + ``board`` at the second.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

__all__ = [
    "Timetable",
    "STOP_COLUMNS",
    "OPTIONAL_STOP_COLUMNS",
    "TRIP_COLUMNS",
    "STOP_TIME_COLUMNS",
    "TRANSFER_COLUMNS",
]

#: Columns of :attr:`Timetable.stops`. ``min_change_minutes`` is the least time to change trains at
#: the stop (NaN: the timetable's default); ``city_id`` groups stops of one city (may be empty).
STOP_COLUMNS = ("stop_id", "stop_name", "lat", "lon", "city_id", "min_change_minutes")
#: Optional columns of :attr:`Timetable.stops` read by the engine: minutes to be at the stop before
#: a departure and to be out after an arrival (airport processing); absent or NaN = 0.
OPTIONAL_STOP_COLUMNS = ("board_minutes", "alight_minutes")
#: Columns of :attr:`Timetable.trips`. ``mode`` is ``rail`` or ``air``; ``train`` the public number
#: (``G7501``, ``MU5137``); ``route_id`` the line or service pattern the trip belongs to.
TRIP_COLUMNS = ("trip_id", "route_id", "train", "mode")
#: Columns of :attr:`Timetable.stop_times`, one row per call, sorted by trip and sequence.
STOP_TIME_COLUMNS = ("trip_id", "stop_sequence", "stop_id", "arrival_minutes", "departure_minutes")
#: Columns of :attr:`Timetable.transfers`: changes between two stops (or at one stop, overriding its
#: ``min_change_minutes``), one row per direction, as GTFS ``transfers.txt`` type 2.
TRANSFER_COLUMNS = ("from_stop_id", "to_stop_id", "min_transfer_minutes")


@dataclass(frozen=True, eq=False)
class Timetable:
    """The trips of one service day.

    Attributes
    ----------
    stops, trips, stop_times, transfers : pandas.DataFrame
        With the columns of :data:`STOP_COLUMNS`, :data:`TRIP_COLUMNS`, :data:`STOP_TIME_COLUMNS` and
        :data:`TRANSFER_COLUMNS` (extra columns are kept and ignored by the engine).
    default_change_minutes : float
        Least time to change trains at a stop whose ``min_change_minutes`` is NaN.
    service_date : datetime.date or None
        The day the trips run, where known.
    label : str
        Where the trips come from, for reports: ``"gtfs feed.zip"``, ``"12306 workbook 2016-03-10"``,
        ``"service model: yrd on 2026-11-01"``.
    meta : dict
        Free provenance (parameters of the service model, the feed's agency), carried along.
    """

    stops: pd.DataFrame
    trips: pd.DataFrame
    stop_times: pd.DataFrame
    transfers: pd.DataFrame
    default_change_minutes: float = 0.0
    service_date: date | None = None
    label: str = "timetable"
    meta: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name, cols in (
            ("stops", STOP_COLUMNS),
            ("trips", TRIP_COLUMNS),
            ("stop_times", STOP_TIME_COLUMNS),
            ("transfers", TRANSFER_COLUMNS),
        ):
            missing = [c for c in cols if c not in getattr(self, name).columns]
            if missing:
                raise ValueError(f"Timetable.{name} lacks the columns {missing}; it needs {list(cols)}")

    def __repr__(self) -> str:
        day = self.service_date.isoformat() if self.service_date else "no date"
        return (
            f"<Timetable {self.label!r} ({day}): {len(self.trips)} trips, {len(self.stops)} stops, "
            f"{len(self.stop_times)} stop times>"
        )

    @property
    def n_trips(self) -> int:
        """Number of trips."""
        return len(self.trips)

    def change_minutes(self) -> np.ndarray:
        """Least change time at each stop (in :attr:`stops` order), the default filled in."""
        m = self.stops["min_change_minutes"].to_numpy(dtype=np.float64, na_value=np.nan)
        return np.where(np.isnan(m), float(self.default_change_minutes), m)

    def trips_of(self, stop_id: str) -> pd.DataFrame:
        """The calls at one stop, with their trips' numbers, sorted by departure."""
        st = self.stop_times[self.stop_times["stop_id"] == stop_id]
        out = st.merge(self.trips[list(TRIP_COLUMNS)], on="trip_id", how="left")
        return out.sort_values(["departure_minutes", "trip_id"], kind="stable").reset_index(drop=True)

    def with_trips(self, trips: pd.DataFrame, stop_times: pd.DataFrame, *, label: str | None = None) -> Timetable:
        """A new timetable with more trips appended (flights, a scenario's express trains)."""
        return Timetable(
            self.stops,
            pd.concat([self.trips, trips], ignore_index=True),
            pd.concat([self.stop_times, stop_times], ignore_index=True),
            self.transfers,
            self.default_change_minutes,
            self.service_date,
            label or self.label,
            dict(self.meta),
        )
