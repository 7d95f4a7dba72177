"""The ``transit`` command line: check time-circle goals, look up travel times, list scenarios.

Exit status: 0 when every tier of a goal is met (or a command succeeded), 1 when a tier is missed,
2 on bad input (an unknown name, a malformed file), with a message and no traceback.
"""

from __future__ import annotations

import argparse
import sys
from importlib import import_module

import transit
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
    "map": "transit.cli.map",
    "compare": "transit.cli.compare",
    "access": "transit.cli.access",
    "matrix": "transit.cli.matrix",
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
  transit map Wenzhou --year 2030 --out wenzhou.png  isochrone map (or .pdf .svg .html .geojson .gpkg)
  transit compare 2016 2030 --out change.csv       accessibility indicators of two years and the change
  transit compare 2030 2030+wenzhou-fuzhou-hsr --origin Wenzhou --out saved.png
  transit access --format csv                      accessibility indicators of every city (docs/indicators.md)
  transit matrix --origins 温州,杭州东站,PVG --out times.xlsx   the travel-time matrix

measures: "station" is best station to best station, in-vehicle plus transfers (as plans and news
quote times); "door" is city centre to city centre with road access, processing and egress.
exit status: 0 every tier met / success, 1 a tier missed, 2 bad input.
"""


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``transit`` (goal, times, scenario, sweep, map, compare, access, matrix; --version)."""
    parser = argparse.ArgumentParser(
        prog="transit",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=_EPILOG,
        description="Rail and air travel times and time-circle goals for the Yangtze River Delta.",
    )
    parser.add_argument("--version", action="version", version=f"transit {transit.__version__}")
    sub = parser.add_subparsers(dest="command", metavar="{goal,times,scenario,sweep,map,compare,access,matrix}")

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
    _add_method_args(goal)
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
        description="The fastest time and its route between two cities or stations (ids, English or Chinese names); "
        "with --gtfs FEED, the earliest arrival on a GTFS timetable between two stops, e.g. "
        "transit times 温州南 杭州东 --gtfs feed.zip --depart 08:00 --window 120 --format json.",
    )
    times.add_argument("origin", help="city or station, e.g. wenzhou, 温州南, 'Hangzhou East' (--gtfs: a stop)")
    times.add_argument("destination", help="city or station (--gtfs: a stop name or id)")
    _add_network_args(times)
    _add_method_args(times)
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
    times.add_argument("--out", metavar="FILE", help="write the answer to FILE (atomically) instead of the terminal")
    times.add_argument("--force", action="store_true", help="replace FILE if it exists")
    times.add_argument(
        "--gtfs",
        metavar="FEED",
        help="route on this GTFS feed (.zip or folder) instead of a network; FROM and TO are stop "
        "names or stop ids, --date picks the service day",
    )
    times.add_argument(
        "--depart", default="08:00", metavar="HH:MM", help="with --gtfs: when one is ready at FROM (default 08:00)"
    )
    times.add_argument(
        "--window",
        type=float,
        metavar="MIN",
        help="with --gtfs: also the fastest journey, the median and the departures leaving within MIN minutes",
    )

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
    add_table_commands(sub)
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


def _add_method_args(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--method",
        choices=("timetable", "static"),
        default="timetable",
        help="timetable (default): the service model's trains, changes with real waits; static: the fast "
        "per-line approximation (no stops between, changes free)",
    )
    p.add_argument(
        "--statistic",
        choices=("fastest", "median"),
        default="fastest",
        help="timetable method: the fastest train of the day (default) or a typical departure (median "
        "over 06:00-22:00, the wait for the first train included)",
    )


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


