"""``transit times A B``: the fastest time between two places and its route.

With ``--gtfs FEED`` the times come from a GTFS timetable instead of a network
(:func:`transit.timetable.query.gtfs_times`): the earliest arrival from stop A to stop B leaving at
``--depart``, and with ``--window`` the fastest journey, the median and the useful departures of the
window.
"""

from __future__ import annotations

import argparse
import io
import json
import math
import sys
from contextlib import redirect_stdout

from transit.cli._common import EXIT_OK, network_from_args, write_output
from transit.cli._tables import check_out
from transit.cli._warmup import note_first_compile
from transit.clock import format_clock
from transit.data.network import Network
from transit.goals import PlaceTimer, city_station_sets, format_minutes
from transit.goals.routes import json_minutes, line_name, route_to_dict
from transit.modes import normalise_modes
from transit.timetable.query import gtfs_times
from transit.travel import travel_times


def run(args: argparse.Namespace) -> int:
    """``transit times A B``: the fastest time and its route, printed or written to ``--out``."""
    out = getattr(args, "out", None)
    check_out(out, getattr(args, "force", False))  # before any work: an existing file without --force
    text = io.StringIO()
    with redirect_stdout(text):
        code = _run(args)
    write_output(text.getvalue(), out, getattr(args, "force", False))
    return code


def _run(args: argparse.Namespace) -> int:
    if getattr(args, "gtfs", None):
        return run_gtfs(args)
    if getattr(args, "window", None) is not None:
        raise ValueError("--window applies with --gtfs FEED only")
    try:
        modes = normalise_modes(args.modes.replace("+", ","))
    except ValueError:
        raise ValueError(f"--modes takes rail, air or rail,air (got {args.modes!r})") from None
    net = network_from_args(args)
    a, b = net.resolve(args.origin), net.resolve(args.destination)
    options = {"statistic": args.statistic} if args.method == "timetable" else {}
    if args.method == "static" and args.statistic != "fastest":
        raise ValueError("--statistic needs --method timetable; the static method has only the fastest time")
    note_first_compile(args)  # the input is good: routing (and a first compile) comes next
    tt = travel_times(net, method=args.method, modes=modes, measure=args.measure, origins=[a[1]], **options)
    sets = None
    if args.measure == "station" and args.city_stations == "all":
        sets = city_station_sets(net, [a[1], b[1]], "all")
    timer = PlaceTimer(net, tt, sets)
    minutes = timer.minutes(a[1], b[1])
    typical = timer.typical(a[1], b[1])
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
            "method": str(tt.method),
            "statistic": tt.statistic,
            "window_minutes": list(tt.window) if tt.window else None,
            "minutes": round(minutes, 1) if math.isfinite(minutes) else None,
            "typical_minutes": json_minutes(typical),
            "route": info,
        }
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
        return EXIT_OK
    print(
        f"{_label(net, a)} -> {_label(net, b)} on {net.date.isoformat()} "
        f"({'+'.join(modes)}, {args.measure} measure): {format_minutes(minutes)}"
        + (f"; typical departure {format_minutes(typical)}" if typical is not None else "")
    )
    print(f"  {_method_line(tt)}")
    if info:
        print(f"  {info['summary']}; {info['transfers']} transfer(s)")
        for leg in info["legs"]:
            print(
                f"    {leg['from_name']:<28} -> {leg['to_name']:<28} {leg['kind']:<8} "
                f"{_via_name(net, leg):<32} {leg['minutes']:6.1f} min"
                + (f"  {leg['departure']}-{leg['arrival']}" if leg.get("departure") else "")
            )
    return EXIT_OK


def _method_line(tt) -> str:
    """How the time was made, for the table output."""
    if tt.method != "timetable":
        return "static method: per-line graph, a fast approximation (no stops between, changes free)"
    start, length = tt.window
    return (
        f"timetable method: the service model's trains, {tt.statistic} over departures "
        f"{format_clock(start)}-{format_clock(start + length)}"
    )


def _label(net: Network, resolved: tuple[str, str]) -> str:
    kind, pid = resolved
    row = net.city(pid) if kind == "city" else net.station(pid)
    return f"{row['name']} {row['name_zh']}"


def _via_name(net: Network, leg: dict) -> str:
    return line_name(net, leg["via"]) if leg["kind"] == "rail" else leg["via"]


def run_gtfs(args: argparse.Namespace) -> int:
    """``transit times A B --gtfs FEED``: earliest arrival (and window statistics) on a GTFS feed."""
    for flag, value in (("--year", args.year), ("--scenario", args.scenario)):
        if value:
            raise ValueError(f"{flag} applies to networks, not with --gtfs (use --date for the feed's service day)")
    res = gtfs_times(args.gtfs, args.origin, args.destination, args.depart, args.window, date=args.date)
    if args.format == "json":
        sys.stdout.write(json.dumps(res, ensure_ascii=False, indent=2) + "\n")
        return EXIT_OK
    day = f", {res['service_date']}" if res["service_date"] else ""
    head = f"{args.origin} -> {args.destination} leaving {res['depart']} ({res['timetable']}{day}): "
    if res["minutes"] is None:
        print(head + "not reachable that day")
    else:
        print(head + f"{res['minutes']:g} min, arrive {res['arrive']}, {res['transfers']} change(s)")
        _print_legs(res["legs"])
    if res.get("window_minutes") is not None:
        w = res["window_minutes"]
        fast, med = res["fastest_minutes"], res["median_minutes"]
        print(
            f"leaving {res['depart']} + {w} min: fastest {'-' if fast is None else f'{fast:g} min'}, "
            f"median {'-' if med is None else f'{med:g} min'}, {res['departures']} useful departure(s)"
        )
        if res["fastest"]:
            f = res["fastest"]
            print(f"  fastest: leave {f['depart']}, arrive {f['arrive']}, {f['transfers']} change(s)")
            _print_legs(f["legs"])
    return EXIT_OK


def _print_legs(legs: list[dict]) -> None:
    for leg in legs:
        wait = f"  (wait {leg['wait_minutes']:g})" if leg["wait_minutes"] else ""
        what = leg.get("train") or "transfer"
        print(
            f"    {what:<10} {leg['from_name']:<20} {leg['depart']} -> {leg['to_name']:<20} {leg['arrive']}"
            f"  {leg['minutes']:g} min{wait}"
        )
