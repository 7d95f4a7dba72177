"""Accessibility indicators of every city on two networks, and what changes between them.

Planning question: how much does a new line (or everything expected open by a year) change each
city's accessibility: weighted average travel time (WATT), potential accessibility, population
reached within 1, 2 and 3 hours, and the share of the 27 central YRD cities within 2 hours?

Network A is the bundled network as of ``--year-a`` (default: its data date); network B is
``--year-b`` (default 2030) and, with ``--scenario NAME``, that scenario applied to it (the goals
helper's ``transit.scenarios.load_scenario(NAME).apply(net)``). Writes into ``--out``:

- ``indicators_<a>_<b>.csv``: one row per city, each indicator for A, B and the change;
- ``indicators_<a>_<b>.md``: the main columns as a markdown table, largest gains first;
- ``saved_<origin>_<a>_<b>.png``: minutes-saved map from ``--origin`` (default Wenzhou).

Usage::

    python scripts/compare_scenarios.py --out results/ [--network yrd] [--year-a 2026] [--year-b 2030]
        [--scenario wenzhou-fuzhou-hsr] [--origin Wenzhou] [--modes rail] [--measure door]
        [--rows yrd|all|GROUP] [--destinations yrd|all|GROUP] [--force]

Definitions and default parameters: docs/indicators.md. Exit status 0 on success, 2 on bad arguments.
"""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

import transit  # noqa: E402
from transit import maps  # noqa: E402
from transit.indicators import accessibility_change  # noqa: E402

MD_COLUMNS = [
    ("name", "city", "{}"),
    ("watt_minutes_a", "WATT A (min)", "{:.0f}"),
    ("watt_minutes_b", "WATT B (min)", "{:.0f}"),
    ("watt_minutes_change", "WATT change", "{:+.0f}"),
    ("potential_change_pct", "potential change (%)", "{:+.1f}"),
    ("pop_within_2h_a", "pop. within 2 h A (M)", "{:.1f}"),
    ("pop_within_2h_b", "pop. within 2 h B (M)", "{:.1f}"),
    ("pop_within_3h_change", "pop. within 3 h change (M)", "{:+.1f}"),
]


def parse_args(argv=None):
    p = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--out", required=True, type=Path)
    p.add_argument("--network", default="yrd")
    p.add_argument("--year-a", default=None, help="date or year of network A (default: the data date)")
    p.add_argument("--year-b", default="2030", help="date or year of network B (default 2030)")
    p.add_argument("--scenario", default=None, help="scenario applied to network B (name or .toml path)")
    p.add_argument("--origin", default="wenzhou", help="origin of the minutes-saved map")
    p.add_argument(
        "--rows",
        default="yrd",
        help="cities tabulated: 'yrd' (the cities of Shanghai, Jiangsu, Zhejiang, Anhui; default), "
        "'all', or a group id",
    )
    p.add_argument(
        "--group", default="yrd_central_27", help="group whose share within 2 h is reported (default yrd_central_27)"
    )
    p.add_argument(
        "--destinations", default="yrd", help="cities counted as destinations: 'yrd' (default), 'all', or a group id"
    )
    p.add_argument("--modes", default="rail", help="comma-separated modes (default rail)")
    p.add_argument("--measure", default="door", choices=("door", "station"))
    p.add_argument("--grid-km", type=float, default=2.0)
    p.add_argument("--force", action="store_true", help="overwrite existing files")
    return p.parse_args(argv)


YRD_PROVINCES = ("Shanghai", "Jiangsu", "Zhejiang", "Anhui")


def city_set(net, which: str):
    """None (all cities), the YRD provinces' cities, or a group id (checked by the network)."""
    if which == "all":
        return None
    if which == "yrd":
        c = net.cities
        return list(c.loc[c["province"].isin(YRD_PROVINCES), "city_id"])
    net.group(which)  # raises with a suggestion for an unknown group
    return which


