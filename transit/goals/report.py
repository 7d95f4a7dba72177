"""Goal reports: the result of :func:`transit.check_goal` and its renderings.

A :class:`GoalReport` holds tiers of :class:`TargetResult`; each target result is decided by one
(origin, destination) pair (see the quantifiers in :mod:`transit.goals`) whose route, bottleneck and
multimodal comparison are reported.

How the bottleneck of a missed target is found: :mod:`transit.goals.bottleneck`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from transit.goals.bottleneck import BENCHMARK_SPEED_KMH
from transit.goals.routes import _finite

__all__ = ["GoalReport", "TierResult", "TargetResult", "PairResult", "format_minutes"]


def format_minutes(minutes: float | None) -> str:
    """``135`` -> ``"2 h 15 min"``; inf or None -> ``"unreachable"``."""
    if minutes is None or not math.isfinite(minutes):
        return "unreachable"
    m = int(round(minutes))
    return f"{m // 60} h {m % 60:02d} min" if m >= 60 else f"{m} min"


@dataclass(frozen=True)
class PairResult:
    """One (origin, destination) pair of a target, with the multimodal comparison when there is one."""

    origin: str
    destination: str
    minutes: float
    met: bool
    multimodal_minutes: float | None = None
    same_modes_door_minutes: float | None = None

    @property
    def air_wins(self) -> bool:
        """True when the comparison (rail and air) beats the goal's modes in the same measure."""
        if self.multimodal_minutes is None or not math.isfinite(self.multimodal_minutes):
            return False
        same = self.same_modes_door_minutes
        return same is None or not math.isfinite(same) or self.multimodal_minutes < same - 0.5

    def to_dict(self) -> dict:
        return {
            "origin": self.origin,
            "destination": self.destination,
            "minutes": _finite(self.minutes),
            "met": self.met,
            "multimodal_minutes": _finite(self.multimodal_minutes),
            "same_modes_door_minutes": _finite(self.same_modes_door_minutes),
        }


@dataclass(frozen=True)
class TargetResult:
    """The result for one target of a tier.

    ``minutes`` is the deciding time (see the quantifiers in :mod:`transit.goals`), ``margin_minutes``
    the limit less it (negative for a miss), ``route`` the deciding pair's route as a dict (see
    :func:`route_to_dict`), ``bottleneck`` for a miss (see :func:`find_bottleneck`), ``multimodal``
    the comparison with the goal's comparison modes and measure.
    """

    target: str
    name: str
    name_zh: str
    kind: str
    quantifier: str
    share: float | None
    minutes: float
    met: bool
    within_minutes: float
    origin: str
    destination: str
    route: dict | None
    pairs: tuple[PairResult, ...]
    bottleneck: dict | None = None
    multimodal: dict | None = None
    note: str = ""

    @property
    def margin_minutes(self) -> float:
        return self.within_minutes - self.minutes

    @property
    def pairs_met(self) -> int:
        return sum(p.met for p in self.pairs)

    def to_dict(self) -> dict:
        return {
            "target": self.target,
            "name": self.name,
            "name_zh": self.name_zh,
            "kind": self.kind,
            "quantifier": self.quantifier,
            "share": self.share,
            "minutes": _finite(self.minutes),
            "met": self.met,
            "margin_minutes": _finite(self.margin_minutes),
            "origin": self.origin,
            "destination": self.destination,
            "pairs_met": self.pairs_met,
            "pairs_total": len(self.pairs),
            "route": self.route,
            "bottleneck": self.bottleneck,
            "multimodal": self.multimodal,
            "pairs": [p.to_dict() for p in self.pairs] if len(self.pairs) > 1 else [],
            "note": self.note,
        }


@dataclass(frozen=True)
class TierResult:
    """The result for one tier: met when every target is met."""

    id: str
    name: str
    name_zh: str
    within_minutes: float
    modes: tuple[str, ...]
    measure: str
    interpretation: str
    targets: tuple[TargetResult, ...]

    @property
    def met(self) -> bool:
        return all(t.met for t in self.targets)

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "name": self.name,
            "name_zh": self.name_zh,
            "within_minutes": self.within_minutes,
            "modes": list(self.modes),
            "measure": self.measure,
            "met": self.met,
            "interpretation": self.interpretation,
            "targets": [t.to_dict() for t in self.targets],
        }


