"""``transit compare A B``: accessibility indicators of two networks and the change (two years or scenarios).

    transit compare A B [--network yrd] [--year Y | --date D] [--modes rail] [--measure door]
                        [--origin CITY] [--rows N] [--format table|csv|json]
                        [--out FILE.csv|xlsx|json|geojson|gpkg|png|pdf|svg] [--force]

A and B are each a year (``2030``), a date (``2016-03-10``), a bundled scenario name or scenario file
(applied to the network at --year/--date, default the data's date), ``base`` (that network), or a
year or date joined to scenarios by ``+`` (``2030+wenzhou-fuzhou-hsr``). The table is
:func:`transit.accessibility_change`; a figure --out is the minutes-saved map from --origin
(:func:`transit.maps.plot_minutes_saved`).
"""

from __future__ import annotations

import argparse
import re
import sys

import pandas as pd

from transit.cli._common import EXIT_OK, network_at
from transit.cli._tables import FIGURE_SUFFIXES, check_out, emit_frame, out_suffix, parse_modes
from transit.cli._warmup import note_first_compile
from transit.cli.access import default_group, table_formats, with_city_points
from transit.data.network import Network, load_network
from transit.export import GEO_SUFFIXES, SUFFIXES
from transit.indicators import accessibility_change
from transit.scenarios import apply_scenarios

__all__ = ["run", "network_of", "SHOWN_COLUMNS"]

#: The columns printed in the terminal (all of them go to --out, csv and json).
SHOWN_COLUMNS = (
    "city_id",
    "name",
    "watt_minutes_a",
    "watt_minutes_b",
    "watt_minutes_change",
    "potential_change_pct",
    "pop_within_2h_a",
    "pop_within_2h_b",
    "pop_within_3h_change",
)

_YEAR = re.compile(r"^\d{4}$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_BASE = ("base", "today", "now")


def network_of(text: str, base: Network, base_at: Network) -> Network:
    """The network an operand of ``transit compare`` names (see the module notes).

    Parameters
    ----------
    text : str
        ``2030``, ``2016-03-10``, ``base``, a scenario name or file, or ``WHEN+SCENARIO[+...]``.
    base : Network
        The network as loaded (a year or a date is taken from it).
    base_at : Network
        The network at --year/--date (a scenario alone is applied to it).
    """
    parts = [p.strip() for p in str(text).split("+")]
    if not parts[0] and len(parts) == 1:
        raise ValueError("an empty operand; give a year, a date, a scenario or base")
    head, rest = parts[0], parts[1:]
    if _YEAR.match(head):
        net = network_at(base, int(head), None)
    elif _DATE.match(head):
        net = network_at(base, None, head)
    elif head.casefold() in _BASE:
        net = base_at
    else:
        net, rest = base_at, parts
    if any(not p for p in rest):
        raise ValueError(f"{text!r}: an empty scenario name between '+' signs")
    net, _ids = apply_scenarios(net, rest or None)
    return net


def _describe(text: str, net: Network) -> str:
    extra = f" with {', '.join(net.scenarios)}" if net.scenarios else ""
    return f"{text} (network {net.label!r} on {net.date.isoformat()}{extra})"


def run(args: argparse.Namespace) -> int:
    """``transit compare``: the indicator change table, or the change map with a figure --out."""
    suffix = out_suffix(args.out, (*SUFFIXES, *FIGURE_SUFFIXES), "transit compare")
    check_out(args.out, args.force)
    modes = parse_modes(args.modes)
    if suffix in FIGURE_SUFFIXES and not args.origin:
        raise ValueError("a change map (--out .png, .pdf, .svg) shows the minutes saved from one city: give --origin")
    if args.rows is not None and args.rows < 1:
        raise ValueError(f"--rows must be at least 1 (got {args.rows})")
    base = load_network(args.network)
    base_at = network_at(base, args.year, args.date)
    net_a = network_of(args.a, base, base_at)
    net_b = network_of(args.b, base, base_at)
    note_first_compile(args)
    if suffix in FIGURE_SUFFIXES:
        # matplotlib (the [maps] extra) loads only for a figure
        from transit.maps.draw import plot_minutes_saved, save_figure  # noqa: PLC0415

        fig = plot_minutes_saved(net_a, net_b, net_b.city(args.origin).name, modes=modes, measure=args.measure)
        path = save_figure(fig, args.out, overwrite=args.force)
        print(f"wrote {path}", file=sys.stderr)
        return EXIT_OK
    change = accessibility_change(net_a, net_b, modes=modes, measure=args.measure, group=default_group(net_b, None))
    change = change.sort_values(["watt_minutes_change", "city_id"], kind="stable", na_position="last")
    change = change.reset_index(drop=True)
    if args.out:
        emit_frame(with_city_points(net_b, change) if suffix in GEO_SUFFIXES else change, args)
        return EXIT_OK
    if args.format != "table":
        emit_frame(change, args)
        return EXIT_OK
    print(f"A: {_describe(args.a, net_a)}\nB: {_describe(args.b, net_b)}")
    print(f"({'+'.join(modes)}, {args.measure} measure; largest WATT gains first; populations in millions)")
    shown = change[[c for c in SHOWN_COLUMNS if c in change.columns]].head(args.rows)
    formats, headers = table_formats(pd.DataFrame(columns=shown.columns))
    emit_frame(shown, args, formats=formats, headers=headers)
    if len(change) > len(shown):
        print(f"({len(change) - len(shown)} more cities: --rows N, --format csv or --out FILE for all)")
    return EXIT_OK
