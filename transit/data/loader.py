"""Read a network folder, check every file, and report every problem at once.

The loader never writes to the folder. It works in three steps:

1. :func:`read_raw` reads each CSV into rows of raw strings with their line numbers;
2. :func:`parse_tables` parses every cell against :data:`transit.schema.TABLES`;
3. :func:`check_tables` checks what spans rows and tables (ids, references, chainage, sections).

Each step appends :class:`~transit.errors.Problem` records; :func:`load_folder` raises one
:class:`~transit.errors.NetworkDataError` listing all of them.
"""

from __future__ import annotations

import csv
import io
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from transit._files import did_you_mean
from transit.data.schema import TABLES, parse_cell
from transit.data.tomlsource import not_utf8, read_toml
from transit.errors import NetworkDataError, Problem

__all__ = ["RawTable", "read_raw", "parse_tables", "check_tables", "load_folder", "frame_to_raw"]

REQUIRED_META = ("name", "as_of")
RAGGED = "\0ragged"  # marks a row whose cells could not be aligned with the header
#: The tables whose ids or rows other tables refer to (cities, stations, lines, their stations and sections).
REFERENCED = ("cities", "stations", "lines", "line_stations", "sections")
INVALID = "_invalid"  # marks a parsed row with a bad cell: its ids count, its other checks are skipped

#: A parsed row, column name to value: what :func:`~transit.data.schema.parse_cell` gives for the column's
#: kind (str, int, float, date, tuple of ids or None), extra columns as text, and :data:`INVALID`.
Record = dict[str, Any]
#: The parsed rows of one table with their line numbers.
ParsedRows = list[tuple[int, Record]]


@dataclass
class RawTable:
    """A table as read: its label for messages, header, and rows of (line number, {column: text})."""

    label: str
    header: list[str]
    rows: list[tuple[int, dict[str, str]]]


def read_raw(folder: Path, problems: list[Problem]) -> dict[str, RawTable]:
    """Read every known CSV of ``folder`` as text, recording missing files and columns."""
    raw: dict[str, RawTable] = {}
    for table in TABLES.values():
        path = folder / table.file
        if not path.exists():
            if table.required_file:
                problems.append(
                    Problem(
                        table.file,
                        None,
                        None,
                        None,
                        f"file is missing from {folder}; every network needs it "
                        "(see networks/README.md for its columns)",
                    )
                )
            continue
        data = path.read_bytes()
        try:
            text = data.decode("utf-8-sig")  # a byte-order mark (Excel's "CSV UTF-8") is accepted
        except UnicodeDecodeError as exc:
            fix = "save it as UTF-8 CSV (Excel: Save As > CSV UTF-8)"
            problems.append(not_utf8(table.file, data, exc, fix, csv_header=True))
            continue
        rows = list(csv.reader(io.StringIO(text, newline="")))  # CRLF and LF line ends alike
        if not rows:
            problems.append(
                Problem(
                    table.file,
                    None,
                    None,
                    None,
                    "is empty; it needs at least its header row: " + ",".join(c.name for c in table.columns),
                )
            )
            continue
        header = [h.strip() for h in rows[0]]
        body = []
        for i, row in enumerate(rows[1:], start=2):
            if not any(c.strip() for c in row):
                continue  # a blank line holds no row
            if len(row) != len(header):
                problems.append(
                    Problem(
                        table.file,
                        i,
                        None,
                        None,
                        f"has {len(row)} cells but the header has {len(header)}; "
                        "check for a missing or extra comma or an unquoted comma in text",
                    )
                )
                # keep its leading id, so that rows referring to it do not report it as unknown
                body.append((i, {header[0]: row[0], RAGGED: "1"}))
                continue
            body.append((i, dict(zip(header, row))))
        raw[table.name] = RawTable(table.file, header, body)
    return raw


def frame_to_raw(name: str, frame: pd.DataFrame, label: str) -> RawTable:
    """Turn a DataFrame of parsed values back into a :class:`RawTable` (used by ``with_tables``).

    Rows are numbered as a CSV of the frame would be (header on line 1).
    """
    header = [str(c) for c in frame.columns]
    rows = []
    for i, record in enumerate(frame.itertuples(index=False, name=None), start=2):
        rows.append((i, {h: _to_text(v) for h, v in zip(header, record)}))
    return RawTable(label, header, rows)


