"""Goal reports: the result of :func:`transit.check_goal` and its renderings.

A :class:`GoalReport` holds tiers of :class:`TargetResult`; each target result is decided by one
(origin, destination) pair (see the quantifiers in :mod:`transit.goals`) whose route, bottleneck and
multimodal comparison are reported.

How the bottleneck of a missed target is found: :mod:`transit.goals.bottleneck`.
"""

from __future__ import annotations

import math
import textwrap
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from transit.goals.bottleneck import BENCHMARK_SPEED_KMH
from transit.goals.routes import json_minutes

__all__ = ["GoalReport", "TierResult", "TargetResult", "PairResult", "format_minutes", "format_table"]


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
    typical_minutes: float | None = None

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
            "minutes": json_minutes(self.minutes),
            "met": self.met,
            "multimodal_minutes": json_minutes(self.multimodal_minutes),
            "same_modes_door_minutes": json_minutes(self.same_modes_door_minutes),
            "typical_minutes": json_minutes(self.typical_minutes),
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
    typical_minutes: float | None = None

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
            "minutes": json_minutes(self.minutes),
            "typical_minutes": json_minutes(self.typical_minutes),
            "met": self.met,
            "margin_minutes": json_minutes(self.margin_minutes),
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
    method: str = "static"
    statistic: str = "fastest"
    window_minutes: tuple[float, float] | None = None

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
            "method": self.method,
            "statistic": self.statistic,
            "window_minutes": list(self.window_minutes) if self.window_minutes else None,
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
                        "typical_minutes": math.nan if t.typical_minutes is None else t.typical_minutes,
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

    ACCURACY_NOTES = {
        "timetable": (
            "Accuracy: times come from the service model's trains (docs/service_model.md). Against the real "
            "2016 timetable, with whole corridors held out of the fit, the fastest journeys were about 6 % "
            "off in the median and four in five within 15 % (8 % and three in four where one train is "
            "fastest); on published fastest times of 2008-2025 never used by the fit, close on lines open a "
            "year or more, and without bias but 10-15 % off either way in a line's first days, which run a "
            "few trains (docs/validation.md). The typical departure, the wait included, is looser: about 14 % "
            "off in the median. Read a margin under about 10 % of the limit as too close to call."
        ),
        "static": (
            "Accuracy: the static method joins every pair of stations of a line as if a train ran non-stop "
            "and lets changes cost nothing; it runs optimistic, most on long trips and trips with a change "
            "(docs/validation.md). Use it to rank options fast, not to judge a goal."
        ),
    }

    @property
    def accuracy_note(self) -> str:
        """What the times can be trusted for, by method."""
        return self.ACCURACY_NOTES.get(self.method, self.ACCURACY_NOTES["static"])

    def method_text(self) -> str:
        """How the times were made, in a sentence."""
        if self.method != "timetable":
            return "Times: static method (per-line graph with the running-time model, a fast approximation)."
        start, length = self.window_minutes or (360.0, 960.0)
        h0, m0 = divmod(int(start), 60)
        h1, m1 = divmod(int(start + length), 60)
        judged = "the fastest train of the day" if self.statistic == "fastest" else f"the {self.statistic} departure"
        return (
            f"Times: timetable method (the service model's trains, departures {h0:02d}:{m0:02d}-{h1:02d}:{m1:02d}); "
            f"judged on {judged}; 'typical' is the median over the window, the wait for the first train included."
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
            out.append(
                "| target | time | typical | met | margin | route | door to door, same modes | door to door, with air |"
            )
            out.append("|---|---:|---:|:---:|---:|---|---:|---:|")
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
                    f"| {label} | {format_minutes(t.minutes)} | {format_minutes(t.typical_minutes)} | "
                    f"{'yes' if t.met else '**no**'} | "
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
        out.append(self.method_text())
        out.append("")
        out.append(self.accuracy_note)
        return "\n".join(out) + "\n"

    def to_text(self, width: int | None = None) -> str:
        """A terminal table, one row per target, then what holds each miss back.

        Parameters
        ----------
        width : int, optional
            The terminal's width in columns (``shutil.get_terminal_size().columns``): each table then
            leaves out the door comparison, then the route, and cuts long names, until its lines fit,
            saying which columns it left out; the notes are wrapped. None (default): everything, as in
            a file.
        """
        out = [*_wrap(self._title(), width), "=" * min(100, len(self._title()), width or 100)]
        for tier in self.tiers:
            out.append("")
            out.append(
                f"{tier.name} tier: within {tier.within_minutes:g} min "
                f"({'+'.join(tier.modes)}, {tier.measure} measure) -> {'MET' if tier.met else 'MISSED'}"
            )
            rows = [("target", "time", "typical", "met", "margin", "via", "door: same modes / with air")]
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
                        format_minutes(t.typical_minutes),
                        "yes" if t.met else "NO",
                        _margin(t),
                        (t.route or {}).get("summary", ""),
                        mm_text,
                    )
                )
            lines, dropped = format_table(rows, width=width, drop_order=(6, 5, 2), shrink={5: 24, 0: 16})
            out.extend(lines)
            if dropped:
                out.extend(
                    _wrap(
                        f"  (left out to fit {width} columns: {'; '.join(dropped)}; "
                        "the markdown report and --format json have them)",
                        width,
                    )
                )
            for t in tier.targets:
                if not t.met and t.bottleneck:
                    out.extend(_wrap(f"  ! {t.name}: {t.bottleneck.get('summary', '')}", width, indent="    "))
        out.append("")
        out.append(f"Overall: {'every tier met' if self.met else 'not met'}.")
        out.extend(_wrap(self.method_text(), width))
        out.extend(_wrap(self.accuracy_note, width))
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


