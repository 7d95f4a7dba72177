"""Read and write GTFS feeds as :class:`~transit.timetable.model.Timetable` objects.

A feed is a zip file or a folder of ``.txt`` CSV files as agencies publish them: ``stops.txt``,
``routes.txt``, ``trips.txt``, ``stop_times.txt``, ``calendar.txt`` and/or ``calendar_dates.txt``,
optionally ``transfers.txt`` and ``feed_info.txt``. A UTF-8 byte-order mark, CRLF line ends, extra
columns and quoted fields are accepted; times may pass 24:00:00 (``25:10:00``).

Mapping to the timetable:

- stops: every row of ``stops.txt`` except entrances, generic nodes and boarding areas
  (``location_type`` 2, 3, 4); ``parent_station`` and ``location_type`` are kept as extra columns.
  The optional extension columns ``city_id``, ``min_change_minutes``, ``board_minutes`` and
  ``alight_minutes`` are read where present (``write_gtfs`` writes them).
- trips: ``train`` is ``trip_short_name`` (else ``route_short_name``, else the trip id); ``mode``
  is ``air`` for route types 1100-1199 (GTFS extended air service), else ``rail`` (or the extension
  column ``mode`` of ``trips.txt``).
- stop times: an empty arrival or departure takes the other's value; intermediate stops with both
  empty (non-timepoints) are interpolated linearly (by ``shape_dist_traveled`` where given, else by
  position). First and last calls of a trip need a time.
- transfers: ``transfer_type`` 2 rows with ``min_transfer_time`` (seconds) and type 1 (timed, 0
  minutes); type 0 and 3 rows and rows for particular trips or routes are not used.
"""

from __future__ import annotations

import datetime as _dt
import io
import os
import re
import shutil
import tempfile
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

from transit.errors import Problem, TimetableDataError
from transit.timetable.model import Timetable

__all__ = ["read_gtfs", "write_gtfs"]

_REQUIRED = {
    "stops.txt": ("stop_id",),
    "routes.txt": ("route_id",),
    "trips.txt": ("route_id", "service_id", "trip_id"),
    "stop_times.txt": ("trip_id", "stop_id", "stop_sequence", "arrival_time", "departure_time"),
}
_OPTIONAL = ("calendar.txt", "calendar_dates.txt", "transfers.txt", "feed_info.txt")
_TIME = re.compile(r"^\s*(\d{1,3}):([0-5]\d):([0-5]\d)\s*$")
_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


class _Feed:
    """The files of a feed (zip or folder), read as strings."""

    def __init__(self, path: Path):
        self.path = path
        self._zip = None
        self.names = {}
        if path.is_dir():
            self.names = {p.name: p for p in path.iterdir() if p.is_file()}
        elif path.is_file() and zipfile.is_zipfile(path):
            self._zip = zipfile.ZipFile(path)
            for info in self._zip.infolist():
                if not info.is_dir():  # feeds zipped with a top folder: take the base name
                    self.names.setdefault(Path(info.filename).name, info.filename)

    def read(self, name: str, problems: list[Problem]) -> pd.DataFrame | None:
        """The file as a frame of stripped strings; None (and a problem) when it cannot be read."""
        if self._zip is not None:
            raw = self._zip.read(self.names[name])
        else:
            raw = self.names[name].read_bytes()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            problems.append(
                Problem(name, None, None, None, f"not UTF-8 text ({exc.reason} at byte {exc.start}); save it as UTF-8")
            )
            return None
        if not text.strip():
            problems.append(Problem(name, 1, None, None, "empty file; it needs at least its header line"))
            return None
        try:
            df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, skipinitialspace=True)
        except pd.errors.ParserError as exc:
            line = re.search(r"line (\d+)", str(exc))
            problems.append(
                Problem(
                    name,
                    int(line.group(1)) if line else None,
                    None,
                    None,
                    f"not a valid CSV file ({exc}); quote fields that hold commas",
                )
            )
            return None
        df.columns = [str(c).strip() for c in df.columns]
        return df.apply(lambda s: s.str.strip())

    def close(self):
        if self._zip is not None:
            self._zip.close()


