"""Exceptions raised by transit.

Every specific error also inherits a builtin, so callers can catch either the builtin
(``ValueError``, ``KeyError``) or :class:`TransitError` for everything this package raises.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "TransitError",
    "NetworkDataError",
    "TimetableDataError",
    "Problem",
    "UnknownPlaceError",
    "AmbiguousPlaceError",
    "ScenarioError",
    "GoalError",
    "MapError",
    "ExportError",
    "IndicatorError",
    "RoadDataError",
    "BoundaryDataError",
    "MissingExtraError",
    "SweepError",
    "NotIncrementalError",
    "SchedulerUnreachableError",
]


class TransitError(Exception):
    """Base class of every error raised by transit."""


@dataclass(frozen=True)
class Problem:
    """One problem found in an input file.

    Attributes
    ----------
    file : str
        The file, as the user named it or relative to the network folder.
    row : int or None
        The 1-based line number in the file (the header is line 1), or None for a whole-file problem.
    column : str or None
        The column (or TOML key) concerned.
    value : str or None
        The offending value, as read.
    message : str
        What is wrong and how to fix it.
    """

    file: str
    row: int | None
    column: str | None
    value: str | None
    message: str

    def describe(self, column_word: str = "column") -> str:
        """The problem as one line: file, line, column (or TOML ``key``), value, message."""
        where = self.file
        if self.row is not None:
            where += f", line {self.row}"
        if self.column is not None:
            where += f", {column_word} '{self.column}'"
        if self.value is not None:
            where += f", value {self.value!r}"
        return f"{where}: {self.message}"

    def __str__(self) -> str:
        return self.describe()


def _problems_message(what: str, problems: list[Problem], where: str) -> str:
    head = f"{len(problems)} problem(s) in {what}" + (f" at {where}" if where else "")
    return head + ":\n" + "\n".join(f"  - {p}" for p in problems)


class NetworkDataError(ValueError, TransitError):
    """A network folder has one or more problems; ``.problems`` lists them all."""

    def __init__(self, problems: list[Problem], *, folder: str = ""):
        self.problems = list(problems)
        super().__init__(_problems_message("network data", self.problems, folder))


class TimetableDataError(ValueError, TransitError):
    """A timetable (a GTFS feed, a Timetable) has one or more problems; ``.problems`` lists them all."""

    def __init__(self, problems: list[Problem], *, source: str = ""):
        self.problems = list(problems)
        super().__init__(_problems_message("timetable data", self.problems, source))


class UnknownPlaceError(KeyError, TransitError):
    """A city or station name or id that the network does not know."""

    def __str__(self) -> str:  # KeyError would repr() the message
        return str(self.args[0]) if self.args else ""


class AmbiguousPlaceError(UnknownPlaceError):
    """A place name that fits several cities or stations; ``.candidates`` lists their ids."""

    def __init__(self, message: str, candidates: list[str] | tuple[str, ...] = ()):
        super().__init__(message)
        self.candidates = list(candidates)


class ScenarioError(ValueError, TransitError):
    """A scenario file that cannot be read or does not apply to the network."""


class GoalError(ValueError, TransitError):
    """A goal file that cannot be read or names places the network does not know."""


class MapError(ValueError, TransitError):
    """Bad input to a map function (extent, bands, grid size, file name)."""


class ExportError(ValueError, TransitError):
    """A file name whose suffix is not a table format, or a table that the format cannot hold."""


class IndicatorError(ValueError, TransitError):
    """Bad input to an indicator (shapes, negative populations, unknown decay)."""


class RoadDataError(ValueError, TransitError):
    """A road graph that cannot be loaded, or a request that would download without ``download=True``."""


class BoundaryDataError(RuntimeError, TransitError):
    """The offline boundary data are missing or do not have a province."""


class MissingExtraError(ImportError, TransitError):
    """An optional dependency is not installed; the message names the extra that brings it.

    Parameters
    ----------
    extra : str
        The extra of the ``transit`` distribution to install (``maps``, ``road``).
    what : str
        What needs it ("maps", "road access").
    module : str
        The missing module.
    """

    def __init__(self, extra: str, what: str, module: str):
        self.extra = extra
        super().__init__(
            f"the optional dependency {module!r}, needed for {what}, is not installed; install "
            f"the extra: pip install 'yrd-transit[{extra}]' (or '.[{extra}]' in a checkout)",
            name=module,
        )


class NotIncrementalError(ValueError, TransitError):
    """A sweep's combinations cannot be evaluated incrementally (a door-measure goal, too many projects on
    one line, ...): the sweep falls back to a full check per combination and says why. Internal to
    :mod:`transit.sweep`; never reaches a user as an error."""


class SweepError(ValueError, TransitError):
    """A scenario sweep that cannot run: an unknown project, a modification that does not apply, a bad sample."""


class SchedulerUnreachableError(ConnectionError, TransitError):
    """The Dask scheduler address given to a sweep cannot be reached."""
