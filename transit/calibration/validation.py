"""Compare a network's modelled travel times with the real 2016 timetable.

Three pieces, used by ``scripts/validate_timetable.py`` and ``scripts/calibrate_running_time.py``:

- :func:`observed_pairs`: the fastest scheduled direct train between every pair of the network's rail
  stations (matched by their 12306 Chinese name) that one train links, both directions pooled.
- :func:`line_pairs`: every pair of stations that an unbroken run of in-service sections of one line
  joins, with its km and the km run at each design speed (the running-time model's inputs).
- :func:`validate_timetable`: the network's station-measure travel times (``transit.travel_times``)
  against the observed pairs, with the error figures and the worst pairs explained.

Only the network and the timetable are read; nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from transit.routing.graph import line_runs
from transit.timetable.workbook import (
    TIMETABLE_DATE,
    Workbook,
    fastest_direct_times,
    load_workbook,
)
from transit.travel import travel_times

__all__ = [
    "observed_pairs",
    "line_pairs",
    "validate_timetable",
    "ValidationResult",
    "error_summary",
    "daily_trains",
    "FORMER_NAMES",
    "timetable_station_names",
    "MAIN_STATION_MIN_TRAINS",
]


#: 12306 names that stations of the network carried on 2016-03-10, where they were renamed later.
#: 上海松江 was 松江南 until 2024 (the station row of rail_yrd says so); 温州北 was 永嘉 until the
#: Hangzhou-Wenzhou HSR opened in 2024 (People's Daily Zhejiang, 2024-09-07: 温州北站(原永嘉站));
#: 绍兴东 was 上虞北 until 2016-12-01 (encyclopedia entries: 2016年12月1日起，车站更名为绍兴东站);
#: 临平南 was 余杭 until 2021-11-18 (China Railway Shanghai Group via 临平发布: 余杭站更名为临平南站);
#: 平阳 was 鳌江 until 2022 (Wenzhou local media: 2022年，原鳌江站更名为平阳站); 台州西 was 台州 until
#: 2021-06-25, when the name went to the new station of the Hangzhou-Taizhou HSR (台州铁办 via 浙江在线
#: 2021-05-26: 既有甬台温铁路和金台铁路台州站更名为台州西站), so on a network after 2022 台州 names two
#: stations and this map is for the 2016 workbook only. The station rows' coordinates lie within 0.2 km
#: of the 2016 workbook's for each.
FORMER_NAMES = {
    "上海松江": "松江南",
    "温州北": "永嘉",
    "绍兴东": "上虞北",
    "临平南": "余杭",
    "平阳": "鳌江",
    "台州西": "台州",
}

#: A pair is compared with its direct train only where changing trains is not this much faster.
CHANGE_MARGIN = 0.10

#: A main station has at least this many trains calling on the timetable day (both directions).
MAIN_STATION_MIN_TRAINS = 100


def timetable_station_names(net) -> dict[str, str]:
    """12306 name (the 2016 timetable's, :data:`FORMER_NAMES` for renamed stations) -> station id, for
    every rail station of ``net`` in service."""
    st = _rail_stations(net)
    return dict(zip(st["timetable_name"], st["station_id"]))


def _rail_stations(net) -> pd.DataFrame:
    st = net.stations
    st = st[st["kind"] == "rail"].copy()
    st["timetable_name"] = st["name_zh"].map(lambda n: FORMER_NAMES.get(n, n))
    return st


def daily_trains(net, timetable: Workbook | None = None, date=TIMETABLE_DATE) -> pd.Series:
    """Trains calling at each rail station of the network on ``date`` (0 where none), by station id."""
    tt = (load_workbook() if timetable is None else timetable).runs_on(date)
    calls = tt.stops[tt.stops["served"]].groupby("station_zh")["train_key"].nunique()
    st = _rail_stations(net)
    return pd.Series(
        st["timetable_name"].map(calls).fillna(0).astype(int).to_numpy(),
        index=pd.Index(st["station_id"], name="station_id"),
        name="daily_trains",
    )


def observed_pairs(net, timetable: Workbook | None = None, date=TIMETABLE_DATE) -> pd.DataFrame:
    """Fastest direct train between the network's rail stations in service, from the timetable.

    Stations are matched on ``stations.name_zh`` = the 12306 name (or the former name of a renamed
    station, :data:`FORMER_NAMES`). Each unordered pair appears once
    (``station_a`` < ``station_b``) with the faster of its two directions.

    Parameters
    ----------
    net : Network
        Usually ``load_network().as_of("2016-03-10")``.
    timetable : Workbook, optional
        Default :func:`transit.timetable.load_workbook`.
    date : date or str
        Trains running that day.

    Returns
    -------
    pandas.DataFrame
        ``station_a``, ``station_b``, ``name_a``, ``name_b``, ``minutes``, ``train``, ``n_trains``
        (both directions), ``n_intermediate_stops`` (of the fastest train).
    """
    tt = load_workbook() if timetable is None else timetable
    fdt = fastest_direct_times(tt, date=date)
    by_name = timetable_station_names(net)
    st = _rail_stations(net)
    f = fdt[fdt["from_station_zh"].isin(by_name) & fdt["to_station_zh"].isin(by_name)].copy()
    f["a"] = f["from_station_zh"].map(by_name)
    f["b"] = f["to_station_zh"].map(by_name)
    swap = f["a"] > f["b"]
    f.loc[swap, ["a", "b"]] = f.loc[swap, ["b", "a"]].to_numpy()
    f = f[f["a"] != f["b"]]
    n = f.groupby(["a", "b"])["n_trains"].sum().rename("n_trains_both")
    best = (
        f.sort_values(["a", "b", "minutes", "n_intermediate_stops", "train"])
        .drop_duplicates(["a", "b"])
        .set_index(["a", "b"])
        .join(n)
        .reset_index()
    )
    name = dict(zip(st["station_id"], st["name_zh"]))
    out = pd.DataFrame(
        {
            "station_a": best["a"],
            "station_b": best["b"],
            "name_a": best["a"].map(name),
            "name_b": best["b"].map(name),
            "minutes": best["minutes"].astype(float),
            "train": best["train"],
            "n_trains": best["n_trains_both"].astype(int),
            "n_intermediate_stops": best["n_intermediate_stops"].astype(int),
        }
    )
    return out.sort_values(["station_a", "station_b"]).reset_index(drop=True)


def line_pairs(net) -> pd.DataFrame:
    """Every pair of stations joined by an unbroken run of in-service sections of one line.

    The same runs the graph compiler joins with rail edges (stations in service, consecutive listed
    stations whose stretch lies in open sections).

    Returns
    -------
    pandas.DataFrame
        ``line_id``, ``category``, ``station_a``, ``station_b`` (``station_a`` < ``station_b``),
        ``km``, ``min_design_kmh``, ``max_design_kmh`` and one column ``km_at_<v>`` per design
        speed ``v`` found (km of the trip on stretches of that design speed).
    """
    rows = []
    speeds_seen: set[int] = set()
    for run in line_runs(net):
        chain, sids = run.chainage_km, run.station_ids
        kmh = run.design_kmh.astype(int)
        seg_km = np.diff(chain)
        speeds_seen.update(int(v) for v in kmh)
        for a in range(len(sids)):
            for b in range(a + 1, len(sids)):
                prof: dict[int, float] = {}
                for v, km in zip(kmh[a:b], seg_km[a:b]):
                    prof[int(v)] = prof.get(int(v), 0.0) + float(km)
                x, y = sorted((sids[a], sids[b]))
                rows.append(
                    {
                        "line_id": run.line_id,
                        "category": run.category,
                        "station_a": x,
                        "station_b": y,
                        "km": float(chain[b] - chain[a]),
                        "min_design_kmh": int(kmh[a:b].min()),
                        "max_design_kmh": int(kmh[a:b].max()),
                        "profile": prof,
                    }
                )
    out = pd.DataFrame(
        rows,
        columns=["line_id", "category", "station_a", "station_b", "km", "min_design_kmh", "max_design_kmh", "profile"],
    )
    for v in sorted(speeds_seen):
        out[f"km_at_{v}"] = [p.get(v, 0.0) for p in out["profile"]]
    return out.drop(columns="profile")


def speed_columns(frame: pd.DataFrame) -> tuple[list[str], np.ndarray]:
    """The ``km_at_<v>`` columns of a :func:`line_pairs` frame and their speeds."""
    cols = [c for c in frame.columns if c.startswith("km_at_")]
    return cols, np.array([float(c[len("km_at_") :]) for c in cols])


def error_summary(pct_error: pd.Series | np.ndarray) -> dict:
    """Median absolute % error and the shares of pairs within 5, 10, 15 and 20 %."""
    e = np.abs(np.asarray(pct_error, dtype=float))
    e = e[np.isfinite(e)]
    if e.size == 0:
        return {
            "n": 0,
            "median_abs_pct": np.nan,
            "mean_abs_pct": np.nan,
            "within_5": np.nan,
            "within_10": np.nan,
            "within_15": np.nan,
            "within_20": np.nan,
        }
    return {
        "n": int(e.size),
        "median_abs_pct": float(np.median(e)),
        "mean_abs_pct": float(e.mean()),
        "within_5": float((e <= 5).mean()),
        "within_10": float((e <= 10).mean()),
        "within_15": float((e <= 15).mean()),
        "within_20": float((e <= 20).mean()),
    }


def _routes(graph, pairs: list[tuple[str, str]]) -> dict[tuple[str, str], list[tuple[str, str, str, float]]]:
    """The legs (from, to, via, minutes) of the fastest path of each pair in a compiled graph.

    Shortest paths of ``graph.to_scipy()`` with predecessors (scipy's Dijkstra), so that a station
    whose id is also a city id is read as the station.
    """

    index = graph.node_index()
    origins = sorted({index[a] for a, _ in pairs if a in index})
    if not origins:
        return {}
    _, pred = dijkstra(graph.to_scipy(), directed=True, indices=origins, return_predecessors=True)
    row = {o: k for k, o in enumerate(origins)}
    out = {}
    for a, b in pairs:
        if a not in index or b not in index:
            continue
        s, t = index[a], index[b]
        nodes = [t]
        while nodes[-1] != s and nodes[-1] >= 0:
            nodes.append(int(pred[row[s], nodes[-1]]))
        if nodes[-1] != s:
            continue
        nodes.reverse()
        legs = []
        for u, v in zip(nodes, nodes[1:]):
            e = graph.edge(u, v)
            legs.append(
                (str(graph.node_ids[u]), str(graph.node_ids[v]), str(graph.edge_via[e]), float(graph.minutes[e]))
            )
        out[(a, b)] = legs
    return out


def _reason(r, legs, net) -> str:
    """A short explanation of a pair's error, from its modelled route."""
    if not r.direct_is_fastest:
        return (
            f"changing trains is faster in the timetable ({r.timetable_best_minutes:.0f} min in-vehicle"
            f" via {r.timetable_best_via})"
        )
    if legs is None or not np.isfinite(r.model_minutes):
        return "unreachable in the network: a line or section missing, or not open on the date"
    modes = sorted({leg[2] for leg in legs if leg[2] not in set(net.lines["line_id"])})
    if modes:
        return (
            f"the network changes station by {'/'.join(modes)} where the train runs through: "
            "a connecting rail line is missing"
        )
    if abs(r.error_pct) < 10:
        return ""
    if r.error_pct < 0:
        return (
            f"the fastest train is slower than modelled ({r.n_intermediate_stops} stops; hub approaches,"
            " a slower route or a line operated below its design speed)"
        )
    if np.isfinite(r.km) and r.km / (r.timetable_minutes / 60.0) > 0.95 * 300.0:
        return (
            f"the train averages {r.km / (r.timetable_minutes / 60.0):.0f} km/h over the listed "
            f"{r.km:.0f} km: the chainage is probably too long"
        )
    if len({leg[2] for leg in legs}) > 1:
        return "the train runs through where the model pays the start and stop of two legs"
    return "the fastest train is faster than modelled (fewer stops or a faster run)"


def timetable_changes(timetable: Workbook, date=TIMETABLE_DATE) -> tuple[pd.Index, np.ndarray, np.ndarray]:
    """All-pairs fastest in-vehicle minutes in the timetable, changing trains freely (no waits).

    The graph of fastest direct times between timetable stations, solved by Dijkstra: the timetable's
    counterpart of the network's station measure. Returns the station names, the minutes matrix and
    the predecessor matrix.
    """

    fdt = fastest_direct_times(timetable, date=date)
    names = pd.Index(sorted(set(fdt["from_station_zh"]) | set(fdt["to_station_zh"])))
    i = names.get_indexer(fdt["from_station_zh"])
    j = names.get_indexer(fdt["to_station_zh"])
    m = csr_matrix((fdt["minutes"].to_numpy(float), (i, j)), shape=(len(names), len(names)))
    dist, pred = dijkstra(m, directed=True, return_predecessors=True)
    return names, dist, pred


@dataclass(frozen=True)
class ValidationResult:
    """The network against the timetable.

    Attributes
    ----------
    pairs : pandas.DataFrame
        One row per observed pair: ``station_a``, ``station_b``, ``name_a``, ``name_b``,
        ``timetable_minutes`` (fastest direct train), ``train``, ``n_trains``,
        ``n_intermediate_stops``, ``model_minutes`` (the network's station-measure time),
        ``error_pct`` (100 * (model - timetable) / timetable), ``route`` (the lines the modelled
        route uses, and where it changes), ``km`` (NaN where the route is not a single rail edge),
        ``on_one_line`` (bool), ``timetable_best_minutes`` and ``timetable_best_via`` (fastest
        in-vehicle time with free changes of train in the timetable, and where it changes),
        ``direct_is_fastest`` (False where a change is more than :data:`CHANGE_MARGIN` faster than the
        direct train: such pairs are not compared), ``best_error_pct`` (model against the best),
        ``reason`` (a short explanation of a large error, read from the route).
    summary : dict
        :func:`error_summary` of the compared pairs (direct train the fastest way, finite model
        time), plus ``n_observed``, ``n_change_faster``, ``n_unreachable`` and ``against_best`` (the
        summary of all pairs against the timetable's best with changes).
    by_category : pandas.DataFrame
        The summary per line category of one-line routes.
    """

    pairs: pd.DataFrame
    summary: dict
    by_category: pd.DataFrame = field(default_factory=pd.DataFrame)

    def worst(self, n: int = 15) -> pd.DataFrame:
        """The ``n`` compared pairs (direct train the fastest way) with the largest absolute % error,
        unreachable ones first."""
        p = self.pairs[self.pairs["direct_is_fastest"]]
        p = p.assign(_abs=p["error_pct"].abs().fillna(np.inf))
        return (
            p.sort_values(["_abs", "station_a", "station_b"], ascending=[False, True, True])
            .drop(columns="_abs")
            .head(n)
        )

    def to_text(self, n_worst: int = 15) -> str:
        """A plain-text report."""
        s = self.summary
        b = s["against_best"]
        lines = [
            f"pairs of main stations linked by a direct train: {s['n_observed']}; a change of trains is "
            f"faster for {s['n_change_faster']}, leaving {s['n']} compared with their fastest direct train; "
            f"unreachable in the network: {s['n_unreachable']}",
            f"median absolute error {s['median_abs_pct']:.1f} %, mean {s['mean_abs_pct']:.1f} %; "
            f"within 5 %: {s['within_5']:.0%}, 10 %: {s['within_10']:.0%}, "
            f"15 %: {s['within_15']:.0%}, 20 %: {s['within_20']:.0%}",
            f"all {b['n']} pairs against the timetable's fastest in-vehicle time with free changes: "
            f"median {b['median_abs_pct']:.1f} %, within 10 %: {b['within_10']:.0%}, "
            f"15 %: {b['within_15']:.0%}, 20 %: {b['within_20']:.0%}",
        ]
        if len(self.by_category):
            lines.append("compared pairs on one line, by line category:")
            for cat, r in self.by_category.iterrows():
                lines.append(
                    f"  {cat:<13} n={int(r['n']):4d}  median {r['median_abs_pct']:.1f} %  "
                    f"within 10 %: {r['within_10']:.0%}  within 20 %: {r['within_20']:.0%}"
                )
        lines.append(f"{n_worst} worst compared pairs:")
        for r in self.worst(n_worst).itertuples():
            km = "" if not np.isfinite(r.km) else f", {r.km:.0f} km"
            lines.append(
                f"  {r.name_a}-{r.name_b}: model {r.model_minutes:.0f} min vs {r.train} "
                f"{r.timetable_minutes:.0f} min ({r.n_intermediate_stops} stops) "
                f"{r.error_pct:+.0f} %; route {r.route}{km}" + (f"\n      reason: {r.reason}" if r.reason else "")
            )
        return "\n".join(lines)


def validate_timetable(
    net,
    timetable: Workbook | None = None,
    date=TIMETABLE_DATE,
    observed: pd.DataFrame | None = None,
    min_daily_trains: int = MAIN_STATION_MIN_TRAINS,
) -> ValidationResult:
    """The network's station-measure rail times against the fastest direct trains of the timetable.

    Parameters
    ----------
    net : Network
        The network on the timetable's date, ``load_network().as_of("2016-03-10")``.
    timetable : Workbook, optional
        Default :func:`transit.timetable.load_workbook` (``FileNotFoundError`` if absent).
    date : date or str
        The day whose trains are compared.
    observed : DataFrame, optional
        Pairs from :func:`observed_pairs` to compare instead (``min_daily_trains`` is then ignored).
    min_daily_trains : int
        Compare only pairs of main stations, where at least this many trains call that day (default
        :data:`MAIN_STATION_MIN_TRAINS`); 0 compares every pair of the network's stations.

    Returns
    -------
    ValidationResult

    Examples
    --------
    >>> import transit
    >>> res = validate_timetable(transit.load_network().as_of("2016-03-10"))   # doctest: +SKIP
    >>> print(res.to_text())                                                     # doctest: +SKIP
    """
    timetable = load_workbook() if timetable is None else timetable
    if observed is None:
        obs = observed_pairs(net, timetable, date)
        if min_daily_trains:
            busy = daily_trains(net, timetable, date)
            main = set(busy.index[busy >= min_daily_trains])
            obs = obs[obs["station_a"].isin(main) & obs["station_b"].isin(main)].reset_index(drop=True)
    else:
        obs = observed
    tt = travel_times(net, method="static", modes=("rail",), measure="station")
    times = tt.matrix(level="station")
    lp = line_pairs(net)
    km_on = {(r.line_id, r.station_a, r.station_b): r.km for r in lp.itertuples()}
    pair_list = list(zip(obs["station_a"], obs["station_b"]))
    legs_of = _routes(tt.graph, pair_list)
    model, routes, kms = [], [], []
    for a, b in pair_list:
        m = float(times.at[a, b]) if (a in times.index and b in times.columns) else np.inf
        model.append(m)
        legs = legs_of.get((a, b))
        if not np.isfinite(m) or legs is None:
            routes.append("unreachable")
            kms.append(np.nan)
            continue
        lines = []
        for leg in legs:
            if not lines or lines[-1] != leg[2]:
                lines.append(leg[2])
        km = np.nan
        if len(legs) == 1:
            km = km_on.get((lines[0], *sorted((a, b))), np.nan)
        stops = [legs[0][0]] + [leg[1] for leg in legs]
        via = "" if len(stops) <= 2 else " via " + ", ".join(stops[1:-1])
        routes.append(" + ".join(lines) + via)
        kms.append(km)
    out = obs.rename(columns={"minutes": "timetable_minutes"}).copy()
    out["model_minutes"] = model
    out["error_pct"] = 100.0 * (out["model_minutes"] - out["timetable_minutes"]) / out["timetable_minutes"]
    out.loc[~np.isfinite(out["model_minutes"]), "error_pct"] = np.nan
    out["route"] = routes
    out["km"] = kms
    out["on_one_line"] = np.isfinite(out["km"])
    # is the direct train the fastest way in the timetable, or is a change of trains faster?
    if len(out):
        names, dist, pred = timetable_changes(timetable, date)
        best, via = [], []
        for r in out.itertuples():
            na, nb = (FORMER_NAMES.get(n, n) for n in (r.name_a, r.name_b))
            i, j = names.get_loc(na), names.get_loc(nb)
            s_, t_ = (i, j) if dist[i, j] <= dist[j, i] else (j, i)
            best.append(float(dist[s_, t_]))
            hops, node = [], t_
            while pred[s_, node] >= 0 and pred[s_, node] != s_:
                node = int(pred[s_, node])
                hops.append(names[node])
            via.append(", ".join(reversed(hops)))
        out["timetable_best_minutes"] = best
        out["timetable_best_via"] = via
        out["direct_is_fastest"] = out["timetable_best_minutes"] >= (1.0 - CHANGE_MARGIN) * out["timetable_minutes"]
    else:
        out["timetable_best_minutes"] = out["timetable_minutes"]
        out["timetable_best_via"] = ""
        out["direct_is_fastest"] = True
    out["best_error_pct"] = (
        100.0 * (out["model_minutes"] - out["timetable_best_minutes"]) / out["timetable_best_minutes"]
    )
    out["reason"] = [_reason(r, legs_of.get((r.station_a, r.station_b)), net) for r in out.itertuples()]
    comparable = out[out["direct_is_fastest"]]
    summary = error_summary(comparable["error_pct"])
    summary["n_observed"] = int(len(out))
    summary["n_change_faster"] = int((~out["direct_is_fastest"]).sum())
    summary["n_unreachable"] = int((~np.isfinite(out["model_minutes"])).sum())
    summary["against_best"] = error_summary(out["best_error_pct"])
    # category of one-line routes
    cat = dict(zip(net.lines["line_id"], net.lines["category"]))
    one = comparable[comparable["on_one_line"]]
    line_of_route = one["route"].astype(str).str.split(" ").str[0]
    by_cat = {c: error_summary(g["error_pct"]) for c, g in one.groupby(line_of_route.map(cat))}
    by_category = pd.DataFrame(by_cat).T if by_cat else pd.DataFrame()
    return ValidationResult(out, summary, by_category)
