"""The tables of a network folder: their files, columns, types and keys.

This module is the code side of ``networks/README.md``; the two must agree. It only declares; the
checks that use these declarations live in :mod:`transit.loader`.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date
from typing import TypedDict

__all__ = ["Column", "Table", "TABLES", "parse_cell"]

SLUG = re.compile(r"^[a-z0-9_]+$")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class Column:
    """One column of a table.

    ``kind`` is one of ``slug``, ``text``, ``float``, ``int``, ``date``, ``choice``, ``slug_list``.
    ``required`` means every row must have a non-empty value. ``low``/``high`` bound numbers
    (inclusive). ``optional_column`` means a file may leave the whole column out.
    """

    name: str
    kind: str
    required: bool = True
    choices: tuple[str, ...] = ()
    low: float | None = None
    high: float | None = None
    optional_column: bool = False  # the header may leave the column out (all values then empty)


@dataclass(frozen=True)
class Table:
    """A table of a network folder: its file name, columns and unique key."""

    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()
    required_file: bool = True
    doc: str = field(default="", compare=False)

    @property
    def file(self) -> str:
        return f"{self.name}.csv"

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)


class _Bounds(TypedDict):
    low: float
    high: float


_LAT: _Bounds = {"low": -90.0, "high": 90.0}
_LON: _Bounds = {"low": -180.0, "high": 180.0}

TABLES: dict[str, Table] = {
    t.name: t
    for t in [
        Table(
            "cities",
            (
                Column("city_id", "slug"),
                Column("name", "text"),
                Column("name_zh", "text"),
                Column("province", "text"),
                Column("lat", "float", **_LAT),
                Column("lon", "float", **_LON),
                Column("population", "int", low=0),
                Column("population_year", "int", low=1950, high=2100),
                Column("population_source", "text"),
                Column("source", "text"),
                Column("main_stations", "slug_list", required=False, optional_column=True),
            ),
            key=("city_id",),
        ),
        Table(
            "groups",
            (
                Column("group_id", "slug"),
                Column("name", "text"),
                Column("name_zh", "text", required=False),
                Column("members", "slug_list"),
                Column("source", "text"),
            ),
            key=("group_id",),
            required_file=False,
        ),
        Table(
            "stations",
            (
                Column("station_id", "slug"),
                Column("name", "text"),
                Column("name_zh", "text"),
                Column("city_id", "slug"),
                Column("kind", "choice", choices=("rail", "airport")),
                Column("lat", "float", **_LAT),
                Column("lon", "float", **_LON),
                Column("iata", "text", required=False),
                Column("opened", "date", required=False),
                Column("source", "text"),
                Column("former_names_zh", "text", required=False, optional_column=True),
            ),
            key=("station_id",),
        ),
        Table(
            "lines",
            (
                Column("line_id", "slug"),
                Column("name", "text"),
                Column("name_zh", "text"),
                Column("category", "choice", choices=("hsr", "intercity", "conventional")),
                Column("source", "text"),
            ),
            key=("line_id",),
        ),
        Table(
            "line_stations",
            (
                Column("line_id", "slug"),
                Column("seq", "int", low=1),
                Column("station_id", "slug"),
                Column("chainage_km", "float", low=0.0, high=10000.0),
                Column("source", "text"),
            ),
            key=("line_id", "seq"),
        ),
        Table(
            "sections",
            (
                Column("line_id", "slug"),
                Column("from_station_id", "slug"),
                Column("to_station_id", "slug"),
                Column("design_kmh", "float", low=30.0, high=450.0),
                Column("status", "choice", choices=("open", "construction", "planned")),
                Column("opened", "date", required=False),
                Column("expected_year", "int", required=False, low=1950, high=2100),
                Column("source", "text"),
            ),
            key=("line_id", "from_station_id", "to_station_id"),
        ),
        Table(
            "flights",
            (
                Column("from_station_id", "slug"),
                Column("to_station_id", "slug"),
                Column("block_minutes", "float", low=10.0, high=1200.0),
                Column("daily_frequency", "float", low=0.0, high=500.0),
                Column("basis", "choice", choices=("schedule", "estimate")),
                Column("valid_from", "date", required=False),
                Column("valid_to", "date", required=False),
                Column("source", "text"),
            ),
            key=("from_station_id", "to_station_id", "valid_from"),
            required_file=False,
        ),
        Table(
            "transfers",
            (
                Column("from_station_id", "slug"),
                Column("to_station_id", "slug"),
                Column("minutes", "float", low=0.0, high=600.0),
                Column("mode", "choice", choices=("walk", "metro", "maglev", "bus", "taxi", "rail")),
                Column("source", "text"),
            ),
            key=("from_station_id", "to_station_id"),
            required_file=False,
        ),
        Table(
            "access",
            (
                Column("city_id", "slug"),
                Column("station_id", "slug"),
                Column("minutes", "float", low=0.0, high=600.0),
                Column("mode", "text"),
                Column("source", "text"),
            ),
            key=("city_id", "station_id"),
            required_file=False,
        ),
        Table(
            "published_times",
            (
                Column("from_station_id", "slug"),
                Column("to_station_id", "slug"),
                Column("minutes", "float", low=1.0, high=3000.0),
                Column("train", "text", required=False),
                Column("valid_from", "date"),
                Column("source", "text"),
            ),
            key=("from_station_id", "to_station_id", "valid_from"),
            required_file=False,
        ),
        Table(
            "operating_speeds",
            (
                Column("line_id", "slug"),
                Column("from_station_id", "slug"),
                Column("to_station_id", "slug"),
                Column("operating_kmh", "float", low=1.0, high=400.0),
                Column("valid_from", "date"),
                Column("source", "text"),
            ),
            key=("line_id", "from_station_id", "to_station_id", "valid_from"),
            required_file=False,
            doc="Top operating speed of a stretch of a line from a date; before a stretch's first row the "
            "[running_time] rule of network.toml applies.",
        ),
        Table(
            "corridors",
            (
                Column("corridor_id", "slug"),
                Column("line_id", "slug"),
                Column("source", "text"),
            ),
            key=("corridor_id", "line_id"),
            required_file=False,
            doc="Lines that belong to one corridor, which trains run through as one (a national corridor of "
            "the Medium- and Long-term Railway Network Plan); a line in no row is a corridor of its own.",
        ),
        Table(
            "no_through",
            (
                Column("station_id", "slug"),
                Column("line_id", "slug"),
                Column("other_line_id", "slug"),
                Column("source", "text"),
            ),
            key=("station_id", "line_id", "other_line_id"),
            required_file=False,
            doc="Stations where two lines meet but trains cannot run from one onto the other (no connecting "
            "track yet); passengers change there. Either direction.",
        ),
        Table(
            "timetable_changes",
            (
                Column("date", "date"),
                Column("source", "text"),
            ),
            key=("date",),
            required_file=False,
            doc="Days a new national timetable took effect (全国铁路调图). A section opened between two of them runs "
            "its opening service until the next (the service model's opening period).",
        ),
    ]
}


def parse_cell(column: Column, raw: str) -> tuple[object, str | None]:
    """Parse one cell.

    Returns ``(value, None)`` on success and ``(None, message)`` on failure, where the message says
    what was expected. An empty cell gives ``None`` (or an error when the column is required).
    """
    text = raw.strip()
    if text == "":
        if column.required:
            return None, "is empty; this column needs a value in every row"
        return None, None
    kind = column.kind
    if kind == "slug":
        if not SLUG.match(text):
            return None, "is not an id: use lowercase letters, digits and '_' only (e.g. 'wenzhou_south')"
        return text, None
    if kind == "slug_list":
        items = [s.strip() for s in text.split(";") if s.strip()]
        bad = [s for s in items if not SLUG.match(s)]
        if bad:
            return None, f"has ids {bad} that are not lowercase slugs; separate ids with ';'"
        return tuple(items), None
    if kind == "text":
        return text, None
    if kind == "choice":
        if text not in column.choices:
            return None, f"must be one of {', '.join(column.choices)}"
        return text, None
    if kind in ("float", "int"):
        try:
            number = float(text)
        except ValueError:
            return None, f"is not a number; write a plain decimal number such as {'12' if kind == 'int' else '12.5'}"
        if not math.isfinite(number):
            return None, "is not a finite number"
        if kind == "int":
            if number != int(number):
                return None, "must be a whole number"
            number = int(number)
        span = (
            f"; give a value from {column.low:g} to {column.high:g}"
            if column.low is not None and column.high is not None
            else "; check the figure and its unit"
        )
        if column.low is not None and number < column.low:
            return None, f"is below {column.low:g}, the lowest value this column allows{span}"
        if column.high is not None and number > column.high:
            return None, f"is above {column.high:g}, the highest value this column allows{span}"
        return number, None
    if kind == "date":
        if not ISO_DATE.match(text):
            return None, "is not a date; write it as YYYY-MM-DD (ISO 8601), e.g. 2013-07-01"
        try:
            return date.fromisoformat(text), None
        except ValueError:
            return None, "is not a real calendar date; write it as YYYY-MM-DD"
    raise ValueError(f"unknown column kind {kind!r}")  # a bug in TABLES, not in user data
