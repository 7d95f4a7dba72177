"""Calibrate the service model on the 2016 timetable, and measure it out of sample.

The truth is the real timetable of 2016-03-10 routed by the same engine: for every pair of the
network's rail stations that the real trains join, the fastest journey of the day (05:00-24:00
departures, changes at one station of at least ``REAL_CHANGE_MINUTES``), marked ``direct`` where a
single train is that fast and ``change`` otherwise. The model's figure is the fastest journey on the
service model's synthesised timetable for the network of that date. Both sides may make the same
moves: the network's changes between two stations of one city (``transfers.csv``: a metro ride from
Shanghai to Shanghai Hongqiao, a taxi from Jiangning to Nanjing South) are in the model's timetable,
so they are added to the real one too (:func:`real_fastest_pairs`); a pair whose fastest journey is
such a change alone, with no train, says nothing about trains and is left out.

Calibration (:func:`calibrate_service`) has two steps. The rules are fitted on the real trains
(:func:`transit.calibration.service_fit.fit_service`: call-share regression, running times, the
gravity frequency); then two numbers that no single-station count can give, the level of the call
shares (a shift of the logistic intercept) and the ``pattern_correlation`` of the stopping patterns,
are chosen on a small grid to minimise the error of the fastest times over the training pairs. Grid
points the 2016 pairs cannot tell apart (within ``TIE_TOLERANCE``) are told apart by the published
fastest times of later years, the tuning half of them only (:func:`published_halves`); the other half
measures the model. The tuning half also chooses ``opening_call_logit`` (a new line's opening
service, which the 2016 timetable does not show), by the mean error over several draws of the
stopping patterns.

Validation (:func:`cross_validate`) holds out whole corridors: the lines of the network on the date
are dealt into ``k`` folds; for each, everything is fitted without the fold's lines and measured on
the pairs with a station that only the fold's lines serve. Every pair is then measured once, by a
model that never saw its corridor.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from transit.calibration.service_fit import WorkbookCalls, fit_service, workbook_calls
from transit.calibration.validation import observed_pairs, timetable_station_names
from transit.timetable.engine import profile
from transit.timetable.model import TRANSFER_COLUMNS, Timetable
from transit.timetable.service import (
    ServiceParams,
    _edge_table,
    opening_stations,
    synthesise_timetable,
    track_graph,
    track_search,
)
from transit.timetable.travel import DEFAULT_WINDOW
from transit.timetable.workbook import Workbook
from transit.travel import travel_times

__all__ = [
    "REAL_CHANGE_MINUTES",
    "INTERCEPT_SHIFTS",
    "PATTERN_CORRELATIONS",
    "OPENING_CALL_LOGITS",
    "OPENING_DRAWS",
    "real_fastest_pairs",
    "pair_errors",
    "error_table",
    "calibrate_service",
    "corridor_folds",
    "CrossValidation",
    "cross_validate",
    "held_out_errors",
    "published_errors",
    "published_halves",
    "TIE_TOLERANCE",
    "FIRST_YEAR_DAYS",
    "main_stations",
    "static_pair_errors",
]

#: Least change time at one station assumed for the real 2016 trains (min); 12306 sells connections
#: of about 10 minutes and more at one station.
REAL_CHANGE_MINUTES = 10.0

#: The grid of the calibration step: shifts of the call-share intercept (logit) ...
INTERCEPT_SHIFTS: tuple[float, ...] = (0.5, 0.75, 1.0, 1.25)
#: ... and the pattern correlations tried. (The share of expresses is not on the grid: it is fitted
#: on the real trains, :func:`transit.calibration.service_fit.fit_express`; on the grid it was
#: chosen at 30 % of every through route's trains, where 2.8 % of the real ones of 2016 ran so.)
PATTERN_CORRELATIONS: tuple[float, ...] = (0.0, 0.25, 0.5)

#: The logits tried for ``opening_call_logit`` (a station in its opening period), chosen on the tuning
#: half of the published times (the 2016 timetable has no station in its opening period).
OPENING_CALL_LOGITS: tuple[float, ...] = (0.0, 1.0, 2.0, 3.0, 4.0)
#: ... each judged by the mean absolute log error over this many draws of the stopping patterns
#: (``[service] draw`` 0, 1, ...): a new line runs few trains, so one draw's fastest train is a
#: lottery, and on one draw the tuning half's error jumped by 2-5 points between neighbouring logits.
OPENING_DRAWS = 4
#: A published time is of a line's *first timetable* when the fastest track path between its two
#: stations runs over a section opened less than this many days before it (one yearly timetable).
FIRST_YEAR_DAYS = 365

#: Grid points whose objective is within this of the best are tied: the 2016 pairs cannot tell them
#: apart (0.001 = a tenth of a percentage point of the median error, well under the spread between
#: folds), and the published times of the tuning half (:func:`published_halves`) choose among them.
TIE_TOLERANCE = 0.001

#: The departure window over which fastest journeys are taken (05:00, 19 hours).
_WINDOW = (300.0, 1140)


def real_fastest_pairs(net, timetable: Workbook, *, transfers: bool = True) -> pd.DataFrame:
    """The fastest real journey of the day between every pair of ``net``'s rail stations.

    Parameters
    ----------
    net : Network
        The network on the timetable's date (``load_network().as_of("2016-03-10")``).
    timetable : Workbook
    transfers : bool
        Route the real trains with ``net``'s changes between two stations of one city
        (``net.transfers`` between rail stations, the minutes the service model's timetable
        carries), so that the truth may make the moves the model makes (default). False: changes
        at one station only, as the first versions of this measure did; the model then has moves
        the truth lacks, and reads fast wherever a metro ride between two stations is the way.

    Returns
    -------
    pandas.DataFrame
        ``station_a`` < ``station_b``, ``real_minutes`` (the faster direction), ``direct_minutes``
        (the fastest single train, NaN if none), ``real_median_minutes`` (the typical departure:
        the median over 06:00-22:00 of the earliest arrival minus the minute, the wait included,
        the mean of the two directions; ``inf`` where most minutes of the window have no journey),
        ``kind`` (``direct`` where a single train is as fast as the fastest journey, else
        ``change``), ``main_pair`` (both are :func:`main_stations`).
        Pairs whose fastest journey is a change between stations alone, with no train, are left out.
    """
    real = timetable.to_timetable(default_change_minutes=REAL_CHANGE_MINUTES)
    names = timetable_station_names(net)
    served = set(real.stops["stop_id"])
    walk = _rail_transfers(net, names, served) if transfers else real.transfers.iloc[:0]
    if len(walk):
        real = Timetable(
            real.stops,
            real.trips,
            real.stop_times,
            walk,
            default_change_minutes=real.default_change_minutes,
            service_date=real.service_date,
            label=real.label + " + the network's changes between stations",
        )
    pairs = sorted((s, n) for n, s in names.items() if n in served)
    ids = [s for s, _ in pairs]
    zh = [n for _, n in pairs]
    both = _fastest_either_way(real, zh)
    typical = _typical_either_way(real, zh)
    ia, ib = np.triu_indices(len(ids), 1)
    on_foot = np.full((len(zh), len(zh)), np.inf)  # the change alone, where one joins the two
    at = {n: k for k, n in enumerate(zh)}
    for f, t, m in zip(walk["from_stop_id"], walk["to_stop_id"], walk["min_transfer_minutes"]):
        on_foot[at[f], at[t]] = min(on_foot[at[f], at[t]], float(m))
    on_foot = np.minimum(on_foot, on_foot.T)
    ok = np.isfinite(both[ia, ib]) & (both[ia, ib] < on_foot[ia, ib] - 1e-6)
    obs = observed_pairs(net, timetable)
    direct = {(a, b): m for a, b, m in zip(obs["station_a"], obs["station_b"], obs["minutes"])}
    a = np.asarray(ids, dtype=object)[ia[ok]]
    b = np.asarray(ids, dtype=object)[ib[ok]]
    d = np.array([direct.get((x, y), np.nan) for x, y in zip(a, b)])
    out = pd.DataFrame(
        {
            "station_a": a,
            "station_b": b,
            "real_minutes": both[ia[ok], ib[ok]],
            "direct_minutes": d,
            "real_median_minutes": typical[ia[ok], ib[ok]],
        }
    )
    out["kind"] = np.where(np.isfinite(d) & (d <= out["real_minutes"] + 0.5), "direct", "change")
    main = main_stations(net)
    out["main_pair"] = out["station_a"].isin(main) & out["station_b"].isin(main)
    return out.sort_values(["station_a", "station_b"]).reset_index(drop=True)


def _rail_transfers(net, names: dict[str, str], served: set[str]) -> pd.DataFrame:
    """``net.transfers`` between rail stations the real trains serve, both directions, as rows of
    ``Timetable.transfers`` keyed by 12306 name (``names``: 12306 name -> station id)."""
    zh_of = {s: n for n, s in names.items() if n in served}
    tr = net.transfers
    keep = tr["from_station_id"].isin(zh_of) & tr["to_station_id"].isin(zh_of)
    a = tr.loc[keep, "from_station_id"].map(zh_of).to_numpy()
    b = tr.loc[keep, "to_station_id"].map(zh_of).to_numpy()
    m = tr.loc[keep, "minutes"].to_numpy(dtype=np.float64)
    return pd.DataFrame(
        {"from_stop_id": np.r_[a, b], "to_stop_id": np.r_[b, a], "min_transfer_minutes": np.r_[m, m]},
        columns=list(TRANSFER_COLUMNS),
    )


def main_stations(net) -> set[str]:
    """The main stations of the cities of at least ``[service] terminal_min_population``: the pairs
    planners ask about first (Shanghai Hongqiao - Beijing South, Hefei South - Hangzhou East)."""
    floor = float(net.meta["service"]["terminal_min_population"])
    big = net.cities.loc[net.cities["population"] >= floor, "city_id"]
    return {s for c in big for s in net.city_stations(c, "rail", central=True)}


def pair_errors(tt: Timetable, truth: pd.DataFrame, statistic: str = "fastest") -> pd.DataFrame:
    """``truth`` with the timetable's journey (``model_minutes``) and ``error`` (model / real - 1).

    Parameters
    ----------
    tt : Timetable
    truth : DataFrame
        :func:`real_fastest_pairs`.
    statistic : {"fastest", "median"}
        The fastest journey of the day (against ``real_minutes``), or the typical departure over
        the default window 06:00-22:00, the wait included (against ``real_median_minutes``, the
        statistic of ``travel_times(...).with_statistic("median")``; pairs whose real median is
        not finite are left out, and ``real_minutes`` is set to the real median).

    A pair the timetable cannot join gets ``inf`` minutes and error.
    """
    stops = set(tt.stops["stop_id"])
    if statistic == "median":
        truth = truth[np.isfinite(truth["real_median_minutes"].to_numpy(dtype=np.float64))]
        truth = truth.assign(real_minutes=truth["real_median_minutes"])
    elif statistic != "fastest":
        raise ValueError(f"statistic must be 'fastest' or 'median', got {statistic!r}")
    ids = sorted(s for s in set(truth["station_a"]) | set(truth["station_b"]) if s in stops)
    either = _fastest_either_way if statistic == "fastest" else _typical_either_way
    return _with_model(truth, ids, either(tt, ids))


def _fastest_either_way(tt: Timetable, stops: list[str]) -> np.ndarray:
    """The fastest journey of the day between every two of ``stops``, the faster direction (symmetric)."""
    pr = profile(tt, stops, window_start_minutes=_WINDOW[0], window_minutes=_WINDOW[1])
    fast = pr.fastest_minutes[:, [pr.stops.index(s) for s in stops]]
    return np.minimum(fast, fast.T)


def _typical_either_way(tt: Timetable, stops: list[str]) -> np.ndarray:
    """The typical departure between every two of ``stops`` (the median over the default window of
    the earliest arrival minus the minute), the mean of the two directions (symmetric)."""
    start, length = DEFAULT_WINDOW
    pr = profile(tt, stops, window_start_minutes=start, window_minutes=int(length))
    med = pr.median_minutes[:, [pr.stops.index(s) for s in stops]]
    return (med + med.T) / 2.0


def _with_model(truth: pd.DataFrame, ids: list[str], minutes: np.ndarray) -> pd.DataFrame:
    """``truth`` with ``model_minutes`` read from ``minutes`` (rows and columns ``ids``; a pair with a
    station not in ``ids``: ``inf``) and ``error`` (model / real - 1)."""
    at = {s: k for k, s in enumerate(ids)}
    ia = np.array([at.get(s, -1) for s in truth["station_a"]])
    ib = np.array([at.get(s, -1) for s in truth["station_b"]])
    ok = (ia >= 0) & (ib >= 0)
    model = np.full(len(truth), np.inf)
    model[ok] = minutes[ia[ok], ib[ok]]
    out = truth.assign(model_minutes=model)
    out["error"] = out["model_minutes"] / out["real_minutes"] - 1.0
    return out


def error_table(errors: pd.DataFrame) -> pd.DataFrame:
    """Accuracy by kind of journey (``all``, ``direct``, ``change``; ``main stations``: pairs of main
    stations of the large cities, :func:`main_stations`, where the truth has the column).

    Returns
    -------
    pandas.DataFrame
        Indexed by kind: ``pairs``, ``unreached`` (pairs the model cannot join; counted as outside
        every tolerance), ``median_abs_pct``, ``median_signed_pct``, ``within_15_pct``.
    """
    rows = {}
    groups = [("all", errors), *((k, errors[errors["kind"] == k]) for k in ("direct", "change"))]
    if "main_pair" in errors:
        groups.append(("main stations", errors[errors["main_pair"]]))
    for kind, g in groups:
        e = g["error"].to_numpy(dtype=np.float64)
        rows[kind] = {
            "pairs": len(g),
            "unreached": int(np.isinf(e).sum()),
            "median_abs_pct": round(100 * float(np.median(np.abs(e))), 1) if len(e) else np.nan,
            "median_signed_pct": round(100 * float(np.median(e)), 1) if len(e) else np.nan,
            "within_15_pct": round(100 * float(np.mean(np.abs(e) <= 0.15)), 1) if len(e) else np.nan,
        }
    return pd.DataFrame.from_dict(rows, orient="index")


def _abs_log_errors(error: np.ndarray) -> np.ndarray:
    """``|ln(model / real)|`` of relative errors (``model / real - 1``); unreached (inf) counts as 10x."""
    return np.abs(np.log1p(np.minimum(np.asarray(error, dtype=np.float64), 9.0)))


def _objective(errors: pd.DataFrame) -> float:
    """Mean over direct pairs, changing pairs and pairs of main stations of the median absolute log
    error (unreached: a large error). The third group weighs the few pairs between the largest
    cities, whose expresses the first two medians barely feel."""
    parts = []
    masks = [errors["kind"] == "direct", errors["kind"] == "change"]
    if "main_pair" in errors:
        masks.append(errors["main_pair"])
    for mask in masks:
        e = errors.loc[mask, "error"].to_numpy(dtype=np.float64)
        if len(e):
            parts.append(float(np.median(_abs_log_errors(e))))
    return float(np.mean(parts)) if parts else float("inf")


def calibrate_service(
    net,
    timetable: Workbook,
    *,
    exclude_lines: Iterable[str] = (),
    truth: pd.DataFrame | None = None,
    wc: WorkbookCalls | None = None,
    shifts: Sequence[float] = INTERCEPT_SHIFTS,
    correlations: Sequence[float] = PATTERN_CORRELATIONS,
    published=None,
    tie_tolerance: float = TIE_TOLERANCE,
    opening_logits: Sequence[float] = OPENING_CALL_LOGITS,
    opening_draws: int = OPENING_DRAWS,
) -> dict:
    """Fit the service model's rules, then choose the call level and pattern correlation.

    Parameters
    ----------
    net : Network
        On the timetable's date.
    timetable : Workbook
    exclude_lines : iterable of str
        Lines left out of every step (their legs, their own stations, pairs touching those stations).
    truth : DataFrame, optional
        :func:`real_fastest_pairs` (computed when not given).
    wc : WorkbookCalls, optional
    shifts, correlations : sequence of float
        The grid of the second step (intercept shifts, pattern correlations);
        ``express_min_call_share`` is kept from the network's table.
    published : Network, optional
        The (undated) network whose published times break ties on the grid: among the grid points
        within ``tie_tolerance`` of the best objective, the one with the least median absolute log
        error on the *tuning* half of ``published_times`` (:func:`published_halves`) wins. The other
        half is never used, so that it measures the model out of sample. Without it the best
        objective wins. The tuning half also chooses ``opening_call_logit`` among ``opening_logits``
        (the times of a line's opening service; no station of 2016 is in its opening period).
    tie_tolerance : float
    opening_logits : sequence of float
        Empty: keep ``opening_call_logit`` of network.toml (the folds do; 2016 does not feel it).
        Otherwise the one with the least mean absolute log error on the tuning half, averaged over
        ``opening_draws`` draws of the stopping patterns.
    opening_draws : int

    Returns
    -------
    dict
        ``calls``, ``running``, ``frequency`` shaped as the ``[service]`` sub-tables (usable as
        ``params=`` of :func:`~transit.timetable.service.synthesise_timetable`), ``stats`` of the
        fits, and ``grid``: a DataFrame of the objective per grid point (and ``published_tuning``,
        the tie-break's error, where it was computed).
    """
    excl = sorted(set(exclude_lines))
    truth = real_fastest_pairs(net, timetable) if truth is None else truth
    wc = workbook_calls(net, timetable) if wc is None else wc
    fit = fit_service(net, timetable, exclude_lines=excl, wc=wc)
    held = _fold_stations(net, excl)
    train = truth[~truth["station_a"].isin(held) & ~truth["station_b"].isin(held)]
    express_min = float(net.meta["service"]["calls"]["express_min_call_share"])
    rows = []
    for shift in shifts:
        for rho in correlations:
            calls = dict(fit["calls"], pattern_correlation=float(rho))
            calls["express_min_call_share"] = express_min
            calls["intercept"] = round(fit["calls"]["intercept"] + float(shift), 4)
            params = {"calls": calls, "running": fit["running"], "frequency": fit["frequency"]}
            errors = pair_errors(synthesise_timetable(net, params=params), train)
            rows.append((float(shift), float(rho), _objective(errors), params))
    grid = pd.DataFrame([r[:3] for r in rows], columns=["intercept_shift", "pattern_correlation", "objective"])
    best = min(range(len(rows)), key=lambda i: (rows[i][2], i))
    tied = [i for i in range(len(rows)) if rows[i][2] <= rows[best][2] + tie_tolerance]
    if published is not None:
        tuning = published.tables["published_times"][published_halves(published.tables["published_times"])]
    if published is not None and len(tied) > 1:
        score = {}
        for i in tied:
            e = published_errors(published, params=rows[i][3], rows=tuning)["error"]
            score[i] = float(np.median(_abs_log_errors(e)))
        grid["published_tuning"] = [score.get(i, np.nan) for i in range(len(rows))]
        best = min(tied, key=lambda i: (score[i], rows[i][2], i))
    params = rows[best][3]
    params["calls"]["opening_call_logit"] = float(net.meta["service"]["calls"]["opening_call_logit"])
    stats = dict(fit["stats"])
    if published is not None and len(opening_logits):
        opening_score = {}
        for b in opening_logits:
            scores = []
            for draw in range(opening_draws):
                p = {**params, "draw": draw, "calls": dict(params["calls"], opening_call_logit=float(b))}
                e = published_errors(published, params=p, rows=tuning)["error"]
                scores.append(float(np.mean(_abs_log_errors(e))))
            opening_score[float(b)] = float(np.mean(scores))
        chosen = min(opening_score, key=lambda b: (opening_score[b], b))
        params["calls"]["opening_call_logit"] = chosen
        stats["opening"] = {
            "opening_call_logit": chosen,
            "published_tuning": opening_score,
            "n_tuning": len(tuning),
            "draws": opening_draws,
        }
    stats["grid"] = {
        "intercept_shift": rows[best][0],
        "pattern_correlation": rows[best][1],
        "objective": rows[best][2],
        "tied_points": len(tied) if published is not None else 1,
        "training_pairs": len(train),
    }
    return {**params, "stats": stats, "grid": grid}


def _fold_stations(net, lines: Iterable[str]) -> set[str]:
    """Stations served only by ``lines`` on the network's date."""
    lines = set(lines)
    if not lines:
        return set()
    tg = track_graph(net)
    on_fold: set[str] = set()
    on_other: set[str] = set()
    for line_id, _, pos, _, _ in tg.runs:
        (on_fold if line_id in lines else on_other).update(str(tg.station_ids[p]) for p in pos)
    return on_fold - on_other


def corridor_folds(net, k: int = 4) -> list[list[str]]:
    """The in-service lines of ``net`` dealt into ``k`` folds (by a hash of the line id: stable).

    A fold holds whole lines, so that a corridor is either all in a fold or not in it.
    """
    lines = sorted({line_id for line_id, _, _, _, _ in track_graph(net).runs})
    folds: list[list[str]] = [[] for _ in range(k)]
    for line_id in lines:
        folds[zlib.crc32(line_id.encode()) % k].append(line_id)
    return folds


@dataclass(frozen=True)
class CrossValidation:
    """Out-of-sample errors of the service model by held-out corridor.

    Attributes
    ----------
    errors : pandas.DataFrame
        :func:`pair_errors` rows of every held-out pair, with its ``fold``.
    folds : list of list of str
        The lines of each fold.
    params : list of dict
        The parameters fitted without each fold.
    """

    errors: pd.DataFrame
    folds: list[list[str]]
    params: list[dict]

    def table(self) -> pd.DataFrame:
        """:func:`error_table` of the pooled held-out pairs."""
        return error_table(self.errors)


def cross_validate(
    net, timetable: Workbook, k: int = 4, *, truth: pd.DataFrame | None = None, **grid
) -> CrossValidation:
    """Fit without each fold of corridors, measure on the pairs of its stations (see module docstring).

    Parameters
    ----------
    net : Network
        On the timetable's date.
    timetable : Workbook
    k : int
        Number of folds.
    truth : DataFrame, optional
        :func:`real_fastest_pairs` (computed when not given).
    **grid
        ``shifts``, ``correlations`` and ``published`` for :func:`calibrate_service`.

    Returns
    -------
    CrossValidation
    """
    truth = real_fastest_pairs(net, timetable) if truth is None else truth
    wc = workbook_calls(net, timetable)
    folds = corridor_folds(net, k)
    params = []
    for lines in folds:
        if _held_out_pairs(net, lines, truth).empty:
            params.append({})
            continue
        # the opening call logit is not chosen per fold: no station of 2016 is in its opening period
        fit = calibrate_service(net, timetable, exclude_lines=lines, truth=truth, wc=wc, opening_logits=(), **grid)
        params.append({key: fit[key] for key in ("calls", "running", "frequency")})
    return CrossValidation(held_out_errors(net, folds, params, truth), folds, params)


def _held_out_pairs(net, lines: Iterable[str], truth: pd.DataFrame) -> pd.DataFrame:
    """The pairs of ``truth`` with a station that only ``lines`` serve."""
    held = _fold_stations(net, lines)
    return truth[truth["station_a"].isin(held) | truth["station_b"].isin(held)]


def held_out_errors(
    net, folds: Sequence[Sequence[str]], params: Sequence[dict], truth: pd.DataFrame, statistic: str = "fastest"
) -> pd.DataFrame:
    """:func:`pair_errors` of each fold's model (``params[i]``, fitted without ``folds[i]``) on the
    pairs of ``truth`` with a station only that fold's lines serve, with the column ``fold``.

    Measures fitted folds on another truth too (the same folds against a truth routed without the
    network's changes between stations, say), or on another ``statistic`` (:func:`pair_errors`),
    without fitting again."""
    parts = []
    for i, (lines, p) in enumerate(zip(folds, params)):
        test = _held_out_pairs(net, lines, truth)
        if not test.empty:
            parts.append(pair_errors(synthesise_timetable(net, params=p), test, statistic).assign(fold=i))
    return pd.concat(parts, ignore_index=True) if parts else truth.iloc[:0].assign(fold=0)


def published_halves(published: pd.DataFrame) -> np.ndarray:
    """True for the *tuning* half of published times, False for the held-out half.

    A fixed hash of each row's two stations deals it (so every date of one pair falls in the same
    half, and the halves stay as rows are added): the tuning
    half may break ties on the calibration grid (:func:`calibrate_service`), the held-out half is
    never used by any fit and measures the model.

    Parameters
    ----------
    published : DataFrame
        A ``published_times`` table (``from_station_id``, ``to_station_id``) or the rows of
        :func:`published_errors` (``station_a``, ``station_b``).
    """
    a, b = ("from_station_id", "to_station_id") if "from_station_id" in published else ("station_a", "station_b")
    keys = ("|".join(sorted((str(x), str(y)))) for x, y in zip(published[a], published[b]))
    return np.array([zlib.crc32(k.encode()) % 2 == 0 for k in keys], dtype=bool)


def published_errors(network, *, params: dict | None = None, rows: pd.DataFrame | None = None) -> pd.DataFrame:
    """The service model against the published fastest times of ``network.published_times``.

    Each published time is measured on the network as of its ``valid_from`` date (the day the
    time was first run), between its two stations; the service model never uses these times.

    Parameters
    ----------
    network : Network
        Undated or dated; it is dated again for each row.
    params : dict, optional
        Service parameters replacing some of ``[service]`` (as for ``synthesise_timetable``).
    rows : DataFrame, optional
        Some rows of ``network.tables["published_times"]`` (default: all of them).

    Returns
    -------
    pandas.DataFrame
        ``station_a``, ``station_b``, ``valid_from``, ``real_minutes`` (published), ``model_minutes``,
        ``error``, ``kind`` (``published``), ``source``, ``first_year`` (the fastest track path
        between the two runs over a section opened less than :data:`FIRST_YEAR_DAYS` before
        ``valid_from``: a time of a line's first timetable, as most published times are),
        ``opening`` (that path calls at or passes a station in its opening period: a time of the
        transition service before the first full timetable,
        :func:`~transit.timetable.service.opening_stations`).
    """
    pub = network.tables["published_times"] if rows is None else rows
    parts = []
    for valid_from, group in pub.groupby("valid_from", sort=True):
        net = network.as_of(valid_from)
        tt = synthesise_timetable(net, params=params)
        truth = pd.DataFrame(
            {
                "station_a": group["from_station_id"].to_numpy(),
                "station_b": group["to_station_id"].to_numpy(),
                "real_minutes": group["minutes"].to_numpy(dtype=np.float64),
                "kind": "published",
            }
        )
        new, opening = _over_new_section(net, zip(truth["station_a"], truth["station_b"]), params)
        parts.append(
            pair_errors(tt, truth).assign(
                valid_from=str(valid_from), source=group["source"].to_numpy(), first_year=new, opening=opening
            )
        )
    return pd.concat(parts, ignore_index=True)


def _over_new_section(net, pairs, params: dict | None = None) -> tuple[list[bool], list[bool]]:
    """For each ``(a, b)`` of ``pairs``: whether the fastest track path from ``a`` to ``b`` on ``net``
    runs over a section opened less than :data:`FIRST_YEAR_DAYS` before the network's date, and
    whether it touches a station in its opening period."""
    tg = track_graph(net)
    at = tg.index()
    sp = ServiceParams.from_mapping(net.meta.get("service"), params)
    best = _edge_table(tg, sp)
    search = track_search(tg, best)
    opening = opening_stations(net, sp["opening_period_max_days"])
    ls = net.tables["line_stations"]
    seq = {(str(x), str(y)): int(q) for x, y, q in zip(ls["line_id"], ls["station_id"], ls["seq"])}
    on_line: dict[str, list[tuple[int, str]]] = {}
    for (line, station), q in seq.items():
        on_line.setdefault(line, []).append((q, station))
    day = pd.Timestamp(net.date)
    young = []  # (line, first seq, last seq) of the sections opened within the year
    for line, x, y, opened in zip(
        net.sections["line_id"], net.sections["from_station_id"], net.sections["to_station_id"], net.sections["opened"]
    ):
        if opened is not None and not pd.isna(opened) and (day - pd.Timestamp(opened)).days < FIRST_YEAR_DAYS:
            young.append((str(line), *sorted((seq[(str(line), str(x))], seq[(str(line), str(y))]))))

    def over_young(a: str, b: str) -> tuple[bool, bool]:
        if not (young or opening) or a not in at or b not in at:
            return False, False
        _, pred = search.fastest([at[a]])
        nodes = search.path(pred[0], at[a], at[b])
        new = False
        passed = {str(tg.station_ids[n]) for n in nodes}  # and the stations each hop passes on its line
        for u, v in zip(nodes, nodes[1:]):
            line = best[(u, v)][2]
            lo, hi = sorted((seq[(line, str(tg.station_ids[u]))], seq[(line, str(tg.station_ids[v]))]))
            new |= any(line == yl and ylo <= lo and hi <= yhi for yl, ylo, yhi in young)
            passed.update(st for q, st in on_line[line] if lo <= q <= hi)
        return new, bool(passed & opening)

    flags = [over_young(str(a), str(b)) for a, b in pairs]
    return [f[0] for f in flags], [f[1] for f in flags]


def static_pair_errors(net, truth: pd.DataFrame) -> pd.DataFrame:
    """``truth`` against the static method (:func:`transit.travel_times` with ``method="static"``),
    station to station, the faster direction, for the comparison with the timetable method."""
    matrix = travel_times(net, method="static", measure="station").matrix(level="station")
    known = set(matrix.index) & set(matrix.columns)
    ids = sorted(s for s in set(truth["station_a"]) | set(truth["station_b"]) if s in known)
    m = matrix.loc[ids, ids].to_numpy()
    return _with_model(truth, ids, np.minimum(m, m.T))
