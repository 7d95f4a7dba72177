"""transit: rail and air travel times, time-circle goals and accessibility for the Yangtze River Delta.

>>> import transit
>>> net = transit.load_network()                      # the bundled YRD network, as of its data date
>>> tt = transit.travel_times(net.as_of(2016), measure="station")
>>> round(tt.get("Shanghai", "Hangzhou")) > 0
True
"""
from .errors import GoalError, NetworkDataError, ScenarioError, TransitError, UnknownPlaceError
from .network import Network, load_network

__all__ = [
    "TransitError",
    "NetworkDataError",
    "UnknownPlaceError",
    "ScenarioError",
    "GoalError",
    "Network",
    "load_network",
]
__version__ = "0.1.0"
