"""``transit access``: accessibility indicators of every city (:func:`transit.accessibility`).

transit access [--year Y | --date D] [--scenario S] [--modes rail] [--measure door]
               [--origins GROUP|CITY ...] [--within 1,2,3] [--group yrd_central_27]
               [--format table|csv|json] [--out FILE.csv|xlsx|json|geojson|gpkg] [--force]
"""

from __future__ import annotations

import argparse

import pandas as pd

from transit.cli._common import EXIT_OK, network_from_args
from transit.cli._tables import check_out, emit_frame, out_suffix, parse_hours, parse_modes, split_places
from transit.cli._warmup import note_first_compile
from transit.data.network import Network
from transit.export import GEO_SUFFIXES, SUFFIXES
from transit.indicators import accessibility

__all__ = ["run", "default_group", "which_cities", "with_city_points", "millions", "table_formats"]

#: The group whose share is reported by default, where the network has it.
DEFAULT_GROUP = "yrd_central_27"


def millions(v: float) -> str:
    """Persons in millions: ``12_345_678`` -> ``"12.35"``."""
    return f"{v / 1e6:.2f}"


def default_group(net: Network, text: str | None) -> str | None:
    """--group: a group id of the network, ``none``, or by default :data:`DEFAULT_GROUP` where it exists."""
    if text is None:
        return DEFAULT_GROUP if DEFAULT_GROUP in set(net.tables["groups"]["group_id"]) else None
    if text.strip().casefold() in ("none", ""):
        return None
    net.group(text)  # unknown: a message with the closest group ids
    return text.strip()


def which_cities(net: Network, values: list[str] | None) -> str | list[str] | None:
    """--origins/--destinations: None (every city), one group id, or city names (checked all at once)."""
    names = split_places(values)
    if not names:
        return None
    groups = set(net.tables["groups"]["group_id"])
    if len(names) == 1 and (names[0] in groups or names[0].casefold().startswith("province_")):
        return names[0]
    for kind, pid in net.places(names):
        if kind != "city":
            raise ValueError(f"{pid!r} is a station; indicators are computed for cities (name its city)")
    return names


def with_city_points(net: Network, frame: pd.DataFrame):
    """``frame`` (with a ``city_id`` column) joined to the city points of :func:`transit.geodata.cities_frame`."""
    # the [maps] extra (geopandas), needed only for a GeoJSON or GeoPackage file
    from transit.geodata import cities_frame  # noqa: PLC0415

    points = cities_frame(net)[["city_id", "name_zh", "province", "lat", "lon", "geometry"]]
    merged = points.merge(frame, on="city_id", how="right")
    return merged.set_geometry("geometry")


def _signed_minutes(v: float) -> str:
    return "0" if abs(v) < 0.5 else f"{v:+.0f}"


def table_formats(frame: pd.DataFrame) -> tuple[dict, dict]:
    """Terminal formats and headers of an indicator table: persons in millions, minutes whole, changes signed."""
    formats: dict = {}
    headers: dict = {}
    persons = ("pop_within", "daily_population", "reachable_population", "watt_population", "potential", "population")
    for col in frame.columns:
        signed = col.endswith("_change")
        if col.endswith("_pct"):
            formats[col] = lambda v: f"{v:+.1f}"
        elif col.startswith(persons):
            formats[col] = (lambda v: f"{v / 1e6:+.2f}") if signed else millions
            headers[col] = f"{col} (M)"
        elif col.startswith("watt_minutes"):
            formats[col] = _signed_minutes if signed else (lambda v: f"{v:.0f}")
        elif col.startswith("share_"):
            formats[col] = (lambda v: f"{v:+.2f}") if signed else (lambda v: f"{v:.2f}")
    return formats, headers


def run(args: argparse.Namespace) -> int:
    """``transit access``: the indicators table, printed or written to --out."""
    out_suffix(args.out, SUFFIXES, "transit access")
    check_out(args.out, args.force)
    modes = parse_modes(args.modes)
    within = parse_hours(args.within, "--within")
    net = network_from_args(args)
    note_first_compile(args)
    frame = accessibility(
        net,
        modes=modes,
        measure=args.measure,
        origins=which_cities(net, args.origins),
        destinations=which_cities(net, args.destinations),
        within_hours=within,
        group=default_group(net, args.group),
    )
    if args.sort:
        if args.sort not in frame.columns:
            raise ValueError(f"--sort {args.sort!r} is not a column; the columns are {', '.join(frame.columns)}")
        frame = frame.sort_values(args.sort, kind="stable").reset_index(drop=True)
    if args.out and out_suffix(args.out, SUFFIXES, "transit access") in GEO_SUFFIXES:
        emit_frame(with_city_points(net, frame), args)
        return EXIT_OK
    formats, headers = table_formats(frame)
    if not args.out and args.format == "table":
        print(
            f"accessibility on network {net.label!r} on {net.date.isoformat()} ({'+'.join(modes)}, "
            f"{args.measure} measure); populations in millions"
        )
    emit_frame(frame, args, formats=formats, headers=headers)
    return EXIT_OK
