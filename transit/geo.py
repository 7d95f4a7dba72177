"""Distances on the sphere (WGS-84 coordinates treated on a sphere of mean Earth radius)."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

__all__ = ["EARTH_RADIUS_KM", "haversine_km", "gcj02_to_wgs84"]

EARTH_RADIUS_KM = 6371.0088


def haversine_km(lat1: ArrayLike, lon1: ArrayLike, lat2: ArrayLike, lon2: ArrayLike) -> np.ndarray:
    """Great-circle distance in km between points given in decimal degrees (broadcasts).

    >>> round(float(haversine_km(31.2304, 121.4737, 30.2741, 120.1551)), 1)
    164.9
    """
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dphi = p2 - p1
    dlmb = np.radians(np.asarray(lon2) - np.asarray(lon1))
    a = np.sin(dphi / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlmb / 2) ** 2
    out: np.ndarray = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.minimum(a, 1.0)))
    return out


_GCJ_A = 6378245.0  # the Krasovsky 1940 semi-major axis the GCJ-02 offset uses
_GCJ_EE = 0.00669342162296594323


def _gcj_offset(lat: np.ndarray, lon: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The GCJ-02 offset (degrees) of a WGS-84 point, by the published obfuscation formula."""
    x, y = lon - 105.0, lat - 35.0
    pi = np.pi
    dlat = (
        -100.0
        + 2.0 * x
        + 3.0 * y
        + 0.2 * y * y
        + 0.1 * x * y
        + 0.2 * np.sqrt(np.abs(x))
        + (20.0 * np.sin(6.0 * x * pi) + 20.0 * np.sin(2.0 * x * pi)) * 2.0 / 3.0
        + (20.0 * np.sin(y * pi) + 40.0 * np.sin(y / 3.0 * pi)) * 2.0 / 3.0
        + (160.0 * np.sin(y / 12.0 * pi) + 320.0 * np.sin(y * pi / 30.0)) * 2.0 / 3.0
    )
    dlon = (
        300.0
        + x
        + 2.0 * y
        + 0.1 * x * x
        + 0.1 * x * y
        + 0.1 * np.sqrt(np.abs(x))
        + (20.0 * np.sin(6.0 * x * pi) + 20.0 * np.sin(2.0 * x * pi)) * 2.0 / 3.0
        + (20.0 * np.sin(x * pi) + 40.0 * np.sin(x / 3.0 * pi)) * 2.0 / 3.0
        + (150.0 * np.sin(x / 12.0 * pi) + 300.0 * np.sin(x / 30.0 * pi)) * 2.0 / 3.0
    )
    rad = np.radians(lat)
    magic = 1.0 - _GCJ_EE * np.sin(rad) ** 2
    dlat = dlat * 180.0 / ((_GCJ_A * (1.0 - _GCJ_EE)) / (magic * np.sqrt(magic)) * pi)
    dlon = dlon * 180.0 / (_GCJ_A / np.sqrt(magic) * np.cos(rad) * pi)
    return dlat, dlon


def gcj02_to_wgs84(lat: ArrayLike, lon: ArrayLike, iterations: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """Convert GCJ-02 coordinates (Chinese web maps, the 2016 timetable) to WGS-84.

    The offset is a smooth function, so a few fixed-point iterations invert it to well under 1 m.

    >>> lat, lon = gcj02_to_wgs84(28.0, 120.6)
    >>> 0.1 < float(haversine_km(28.0, 120.6, lat, lon)) < 1.0
    True
    """
    glat, glon = np.asarray(lat, dtype=np.float64), np.asarray(lon, dtype=np.float64)
    wlat, wlon = glat.copy(), glon.copy()
    for _ in range(iterations):
        dlat, dlon = _gcj_offset(wlat, wlon)
        wlat, wlon = glat - dlat, glon - dlon
    return wlat, wlon
