"""Calibrate the service model on the real timetable of 2016-03-10 and measure it out of sample.

Planning question: which rules for the day's trains (where they run, how often, where they stop,
how fast they run between stops) reproduce the fastest real journeys of 2016, with and without a
change, for corridors the fit never saw?

Method (docs/service_model.md, docs/validation.md):

1. the network as of 2016-03-10 and the real trains of that day (matched by 12306 station name);
2. the rules fitted on the real trains (transit.calibration.service_fit): call-share regression,
   start-to-stop running, dwell, the gravity frequency of through routes; then the call level and
   the pattern correlation chosen on a grid against the fastest journeys of the training pairs
   (transit.calibration.service_validation.calibrate_service);
3. ``--folds K``: whole corridors held out, K folds of lines; for each fold everything is fitted
   without its lines and measured on the pairs with a station only those lines serve;
4. published fastest times of other years (networks/<name>/published_times.csv), never used by the
   service model, measured on the network of their date;
5. ``--write`` replaces the fitted keys of ``[service.frequency]``, ``[service.calls]`` and
   ``[service.running]`` in network.toml (the structural keys stay); ``--out FILE`` writes the report.

Usage::

    python scripts/calibrate_service.py [--network yrd] [--timetable PATH] [--folds 4]
                                        [--out report.md [--force]] [--write]

Needs the timetable workbook (``$TRANSIT_SHARED_DATA`` or ``../shared``); exits 2 without it.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

import transit
from transit.calibration.service_fit import service_toml
from transit.calibration.service_validation import (
    OPENING_DRAWS,
    TIE_TOLERANCE,
    calibrate_service,
    cross_validate,
    error_table,
    held_out_errors,
    pair_errors,
    published_errors,
    published_halves,
    real_fastest_pairs,
    static_pair_errors,
)
from transit.data.tomlsource import replace_tables
from transit.timetable.service import synthesise_timetable
from transit.timetable.workbook import TIMETABLE_DATE, load_workbook

#: The fitted sub-tables of ``[service]`` that ``--write`` replaces.
FITTED_TABLES = ("service.frequency", "service.calls", "service.running")


def replace_service_tables(toml_text: str, new_tables: str) -> str:
    """``toml_text`` with its :data:`FITTED_TABLES` replaced by ``new_tables``; ``[service]`` itself stays.

    Raises
    ------
    KeyError
        When network.toml lacks one of the tables (add the ``[service]`` tables first).
    """
    have = {line.strip().strip("[]").strip() for line in toml_text.splitlines() if line.strip().startswith("[")}
    for name in FITTED_TABLES:
        if name not in have:
            raise KeyError(f"network.toml has no [{name}] table to replace; add it first (docs/service_model.md)")
    return replace_tables(toml_text, new_tables.strip(), lambda name: name in FITTED_TABLES)


def markdown(frame: pd.DataFrame) -> str:
    """A small DataFrame as a markdown table (index as the first column)."""
    cols = [frame.index.name or ""] + [str(c) for c in frame.columns]
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for idx, row in frame.iterrows():
        lines.append("| " + " | ".join([str(idx)] + [f"{v:g}" if isinstance(v, float) else str(v) for v in row]) + " |")
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--network", default="yrd", help="network name or folder (default yrd)")
    ap.add_argument("--timetable", help="the 2016 workbook (default: ../shared/data)")
    ap.add_argument("--folds", type=int, default=4, help="corridor folds for the out-of-sample measure (0: skip)")
    ap.add_argument("--out", help="write the report (markdown) to this file")
    ap.add_argument("--force", action="store_true", help="replace --out if it exists")
    ap.add_argument("--write", action="store_true", help="put the fitted values into the network's network.toml")
    args = ap.parse_args(argv)
    try:
        wb = load_workbook(args.timetable)
    except FileNotFoundError as exc:
        print(f"calibrate_service: {exc}", file=sys.stderr)
        return 2
    base = transit.load_network(args.network)
    net = base.as_of(TIMETABLE_DATE)
    t0 = time.perf_counter()
    truth = real_fastest_pairs(net, wb)
    rail_only = real_fastest_pairs(net, wb, transfers=False)
    fit = calibrate_service(net, wb, truth=truth, published=base)
    params = {k: fit[k] for k in ("calls", "running", "frequency")}
    tt = synthesise_timetable(net, params=params)
    in_sample = error_table(pair_errors(tt, truth))
    in_sample_typical = error_table(pair_errors(tt, truth, "median"))
    report = [
        "# Service model: calibration on the 2016 timetable",
        "",
        f"Command: `python scripts/calibrate_service.py --folds {args.folds}`; network `{args.network}` on "
        f"{TIMETABLE_DATE.isoformat()}, {len(truth)} station pairs joined by the real trains of the day, "
        f"{tt.n_trips} synthesised trains. The truth is routed with the network's changes between two stations "
        "of one city (transfers.csv), as the model is; the figures against a truth without them (the measure "
        "before) follow each table.",
        "",
        "## Grid of the second step (objective: mean over direct and changing pairs of the median |log error|)",
        "",
        markdown(fit["grid"].set_index("intercept_shift").round(4)),
        "",
        "## In sample (every parameter fitted on these pairs)",
        "",
        markdown(in_sample),
        "",
        "Against the real trains routed without the network's changes between stations (the model keeps them):",
        "",
        markdown(error_table(pair_errors(tt, rail_only))),
        "",
        "The typical departure (`statistic='median'`: over 06:00-22:00, the median of the earliest arrival minus "
        "the minute, the wait for the train included; pairs where the real trains join the two for most of the "
        "window), in sample. Nothing is fitted to it: the frequency rule is fitted to the real trains between "
        "terminals, the grid to the fastest journeys.",
        "",
        markdown(in_sample_typical),
        "",
        "## The static method on the same pairs (method='static', for comparison)",
        "",
        markdown(error_table(static_pair_errors(net, truth))),
    ]
    if args.folds:
        cv = cross_validate(net, wb, k=args.folds, truth=truth, published=base)
        report += [
            "",
            f"## Out of sample: {args.folds} folds of whole corridors (lines) held out",
            "",
            markdown(cv.table()),
            "",
            "The same fold models against the real trains routed without the network's changes between stations:",
            "",
            markdown(error_table(held_out_errors(net, cv.folds, cv.params, rail_only))),
            "",
            "The same fold models on the typical departure (median over 06:00-22:00, the wait included):",
            "",
            markdown(error_table(held_out_errors(net, cv.folds, cv.params, truth, "median"))),
            "",
            "By fold (lines held out; pairs with a station only they serve):",
            "",
        ]
        for i, lines in enumerate(cv.folds):
            e = cv.errors[cv.errors["fold"] == i]
            t = error_table(e).loc["all"]
            report.append(
                f"- fold {i}: {len(lines)} lines, {int(t['pairs'])} pairs, median abs. {t['median_abs_pct']} %, "
                f"signed {t['median_signed_pct']} %, within 15 % {t['within_15_pct']} %"
            )
    pub = published_errors(base, params=params)
    pub["half"] = np.where(published_halves(pub), "tuning", "held out")
    halves = pd.concat(
        [
            error_table(pub.assign(kind="published")).loc[["all"]],
            error_table(pub[pub["half"] == "held out"].assign(kind="published"))
            .loc[["all"]]
            .rename(index={"all": "held-out half (never used)"}),
            error_table(pub[pub["half"] == "tuning"].assign(kind="published"))
            .loc[["all"]]
            .rename(index={"all": "tuning half (broke ties on the grid)"}),
            error_table(pub[(pub["half"] == "held out") & pub["first_year"]].assign(kind="published"))
            .loc[["all"]]
            .rename(index={"all": "held-out half, a line's first timetable"}),
            error_table(pub[(pub["half"] == "held out") & ~pub["first_year"]].assign(kind="published"))
            .loc[["all"]]
            .rename(index={"all": "held-out half, lines open a year or more"}),
            error_table(pub[(pub["half"] == "held out") & pub["opening"]].assign(kind="published"))
            .loc[["all"]]
            .rename(index={"all": "held-out half, a line's opening service"}),
            error_table(pub[(pub["half"] == "held out") & pub["first_year"] & ~pub["opening"]].assign(kind="published"))
            .loc[["all"]]
            .rename(index={"all": "held-out half, first year after the opening service"}),
        ]
    )
    # the held-out half on other draws of the stopping patterns: how much of its figure is the draw
    held_rows = base.tables["published_times"][~published_halves(base.tables["published_times"])]
    by_draw = [pub[pub["half"] == "held out"]] + [
        published_errors(base, params={**params, "draw": d}, rows=held_rows) for d in range(1, OPENING_DRAWS)
    ]
    draw_rows = []
    for d, e in enumerate(by_draw):
        for name, part in (("all", e), ("opening service", e[e["opening"]])):
            t = error_table(part.assign(kind="published")).loc["all"]
            draw_rows.append(
                (d, name, int(t["pairs"]), t["median_abs_pct"], t["median_signed_pct"], t["within_15_pct"])
            )
    draw_table = pd.DataFrame(
        draw_rows, columns=["draw", "times", "pairs", "median_abs_pct", "median_signed_pct", "within_15_pct"]
    )
    draw_mean = draw_table.groupby("times", sort=False)[["median_abs_pct", "median_signed_pct", "within_15_pct"]].mean()
    opening = fit["stats"].get("opening")
    opening_note = (
        "`opening_call_logit` (a station in its opening period, before the first full timetable) was chosen on the "
        "tuning half: "
        + ", ".join(f"{b:g} -> {v:.4f}" for b, v in opening["published_tuning"].items())
        + f" (mean |log error| of the {opening['n_tuning']} tuning times over {opening['draws']} draws of the stopping "
        f"patterns); chosen {opening['opening_call_logit']:g}."
        if opening
        else ""
    )
    report += [
        "",
        "## Published fastest times of other years (networks/*/published_times.csv)",
        "",
        f"The service model's rules are fitted on 2016 only. Grid points within {TIE_TOLERANCE} of the best "
        "2016 objective are told apart by the tuning half of these times; the held-out half is never used. "
        "A time is of a line's first timetable (`first_year`) when the fastest track path between its stations "
        "runs over a section opened less than a year before it, and of its opening service (`opening`) when that "
        "path touches a station in its opening period (before the next national timetable change, "
        "timetable_changes.csv). " + opening_note,
        "",
        markdown(halves),
        "",
        f"The held-out half on {OPENING_DRAWS} draws of the stopping patterns (`[service] draw`; draw 0 is the "
        "bundled timetable, the figures above): a new line's fastest train is one of few, so its time moves by a "
        "stop or two between draws.",
        "",
        markdown(draw_table.set_index("draw")),
        "",
        "Mean over the draws:",
        "",
        markdown(draw_mean.round(1)),
        "",
        markdown(
            pub.set_index("valid_from")[
                ["station_a", "station_b", "real_minutes", "model_minutes", "error", "half", "first_year", "opening"]
            ].round(3)
        ),
        "",
        f"({time.perf_counter() - t0:.0f} s)",
    ]
    text = "\n".join(report) + "\n"
    print(text)
    print(service_toml(fit, net))
    if args.out:
        transit.write_text(args.out, text, overwrite=args.force)
    if args.write:
        target = Path(base.folder) / "network.toml"
        new = replace_service_tables(target.read_text(encoding="utf-8"), service_toml(fit, net))
        transit.write_text(target, new, overwrite=True)  # --write is the user's request to replace it
        print(f"wrote the fitted [service] tables into {target}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