def _seconds(value: str):
    """GTFS time -> seconds, '' -> None, malformed -> raises ValueError."""
    if value == "":
        return None
    m = _TIME.match(value)
    if not m:
        raise ValueError(value)
    return int(m.group(1)) * 3600 + int(m.group(2)) * 60 + int(m.group(3))


def _date(value: str) -> _dt.date:
    return _dt.datetime.strptime(value, "%Y%m%d").date()


def _active_services(cal, cal_dates, day: _dt.date, problems):
    active = set()
    if cal is not None:
        for i, r in cal.iterrows():
            try:
                start, end = _date(r.get("start_date", "")), _date(r.get("end_date", ""))
            except ValueError:
                for col in ("start_date", "end_date"):
                    try:
                        _date(r.get(col, ""))
                    except ValueError:
                        problems.append(
                            Problem(
                                "calendar.txt", i + 2, col, r.get(col, ""), "not a date; write YYYYMMDD, e.g. 20160310"
                            )
                        )
                continue
            if start <= day <= end and r.get(_DAYS[day.weekday()], "0") == "1":
                active.add(r.get("service_id", ""))
    if cal_dates is not None:
        for i, r in cal_dates.iterrows():
            try:
                d = _date(r.get("date", ""))
            except ValueError:
                problems.append(
                    Problem(
                        "calendar_dates.txt",
                        i + 2,
                        "date",
                        r.get("date", ""),
                        "not a date; write YYYYMMDD, e.g. 20160310",
                    )
                )
                continue
            if d == day:
                kind = r.get("exception_type", "")
                if kind == "1":
                    active.add(r.get("service_id", ""))
                elif kind == "2":
                    active.discard(r.get("service_id", ""))
                else:
                    problems.append(
                        Problem(
                            "calendar_dates.txt",
                            i + 2,
                            "exception_type",
                            kind,
                            "must be 1 (service added) or 2 (service removed)",
                        )
                    )
    return active


def _dups(df, cols, file, problems, what):
    """A problem for every repeat of an id (line numbers from ``df.index``: 0 = the first data line)."""
    dup = df.duplicated(list(cols), keep="first").to_numpy()
    for i in np.flatnonzero(dup):
        value = ", ".join(df[c].iloc[i] for c in cols)
        first = int(df.index[np.flatnonzero((df[list(cols)] == df[list(cols)].iloc[i]).all(axis=1).to_numpy())[0]])
        problems.append(
            Problem(
                file,
                int(df.index[i]) + 2,
                cols[-1] if len(cols) == 1 else ",".join(cols),
                value,
                f"duplicate {what}; every row needs its own (first at line {first + 2}); rename or drop the repeat",
            )
        )


def read_gtfs(path, *, date=None, default_change_minutes: float | None = None) -> Timetable:
    """Read a GTFS feed (zip or folder) as a timetable of one service day.

    Parameters
    ----------
    path : str or Path
        A ``.zip`` feed or a folder holding the ``.txt`` files.
    date : datetime.date or str, optional
        Keep the trips whose service runs that day (``calendar.txt`` weekdays within its dates, with
        ``calendar_dates.txt`` exceptions). Default: **every trip of the feed**, whatever its
        service, as one day (a feed written by :func:`write_gtfs` holds one day).
    default_change_minutes : float, optional
        Change minutes at stops without their own; default the feed's ``feed_info.txt`` extension
        ``transit_default_change_minutes``, else 0.

    Returns
    -------
    Timetable
        ``service_date`` is ``date``, else the feed's single day (``feed_info.txt`` start = end) or
        None; ``label`` is ``"gtfs <file name>"``.

    Raises
    ------
    FileNotFoundError
        ``path`` does not exist.
    TimetableDataError
        Every problem at once, each with file, line (header = 1), column, value and a fix: missing
        files or columns, unknown stop / trip / route / service ids, malformed or backward times,
        duplicate ids or (trip_id, stop_sequence). Nothing is returned from half a feed.

    Examples
    --------
    >>> tt = read_gtfs("feed.zip", date="2016-03-10")     # doctest: +SKIP
    """
    p = Path(path)
    if not p.exists():
        raise FileNotFoundError(f"GTFS feed not found at {p}; pass a .zip file or a folder of .txt files")
    feed = _Feed(p)
    try:
        return _read(feed, p, date, default_change_minutes)
    finally:
        feed.close()


