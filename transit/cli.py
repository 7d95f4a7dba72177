"""The ``transit`` command line: check time-circle goals, look up travel times, list scenarios.

Exit status: 0 when every tier of a goal is met (or a command succeeded), 1 when a tier is missed,
2 on bad input (an unknown name, a malformed file), with a message and no traceback.
"""
from __future__ import annotations

import argparse
import json
import math
import sys
from transit._files import write_text

__all__ = ["main", "build_parser"]

EXIT_OK, EXIT_MISSED, EXIT_BAD_INPUT = 0, 1, 2

_EPILOG = """\
examples:
  transit goal --list                              the bundled goals
  transit goal wenzhou-521                         Wenzhou's 521 circle on the data's date
  transit goal wenzhou-521 --year 2030             ... as the network is expected to stand at the end of 2030
  transit goal wenzhou-521 --year 2030 --scenario wenzhou-fuzhou-hsr
  transit goal wenzhou-521 --format json --out 521.json
  transit goal my-goal.toml --network path/to/network
  transit times 温州 杭州                           fastest rail time and route, station to station
  transit times Wenzhou Beijing --modes rail,air --measure door --year 2016
  transit scenario --list                          the bundled scenarios
  transit scenario all-planned --year 2035         what a scenario changes, checked against the network

measures: "station" is best station to best station, in-vehicle plus transfers (as plans and news
quote times); "door" is city centre to city centre with road access, processing and egress.
exit status: 0 every tier met / success, 1 a tier missed, 2 bad input.
"""


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``transit`` (sub-commands goal, times, scenario)."""
    parser = argparse.ArgumentParser(
        prog="transit", formatter_class=argparse.RawDescriptionHelpFormatter, epilog=_EPILOG,
        description="Rail and air travel times and time-circle goals for the Yangtze River Delta.")
    sub = parser.add_subparsers(dest="command", metavar="{goal,times,scenario}")

    goal = sub.add_parser("goal", help="check a time-circle goal (e.g. wenzhou-521)",
                          formatter_class=argparse.RawDescriptionHelpFormatter, epilog=_EPILOG,
                          description="Check a goal: for each tier and target, the best time, whether it is "
                                      "met, the margin, the route, and what holds each miss back.")
    goal.add_argument("goal", nargs="?", help="a bundled goal name (see --list) or a path to a goal .toml file")
    goal.add_argument("--list", action="store_true", help="list the bundled goals and exit")
    _add_network_args(goal)
    goal.add_argument("--format", choices=("table", "markdown", "json", "csv"), default="table",
                      help="output format (default: a terminal table)")
    goal.add_argument("--out", metavar="FILE", help="write the report to FILE instead of the terminal")
    goal.add_argument("--force", action="store_true", help="replace FILE if it exists")

    times = sub.add_parser("times", help="time and route between two places",
                           formatter_class=argparse.RawDescriptionHelpFormatter, epilog=_EPILOG,
                           description="The fastest time and its route between two cities or stations "
                                       "(ids, English or Chinese names).")
    times.add_argument("origin", help="city or station, e.g. wenzhou, 温州南, 'Hangzhou East'")
    times.add_argument("destination", help="city or station")
    _add_network_args(times)
    times.add_argument("--measure", choices=("station", "door"), default="station",
                       help="station (default) or door; see below")
    times.add_argument("--modes", default="rail", help="rail (default), air, or rail,air")
    times.add_argument("--city-stations", choices=("central", "all"), default="central",
                       help="station measure: a city stands for its central stations (default: 温州南 for "
                            "温州, not the county station 苍南) or for all its stations")
    times.add_argument("--format", choices=("table", "json"), default="table")

    scen = sub.add_parser("scenario", help="list scenarios or show what one changes",
                          formatter_class=argparse.RawDescriptionHelpFormatter, epilog=_EPILOG,
                          description="List the bundled scenarios, or show a scenario's modifications and "
                                      "check that it applies to a network.")
    scen.add_argument("scenario_name", nargs="?", metavar="scenario", help="a bundled name or a path")
    scen.add_argument("--list", action="store_true", help="list the bundled scenarios and exit")
    scen.add_argument("--network", default="yrd", help="network name or folder (default: yrd)")
    scen.add_argument("--year", type=int, help="check it on the network at the end of this year")
    return parser


def _add_network_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--network", default="yrd", help="a bundled network name or a network folder (default: yrd)")
    when = p.add_mutually_exclusive_group()
    when.add_argument("--year", type=int, help="the network at the end of this year (31 December)")
    when.add_argument("--date", help="the network on this date (YYYY-MM-DD)")
    p.add_argument("--scenario", action="append", default=[], metavar="NAME|PATH",
                   help="apply a scenario (repeat to apply several, in order)")


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status (0 ok/met, 1 a tier missed, 2 bad input)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on bad arguments and 0 on --help
        return int(exc.code or 0)
    if args.command is None:
        parser.print_help()
        return EXIT_BAD_INPUT
    handler = {"goal": cmd_goal, "times": cmd_times, "scenario": cmd_scenario}[args.command]
    try:
        return handler(args)
    except KeyboardInterrupt:  # pragma: no cover
        return 130
    except Exception as exc:  # noqa: BLE001 - every expected failure becomes a message and status 2
        if not _is_input_error(exc):
            raise
        print(f"transit {args.command}: error: {_message(exc)}", file=sys.stderr)
        return EXIT_BAD_INPUT


def _is_input_error(exc: Exception) -> bool:
    from transit.errors import TransitError

    return isinstance(exc, (TransitError, FileNotFoundError, FileExistsError, ValueError, KeyError))


def _message(exc: Exception) -> str:
    text = str(exc)
    if isinstance(exc, KeyError) and text.startswith(("'", '"')) and text.endswith(("'", '"')):
        text = text[1:-1]
    return text


# --------------------------------------------------------------------------- helpers


def _network(args):
    """The network named by --network, at --year/--date, with --scenario applied in order."""
    from transit.data.network import load_network
    from transit.scenarios import apply_scenarios

    net = load_network(args.network)
    if getattr(args, "year", None) is not None:
        net = net.as_of(int(args.year))
    elif getattr(args, "date", None):
        net = net.as_of(args.date)
    scenarios = getattr(args, "scenario", None) or None
    net, _ids = apply_scenarios(net, scenarios)
    return net


def write_output(text: str, out: str | None, force: bool = False) -> None:
    """Print ``text`` or write it atomically to ``out`` (refusing to replace a file without ``force``)."""
    if not out:
        sys.stdout.write(text)
        return
    path = write_text(out, text, overwrite=force, hint="pass --force")
    print(f"wrote {path}", file=sys.stderr)


# --------------------------------------------------------------------------- goal


def cmd_goal(args) -> int:
    """``transit goal``: check a goal, or list the bundled goals."""
    from transit.goals import check_goal, list_goals, load_goal

    if args.list:
        rows = list_goals()
        width = max((len(r[0]) for r in rows), default=4)
        for gid, name, _path in rows:
            print(f"{gid:<{width}}  {name}")
        return EXIT_OK
    if not args.goal:
        raise ValueError("name a goal (e.g. `transit goal wenzhou-521`) or use --list")
    goal = load_goal(args.goal)
    from transit.data.network import load_network

    net = load_network(args.network)
    if args.year is not None:
        net = net.as_of(int(args.year))
    elif args.date:
        net = net.as_of(args.date)
    report = check_goal(goal, net, scenario=args.scenario or None)
    write_output(render_report(report, args.format), args.out, args.force)
    return EXIT_OK if report.met else EXIT_MISSED


def render_report(report, fmt: str) -> str:
    """The report as text in one of the formats table, markdown, json, csv."""
    if fmt == "json":
        return json.dumps(report.to_dict(), ensure_ascii=False, indent=2, allow_nan=False) + "\n"
    if fmt == "markdown":
        return report.to_markdown()
    if fmt == "csv":
        return report.to_frame().to_csv(index=False, float_format="%.1f", lineterminator="\n")
    return report.to_text()


# --------------------------------------------------------------------------- times


def cmd_times(args) -> int:
    """``transit times A B``: the fastest time and its route."""
    from transit.goals import PlaceTimer, city_station_sets
    from transit.goals.report import format_minutes, route_to_dict
    from transit.routing import travel_times

    modes = tuple(m.strip().lower() for m in args.modes.replace("+", ",").split(",") if m.strip())
    bad = [m for m in modes if m not in ("rail", "air")]
    if bad or not modes:
        raise ValueError(f"--modes takes rail, air or rail,air (got {args.modes!r})")
    net = _network(args)
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
        payload = {"origin": a[1], "destination": b[1], "as_of": net.date.isoformat(), "modes": list(modes),
                   "measure": args.measure, "city_stations": args.city_stations if args.measure == "station" else None,
                   "minutes": round(minutes, 1) if math.isfinite(minutes) else None,
                   "route": info}
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
        return EXIT_OK
    print(f"{_label(net, a)} -> {_label(net, b)} on {net.date.isoformat()} "
          f"({'+'.join(modes)}, {args.measure} measure): {format_minutes(minutes)}")
    if info:
        print(f"  {info['summary']}; {info['transfers']} transfer(s)")
        for leg in info["legs"]:
            print(f"    {leg['from_name']:<28} -> {leg['to_name']:<28} {leg['kind']:<8} "
                  f"{_via_name(net, leg):<32} {leg['minutes']:6.1f} min")
    return EXIT_OK


def _label(net, resolved: tuple[str, str]) -> str:
    kind, pid = resolved
    row = net.city(pid) if kind == "city" else net.station(pid)
    return f"{row['name']} {row['name_zh']}"


def _via_name(net, leg: dict) -> str:
    from transit.goals.report import _line_name

    return _line_name(net, leg["via"]) if leg["kind"] == "rail" else leg["via"]


# --------------------------------------------------------------------------- scenario


def cmd_scenario(args) -> int:
    """``transit scenario``: list scenarios, or show one and check that it applies."""
    from transit.data.network import load_network
    from transit.scenarios import list_scenarios, load_scenario

    if args.list or not args.scenario_name:
        rows = list_scenarios()
        width = max((len(r[0]) for r in rows), default=4)
        for sid, name, _path in rows:
            print(f"{sid:<{width}}  {name}")
        return EXIT_OK
    s = load_scenario(args.scenario_name)
    print(f"{s.id}: {s.name}" + (f" ({s.name_zh})" if s.name_zh else ""))
    if s.description:
        print("  " + " ".join(s.description.split()))
    for k, m in enumerate(s.modifications, start=1):
        keys = ", ".join(f"{key}={val}" for key, val in m.values.items()
                         if key not in ("type", "source", "hypothesis", "note"))
        why = m.values.get("source") or f"hypothesis: {m.values.get('hypothesis')}"
        print(f"  {k}. {m.type}: {keys}\n     ({why})")
    net = load_network(args.network)
    if args.year is not None:
        net = net.as_of(args.year)
    after = s.apply(net)
    print(f"applies to network {net.label!r} on {net.date.isoformat()}: "
          f"{len(net.sections)} -> {len(after.sections)} sections in service, "
          f"{len(net.lines)} -> {len(after.lines)} lines, {len(net.flights)} -> {len(after.flights)} flights")
    return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
