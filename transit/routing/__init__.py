"""Travel times on a network: the running-time model, the static graph and its numba core.

:func:`travel_times` is the one way to ask; its ``method`` picks the engine.
"""
from transit.routing.paths import all_pairs_minutes, shortest_minutes
from transit.routing.static import Leg, Route, TravelTimes, travel_times

__all__ = ["travel_times", "TravelTimes", "Route", "Leg", "all_pairs_minutes", "shortest_minutes"]
