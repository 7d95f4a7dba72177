"""Calibrate the running-time model on the real timetable of 2016-03-10.

Planning question: which parameters of ``transit.runtime`` (speed factor, start/stop and dwell
allowances, stop spacing) reproduce the fastest scheduled trains of 2016 between stations of one line?

Method (see docs/running_time.md):

1. the network as of 2016-03-10; its rail stations matched to the timetable by the 12306 name;
2. for every pair of main stations (``--min-daily-trains``, default 100 trains a day) on a common
   line (an unbroken run of open sections) that a direct train links, the fastest scheduled time of
   that day (both directions pooled);
3. pairs the line cannot explain are excluded: the fastest train is faster than the line's km and
   the 2016 top speeds allow even without any stop (another route, or chainage too long: the whole
   line is then left out), or slower than twice the model (a detour);
4. least squares on the relative error ``(model - timetable) / timetable`` with a soft-L1 loss (pairs
   far off weigh less), model = the fastest of the pair's common lines; the top speeds of 2016,
   the start/stop loss and the dwell are fixed; intercity (and conventional, given enough pairs)
   lines get their own speed factor and stop spacing;
5. prints the error by line category and distance, on the fitted pairs and on every pair of
   stations, and the ``[running_time]`` table; ``--write`` puts it into network.toml.

Usage::

    python scripts/calibrate_running_time.py [--network yrd] [--timetable PATH] [--out pairs.csv]
                                             [--min-daily-trains 100] [--write]

Needs the timetable workbook (``$TRANSIT_SHARED_DATA`` or ``../shared``); exits 2 without it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

import numpy as np
import pandas as pd

import transit
from transit.calibration.validation import (
    MAIN_STATION_MIN_TRAINS,
    daily_trains,
    error_summary,
    line_pairs,
    observed_pairs,
    speed_columns,
)
from transit.data.tomlsource import replace_tables
from transit.routing.runtime import ModelParams, operating_kmh, profile_minutes
from transit.timetable.workbook import TIMETABLE_DATE, load_workbook

#: Operating speeds of the 2016 timetable (facts, not fitted): from 2011-07-01 lines designed for
#: 350 km/h ran at 300 and lines designed for 250 km/h at 200 (until the Fuxing trains of 2017).
#: The start/stop loss is physics, not fitted (it trades off against the other allowances and the fit
#: cannot tell them apart): uniform acceleration 0.35 m/s^2 and braking 0.5 m/s^2 lose
#: v/2 (1/a + 1/b), 1.2 min per 100 km/h; dwell 2 min (the usual scheduled stop of a G train).
START = ModelParams(
    max_operating_kmh=300.0, mid_design_operating_kmh=200.0, stop_loss_minutes_per_100kmh=1.2, dwell_minutes=2.0
)

#: Parameters fitted again for the lines of these categories, stored in ``[running_time.<category>]``:
#: intercity lines (城际) and conventional lines carrying D trains, whose fastest trains stop far more
#: often than the expresses of the high-speed trunk lines.
OVERRIDE_CATEGORIES = ("intercity", "conventional")
CATEGORY_FITTED = ("speed_factor", "stop_spacing_km")
#: A category gets its own parameters only with at least this many calibration pairs.
MIN_OVERRIDE_PAIRS = 20

#: Parameters fitted, with their bounds; the others keep their start values.
FITTED = {
    "speed_factor": (0.5, 1.0),
    "terminal_minutes": (0.0, 20.0),
    "stop_spacing_km": (20.0, 2000.0),
    "nonstop_km": (0.0, 300.0),
}


def calibration_pairs(net, timetable, min_daily_trains: int = 0) -> pd.DataFrame:
    """(pair, line) rows of pairs on a common line with their fastest scheduled time."""
    obs = observed_pairs(net, timetable)
    if min_daily_trains:
        busy = daily_trains(net, timetable)
        main = set(busy.index[busy >= min_daily_trains])
        obs = obs[obs["station_a"].isin(main) & obs["station_b"].isin(main)]
    lp = line_pairs(net)
    return lp.merge(obs, on=["station_a", "station_b"], how="inner")


def _model(frame: pd.DataFrame, params: dict) -> np.ndarray:
    """Model minutes of each (pair, line) row, with the category overrides of ``params``."""
    cols, speeds = speed_columns(frame)
    km = frame[cols].to_numpy()
    out = np.empty(len(frame))
    cat = frame["category"].to_numpy()
    for c in np.unique(cat):
        rows = cat == c
        out[rows] = profile_minutes(km[rows], speeds, ModelParams.from_mapping(params, c))
    return out


def screen(frame: pd.DataFrame) -> pd.Series:
    """A reason to exclude each (pair, line) row, or '' to keep it."""
    cols, speeds = speed_columns(frame)
    top = operating_kmh(speeds, START)
    pure = (frame[cols].to_numpy() * (60.0 / top)[None, :]).sum(axis=1)
    default = _model(frame, START)
    reason = np.where(
        frame["minutes"].to_numpy() < pure,
        "faster than the 2016 operating speed allows: another route or chainage too long",
        "",
    )
    reason = np.where(
        (reason == "") & (frame["minutes"].to_numpy() > 2.0 * default),
        "over twice the physical model: the fastest train runs a detour",
        reason,
    )
    return pd.Series(reason, index=frame.index)


def fit(frame: pd.DataFrame, start: ModelParams = START) -> tuple[dict, object]:
    """Least squares (soft-L1) on relative error; model = fastest of the pair's lines.

    Returns the ``[running_time]`` mapping: the general parameters and, under each category of
    :data:`OVERRIDE_CATEGORIES` with at least :data:`MIN_OVERRIDE_PAIRS` pairs, the overrides fitted
    for its lines (:data:`CATEGORY_FITTED`).
    """
    from scipy.optimize import least_squares

    names = list(FITTED)
    n_pairs = frame.drop_duplicates(["station_a", "station_b", "category"])["category"].value_counts()
    cats = [c for c in OVERRIDE_CATEGORIES if n_pairs.get(c, 0) >= MIN_OVERRIDE_PAIRS]
    over = [(c, n) for c in cats for n in CATEGORY_FITTED]
    lo = np.array([FITTED[n][0] for n in names] + [FITTED[n][0] for _, n in over])
    hi = np.array([FITTED[n][1] for n in names] + [FITTED[n][1] for _, n in over])
    x0 = np.clip([getattr(start, n) for n in names] + [getattr(start, n) for _, n in over], lo, hi)
    base = start.to_dict()
    obs = frame.groupby(["station_a", "station_b"])["minutes"].first()
    groups = frame.groupby(["station_a", "station_b"]).ngroup().to_numpy()

    def table(x) -> dict:
        t = {**base, **dict(zip(names, map(float, x[: len(names)])))}
        for (c, n), v in zip(over, x[len(names) :]):
            t.setdefault(c, {})[n] = float(v)
        return t

    def residuals(x):
        m = _model(frame, table(x))
        best = np.full(groups.max() + 1, np.inf)
        np.minimum.at(best, groups, m)
        return (best - obs.to_numpy()) / obs.to_numpy()

    res = least_squares(residuals, x0, bounds=(lo, hi), loss="soft_l1", f_scale=0.1)
    return table(res.x), res


def report(frame: pd.DataFrame, params: dict) -> pd.DataFrame:
    """Per pair: timetable and model minutes, error and the line category of the fastest line."""
    m = _model(frame, params)
    f = frame.assign(model_minutes=m)
    f = f.sort_values("model_minutes").drop_duplicates(["station_a", "station_b"])
    f["error_pct"] = 100.0 * (f["model_minutes"] - f["minutes"]) / f["minutes"]
    return f.sort_values(["category", "line_id", "km"]).reset_index(drop=True)


DOC = {
    "speed_factor": "average cruising speed between stops / operating speed (-)",
    "max_operating_kmh": "top operating speed in the 2016 timetable (km/h); 350 lines ran at 300",
    "mid_design_operating_kmh": "top speed on lines designed for 250 km/h in 2016 (km/h), not fitted",
    "terminal_minutes": "fixed allowance per journey (min)",
    "stop_loss_minutes_per_100kmh": "braking + accelerating for one stop per 100 km/h (min), physics, not fitted",
    "dwell_minutes": "standing time per intermediate stop (min), fixed, not fitted",
    "stop_spacing_km": "fastest trains stop once per this many km beyond nonstop_km (km)",
    "nonstop_km": "distance the fastest train covers without a stop (km)",
}


def toml_table(params: dict, n_pairs: int, summary: dict, min_daily_trains: int) -> str:
    """The ``[running_time]`` table for network.toml, with comments."""
    today = dt.date.today().isoformat()
    which = f" (both with at least {min_daily_trains} trains a day)" if min_daily_trains else ""
    out = [
        "[running_time]",
        f"# Fitted by scripts/calibrate_running_time.py on {today} against the fastest direct trains",
        f"# of the 12306 timetable of 2016-03-10: {n_pairs} station pairs on a common line{which};",
        f"# median absolute error {summary['median_abs_pct']:.1f} %, {summary['within_10']:.0%} within 10 %, "
        f"{summary['within_20']:.0%} within 20 %. See docs/running_time.md.",
    ]
    for k, v in params.items():
        if k in DOC:
            out.append(f"{k} = {round(float(v), 4)}   # {DOC[k]}")
    out.append('calibrated_on = "2016-03-10"   # the timetable day the parameters reproduce')
    for cat, sub in params.items():
        if isinstance(sub, dict):
            out += ["", f"[running_time.{cat}]", f"# Overrides for {cat} lines, fitted in the same run."]
            out += [f"{k} = {round(float(v), 4)}   # {DOC[k]}" for k, v in sub.items()]
    return "\n".join(out)


def replace_running_time(toml_text: str, table: str) -> str:
    """``toml_text`` with its ``[running_time]`` and ``[running_time.*]`` tables replaced by ``table``
    (appended at the end where there is none); every other line is kept as it is."""
    return replace_tables(toml_text, table, lambda name: name == "running_time" or name.startswith("running_time."))


def describe(rep: pd.DataFrame) -> None:
    """Print the error by line category and by distance."""
    print("by line category:")
    for cat, g in rep.groupby("category"):
        s = error_summary(g["error_pct"])
        print(
            f"  {cat:<13} n={s['n']:4d} median {s['median_abs_pct']:5.1f} %  within 10 %: "
            f"{s['within_10']:4.0%}  within 20 %: {s['within_20']:4.0%}  bias "
            f"{np.median(g['error_pct']):+.1f} %"
        )
    print("by distance:")
    for b, g in rep.groupby(pd.cut(rep["km"], [0, 50, 100, 200, 400, 800, 3000]), observed=True):
        s = error_summary(g["error_pct"])
        print(
            f"  {str(b):<12} n={s['n']:4d} median {s['median_abs_pct']:5.1f} %  bias {np.median(g['error_pct']):+.1f} %"
        )


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--network", default="yrd", help="network name or folder (default yrd)")
    ap.add_argument("--timetable", default=None, help="path of hsr_timetable_20160310.xlsx")
    ap.add_argument(
        "--min-daily-trains",
        type=int,
        default=MAIN_STATION_MIN_TRAINS,
        help="fit on pairs of stations with at least this many trains a day "
        f"(default {MAIN_STATION_MIN_TRAINS}, the main stations of the validation; 0: all)",
    )
    ap.add_argument("--out", default=None, help="write the calibration pairs with errors to this CSV")
    ap.add_argument("--force", action="store_true", help="overwrite --out if it exists")
    ap.add_argument(
        "--keep-suspect-lines",
        action="store_true",
        help="keep the other pairs of a line where some pair is faster than its km and top "
        "speed allow (left out by default: such a line's chainage is suspect)",
    )
    ap.add_argument(
        "--write",
        action="store_true",
        help="write the fitted [running_time] table into the network's network.toml (only that table is replaced)",
    )
    args = ap.parse_args(argv)
    try:
        timetable = load_workbook(args.timetable)
    except FileNotFoundError as e:
        print(f"cannot calibrate: {e}", file=sys.stderr)
        return 2
    net = transit.load_network(args.network).as_of(TIMETABLE_DATE.isoformat())
    frame = calibration_pairs(net, timetable, args.min_daily_trains)
    frame = frame.assign(reason=screen(frame))
    # a line with a pair the km and top speed cannot explain has suspect chainage: leave it all out
    suspect = sorted(set(frame.loc[frame["reason"].str.startswith("faster"), "line_id"]))
    if suspect and not args.keep_suspect_lines:
        print(f"lines left out, their chainage is suspect (see the excluded pairs): {', '.join(suspect)}")
        frame.loc[frame["line_id"].isin(suspect) & (frame["reason"] == ""), "reason"] = "line with suspect chainage"
    kept = frame[frame["reason"] == ""]
    # a pair is kept if at least one of its lines explains it
    excluded = frame[frame["reason"] != ""].merge(
        kept[["station_a", "station_b"]].drop_duplicates(), how="left", indicator=True
    )
    excluded = excluded[excluded["_merge"] == "left_only"].drop(columns="_merge")
    n_pairs = kept[["station_a", "station_b"]].drop_duplicates().shape[0]
    print(
        f"{frame[['station_a', 'station_b']].drop_duplicates().shape[0]} pairs on a common line "
        f"linked by a direct train; {n_pairs} kept, "
        f"{excluded[['station_a', 'station_b']].drop_duplicates().shape[0]} excluded"
    )
    params, res = fit(kept)
    rep = report(kept, params)
    overall = error_summary(rep["error_pct"])
    print(f"fit: cost {res.cost:.3f}, {res.nfev} evaluations, status {res.status}")
    print(
        f"median absolute error {overall['median_abs_pct']:.1f} %, within 10 %: "
        f"{overall['within_10']:.0%}, within 20 %: {overall['within_20']:.0%} (n={overall['n']})"
    )
    describe(rep)
    if args.min_daily_trains:
        every = calibration_pairs(net, timetable, 0)
        every = every[(screen(every) == "") & ~every["line_id"].isin(suspect)]
        rep_all = report(every, params)
        s = error_summary(rep_all["error_pct"])
        print(
            f"the same parameters on every pair of stations on a common line (n={s['n']}): median "
            f"{s['median_abs_pct']:.1f} %, within 10 %: {s['within_10']:.0%}, within 20 %: "
            f"{s['within_20']:.0%}, median signed error {np.median(rep_all['error_pct']):+.1f} %"
        )
        describe(rep_all)
    if len(excluded):
        print("excluded pairs:")
        shown = excluded[excluded["reason"] != "line with suspect chainage"]
        for r in shown.drop_duplicates(["station_a", "station_b", "line_id"]).itertuples():
            print(
                f"  {r.name_a}-{r.name_b} on {r.line_id} ({r.km:.0f} km, design {r.min_design_kmh}-"
                f"{r.max_design_kmh}): {r.train} {r.minutes:.0f} min; {r.reason}"
            )
    print()
    table = toml_table(params, n_pairs, overall, args.min_daily_trains)
    print(table)
    if args.write:
        target = Path(net.folder) / "network.toml"
        new = replace_running_time(target.read_text(encoding="utf-8"), table)
        transit.write_text(target, new, overwrite=True)  # --write is the user's request to replace it
        print(f"wrote [running_time] into {target}")
    if args.out:
        out = Path(args.out)
        if out.exists() and not args.force:
            print(f"{out} exists; pass --force to overwrite", file=sys.stderr)
            return 1
        with transit.atomic_open(out, overwrite=args.force) as fh:
            rep.to_csv(fh, index=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
