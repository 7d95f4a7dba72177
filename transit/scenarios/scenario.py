"""Scenarios: ordered modifications applied to a copy of a network.

A scenario file (``networks/scenarios/*.toml``) has a ``[scenario]`` table and a list of
``[[modification]]`` tables, applied in order to the network's full tables (every status). The
baseline network never changes: :meth:`Scenario.apply` returns a new network from
``network.with_tables(...)``, standing on the same date. Every modification carries a ``source``
(a document) or a ``hypothesis`` (what is assumed, and why).

Modification types (keys in brackets are optional; see ``docs/goals.md`` for examples):

``set_opening``       line, year or date or on_network_date = true, [from, to]: open the line's sections
                      (or those between two of its stations) from that date. A date on or before the
                      data's ``as_of`` date makes them ``open`` with that date; a later one sets their
                      ``expected_year`` (a section that was open becomes ``construction``).
                      ``on_network_date = true`` opens them on the date of the network the scenario is
                      applied to: "as if in service", whatever year is checked.
``open_all``          year or date or on_network_date = true, [statuses = ["construction", "planned"]]:
                      every section with one of these statuses opens by then at the latest (an earlier
                      expected year is kept).
``close_section``     line, [from, to]: take sections out of service (status ``planned``, no year).
``set_design_speed``  line, design_kmh, [from, to].
``add_station``       station, name, name_zh, city, lat, lon, [kind = "rail", iata, opened].
``add_line``          line, name, name_zh, category, stations, chainage_km, design_kmh, year or date.
``extend_line``       line, stations, chainage_km, design_kmh, year or date: new stations after its end.
``remove_line``       line: the line, its stations list, sections, operating speeds, corridor rows, bars
                      on running through, and the published times only it ran.
``add_flight``        from, to, block_minutes, daily_frequency, [basis = "estimate", valid_from, valid_to].
``cut_flight``        from, to, [from_date]: remove the flights of an airport pair (either direction), or
                      end them the day before ``from_date``.
``add_published_time``  from, to, minutes, valid_from, [train].
``allow_through``     station, line, other_line: trains may run from one line onto the other at the
                      station (a link built: drops the row of ``no_through.csv``).
``set_parameter``     table ("parameters" or "running_time"), key, value.

``from``/``to`` that fall inside a section split it there, so a speed or date can change on part of it.
Problems (an unknown station, line or airport, a clashing section or line, a bad value) are collected
over the whole scenario and raised together as one :class:`~transit.errors.ScenarioError`, each with
the file and the line of its ``[[modification]]``.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import pandas as pd

from transit._files import did_you_mean
from transit.clock import parse_clock
from transit.data.network import bundled_networks_dir
from transit.data.tomlsource import (
    TomlSource,
    find_toml,
    list_tomls,
    raise_problems,
    read_toml,
)
from transit.errors import NetworkDataError, Problem, ScenarioError

__all__ = [
    "Scenario",
    "Modification",
    "load_scenario",
    "list_scenarios",
    "parse_modification",
    "apply_scenarios",
    "scenarios_dir",
    "MODIFICATION_TYPES",
]


def scenarios_dir() -> Path:
    """The folder of the bundled scenario files (``networks/scenarios``)."""
    return bundled_networks_dir() / "scenarios"


_COMMON = {"type", "source", "hypothesis", "note"}
# type -> (required keys, optional keys)
MODIFICATION_TYPES: dict[str, tuple[set[str], set[str]]] = {
    "set_opening": ({"line"}, {"from", "to", "year", "date", "on_network_date"}),
    "open_all": (set(), {"year", "on_network_date", "statuses"}),
    "close_section": ({"line"}, {"from", "to"}),
    "set_design_speed": ({"line", "design_kmh"}, {"from", "to"}),
    "add_station": ({"station", "name", "name_zh", "city", "lat", "lon"}, {"kind", "iata", "opened"}),
    "add_line": (
        {"line", "name", "name_zh", "category", "stations", "chainage_km", "design_kmh"},
        {"year", "date", "on_network_date", "corridors"},
    ),
    "extend_line": ({"line", "stations", "chainage_km", "design_kmh"}, {"year", "date", "on_network_date"}),
    "remove_line": ({"line"}, set()),
    "add_flight": ({"from", "to", "block_minutes", "daily_frequency"}, {"basis", "valid_from", "valid_to"}),
    "cut_flight": ({"from", "to"}, {"from_date"}),
    "add_published_time": ({"from", "to", "minutes", "valid_from"}, {"train"}),
    "set_parameter": ({"table", "key", "value"}, set()),
    "allow_through": ({"station", "line", "other_line"}, set()),
    "add_service": (
        {"stops", "trains_per_day"},
        {"line", "service_id", "both_directions", "first_departure", "last_departure"},
    ),
}
#: The tables of network.toml that ``set_parameter`` may change.
PARAMETER_TABLES = ("parameters", "running_time", "service", "service.frequency", "service.calls", "service.running")
_NEEDS_WHEN = {"set_opening", "add_line", "extend_line", "open_all"}
_WHEN_KEYS = ("year", "date", "on_network_date")


@dataclass(frozen=True)
class Modification:
    """One modification: its type, its keys as written, and where it is in the file."""

    type: str
    values: dict
    index: int
    line: int | None

    def reason(self) -> str:
        """The source or hypothesis, for the rows it writes."""
        if self.values.get("source"):
            return f"scenario: {self.values['source']}"
        return f"scenario hypothesis: {self.values.get('hypothesis', '')}"


@dataclass(frozen=True)
class Scenario:
    """An ordered list of modifications read from a scenario file (see :func:`load_scenario`)."""

    id: str
    name: str
    modifications: tuple[Modification, ...]
    name_zh: str = ""
    description: str = ""
    path: Path | None = None
    label: str = ""
    text: str = field(default="", repr=False)

    def apply(self, network):
        """A new network with the modifications applied in order; ``network`` is not changed.

        Parameters
        ----------
        network : transit.Network

        Returns
        -------
        transit.Network
            Standing on the same date as ``network``.

        Raises
        ------
        ScenarioError
            Listing every modification that does not apply (file, line, key, value and the fix).

        Examples
        --------
        >>> import transit
        >>> from transit.scenarios import load_scenario
        >>> base = transit.load_network().as_of(2030)
        >>> net = load_scenario("wenzhou-fuzhou-hsr").apply(base)
        >>> net.date == base.date
        True
        """
        state = _State(network.tables, network.meta, network.data_as_of, network.date)
        problems: list[Problem] = []
        for mod in self.modifications:
            here = _Here(self, mod, problems)
            _APPLY[mod.type](state, mod, here)
        raise_problems(
            ScenarioError,
            problems,
            f"scenario {self.id!r} does not apply to network {network.label!r}: {len(problems)} problem(s)",
        )
        try:
            return network.with_tables(
                label=f"{network.label}+{self.id}", meta=state.meta, scenario=self.id, **state.tables
            )
        except NetworkDataError as exc:
            probs = [
                Problem(
                    self.label,
                    _value_line(self.text, p.column, p.value),
                    p.column,
                    p.value,
                    f"after applying the scenario, {p}",
                )
                for p in exc.problems
            ]
            raise_problems(
                ScenarioError,
                probs,
                f"scenario {self.id!r} leaves network {network.label!r} inconsistent: {len(probs)} problem(s)",
            )
            raise  # pragma: no cover - raise_problems raised


def _value_line(text: str, key: str | None, value: str | None) -> int | None:
    """The line of the scenario file that sets ``key`` to ``value`` (``valid_to = 2019-01-01``), or None."""
    if not key or value is None:
        return None
    for k, line in enumerate(text.splitlines(), start=1):
        name, eq, rest = line.partition("=")
        if eq and name.strip().strip("\"'") == key and value in rest:
            return k
    return None


def list_scenarios(folder: Path | None = None) -> list[tuple[str, str, Path]]:
    """The bundled scenarios as ``(id, name, path)``, sorted by id."""
    return list_tomls(folder or scenarios_dir(), load_scenario, ScenarioError)


def load_scenario(name_or_path: str | Path) -> Scenario:
    """Read a scenario file and check its structure; every problem is reported at once.

    Parameters
    ----------
    name_or_path : str or Path
        A bundled scenario's name (``"wenzhou-fuzhou-hsr"``) or a path to a ``.toml`` file.

    Returns
    -------
    Scenario

    Raises
    ------
    ScenarioError
        For a missing file, invalid TOML, unknown modification types or keys, missing keys, bad
        values, or a modification with neither source nor hypothesis (each with file and line).
        Names of stations and lines are checked when the scenario is applied to a network.

    Examples
    --------
    >>> s = load_scenario("wenzhou-fuzhou-hsr")
    >>> s.modifications[0].type
    'set_opening'
    """
    path = find_toml(name_or_path, scenarios_dir(), "scenario", ScenarioError)
    src = read_toml(path, ScenarioError)
    problems: list[Problem] = []
    data = src.data
    for key in data:
        if key not in ("scenario", "modification"):
            problems.append(
                src.problem(
                    src.key_line(None, key) or src.table_line(key),
                    key,
                    None,
                    "unknown top-level key; a scenario has [scenario] and [[modification]]s",
                )
            )
    head = data.get("scenario")
    if not isinstance(head, dict) or not head.get("name"):
        problems.append(
            src.problem(
                src.table_line("scenario"), "name", None, "a scenario needs a [scenario] table with name = '...'"
            )
        )
        head = head if isinstance(head, dict) else {}
    mods_raw = data.get("modification")
    mods: list[Modification] = []
    if not isinstance(mods_raw, list) or not mods_raw:
        problems.append(
            src.problem(None, "modification", None, "a scenario needs at least one [[modification]] with type = '...'")
        )
    else:
        for i, m in enumerate(mods_raw):
            mod = parse_modification(src, m, i, problems)
            if mod is not None:
                mods.append(mod)
    raise_problems(ScenarioError, problems, f"{len(problems)} problem(s) in scenario file {src.label}")
    return Scenario(
        id=str(head.get("id") or path.stem),
        name=str(head["name"]),
        modifications=tuple(mods),
        name_zh=str(head.get("name_zh", "")),
        description=str(head.get("description", "")),
        path=path,
        label=src.label,
        text=src.text,
    )


def parse_modification(src: TomlSource, m: object, i: int, problems: list[Problem]) -> Modification | None:
    """Check one ``[[modification]]`` table and make it a :class:`Modification`.

    Used for scenario files and for the projects of a sweep, so that both accept the same
    modifications with the same messages.

    Parameters
    ----------
    src : TomlSource
        The file (or the inline source) the table comes from, for the line numbers of problems.
    m : object
        The table as read; anything else than a dict is a problem.
    i : int
        Its position among the file's ``[[modification]]`` tables (0-based).
    problems : list of Problem
        Every problem found is appended here (nothing is raised).

    Returns
    -------
    Modification or None
        None when the table has a problem.
    """
    line = src.array_line((("modification", i),))
    where = f"modification {i + 1}"
    if not isinstance(m, dict):
        problems.append(src.problem(line, None, None, f"{where} must be a table [[modification]]"))
        return None
    mtype = m.get("type")
    if mtype not in MODIFICATION_TYPES:
        hint = did_you_mean(mtype, MODIFICATION_TYPES, otherwise=f"known types: {', '.join(MODIFICATION_TYPES)}")
        problems.append(src.problem(src.key_line(line, "type"), "type", mtype, f"unknown modification type; {hint}"))
        return None
    required, optional = MODIFICATION_TYPES[mtype]
    n_before = len(problems)
    allowed = required | optional | _COMMON
    for key in m:
        if key not in allowed:
            hint = did_you_mean(key, allowed, otherwise=f"{mtype} takes {', '.join(sorted(required | optional))}")
            problems.append(src.problem(src.key_line(line, key), key, None, f"unknown key for {mtype}; {hint}"))
    for key in sorted(required - set(m)):
        problems.append(src.problem(line, key, None, f"{mtype} needs {key} = ..."))
    if not (m.get("source") or m.get("hypothesis")):
        problems.append(
            src.problem(
                line, "source", None, "every modification needs source = 'document' or hypothesis = 'what is assumed'"
            )
        )
    if mtype in _NEEDS_WHEN and sum(k in m for k in _WHEN_KEYS) != 1:
        problems.append(
            src.problem(
                line,
                "year",
                None,
                f"{mtype} needs exactly one of year = 2030, date = 2030-06-30 or "
                "on_network_date = true (in service on whatever date the network stands at)",
            )
        )
    if "on_network_date" in m and m["on_network_date"] is not True:
        problems.append(
            src.problem(
                src.key_line(line, "on_network_date"),
                "on_network_date",
                m["on_network_date"],
                "can only be true; leave it out and give year or date instead",
            )
        )

    def bad(key: str, message: str) -> None:
        problems.append(src.problem(src.key_line(line, key), key, m.get(key), message))

    for key in ("line", "station", "city", "from", "to", "name", "name_zh", "key", "table", "category"):
        if key in m and (not isinstance(m[key], str) or not m[key].strip()):
            bad(key, "must be a non-empty text")
    if "year" in m and not (
        isinstance(m["year"], int) and not isinstance(m["year"], bool) and 1950 <= m["year"] <= 2100
    ):
        bad("year", "must be a year from 1950 to 2100, a number without quotes: year = 2030")
    for key in ("date", "valid_from", "valid_to", "opened", "from_date"):
        if key in m and not isinstance(m[key], date):
            bad(key, "must be a TOML date without quotes, e.g. 2030-06-30")
    for key, low, high in (
        ("design_kmh", 30, 450),
        ("lat", -90, 90),
        ("lon", -180, 180),
        ("block_minutes", 10, 1200),
        ("daily_frequency", 0, 500),
        ("minutes", 1, 3000),
    ):
        if key in m and (isinstance(m[key], bool) or not isinstance(m[key], (int, float)) or not low <= m[key] <= high):
            swapped = key == "lat" and all(isinstance(m.get(k), (int, float)) for k in ("lat", "lon"))
            swapped = swapped and abs(m["lat"]) <= 180 and abs(m["lon"]) <= 90
            bad(key, f"must be a number from {low} to {high}" + ("; lat and lon look swapped" if swapped else ""))
    if "stations" in m:
        st = m["stations"]
        if not (isinstance(st, list) and st and all(isinstance(s, str) and s for s in st)):
            bad("stations", "must be a list of station ids")
        elif "chainage_km" in m:
            ch = m["chainage_km"]
            if not (
                isinstance(ch, list)
                and len(ch) == len(st)
                and all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in ch)
                and all(b > a for a, b in zip(ch, ch[1:]))
                and all(x >= 0 for x in ch)
            ):
                bad("chainage_km", f"must be {len(st)} increasing numbers (km), one per station")
    if mtype == "add_line" and "stations" in m and isinstance(m["stations"], list) and len(m["stations"]) < 2:
        bad("stations", "a line needs at least two stations")
    if "corridors" in m and not (isinstance(m["corridors"], list) and all(isinstance(c, str) for c in m["corridors"])):
        bad("corridors", 'is not a list of corridor ids; write e.g. corridors = ["coastal"]')
    if "statuses" in m:
        s = m["statuses"]
        if not (isinstance(s, list) and s and all(x in ("construction", "planned", "open") for x in s)):
            bad("statuses", "must be a list from 'construction', 'planned', 'open'")
    if "category" in m and m["category"] not in ("hsr", "intercity", "conventional"):
        bad("category", "must be one of hsr, intercity, conventional")
    if "kind" in m and m["kind"] not in ("rail", "airport"):
        bad("kind", "must be 'rail' or 'airport'")
    if "basis" in m and m["basis"] not in ("schedule", "estimate"):
        bad("basis", "must be 'schedule' or 'estimate'")
    if "table" in m and m["table"] not in PARAMETER_TABLES:
        bad("table", f"must be one of {', '.join(PARAMETER_TABLES)} (the tables of network.toml)")
    if mtype == "add_service":
        st = m.get("stops")
        if not (isinstance(st, list) and len(st) >= 2 and all(isinstance(x, str) and x for x in st)):
            bad("stops", "must be a list of at least two station ids, the stations the trains call at in order")
        n = m.get("trains_per_day")
        if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= 200:
            bad("trains_per_day", "must be a whole number of trains a day each way, from 1 to 200")
        for key in ("first_departure", "last_departure"):
            if key in m and not _is_hhmm(m[key]):
                bad(key, 'must be a time of day as "HH:MM" (e.g. "07:00")')
        if "both_directions" in m and not isinstance(m["both_directions"], bool):
            bad("both_directions", "must be true or false")
    if mtype == "set_parameter" and "value" in m and not isinstance(m["value"], (int, float, str, bool)):
        bad("value", "must be a number, text or true/false")
    if len(problems) > n_before:
        return None
    return Modification(type=mtype, values=dict(m), index=i, line=line)


# --------------------------------------------------------------------------- applying


def apply_scenarios(network, scenario) -> tuple[object, list[str]]:
    """Apply a scenario, a name or path, or a sequence of them in order; return the network and the ids."""
    if scenario is None:
        return network, []
    items = [scenario] if isinstance(scenario, (Scenario, str, Path)) else list(scenario)
    ids = []
    for item in items:
        s = item if isinstance(item, Scenario) else load_scenario(item)
        network = s.apply(network)
        ids.append(s.id)
    return network, ids


class _State:
    """The full tables and network.toml content being modified."""

    def __init__(self, tables: dict[str, pd.DataFrame], meta: dict, data_as_of: date, network_date: date):
        self.tables = tables
        self.meta = copy.deepcopy(meta)
        self.data_as_of = data_as_of
        self.network_date = network_date

    def ids(self, table: str, column: str) -> list[str]:
        return list(self.tables[table][column])


class _Here:
    """Reports problems of one modification with its file and line."""

    def __init__(self, scenario: Scenario, mod: Modification, problems: list[Problem]):
        self.scenario, self.mod, self.problems = scenario, mod, problems
        self.failed = False

    def _line(self, key: str | None) -> int | None:
        if key is None or not self.scenario.text or self.mod.line is None:
            return self.mod.line
        lines = self.scenario.text.splitlines()
        for k in range(self.mod.line, len(lines)):
            if lines[k].lstrip().startswith("["):
                break
            if lines[k].split("=", 1)[0].strip().strip("\"'") == key:
                return k + 1
        return self.mod.line

    def __call__(self, key: str | None, value: object, message: str) -> None:
        shown = None if value is None else str(value)
        self.problems.append(
            Problem(
                self.scenario.label or self.scenario.id,
                self._line(key),
                key,
                shown,
                f"modification {self.mod.index + 1} ({self.mod.type}): {message}",
            )
        )
        self.failed = True

    def known(self, key: str, value: str, known: Sequence[str], what: str) -> bool:
        if value in known:
            return True
        names = sorted(set(known))
        listed = ", ".join(names[:8]) + (f" and {len(names) - 8} more" if len(names) > 8 else "")
        hint = did_you_mean(value, known, n=3, otherwise=f"known: {listed}" if names else "there is none")
        self(key, value, f"unknown {what}; {hint}")
        return False


def _when(state: _State, mod: Modification) -> date:
    """The date a modification opens things: its date, 31 December of its year, or the network's date."""
    v = mod.values
    if v.get("on_network_date"):
        return state.network_date
    return v["date"] if "date" in v else date(int(v["year"]), 12, 31)


