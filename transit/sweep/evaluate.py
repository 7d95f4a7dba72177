"""Evaluate combinations of projects: incrementally on one union graph, or naively one by one.

Incremental evaluation
----------------------
Every edge of the static graph belongs to a *key*: a rail edge to its line (``line:<id>``), a flight
to its airport pair (``flight:<a>|<b>``); a transfer belongs to no key and is on when both its
stations are served. A project touches the keys its modifications name (``set_opening``,
``set_design_speed``, ``close_section``, ``add_line``, ``extend_line``, ``remove_line``: the line;
``add_flight``, ``cut_flight``: the pair; ``add_published_time``: the lines through both stations;
``open_all``: every line with a section not open and every line another project touches;
``set_parameter``: every key). The edges of a key depend only on the on/off *state* of the projects
that touch it, so:

1. for every key and every state of its projects (at most 2^6) one network is built (a covering set
   of combinations, greedily, far fewer than 2^k), and the key's edges read from it, with the
   published times that override them;
2. one graph holds every distinct (edge, minutes) with the set of key states that give it;
3. a combination is then a state per key: the kernel (:mod:`transit.sweep._kernels`) turns edges on,
   marks stations served, and searches from the goal's origins only (one multi-source search per
   origin place, the minimum over its stations).

A key read twice in the same state must give the same edges; if not, projects interact beyond the
keys they touch, and the sweep falls back to the naive loop (and says so).

The stations that stand for a city (``Network.city_stations(central=True)``, a goal's
``city_stations`` and ``[goal.stations]``) depend on which are served: they are tabulated once per
pattern of the city's stations whose service varies, with the network's own rule.

Only the static method in the station measure is incremental; a door-measure goal is evaluated by
the naive loop (``evaluation = "naive"`` in the result).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

import transit
from transit.errors import NotIncrementalError, ScenarioError, SweepError
from transit.modes import normalise_measure, normalise_modes
from transit.routing.graph import rail_edges
from transit.sweep import _kernels

__all__ = [
    "GoalPlan",
    "SweepModel",
    "NaiveModel",
    "goal_plan",
    "build_model",
    "evaluate_chunk",
    "apply_combination",
    "naive_minutes",
    "MAX_PROJECTS_PER_KEY",
    "MAX_VARIABLE_STATIONS",
]

#: Edge state sets are 64-bit: at most this many projects may touch one line or flight pair.
MAX_PROJECTS_PER_KEY = 6
#: Stations of one goal place whose service varies between combinations, at most.
MAX_VARIABLE_STATIONS = 12


# --------------------------------------------------------------------------- the goal, as pairs


@dataclass(frozen=True)
class GoalPlan:
    """The targets of a goal on the base network, each as its (origin, destination) place pairs.

    Read from :func:`transit.check_goal` on the base network, so names resolve exactly as there.
    """

    goal_id: str
    tiers: tuple[str, ...]  # tier id of each target
    tier_within: tuple[float, ...]  # minutes limit of each target's tier
    targets: tuple[str, ...]  # target id of each target
    quantifiers: tuple[str, ...]
    shares: tuple[float | None, ...]
    pairs: tuple[tuple[tuple[str, str], ...], ...]
    modes: tuple[tuple[str, ...], ...]  # of each target's tier
    measures: tuple[str, ...]
    base_minutes: tuple[float, ...]  # check_goal's minutes on the base network
    city_stations: str = "central"
    station_overrides: dict = field(default_factory=dict)

    @property
    def n_targets(self) -> int:
        return len(self.targets)


def goal_plan(goal, base_net) -> GoalPlan:
    """Check ``goal`` on ``base_net`` and keep what a sweep needs of each target."""
    report = transit.check_goal(goal, base_net, method="static")
    tiers, within, targets, quants, shares, pairs, modes, measures, minutes = ([] for _ in range(9))
    for tier in report.tiers:
        for t in tier.targets:
            tiers.append(tier.id)
            within.append(float(tier.within_minutes))
            targets.append(t.target)
            quants.append(t.quantifier)
            shares.append(t.share)
            pairs.append(tuple((p.origin, p.destination) for p in t.pairs))
            modes.append(tuple(str(m) for m in tier.modes))
            measures.append(str(tier.measure))
            minutes.append(float(t.minutes))
    g = report.goal
    return GoalPlan(
        g.id,
        tuple(tiers),
        tuple(within),
        tuple(targets),
        tuple(quants),
        tuple(shares),
        tuple(pairs),
        tuple(modes),
        tuple(measures),
        tuple(minutes),
        g.city_stations,
        dict(g.stations),
    )


def decide(times: np.ndarray, quantifier: str, share: float | None) -> np.ndarray:
    """The deciding minutes of a target from its pairs' minutes, ``times`` of shape (n_combos, n_pairs).

    ``all``: the slowest pair; ``any``: the fastest; ``share``: the ``ceil(share * n)``-th fastest (as
    :func:`transit.goals.report.evaluate_pairs`). No pair: 0 (the origin is the only member).
    """
    if times.shape[1] == 0:
        return np.zeros(times.shape[0])
    ordered = np.sort(times, axis=1)
    if quantifier == "any":
        return ordered[:, 0]
    if quantifier == "share":
        k = max(1, math.ceil((share or 1.0) * times.shape[1] - 1e-9))
        return ordered[:, k - 1]
    return ordered[:, -1]


# --------------------------------------------------------------------------- applying a combination


def combination_projects(combo: int, projects) -> list:
    """The projects of a combination (bit ``j`` = project ``j``), in project order."""
    return [p for j, p in enumerate(projects) if (int(combo) >> j) & 1]


def apply_combination(base_net, projects, combo: int):
    """The base network with the combination's projects applied in project order."""
    net = base_net
    for p in combination_projects(combo, projects):
        try:
            net = p.scenario.apply(net)
        except ScenarioError as exc:
            on = [q.id for q in combination_projects(combo, projects)]
            raise SweepError(
                f"project {p.id!r} does not apply after {', '.join(on[: on.index(p.id)]) or 'nothing'} "
                f"(combination {', '.join(on)}): {exc}; projects that need each other "
                "belong in one project"
            ) from None
    return net


