"""Times of day as people and timetables write them: ``"08:00"``, ``"25:10"`` past midnight."""

from __future__ import annotations

import math

__all__ = ["parse_clock", "format_clock"]


def parse_clock(text: str | float) -> float:
    """``"08:00"`` (or ``"25:10"``, ``"08:00:30"``, or minutes as a number) -> minutes after midnight.

    Raises
    ------
    ValueError
        Naming the text and the form it should take.
    """
    if isinstance(text, (int, float)):
        return float(text)
    parts = str(text).strip().split(":")
    try:
        if len(parts) not in (2, 3) or len(parts[1]) != 2:
            raise ValueError
        h, m = int(parts[0]), int(parts[1])
        s = int(parts[2]) if len(parts) == 3 else 0
        if h < 0 or not 0 <= m < 60 or not 0 <= s < 60:
            raise ValueError
    except ValueError:
        raise ValueError(f"time {text!r} is not HH:MM (e.g. 08:00, or 25:10 after midnight)") from None
    return h * 60.0 + m + s / 60.0


def format_clock(minutes: float | None) -> str | None:
    """Minutes after midnight as ``HH:MM``, rounded to the minute (``25:10`` past midnight, as GTFS
    writes it); None or not finite gives None."""
    if minutes is None or not math.isfinite(minutes):
        return None
    m = int(round(minutes))
    return f"{m // 60:02d}:{m % 60:02d}"
