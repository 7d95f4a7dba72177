"""``transit sweep``: every combination of candidate projects for a goal (:func:`transit.sweep.sweep`).

Its arguments are defined in :mod:`transit.cli` (``add_sweep_arguments``); ``run(args)`` carries it
out and returns the exit status: 0 done, 2 bad input (an unknown goal or project, a modification that does
not apply, a scheduler that does not answer), with one message on stderr and nothing written.

    transit sweep wenzhou-521 --projects all-planned [--scheduler tcp://...] [--sample N]
                  [--format json|markdown] [--out FILE]
"""

from __future__ import annotations

import argparse
import json
import sys

import transit
from transit._files import write_text
from transit.cli._common import EXIT_BAD_INPUT, EXIT_OK
from transit.errors import TransitError
from transit.sweep.run import sweep

__all__ = ["run"]


def _projects(args: argparse.Namespace) -> list:
    items: list = [p.strip() for p in str(args.projects or "").split(",") if p.strip()]
    for text in args.modification or []:
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValueError(
                f"--modification {text!r} is not JSON ({exc.msg} at column {exc.colno}); "
                'write it as \'{"type": "...", ...}\''
            ) from None
        items.append(value)
    return items


def run(args: argparse.Namespace) -> int:
    """Run ``transit sweep`` from parsed arguments; return the exit status.

    Examples
    --------
    >>> from transit.cli import main
    >>> main(["sweep", "wenzhou-521", "--projects", "no_such_line", "--no-progress"])  # doctest: +SKIP
    2
    """
    progress = args.progress if args.progress is not None else sys.stderr.isatty()
    try:
        network = transit.load_network(args.network)
        base = args.year if args.year is not None else args.date
        result = sweep(
            args.goal,
            network,
            _projects(args),
            base=base,
            sample=args.sample,
            seed=args.seed,
            scheduler=args.scheduler,
            method=args.method,
            progress=progress,
        )
        text = result.to_json() if args.format == "json" else result.summary_markdown()
        if args.out:
            write_text(
                args.out, text if text.endswith("\n") else text + "\n", overwrite=args.force, hint="pass --force"
            )
        else:
            sys.stdout.write(text if text.endswith("\n") else text + "\n")
    except (
        TransitError,
        ValueError,
        KeyError,
        FileNotFoundError,
        FileExistsError,
        ConnectionError,
        IsADirectoryError,
        PermissionError,
    ) as exc:
        message = str(exc.args[0]) if isinstance(exc, KeyError) and exc.args else str(exc)
        print(f"transit sweep: error: {message}", file=sys.stderr)
        return EXIT_BAD_INPUT
    return EXIT_OK