# --------------------------------------------------------------------------- naive evaluation


@dataclass
class NaiveModel:
    """What the naive loop needs: the goal, the base network and the projects."""

    goal: object
    base_net: object
    projects: tuple
    plan: GoalPlan


def naive_minutes(model: NaiveModel, combos: np.ndarray) -> np.ndarray:
    """Minutes of every target for each combination: a scenario apply and a full check_goal each."""
    out = np.empty((len(combos), model.plan.n_targets))
    for i, c in enumerate(combos):
        report = transit.check_goal(
            model.goal, apply_combination(model.base_net, model.projects, int(c)), method="static"
        )
        out[i] = [t.minutes for tier in report.tiers for t in tier.targets]
    return out


# --------------------------------------------------------------------------- keys of projects


def _line_key(line: str) -> str:
    return f"line:{line}"


def _flight_key(a: str, b: str) -> str:
    x, y = sorted((a, b))
    return f"flight:{x}|{y}"


def project_keys(projects, full_tables: dict) -> list[set[str]]:
    """The keys each project touches (``"*"``: every key)."""
    ls = full_tables["line_stations"]
    sec = full_tables["sections"]
    lines_of_station: dict[str, set[str]] = {}
    for r in ls.itertuples():
        lines_of_station.setdefault(r.station_id, set()).add(r.line_id)
    for p in projects:
        for m in p.modifications:
            if m.type in ("add_line", "extend_line"):
                for s in m.values["stations"]:
                    lines_of_station.setdefault(s, set()).add(m.values["line"])
    line_touched: set[str] = set()
    for p in projects:
        for m in p.modifications:
            if "line" in m.values:
                line_touched.add(_line_key(m.values["line"]))
    out = []
    for p in projects:
        keys: set[str] = set()
        for m in p.modifications:
            v = m.values
            if m.type in ("set_opening", "close_section", "set_design_speed", "add_line", "extend_line", "remove_line"):
                keys.add(_line_key(v["line"]))
            elif m.type == "open_all":
                statuses = set(v.get("statuses", ["construction", "planned"])) - {"open"}
                keys |= {_line_key(x) for x in sec.loc[sec["status"].isin(statuses), "line_id"]}
                keys |= line_touched
            elif m.type in ("add_flight", "cut_flight"):
                keys.add(_flight_key(v["from"], v["to"]))
            elif m.type == "add_published_time":
                both = lines_of_station.get(v["from"], set()) & lines_of_station.get(v["to"], set())
                keys |= {_line_key(x) for x in both}
            elif m.type == "add_station":
                pass  # a station is served only by a line, whose key its project touches
            else:  # set_parameter and any type added later: assume it may change everything
                keys.add("*")
        out.append(keys)
    return out


