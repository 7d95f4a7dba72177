"""Candidate projects of a sweep: a list of scenario modifications, an expected year and a label.

A :class:`Project` is what a planner can decide to build (or to run): a line or section group under
construction or planned, a bundled scenario, or modifications written inline (any scenario
modification of :mod:`transit.scenarios`, e.g. ``{"type": "set_design_speed", "line": "...",
"design_kmh": 350}``). When a service model lands, "N express trains a day on line Y" becomes one more
modification type and needs nothing new here.

:func:`candidate_projects` turns ``"all-planned"`` or a list of names, dicts and projects into
projects, checking every one against the network and reporting every problem at once.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from transit.data.tomlsource import TomlSource
from transit.errors import Problem, ScenarioError, SweepError
from transit.scenarios import Scenario, list_scenarios, load_scenario
from transit.scenarios.scenario import parse_modification

__all__ = ["Project", "candidate_projects", "planned_projects", "project_from_modifications", "MAX_PROJECTS"]

#: Combinations are 64-bit sets: at most this many projects in one sweep.
MAX_PROJECTS = 62

_SLUG = re.compile(r"[^a-z0-9_.\-]+")


@dataclass(frozen=True)
class Project:
    """One candidate project: ordered scenario modifications, an expected year and a label.

    Attributes
    ----------
    id : str
        A short stable slug (``line:wenzhou_fuzhou_hsr``, ``scenario:all-planned``, ``user:faster-hangyong``).
    label : str
        What a planner reads in a report.
    scenario : Scenario
        The modifications, applied in order to the network of the sweep's base date.
    expected_year : int or None
        When it is expected in service (None: no year on record).
    kind : {"line", "scenario", "user"}
        Where it comes from.
    """

    id: str
    label: str
    scenario: Scenario = field(repr=False)
    expected_year: int | None = None
    kind: str = "user"

    @property
    def modifications(self):
        """The scenario modifications, in order."""
        return self.scenario.modifications

    def to_dict(self) -> dict:
        """JSON-ready: id, label, kind, expected_year and the modifications as written."""
        return {
            "id": self.id,
            "label": self.label,
            "kind": self.kind,
            "expected_year": self.expected_year,
            "modifications": [_jsonable(m.values) for m in self.modifications],
        }


def _jsonable(values: Mapping) -> dict:
    return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in values.items()}


def project_from_modifications(
    modifications: Iterable[Mapping] | Mapping,
    *,
    label: str | None = None,
    expected_year: int | None = None,
    project_id: str | None = None,
) -> Project:
    """A project from modifications written inline, checked as a scenario file's would be.

    Parameters
    ----------
    modifications : dict or sequence of dict
        Scenario modifications (``type`` and its keys, see :mod:`transit.scenarios`). ``hypothesis``
        may be left out: it defaults to "sweep project: <label>".
    label : str, optional
        Default: the types and lines of the modifications.
    expected_year : int, optional
    project_id : str, optional
        Default ``user:<label as a slug>``.

    Raises
    ------
    SweepError
        Every problem of every modification, at once.

    Examples
    --------
    >>> p = project_from_modifications({"type": "set_design_speed", "line": "hangyong_hsr", "design_kmh": 350})
    >>> p.id, p.modifications[0].type
    ('user:set_design_speed-hangyong_hsr', 'set_design_speed')
    """
    mods = [modifications] if isinstance(modifications, Mapping) else list(modifications)
    default_label = ", ".join(
        f"{m.get('type', '?')} {m.get('line', '')}".strip() for m in mods if isinstance(m, Mapping)
    )
    label = label or default_label or "inline modifications"
    pid = project_id or f"user:{_SLUG.sub('-', label.lower().replace(' ', '-')).strip('-')}"
    where = f"project {pid!r}"
    src = TomlSource(where, "", {"modification": mods}, ())
    problems: list[Problem] = []
    parsed = []
    for i, m in enumerate(mods):
        if isinstance(m, Mapping) and not (m.get("source") or m.get("hypothesis")):
            m = {**m, "hypothesis": f"sweep project: {label}"}
        mod = parse_modification(src, dict(m) if isinstance(m, Mapping) else m, i, problems)
        if mod is not None:
            parsed.append(mod)
    if not mods:
        problems.append(Problem(where, None, "modifications", None, "a project needs at least one modification"))
    if problems:
        raise SweepError(
            f"{len(problems)} problem(s) in {where}:\n" + "\n".join(f"  - {p.describe('key')}" for p in problems)
        )
    scenario = Scenario(id=pid, name=label, modifications=tuple(parsed), label=where)
    return Project(pid, label, scenario, expected_year, "user")


def planned_projects(network) -> list[Project]:
    """One project per line and expected year of the sections not open in the network's data.

    A line under construction or planned whose sections all share one expected year is one project
    (``line:hefei_wuhan_hsr``); a line whose sections have different years is one project per year
    (``line:shanghai_nanjing_hefei_hsr@2027``). Each opens its sections on the sweep's base date
    (``set_opening`` with ``on_network_date = true`` over each section), the project's expected year
    being the sections' own (None for planned sections without one).
    """
    sec = network.tables["sections"]
    todo = sec[sec["status"] != "open"].copy()
    names = network.tables["lines"].set_index("line_id")["name"].to_dict()
    out = []
    for line_id, rows in todo.groupby("line_id", sort=True):
        row_years = [None if y is None or pd.isna(y) else int(y) for y in rows["expected_year"]]
        years = sorted({y for y in row_years if y is not None}) + ([None] if None in row_years else [])
        for year in years:
            part = rows[[y == year for y in row_years]]
            pid = f"line:{line_id}" if len(years) == 1 else f"line:{line_id}@{year or 'unscheduled'}"
            status = "/".join(sorted(set(part["status"])))
            label = f"{names.get(line_id, line_id)} ({status}, {year or 'no year'})"
            mods = [
                {
                    "type": "set_opening",
                    "line": line_id,
                    "from": r.from_station_id,
                    "to": r.to_station_id,
                    "on_network_date": True,
                    "hypothesis": f"sweep project {pid}: in service on the sweep's date (sections.csv: {r.source})",
                }
                for r in part.itertuples()
            ]
            p = project_from_modifications(mods, label=label, expected_year=year, project_id=pid)
            out.append(Project(p.id, p.label, p.scenario, year, "line"))
    return out


def _scenario_year(network, scenario: Scenario) -> int | None:
    """The latest expected year of the sections a scenario opens (None when one has no year)."""
    sec = network.tables["sections"]
    todo = sec[sec["status"] != "open"]
    years: list[int | None] = []
    for mod in scenario.modifications:
        if mod.type == "set_opening":
            rows = todo[todo["line_id"] == mod.values["line"]]
        elif mod.type == "open_all":
            rows = todo[todo["status"].isin(mod.values.get("statuses", ["construction", "planned"]))]
        else:
            return None  # an added line or a changed speed has no year on record
        years += [None if y is None or pd.isna(y) else int(y) for y in rows["expected_year"]]
    if not years or any(y is None for y in years):
        return None
    return max(years)


def _scenario_project(network, scenario: Scenario) -> Project:
    return Project(
        f"scenario:{scenario.id}",
        f"{scenario.name} (scenario)",
        scenario,
        _scenario_year(network, scenario),
        "scenario",
    )


def candidate_projects(network, projects="all-planned") -> list[Project]:
    """The projects of a sweep, checked against the network; every problem reported at once.

    Parameters
    ----------
    network : Network
        Any date; the full tables are read.
    projects : str or sequence
        ``"all-planned"``: every line or section group under construction or planned
        (:func:`planned_projects`). ``"all"``: those and every bundled scenario. Otherwise a list of:
        ``"all-planned"``; a line id (its project); a project id (``line:...``, ``scenario:...``); a
        bundled scenario name or a scenario file path; a :class:`Project`; a :class:`Scenario`; a dict
        of one modification, or ``{"label": ..., "expected_year": ..., "modifications": [...]}``.

    Returns
    -------
    list of Project
        In the order given (duplicates dropped, first kept).

    Raises
    ------
    SweepError
        Unknown names (with close matches), malformed modifications, duplicate ids, or more than
        :data:`MAX_PROJECTS` projects. Modifications naming a line or station the network lacks are
        reported here too: each project is applied alone to the network.
    """
    planned = planned_projects(network)
    by_id = {p.id: p for p in planned}
    by_line: dict[str, list[Project]] = {}
    for p in planned:
        by_line.setdefault(p.id.split(":", 1)[1].split("@")[0], []).append(p)
    bundled = {sid: path for sid, _name, path in list_scenarios()}
    if isinstance(projects, str):
        projects = [projects]
    out: list[Project] = []
    problems: list[str] = []
    for item in projects:
        try:
            out.extend(_resolve(item, network, planned, by_id, by_line, bundled))
        except (SweepError, ScenarioError) as exc:
            problems.append(str(exc))
    seen: dict[str, Project] = {}
    for p in out:
        seen.setdefault(p.id, p)
    result = list(seen.values())
    if not problems:
        problems.extend(_check_apply(network, result))
    if problems:
        raise SweepError(
            f"{len(problems)} problem(s) with the sweep's projects:\n"
            + "\n".join("  - " + p.replace("\n", "\n    ") for p in problems)
        )
    if not result:
        raise SweepError("no projects to sweep: give at least one (e.g. projects='all-planned')")
    if len(result) > MAX_PROJECTS:
        raise SweepError(
            f"{len(result)} projects is more than the {MAX_PROJECTS} a sweep takes; "
            "merge some into one project or sweep a subset"
        )
    return result


def _resolve(item, network, planned, by_id, by_line, bundled) -> list[Project]:
    if isinstance(item, Project):
        return [item]
    if isinstance(item, Scenario):
        return [_scenario_project(network, item)]
    if isinstance(item, Mapping):
        if "modifications" in item:
            extra = set(item) - {"modifications", "label", "expected_year", "id"}
            if extra:
                raise SweepError(
                    f"project {item.get('label', '?')!r}: unknown keys {sorted(extra)}; a project "
                    "dict has modifications, label, expected_year and id"
                )
            return [
                project_from_modifications(
                    item["modifications"],
                    label=item.get("label"),
                    expected_year=item.get("expected_year"),
                    project_id=item.get("id"),
                )
            ]
        return [project_from_modifications(item)]
    if isinstance(item, Path) or (isinstance(item, str) and item.endswith(".toml")):
        return [_scenario_project(network, load_scenario(item))]
    if not isinstance(item, str):
        raise SweepError(
            f"a project is a name, a dict of modifications, a Scenario or a Project, not {type(item).__name__}"
        )
    name = item.strip()
    if name == "all-planned":
        return list(planned)
    if name == "all":
        return list(planned) + [_scenario_project(network, load_scenario(s)) for s in sorted(bundled)]
    if name in by_id:
        return [by_id[name]]
    if name in by_line:
        return list(by_line[name])
    bare = name.split(":", 1)[1] if name.startswith("scenario:") else name
    if bare in bundled:
        return [_scenario_project(network, load_scenario(bare))]
    known = sorted(by_id) + sorted(by_line) + [f"scenario:{s}" for s in sorted(bundled)] + ["all-planned", "all"]
    close = difflib.get_close_matches(name, known, n=3, cutoff=0.5)
    hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    lines = set(network.tables["lines"]["line_id"])
    why = f" (line {name!r} is fully open already: write a modification for it instead)" if name in lines else ""
    raise SweepError(
        f"unknown project {name!r}{why}: give a line under construction or planned, a project id "
        f"(line:..., scenario:...), a bundled scenario, 'all-planned' or 'all'{hint}"
    )


def _check_apply(network, projects: list[Project]) -> list[str]:
    """Apply each project alone to the network; the message of each that does not apply."""
    problems = []
    for p in projects:
        try:
            p.scenario.apply(network)
        except ScenarioError as exc:
            problems.append(str(exc))
    return problems