def _to_text(value: object) -> str:
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return repr(value)
    if isinstance(value, (date, pd.Timestamp)):
        return value.isoformat()[:10]
    if isinstance(value, tuple):
        return ";".join(value)
    return str(value)


def parse_tables(raw: dict[str, RawTable], problems: list[Problem]) -> dict[str, ParsedRows]:
    """Parse every cell. A row with a bad cell is kept, marked invalid: its ids still count as known
    (so rows that refer to it do not report it again), but its other cross-checks are skipped."""
    parsed: dict[str, ParsedRows] = {}
    for name, table in TABLES.items():
        if name not in raw:
            parsed[name] = []
            continue
        rt = raw[name]
        missing = [c.name for c in table.columns if c.name not in rt.header and not c.optional_column]
        strange = [h for h in rt.header if h not in {c.name for c in table.columns}]
        for missing_col in missing:
            close = did_you_mean(missing_col, strange, cutoff=0.4)
            instead = (
                f"; the header has {close.removeprefix('did you mean ').rstrip('?')} instead: rename it"
                if close
                else ""
            )
            problems.append(
                Problem(
                    rt.label,
                    1,
                    missing_col,
                    None,
                    f"column is missing from the header; add it (columns: {', '.join(c.name for c in table.columns)})"
                    + instead,
                )
            )
        if missing:
            parsed[name] = []
            continue
        rows: ParsedRows = []
        for line, cells in rt.rows:
            ragged = RAGGED in cells
            record: Record = {}
            ok = not ragged
            for col in table.columns:
                value, err = parse_cell(col, cells.get(col.name, ""))
                if err:
                    if col.name == "lat" and _swapped(cells):
                        err += f"; lat and lon look swapped: lat is north-south, so write lat {cells['lon'].strip()}, lon {cells['lat'].strip()}"
                    if not ragged:  # a ragged row was reported once already
                        problems.append(Problem(rt.label, line, col.name, cells.get(col.name, ""), err))
                    ok = False
                record[col.name] = value
            for extra in rt.header:
                if extra not in record and not ragged:
                    record[extra] = cells[extra].strip() or None
            if not ok:
                record[INVALID] = True
            rows.append((line, record))
        parsed[name] = rows
    return parsed


def _swapped(cells: dict[str, str]) -> bool:
    """Whether a row's lat is out of range where its lon would be a latitude: the two were swapped."""
    try:
        lat, lon = float(cells["lat"]), float(cells.get("lon", ""))
    except (KeyError, ValueError):
        return False
    return not -90 <= lat <= 90 and -90 <= lon <= 90 and -180 <= lat <= 180