# --------------------------------------------------------------------------- the union graph


@dataclass
class SweepModel:
    """The union graph and the tables a chunk of combinations needs (sent to workers once)."""

    plan: GoalPlan
    n_projects: int
    node_ids: np.ndarray
    indptr: np.ndarray
    indices: np.ndarray
    weights: np.ndarray
    edge_key: np.ndarray
    edge_states: np.ndarray
    edge_rail: np.ndarray
    node_fixed: np.ndarray
    key_ids: tuple[str, ...]
    key_indptr: np.ndarray
    key_projects: np.ndarray
    origin_places: tuple[str, ...]
    dest_places: tuple[str, ...]
    place_var: dict  # place -> int64 array of its stations whose service varies
    place_sets: dict  # place -> list over patterns of int32 arrays of the nodes standing for it
    watch: np.ndarray  # nodes whose minutes the kernel returns
    covering: tuple[int, ...] = ()
    stats: dict = field(default_factory=dict)
    _tables: dict = field(default_factory=dict, repr=False)

    @property
    def n_nodes(self) -> int:
        return len(self.node_ids)

    def kernel_tables(self) -> dict:
        """The origin places' pattern tables and the nodes to report, as the kernel takes them (built once)."""
        if "kernel" not in self._tables:
            groups = self.origin_places
            var = [self.place_var[p] for p in groups]
            sets = [s for p in groups for s in self.place_sets[p]]
            base = np.cumsum([0] + [len(self.place_sets[p]) for p in groups[:-1]]) if groups else np.zeros(0)
            report = np.unique(np.concatenate([self.place_var[p] for p in self.dest_places] or [np.zeros(0, np.int64)]))
            self._tables["kernel"] = {
                "group_var_indptr": np.cumsum([0] + [len(v) for v in var]).astype(np.int64),
                "group_var_nodes": (np.concatenate(var) if var else np.zeros(0)).astype(np.int32),
                "group_set_base": np.asarray(base, dtype=np.int64),
                "set_indptr": np.cumsum([0] + [len(s) for s in sets]).astype(np.int64),
                "set_nodes": (np.concatenate(sets) if sets else np.zeros(0)).astype(np.int32),
                "watch": self.watch.astype(np.int32),
                "report_nodes": report.astype(np.int32),
            }
        return self._tables["kernel"]

    @property
    def n_edges(self) -> int:
        return len(self.indices)


def _key_edges(net, rail: bool, air: bool) -> dict[str, dict[tuple[str, str], float]]:
    """Edges of one network by key, as :func:`transit.routing.graph.compile_graph` weighs them (station measure)."""
    out: dict[str, dict[tuple[str, str], float]] = {}

    def add(a: str, b: str, minutes: float, kind: str, via: str) -> None:
        d = out.setdefault(_line_key(via), {})
        if (a, b) not in d or minutes < d[(a, b)]:
            d[(a, b)] = minutes

    if rail:
        rail_edges(net, add)
        pair_keys: dict[tuple[str, str], list[str]] = {}
        for key, d in out.items():
            for ab in d:
                pair_keys.setdefault(ab, []).append(key)
        for r in net.published_times.itertuples():
            for ab in ((r.from_station_id, r.to_station_id), (r.to_station_id, r.from_station_id)):
                for key in pair_keys.get(ab, ()):
                    out[key][ab] = float(r.minutes)
    if air:
        params = net.parameters
        dep, arr = float(params["airport_departure_minutes"]), float(params["airport_arrival_minutes"])
        airports = set(net.stations.loc[net.stations["kind"] == "airport", "station_id"])
        for r in net.flights.itertuples():
            if r.from_station_id not in airports or r.to_station_id not in airports:
                continue
            d = out.setdefault(_flight_key(r.from_station_id, r.to_station_id), {})
            w = dep + float(r.block_minutes) + arr
            for ab in ((r.from_station_id, r.to_station_id), (r.to_station_id, r.from_station_id)):
                if ab not in d or w < d[ab]:
                    d[ab] = w
    return out