def _line_span(state: _State, mod: Modification, here: _Here) -> tuple[str, float, float] | None:
    """The line and chainage span a modification names (the whole line without from/to)."""
    v = mod.values
    line = v["line"]
    if not here.known("line", line, state.ids("lines", "line_id"), "line"):
        return None
    ls = state.tables["line_stations"]
    ls = ls[ls["line_id"] == line]
    ch = dict(zip(ls["station_id"], ls["chainage_km"].astype(float)))
    lo, hi = min(ch.values()), max(ch.values())
    ends = []
    for key in ("from", "to"):
        if key in v:
            if v[key] not in ch:
                here.known(key, v[key], list(ch), f"station of line '{line}'")
                return None
            ends.append(ch[v[key]])
    if len(ends) == 2:
        lo, hi = sorted(ends)
        if lo == hi:
            here("to", v["to"], "from and to are the same station; name two stations of the line")
            return None
    elif len(ends) == 1:
        here("to" if "from" in v else "from", None, "give both from and to, or neither (the whole line)")
        return None
    return line, lo, hi


def _split_sections(state: _State, line: str, lo: float, hi: float) -> pd.Series:
    """Split the line's sections at chainages ``lo`` and ``hi``; return a mask of the sections inside."""
    ls = state.tables["line_stations"]
    ls = ls[ls["line_id"] == line].sort_values("seq")
    ch = dict(zip(ls["station_id"], ls["chainage_km"].astype(float)))
    at = {c: s for s, c in ch.items()}
    sec = state.tables["sections"]
    rows = []
    for r in sec.to_dict("records"):
        if r["line_id"] != line:
            rows.append(r)
            continue
        a, b = ch[r["from_station_id"]], ch[r["to_station_id"]]
        cuts = [a] + [c for c in (lo, hi) if a < c < b] + [b]
        for x, y in zip(cuts, cuts[1:]):
            rows.append({**r, "from_station_id": at[x], "to_station_id": at[y]})
    sec = pd.DataFrame(rows, columns=sec.columns)
    state.tables["sections"] = sec.reset_index(drop=True)
    sec = state.tables["sections"]
    a = sec["from_station_id"].map(lambda s: ch.get(s, -1.0))
    b = sec["to_station_id"].map(lambda s: ch.get(s, -1.0))
    return (sec["line_id"] == line) & (a >= lo) & (b <= hi)


