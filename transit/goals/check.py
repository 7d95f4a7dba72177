"""Checking a goal against a network: every target's pairs timed, the deciding pair, its route and bottleneck."""

from __future__ import annotations

import math
from collections.abc import Iterable
from pathlib import Path

from transit.data.network import Network
from transit.data.tomlsource import raise_problems
from transit.errors import GoalError, Problem
from transit.goals.bottleneck import find_bottleneck
from transit.goals.report import GoalReport, PairResult, TargetResult, TierResult
from transit.goals.resolve import _Resolver
from transit.goals.routes import json_minutes, place_names, place_row, route_to_dict
from transit.goals.spec import Goal, load_goal
from transit.modes import DEFAULT_METHOD, Method, normalise_method
from transit.travel import travel_times


def evaluate_pairs(
    network,
    timer,
    *,
    target_id: str,
    name: str,
    name_zh: str,
    kind: str,
    quantifier: str,
    share: float | None,
    origins: list[str],
    destinations: list[str],
    within_minutes: float,
    compare=None,
    same_modes_compare=None,
    note: str = "",
) -> TargetResult:
    """Evaluate one target over its (origin, destination) pairs and pick the deciding pair.

    ``timer`` (and ``compare``, ``same_modes_compare``) give ``minutes(a, b)`` and ``route(a, b)``
    between places (see :class:`transit.goals.PlaceTimer`); ``compare`` is the multimodal comparison
    (rail and air, door measure by default) and ``same_modes_compare`` the goal's own modes in that
    comparison's measure, so that "air wins" compares like with like.
    """
    pairs = []
    for o in origins:
        for d in destinations:
            if o == d:
                continue
            minutes = timer.minutes(o, d)
            mm = compare.minutes(o, d) if compare is not None else None
            same = same_modes_compare.minutes(o, d) if same_modes_compare is not None else None
            pairs.append(PairResult(o, d, minutes, bool(minutes <= within_minutes), mm, same, timer.typical(o, d)))

    typical = {(p.origin, p.destination): p.typical_minutes for p in pairs}

    def result(
        minutes: float,
        met: bool,
        origin: str,
        destination: str,
        route: dict | None = None,
        bottleneck: dict | None = None,
        multimodal: dict | None = None,
        why: str = note,
    ) -> TargetResult:
        """This target's result, decided by the pair ``origin`` -> ``destination``."""
        return TargetResult(
            target_id,
            name,
            name_zh,
            kind,
            quantifier,
            share,
            minutes,
            met,
            within_minutes,
            origin,
            destination,
            route,
            tuple(pairs),
            bottleneck,
            multimodal,
            why,
            typical.get((origin, destination)),
        )

    if not pairs:
        # e.g. origin wenzhou and a group whose only member is wenzhou: nothing to reach
        return result(
            0.0,
            True,
            origins[0] if origins else "",
            destinations[0] if destinations else "",
            why=note or "the origin is the only member",
        )
    ordered = sorted(pairs, key=lambda p: (p.minutes, p.origin, p.destination))
    if quantifier == "any":
        decide = ordered[0]
    elif quantifier == "share":
        k = max(1, math.ceil((share or 1.0) * len(ordered) - 1e-9))
        decide = ordered[k - 1]
    else:
        decide = ordered[-1]
    met = bool(decide.minutes <= within_minutes)
    route_obj = timer.route(decide.origin, decide.destination) if math.isfinite(decide.minutes) else None
    route = route_to_dict(network, route_obj) if route_obj is not None else None
    bottleneck = None
    if not met:
        bottleneck = find_bottleneck(network, route_obj, decide.minutes, within_minutes, timer.modes)
        if len(pairs) > 1:  # say which pair decides
            a, b = place_row(network, decide.origin)[0], place_row(network, decide.destination)[0]
            bottleneck["summary"] = f"{a} -> {b} decides ({quantifier}); " + bottleneck["summary"]
    multimodal = None
    if compare is not None:
        multimodal = _compare(network, compare, same_modes_compare, decide.origin, decide.destination)
    return result(decide.minutes, met, decide.origin, decide.destination, route, bottleneck, multimodal)


def _compare(network, cmp, same, o: str, d: str) -> dict:
    minutes = cmp.minutes(o, d)
    same_minutes = same.minutes(o, d) if same is not None else math.nan
    route = cmp.route(o, d) if math.isfinite(minutes) else None
    uses_air = bool(route is not None and any(leg.kind == "flight" for leg in route.legs))
    return {
        "modes": list(cmp.modes),
        "measure": cmp.measure,
        "minutes": json_minutes(minutes),
        "same_modes_minutes": json_minutes(same_minutes),
        "uses_air": uses_air,
        "air_wins": bool(
            uses_air and math.isfinite(minutes) and (not math.isfinite(same_minutes) or minutes < same_minutes - 0.5)
        ),
        "saves_minutes": (
            json_minutes(same_minutes - minutes) if math.isfinite(same_minutes) and math.isfinite(minutes) else None
        ),
        "route": route_to_dict(network, route) if route is not None else None,
    }