def _covering(key_projects: dict[str, list[int]]) -> list[int]:
    """Combinations that show every key in every state of its projects (greedy; the base first)."""
    needed = {(k, s) for k, ps in key_projects.items() for s in range(1 << len(ps))}
    combos = []

    def state(k, combo):
        return sum(((combo >> p) & 1) << j for j, p in enumerate(key_projects[k]))

    candidate = 0
    while True:
        combos.append(candidate)
        needed -= {(k, state(k, candidate)) for k in key_projects}
        if not needed:
            return combos
        assign: dict[int, int] = {}
        for k, s in sorted(needed):
            ps = key_projects[k]
            want = {p: (s >> j) & 1 for j, p in enumerate(ps)}
            if all(assign.get(p, b) == b for p, b in want.items()):
                assign.update(want)
        candidate = sum(1 << p for p, b in assign.items() if b)
        if candidate in combos:  # cannot happen: the first needed pair is always taken
            raise RuntimeError("covering combinations did not progress")  # pragma: no cover


def build_model(goal, base_net, projects, plan: GoalPlan) -> SweepModel:
    """Compile the union graph of the base network and every project (see the module notes).

    Raises
    ------
    NotIncrementalError
        The goal's measure is not ``station``, its tiers use different modes, too many projects touch
        one line, or projects interact beyond their keys: use the naive loop.
    SweepError
        A combination needed to read the edges does not apply.
    """
    measures = {normalise_measure(m) for m in plan.measures} or {normalise_measure("station")}
    modes = {normalise_modes(m) for m in plan.modes} or {normalise_modes("rail")}
    if measures != {normalise_measure("station")}:
        raise NotIncrementalError(
            f"measure {sorted(str(m) for m in measures)}: incremental sweeps take the station "
            "measure only (door access depends on every station in service)"
        )
    if len(modes) != 1:
        raise NotIncrementalError("the goal's tiers use different modes")
    (mode,) = modes
    rail, air = "rail" in mode, "air" in mode
    full = base_net.tables
    keys_of = project_keys(projects, full)
    everything = {_line_key(x) for x in full["lines"]["line_id"]}
    everything |= {k for ks in keys_of for k in ks if k != "*"}
    if air:
        everything |= {_flight_key(r.from_station_id, r.to_station_id) for r in full["flights"].itertuples()}
    key_projects: dict[str, list[int]] = {k: [] for k in sorted(everything)}
    for j, ks in enumerate(keys_of):
        for k in everything if "*" in ks else ks:
            key_projects[k].append(j)
    crowded = {k: ps for k, ps in key_projects.items() if len(ps) > MAX_PROJECTS_PER_KEY}
    if crowded:
        k, ps = next(iter(sorted(crowded.items())))
        raise NotIncrementalError(f"{len(ps)} projects touch {k} (at most {MAX_PROJECTS_PER_KEY} per line)")
    touched = {k: ps for k, ps in key_projects.items() if ps}
    covering = _covering(touched)

    seen: dict[tuple[str, int], dict] = {}
    station_rows = []
    nets = {}
    for combo in covering:
        net = apply_combination(base_net, projects, combo)
        nets[combo] = net
        station_rows.append(net.tables["stations"])
        edges = _key_edges(net, rail, air)
        for k in set(key_projects) | set(edges):
            ps = key_projects.get(k)
            if ps is None:  # a key no project was thought to touch, made by a project: unexpected
                raise NotIncrementalError(f"edges of {k} appear that no project's keys name")
            s = sum(((combo >> p) & 1) << j for j, p in enumerate(ps))
            got = edges.get(k, {})
            if (k, s) in seen:
                if seen[(k, s)] != got:
                    raise NotIncrementalError(f"the edges of {k} depend on projects that do not touch it")
            else:
                seen[(k, s)] = got

    # nodes: every end of an edge, and every station of the goal's places
    stations = pd.concat(station_rows, ignore_index=True).drop_duplicates("station_id", keep="first")
    stations = stations.set_index("station_id", drop=False)
    base_airports = set(base_net.stations.loc[base_net.stations["kind"] == "airport", "station_id"]) if air else set()
    ends = {x for d in seen.values() for ab in d for x in ab} | base_airports
    places = sorted({x for ps in plan.pairs for ab in ps for x in ab})
    place_kind = {p: base_net.resolve(p)[0] for p in places}  # as check_goal's timer reads them
    keep_kind = ({"rail"} if rail else set()) | ({"airport"} if air else set())
    for p in places:
        mine = stations[stations["city_id"] == p] if place_kind[p] == "city" else stations.loc[[p]]
        ends |= {s for s, kind in zip(mine["station_id"], mine["kind"]) if kind in keep_kind}
    node_ids = np.array(sorted(ends), dtype=object)
    index = {nid: i for i, nid in enumerate(node_ids)}

    key_ids = tuple(sorted(key_projects))
    key_index = {k: i for i, k in enumerate(key_ids)}
    rows: list[tuple[int, int, float, int, int, bool]] = []
    for k in key_ids:
        n_states = 1 << len(key_projects[k])
        by_edge: dict[tuple[str, str, float], int] = {}
        for s in range(n_states):
            for ab, w in seen.get((k, s), {}).items():
                by_edge[(ab[0], ab[1], w)] = by_edge.get((ab[0], ab[1], w), 0) | (1 << s)
        is_rail = k.startswith("line:")
        for (a, b, w), mask in sorted(by_edge.items()):
            rows.append((index[a], index[b], w, key_index[k], mask, is_rail))
    # transfers: on when both stations are served (compile_graph keeps the quickest per pair)
    transfers: dict[tuple[str, str], float] = {}
    for r in full["transfers"].itertuples():
        for a, b in ((r.from_station_id, r.to_station_id), (r.to_station_id, r.from_station_id)):
            if a in index and b in index and ((a, b) not in transfers or r.minutes < transfers[(a, b)]):
                transfers[(a, b)] = float(r.minutes)
    for (a, b), w in sorted(transfers.items()):
        rows.append((index[a], index[b], w, -1, 0, False))

    rows_u, rows_v, rows_w, rows_k, rows_m, rows_r = (list(col) for col in zip(*rows)) if rows else ([],) * 6
    u = np.array(rows_u, dtype=np.int64)
    order = np.lexsort((np.array(rows_v, dtype=np.int64), u)) if len(u) else np.zeros(0, dtype=np.int64)
    n = len(node_ids)
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(u, minlength=n), out=indptr[1:])
    node_fixed = np.array([nid in base_airports for nid in node_ids], dtype=np.uint8)

    key_indptr = np.zeros(len(key_ids) + 1, dtype=np.int64)
    np.cumsum([len(key_projects[k]) for k in key_ids], out=key_indptr[1:])
    key_proj = np.array([p for k in key_ids for p in key_projects[k]], dtype=np.int64)

    edge_key = np.array(rows_k, dtype=np.int64)[order]
    edge_states = np.array(rows_m, dtype=np.uint64)[order]
    edge_rail = np.array(rows_r, dtype=np.uint8)[order]
    # a station is served in every combination when a rail edge of an untouched key leaves it
    always = set()
    for e_u, k, r in zip(u[order], edge_key, edge_rail):
        if r and k >= 0 and key_indptr[k + 1] == key_indptr[k]:
            always.add(int(e_u))

    place_var, place_sets = {}, {}
    for p in places:
        if place_kind[p] == "station":
            place_var[p] = np.zeros(0, dtype=np.int64)
            place_sets[p] = [np.array([index[p]], dtype=np.int32)] if p in index else [np.zeros(0, np.int32)]
            continue
        mine = stations[(stations["city_id"] == p) & stations["station_id"].isin(index)]
        var = [s for s in mine["station_id"] if index[s] not in always and not node_fixed[index[s]]]
        fixed = [s for s in mine["station_id"] if s not in var]
        if len(var) > MAX_VARIABLE_STATIONS:
            raise NotIncrementalError(f"{len(var)} stations of {p} change service (at most {MAX_VARIABLE_STATIONS})")
        sets = []
        for code in range(1 << len(var)):
            served = set(fixed) | {s for j, s in enumerate(var) if (code >> j) & 1}
            sets.append(
                np.array(
                    sorted(index[s] for s in _standing_for(base_net, plan, p, stations, served, air) if s in index),
                    dtype=np.int32,
                )
            )
        place_var[p] = np.array([index[s] for s in var], dtype=np.int64)
        place_sets[p] = sets

    origin_places = tuple(sorted({o for ps in plan.pairs for o, _d in ps}))
    dest_places = tuple(sorted({d for ps in plan.pairs for _o, d in ps}))
    watch = np.unique(
        np.concatenate(
            [np.concatenate(place_sets[d]) if place_sets[d] else np.zeros(0, np.int32) for d in dest_places]
            or [np.zeros(0, np.int32)]
        )
    ).astype(np.int64)
    return SweepModel(
        plan=plan,
        n_projects=len(projects),
        node_ids=node_ids,
        indptr=indptr,
        indices=np.ascontiguousarray(np.array(rows_v, dtype=np.int32)[order]),
        weights=np.ascontiguousarray(np.array(rows_w, dtype=np.float64)[order]),
        edge_key=edge_key,
        edge_states=edge_states,
        edge_rail=edge_rail,
        node_fixed=node_fixed,
        key_ids=key_ids,
        key_indptr=key_indptr,
        key_projects=key_proj,
        origin_places=origin_places,
        dest_places=dest_places,
        place_var=place_var,
        place_sets=place_sets,
        watch=watch,
        covering=tuple(covering),
        stats={
            "covering_combinations": len(covering),
            "keys_touched": len(touched),
            "max_projects_per_key": max((len(ps) for ps in touched.values()), default=0),
        },
    )


