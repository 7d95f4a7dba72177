"""What every command shares: the network options, output writing, exit codes."""

from __future__ import annotations

import argparse
import sys

from transit._files import write_text
from transit.data.network import Network, as_date, load_network
from transit.scenarios import apply_scenarios

EXIT_OK, EXIT_MISSED, EXIT_BAD_INPUT = 0, 1, 2

#: How far past its data date a network may be asked for: plans reach about this many years ahead.
YEARS_AHEAD = 50


def network_from_args(args: argparse.Namespace) -> Network:
    """The network named by --network, at --year/--date, with --scenario applied in order."""
    net = load_network(args.network)
    net = network_at(net, getattr(args, "year", None), getattr(args, "date", None))
    net, _ids = apply_scenarios(net, getattr(args, "scenario", None) or None)
    return net


def network_at(net: Network, year: int | None, date: str | None) -> Network:
    """``net`` at the end of ``year`` or on ``date`` (the options --year and --date); ``net`` without either.

    Parameters
    ----------
    net : Network
        The network as loaded.
    year : int, optional
        The value of --year.
    date : str, optional
        The value of --date (YYYY-MM-DD).

    Returns
    -------
    Network

    Raises
    ------
    ValueError
        A --date that is not a date, or a year before the network's first section opened or more than
        :data:`YEARS_AHEAD` years past its data date (1900 or 2100: a typing slip, not a question the
        data can answer), naming the option, the value and the years allowed.
    """
    if year is not None:
        option, when = f"--year {year}", as_date(int(year))
    elif date:
        option = f"--date {date}"
        try:
            when = as_date(date)
        except ValueError:
            raise ValueError(
                f"--date {date!r} is not a date; write it as YYYY-MM-DD, e.g. --date 2016-03-10 (or give --year 2016)"
            ) from None
    else:
        return net
    sections = net.tables["sections"]
    opened = [d.year for d in sections["opened"] if d is not None and d == d]
    expected = [int(y) for y in sections["expected_year"].dropna()]
    first = min(opened, default=net.data_as_of.year)
    last = max([net.data_as_of.year + YEARS_AHEAD, *expected])
    if not first <= when.year <= last:
        raise ValueError(
            f"{option} is outside the years network {net.label!r} can stand at, {first} to {last} (its first "
            f"section opened in {first}; its data are of {net.data_as_of.isoformat()}); give a year in that range"
        )
    return net.as_of(when)


def write_output(text: str, out: str | None, force: bool = False) -> None:
    """Print ``text`` or write it atomically to ``out`` (refusing to replace a file without ``force``).

    Raises
    ------
    FileExistsError
        ``out`` exists and ``force`` is false.
    FileNotFoundError
        The folder of ``out`` does not exist.
    ValueError
        ``out`` is a folder, or its folder is read-only: a bad --out, reported as bad input.
    """
    if not out:
        sys.stdout.write(text)
        return
    try:
        path = write_text(out, text, overwrite=force, hint="pass --force")
    except IsADirectoryError as exc:
        raise ValueError(f"--out {out}: {exc}") from None
    except PermissionError as exc:
        raise ValueError(f"--out {out}: {exc}; write it to a folder you can write in") from None
    print(f"wrote {path}", file=sys.stderr)
