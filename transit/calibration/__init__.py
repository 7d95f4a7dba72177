"""Calibration and validation against the real 2016 timetable (read at run time from ``../shared``)."""
