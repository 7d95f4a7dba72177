"""Time-circle goals: read a goal file and check it against a network.

A goal says: from an origin (a city, a station, or every member of a group), these targets are
reached within so many minutes, tier by tier. Goal files live in ``networks/goals/*.toml``; their
format is documented in ``docs/goals.md`` and in the files themselves.

Checking a goal (:func:`check_goal`) computes, for each tier and target, the best time by the goal's
own modes and measure, whether it is met and by how much, the route, and for a miss the leg that
holds it back (see :func:`transit.report.find_bottleneck`) and the minutes to cut. Beside it comes
the best rail-and-air door-to-door time, so a planner sees where flying wins.

Quantifiers over a target's (origin, destination) pairs:

- ``all``: every pair within the limit; the deciding time is the slowest pair.
- ``any``: at least one pair within; the deciding time is the fastest pair.
- ``share`` with ``share = s``: at least ``ceil(s * n)`` of the ``n`` pairs within; the deciding time
  is the ``ceil(s * n)``-th fastest.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from transit._files import did_you_mean
from transit.data.network import bundled_networks_dir
from transit.data.tomlsource import (
    TomlSource,
    find_toml,
    list_tomls,
    raise_problems,
    read_toml,
)
from transit.errors import GoalError, Problem
from transit.modes import Measure, Mode

__all__ = ["Goal", "Tier", "Target", "load_goal", "list_goals", "goals_dir"]

MODES = Mode.values()
MEASURES = Measure.values()
QUANTIFIERS = ("all", "any", "share")

_GOAL_KEYS = {
    "id",
    "name",
    "name_zh",
    "origin",
    "modes",
    "measure",
    "compare_modes",
    "compare_measure",
    "target_year",
    "description",
    "city_stations",
    "stations",
}
CITY_STATIONS = ("central", "all")
_TIER_KEYS = {
    "id",
    "name",
    "name_zh",
    "within_minutes",
    "within_hours",
    "modes",
    "measure",
    "origin",
    "interpretation",
    "target",
}
_TARGET_KEYS = {"id", "place", "group", "places", "quantifier", "share", "origin", "name", "name_zh", "note"}
_SOURCE_KEYS = {
    "document",
    "document_zh",
    "issuer",
    "date",
    "section",
    "wording",
    "wording_zh",
    "url",
    "interpretation",
}
_TOP_KEYS = {"goal", "source", "tier"}


def goals_dir() -> Path:
    """The folder of the bundled goal files (``networks/goals``)."""
    return bundled_networks_dir() / "goals"


@dataclass(frozen=True)
class Target:
    """One target of a tier: a place, a group, or a list of places, with a quantifier.

    Attributes
    ----------
    kind : {"place", "group", "places"}
        What ``ref`` holds.
    ref : str or tuple of str
        A city or station (id, English or Chinese name), a group id, or a list of places.
    quantifier : {"all", "any", "share"}
        How the target's (origin, destination) pairs combine.
    share : float or None
        The share of pairs that must be within the limit, with quantifier ``share``.
    origin : str or None
        Overrides the tier's and goal's origin.
    line : int or None
        The line of the target's header in the goal file.
    """

    kind: str
    ref: str | tuple[str, ...]
    quantifier: str = "all"
    share: float | None = None
    origin: str | tuple[str, ...] | None = None
    id: str | None = None
    name: str | None = None
    name_zh: str | None = None
    note: str = ""
    line: int | None = None


@dataclass(frozen=True)
class Tier:
    """A time limit and the targets that must be reached within it."""

    id: str
    name: str
    within_minutes: float
    targets: tuple[Target, ...]
    name_zh: str = ""
    modes: tuple[str, ...] | None = None
    measure: str | None = None
    origin: str | tuple[str, ...] | None = None
    interpretation: str = ""
    line: int | None = None


@dataclass(frozen=True)
class Goal:
    """A time-circle goal read from a goal file (see :func:`load_goal`).

    Attributes
    ----------
    id, name, name_zh : str
        The goal's id (the file's stem unless given) and names.
    origin : str
        A city or station, or a group id (every member is an origin: an all-pairs goal when a
        target is the same group).
    modes : tuple of str
        The modes the goal is about, a subset of ("rail", "air").
    measure : {"station", "door"}
        How times are measured (see ``docs/goals.md``).
    compare_modes, compare_measure
        The multimodal comparison reported beside each target (default rail and air, door).
    city_stations : {"central", "all"}
        Which stations stand for a city in the station measure: ``central`` (default) its central
        stations, as :func:`transit.travel_times` uses them (``Network.city_stations(central=True)``:
        温州南, 温州北 for 温州, not the county stations 瑞安 or 苍南), or ``all`` every station of it.
    stations : dict
        City id -> station ids that stand for it, overriding ``city_stations`` for that city.
    tiers : tuple of Tier
    source : dict
        The source document, its wording and how it is interpreted.
    path : Path or None
        The file it was read from.
    """

    id: str
    name: str
    origin: str | tuple[str, ...]
    tiers: tuple[Tier, ...]
    name_zh: str = ""
    modes: tuple[str, ...] = ("rail",)
    measure: str = "station"
    compare_modes: tuple[str, ...] = ("rail", "air")
    compare_measure: str = "door"
    target_year: int | None = None
    description: str = ""
    city_stations: str = "central"
    stations: dict = field(default_factory=dict)
    source: dict = field(default_factory=dict)
    path: Path | None = None
    label: str = ""
    text: str = field(default="", repr=False)

    def tier_modes(self, tier: Tier) -> tuple[str, ...]:
        return tier.modes or self.modes

    def tier_measure(self, tier: Tier) -> str:
        return tier.measure or self.measure


def list_goals(folder: Path | None = None) -> list[tuple[str, str, Path]]:
    """The bundled goals as ``(id, name, path)``, sorted by id.

    Files that do not parse are listed with their error as the name, so ``transit goal --list``
    still shows them.
    """
    return list_tomls(folder or goals_dir(), load_goal, GoalError)


def load_goal(name_or_path: str | Path) -> Goal:
    """Read a goal file and check its structure; every problem is reported at once.

    Parameters
    ----------
    name_or_path : str or Path
        A bundled goal's name (``"wenzhou-521"``, a file of ``networks/goals/``) or a path.

    Returns
    -------
    Goal

    Raises
    ------
    GoalError
        When the file is missing or malformed; the message names file, line, key, value and the
        fix, for every problem. Place and group names are checked against a network later, by
        :func:`check_goal`.

    Examples
    --------
    >>> goal = load_goal("wenzhou-521")
    >>> [t.within_minutes for t in goal.tiers]
    [60.0, 120.0, 300.0]
    """
    path = find_toml(name_or_path, goals_dir(), "goal", GoalError)
    src = read_toml(path, GoalError)
    problems: list[Problem] = []
    data = src.data
    _unknown_keys(src, data, _TOP_KEYS, None, "the top level", problems)
    g = data.get("goal")
    if not isinstance(g, dict):
        problems.append(
            src.problem(None, "goal", None, "a goal file needs a [goal] table with at least name and origin")
        )
        raise_problems(GoalError, problems, f"{len(problems)} problem(s) in goal file {src.label}")
    gline = src.table_line("goal")
    _unknown_keys(src, g, _GOAL_KEYS, gline, "[goal]", problems)
    name = _text(src, g, "name", gline, problems, required=True)
    origin = _origin(src, g, gline, problems, required=True)
    modes = _modes(src, g, "modes", gline, problems) or ("rail",)
    measure = _choice(src, g, "measure", MEASURES, gline, problems) or "station"
    compare_modes = _modes(src, g, "compare_modes", gline, problems) or ("rail", "air")
    compare_measure = _choice(src, g, "compare_measure", MEASURES, gline, problems) or "door"
    city_stations = _choice(src, g, "city_stations", CITY_STATIONS, gline, problems) or "central"
    stations = g.get("stations", {})
    sline = src.table_line("goal.stations") or gline
    if not isinstance(stations, dict) or not all(
        isinstance(v, list) and v and all(isinstance(x, str) and x for x in v) for v in stations.values()
    ):
        problems.append(
            src.problem(
                sline,
                "stations",
                None,
                "[goal.stations] maps a city to a list of station ids: wenzhou = ['wenzhou_south']",
            )
        )
        stations = {}
    target_year = g.get("target_year")
    if target_year is not None and not (isinstance(target_year, int) and 1950 <= target_year <= 2100):
        problems.append(
            src.problem(
                src.key_line(gline, "target_year"),
                "target_year",
                target_year,
                "must be a year from 1950 to 2100, a number without quotes: target_year = 2025",
            )
        )
        target_year = None
    source = data.get("source", {})
    if not isinstance(source, dict):
        problems.append(src.problem(None, "source", None, "[source] must be a table"))
        source = {}
    else:
        _unknown_keys(src, source, _SOURCE_KEYS, src.table_line("source"), "[source]", problems)
        if not source.get("document"):
            problems.append(
                src.problem(
                    src.table_line("source"),
                    "document",
                    None,
                    "every goal needs [source] document = '...', the plan it comes from",
                )
            )
    tiers_raw = data.get("tier")
    tiers: list[Tier] = []
    if not isinstance(tiers_raw, list) or not tiers_raw:
        problems.append(
            src.problem(
                None, "tier", None, "a goal needs at least one [[tier]] with within_minutes and [[tier.target]]s"
            )
        )
    else:
        for i, t in enumerate(tiers_raw):
            tier = _parse_tier(src, t, i, problems)
            if tier is not None:
                tiers.append(tier)
        first: dict[str, Tier] = {}
        for tier in tiers:
            if tier.id in first:
                problems.append(
                    src.problem(
                        src.key_line(tier.line, "id"),
                        "id",
                        tier.id,
                        f"tier ids must be unique within a goal (the tier at line {first[tier.id].line} has it "
                        "too); rename one",
                    )
                )
            first.setdefault(tier.id, tier)
    raise_problems(GoalError, problems, f"{len(problems)} problem(s) in goal file {src.label}")
    return Goal(
        id=str(g.get("id") or path.stem),
        name=name or path.stem,
        origin=origin or "",
        tiers=tuple(tiers),
        name_zh=str(g.get("name_zh", "")),
        modes=modes,
        measure=measure,
        compare_modes=compare_modes,
        compare_measure=compare_measure,
        target_year=target_year,
        description=str(g.get("description", "")),
        city_stations=city_stations,
        stations={str(k): tuple(v) for k, v in stations.items()},
        source=dict(source),
        path=path,
        label=src.label,
        text=src.text,
    )


def _parse_tier(src: TomlSource, t: object, i: int, problems: list[Problem]) -> Tier | None:
    line = src.array_line((("tier", i),))
    if not isinstance(t, dict):
        problems.append(src.problem(line, "tier", None, "each tier must be a table [[tier]]"))
        return None
    _unknown_keys(src, t, _TIER_KEYS, line, f"tier {i + 1}", problems)
    within = None
    if "within_minutes" in t and "within_hours" in t:
        problems.append(
            src.problem(
                src.key_line(line, "within_hours"),
                "within_hours",
                t["within_hours"],
                "give within_minutes or within_hours, not both",
            )
        )
    for key, factor in (("within_minutes", 1.0), ("within_hours", 60.0)):
        if key in t:
            v = t[key]
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not (0 < v < 100000):
                problems.append(
                    src.problem(
                        src.key_line(line, key), key, v, "must be a positive number (e.g. within_minutes = 120)"
                    )
                )
            else:
                within = float(v) * factor
    if within is None and "within_minutes" not in t and "within_hours" not in t:
        problems.append(
            src.problem(
                line,
                "within_minutes",
                None,
                f"tier {i + 1} needs a time limit: within_minutes = 60 or within_hours = 1",
            )
        )
    modes = _modes(src, t, "modes", line, problems)
    measure = _choice(src, t, "measure", MEASURES, line, problems)
    origin = _origin(src, t, line, problems)
    targets_raw = t.get("target")
    targets: list[Target] = []
    if not isinstance(targets_raw, list) or not targets_raw:
        problems.append(
            src.problem(
                line, "target", None, f"tier {i + 1} needs at least one [[tier.target]] with place, group or places"
            )
        )
    else:
        for j, tg in enumerate(targets_raw):
            target = _parse_target(src, tg, i, j, problems)
            if target is not None:
                targets.append(target)
    tid = str(t.get("id") or f"tier{i + 1}")
    default_name = (f"{within / 60:g} h" if within % 60 == 0 else f"{within:g} min") if within else tid
    return Tier(
        id=tid,
        name=str(t.get("name") or default_name),
        within_minutes=within or math.nan,
        targets=tuple(targets),
        name_zh=str(t.get("name_zh", "")),
        modes=modes,
        measure=measure,
        origin=origin,
        interpretation=str(t.get("interpretation", "")),
        line=line,
    )


def _parse_target(src: TomlSource, tg: object, i: int, j: int, problems: list[Problem]) -> Target | None:
    line = src.array_line((("tier", i), ("target", j)))
    where = f"tier {i + 1}, target {j + 1}"
    if not isinstance(tg, dict):
        problems.append(src.problem(line, "target", None, f"{where} must be a table [[tier.target]]"))
        return None
    _unknown_keys(src, tg, _TARGET_KEYS, line, where, problems)
    given = [k for k in ("place", "group", "places") if k in tg]
    if len(given) != 1:
        problems.append(
            src.problem(
                line,
                None,
                None,
                f"{where} needs exactly one of place = 'city or station', group = 'group id' "
                f"or places = ['a', 'b'] (found {', '.join(given) or 'none'})",
            )
        )
        return None
    kind = given[0]
    ref: str | tuple[str, ...]
    if kind == "places":
        v = tg["places"]
        if not (isinstance(v, list) and v and all(isinstance(x, str) and x.strip() for x in v)):
            problems.append(
                src.problem(
                    src.key_line(line, "places"), "places", v, "must be a non-empty list of city or station names"
                )
            )
            return None
        ref = tuple(x.strip() for x in v)
    else:
        v = tg[kind]
        if not isinstance(v, str) or not v.strip():
            problems.append(src.problem(src.key_line(line, kind), kind, v, "must be a non-empty text"))
            return None
        ref = v.strip()
    q = tg.get("quantifier")
    share = None
    if q is None:
        if kind != "place":
            problems.append(
                src.problem(
                    line,
                    "quantifier",
                    None,
                    f"{where} is a {kind}: say how its members count with "
                    "quantifier = 'all', 'any' or 'share' (with share = 0.5)",
                )
            )
        q = "all"
    elif q not in QUANTIFIERS:
        hint = did_you_mean(q, QUANTIFIERS)
        problems.append(
            src.problem(
                src.key_line(line, "quantifier"),
                "quantifier",
                q,
                "must be one of all, any, share" + (f"; {hint}" if hint else ""),
            )
        )
        q = "all"
    if q == "share":
        s = tg.get("share")
        if isinstance(s, bool) or not isinstance(s, (int, float)) or not (0 < s <= 1):
            problems.append(
                src.problem(
                    src.key_line(line, "share") if "share" in tg else line,
                    "share",
                    s,
                    "quantifier 'share' needs share = a number in (0, 1], e.g. 0.8",
                )
            )
        else:
            share = float(s)
    elif "share" in tg:
        problems.append(
            src.problem(
                src.key_line(line, "share"), "share", tg["share"], "share only applies with quantifier = 'share'"
            )
        )
    origin = _origin(src, tg, line, problems)
    return Target(
        kind=kind,
        ref=ref,
        quantifier=q,
        share=share,
        origin=origin,
        id=str(tg["id"]) if "id" in tg else None,
        name=tg.get("name"),
        name_zh=tg.get("name_zh"),
        note=str(tg.get("note", "")),
        line=line,
    )


def _unknown_keys(
    src: TomlSource, table: dict, allowed: set[str], line: int | None, where: str, problems: list[Problem]
) -> None:
    for key in table:
        if key not in allowed:
            hint = did_you_mean(key, allowed, otherwise=f"allowed: {', '.join(sorted(allowed))}")
            problems.append(src.problem(src.key_line(line, key), key, None, f"unknown key in {where}; {hint}"))


def _text(
    src: TomlSource, table: dict, key: str, line: int | None, problems: list[Problem], required: bool = False
) -> str | None:
    if key not in table:
        if required:
            problems.append(src.problem(line, key, None, f"is missing; add {key} = '...'"))
        return None
    v = table[key]
    if not isinstance(v, str) or not v.strip():
        problems.append(src.problem(src.key_line(line, key), key, v, "must be a non-empty text"))
        return None
    return v.strip()


def _origin(
    src: TomlSource, table: dict, line: int | None, problems: list[Problem], required: bool = False
) -> str | tuple[str, ...] | None:
    """An origin: a place or group name, or a list of them."""
    if "origin" not in table:
        if required:
            problems.append(
                src.problem(
                    line, "origin", None, "is missing; add origin = 'city, station or group' (or a list of them)"
                )
            )
        return None
    v = table["origin"]
    if isinstance(v, str) and v.strip():
        return v.strip()
    if isinstance(v, list) and v and all(isinstance(x, str) and x.strip() for x in v):
        return tuple(x.strip() for x in v)
    problems.append(
        src.problem(
            src.key_line(line, "origin"), "origin", v, "must be a city, station or group name, or a list of them"
        )
    )
    return None


def _modes(src: TomlSource, table: dict, key: str, line: int | None, problems: list[Problem]) -> tuple[str, ...] | None:
    if key not in table:
        return None
    v = table[key]
    if isinstance(v, str):
        v = [v]
    if not (isinstance(v, list) and v and all(isinstance(m, str) and m.lower() in MODES for m in v)):
        problems.append(
            src.problem(src.key_line(line, key), key, v, "must be a list of modes from 'rail', 'air', e.g. ['rail']")
        )
        return None
    return tuple(m.lower() for m in v)


def _choice(
    src: TomlSource, table: dict, key: str, choices: Sequence[str], line: int | None, problems: list[Problem]
) -> str | None:
    if key not in table:
        return None
    v = table[key]
    if not isinstance(v, str) or v.lower() not in choices:
        problems.append(src.problem(src.key_line(line, key), key, v, f"must be one of {', '.join(choices)}"))
        return None
    return v.lower()


# --------------------------------------------------------------------------- checking against a network