def check_tables(parsed: dict[str, ParsedRows], labels: dict[str, str], problems: list[Problem]) -> None:
    """Check ids, references and the geometry of lines and sections across all tables."""

    def add(table: str, line: int | None, column: str | None, value: object, message: str) -> None:
        problems.append(
            Problem(labels.get(table, TABLES[table].file), line, column, None if value is None else str(value), message)
        )

    # unique keys
    for name, table in TABLES.items():
        seen: dict[tuple[Any, ...], int] = {}
        for line, rec in parsed[name]:
            key = tuple(rec.get(k) for k in table.key)
            if any(k is None for k in key):
                continue
            if key in seen:
                add(
                    name,
                    line,
                    ",".join(table.key),
                    "/".join(map(str, key)),
                    f"duplicates line {seen[key]}; each {'/'.join(table.key)} must appear once: "
                    "delete one of the two rows or give this one another id",
                )
            else:
                seen[key] = line

    cities = {rec["city_id"] for _, rec in parsed["cities"] if rec.get("city_id")}
    stations = {rec["station_id"]: rec for _, rec in parsed["stations"] if rec.get("station_id")}
    lines = {rec["line_id"] for _, rec in parsed["lines"] if rec.get("line_id")}

    def suggest(value: str, known: Iterable[str]) -> str:
        hint = did_you_mean(value, known, otherwise="correct it, or add a row with this id to that file")
        return f"; {hint}"

    for line, rec in parsed["groups"]:
        for m in rec.get("members") or ():
            if m not in cities:
                add("groups", line, "members", m, "is not a city_id in cities.csv" + suggest(m, cities))
    for line, rec in parsed["stations"]:
        if rec.get(INVALID):
            continue
        if rec["city_id"] not in cities:
            add(
                "stations",
                line,
                "city_id",
                rec["city_id"],
                "is not a city_id in cities.csv" + suggest(rec["city_id"], cities),
            )
        if rec["kind"] == "airport" and not rec["iata"]:
            add("stations", line, "iata", "", "is empty; an airport needs its IATA code")

    for line, rec in parsed["cities"]:
        for sid in rec.get("main_stations") or ():
            if sid not in stations:
                add(
                    "cities", line, "main_stations", sid, "is not a station_id in stations.csv" + suggest(sid, stations)
                )
            elif stations[sid].get("city_id") != rec["city_id"]:
                add(
                    "cities",
                    line,
                    "main_stations",
                    sid,
                    f"is a station of '{stations[sid].get('city_id')}', not of '{rec['city_id']}'",
                )

    def check_station(table: str, line: int, column: str, sid: str, kind: str | None = None) -> bool:
        if sid not in stations:
            add(table, line, column, sid, "is not a station_id in stations.csv" + suggest(sid, stations))
            return False
        if kind and stations[sid].get("kind") not in (kind, None):
            add(table, line, column, sid, f"is a {stations[sid]['kind']} station; this column needs a {kind} one")
            return False
        return True

    # lines and their stations
    by_line: dict[str, ParsedRows] = defaultdict(list)
    for line, rec in parsed["line_stations"]:
        if rec.get("line_id") is None or rec.get("station_id") is None or rec.get("seq") is None:
            continue
        if rec["line_id"] not in lines:
            add(
                "line_stations",
                line,
                "line_id",
                rec["line_id"],
                "is not a line_id in lines.csv" + suggest(rec["line_id"], lines),
            )
            continue
        check_station("line_stations", line, "station_id", rec["station_id"], "rail")
        by_line[rec["line_id"]].append((line, rec))
    seq_of: dict[str, dict[str, int]] = {}
    for lid, rows in by_line.items():
        rows.sort(key=lambda r: r[1]["seq"])
        seqs = [r["seq"] for _, r in rows]
        if seqs != list(range(1, len(seqs) + 1)):
            add(
                "line_stations",
                rows[0][0],
                "seq",
                ",".join(map(str, seqs[:8])) + ("..." if len(seqs) > 8 else ""),
                f"line '{lid}' must number its stations 1, 2, 3, ... without gaps",
            )
        seen_st: dict[str, int] = {}
        for (_, r1), (l2, r2) in zip(rows, rows[1:]):
            if None not in (r1["chainage_km"], r2["chainage_km"]) and r2["chainage_km"] <= r1["chainage_km"]:
                add(
                    "line_stations",
                    l2,
                    "chainage_km",
                    r2["chainage_km"],
                    f"goes backwards or stands still on line '{lid}' (previous station "
                    f"'{r1['station_id']}' is at {r1['chainage_km']} km); chainage must increase along the line",
                )
        for row_line, r in rows:
            if r["station_id"] in seen_st:
                add(
                    "line_stations",
                    row_line,
                    "station_id",
                    r["station_id"],
                    f"appears twice on line '{lid}' (also line {seen_st[r['station_id']]})",
                )
            seen_st[r["station_id"]] = row_line
        if len(rows) < 2:
            add("line_stations", rows[0][0], "line_id", lid, "a line needs at least two stations")
        seq_of[lid] = {r["station_id"]: r["seq"] for _, r in rows}

    def ordered_ends(
        table: str, line: int, rec: dict[str, Any], what: str, *, known_stations: bool = False
    ) -> tuple[int, int] | None:
        """The positions of a row's from and to stations on its line, in line order; else None, the problems added.

        The line must be in lines.csv; ``known_stations`` also checks that each is in stations.csv at all.
        """
        lid = rec["line_id"]
        if lid not in lines:
            add(table, line, "line_id", lid, "is not a line_id in lines.csv" + suggest(lid, lines))
            return None
        on_line = seq_of.get(lid, {})
        ends = []
        for col in ("from_station_id", "to_station_id"):
            sid = rec[col]
            if known_stations and sid not in stations:
                add(table, line, col, sid, "is not a station_id in stations.csv" + suggest(sid, stations))
            elif sid not in on_line:
                add(
                    table,
                    line,
                    col,
                    sid,
                    f"is not a station of line '{lid}' in line_stations.csv" + suggest(sid, on_line),
                )
            else:
                ends.append(on_line[sid])
        if len(ends) != 2:
            return None
        if ends[0] >= ends[1]:
            add(
                table,
                line,
                "to_station_id",
                rec["to_station_id"],
                f"comes before or at '{rec['from_station_id']}' on line '{lid}'; give a {what}'s stations in line order",
            )
            return None
        return ends[0], ends[1]

    # sections tile each line
    sec_by_line: dict[str, list[tuple[int, int, int]]] = defaultdict(list)
    broken_lines = {rec.get("line_id") for _, rec in parsed["sections"] if rec.get(INVALID)}
    for line, rec in parsed["sections"]:
        if rec.get(INVALID):
            continue
        ends = ordered_ends("sections", line, rec, "section")
        if ends is not None:
            sec_by_line[rec["line_id"]].append((ends[0], ends[1], line))
        elif rec["line_id"] not in lines:
            continue  # reported: a section of an unknown line is not checked further
        status = rec["status"]
        if status == "open" and rec["opened"] is None:
            add("sections", line, "opened", "", "is empty; an open section needs its opening date (YYYY-MM-DD)")
        if status != "open" and rec["opened"] is not None:
            add(
                "sections",
                line,
                "opened",
                rec["opened"],
                f"is given but status is '{status}'; set status to 'open' or clear the date",
            )
        if status == "construction" and rec["expected_year"] is None:
            add(
                "sections",
                line,
                "expected_year",
                "",
                "is empty; a section under construction needs the year it is expected to open",
            )
    for lid in lines:
        n = len(seq_of.get(lid, {}))
        spans = sorted(sec_by_line.get(lid, []))
        if lid in broken_lines:
            continue  # a section row of this line has a bad cell, reported already
        if n == 0:
            add("lines", None, "line_id", lid, "has no stations in line_stations.csv")
            continue
        if not spans:
            add("sections", None, "line_id", lid, "has no sections; add at least one covering the whole line")
            continue
        pos = 1
        for a, b, line in spans:
            if a < pos:
                add(
                    "sections",
                    line,
                    "from_station_id",
                    a,
                    f"overlaps the previous section of line '{lid}'; sections must not overlap",
                )
            elif a > pos:
                add(
                    "sections",
                    line,
                    "from_station_id",
                    a,
                    f"leaves a gap on line '{lid}' from station seq {pos} to {a}; cover every stretch",
                )
            pos = max(pos, b)
        if pos < n:
            add(
                "sections",
                spans[-1][2],
                "to_station_id",
                pos,
                f"line '{lid}' has no section after station seq {pos} of {n}; cover the line to its last station",
            )

    for line, rec in parsed["flights"]:
        if rec.get(INVALID):
            continue
        ok = all(check_station("flights", line, c, rec[c], "airport") for c in ("from_station_id", "to_station_id"))
        if ok and rec["from_station_id"] == rec["to_station_id"]:
            add("flights", line, "to_station_id", rec["to_station_id"], "is the same airport as from_station_id")
        if rec["valid_from"] and rec["valid_to"] and rec["valid_to"] < rec["valid_from"]:
            add(
                "flights",
                line,
                "valid_to",
                rec["valid_to"],
                f"is before valid_from {rec['valid_from'].isoformat()}; the dates look reversed: swap them",
            )
    for line, rec in parsed["transfers"]:
        if rec.get(INVALID):
            continue
        ok = all(check_station("transfers", line, c, rec[c]) for c in ("from_station_id", "to_station_id"))
        if ok:
            st_a, st_b = stations[rec["from_station_id"]], stations[rec["to_station_id"]]
            if rec["from_station_id"] == rec["to_station_id"]:
                add("transfers", line, "to_station_id", rec["to_station_id"], "is the same station as from_station_id")
            elif st_a["city_id"] != st_b["city_id"]:
                add(
                    "transfers",
                    line,
                    "to_station_id",
                    rec["to_station_id"],
                    f"is in city '{st_b['city_id']}' but '{rec['from_station_id']}' is in '{st_a['city_id']}'; "
                    "transfers join stations of one city (a link between cities belongs in the rail data)",
                )
    for line, rec in parsed["access"]:
        if rec.get(INVALID):
            continue
        if rec["city_id"] not in cities:
            add(
                "access",
                line,
                "city_id",
                rec["city_id"],
                "is not a city_id in cities.csv" + suggest(rec["city_id"], cities),
            )
        check_station("access", line, "station_id", rec["station_id"])
    for line, rec in parsed["published_times"]:
        if rec.get(INVALID):
            continue
        for c in ("from_station_id", "to_station_id"):
            check_station("published_times", line, c, rec[c])

    for line, rec in parsed["corridors"]:
        if not rec.get(INVALID) and rec["line_id"] not in lines:
            add(
                "corridors",
                line,
                "line_id",
                rec["line_id"],
                "is not a line_id in lines.csv" + suggest(rec["line_id"], lines),
            )

    for line, rec in parsed["no_through"]:
        if rec.get(INVALID):
            continue
        if not check_station("no_through", line, "station_id", rec["station_id"], "rail"):
            continue
        for c in ("line_id", "other_line_id"):
            lid = rec[c]
            if lid not in lines:
                add("no_through", line, c, lid, "is not a line_id in lines.csv" + suggest(lid, lines))
            elif rec["station_id"] not in seq_of.get(lid, {}):
                add(
                    "no_through",
                    line,
                    c,
                    lid,
                    f"does not call at '{rec['station_id']}' in line_stations.csv; name two lines that meet there",
                )
        if rec["line_id"] == rec["other_line_id"]:
            add("no_through", line, "other_line_id", rec["other_line_id"], "is the same line as line_id")

    # operating speeds: a stretch of one line, in line order, not above the design speed of its sections,
    # and not overlapping another row of the same line from the same date
    design: dict[str, list[tuple[int, int, float]]] = defaultdict(list)
    for _, rec in parsed["sections"]:
        if not rec.get(INVALID) and rec["line_id"] in seq_of:
            on_line = seq_of[rec["line_id"]]
            if rec["from_station_id"] in on_line and rec["to_station_id"] in on_line:
                design[rec["line_id"]].append(
                    (on_line[rec["from_station_id"]], on_line[rec["to_station_id"]], rec["design_kmh"])
                )
    stretches: dict[tuple[str, date], list[tuple[int, int, int]]] = defaultdict(list)
    for line, rec in parsed["operating_speeds"]:
        if rec.get(INVALID):
            continue
        ends = ordered_ends("operating_speeds", line, rec, "stretch", known_stations=True)
        if ends is None:
            continue
        lid = rec["line_id"]
        a, b = ends
        on_line = seq_of.get(lid, {})
        over = [(s, e, kmh) for s, e, kmh in design.get(lid, []) if s < b and e > a and rec["operating_kmh"] > kmh]
        if over:
            s, e, kmh = min(over, key=lambda o: o[2])
            names = {v: k for k, v in on_line.items()}
            add(
                "operating_speeds",
                line,
                "operating_kmh",
                f"{rec['operating_kmh']:g}",
                f"is above the design speed of section {names[s]}-{names[e]} of line '{lid}' ({kmh:g} km/h in "
                "sections.csv), which the stretch covers; end the stretch before it or check the figure",
            )
        for a2, b2, line2 in stretches[(lid, rec["valid_from"])]:
            if a2 < b and b2 > a:
                add(
                    "operating_speeds",
                    line,
                    "from_station_id",
                    rec["from_station_id"],
                    f"overlaps the stretch of line {line2} on line '{lid}' from the same valid_from "
                    f"{rec['valid_from'].isoformat()}; give each stretch one speed per date",
                )
                break
        stretches[(lid, rec["valid_from"])].append((a, b, line))


