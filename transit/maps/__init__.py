"""Isochrone surfaces (numpy) and maps (matplotlib, the ``[maps]`` extra)."""
from transit.maps.draw import *  # noqa: F401,F403  (temporary, until surface and draw are split)
from transit.maps.draw import DEFAULT_EGRESS, default_extent, grid_lonlat, min_plus_distance_minutes  # noqa: F401
