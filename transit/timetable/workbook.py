"""Read the national high-speed timetable of 2016-03-10 and derive fastest direct times.

The timetable is ``hsr_timetable_20160310.xlsx`` of the metromancn/Parse12306 project (MIT): every
G/D/C train of the 12306 booking system on 2016-03-10 with every stop. It is read at run time from the
shared data folder and never copied into the repository.

Workbook layout (as found, and handled here):

- ``车站`` (stations): sequence, then *name* under the header ``电报码`` and *telecode* under the header
  ``站名`` (the two header cells are swapped), pinyin, initials, pinyin code, lon, lat (GCJ-02).
- ``时刻表`` (stop rows): a row with a train number starts a train (with its origin, terminus, category
  and run dates), the following rows without a number are its later stops. Columns: stop sequence,
  station, arrival (``----`` at the origin), departure, dwell, served flag (``是否开通``: False where the
  station was not yet open and the train passes it), run dates (``ALL`` or ``|``-separated dates).
  One train number may appear several times with disjoint run dates (timetable changes).

Times are minutes after midnight of the day the train leaves its origin, so a train that runs past
midnight has times above 1440.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import os
import pickle
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd

from transit._files import atomic_open
from transit.geo import gcj02_to_wgs84
from transit.timetable.model import Timetable

__all__ = ["Workbook", "load_workbook", "fastest_direct_times", "default_timetable_path", "TIMETABLE_DATE"]

#: The day the timetable describes.
TIMETABLE_DATE = _dt.date(2016, 3, 10)
_FILE_NAME = "hsr_timetable_20160310.xlsx"
_SUBDIR = Path("data") / "metromancn_Parse12306"
_CACHE_VERSION = 2  # bump when the parsed layout changes


@dataclass(frozen=True)
class Workbook:
    """The parsed timetable.

    Attributes
    ----------
    trains : pandas.DataFrame
        One row per train version: ``train_key`` (int, 0..n-1), ``train`` (number, e.g. ``G7501``),
        ``train_no`` (12306 internal number), ``origin_zh``, ``terminus_zh``, ``category``
        (``高速``/``动车``/...), ``run_dates`` (``ALL`` or ``|``-separated ISO dates), ``n_stops``.
    stops : pandas.DataFrame
        One row per stop: ``train_key``, ``train``, ``seq`` (1..), ``station_zh``, ``arrival_minutes``
        and ``departure_minutes`` (float, minutes after midnight of the train's first day; NaN
        arrival at the origin), ``served`` (bool, False where the station was not open).
    stations : pandas.DataFrame
        ``station_zh``, ``telecode``, ``pinyin``, ``lon_gcj02``, ``lat_gcj02`` (GCJ-02, not WGS-84).
    source : pathlib.Path
        The workbook read.
    """

    trains: pd.DataFrame
    stops: pd.DataFrame
    stations: pd.DataFrame
    source: Path

    def runs_on(self, date: _dt.date | str | None = TIMETABLE_DATE) -> Workbook:
        """The trains that run on ``date`` (``None``: every train version).

        Examples
        --------
        >>> tt = load_workbook()                       # doctest: +SKIP
        >>> len(tt.runs_on("2016-03-10").trains) < len(tt.trains)   # doctest: +SKIP
        True
        """
        if date is None:
            return self
        iso = _dt.date.fromisoformat(str(date)).isoformat()
        rd = self.trains["run_dates"].astype(str)
        keep = (rd == "ALL") | rd.str.contains(iso, regex=False)
        keys = self.trains.loc[keep, "train_key"]
        return Workbook(
            self.trains[keep].reset_index(drop=True),
            self.stops[self.stops["train_key"].isin(keys)].reset_index(drop=True),
            self.stations,
            self.source,
        )

    def to_timetable(
        self, date: _dt.date | str | None = TIMETABLE_DATE, default_change_minutes: float = 10.0
    ) -> Timetable:
        """The trains running on ``date`` as a :class:`~transit.timetable.model.Timetable`.

        Stop ids are the workbook's Chinese station names (``上海虹桥``): every stop row of the
        timetable names its station so, and names are unique in the 车站 sheet; ``telecode`` and
        ``pinyin`` are extra stop columns. Only served stops (``served`` True) are kept, and only the
        stations some train serves that day; coordinates are converted from GCJ-02 to WGS-84 (NaN for
        a station missing from the 车站 sheet). Trips: ``trip_id`` the train number (with
        ``~<train_key>`` where one number has two versions that day), ``route_id``
        ``"<origin>-<terminus>"``, ``mode`` ``rail``; a train with fewer than two served stops is
        left out. The arrival at the first stop is its departure.

        Parameters
        ----------
        date : date or str or None
            Trains running that day (default 2016-03-10); ``None``: every train version.
        default_change_minutes : float
            Least change time at every station (the workbook has none).

        Returns
        -------
        Timetable

        Examples
        --------
        >>> tt = load_workbook().to_timetable()               # doctest: +SKIP
        >>> tt.stops["stop_id"].iloc[0]                        # doctest: +SKIP
        """
        wb = self.runs_on(date)
        s = wb.stops[wb.stops["served"]].sort_values(["train_key", "seq"], kind="stable")
        n_served = s.groupby("train_key").size()
        s = s[s["train_key"].map(n_served) >= 2]
        trains = wb.trains[wb.trains["train_key"].isin(set(s["train_key"]))]
        dup = trains["train"].duplicated(keep=False)
        trip_id = np.where(dup, trains["train"] + "~" + trains["train_key"].astype(str), trains["train"])
        key_to_trip = dict(zip(trains["train_key"], trip_id))
        trips = pd.DataFrame(
            {
                "trip_id": trip_id,
                "route_id": (trains["origin_zh"].astype(str) + "-" + trains["terminus_zh"].astype(str)).to_numpy(),
                "train": trains["train"].to_numpy(),
                "mode": "rail",
            }
        )
        arr = s["arrival_minutes"].to_numpy(float)
        dep = s["departure_minutes"].to_numpy(float)
        arr = np.where(np.isnan(arr), dep, arr)
        dep = np.where(np.isnan(dep), arr, dep)
        stop_times = pd.DataFrame(
            {
                "trip_id": s["train_key"].map(key_to_trip).to_numpy(),
                "stop_sequence": s["seq"].to_numpy(int),
                "stop_id": s["station_zh"].to_numpy(),
                "arrival_minutes": arr,
                "departure_minutes": dep,
            }
        )
        served = pd.Index(sorted(set(s["station_zh"])))
        st = self.stations.drop_duplicates("station_zh").set_index("station_zh").reindex(served)
        lat, lon = gcj02_to_wgs84(st["lat_gcj02"].to_numpy(float), st["lon_gcj02"].to_numpy(float))
        stops = pd.DataFrame(
            {
                "stop_id": served,
                "stop_name": served,
                "lat": lat,
                "lon": lon,
                "city_id": "",
                "min_change_minutes": np.nan,
                "telecode": st["telecode"].to_numpy(),
                "pinyin": st["pinyin"].to_numpy(),
            }
        )
        day = None if date is None else _dt.date.fromisoformat(str(date))
        return Timetable(
            stops,
            trips.reset_index(drop=True),
            stop_times.reset_index(drop=True),
            pd.DataFrame(columns=["from_stop_id", "to_stop_id", "min_transfer_minutes"]),
            float(default_change_minutes),
            day,
            f"12306 workbook {day.isoformat() if day else 'all dates'}",
            {"source": str(self.source)},
        )


def default_timetable_path() -> list[Path]:
    """The places searched for the workbook, in order.

    ``$TRANSIT_SHARED_DATA`` first (the workbook itself, or a folder: ``shared``, ``shared/data`` or
    the folder holding the workbook), then ``<repo>/../shared/data/metromancn_Parse12306``.
    """
    out = []
    env = os.environ.get("TRANSIT_SHARED_DATA")
    if env:
        p = Path(env)
        out += [p] if p.suffix == ".xlsx" else [p / _SUBDIR / _FILE_NAME, p / _SUBDIR.name / _FILE_NAME, p / _FILE_NAME]
    repo = Path(__file__).resolve().parents[2]
    out.append((repo / ".." / "shared" / _SUBDIR / _FILE_NAME).resolve())
    return out


def _resolve(path) -> Path:
    if path is not None:
        p = Path(path)
        if not p.is_file():
            raise FileNotFoundError(
                f"timetable workbook not found at {p}; pass the path of {_FILE_NAME} or set TRANSIT_SHARED_DATA"
            )
        return p
    tried = default_timetable_path()
    for p in tried:
        if p.is_file():
            return p
    raise FileNotFoundError(
        f"timetable workbook {_FILE_NAME} not found; looked in: "
        + ", ".join(map(str, tried))
        + ". Set TRANSIT_SHARED_DATA to the shared data folder or pass path=."
    )


def _cache_dir() -> Path:
    base = os.environ.get("TRANSIT_CACHE_DIR")
    if base:
        return Path(base)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "transit"


def _minutes(value) -> float:
    if isinstance(value, _dt.time):
        return value.hour * 60.0 + value.minute + value.second / 60.0
    if isinstance(value, _dt.datetime):
        return value.hour * 60.0 + value.minute + value.second / 60.0
    return np.nan


def _run_dates(value) -> str:
    if isinstance(value, _dt.datetime):
        return value.date().isoformat()
    if value is None:
        return ""
    return str(value).strip()


def _parse(path: Path) -> Workbook:
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        st_rows = list(wb["车站"].iter_rows(min_row=2, values_only=True))
        rows = list(wb["时刻表"].iter_rows(min_row=2, values_only=True))
    finally:
        wb.close()
    # 车站: header cells of name and telecode are swapped -> column 1 is the name, column 2 the code
    stations = pd.DataFrame(
        [(r[1], r[2], r[3], r[6], r[7]) for r in st_rows if r and r[1]],
        columns=["station_zh", "telecode", "pinyin", "lon_gcj02", "lat_gcj02"],
    )
    trains, stops = [], []
    key = -1
    prev = 0.0
    number = None
    for r in rows:
        if r is None or len(r) < 13 or r[8] is None:
            continue
        if r[0]:
            key += 1
            number = str(r[0]).strip()
            other = str(r[14] or "").split("|")
            trains.append((key, number, other[1] if len(other) > 1 else "", r[1], r[2], r[5], _run_dates(r[13])))
            prev = -np.inf
        if key < 0:
            continue
        arr = _minutes(r[9])
        dep = _minutes(r[10])
        # past midnight: every event is at or after the one before it
        if not np.isnan(arr):
            while arr + 1e-9 < prev:
                arr += 1440.0
            prev = arr
        if not np.isnan(dep):
            while dep + 1e-9 < prev:
                dep += 1440.0
            prev = dep
        stops.append((key, number, int(r[7]), str(r[8]).strip(), arr, dep, bool(r[12])))
    trains = pd.DataFrame(
        trains, columns=["train_key", "train", "train_no", "origin_zh", "terminus_zh", "category", "run_dates"]
    )
    stops = pd.DataFrame(
        stops, columns=["train_key", "train", "seq", "station_zh", "arrival_minutes", "departure_minutes", "served"]
    )
    trains["n_stops"] = stops.groupby("train_key").size().reindex(trains["train_key"]).to_numpy()
    return Workbook(trains, stops, stations, path)


def load_workbook(path=None, *, cache: bool = True) -> Workbook:
    """Load the 2016-03-10 high-speed timetable.

    Parameters
    ----------
    path : str or Path, optional
        The workbook. Default: ``$TRANSIT_SHARED_DATA`` or ``<repo>/../shared/data/...``.
    cache : bool
        Keep the parsed tables in the user cache folder (``$TRANSIT_CACHE_DIR``, else
        ``$XDG_CACHE_HOME/transit`` or ``~/.cache/transit``), keyed by the workbook's SHA-256, so a
        second load takes a fraction of a second instead of about 3 s. Never inside the repository.

    Returns
    -------
    Workbook

    Raises
    ------
    FileNotFoundError
        Naming every place looked in.

    Examples
    --------
    >>> tt = load_workbook()                              # doctest: +SKIP
    >>> tt.stops.columns.tolist()[:4]                      # doctest: +SKIP
    ['train_key', 'train', 'seq', 'station_zh']
    """
    p = _resolve(path)
    if not cache:
        return _parse(p)
    digest = hashlib.sha256(p.read_bytes()).hexdigest()[:24]
    cfile = _cache_dir() / f"timetable_{digest}_v{_CACHE_VERSION}_pd{pd.__version__}.pkl"
    if cfile.is_file():
        try:
            with open(cfile, "rb") as f:
                trains, stops, stations = pickle.load(f)
            return Workbook(trains, stops, stations, p)
        except Exception as exc:  # noqa: BLE001 - a damaged or incompatible cache: parse again, say so
            sys.stderr.write(
                f"transit: timetable cache {cfile} was unreadable ({type(exc).__name__}); parsing the workbook again\n"
            )
    tt = _parse(p)
    try:
        with atomic_open(cfile, "wb", overwrite=True, mkdir=True) as f:
            pickle.dump((tt.trains, tt.stops, tt.stations), f, protocol=pickle.HIGHEST_PROTOCOL)
    except OSError:  # a read-only home: work without the cache
        pass
    return tt


def fastest_direct_times(timetable: Workbook, date=TIMETABLE_DATE) -> pd.DataFrame:
    """Fastest scheduled in-vehicle time between every ordered pair of stations a train links.

    For every train running on ``date`` and every pair of its served stops A before B, the in-vehicle
    time is arrival at B minus departure from A. The fastest over all trains is kept per ordered pair.

    Parameters
    ----------
    timetable : Workbook
    date : date or str or None
        Only trains running that day (default 2016-03-10); ``None`` for every train version.

    Returns
    -------
    pandas.DataFrame
        ``from_station_zh``, ``to_station_zh``, ``minutes`` (fastest), ``train`` (that fastest train),
        ``n_trains`` (distinct train numbers linking the pair in that direction),
        ``n_intermediate_stops`` (served stops of the fastest train strictly between A and B),
        sorted by the two names. Directions are separate rows.

    Notes
    -----
    O(sum over trains of stops^2) pairs (about 0.4 million for the 2016 timetable), vectorised.

    Examples
    --------
    >>> fdt = fastest_direct_times(load_workbook())       # doctest: +SKIP
    >>> fdt.query("from_station_zh == '上海虹桥' and to_station_zh == '杭州东'").minutes  # doctest: +SKIP
    """
    tt = timetable.runs_on(date)
    s = tt.stops[tt.stops["served"]].sort_values(["train_key", "seq"], kind="stable")
    key = s["train_key"].to_numpy()
    arr = s["arrival_minutes"].to_numpy(float)
    dep = s["departure_minutes"].to_numpy(float)
    codes, names = pd.factorize(s["station_zh"])
    tcodes, tnames = pd.factorize(s["train"])
    # positions of each train's block
    starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
    lengths = np.diff(np.r_[starts, len(key)])
    # all pairs (i, j), i < j inside each block, built per block length
    ii, jj = [], []
    for n in np.unique(lengths):
        if n < 2:
            continue
        a, b = np.triu_indices(n, k=1)
        blk = starts[lengths == n]
        ii.append((blk[:, None] + a[None, :]).ravel())
        jj.append((blk[:, None] + b[None, :]).ravel())
    if not ii:
        return pd.DataFrame(
            columns=["from_station_zh", "to_station_zh", "minutes", "train", "n_trains", "n_intermediate_stops"]
        )
    i = np.concatenate(ii)
    j = np.concatenate(jj)
    minutes = arr[j] - dep[i]
    ok = np.isfinite(minutes) & (codes[i] != codes[j])
    i, j, minutes = i[ok], j[ok], minutes[ok]
    pairs = pd.DataFrame(
        {"f": codes[i], "t": codes[j], "minutes": minutes, "train": tcodes[i], "n_intermediate_stops": j - i - 1}
    )
    pairs = pairs.sort_values(["f", "t", "minutes", "n_intermediate_stops", "train"], kind="stable")
    n_trains = pairs.groupby(["f", "t"])["train"].nunique()
    best = pairs.drop_duplicates(["f", "t"], keep="first").set_index(["f", "t"])
    best["n_trains"] = n_trains
    best = best.reset_index()
    out = pd.DataFrame(
        {
            "from_station_zh": np.asarray(names)[best["f"].to_numpy()],
            "to_station_zh": np.asarray(names)[best["t"].to_numpy()],
            "minutes": best["minutes"].to_numpy(float),
            "train": np.asarray(tnames)[best["train"].to_numpy()],
            "n_trains": best["n_trains"].to_numpy(int),
            "n_intermediate_stops": best["n_intermediate_stops"].to_numpy(int),
        }
    )
    return out.sort_values(["from_station_zh", "to_station_zh"], kind="stable").reset_index(drop=True)
