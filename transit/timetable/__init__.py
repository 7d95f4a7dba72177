"""Timetables: trips with stop times, read from GTFS or the 2016 workbook, or written by the service model.

The engine (:mod:`transit.timetable.engine`) routes on any :class:`Timetable`: earliest arrivals,
departure-window profiles and journeys by Connection Scan.
"""

from transit.timetable.engine import (
    CompiledTimetable,
    Journey,
    compile_timetable,
    earliest_arrival,
    fastest_journey,
    journey,
    profile,
)
from transit.timetable.gtfs import read_gtfs, write_gtfs
from transit.timetable.model import Timetable

__all__ = [
    "Timetable",
    "read_gtfs",
    "write_gtfs",
    "compile_timetable",
    "CompiledTimetable",
    "earliest_arrival",
    "profile",
    "journey",
    "fastest_journey",
    "Journey",
]