def _read(feed: _Feed, p: Path, date, default_change_minutes) -> Timetable:
    problems: list[Problem] = []
    if not feed.names:
        raise TimetableDataError(
            [Problem(str(p), None, None, None, "not a GTFS zip file nor a folder of .txt files")], source=str(p)
        )
    t: dict[str, pd.DataFrame | None] = {}
    absent: set[str] = set()  # required files that are missing or unreadable: checks against them are skipped
    for name, cols in _REQUIRED.items():
        df = None
        if name not in feed.names:
            problems.append(Problem(name, None, None, None, f"required file missing; add {name} to the feed"))
        else:
            df = feed.read(name, problems)
        if df is None:
            absent.add(name)
            df = pd.DataFrame({c: pd.Series(dtype=str) for c in cols})
        for c in cols:
            if c not in df.columns:
                problems.append(Problem(name, 1, c, None, f"required column missing from the header; add '{c}'"))
                absent.add(f"{name}:{c}")
                df[c] = ""
        t[name] = df
    for name in _OPTIONAL:
        t[name] = feed.read(name, problems) if name in feed.names else None
    if t["calendar.txt"] is None and t["calendar_dates.txt"] is None:
        if not any(n in feed.names for n in ("calendar.txt", "calendar_dates.txt")):
            problems.append(
                Problem(
                    "calendar.txt",
                    None,
                    None,
                    None,
                    "neither calendar.txt nor calendar_dates.txt is in the feed; add one",
                )
            )
        absent.add("calendar")
    stops, routes, trips, st = t["stops.txt"], t["routes.txt"], t["trips.txt"], t["stop_times.txt"]
    assert stops is not None and routes is not None and trips is not None and st is not None
    # stops
    if "location_type" in stops:
        stops = stops[~stops["location_type"].isin(["2", "3", "4"])]
    _dups(stops, ("stop_id",), "stops.txt", problems, "stop_id")
    lat = pd.to_numeric(stops.get("stop_lat", pd.Series("", index=stops.index)), errors="coerce")
    lon = pd.to_numeric(stops.get("stop_lon", pd.Series("", index=stops.index)), errors="coerce")
    for col, vals in (("stop_lat", lat), ("stop_lon", lon)):
        if col in stops:
            bad = vals.isna() & (stops[col] != "")
            for i in np.flatnonzero(bad.to_numpy()):
                problems.append(
                    Problem(
                        "stops.txt",
                        int(stops.index[i]) + 2,
                        col,
                        stops[col].iloc[i],
                        "not a number; write decimal degrees (WGS-84)",
                    )
                )
    stop_set = set(stops["stop_id"])
    if "parent_station" in stops:
        for i in np.flatnonzero(((stops["parent_station"] != "") & ~stops["parent_station"].isin(stop_set)).to_numpy()):
            problems.append(
                Problem(
                    "stops.txt",
                    int(stops.index[i]) + 2,
                    "parent_station",
                    stops["parent_station"].iloc[i],
                    "unknown stop_id; add the station to stops.txt or leave it empty",
                )
            )
    # routes and trips
    _dups(routes, ("route_id",), "routes.txt", problems, "route_id")
    _dups(trips, ("trip_id",), "trips.txt", problems, "trip_id")

    def known(*keys: str) -> bool:  # cross-checks need both sides present
        return not any(k in absent for k in keys)

    route_set = set(routes["route_id"])
    unknown_route = ~trips["route_id"].isin(route_set).to_numpy() & known("routes.txt", "routes.txt:route_id")
    for i in np.flatnonzero(unknown_route):
        problems.append(
            Problem(
                "trips.txt", int(i) + 2, "route_id", trips["route_id"].iloc[i], "unknown route_id; add it to routes.txt"
            )
        )
    services = set()
    for name in ("calendar.txt", "calendar_dates.txt"):
        if t[name] is not None:
            if "service_id" not in t[name]:
                problems.append(Problem(name, 1, "service_id", None, "required column missing; add 'service_id'"))
            else:
                services |= set(t[name]["service_id"])
    unknown_service = ~trips["service_id"].isin(services).to_numpy() & known("calendar")
    for i in np.flatnonzero(unknown_service):
        problems.append(
            Problem(
                "trips.txt",
                int(i) + 2,
                "service_id",
                trips["service_id"].iloc[i],
                "unknown service_id; define it in calendar.txt or calendar_dates.txt",
            )
        )
    # stop times
    trip_set = set(trips["trip_id"])
    for col, ids, where in (("trip_id", trip_set, "trips.txt"), ("stop_id", stop_set, "stops.txt")):
        if not known(where, f"{where}:{col}"):
            continue
        for i in np.flatnonzero(~st[col].isin(ids).to_numpy()):
            problems.append(
                Problem(
                    "stop_times.txt",
                    int(i) + 2,
                    col,
                    st[col].iloc[i],
                    f"unknown {col}; add it to {where} or drop the row",
                )
            )
    seq = pd.to_numeric(st["stop_sequence"], errors="coerce")
    bad_seq = (seq.isna() | (seq != seq.round()) | (seq < 0)).to_numpy() & known("stop_times.txt:stop_sequence")
    for i in np.flatnonzero(bad_seq):
        problems.append(
            Problem(
                "stop_times.txt", int(i) + 2, "stop_sequence", st["stop_sequence"].iloc[i], "not a whole number >= 0"
            )
        )
    dup = st.duplicated(["trip_id", "stop_sequence"], keep="first").to_numpy()
    for i in np.flatnonzero(dup):
        problems.append(
            Problem(
                "stop_times.txt",
                int(i) + 2,
                "stop_sequence",
                st["stop_sequence"].iloc[i],
                f"duplicate (trip_id, stop_sequence) = ({st['trip_id'].iloc[i]}, "
                f"{st['stop_sequence'].iloc[i]}); number the calls of a trip 1, 2, 3, ...",
            )
        )
    secs = {}
    for col in ("arrival_time", "departure_time"):
        out = np.full(len(st), np.nan)
        for i, v in enumerate(st[col].to_numpy()):
            try:
                s = _seconds(v)
            except ValueError:
                problems.append(
                    Problem(
                        "stop_times.txt",
                        i + 2,
                        col,
                        v,
                        "malformed time; write H:MM:SS or HH:MM:SS (25:10:00 after midnight)",
                    )
                )
                continue
            if s is not None:
                out[i] = s
        secs[col] = out
    arr = np.where(np.isnan(secs["arrival_time"]), secs["departure_time"], secs["arrival_time"])
    dep = np.where(np.isnan(secs["departure_time"]), secs["arrival_time"], secs["departure_time"])
    dist = (
        pd.to_numeric(st["shape_dist_traveled"], errors="coerce").to_numpy(float)
        if "shape_dist_traveled" in st
        else np.full(len(st), np.nan)
    )
    order = np.lexsort((seq.fillna(-1).to_numpy(), st["trip_id"].to_numpy()))
    tid = st["trip_id"].to_numpy()[order]
    arr, dep, dist = arr[order], dep[order], dist[order]
    line = order + 2
    starts = np.flatnonzero(np.r_[True, tid[1:] != tid[:-1]])
    ends = np.r_[starts[1:], len(tid)]
    malformed_rows = {
        pr.row for pr in problems if pr.file == "stop_times.txt" and pr.column in ("arrival_time", "departure_time")
    }
    if not known("stop_times.txt:arrival_time", "stop_times.txt:departure_time"):
        starts = ends = starts[:0]  # no times to check
    for a, b in zip(starts, ends):
        if np.isnan(arr[a]) or np.isnan(arr[b - 1]):
            k = a if np.isnan(arr[a]) else b - 1
            if line[k] not in malformed_rows:
                problems.append(
                    Problem(
                        "stop_times.txt",
                        int(line[k]),
                        "arrival_time",
                        "",
                        f"the {'first' if k == a else 'last'} call of trip {tid[k]!r} "
                        "needs a time; give its arrival_time and departure_time",
                    )
                )
            continue
        gap = np.isnan(arr[a:b])
        if gap.any():
            x = dist[a:b] if not np.isnan(dist[a:b]).any() else np.arange(b - a, dtype=float)
            known = ~gap
            arr[a:b][gap] = np.interp(x[gap], x[known], dep[a:b][known])
            dep[a:b][gap] = arr[a:b][gap]
        for k in range(a, b):
            if dep[k] < arr[k]:
                problems.append(
                    Problem(
                        "stop_times.txt",
                        int(line[k]),
                        "departure_time",
                        st["departure_time"].iloc[order[k]],
                        f"before the arrival_time {st['arrival_time'].iloc[order[k]]} of the "
                        "same call; times must not go backwards",
                    )
                )
            if k > a and arr[k] < dep[k - 1]:
                problems.append(
                    Problem(
                        "stop_times.txt",
                        int(line[k]),
                        "arrival_time",
                        st["arrival_time"].iloc[order[k]],
                        f"before the departure from the previous stop of trip {tid[k]!r} "
                        f"(line {line[k - 1]}); times must not go backwards along a trip",
                    )
                )
    # transfers
    tr_rows = []
    tf = t["transfers.txt"]
    if tf is not None:
        for c in ("from_stop_id", "to_stop_id"):
            if c not in tf:
                problems.append(Problem("transfers.txt", 1, c, None, f"required column missing; add '{c}'"))
        if all(c in tf for c in ("from_stop_id", "to_stop_id")):
            for i, r in tf.iterrows():
                if any(r.get(c, "") for c in ("from_trip_id", "to_trip_id", "from_route_id", "to_route_id")):
                    continue
                kind = r.get("transfer_type", "0") or "0"
                for c in ("from_stop_id", "to_stop_id"):
                    if r[c] not in stop_set:
                        problems.append(
                            Problem(
                                "transfers.txt", i + 2, c, r[c], "unknown stop_id; add it to stops.txt or drop the row"
                            )
                        )
                if kind == "1":
                    tr_rows.append((r["from_stop_id"], r["to_stop_id"], 0.0))
                elif kind == "2":
                    v = r.get("min_transfer_time", "")
                    try:
                        m = float(v) / 60.0
                        if not m >= 0:
                            raise ValueError
                    except ValueError:
                        problems.append(
                            Problem(
                                "transfers.txt",
                                i + 2,
                                "min_transfer_time",
                                v,
                                "transfer_type 2 needs min_transfer_time in seconds >= 0",
                            )
                        )
                        continue
                    tr_rows.append((r["from_stop_id"], r["to_stop_id"], m))
                elif kind not in ("0", "3", "4", "5"):
                    problems.append(
                        Problem("transfers.txt", i + 2, "transfer_type", kind, "must be 0, 1, 2, 3, 4 or 5")
                    )
    # the day
    day = None
    if date is not None:
        try:
            day = date if isinstance(date, _dt.date) else _dt.date.fromisoformat(str(date))
        except ValueError:
            raise ValueError(f"date {date!r} is not a date; write YYYY-MM-DD, e.g. 2016-03-10") from None
        active = _active_services(t["calendar.txt"], t["calendar_dates.txt"], day, problems)
    info = t["feed_info.txt"]
    if problems:
        raise TimetableDataError(problems, source=str(p))

    # assemble
    minutes_arr, minutes_dep = arr / 60.0, dep / 60.0
    st_out = pd.DataFrame(
        {
            "trip_id": tid,
            "stop_sequence": seq.to_numpy()[order].astype(np.int64),
            "stop_id": st["stop_id"].to_numpy()[order],
            "arrival_minutes": minutes_arr,
            "departure_minutes": minutes_dep,
        }
    )
    rt = routes.set_index("route_id")
    trips_out = trips.copy()
    rtype = pd.to_numeric(trips_out["route_id"].map(rt.get("route_type", pd.Series(dtype=str))), errors="coerce")
    mode = np.where((rtype >= 1100) & (rtype < 1200), "air", "rail")
    if "mode" in trips_out:
        mode = np.where(trips_out["mode"] != "", trips_out["mode"], mode)
    train = trips_out.get("trip_short_name", pd.Series("", index=trips_out.index))
    short = dict(zip(routes["route_id"], routes["route_short_name"])) if "route_short_name" in routes else {}
    rshort = trips_out["route_id"].map(lambda r: short.get(r, ""))
    train = np.where(train != "", train, np.where(rshort != "", rshort, trips_out["trip_id"]))
    trips_out = pd.DataFrame(
        {"trip_id": trips_out["trip_id"], "route_id": trips_out["route_id"], "train": train, "mode": mode}
    )
    if day is not None:
        keep = trips["service_id"].isin(active).to_numpy()
        trips_out = trips_out[keep].reset_index(drop=True)
        st_out = st_out[st_out["trip_id"].isin(set(trips_out["trip_id"]))].reset_index(drop=True)
    stops_out = pd.DataFrame(
        {
            "stop_id": stops["stop_id"].to_numpy(),
            "stop_name": stops.get("stop_name", stops["stop_id"]).to_numpy(),
            "lat": lat.to_numpy(float),
            "lon": lon.to_numpy(float),
            "city_id": stops["city_id"].to_numpy() if "city_id" in stops else "",
            "min_change_minutes": pd.to_numeric(stops["min_change_minutes"], errors="coerce").to_numpy(float)
            if "min_change_minutes" in stops
            else np.nan,
        }
    )
    for c in ("board_minutes", "alight_minutes"):
        if c in stops:
            stops_out[c] = pd.to_numeric(stops[c], errors="coerce").to_numpy(float)
    for c in ("parent_station", "location_type"):
        if c in stops:
            stops_out[c] = stops[c].to_numpy()
    transfers_out = pd.DataFrame(tr_rows, columns=["from_stop_id", "to_stop_id", "min_transfer_minutes"])
    default = default_change_minutes
    service_date = day
    if info is not None and len(info):
        if default is None and info.get("transit_default_change_minutes", pd.Series([""])).iloc[0] != "":
            default = float(info["transit_default_change_minutes"].iloc[0])
        if (
            day is None
            and "feed_start_date" in info
            and info["feed_start_date"].iloc[0] != ""
            and info["feed_start_date"].iloc[0] == info.get("feed_end_date", pd.Series([""])).iloc[0]
        ):
            try:
                service_date = _date(info["feed_start_date"].iloc[0])
            except ValueError:
                service_date = None
    return Timetable(
        stops_out.reset_index(drop=True),
        trips_out,
        st_out,
        transfers_out,
        float(default or 0.0),
        service_date,
        f"gtfs {p.name}",
        {"source": str(p)},
    )