def _set_when(sec: pd.DataFrame, mask: pd.Series, when: date, data_as_of: date, reason: str) -> pd.DataFrame:
    sec = sec.copy()
    for i in sec.index[mask]:
        if when <= data_as_of:
            sec.at[i, "status"], sec.at[i, "opened"], sec.at[i, "expected_year"] = "open", when, None
        else:
            if sec.at[i, "status"] == "open":
                sec.at[i, "status"] = "construction"
            sec.at[i, "opened"], sec.at[i, "expected_year"] = None, when.year
        sec.at[i, "source"] = reason
    return sec


def _m_set_opening(state: _State, mod: Modification, here: _Here) -> None:
    span = _line_span(state, mod, here)
    if span is None:
        return
    mask = _split_sections(state, *span)
    state.tables["sections"] = _set_when(
        state.tables["sections"], mask, _when(state, mod), state.data_as_of, mod.reason()
    )


def _m_open_all(state: _State, mod: Modification, here: _Here) -> None:
    when = _when(state, mod)
    statuses = set(mod.values.get("statuses", ["construction", "planned"])) - {"open"}
    sec = state.tables["sections"]
    exp = sec["expected_year"]
    later = exp.isna() | (exp.fillna(0).astype(int) > when.year) | (when <= state.data_as_of)
    state.tables["sections"] = _set_when(
        sec, sec["status"].isin(statuses) & later, when, state.data_as_of, mod.reason()
    )


