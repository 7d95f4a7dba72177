"""A route: the legs of one journey, whichever engine found it.

Both engines return their journeys as a :class:`Route` of :class:`Leg` s: the static graph (a leg
per edge: a line between two stations, a flight, a transfer, road access) and the timetable engine
(a leg per train ridden, with its departure, arrival and the wait before it).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class Leg:
    """One leg of a route.

    ``kind`` is ``rail``, ``flight``, ``transfer``, ``access`` or ``egress``; ``via`` is the line id,
    the flight (``WNZ-PEK``), the transfer mode or ``road``. Legs from a timetable also carry the
    train, its departure and arrival (minutes after midnight) and the wait before boarding; ``minutes``
    is then the wait plus the ride, so the legs of a route add up to its time.
    """

    from_id: str
    to_id: str
    kind: str
    via: str
    minutes: float
    train: str | None = None
    departure_minutes: float | None = None
    arrival_minutes: float | None = None
    wait_minutes: float = 0.0


@dataclass(frozen=True)
class Route:
    """The legs of a fastest journey, in order."""

    origin: str
    destination: str
    measure: str
    legs: tuple[Leg, ...]

    @property
    def minutes(self) -> float:
        """Total minutes (inf when there is no route)."""
        if not self.legs:
            return 0.0 if self.origin == self.destination else float("inf")
        return float(sum(leg.minutes for leg in self.legs))

    @property
    def vehicle_legs(self) -> list[Leg]:
        """The rail and flight legs, merging consecutive legs on the same line."""
        out: list[Leg] = []
        for leg in self.legs:
            if leg.kind not in ("rail", "flight"):
                continue
            out.append(leg)
        return out

    @property
    def transfers(self) -> int:
        """Changes of vehicle: rail and flight legs less one (0 when fewer than two)."""
        return max(len(self.vehicle_legs) - 1, 0)

    @property
    def lines(self) -> list[str]:
        """The lines and flights used, in order."""
        return [leg.via for leg in self.vehicle_legs]

    def to_frame(self) -> pd.DataFrame:
        """One row per leg: from_id, to_id, kind, via, minutes."""
        return pd.DataFrame(
            [leg.__dict__ for leg in self.legs],
            columns=[
                "from_id",
                "to_id",
                "kind",
                "via",
                "minutes",
                "train",
                "departure_minutes",
                "arrival_minutes",
                "wait_minutes",
            ],
        )

    def __str__(self) -> str:
        if not self.legs:
            return f"{self.origin} -> {self.destination}: " + (
                "same place" if self.origin == self.destination else "no route"
            )
        parts = [
            f"{self.origin} -> {self.destination}: {self.minutes:.0f} min ({self.measure} measure), "
            f"{self.transfers} transfer(s)"
        ]
        for leg in self.legs:
            parts.append(f"  {leg.from_id:>24} -> {leg.to_id:<24} {leg.kind:<8} {leg.via:<28} {leg.minutes:6.1f} min")
        return "\n".join(parts)