def _when(value):
    return int(value) if value is not None and str(value).isdigit() else value


def markdown_table(df: pd.DataFrame, title: str, group: str | None = None) -> str:
    """The main indicator columns as a markdown table (populations in millions, shares in %)."""
    columns = list(MD_COLUMNS)
    if group is not None and f"share_{group}_within_2h_a" in df.columns:
        columns += [
            (f"share_{group}_within_2h_a", f"{group} within 2 h A (%)", "{:.0f}"),
            (f"share_{group}_within_2h_b", f"{group} within 2 h B (%)", "{:.0f}"),
        ]
    lines = [
        f"# {title}",
        "",
        "| " + " | ".join(h for _, h, _ in columns) + " |",
        "|" + "|".join("---" if c == "name" else "---:" for c, _, _ in columns) + "|",
    ]
    for _, row in df.iterrows():
        cells = []
        for col, _, fmt in columns:
            v = row[col]
            if col.startswith("pop_"):
                v = v / 1e6
            elif col.startswith("share_"):
                v = 100.0 * v
            cells.append("" if isinstance(v, float) and not np.isfinite(v) else fmt.format(v))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    args = parse_args(argv)
    modes = tuple(m.strip() for m in args.modes.split(",") if m.strip())
    base = transit.load_network(args.network)
    net_a = base.as_of(_when(args.year_a)) if args.year_a else base
    net_b = base.as_of(_when(args.year_b))
    label_b = str(net_b.date)
    if args.scenario:
        try:
            from transit.scenarios import load_scenario
        except ImportError:
            print("error: --scenario needs transit.scenarios, which this installation lacks", file=sys.stderr)
            return 2
        try:
            net_b = load_scenario(args.scenario).apply(net_b)
        except transit.TransitError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        label_b += f" + {args.scenario}"
    try:
        origin = net_b.city(args.origin).name
    except KeyError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    stem = f"{net_a.date}_{net_b.date}" + (f"_{Path(args.scenario).stem}" if args.scenario else "")
    try:
        rows, dests = city_set(net_a, args.rows), city_set(net_a, args.destinations)
        net_a.group(args.group)
    except (KeyError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    ch = accessibility_change(
        net_a, net_b, modes=modes, measure=args.measure, origins=rows, destinations=dests, group=args.group
    )
    ch = ch.sort_values("potential_change_pct", ascending=False, kind="stable", na_position="last")
    buf = io.StringIO()
    ch.to_csv(buf, index=False, float_format="%.4g", lineterminator="\n")
    try:
        transit.write_text(
            args.out / f"indicators_{stem}.csv", buf.getvalue(), overwrite=args.force, hint="pass --force"
        )
        title = (
            f"Accessibility, {args.measure} measure by {' + '.join(modes)}: "
            f"A = {net_a.date}, B = {label_b}; destinations: {args.destinations} cities"
        )
        note = (
            "\nWATT: population-weighted average travel time to the other cities reached; potential: "
            "Hansen potential with exp(-0.005 t); definitions in docs/indicators.md.\n"
        )
        transit.write_text(
            args.out / f"indicators_{stem}.md",
            markdown_table(ch, title, args.group) + note,
            overwrite=args.force,
            hint="pass --force",
        )
        extent = maps.default_extent(net_a, origin, include_cities=("fuzhou", "ningde"))
        fig = maps.plot_minutes_saved(
            net_a,
            net_b,
            origin,
            labels=(str(net_a.date), label_b),
            modes=modes,
            measure=args.measure,
            grid_km=args.grid_km,
            extent=extent,
        )
        maps.save_figure(fig, args.out / f"saved_{origin}_{stem}.png", overwrite=args.force)
        plt.close(fig)
    except FileExistsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {args.out}/indicators_{stem}.csv, .md and saved_{origin}_{stem}.png")
    top = ch.head(5)[["name", "potential_change_pct", "watt_minutes_change"]]
    print(top.to_string(index=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