@dataclass(frozen=True)
class GoalReport:
    """Which targets of a goal are met on a date, by how much, along which route, and what holds misses back.

    Use :meth:`to_frame`, :meth:`to_dict` (JSON-ready), :meth:`to_markdown`, :meth:`to_text` (a
    terminal table); :attr:`met` is True when every tier is met.
    """

    goal: object
    as_of: date
    scenarios: tuple[str, ...]
    tiers: tuple[TierResult, ...]
    network_name: str = ""
    place_names: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def met(self) -> bool:
        return all(t.met for t in self.tiers)

    def to_dict(self) -> dict:
        g = self.goal
        return {
            "goal": g.id,
            "goal_name": g.name,
            "goal_name_zh": g.name_zh,
            "network": self.network_name,
            "as_of": self.as_of.isoformat(),
            "scenarios": list(self.scenarios),
            "met": self.met,
            "origin": g.origin,
            "source": dict(g.source),
            "benchmark_speed_kmh": BENCHMARK_SPEED_KMH,
            "tiers": [t.to_dict() for t in self.tiers],
        }

    def to_frame(self) -> pd.DataFrame:
        """One row per target: tier, limit, target, deciding pair, minutes, met, margin, route, bottleneck."""
        rows = []
        for tier in self.tiers:
            for t in tier.targets:
                mm = t.multimodal or {}
                rows.append(
                    {
                        "tier": tier.id,
                        "within_minutes": tier.within_minutes,
                        "target": t.target,
                        "name": t.name,
                        "name_zh": t.name_zh,
                        "quantifier": t.quantifier,
                        "origin": t.origin,
                        "destination": t.destination,
                        "minutes": t.minutes,
                        "met": t.met,
                        "margin_minutes": t.margin_minutes,
                        "pairs_met": t.pairs_met,
                        "pairs_total": len(t.pairs),
                        "route": (t.route or {}).get("summary", ""),
                        "transfers": (t.route or {}).get("transfers"),
                        "bottleneck": (t.bottleneck or {}).get("summary", ""),
                        "minutes_to_cut": (t.bottleneck or {}).get("minutes_to_cut"),
                        "multimodal_minutes": (
                            math.nan if not mm else math.inf if mm.get("minutes") is None else mm["minutes"]
                        ),
                        "same_modes_door_minutes": mm.get("same_modes_minutes"),
                        "air_wins": bool(mm.get("air_wins", False)),
                    }
                )
        return pd.DataFrame(rows)

    # ------------------------------------------------------------------ text renderings
    def _title(self) -> str:
        g = self.goal
        scen = f", scenario {' + '.join(self.scenarios)}" if self.scenarios else ""
        zh = f" ({g.name_zh})" if g.name_zh else ""
        return f"{g.name}{zh}: as of {self.as_of.isoformat()}{scen}"

    ACCURACY_NOTE = (
        "Accuracy: modelled rail times were validated against the real national timetable of "
        "2016-03-10 (docs/validation.md: about 5 % median error, 9 in 10 pairs within 15 %); "
        "they run optimistic through the Hangzhou hub, where every train stops, so read a margin "
        "under about 15 % of the limit as too close to call."
    )

    def to_markdown(self) -> str:
        """A markdown report: a summary table per tier, then the routes and what holds each miss back."""
        g = self.goal
        out = [f"# {self._title()}", ""]
        out.append(f"Goal `{g.id}`, network `{self.network_name}`. Overall: **{'met' if self.met else 'not met'}**.")
        doc = g.source.get("document")
        if doc:
            out.append(f"Source: {doc}" + (f", {g.source['section']}" if g.source.get("section") else "") + ".")
        out.append("")
        for tier in self.tiers:
            modes = "+".join(tier.modes)
            out.append(
                f"## {tier.name} (within {tier.within_minutes:g} min, {modes}, {tier.measure} measure): "
                f"{'met' if tier.met else 'not met'}"
            )
            out.append("")
            if tier.interpretation:
                out.append(f"_{' '.join(tier.interpretation.split())}_")
                out.append("")
            out.append("| target | time | met | margin | route | door to door, same modes | door to door, with air |")
            out.append("|---|---:|:---:|---:|---|---:|---:|")
            for t in tier.targets:
                label = f"{t.name} {t.name_zh}".strip()
                if len(t.pairs) > 1:
                    label += (
                        f" ({t.quantifier}{'' if t.share is None else f' {t.share:g}'}: "
                        f"{t.pairs_met}/{len(t.pairs)} pairs within)"
                    )
                mm = t.multimodal or {}
                mm_text = format_minutes(mm.get("minutes"))
                if mm.get("air_wins"):
                    mm_text += " (air faster)"
                out.append(
                    f"| {label} | {format_minutes(t.minutes)} | {'yes' if t.met else '**no**'} | "
                    f"{_margin(t)} | {(t.route or {}).get('summary', '')} | "
                    f"{format_minutes(mm.get('same_modes_minutes'))} | {mm_text} |"
                )
            out.append("")
            for t in tier.targets:
                if 1 < len(t.pairs) <= MEMBERS_LISTED:
                    out.append(f"- {t.name}: " + "; ".join(_pair_text(self, t, p) for p in t.pairs) + ".")
            if any(1 < len(t.pairs) <= MEMBERS_LISTED for t in tier.targets):
                out.append("")
            misses = [t for t in tier.targets if not t.met]
            for t in misses:
                b = t.bottleneck or {}
                if math.isfinite(t.minutes):
                    out.append(f"- **{t.name}** misses by {format_minutes(-t.margin_minutes)}: {b.get('summary', '')}")
                else:
                    out.append(f"- **{t.name}** is unreachable: {b.get('summary', 'no route')}")
            if misses:
                out.append("")
        out.append(
            f"Times are fastest scheduled or modelled times, {self.tiers[0].measure if self.tiers else ''} "
            "measure unless a tier says otherwise; the bottleneck is the leg with the most minutes over a "
            f"{BENCHMARK_SPEED_KMH:g} km/h straight-line run (see docs/goals.md)."
        )
        out.append("")
        out.append(self.ACCURACY_NOTE)
        return "\n".join(out) + "\n"

    def to_text(self) -> str:
        """A terminal table, one row per target, then what holds each miss back."""
        out = [self._title(), "=" * min(100, len(self._title()))]
        for tier in self.tiers:
            out.append("")
            out.append(
                f"{tier.name} tier: within {tier.within_minutes:g} min "
                f"({'+'.join(tier.modes)}, {tier.measure} measure) -> {'MET' if tier.met else 'MISSED'}"
            )
            rows = [("target", "time", "met", "margin", "via", "door: same modes / with air")]
            for t in tier.targets:
                label = t.name if not t.name_zh else f"{t.name} {t.name_zh}"
                if len(t.pairs) > 1:
                    label += (
                        f" [{t.quantifier}{'' if t.share is None else f' {t.share:g}'} {t.pairs_met}/{len(t.pairs)}]"
                    )
                mm = t.multimodal or {}
                mm_text = f"{format_minutes(mm.get('same_modes_minutes'))} / {format_minutes(mm.get('minutes'))}" + (
                    " (air faster)" if mm.get("air_wins") else ""
                )
                rows.append(
                    (
                        label,
                        format_minutes(t.minutes),
                        "yes" if t.met else "NO",
                        _margin(t),
                        (t.route or {}).get("summary", ""),
                        mm_text,
                    )
                )
            out.extend(_table(rows))
            for t in tier.targets:
                if not t.met and t.bottleneck:
                    out.append(f"  ! {t.name}: {t.bottleneck.get('summary', '')}")
        out.append("")
        out.append(f"Overall: {'every tier met' if self.met else 'not met'}.")
        out.append(self.ACCURACY_NOTE)
        return "\n".join(out) + "\n"

    def __str__(self) -> str:
        return self.to_text()


