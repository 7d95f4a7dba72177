"""The vocabularies every entry point shares: modes, measures, routing methods, and their defaults.

Each is a :class:`enum.StrEnum` that accepts any case (``Mode("RAIL")``), compares equal to its
plain string (``Mode.RAIL == "rail"``), and is validated here and nowhere else: the library, the
command line and goal files all call :func:`normalise_modes`, :func:`normalise_measure` and
:func:`normalise_method`.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

__all__ = [
    "Mode",
    "Measure",
    "Method",
    "normalise_modes",
    "normalise_measure",
    "normalise_method",
    "DEFAULT_MODES",
    "DEFAULT_MEASURE",
    "DEFAULT_METHOD",
]


class _CaseInsensitive(StrEnum):
    @classmethod
    def _missing_(cls, value: object) -> _CaseInsensitive | None:
        if isinstance(value, str):
            folded = value.strip().lower()
            for member in cls:
                if member.value == folded:
                    return member
        return None

    @classmethod
    def values(cls) -> tuple[str, ...]:
        """The accepted values, in order."""
        return tuple(m.value for m in cls)


class Mode(_CaseInsensitive):
    """A mode of travel: ``rail`` or ``air``."""

    RAIL = "rail"
    AIR = "air"


class Measure(_CaseInsensitive):
    """How a travel time is counted.

    ``station``: best station of A to best station of B, in-vehicle plus changes (as plans and news
    quote times). ``door``: city centre to city centre, with road access, processing and egress.
    """

    STATION = "station"
    DOOR = "door"


class Method(_CaseInsensitive):
    """The routing engine behind a travel time.

    ``static``: the per-line graph with the running-time model, a fast approximation (every pair of
    stations on a line joined as if a train ran non-stop, changes without waiting). ``timetable``:
    trains that run, from a timetable or the service model, routed by connection scan.
    """

    STATIC = "static"
    TIMETABLE = "timetable"


#: Rail only.
DEFAULT_MODES: tuple[Mode, ...] = (Mode.RAIL,)
#: Station to station.
DEFAULT_MEASURE: Measure = Measure.STATION
#: The engine :func:`transit.travel_times` uses when none is named.
DEFAULT_METHOD: Method = Method.TIMETABLE


def normalise_modes(modes: str | Iterable[str] | None) -> tuple[Mode, ...]:
    """``(Mode.RAIL,)``, ``(Mode.AIR,)`` or ``(Mode.RAIL, Mode.AIR)`` from any case, order, or one string.

    A comma-separated string (``"rail,air"``) is accepted, as the command line writes it.

    Examples
    --------
    >>> normalise_modes("Air, rail")
    (<Mode.RAIL: 'rail'>, <Mode.AIR: 'air'>)
    """
    if isinstance(modes, str):
        modes = modes.split(",")
    given = {str(m).strip().lower() for m in (modes or ()) if str(m).strip()}
    bad = sorted(given - set(Mode.values()))
    if bad or not given:
        raise ValueError(f"modes must be a non-empty subset of {Mode.values()}, got {sorted(given) or 'nothing'}")
    return tuple(m for m in Mode if m.value in given)


def _one(kind: type[_CaseInsensitive], what: str, value: str) -> _CaseInsensitive:
    try:
        return kind(value)
    except ValueError:
        raise ValueError(f"{what} must be one of {kind.values()}, got {value!r}") from None


def normalise_measure(measure: str | Measure) -> Measure:
    """The :class:`Measure` for ``measure`` in any case; a clear ValueError otherwise."""
    return Measure(_one(Measure, "measure", measure))


def normalise_method(method: str | Method) -> Method:
    """The :class:`Method` for ``method`` in any case; a clear ValueError otherwise."""
    return Method(_one(Method, "method", method))
