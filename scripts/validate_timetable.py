"""Validate the network as of 2016-03-10 against the real timetable of that day.

Planning question: how close are the network's station-measure rail times to the fastest scheduled
trains of 2016, for every pair of main stations that a direct train links?

For every pair of the network's rail stations with at least ``--min-daily-trains`` trains a day (the
main stations) that one train links, the fastest direct train is compared with
``transit.travel_times(net2016, measure="station")``. Pairs where a change of trains is faster in the
timetable than the direct train are reported apart (the station measure lets the model change freely).
Prints the median absolute % error, the shares within 5/10/15/20 %, the figures by line category and
the worst pairs with the modelled route and km; exits 1 when the median exceeds ``--max-median``.

Usage::

    python scripts/validate_timetable.py [--network yrd] [--timetable PATH] [--out pairs.csv]
                                         [--min-daily-trains 100] [--worst 15] [--max-median 6.5]

Needs the timetable workbook (``$TRANSIT_SHARED_DATA`` or ``../shared``); exits 2 without it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import transit
from transit.calibration.validation import MAIN_STATION_MIN_TRAINS, validate_timetable
from transit.timetable.workbook import TIMETABLE_DATE, load_workbook


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--network", default="yrd", help="network name or folder (default yrd)")
    ap.add_argument("--timetable", default=None, help="path of hsr_timetable_20160310.xlsx")
    ap.add_argument(
        "--min-daily-trains",
        type=int,
        default=MAIN_STATION_MIN_TRAINS,
        help=f"main stations: at least this many trains a day (default {MAIN_STATION_MIN_TRAINS}; "
        "0 compares every station)",
    )
    ap.add_argument("--worst", type=int, default=15, help="how many worst pairs to list (default 15)")
    ap.add_argument(
        "--max-median",
        type=float,
        default=6.5,
        help="exit 1 when the median absolute error exceeds this many %% (default 6.5, the line the test holds)",
    )
    ap.add_argument("--out", default=None, help="write every compared pair to this CSV")
    ap.add_argument("--force", action="store_true", help="overwrite --out if it exists")
    args = ap.parse_args(argv)
    try:
        timetable = load_workbook(args.timetable)
    except FileNotFoundError as e:
        print(f"cannot validate: {e}", file=sys.stderr)
        return 2
    if args.out and Path(args.out).exists() and not args.force:
        print(f"{args.out} exists; pass --force to overwrite", file=sys.stderr)
        return 2
    net = transit.load_network(args.network).as_of(TIMETABLE_DATE.isoformat())
    res = validate_timetable(net, timetable, min_daily_trains=args.min_daily_trains)
    print(
        f"network {args.network} as of {net.date}, timetable of {TIMETABLE_DATE}, main stations: "
        f">= {args.min_daily_trains} trains a day"
    )
    print(res.to_text(args.worst))
    if args.out:
        out = Path(args.out)
        with transit.atomic_open(out, overwrite=args.force) as fh:
            res.pairs.to_csv(fh, index=False)
        print(f"wrote {len(res.pairs)} pairs to {out}")
    median = res.summary["median_abs_pct"]
    if not median <= args.max_median:
        print(f"FAIL: median absolute error {median:.1f} % exceeds {args.max_median:.1f} %")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
