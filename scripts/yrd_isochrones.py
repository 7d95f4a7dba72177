"""Isochrone maps of the YRD: how far can I get from a city in 1, 2, 3, 5 hours, now and later?

Planning question: from the centres of Wenzhou, Shanghai, Hangzhou, Nanjing and Hefei, where can one
be door to door by rail and air within 1, 2, 3 and 5 hours, on the network of today and of a future
year (2030 by default), and what does the change save?

For each origin it writes four maps into ``--out``:

- ``<origin>_<date>.png``: isochrones on the network as of the data date (today);
- ``<origin>_<date>.png`` for ``--year`` (31 December of that year; lines expected open by then);
- ``<origin>_compare_<a>_<b>.png``: both side by side, new sections highlighted;
- ``<origin>_saved_<a>_<b>.png``: minutes saved.

All maps share one extent (the YRD plus Fuzhou and Ningde when the network has them, so the
Wenzhou-Fuzhou corridor shows) and one set of bands, so they can be compared at a glance.

Usage::

    python scripts/yrd_isochrones.py --out maps/ [--year 2030] [--origin Wenzhou 上海 ...]
        [--network yrd] [--modes rail,air] [--measure door] [--grid-km 2] [--format png] [--force]

Exit status: 0 when every map was written, 1 when a map failed (the others are still written), 2 for
bad arguments.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

import transit  # noqa: E402
from transit import maps  # noqa: E402

DEFAULT_ORIGINS = ("wenzhou", "shanghai", "hangzhou", "nanjing", "hefei")
#: Cities kept inside the map extent besides the YRD provinces (where the network has them).
EXTRA_EXTENT_CITIES = ("fuzhou", "ningde")


def map_extent(net) -> tuple[float, float, float, float]:
    """The default YRD extent, widened to include :data:`EXTRA_EXTENT_CITIES` that the network has."""
    return maps.default_extent(net, include_cities=EXTRA_EXTENT_CITIES)


def parse_args(argv=None):
    p = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--out", required=True, type=Path, help="folder for the maps (created if missing)")
    p.add_argument("--network", default="yrd", help="bundled network name or folder (default yrd)")
    p.add_argument("--year", type=int, default=2030, help="future year to compare with (default 2030)")
    p.add_argument(
        "--origin",
        action="extend",
        nargs="+",
        metavar="CITY",
        help="origin cities (id, English or Chinese name); default Wenzhou, Shanghai, Hangzhou, Nanjing, Hefei",
    )
    p.add_argument("--modes", default="rail,air", help="comma-separated modes (default rail,air)")
    p.add_argument("--measure", default="door", choices=("door", "station"))
    p.add_argument("--grid-km", type=float, default=2.0)
    p.add_argument("--format", default="png", choices=("png", "svg", "pdf"))
    p.add_argument("--force", action="store_true", help="overwrite existing files")
    return p.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    modes = tuple(m.strip() for m in args.modes.split(",") if m.strip())
    net_now = transit.load_network(args.network)
    net_year = net_now.as_of(args.year)
    origins = args.origin or list(DEFAULT_ORIGINS)
    try:
        origin_ids = [net_now.city(o).name for o in origins]
    except KeyError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    extent = map_extent(net_now)
    args.out.mkdir(parents=True, exist_ok=True)
    d_now, d_year = str(net_now.date), str(net_year.date)
    kw = dict(modes=modes, measure=args.measure, grid_km=args.grid_km, extent=extent)
    failed = 0
    for cid in origin_ids:
        jobs = [
            (f"{cid}_{d_now}", lambda: maps.plot_isochrones(net_now, cid, **kw)),
            (f"{cid}_{d_year}", lambda: maps.plot_isochrones(net_year, cid, **kw)),
            (
                f"{cid}_compare_{d_now}_{d_year}",
                lambda: maps.plot_isochrone_comparison(
                    net_now, net_year, cid, labels=(f"today ({d_now})", f"{args.year} ({d_year})"), **kw
                ),
            ),
            (
                f"{cid}_saved_{d_now}_{d_year}",
                lambda: maps.plot_minutes_saved(
                    net_now, net_year, cid, labels=(f"today ({d_now})", f"{args.year}"), **kw
                ),
            ),
        ]
        for stem, make in jobs:
            path = args.out / f"{stem}.{args.format}"
            t0 = time.perf_counter()
            try:
                fig = make()
                maps.save_figure(fig, path, overwrite=args.force)
                plt.close(fig)
                print(f"wrote {path} ({time.perf_counter() - t0:.1f} s)")
            except FileExistsError as exc:
                print(f"skipped: {exc}", file=sys.stderr)
                failed += 1
            except transit.TransitError as exc:
                print(f"failed {path}: {exc}", file=sys.stderr)
                failed += 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
