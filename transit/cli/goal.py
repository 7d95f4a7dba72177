"""``transit goal``: check a time-circle goal, or list the bundled goals."""

from __future__ import annotations

import argparse
import json
import shutil
import sys

from transit.cli._common import EXIT_MISSED, EXIT_OK, network_from_args, write_output
from transit.cli._warmup import note_first_compile
from transit.goals import GoalReport, check_goal, list_goals, load_goal


def run(args: argparse.Namespace) -> int:
    """``transit goal``: check a goal, or list the bundled goals."""
    if args.list:
        rows = list_goals()
        width = max((len(r[0]) for r in rows), default=4)
        for gid, name, _path in rows:
            print(f"{gid:<{width}}  {name}")
        return EXIT_OK
    if not args.goal:
        raise ValueError("name a goal (e.g. `transit goal wenzhou-521`) or use --list")
    goal = load_goal(args.goal)
    net = network_from_args(args)
    note_first_compile(args)
    report = check_goal(
        goal, net, method=args.method, statistic=args.statistic if args.method == "timetable" else "fastest"
    )
    width = None if args.out or not sys.stdout.isatty() else shutil.get_terminal_size().columns
    write_output(render_report(report, args.format, width=width), args.out, args.force)
    return EXIT_OK if report.met else EXIT_MISSED


def render_report(report: GoalReport, fmt: str, width: int | None = None) -> str:
    """The report as text in one of the formats table, markdown, json, csv.

    ``width``: the terminal's columns, which the table fits (None: complete, as in a file).
    """
    if fmt == "json":
        return json.dumps(report.to_dict(), ensure_ascii=False, indent=2, allow_nan=False) + "\n"
    if fmt == "markdown":
        return report.to_markdown()
    if fmt == "csv":
        return report.to_frame().to_csv(index=False, float_format="%.1f", lineterminator="\n")
    return report.to_text(width=width)