def _time_text(minutes: float) -> str:
    s = int(round(float(minutes) * 60.0))
    return f"{s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}"


def _num(v) -> str:
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return ""
    return repr(float(v)) if not float(v).is_integer() else str(int(v)) if abs(v) < 1e15 else repr(float(v))


def _tables(tt: Timetable) -> dict:
    stops = pd.DataFrame(
        {
            "stop_id": tt.stops["stop_id"].astype(str),
            "stop_name": tt.stops["stop_name"].astype(str),
            "stop_lat": [_num(v) for v in tt.stops["lat"]],
            "stop_lon": [_num(v) for v in tt.stops["lon"]],
            "city_id": tt.stops["city_id"].fillna("").astype(str),
            "min_change_minutes": [_num(v) for v in tt.stops["min_change_minutes"]],
        }
    )
    for c in ("board_minutes", "alight_minutes"):
        if c in tt.stops:
            stops[c] = [_num(v) for v in tt.stops[c]]
    for c in ("parent_station", "location_type"):
        if c in tt.stops:
            stops[c] = tt.stops[c].fillna("").astype(str)
    trips = tt.trips
    first_mode = trips.groupby("route_id", sort=False)["mode"].first()
    routes = pd.DataFrame(
        {
            "route_id": first_mode.index.astype(str),
            "route_short_name": first_mode.index.astype(str),
            "route_type": np.where(first_mode.to_numpy() == "air", "1100", "2"),
        }
    )
    trips_txt = pd.DataFrame(
        {
            "route_id": trips["route_id"].astype(str),
            "service_id": "day",
            "trip_id": trips["trip_id"].astype(str),
            "trip_short_name": trips["train"].astype(str),
            "mode": trips["mode"].astype(str),
        }
    )
    st = tt.stop_times.sort_values(["trip_id", "stop_sequence"], kind="stable")
    stop_times = pd.DataFrame(
        {
            "trip_id": st["trip_id"].astype(str),
            "arrival_time": [_time_text(v) for v in st["arrival_minutes"]],
            "departure_time": [_time_text(v) for v in st["departure_minutes"]],
            "stop_id": st["stop_id"].astype(str),
            "stop_sequence": st["stop_sequence"].astype(int).astype(str),
        }
    )
    day = tt.service_date
    d = day.strftime("%Y%m%d") if day else ""
    cal = pd.DataFrame(
        [{"service_id": "day", **{k: "1" for k in _DAYS}, "start_date": d or "20000101", "end_date": d or "20991231"}]
    )
    transfers = pd.DataFrame(
        {
            "from_stop_id": tt.transfers["from_stop_id"].astype(str),
            "to_stop_id": tt.transfers["to_stop_id"].astype(str),
            "transfer_type": "2",
            "min_transfer_time": [str(int(round(float(m) * 60))) for m in tt.transfers["min_transfer_minutes"]],
        }
    )
    info = pd.DataFrame(
        [
            {
                "feed_publisher_name": "transit",
                "feed_publisher_url": "https://example.invalid/transit",
                "feed_lang": "en",
                "feed_start_date": d,
                "feed_end_date": d,
                "transit_default_change_minutes": _num(tt.default_change_minutes),
                "transit_label": tt.label,
            }
        ]
    )
    return {
        "stops.txt": stops,
        "routes.txt": routes,
        "trips.txt": trips_txt,
        "stop_times.txt": stop_times,
        "calendar.txt": cal,
        "transfers.txt": transfers,
        "feed_info.txt": info,
    }