def format_table(
    rows: list[tuple[str, ...]],
    *,
    width: int | None = None,
    drop_order: tuple[int, ...] = (),
    shrink: dict[int, int] | None = None,
    max_cell: int = 60,
) -> tuple[list[str], list[str]]:
    """A text table (first row the header) that fits ``width`` terminal columns.

    Parameters
    ----------
    rows : list of tuples of str
        The header, then the rows.
    width : int, optional
        The terminal's width; None: no limit.
    drop_order : tuple of int
        Columns that may be left out, first to go first. A column that may also shrink (``shrink``) is
        cut to its minimum before it is left out.
    shrink : dict, optional
        Column -> the narrowest it may be cut to (long cells end in ``~``).
    max_cell : int
        No cell is wider than this, whatever the width.

    Returns
    -------
    lines : list of str
    dropped : list of str
        The headers of the columns left out.

    Examples
    --------
    >>> lines, dropped = format_table([("a", "b"), ("1", "a long cell")], width=8, drop_order=(1,))
    >>> lines, dropped
    (['  a', '  -', '  1'], ['b'])
    """
    shrink = dict(shrink or {})
    rows = [tuple(_cut(c, max_cell) for c in r) for r in rows]
    keep = list(range(len(rows[0]))) if rows else []
    widths = {i: max(_width(r[i]) for r in rows) for i in keep}

    def total() -> int:
        return 2 + sum(widths[i] for i in keep) + 2 * max(len(keep) - 1, 0)

    def fit(i: int) -> None:
        if i in shrink and width is not None and total() > width:
            widths[i] = max(shrink[i], _width(rows[0][i]), widths[i] - (total() - width))

    dropped: list[str] = []
    if width is not None:
        for i in drop_order:
            if total() <= width:
                break
            fit(i)
            if total() > width and len(keep) > 1:
                keep.remove(i)
                dropped.append(rows[0][i])
        for i in sorted(shrink):
            if i in keep:
                fit(i)
    lines = []
    for k, r in enumerate(rows):
        cells = [_cut(r[i], widths[i]) for i in keep]
        lines.append("  " + "  ".join(c + " " * (widths[i] - _width(c)) for i, c in zip(keep, cells)).rstrip())
        if k == 0:
            lines.append("  " + "  ".join("-" * widths[i] for i in keep))
    return lines, dropped


def _table(rows: list[tuple[str, ...]], max_width: int = 60) -> list[str]:
    return format_table(rows, max_cell=max_width)[0]


def _cut(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` display columns, ending in ``~`` when cut."""
    if _width(text) <= limit:
        return text
    out, used = [], 0
    for ch in text:
        w = _width(ch)
        if used + w > limit - 1:
            break
        out.append(ch)
        used += w
    return "".join(out) + "~"


def _wrap(text: str, width: int | None, indent: str = "") -> list[str]:
    """``text`` as lines of at most ``width`` columns (one line when ``width`` is None)."""
    if width is None or _width(text) <= width:
        return [text]
    lead = text[: len(text) - len(text.lstrip())]
    chars = max(width, 20)
    while True:  # textwrap counts characters; a CJK character takes two columns
        lines = textwrap.wrap(text, width=chars, subsequent_indent=indent or lead) or [text]
        if chars <= 20 or max(_width(line) for line in lines) <= width:
            return lines
        chars -= 2


def _width(text: str) -> int:
    """Display width: CJK characters take two columns in a terminal."""
    return sum(
        2 if ord(ch) >= 0x1100 and (0x2E80 <= ord(ch) <= 0xFFDC or 0x1100 <= ord(ch) <= 0x115F) else 1 for ch in text
    )


# --------------------------------------------------------------------------- evaluation


# --------------------------------------------------------------------------- routes and bottlenecks
