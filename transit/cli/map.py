"""``transit map ORIGIN``: door-to-door isochrones from a city (:mod:`transit.maps`, :mod:`transit.geodata`).

    transit map ORIGIN [--year Y | --date D] [--scenario S] [--modes rail,air] [--measure door]
                       [--bands 1,2,3,5] [--grid-km 2] [--cumulative] [--format table|json]
                       [--out FILE.png|pdf|svg|html|geojson|gpkg|csv|json|xlsx] [--force]

Without --out it prints each band's area and the cities whose centres it reaches. A figure (.png,
.pdf, .svg) is drawn by :func:`transit.maps.plot_isochrones`; .html by the offline HTML map of
:mod:`transit.maps.html`; the table suffixes write the band polygons
(:func:`transit.geodata.isochrone_bands`, one row per band).
"""

from __future__ import annotations

import argparse
import json
import math
import sys

import numpy as np

from transit.cli._common import EXIT_OK, network_from_args
from transit.cli._tables import (
    FIGURE_SUFFIXES,
    check_out,
    out_suffix,
    parse_hours,
    parse_modes,
    terminal_width,
    write_frame,
)
from transit.cli._warmup import note_first_compile
from transit.data.network import Network
from transit.export import SUFFIXES
from transit.goals.report import format_minutes, format_table
from transit.maps.surface import _KM_PER_DEG_LAT, _KM_PER_DEG_LON_EQ, isochrone_surface
from transit.travel import travel_times

__all__ = ["run", "band_summary", "MAP_SUFFIXES"]

#: What ``transit map --out`` writes.
MAP_SUFFIXES = (*FIGURE_SUFFIXES, ".html", *SUFFIXES)


def _cell_km2(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """The area of the grid cell around each point (a regular lon/lat grid), km²."""
    dlon = abs(float(lon[0, 1] - lon[0, 0]))
    dlat = abs(float(lat[1, 0] - lat[0, 0]))
    return (dlat * _KM_PER_DEG_LAT) * (dlon * _KM_PER_DEG_LON_EQ * np.cos(np.radians(lat)))


def band_summary(net: Network, origin_id: str, lon, lat, minutes, edges_minutes: list[float], tt) -> list[dict]:
    """Each band ``(from, to]`` minutes: the area of the grid in it and the cities whose centres it reaches."""
    cell = _cell_km2(np.asarray(lon), np.asarray(lat))
    z = np.asarray(minutes, dtype=float)
    cities = net.cities.sort_values("city_id")
    times = {c: tt.get(origin_id, c) for c in cities["city_id"] if c != origin_id}
    out = []
    lo = 0.0
    for hi in edges_minutes:
        inside = np.isfinite(z) & (z <= hi) & (z > lo if lo > 0 else np.ones_like(z, dtype=bool))
        reached = sorted(((t, c) for c, t in times.items() if math.isfinite(t) and lo < t <= hi), key=lambda x: x[0])
        out.append(
            {
                "minutes_from": lo,
                "minutes_to": hi,
                "area_km2": round(float(cell[inside].sum()), 0),
                "cities": [{"city_id": c, "minutes": round(t, 1)} for t, c in reached],
            }
        )
        lo = hi
    return out


def run(args: argparse.Namespace) -> int:
    """``transit map``: isochrones from a city, printed or written to --out."""
    suffix = out_suffix(args.out, MAP_SUFFIXES, "transit map")
    check_out(args.out, args.force)
    modes = parse_modes(args.modes)
    hours = parse_hours(args.bands, "--bands")
    if not args.grid_km > 0:
        raise ValueError(f"--grid-km must be > 0 (got {args.grid_km})")
    net = network_from_args(args)
    city = net.city(args.origin)
    origin_id = str(city.name)
    note_first_compile(args)  # the input is good: routing (and a first compile) comes next
    tt = travel_times(net, modes=modes, measure=args.measure, origins=[origin_id])
    common = dict(modes=modes, measure=args.measure, grid_km=args.grid_km, travel_times=tt)
    if suffix in FIGURE_SUFFIXES:
        # matplotlib (the [maps] extra) loads only for a figure
        from transit.maps.draw import plot_isochrones, save_figure  # noqa: PLC0415

        fig = plot_isochrones(net, origin_id, bands_hours=hours, **common)
        path = save_figure(fig, args.out, overwrite=args.force)
        print(f"wrote {path}", file=sys.stderr)
    elif suffix == ".html":
        # the offline HTML map draws with the [maps] extra (matplotlib colours, boundaries): only for .html
        from transit.maps.html import map_layer, write_html_map  # noqa: PLC0415

        layer = map_layer(net, origin_id, bands_hours=hours, **common)
        path = write_html_map(args.out, [layer], overwrite=args.force)
        print(f"wrote {path}", file=sys.stderr)
    elif suffix is not None:
        # geopandas and contourpy (the [maps] extra) load only for polygon bands
        from transit.geodata import isochrone_bands  # noqa: PLC0415

        bands = isochrone_bands(
            net, origin_id, bands_minutes=[h * 60.0 for h in hours], cumulative=args.cumulative, **common
        )
        write_frame(bands, args.out, args.force)
    else:
        lon, lat, minutes = isochrone_surface(net, origin_id, **common)
        summary = band_summary(net, origin_id, lon, lat, minutes, [h * 60.0 for h in hours], tt)
        _print_summary(net, city, modes, args, summary)
    return EXIT_OK


def _print_summary(net: Network, city, modes, args: argparse.Namespace, summary: list[dict]) -> None:
    if args.format == "json":
        payload = {
            "origin": str(city.name),
            "as_of": net.date.isoformat(),
            "modes": list(modes),
            "measure": args.measure,
            "grid_km": args.grid_km,
            "bands": summary,
        }
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=1, allow_nan=False) + "\n")
        return
    print(
        f"isochrones from {city['name']} {city['name_zh']} on {net.date.isoformat()} "
        f"({'+'.join(modes)}, {args.measure} measure, {args.grid_km:g} km grid)"
    )
    names = net.cities.set_index("city_id")["name"]
    rows = [("band", "area km²", "cities reached (centre to centre)")]
    for b in summary:
        label = f"{format_minutes(b['minutes_from']) if b['minutes_from'] else '0'} - {format_minutes(b['minutes_to'])}"
        reached = ", ".join(f"{names.get(c['city_id'], c['city_id'])} {c['minutes']:.0f}" for c in b["cities"])
        rows.append((label, f"{b['area_km2']:,.0f}", reached or "-"))
    width = terminal_width()
    lines, _ = format_table(rows, width=width, shrink={2: 20}, max_cell=10_000 if width is None else 60)
    sys.stdout.write("\n".join(lines) + "\n")
    print("(--out FILE.png for the map; .geojson or .gpkg for the band polygons)")