def _update_span(state: _State, mod: Modification, here: _Here, **values) -> None:
    """Set ``values`` on the sections of the span a modification names (splitting at its ends)."""
    span = _line_span(state, mod, here)
    if span is None:
        return
    mask = _split_sections(state, *span)
    sec = state.tables["sections"].copy()
    for column, value in {**values, "source": mod.reason()}.items():
        sec.loc[mask, column] = value
    state.tables["sections"] = sec


def _m_close_section(state: _State, mod: Modification, here: _Here) -> None:
    _update_span(state, mod, here, status="planned", opened=None, expected_year=None)


def _m_set_design_speed(state: _State, mod: Modification, here: _Here) -> None:
    _update_span(state, mod, here, design_kmh=float(mod.values["design_kmh"]))


def _append(state: _State, table: str, rows: list[dict]) -> None:
    frame = state.tables[table]
    new = pd.DataFrame(rows, columns=frame.columns)
    state.tables[table] = pd.concat([frame, new], ignore_index=True) if len(frame) else new


def _m_add_station(state: _State, mod: Modification, here: _Here) -> None:
    v = mod.values
    if v["station"] in state.ids("stations", "station_id"):
        here("station", v["station"], "a station with this id exists already; pick a new id or leave it out")
        return
    if not here.known("city", v["city"], state.ids("cities", "city_id"), "city"):
        return
    _append(
        state,
        "stations",
        [
            {
                "station_id": v["station"],
                "name": v["name"],
                "name_zh": v["name_zh"],
                "city_id": v["city"],
                "kind": v.get("kind", "rail"),
                "lat": float(v["lat"]),
                "lon": float(v["lon"]),
                "iata": v.get("iata"),
                "opened": v.get("opened"),
                "source": mod.reason(),
            }
        ],
    )