def add_table_commands(sub) -> None:
    """Add the sub-commands map, compare, access and matrix (each with --out FILE and --force)."""
    tables = ", ".join(_TABLE_SUFFIXES)

    m = sub.add_parser(
        "map",
        help="isochrones from a city: a map, an HTML page or polygon bands",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=_EPILOG,
        description="Door-to-door travel-time bands from a city centre over the region (docs/maps.md). "
        "Without --out, prints each band's area and the cities it reaches.",
    )
    m.add_argument("origin", help="the origin city, e.g. wenzhou, 温州, Wenzhou")
    _add_network_args(m)
    _add_modes_measure(m, modes="rail,air", measure="door")
    m.add_argument(
        "--bands", default="1,2,3,5", metavar="HOURS", help="upper limits of the bands in hours (default 1,2,3,5)"
    )
    m.add_argument("--grid-km", type=float, default=2.0, help="grid cell size in km (default 2)")
    m.add_argument(
        "--cumulative", action="store_true", help="polygons: nested areas within each limit instead of disjoint bands"
    )
    m.add_argument("--format", choices=("table", "json"), default="table", help="what is printed without --out")
    _add_out_args(
        m, f".png, .pdf, .svg (a figure), .html (an offline map page), .geojson, .gpkg (band polygons), {tables}"
    )

    c = sub.add_parser(
        "compare",
        help="accessibility indicators of two years or scenarios, and the change",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=_EPILOG,
        description="Compare two networks, A and B, each a year (2030), a date (2016-03-10), a bundled "
        "scenario or scenario file (applied to the network at --year/--date), or both joined by + "
        "(2030+wenzhou-fuzhou-hsr); 'base' is the network at --year/--date. Prints the cities' "
        "indicators (docs/indicators.md) and their change, largest gains first.",
    )
    c.add_argument("a", help="before: YEAR, DATE, SCENARIO, YEAR+SCENARIO or base")
    c.add_argument("b", help="after: as A")
    c.add_argument("--network", default="yrd", help="a bundled network name or a network folder (default: yrd)")
    when = c.add_mutually_exclusive_group()
    when.add_argument("--year", type=int, help="where A or B is a scenario alone: the base year (default: data date)")
    when.add_argument("--date", help="where A or B is a scenario alone: the base date (YYYY-MM-DD)")
    _add_modes_measure(c, modes="rail", measure="door")
    c.add_argument("--origin", help="the city of the change map (minutes saved from it); needed for a figure --out")
    c.add_argument("--rows", type=int, default=20, metavar="N", help="cities printed in the terminal (default 20)")
    c.add_argument("--format", choices=("table", "csv", "json"), default="table", help="what is printed without --out")
    _add_out_args(c, f"{tables}, .geojson, .gpkg (cities with the change), or .png, .pdf, .svg (change map, --origin)")

    a = sub.add_parser(
        "access",
        help="accessibility indicators of every city (WATT, potential, population within)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=_EPILOG,
        description="Accessibility indicators of the cities of a network on a date (transit.accessibility; "
        "definitions in docs/indicators.md).",
    )
    _add_network_args(a)
    _add_modes_measure(a, modes="rail", measure="door")
    a.add_argument("--origins", nargs="+", metavar="PLACE", help="rows: a group id or cities (default: every city)")
    a.add_argument(
        "--destinations", nargs="+", metavar="PLACE", help="destinations counted: a group id or cities (default all)"
    )
    a.add_argument("--within", default="1,2,3", metavar="HOURS", help="population-within thresholds (default 1,2,3)")
    a.add_argument(
        "--group",
        help="the group whose share within 2 h is reported (default yrd_central_27 where the network has it; "
        "'none' for none)",
    )
    a.add_argument("--sort", metavar="COLUMN", help="sort the rows by this column (default city_id)")
    a.add_argument("--format", choices=("table", "csv", "json"), default="table", help="what is printed without --out")
    _add_out_args(a, f"{tables}, .geojson, .gpkg (city points with the indicators)")

    x = sub.add_parser(
        "matrix",
        help="the travel-time matrix between cities or stations",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=_EPILOG,
        description="Minutes from each origin to each destination (unreachable: empty). Places are "
        "cities or stations in any form transit understands (wenzhou, 温州, 杭州东站, hangzhoudong, PVG).",
    )
    _add_network_args(x)
    _add_modes_measure(x, modes="rail", measure="station")
    x.add_argument(
        "--origins", nargs="+", metavar="PLACE", help="origins, space- or comma-separated (default all cities)"
    )
    x.add_argument("--destinations", nargs="+", metavar="PLACE", help="destinations (default every city)")
    x.add_argument(
        "--level", choices=("city", "station"), default="city", help="city (default) or station rows and columns"
    )
    x.add_argument("--format", choices=("table", "csv", "json"), default="table", help="what is printed without --out")
    _add_out_args(x, f"{tables} (origins as rows), .geojson, .gpkg (destination points, a column per origin)")


_TABLE_SUFFIXES = (".csv", ".xlsx", ".json")


def _add_modes_measure(p: argparse.ArgumentParser, *, modes: str, measure: str) -> None:
    p.add_argument("--modes", default=modes, help=f"rail, air, or rail,air (default {modes})")
    p.add_argument(
        "--measure", choices=("station", "door"), default=measure, help=f"station or door (default {measure})"
    )


def _add_out_args(p: argparse.ArgumentParser, kinds: str) -> None:
    p.add_argument("--out", metavar="FILE", help=f"write to FILE, the format by its suffix: {kinds}")
    p.add_argument("--force", action="store_true", help="replace FILE if it exists")


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
