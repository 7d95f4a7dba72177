"""What every command shares: the network options, output writing, exit codes."""

from __future__ import annotations

import argparse
import sys

from transit._files import write_text
from transit.data.network import Network, load_network
from transit.scenarios import apply_scenarios

EXIT_OK, EXIT_MISSED, EXIT_BAD_INPUT = 0, 1, 2


def network_from_args(args: argparse.Namespace) -> Network:
    """The network named by --network, at --year/--date, with --scenario applied in order."""
    net = load_network(args.network)
    if getattr(args, "year", None) is not None:
        net = net.as_of(int(args.year))
    elif getattr(args, "date", None):
        net = net.as_of(args.date)
    net, _ids = apply_scenarios(net, getattr(args, "scenario", None) or None)
    return net


def write_output(text: str, out: str | None, force: bool = False) -> None:
    """Print ``text`` or write it atomically to ``out`` (refusing to replace a file without ``force``)."""
    if not out:
        sys.stdout.write(text)
        return
    path = write_text(out, text, overwrite=force, hint="pass --force")
    print(f"wrote {path}", file=sys.stderr)