def _rail_stations(state: _State, mod: Modification, here: _Here) -> bool:
    st = state.tables["stations"]
    rail = set(st.loc[st["kind"] == "rail", "station_id"])
    ok = True
    for s in mod.values["stations"]:
        if s not in rail:
            ok = here.known("stations", s, sorted(rail), "rail station (add it first with add_station)") and ok
    return ok


def _new_section(state: _State, mod: Modification, line: str, a: str, b: str) -> dict:
    when = _when(state, mod)
    row = {
        "line_id": line,
        "from_station_id": a,
        "to_station_id": b,
        "design_kmh": float(mod.values["design_kmh"]),
        "source": mod.reason(),
    }
    if when <= state.data_as_of:
        row.update(status="open", opened=when, expected_year=None)
    else:
        row.update(status="planned", opened=None, expected_year=when.year)
    return row


def _m_add_line(state: _State, mod: Modification, here: _Here) -> None:
    v = mod.values
    clash = v["line"] in state.ids("lines", "line_id")
    if clash:
        here("line", v["line"], "clashes with an existing line of that id; use extend_line, set_opening, or a new id")
    if not _rail_stations(state, mod, here) or clash:
        return
    st = v["stations"]
    if len(set(st)) != len(st):
        here("stations", ", ".join(st), "a station appears twice in the line")
        return
    _append(
        state,
        "lines",
        [
            {
                "line_id": v["line"],
                "name": v["name"],
                "name_zh": v["name_zh"],
                "category": v["category"],
                "source": mod.reason(),
            }
        ],
    )
    _append(
        state,
        "line_stations",
        [
            {"line_id": v["line"], "seq": k + 1, "station_id": s, "chainage_km": float(c), "source": mod.reason()}
            for k, (s, c) in enumerate(zip(st, v["chainage_km"]))
        ],
    )
    _append(state, "sections", [_new_section(state, mod, v["line"], st[0], st[-1])])
    if v.get("corridors"):
        _append(
            state,
            "corridors",
            [{"corridor_id": c, "line_id": v["line"], "source": mod.reason()} for c in v["corridors"]],
        )


