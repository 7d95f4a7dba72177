"""The ``transit`` command line: check time-circle goals, look up travel times, list scenarios.

Exit status: 0 when every tier of a goal is met (or a command succeeded), 1 when a tier is missed,
2 on bad input (an unknown name, a malformed file), with a message and no traceback.
"""

from __future__ import annotations

import argparse
import sys
from importlib import import_module

from transit.errors import TransitError

__all__ = ["main", "build_parser", "add_sweep_arguments"]

EXIT_OK, EXIT_MISSED, EXIT_BAD_INPUT = 0, 1, 2

#: Sub-command -> the module whose ``run(args)`` carries it out. Each is imported when its command
#: runs, so that ``transit --help`` and argument errors answer before pandas and the numba kernels load.
COMMANDS = {
    "goal": "transit.cli.goal",
    "times": "transit.cli.times",
    "scenario": "transit.cli.scenario",
    "sweep": "transit.cli.sweep",
}

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
  transit sweep wenzhou-521 --projects all-planned which planned lines it takes, and by when

measures: "station" is best station to best station, in-vehicle plus transfers (as plans and news
quote times); "door" is city centre to city centre with road access, processing and egress.
exit status: 0 every tier met / success, 1 a tier missed, 2 bad input.
"""


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``transit`` (sub-commands goal, times, scenario)."""
    parser = argparse.ArgumentParser(
        prog="transit",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=_EPILOG,
        description="Rail and air travel times and time-circle goals for the Yangtze River Delta.",
    )
    sub = parser.add_subparsers(dest="command", metavar="{goal,times,scenario,sweep}")

    goal = sub.add_parser(
        "goal",
        help="check a time-circle goal (e.g. wenzhou-521)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=_EPILOG,
        description="Check a goal: for each tier and target, the best time, whether it is "
        "met, the margin, the route, and what holds each miss back.",
    )
    goal.add_argument("goal", nargs="?", help="a bundled goal name (see --list) or a path to a goal .toml file")
    goal.add_argument("--list", action="store_true", help="list the bundled goals and exit")
    _add_network_args(goal)
    goal.add_argument(
        "--format",
        choices=("table", "markdown", "json", "csv"),
        default="table",
        help="output format (default: a terminal table)",
    )
    goal.add_argument("--out", metavar="FILE", help="write the report to FILE instead of the terminal")
    goal.add_argument("--force", action="store_true", help="replace FILE if it exists")

    times = sub.add_parser(
        "times",
        help="time and route between two places",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=_EPILOG,
        description="The fastest time and its route between two cities or stations (ids, English or Chinese names).",
    )
    times.add_argument("origin", help="city or station, e.g. wenzhou, 温州南, 'Hangzhou East'")
    times.add_argument("destination", help="city or station")
    _add_network_args(times)
    times.add_argument(
        "--measure", choices=("station", "door"), default="station", help="station (default) or door; see below"
    )
    times.add_argument("--modes", default="rail", help="rail (default), air, or rail,air")
    times.add_argument(
        "--city-stations",
        choices=("central", "all"),
        default="central",
        help="station measure: a city stands for its central stations (default: 温州南 for "
        "温州, not the county station 苍南) or for all its stations",
    )
    times.add_argument("--format", choices=("table", "json"), default="table")

    scen = sub.add_parser(
        "scenario",
        help="list scenarios or show what one changes",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=_EPILOG,
        description="List the bundled scenarios, or show a scenario's modifications and "
        "check that it applies to a network.",
    )
    scen.add_argument("scenario_name", nargs="?", metavar="scenario", help="a bundled name or a path")
    scen.add_argument("--list", action="store_true", help="list the bundled scenarios and exit")
    scen.add_argument("--network", default="yrd", help="network name or folder (default: yrd)")
    scen.add_argument("--year", type=int, help="check it on the network at the end of this year")
    sweep = sub.add_parser(
        "sweep",
        help="what it takes: a goal over every combination of planned projects",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=_EPILOG,
        description="Evaluate a goal for every combination of candidate projects (lines under "
        "construction or planned, scenarios, modifications), on Dask: the smallest "
        "sets that meet each target, the earliest year, each project's minutes saved.",
    )
    add_sweep_arguments(sweep)
    return parser


def add_sweep_arguments(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Add the arguments of ``transit sweep`` to ``parser`` (returned for chaining)."""
    parser.add_argument("goal", help="a bundled goal name (wenzhou-521) or a goal .toml file")
    parser.add_argument(
        "--projects",
        default="all-planned",
        metavar="LIST",
        help="comma-separated: all-planned (default: every line under construction or planned), "
        "all (and every bundled scenario), line ids, project ids (line:..., scenario:...), "
        "bundled scenario names or scenario .toml files",
    )
    parser.add_argument(
        "--modification",
        action="append",
        default=[],
        metavar="JSON",
        help="one more project from a scenario modification written as JSON, e.g. "
        '\'{"type": "set_design_speed", "line": "hangyong_hsr", "design_kmh": 350}\' '
        "(repeatable)",
    )
    parser.add_argument("--network", default="yrd", help="a bundled network name or a network folder (default yrd)")
    when = parser.add_mutually_exclusive_group()
    when.add_argument("--year", type=int, help="base: the network expected at the end of this year")
    when.add_argument("--date", help="base: the network on this ISO date (default: the data's date)")
    parser.add_argument(
        "--sample", type=int, metavar="N", help="evaluate a seeded sample of N combinations instead of all 2^k"
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of --sample (default 0)")
    parser.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="threads (default), synchronous, processes, or a Dask scheduler address tcp://HOST:PORT",
    )
    parser.add_argument("--method", default="static", help="routing method (only static today)")
    parser.add_argument("--format", choices=("markdown", "json"), default="markdown", help="output format")
    parser.add_argument("--out", metavar="FILE", help="write to FILE (atomically) instead of the terminal")
    parser.add_argument("--force", action="store_true", help="replace FILE if it exists")
    bar = parser.add_mutually_exclusive_group()
    bar.add_argument(
        "--progress",
        dest="progress",
        action="store_true",
        default=None,
        help="show a progress bar (default: when stderr is a terminal)",
    )
    bar.add_argument("--no-progress", dest="progress", action="store_false", help="never show a progress bar")
    return parser


def _add_network_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--network", default="yrd", help="a bundled network name or a network folder (default: yrd)")
    when = p.add_mutually_exclusive_group()
    when.add_argument("--year", type=int, help="the network at the end of this year (31 December)")
    when.add_argument("--date", help="the network on this date (YYYY-MM-DD)")
    p.add_argument(
        "--scenario",
        action="append",
        default=[],
        metavar="NAME|PATH",
        help="apply a scenario (repeat to apply several, in order)",
    )


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
    try:
        return int(import_module(COMMANDS[args.command]).run(args))
    except KeyboardInterrupt:  # pragma: no cover
        return 130
    except Exception as exc:  # noqa: BLE001 - every expected failure becomes a message and status 2
        if not _is_input_error(exc):
            raise
        print(f"transit {args.command}: error: {_message(exc)}", file=sys.stderr)
        return EXIT_BAD_INPUT


def _is_input_error(exc: Exception) -> bool:
    return isinstance(exc, (TransitError, FileNotFoundError, FileExistsError, ValueError, KeyError))


def _message(exc: Exception) -> str:
    text = str(exc)
    if isinstance(exc, KeyError) and text.startswith(("'", '"')) and text.endswith(("'", '"')):
        text = text[1:-1]
    return text


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
