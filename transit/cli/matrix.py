"""``transit matrix``: the travel-time matrix between cities or stations (:func:`transit.travel_times`).

    transit matrix [--origins PLACE ...] [--destinations PLACE ...] [--level city|station]
                   [--modes rail] [--measure station] [--year Y | --date D] [--scenario S]
                   [--format table|csv|json] [--out FILE.csv|xlsx|json|geojson|gpkg] [--force]

Rows are origins, columns destinations, cells minutes (unreachable: empty in CSV and Excel, null in
JSON, ``-`` in the terminal, where the table is shown turned, one destination a line).
"""

from __future__ import annotations

import argparse
import json
import math
import sys

import numpy as np
import pandas as pd

from transit.cli._common import EXIT_OK, network_from_args
from transit.cli._tables import check_out, emit_frame, frame_text, out_suffix, parse_modes, split_places, terminal_width
from transit.cli._warmup import note_first_compile
from transit.data.network import Network
from transit.export import GEO_SUFFIXES, SUFFIXES
from transit.travel import travel_times

__all__ = ["run", "minutes_matrix"]


def _expand(net: Network, places: list[tuple[str, str]], level: str) -> list[str]:
    """Place ids at the level asked for: a city stands for its stations at ``level="station"``."""
    out: list[str] = []
    for kind, pid in places:
        if level == "station" and kind == "city":
            ids = net.city_stations(pid)
        elif level == "city" and kind == "station":
            ids = [pid]  # a station stays itself: its own row or column
        else:
            ids = [pid]
        out.extend(i for i in ids if i not in out)
    return out


def _check_modes(net: Network, typed: list[str], places: list[tuple[str, str]], modes: tuple[str, ...]) -> None:
    """An airport needs mode air, a rail station mode rail: say so with the option to change."""
    kinds = net.stations.set_index("station_id")["kind"]
    for text, (kind, pid) in zip(typed, places):
        if kind != "station":
            continue
        need = "air" if kinds.get(pid) == "airport" else "rail"
        if need not in modes:
            what = "an airport" if need == "air" else "a rail station"
            raise ValueError(f"{text!r} is {what} ({pid}); add {need} to --modes (e.g. --modes rail,air)")


def minutes_matrix(
    net: Network,
    *,
    origins: list[str] | None,
    destinations: list[str] | None,
    level: str = "city",
    modes: tuple[str, ...] = ("rail",),
    measure: str = "station",
) -> pd.DataFrame:
    """Origins x destinations minutes (``inf`` unreachable), index ``origin_id``, columns destination ids.

    Parameters
    ----------
    net : Network
    origins, destinations : list of str, optional
        Places in any form :meth:`Network.resolve` takes; default every city (``level="city"``) or every
        station and airport of the graph (``"station"``). At the station level a city means its stations.
    level : {"city", "station"}
    modes, measure :
        Passed to :func:`transit.travel_times`.
    """
    places_o = net.places(origins) if origins else []
    places_d = net.places(destinations) if destinations else []
    _check_modes(net, list(origins or []) + list(destinations or []), places_o + places_d, modes)
    orig = _expand(net, places_o, level) if origins else None
    dest = _expand(net, places_d, level) if destinations else None
    note_first_compile("matrix")  # the input is good: routing (and a first compile) comes next
    tt = travel_times(net, modes=modes, measure=measure, origins=orig)
    cities = set(net.cities["city_id"])
    if level == "station":
        full = tt.matrix("station")
        rows = orig if orig is not None else list(full.index)
        cols = dest if dest is not None else list(full.columns)
        missing = [p for p in rows + cols if p not in full.index and p not in full.columns]
        if missing:
            raise ValueError(
                f"{', '.join(missing)} not in the {measure} graph for modes {'+'.join(modes)} "
                "(an airport needs mode air, a rail station mode rail)"
            )
        frame = full.reindex(index=rows, columns=cols)
    elif (orig is None or set(orig) <= cities) and (dest is None or set(dest) <= cities):
        full = tt.matrix("city")
        rows = orig if orig is not None else list(full.index)
        cols = dest if dest is not None else list(full.columns)
        frame = full.reindex(index=rows, columns=cols)
    else:
        rows = orig if orig is not None else sorted(cities)
        cols = dest if dest is not None else sorted(cities)
        frame = pd.DataFrame([[tt.get(a, b) for b in cols] for a in rows], index=rows, columns=cols)
    frame = frame.astype(float).fillna(np.inf)
    frame.index.name, frame.columns.name = "origin_id", "destination_id"
    frame.attrs.update(date=net.date.isoformat(), modes=modes, measure=measure, level=level)
    return frame


