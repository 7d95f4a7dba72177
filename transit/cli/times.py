"""``transit times A B``: the fastest time between two places and its route."""

from __future__ import annotations

import argparse
import json
import math
import sys

from transit.cli._common import EXIT_OK, network_from_args
from transit.data.network import Network
from transit.goals import PlaceTimer, city_station_sets, format_minutes
from transit.goals.routes import _line_name, route_to_dict
from transit.modes import normalise_modes
from transit.travel import travel_times


def run(args: argparse.Namespace) -> int:
    """``transit times A B``: the fastest time and its route."""
    try:
        modes = normalise_modes(args.modes.replace("+", ","))
    except ValueError:
        raise ValueError(f"--modes takes rail, air or rail,air (got {args.modes!r})") from None
    net = network_from_args(args)
    a, b = net.resolve(args.origin), net.resolve(args.destination)
    tt = travel_times(net, modes=modes, measure=args.measure, origins=[a[1]])
    sets = None
    if args.measure == "station" and args.city_stations == "all":
        sets = city_station_sets(net, [a[1], b[1]], "all")
    timer = PlaceTimer(net, tt, sets)
    minutes = timer.minutes(a[1], b[1])
    route = timer.route(a[1], b[1])
    info = route_to_dict(net, route) if math.isfinite(minutes) else None
    if args.format == "json":
        payload = {
            "origin": a[1],
            "destination": b[1],
            "as_of": net.date.isoformat(),
            "modes": [str(m) for m in modes],
            "measure": args.measure,
            "city_stations": args.city_stations if args.measure == "station" else None,
            "minutes": round(minutes, 1) if math.isfinite(minutes) else None,
            "route": info,
        }
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
        return EXIT_OK
    print(
        f"{_label(net, a)} -> {_label(net, b)} on {net.date.isoformat()} "
        f"({'+'.join(modes)}, {args.measure} measure): {format_minutes(minutes)}"
    )
    if info:
        print(f"  {info['summary']}; {info['transfers']} transfer(s)")
        for leg in info["legs"]:
            print(
                f"    {leg['from_name']:<28} -> {leg['to_name']:<28} {leg['kind']:<8} "
                f"{_via_name(net, leg):<32} {leg['minutes']:6.1f} min"
            )
    return EXIT_OK


def _label(net: Network, resolved: tuple[str, str]) -> str:
    kind, pid = resolved
    row = net.city(pid) if kind == "city" else net.station(pid)
    return f"{row['name']} {row['name_zh']}"


def _via_name(net: Network, leg: dict) -> str:
    return _line_name(net, leg["via"]) if leg["kind"] == "rail" else leg["via"]