def to_frames(parsed: dict[str, ParsedRows]) -> dict[str, pd.DataFrame]:
    """The parsed tables as DataFrames, columns in schema order (extra columns kept after them)."""
    frames: dict[str, pd.DataFrame] = {}
    for name, table in TABLES.items():
        cols = [c.name for c in table.columns]
        records = [rec for _, rec in parsed[name] if not rec.get(INVALID)]
        extra = [k for rec in records for k in rec if k not in cols]
        cols += list(dict.fromkeys(extra))
        frame = pd.DataFrame.from_records(records, columns=cols)
        for c in table.columns:
            if c.kind == "float":
                frame[c.name] = frame[c.name].astype("float64")
            elif c.kind == "int":
                frame[c.name] = frame[c.name].astype("Int64" if not c.required else "int64")
        frames[name] = frame
    return frames


def read_meta(folder: Path, problems: list[Problem]) -> dict[str, Any]:
    """Read ``network.toml``; record a problem for each missing required key or bad value (with its line)."""
    path = folder / "network.toml"
    if not path.exists():
        problems.append(
            Problem(
                "network.toml",
                None,
                None,
                None,
                f"file is missing from {folder}; every network needs it, with [network] name and as_of",
            )
        )
        return {}
    try:
        src = read_toml(path, ValueError)  # UTF-8 with or without a byte-order mark, LF or CRLF
    except ValueError as exc:
        found = getattr(exc, "problems", None) or [Problem(str(path), None, None, None, str(exc))]
        problems.extend(replace(p, file="network.toml") for p in found)
        return {}
    meta = src.data
    net = meta.get("network", {})
    nline = src.table_line("network")
    for key in REQUIRED_META:
        if key not in net:
            problems.append(
                Problem("network.toml", nline, f"network.{key}", None, f"is missing; add `{key} = ...` under [network]")
            )
    as_of = net.get("as_of")
    if as_of is not None and not isinstance(as_of, date):
        try:
            net["as_of"] = date.fromisoformat(str(as_of))
        except ValueError:
            problems.append(
                Problem(
                    "network.toml",
                    src.key_line(nline, "as_of"),
                    "network.as_of",
                    str(as_of),
                    "is not a date; write as_of = 2026-11-01",
                )
            )
    for table in ("parameters", "running_time"):
        if not isinstance(meta.get(table, {}), dict):
            problems.append(
                Problem("network.toml", src.key_line(None, table), table, None, f"[{table}] must be a table")
            )
    params = meta.get("parameters", {})
    pline = src.table_line("parameters")
    for key, value in params.items() if isinstance(params, dict) else ():
        where = ("network.toml", src.key_line(pline, key), f"parameters.{key}", repr(value))
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            problems.append(Problem(*where, f"must be a number (minutes, km, km/h or a factor), e.g. {key} = 10.0"))
        elif not value >= 0:  # also NaN
            problems.append(Problem(*where, f"must not be negative; give {key} in its unit (minutes, km, km/h)"))
    return meta


