"""Timetables: trips with stop times, read from GTFS or the 2016 workbook, or written by the service model."""
from transit.timetable.model import Timetable

__all__ = ["Timetable"]
