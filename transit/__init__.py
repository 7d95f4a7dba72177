"""transit: rail and air travel times, time-circle goals and accessibility for the Yangtze River Delta.

>>> import transit
>>> net = transit.load_network()                      # the bundled YRD network, as of its data date
>>> tt = transit.travel_times(net.as_of(2016), measure="station")
>>> 0 < tt.get("Shanghai", "Hangzhou") < 90
True

The public names load their modules on first use (PEP 562), so ``import transit`` and
``transit --help`` cost no pandas, numba or matplotlib; ``transit.<name>`` is the same object as
the module attribute it stands for. The house is described in ``docs/architecture.md``.
"""

from importlib import import_module
from typing import Any

from transit.errors import (
    GoalError,
    MissingExtraError,
    NetworkDataError,
    ScenarioError,
    TimetableDataError,
    TransitError,
    UnknownPlaceError,
)

# public name -> module that defines it, imported on first access
_LAZY = {
    "atomic_path": "_files",
    "atomic_open": "_files",
    "write_text": "_files",
    "Mode": "modes",
    "Measure": "modes",
    "Method": "modes",
    "Network": "data.network",
    "load_network": "data.network",
    "travel_times": "travel",
    "TravelTimes": "routing.static",
    "Route": "routing.route",
    "Leg": "routing.route",
    "all_pairs_minutes": "routing.paths",
    "read_gtfs": "timetable.gtfs",
    "Timetable": "timetable.model",
    "synthesise_timetable": "timetable.service",
    "Goal": "goals",
    "load_goal": "goals",
    "check_goal": "goals",
    "list_goals": "goals",
    "Scenario": "scenarios",
    "load_scenario": "scenarios",
    "list_scenarios": "scenarios",
    "accessibility": "indicators",
    "accessibility_change": "indicators",
    "isochrone_surface": "maps.surface",
    "plot_isochrones": "maps.draw",
    "plot_isochrone_comparison": "maps.draw",
    "plot_minutes_saved": "maps.draw",
    "save_figure": "maps.draw",
    "road_access_minutes": "road",
    "with_road_access": "road",
}

__all__ = [
    "TransitError",
    "NetworkDataError",
    "UnknownPlaceError",
    "ScenarioError",
    "GoalError",
    "TimetableDataError",
    "MissingExtraError",
    *_LAZY,
]
__version__ = "0.2.0"


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'transit' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