MEMBERS_LISTED = 12
"""Group targets with at most this many pairs list every pair in the markdown report."""


def _pair_text(report: GoalReport, t: TargetResult, p: PairResult) -> str:
    """``Beijing 7 h 30 min ✗ (rail+air door 5 h 15 min, air faster)``; origin shown when there are several."""
    names = report.place_names
    b = names.get(p.destination, p.destination)
    one_origin = len({q.origin for q in t.pairs}) == 1
    text = f"{b if one_origin else names.get(p.origin, p.origin) + '-' + b} {format_minutes(p.minutes)}"
    text += "" if p.met else " ✗"
    if p.multimodal_minutes is not None:
        text += (
            f" (door to door: {format_minutes(p.same_modes_door_minutes)} as above, "
            f"{format_minutes(p.multimodal_minutes)} with air{', air faster' if p.air_wins else ''})"
        )
    return text


def _margin(t: TargetResult) -> str:
    if not math.isfinite(t.minutes):
        return "-"
    m = t.margin_minutes
    return f"+{m:.0f} min" if m >= 0 else f"{m:.0f} min"


def _table(rows: list[tuple[str, ...]], max_width: int = 60) -> list[str]:
    rows = [tuple(c if len(c) <= max_width else c[: max_width - 1] + "~" for c in r) for r in rows]
    widths = [max(_width(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = []
    for k, r in enumerate(rows):
        lines.append("  " + "  ".join(c + " " * (widths[i] - _width(c)) for i, c in enumerate(r)).rstrip())
        if k == 0:
            lines.append("  " + "  ".join("-" * w for w in widths))
    return lines


def _width(text: str) -> int:
    """Display width: CJK characters take two columns in a terminal."""
    return sum(
        2 if ord(ch) >= 0x1100 and (0x2E80 <= ord(ch) <= 0xFFDC or 0x1100 <= ord(ch) <= 0x115F) else 1 for ch in text
    )


# --------------------------------------------------------------------------- evaluation


# --------------------------------------------------------------------------- routes and bottlenecks