def check_goal(
    goal: Goal | str | Path,
    network: Network,
    *,
    method: str | Method = DEFAULT_METHOD,
    statistic: str = "fastest",
    window: tuple[float, float] | None = None,
) -> GoalReport:
    """Check a goal against a network: for each tier and target, the best time and whether it is met.

    Parameters
    ----------
    goal : Goal, str or Path
        A goal, or a bundled goal's name, or a path to a goal file.
    network : transit.Network
        The network to check, already dated (``net.as_of(2030)``) and with any scenario applied
        (``load_scenario("wenzhou-fuzhou-hsr").apply(net)``); the report records its scenarios.
    method : {"timetable", "static"}
        The engine (:func:`transit.travel_times`): ``timetable`` (default) routes on the service
        model's trains; ``static`` is the fast per-line approximation.
    statistic : {"fastest", "median"}
        What the goal is judged on with the timetable method: the fastest train of the day
        (default, as plans quote times) or a typical departure (the median over the departure
        window, waits for the first train included). The report shows both either way.
    window : (start_minutes, length_minutes), optional
        The departure window of the timetable method (default 06:00 for 16 hours).

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
    if not isinstance(goal, Goal):
        goal = load_goal(goal)
    net = network
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
    raise_problems(
        GoalError,
        problems,
        f"{len(problems)} unknown name(s) in goal file {goal.label or goal.id} for network {net.label!r}",
    )
    all_origins = sorted({o for _tier, tp in plans for _t, origins, _d in tp for o in origins})
    method_n = normalise_method(method)
    options: dict = {}
    if method_n == Method.TIMETABLE:
        options = {"statistic": statistic} | ({"window": window} if window is not None else {})
    elif statistic != "fastest" or window is not None:
        raise ValueError("statistic and window need method='timetable'; the static method has only the fastest time")
    timers = _Timers(net, all_origins, resolver.station_sets, method_n, options)
    tier_results = []
    for tier, tier_plans in plans:
        modes, measure = goal.tier_modes(tier), goal.tier_measure(tier)
        timer = timers.get(modes, measure)
        results = []
        for target, origins, dests in tier_plans:
            tid, name, name_zh = resolver.label(target)
            results.append(
                evaluate_pairs(
                    net,
                    timer,
                    target_id=tid,
                    name=name,
                    name_zh=name_zh,
                    kind=target.kind,
                    quantifier=target.quantifier,
                    share=target.share,
                    origins=origins,
                    destinations=dests,
                    within_minutes=tier.within_minutes,
                    compare=timers.get(goal.compare_modes, goal.compare_measure),
                    same_modes_compare=timers.get(modes, goal.compare_measure),
                    note=target.note,
                )
            )
        tier_results.append(
            TierResult(
                id=tier.id,
                name=tier.name,
                name_zh=tier.name_zh,
                within_minutes=tier.within_minutes,
                modes=modes,
                measure=measure,
                interpretation=tier.interpretation,
                targets=tuple(results),
            )
        )
    return GoalReport(
        goal=goal,
        as_of=net.date,
        scenarios=net.scenarios,
        tiers=tuple(tier_results),
        network_name=net.label,
        place_names=place_names(net),
        method=str(method_n),
        statistic=statistic if method_n == Method.TIMETABLE else "fastest",
        window_minutes=timers.window(),
    )


class _Timers:
    """One :class:`PlaceTimer` per (modes, measure), computed when first needed."""

    def __init__(self, network, origins: list[str], station_sets, method: Method = DEFAULT_METHOD, options=None):
        self.network = network
        self.origins = origins
        self.station_sets = station_sets
        self.method = method
        self.options = dict(options or {})
        self._cache: dict = {}

    def get(self, modes: Iterable[str], measure: str) -> PlaceTimer:
        key = (tuple(sorted(modes)), measure)
        if key not in self._cache:
            tt = travel_times(
                self.network,
                method=self.method,
                modes=tuple(modes),
                measure=measure,
                origins=self.origins,
                **self.options,
            )
            self._cache[key] = PlaceTimer(self.network, tt, self.station_sets if measure == "station" else None)
        return self._cache[key]

    def window(self) -> tuple[float, float] | None:
        """The departure window of the timetable method (None for the static method)."""
        for timer in self._cache.values():
            return getattr(timer.tt, "window", None)
        return None


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
        self._typical: PlaceTimer | None = None

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

    def typical(self, a: str, b: str) -> float | None:
        """A typical departure from ``a`` to ``b``: the median over the departure window, waits for the
        first train included (timetable method; None for the static method)."""
        if getattr(self.tt, "method", None) != Method.TIMETABLE:
            return None
        if self.tt.statistic == "median":
            return self.minutes(a, b)
        if self._typical is None:
            self._typical = PlaceTimer(self.network, self.tt.with_statistic("median"), self.station_sets)
        return self._typical.minutes(a, b)

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