def _m_extend_line(state: _State, mod: Modification, here: _Here) -> None:
    v = mod.values
    if not here.known("line", v["line"], state.ids("lines", "line_id"), "line"):
        return
    if not _rail_stations(state, mod, here):
        return
    ls = state.tables["line_stations"]
    mine = ls[ls["line_id"] == v["line"]].sort_values("seq")
    clash = [s for s in v["stations"] if s in set(mine["station_id"])]
    if clash:
        here(
            "stations",
            ", ".join(clash),
            f"already on line '{v['line']}': a section there would clash with "
            "its existing sections; extend_line adds new stations after its end",
        )
        return
    last_ch = float(mine["chainage_km"].max())
    if float(v["chainage_km"][0]) <= last_ch:
        here("chainage_km", v["chainage_km"][0], f"must continue beyond the line's last chainage, {last_ch:g} km")
        return
    last_seq, last_station = int(mine["seq"].max()), str(mine.iloc[-1]["station_id"])
    _append(
        state,
        "line_stations",
        [
            {
                "line_id": v["line"],
                "seq": last_seq + k + 1,
                "station_id": s,
                "chainage_km": float(c),
                "source": mod.reason(),
            }
            for k, (s, c) in enumerate(zip(v["stations"], v["chainage_km"]))
        ],
    )
    _append(state, "sections", [_new_section(state, mod, v["line"], last_station, v["stations"][-1])])