def _standing_for(
    base_net, plan: GoalPlan, city: str, stations: pd.DataFrame, served: set[str], air: bool
) -> list[str]:
    """The stations that stand for ``city`` when exactly ``served`` of its stations are in service.

    The rule of :func:`transit.goals.spec.city_station_sets` and ``Network.city_stations``:
    ``[goal.stations]`` overrides, else every station (``city_stations = "all"``), else the central ones.
    """
    if city in plan.station_overrides:
        return [s for s in plan.station_overrides[city] if s in served]
    mine = stations[(stations["city_id"] == city) & stations["station_id"].isin(served)]
    if plan.city_stations == "all" or mine.empty:
        return sorted(mine["station_id"])
    return sorted(mine.loc[base_net.central_mask(city, mine), "station_id"])


# --------------------------------------------------------------------------- evaluating a chunk


def evaluate_chunk(model: SweepModel, combos: np.ndarray) -> np.ndarray:
    """Minutes of every target of the goal for each combination, shape ``(len(combos), n_targets)``.

    Parameters
    ----------
    model : SweepModel
        From :func:`build_model`.
    combos : ndarray of int64
        Combinations as bit sets (bit ``j`` = project ``j``).
    """
    combos = np.ascontiguousarray(combos, dtype=np.int64)
    c = len(combos)
    groups = model.origin_places
    k = model.kernel_tables()
    out = np.empty((c, len(groups), len(model.watch)), dtype=np.float64)
    served = np.zeros((c, len(k["report_nodes"])), dtype=np.uint8)
    _kernels.masked_minutes(
        model.indptr,
        model.indices,
        model.weights,
        model.edge_key,
        model.edge_states,
        model.edge_rail,
        model.node_fixed,
        model.key_indptr,
        model.key_projects,
        combos,
        k["group_var_indptr"],
        k["group_var_nodes"],
        k["group_set_base"],
        k["set_indptr"],
        k["set_nodes"],
        k["watch"],
        k["report_nodes"],
        out,
        served,
    )
    report_col = {int(x): j for j, x in enumerate(k["report_nodes"])}
    codes = {}
    for p in model.dest_places:
        code = np.zeros(c, dtype=np.int64)
        for j, node in enumerate(model.place_var[p]):
            code |= served[:, report_col[int(node)]].astype(np.int64) << j
        codes[p] = code
    column = {int(node): j for j, node in enumerate(model.watch)}
    place_min = np.full((c, len(groups), len(model.dest_places)), np.inf)
    for d_i, p in enumerate(model.dest_places):
        code = codes[p]
        for u in np.unique(code):
            rows = np.nonzero(code == u)[0]
            cols = [column[int(x)] for x in model.place_sets[p][u]]
            if cols:
                place_min[rows, :, d_i] = out[np.ix_(rows, np.arange(len(groups)), cols)].min(axis=2)
    g_of = {p: i for i, p in enumerate(groups)}
    d_of = {p: i for i, p in enumerate(model.dest_places)}
    plan = model.plan
    result = np.empty((c, plan.n_targets))
    for t in range(plan.n_targets):
        pairs = plan.pairs[t]
        times = np.stack([place_min[:, g_of[o], d_of[d]] for o, d in pairs], axis=1) if pairs else np.zeros((c, 0))
        result[:, t] = decide(times, plan.quantifiers[t], plan.shares[t])
    return result
