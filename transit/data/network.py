"""The network: cities, stations, lines, flights and transfers, as they stand on one date.

A :class:`Network` keeps the full tables of its folder (every line, open, under construction or
planned) and a date; its public tables show what is in service on that date. It is immutable:
:meth:`Network.as_of` and :meth:`Network.with_tables` return new networks.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Hashable, Iterable
from datetime import date, datetime
from datetime import date as Date  # for annotations where a parameter named ``date`` hides the class
from importlib import resources
from pathlib import Path
from typing import Any, TypedDict, TypeVar, cast

import numpy as np
import pandas as pd

from transit._files import did_you_mean
from transit.data.loader import check_frames, load_folder
from transit.data.places import PlaceIndex
from transit.errors import UnknownPlaceError
from transit.geo import haversine_km

__all__ = ["Network", "load_network", "network_path", "as_date"]

_T = TypeVar("_T")


class _Cache(TypedDict, total=False):
    """What a :class:`Network` computes once and keeps (the network is immutable)."""

    index: PlaceIndex  # every way of naming the cities and stations (transit.data.places)
    cities_by_id: pd.DataFrame


def network_path(name_or_path: str | Path) -> Path:
    """The folder of a bundled network name (``"yrd"``) or of a path to a network folder."""
    path = Path(name_or_path)
    if path.is_dir():
        return path
    if isinstance(name_or_path, str) and "/" not in name_or_path and "\\" not in name_or_path:
        bundled = bundled_networks_dir() / name_or_path
        if bundled.is_dir():
            return bundled
        known = sorted(p.name for p in bundled_networks_dir().iterdir() if p.is_dir() and (p / "network.toml").exists())
        raise FileNotFoundError(
            f"no network called {name_or_path!r}: bundled networks are {known}; "
            "or give the path of a folder holding network.toml and the CSV tables"
        )
    raise FileNotFoundError(f"no network folder at {path}; give an existing folder or a bundled name such as 'yrd'")


def bundled_networks_dir() -> Path:
    """Where the bundled networks live: ``networks/`` beside the package in a checkout, or installed data."""
    checkout = Path(__file__).resolve().parents[2] / "networks"
    if (checkout / "yrd" / "network.toml").exists():
        return checkout
    return Path(str(resources.files("transit") / "_networks"))


def as_date(when: date | datetime | str | int) -> date:
    """A date from a date, an ISO string, or a year (a year means 31 December of that year).

    >>> as_date(2030)
    datetime.date(2030, 12, 31)
    >>> as_date("2016-03-10")
    datetime.date(2016, 3, 10)
    """
    if isinstance(when, datetime):
        return when.date()
    if isinstance(when, date):
        return when
    if isinstance(when, (int, np.integer)) and not isinstance(when, bool):
        return date(int(when), 12, 31)
    if isinstance(when, str):
        text = when.strip()
        if text.isdigit() and len(text) == 4:
            return date(int(text), 12, 31)
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    raise ValueError(f"cannot read {when!r} as a date: give a year (2030) or an ISO date ('2016-03-10')")


def load_network(name_or_path: str | Path = "yrd", *, date: Date | str | int | None = None) -> Network:
    """Load and check a network folder.

    Parameters
    ----------
    name_or_path : str or Path
        A bundled network name (``"yrd"``) or the path of a folder with ``network.toml`` and the tables
        described in ``networks/README.md``.
    date : date, str or int, optional
        The date the network should stand at; default the ``as_of`` date of its data.

    Returns
    -------
    Network

    Raises
    ------
    NetworkDataError
        Listing every problem found in every file (file, line, column, value and the fix).

    Examples
    --------
    >>> import transit
    >>> net = transit.load_network()
    >>> net.station("温州南").name
    'wenzhou_south'
    """
    folder = network_path(name_or_path)
    meta, tables = load_folder(folder)
    return Network(meta, tables, folder=folder, date=date)


class Network:
    """A rail and air network standing on one date.

    Use :func:`load_network` to make one. Tables are pandas DataFrames; each access returns a copy.
    """

    def __init__(
        self,
        meta: dict[str, Any],
        tables: dict[str, pd.DataFrame],
        *,
        folder: Path | None = None,
        date: Date | str | int | None = None,
        label: str | None = None,
        scenarios: tuple[str, ...] = (),
    ) -> None:
        self._meta = meta
        self._tables = tables
        self.folder = folder
        self.label: str = label or (meta.get("network", {}).get("name") or (folder.name if folder else "network"))
        self.data_as_of: Date = meta["network"]["as_of"]
        self.date: Date = as_date(date) if date is not None else self.data_as_of
        #: The ids of the scenarios applied to make this network, in order.
        self.scenarios: tuple[str, ...] = tuple(scenarios)
        self._cache: _Cache = {}
        self._in_service = self._select()

    # ------------------------------------------------------------------ identity
    @property
    def name(self) -> str:
        """The network's name from network.toml."""
        return str(self._meta["network"]["name"])

    def __repr__(self) -> str:
        n_rail = int((self.stations["kind"] == "rail").sum())
        return (
            f"<Network {self.label!r} on {self.date.isoformat()}: {len(self._tables['cities'])} cities, "
            f"{n_rail} rail stations, {len(self._in_service['lines'])} lines, "
            f"{len(self._in_service['flights'])} flights>"
        )

    @property
    def meta(self) -> dict[str, Any]:
        """network.toml as a dict (a copy)."""
        return copy.deepcopy(self._meta)

    @property
    def parameters(self) -> dict[str, Any]:
        """The ``[parameters]`` table of network.toml."""
        return dict(self._meta.get("parameters", {}))

    @property
    def running_time(self) -> dict[str, Any]:
        """The ``[running_time]`` table of network.toml (the calibrated running-time model)."""
        return dict(self._meta.get("running_time", {}))

    def cached(self, key: Hashable, build: Callable[[], _T]) -> _T:
        """What ``build()`` returns, computed once per network and kept under ``key``.

        The network is immutable, so whatever is derived from it alone (a compiled graph, a
        synthesised timetable, names for reports) can be kept on it and shared by every caller.

        Parameters
        ----------
        key : hashable
            Names the result; a tuple whose first item names the module that keeps it
            (``("graph", modes, measure)``) keeps callers apart.
        build : callable
            Makes the result on the first call for ``key``.

        Returns
        -------
        object
            The kept result (the same object on every call).
        """
        store = cast(dict[Hashable, Any], self._cache)
        if key not in store:
            store[key] = build()
        return cast(_T, store[key])

    # ------------------------------------------------------------------ tables
    @property
    def tables(self) -> dict[str, pd.DataFrame]:
        """The full tables as loaded (all statuses and dates), as copies."""
        return {k: v.copy() for k, v in self._tables.items()}

    def _table(self, name: str) -> pd.DataFrame:
        return self._in_service[name].copy()

    cities = property(lambda self: self._table("cities"), doc="Cities (all of them, whatever the date).")
    groups = property(lambda self: self._table("groups"), doc="Named groups of cities.")
    stations = property(lambda self: self._table("stations"), doc="Rail stations and airports in service.")
    lines = property(lambda self: self._table("lines"), doc="Lines with at least one section in service.")
    line_stations = property(
        lambda self: self._table("line_stations"), doc="Stations of each line in service, in order, with chainage."
    )
    sections = property(lambda self: self._table("sections"), doc="Sections in service on the date.")
    flights = property(lambda self: self._table("flights"), doc="Flights operating on the date.")
    transfers = property(lambda self: self._table("transfers"), doc="Transfers between stations in service.")
    access = property(lambda self: self._table("access"), doc="Access-time overrides for stations in service.")
    published_times = property(
        lambda self: self._table("published_times"),
        doc="Published fastest times valid on the date (the latest per pair).",
    )
    corridors = property(
        lambda self: self._table("corridors"),
        doc="Corridor membership of the lines in service (corridors.csv): trains run through the lines of one "
        "corridor as one, so a change between them is no change of corridor in the service model's frequency rule.",
    )
    no_through = property(
        lambda self: self._table("no_through"),
        doc="Stations in service where two lines in service meet but trains cannot run from one onto the other "
        "(no_through.csv); passengers change there.",
    )
    timetable_changes = property(
        lambda self: self._table("timetable_changes"),
        doc="Days a new national timetable took effect (timetable_changes.csv), whatever the date: a section "
        "opened between two of them runs its opening service until the next.",
    )
    operating_speeds = property(
        lambda self: self._table("operating_speeds"),
        doc=(
            "Top operating speed of each stretch of the lines in service, on the date: of the rows of "
            "operating_speeds.csv with valid_from on or before the date, the latest per stretch; where a later row "
            "covers part of an earlier one, the earlier row keeps only the rest (so the stretches of one line never "
            "overlap, and each row keeps its valid_from and source). A stretch without a row runs at the "
            "[running_time] rule of network.toml."
        ),
    )

    # ------------------------------------------------------------------ dates and changes
    def as_of(self, when: date | str | int) -> Network:
        """The network as it stood, or is expected to stand, on a date.

        Parameters
        ----------
        when : date, str or int
            An ISO date or a year; a year means 31 December of that year.

        Notes
        -----
        A section is in service when it is open and opened on or before the date. For a date after
        the data's ``as_of`` date, sections under construction or planned are added when their
        ``expected_year`` is on or before the date's year; planned sections without a year are left
        out (a scenario can open them).
        """
        return Network(
            self._meta, self._tables, folder=self.folder, date=when, label=self.label, scenarios=self.scenarios
        )

    def with_tables(
        self,
        *,
        label: str | None = None,
        meta: dict[str, Any] | None = None,
        scenario: str | None = None,
        **tables: pd.DataFrame,
    ) -> Network:
        """A new network with some full tables (and optionally network.toml content) replaced.

        The new tables are checked like a loaded folder; problems are reported all at once as a
        :class:`~transit.errors.NetworkDataError` whose file names start with ``label``, which also
        becomes the new network's label (e.g. ``"yrd + wenzhou-fuzhou-hsr"``).
        """
        unknown = set(tables) - set(self._tables)
        if unknown:
            raise ValueError(f"unknown tables {sorted(unknown)}; known: {sorted(self._tables)}")
        merged = {**self._tables, **tables}
        frames = check_frames(merged, label or f"{self.label} (modified)")
        return Network(
            meta if meta is not None else self._meta,
            frames,
            folder=self.folder,
            date=self.date,
            label=label or self.label,
            scenarios=self.scenarios + ((scenario,) if scenario else ()),
        )

    def _select(self) -> dict[str, pd.DataFrame]:
        """The rows of each table in service on ``self.date``."""
        t = self._tables
        d = self.date
        future = d > self.data_as_of
        sec = t["sections"]
        opened = sec["opened"].map(lambda x: x is not None and not pd.isna(x) and x <= d)
        exp = sec["expected_year"]
        expected = (sec["status"] != "open") & exp.notna() & (exp.fillna(99999) <= d.year) & future
        sections = sec[(opened & (sec["status"] == "open")) | expected].copy()

        ls = t["line_stations"]
        seq: dict[tuple[str, str], int] = dict(zip(zip(ls["line_id"], ls["station_id"]), ls["seq"]))
        covered: set[tuple[str, int]] = set()
        for lid, from_id, to_id in zip(sections["line_id"], sections["from_station_id"], sections["to_station_id"]):
            a, b = seq[(lid, from_id)], seq[(lid, to_id)]
            covered.update((lid, s) for s in range(a, b + 1))
        st = t["stations"]
        st_open = st["opened"].map(lambda x: x is None or pd.isna(x) or x <= d)
        rail_ok = set(st.loc[st_open & (st["kind"] == "rail"), "station_id"])
        line_stations = ls[[(r.line_id, r.seq) in covered and r.station_id in rail_ok for r in ls.itertuples()]]
        served = set(line_stations["station_id"])
        stations = st[st_open & ((st["kind"] == "airport") | st["station_id"].isin(served))]
        in_service = set(stations["station_id"])
        lines = t["lines"][t["lines"]["line_id"].isin(set(sections["line_id"]))]

        fl = t["flights"]
        if len(fl):
            valid = fl.apply(
                lambda r: (
                    (r["valid_from"] is None or pd.isna(r["valid_from"]) or r["valid_from"] <= d)
                    and (r["valid_to"] is None or pd.isna(r["valid_to"]) or r["valid_to"] >= d)
                ),
                axis=1,
            )
            fl = fl[valid.astype(bool) & fl["from_station_id"].isin(in_service) & fl["to_station_id"].isin(in_service)]
        tr = t["transfers"]
        tr = tr[tr["from_station_id"].isin(in_service) & tr["to_station_id"].isin(in_service)]
        ac = t["access"]
        ac = ac[ac["station_id"].isin(in_service)]
        pt = t["published_times"]
        if len(pt):
            pt = pt[
                pt["valid_from"].map(lambda x: x <= d)
                & pt["from_station_id"].isin(in_service)
                & pt["to_station_id"].isin(in_service)
            ]
            pair = pt.apply(lambda r: tuple(sorted((r["from_station_id"], r["to_station_id"]))), axis=1)
            pt = pt.assign(_pair=pair).sort_values("valid_from").groupby("_pair", sort=False).tail(1)
            pt = pt.drop(columns="_pair").sort_index()
        os_ = _operating_speeds_on(t["operating_speeds"], ls, d, set(lines["line_id"]))
        co = t["corridors"]
        co = co[co["line_id"].isin(set(lines["line_id"]))]
        nt = t["no_through"]
        nt = nt[
            nt["line_id"].isin(set(lines["line_id"]))
            & nt["other_line_id"].isin(set(lines["line_id"]))
            & nt["station_id"].isin(in_service)
        ]
        return {
            "cities": t["cities"],
            "groups": t["groups"],
            "stations": stations,
            "lines": lines,
            "line_stations": line_stations,
            "sections": sections,
            "flights": fl,
            "transfers": tr,
            "access": ac,
            "published_times": pt,
            "operating_speeds": os_,
            "corridors": co,
            "no_through": nt,
            "timetable_changes": t["timetable_changes"].sort_values("date").reset_index(drop=True),
        }

    # ------------------------------------------------------------------ places
    def _index(self) -> PlaceIndex:
        if "index" not in self._cache:
            flights = self._in_service["flights"]
            flown = set(flights["from_station_id"]) | set(flights["to_station_id"]) if len(flights) else set()
            self._cache["index"] = PlaceIndex.from_tables(
                self._tables["cities"], self._in_service["stations"], flown_airports=flown
            )
        return self._cache["index"]

    def _lookup(self, key: str, kinds: Iterable[str]) -> tuple[str, str]:
        """One place name resolved by :class:`transit.data.places.PlaceIndex` (the one resolver)."""
        return self._index().resolve(key, tuple(kinds), where=f"network {self.label!r} on {self.date.isoformat()}")

    def resolve(self, key: str) -> tuple[str, str]:
        """``("city", city_id)`` or ``("station", station_id)`` for an id, English or Chinese name.

        A name that is both a city and a station (``"Shanghai"``, ``"ningbo"``) means the city; write
        ``"station:ningbo"`` for the station (``"city:..."`` is accepted too).
        """
        return self._lookup(key, ("city", "station"))

    def city(self, key: str) -> pd.Series:
        """The row of a city, found by id, English or Chinese name; ``.name`` is its id."""
        _, cid = self._lookup(key, ("city",))
        row = self._cities_by_id().loc[cid]
        assert isinstance(row, pd.Series)  # city ids are unique (the loader checks), so .loc gives one row
        return row

    def _cities_by_id(self) -> pd.DataFrame:
        """The cities table indexed by id, built once (the network is immutable)."""
        if "cities_by_id" not in self._cache:
            self._cache["cities_by_id"] = self._tables["cities"].set_index("city_id")
        return self._cache["cities_by_id"]

    def station(self, key: str) -> pd.Series:
        """The row of a station or airport in service, found by id, English or Chinese (12306) name."""
        _, sid = self._lookup(key, ("station",))
        row = self._in_service["stations"].set_index("station_id").loc[sid]
        assert isinstance(row, pd.Series)  # station ids are unique (the loader checks), so .loc gives one row
        return row

    def city_stations(self, city: str, kind: str | None = None, *, central: bool = False) -> list[str]:
        """Ids of the stations (``kind="rail"``), airports (``"airport"``) or both of a city, in service.

        Parameters
        ----------
        city : str
            City id, English or Chinese name.
        kind : {"rail", "airport"}, optional
        central : bool
            Only the stations that stand for the city itself in the station measure: its airports, and
            the rail stations of its ``main_stations`` in cities.csv (the stations plans quote: 上海虹桥,
            上海, 上海西 for Shanghai, not 上海松江). Where a city lists none, or none is in service, the rail
            stations whose 12306 name begins with the city's Chinese name (温州南 for 温州) or that lie
            within ``city_station_max_km`` ([parameters]) of the centre (汉口 for 武汉); county stations of
            a large prefecture (苍南 in Wenzhou, 桐庐东 in Hangzhou) are left out. When still none
            qualifies, every rail station of the city does.
        """
        _, cid = self._lookup(city, ("city",))  # the id that self.city(city).name would give
        st = self._in_service["stations"]
        mine = st[st["city_id"] == cid]
        if central:
            mine = mine[self.central_mask(cid, mine)]
        if kind is not None:
            mine = mine[mine["kind"] == kind]
        return sorted(mine["station_id"])

    def central_mask(self, city_id: str, stations: pd.DataFrame) -> pd.Series:
        """Which of a city's stations stand for the city itself (the rule of ``city_stations(central=True)``).

        Parameters
        ----------
        city_id : str
            The city's id (not a name).
        stations : pandas.DataFrame
            Rows of the stations table, all of the city ``city_id`` (any subset of them, e.g. those
            in service in some combination of projects): columns ``station_id``, ``kind``, ``lat``,
            ``lon`` and ``name_zh``.

        Returns
        -------
        pandas.Series of bool
            On the index of ``stations``: true for its airports and its central rail stations.

        Raises
        ------
        KeyError
            When ``[parameters]`` of network.toml has no ``city_station_max_km``.
        """
        if "city_station_max_km" not in self.parameters:
            raise KeyError("network.toml [parameters] has no 'city_station_max_km'; add it (see networks/README.md)")
        radius_km = float(self.parameters["city_station_max_km"])
        c = self._cities_by_id().loc[city_id]
        rail = stations["kind"] == "rail"
        listed = c.get("main_stations")
        if isinstance(listed, tuple) and listed:
            main = rail & stations["station_id"].isin(listed)
            if main.any():
                return (~rail) | main
        near = haversine_km(c["lat"], c["lon"], stations["lat"].to_numpy(), stations["lon"].to_numpy()) <= radius_km
        named = stations["name_zh"].astype(str).str.startswith(str(c["name_zh"])).to_numpy()
        central_rail = rail & (near | named)
        if not central_rail.any():
            central_rail = rail
        return (~rail) | central_rail

    def group(self, key: str) -> list[str]:
        """The city ids of a named group (by id or name), or ``province_<name>`` for a province."""
        folded = key.strip().casefold()
        groups = self._tables["groups"]
        for group_id, name, name_zh, members in zip(
            groups["group_id"], groups["name"], groups["name_zh"], groups["members"]
        ):
            if folded in (group_id, str(name).casefold(), str(name_zh or "").casefold()):
                return list(members)
        provinces = {
            f"province_{p.casefold().replace(' ', '_')}": p for p in self._tables["cities"]["province"].unique()
        }
        if folded in provinces:
            c = self._tables["cities"]
            return sorted(c.loc[c["province"] == provinces[folded], "city_id"])
        known = sorted(groups["group_id"]) + sorted(provinces)
        hint = did_you_mean(folded, known, n=3)
        hint = f"; {hint}" if hint else ""
        raise UnknownPlaceError(f"{key!r} is not a group of network {self.label!r}{hint}")

    def places(self, keys: Iterable[str]) -> list[tuple[str, str]]:
        """Resolve several places, reporting every unknown one at once."""
        out, bad = [], []
        for k in keys:
            try:
                out.append(self.resolve(k))
            except UnknownPlaceError as exc:
                bad.append(str(exc))
        if bad:
            raise UnknownPlaceError("\n".join(bad))
        return out