def _m_remove_line(state: _State, mod: Modification, here: _Here) -> None:
    line = mod.values["line"]
    if not here.known("line", line, state.ids("lines", "line_id"), "line"):
        return
    t = state.tables
    ls = t["line_stations"]
    on_line = set(ls.loc[ls["line_id"] == line, "station_id"])
    others = ls[ls["line_id"] != line].groupby("station_id")["line_id"].apply(set).to_dict()
    pt = t["published_times"]
    if len(pt):
        only_here = pt.apply(
            lambda r: (
                r["from_station_id"] in on_line
                and r["to_station_id"] in on_line
                and not (others.get(r["from_station_id"], set()) & others.get(r["to_station_id"], set()))
            ),
            axis=1,
        ).astype(bool)
        t["published_times"] = pt[~only_here].reset_index(drop=True)
    t["lines"] = t["lines"][t["lines"]["line_id"] != line].reset_index(drop=True)
    t["line_stations"] = ls[ls["line_id"] != line].reset_index(drop=True)
    for name in ("sections", "operating_speeds", "corridors"):  # every row that names the line
        t[name] = t[name][t[name]["line_id"] != line].reset_index(drop=True)
    nt = t["no_through"]
    t["no_through"] = nt[(nt["line_id"] != line) & (nt["other_line_id"] != line)].reset_index(drop=True)


def _airports(state: _State, mod: Modification, here: _Here) -> bool:
    st = state.tables["stations"]
    airports = list(st.loc[st["kind"] == "airport", "station_id"])
    ok = here.known("from", mod.values["from"], airports, "airport")
    return here.known("to", mod.values["to"], airports, "airport") and ok


def _m_add_flight(state: _State, mod: Modification, here: _Here) -> None:
    v = mod.values
    if not _airports(state, mod, here):
        return
    _append(
        state,
        "flights",
        [
            {
                "from_station_id": v["from"],
                "to_station_id": v["to"],
                "block_minutes": float(v["block_minutes"]),
                "daily_frequency": float(v["daily_frequency"]),
                "basis": v.get("basis", "estimate"),
                "valid_from": v.get("valid_from"),
                "valid_to": v.get("valid_to"),
                "source": mod.reason(),
            }
        ],
    )


def _m_cut_flight(state: _State, mod: Modification, here: _Here) -> None:
    v = mod.values
    if not _airports(state, mod, here):
        return
    fl = state.tables["flights"]
    pair = {v["from"], v["to"]}
    mask = (
        fl.apply(lambda r: {r["from_station_id"], r["to_station_id"]} == pair, axis=1).astype(bool)
        if len(fl)
        else pd.Series([], dtype=bool)
    )
    if not mask.any():
        here("from", f"{v['from']}-{v['to']}", "no flight between these airports to cut")
        return
    if "from_date" not in v:
        state.tables["flights"] = fl[~mask].reset_index(drop=True)
        return
    fl = fl.copy()
    end = v["from_date"] - timedelta(days=1)
    for i in fl.index[mask]:
        vt = fl.at[i, "valid_to"]
        if vt is None or pd.isna(vt) or vt > end:
            fl.at[i, "valid_to"] = end
            fl.at[i, "source"] = f"{fl.at[i, 'source']}; {mod.reason()}"
    vf = fl["valid_from"].map(lambda x: x is not None and not pd.isna(x))
    drop = mask & vf & (fl["valid_from"].map(lambda x: x if x is not None and not pd.isna(x) else date.min) > end)
    state.tables["flights"] = fl[~drop].reset_index(drop=True)