def write_gtfs(tt: Timetable, path, *, overwrite: bool = False) -> Path:
    """Write a timetable as a GTFS feed: a zip when ``path`` ends in ``.zip``, else a folder.

    One service ``day`` running on ``tt.service_date`` (every day of 2000-2099 without a date),
    route type 2 (rail) or 1100 (air), times as ``HH:MM:SS`` (``25:10:00`` past midnight, rounded
    to the second), transfers as type 2; the timetable's own columns (``city_id``,
    ``min_change_minutes``, ``board_minutes``, ``alight_minutes``, trip ``mode``, the default change
    minutes in ``feed_info.txt``) as extension columns, so :func:`read_gtfs` gives the timetable back.

    Parameters
    ----------
    tt : Timetable
    path : str or Path
    overwrite : bool
        Replace an existing file or folder; default refuse.

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    FileExistsError
        ``path`` exists and ``overwrite`` is false.

    Notes
    -----
    Atomic: written to a temporary file (or folder) beside ``path``, then moved in place with
    ``os.replace``; nothing is left behind when writing fails.

    Examples
    --------
    >>> write_gtfs(tt, "out/day.zip")                      # doctest: +SKIP
    """
    p = Path(path)
    if p.exists() and not overwrite:
        raise FileExistsError(f"{p} exists; pass overwrite=True to replace it")
    p.parent.mkdir(parents=True, exist_ok=True)
    tables = _tables(tt)
    if p.suffix.lower() == ".zip":
        fd, tmp = tempfile.mkstemp(dir=p.parent, prefix=f".{p.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as f, zipfile.ZipFile(f, "w", zipfile.ZIP_DEFLATED) as z:
                for name, df in tables.items():
                    z.writestr(name, df.to_csv(index=False, lineterminator="\n"))
            os.replace(tmp, p)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return p
    tmp = Path(tempfile.mkdtemp(dir=p.parent, prefix=f".{p.name}.", suffix=".tmp"))
    old = None
    try:
        for name, df in tables.items():
            df.to_csv(tmp / name, index=False, lineterminator="\n")
        if p.exists():
            old = Path(tempfile.mkdtemp(dir=p.parent, prefix=f".{p.name}.", suffix=".old"))
            old.rmdir()
            os.replace(p, old)
        os.replace(tmp, p)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        if old is not None and old.exists() and not p.exists():
            os.replace(old, p)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True) if old.is_dir() else old.unlink(missing_ok=True)
    return p
