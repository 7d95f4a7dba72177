"""Isochrone surfaces (:mod:`~transit.maps.surface`, numpy) and maps (:mod:`~transit.maps.draw`,
matplotlib: the ``[maps]`` extra), the offline HTML map (:mod:`~transit.maps.html`), with their
boundaries (:mod:`~transit.maps.boundaries`, a file shipped in the package) and the CJK font
(:mod:`~transit.maps.fonts`).

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
    "place_label",
)

_HTML = ("MapLayer", "map_layer", "render_html_map", "write_html_map", "write_isochrone_html")

__all__ = [
    "MapError",
    "RoadEgress",
    "DEFAULT_EGRESS",
    "default_extent",
    "grid_lonlat",
    "isochrone_surface",
    "min_plus_distance_minutes",
    *_DRAW,
    *_HTML,
]


def __getattr__(name: str) -> Any:
    if name in _DRAW:
        return getattr(import_module("transit.maps.draw"), name)
    if name in _HTML:
        return getattr(import_module("transit.maps.html"), name)
    raise AttributeError(f"module 'transit.maps' has no attribute {name!r}")
