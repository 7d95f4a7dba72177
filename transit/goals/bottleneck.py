"""The bottleneck of a missed target: the leg that holds it back, and what closing the gap would take.

The route's legs are compared with a benchmark: a train running at ``BENCHMARK_SPEED_KMH`` (300 km/h)
along the straight line between the leg's two ends. A leg's *excess* is its minutes less the
benchmark's; a transfer or access leg has a benchmark of zero, so all of it is excess. The bottleneck
is the leg with the largest excess: the one where the route loses most against a straight 300 km/h
line. For it the report gives its straight-line average speed, the design speed of its slowest
section in service, the minutes to cut (the target's time less the limit), and the straight-line
average speed the leg would need to close the whole gap by itself (none when the gap exceeds the
leg's own minutes).
"""

from __future__ import annotations

import math

from transit.geo import haversine_km
from transit.goals.routes import line_chainage_km, line_name, place_row

BENCHMARK_SPEED_KMH = 300.0
"""Straight-line speed of the bottleneck benchmark: the design speed of China's main HSR corridors."""


MAX_USEFUL_SPEED_KMH = 450.0
"""Above this straight-line average a leg cannot close a gap on its own (the fastest design speed is 350-400)."""


def _slowest_section(network, line_id: str, a: str, b: str) -> dict | None:
    """The section in service with the lowest design speed between stations ``a`` and ``b`` of a line."""
    chainage = line_chainage_km(network)
    if (line_id, a) not in chainage or (line_id, b) not in chainage:
        return None  # e.g. a published time between stations of different lines
    lo, hi = sorted((chainage[(line_id, a)], chainage[(line_id, b)]))
    sec = network.sections
    best = None
    for s in sec[sec["line_id"] == line_id].itertuples():
        s_lo, s_hi = sorted((chainage[(line_id, s.from_station_id)], chainage[(line_id, s.to_station_id)]))
        if s_hi > lo and s_lo < hi and (best is None or s.design_kmh < best["design_kmh"]):
            best = {
                "from": s.from_station_id,
                "to": s.to_station_id,
                "design_kmh": float(s.design_kmh),
                "from_name": place_row(network, s.from_station_id)[0],
                "to_name": place_row(network, s.to_station_id)[0],
            }
    return best


def find_bottleneck(network, route, minutes: float, within_minutes: float, modes=("rail",)) -> dict:
    """The leg that holds a missed target back, and what closing the gap would take.

    Parameters
    ----------
    network : Network
    route : Route or None
        The deciding pair's route (None when unreachable).
    minutes : float
        The deciding pair's time.
    within_minutes : float
        The tier's limit.
    modes : tuple of str
        The modes the time was measured with (for the message when unreachable).

    Returns
    -------
    dict
        ``from``, ``to``, ``kind``, ``via``, ``minutes`` of the leg, ``straight_km``, ``speed_kmh``
        (straight-line average), ``benchmark_minutes`` and ``excess_minutes`` against a straight
        ``BENCHMARK_SPEED_KMH`` run, ``slowest_section`` (design speed), ``minutes_to_cut`` (the
        target's time less the limit), ``speed_needed_kmh`` (the straight-line average speed this leg
        alone would need to close the gap; None when it cannot) and ``summary``.
    """
    if route is None or not math.isfinite(minutes):
        return {
            "reason": "unreachable",
            "minutes_to_cut": None,
            "summary": f"no route by {'+'.join(modes)} on this date",
        }
    deficit = minutes - within_minutes
    best = None
    for leg in route.legs:
        name_a, _, lat_a, lon_a = place_row(network, leg.from_id)
        name_b, _, lat_b, lon_b = place_row(network, leg.to_id)
        moving = leg.kind in ("rail", "flight")
        km = float(haversine_km(lat_a, lon_a, lat_b, lon_b)) if moving else 0.0
        km = 0.0 if not math.isfinite(km) else km
        bench = km / BENCHMARK_SPEED_KMH * 60.0
        excess = leg.minutes - bench
        if best is None or excess > best["excess_minutes"]:
            best = {
                "from": leg.from_id,
                "to": leg.to_id,
                "from_name": name_a,
                "to_name": name_b,
                "kind": leg.kind,
                "via": leg.via,
                "minutes": round(leg.minutes, 1),
                "straight_km": round(km, 1),
                "speed_kmh": round(km / leg.minutes * 60.0, 1) if leg.minutes > 0 else None,
                "benchmark_minutes": round(bench, 1),
                "excess_minutes": round(excess, 1),
            }
    if best is None:
        return {"reason": "no legs", "minutes_to_cut": round(deficit, 1), "summary": ""}
    best["minutes_to_cut"] = round(deficit, 1)
    remaining = best["minutes"] - deficit
    needed = best["straight_km"] / remaining * 60.0 if best["kind"] in ("rail", "flight") and remaining > 0 else None
    best["speed_needed_kmh"] = round(needed, 0) if needed is not None and needed <= MAX_USEFUL_SPEED_KMH else None
    best["slowest_section"] = (
        _slowest_section(network, best["via"], best["from"], best["to"]) if best["kind"] == "rail" else None
    )
    best["via_name"] = line_name(network, best["via"]) if best["kind"] == "rail" else best["via"]
    best["summary"] = _bottleneck_summary(best)
    return best


def _bottleneck_summary(b: dict) -> str:
    cut = b["minutes_to_cut"]
    if b["kind"] in ("rail", "flight"):
        text = (
            f"{b['from_name']} -> {b['to_name']} on {b['via_name']}: {b['minutes']:.0f} min for "
            f"{b['straight_km']:.0f} km straight-line ({b['speed_kmh']:.0f} km/h), "
            f"{b['excess_minutes']:.0f} min over a {BENCHMARK_SPEED_KMH:g} km/h line"
        )
        s = b.get("slowest_section")
        if s:
            text += f"; slowest section {s['from_name']}-{s['to_name']} at {s['design_kmh']:.0f} km/h design"
    else:
        text = f"a {b['minutes']:.0f}-min {b['kind']} ({b['via']}) {b['from_name']} -> {b['to_name']}"
    text += f". Cut {cut:.0f} min"
    if b.get("speed_needed_kmh"):
        text += f": this leg alone would need {b['speed_needed_kmh']:.0f} km/h straight-line average"
    elif b["kind"] in ("rail", "flight"):
        text += f": more than this leg alone can give (it would need over {MAX_USEFUL_SPEED_KMH:g} km/h)"
    else:
        text += f"; this {b['kind']} alone takes {b['minutes']:.0f} min"
    return text
