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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

from transit._files import did_you_mean
from transit.errors import GoalError, Problem, UnknownPlaceError
from transit.data.tomlsource import TomlSource, find_toml, list_tomls, raise_problems, read_toml

__all__ = ["Goal", "Tier", "Target", "load_goal", "list_goals", "check_goal", "goals_dir", "PlaceTimer",
           "city_station_sets", "station_route"]

MODES = ("rail", "air")
MEASURES = ("station", "door")
QUANTIFIERS = ("all", "any", "share")

_GOAL_KEYS = {"id", "name", "name_zh", "origin", "modes", "measure", "compare_modes", "compare_measure",
              "target_year", "description", "city_stations", "stations"}
CITY_STATIONS = ("central", "all")
_TIER_KEYS = {"id", "name", "name_zh", "within_minutes", "within_hours", "modes", "measure", "origin",
              "interpretation", "target"}
_TARGET_KEYS = {"id", "place", "group", "places", "quantifier", "share", "origin", "name", "name_zh",
                "note"}
_SOURCE_KEYS = {"document", "document_zh", "issuer", "date", "section", "wording", "wording_zh", "url",
                "interpretation"}
_TOP_KEYS = {"goal", "source", "tier"}


def goals_dir() -> Path:
    """The folder of the bundled goal files (``networks/goals``)."""
    from transit.data.network import bundled_networks_dir

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
        problems.append(src.problem(None, "goal", None,
                                    "a goal file needs a [goal] table with at least name and origin"))
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
            isinstance(v, list) and v and all(isinstance(x, str) and x for x in v) for v in stations.values()):
        problems.append(src.problem(sline, "stations", None,
                                    "[goal.stations] maps a city to a list of station ids: wenzhou = ['wenzhou_south']"))
        stations = {}
    target_year = g.get("target_year")
    if target_year is not None and not (isinstance(target_year, int) and 1950 <= target_year <= 2100):
        problems.append(src.problem(src.key_line(gline, "target_year"), "target_year", target_year,
                                    "must be a year such as 2025"))
        target_year = None
    source = data.get("source", {})
    if not isinstance(source, dict):
        problems.append(src.problem(None, "source", None, "[source] must be a table"))
        source = {}
    else:
        _unknown_keys(src, source, _SOURCE_KEYS, src.table_line("source"), "[source]", problems)
        if not source.get("document"):
            problems.append(src.problem(src.table_line("source"), "document", None,
                                        "every goal needs [source] document = '...', the plan it comes from"))
    tiers_raw = data.get("tier")
    tiers: list[Tier] = []
    if not isinstance(tiers_raw, list) or not tiers_raw:
        problems.append(src.problem(None, "tier", None,
                                    "a goal needs at least one [[tier]] with within_minutes and [[tier.target]]s"))
    else:
        for i, t in enumerate(tiers_raw):
            tier = _parse_tier(src, t, i, problems)
            if tier is not None:
                tiers.append(tier)
        ids = [t.id for t in tiers]
        for tid in {x for x in ids if ids.count(x) > 1}:
            problems.append(src.problem(None, "id", tid, "tier ids must be unique within a goal"))
    raise_problems(GoalError, problems, f"{len(problems)} problem(s) in goal file {src.label}")
    return Goal(
        id=str(g.get("id") or path.stem), name=name or path.stem, origin=origin or "",
        tiers=tuple(tiers), name_zh=str(g.get("name_zh", "")), modes=modes, measure=measure,
        compare_modes=compare_modes, compare_measure=compare_measure, target_year=target_year,
        description=str(g.get("description", "")), city_stations=city_stations,
        stations={str(k): tuple(v) for k, v in stations.items()}, source=dict(source), path=path, label=src.label,
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
        problems.append(src.problem(src.key_line(line, "within_hours"), "within_hours", t["within_hours"],
                                    "give within_minutes or within_hours, not both"))
    for key, factor in (("within_minutes", 1.0), ("within_hours", 60.0)):
        if key in t:
            v = t[key]
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not (0 < v < 100000):
                problems.append(src.problem(src.key_line(line, key), key, v,
                                            "must be a positive number (e.g. within_minutes = 120)"))
            else:
                within = float(v) * factor
    if within is None and "within_minutes" not in t and "within_hours" not in t:
        problems.append(src.problem(line, "within_minutes", None,
                                    f"tier {i + 1} needs a time limit: within_minutes = 60 or within_hours = 1"))
    modes = _modes(src, t, "modes", line, problems)
    measure = _choice(src, t, "measure", MEASURES, line, problems)
    origin = _origin(src, t, line, problems)
    targets_raw = t.get("target")
    targets: list[Target] = []
    if not isinstance(targets_raw, list) or not targets_raw:
        problems.append(src.problem(line, "target", None,
                                    f"tier {i + 1} needs at least one [[tier.target]] with place, group or places"))
    else:
        for j, tg in enumerate(targets_raw):
            target = _parse_target(src, tg, i, j, problems)
            if target is not None:
                targets.append(target)
    tid = str(t.get("id") or f"tier{i + 1}")
    default_name = (f"{within / 60:g} h" if within % 60 == 0 else f"{within:g} min") if within else tid
    return Tier(id=tid, name=str(t.get("name") or default_name), within_minutes=within or math.nan,
                targets=tuple(targets), name_zh=str(t.get("name_zh", "")), modes=modes, measure=measure,
                origin=origin, interpretation=str(t.get("interpretation", "")), line=line)


def _parse_target(src: TomlSource, tg: object, i: int, j: int, problems: list[Problem]) -> Target | None:
    line = src.array_line((("tier", i), ("target", j)))
    where = f"tier {i + 1}, target {j + 1}"
    if not isinstance(tg, dict):
        problems.append(src.problem(line, "target", None, f"{where} must be a table [[tier.target]]"))
        return None
    _unknown_keys(src, tg, _TARGET_KEYS, line, where, problems)
    given = [k for k in ("place", "group", "places") if k in tg]
    if len(given) != 1:
        problems.append(src.problem(line, None, None,
                                    f"{where} needs exactly one of place = 'city or station', group = 'group id' "
                                    f"or places = ['a', 'b'] (found {', '.join(given) or 'none'})"))
        return None
    kind = given[0]
    ref: str | tuple[str, ...]
    if kind == "places":
        v = tg["places"]
        if not (isinstance(v, list) and v and all(isinstance(x, str) and x.strip() for x in v)):
            problems.append(src.problem(src.key_line(line, "places"), "places", v,
                                        "must be a non-empty list of city or station names"))
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
            problems.append(src.problem(line, "quantifier", None,
                                        f"{where} is a {kind}: say how its members count with "
                                        "quantifier = 'all', 'any' or 'share' (with share = 0.5)"))
        q = "all"
    elif q not in QUANTIFIERS:
        hint = did_you_mean(q, QUANTIFIERS)
        problems.append(src.problem(src.key_line(line, "quantifier"), "quantifier", q,
                                    "must be one of all, any, share" + (f"; {hint}" if hint else "")))
        q = "all"
    if q == "share":
        s = tg.get("share")
        if isinstance(s, bool) or not isinstance(s, (int, float)) or not (0 < s <= 1):
            problems.append(src.problem(src.key_line(line, "share") if "share" in tg else line, "share", s,
                                        "quantifier 'share' needs share = a number in (0, 1], e.g. 0.8"))
        else:
            share = float(s)
    elif "share" in tg:
        problems.append(src.problem(src.key_line(line, "share"), "share", tg["share"],
                                    "share only applies with quantifier = 'share'"))
    origin = _origin(src, tg, line, problems)
    return Target(kind=kind, ref=ref, quantifier=q, share=share, origin=origin,
                  id=str(tg["id"]) if "id" in tg else None, name=tg.get("name"), name_zh=tg.get("name_zh"),
                  note=str(tg.get("note", "")), line=line)


def _unknown_keys(src: TomlSource, table: dict, allowed: set[str], line: int | None, where: str,
                  problems: list[Problem]) -> None:
    for key in table:
        if key not in allowed:
            hint = did_you_mean(key, allowed, otherwise=f"allowed: {', '.join(sorted(allowed))}")
            problems.append(src.problem(src.key_line(line, key), key, None, f"unknown key in {where}; {hint}"))


def _text(src: TomlSource, table: dict, key: str, line: int | None, problems: list[Problem],
          required: bool = False) -> str | None:
    if key not in table:
        if required:
            problems.append(src.problem(line, key, None, f"is missing; add {key} = '...'"))
        return None
    v = table[key]
    if not isinstance(v, str) or not v.strip():
        problems.append(src.problem(src.key_line(line, key), key, v, "must be a non-empty text"))
        return None
    return v.strip()


def _origin(src: TomlSource, table: dict, line: int | None, problems: list[Problem],
            required: bool = False) -> str | tuple[str, ...] | None:
    """An origin: a place or group name, or a list of them."""
    if "origin" not in table:
        if required:
            problems.append(src.problem(line, "origin", None,
                                        "is missing; add origin = 'city, station or group' (or a list of them)"))
        return None
    v = table["origin"]
    if isinstance(v, str) and v.strip():
        return v.strip()
    if isinstance(v, list) and v and all(isinstance(x, str) and x.strip() for x in v):
        return tuple(x.strip() for x in v)
    problems.append(src.problem(src.key_line(line, "origin"), "origin", v,
                                "must be a city, station or group name, or a list of them"))
    return None


def _modes(src: TomlSource, table: dict, key: str, line: int | None,
           problems: list[Problem]) -> tuple[str, ...] | None:
    if key not in table:
        return None
    v = table[key]
    if isinstance(v, str):
        v = [v]
    if not (isinstance(v, list) and v and all(isinstance(m, str) and m.lower() in MODES for m in v)):
        problems.append(src.problem(src.key_line(line, key), key, v,
                                    "must be a list of modes from 'rail', 'air', e.g. ['rail']"))
        return None
    return tuple(m.lower() for m in v)


def _choice(src: TomlSource, table: dict, key: str, choices: Sequence[str], line: int | None,
            problems: list[Problem]) -> str | None:
    if key not in table:
        return None
    v = table[key]
    if not isinstance(v, str) or v.lower() not in choices:
        problems.append(src.problem(src.key_line(line, key), key, v, f"must be one of {', '.join(choices)}"))
        return None
    return v.lower()


# --------------------------------------------------------------------------- checking against a network


def check_goal(goal: Goal | str | Path, network, *, scenario=None):
    """Check a goal against a network: for each tier and target, the best time and whether it is met.

    Parameters
    ----------
    goal : Goal, str or Path
        A goal, or a bundled goal's name, or a path to a goal file.
    network : transit.Network
        The network at the date to check (``net.as_of(2030)``).
    scenario : Scenario, str, Path or a sequence of them, optional
        Applied in order to the network before checking (the network itself is not changed).

    Returns
    -------
    transit.report.GoalReport

    Raises
    ------
    GoalError
        When the goal names places or groups the network does not know (every one, with file,
        line and a suggestion).

    Examples
    --------
    >>> import transit
    >>> report = check_goal("wenzhou-521", transit.load_network().as_of(2030))
    >>> report.to_dict()["tiers"][0]["within_minutes"]
    60.0
    """
    from transit.goals.report import GoalReport, TierResult, evaluate_pairs, place_names
    from transit.scenarios import apply_scenarios

    if not isinstance(goal, Goal):
        goal = load_goal(goal)
    net, scenario_ids = apply_scenarios(network, scenario)
    resolver = _Resolver(goal, net)
    plans = []
    problems: list[Problem] = []
    for tier in goal.tiers:
        tier_plans = []
        for target in tier.targets:
            origin_ref = target.origin or tier.origin or goal.origin
            origins = resolver.expand(origin_ref, target, tier, problems)
            dests = resolver.expand_target(target, problems)
            tier_plans.append((target, origins, dests))
        plans.append((tier, tier_plans))
    problems.extend(resolver.check_stations())
    raise_problems(GoalError, problems,
                   f"{len(problems)} unknown name(s) in goal file {goal.label or goal.id} "
                   f"for network {net.label!r}")
    all_origins = sorted({o for _tier, tp in plans for _t, origins, _d in tp for o in origins})
    timers = _Timers(net, all_origins, resolver.station_sets)
    tier_results = []
    for tier, tier_plans in plans:
        modes, measure = goal.tier_modes(tier), goal.tier_measure(tier)
        timer = timers.get(modes, measure)
        results = []
        for target, origins, dests in tier_plans:
            tid, name, name_zh = resolver.label(target)
            results.append(evaluate_pairs(
                net, timer, target_id=tid, name=name, name_zh=name_zh, kind=target.kind,
                quantifier=target.quantifier, share=target.share, origins=origins, destinations=dests,
                within_minutes=tier.within_minutes, compare=timers.get(goal.compare_modes, goal.compare_measure),
                same_modes_compare=timers.get(modes, goal.compare_measure), note=target.note,
            ))
        tier_results.append(TierResult(
            id=tier.id, name=tier.name, name_zh=tier.name_zh, within_minutes=tier.within_minutes,
            modes=modes, measure=measure, interpretation=tier.interpretation, targets=tuple(results)))
    return GoalReport(goal=goal, as_of=net.date, scenarios=tuple(scenario_ids), tiers=tuple(tier_results),
                      network_name=net.label, place_names=place_names(net))


def city_station_sets(network, places: Iterable[str], city_stations: str = "central",
                      overrides: dict | None = None) -> dict[str, list[str]]:
    """For each city among ``places``, the stations in service that stand for it in the station measure.

    Parameters
    ----------
    network : Network
    places : iterable of str
        Place ids; those that are not city ids (stations) are left out of the result.
    city_stations : {"central", "all"}
        ``central``: ``network.city_stations(city, central=True)``, as :func:`transit.travel_times`
        uses them; ``all``: every station and airport of the city.
    overrides : dict, optional
        City id -> station ids, used as given (those in service).

    Examples
    --------
    >>> import transit
    >>> sets = city_station_sets(transit.load_network(), ["wenzhou"])
    >>> "cangnan" in sets["wenzhou"], "wenzhou_south" in sets["wenzhou"]
    (False, True)
    """
    overrides = overrides or {}
    in_service = set(network.stations["station_id"])
    cities = set(network.tables["cities"]["city_id"])
    out = {}
    for pid in places:
        if pid not in cities:
            continue
        if pid in overrides:
            out[pid] = [s for s in overrides[pid] if s in in_service]
        else:
            out[pid] = network.city_stations(pid, central=(city_stations == "central"))
    return out


class _Timers:
    """One :class:`PlaceTimer` per (modes, measure), computed when first needed."""

    def __init__(self, network, origins: list[str], station_sets):
        self.network = network
        self.origins = origins
        self.station_sets = station_sets
        self._cache: dict = {}

    def get(self, modes: Iterable[str], measure: str) -> "PlaceTimer":
        from transit.routing import travel_times

        key = (tuple(sorted(modes)), measure)
        if key not in self._cache:
            tt = travel_times(self.network, modes=tuple(modes), measure=measure, origins=self.origins)
            self._cache[key] = PlaceTimer(self.network, tt, self.station_sets if measure == "station" else None)
        return self._cache[key]


class PlaceTimer:
    """Minutes and routes between places, where a city may stand for a chosen set of its stations.

    With ``station_sets`` None (door measure, or ``city_stations = "central"`` with no overrides) it is
    :meth:`TravelTimes.get` and :meth:`TravelTimes.route` unchanged. Otherwise the time between two
    cities is the fastest between their chosen stations, read from the station-level matrix.
    """

    def __init__(self, network, tt, station_sets: dict[str, list[str]] | None):
        self.network = network
        self.tt = tt
        self.modes = tuple(tt.modes)
        self.measure = tt.measure
        self.station_sets = station_sets or None
        self._matrix = None

    def _set(self, place: str) -> list[str] | None:
        return None if self.station_sets is None else self.station_sets.get(place)

    def _best_pair(self, a: str, b: str) -> tuple[float, str | None, str | None]:
        sa, sb = self._set(a), self._set(b)
        if sa is None and sb is None:
            try:
                return float(self.tt.get(a, b)), None, None
            except (KeyError, ValueError):  # a place with no station in service, or not in this graph
                return math.inf, None, None
        if self._matrix is None:
            self._matrix = self.tt.matrix(level="station")
        m = self._matrix
        sa = [s for s in (sa if sa is not None else self._stations_of(a)) if s in m.index]
        sb = [s for s in (sb if sb is not None else self._stations_of(b)) if s in m.columns]
        if not sa or not sb:
            return math.inf, None, None
        block = m.loc[sa, sb].to_numpy()
        k = int(block.argmin())
        i, j = divmod(k, len(sb))
        return float(block[i, j]), sa[i], sb[j]

    def _stations_of(self, place: str) -> list[str]:
        kind, pid = self.network.resolve(place)
        return [pid] if kind == "station" else self.network.city_stations(pid, central=True)

    def minutes(self, a: str, b: str) -> float:
        """Minutes from place ``a`` to place ``b`` (inf when unreachable)."""
        return self._best_pair(a, b)[0]

    def route(self, a: str, b: str):
        """The :class:`~transit.routing.Route` of the fastest journey from ``a`` to ``b``."""
        minutes, s, t = self._best_pair(a, b)
        if s is None:
            return self.tt.route(a, b)
        return station_route(self.tt, s, t)


def station_route(tt, s: str, t: str):
    """The route between two stations given by id, even where a station's id is also a city's.

    ``TravelTimes.route`` resolves names, and a name that is both a city and a station (``ningbo``)
    means the city; the ``station:`` prefix names the station.
    """
    return tt.route(f"station:{s}", f"station:{t}")


class _Resolver:
    """Turns the names of a goal file into ids of one network, collecting every unknown name."""

    def __init__(self, goal: Goal, network):
        self.goal = goal
        self.net = network
        self.groups = network.tables["groups"]
        self.group_ids = list(self.groups["group_id"])
        self._places: set[str] = set()

    def _problem(self, line, key, value, message) -> Problem:
        return Problem(self.goal.label or self.goal.id, line, key, value, message)

    def _line_of(self, ref: str, start: int | None) -> int | None:
        """The first line from ``start`` on that mentions ``ref`` in quotes (the key's own line)."""
        if not self.goal.text:
            return start
        lines = self.goal.text.splitlines()
        for k in range((start or 1) - 1, len(lines)):
            if f'"{ref}"' in lines[k] or f"'{ref}'" in lines[k]:
                return k + 1
        return start

    def expand(self, ref: str | tuple[str, ...], target: Target, tier: Tier,
               problems: list[Problem]) -> list[str]:
        """An origin (a place or a group, or a list of them) as a list of place ids."""
        out: list[str] = []
        for r in ([ref] if isinstance(ref, str) else list(ref)):
            if r in self.group_ids:
                members = list(self.net.group(r))
                self._places.update(members)
                out.extend(m for m in members if m not in out)
                continue
            line = target.line if target.origin else (tier.line if tier.origin else None)
            place = self.place(r, "origin", line, problems, group_ok=True)
            if place and place not in out:
                out.append(place)
        return out

    def expand_target(self, target: Target, problems: list[Problem]) -> list[str]:
        """A target's destinations as a list of place ids."""
        if target.kind == "group":
            if target.ref in self.group_ids:
                members = list(self.net.group(target.ref))
                self._places.update(members)
                return members
            hint = "; " + did_you_mean(target.ref, self.group_ids, n=3, cutoff=0.5,
                                       otherwise=f"known groups: {', '.join(self.group_ids) or 'none'}")
            problems.append(self._problem(self._line_of(str(target.ref), target.line), "group", target.ref,
                                          f"unknown group{hint}"))
            return []
        refs = [target.ref] if target.kind == "place" else list(target.ref)
        out = []
        for r in refs:
            pid = self.place(r, target.kind, target.line, problems)
            if pid:
                out.append(pid)
        return out

    def place(self, ref: str, key: str, line: int | None, problems: list[Problem],
              group_ok: bool = False) -> str | None:
        try:
            _kind, pid = self.net.resolve(ref)
            self._places.add(pid)
            return pid
        except (UnknownPlaceError, KeyError) as exc:
            msg = str(exc).strip("'\"") or f"unknown place {ref!r}"
            if group_ok:
                close = did_you_mean(ref, self.group_ids)
                if close:
                    msg += f" (a group? {close})"
            problems.append(self._problem(self._line_of(ref, line), key, ref, msg))
            return None

    def check_stations(self) -> list[Problem]:
        """Check ``[goal.stations]``: known cities and stations (stations may be out of service)."""
        problems = []
        full = self.net.tables["stations"]
        known_st = set(full["station_id"])
        cities = set(self.net.tables["cities"]["city_id"])
        line = None
        if self.goal.text:
            for k, text in enumerate(self.goal.text.splitlines(), start=1):
                if text.strip().startswith("[goal.stations]"):
                    line = k
        for city, stations in self.goal.stations.items():
            if city not in cities:
                hint = did_you_mean(city, cities)
                hint = f"; {hint}" if hint else ""
                problems.append(self._problem(self._line_of(city, line) if line else line, "stations", city,
                                              f"unknown city id in [goal.stations]{hint}"))
            for sid in stations:
                if sid not in known_st:
                    hint = did_you_mean(sid, known_st)
                    hint = f"; {hint}" if hint else ""
                    problems.append(self._problem(self._line_of(sid, line), "stations", sid,
                                                  f"unknown station id in [goal.stations]{hint}"))
        return problems

    @property
    def station_sets(self) -> dict[str, list[str]] | None:
        """City id -> the stations standing for it (station measure); None when every city uses all."""
        if self.goal.city_stations == "central" and not self.goal.stations:
            return None  # exactly travel_times' own choice
        return city_station_sets(self.net, sorted(self._places), self.goal.city_stations, self.goal.stations)

    def label(self, target: Target) -> tuple[str, str, str]:
        """The target's id and names for the report."""
        if target.kind == "group":
            row = self.groups[self.groups["group_id"] == target.ref].iloc[0]
            name_zh = row.get("name_zh")
            return (target.id or str(target.ref), target.name or str(row["name"]),
                    target.name_zh or ("" if name_zh is None or name_zh != name_zh else str(name_zh)))
        refs = [target.ref] if target.kind == "place" else list(target.ref)
        ids, names, names_zh = [], [], []
        for r in refs:
            kind, pid = self.net.resolve(r)
            row = self.net.city(pid) if kind == "city" else self.net.station(pid)
            ids.append(pid)
            names.append(str(row["name"]))
            names_zh.append(str(row["name_zh"]))
        return (target.id or "+".join(ids), target.name or " / ".join(names),
                target.name_zh or "/".join(names_zh))