def _m_add_published_time(state: _State, mod: Modification, here: _Here) -> None:
    v = mod.values
    st = state.tables["stations"]
    rail = list(st.loc[st["kind"] == "rail", "station_id"])
    ok = here.known("from", v["from"], rail, "rail station")
    if not (here.known("to", v["to"], rail, "rail station") and ok):
        return
    _append(
        state,
        "published_times",
        [
            {
                "from_station_id": v["from"],
                "to_station_id": v["to"],
                "minutes": float(v["minutes"]),
                "train": v.get("train"),
                "valid_from": v["valid_from"],
                "source": mod.reason(),
            }
        ],
    )


def _is_hhmm(value: object) -> bool:
    """Whether ``value`` is a time of day written ``"HH:MM"`` (00:00 to 23:59)."""
    if not isinstance(value, str) or len(value.split(":")) != 2:
        return False
    h, m = value.split(":")
    return h.isdigit() and m.isdigit() and 0 <= int(h) <= 23 and 0 <= int(m) <= 59


def _m_add_service(state: _State, mod: Modification, here: _Here) -> None:
    v = mod.values
    st = state.tables["stations"]
    rail = list(st.loc[st["kind"] == "rail", "station_id"])
    ok = all([here.known("stops", s, rail, "rail station") for s in v["stops"]])
    if v.get("line") is not None:
        ok = here.known("line", v["line"], list(state.tables["lines"]["line_id"]), "line") and ok
    if not ok:
        return
    service = {"stops": list(v["stops"]), "trains_per_day": int(v["trains_per_day"]), "source": mod.reason()}
    for key in ("line", "both_directions"):
        if key in v:
            service[key] = v[key]
    if "service_id" in v:
        service["route_id"] = str(v["service_id"])
    for key in ("first_departure", "last_departure"):
        if key in v:
            service[f"{key}_minutes"] = parse_clock(v[key])
    state.meta.setdefault("scenario_services", []).append(service)


def _m_allow_through(state: _State, mod: Modification, here: _Here) -> None:
    v = mod.values
    nt = state.tables["no_through"]
    pair = {str(v["line"]), str(v["other_line"])}
    hit = (nt["station_id"] == v["station"]) & nt.apply(
        lambda r: {str(r["line_id"]), str(r["other_line_id"])} == pair, axis=1
    ).astype(bool)
    if not hit.any():
        barred = "; ".join(f"{r.station_id}: {r.line_id} / {r.other_line_id}" for r in nt.itertuples()) or "none"
        here(
            "station",
            v["station"],
            f"has no bar on running through between {v['line']} and {v['other_line']} in no_through.csv "
            f"(the bars: {barred}); trains already run through there",
        )
        return
    state.tables["no_through"] = nt[~hit].reset_index(drop=True)


def _m_set_parameter(state: _State, mod: Modification, here: _Here) -> None:
    v = mod.values
    table = state.meta
    for part in v["table"].split("."):
        table = table.setdefault(part, {})
    if v["key"] not in table:
        here.known("key", v["key"], sorted(table), f"key of [{v['table']}] in network.toml")
        return
    old = table[v["key"]]
    if (
        isinstance(old, (int, float))
        and not isinstance(old, bool)
        and (isinstance(v["value"], bool) or not isinstance(v["value"], (int, float)))
    ):
        here("value", v["value"], f"[{v['table']}] {v['key']} is a number ({old!r}); give a number")
        return
    table[v["key"]] = v["value"]


_APPLY: dict[str, Callable[[_State, Modification, _Here], None]] = {
    "set_opening": _m_set_opening,
    "open_all": _m_open_all,
    "close_section": _m_close_section,
    "set_design_speed": _m_set_design_speed,
    "add_station": _m_add_station,
    "add_line": _m_add_line,
    "extend_line": _m_extend_line,
    "remove_line": _m_remove_line,
    "add_flight": _m_add_flight,
    "cut_flight": _m_cut_flight,
    "add_published_time": _m_add_published_time,
    "set_parameter": _m_set_parameter,
    "allow_through": _m_allow_through,
    "add_service": _m_add_service,
}
