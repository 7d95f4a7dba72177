"""One way to ask for travel times: :func:`travel_times`, whichever engine answers.

This is the seam between the callers (goals, indicators, maps, sweeps, the command line) and the
engines below it. Each engine is a function ``(network, *, modes, measure, origins, destinations,
**options) -> result`` registered in :data:`ENGINES` under its :class:`~transit.modes.Method`; its
result offers ``get``, ``route``, ``matrix``, ``to_frame``, ``to_csv`` and ``from_origin`` and says
which ``method``, ``statistic`` and ``window`` made it. A new engine is a new entry here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from transit.data.network import Network
from transit.modes import (
    DEFAULT_MEASURE,
    DEFAULT_METHOD,
    DEFAULT_MODES,
    Method,
    normalise_method,
)
from transit.routing.static import TravelTimes, static_travel_times
from transit.timetable.travel import TimetableTravelTimes, timetable_travel_times

__all__ = ["travel_times", "ENGINES"]

#: Method -> the engine function that carries it out.
ENGINES: dict[Method, Callable[..., Any]] = {
    Method.STATIC: static_travel_times,
    Method.TIMETABLE: timetable_travel_times,
}


def travel_times(
    network: Network,
    *,
    method: str | Method = DEFAULT_METHOD,
    modes: str | Iterable[str] = DEFAULT_MODES,
    measure: str = DEFAULT_MEASURE,
    origins: Iterable[str] | None = None,
    destinations: Iterable[str] | None = None,
    **options: Any,
) -> TravelTimes | TimetableTravelTimes:
    """Fastest travel times between the places of a network on its date.

    Parameters
    ----------
    network : Network
        The network, dated (``network.as_of(year)``) and with any scenario applied.
    method : {"static", "timetable"}
        The engine: ``static`` is the per-line graph with the running-time model, a fast
        approximation; ``timetable`` routes on trains (see :class:`transit.modes.Method`).
    modes : sequence of {"rail", "air"}
        The modes allowed; ``("rail", "air")`` allows both and changes between them.
    measure : {"station", "door"}
        ``station``: best station of A to best station of B, in-vehicle plus changes (as plans and
        news quote times). ``door``: city centre to city centre, with road access and egress, station
        and airport processing and waits at changes.
    origins, destinations : sequence of str, optional
        Cities or stations (id, English or Chinese name) to compute from and report to; default all.
        Limiting origins limits the work.
    **options
        Passed to the engine (the timetable engine's departure window and statistic).

    Returns
    -------
    TravelTimes
        With ``.method``, ``.statistic`` and ``.window`` saying how the times were made.

    Examples
    --------
    >>> import transit
    >>> tt = transit.travel_times(transit.load_network(), measure="station")
    >>> tt.get("Shanghai", "Hangzhou") < 90
    True
    """
    engine = ENGINES.get(normalise_method(method))
    if engine is None:
        raise ValueError(f"method {str(method)!r} has no engine here; available: {[str(m) for m in ENGINES]}")
    return engine(network, modes=modes, measure=measure, origins=origins, destinations=destinations, **options)  # type: ignore[no-any-return]
