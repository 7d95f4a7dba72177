"""Fit the service model's rules (``[service]`` of network.toml) on the real 2016 timetable.

Four rules, each fitted apart and readable by a planner (``docs/service_model.md``):

- **call shares** (:func:`fit_call_shares`): for every station, the trains that call there and the
  trains that pass it (a train passes a station when two of its consecutive calls lie on either side
  of it along the fastest track path), and a binomial logistic regression of the share that call on
  the station's measured attributes (:func:`transit.timetable.service.station_attributes`);
- **running** (:func:`fit_running`): legs between consecutive calls of the real trains, the fast
  quantile per station pair, against start-to-stop running at ``speed_factor`` x operating speed plus a
  margin per leg and extra minutes per end at a hub (robust least squares); dwell minutes are the
  median standing times at calls, at hubs and elsewhere;
- **frequency** (:func:`fit_frequency`): trains between the route terminals they first and last call
  at, against a gravity rule (Poisson regression on log population product and log track km).

Every fit takes stations or lines to leave out, so that whole corridors can be held out
(:mod:`transit.calibration.service_validation`). Nothing is written except by
``scripts/calibrate_service.py --write``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
from scipy.optimize import least_squares, minimize

from transit.calibration.validation import timetable_station_names
from transit.routing import runtime
from transit.timetable.service import (
    CALL_COEFFICIENTS,
    SERVICE_KEYS,
    ServiceParams,
    TrackSearch,
    _edge_table,
    alternative_paths,
    call_features,
    corridor_changes,
    station_attributes,
    track_graph,
    track_search,
)
from transit.timetable.workbook import TIMETABLE_DATE, Workbook

__all__ = [
    "WorkbookCalls",
    "workbook_calls",
    "fit_call_shares",
    "fit_running",
    "fit_frequency",
    "fit_alternatives",
    "fit_express",
    "fit_service",
    "service_toml",
    "LEG_QUANTILE",
]

#: The fast quantile of real leg minutes per station pair the running rule is fitted to: the fastest
#: trains, not the slowest ones waiting to be overtaken, nor the single fastest outlier.
LEG_QUANTILE = 0.25


@dataclass(frozen=True, eq=False)
class WorkbookCalls:
    """The real trains of the day at the network's stations.

    Attributes
    ----------
    calls : pandas.DataFrame
        ``train_key``, ``pos`` (station position in the track graph), ``arrival_minutes``,
        ``departure_minutes``, ``k`` (0.. along the train's network calls), ``n`` (network calls of the
        train), ordered by train and time.
    legs : pandas.DataFrame
        Consecutive network calls ``a``, ``b`` (positions) with ``minutes`` (arrival at b - departure
        from a), ``km`` (fastest track path), ``cruise_op_minutes`` (at operating speed),
        ``category`` (of most of the path's km), ``lines`` (``;``-joined line ids on the path) and
        ``via`` (positions strictly between, a tuple).
    """

    calls: pd.DataFrame
    legs: pd.DataFrame


@dataclass(frozen=True, eq=False)
class _TrackPaths:
    """All-pairs fastest track paths by minutes at operating speed: ``best`` hops (``(u, v) ->
    (minutes, km, line, category)``), the search, and its ``dist``/``pred`` from every station (rows:
    stations; columns: search nodes)."""

    best: dict
    search: TrackSearch
    dist: np.ndarray
    pred: np.ndarray

    def minutes(self, a: int, b: int) -> float:
        return float(self.dist[a, self.search.target[b]])

    def path(self, a: int, b: int) -> list[int]:
        return self.search.path(self.pred[a], a, b)


@lru_cache(maxsize=8)
def _track_paths(tg) -> _TrackPaths:
    """All-pairs fastest track paths (by minutes at operating speed), with the trains' bars on running
    through (:func:`~transit.timetable.service.track_search`).

    Kept per track graph (one per network: :func:`track_graph` caches it), so that the calls, the
    frequency fit and every fold of a cross-validation share one all-pairs search."""
    w = 60.0 * tg.edge_km / tg.edge_op_kmh
    best: dict = {}
    for u, v, m, km, cat, line in zip(tg.edge_u, tg.edge_v, w, tg.edge_km, tg.edge_category, tg.edge_line):
        if (u, v) not in best or m < best[(u, v)][0]:
            best[(int(u), int(v))] = (float(m), float(km), str(line), str(cat))
    search = track_search(tg, best)
    dist, pred = search.fastest(np.arange(len(tg.station_ids)))
    return _TrackPaths(best, search, dist, pred)


def workbook_calls(net, timetable: Workbook, date=TIMETABLE_DATE) -> WorkbookCalls:
    """The real trains of ``date`` at ``net``'s stations (matched by 12306 name), calls and legs."""
    tg = track_graph(net)
    index = tg.index()
    by_name = {n: s for n, s in timetable_station_names(net).items() if s in index}
    tt = timetable.runs_on(date)
    s = tt.stops[tt.stops["served"] & tt.stops["station_zh"].isin(by_name)].sort_values(
        ["train_key", "seq"], kind="stable"
    )
    calls = pd.DataFrame(
        {
            "train_key": s["train_key"].to_numpy(),
            "pos": s["station_zh"].map(by_name).map(index).to_numpy(np.int64),
            "arrival_minutes": s["arrival_minutes"].to_numpy(float),
            "departure_minutes": s["departure_minutes"].to_numpy(float),
        }
    )
    calls["k"] = calls.groupby("train_key").cumcount()
    calls["n"] = calls.groupby("train_key")["pos"].transform("size")
    paths = _track_paths(tg)
    best = paths.best
    key = calls["train_key"].to_numpy()
    same = key[1:] == key[:-1]
    i = np.flatnonzero(same)
    a = calls["pos"].to_numpy()[i]
    b = calls["pos"].to_numpy()[i + 1]
    minutes = calls["arrival_minutes"].to_numpy()[i + 1] - calls["departure_minutes"].to_numpy()[i]
    rows = []
    cache: dict = {}
    for ai, bi, m in zip(a, b, minutes):
        if ai == bi or not np.isfinite(paths.minutes(ai, bi)) or not np.isfinite(m) or m <= 0:
            rows.append(None)
            continue
        if (ai, bi) not in cache:
            nodes = paths.path(int(ai), int(bi))
            segs = [best[(u, v)] for u, v in zip(nodes, nodes[1:])]
            km = sum(x[1] for x in segs)
            by_cat: dict = {}
            for x in segs:
                by_cat[x[3]] = by_cat.get(x[3], 0.0) + x[1]
            cat = max(sorted(by_cat), key=lambda c: by_cat[c])
            cache[(ai, bi)] = (
                km,
                sum(x[0] for x in segs),
                cat,
                ";".join(sorted({x[2] for x in segs})),
                tuple(nodes[1:-1]),
            )
        rows.append(cache[(ai, bi)])
    ok = np.array([r is not None for r in rows], dtype=bool)
    legs = pd.DataFrame(
        {
            "train_key": key[i][ok],
            "a": a[ok],
            "b": b[ok],
            "minutes": minutes[ok],
            "km": [r[0] for r in rows if r is not None],
            "cruise_op_minutes": [r[1] for r in rows if r is not None],
            "category": [r[2] for r in rows if r is not None],
            "lines": [r[3] for r in rows if r is not None],
            "via": [r[4] for r in rows if r is not None],
        }
    )
    # a leg faster than 330 km/h over its track km follows another route than the network's: drop it
    legs = legs[60.0 * legs["km"] / legs["minutes"] <= 330.0].reset_index(drop=True)
    return WorkbookCalls(calls, legs)


# ---------------------------------------------------------------------------------- call shares
def call_counts(net, wc: WorkbookCalls) -> pd.DataFrame:
    """Per station: trains calling (``calls``) and trains passing without a call (``passes``).

    Only calls that are not a train's first or last network call count as calls, so that a station
    is judged on the trains that could have run through it.
    """
    tg = track_graph(net)
    n = len(tg.station_ids)
    inner = wc.calls[(wc.calls["k"] > 0) & (wc.calls["k"] < wc.calls["n"] - 1)]
    calls = np.bincount(inner["pos"].to_numpy(np.int64), minlength=n)
    via = [p for v in wc.legs["via"] for p in v]
    passes = np.bincount(np.array(via, dtype=np.int64), minlength=n) if via else np.zeros(n, dtype=np.int64)
    return pd.DataFrame({"calls": calls, "passes": passes}, index=pd.Index(tg.station_ids, name="station_id"))


def fit_call_shares(net, wc: WorkbookCalls, hub_stations, exclude_stations=()) -> dict:
    """Binomial logistic regression of the call share on station attributes.

    Returns
    -------
    dict
        The ``[service.calls]`` coefficients, plus ``n_stations`` and ``deviance_explained``.
    """
    attrs = station_attributes(net, hub_stations)
    cc = call_counts(net, wc)
    keep = ((cc["calls"] + cc["passes"]) > 0) & ~cc.index.isin(list(exclude_stations))
    X = call_features(attrs.loc[keep[keep].index])
    y = cc.loc[keep, "calls"].to_numpy(float)
    m = (cc.loc[keep, "calls"] + cc.loc[keep, "passes"]).to_numpy(float)
    ridge = 1e-2

    def nll(beta):
        z = X @ beta
        # log(1 + e^z) stably
        lz = np.logaddexp(0.0, z)
        f = -(y * z - m * lz).sum() + ridge * (beta[1:] ** 2).sum() * m.sum() / len(m) * 1e-2
        p = 1.0 / (1.0 + np.exp(-z))
        g = -(X.T @ (y - m * p))
        g[1:] += 2 * ridge * beta[1:] * m.sum() / len(m) * 1e-2
        return f, g

    res = minimize(nll, np.zeros(X.shape[1]), jac=True, method="L-BFGS-B")
    beta = res.x
    p0 = y.sum() / m.sum()
    null = -(y * np.log(p0) + (m - y) * np.log(1 - p0)).sum()
    out = {k: round(float(b), 4) for k, b in zip(CALL_COEFFICIENTS, beta)}
    out["n_stations"] = int(keep.sum())
    out["deviance_explained"] = float(1.0 - res.fun / null) if null > 0 else float("nan")
    return out


#: A real train tells about expresses where it passes or calls at this many stations quieter than
#: ``express_min_call_share`` between its first and last call (fewer say little either way).
EXPRESS_MIN_QUIET = 4


def fit_express(
    net, wc: WorkbookCalls, calls: dict, hub_stations, express_min_call_share: float, exclude_stations=()
) -> dict:
    """Logistic regression of the share of through trains that run express on the size of the pair.

    A real train runs *express* when it calls at none of the stations quieter than
    ``express_min_call_share`` (the call shares of the fitted regression ``calls``) that it passes
    between its first and last network call, as the model's expresses do; trains with fewer than
    :data:`EXPRESS_MIN_QUIET` such stations are left out, and so are trains that pass or call at an
    excluded station. The covariate is the log of the product of the populations of the cities of
    its first and last call (``/ 1e12``). On 2016: 2.8 % of such trains ran express, 24 % of those
    between the largest cities (Shanghai - Beijing, Beijing - Shenzhen).

    Returns
    -------
    dict
        ``express_intercept``, ``express_per_log_population``, ``n_trains``, ``share_express``.
    """
    tg = track_graph(net)
    attrs = station_attributes(net, hub_stations)
    beta = np.array([calls[k] for k in CALL_COEFFICIENTS])
    p = 1.0 / (1.0 + np.exp(-(call_features(attrs) @ beta)))
    quiet = p < express_min_call_share
    pop = attrs["population"].to_numpy(dtype=np.float64)
    excl = np.isin(tg.station_ids, list(exclude_stations))
    x, y = [], []
    for _, g in wc.legs.groupby("train_key", sort=True):
        a, b = g["a"].to_numpy(), g["b"].to_numpy()
        inner = b[:-1]
        passed = np.array([v for via in g["via"] for v in via], dtype=np.int64)
        if excl[a].any() or excl[b[-1]] or (len(passed) and excl[passed].any()):
            continue
        n_called, n_passed = int(quiet[inner].sum()), int(quiet[passed].sum()) if len(passed) else 0
        if n_called + n_passed < EXPRESS_MIN_QUIET:
            continue
        x.append(np.log(pop[a[0]] * pop[b[-1]] / 1e12))
        y.append(float(n_called == 0))
    intercept, slope = _logistic(np.array(x), np.array(y))
    return {
        "express_intercept": intercept,
        "express_per_log_population": slope,
        "n_trains": len(y),
        "share_express": round(float(np.mean(y)), 4) if y else float("nan"),
    }


def _logistic(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Intercept and slope of a logistic regression of 0/1 outcomes ``y`` on one covariate ``x``
    (maximum likelihood), rounded to 4 decimals."""
    X = np.column_stack([np.ones(len(x)), x])

    def nll(beta):
        z = X @ beta
        return np.sum(np.logaddexp(0.0, z) - y * z), X.T @ (1.0 / (1.0 + np.exp(-z)) - y)

    res = minimize(nll, np.zeros(2), jac=True, method="L-BFGS-B")
    return round(float(res.x[0]), 4), round(float(res.x[1]), 4)


# -------------------------------------------------------------------------------------- running
def _leg_model(theta, km, cruise_op, cat_code, hub_ends, c):
    sf = theta[:3][cat_code]
    margin, hub_extra = theta[3], theta[4]
    cruise = cruise_op / sf
    v = 60.0 * km / cruise
    vr = np.minimum(v, np.sqrt(60.0 * km / c)) if c > 0 else v
    return 60.0 * km / vr + c * vr + margin + hub_extra * hub_ends


_CATS = ("hsr", "intercity", "conventional")


def fit_running(net, wc: WorkbookCalls, hub_stations, exclude_lines=()) -> dict:
    """Fit ``[service.running]``: speed factors, margin per leg, hub extra minutes, dwell minutes.

    Legs whose track path uses an excluded line are left out (and calls at stations only on
    excluded lines, for the dwell).
    """
    tg = track_graph(net)
    hubs = set(hub_stations)
    is_hub = np.array([s in hubs for s in tg.station_ids])
    legs = wc.legs
    excl = set(exclude_lines)
    if excl:
        legs = legs[[not (set(x.split(";")) & excl) for x in legs["lines"]]]
    g = (
        legs.groupby(["a", "b"])
        .agg(
            minutes=("minutes", lambda x: float(np.quantile(x, LEG_QUANTILE))),
            km=("km", "first"),
            cruise_op_minutes=("cruise_op_minutes", "first"),
            category=("category", "first"),
        )
        .reset_index()
    )
    c = runtime.ModelParams.from_mapping(net.running_time).stop_loss_minutes_per_100kmh / 100.0
    cat_code = g["category"].map({k: i for i, k in enumerate(_CATS)}).fillna(0).to_numpy(np.int64)
    hub_ends = is_hub[g["a"].to_numpy()].astype(float) + is_hub[g["b"].to_numpy()].astype(float)
    km, cr, t = g["km"].to_numpy(), g["cruise_op_minutes"].to_numpy(), g["minutes"].to_numpy()

    def resid(theta):
        return (_leg_model(theta, km, cr, cat_code, hub_ends, c) - t) / t

    res = least_squares(
        resid,
        np.array([0.9, 0.9, 0.9, 1.0, 1.0]),
        loss="soft_l1",
        f_scale=0.1,
        bounds=([0.5, 0.5, 0.5, 0.0, 0.0], [1.2, 1.2, 1.2, 10.0, 15.0]),
    )
    r = resid(res.x)
    # dwell: standing minutes at calls between a train's first and last network call
    calls = wc.calls
    inner = calls[(calls["k"] > 0) & (calls["k"] < calls["n"] - 1)]
    if excl:
        on_excl = set()
        for line_id, _, pos, _, _ in tg.runs:
            if line_id in excl:
                on_excl.update(int(p) for p in pos)
        on_other = set()
        for line_id, _, pos, _, _ in tg.runs:
            if line_id not in excl:
                on_other.update(int(p) for p in pos)
        inner = inner[~inner["pos"].isin(on_excl - on_other)]
    dw = (inner["departure_minutes"] - inner["arrival_minutes"]).to_numpy()
    hub_call = is_hub[inner["pos"].to_numpy()]
    out = {f"speed_factor_{k}": round(float(v), 4) for k, v in zip(_CATS, res.x[:3])}
    out["leg_margin_minutes"] = round(float(res.x[3]), 3)
    out["dwell_minutes"] = float(np.median(dw[~hub_call])) if (~hub_call).any() else 2.0
    out["hub_dwell_minutes"] = float(np.median(dw[hub_call])) if hub_call.any() else out["dwell_minutes"]
    out["hub_extra_minutes"] = round(float(res.x[4]), 3)
    out["n_leg_pairs"] = int(len(g))
    out["median_abs_pct"] = float(np.median(np.abs(r)) * 100.0)
    return out


# ------------------------------------------------------------------------------------ frequency
def _terminals(attrs: pd.DataFrame, terminal_min_population: float) -> np.ndarray:
    pop = attrs["population"].to_numpy(dtype=np.float64)
    return (
        attrs["terminus"].to_numpy()
        | attrs["hub"].to_numpy()
        | (attrs["main"].to_numpy() & (pop >= terminal_min_population))
    )


def fit_frequency(net, wc: WorkbookCalls, hub_stations, terminal_min_population: float, exclude_stations=()) -> dict:
    """Poisson regression of trains between terminals on the gravity rule.

    Each real train counts once, between the first and the last route terminal it calls at; pairs
    of terminals joined by track with no train count as zero. Pairs with an excluded station are
    left out. The covariates are the log of the population product, the log of the track km and the
    fewest changes of corridor needed between the two by track
    (:func:`~transit.timetable.service.corridor_changes`; a corridor is a group of lines of
    ``corridors.csv``, or a line of its own): on 2016 a route's trains fall steeply with each change
    of corridor it needs, and half of them run between terminals of one line.
    """
    tg = track_graph(net)
    attrs = station_attributes(net, hub_stations)
    term = _terminals(attrs, terminal_min_population)
    calls = wc.calls[term[wc.calls["pos"].to_numpy()]]
    first = calls.groupby("train_key")["pos"].first()
    last = calls.groupby("train_key")["pos"].last()
    od = pd.DataFrame({"a": np.minimum(first, last), "b": np.maximum(first, last)})
    od = od[od["a"] != od["b"]]
    counts = od.value_counts().to_dict()
    paths = _track_paths(tg)
    best_km = _km_matrix(tg)
    changes = corridor_changes(tg)
    pos = np.flatnonzero(term)
    excl = set(exclude_stations)
    pop = attrs["population"].to_numpy(dtype=np.float64)
    rows = []
    city = attrs["city_id"].to_numpy()
    for ia, a in enumerate(pos):
        for b in pos[ia + 1 :]:
            if not np.isfinite(paths.minutes(a, b)) or tg.station_ids[a] in excl or tg.station_ids[b] in excl:
                continue
            if city[a] == city[b]:  # two stations of one city: no service runs between them as such
                continue
            rows.append(
                (
                    np.log(pop[a] * pop[b] / 1e12),
                    np.log(max(best_km[a, b], 1.0) / 100.0),
                    changes[a, b],
                    counts.get((a, b), 0) / 2.0,
                )
            )
    arr = np.array(rows)
    X = np.column_stack([np.ones(len(arr)), arr[:, 0], arr[:, 1], arr[:, 2]])
    y = arr[:, 3]

    def nll(beta):
        z = np.clip(X @ beta, -30, 30)
        mu = np.exp(z)
        return (mu - y * z).sum(), X.T @ (mu - y)

    res = minimize(nll, np.array([0.0, 0.5, -1.0, 0.0]), jac=True, method="L-BFGS-B")
    b0, b1, b2, b3 = res.x
    return {
        "scale_trains_per_day": float(f"{np.exp(b0):.4g}"),
        "population_exponent": round(float(b1), 4),
        "km_exponent": round(float(-b2), 4),
        "per_corridor_change": round(float(b3), 4),
        "n_pairs": int(len(arr)),
        "n_trains": float(y.sum()),
    }


def fit_alternatives(net, wc: WorkbookCalls, sp: ServiceParams, exclude_stations=()) -> dict:
    """Logistic regression of the share of a pair's trains on its second route.

    The second route of a pair of terminals is that of
    :func:`~transit.timetable.service.alternative_paths` (through another terminal, off the fastest
    path, at most ``alternative_max_ratio`` times its track time). Each real train counts once,
    between the first and the last terminal it calls at, for the pairs with a second route: on the
    second route where it calls at a station only that route has, on the fastest where it calls at
    one only the fastest has (a train that calls at neither, or at both, tells nothing and is left
    out). The covariate is the log of the second route's track time over the fastest's. Pairs with
    an excluded station are left out.
    """
    tg = track_graph(net)
    attrs = station_attributes(net, sp["hub_stations"])
    term = _terminals(attrs, sp["terminal_min_population"])
    terms = np.flatnonzero(term)
    search = track_search(tg, _edge_table(tg, sp))
    dist, pred = search.fastest(terms)
    calls = wc.calls[term[wc.calls["pos"].to_numpy()]]
    ends = calls.groupby("train_key", sort=True)["pos"].agg(["first", "last"])
    ends = ends[ends["first"] != ends["last"]]
    a = np.minimum(ends["first"], ends["last"]).to_numpy()
    b = np.maximum(ends["first"], ends["last"]).to_numpy()
    excl = set(exclude_stations)
    city = attrs["city_id"].to_numpy()
    pairs = sorted(
        {
            (int(x), int(y))
            for x, y in zip(a, b)
            if city[x] != city[y] and tg.station_ids[x] not in excl and tg.station_ids[y] not in excl
        }
    )
    second = alternative_paths(
        terms, dist, pred, pairs, sp["alternative_max_ratio"], sp["alternative_max_overlap"], search
    )
    row = {int(t): i for i, t in enumerate(terms)}
    at = wc.calls.groupby("train_key", sort=True)["pos"].agg(lambda v: frozenset(int(p) for p in v))
    log_ratio, on_second = [], []
    for key, x, y in zip(ends.index, a, b):
        alt = second.get((int(x), int(y)))
        if alt is None:
            continue
        fast = set(search.path(pred[row[int(x)]], int(x), int(y)))
        nodes = set(alt[0])
        hit_alt, hit_fast = bool(at[key] & (nodes - fast)), bool(at[key] & (fast - nodes))
        if hit_alt != hit_fast:
            log_ratio.append(np.log(alt[1]))
            on_second.append(float(hit_alt))
    intercept, slope = _logistic(np.array(log_ratio), np.array(on_second))
    return {
        "alternative_intercept": intercept,
        "alternative_per_log_ratio": slope,
        "n_trains": len(on_second),
        "share_on_second": round(float(np.mean(on_second)), 4) if on_second else float("nan"),
    }


@lru_cache(maxsize=8)
def _km_matrix(tg) -> np.ndarray:
    """Track km along the fastest track path between every pair of stations (kept per track graph)."""
    paths = _track_paths(tg)
    km = paths.search.path_km(paths.dist, paths.pred)
    km[~np.isfinite(km)] = np.inf
    np.fill_diagonal(km, 0.0)
    return km


# ------------------------------------------------------------------------------------- all four
def fit_service(net, timetable: Workbook, *, exclude_lines=(), wc: WorkbookCalls | None = None) -> dict:
    """Fit every rule of ``[service]`` on the real timetable, leaving out the given lines.

    Stations that lie only on excluded lines are left out of the call-share and frequency fits; legs
    over excluded lines out of the running fit. The structural choices (hub stations, terminal
    population, departure window, change minutes, frequency bounds) are kept from ``net``'s table.

    Returns
    -------
    dict
        ``{"calls": {...}, "running": {...}, "frequency": {...}, "stats": {...}}``, the first three
        shaped like the ``[service]`` sub-tables (usable as ``params=`` of
        :func:`transit.timetable.service.synthesise_timetable`).
    """
    sp = ServiceParams.from_mapping(net.meta.get("service"))
    wc = workbook_calls(net, timetable) if wc is None else wc
    tg = track_graph(net)
    excl = set(exclude_lines)
    only_excl = set()
    if excl:
        on_excl, on_other = set(), set()
        for line_id, _, pos, _, _ in tg.runs:
            (on_excl if line_id in excl else on_other).update(tg.station_ids[p] for p in pos)
        only_excl = on_excl - on_other
    hubs = sp["hub_stations"]
    calls = fit_call_shares(net, wc, hubs, exclude_stations=only_excl)
    express = fit_express(net, wc, calls, hubs, sp["calls.express_min_call_share"], exclude_stations=only_excl)
    running = fit_running(net, wc, hubs, exclude_lines=excl)
    freq = fit_frequency(net, wc, hubs, sp["terminal_min_population"], exclude_stations=only_excl)
    fitted_running = ServiceParams.from_mapping(net.meta.get("service"), {"running": running})
    alternatives = fit_alternatives(net, wc, fitted_running, exclude_stations=only_excl)
    stats = {
        "calls": {k: calls.pop(k) for k in ("n_stations", "deviance_explained")},
        "running": {k: running.pop(k) for k in ("n_leg_pairs", "median_abs_pct")},
        "frequency": {k: freq.pop(k) for k in ("n_pairs", "n_trains")},
        "alternatives": {k: alternatives.pop(k) for k in ("n_trains", "share_on_second")},
        "express": {k: express.pop(k) for k in ("n_trains", "share_express")},
    }
    calls.update(express)
    freq.update(alternatives)
    return {"calls": calls, "running": running, "frequency": freq, "stats": stats}


def service_toml(fit: dict, net) -> str:
    """The fitted values as the sub-tables to paste into ``[service]`` of network.toml."""
    s = fit["stats"]
    sp = ServiceParams.from_mapping(net.meta.get("service")).values
    lines = []
    lines.append("[service.frequency]")
    lines.append("# Gravity rule for the trains a day each way of a route between two terminals:")
    lines.append(
        "# scale * (P_a P_b / 1e12) ** population_exponent * (km / 100) ** -km_exponent * exp(per_corridor_change * corridor_changes),"
    )
    lines.append(
        "# corridor_changes: the fewest changes of corridor (corridors.csv; a line in none is its own) needed between the two by track; rounded with a fixed"
    )
    lines.append(
        "# dither per pair (floor(x + u), u a uniform draw from a hash of the pair: x trains on average, stable when lines are added)."
    )
    lines.append(
        f"# Fitted by scripts/calibrate_service.py (Poisson regression, {s['frequency']['n_pairs']} terminal "
        f"pairs, {s['frequency']['n_trains']:.0f} trains each way, 12306 timetable of 2016-03-10)."
    )
    fq = fit["frequency"]
    lines.append(
        f"scale_trains_per_day = {fq['scale_trains_per_day']}   # trains a day each way between two cities of 1 million 100 km apart (trains); fitted"
    )
    lines.append(f"population_exponent = {fq['population_exponent']}   # (-) fitted")
    lines.append(f"km_exponent = {fq['km_exponent']}   # (-) fitted")
    lines.append(
        f"per_corridor_change = {fq['per_corridor_change']}   # (-) log change of the trains a day per change of corridor needed between the two terminals; fitted"
    )
    a = s["alternatives"]
    lines.append(
        f"alternative_intercept = {fq['alternative_intercept']}   # (-) logit of the share of a pair's trains on its second route, were it as fast as the fastest; fitted"
    )
    lines.append(
        f"alternative_per_log_ratio = {fq['alternative_per_log_ratio']}   # (-) per log of the second route's track time over the fastest's; fitted "
        f"(logistic regression, {a['n_trains']} trains, {100 * a['share_on_second']:.0f} % on the second route)"
    )
    f0 = sp["frequency"]
    lines.append(
        f"min_trains_per_day = {f0['min_trains_per_day']}   # routes with fewer trains a day (after rounding) are not run (trains); estimate"
    )
    lines.append(f"max_trains_per_day = {f0['max_trains_per_day']}   # cap per route and direction (trains); estimate")
    lines.append(
        f"line_min_trains_per_day = {f0['line_min_trains_per_day']}   # every run of a line gets at least this many end-to-end trains (trains); estimate"
    )
    lines.append("")
    lines.append("[service.calls]")
    lines.append("# Logistic call share: logit p = intercept + per_log10_population * log10(population / 1e6)")
    lines.append(
        "# + main_station * [main station] + per_extra_line * (lines - 1) + terminus * [line end] + hub * [hub]."
    )
    lines.append(
        f"# Fitted (binomial regression of trains calling / calling + passing at {s['calls']['n_stations']} stations, "
        f"{100 * s['calls']['deviance_explained']:.0f} % of the deviance explained)."
    )
    grid = s.get("grid")
    chosen = "grid against the fastest journeys of 2016"
    if grid and grid.get("tied_points", 1) > 1:
        chosen += f", {grid['tied_points']} tied points told apart by the tuning half of published_times"
    for k in SERVICE_KEYS["calls"]:
        note = "fitted (regression)"
        if grid and k == "intercept":
            note = (
                f"regression {fit['calls'][k] - grid['intercept_shift']:.4f} + {grid['intercept_shift']} chosen on the "
                f"{chosen} (calibrate_service)"
            )
        elif k == "pattern_correlation":
            note = f"chosen on the {chosen} (calibrate_service)" if grid else "estimate"
        elif k == "express_intercept":
            e = s["express"]
            note = (
                "logit of the share of a through route's trains that run express, between two cities of 1 million; "
                f"fitted (logistic regression, {e['n_trains']} trains of 2016, {100 * e['share_express']:.1f} % express: "
                "calling at none of the quieter stations they pass)"
            )
        elif k == "express_per_log_population":
            note = "per log of the product of the populations of its terminals' cities; fitted"

        elif k == "opening_call_logit":
            o = s.get("opening")
            note = (
                "added to the logit at a station in its opening period (a new line's transition service: few "
                "trains, calling at more stations); "
                + (
                    f"chosen among {sorted(o['published_tuning'])} on the tuning half of published_times "
                    f"({o['n_tuning']} times, mean |log error| over {o['draws']} draws; calibrate_service)"
                    if o
                    else "kept from network.toml"
                )
            )
        elif k == "express_min_call_share":
            note = (
                "an express calls only at stations whose call share is at least this (hubs and the largest "
                "cities' main stations); estimate, kept from network.toml"
            )
        lines.append(f"{k} = {fit['calls'][k]}   # (-) {note}")
    lines.append("")
    lines.append("[service.running]")
    lines.append(
        "# Start-to-stop running between consecutive calls: cruising at speed_factor * operating speed plus the"
    )
    lines.append(
        "# braking/accelerating loss of [running_time] stop_loss_minutes_per_100kmh, a margin per leg, extra minutes"
    )
    lines.append(
        f"# per end at a hub. Fitted (robust least squares on the {int(100 * LEG_QUANTILE)} % quantile of real leg minutes of "
        f"{s['running']['n_leg_pairs']} station pairs; median abs. error {s['running']['median_abs_pct']:.1f} %);"
    )
    lines.append("# dwell: median standing minutes at calls of the 2016 trains.")
    r = fit["running"]
    for k in ("speed_factor_hsr", "speed_factor_intercity", "speed_factor_conventional"):
        lines.append(f"{k} = {r[k]}   # (-) fitted")
    lines.append(
        f"leg_margin_minutes = {r['leg_margin_minutes']}   # allowance per leg between two calls (min); fitted"
    )
    lines.append(f"dwell_minutes = {r['dwell_minutes']}   # standing time at a call (min); fitted (median)")
    lines.append(f"hub_dwell_minutes = {r['hub_dwell_minutes']}   # standing time at a hub (min); fitted (median)")
    lines.append(
        f"hub_extra_minutes = {r['hub_extra_minutes']}   # slow approach or departure at a hub, per end of a leg (min); fitted"
    )
    return "\n".join(lines)