def _label(net: Network, pid: str) -> str:
    try:
        kind, _ = net.resolve(pid)
        row = net.city(pid) if kind == "city" else net.station(pid)
    except KeyError:
        return pid
    return f"{pid} {row['name_zh']}"


def _turned(net: Network, frame: pd.DataFrame) -> pd.DataFrame:
    """The matrix one destination a line, origins as columns (for a terminal)."""
    table = frame.T.copy()
    table.insert(0, "to \\ from", [_label(net, d) for d in table.index])
    return table.reset_index(drop=True)


def _json(frame: pd.DataFrame) -> str:
    values = [[None if not math.isfinite(v) else round(float(v), 2) for v in row] for row in frame.to_numpy(float)]
    payload = {
        "as_of": frame.attrs.get("date"),
        "modes": list(frame.attrs.get("modes", ())),
        "measure": frame.attrs.get("measure"),
        "level": frame.attrs.get("level"),
        "origins": [str(o) for o in frame.index],
        "destinations": [str(d) for d in frame.columns],
        "minutes": values,
    }
    return json.dumps(payload, ensure_ascii=False, indent=1, allow_nan=False) + "\n"


def _geo(net: Network, frame: pd.DataFrame, level: str):
    """Destination points with one ``from_<origin>`` column of minutes per origin."""
    # the [maps] extra (geopandas), needed only for a GeoJSON or GeoPackage file
    from transit.geodata import cities_frame, stations_frame  # noqa: PLC0415

    key = "city_id" if level == "city" else "station_id"
    points = cities_frame(net) if level == "city" else stations_frame(net)
    by_dest = frame.T
    by_dest.columns = [f"from_{o}" for o in frame.index]
    out = points.merge(by_dest, left_on=key, right_index=True, how="inner")
    return out.reset_index(drop=True)


def run(args: argparse.Namespace) -> int:
    """``transit matrix``: the matrix, printed or written to --out."""
    suffix = out_suffix(args.out, SUFFIXES, "transit matrix")
    check_out(args.out, args.force)
    modes = parse_modes(args.modes)
    net = network_from_args(args)
    frame = minutes_matrix(
        net,
        origins=split_places(args.origins) or None,
        destinations=split_places(args.destinations) or None,
        level=args.level,
        modes=modes,
        measure=args.measure,
    ).round(2)  # hundredths of a minute: no float noise (35.99999999999994) in files
    if args.out:
        emit_frame(_geo(net, frame, args.level) if suffix in GEO_SUFFIXES else frame, args)
    elif args.format == "json":
        sys.stdout.write(_json(frame))
    elif args.format == "csv":
        sys.stdout.write(frame_text(frame.reset_index(), "csv"))
    else:
        print(
            f"minutes on network {net.label!r} on {net.date.isoformat()} ({'+'.join(modes)}, "
            f"{args.measure} measure); - unreachable"
        )
        sys.stdout.write(frame_text(_turned(net, frame), "table", formats=_formats(frame), width=terminal_width()))
    return EXIT_OK


def _formats(frame: pd.DataFrame) -> dict:
    return {str(c): (lambda v: f"{v:.0f}") for c in frame.index}