def _operating_speeds_on(
    rows: pd.DataFrame, line_stations: pd.DataFrame, d: Date, lines_in_service: set[str]
) -> pd.DataFrame:
    """The operating-speed rows that hold on ``d`` for the lines in service, without overlaps.

    Each line is cut at its stations; every stretch between consecutive stations takes the row with the
    latest ``valid_from`` on or before ``d`` that covers it; consecutive stretches taking the same row are
    joined again. A row survives whole unless a later row covers part of it.
    """
    cols = list(rows.columns)
    if rows.empty:
        return rows.copy()
    rows = rows[rows["valid_from"].map(lambda x: x <= d) & rows["line_id"].isin(lines_in_service)]
    if rows.empty:
        return rows.copy()
    out = []
    for lid, g in rows.groupby("line_id", sort=False):
        order = line_stations[line_stations["line_id"] == lid].sort_values("seq")
        ids = order["station_id"].tolist()
        seq = {sid: i for i, sid in enumerate(ids)}
        best: list[Hashable | None] = [None] * max(len(ids) - 1, 0)  # row index per stretch i -> i+1
        row_of: dict[Hashable, pd.Series] = {}  # the row of each index in best
        for idx, r in g.sort_values("valid_from", kind="stable").iterrows():
            a, b = seq.get(r["from_station_id"]), seq.get(r["to_station_id"])
            if a is None or b is None:
                continue
            row_of[idx] = r
            for i in range(a, b):
                best[i] = idx  # later valid_from overwrites
        i = 0
        while i < len(best):
            label = best[i]
            if label is None:
                i += 1
                continue
            j = i
            while j + 1 < len(best) and best[j + 1] == label:
                j += 1
            rec = row_of[label].to_dict()
            rec["from_station_id"], rec["to_station_id"] = ids[i], ids[j + 1]
            out.append(rec)
            i = j + 1
    return pd.DataFrame.from_records(out, columns=cols) if out else rows.iloc[0:0].copy()