def load_folder(folder: Path) -> tuple[dict[str, Any], dict[str, pd.DataFrame]]:
    """Load and check a network folder; raise :class:`NetworkDataError` listing every problem."""
    problems: list[Problem] = []
    if not folder.is_dir():
        raise NetworkDataError(
            [
                Problem(
                    str(folder),
                    None,
                    None,
                    None,
                    "is not a folder; give a network name such as 'yrd' or the path "
                    "of a folder holding network.toml and the CSV tables",
                )
            ]
        )
    meta = read_meta(folder, problems)
    raw = read_raw(folder, problems)
    parsed = parse_tables(raw, problems)
    # a table that cannot be read whole (missing, empty, not UTF-8, a column missing) would make every id
    # other tables take from it look unknown: its own problem is reported, and the references wait for it
    unreadable = [
        t.file
        for name, t in TABLES.items()
        if name in REFERENCED
        and (
            (name not in raw and (t.required_file or (folder / t.file).exists()))
            or (name in raw and any(c.name not in raw[name].header and not c.optional_column for c in t.columns))
        )
    ]
    if unreadable:
        problems.append(
            Problem(
                ", ".join(unreadable),
                None,
                None,
                None,
                "could not be read whole, so the ids other tables take from them were not checked yet; "
                "fix the problems above and load again",
            )
        )
    else:
        check_tables(parsed, {k: v.label for k, v in raw.items()}, problems)
    if problems:
        raise NetworkDataError(problems, folder=str(folder))
    return meta, to_frames(parsed)


def check_frames(frames: dict[str, pd.DataFrame], label: str) -> dict[str, pd.DataFrame]:
    """Re-check modified tables (for ``Network.with_tables``); raise listing every problem."""
    problems: list[Problem] = []
    raw = {name: frame_to_raw(name, frame, f"{label}:{name}") for name, frame in frames.items()}
    parsed = parse_tables(raw, problems)
    check_tables(parsed, {k: v.label for k, v in raw.items()}, problems)
    if problems:
        raise NetworkDataError(problems, folder=label)
    return to_frames(parsed)
