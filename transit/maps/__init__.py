"""Isochrone surfaces (:mod:`~transit.maps.surface`, numpy) and maps (:mod:`~transit.maps.draw`,
matplotlib: the ``[maps]`` extra), with their boundaries (:mod:`~transit.maps.boundaries`).

``transit.maps`` gives the surface functions without matplotlib; the drawing functions load
:mod:`transit.maps.draw` on first use and say which extra to install when it is missing.
"""

from importlib import import_module
from typing import Any

from transit.errors import MapError
from transit.maps.surface import (
    DEFAULT_EGRESS,
    RoadEgress,
    default_extent,
    grid_lonlat,
    isochrone_surface,
    min_plus_distance_minutes,
)

_DRAW = (
    "plot_isochrones",
    "plot_isochrone_comparison",
    "plot_minutes_saved",
    "save_figure",
    "draw_bands",
    "SPEED_CLASSES",
    "SAVED_CLASSES",
)

__all__ = [
    "MapError",
    "RoadEgress",
    "DEFAULT_EGRESS",
    "default_extent",
    "grid_lonlat",
    "isochrone_surface",
    "min_plus_distance_minutes",
    *_DRAW,
]


def __getattr__(name: str) -> Any:
    if name in _DRAW:
        return getattr(import_module("transit.maps.draw"), name)
    raise AttributeError(f"module 'transit.maps' has no attribute {name!r}")
