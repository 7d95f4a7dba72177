"""The static method: the running-time model, the per-line graph and its numba all-pairs core.

``runtime`` (km, design speed, stops -> minutes), ``graph`` (the network compiled to CSR arrays),
``_kernels`` (numba) and ``paths`` (their Python layer), ``static`` (:func:`static_travel_times` and
:class:`TravelTimes`), ``route`` (:class:`Route` and :class:`Leg`, shared with the timetable engine).
Ask for times through :func:`transit.travel_times`.
"""

from transit.routing.paths import all_pairs_minutes, shortest_minutes
from transit.routing.route import Leg, Route
from transit.routing.static import TravelTimes, static_travel_times

__all__ = ["static_travel_times", "TravelTimes", "Route", "Leg", "all_pairs_minutes", "shortest_minutes"]
