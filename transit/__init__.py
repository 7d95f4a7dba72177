"""transit: rail and air travel times, time-circle goals and accessibility for the Yangtze River Delta.

>>> import transit
>>> net = transit.load_network()                      # the bundled YRD network, as of its data date
>>> tt = transit.travel_times(net.as_of(2016), measure="station")
>>> 0 < tt.get("Shanghai", "Hangzhou") < 90
True

Maps, indicators and road access import matplotlib, geopandas and osmnx; they load on first use,
so ``import transit`` stays quick.
"""
from importlib import import_module

from transit._files import atomic_open, atomic_path, write_text
from transit.errors import GoalError, NetworkDataError, ScenarioError, TransitError, UnknownPlaceError
from transit.data.network import Network, load_network
from transit.routing.paths import all_pairs_minutes
from transit.routing import Leg, Route, TravelTimes
from transit.travel import travel_times

# public name -> module, imported on first access (heavy dependencies)
_LAZY = {
    "Goal": "goals", "load_goal": "goals", "check_goal": "goals", "list_goals": "goals",
    "Scenario": "scenarios", "load_scenario": "scenarios", "list_scenarios": "scenarios",
    "accessibility": "indicators", "accessibility_change": "indicators",
    "plot_isochrones": "maps.draw", "plot_isochrone_comparison": "maps.draw", "plot_minutes_saved": "maps.draw",
    "isochrone_surface": "maps.draw", "save_figure": "maps.draw",
    "road_access_minutes": "road", "with_road_access": "road",
}

__all__ = [
    "TransitError", "NetworkDataError", "UnknownPlaceError", "ScenarioError", "GoalError",
    "Network", "load_network",
    "travel_times", "TravelTimes", "Route", "Leg", "all_pairs_minutes",
    "atomic_path", "atomic_open", "write_text",
    *_LAZY,
]
__version__ = "0.1.0"


def __getattr__(name: str):
    if name in _LAZY:
        value = getattr(import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'transit' has no attribute {name!r}")


def __dir__():
    return sorted(__all__)
